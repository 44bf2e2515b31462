"""Exact rational helpers for "checked" steps: σ and σ′ as fractions, exact norm comparisons.

An activation whose σ and σ′ take rational values at rational points (identity, ReLU,
leaky ReLU, hard tanh, softsign) lets a whole RNN run in exact arithmetic, so that a check
on a concrete instance involves no rounding at all. Norm inequalities are decided without
square roots: ‖A‖₂ ≤ c is equivalent to c²I − AᵀA being positive semidefinite, decided
exactly from the signs of its characteristic polynomial (python-flint) for rational matrices,
and by SymPy otherwise; Euclidean and Frobenius norms are compared
through their squares.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from fractions import Fraction
from typing import Any

import flint
import sympy as sp
from sympy.printing.pycode import PythonCodePrinter

from ..errors import InvalidArgumentError
from .activations import Activation, as_activation, x

__all__ = ["norm_squared", "rational_rule", "spectral_norm_at_most"]


def _sign(value: Any) -> int:
    return (value > 0) - (value < 0)


class _FractionPrinter(PythonCodePrinter):
    """Python code in which rationals stay exact (Fraction(p, q), not p/q)."""

    def _print_Rational(self, expr: sp.Rational) -> str:
        return f"Fraction({expr.p}, {expr.q})"

    def _print_sign(self, expr: sp.Expr) -> str:
        return f"_sign({self._print(expr.args[0])})"


def _exact(value: Any, act: Activation, what: str, arg: Fraction) -> Fraction:
    if isinstance(value, bool) or not isinstance(value, (int, Fraction)):
        raise InvalidArgumentError(
            f"{what} of {act.name} at a rational point is not rational (got "
            f"{type(value).__name__}); exact instances need an activation with rational values "
            "at rational points (identity, relu, leaky_relu, hard_tanh, softsign)"
        )
    return Fraction(value)


def rational_rule(activation: str | Activation) -> Callable[[int, int, Any], tuple[Any, Any]]:
    """A σ rule for :class:`symgrad.routes.Problem` returning exact fractions (σ(a), σ′(a)).

    σ and σ′ are the activation's SymPy expressions, compiled to plain Python arithmetic
    (``abs``, comparisons, ``sign``) and evaluated on :class:`fractions.Fraction`; a value
    that is not rational (tanh at 1, say) raises :class:`~symgrad.errors.InvalidArgumentError`.

    Examples
    --------
    >>> rule = rational_rule("softsign")
    >>> rule(1, 0, Fraction(1, 2))
    (Fraction(1, 3), Fraction(4, 9))
    >>> rational_rule("relu")(1, 0, Fraction(-2))
    (Fraction(0, 1), Fraction(0, 1))
    """
    act = as_activation(activation)
    table = [{"Fraction": Fraction, "_sign": _sign, "math": math}, "math"]
    # lambdify compiles expressions built by symgrad in the single symbol x; no user text
    f = sp.lambdify(x, act.expr, modules=table, printer=_FractionPrinter)
    fp = sp.lambdify(x, act.derivative, modules=table, printer=_FractionPrinter)

    def rule(_t: int, _i: int, arg: Any) -> tuple[Fraction, Fraction]:
        a = Fraction(arg)
        return _exact(f(a), act, "σ", a), _exact(fp(a), act, "σ′", a)

    return rule


def norm_squared(values: Sequence[Any] | sp.MatrixBase) -> Any:
    """The squared Euclidean (for a matrix: Frobenius) norm, exactly.

    Examples
    --------
    >>> norm_squared([Fraction(3, 5), Fraction(4, 5)])
    Fraction(1, 1)
    """
    items = list(values)
    total: Any = 0
    for v in items:
        total = total + v * v
    return total


def spectral_norm_at_most(A: sp.MatrixBase, bound: Any) -> bool:
    """Decide ‖A‖₂ ≤ bound exactly (bound ≥ 0): c²I − AᵀA positive semidefinite.

    Examples
    --------
    >>> spectral_norm_at_most(sp.Matrix([[3, 0], [0, 4]]), 4)
    True
    >>> spectral_norm_at_most(sp.Matrix([[3, 0], [0, 4]]), sp.Rational(39, 10))
    False
    """
    A = sp.Matrix(A)
    bound = bound if isinstance(bound, sp.Basic) else sp.Rational(bound)
    if bound.is_negative:
        raise InvalidArgumentError(f"bound={bound} must be non-negative")
    if bound.is_Rational and all(isinstance(v, sp.Rational) for v in A):
        return _semidefinite(_fmpq_matrix(bound**2 * sp.eye(A.cols)) - _gram(A))
    gram = bound**2 * sp.eye(A.cols) - A.T * A
    verdict = gram.is_positive_semidefinite
    if verdict is None:
        raise InvalidArgumentError(f"could not decide ‖A‖₂ ≤ {bound} exactly for A = {A}")
    return bool(verdict)


def _fmpq_matrix(A: sp.MatrixBase) -> Any:
    return flint.fmpq_mat(A.rows, A.cols, [flint.fmpq(v.p, v.q) for v in A])


def _gram(A: sp.MatrixBase) -> Any:
    """AᵀA of a rational matrix, in python-flint's exact rationals."""
    M = _fmpq_matrix(A)
    return M.transpose() * M


def _semidefinite(G: Any) -> bool:
    """Whether the symmetric rational matrix `G` is positive semidefinite, exactly.

    Its characteristic polynomial det(tI − G) = tⁿ + aₙ₋₁tⁿ⁻¹ + … + a₀ has only real roots
    (G is symmetric). They are all ≥ 0 exactly when the coefficients alternate in sign,
    (−1)ⁿ⁻ᵏ aₖ ≥ 0 for every k: for roots ≥ 0 the aₖ are signed elementary symmetric
    functions of them; conversely, then p(−s) = (−1)ⁿ Σ |aₖ| sᵏ ≠ 0 for s > 0. G is scaled
    to integers first (a positive factor changes no sign).

    Examples
    --------
    >>> _semidefinite(flint.fmpq_mat(2, 2, [2, 1, 1, 3])), _semidefinite(flint.fmpq_mat(2, 2, [1, 2, 2, 1]))
    (True, False)
    """
    n = G.nrows()
    entries = [G[i, j] for i in range(n) for j in range(n)]
    scale = math.lcm(*(int(v.q) for v in entries)) if entries else 1
    integral = flint.fmpz_mat(n, n, [int(v.p) * (scale // int(v.q)) for v in entries])
    coefficients = integral.charpoly().coeffs()  # a₀, a₁, …, aₙ = 1
    return all((-1) ** (n - k) * a >= 0 for k, a in enumerate(coefficients))
