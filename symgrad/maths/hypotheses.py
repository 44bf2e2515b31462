"""The hypotheses under which γ = sup |σ′| means something, checked before γ is derived.

γ is derived for σ that is real-valued, defined and continuous on all of ℝ and
differentiable except at finitely many points. :func:`check_hypotheses` walks σ
and refuses, with a :class:`~symgrad.errors.HypothesisError` naming the
hypothesis and the place, whatever breaks them:

- a constant that is undefined or not real (``log(0)``, ``0**-1``, ``sqrt(-2)``);
- a function outside the supported table (``floor``, ``Heaviside`` …);
- a point where σ is undefined: a zero of a denominator or of a ``tan``'s
  cosine, a non-positive argument of ``log``, a negative base of a fractional
  power (``sqrt(x)``), a base that is not positive under a variable exponent
  (``(-1)**x``, ``x**x``);
- a jump: a branch point of ``Piecewise``/``sign`` where the one-sided limits
  of σ differ;
- infinitely many kinks (``abs(sin(x))``).

What it returns are the points where σ may fail to be differentiable (kinks and
the zeros of bases of fractional powers): the derivation cuts ℝ there.
Every decision is exact (SymPy's ``solveset``, assumptions and limits, under a
time limit); when none is reached the answer is a refusal saying so.
"""

from __future__ import annotations

import itertools
from typing import Any

import sympy as sp

from ..errors import HypothesisError
from ..kernel.claims import text_of
from ..runtime.limits import Limiter
from .activations import x

__all__ = ["SUPPORTED_FUNCTIONS", "check_hypotheses"]

#: Functions σ may be built from (besides + − × ÷ and powers).
SUPPORTED_FUNCTIONS: tuple[type, ...] = (
    sp.exp,
    sp.log,
    sp.sin,
    sp.cos,
    sp.tan,
    sp.sinh,
    sp.cosh,
    sp.tanh,
    sp.asinh,
    sp.atan,
    sp.erf,
    sp.erfc,
    sp.Abs,
    sp.sign,
    sp.Max,
    sp.Min,
    sp.Piecewise,
)


def check_hypotheses(expr: sp.Expr, limiter: Limiter | None = None) -> list[sp.Expr]:
    """Refuse σ that breaks a hypothesis; otherwise return the points to cut ℝ at.

    `limiter` bounds each SymPy step (the derivation's own); without one, every step runs
    to its end.

    Examples
    --------
    >>> check_hypotheses(abs(x) + sp.sqrt(x**2 + 1))
    [0]
    >>> check_hypotheses(sp.log(x))
    Traceback (most recent call last):
    ...
    symgrad.errors.HypothesisError: σ = log(x) is not defined on all of ℝ: ...
    """
    limiter = limiter or Limiter.unlimited()
    shown = f"σ = {text_of(expr)}"
    _check_constants(expr, shown)
    cuts: set[sp.Expr] = set()
    for node in sp.preorder_traversal(expr):
        if not isinstance(node, sp.Expr) or node.is_Atom or not node.has(x):
            continue
        if isinstance(node, sp.Pow):
            cuts.update(_check_power(node, shown, limiter))
        elif isinstance(node, sp.log):
            _need(
                node.args[0],
                "positive",
                shown,
                f"log needs a positive argument: {text_of(node)}",
                limiter,
            )
        elif isinstance(node, sp.tan):
            _need(sp.cos(node.args[0]), "nonzero", shown, f"{text_of(node)} has a pole", limiter)
        elif isinstance(node, (sp.Add, sp.Mul, *SUPPORTED_FUNCTIONS)):
            pass
        elif isinstance(node, sp.Function) or not isinstance(node, sp.Expr):
            raise HypothesisError(
                f"{shown}: the function {type(node).__name__} is not supported; γ is derived for "
                f"σ built from + − × ÷, powers and {_names()}"
            )
        if isinstance(node, (sp.Abs, sp.sign, sp.Max, sp.Min, sp.Piecewise)):
            cuts.update(_kinks(node, shown, limiter))
    points = sorted(cuts, key=lambda p: float(p))
    _check_continuity(expr, points, shown, limiter)
    return points


