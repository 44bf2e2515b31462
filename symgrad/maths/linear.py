"""The linear case: powers of W, their norms, transient growth, Jordan blocks.

With σ the identity, the Jacobian over a lag is W^(k−t) (numerator layout, Model A), so the
long-range behaviour is that of matrix powers: governed by the spectral radius ρ(W)
asymptotically (Gelfand: ‖W^k‖^(1/k) → ρ), by ‖W‖₂ for a single step, and by the
non-normality of W in between.
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from ..errors import InvalidArgumentError
from .rational import spectral_norm_at_most

__all__ = [
    "exact_matrix",
    "jordan_blocks",
    "jordan_power",
    "power_by_jordan_form",
    "power_norms",
    "spectral_norm_exceeds",
    "spectral_radius_below",
    "transient_peak",
]


def power_norms(W: np.ndarray, k_max: int) -> np.ndarray:
    """‖W^k‖₂ for k = 0..k_max.

    Examples
    --------
    >>> power_norms(np.array([[0.5]]), 3)
    array([1.   , 0.5  , 0.25 , 0.125])
    """
    W = np.asarray(W, dtype=float)
    out = np.empty(k_max + 1)
    P = np.eye(W.shape[0])
    out[0] = 1.0
    for k in range(1, k_max + 1):
        P = P @ W
        out[k] = np.linalg.norm(P, 2)
    return out


def transient_peak(W: np.ndarray, k_max: int = 500) -> tuple[float, int]:
    """The largest ‖W^k‖₂ for 1 ≤ k ≤ k_max and the first k where it occurs."""
    norms = power_norms(W, k_max)
    k = int(np.argmax(norms[1:])) + 1
    return float(norms[k]), k


def jordan_power(m: int, lam: sp.Expr, k: sp.Expr) -> sp.Matrix:
    """J_m(λ)^k entry by entry: binomial(k, j − i) λ^(k − j + i) above the diagonal.

    For λ = 0 the entries are 1 where j − i = k and 0 elsewhere (0⁰ = 1, and C(k, d) = 0
    for d > k would otherwise meet the undefined 0^(k−d)).

    Examples
    --------
    >>> lam, k = sp.symbols("lambda k")
    >>> jordan_power(2, lam, k)
    Matrix([
    [lambda**k, k*lambda**(k - 1)],
    [        0,         lambda**k]])
    """
    lam = lam if isinstance(lam, sp.Basic) else sp.Rational(lam)
    if lam.is_zero:  # the shift matrix: 0^(k − d) would be undefined for d > k
        return sp.Matrix(m, m, lambda i, j: sp.KroneckerDelta(k, j - i) if j >= i else 0)
    return sp.Matrix(m, m, lambda i, j: sp.binomial(k, j - i) * lam ** (k - j + i) if j >= i else 0)


def exact_matrix(W: np.ndarray) -> sp.Matrix:
    """The float matrix W as exact rationals (each float converted without rounding).

    Examples
    --------
    >>> exact_matrix(np.array([[0.5, 0.1]]))[0, 1]
    3602879701896397/36028797018963968
    """
    W = np.atleast_2d(np.asarray(W, dtype=float))
    return sp.Matrix(W.shape[0], W.shape[1], lambda i, j: sp.Rational(float(W[i, j])))


def spectral_radius_below(W: sp.Matrix, r: int | sp.Rational = 1) -> bool:
    """Exactly decide ρ(W) < r for a rational 2 × 2 W (Jury conditions on W/r).

    Examples
    --------
    >>> spectral_radius_below(sp.Matrix([[sp.Rational(9, 10), 1], [0, sp.Rational(9, 10)]]))
    True
    >>> spectral_radius_below(sp.Matrix([[1, 0], [0, 0]]))
    False
    """
    if W.shape != (2, 2):
        raise ValueError(f"W must be 2 × 2, got {W.shape}")
    scaled = W / sp.Integer(r) if isinstance(r, int) else W / r
    tr, det = scaled.trace(), scaled.det()
    return bool(abs(det) < 1 and abs(tr) < 1 + det)


def spectral_norm_exceeds(W: sp.Matrix, c: int | sp.Rational = 1) -> bool:
    """Exactly decide ‖W‖₂ > c for a rational matrix: not :func:`~symgrad.rational.spectral_norm_at_most`.

    Examples
    --------
    >>> spectral_norm_exceeds(sp.Matrix([[sp.Rational(9, 10), 1], [0, sp.Rational(9, 10)]]))
    True
    >>> spectral_norm_exceeds(sp.eye(2))
    False
    """
    return not spectral_norm_at_most(W, c)


def jordan_blocks(J: sp.Matrix) -> list[tuple[sp.Expr, int]]:
    """The (eigenvalue, size) of each block of a Jordan matrix, top-left first.

    Examples
    --------
    >>> jordan_blocks(sp.Matrix([[2, 1, 0], [0, 2, 0], [0, 0, 5]]))
    [(2, 2), (5, 1)]
    """
    J = sp.Matrix(J)
    blocks, start = [], 0
    for i in range(J.rows):
        if i + 1 == J.rows or J[i, i + 1] == 0:
            blocks.append((J[start, start], i + 1 - start))
            start = i + 1
    return blocks


def power_by_jordan_form(W: sp.Matrix, k: int | sp.Expr) -> tuple[sp.Matrix, sp.Matrix, sp.Matrix]:
    """(P, J, P·J^k·P⁻¹) with W = PJP⁻¹ from SymPy and J^k from the entry formula of
    :func:`jordan_power` block by block (never from J**k).

    Examples
    --------
    >>> P, J, Wk = power_by_jordan_form(sp.Matrix([[1, 1], [0, 1]]), 5)
    >>> Wk
    Matrix([
    [1, 5],
    [0, 1]])
    """
    W = sp.Matrix(W)
    if W.rows != W.cols:
        raise InvalidArgumentError(f"W.shape={W.shape} must be square")
    P, J = W.jordan_form()
    power = sp.diag(*[jordan_power(m, lam, k) for lam, m in jordan_blocks(J)])
    return P, J, (P * power * P.inv()).applyfunc(sp.simplify)
