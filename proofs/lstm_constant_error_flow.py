"""The LSTM's cell state: constant error flow, forget gates, and the cell-to-cell partial.

Statement. (1) Hochreiter & Schmidhuber (1997), truncated gradient: s_c(t) = s_c(t−1) +
y_in(t) g(net_c(t)) gives ∂s_c(t)/∂s_c(t−1) = 1 — no W and no σ′, so neither λ₁ nor γ enters.
(2) With a forget gate (Gers et al., 2000): ∂s_c(t)/∂s_c(t−1) = y_φ(t) and over q steps the
product of the gates. (3) In the modern vector cell, the cell-to-cell partial — the
derivative of c_t with respect to c_{t−1} through h_{t−1} = o_{t−1}⊙tanh(c_{t−1}), with
o_{t−1} held fixed — is diag(f_t) + [diag(c_{t−1}⊙σ′(z^f))W_f + diag(g_t⊙σ′(z^i))W_i +
diag(i_t⊙tanh′(z^g))W_g] diag(o_{t−1}⊙(1 − tanh²c_{t−1})). It is a partial, not a state
Jacobian: o_{t−1} depends on h_{t−2}, so products of partials are not ∂c_t/∂c_{t−q}. The
state is (c, h); its 2n × 2n Jacobian, the carousel limit and an exploding example are
theorem lstm_state_jacobian.

Proof. Differentiate the cell update; h_{t−1} = o_{t−1}⊙tanh(c_{t−1}) carries c_{t−1} into
every gate.
"""

import numpy as np
import sympy as sp

from symgrad import Evidence, Outcome, Step, Theorem, check_identities, check_property
from symgrad.kernel import (
    Chain,
    Claim,
    Diag,
    Partial,
    Plus,
    Prime,
    Times,
    check_holds,
    power_of_ten,
)
from symgrad.maths.lstm import LSTMCell, cell_partial_formula


def _cec(settings):
    s_prev, y_in, net = sp.symbols("s_prev y_in net_c", real=True)
    g = sp.Function("g")
    s = s_prev + y_in * g(net)  # truncated: y_in and net_c do not depend on s_prev
    q = sp.Symbol("q", integer=True, positive=True)
    product = sp.Product(sp.diff(s, s_prev), (sp.Symbol("i"), 1, q)).doit()
    return Outcome(
        sp.diff(s, s_prev) == 1 and product == 1,
        Claim(
            "the cell's truncated derivative with respect to its previous value is 1, and so is "
            "the product over any",
            _q,
            "steps",
        ),
        instances=[Claim("symbolic", _q)],
    )


def _forget(settings):
    s_prev, y_phi, y_in, net = sp.symbols("s_prev y_phi y_in net_c", real=True)
    g = sp.Function("g")
    s = y_phi * s_prev + y_in * g(net)
    return check_identities(
        Claim("with a forget gate it is the gate's activation", _Y(_t)),
        [("truncated gradient", sp.diff(s, s_prev), y_phi)],
    )


def _full(settings):
    jac, formula = cell_partial_formula(2, 1)
    return check_identities(
        Claim(
            "Matrix.jacobian of",
            _c[_t],
            "w.r.t.",
            _c[_t - 1],
            ",",
            _o[_t - 1],
            "held fixed, equals the formula (",
            sp.Eq(sp.Symbol("n"), 2),
            ",",
            sp.Eq(sp.Symbol("m"), 1),
            ")",
        ),
        [("symbolic LSTM cell", jac, formula)],
    )


