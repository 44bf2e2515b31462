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
from symgrad.kernel import Chain, Claim, Norm, Op, Times, check_holds, named
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
        "‖(τ/‖g‖)g‖² = Σ_{i=1}^{n} (τ gᵢ/‖g‖)² = τ² for symbolic n (g ≠ 0), τ > 0",
        [("symbolic n", after, tau**2)],
    )


def _direction(settings):
    inner = sp.simplify(sp.factor_terms(sp.Sum(clipped(i) * g[i], (i, 1, n))))
    after = sp.simplify(sp.factor_terms(sp.Sum(clipped(i) ** 2, (i, 1, n))))
    cos_squared = sp.simplify(inner**2 / (after * SQUARES))
    ok = cos_squared == 1 and inner.is_nonnegative is True
    return Outcome(
        ok,
        "cos² = (c·g)²/(‖c‖²‖g‖²) simplifies to 1 and c·g = τ‖g‖ ≥ 0, so cos = 1 (symbolic n)",
        instances=["symbolic n"],
        left=Claim("cos² and c·g:", cos_squared, "and", inner),
        right=Claim("cos² = 1 and c·g", Chain(">=", 0)),
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
        "ĝ = (3, 4), τ = 5: clipping with '≥' (factor τ/‖ĝ‖ = 1) and with '>' (no clipping) both "
        "return ĝ unchanged",
        instances=["‖ĝ‖ = τ = 5"],
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
        checked="joint clipping of two parameter groups: identity below τ, "
        "norm τ and cosine 1 above",
        tolerance="relative 1e-12",
    )


# the notation of the statement and the steps
_G, _TAU = sp.Symbol("ghat", commutative=False), sp.Symbol("tau", positive=True)
_SCALED = Times(_TAU / Norm(_G), _G)

THEOREM = Theorem(
    id="gradient_norm_clipping",
    title="Gradient-norm clipping keeps the direction and caps the norm",
    statement=(
        "With ĝ over all parameters jointly: if ‖ĝ‖ ≥ τ then ĝ ← (τ/‖ĝ‖)ĝ. Below τ nothing changes; "
        "above, ‖ĝ‖ = τ and the direction is kept; '≥' and '>' agree at equality."
    ),
    formula=Claim(
        Chain(Norm(_G), ">=", _TAU, "=>", _G, "<-", _SCALED),
        ",",
        Chain(Norm(_SCALED), "=", _TAU),
    ),
    proof="A positive rescaling by τ/‖ĝ‖ has norm τ and cosine 1 with ĝ.",
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
            "the factor is 1 there; checked on the implementation at ‖ĝ‖ = τ exactly",
            Evidence.CHECKED,
            _equality_case,
            student="the factor τ/‖ĝ‖ is 1 there",
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
