"""Gradient-norm clipping (Pascanu et al., 2013, Algorithm 1).

Statement. Let ĝ be the gradient with respect to all parameters jointly and τ > 0. Algorithm 1
replaces ĝ by (τ/‖ĝ‖)ĝ when ‖ĝ‖ ≥ τ. Then: below the threshold ĝ is unchanged; after clipping
‖ĝ‖ = τ exactly and the direction is kept (cosine 1), so the step stays a descent direction.
Using ">" (the authors' code, the Deep Learning book) instead of "≥" changes nothing: at
‖ĝ‖ = τ the factor τ/‖ĝ‖ is 1.

Proof. ‖(τ/‖ĝ‖)ĝ‖ = (τ/‖ĝ‖)‖ĝ‖ = τ, and a positive multiple keeps the direction.
"""

import numpy as np
import sympy as sp

from symgrad import Evidence, Outcome, Step, Theorem, check_identities, check_property
from symgrad.kernel import (
    Chain,
    Claim,
    Norm,
    Op,
    Over,
    Times,
    Transposed,
    check_holds,
    named,
    power_of_ten,
)
from symgrad.maths.remedies import clip_by_global_norm

n = sp.Symbol("n", integer=True, positive=True)
i = sp.Symbol("i", integer=True, positive=True)
g = sp.IndexedBase("g", real=True)
tau = sp.Symbol("tau", positive=True)
SQUARES = sp.Sum(g[i] ** 2, (i, 1, n))  # ‖g‖², g ∈ ℝⁿ with symbolic n


def clipped(k, factor=None):
    """Entry k of Algorithm 1's output (τ/‖g‖) g, or of `factor`·g."""
    return (tau / sp.sqrt(SQUARES) if factor is None else factor) * g[k]


def _norm_after(settings):
    after = sp.simplify(sp.factor_terms(sp.Sum(clipped(i) ** 2, (i, 1, n))))
    return check_identities(
        Claim(
            Chain(
                Norm(Times(Over(tau, Norm(g)), g)) ** 2,
                "=",
                sp.Sum(Over(Times(tau, g[i]), Norm(g)) ** 2, (i, 1, n)),
                "=",
                tau**2,
            ),
            "for symbolic",
            n,
            "(",
            Chain(g, "!=", 0),
            "),",
            Chain(tau, ">", 0),
        ),
        [(Claim("symbolic", n), after, tau**2)],
    )


def _direction(settings):
    inner = sp.simplify(sp.factor_terms(sp.Sum(clipped(i) * g[i], (i, 1, n))))
    after = sp.simplify(sp.factor_terms(sp.Sum(clipped(i) ** 2, (i, 1, n))))
    cos_squared = sp.simplify(inner**2 / (after * SQUARES))
    ok = cos_squared == 1 and inner.is_nonnegative is True
    c, v = sp.symbols("c g", commutative=False)  # c = (τ/‖g‖)g, the clipped g
    cos, dot = Op("cos", c, v), Transposed(c) * v
    return Outcome(
        ok,
        Claim(
            "for",
            Chain(c, "=", Times(Over(tau, Norm(v)), v)),
            ":",
            Chain(cos**2, "=", Over(dot**2, Times(Norm(c) ** 2, Norm(v) ** 2))),
            "simplifies to 1 and",
            Chain(dot, "=", Times(tau, Norm(v)), ">=", 0),
            ", so",
            Chain(cos, "=", 1),
            "(symbolic",
            n,
            ")",
        ),
        instances=[Claim("symbolic", n)],
        left=Claim(cos**2, "and", dot, ":", cos_squared, "and", inner),
        right=Claim(Chain(cos**2, "=", 1), "and", Chain(dot, ">=", 0)),
    )


def _equality_case(settings):
    grads = {"W": np.array([3.0]), "b": np.array([4.0])}  # ‖ĝ‖ = 5 exactly in floating point
    at_ge = clip_by_global_norm(grads, 5.0)
    at_gt = clip_by_global_norm(grads, 5.0, strict=True)
    same = all(
        np.array_equal(at_ge[k], at_gt[k]) and np.array_equal(at_ge[k], grads[k]) for k in grads
    )
    return Outcome(
        same,
        Claim(
            Chain(_G, "=", sp.Tuple(3, 4)),
            ",",
            sp.Eq(_TAU, 5),
            ": clipping when",
            Chain(Norm(_G), ">=", _TAU),
            "(factor",
            Chain(_FACTOR, "=", 1),
            ") and when",
            Chain(Norm(_G), ">", _TAU),
            "(no clipping) both return",
            _G,
            "unchanged",
        ),
        instances=[Claim(Chain(Norm(_G), "=", _TAU, "=", 5))],
        left=named(**at_ge),
        right=named(**at_gt),
    )


