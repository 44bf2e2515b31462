"""The GRU: its state Jacobian, the additive path through (1 − z), and long lags near 1.

Statement. For the GRU h_t = (1 − z)⊙h_{t−1} + z⊙g (update gate z, reset gate r,
g = tanh(W_h(r⊙h_{t−1}) + U_h x_t + b_h); column vectors, numerator layout),
∂h_t/∂h_{t−1} = diag(1 − z) + diag((g − h_{t−1})⊙σ′(a_z))W_z +
diag(z⊙(1 − g²))W_h[diag(r) + diag(h_{t−1}⊙σ′(a_r))W_r] = I + diag(z)M, with
M = −I + diag((g − h)⊙(1 − z))W_z + diag(1 − g²)W_h[diag(r) + diag(h⊙r⊙(1 − r))W_r].
If ‖h_{t−1}‖_∞ ≤ 1 and every z_k ≤ z_max, then ‖∂h_t/∂h_{t−1} − I‖₂ ≤ z_max·K with
K = 1 + 2‖W_z‖₂ + ‖W_h‖₂(1 + ‖W_r‖₂/4); when z_max·K < 1 every product of q such Jacobians has
all singular values in [(1 − z_max·K)^q, (1 + z_max·K)^q]. Example (n = 2, W_h = [[2, −1], [1, 2]],
b_z = −9): over 100 steps the singular values of ∂h₁₀₀/∂h₀ lie in [0.98, 1], while the
tanh RNN with the same W_h, U_h, b_h has ‖∂h₁₀₀/∂h₀‖₂ < 1e-70.

Proof. Differentiate the step; σ′(a) = σ(a)(1 − σ(a)) turns the W_z term into
diag(z)·diag((g − h)⊙(1 − z))W_z, and the other two terms carry diag(z) already. The bound
uses ‖diag(d)‖₂ = max|d_k|, the triangle inequality, submultiplicativity, |g − h| ≤ 2,
r(1 − r) ≤ 1/4; for products, σ_min(I + E) ≥ 1 − ‖E‖₂ and σ_min(AB) ≥ σ_min(A)σ_min(B).
"""

import numpy as np
import sympy as sp
from flint import arb, arb_mat, ctx

from symgrad import Evidence, Outcome, Step, Theorem, check_identities, check_property
from symgrad.kernel import (
    Ball,
    Chain,
    Claim,
    Diag,
    MaxOver,
    Norm,
    Op,
    Over,
    Partial,
    Plus,
    Prime,
    Times,
    Transposed,
    check_holds,
    power_of_ten,
)
from symgrad.maths.enclosures import PRECISION, enclose, show, singular_values_2x2
from symgrad.maths.gated import largest_gap_to_symbolic
from symgrad.maths.gru import (
    GRUCell,
    additive_form,
    jacobian_bound_constant,
    lambdified_step,
    state_jacobian_formula,
    symbolic_step,
)


def _formula(settings):
    direct, formula = state_jacobian_formula(2, 1)  # n = 2 sees transposes and orders
    return check_identities(
        "SymPy's jacobian of the GRU step as written equals the closed formula, entry by entry, "
        "all weights, inputs and states symbolic",
        [(_SIZES, direct, formula)],
    )


def _additive(settings):
    lhs, rhs, _ = additive_form(2, 1)
    # both sides are quotients of polynomials in exp(·) and tanh(·): compare the numerator
    # of their difference over a common denominator
    numer = (lhs - rhs).applyfunc(lambda e: sp.expand(sp.numer(sp.together(e))))
    return check_identities(
        Claim(
            "numerator of",
            Plus(_JAC, -_I, -Times(Diag(_z), _M)),
            "over a common denominator is 0, with SymPy's jacobian as",
            _JAC,
        ),
        [(_SIZES, numer, sp.zeros(2, 2))],
    )


