"""The spectral norm of a diagonal matrix is its largest entry in absolute value.

Statement. ‖diag(d)‖₂ = maxᵢ |dᵢ|.

Proof. diag(d)ᵀ diag(d) = diag(dᵢ²), whose eigenvalues are the dᵢ²; the largest square root is
maxᵢ |dᵢ|.
"""

import numpy as np
import sympy as sp
from hypothesis import strategies as st

from symgrad import Evidence, Outcome, Step, Theorem, check_identities, check_property


def _gram(settings):
    d = sp.symbols("d1:4", real=True)
    D = sp.diag(*d)
    return check_identities(
        "diag(d)ᵀ diag(d) = diag(d₁², d₂², d₃²)",
        [("symbolic n=3", D.T * D, sp.diag(*[v**2 for v in d]))],
    )


def _eigen(settings):
    d = sp.symbols("d1:4", real=True)
    eig = sp.diag(*[v**2 for v in d]).eigenvals()
    ok = set(eig) == {v**2 for v in d}
    return Outcome(
        ok,
        "the eigenvalues of diag(dᵢ²) are the dᵢ², so the singular values are |dᵢ|",
        instances=["symbolic n=3"],
        left=str(sorted(map(str, eig))),
        right="d1**2, d2**2, d3**2",
    )


def _tested(settings):
    def prop(values):
        d = np.array(values)
        a, b = np.linalg.norm(np.diag(d), 2), np.max(np.abs(d))
        assert abs(a - b) <= 1e-13 * max(1.0, b), f"‖diag(d)‖₂ = {a!r} | max|dᵢ| = {b!r}"

    return check_property(
        prop,
        [st.lists(st.floats(-100, 100), min_size=1, max_size=12)],
        settings=settings,
        default_examples=100,
        checked="‖diag(d)‖₂ = max|dᵢ| for 1 ≤ n ≤ 12, dᵢ ∈ [−100, 100]",
        tolerance="relative 1e-13",
    )


THEOREM = Theorem(
    id="diagonal_spectral_norm",
    title="The spectral norm of a diagonal matrix",
    statement="‖diag(d)‖₂ = maxᵢ |dᵢ|.",
    statement_latex=r"\|\operatorname{diag}(d)\|_2 = \max_i |d_i|",
    proof="diag(d)ᵀdiag(d) = diag(dᵢ²); the singular values are the |dᵢ|.",
    references=["mathlib: Matrix.l2_opNorm_diagonal"],
    tags=["lemma", "norm"],
    steps=[
        Step(
            "diag(d)ᵀ diag(d) = diag(dᵢ²)",
            "product of diagonal matrices",
            Evidence.PROVED,
            _gram,
            latex=(
                r"\operatorname{diag}(d)^{\mathsf T}\operatorname{diag}(d)"
                r" = \operatorname{diag}(d_i^2)"
            ),
        ),
        Step(
            "singular values of diag(d) are |dᵢ|",
            "eigenvalues of a diagonal matrix",
            Evidence.PROVED,
            _eigen,
        ),
        Step(
            "‖diag(d)‖₂ = maxᵢ|dᵢ| for every n",
            "standard lemma",
            Evidence.CITED,
            _tested,
            latex=r"\|\operatorname{diag}(d)\|_2 = \max_i |d_i|",
            source="mathlib Matrix.l2_opNorm_diagonal",
        ),
    ],
)
