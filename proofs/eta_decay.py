"""η-decay: long-range gradient components shrink at least like η^(k−t) when η = λ₁γ < 1.

Statement. If ‖J_i‖₂ ≤ η for every i (e.g. η = λ₁γ), then for every row vector
e = ∂L⁽ᵏ⁾/∂h⁽ᵏ⁾, ‖e J_k ⋯ J_{t+1}‖ ≤ η^(k−t) ‖e‖. With η < 1 the long-term components vanish
exponentially fast as k − t grows (not "t − k", as the seed prints).

Proof. Induction on j = k − t. j = 0: ‖e‖ ≤ η⁰‖e‖. Step: ‖e P J‖ ≤ ‖e P‖ ‖J‖ ≤ η^j‖e‖ · η.
"""

import sympy as sp

from symgrad import Evidence, Outcome, Step, Theorem, check_property
from symgrad.kernel import (
    AtTime,
    Cdots,
    Chain,
    Claim,
    Norm,
    OrderedProduct,
    Over,
    Partial,
    Plus,
    Size,
    Tends,
    Times,
    check_holds,
    power_of_ten,
)
from symgrad.maths import bounds

eta = sp.Symbol("eta", positive=True)
E = sp.Symbol("E", nonnegative=True)  # ‖e‖
j = sp.Symbol("j", integer=True, nonnegative=True)


def base_gap(bound=eta**0 * E):
    """bound − ‖e I‖ for symbolic n: the base case holds when this is ≥ 0."""
    n = sp.Symbol("n", integer=True, positive=True)
    e = sp.MatrixSymbol("e", 1, n)
    unchanged = (e * sp.Identity(n)).doit() == e  # e · ∂h⁽ᵗ⁾/∂h⁽ᵗ⁾ = e
    return sp.simplify(bound - E) if unchanged else sp.nan


def step_gap(bound=eta ** (j + 1) * E):
    """bound − ‖eP‖‖J‖ under the hypothesis ‖eP‖ ≤ η^j‖e‖ and ‖J‖ ≤ η.

    Writing ‖eP‖ = a ≥ 0 with η^j‖e‖ = a + s and ‖J‖ = η − r (s, r ≥ 0) covers every case
    of the hypotheses; the step holds when the gap is ≥ 0 for all such a, s, r.
    """
    a, s_, r = sp.symbols("a s r", nonnegative=True)
    hypothesis = {E: (a + s_) / eta**j}
    return sp.expand(sp.powsimp((bound - a * (eta - r)).subs(hypothesis)))


def _base(settings):
    gap = base_gap()
    n = sp.Symbol("n")
    e = sp.MatrixSymbol("e", 1, n)
    return Outcome(
        gap.is_nonnegative is True,
        Claim(
            Chain(Norm(sp.MatMul(e, sp.Identity(n), evaluate=False)), "=", Norm(e)),
            "for",
            e,
            "of symbolic size",
            n,
            ", and",
            Chain(
                Plus(Times(sp.Pow(_eta, 0, evaluate=False), Norm(_e)), -Norm(_e)),
                "=",
                gap,
                ">=",
                0,
            ),
        ),
        instances=[Claim("symbolic", n, ",", Chain(_eta, ">", 0))],
        left=gap,
        right=Chain(">=", 0),
    )


def _row_submultiplicative(settings):
    import numpy as np
    from hypothesis import strategies as st

    entries = st.lists(st.floats(-10, 10), min_size=30, max_size=30)

    def prop(values):
        row, J = np.array(values[:5]), np.array(values[5:]).reshape(5, 5)
        lhs = float(np.linalg.norm(row @ J))
        rhs = float(np.linalg.norm(row) * np.linalg.norm(J, 2))
        check_holds(lhs <= rhs * (1 + 1e-12) + 1e-300, f"‖xJ‖ = {lhs!r}", f"‖x‖‖J‖₂ = {rhs!r}")

    return check_property(
        prop,
        [entries],
        settings=settings,
        default_examples=100,
        checked=Claim(
            Chain(Norm(_x * _J), "<=", Times(Norm(_x), Norm(_J, 2))),
            "for random",
            Size(1, 5),
            "rows",
            _x,
            "and",
            Size(5, 5),
            _J,
        ),
        tolerance=Claim(
            "relative",
            power_of_ten(-12),
            "(rounding in the product, a norm and an SVD)",
        ),
    )


