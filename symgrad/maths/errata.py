"""Errors and loose statements of the seed blog post, with their corrections.

Each :class:`Erratum` names the catalogue theorem that backs the correction (and, when the
correction makes several claims, further theorems in ``also_backed_by``, so that every claim is
backed), or none when the erratum is bibliographic (then ``source`` names the reference).
What the post says and the correction are claims (:class:`~symgrad.claims.Claim`): prose with
the formulas as SymPy and notation objects, so the wrong formula and the right one are
mathematics that every printer (terminal, LaTeX, MathML) typesets. The renderers use this
data, and the ``seed_errata`` theorem runs every backing theorem and fails when one does not
hold.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from ..kernel.claims import Claim
from ..kernel.notation import (
    AtTime,
    Cdots,
    Chain,
    Diag,
    MaxOver,
    Norm,
    Over,
    Plus,
    Prime,
    Sup,
    Tends,
    Times,
    Transposed,
)

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
    """One correction: what the seed says, what is right (both claims), and what backs it.

    Examples
    --------
    >>> e = Erratum(99, "a", "b", "eta_decay", also_backed_by=("one_step_bound",))
    >>> e.backings
    ('eta_decay', 'one_step_bound')
    """

    number: int
    seed_says: Claim
    correction: Claim
    backed_by: str | None
    source: str = ""
    also_backed_by: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        # a plain string is a claim of prose alone
        object.__setattr__(self, "seed_says", Claim.of(self.seed_says))
        object.__setattr__(self, "correction", Claim.of(self.correction))
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


# the notation of the errata
_rho, _lam1, _gamma, _eta = sp.symbols("rho lambda_1 gamma eta")
_t, _k, _n, _tau, _x, _i = sp.symbols("t k n tau x i")
_W, _S, _Lam, _L = sp.symbols("W S Lambda L")
_A, _B = sp.symbols("A B", commutative=False)
_C, _T = sp.symbols("C T")
_sigma = sp.Function("sigma")


ERRATA: tuple[Erratum, ...] = (
    Erratum(
        1,
        Claim("sufficient for", Chain(0, "<", _rho, "<", 1)),
        Claim(
            Chain(_rho, "<", 1),
            "suffices;",
            Chain(_rho, "=", 0),
            "(nilpotent",
            _W,
            ") is included",
        ),
        BACKING[1],
    ),
    Erratum(
        2,
        Claim("components vanish as", Tends(_t, sp.oo)),
        Claim(
            "in the seed's own notation (",
            _k,
            "later,",
            _t,
            "earlier) the limit is",
            Tends(Plus(_k, -_t), sp.oo),
        ),
        "eta_decay",
    ),
    Erratum(
        3,
        Claim("go to 0 exponentially fast as", Plus(_t, -_k), "grows"),
        Claim(
            "as", Plus(_k, -_t), "grows (", Chain(_k, ">", _t), ");", Plus(_t, -_k), "is negative"
        ),
        "eta_decay",
    ),
    Erratum(
        4,
        Claim("We suppose that it is sufficient for", Chain(_lam1, "<", 1 / _gamma)),
        "it is a theorem with a two-line proof, not a supposition",
        "one_step_bound",
    ),
    Erratum(
        5,
        "we apply the triangle inequality of the 2-norm",
        Claim(
            "the step is submultiplicativity",
            Chain(Norm(Times(_A, _B)), "<=", Times(Norm(_A), Norm(_B))),
            ", not",
            Chain(Norm(Plus(_A, _B)), "<=", Plus(Norm(_A), Norm(_B))),
        ),
        "spectral_norm_submultiplicative",
    ),
    Erratum(
        6,
        Claim(
            "the Jacobian is",
            Times(Transposed(_W), Diag(Prime("sigma", AtTime("h", _i - 1)))),
            "for model (1)",
        ),
        Claim(
            "for",
            Chain(AtTime("h", _i), "=", _sigma(Plus(Times(_W, AtTime("h", _i - 1)), Cdots()))),
            "it is",
            Times(Diag(Prime("sigma", AtTime("a", _i))), _W),
            "(numerator layout) or",
            Times(Transposed(_W), Diag(Prime("sigma", AtTime("a", _i)))),
            "(denominator layout), the derivative taken at the pre-activation",
            AtTime("a", _i),
            "; the printed form is Model B for row vectors. The norm bound is unaffected",
        ),
        "jacobian_layouts",
    ),
    Erratum(
        7,
        Claim("the chain ends", Chain("<", Times(1 / _gamma, _gamma), "<", 1)),
        Claim(
            Chain(Times(1 / _gamma, _gamma), "=", 1),
            "exactly; an explicit valid choice is",
            Chain(_eta, "=", Times(_lam1, _gamma)),
        ),
        "one_step_bound",
    ),
    Erratum(
        8,
        Claim(
            "the component measures how",
            _L,
            "at step",
            _k,
            "affects the gradient at step",
            Chain(_t, "<", _k),
        ),
        Claim(
            "it measures how the copy",
            AtTime("W", _t),
            "used at step",
            _t,
            "affects",
            AtTime("L", _k),
            ",",
            Chain(_k, ">=", _t),
            "(",
            Chain(_k, "=", _t),
            "included)",
        ),
        "bptt_sum_of_products",
    ),
    Erratum(
        9,
        Claim("necessary for", Chain(_rho, ">", 1), "for them to blow up"),
        Claim(
            "right for exponential growth; for mere unboundedness",
            Chain(_rho, ">=", 1),
            "is necessary (a Jordan block with",
            Chain(sp.Symbol("lambda"), "=", 1),
            "grows like",
            _k,
            ")",
        ),
        "jordan_block_powers",
    ),
    Erratum(
        10,
        "the linear conditions are 'tight' and generalise",
        Claim(
            "only the linear ones are tight: nonlinear",
            Chain(_lam1, "<", 1 / _gamma),
            "is sufficient, not necessary, for vanishing;",
            Chain(_lam1, ">", 1 / _gamma),
            "is necessary, not sufficient, for explosion",
        ),
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
        Claim("similarly, we get the necessary condition", Chain(_lam1, ">", 1 / _gamma)),
        "it is the contrapositive of the bound, not a similar argument",
        "explosion_needs_large_singular_value",
    ),
    Erratum(
        12,
        Claim(Chain(Norm(Diag(Prime("sigma", _x))), "<=", _gamma, "in", sp.Reals)),
        Claim(
            Chain(_gamma, "=", Sup(sp.Abs(Prime("sigma", _x)), _x)),
            "and",
            Chain(Norm(Diag(sp.Symbol("d")), 2), "=", MaxOver(sp.Abs(sp.Symbol("d_i")), _i)),
            ", in the spectral norm",
        ),
        "diagonal_spectral_norm",
    ),
    Erratum(
        13,
        "an L1 or L2 penalty is a good choice against exploding gradients",
        Claim(
            "Pascanu et al. list it with a serious drawback: it keeps",
            _lam1,
            "small and forces vanishing gradients, leaving no long-term memory",
        ),
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
        Claim(
            "a product of",
            Plus(_k, -_t),
            "real numbers",
            _n,
            "shrinks (",
            Chain(0, "<", _n, "<", 1),
            ") or explodes (",
            Chain(_n, ">", 1),
            ")",
        ),
        Claim(
            "use",
            sp.Abs(_n),
            "; for matrices only along some direction, and non-normal",
            _W,
            "can grow before it shrinks",
        ),
        "refuted_transient_growth",
        # |n| < 1 ⟺ nᵏ → 0 is the 1×1 case; "along some direction" is the error expansion
        also_backed_by=("linear_powers_vanish_iff_spectral_radius", "linear_error_direction"),
    ),
    Erratum(
        18,
        Claim(_W, "can be diagonalised with eigenvector matrix", _S),
        Claim(
            _W,
            "need not be diagonalisable (the Jordan block",
            sp.Matrix([[1, 1], [0, 1]]),
            "is not, and its powers grow like",
            _k,
            "); when it is,",
            _S,
            "and",
            _Lam,
            "may be complex for real non-symmetric",
            _W,
            "; for every real",
            _W,
            ", diagonalisable or not,",
            Chain(_rho, "<", 1),
            "is necessary and sufficient for",
            Tends(_W**_k, 0),
        ),
        BACKING[18],
        also_backed_by=("jordan_block_powers",),
    ),
    Erratum(
        19,
        "vanishing gradient (of the whole gradient)",
        Claim(
            "the long-term components vanish; the terms of lag",
            Chain(">=", _tau),
            "add up to at most a fraction",
            _eta**_tau,
            "of the bound",
            Over(_C * _T, Plus(1, -_eta)),
            "on the whole gradient, which bounds them without making them a small part of it",
        ),
        BACKING[19],
    ),
)
