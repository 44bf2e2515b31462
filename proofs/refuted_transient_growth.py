"""Refuted: "ρ(W) < 1 ⇒ the powers of W never grow beyond the first: ‖W^k‖₂ ≤ max(1, ‖W‖₂)."

Statement. False. A non-normal W with ρ < 1 can keep growing for many steps before it
decays: for W = [[0.9, 1], [0, 0.9]], ‖W‖₂ ≈ 1.5 but ‖W^k‖₂ rises to ≈ 3.91 at k = 9. In the
linear case a finite-length BPTT gradient can therefore be large although ρ < 1. (A matrix
with ‖W‖₂ > 1 whose powers then only shrink, such as [[−0.9, 1], [0, 0]], is not transient
growth: it only shows ‖W‖₂ > ρ(W), theorem refuted_spectral_radius_contracts.)

Proof. The recorded W above, re-verified exactly, and a counterexample found by Hypothesis
and shrunk, each with a k ≥ 2 and a rational c such that ‖W‖₂ ≤ c < ‖W^k‖₂ and c ≥ 1,
decided in rational arithmetic; the peak of ‖W^k‖₂ and where it occurs are reported.
"""

from fractions import Fraction

import numpy as np
import sympy as sp

from symgrad import Evidence, Step, Theorem, find_counterexample
from symgrad.linear import (
    exact_matrix,
    power_norms,
    spectral_norm_exceeds,
    spectral_radius_below,
    transient_peak,
)
from symgrad.rational import spectral_norm_at_most
from symgrad.strategies import matrices_with_spectral_radius

RECORDED = np.array([[0.9, 1.0], [0.0, 0.9]])


def _later_growth(W):
    """(k, c): k ≥ 2 and a rational c ≥ 1 with ‖W‖₂ ≤ c < ‖W^k‖₂, decided exactly; or None."""
    norms = power_norms(W, 60)
    Wq = exact_matrix(W)
    for k in np.flatnonzero(norms[2:] > max(1.0, norms[1])) + 2:
        middle = (max(1.0, norms[1]) + norms[k]) / 2  # a rational strictly between, if any
        for denominator in (100, 10**4, 10**12):  # the simplest that works
            c = sp.Rational(Fraction(middle).limit_denominator(denominator))
            if c >= 1 and spectral_norm_at_most(Wq, c) and spectral_norm_exceeds(Wq ** int(k), c):
                return int(k), c
    return None


def _claim(W):
    # the claim: ρ(W) < 1 ⇒ ‖W^k‖₂ ≤ max(1, ‖W‖₂) for all k ≥ 2; refuted only by an exact witness
    norms = power_norms(W, 60)
    if np.all(norms[2:] <= max(1.0, norms[1])):
        return True
    return not (spectral_radius_below(exact_matrix(W)) and _later_growth(W) is not None)


def _explain(W):
    peak, k = transient_peak(W, 500)
    norms = power_norms(W, 500)
    below = int(np.argmax((norms < 1) & (np.arange(501) > k)))
    grows, c = _later_growth(W) or (None, None)
    return [
        f"ρ(W) = {max(abs(np.linalg.eigvals(W))):.6g} < 1, ‖W‖₂ = {np.linalg.norm(W, 2):.6g}",
        f"peak ‖W^{k}‖₂ = {peak:.6g}; the norm first drops below 1 again at k = {below}",
        f"re-verified exactly (W as rationals): ρ(W) < 1 (Jury) and ‖W‖₂ ≤ c < ‖W^{grows}‖₂ "
        f"with c = {c} ≥ 1 (I − Wᵀ W/c² positive semidefinite, I − (W^k)ᵀW^k/c² not)",
    ]


def _show(W):
    text = np.array2string(W, precision=6, suppress_small=True, separator=", ")
    return " ".join(text.split())


def _refute(settings):
    out = find_counterexample(
        _claim,
        [matrices_with_spectral_radius(2, radius=0.9, max_coupling=10.0)],
        settings=settings,
        default_examples=200,
        checked="searched 2×2 W with ρ(W) = 0.9 for one whose powers grow after the first step: "
        "‖W^k‖₂ > max(1, ‖W‖₂) for some 2 ≤ k ≤ 60",
        explain=_explain,
        known=[(RECORDED,)],
    )
    if out.ok and not _claim(RECORDED):  # show the recorded, textbook instance first
        found = out.counterexample
        out.counterexample = _show(RECORDED)
        out.details = [
            "the recorded example, re-verified exactly",
            *_explain(RECORDED),
            f"the search also found one, shrunk by Hypothesis: {found}",
        ]
    return out


THEOREM = Theorem(
    id="refuted_transient_growth",
    title="Refuted: with ρ(W) < 1 the powers of W grow no further than the first",
    statement=(
        "The claim “ρ(W) < 1 ⇒ ‖W^k‖₂ ≤ max(1, ‖W‖₂) for all k ≥ 2” is false: non-normal "
        "transient growth, e.g. W = [[0.9, 1], [0, 0.9]] with ‖W^9‖₂ ≈ 3.91."
    ),
    proof="W = [[0.9, c], [0, 0.9]] has W^k = [[0.9^k, c k 0.9^(k−1)], [0, 0.9^k]].",
    references=["Goodfellow et al. (2016), §10.8 ('contractive' is loose here)"],
    tags=["refuted", "linear", "non-normal", "erratum 17"],
    steps=[
        Step(
            "ρ(W) < 1 yet ‖W^k‖₂ > max(1, ‖W‖₂) for some k ≥ 2",
            "non-normal transient growth: the powers keep growing after the first step",
            Evidence.REFUTED,
            _refute,
        )
    ],
)
