"""σ on balls: an activation's SymPy expression compiled into an arb function.

:func:`arb_function` turns an expression in x (σ, or σ′ as SymPy derives it) into a callable
on python-flint ``arb`` balls that rounds outwards: constants are enclosed once at the
working precision, integer powers are products (tight for a ball of one sign), ``Abs`` and
``sign`` give certain answers where the ball decides them, and a ``Piecewise`` evaluated on a
ball across a boundary gives the union of the branches it may take. The reference of
:mod:`symgrad.check.reference` evaluates σ and σ′ with it at every entry and step.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache

import sympy as sp
from flint import arb, ctx

from ..errors import InvalidArgumentError
from ..maths.activations import x
from ..maths.enclosures import enclose

__all__ = ["arb_function"]

# the methods themselves, not wrappers: σ is called once per entry and step
_UNARY: dict[type, Callable[[arb], arb]] = {
    sp.exp: arb.exp,
    sp.log: arb.log,
    sp.tanh: arb.tanh,
    sp.erf: arb.erf,
    sp.erfc: arb.erfc,
    sp.atan: arb.atan,
    sp.sinh: arb.sinh,
    sp.cosh: arb.cosh,
    sp.sin: arb.sin,
    sp.cos: arb.cos,
    sp.Abs: lambda a: _abs(a),
    sp.sign: lambda a: _sign(a),
}


def _abs(a: arb) -> arb:
    """|a| as a ball of non-negative numbers (arb's own abs may reach below 0)."""
    if a >= 0:
        return a
    if a <= 0:
        return -a
    return arb.union(a.abs_lower(), a.abs_upper())


def _sign(a: arb) -> arb:
    if a > 0:
        return arb(1)
    if a < 0:
        return arb(-1)
    if a.is_zero():
        return arb(0)
    return arb(0, 1)


def _power(a: arb, k: int) -> arb:
    """aᵏ for an integer k by multiplication (arb's ** goes through exp and log)."""
    if k == 2 and (a > 0 or a < 0):  # a ball of one sign: the product is tight
        return a * a
    if k < 0:
        return 1 / _power(a, -k)
    if k % 2 == 0 and not (a >= 0 or a <= 0):
        a = _abs(a)
    out, base = arb(1), a
    while k:
        if k & 1:
            out = out * base
        k >>= 1
        if k:
            base = base * base
    return out


def _condition(cond: sp.Basic) -> Callable[[arb], bool | None]:
    """A Piecewise condition as a function of the ball: True or False when certain, else None."""
    if cond is sp.true:
        return lambda a: True
    if cond is sp.false:
        return lambda a: False
    if isinstance(cond, sp.And | sp.Or):
        parts = [_condition(c) for c in cond.args]
        if isinstance(cond, sp.And):

            def both(a: arb) -> bool | None:
                found = [p(a) for p in parts]
                return False if False in found else (True if all(found) else None)

            return both

        def either(a: arb) -> bool | None:
            found = [p(a) for p in parts]
            return True if True in found else (False if all(v is False for v in found) else None)

        return either
    if isinstance(cond, sp.core.relational.Relational):
        d = _compile(cond.lhs - cond.rhs)
        if isinstance(cond, sp.StrictGreaterThan):
            return lambda a: True if (v := d(a)) > 0 else (False if v <= 0 else None)
        if isinstance(cond, sp.GreaterThan):
            return lambda a: True if (v := d(a)) >= 0 else (False if v < 0 else None)
        if isinstance(cond, sp.StrictLessThan):
            return lambda a: True if (v := d(a)) < 0 else (False if v >= 0 else None)
        if isinstance(cond, sp.LessThan):
            return lambda a: True if (v := d(a)) <= 0 else (False if v > 0 else None)
    raise InvalidArgumentError(f"condition {cond} of a Piecewise activation is not supported")


def _piecewise(e: sp.Piecewise) -> Callable[[arb], arb]:
    branches = [(_compile(value), _condition(cond)) for value, cond in e.args]

    def call(a: arb) -> arb:
        found = None  # a ball across a boundary gets the union of the branches it may take
        for value, cond in branches:
            truth = cond(a)
            if truth is False:
                continue
            v = value(a)
            found = v if found is None else arb.union(found, v)
            if truth:
                return found
        if found is None:
            raise InvalidArgumentError(f"the Piecewise {e} is undefined at {a}")
        return found

    return call


def _identity(a: arb) -> arb:
    return a


def _compile(e: sp.Expr) -> Callable[[arb], arb]:
    """A callable that evaluates `e` (an expression in x) on a ball, rounding outwards.

    Constant parts are enclosed once, at the working precision; sums and products with
    one varying part become a single call, so that σ and σ′ cost few Python calls.
    """
    if x not in e.free_symbols:
        const = enclose(e, ctx.prec)
        return lambda a: const
    if e == x:
        return _identity
    if isinstance(e, sp.Add | sp.Mul):
        fixed = [arg for arg in e.args if x not in arg.free_symbols]
        parts = [_compile(arg) for arg in e.args if x in arg.free_symbols]
        adding = isinstance(e, sp.Add)
        const = enclose(e.func(*fixed), ctx.prec) if fixed else None
        if len(parts) == 1:
            (f,) = parts
            if const is None:
                return f
            return (lambda a: const + f(a)) if adding else (lambda a: const * f(a))

        def combine(a: arb) -> arb:
            out = parts[0](a)
            for p in parts[1:]:
                out = out + p(a) if adding else out * p(a)
            if const is not None:
                out = out + const if adding else out * const
            return out

        return combine
    if isinstance(e, sp.Pow):
        base, exponent = _compile(e.base), e.exp
        if exponent.is_Integer:
            k = int(exponent)
            return lambda a: _power(base(a), k)
        if exponent == sp.S.Half:
            return lambda a: base(a).sqrt()
        power = _compile(exponent)
        return lambda a: (power(a) * base(a).log()).exp()
    if isinstance(e, sp.Piecewise):
        return _piecewise(e)
    func = _UNARY.get(type(e))
    if func is not None and len(e.args) == 1:
        if e.args[0] == x:
            return func
        inner = _compile(e.args[0])
        return lambda a: func(inner(a))
    raise InvalidArgumentError(
        f"{type(e).__name__} in σ = {e} has no certified ball evaluation here; use a "
        "built-in activation or one written with exp, log, tanh, erf, atan, Abs and Piecewise"
    )


@lru_cache(maxsize=64)
def arb_function(expr: sp.Expr, prec: int) -> Callable[[arb], arb]:
    """Compile an expression in x into a ball function at `prec` bits (constants enclosed once).

    Examples
    --------
    >>> from flint import arb
    >>> f = arb_function(sp.tanh(x) ** 2, 64)
    >>> f(arb(0.5)).contains(arb("0.2135"))
    False
    >>> f(arb(0.5)) > 0.2135 and f(arb(0.5)) < 0.2136
    True
    """
    with ctx.workprec(prec):
        return _compile(expr)
