"""Pascanu's regulariser Ω, in plain mathematics.

Statement. Let g = ∇_{h⁽ᵗ⁾}L be the error reaching step t (column form, Model A), D =
diag(σ′(a⁽ᵗ⁾)) and v = WᵀDg = J_tᵀg the same error one step further back. Then r = ‖v‖/‖g‖ is
the factor by which that backward step stretches the actual error vector; Ω_t = (r − 1)² is zero
exactly when it neither grows nor shrinks. The paper's eq. (10) and the authors' code use
(r² − 1)² = (r − 1)²(r + 1)²: same zeros, about four times the weight near r = 1. Following one
error vector back from T — e_{i−1} = J_iᵀe_i, that is the error of a loss at T alone, with no
loss added on the way, and every e_i ≠ 0 — log‖e_k‖ − log‖e_T‖ = Σ_{i=k+1}^{T} log rᵢ (with a
loss added at the steps between, the gains no longer telescope): the long-range gradient is the
product of the per-step gains, so Ω asks every gain along the error's own direction to stay near 1. With
g and D held constant, ∂⁺Ω_t/∂W = 2(r − 1)/(‖v‖‖g‖) (Dg)vᵀ.

Proof. ∂‖v‖/∂W = (Dg)vᵀ/‖v‖ since v = WᵀDg; the chain rule through (r − 1)² gives the rest.
"""

import numpy as np
import sympy as sp

from symgrad import Evidence, Outcome, Step, Theorem, check_identities, check_property
from symgrad.kernel import (
    AtTime,
    Chain,
    Claim,
    Diag,
    Norm,
    Over,
    Partial,
    Plus,
    Prime,
    Times,
    Transposed,
    check_holds,
    named,
    power_of_ten,
)
from symgrad.maths.bounds import step_jacobian
from symgrad.maths.remedies import regulariser_gain, regulariser_gradient, regulariser_term


def _squared(settings):
    r = sp.Symbol("r", nonnegative=True)
    return check_identities(
        Chain((r**2 - 1) ** 2, "=", Times((r - 1) ** 2, (r + 1) ** 2)),
        [(Claim("symbolic", r), (r**2 - 1) ** 2, (r - 1) ** 2 * (r + 1) ** 2)],
    )


def telescoping_gaps(partial=None):
    """Induction on T for Σ_{i=1}^{T} log rᵢ with rᵢ = ‖e_{i−1}‖/‖e_i‖, ‖e_i‖ = N(i) > 0.

    ``partial(T)`` is the claimed value of the sum (default log N(0) − log N(T)); the
    base gap and the step gap (claim(T) + log r_{T+1} − claim(T+1)) must both vanish.
    The gain rᵢ is ‖J_iᵀ e_i‖/‖e_i‖ and e_{i−1} = J_iᵀ e_i, so ‖J_iᵀ e_i‖ = N(i−1): the
    ratio is the gain, not a definition chosen to telescope; the numeric step checks the link.
    """
    T = sp.Symbol("T", integer=True, positive=True)
    N = sp.Function("N", positive=True)
    claim = partial or (lambda TT: sp.log(N(0)) - sp.log(N(TT)))
    log_gain = lambda i: sp.log(N(i - 1)) - sp.log(N(i))  # noqa: E731  log(N(i−1)/N(i))
    base = sp.simplify(claim(1) - log_gain(1))
    step = sp.simplify(claim(T) + log_gain(T + 1) - claim(T + 1))
    return base, step


def _telescoping(settings):
    base, step = telescoping_gaps()
    T = sp.Symbol("T")
    e_0, e_1 = sp.symbols("e_0 e_1")
    return Outcome(
        base == 0 and step == 0,
        Claim(
            "induction on",
            T,
            ", symbolic:",
            Chain(
                sp.log(sp.Symbol("r_1")),
                "=",
                Plus(sp.log(Norm(e_0)), -sp.log(Norm(e_1))),
            ),
            ", and adding the next gain's log, the difference of the next two log-norms, moves "
            "the claim from",
            T,
            "to",
            T + 1,
        ),
        instances=[Claim("symbolic", T, ", norms", sp.Function("N")(_i) > 0)],
        left=named(base=base, step=step),
        right=named(base=0, step=0),
    )


