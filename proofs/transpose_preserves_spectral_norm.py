"""Transposition preserves the spectral norm: ‖Aᵀ‖₂ = ‖A‖₂.

Statement. For every real square matrix A, ‖Aᵀ‖₂ = ‖A‖₂.

Proof. ‖A‖₂² is the largest eigenvalue of AᵀA and ‖Aᵀ‖₂² that of AAᵀ; the two matrices have
the same characteristic polynomial (for square A), hence the same eigenvalues.
"""

import numpy as np
import sympy as sp
from hypothesis import strategies as st

from symgrad import Evidence, Step, Theorem, check_identities, check_property


def _charpoly(settings):
    lam = sp.Symbol("lambda")
    cases = []
    for n in (2, 3):
        A = sp.Matrix(n, n, lambda i, j: sp.Symbol(f"a_{i + 1}{j + 1}", real=True))
        cases.append(
            (
                f"symbolic {n}×{n}",
                (A.T * A).charpoly(lam).as_expr(),
                (A * A.T).charpoly(lam).as_expr(),
            )
        )
    return check_identities("det(λI − AᵀA) = det(λI − AAᵀ) with every entry a symbol", cases)


def _tested(settings):
    def prop(values):
        A = np.array(values).reshape(4, 4)
        a, b = np.linalg.norm(A, 2), np.linalg.norm(A.T, 2)
        assert abs(a - b) <= 1e-12 * max(1.0, a), f"‖A‖₂ = {a!r} | ‖Aᵀ‖₂ = {b!r}"

    return check_property(
        prop,
        [st.lists(st.floats(-10, 10), min_size=16, max_size=16)],
        settings=settings,
        default_examples=100,
        checked="‖Aᵀ‖₂ = ‖A‖₂ for random 4×4 matrices (entries in [−10, 10])",
        tolerance="relative 1e-12 (two SVDs of the same singular values)",
    )


THEOREM = Theorem(
    id="transpose_preserves_spectral_norm",
    title="Transposition preserves the spectral norm",
    statement="‖Aᵀ‖₂ = ‖A‖₂ for every real square matrix A.",
    statement_latex=r"\|A^{\mathsf T}\|_2 = \|A\|_2",
    proof="AᵀA and AAᵀ have the same characteristic polynomial, so the same largest eigenvalue.",
    references=["mathlib: Matrix.l2_opNorm_conjTranspose"],
    tags=["lemma", "norm"],
    steps=[
        Step(
            "charpoly(AᵀA) = charpoly(AAᵀ) for symbolic 2×2 and 3×3 A",
            "the squared singular values of A and Aᵀ coincide",
            Evidence.PROVED,
            _charpoly,
            latex=r"\det(\lambda I - A^{\mathsf T}A) = \det(\lambda I - AA^{\mathsf T})",
        ),
        Step(
            "‖Aᵀ‖₂ = ‖A‖₂ for every n",
            "standard lemma",
            Evidence.CITED,
            _tested,
            latex=r"\|A^{\mathsf T}\|_2 = \|A\|_2",
            source="mathlib Matrix.l2_opNorm_conjTranspose",
        ),
    ],
)
