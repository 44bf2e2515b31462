"""The linear case: with σ the identity the Jacobian over a lag is a matrix power.

Statement. For σ(x) = x, ∂h⁽ᵏ⁾/∂h⁽ᵗ⁾ = W^(k−t) in numerator layout (Model A), and
(Wᵀ)^(k−t) in denominator layout; both have the same spectral norm.

Proof. Every one-step Jacobian is diag(1)·W = W, and the product of k − t copies is W^(k−t).
"""

import sympy as sp

from symgrad import Evidence, Step, SymbolicRNN, Theorem, check_identities
from symgrad.kernel import AtTime, Chain, Claim, Partial, Size


def _power(settings):
    cases = []
    for n, T in ((2, 3), (3, 4)):
        rnn = SymbolicRNN(hidden=n, steps=T, activation="identity")
        direct = rnn.states[T].jacobian(rnn.state_symbols(0))
        label = Claim(sp.Eq(_n, n), ",", sp.Eq(_k - _t, T))
        cases.append((label, direct, rnn.W**T))
    return check_identities(
        Claim("Matrix.jacobian of the unrolled linear network", Chain("=", _W ** (_k - _t))),
        cases,
    )


def _denominator(settings):
    W = sp.Matrix(3, 3, lambda i, j: sp.Symbol(f"w_{i + 1}{j + 1}"))
    return check_identities(
        Chain(sp.Transpose(_W**_k), "=", _W.T**_k),
        [
            (Claim("symbolic", Size(3, 3), ",", sp.Eq(_k, k)), (W**k).T, (W.T) ** k)
            for k in (2, 3, 5)
        ],
    )


# the notation of the statement and the steps
_k, _t, _n = sp.symbols("k t n")
_W = sp.MatrixSymbol("W", _n, _n)
_LAG = Partial(AtTime("h", _k), AtTime("h", _t))

THEOREM = Theorem(
    id="linear_case_power",
    title="The linear case: the Jacobian over a lag is Wᵏ⁻ᵗ",
    statement=Claim(
        "With",
        sp.Symbol("sigma"),
        "the identity, the Jacobian over a lag is a power of",
        _W,
        ":",
        Chain(_LAG, "=", _W ** (_k - _t)),
        "in numerator layout, and",
        _W.T ** (_k - _t),
        "in denominator layout.",
    ),
    formula=Chain(_LAG, "=", _W ** (_k - _t)),
    proof=Claim(
        "Each one-step Jacobian is",
        _W,
        "; the product of",
        _k - _t,
        "of them is",
        _W ** (_k - _t),
        ".",
    ),
    references=[
        "Pascanu et al. (2013), §2.1",
        "Goodfellow et al. (2016), eqs. 10.36–10.37",
        "seed eq. (5)",
    ],
    tags=["linear", "eq. (5)"],
    steps=[
        Step(
            Claim(Chain(_LAG, "=", _W ** (_k - _t)), "when", sp.Symbol("sigma"), "is the identity"),
            "the chain rule on the unrolled linear net",
            Evidence.CHECKED,
            _power,
        ),
        Step(
            Chain(sp.Transpose(_W ** (_k - _t)), "=", _W.T ** (_k - _t)),
            "the denominator layout of the same Jacobian",
            Evidence.CHECKED,
            _denominator,
        ),
    ],
)
