"""Refuted: "ρ(W)·γ < 1 ⇒ every step contracts."

Statement. False. The spectral radius bounds the long run, not a single step: there are W with
ρ(W)·γ < 1 whose one-step Jacobian has ‖J‖₂ > 1 (tanh at zero pre-activation: J = W).

Proof. Counterexample found by Hypothesis among matrices of spectral radius 0.9 and shrunk.
"""

import numpy as np
import sympy as sp

from symgrad import Evidence, Step, Theorem, find_counterexample
from symgrad.kernel import Chain, Claim, Norm, Times
from symgrad.maths.linear import exact_matrix, spectral_norm_exceeds, spectral_radius_below


def _claim(W):
    # tanh, a = 0: σ′ = 1 = γ, so J = W; the claim says ‖J‖₂ ≤ 1 since ργ < 1. It fails only
    # where rational arithmetic confirms ρ(W) < 1 and ‖W‖₂ > 1 for W converted exactly.
    if np.linalg.norm(W, 2) <= 1:
        return True
    Wq = exact_matrix(W)
    return not (spectral_radius_below(Wq) and spectral_norm_exceeds(Wq))


def _explain(W):
    rho = max(abs(np.linalg.eigvals(W)))
    norm = np.linalg.norm(W, 2)
    return [
        Claim(Chain(Times(_RHO, sp.Symbol("gamma")), "=", sp.Float(rho), "<", 1), "(tanh, γ = 1)"),
        Claim(
            "but at a = 0 the Jacobian is J = W with",
            Chain(Norm(sp.Symbol("J"), 2), "=", sp.Float(norm), ">", 1),
        ),
        "re-verified exactly (W as rationals): ρ(W) < 1 by the Jury conditions, and "
        "I − WᵀW is not positive semidefinite, so ‖W‖₂ > 1",
    ]


def _refute(settings):
    from symgrad.maths.strategies import matrices_with_spectral_radius

    return find_counterexample(
        _claim,
        [matrices_with_spectral_radius(2, radius=0.9, max_coupling=2.0)],
        settings=settings,
        default_examples=200,
        checked="searched 2×2 W with ρ(W) = 0.9 for one with ‖diag(tanh′(0))W‖₂ > 1",
        explain=_explain,
        known=[(np.array([[0.9, 1.0], [0.0, 0.9]]),)],
        names=("W",),
    )


_RHO = sp.Function("rho")(sp.Symbol("W"))

THEOREM = Theorem(
    id="refuted_spectral_radius_contracts",
    title="Refuted: ρ(W)γ < 1 makes every step contract",
    statement="The claim “ρ(W)·γ < 1 ⇒ ‖∂h⁽ⁱ⁾/∂h⁽ⁱ⁻¹⁾‖₂ < 1” is false; the singular value λ₁ is needed.",
    proof="A non-normal W has ‖W‖₂ > ρ(W).",
    references=["Pascanu et al. (2013) arXiv v2 wording (eigenvalue) vs ICML (singular value)"],
    tags=["refuted", "spectral radius"],
    steps=[
        Step(
            Claim(
                Chain(Times(_RHO, sp.Symbol("gamma")), "<", 1),
                "but",
                Chain(Norm(sp.Symbol("J"), 2), ">", 1),
            ),
            "non-normal W: ‖W‖₂ > ρ(W)",
            Evidence.REFUTED,
            _refute,
        )
    ],
)
