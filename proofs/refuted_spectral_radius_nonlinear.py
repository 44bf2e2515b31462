"""Refuted: "ρ(W)·γ < 1 is sufficient for vanishing gradients" (the eigenvalue version).

Statement. False. For ReLU (γ = 1) the one-step Jacobians are D_t W with 0/1 masks D_t, and a
product of masked matrices can grow although ρ(W) < 1: what matters is the joint spectral radius
of {D W}, not ρ(W). A real RNN trajectory realises it: the biases keep one unit active and the
other off, so every mask is the same and ∏ D W grows like ρ(DW)^k.

Proof. Counterexample found by Hypothesis (W of spectral radius ≤ 0.9, real ReLU trajectories
of 30 steps) and shrunk.
"""

import numpy as np
from hypothesis import strategies as st

from symgrad import Evidence, Step, Theorem, find_counterexample
from symgrad.bounds import step_jacobian
from symgrad.strategies import matrices_with_spectral_radius


def _product_norm(W, b, h0, steps=30):
    h, P = h0, np.eye(2)
    masks = []
    for _ in range(steps):
        a = W @ h + b
        d = (a > 0).astype(float)  # ReLU′, with the value 0 at the kink
        masks.append(tuple(int(v) for v in d))
        h = np.maximum(a, 0)
        P = step_jacobian(W, d, "A") @ P
    return np.linalg.norm(P, 2), masks


def _claim(W, b, h0):
    return _product_norm(W, b, h0)[0] <= 1


def _explain(W, b, h0):
    norm, masks = _product_norm(W, b, h0)
    rho = max(abs(np.linalg.eigvals(W)))
    return [
        f"ρ(W)·γ = {rho:.4g} < 1 (ReLU, γ = 1)",
        f"masks along the trajectory: {sorted(set(masks))}",
        f"‖J_30 ⋯ J_1‖₂ = {norm:.4g} > 1: the product grows",
    ]


def _refute(settings):
    vec = st.lists(st.floats(-10, 10), min_size=2, max_size=2).map(np.array)
    return find_counterexample(
        _claim,
        [matrices_with_spectral_radius(2, radius=0.9, max_coupling=4.0), vec, vec],
        settings=settings,
        default_examples=300,
        checked="searched ReLU RNNs with ρ(W) = 0.9, b, h₀ ∈ [−10, 10]² for ‖∏ J‖₂ > 1 over 30 steps",
        explain=_explain,
        known=[
            (
                np.array([[1.021784, 0.854348], [-0.145652, -0.121784]]),
                np.zeros(2),
                np.array([0.0, 1.0]),
            )
        ],
    )


THEOREM = Theorem(
    id="refuted_spectral_radius_nonlinear",
    title="Refuted: the spectral-radius version of the nonlinear condition",
    statement="The claim “ρ(W)·γ < 1 ⇒ ∏ J_i → 0” is false for ReLU networks on real trajectories.",
    proof="Masks D_t remove the cancellation that makes ρ(W) small: ρ(DW) can exceed 1.",
    references=["Pascanu et al. (2013): the final text uses singular values for this reason"],
    tags=["refuted", "relu", "joint spectral radius"],
    steps=[
        Step(
            "ρ(W)γ < 1 and yet ‖∏ D_t W‖₂ grows",
            "joint spectral radius of {DW} exceeds ρ(W)",
            Evidence.REFUTED,
            _refute,
        )
    ],
)
