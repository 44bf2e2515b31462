"""Refuted: "ρ(W) < 1 ⇒ ‖W^k‖₂ never exceeds 1."

Statement. False. A non-normal W with ρ < 1 can grow for many steps before it decays; in the
linear case a finite-length BPTT gradient can therefore be large although ρ < 1.

Proof. Counterexample found by Hypothesis and shrunk; the peak of ‖W^k‖₂ and where it occurs
are reported.
"""

import numpy as np

from symgrad import Evidence, Step, Theorem, find_counterexample
from symgrad.linear import (
    exact_matrix,
    power_norms,
    spectral_norm_exceeds,
    spectral_radius_below,
    transient_peak,
)
from symgrad.strategies import matrices_with_spectral_radius


def _first_growth(W):
    """The first k ≤ 60 with ‖W^k‖₂ > 1, confirmed in rational arithmetic, or None."""
    norms = power_norms(W, 60)
    Wq = exact_matrix(W)
    for k in np.flatnonzero(norms[1:] > 1) + 1:
        if spectral_norm_exceeds(Wq ** int(k)):
            return int(k)
    return None


def _claim(W):
    # the claim: ρ(W) < 1 ⇒ ‖W^k‖₂ ≤ 1 for all k; refuted only by an exact witness
    if np.all(power_norms(W, 60)[1:] <= 1):
        return True
    return not (spectral_radius_below(exact_matrix(W)) and _first_growth(W) is not None)


def _explain(W):
    peak, k = transient_peak(W, 500)
    norms = power_norms(W, 500)
    below = int(np.argmax((norms < 1) & (np.arange(501) > k)))
    return [
        f"ρ(W) = {max(abs(np.linalg.eigvals(W))):.6g} < 1, ‖W‖₂ = {np.linalg.norm(W, 2):.6g}",
        f"peak ‖W^{k}‖₂ = {peak:.6g}; the norm first drops below 1 again at k = {below}",
        f"re-verified exactly (W as rationals): ρ(W) < 1 (Jury) and ‖W^{_first_growth(W)}‖₂ > 1 "
        "(I − (W^k)ᵀW^k not positive semidefinite)",
    ]


def _refute(settings):
    return find_counterexample(
        _claim,
        [matrices_with_spectral_radius(2, radius=0.9, max_coupling=10.0)],
        settings=settings,
        default_examples=200,
        checked="searched 2×2 W with ρ(W) = 0.9 for one with ‖W^k‖₂ > 1 for some k ≤ 60",
        explain=_explain,
        known=[(np.array([[0.9, 1.0], [0.0, 0.9]]),)],
    )


THEOREM = Theorem(
    id="refuted_transient_growth",
    title="Refuted: ρ(W) < 1 keeps every power of W small",
    statement="The claim “ρ(W) < 1 ⇒ ‖W^k‖₂ ≤ 1 for all k” is false: non-normal transient growth.",
    proof="W = [[0.9, c], [0, 0.9]] has W^k = [[0.9^k, c k 0.9^(k−1)], [0, 0.9^k]].",
    references=["Goodfellow et al. (2016), §10.8 ('contractive' is loose here)"],
    tags=["refuted", "linear", "non-normal", "erratum 17"],
    steps=[
        Step(
            "ρ(W) < 1 yet ‖W^k‖₂ > 1 for some k",
            "non-normal transient growth",
            Evidence.REFUTED,
            _refute,
        )
    ],
)
