"""Errors and loose statements of the seed blog post, with their corrections.

Each :class:`Erratum` names the catalogue theorem that backs the correction (and, when the
correction makes several claims, further theorems in ``also_backed_by``, so that every claim is
backed), or none when the erratum is bibliographic (then ``source`` names the reference). The
renderers (terminal, LaTeX) use this data, and the ``seed_errata`` theorem runs every backing
theorem and fails when one does not hold.
"""

from __future__ import annotations

from dataclasses import dataclass

__all__ = ["BACKING", "ERRATA", "POST_PLACES", "Erratum"]

#: Backings kept in one place: erratum number → theorem id. Errata 1 and 18 rest on
#: "ρ(W) < 1 ⟺ Wᵏ → 0 for every real W" (diagonalisation alone would miss defective and
#: nilpotent W); erratum 19 on the bound of the share of long-lag terms (eta_decay bounds
#: each term only).
BACKING: dict[int, str] = {
    1: "linear_powers_vanish_iff_spectral_radius",
    18: "linear_powers_vanish_iff_spectral_radius",
    19: "total_gradient_short_lags",
}

#: Where in the blog post "The Issues on Training RNN" each erratum stands, by the post's
#: own equation numbers and section titles (erratum number → place).
POST_PLACES: dict[int, str] = {
    1: "below eq. (7)",
    2: "below eq. (7)",
    3: "below eq. (9)",
    4: "above eq. (8)",
    5: "above eq. (8)",
    6: "above eq. (8)",
    7: "eq. (8)",
    8: "below eq. (3)",
    9: "below eq. (7)",
    10: "above eq. (5)",
    11: "below eq. (9)",
    12: "above eq. (8)",
    13: "section “Scaling down the exploding gradient”",
    14: "section “Scaling down the exploding gradient”",
    15: "section “Vanishing gradient regularization”",
    16: "introduction",
    17: "below eq. (4)",
    18: "eqs. (6)–(7)",
    19: "below eq. (9)",
}


@dataclass(frozen=True)
class Erratum:
    """One correction: what the seed says, what is right, and what backs it.

    Examples
    --------
    >>> e = Erratum(99, "a", "b", "eta_decay", also_backed_by=("one_step_bound",))
    >>> e.backings
    ('eta_decay', 'one_step_bound')
    """

    number: int
    seed_says: str
    correction: str
    backed_by: str | None
    source: str = ""
    also_backed_by: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if (self.backed_by is None) == (not self.source):
            raise ValueError(f"erratum {self.number}: give a backing theorem or a source, not both")
        if self.also_backed_by and self.backed_by is None:
            raise ValueError(
                f"erratum {self.number}: also_backed_by={self.also_backed_by!r} needs a "
                "backing theorem in backed_by"
            )
        if len(set(self.backings)) != len(self.backings):
            raise ValueError(
                f"erratum {self.number}: backings={self.backings!r} names a theorem twice"
            )

    @property
    def backings(self) -> tuple[str, ...]:
        """Every theorem behind the correction, the main one first (empty if bibliographic)."""
        if self.backed_by is None:
            return ()
        return (self.backed_by, *self.also_backed_by)


