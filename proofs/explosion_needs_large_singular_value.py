"""Exploding gradients need λ₁ > 1/γ (a necessary condition, not a sufficient one).

Statement. If λ₁ ≤ 1/γ, every one-step Jacobian has ‖J_i‖₂ ≤ 1, so every product over a lag
has norm ≤ 1 and the long-term components stay bounded by ‖∂L⁽ᵏ⁾/∂h⁽ᵏ⁾‖. Hence explosion
requires λ₁ > 1/γ. This is the contrapositive of the bound, not a "similar" argument; and the
converse fails (a saturated tanh unit with λ₁ = 3 has vanishing gradients).

Proof. The one-step bound gives ‖J_i‖ ≤ λ₁γ ≤ 1; η-decay with η = 1 gives ‖∏J_i‖ ≤ 1.
"""

import sympy as sp
from flint import arb, ctx

from symgrad import Evidence, Outcome, Step, Theorem, check_property
from symgrad.kernel import (
    AtTime,
    Ball,
    Cdots,
    Chain,
    Claim,
    Norm,
    Over,
    Partial,
    Plus,
    Prime,
    Sup,
    Times,
    power_of_ten,
)
from symgrad.maths import bounds


def _bound(settings):
    lam, g = sp.symbols("lambda_1 gamma", positive=True)
    solved = sp.solve_univariate_inequality(lam * g <= 1, lam, relational=False)
    ok = solved == sp.Interval(-sp.oo, 1 / g)
    return Outcome(
        ok,
        Claim(
            "SymPy solves",
            Chain(Times(lam, g), "<=", 1),
            "for",
            lam,
            ":",
            Chain(lam, "in", sp.Interval(-sp.oo, 1 / g)),
            ", given",
            Chain(g, ">", 0),
        ),
        instances=[Claim("symbolic", lam, ",", Chain(g, ">", 0))],
        left=solved,
        right=sp.Interval(-sp.oo, 1 / g),
    )


def _power(settings):
    # induction on j: η⁰ = 1, and p ≤ 1, η ≤ 1 ⇒ pη ≤ 1. Writing p = 1/(1+s), η = 1/(1+r)
    # with s, r ≥ 0 covers every p, η in (0, 1]; SymPy decides the sign of 1 − pη
    s, r = sp.symbols("s r", nonnegative=True)
    gap = sp.factor(sp.together(1 - 1 / ((1 + s) * (1 + r))))
    p = sp.Symbol("p")
    return Outcome(
        gap.is_nonnegative is True,
        Claim(
            Chain(Plus(1, -Times(p, _ETA)), "=", gap, ">=", 0),
            "for all",
            p,
            ",",
            Chain(_ETA, "in", sp.Interval.Lopen(0, 1)),
            ": every",
            Chain(_ETA**_j, "<=", 1),
        ),
        instances=[Claim("symbolic", s, ",", Chain(r, ">=", 0))],
        left=gap,
        right=Chain(">=", 0),
    )


def _tested(settings):
    from hypothesis import strategies as st

    from symgrad.maths.strategies import (
        activations,
        matrices_with_spectral_norm,
        preactivation_trajectories,
    )

    @st.composite
    def cases(draw):
        n = draw(st.integers(1, 6))
        act = draw(activations())
        W = draw(matrices_with_spectral_norm(n, norm=1 / bounds.gamma_of(act)))
        trajectory = draw(preactivation_trajectories(n, draw(st.integers(1, 40))))
        return W, trajectory, act, draw(st.sampled_from(["A", "B"]))

    return check_property(
        lambda case: bounds.assert_eta_decay(*case),
        [cases()],
        settings=settings,
        default_examples=100,
        checked=Claim(
            "at the boundary",
            Chain(_LAM, "=", 1 / _GAM),
            "every product over a lag has",
            Chain(Norm(_J[_k] * Cdots() * _J[_t + 1], 2), "<=", 1),
        ),
        tolerance=Claim(
            Chain(
                Norm(Over(_J[_k], _ETA) * Cdots() * Over(_J[Plus(_k, -_j, 1)], _ETA), 2),
                "<=",
                Plus(1, Times(4, _j + 1, _n, sp.Symbol("epsilon"))),
            ),
            "with",
            Chain(_ETA, "=", Times(_LAM, _GAM), "=", 1),
        ),
    )