def _step(settings):
    gap = step_gap()
    a, s_, r = sp.symbols("a s r")
    return Outcome(
        gap.is_nonnegative is True,
        Claim(
            Chain(
                Plus(Times(_eta ** (_j + 1), Norm(_e)), -Times(Norm(_e * _P), Norm(_J))),
                "=",
                gap,
                ">=",
                0,
            ),
            "whenever",
            Chain(Norm(_e * _P), "<=", Times(_eta**_j, Norm(_e))),
            "and",
            Chain(Norm(_J), "<=", _eta),
            "(",
            a,
            ",",
            s_,
            ",",
            Chain(r, ">=", 0),
            "), symbolic",
            _j,
        ),
        instances=[Claim("symbolic", _j, ",", _eta)],
        left=gap,
        right=Chain(">=", 0),
    )


def _limit(settings):
    j = sp.Symbol("j", integer=True, positive=True)
    u = sp.Symbol("u", positive=True)  # every η in (0, 1) is 1/(1 + u) for some u > 0
    limit = sp.limit((1 / (1 + u)) ** j, j, sp.oo)
    return Outcome(
        limit == 0,
        Claim(
            Tends(Over(1, Plus(1, u)) ** j, 0, j),
            "for symbolic",
            Chain(u, ">", 0),
            ", i.e. every",
            Chain(0, "<", _eta, "<", 1),
        ),
        instances=[Claim("symbolic", Chain(_eta, "in", sp.Interval.open(0, 1)))],
        left=limit,
        right=sp.Integer(0),
    )


def _tested(settings):
    from hypothesis import strategies as st

    from symgrad.maths.strategies import (
        activations,
        matrices_with_spectral_norm,
        preactivation_trajectories,
    )

    def prop(W, trajectory, act, model):
        bounds.assert_eta_decay(W, trajectory, act, model)

    @st.composite
    def cases(draw):
        n = draw(st.integers(1, 6))
        act = draw(activations())
        c = draw(st.floats(0.05, 0.99))
        W = draw(matrices_with_spectral_norm(n, norm=c / bounds.gamma_of(act)))
        trajectory = draw(preactivation_trajectories(n, draw(st.integers(1, 40))))
        return W, trajectory, act, draw(st.sampled_from(["A", "B"]))

    return check_property(
        lambda case: prop(*case),
        [cases()],
        settings=settings,
        default_examples=100,
        checked=Claim(
            Chain(Norm(_Jk[_k] * Cdots() * _Jk[_LAG_START], 2), "<=", _eta**_j),
            "along random trajectories,",
            Chain(_lam1, "=", _c / _gamma),
            "with",
            Chain(_c, "in", sp.Interval(sp.Float("0.05"), sp.Float("0.99"))),
            ",",
            Chain(_n, "<=", 6),
            ", up to 40 steps, every built-in",
            sp.Symbol("sigma"),
            ", Models A, B",
        ),
        tolerance=Claim(
            "scale-free:",
            Chain(
                Norm(Over(_Jk[_k], _eta) * Cdots() * Over(_Jk[_LAG_START], _eta), 2),
                "<=",
                Plus(1, Times(4, _j + 1, _n, sp.Symbol("epsilon"))),
            ),
        ),
    )


# the notation of the statement and the steps: e a row vector, P a product of Jacobians
_e, _P, _J = sp.symbols("e P J", commutative=False)
_J_i = sp.Symbol("J_i", commutative=False)
_eta, _j, _k, _t, _i, _n, _c, _gamma, _lam1 = sp.symbols("eta j k t i n c gamma lambda_1")
_x = sp.Symbol("x", commutative=False)  # a row vector
_Jk = sp.IndexedBase("J", commutative=False)  # J_k, the one-step Jacobian at step k
_LAG_START = Plus(_k, -_j, 1)  # k − j + 1, the earliest step of a lag of j
_LOSS = Partial(AtTime("L", _k), AtTime("h", _k))
_HYPOTHESIS = Chain(Norm(_Jk[_i], 2), "<=", _eta)  # ‖Jᵢ‖₂ ≤ η

