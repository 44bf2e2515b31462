"""The boxes of a certified enclosure, their record in a certificate, and exact numbers as text.

The closed intervals that cover a piece (a window, geometric steps towards finite ends and
doublings towards infinite ones, or one period) and the check that they leave no gap; the
record of one enclosure as JSON data and its replay when a certificate is checked; arb balls
and their exact ends as fractions; and the decimal and interval texts of the derivation.
"""

from __future__ import annotations

import itertools
import math
from decimal import Decimal, localcontext
from fractions import Fraction
from typing import Any

import flint
import sympy as sp

from ..errors import CertificateError, UndecidedError
from ..kernel.claims import text_of
from .certified_sup import Enclosure, check_cover

_DIGITS = 50
_WINDOW = 64  # the certified window is |x| ≤ 64, extended by 40 doublings on each side
_DOUBLINGS = 40


def _cover_record(piece: dict[str, Any], found: Enclosure, slots: list[str]) -> dict[str, Any]:
    """The record of one enclosure, as JSON data: exact ends, trees, labels, witness."""
    return {
        **piece,
        "lower": str(_fraction(found.lower, 0)),
        "upper": str(_fraction(found.upper, 0)),
        "formulas": slots,
        "trees": list(found.trees),
        "labels": list(found.labels),
        "witness": None if found.witness is None else list(found.witness),
    }


class _Replay:
    """The recorded covers of a certificate, consumed in order by a check of its derivation."""

    def __init__(self, records: list[dict[str, Any]]) -> None:
        self.records = list(records)
        self.used = 0

    def check(
        self,
        piece: dict[str, Any],
        f: Any,
        df: Any,
        intervals: list[tuple[Any, Any]],
        forms: dict[str, Any],
        known_lower: Any,
    ) -> Enclosure:
        if self.used >= len(self.records):
            raise CertificateError(
                f"the derivation needs a cover of σ′ = {piece['derivative']} on "
                f"{piece['piece']}, and the certificate has none left"
            )
        record = self.records[self.used]
        self.used += 1
        for key in ("piece", "period", "derivative"):
            if record.get(key) != piece[key]:
                raise CertificateError(
                    f"cover {self.used}: the certificate has {key} {record.get(key)!r}, the "
                    f"derivation reaches {piece[key]!r} (the certificate is stale)"
                )
        try:
            lower, upper = Fraction(record["lower"]), Fraction(record["upper"])
            witness = record["witness"]
            found = Enclosure(
                flint.arb(flint.fmpq(lower.numerator, lower.denominator)),
                flint.arb(flint.fmpq(upper.numerator, upper.denominator)),
                None,
                0,
                tuple(str(t) for t in record["trees"]),
                tuple(str(t) for t in record["labels"]),
                None if witness is None else (int(witness[0]), str(witness[1]), str(witness[2])),
            )
            alternatives = [forms[slot] for slot in record["formulas"]]
        except (KeyError, TypeError, ValueError, ZeroDivisionError, IndexError) as exc:
            raise CertificateError(f"cover {self.used} is malformed: {exc!r}") from None
        where = check_cover(f, df, intervals, found, alternatives, known_lower=known_lower)
        return Enclosure(found.lower, found.upper, where, sum(len(t) for t in found.trees))

    def finish(self) -> None:
        if self.used != len(self.records):
            raise CertificateError(
                f"the certificate has {len(self.records)} covers; the derivation used {self.used}"
            )


def _intervals(lo: sp.Expr, hi: sp.Expr, period: sp.Expr | None) -> list[tuple[Any, Any]]:
    """Closed intervals covering the piece except arbitrarily small ends and far tails.

    One period when σ′ is periodic; otherwise a main window, 60 geometric steps towards
    each finite end, and 40 doublings towards each infinite end (|x| ≤ 64·2⁴⁰).
    """
    if period is not None:
        return [(flint.arb(0), _ball(period))]
    two = flint.arb(2)
    if lo != -sp.oo and hi != sp.oo:
        a, b = _ball(lo), _ball(hi)
        w = b - a
        out = [(a + w / 4, b - w / 4)]
        for k in range(2, 62):
            out += [
                (a + w / two ** (k + 1), a + w / two**k),
                (b - w / two**k, b - w / two ** (k + 1)),
            ]
        return out
    if lo != -sp.oo:
        a = _ball(lo)
        far = flint.arb(max(_WINDOW, math.ceil(float(lo)) + 2))
        out = [(a + 1, far)] + [(a + 1 / two**k, a + 1 / two ** (k - 1)) for k in range(1, 62)]
        return out + [(far * two**k, far * two ** (k + 1)) for k in range(_DOUBLINGS)]
    if hi != sp.oo:
        b = _ball(hi)
        far = flint.arb(min(-_WINDOW, math.floor(float(hi)) - 2))
        out = [(far, b - 1)] + [(b - 1 / two ** (k - 1), b - 1 / two**k) for k in range(1, 62)]
        return out + [(far * two ** (k + 1), far * two**k) for k in range(_DOUBLINGS)]
    w = flint.arb(_WINDOW)
    out = [(-w, w)]
    for k in range(_DOUBLINGS):
        out += [(w * two**k, w * two ** (k + 1)), (-w * two ** (k + 1), -w * two**k)]
    return out