ERRATA: tuple[Erratum, ...] = (
    Erratum(
        1,
        "sufficient for 0 < ρ < 1",
        "ρ < 1 suffices; ρ = 0 (nilpotent W) is included",
        BACKING[1],
    ),
    Erratum(
        2,
        "components vanish as t → ∞",
        "in the seed's own notation (k later, t earlier) the limit is k − t → ∞",
        "eta_decay",
    ),
    Erratum(
        3,
        "go to 0 exponentially fast as t − k grows",
        "as k − t grows (k > t); t − k is negative",
        "eta_decay",
    ),
    Erratum(
        4,
        "We suppose that it is sufficient for λ₁ < 1/γ",
        "it is a theorem with a two-line proof, not a supposition",
        "one_step_bound",
    ),
    Erratum(
        5,
        "we apply the triangle inequality of the 2-norm",
        "the step is submultiplicativity ‖AB‖ ≤ ‖A‖‖B‖, not ‖A + B‖ ≤ ‖A‖ + ‖B‖",
        "spectral_norm_submultiplicative",
    ),
    Erratum(
        6,
        "the Jacobian is Wᵀ diag(σ′(h⁽ⁱ⁻¹⁾)) for model (1)",
        "for h⁽ⁱ⁾ = σ(W h⁽ⁱ⁻¹⁾ + …) it is diag(σ′(a⁽ⁱ⁾)) W (numerator) or Wᵀ diag(σ′(a⁽ⁱ⁾)) "
        "(denominator), σ′ at the pre-activation a⁽ⁱ⁾; the printed form is Model B for row "
        "vectors. The norm bound is unaffected",
        "jacobian_layouts",
    ),
    Erratum(
        7,
        "the chain ends '< (1/γ)·γ < 1'",
        "(1/γ)·γ = 1 exactly; an explicit valid η is λ₁γ",
        "one_step_bound",
    ),
    Erratum(
        8,
        "the component measures how L at step k affects the gradient at step t < k",
        "it measures how the copy W⁽ᵗ⁾ used at step t affects L⁽ᵏ⁾, k ≥ t (k = t included)",
        "bptt_sum_of_products",
    ),
    Erratum(
        9,
        "necessary for ρ > 1 for them to blow up",
        "right for exponential growth; for mere unboundedness ρ ≥ 1 is necessary "
        "(a Jordan block with λ = 1 grows like k)",
        "jordan_block_powers",
    ),
    Erratum(
        10,
        "the linear conditions are 'tight' and generalise",
        "only the linear ones are tight: nonlinear λ₁ < 1/γ is sufficient, not necessary, "
        "for vanishing; λ₁ > 1/γ is necessary, not sufficient, for explosion",
        "refuted_small_singular_value_necessary",
        # one theorem per claim: linear tightness, sufficiency, (not) necessity, (in)sufficiency
        also_backed_by=(
            "linear_powers_vanish_iff_spectral_radius",
            "one_step_bound",
            "explosion_needs_large_singular_value",
            "refuted_large_singular_value_explodes",
        ),
    ),
    Erratum(
        11,
        "similarly, we get the necessary condition λ₁ > 1/γ",
        "it is the contrapositive of the bound, not a similar argument",
        "explosion_needs_large_singular_value",
    ),
    Erratum(
        12,
        "‖diag(σ′(x))‖ ≤ γ ∈ ℝ",
        "γ = sup|σ′| and ‖diag(d)‖₂ = max|dᵢ|, in the spectral norm",
        "diagonal_spectral_norm",
    ),
    Erratum(
        13,
        "an L1 or L2 penalty is a good choice against exploding gradients",
        "Pascanu et al. list it with a serious drawback: it keeps λ₁ small and forces "
        "vanishing gradients, leaving no long-term memory",
        "weight_penalty_forces_vanishing",
    ),
    Erratum(
        14,
        "clipping the norm of the matrix",
        "Algorithm 1 clips the norm of the whole gradient over all parameters, rescaling to "
        "exactly the threshold and keeping the direction",
        "gradient_norm_clipping",
    ),
    Erratum(
        15,
        "the regulariser makes gradients neither increase nor decrease",
        "it is a soft preference for unit gain along the current error direction and "
        "guarantees nothing; without clipping, learning usually explodes",
        "pascanu_regulariser",
    ),
    Erratum(
        16,
        "R. Pascanu et al. (2012)",
        "arXiv preprint 2012; published at ICML 2013, PMLR 28(3):1310–1318",
        None,
        source="Pascanu, Mikolov, Bengio, ICML 2013, PMLR 28(3):1310–1318",
    ),
    Erratum(
        17,
        "a product of k − t real numbers n shrinks (0 < n < 1) or explodes (n > 1)",
        "use |n|; for matrices only along some direction, and non-normal W can grow before "
        "it shrinks",
        "refuted_transient_growth",
        # |n| < 1 ⟺ nᵏ → 0 is the 1×1 case; "along some direction" is the error expansion
        also_backed_by=("linear_powers_vanish_iff_spectral_radius", "linear_error_direction"),
    ),
    Erratum(
        18,
        "W can be diagonalised with eigenvector matrix S",
        "W need not be diagonalisable (the Jordan block [[1, 1], [0, 1]] is not, and its powers "
        "grow like k); when it is, S and Λ may be complex for real non-symmetric W; for every "
        "real W, diagonalisable or not, ρ < 1 is necessary and sufficient for W^k → 0",
        BACKING[18],
        also_backed_by=("jordan_block_powers",),
    ),
    Erratum(
        19,
        "vanishing gradient (of the whole gradient)",
        "the long-term components vanish; the terms of lag ≥ τ add up to at most a fraction η^τ "
        "of the bound CT/(1 − η) on the whole gradient, which bounds them without making them "
        "a small part of it",
        BACKING[19],
    ),
)