def _names() -> str:
    return ", ".join(f.__name__ for f in SUPPORTED_FUNCTIONS)


def _check_constants(expr: sp.Expr, shown: str) -> None:
    if expr.has(sp.nan, sp.zoo, sp.oo, -sp.oo):
        raise HypothesisError(
            f"{shown} is undefined (it contains {_bad_constant(expr)}); σ must be defined on all of ℝ"
        )
    for node in sp.preorder_traversal(expr):
        if isinstance(node, sp.Expr) and node.is_number and not node.is_Atom:
            value = sp.N(node, 30)
            if value.has(sp.nan, sp.zoo, sp.oo, -sp.oo) or value.is_real is False:
                raise HypothesisError(
                    f"{shown}: the constant {text_of(node)} is {_what(value)}; σ must be real-valued"
                )
        if node.has(sp.I):
            raise HypothesisError(f"{shown} contains the imaginary unit; σ must be real-valued")


def _bad_constant(expr: sp.Expr) -> str:
    if expr.has(sp.nan):
        return "nan, e.g. 0·∞ from log(0) or 0**-1"
    return "an infinite value, e.g. from log(0) or 0**-1"


def _what(value: sp.Expr) -> str:
    return (
        "undefined" if value.has(sp.nan, sp.zoo, sp.oo, -sp.oo) else f"not real ({text_of(value)})"
    )


def _check_power(node: sp.Pow, shown: str, limiter: Limiter) -> list[sp.Expr]:
    base, exponent = node.args
    if exponent.has(x):
        _need(
            base,
            "positive",
            shown,
            f"{text_of(node)} needs a positive base for a variable exponent",
            limiter,
        )
        return []
    if exponent.is_integer:
        if exponent.is_negative:
            _need(base, "nonzero", shown, f"division by zero in {text_of(node)}", limiter)
        return []
    if exponent.is_real is not True:
        raise HypothesisError(f"{shown}: the exponent in {text_of(node)} is not real")
    strict = exponent.is_negative
    _need(
        base,
        "positive" if strict else "nonnegative",
        shown,
        f"{text_of(node)} is not real for a negative base",
        limiter,
    )
    return [] if strict else _roots(base, shown, limiter)


def _need(expr: sp.Expr, kind: str, shown: str, why: str, limiter: Limiter) -> None:
    """Refuse unless `expr` is positive / non-negative / non-zero for every real x."""
    known = {"positive": expr.is_positive, "nonnegative": expr.is_nonnegative}.get(
        kind, expr.is_zero is False if kind == "nonzero" else None
    )
    if known is True:
        return
    roots = _roots(expr, shown, limiter, None if kind == "nonnegative" else why)
    if kind != "nonnegative" and roots:
        raise HypothesisError(f"{shown} is not defined on all of ℝ: {why} at x = {_fmt(roots[0])}")
    if kind == "nonzero":
        return
    for probe in _probes(roots):
        value = sp.N(expr.subs(x, probe), 30)
        if value.is_real is not True or value < 0 or (kind == "positive" and value == 0):
            raise HypothesisError(
                f"{shown} is not defined on all of ℝ: {why} (at x = {_fmt(probe)})"
            )


