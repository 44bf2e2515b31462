"""L1/L2 weight penalties that keep W small force the vanishing regime.

Statement. ‖W‖₂ ≤ ‖W‖_F ≤ Σᵢⱼ|wᵢⱼ|. So a penalty that keeps ‖W‖_F (or the entrywise L1 norm)
below 1/γ keeps λ₁ < 1/γ, and by η-decay every long-term component vanishes: the drawback
Pascanu et al. name (a single point attractor, no long-term memory), not a cure.

Proof. ‖W‖₂² is the largest eigenvalue of WᵀW, at most the sum of its (non-negative)
eigenvalues, trace(WᵀW) = ‖W‖_F²; and Σ w² ≤ (Σ|w|)².
"""

import numpy as np
import sympy as sp

from symgrad import Evidence, Outcome, Step, Theorem, check_property
from symgrad.kernel import (
    Chain,
    Claim,
    Decimal,
    Norm,
    Op,
    OrderedProduct,
    Over,
    Plus,
    Size,
    Times,
    check_holds,
    power_of_ten,
)
from symgrad.maths import bounds


def _trace(settings):
    # symbolic n: trace(WᵀW) = Σ_j (WᵀW)_jj = Σ_j Σ_r (Wᵀ)_jr W_rj, with (Wᵀ)_jr = W_rj
    n = sp.Symbol("n", integer=True, positive=True)
    r, j = sp.symbols("r j", integer=True, positive=True)
    W = sp.IndexedBase("W", real=True)
    transpose = lambda row, col: W[col, row]  # noqa: E731
    trace = sp.Sum(sp.Sum(transpose(j, r) * W[r, j], (r, 1, n)), (j, 1, n))
    frobenius = sp.Sum(W[r, j] ** 2, (r, 1, n), (j, 1, n))
    ok = sp.simplify(trace.doit() - frobenius.doit()) == 0
    as_written = sp.Sum(sp.Sum(sp.Mul(W[r, j], W[r, j], evaluate=False), (r, 1, n)), (j, 1, n))
    return Outcome(
        ok,
        Claim(
            Chain(Op("tr", _W.T * _W), "=", as_written, "=", frobenius),
            "with Indexed entries, symbolic",
            n,
        ),
        instances=[Claim("symbolic", n)],
        left=trace,
        right=frobenius,
    )


def l1_gaps():
    """Induction on the number N of entries: base and step gaps of (Σ|w|)² − Σw² ≥ 0."""
    a, S, Q = sp.symbols("a S Q", nonnegative=True)  # a = |w_{N+1}|, S = Σ|w|, Q = Σ w²
    base = sp.expand(a**2 - a**2)  # N = 1
    step = sp.expand(((S + a) ** 2 - (Q + a**2)) - (S**2 - Q))  # added to the gap at N
    return base, step


def _l1(settings):
    base, step = l1_gaps()
    ok = base == 0 and step.is_nonnegative is True
    N, k, a, S, Q = sp.symbols("N k a S Q")
    w = sp.IndexedBase("w")
    return Outcome(
        ok,
        Claim(
            "induction on the number of entries",
            N,
            "(symbolic):",
            sp.Eq(N, 1),
            "gives 0, and adding",
            Chain(a, "=", sp.Abs(w[N + 1])),
            "adds",
            Chain(step, ">=", 0),
            "to",
            Plus(S**2, -Q),
            ", where",
            Chain(S, "=", sp.Sum(sp.Abs(w[k]), (k, 1, N))),
            "and",
            Chain(Q, "=", sp.Sum(w[k] ** 2, (k, 1, N))),
        ),
        instances=[Claim("symbolic", N)],
        left=step,
        right=Chain(">=", 0),
    )


def _norms(settings):
    from hypothesis import strategies as st

    entries = st.lists(st.floats(-5, 5), min_size=16, max_size=16)

    def prop(values):
        W = np.array(values).reshape(4, 4)
        top = np.abs(W).max()
        if top > 0:  # all three norms are homogeneous: rescale to avoid underflow in squares
            W = W / top
        two, fro, l1 = np.linalg.norm(W, 2), np.linalg.norm(W, "fro"), np.abs(W).sum()
        check_holds(two <= fro * (1 + 1e-12) + 1e-300, f"‖W‖₂ = {two!r}", f"Frobenius norm {fro!r}")
        check_holds(fro <= l1 * (1 + 1e-12) + 1e-300, f"Frobenius norm {fro!r}", f"Σ|w| = {l1!r}")

    return check_property(
        prop,
        [entries],
        settings=settings,
        default_examples=100,
        checked=Claim(
            Chain(Norm(_W, 2), "<=", Norm(_W, "F"), "<=", _SUM),
            "for random",
            Size(4, 4),
            _W,
        ),
        tolerance=Claim("relative", power_of_ten(-12)),
    )


