"""Refuted: "ρ(W) < 1 ⇒ ‖W^k‖₂ never exceeds 1."

Statement. False. A non-normal W with ρ < 1 can grow for many steps before it decays; in the
linear case a finite-length BPTT gradient can therefore be large although ρ < 1.

Proof. Counterexample found by Hypothesis and shrunk; the peak of ‖W^k‖₂ and where it occurs
are reported.
"""

import numpy as np
import sympy as sp

from symgrad import Evidence, Outcome, Step, Theorem, check_identities, find_counterexample
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


def _powers(settings, shift=0):
    k = sp.Symbol("k", integer=True, positive=True)
    a, c = sp.symbols("a c", positive=True)
    stated = sp.Matrix([[a**k, c * k * a ** (k - 1 + shift)], [0, a**k]])
    return check_identities(
        "[[a, c], [0, a]]^k computed by SymPy for symbolic k = [[a^k, c k a^(k−1)], [0, a^k]]",
        [("symbolic a, c, k", sp.Matrix([[a, c], [0, a]]) ** k, stated)],
    )


def _peak(settings, W=None):
    W = np.array([[0.9, 1.0], [0.0, 0.9]]) if W is None else W
    peak, k = transient_peak(W, 500)
    # the norms again, each power computed on its own (not by the running product)
    norms = [np.linalg.norm(np.linalg.matrix_power(W, j), 2) for j in range(1, 501)]
    best = int(np.argmax(norms)) + 1
    ok = k == best == 9 and abs(peak - norms[best - 1]) <= 1e-12 * norms[best - 1]
    return Outcome(
        ok,
        f"W = [[0.9, 1], [0, 0.9]]: transient_peak gives ‖W^{k}‖₂ = {peak:.12g}; the largest of "
        "‖W^j‖₂, j = 1..500, each power by np.linalg.matrix_power, is at the same k",
        instances=["W = [[0.9, 1], [0, 0.9]]"],
        tolerance="relative 1e-12 on the peak (floating-point 2-norms of powers)",
        left=f"k = {k}, ‖W^k‖₂ = {peak!r}",
        right=f"k = {best} (stated 9), ‖W^k‖₂ = {norms[best - 1]!r}",
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
        ),
        Step(
            "W^k = [[a^k, c k a^(k−1)], [0, a^k]] for W = [[a, c], [0, a]]",
            "the powers of a 2×2 Jordan-like block, symbolic k: the off-diagonal entry grows like "
            "k before a^(k−1) wins",
            Evidence.PROVED,
            _powers,
            latex=r"\begin{pmatrix}a&c\\0&a\end{pmatrix}^k = "
            r"\begin{pmatrix}a^k&c\,k\,a^{k-1}\\0&a^k\end{pmatrix}",
        ),
        Step(
            "for a = 0.9, c = 1 the growth peaks at k = 9 (‖W⁹‖₂ ≈ 3.91), then decays",
            "the reported peak and where it occurs, against every power computed on its own",
            Evidence.TESTED,
            _peak,
        ),
    ],
)
