"""Exact rational helpers for "checked" steps: σ and σ′ as fractions, exact norm comparisons.

An activation whose σ and σ′ take rational values at rational points (identity, ReLU,
leaky ReLU, hard tanh, softsign) lets a whole RNN run in exact arithmetic, so that a check
on a concrete instance involves no rounding at all. Norm inequalities are decided without
square roots: ‖A‖₂ ≤ c is equivalent to c²I − AᵀA being positive semidefinite, which
SymPy decides exactly for rational matrices; Euclidean and Frobenius norms are compared
through their squares.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from fractions import Fraction
from typing import Any

import sympy as sp

from .activations import Activation, get_activation
from .errors import InvalidArgumentError

__all__ = ["norm_squared", "rational_rule", "spectral_norm_at_most"]


def _fraction(value: sp.Expr, what: str) -> Fraction:
    value = sp.nsimplify(value) if isinstance(value, sp.Float) else sp.sympify(value)
    if not value.is_Rational:
        raise InvalidArgumentError(
            f"{what} = {value} is not rational; exact instances need an activation with "
            "rational values at rational points (identity, relu, leaky_relu, hard_tanh, softsign)"
        )
    return Fraction(int(value.p), int(value.q))


def rational_rule(activation: str | Activation) -> Callable[[int, int, Any], tuple[Any, Any]]:
    """A σ rule for :class:`symgrad.routes.Problem` returning exact fractions (σ(a), σ′(a)).

    The values come from the activation's SymPy expressions; a value that is not rational
    (tanh at 1, say) raises :class:`~symgrad.errors.InvalidArgumentError`.

    Examples
    --------
    >>> rule = rational_rule("softsign")
    >>> rule(1, 0, Fraction(1, 2))
    (Fraction(1, 3), Fraction(4, 9))
    """
    act = get_activation(activation)

    def rule(_t: int, _i: int, arg: Any) -> tuple[Fraction, Fraction]:
        a = sp.Rational(Fraction(arg)) if not isinstance(arg, sp.Basic) else arg
        return (
            _fraction(act(a), f"{act.name}({a})"),
            _fraction(act.prime(a), f"{act.name}′({a})"),
        )

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
    bound = sp.sympify(bound)
    if bound.is_negative:
        raise InvalidArgumentError(f"bound={bound} must be non-negative")
    gram = bound**2 * sp.eye(A.cols) - A.T * A
    verdict = gram.is_positive_semidefinite
    if verdict is None:
        raise InvalidArgumentError(f"could not decide ‖A‖₂ ≤ {bound} exactly for A = {A}")
    return bool(verdict)