def _check_cover(
    intervals: list[tuple[Any, Any]], lo: sp.Expr, hi: sp.Expr, period: sp.Expr | None
) -> None:
    """The enclosure is only as good as its cover: the boxes must tile the region without gaps.

    Every box is non-empty; sorted by their left ends, each box starts where the one before
    ends or earlier; the first starts within 2⁻⁵⁸ of the piece's left end (relative to the
    piece's width when both ends are finite; the boxes stop 2⁻⁶¹ short of a finite end) or
    at −64·2⁴⁰ for −∞, and the last ends likewise at the right end (at 64·2⁴⁰ for ∞); one
    period is covered from 0 to the period. Compared at the boxes' exact midpoints. What
    lies beyond, the slivers next to a finite end and the tails beyond 64·2⁴⁰, is decided
    by SymPy limits of σ′ at the ends, not by the enclosure.
    """
    far = flint.arb(_WINDOW) * flint.arb(2) ** _DOUBLINGS
    if period is not None:
        left, right = flint.arb(0), _ball(period)
    else:
        left = -far if lo == -sp.oo else _ball(lo)
        right = far if hi == sp.oo else _ball(hi)
    finite = period is not None or (lo != -sp.oo and hi != sp.oo)
    slack = flint.arb(2) ** -58 * ((right - left).mid() if finite else 1)
    slack_left = 0 if lo == -sp.oo and period is None else slack
    slack_right = 0 if hi == sp.oo and period is None else slack
    boxes = sorted((a.mid(), b.mid()) for a, b in intervals)
    gaps = [f"[{_short(a)}, {_short(b)}] is empty" for a, b in boxes if not b > a] + [
        f"nothing covers ({_short(b)}, {_short(c)})"
        for (_, b), (c, _) in itertools.pairwise(boxes)
        if c > b
    ]
    covered_to = max((b for _, b in boxes), default=left.mid())
    if not boxes or boxes[0][0] > left.mid() + slack_left or covered_to < right.mid() - slack_right:
        gaps.append(f"the boxes do not reach the ends of {text_of(_interval(lo, hi))}")
    if gaps:
        raise UndecidedError(f"internal error, the enclosure was not attempted: {gaps[0]}")


def _ball(value: sp.Expr) -> flint.arb:
    """An exact point (rational) or a tight ball around a real constant."""
    if value.is_Rational:
        return flint.arb(flint.fmpq(int(value.p), int(value.q)))
    approx = sp.Rational(str(sp.N(value, 70)))
    return flint.arb(flint.fmpq(int(approx.p), int(approx.q)), flint.arb(10) ** -60)


def _fraction(value: flint.arb, direction: int) -> Fraction:
    """The exact upper (direction 1) or lower (-1) end of an arb ball as a fraction."""
    if not value.is_finite():
        return Fraction(math.inf) if direction > 0 else Fraction(0)
    man, exp = value.mid().man_exp()
    rman, rexp = value.rad().man_exp()
    mid = Fraction(int(man)) * Fraction(2) ** int(exp)
    rad = Fraction(int(rman)) * Fraction(2) ** int(rexp)
    return mid + direction * rad


def _short(point: flint.arb) -> str:
    """Ten significant digits, and six decimals for points beyond 10⁴: a maximum 10¹⁰ out,
    printed to ten digits, would be named up to 0.5 away from where it is."""
    value = float(point.mid())
    digits = 10 + max(0, int(math.log10(abs(value))) - 3) if value else 10
    return f"{value:.{min(digits, 17)}g}"


def _exact_box(value: sp.Expr | None) -> tuple[Fraction, Fraction] | None:
    """A tight interval (50 digits) around an exact real constant, or None."""
    if value is None or not isinstance(value, sp.Expr) or not value.is_number:
        return None
    if value.has(sp.oo, sp.zoo, sp.nan):
        return None
    try:
        approx = sp.N(value, _DIGITS)
    except (TypeError, ValueError, ArithmeticError):
        return None
    if not approx.is_Float and not approx.is_Rational:
        return None
    if value.is_Rational:
        return Fraction(int(value.p), int(value.q)), Fraction(int(value.p), int(value.q))
    r = Fraction(str(approx))
    slack = abs(r) * Fraction(1, 10**40) + Fraction(1, 10**400)
    return r - slack, r + slack


def _interval(lo: sp.Expr, hi: sp.Expr) -> Any:
    """The open interval (lo, hi) of x as mathematics: x < 1, 0 < x < 1, or every x."""
    from ..kernel.claims import Claim
    from ..kernel.notation import Chain
    from .activations import x

    if lo == -sp.oo and hi == sp.oo:
        return Claim("every", x)
    if lo == -sp.oo:
        return sp.Lt(x, hi, evaluate=False)
    if hi == sp.oo:
        return sp.Gt(x, lo, evaluate=False)
    return Chain(lo, "<", x, "<", hi)


def _fmt(point: sp.Expr) -> str:
    """A point as the text printer writes it (√(2), 3·π/2), never SymPy's str; ±∞ as ∞, -∞."""
    if point == sp.oo:
        return "∞"
    if point == -sp.oo:
        return "-∞"
    return text_of(point)


def _decimal(lower: Fraction, upper: Fraction, digits: int = 15) -> str:
    """A decimal string of `digits` significant digits inside [lower, upper]'s rounding."""
    mid = (lower + upper) / 2
    with localcontext() as ctx:
        ctx.prec = digits
        value = +(Decimal(mid.numerator) / Decimal(mid.denominator))
    return f"{value:.{digits - 1}e}" if value and not 1e-4 <= abs(value) < 1e15 else str(value)


def _outward(value: Fraction, rounding: str) -> str:
    with localcontext() as ctx:
        ctx.prec = 20
        ctx.rounding = rounding
        d = Decimal(value.numerator) / Decimal(value.denominator)
    return str(d)
