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

The search records its certificate: for each interval, the tree of bisections as a
preorder string (``1`` a split box, ``0`` a leaf) with, per leaf, which formula bounded
it, and the box and end where the lower bound was seen. :func:`check_cover` re-verifies
such a record without searching: the leaves tile each interval by construction of the
tree, each leaf's bound (one evaluation) is at most the upper end, and |h| at the witness
is at least the lower end. The check uses no clock and no randomness.
"""

from __future__ import annotations

import heapq
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import flint
import sympy as sp

from ..errors import CertificateError
from .activations import x
from .enclosures import PRECISION  # one working precision for every arb computation

__all__ = ["Enclosure", "arb_function", "check_cover", "enclose_sup"]

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


def arb_function(expr: sp.Expr, derived: dict[sp.Symbol, sp.Expr] | None = None) -> Ball | None:
    """A function on arb balls enclosing `expr` (in :data:`~symgrad.activations.x`), or None.

    None means the expression uses something the translation does not cover.
    `derived` maps further symbols to the expressions in x they stand for (e.g. t = e^{-x}).

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


def _compile(expr: sp.Expr, derived: dict[sp.Symbol, sp.Expr]) -> Ball:
    if expr == x:
        return lambda a: a
    if expr in derived:
        return _compile(derived[expr], {})
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
    """sup |h| lies in [lower, upper]; `where` is a point at which |h| ≥ lower.

    `trees` (one preorder string per interval: ``1`` split, ``0`` leaf), `labels` (per
    interval, one character per leaf, in order: ``p`` the plain interval value, ``c`` the
    mean-value form, ``0``–``9`` that alternative formula) and `witness` (interval, path of the
    box, ``"a"``/``"b"``/``"m"`` for its left end, right end or midpoint) are the record
    :func:`check_cover` re-verifies.
    """

    lower: flint.arb
    upper: flint.arb
    where: flint.arb | None
    boxes: int
    trees: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()
    witness: tuple[int, str, str] | None = field(default=None)


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
    The upper end is at least the bound of every box left, so every leaf of the recorded
    tree is bounded by it.

    Examples
    --------
    >>> f, df = arb_function(1 - x**2), arb_function(-2*x)
    >>> e = enclose_sup(f, df, [(flint.arb(-1, 0), flint.arb(1, 0))])
    >>> e.lower <= 1 <= e.upper and float(e.upper - e.lower) < 1e-20
    True
    >>> check_cover(f, df, [(flint.arb(-1, 0), flint.arb(1, 0))], e) is not None
    True
    """
    with flint.ctx.workprec(PRECISION):
        lower = flint.arb(0) if known_lower is None else known_lower.lower()
        where, witness = None, None
        heap: list[tuple[float, int, flint.arb, flint.arb, flint.arb, int, str, str]] = []
        leaves: list[tuple[int, str, str]] = []
        count = 0
        for index, (a, b) in enumerate(intervals):
            for point, which in ((a, "a"), (b, "b"), ((a + b) / 2, "m")):
                v = abs(h(point))
                if v.is_finite() and v.lower() > lower:
                    lower, where, witness = v.lower(), point, (index, "", which)
            up, label = _upper_labelled(h, dh, a, b, alternatives)
            count += 1
            heapq.heappush(heap, (-_key(up), count, up, a, b, index, "", label))
        while heap:
            if count > max_boxes or time.monotonic() > deadline:
                return None
            top = heap[0]
            up = top[2]
            if up <= lower * (1 + flint.arb(rtol)) or up.upper() <= lower:
                upper = lower
                for item in heap:  # every box left is a leaf; the upper end bounds them all
                    upper = flint.arb(max(upper, item[2].upper()))
                    leaves.append((item[5], item[6], item[7]))
                return _finished(lower, upper, where, count, leaves, len(intervals), witness)
            _, _, up, a, b, index, path, _label = heapq.heappop(heap)
            mid = (a + b) / 2
            if not (a < mid < b):  # the box cannot be split further at this precision
                return None
            v = abs(h(mid))
            if v.is_finite() and v.lower() > lower:
                lower, where, witness = v.lower(), mid, (index, path, "m")
            for lo, hi, bit in ((a, mid, "0"), (mid, b, "1")):
                bound, label = _upper_labelled(h, dh, lo, hi, alternatives)
                count += 1
                if not bound <= lower:
                    heapq.heappush(
                        heap, (-_key(bound), count, bound, lo, hi, index, path + bit, label)
                    )
                else:
                    leaves.append((index, path + bit, label))
        return _finished(lower, lower, where, count, leaves, len(intervals), witness)


def _finished(
    lower: flint.arb,
    upper: flint.arb,
    where: flint.arb | None,
    count: int,
    leaves: list[tuple[int, str, str]],
    n: int,
    witness: tuple[int, str, str] | None,
) -> Enclosure:
    """The enclosure with its record: per interval, the preorder tree and the leaf labels."""
    by_interval: list[dict[str, str]] = [{} for _ in range(n)]
    for index, path, label in leaves:
        by_interval[index][path] = label
    trees, labels = [], []
    for found in by_interval:
        bits: list[str] = []
        order: list[str] = []
        stack = [""]
        while stack:  # preorder: a box, then its left half, then its right half
            path = stack.pop()
            if path in found:
                bits.append("0")
                order.append(found[path])
            else:
                bits.append("1")
                stack += [path + "1", path + "0"]
        trees.append("".join(bits))
        labels.append("".join(order))
    return Enclosure(lower, upper, where, count, tuple(trees), tuple(labels), witness)


def check_cover(
    h: Ball,
    dh: Ball | None,
    intervals: Sequence[tuple[flint.arb, flint.arb]],
    record: Enclosure,
    alternatives: Sequence[Ball] = (),
    *,
    known_lower: flint.arb | None = None,
) -> flint.arb | None:
    """Re-verify the record of :func:`enclose_sup`: sup |h| over the intervals lies in
    [record.lower, record.upper]. Raises :class:`~symgrad.errors.CertificateError`.

    Deterministic: the boxes are rebuilt by the same bisections at the same precision,
    each leaf is bounded once by the formula its label names, and |h| is evaluated at the
    witness (or the lower end is at most `known_lower`, a value known to be reached). No
    search, no clock. Returns the witness point (None without one).
    """
    forms = {"p": None, "c": None, **{str(k): f for k, f in enumerate(alternatives)}}
    with flint.ctx.workprec(PRECISION):
        lower, upper = record.lower, record.upper
        if len(record.trees) != len(intervals) or len(record.labels) != len(intervals):
            raise CertificateError(
                f"the cover has {len(record.trees)} trees for {len(intervals)} intervals"
            )
        if not lower <= upper:
            raise CertificateError("the cover's lower end exceeds its upper end")
        for index, ((a, b), tree, labels) in enumerate(
            zip(intervals, record.trees, record.labels, strict=True)
        ):
            leaves = _leaves(tree, a, b, index)
            if len(leaves) != len(labels):
                raise CertificateError(
                    f"interval {index}: {len(leaves)} leaves but {len(labels)} formula labels"
                )
            for (lo, hi, path), label in zip(leaves, labels, strict=True):
                if label not in forms:
                    raise CertificateError(f"interval {index}: unknown formula label {label!r}")
                bound = _bound(h, dh, lo, hi, label, forms[label])
                if not bound <= upper:
                    raise CertificateError(
                        f"interval {index}, box {path or '(whole)'}: |h| ≤ {_text(bound)} there, "
                        f"above the certified upper end {_text(upper)}"
                    )
        if record.witness is None:
            if lower > 0 and not (known_lower is not None and lower <= known_lower.lower()):
                raise CertificateError("the cover names no witness for its lower end")
            return None
        index, path, which = record.witness
        if not (0 <= index < len(intervals)) or which not in ("a", "b", "m"):
            raise CertificateError(f"the witness {record.witness!r} names no box end")
        lo, hi = _box(*intervals[index], path)
        point = {"a": lo, "b": hi, "m": (lo + hi) / 2}[which]
        v = abs(h(point))
        if not (v.is_finite() and v.lower() >= lower):
            raise CertificateError(
                f"|h| at the witness is {_text(v)}, not at least the lower end {_text(lower)}"
            )
        return point


def _leaves(
    tree: str, a: flint.arb, b: flint.arb, index: int
) -> list[tuple[flint.arb, flint.arb, str]]:
    """The leaf boxes of a preorder tree string, in order; the string must be exactly one tree."""
    out = []
    stack = [(a, b, "")]
    pos = 0
    while stack:
        if pos >= len(tree) or tree[pos] not in "01":
            raise CertificateError(f"interval {index}: the bisection tree is cut short or garbled")
        lo, hi, path = stack.pop()
        if tree[pos] == "0":
            out.append((lo, hi, path))
        else:
            mid = (lo + hi) / 2
            stack += [(mid, hi, path + "1"), (lo, mid, path + "0")]
        pos += 1
    if pos != len(tree):
        raise CertificateError(f"interval {index}: the bisection tree has extra nodes")
    return out


def _box(a: flint.arb, b: flint.arb, path: str) -> tuple[flint.arb, flint.arb]:
    for bit in path:
        mid = (a + b) / 2
        a, b = (a, mid) if bit == "0" else (mid, b)
    return a, b


def _text(value: flint.arb) -> str:
    return value.str(12, radius=False)


def _key(value: flint.arb) -> float:
    f = float(value.mid())
    return f if f == f else float("inf")


def _upper_labelled(
    h: Ball, dh: Ball | None, a: flint.arb, b: flint.arb, alternatives: tuple[Ball, ...] = ()
) -> tuple[flint.arb, str]:
    """The tightest upper bound of |h| on [a, b] and the label of the formula that gave it."""
    box = flint.arb((a + b) / 2, (b - a) / 2)
    best, label = abs(h(box)).upper(), "p"
    for k, other in enumerate(alternatives):
        bound = abs(other(box)).upper()
        if bound.is_finite() and (not best.is_finite() or bound < best):
            best, label = bound, str(k)
    if dh is not None:
        c = box.mid()
        centred = abs(h(flint.arb(c)) + dh(box) * (box - c)).upper()
        if centred.is_finite() and (not best.is_finite() or centred < best):
            best, label = centred, "c"
    return (best, label) if best.is_finite() else (flint.arb.pos_inf(), label)


def _bound(
    h: Ball, dh: Ball | None, a: flint.arb, b: flint.arb, label: str, other: Ball | None
) -> flint.arb:
    """The bound of |h| on [a, b] by the one formula `label` names (as in the search)."""
    box = flint.arb((a + b) / 2, (b - a) / 2)
    if label == "p":
        return abs(h(box)).upper()
    if label == "c":
        if dh is None:
            raise CertificateError("a leaf is bounded by the mean-value form, but h′ is missing")
        c = box.mid()
        return abs(h(flint.arb(c)) + dh(box) * (box - c)).upper()
    if other is None:
        raise CertificateError(f"a leaf is bounded by the formula {label!r}, which is missing")
    return abs(other(box)).upper()
