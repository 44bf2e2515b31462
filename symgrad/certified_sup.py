"""Certified enclosures of sup |h| on intervals with python-flint ``arb`` ball arithmetic.

:func:`arb_function` turns a SymPy expression in ``x`` into a function on
``arb`` balls whose value on a ball *contains* every value of the expression on
that ball (interval arithmetic with rigorous rounding). :func:`enclose_sup`
runs a branch and bound over a list of intervals: point values give a lower
bound of sup |h|, the mean-value form h(c) + h′(I)(I − c) (or the plain
interval value when tighter) gives an upper bound on each box, and boxes whose
upper bound cannot beat the lower bound are discarded. The result is an
interval [lower, upper] that contains sup |h| over the union of the intervals —
a certificate in the sense of interval arithmetic, not a sample.
"""

from __future__ import annotations

import heapq
import time
from collections.abc import Callable
from dataclasses import dataclass

import flint
import sympy as sp

from .activations import x
from .enclosures import PRECISION  # one working precision for every arb computation

__all__ = ["Enclosure", "arb_function", "enclose_sup"]

_UNARY: dict[type, Callable[[flint.arb], flint.arb]] = {
    sp.exp: lambda a: a.exp(),
    sp.log: lambda a: a.log(),
    sp.sin: lambda a: a.sin(),
    sp.cos: lambda a: a.cos(),
    sp.tan: lambda a: a.tan(),
    sp.sinh: lambda a: a.sinh(),
    sp.cosh: lambda a: a.cosh(),
    sp.tanh: lambda a: a.tanh(),
    sp.asinh: lambda a: a.asinh(),
    sp.atan: lambda a: a.atan(),
    sp.erf: lambda a: a.erf(),
    sp.erfc: lambda a: a.erfc(),
    sp.Abs: abs,
    sp.sign: lambda a: a.sgn(),
}

Ball = Callable[[flint.arb], flint.arb]


def arb_function(expr: sp.Expr, derived: dict[sp.Symbol, Ball] | None = None) -> Ball | None:
    """A function on arb balls enclosing `expr` (in :data:`~symgrad.activations.x`), or None.

    None means the expression uses something the translation does not cover.
    `derived` maps further symbols to functions of the ball of x (e.g. t = e^{-x}).

    Examples
    --------
    >>> f = arb_function(x**2 - 1)
    >>> f(flint.arb(3)).mid()
    8.00000000000000
    >>> (f(flint.arb(0, 1)).lower() <= -1) and (f(flint.arb(0, 1)).upper() >= 0)
    True
    """
    try:
        with flint.ctx.workprec(PRECISION):
            return _compile(expr, derived or {})
    except _Unsupported:
        return None


class _Unsupported(Exception):
    pass


def _constant(expr: sp.Expr) -> flint.arb:
    if expr.is_Integer:
        return flint.arb(int(expr))
    if expr.is_Rational:
        return flint.arb(flint.fmpq(int(expr.p), int(expr.q)))
    if expr is sp.pi:
        return flint.arb.pi()
    if expr is sp.E:
        return flint.arb(1).exp()
    if expr.is_Float:
        return flint.arb(sp.Rational(expr).p) / flint.arb(sp.Rational(expr).q)
    raise _Unsupported(str(expr))


def _power(a: flint.arb, exponent: sp.Expr, e: Ball | None) -> flint.arb:
    if exponent.is_Integer:
        n = int(exponent)
        base, k, out = (abs(a) if n % 2 == 0 else a), abs(n), flint.arb(1)
        while k:  # square and multiply
            if k & 1:
                out *= base
            k >>= 1
            if k:
                base = base * base
        return 1 / out if n < 0 else out
    if exponent == sp.Rational(1, 2):
        return a.sqrt()
    if exponent == sp.Rational(-1, 2):
        return 1 / a.sqrt()
    value = _constant(exponent) if e is None else e
    return (value * a.log()).exp()


def _compile(expr: sp.Expr, derived: dict[sp.Symbol, Ball]) -> Ball:
    if expr == x:
        return lambda a: a
    if expr in derived:
        return derived[expr]
    if not expr.free_symbols:
        value = _constant_tree(expr)
        return lambda a: value
    parts = [_compile(arg, derived) for arg in expr.args]
    if isinstance(expr, sp.Add):
        return lambda a: _fold(parts, a, lambda s, t: s + t)
    if isinstance(expr, sp.Mul):
        return lambda a: _fold(parts, a, lambda s, t: s * t)
    if isinstance(expr, sp.Pow):
        base, exponent = parts
        exp_expr = expr.args[1]
        if exp_expr.free_symbols:
            return lambda a: (exponent(a) * base(a).log()).exp()
        if exp_expr.is_Integer or abs(exp_expr) == sp.Rational(1, 2):
            return lambda a: _power(base(a), exp_expr, None)
        value = _constant_tree(exp_expr)
        return lambda a: (value * base(a).log()).exp()
    if isinstance(expr, (sp.Max, sp.Min)):
        pick = max if isinstance(expr, sp.Max) else min
        return lambda a: _fold(parts, a, lambda s, t: _pick(pick, s, t))
    func = _UNARY.get(type(expr))
    if func is None or len(parts) != 1:
        raise _Unsupported(type(expr).__name__)
    inner = parts[0]
    return lambda a: func(inner(a))