def _same_cell(settings):
    """GRUCell (NumPy) against the GRU written symbolically: same step, same state Jacobian."""
    h_t, sym = symbolic_step(2, 2)
    worst = largest_gap_to_symbolic(
        GRUCell,
        h_t,
        ("h",),
        sym,
        lambda rng: {"x": rng.normal(size=2), "h": rng.uniform(-1, 1, 2)},
        lambda cell, v: (cell.step(v["x"], v["h"]), cell.state_jacobian(v["x"], v["h"])),
        scale=1.0,
    )
    return Outcome(
        worst <= 1e-12,
        Claim(
            "GRUCell.step and GRUCell.state_jacobian (NumPy) against symbolic_step and SymPy's "
            "Matrix.jacobian of it, compiled separately, on 3 random cells (",
            sp.Eq(_n, 2),
            ",",
            sp.Eq(_m, 2),
            ")",
        ),
        instances=["seeds 0, 1, 2"],
        tolerance=Claim(
            "largest absolute difference",
            Chain("<=", power_of_ten(-12)),
            "(largest seen",
            sp.Float(f"{worst:.1e}"),
            "; entries are",
            sp.Function("O")(1),
            ")",
        ),
        left=Claim("largest difference", worst),
        right=Chain("<=", sp.Float("1e-12")),
    )


def _bound(settings):
    from hypothesis import strategies as st

    def prop(seed, n, gate_bias):
        cell = GRUCell.random(n, 2, seed=seed, scale=1.0)
        cell.b["z"] = cell.b["z"] + gate_bias
        rng = np.random.default_rng(seed + 1)
        x, h = rng.normal(size=2), rng.uniform(-1, 1, size=n)
        zbar = float(np.max(cell.gate(x, h)))
        gap = np.linalg.norm(cell.state_jacobian(x, h) - np.eye(n), 2)
        K = jacobian_bound_constant(cell.W)
        norm = {key: np.linalg.norm(cell.W[key], 2) for key in "zrh"}
        stated = 1 + 2 * norm["z"] + norm["h"] * (1 + norm["r"] / 4)  # K as the statement has it
        check_holds(abs(K - stated) <= 1e-12 * stated, f"K = {K!r}", f"stated K = {stated!r}")
        bound = zbar * K
        check_holds(gap <= bound * (1 + 1e-12), f"‖J − I‖₂ = {gap!r}", f"zₘₐₓ·K = {bound!r}")

    return check_property(
        prop,
        [st.integers(0, 10**6), st.integers(1, 5), st.floats(-10, 4)],
        settings=settings,
        default_examples=60,
        checked=Claim(
            _BOUND,
            ",",
            _K,
            "as stated, on random GRUs,",
            _n <= 5,
            ",",
            Chain(sp.Abs(sp.Symbol("h_i")), "<=", 1),
            ", update-gate biases shifted by amounts in",
            sp.Interval(-10, 4),
        ),
        tolerance=Claim("relative", power_of_ten(-12), "(floating-point 2-norms)"),
    )


#: The example: n = 2, m = 1, weights (all rational), inputs x_t = (−1)^t/2, h₀ = (1/2, −1/2).
EXAMPLE = {
    "Wz": [[0, 0], [0, 0]],
    "Uz": [[0], [0]],
    "bz": [-9, -9],
    "Wr": [[0, 0], [0, 0]],
    "Ur": [[0], [0]],
    "br": [0, 0],
    "Wh": [[2, -1], [1, 2]],
    "Uh": [[1], [-1]],
    "bh": [1, -1],
}
STEPS = 100


