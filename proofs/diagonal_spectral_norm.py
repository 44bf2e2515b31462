"""The spectral norm of a diagonal matrix is its largest entry in absolute value.

Statement. ‖diag(d)‖₂ = maxᵢ |dᵢ|.

Proof. diag(d)ᵀ diag(d) = diag(dᵢ²), whose eigenvalues are the dᵢ²; the largest square root is
maxᵢ |dᵢ|.
"""

import numpy as np
import sympy as sp

from symgrad import Evidence, Outcome, Step, Theorem, check_property
from symgrad.kernel import Chain, Claim, Diag, MaxOver, Norm, Transposed, check_holds, power_of_ten

n, i, j, r = sp.symbols("n i j r", integer=True, positive=True)
d = sp.IndexedBase("d", real=True)


def _diag(row, col):
    """Entry (row, col) of diag(d), written with a Kronecker delta: symbolic size n."""
    return sp.KroneckerDelta(row, col) * d[row]


def _in_range(expr):
    """The value of a Sum over r = 1..n for indices 1 ≤ i, j ≤ n (SymPy returns a Piecewise)."""
    if isinstance(expr, sp.Piecewise):
        for value, condition in expr.args:
            if condition == sp.true or condition in (i <= n, j <= n, sp.And(i <= n, j <= n)):
                return value
    return expr


def _gram(settings):
    # (DᵀD)_ij = Σ_r D_ri D_rj for symbolic n, against diag(d²) built separately
    entry = _in_range(sp.Sum(_diag(r, i) * _diag(r, j), (r, 1, n)).doit())
    target = sp.KroneckerDelta(i, j) * d[i] ** 2
    ok = sp.simplify(entry - target) == 0
    return Outcome(
        ok,
        Claim(
            "entry",
            sp.Tuple(i, j),
            "of",
            Transposed(_DIAG) * _DIAG,
            ":",
            Chain(sp.Sum(_diag(r, i) * _diag(r, j), (r, 1, n)), "=", target),
            ", summed by SymPy for symbolic",
            n,
        ),
        instances=[_INDICES],
        left=entry,
        right=target,
    )


def _eigen(settings):
    # diag(d²) e_i = d_i² e_i, entry j, symbolic n: the n unit vectors are eigenvectors
    entry = _in_range(
        sp.Sum(sp.KroneckerDelta(j, r) * d[r] ** 2 * sp.KroneckerDelta(r, i), (r, 1, n)).doit()
    )
    target = d[i] ** 2 * sp.KroneckerDelta(j, i)
    ok = sp.simplify(entry - target) == 0
    e = sp.IndexedBase("e", commutative=False)
    return Outcome(
        ok,
        Claim(
            "entry",
            j,
            "of",
            Diag(_d**2) * e[i],
            "is",
            target,
            "for symbolic",
            n,
            ":",
            e[1],
            ", …,",
            e[n],
            "are",
            n,
            "independent eigenvectors, so the eigenvalues are exactly the",
            _d_i**2,
            "and the singular values the",
            sp.Abs(_d_i),
        ),
        instances=[_INDICES],
        left=entry,
        right=target,
    )


def _tested(settings):
    from hypothesis import strategies as st

    def prop(values):
        d = np.array(values)
        a, b = np.linalg.norm(np.diag(d), 2), np.max(np.abs(d))
        check_holds(abs(a - b) <= 1e-13 * max(1.0, b), f"‖diag(d)‖₂ = {a!r}", f"max|dᵢ| = {b!r}")

    return check_property(
        prop,
        [st.lists(st.floats(-100, 100), min_size=1, max_size=12)],
        settings=settings,
        default_examples=100,
        checked=Claim(
            _NORM,
            "for",
            Chain(1, "<=", n, "<=", 12),
            ",",
            Chain(_d_i, "in", sp.Interval(-100, 100)),
        ),
        tolerance=Claim("relative", power_of_ten(-13)),
    )


# the notation of the statement and the steps
_d, _i = sp.symbols("d i")
_d_i = sp.Symbol("d_i")
_DIAG = Diag(_d)
_NORM = Chain(Norm(_DIAG, 2), "=", MaxOver(sp.Abs(_d_i), _i))
_INDICES = Claim("symbolic", n, ",", Chain(1, "<=", i, "<=", n), ",", Chain(1, "<=", j, "<=", n))

THEOREM = Theorem(
    id="diagonal_spectral_norm",
    title="The spectral norm of a diagonal matrix",
    statement=Claim(
        "The spectral norm of a diagonal matrix is its largest entry in absolute value:",
        _NORM,
        ".",
    ),
    formula=_NORM,
    proof=Claim(
        Chain(Transposed(_DIAG) * _DIAG, "=", Diag(_d_i**2)),
        "; so the singular values are the",
        sp.Abs(_d_i),
        ".",
    ),
    references=["mathlib: Matrix.l2_opNorm_diagonal"],
    tags=["lemma", "norm", "erratum 12"],
    steps=[
        Step(
            Chain(Transposed(_DIAG) * _DIAG, "=", Diag(_d_i**2)),
            "product of diagonal matrices",
            Evidence.PROVED,
            _gram,
        ),
        Step(
            Claim("the singular values of", _DIAG, "are", sp.Abs(_d_i)),
            "eigenvalues of a diagonal matrix",
            Evidence.PROVED,
            _eigen,
        ),
        Step(
            Claim(_NORM, "for every", n),
            "standard lemma",
            Evidence.CITED,
            _tested,
            source="mathlib Matrix.l2_opNorm_diagonal",
            student=Claim(
                "a standard lemma: the singular values of", _DIAG, "are the", sp.Abs(_d_i)
            ),
        ),
    ],
)
