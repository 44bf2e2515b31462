"""σ′ on one piece of ℝ between two cuts: the candidates for sup |σ′| there.

The analytic branch σ′ equals on the open piece (each ``Abs``/``sign``/``Max``/``Min``/
``Piecewise`` resolved at its midpoint), the one-sided limits at the cuts and at ±∞, the
critical points SymPy solves exactly, and, when those do not decide, the certified arb
enclosure of sup |σ′| over the piece (:mod:`symgrad.maths.gamma_cover` builds and checks its
boxes). Each place found is a :class:`Candidate`; :func:`_exact_winner` tells when those that
may be the supremum share one exact value, and :mod:`symgrad.maths.gamma` concludes.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import flint
import sympy as sp

from ..errors import HypothesisError, SearchExhaustedError, UndecidedError
from ..kernel.claims import Claim, text_of
from ..kernel.notation import Chain, Decimal, OneSided, Tends
from ..runtime.limits import Limiter
from .activations import x
from .certified_sup import PRECISION, arb_function, enclose_sup
from .gamma_cover import (
    _check_cover,
    _cover_record,
    _exact_box,
    _fmt,
    _fraction,
    _interval,
    _intervals,
    _Replay,
    _short,
)


@dataclass
class Candidate:
    """A place where sup |σ′| may be reached or approached (as mathematics: x = 0, x → 0⁻,
    x < 1), with an interval for its value."""

    where: Any
    value: sp.Expr | None  # exact |σ′| value when known
    lower: Fraction
    upper: Fraction
    attained: bool | None
    point: sp.Expr | None = None


def _one_sided_derivatives(
    g: sp.Expr, lo: sp.Expr, point: sp.Expr, hi: sp.Expr, limiter: Limiter
) -> tuple[sp.Expr, sp.Expr] | None:
    """(lim σ′ as x → point⁻, as x → point⁺), when both are finite real numbers; else None.

    σ is continuous at the cut (a hypothesis already checked), so by the mean value theorem
    these limits are the one-sided derivatives of σ there. When they agree, σ is
    differentiable at the cut and σ′(point) is their common value, whatever SymPy's
    expression of σ′ gives there (e.g. sign(0)² = 0 in sign(x)·tanh(|x|)). Two limits are
    equal only when SymPy proves their difference zero.
    """
    found = []
    for h, side in ((_branch(g, lo, point), "-"), (_branch(g, point, hi), "+")):
        with limiter.step(8.0) as step:
            step.value = _limit(h, point, side)
        lim = step.value
        if lim is None or not (lim.is_real and lim.is_finite):
            return None
        found.append(lim)
    with limiter.step(3.0) as step:
        step.value = sp.simplify(found[0] - found[1]).is_zero
    same = step.value
    if same is True:
        return found[0], found[0]
    if same is False:
        return found[0], found[1]
    return None


def _branch(expr: sp.Expr, lo: sp.Expr, hi: sp.Expr) -> sp.Expr:
    """The analytic expression σ′ equals on the open interval (lo, hi).

    Each Abs/sign/Max/Min/Piecewise is resolved at the midpoint of the piece: its
    arguments do not cross one another inside the piece (the cuts are their crossings).
    """
    mid = _midpoint(lo, hi)

    def sign_at(e: sp.Expr) -> int:
        v = sp.N(e.subs(x, mid), 30)
        return 1 if v > 0 else (-1 if v < 0 else 0)

    def resolve(node: sp.Expr) -> sp.Expr:
        if not node.args or not node.has(x):
            return node
        args = [resolve(a) for a in node.args] if not isinstance(node, sp.Piecewise) else None
        if isinstance(node, sp.Abs):
            return args[0] * sign_at(args[0])
        if isinstance(node, sp.sign):
            return sp.Integer(sign_at(args[0]))
        if isinstance(node, sp.Heaviside):
            return sp.Integer(1 if sign_at(args[0]) > 0 else 0)
        if isinstance(node, sp.DiracDelta):
            return sp.Integer(0)  # zero inside the piece: its argument vanishes only at cuts
        if isinstance(node, (sp.Max, sp.Min)):
            values = [sp.N(a.subs(x, mid), 30) for a in args]
            pick = max if isinstance(node, sp.Max) else min
            return args[values.index(pick(values))]
        if isinstance(node, sp.Piecewise):
            for value, cond in node.args:
                if cond is sp.true or bool(cond.subs(x, mid)):
                    return resolve(value)
            raise HypothesisError(f"σ′ = {node} is not defined at x = {mid}")
        if isinstance(node, (sp.Derivative, sp.Subs)) or node.has(sp.Derivative):
            raise UndecidedError(f"σ′ = {text_of(expr)} still contains a derivative symbol")
        return node.func(*args)

    return resolve(expr)


def _midpoint(lo: sp.Expr, hi: sp.Expr) -> sp.Expr:
    if lo == -sp.oo and hi == sp.oo:
        return sp.Rational(1, 7)
    if lo == -sp.oo:
        return hi - 1
    if hi == sp.oo:
        return lo + 1
    return (lo + hi) / 2


def _piece(h: sp.Expr, lo: sp.Expr, hi: sp.Expr, limiter: Limiter) -> tuple[list[Candidate], bool]:
    """Candidates for sup |h| on the open interval (lo, hi); the flag says arb was used."""
    if not h.has(x):
        box = _exact_box(sp.Abs(h))
        if box is None:
            raise UndecidedError(
                f"could not evaluate σ′ = {text_of(h)} on {text_of(_interval(lo, hi))}"
            )
        return [Candidate(_interval(lo, hi), sp.Abs(h), *box, True)], False
    out: list[Candidate] = []
    oscillates = False
    for end, side in ((lo, "+"), (hi, "-")):
        where = Tends(x, end if end.is_infinite else OneSided(end, side))
        with limiter.step(8.0) as step:
            step.value = _limit(h, end, side)
        lim = step.value
        if lim is not None and lim.has(sp.oo, -sp.oo, sp.zoo):
            return [Candidate(where, sp.oo, Fraction(0), math.inf, False, end)], False
        if lim is None or lim.has(sp.nan) or (lim.is_real is False and not lim.has(sp.AccumBounds)):
            raise UndecidedError(
                f"could not decide how σ′ = {text_of(h)} behaves as {text_of(where)}; γ was not "
                "derived"
            )
        if isinstance(lim, sp.AccumBounds):
            # SymPy's bounds enclose the limit points; they bound the tail from above only
            oscillates = True
            top = _exact_box(sp.Max(sp.Abs(lim.min), sp.Abs(lim.max)))
            if top is None:
                raise UndecidedError(f"could not evaluate the bounds of σ′ as {text_of(where)}")
            out.append(Candidate(Claim(where, "(oscillating)"), None, Fraction(0), top[1], None))
            continue
        box = _exact_box(sp.Abs(lim))
        if box is None:
            raise UndecidedError(f"could not evaluate the limit of σ′ as {text_of(where)}")
        out.append(Candidate(where, sp.Abs(lim), *box, False, end))
    period = None
    if lo == -sp.oo and hi == sp.oo and h.has(*_PERIODIC):  # without them σ′ is not periodic
        with limiter.step(3.0) as step:
            step.value = sp.periodicity(h, x)
        period = step.value
        period = period if period is not None and period.is_positive else None
    if period is not None:
        out = []  # a periodic σ′ takes on ℝ exactly the values of one period
    domain = sp.Interval.Ropen(0, period) if period is not None else sp.Interval.open(lo, hi)
    if (period is not None or not oscillates) and not _huge_frequencies(h):
        dh = sp.diff(h, x)
        with limiter.step(4.0) as step:
            step.value = sp.solveset(dh, x, domain)
        solved = step.value
        if not isinstance(solved, sp.FiniteSet) and solved is not sp.S.EmptySet:
            with limiter.step(2.0) as step:
                step.value = sp.numer(sp.together(dh.rewrite(sp.exp)))
            top = step.value
            if top is not None and _solvable_exponentials(top):
                with limiter.step(4.0) as step:
                    step.value = sp.solveset(top, x, domain)
                solved = step.value
        points = list(solved) if isinstance(solved, sp.FiniteSet) else None
        if solved is sp.S.EmptySet:
            points = []
        if points is not None and all(p.is_real for p in points):
            for p in points:
                with limiter.step(3.0) as step:
                    step.value = sp.Abs(h.subs(x, p))
                value = step.value
                box = _exact_box(value)
                if box is None:
                    break
                out.append(Candidate(sp.Eq(x, p, evaluate=False), value, *box, True, p))
            else:
                return out, False
    return [*out, _enclosed(h, lo, hi, period, out, limiter)], True


_PERIODIC = (sp.sin, sp.cos, sp.tan, sp.cot, sp.sec, sp.csc)


#: Beyond this, a coefficient of x inside exp or a trigonometric function makes SymPy's
#: exact solvers build polynomials of that degree in exp(x) (gigabytes); arb encloses instead.
_LARGEST_FREQUENCY = 10**6


def _huge_frequencies(h: sp.Expr) -> bool:
    """Whether some exp/trig argument of `h`, expanded, has a coefficient of x or of x² larger
    than :data:`_LARGEST_FREQUENCY` (e.g. exp(−(x − 10¹⁰)²) = exp(−x² + 2·10¹⁰x − 10²⁰)).

    Examples
    --------
    >>> _huge_frequencies(sp.exp(-(x - 10**10) ** 2)), _huge_frequencies(sp.tanh(x))
    (True, False)
    """
    for node in sp.preorder_traversal(h):
        if isinstance(node, (sp.exp, sp.tanh, sp.sinh, sp.cosh, *_PERIODIC)):
            arg = sp.expand(node.args[0])
            for power in (1, 2):
                c = arg.coeff(x, power)
                if c.is_Number and abs(c) > _LARGEST_FREQUENCY:
                    return True
    return False


def _solvable_exponentials(expr: sp.Expr) -> bool:
    """False when some exp(·) has an argument that is not linear in x.

    solveset cannot invert exp of a cubic, say (e.g. the tanh form of GELU); skipping the
    attempt only sends the piece to the certified enclosure, which decides it anyway.
    """
    return all(
        sp.Poly(arg, x).degree() <= 1 if arg.is_polynomial(x) else not arg.has(x)
        for arg in (e.args[0] for e in expr.atoms(sp.exp))
    )


def _limit(h: sp.Expr, end: sp.Expr, side: str) -> sp.Expr:
    """lim h as x → end (from `side` at a finite end).

    At ±∞, an h that is an exp-log function once rewritten with exp (tanh, sigmoid, softplus,
    powers and rational functions of them) goes straight to Gruntz's algorithm, which decides
    the limit of every such function; :func:`sympy.limit` reaches the same algorithm after
    heuristics that cost several times more. Anything else, or an answer that is not a real
    number or ±∞, goes to :func:`sympy.limit`.

    Examples
    --------
    >>> _limit(1 - sp.tanh(x) ** 2, sp.oo, "-"), _limit(sp.erf(x), -sp.oo, "+")
    (0, -1)
    """
    if not end.is_infinite:
        return sp.limit(h, x, end, side)
    written = h.rewrite(sp.exp)
    found = _limit_in_exponential(written, end)
    if found is not None:
        return found
    if written.free_symbols <= {x} and all(
        isinstance(f, (sp.exp, sp.log)) for f in written.atoms(sp.Function)
    ):
        from sympy.series.gruntz import gruntz

        try:
            found = gruntz(written.subs(x, x if end == sp.oo else -x), x, sp.oo)
        except (NotImplementedError, ValueError, TypeError, RecursionError):
            found = None
        if found is not None and (found.is_infinite or found.is_real) and found.is_number:
            return found
    return sp.limit(h, x, end)


def _limit_in_exponential(h: sp.Expr, end: sp.Expr) -> sp.Expr | None:
    """lim h as x → ±∞ when h is a rational function of e^(x/q) with rational coefficients.

    With t = e^(x/q) (q the common denominator of the rates c in every e^(cx)), h = P(t)/Q(t)
    for polynomials P, Q over ℚ, and x → +∞ is t → +∞, x → −∞ is t → 0⁺. The limit is then
    read off the leading terms (t → ∞) or the lowest-order terms (t → 0⁺) of P and Q: a
    ratio of coefficients, 0, or ±∞ with the sign of that ratio. This covers σ′ of tanh, the
    logistic sigmoid and their rescalings exactly; anything else gives None.

    Examples
    --------
    >>> h = (1 - sp.tanh(x) ** 2).rewrite(sp.exp)
    >>> _limit_in_exponential(h, sp.oo), _limit_in_exponential(h, -sp.oo)
    (0, 0)
    >>> _limit_in_exponential(sp.exp(x) / (1 + sp.exp(x)), sp.oo)
    1
    >>> _limit_in_exponential(x * sp.exp(x), sp.oo) is None
    True
    """
    rates = []
    for e in h.atoms(sp.exp):
        rate, rest = e.args[0].as_coeff_Mul()
        if rest != x or not rate.is_Rational:
            return None
        rates.append(rate)
    if not rates or h.atoms(sp.Function) - h.atoms(sp.exp):
        return None
    q = math.lcm(*(int(r.q) for r in rates))
    t = sp.Dummy("t", positive=True)
    written = h.xreplace({e: t ** (e.args[0].as_coeff_Mul()[0] * q) for e in h.atoms(sp.exp)})
    if x in written.free_symbols:
        return None
    num, den = sp.fraction(sp.cancel(sp.together(written)))
    try:
        P, Q = sp.Poly(num, t), sp.Poly(den, t)
    except sp.PolynomialError:
        return None
    if P.domain not in (sp.ZZ, sp.QQ) or Q.domain not in (sp.ZZ, sp.QQ) or Q.is_zero:
        return None
    if P.is_zero:
        return sp.Integer(0)
    if end == sp.oo:  # t → +∞: the terms of highest degree decide
        gap, ratio = P.degree() - Q.degree(), P.LC() / Q.LC()
    else:  # t → 0⁺: the terms of lowest degree decide
        low_p, low_q = min(m[0] for m in P.monoms()), min(m[0] for m in Q.monoms())
        gap, ratio = low_q - low_p, P.coeff_monomial(t**low_p) / Q.coeff_monomial(t**low_q)
    if gap < 0:
        return sp.Integer(0)
    if gap == 0:
        return sp.Rational(ratio)
    return sp.oo if ratio > 0 else -sp.oo


def _enclosed(
    h: sp.Expr,
    lo: sp.Expr,
    hi: sp.Expr,
    period: sp.Expr | None,
    ends: list[Candidate],
    limiter: Limiter,
) -> Candidate:
    """A certified enclosure of sup |h| on the piece (one period, or a window and tails).

    A search records the cover it found in ``limiter.covers``; a certificate check takes
    the recorded cover from there and re-verifies it instead of searching.
    """
    f, df = arb_function(h), arb_function(sp.diff(h, x))
    if f is None:
        raise UndecidedError(f"σ′ = {text_of(h)} uses a function the enclosure does not cover")
    with flint.ctx.workprec(PRECISION):
        intervals = _intervals(lo, hi, period)
        _check_cover(intervals, lo, hi, period)
        known = max((c.lower for c in ends), default=Fraction(0))
        known_lower = flint.arb(flint.fmpq(known.numerator, known.denominator))
        slots, forms = _tail_forms(h, limiter)
        piece = {
            "piece": [_fmt(lo), _fmt(hi)],
            "period": None if period is None else sp.sstr(period),
            "derivative": sp.sstr(h),
        }
        if isinstance(limiter.covers, _Replay):
            by_name = dict(zip(slots, forms, strict=True))
            found = limiter.covers.check(piece, f, df, intervals, by_name, known_lower)
        else:
            found = enclose_sup(
                f,
                df,
                intervals,
                known_lower=known_lower,
                deadline=limiter.deadline,
                alternatives=tuple(forms),
            )
            if found is None:
                raise SearchExhaustedError(
                    f"could not enclose sup |σ′| for σ′ = {text_of(h)} on {text_of(_interval(lo, hi))} "
                    f"within the {limiter.total:g} s limit; γ was not derived"
                )
            limiter.covers.append(_cover_record(piece, found, slots))
        lower, upper = _fraction(found.lower, -1), _fraction(found.upper, 1)
    ends_top = max((c.upper for c in ends), default=Fraction(0))
    attained = True if lower > ends_top else None
    if found.where is not None:
        where: Any = Chain(x, "~", Decimal(_short(found.where)))
    else:
        where = _interval(lo, hi)
    return Candidate(where, None, lower, upper, attained)


def _tail_forms(h: sp.Expr, limiter: Limiter) -> tuple[list[str], list[Any]]:
    """σ′ rewritten in x and t = e^{±x}: formulas that stay tight in interval arithmetic
    for large |x| (the exponentials cancel before the evaluation, not inside it).

    Returned with their names (``t=e^x``, ``t=e^-x``, each of σ′ as given or rewritten
    with exp), which a certificate records for each formula its boxes use."""
    t = sp.Symbol("t", positive=True)
    names, out = [], []
    if _huge_frequencies(h):  # t^(10¹⁰): cancel would build a polynomial of that degree
        return names, out
    for sign in (1, -1):
        for kind, form in (("as given", h), ("exp", h.rewrite(sp.exp))):
            with limiter.step(1.0) as step:
                written = sp.cancel(form.subs(x, sign * sp.log(t)))
                step.value = written.subs(sp.log(t), sign * x)
            written = step.value
            if written is None or sp.log(t) in written.atoms(sp.log):
                continue
            f = arb_function(written, {t: sp.exp(sign * x)})
            if f is not None:
                names.append(f"t = e^{'x' if sign > 0 else '-x'}, σ′ {kind}")
                out.append(f)
    return names, out


def _exact_winner(winners: list[Candidate], top: Fraction, limiter: Limiter) -> sp.Expr | None:
    """The exact value of γ when every candidate that may be the supremum has that value."""
    exact = [c for c in winners if c.value is not None]
    if not exact or any(c.value is None and c.upper > max(e.upper for e in exact) for c in winners):
        return None
    best = max(exact, key=lambda c: c.upper)
    tied = [best.value]
    for c in exact:
        if c.value != best.value and c.upper > best.lower:
            with limiter.step(2.0) as step:
                step.value = sp.simplify(c.value - best.value) == 0
            same = step.value
            if not same and c.value not in tied:
                tied.append(c.value)
    # closed forms that agree to 40 digits but are not proved equal: no single exact value
    return best.value if len(tied) == 1 else None