def _roots(
    expr: sp.Expr, shown: str, limiter: Limiter, undefined: str | None = None
) -> list[sp.Expr]:
    """The real zeros of `expr`, exactly; refuse when they are not a finite set SymPy finds.

    `undefined` says why σ is undefined where `expr` vanishes (a denominator, a pole).
    """
    if not expr.has(x):
        return []
    with limiter.step(3.0) as step:
        step.value = sp.solveset(expr, x, sp.S.Reals)
    found = step.value
    if found is sp.S.EmptySet:
        return []
    if isinstance(found, sp.FiniteSet) and all(p.is_real for p in found):
        return sorted(found, key=lambda p: float(p))
    if isinstance(found, sp.Set) and _infinite(found):
        first = _first(found)
        if undefined is not None and first is not None:
            raise HypothesisError(
                f"{shown} is not defined on all of ℝ: {undefined} at x = {_fmt(first)} "
                "and infinitely many other points"
            )
        raise HypothesisError(
            f"{shown}: {text_of(expr)} vanishes at infinitely many points"
            f"{f' (e.g. x = {_fmt(first)})' if first is not None else ''}; γ is derived for σ "
            "with finitely many singular or non-differentiable points"
        )
    raise HypothesisError(
        f"{shown}: could not decide where {text_of(expr)} vanishes, so the hypotheses "
        "(σ defined, continuous, differentiable except at finitely many points) are not established"
    )


def _infinite(found: sp.Set) -> bool:
    """Whether a solution set is known to be infinite: an interval of positive length or
    an image of the integers under a non-constant map, and no part left unsolved (a
    ConditionSet may hold any number of points, none included)."""
    if found.has(sp.ConditionSet):
        return False
    if found.is_finite_set is False:
        return True
    for part in sp.preorder_traversal(found):
        if isinstance(part, sp.Interval) and part.measure.is_positive:
            return True
        if (
            isinstance(part, sp.ImageSet)
            and part.base_set == sp.S.Integers
            and part.lamda.expr.has(*part.lamda.variables)
        ):
            return True
    return False


def _first(found: sp.Set) -> sp.Expr | None:
    try:
        return next(iter(found))
    except (TypeError, StopIteration, NotImplementedError, ValueError):
        return None


def _probes(roots: list[sp.Expr]) -> list[sp.Expr]:
    if not roots:
        return [sp.Rational(1, 7)]
    inner = [(a + b) / 2 for a, b in itertools.pairwise(roots)]
    return [roots[0] - 1, *inner, roots[-1] + 1]


def _kinks(node: sp.Expr, shown: str, limiter: Limiter) -> list[sp.Expr]:
    if isinstance(node, (sp.Abs, sp.sign)):
        return _roots(node.args[0], shown, limiter)
    if isinstance(node, (sp.Max, sp.Min)):
        out = []
        for i, a in enumerate(node.args):
            for b in node.args[i + 1 :]:
                out.extend(_roots(a - b, shown, limiter))
        return out
    out = []
    for _, cond in node.args:
        for rel in cond.atoms(sp.core.relational.Relational):
            out.extend(_roots(rel.lhs - rel.rhs, shown, limiter))
    return out


def _check_continuity(expr: sp.Expr, points: list[sp.Expr], shown: str, limiter: Limiter) -> None:
    """σ must be continuous at each branch point: both one-sided limits equal σ there."""
    if not expr.has(sp.sign, sp.Piecewise):
        return  # built from continuous pieces only
    eps = sp.Symbol("epsilon", positive=True)
    for p in points:
        value = sp.simplify(expr.subs(x, p))
        sides = []
        for s in (-1, 1):
            with limiter.step(3.0) as step:
                step.value = sp.limit(expr.subs(x, p + s * eps), eps, 0, "+")
            lim = step.value
            if lim is None:
                raise HypothesisError(
                    f"{shown}: could not decide whether σ is continuous at x = {_fmt(p)}"
                )
            sides.append(lim)
        differences = []
        for lim in sides:
            with limiter.step(3.0) as step:
                step.value = sp.simplify(lim - value)
            differences.append(step.value)
        if any(d != 0 for d in differences):
            raise HypothesisError(
                f"{shown} is not continuous at x = {_fmt(p)}: σ → {_fmt(sides[0])} from the left, "
                f"{_fmt(sides[1])} from the right, σ({_fmt(p)}) = {_fmt(value)}"
            )


def _fmt(point: Any) -> str:
    return text_of(point)