def _tested(settings):
    from hypothesis import strategies as st

    arrays = st.lists(st.floats(-100, 100), min_size=1, max_size=12).map(np.array)

    def prop(w, b, tau):
        grads = {"W": w, "b": b}
        norm = np.sqrt(np.sum(w**2) + np.sum(b**2))
        out = clip_by_global_norm(grads, tau)
        new = np.sqrt(np.sum(out["W"] ** 2) + np.sum(out["b"] ** 2))
        if norm < tau:
            check_holds(
                all(np.array_equal(out[k], grads[k]) for k in grads), "changed below", "threshold"
            )
        else:
            check_holds(abs(new - tau) <= 1e-12 * tau, f"‖clipped‖ = {new!r}", f"τ = {tau!r}")
            flat_in = np.concatenate([w, b])
            flat_out = np.concatenate([out["W"], out["b"]])
            cos = flat_in @ flat_out / (np.linalg.norm(flat_in) * np.linalg.norm(flat_out))
            check_holds(abs(cos - 1) <= 1e-12, f"cosine = {cos!r}", "1")

    return check_property(
        prop,
        [arrays, arrays, st.floats(0.01, 50)],
        settings=settings,
        default_examples=100,
        checked=Claim(
            "joint clipping of two parameter groups: identity below",
            _TAU,
            ", norm",
            _TAU,
            "and cosine 1 above",
        ),
        tolerance=Claim("relative", power_of_ten(-12)),
    )


# the notation of the statement and the steps
_G, _TAU = sp.Symbol("ghat", commutative=False), sp.Symbol("tau", positive=True)
_SCALED = Times(_TAU / Norm(_G), _G)
_FACTOR = Over(_TAU, Norm(_G))  # τ/‖ĝ‖

THEOREM = Theorem(
    id="gradient_norm_clipping",
    title="Gradient-norm clipping keeps the direction and caps the norm",
    statement=Claim(
        "With",
        _G,
        "over all parameters jointly: if",
        Chain(Norm(_G), ">=", _TAU),
        "then",
        Chain(_G, "<-", _SCALED),
        ". Below",
        _TAU,
        "nothing changes; above,",
        Chain(Norm(_G), "=", _TAU),
        "and the direction is kept; the tests",
        Chain(Norm(_G), ">=", _TAU),
        "and",
        Chain(Norm(_G), ">", _TAU),
        "agree at equality.",
    ),
    formula=Claim(
        Chain(Norm(_G), ">=", _TAU, "=>", _G, "<-", _SCALED),
        ",",
        Chain(Norm(_SCALED), "=", _TAU),
    ),
    proof=Claim("A positive rescaling by", _FACTOR, "has norm", _TAU, "and cosine 1 with", _G, "."),
    references=["Pascanu et al. (2013), Algorithm 1", "Goodfellow et al. (2016), eqs. 10.48–10.49"],
    tags=["remedy", "clipping", "exploding", "erratum 14"],
    steps=[
        Step(
            Chain(Norm(_SCALED), "=", _TAU),
            "homogeneity of the norm",
            Evidence.PROVED,
            _norm_after,
        ),
        Step(
            Chain(Op("cos", _SCALED, _G), "=", 1),
            "positive rescaling keeps the direction",
            Evidence.PROVED,
            _direction,
        ),
        Step(
            Claim(
                "clipping at",
                Chain(Norm(_G), ">=", _TAU),
                "and at",
                Chain(Norm(_G), ">", _TAU),
                "gives identical results at",
                Chain(Norm(_G), "=", _TAU),
            ),
            Claim(
                "the factor is 1 there; checked on the implementation at",
                Chain(Norm(_G), "=", _TAU),
                "exactly",
            ),
            Evidence.CHECKED,
            _equality_case,
            student=Claim("the factor", _FACTOR, "is 1 there"),
        ),
        Step(
            Claim("clip_by_global_norm does all of this over several parameter groups"),
            "the implementation against the three facts above",
            Evidence.TESTED,
            _tested,
            student="",
        ),
    ],
)