def _long_lags(settings):
    backend = {"exp": lambda a: a.exp(), "tanh": lambda a: a.tanh()}
    step, jac, _ = lambdified_step(2, 1, backend=backend)
    with ctx.workprec(PRECISION):
        weights = [
            arb(v)
            for k in "zrh"
            for p in ("W", "U", "b")
            for v in np.ravel(EXAMPLE[f"{p}{k}"]).tolist()
        ]
        h = [arb(1) / 2, -arb(1) / 2]
        product = arb_mat([[1, 0], [0, 1]])
        rnn_h, rnn_product = list(h), arb_mat([[1, 0], [0, 1]])
        Wh = arb_mat(EXAMPLE["Wh"])
        for t in range(STEPS):
            x = [arb((-1) ** t) / 2]
            product = arb_mat(jac(*h, *x, *weights)) * product
            h = step(*h, *x, *weights)
            a = [
                sum((Wh[i, j] * rnn_h[j] for j in range(2)), arb(0))
                + EXAMPLE["Uh"][i][0] * x[0]
                + EXAMPLE["bh"][i]
                for i in range(2)
            ]
            slopes = arb_mat([[1 - a[0].tanh() ** 2, 0], [0, 1 - a[1].tanh() ** 2]])
            rnn_product = slopes * Wh * rnn_product
            rnn_h = [v.tanh() for v in a]
        big, small = singular_values_2x2([[product[i, j] for j in range(2)] for i in range(2)])
        # each σ² is an eigenvalue of PᵀP: det(PᵀP − σ²I) = 0 (its ball holds 0), and σ_max ≥ σ_min
        gram = product.transpose() * product
        consistent = not small > big and all(
            (gram - s**2 * arb_mat([[1, 0], [0, 1]])).det().contains(0) for s in (big, small)
        )
        rnn_big, _ = singular_values_2x2([[rnn_product[i, j] for j in range(2)] for i in range(2)])
        zbar = enclose(1 / (1 + sp.exp(9)))
        K = 1 + 0 + sp.sqrt(5) * (1 + 0)  # ‖W_z‖₂ = ‖W_r‖₂ = 0, ‖W_h‖₂ = √5 exactly
        eps = zbar * enclose(K)
        lower, upper = (1 - eps) ** STEPS, (1 + eps) ** STEPS
    ok = bool(
        small > lower and big < upper and small > arb("0.98") and big < 1 and rnn_big < arb("1e-70")
    ) and bool(consistent)
    zK = Times(_ZMAX, _K)
    sigma, product = sp.Symbol("sigma"), sp.Symbol("P", commutative=False)
    gram = Transposed(product) * product
    return Outcome(
        ok,
        Claim(
            "all singular values of",
            _LONG,
            "between",
            Plus(1, -zK) ** STEPS,
            "and",
            Plus(1, zK) ** STEPS,
            "and within",
            sp.Interval(sp.Float("0.98"), 1),
            "(each",
            sigma**2,
            "an eigenvalue of",
            gram,
            "for the product",
            Chain(product, "=", _LONG),
            ": the ball of",
            Op("det", Plus(gram, -Times(sigma**2, _I))),
            "holds 0;",
            Chain(_SMAX, ">=", _SMIN),
            "); the tanh RNN with the same",
            _Wh,
            ",",
            _Uh,
            ",",
            _bh,
            "vanishes; certified arb enclosures along the whole trajectory",
        ),
        instances=[
            Claim(
                sp.Eq(_n, 2),
                ",",
                _Wh,
                "with rows",
                sp.Tuple(2, -1),
                "and",
                sp.Tuple(1, 2),
                ",",
                Chain(_Uh, "=", sp.ImmutableMatrix([1, -1])),
                ",",
                Chain(_bh, "=", sp.Tuple(1, -1)),
                ", zero update and reset weights, update bias",
                sp.Eq(sp.Symbol("b_z"), -9),
                ",",
                sp.Eq(sp.Symbol("b_r"), 0),
                ",",
                sp.Eq(sp.Symbol("x_t"), Over(sp.Pow(-1, _t), 2)),
                ",",
                Chain(_hs[0], "=", sp.Tuple(sp.Rational(1, 2), -sp.Rational(1, 2))),
                f", {STEPS} steps",
            )
        ],
        left=Claim(
            "GRU",
            Chain(_SMIN, "in", _ball(small, 8)),
            ",",
            Chain(_SMAX, "in", _ball(big, 8)),
            "; bounds",
            _ball(lower, 6),
            "and",
            _ball(upper, 6),
            "; RNN",
            Chain(Norm(_LONG, 2), "in", _ball(rnn_big, 4)),
        ),
        right=Claim(
            "lower bound",
            Chain("<", _SMIN, "<=", _SMAX, "<"),
            "upper bound,",
            Chain(sp.Float("0.98"), "<", _SMIN),
            ",",
            Chain(_SMAX, "<", 1),
            ", RNN",
            Chain("<", power_of_ten(-70)),
        ),
        details=[
            Claim("GRU: largest singular value of", _LONG, Chain("in", _ball(big, 10))),
            Claim("GRU: smallest singular value of", _LONG, Chain("in", _ball(small, 10))),
            Claim(
                "bound:",
                Chain(zK, "in", _ball(eps, 6)),
                "with",
                sp.Eq(_ZMAX, sp.Function("sigma")(-9)),
                ",",
                sp.Eq(_K, 1 + sp.sqrt(5)),
            ),
            Claim("tanh RNN:", Chain(Norm(_LONG, 2), "in", _ball(rnn_big, 6))),
        ],
    )