def _gradient_symbolic(settings):
    n = 2
    W = sp.Matrix(n, n, lambda i, j: sp.Symbol(f"w_{i + 1}{j + 1}", real=True))
    d = sp.Matrix(sp.symbols("d1:3", positive=True))
    g = sp.Matrix(sp.symbols("g1:3", positive=True))
    Dg = d.multiply_elementwise(g)
    v = W.T * Dg
    vn, gn = sp.sqrt(v.dot(v)), sp.sqrt(g.dot(g))
    omega = (vn / gn - 1) ** 2
    derived = sp.Matrix(n, n, lambda i, j: sp.diff(omega, W[i, j]))
    formula = 2 * (vn / gn - 1) / (vn * gn) * Dg * v.T
    return check_identities(
        Claim(
            "SymPy's",
            Partial(_OMEGA, _W),
            "(",
            _g,
            ",",
            _D,
            "constant)",
            Chain("=", _GRADIENT_RHS),
            ",",
            sp.Eq(_n, 2),
        ),
        [("symbolic", derived, formula)],  # their difference expands to 0
    )


def _gradient_numeric(settings):
    from hypothesis import strategies as st

    def prop(seed, n, squared):
        rng = np.random.default_rng(seed)
        W, slopes, error = rng.normal(size=(n, n)), rng.uniform(0.05, 1, size=n), rng.normal(size=n)
        G = regulariser_gradient(W, slopes, error, squared=squared)
        eps = 1e-6
        fd = np.zeros_like(W)
        for idx in np.ndindex(W.shape):
            Wp, Wm = W.copy(), W.copy()
            Wp[idx] += eps
            Wm[idx] -= eps
            fd[idx] = (
                regulariser_term(Wp, slopes, error, squared=squared)
                - regulariser_term(Wm, slopes, error, squared=squared)
            ) / (2 * eps)
        err = np.max(np.abs(G - fd)) / (1 + np.max(np.abs(fd)))
        check_holds(err <= 1e-6, f"relative |formula − finite differences| = {err!r}", "10⁻⁶")

    return check_property(
        prop,
        [st.integers(0, 10**6), st.integers(1, 6), st.booleans()],
        settings=settings,
        default_examples=50,
        checked=Claim(
            "the gradient formulas (unsquared and squared) against central differences,", _n <= 6
        ),
        tolerance=Claim("relative", power_of_ten(-6)),
    )


def _gain_numeric(settings, added_loss=0.0):
    """`added_loss` > 0 drops the hypothesis: a fresh loss gradient joins the error at every
    step on the way back, and the identity fails."""
    from hypothesis import strategies as st

    def prop(seed, steps):
        rng = np.random.default_rng(seed)
        n = 4
        e = rng.normal(size=n)
        log_gain = 0.0
        start = np.linalg.norm(e)
        for _ in range(steps):
            W, slopes = rng.normal(size=(n, n)), rng.uniform(0.1, 1, size=n)
            log_gain += np.log(regulariser_gain(W, slopes, e))
            e = step_jacobian(W, slopes, "A").T @ e  # transported by J_tᵀ, built separately
            e = e + added_loss * rng.normal(size=n)  # 0 under the hypothesis
        err = abs(np.log(np.linalg.norm(e) / start) - log_gain)
        check_holds(err <= 1e-9 * (1 + abs(log_gain)), f"telescoping error {err!r}", "10⁻⁹")

    return check_property(
        prop,
        [st.integers(0, 10**6), st.integers(1, 40)],
        settings=settings,
        default_examples=50,
        checked=Claim(
            "log of the error's norm after transport by",
            Chain(
                Transposed(sp.Symbol("J_t", commutative=False)),
                "=",
                Transposed(Diag(Prime("sigma", AtTime("a", _t))) * _Wnc),
            ),
            "(bounds.step_jacobian) equals",
            sp.Sum(sp.log(_r_i), (_i, 1, sp.Symbol("T"))),
            "with",
            _r_i,
            "from remedies.regulariser_gain, along random steps",
        ),
        tolerance=Claim("relative", power_of_ten(-9)),
    )


# the notation of the statement and the steps
_r, _i, _k, _n = sp.symbols("r i k n")
_OMEGA = sp.Symbol("Omega")
_J_k, _D, _W = (sp.MatrixSymbol(name, _n, _n) for name in ("J_k", "D", "W"))
_g, _g_k, _v = (sp.MatrixSymbol(name, _n, 1) for name in ("g", "g_k", "v"))
_t, _r_i = sp.symbols("t r_i")
_Wnc = sp.Symbol("W", commutative=False)
_J, _T = sp.MatrixSymbol("J", _n, _n), sp.Symbol("T")


