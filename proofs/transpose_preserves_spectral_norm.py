"""Transposition preserves the spectral norm: ‖Aᵀ‖₂ = ‖A‖₂.

Statement. For every real square matrix A, ‖Aᵀ‖₂ = ‖A‖₂.

Proof. ‖A‖₂² is the largest eigenvalue of AᵀA and ‖Aᵀ‖₂² that of AAᵀ; the two matrices have
the same characteristic polynomial (for square A), hence the same eigenvalues.
"""

import numpy as np
import sympy as sp

from symgrad import Evidence, Outcome, Step, Theorem, check_identities, check_property
from symgrad.kernel import Chain, Claim, Norm, check_holds
from symgrad.maths.rational import spectral_norm_at_most


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


def _zero(expr):
    # SymPy returns ZeroMatrix(n, 1) for matrix expressions, which is not == 0
    return expr == 0 or bool(getattr(expr, "is_ZeroMatrix", False))


def _shared_eigenvalues(settings):
    # symbolic n: AᵀA v = μ v ⇒ AAᵀ (Av) = μ (Av), and ‖Av‖² = μ‖v‖², so Av ≠ 0 when μ ≠ 0, v ≠ 0
    n = sp.Symbol("n", integer=True, positive=True)
    A, v = sp.MatrixSymbol("A", n, n), sp.MatrixSymbol("v", n, 1)
    mu = sp.Symbol("mu")
    B = sp.MatrixSymbol("B", n, 1)  # B stands for AᵀAv; the hypothesis is B = μv
    moved_ok = _zero(sp.simplify(A * A.T * (A * v) - A * (A.T * A * v)))  # AAᵀ(Av) = A(AᵀAv)
    image = sp.simplify((A * B).subs(B, mu * v) - mu * (A * v))  # A(μv) = μ(Av)
    norm_ok = _zero(sp.simplify(((A * v).T * (A * v)) - v.T * (A.T * A * v)))
    norm_mu = sp.simplify((v.T * B).subs(B, mu * v) - mu * (v.T * v))
    ok = moved_ok and norm_ok and _zero(image) and _zero(norm_mu)
    return Outcome(
        bool(ok),
        "with A, v MatrixSymbols of symbolic size n: AAᵀ(Av) = A(AᵀAv) = μ(Av) and "
        "(Av)ᵀ(Av) = vᵀ(AᵀAv) = μ vᵀv, so each non-zero eigenvalue μ of AᵀA is one of AAᵀ "
        "(and symmetrically), and the largest eigenvalues agree",
        instances=["symbolic n"],
        left=image,
        right=sp.Integer(0),
    )


#: a non-symmetric matrix whose spectral norm is irrational: the golden ratio φ
_SHEAR = sp.Matrix([[1, 1], [0, 1]])
_PHI = (1 + sp.sqrt(5)) / 2


def _golden_shear(settings):
    cases = [
        (M, bound) for M in (_SHEAR, _SHEAR.T) for bound in (_PHI, _PHI - sp.Rational(1, 1000))
    ]
    decided = [spectral_norm_at_most(M, bound) for M, bound in cases]
    expected = [bound == _PHI for _, bound in cases]

    def said(truths):
        parts = []
        for (M, bound), truth in zip(cases, truths, strict=True):
            parts += [Chain(Norm(M, 2), "<=", bound), f": {'true' if truth else 'false'};"]
        return Claim(*parts)

    return Outcome(
        decided == expected,
        "‖M‖₂ ≤ c decided exactly (c²I − MᵀM positive semidefinite, in radicals) for "
        "M = A and M = Aᵀ, A with rows (1, 1) and (0, 1): true at c = φ = (1 + √5)/2, false at "
        "c = φ − 1/1000, so ‖A‖₂ = ‖Aᵀ‖₂ = φ",
        instances=["A with rows (1, 1) and (0, 1)"],
        left=said(decided),
        right=said(expected),
    )


def _tested(settings):
    from hypothesis import strategies as st

    def prop(values):
        A = np.array(values).reshape(4, 4)
        a, b = np.linalg.norm(A, 2), np.linalg.norm(A.T, 2)
        check_holds(abs(a - b) <= 1e-12 * max(1.0, a), f"‖A‖₂ = {a!r}", f"‖Aᵀ‖₂ = {b!r}")

    return check_property(
        prop,
        [st.lists(st.floats(-10, 10), min_size=16, max_size=16)],
        settings=settings,
        default_examples=100,
        checked="‖Aᵀ‖₂ = ‖A‖₂ for random 4×4 matrices (entries in [−10, 10])",
        tolerance="relative 10⁻¹² (two SVDs of the same singular values)",
    )


# the notation of the statement and the steps
_n, _lam = sp.symbols("n lambda")
_A = sp.MatrixSymbol("A", _n, _n)
_NORMS = Chain(Norm(_A.T, 2), "=", Norm(_A, 2))

THEOREM = Theorem(
    id="transpose_preserves_spectral_norm",
    title="Transposition preserves the spectral norm",
    statement="‖Aᵀ‖₂ = ‖A‖₂ for every real square matrix A.",
    formula=_NORMS,
    proof="AᵀA and AAᵀ have the same characteristic polynomial, so the same largest eigenvalue.",
    references=["mathlib: Matrix.l2_opNorm_conjTranspose"],
    tags=["lemma", "norm"],
    steps=[
        Step(
            Claim(_A.T * _A, "and", _A * _A.T, "have the same non-zero eigenvalues, for every n"),
            "v ↦ Av maps eigenvectors of AᵀA to eigenvectors of AAᵀ with the same μ ≠ 0",
            Evidence.PROVED,
            _shared_eigenvalues,
        ),
        Step(
            Claim(
                Chain(
                    sp.Determinant(_lam * sp.Identity(_n) - _A.T * _A),
                    "=",
                    sp.Determinant(_lam * sp.Identity(_n) - _A * _A.T),
                ),
                "for 2×2 and 3×3",
                _A,
                "with symbolic entries",
            ),
            "the squared singular values of A and Aᵀ coincide (the stated sizes only)",
            Evidence.CHECKED,
            _charpoly,
        ),
        Step(
            Claim(
                Chain(Norm(_SHEAR.T, 2), "=", Norm(_SHEAR, 2), "=", sp.Symbol("phi"), "=", _PHI),
                "(a non-symmetric A with an irrational norm)",
            ),
            "both norms decided exactly against φ and against a value just below it",
            Evidence.CHECKED,
            _golden_shear,
        ),
        Step(
            Claim(_NORMS, "for every n"),
            "standard lemma",
            Evidence.CITED,
            _tested,
            source="mathlib Matrix.l2_opNorm_conjTranspose",
            student="a standard lemma: A and Aᵀ have the same singular values",
        ),
    ],
)
