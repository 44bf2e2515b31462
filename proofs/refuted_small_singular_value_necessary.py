"""Refuted: "λ₁ < 1/γ is also necessary for vanishing gradients."

Statement. False: a saturating tanh unit h_t = tanh(w h_{t−1}) with w > 1 = 1/γ converges to a
stable fixed point where the local gain w(1 − h*²) is far below 1, and ∂h_k/∂h_0 vanishes.

Proof. Counterexample found by Hypothesis over (w, h₀) and shrunk; the gradient is computed
along the real trajectory.
"""

import numpy as np
from flint import arb, ctx
from hypothesis import strategies as st

from symgrad import Evidence, Step, Theorem, find_counterexample


def _gradient(w, h0, steps=50):
    h, grad = h0, 1.0
    for _ in range(steps):
        h = np.tanh(w * h)
        grad *= w * (1 - h * h)
    return h, grad


def certified_gradient(w, h0, steps=50):
    """∂h_50/∂h_0 enclosed in an arb ball (python-flint; the floats w, h0 taken exactly)."""
    old = ctx.prec
    ctx.prec = 200
    try:
        h, grad, wb = arb(h0), arb(1), arb(w)
        for _ in range(steps):
            h = (wb * h).tanh()
            grad *= wb * (1 - h * h)
        return grad
    finally:
        ctx.prec = old


def _claim(w, h0):
    # the claim: with λ₁ = |w| ≥ 1/γ = 1, ∂h_50/∂h_0 does not vanish (|·| ≥ 1e-3); refuted only
    # when a certified enclosure lies entirely below 1e-3
    if abs(_gradient(w, h0)[1]) >= 1e-3:
        return True
    return not bool(abs(certified_gradient(w, h0)) < arb(10) ** -3)


def _explain(w, h0):
    h, grad = _gradient(w, h0)
    return [
        f"λ₁ = |w| = {w:.6g} > 1/γ = 1 (tanh)",
        f"h_50 = {h:.6g} (a stable fixed point), local gain w(1 − h²) = {w * (1 - h * h):.3g}",
        f"|∂h_50/∂h_0| = {abs(grad):.3g}: the gradient vanishes",
        f"certified (arb ball, 200 bits): ∂h_50/∂h_0 ∈ {certified_gradient(w, h0).str(4, radius=True)}"
        " < 1e-3",
    ]


def _refute(settings):
    return find_counterexample(
        _claim,
        [st.floats(1.5, 10.0), st.floats(0.1, 2.0)],
        settings=settings,
        default_examples=100,
        checked="searched scalar tanh units with w ∈ [1.5, 10], h₀ ∈ [0.1, 2] for |∂h_50/∂h_0| < 1e-3",
        explain=_explain,
        known=[(3.0, 0.5)],
    )


THEOREM = Theorem(
    id="refuted_small_singular_value_necessary",
    title="Refuted: λ₁ < 1/γ is necessary for vanishing gradients",
    statement="The claim “vanishing gradients ⇒ λ₁ < 1/γ” is false: saturation makes them vanish too.",
    proof="At a stable fixed point of a saturating unit the local gain is small whatever w is.",
    references=["Bengio, Simard, Frasconi (1994)", "Goodfellow et al. (2016), §10.7"],
    tags=["refuted", "vanishing", "saturation", "erratum 10"],
    steps=[
        Step(
            "λ₁ > 1/γ and yet ∂h_k/∂h_0 → 0",
            "saturation at an attractor",
            Evidence.REFUTED,
            _refute,
        )
    ],
)