THEOREM = Theorem(
    stage=1,  # waits on γ of every activation, derived in the background
    id="eta_decay",
    title="η-decay of the long-term components",
    statement=Claim(
        "If",
        _HYPOTHESIS,
        "for all",
        _i,
        ", then for the row vector",
        Chain(_e, "=", _LOSS),
        ",",
        Chain(Norm(_e * _Jk[_k] * Cdots() * _Jk[_t + 1]), "<=", Times(_eta ** (_k - _t), Norm(_e))),
        "; with",
        Chain(_eta, "=", Times(_lam1, _gamma), "<", 1),
        "these components vanish exponentially as",
        _k - _t,
        "grows.",
    ),
    formula=Chain(
        Norm(_LOSS * OrderedProduct(Partial(AtTime("h", _i), AtTime("h", _i - 1)), _i, _t + 1, _k)),
        "<=",
        Times(_eta ** (_k - _t), Norm(_LOSS)),
    ),
    convention=Claim(
        Chain(_Jk[_i], "=", Partial(AtTime("h", _i), AtTime("h", _i - 1))),
        "is the one-step Jacobian and",
        _e,
        "a row vector; in the product the latest factor stands on the left; the norm is the "
        "spectral norm",
    ),
    proof=Claim(
        "Induction on",
        _k - _t,
        "with submultiplicativity;",
        Chain(_eta, "=", Times(_lam1, _gamma)),
        "by the one-step bound.",
    ),
    assumptions=[
        Claim(_HYPOTHESIS, "for every", _i, "(", Chain(_eta, "=", Times(_lam1, _gamma)), "works)")
    ],
    references=["Pascanu et al. (2013), eq. (7)", "seed eq. (9)"],
    tags=["vanishing", "eq. (9)", "induction", "erratum 2", "erratum 3"],
    steps=[
        Step(
            Claim(
                sp.Eq(_j, 0, evaluate=False),
                ":",
                Chain(Norm(_e), "<=", Times(sp.Pow(_eta, 0, evaluate=False), Norm(_e))),
            ),
            "the empty product is the identity",
            Evidence.PROVED,
            _base,
        ),
        Step(
            Chain(Norm(_e * _P * _J), "<=", Times(Norm(_e * _P), Norm(_J))),
            Claim(
                "the induced norm bounds",
                Norm(_x * _J),
                "by",
                Times(Norm(_x), Norm(_J)),
                "(submultiplicativity)",
            ),
            Evidence.CITED,
            _row_submultiplicative,
            source="mathlib Matrix.l2_opNorm_mul",
            student=Claim(
                "submultiplicativity:", Chain(Norm(_x * _J), "<=", Times(Norm(_x), Norm(_J)))
            ),
        ),
        Step(
            Chain(
                Times(Norm(_e * _P), Norm(_J)),
                "<=",
                Times(_eta**_j, Norm(_e), _eta),
                "=",
                Times(_eta ** (_j + 1), Norm(_e)),
            ),
            Claim("the hypothesis for", _j, ", and", Chain(Norm(_J), "<=", _eta)),
            Evidence.PROVED,
            _step,
        ),
        Step(
            Chain(_eta < 1, "=>", Tends(_eta ** (_k - _t), 0, _k - _t)),
            "geometric sequence",
            Evidence.PROVED,
            _limit,
        ),
        Step(
            Claim(
                Chain(Norm(OrderedProduct(_J_i, _i, _t + 1, _k), 2), "<=", _eta ** (_k - _t)),
                "on random networks and trajectories",
            ),
            "property test of the whole chain",
            Evidence.TESTED,
            _tested,
            student="the whole chain, tried on many random networks and trajectories",
        ),
    ],
)