def _ball(ball, digits):
    """An arb ball as the printers' m ± r, with the digits `show` gives."""
    return Ball.parse(show(ball, digits))


# the notation of the statement and the steps: h is h_{t−1}, g the candidate state; the
# Hadamard products inside diag(·) are written as products of diagonal matrices
_t, _q = sp.symbols("t q")
_hs = sp.IndexedBase("h")
_h, _g, _z, _r, _I, _M = sp.symbols("h g z r I M", commutative=False)
_Wz, _Wh, _Wr = sp.symbols("W_z W_h W_r", commutative=False)
_az, _ar, _d = sp.symbols("a_z a_r d")
_ZMAX, _K = sp.symbols("z_max K", positive=True)
_n, _m = sp.symbols("n m")
_Uh, _bh = sp.symbols("U_h b_h", commutative=False)
_SMAX, _SMIN = sp.symbols("sigma_max sigma_min")
_SIZES = Claim(sp.Eq(_n, 2), ",", sp.Eq(_m, 1))
_JAC = Partial(_hs[_t], _hs[_t - 1])
_ADDITIVE = Chain(_JAC, "=", Plus(_I, Times(Diag(_z), _M)))
_BOUND = Chain(Norm(Plus(_JAC, -_I), 2), "<=", Times(_ZMAX, _K))
_FORMULA = Plus(
    Diag(Plus(1, -_z)),
    Times(Diag(Plus(_g, -_h)), Diag(Prime("sigma", _az)), _Wz),
    Times(
        Diag(_z),
        Diag(Plus(1, -(_g**2))),
        _Wh,
        Plus(Diag(_r), Times(Diag(_h), Diag(Prime("sigma", _ar)), _Wr)),
    ),
)
_K_IS = Plus(1, Times(2, Norm(_Wz, 2)), Times(Norm(_Wh, 2), Plus(1, Over(Norm(_Wr, 2), 4))))
_LONG = Partial(_hs[STEPS], _hs[0])
# the update hₜ = (1 − z)⊙hₜ₋₁ + z⊙g, its Hadamard products as products with diagonal matrices
_UPDATE = Plus(Times(Diag(Plus(1, -_z)), _hs[_t - 1]), Times(Diag(_z), _g))
_x, _E = sp.Symbol("x"), sp.Symbol("E", commutative=False)