def _e(name):
    """A vector of one backward pass, kept in its written place in a product."""
    return sp.Symbol(name, commutative=False)


_GRADIENT_RHS = Times(Over(Times(2, _r - 1), Times(Norm(_v), Norm(_g))), _D * _g * _v.T)
_GRADIENT = Chain(Partial(sp.Symbol("Omega_t"), _W, immediate=True), "=", _GRADIENT_RHS)
_OMEGA_T = Plus(Over(Norm(_W.T * _D * _g), Norm(_g)), -1) ** 2  # (‖WᵀDg‖/‖g‖ − 1)²

THEOREM = Theorem(
    id="pascanu_regulariser",
    title="Pascanu's regulariser Ω: the per-step gain of the actual error",
    statement=Claim(
        Chain(_r, "=", Over(Norm(_J.T * _g), Norm(_g))),
        "is the gain of one backward step along the current error, and",
        Chain(_OMEGA, "=", sp.Sum(Plus(sp.Symbol("r_k"), -1) ** 2, (_k, 1, _T))),
        "(the code uses",
        Chain((_r**2 - 1) ** 2, "=", Times((_r - 1) ** 2, (_r + 1) ** 2)),
        "). For one error followed back from",
        _T,
        "(",
        Chain(_e("e_i-1"), "=", Transposed(_e("J_i")) * _e("e_i")),
        ": a loss at",
        _T,
        "alone, none added on the way, every",
        sp.Ne(sp.Symbol("e_i"), 0),
        "),",
        Chain(
            Plus(sp.log(Norm(sp.Symbol("e_k"))), -sp.log(Norm(sp.Symbol("e_T")))),
            "=",
            sp.Sum(sp.log(_r_i), (_i, _k + 1, _T)),
        ),
        ". With",
        _g,
        "and",
        _D,
        "held constant,",
        _GRADIENT,
        ".",
    ),
    formula=Claim(
        Chain(
            _OMEGA,
            "=",
            sp.Sum(Plus(Over(Norm(_J_k.T * _g_k), Norm(_g_k)), -1) ** 2, (_k, 1, sp.Symbol("T"))),
        ),
        ",",
        _GRADIENT,
    ),
    convention=Claim(
        "Model A, column form:",
        Chain(_g, "=", Transposed(Partial(sp.Symbol("L"), AtTime("h", _t)))),
        ",",
        Chain(_D, "=", Diag(Prime("sigma", AtTime("a", _t)))),
        ",",
        Chain(_v, "=", _W.T * _D * _g),
    ),
    proof=Claim(
        "The norms telescope; differentiate",
        Norm(_W.T * _D * _g),
        "with",
        _g,
        "and",
        _D,
        "fixed.",
    ),
    references=["Pascanu et al. (2013), eqs. (9)–(10)", "authors' code RNN.py (squared version)"],
    tags=["remedy", "regulariser", "vanishing", "erratum 15"],
    steps=[
        Step(
            Chain((_r**2 - 1) ** 2, "=", Times((_r - 1) ** 2, (_r + 1) ** 2)),
            Claim(
                "difference of squares: same zeros,",
                Chain("~", Times(4, (_r - 1) ** 2)),
                "near 1",
            ),
            Evidence.PROVED,
            _squared,
        ),
        Step(
            Chain(
                Plus(sp.log(Norm(sp.Symbol("e_0"))), -sp.log(Norm(sp.Symbol("e_T")))),
                "=",
                sp.Sum(sp.log(sp.Symbol("r_i")), (_i, 1, sp.Symbol("T"))),
            ),
            "the per-step ratios telescope",
            Evidence.PROVED,
            _telescoping,
        ),
        Step(
            Claim("the telescoping identity along random backward passes"),
            "numeric check",
            Evidence.TESTED,
            _gain_numeric,
        ),
        Step(
            Claim(_GRADIENT, "(", sp.Eq(_n, 2), ", symbolic entries)"),
            Claim("SymPy differentiates", _OMEGA_T, "at the stated size"),
            Evidence.CHECKED,
            _gradient_symbolic,
            student=Claim("differentiate", _OMEGA_T, "with", _D, "and", _g, "held fixed"),
        ),
        Step(
            Claim("the gradient formulas against finite differences"),
            Claim("both", _OMEGA, "variants"),
            Evidence.TESTED,
            _gradient_numeric,
        ),
    ],
)