def _not_sufficient(settings):
    old = ctx.prec
    ctx.prec = 256
    try:  # arb balls: every operation returns an interval certified to contain the true value
        h, grad = arb(1) / 2, arb(1)
        for _ in range(50):
            h = (3 * h).tanh()
            grad *= 3 * (1 - h**2)
        threshold = arb(10) ** -60
        ok = bool(abs(grad) < threshold)  # True only if the whole ball lies below 1e-60
        shown = grad.str(6, radius=True)
    finally:
        ctx.prec = old
    h, t = sp.IndexedBase("h"), sp.Symbol("t")
    gradient = Partial(h[50], h[0])
    return Outcome(
        ok,
        Claim(
            sp.Eq(h[t], sp.tanh(3 * h[t - 1])),
            "from",
            sp.Eq(h[0], sp.Rational(1, 2)),
            "(",
            Chain(_LAM, "=", 3, ">", 1 / _GAM, "=", 1),
            "):",
            sp.Abs(gradient),
            "enclosed in an arb ball (python-flint, 256 bits; certified, not rounded) lying "
            "entirely below",
            power_of_ten(-60),
        ),
        instances=[Claim("scalar tanh,", sp.Eq(sp.Symbol("w"), 3))],
        left=Claim("the ball", Ball.parse(shown)),
        right=Chain("<", sp.Float("1e-60")),
        details=[Claim(Chain(gradient, "in", Ball.parse(shown)))],
    )


# the notation of the statement and the steps
_LAM, _GAM, _ETA = sp.symbols("lambda_1 gamma eta", positive=True)
_J = sp.IndexedBase("J", commutative=False)
_i, _j, _k, _n, _t = sp.symbols("i j k n t")
_x = sp.Symbol("x")

THEOREM = Theorem(
    stage=1,  # waits on γ of every activation, derived in the background
    id="explosion_needs_large_singular_value",
    title="Explosion needs λ₁ > 1/γ (necessary, not sufficient)",
    statement=Claim(
        "If",
        Chain(_LAM, "<=", 1 / _GAM),
        ", then",
        Chain(Norm(Partial(AtTime("h", _k), AtTime("h", _t)), 2), "<=", 1),
        "for all",
        Chain(_k, ">=", _t),
        ", so no long-term component grows with",
        _k - _t,
        "(it stays within",
        Norm(Partial(AtTime("L", _k), AtTime("h", _k))),
        "). Hence",
        Chain(_LAM, ">", 1 / _GAM),
        "is necessary for explosion, and it is not sufficient.",
    ),
    formula=Chain(
        _LAM, "<=", 1 / _GAM, "=>", Norm(Partial(AtTime("h", _k), AtTime("h", _t)), 2), "<=", 1
    ),
    proof=Claim(
        "Contrapositive of the one-step bound and of",
        _ETA,
        "-decay with",
        Chain(_ETA, "=", 1),
        ".",
    ),
    assumptions=[
        Claim(
            "Model A or B, either layout (",
            Chain(Norm(_J[_i], 2), "<=", Times(_LAM, _GAM)),
            "in each)",
        ),
        Claim(Chain(_GAM, "=", Sup(sp.Abs(Prime("sigma", _x)), _x), ">", 0), "and finite"),
    ],
    references=[
        "Pascanu et al. (2013), §2.1",
        "seed: 'Similarly, we can get the necessary condition'",
    ],
    tags=["exploding", "contrapositive", "erratum 10", "erratum 11"],
    steps=[
        Step(
            Chain(_LAM, "<=", 1 / _GAM, "=>", Norm(_J[_i], 2), "<=", Times(_LAM, _GAM), "<=", 1),
            "one-step bound, multiplied out",
            Evidence.PROVED,
            _bound,
        ),
        Step(
            Chain("=>", Norm(_J[_k] * Cdots() * _J[_t + 1], 2), "<=", _ETA ** (_k - _t), "<=", 1),
            Claim(
                _ETA,
                "-decay with",
                Chain(_ETA, "=", Times(_LAM, _GAM), "<=", 1),
                "; powers of",
                Chain(_ETA, "<=", 1),
                "stay",
                Chain("<=", 1),
                "(induction)",
            ),
            Evidence.PROVED,
            _power,
        ),
        Step(
            Claim(
                "bounded products at the boundary", Chain(_LAM, "=", 1 / _GAM), "on random networks"
            ),
            "property test of the two steps above",
            Evidence.TESTED,
            _tested,
            student=Claim(
                "the two steps above, tried on random networks at", Chain(_LAM, "=", 1 / _GAM)
            ),
        ),
        Step(
            Claim(
                Chain(_LAM, ">", 1 / _GAM),
                "does not imply explosion:",
                sp.tanh(3 * sp.Symbol("h")),
                "saturates and gradients vanish",
            ),
            "counterexample to the converse (Bengio et al., 1994: attractors store memory)",
            Evidence.CHECKED,
            _not_sufficient,
        ),
    ],
)