def _finite_differences(settings):
    from hypothesis import strategies as st

    def prop(seed, n):
        cell = LSTMCell.random(n, 2, seed=seed)
        rng = np.random.default_rng(seed + 1)
        x, c, o = rng.normal(size=2), rng.normal(size=n), rng.uniform(0, 1, size=n)
        J = cell.cell_partial(x, c, o)
        eps = 1e-6
        fd = np.column_stack(
            [
                (cell.cell(x, c + eps * e, o) - cell.cell(x, c - eps * e, o)) / (2 * eps)
                for e in np.eye(n)
            ]
        )
        err = np.max(np.abs(J - fd))
        check_holds(err <= 1e-8, f"max |formula − finite differences| = {err!r}", "10⁻⁸")

    return check_property(
        prop,
        [st.integers(0, 10**6), st.integers(1, 5)],
        settings=settings,
        default_examples=50,
        checked=Claim(
            "the formula against central differences for random cells,", sp.Symbol("n") <= 5
        ),
        tolerance=Claim(
            "absolute", power_of_ten(-8), "(central differences with step", power_of_ten(-6), ")"
        ),
    )


# the notation of the statement and the steps: the 1997 cell's state s_c(t), the forget gate
# y_φ(t), and the modern cell's vectors c_t, f_t, o_t (B_t: the gate paths through h_{t−1})
_t, _q = sp.symbols("t q")
_S, _Y = sp.Function("s_c"), sp.Function("y_phi")
_c, _f, _o = sp.IndexedBase("c"), sp.IndexedBase("f"), sp.IndexedBase("o")
_h = sp.IndexedBase("h")
_i, _g = sp.IndexedBase("i"), sp.IndexedBase("g")
_B = sp.Symbol("B_t", commutative=False)
_CELL = Partial(_c[_t], _c[_t - 1])

THEOREM = Theorem(
    id="lstm_constant_error_flow",
    title="The LSTM cell state: constant error flow and its gate paths",
    statement=Claim(
        "1997 cell, truncated gradient:",
        Chain(Partial(_S(_t), _S(_t - 1)), "=", 1),
        "; with a forget gate it is",
        _Y(_t),
        "; in the modern cell the cell-to-cell partial (",
        _o[_t - 1],
        "held fixed) is",
        Diag(_f[_t]),
        "plus gate paths through",
        _h[_t - 1],
        ".",
    ),
    formula=Chain(Partial(_c[_t], _c[_t - 1], immediate=True), "=", Diag(_f[_t])),
    proof=Claim(
        "Differentiate",
        Chain(
            _c[_t],
            "=",
            Plus(Times(Diag(_f[_t]), _c[_t - 1]), Times(Diag(_i[_t]), _g[_t])),
        ),
        ", with",
        Chain(_h[_t - 1], "=", Times(Diag(_o[_t - 1]), sp.tanh(_c[_t - 1]))),
        "in every gate.",
    ),
    references=["Hochreiter & Schmidhuber (1997)", "Gers, Schmidhuber & Cummins (2000)"],
    tags=["remedy", "lstm", "vanishing"],
    steps=[
        Step(
            Claim(Chain(Partial(_S(_t), _S(Plus(_t, -_q))), "=", 1), "(1997 cell, truncated)"),
            "the constant error carousel",
            Evidence.PROVED,
            _cec,
        ),
        Step(
            Claim(Chain(Partial(_S(_t), _S(_t - 1)), "=", _Y(_t)), "(forget gate)"),
            "the gate multiplies the carried state",
            Evidence.PROVED,
            _forget,
        ),
        Step(
            Claim(
                Chain(
                    _CELL,
                    "=",
                    Plus(
                        Diag(_f[_t]), Times(_B, Diag(_o[_t - 1]), Diag(Prime("tanh", _c[_t - 1])))
                    ),
                ),
                ", with",
                _o[_t - 1],
                "held fixed and",
                _B,
                "the gate paths",
            ),
            Claim(
                "SymPy's jacobian of the symbolic cell,",
                _c[_t - 1],
                "entering through",
                _h[_t - 1],
                "too",
            ),
            Evidence.CHECKED,
            _full,
            student=Claim(
                "differentiate the cell state entry by entry;",
                _c[_t - 1],
                "also enters through",
                _h[_t - 1],
            ),
        ),
        Step(
            Claim("the same partial, against central differences"),
            "numeric cells of random size",
            Evidence.TESTED,
            _finite_differences,
            student="",
        ),
    ],
)
