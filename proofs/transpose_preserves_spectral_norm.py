"""Transposition preserves the spectral norm: ‖Aᵀ‖₂ = ‖A‖₂.

Statement. For every real square matrix A, ‖Aᵀ‖₂ = ‖A‖₂.

Proof. ‖A‖₂² is the largest eigenvalue of AᵀA and ‖Aᵀ‖₂² that of AAᵀ; the two matrices have
the same characteristic polynomial (for square A), hence the same eigenvalues.
"""

import numpy as np
import sympy as sp

from symgrad import Evidence, Outcome, Step, Theorem, check_identities, check_property
from symgrad.kernel import Chain, Claim, Norm, Over, Size, check_holds, power_of_ten
from symgrad.maths.rational import spectral_norm_at_most


def _charpoly(settings):
    lam = sp.Symbol("lambda")
    cases = []
    for n in (2, 3):
        A = sp.Matrix(n, n, lambda i, j: sp.Symbol(f"a_{i + 1}{j + 1}", real=True))
        cases.append(
            (
                Claim("symbolic", Size(n, n)),
                (A.T * A).charpoly(lam).as_expr(),
                (A * A.T).charpoly(lam).as_expr(),
            )
        )
    return check_identities(Claim(_CHARPOLY, "with every entry a symbol"), cases)


def _matmul(*factors):
    """A product of matrices as written (SymPy would flatten A(Av) into AAv)."""
    return sp.MatMul(*factors, evaluate=False)


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
    Av = sp.UnevaluatedExpr(A * v)  # kept whole: A(Av), (Av)ᵀ(Av)
    return Outcome(
        bool(ok),
        Claim(
            "with",
            A,
            ",",
            v,
            "MatrixSymbols of symbolic size",
            n,
            ":",
            Chain(
                _matmul(A, A.T, Av),
                "=",
                _matmul(A, sp.UnevaluatedExpr(A.T * A * v)),
                "=",
                _matmul(mu, A, v),
            ),
            "and",
            Chain(
                _matmul(sp.Transpose(A * v), Av),
                "=",
                _matmul(v.T, sp.UnevaluatedExpr(A.T * A * v)),
                "=",
                _matmul(mu, v.T, v),
            ),
            ", so each non-zero eigenvalue",
            mu,
            "of",
            A.T * A,
            "is one of",
            A * A.T,
            "(and symmetrically), and the largest eigenvalues agree",
        ),
        instances=[Claim("symbolic", n)],
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

    n = sp.Symbol("n")
    M, A = sp.MatrixSymbol("M", n, n), sp.MatrixSymbol("A", n, n)
    c, phi = sp.symbols("c phi")
    return Outcome(
        decided == expected,
        Claim(
            Chain(Norm(M, 2), "<=", c),
            "decided exactly (",
            c**2 * sp.Identity(n) - M.T * M,
            "positive semidefinite, in radicals) for",
            Chain(M, "=", A),
            "and",
            Chain(M, "=", A.T),
            ",",
            Chain(A, "=", _SHEAR),
            ": true at",
            Chain(c, "=", phi, "=", Over(1 + sp.sqrt(5), 2)),
            ", false at",
            Chain(c, "=", phi - sp.Rational(1, 1000)),
            ", so",
            Chain(Norm(A, 2), "=", Norm(A.T, 2), "=", phi),
        ),
        instances=[Claim(Chain(A, "=", _SHEAR))],
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
        checked=Claim(
            _NORMS, "for random", Size(4, 4), "matrices (entries in", sp.Interval(-10, 10), ")"
        ),
        tolerance=Claim(
            "relative",
            power_of_ten(-12),
            "(two SVDs of the same singular values)",
        ),
    )


# the notation of the statement and the steps
_n, _lam = sp.symbols("n lambda")
_A = sp.MatrixSymbol("A", _n, _n)
_NORMS = Chain(Norm(_A.T, 2), "=", Norm(_A, 2))
_CHARPOLY = Chain(
    sp.Determinant(_lam * sp.Identity(_n) - _A.T * _A),
    "=",
    sp.Determinant(_lam * sp.Identity(_n) - _A * _A.T),
)
_v, _mu = sp.MatrixSymbol("v", _n, 1), sp.Symbol("mu")

THEOREM = Theorem(
    id="transpose_preserves_spectral_norm",
    title="Transposition preserves the spectral norm",
    statement=Claim(_NORMS, "for every real square matrix", _A, "."),
    formula=_NORMS,
    proof=Claim(
        _A.T * _A,
        "and",
        _A * _A.T,
        "have the same characteristic polynomial, so the same largest eigenvalue.",
    ),
    references=["mathlib: Matrix.l2_opNorm_conjTranspose"],
    tags=["lemma", "norm"],
    steps=[
        Step(
            Claim(_A.T * _A, "and", _A * _A.T, "have the same non-zero eigenvalues, for every", _n),
            Claim(
                "multiplying by",
                _A,
                "maps each eigenvector",
                _v,
                "of",
                _A.T * _A,
                "to an eigenvector",
                _A * _v,
                "of",
                _A * _A.T,
                "with the same",
                Chain(_mu, "!=", 0),
            ),
            Evidence.PROVED,
            _shared_eigenvalues,
        ),
        Step(
            Claim(
                _CHARPOLY,
                "for",
                Size(2, 2),
                "and",
                Size(3, 3),
                _A,
                "with symbolic entries",
            ),
            Claim(
                "the squared singular values of",
                _A,
                "and",
                _A.T,
                "coincide (the stated sizes only)",
            ),
            Evidence.CHECKED,
            _charpoly,
        ),
        Step(
            Claim(
                Chain(Norm(_SHEAR.T, 2), "=", Norm(_SHEAR, 2), "=", sp.Symbol("phi"), "=", _PHI),
                "(a non-symmetric",
                _A,
                "with an irrational norm)",
            ),
            Claim(
                "both norms decided exactly against",
                sp.Symbol("phi"),
                "and against a value just below it",
            ),
            Evidence.CHECKED,
            _golden_shear,
        ),
        Step(
            Claim(_NORMS, "for every", _n),
            "standard lemma",
            Evidence.CITED,
            _tested,
            source="mathlib Matrix.l2_opNorm_conjTranspose",
            student=Claim("a standard lemma:", _A, "and", _A.T, "have the same singular values"),
        ),
    ],
)