def _forced(settings):
    from hypothesis import strategies as st

    from symgrad.maths.strategies import activations, preactivation_trajectories

    @st.composite
    def cases(draw):
        n = draw(st.integers(1, 5))
        act = draw(activations())
        values = draw(st.lists(st.floats(-1, 1), min_size=n * n, max_size=n * n))
        W = np.array(values).reshape(n, n)
        fro = np.linalg.norm(W, "fro")
        if fro > 0:  # scale so that the penalised norm sits just below 1/γ: construct, not filter
            W = W * (0.99 / bounds.gamma_of(act)) / fro
        return W, draw(preactivation_trajectories(n, draw(st.integers(1, 30)))), act

    def prop(case):
        W, trajectory, act = case
        rate = float(np.linalg.norm(W, "fro")) * bounds.gamma_of(act)  # the penalised norm
        check_holds(rate < 1, f"Frobenius norm times γ = {rate!r}", "< 1")
        bounds.assert_eta_decay(W, trajectory, act, "A", eta=rate or None)

    return check_property(
        prop,
        [cases()],
        settings=settings,
        default_examples=60,
        checked=Claim(
            Chain(Norm(_W, "F"), "=", Over(Decimal("0.99"), _GAM)),
            "so products of Jacobians decay like",
            sp.Pow(Decimal("0.99"), _k),
            ", the rate the penalty controls",
        ),
        tolerance=Claim(
            Chain(
                Norm(OrderedProduct(Over(sp.Symbol("J_i", commutative=False), _ETA), _i, 1, _k), 2),
                "<=",
                Plus(1, Times(4, _k + 1, _n, sp.Symbol("epsilon"))),
            ),
            "with",
            Chain(_ETA, "=", Times(_GAM, Norm(_W, "F"))),
        ),
    )


# the notation of the statement and the steps
_n, _i, _j, _k = sp.symbols("n i j k")
_ETA = sp.Symbol("eta")
_GAM = sp.Symbol("gamma", positive=True)
_W = sp.MatrixSymbol("W", _n, _n)
_SUM = sp.Sum(sp.Abs(sp.IndexedBase("w")[_i, _j]), (_j, 1, _n), (_i, 1, _n))

THEOREM = Theorem(
    stage=1,  # waits on γ of every activation, derived in the background
    id="weight_penalty_forces_vanishing",
    title="Weight penalties that keep W small force vanishing gradients",
    statement=Claim(
        Chain(Norm(_W, 2), "<=", Norm(_W, "F"), "<=", _SUM),
        ". Keeping",
        Chain(Norm(_W, "F"), "<", 1 / _GAM),
        "therefore forces",
        Chain(sp.Symbol("lambda_1"), "<", 1 / _GAM),
        "and hence",
        _ETA,
        "-decay of every long-term component.",
    ),
    formula=Chain(Norm(_W, 2), "<=", Norm(_W, "F"), "<=", _SUM),
    proof=Claim(
        Norm(_W, 2) ** 2,
        "is the largest eigenvalue of",
        _W.T * _W,
        ", at most",
        Chain(Op("tr", _W.T * _W), "=", Norm(_W, "F") ** 2, "<=", _SUM**2),
        "; then",
        _ETA,
        "-decay.",
    ),
    references=["Pascanu et al. (2013), §3.1", "seed erratum 13"],
    tags=["remedy", "penalty", "vanishing", "erratum 13"],
    steps=[
        Step(
            Chain(Norm(_W, "F") ** 2, "=", Op("tr", _W.T * _W)),
            "definition",
            Evidence.PROVED,
            _trace,
        ),
        Step(
            Chain(
                Norm(_W, 2) ** 2,
                "=",
                sp.Function("lambda_max")(_W.T * _W),
                "<=",
                Op("tr", _W.T * _W),
            ),
            Claim(_W.T * _W, "is positive semidefinite"),
            Evidence.CITED,
            _norms,
            source="Golub & Van Loan, Matrix Computations, §2.3 (the spectral norm is at most the Frobenius norm)",
        ),
        Step(
            Chain(Norm(_W, "F"), "<=", _SUM),
            Claim(
                "the square of",
                _SUM,
                "is at least",
                sp.Sum(sp.IndexedBase("w")[_i, _j] ** 2, (_j, 1, _n), (_i, 1, _n)),
            ),
            Evidence.PROVED,
            _l1,
        ),
        Step(
            Claim(Chain(Norm(_W, "F"), "<", 1 / _GAM), "implies", _ETA, "-decay"),
            Claim(
                Chain(sp.Symbol("lambda_1"), "<=", Norm(_W, "F"), "<", 1 / _GAM),
                ", then the eta_decay theorem",
            ),
            Evidence.TESTED,
            _forced,
        ),
    ],
)