def _pick(pick: Callable, s: flint.arb, t: flint.arb) -> flint.arb:
    return s.max(t) if pick is max else s.min(t)


def _constant_tree(expr: sp.Expr) -> flint.arb:
    if expr.is_Atom:
        return _constant(expr)
    args = [_constant_tree(a) for a in expr.args]
    if isinstance(expr, sp.Add):
        return _sum(args)
    if isinstance(expr, sp.Mul):
        out = flint.arb(1)
        for v in args:
            out *= v
        return out
    if isinstance(expr, sp.Pow):
        return _power(args[0], expr.args[1], None if expr.args[1].is_Rational else args[1])
    func = _UNARY.get(type(expr))
    if func is None or len(args) != 1:
        raise _Unsupported(type(expr).__name__)
    return func(args[0])


def _sum(values: list[flint.arb]) -> flint.arb:
    out = flint.arb(0)
    for v in values:
        out += v
    return out


def _fold(parts: list[Ball], a: flint.arb, op: Callable) -> flint.arb:
    out = parts[0](a)
    for p in parts[1:]:
        out = op(out, p(a))
    return out


@dataclass(frozen=True)
class Enclosure:
    """sup |h| lies in [lower, upper]; `where` is a point at which |h| ≥ lower."""

    lower: flint.arb
    upper: flint.arb
    where: flint.arb | None
    boxes: int


def enclose_sup(
    h: Ball,
    dh: Ball | None,
    intervals: list[tuple[flint.arb, flint.arb]],
    *,
    known_lower: flint.arb | None = None,
    rtol: float = 1e-25,
    deadline: float = float("inf"),
    max_boxes: int = 200_000,
    alternatives: tuple[Ball, ...] = (),
) -> Enclosure | None:
    """Enclose sup |h| over the union of the closed `intervals`; None if not reached in time.

    `known_lower` is a value sup |h| is known to reach (a limit at an end, say);
    it lets boxes below it be discarded. `alternatives` are other enclosures of the
    same function (equal formulas written differently); the tightest bound is used.

    Examples
    --------
    >>> f, df = arb_function(1 - x**2), arb_function(-2*x)
    >>> e = enclose_sup(f, df, [(flint.arb(-1, 0), flint.arb(1, 0))])
    >>> e.lower <= 1 <= e.upper and float(e.upper - e.lower) < 1e-20
    True
    """
    with flint.ctx.workprec(PRECISION):
        lower = flint.arb(0) if known_lower is None else known_lower.lower()
        where = None
        heap: list[tuple[float, int, flint.arb, flint.arb, flint.arb]] = []
        count = 0
        for a, b in intervals:
            for point in (a, b, (a + b) / 2):
                v = abs(h(point))
                if v.is_finite() and v.lower() > lower:
                    lower, where = v.lower(), point
            up = _upper(h, dh, a, b, alternatives)
            count += 1
            heapq.heappush(heap, (-_key(up), count, up, a, b))
        while heap:
            if count > max_boxes or time.monotonic() > deadline:
                return None
            _, _, up, a, b = heapq.heappop(heap)
            if up <= lower * (1 + flint.arb(rtol)) or up.upper() <= lower:
                return Enclosure(lower, flint.arb(max(up.upper(), lower)), where, count)
            mid = (a + b) / 2
            if not (a < mid < b):  # the box cannot be split further at this precision
                return None
            v = abs(h(mid))
            if v.is_finite() and v.lower() > lower:
                lower, where = v.lower(), mid
            for lo, hi in ((a, mid), (mid, b)):
                bound = _upper(h, dh, lo, hi, alternatives)
                count += 1
                if not bound <= lower:
                    heapq.heappush(heap, (-_key(bound), count, bound, lo, hi))
        return Enclosure(lower, lower, where, count)


def _key(value: flint.arb) -> float:
    f = float(value.mid())
    return f if f == f else float("inf")


def _upper(
    h: Ball, dh: Ball | None, a: flint.arb, b: flint.arb, alternatives: tuple[Ball, ...] = ()
) -> flint.arb:
    """An upper bound of |h| on [a, b] (mean-value form or plain interval value)."""
    box = flint.arb((a + b) / 2, (b - a) / 2)
    best = abs(h(box)).upper()
    for other in alternatives:
        bound = abs(other(box)).upper()
        if bound.is_finite() and (not best.is_finite() or bound < best):
            best = bound
    if dh is not None:
        c = box.mid()
        centred = abs(h(flint.arb(c)) + dh(box) * (box - c)).upper()
        if centred.is_finite() and (not best.is_finite() or centred < best):
            best = centred
    return best if best.is_finite() else flint.arb.pos_inf()