THEOREM = Theorem(
    id="gru_state_jacobian",
    title="The GRU: its state Jacobian, the additive path and long lags",
    statement=Claim(
        "For",
        Chain(_hs[_t], "=", _UPDATE),
        ":",
        _ADDITIVE,
        "; if",
        Chain(Norm(_hs[_t - 1], sp.oo), "<=", 1),
        "and",
        Chain(_z, "<=", _ZMAX),
        "then",
        _BOUND,
        "with",
        Chain(_K, "=", _K_IS),
        ", so with",
        Chain(Times(_ZMAX, _K), "<", 1),
        "the singular values of a",
        _q,
        "-step product lie between",
        Plus(1, -Times(_ZMAX, _K)) ** _q,
        "and",
        Plus(1, Times(_ZMAX, _K)) ** _q,
        "; an instance keeps them in",
        sp.Interval(sp.Float("0.98"), 1),
        "over 100 steps where the tanh RNN vanishes.",
    ),
    formula=Claim(_ADDITIVE, ",", _BOUND),
    proof=Claim(
        "Differentiate the step;",
        Chain(
            Prime("sigma", _x),
            "=",
            Times(sp.Function("sigma")(_x), Plus(1, -sp.Function("sigma")(_x))),
        ),
        "puts",
        Diag(_z),
        "in front of every term but",
        Chain(Diag(Plus(1, -_z)), "=", Plus(_I, -Diag(_z))),
        ". Bound",
        _M,
        "with the norm lemmas; Weyl's inequality (the smallest singular value of",
        Plus(_I, _E),
        "is at least",
        Plus(1, -Norm(_E, 2)),
        ") and submultiplicativity give the product bounds.",
    ),
    references=[
        "Cho et al. (2014) (z and 1 − z swapped: h' = z⊙h + (1 − z)⊙g)",
        "Chung, Gulcehre, Cho & Bengio (2014) (this convention)",
        "Zhang et al., Dive into Deep Learning, §10.2 (GRU; z and 1 − z swapped)",
    ],
    tags=["gru", "remedy", "vanishing"],
    convention=Claim(
        "column vectors, numerator layout;",
        Chain(
            sp.Symbol("hprime"),
            "=",
            Plus(Times(Diag(Plus(1, -_z)), _h), Times(Diag(_z), _g)),
        ),
        "(PyTorch/d2l write",
        Plus(Times(Diag(_z), _h), Times(Diag(Plus(1, -_z)), _g)),
        "); reset applied before the candidate's recurrent weights",
    ),
    steps=[
        Step(
            Claim("the NumPy GRU cell is the GRU written symbolically"),
            "its step and state Jacobian against the symbolic step and Matrix.jacobian",
            Evidence.TESTED,
            _same_cell,
            student="",
        ),
        Step(
            Chain(_JAC, "=", _FORMULA),
            "SymPy's Matrix.jacobian of the step as written, against the closed formula",
            Evidence.CHECKED,
            _formula,
            student=Claim(
                "differentiate the step entry by entry: chain and product rule through",
                _z,
                ",",
                _r,
                "and",
                _g,
            ),
        ),
        Step(
            Claim(_ADDITIVE, "(the additive path through", Plus(1, -_z), ")"),
            Claim(
                Chain(
                    Prime("sigma", _az),
                    "=",
                    Times(sp.Function("sigma")(_az), Plus(1, -sp.Function("sigma")(_az))),
                ),
                "puts",
                Diag(_z),
                "in front of every term except the identity",
            ),
            Evidence.CHECKED,
            _additive,
        ),
        Step(
            Claim(
                _BOUND,
                "when",
                Chain(Norm(_hs[_t - 1], sp.oo), "<=", 1),
                ",",
                Chain(_z, "<=", _ZMAX),
                ", with",
                Chain(_K, "=", _K_IS),
            ),
            Claim(
                Chain(Norm(Diag(_d), 2), "=", MaxOver(sp.Abs(sp.Symbol("d_k")), sp.Symbol("k"))),
                ", triangle inequality, submultiplicativity,",
                Chain(sp.Abs(Plus(_g, -_h)), "<=", 2),
                ",",
                Chain(Times(_r, Plus(1, -_r)), "<=", sp.Rational(1, 4)),
            ),
            Evidence.TESTED,
            _bound,
        ),
        Step(
            Claim(
                "an instance: the singular values of",
                _LONG,
                "lie in",
                sp.Interval(sp.Float("0.98"), 1),
                "and inside the bound; the tanh RNN with the same",
                _Wh,
                "has",
                Chain(Norm(_LONG, 2), "<", sp.Float(1e-70)),
            ),
            "certified arb enclosures of the trajectory, the Jacobian product (from SymPy's "
            "jacobian of the step) and its singular values",
            Evidence.CHECKED,
            _long_lags,
            student=(
                "the trajectory, the Jacobian product and its singular values computed with "
                "guaranteed error bounds"
            ),
        ),
    ],
)
