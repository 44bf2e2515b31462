"""Certified enclosures: closed-form real constants and small matrices in arb ball arithmetic.

python-flint's ``arb`` is a ball (midpoint, radius) guaranteed to contain the true value:
every operation rounds outwards. A comparison such as ``a > 1`` is True only when the whole
ball lies above 1, so a check built on it can fail but cannot pass by rounding. symgrad uses
these enclosures where a step is labelled *checked (certified arb enclosures)*.
"""

from __future__ import annotations

from collections.abc import Sequence

import sympy as sp
from flint import arb, ctx, fmpq

from ..errors import InvalidArgumentError

__all__ = ["PRECISION", "enclose", "enclose_matrix", "show", "singular_values_2x2"]

#: Working precision (bits) of every enclosure symgrad computes.
PRECISION = 200

_FUNCTIONS = {
    sp.exp: lambda a: a.exp(),
    sp.log: lambda a: a.log(),
    sp.tanh: lambda a: a.tanh(),
    sp.erf: lambda a: a.erf(),
    sp.Abs: abs,
}


def enclose(expr: sp.Expr | int | arb, prec: int = PRECISION) -> arb:
    """A certified ball around a real closed-form constant (rationals, π, e, exp, log, tanh,
    erf, |·|, integer and rational powers).

    Examples
    --------
    >>> b = enclose(sp.tanh(sp.Rational(1, 2)) + sp.sqrt(2))
    >>> b.contains(arb("1.876")), b > 1.87, b < 1.88
    (False, True, True)
    >>> enclose(sp.Float(0.1))
    Traceback (most recent call last):
    ...
    symgrad.errors.InvalidArgumentError: expr=0.100000000000000 contains a float; ...
    """
    if isinstance(expr, arb):  # already a certified ball
        return expr
    if isinstance(expr, str) or not isinstance(expr, (int, sp.Basic)):
        raise InvalidArgumentError(f"expr={expr!r} must be an int, a SymPy number or an arb ball")
    with ctx.workprec(prec):
        return _enclose(sp.Integer(expr) if isinstance(expr, int) else expr)


def _enclose(e: sp.Expr) -> arb:
    if isinstance(e, sp.Float):
        raise InvalidArgumentError(
            f"expr={e} contains a float; write exact numbers (Rational) so the ball is certified"
        )
    if e.is_Rational:
        return arb(fmpq(int(e.p), int(e.q)))
    if e is sp.pi:
        return arb.pi()
    if e is sp.E:
        return arb(1).exp()
    if isinstance(e, sp.Add):
        return sum((_enclose(a) for a in e.args), arb(0))
    if isinstance(e, sp.Mul):
        out = arb(1)
        for a in e.args:
            out *= _enclose(a)
        return out
    if isinstance(e, sp.Pow):
        base, exponent = e.args
        if exponent.is_Integer:
            return _enclose(base) ** int(exponent)
        if exponent == sp.S.Half:
            return _enclose(base).sqrt()
        if exponent == -sp.S.Half:
            return _enclose(base).rsqrt()
        return (_enclose(exponent) * _enclose(base).log()).exp()
    func = _FUNCTIONS.get(type(e))
    if func is not None and len(e.args) == 1:
        return func(_enclose(e.args[0]))
    if e.free_symbols:
        raise InvalidArgumentError(f"expr={e} has free symbols; substitute numbers first")
    raise InvalidArgumentError(f"expr={e}: {type(e).__name__} has no certified enclosure here")


def enclose_matrix(matrix: sp.MatrixBase, prec: int = PRECISION) -> list[list[arb]]:
    """Entry-wise certified balls of a matrix of closed-form constants."""
    return [[enclose(matrix[i, j], prec) for j in range(matrix.cols)] for i in range(matrix.rows)]


def singular_values_2x2(m: Sequence[Sequence[arb]]) -> tuple[arb, arb]:
    """Balls around (σ_max, σ_min) of a 2 × 2 matrix: σ² = (s ± √(s² − 4 det²))/2, s = ‖M‖_F².

    Examples
    --------
    >>> big, small = singular_values_2x2([[arb(3), arb(0)], [arb(0), arb(2)]])
    >>> big.contains(3), small.contains(2)
    (True, True)
    """
    (a, b), (c, d) = m
    with ctx.workprec(PRECISION):
        s = a * a + b * b + c * c + d * d
        det = a * d - b * c
        root = (s * s - 4 * det * det).sqrt()
        return ((s + root) / 2).sqrt(), ((s - root) / 2).sqrt()


def show(ball: arb, digits: int = 12) -> str:
    """A ball as text with its radius, e.g. ``[1.25 +/- 0]``."""
    return ball.str(digits, radius=True)
