"""γ = sup_x |σ′(x)| for any activation, derived rather than looked up.

The real line is cut at the kinks of σ and σ′ (branch boundaries of
``Piecewise``, zeros of ``Abs``/``sign``/``Max``/``Min`` arguments). On each open
piece σ′ is smooth, so |σ′| reaches its supremum at a critical point (σ″ = 0),
or approaches it at an end of the piece; at a kink the value σ′ takes there is
a candidate too. Critical points are solved exactly where SymPy can; otherwise
they are isolated numerically: a sign change of σ″ at 40 significant digits
brackets a root, which is then refined by bisection. A dense sample of |σ′|
guards against missed critical points.

When γ has a closed form, symgrad looks for a certificate: γ − σ′(x) and
γ + σ′(x) written (by ``factor(together(...))``) as expressions SymPy knows to
be non-negative, e.g. γ − σ′ = tanh(x)² for tanh.
"""

from __future__ import annotations

import itertools
import signal
import threading
import time
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

import mpmath
import sympy as sp

from .activations import Activation, _candidate_kinks, get_activation, x
from .errors import SymgradTimeoutError

__all__ = ["GammaResult", "derive_gamma"]

_DIGITS = 40
_SOLVE_SECONDS = 2.0
_SPAN = 60  # numeric search covers [-60, 60] inside infinite pieces, then the ends by limits
_GRID = 4001


@dataclass
class Candidate:
    """A place where sup |σ′| may be reached or approached."""

    where: str
    value: sp.Expr | None  # exact |σ′| value when known
    decimal: mpmath.mpf
    attained: bool
    point: sp.Expr | None = None


@dataclass
class GammaResult:
    """The derivation of γ for one activation.

    ``gamma`` is the decimal value (None when σ′ is unbounded), ``exact`` its
    closed form when one was derived, ``attained`` whether some x reaches it,
    ``argmax`` where (points, or a description such as ``x → ∞``).
    """

    expression: sp.Expr
    derivative: sp.Expr
    bounded: bool
    gamma: float | None
    decimal: str | None
    exact: sp.Expr | None
    attained: bool | None
    argmax: list[str]
    evidence: str
    method: str
    certificate: list[str] = field(default_factory=list)
    reason: str = ""
    seconds: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready fields (``ok`` is added by the caller)."""
        return {
            "expression": sp.sstr(self.expression),
            "derivative": sp.sstr(self.derivative),
            "bounded": self.bounded,
            "gamma": self.gamma,
            "gamma_decimal": self.decimal,
            "gamma_exact": None if self.exact is None else sp.sstr(self.exact),
            "attained": self.attained,
            "argmax": self.argmax,
            "evidence": self.evidence,
            "method": self.method,
            "certificate": self.certificate,
            "reason": self.reason,
            "seconds": round(self.seconds, 4),
        }

    def __str__(self) -> str:
        if not self.bounded:
            return f"γ = ∞ (σ′ is unbounded: {self.reason}); the bound λ₁γ does not apply"
        exact = f" = {sp.sstr(self.exact)}" if self.exact is not None else ""
        where = ", ".join(self.argmax)
        reached = "attained" if self.attained else "not attained (a supremum)"
        return f"γ{exact} ≈ {self.decimal}, {reached}, at {where} [{self.evidence}]"


@contextmanager
def _time_limit(seconds: float):
    """Raise SymgradTimeoutError after `seconds` (main thread only; elsewhere no limit)."""
    if threading.current_thread() is not threading.main_thread() or not hasattr(
        signal, "setitimer"
    ):
        yield
        return

    def on_alarm(signum: int, frame: Any) -> None:
        raise SymgradTimeoutError(f"step exceeded {seconds} s")

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _attempt(fn: Callable[[], Any], seconds: float = _SOLVE_SECONDS) -> Any:
    try:
        with _time_limit(seconds):
            return fn()
    except (SymgradTimeoutError, NotImplementedError, ValueError, TypeError, ZeroDivisionError):
        return None


def _num(expr: sp.Expr) -> mpmath.mpf | None:
    if expr.has(sp.oo, -sp.oo, sp.zoo):
        return mpmath.inf
    try:
        value = sp.N(expr, _DIGITS)
    except (TypeError, ValueError):
        return None
    if value.is_real is False or not value.is_number:
        return None
    if value in (sp.oo, -sp.oo, sp.zoo, sp.nan):
        return mpmath.inf
    try:
        return mpmath.mpf(str(value))
    except (TypeError, ValueError):
        return None


def _branch(expr: sp.Expr, lo: sp.Expr, hi: sp.Expr) -> sp.Expr:
    """The smooth expression σ′ equals on the open interval (lo, hi)."""
    mid = _midpoint(lo, hi)
    folded = sp.piecewise_fold(expr.rewrite(sp.Piecewise))

    def resolve(node: sp.Expr) -> sp.Expr:
        if isinstance(node, sp.Piecewise):
            for value, cond in node.args:
                if cond is sp.true or bool(cond.subs(x, mid)):
                    return resolve(value)
            return sp.nan
        if node.args:
            return node.func(*[resolve(a) for a in node.args])
        return node

    return resolve(folded)


def _midpoint(lo: sp.Expr, hi: sp.Expr) -> sp.Expr:
    if lo == -sp.oo and hi == sp.oo:
        return sp.Rational(1, 7)
    if lo == -sp.oo:
        return hi - 1
    if hi == sp.oo:
        return lo + 1
    return (lo + hi) / 2


def _fmt(point: sp.Expr) -> str:
    if point == sp.oo:
        return "∞"
    if point == -sp.oo:
        return "-∞"
    return sp.sstr(point)


def derive_gamma(activation: Activation | sp.Expr | str) -> GammaResult:
    """Derive γ = sup |σ′| for an activation, a SymPy expression in x, or a written string.

    Examples
    --------
    >>> r = derive_gamma("1/(1 + exp(-x))")
    >>> r.exact, r.attained, r.argmax, r.evidence
    (1/4, True, ['x = 0'], 'proved')
    >>> derive_gamma("exp(x)").bounded
    False
    >>> derive_gamma("softplus").attained
    False
    """
    return _derive(_as_activation(activation))


@lru_cache(maxsize=128)
def _derive(act: Activation) -> GammaResult:
    """The derivation for one activation, done once per process and shared by every caller."""
    start = time.perf_counter()
    g = act.derivative
    found = _attempt(lambda: set(_candidate_kinks(act.expr)) | set(_candidate_kinks(g)), 10.0)
    if found is None:
        raise SymgradTimeoutError(
            f"σ = {sp.sstr(act.expr)}: the kinks (branch points) could not be located within 10 s; "
            "γ was not derived"
        )
    cuts = sorted(found, key=float)
    edges = [-sp.oo, *cuts, sp.oo]
    candidates: list[Candidate] = []
    numeric_used = False
    for point in cuts:
        value = g.subs(x, point)
        dec = _num(sp.Abs(value))
        if dec is not None:
            candidates.append(Candidate(f"x = {_fmt(point)}", sp.Abs(value), dec, True, point))
    for lo, hi in itertools.pairwise(edges):
        h = _branch(g, lo, hi)
        found, numeric = _piece_candidates(h, lo, hi)
        numeric_used |= numeric
        candidates.extend(found)
    result = _conclude(act, g, candidates, numeric_used)
    result.seconds = time.perf_counter() - start
    return result


def _as_activation(activation: Activation | sp.Expr | str) -> Activation:
    if isinstance(activation, Activation):
        return activation
    if isinstance(activation, str):
        from .activations import ACTIVATIONS

        if activation in ACTIVATIONS:
            return ACTIVATIONS[activation]
        from .parsing import parse_expression

        expr = parse_expression(activation)
        return Activation("user", expr.subs(sp.Symbol("x", real=True), x))
    if isinstance(activation, sp.Expr):
        return Activation("user", activation)
    return get_activation(activation)


def _piece_candidates(h: sp.Expr, lo: sp.Expr, hi: sp.Expr) -> tuple[list[Candidate], bool]:
    """Candidates for sup |h| on the open interval (lo, hi)."""
    out: list[Candidate] = []
    if not h.has(x):  # constant on the piece: attained everywhere in it
        dec = _num(sp.Abs(h))
        if dec is not None:
            out.append(Candidate(_interval_text(lo, hi), sp.Abs(h), dec, True))
        return out, False
    for end, side in ((lo, "+"), (hi, "-")):
        limit = _attempt(
            lambda end=end, side=side: sp.limit(h, x, end, side if end.is_finite else None)
        )
        where = (
            f"x → {_fmt(end)}"
            if end.is_infinite
            else f"x → {_fmt(end)}{'⁺' if side == '+' else '⁻'}"
        )
        if limit is None or limit.has(sp.AccumBounds):
            dec = _numeric_end(h, end, side)
            out.append(Candidate(where, None, dec, False))
        else:
            dec = _num(sp.Abs(limit))
            if dec is not None:
                out.append(Candidate(where, sp.Abs(limit), dec, False, end))
    dh = sp.diff(h, x)
    interval = sp.Interval.open(lo, hi)
    blowup = _singular_point(h, interval)
    if blowup is not None:
        return [Candidate(f"x → {_fmt(blowup)}", sp.oo, mpmath.inf, False, blowup)], False
    solved = _attempt(lambda: sp.solveset(dh, x, interval))
    points = list(solved) if isinstance(solved, sp.FiniteSet) else None
    if solved is sp.S.EmptySet:
        points = []
    numeric = points is None or any(not p.is_real for p in points)
    if points is not None and not numeric:
        for p in points:
            value = sp.Abs(h.subs(x, p))
            dec = _num(value)
            if dec is not None:
                out.append(Candidate(f"x = {_fmt(p)}", value, dec, True, p))
    else:
        out.extend(_numeric_critical(h, dh, lo, hi))
    out.extend(_guard(h, lo, hi, out))
    return out, numeric


def _singular_point(h: sp.Expr, interval: sp.Interval) -> sp.Expr | None:
    """A point of the piece where |h| blows up, if SymPy finds one."""
    found = _attempt(lambda: sp.singularities(h, x, interval))
    if found is None or found is sp.S.EmptySet:
        return None
    points = list(found) if isinstance(found, sp.FiniteSet) else _first_elements(found)
    for point in points:
        for side in ("+", "-"):
            limit = _attempt(lambda point=point, side=side: sp.limit(sp.Abs(h), x, point, side))
            if limit is not None and limit.has(sp.oo, sp.zoo):
                return point
    return None


def _first_elements(found: sp.Set, count: int = 3) -> list[sp.Expr]:
    try:
        iterator = iter(found)
        return [next(iterator) for _ in range(count)]
    except (TypeError, StopIteration, NotImplementedError, ValueError):
        return []


def _interval_text(lo: sp.Expr, hi: sp.Expr) -> str:
    if lo == -sp.oo and hi == sp.oo:
        return "every x"
    if lo == -sp.oo:
        return f"x < {_fmt(hi)}"
    if hi == sp.oo:
        return f"x > {_fmt(lo)}"
    return f"{_fmt(lo)} < x < {_fmt(hi)}"


def _numeric_bounds(lo: sp.Expr, hi: sp.Expr) -> tuple[mpmath.mpf, mpmath.mpf]:
    a = mpmath.mpf(-_SPAN) if lo == -sp.oo else mpmath.mpf(str(sp.N(lo, _DIGITS)))
    b = mpmath.mpf(_SPAN) if hi == sp.oo else mpmath.mpf(str(sp.N(hi, _DIGITS)))
    return a, b


def _evaluator(expr: sp.Expr) -> Callable[[mpmath.mpf], mpmath.mpf]:
    # built from a SymPy expression symgrad constructed, in the single symbol x
    f = sp.lambdify(x, expr, modules="mpmath")

    def call(value: mpmath.mpf) -> mpmath.mpf:
        try:
            out = f(value)
        except (ZeroDivisionError, OverflowError, ValueError):
            return mpmath.nan
        return mpmath.re(out) if isinstance(out, mpmath.mpc) else out

    return call


def _numeric_critical(h: sp.Expr, dh: sp.Expr, lo: sp.Expr, hi: sp.Expr) -> list[Candidate]:
    """Roots of h′ on the piece, bracketed by sign changes at 40 digits and bisected."""
    a, b = _numeric_bounds(lo, hi)
    fh, fdh = _evaluator(h), _evaluator(dh)
    out = []
    with mpmath.workdps(_DIGITS):
        # an irrational offset keeps grid points off simple roots such as x = 0
        shift = mpmath.mpf("0.381966011250105151795")
        grid = [a + (b - a) * (k + shift) / (_GRID - 1) for k in range(_GRID - 1)]
        grid = [p for p in grid if lo < sp.Float(str(p), _DIGITS) < hi] or grid[1:-1]
        values = [fdh(p) for p in grid]
        for (p, fp), (q, fq) in itertools.pairwise(zip(grid, values, strict=True)):
            if mpmath.isnan(fp) or mpmath.isnan(fq):
                continue
            if not fp * fq < 0:  # only a strict sign change brackets a root rigorously
                continue
            root = _bisect(fdh, p, q, fp)
            value = abs(fh(root))
            if not mpmath.isnan(value):
                out.append(
                    Candidate(
                        f"x ≈ {mpmath.nstr(root, 15)}", None, value, True, sp.Float(str(root), 30)
                    )
                )
    return out


def _bisect(f: Callable, p: mpmath.mpf, q: mpmath.mpf, fp: mpmath.mpf) -> mpmath.mpf:
    for _ in range(140):
        mid = (p + q) / 2
        fm = f(mid)
        if fm == 0:
            return mid
        if fp * fm < 0:
            q = mid
        else:
            p, fp = mid, fm
    return (p + q) / 2


def _numeric_end(h: sp.Expr, end: sp.Expr, side: str) -> mpmath.mpf:
    f = _evaluator(h)
    with mpmath.workdps(_DIGITS):
        if end.is_infinite:
            sign = 1 if end == sp.oo else -1
            samples = [abs(f(sign * mpmath.mpf(10) ** k)) for k in (2, 4, 8)]
        else:
            base = mpmath.mpf(str(sp.N(end, _DIGITS)))
            step = 1 if side == "+" else -1
            samples = [abs(f(base + step * mpmath.mpf(10) ** -k)) for k in (6, 12, 20)]
    finite = [s for s in samples if not mpmath.isnan(s)]
    if not finite:
        return mpmath.mpf(0)
    if finite[-1] > 1e6 and finite[-1] > 10 * finite[0]:
        return mpmath.inf
    return max(finite)


def _guard(h: sp.Expr, lo: sp.Expr, hi: sp.Expr, found: list[Candidate]) -> list[Candidate]:
    """Sample |h| densely; a sample above every candidate becomes a candidate itself."""
    a, b = _numeric_bounds(lo, hi)
    f = _evaluator(h)
    best = max((c.decimal for c in found), default=mpmath.mpf(0))
    extra = []
    with mpmath.workdps(20):
        for k in range(1, 800):
            p = a + (b - a) * mpmath.mpf(k) / 800
            v = abs(f(p))
            if (
                not mpmath.isnan(v)
                and v > best * (1 + mpmath.mpf(10) ** -12) + mpmath.mpf(10) ** -30
            ):
                extra.append(Candidate(f"x ≈ {mpmath.nstr(p, 8)} (sampled)", None, v, True))
                best = v
    return extra


def _conclude(
    act: Activation, g: sp.Expr, candidates: list[Candidate], numeric: bool
) -> GammaResult:
    if not candidates:
        raise SymgradTimeoutError(f"could not evaluate σ′ = {g} anywhere; γ was not derived")
    top = max(c.decimal for c in candidates)
    if top == mpmath.inf:
        where = [c.where for c in candidates if c.decimal == mpmath.inf]
        return GammaResult(
            act.expr,
            g,
            False,
            None,
            None,
            None,
            None,
            where,
            "proved" if not numeric else "tested",
            "limits" if not numeric else "numeric",
            reason=f"|σ′| → ∞ as {where[0]}",
        )
    tol = top * mpmath.mpf(10) ** -25 + mpmath.mpf(10) ** -30
    best = [c for c in candidates if abs(c.decimal - top) <= tol]
    attained = any(c.attained for c in best)
    shown = [c for c in best if c.attained] if attained else best
    shown.sort(
        key=lambda c: abs(float(c.point)) if c.point is not None and c.point.is_finite else 0.0
    )
    exact = next((c.value for c in best if c.value is not None), None)
    if exact is not None:
        exact = (
            sp.nsimplify(sp.simplify(exact)) if exact.is_number and not exact.is_Rational else exact
        )
        if _num(exact) is None or abs(_num(exact) - top) > tol:
            exact = None
    certificate = _certificate(g, exact) if exact is not None else []
    if certificate:
        evidence, method = "proved", "certificate"
    elif exact is not None and not numeric:
        evidence, method = "proved", "exact critical points and limits"
    else:
        evidence, method = "tested", "numeric root isolation at 40 digits with a dense sample"
    return GammaResult(
        act.expr,
        g,
        True,
        float(top),
        mpmath.nstr(top, 15, strip_zeros=False),
        exact,
        attained,
        _summarise(list(dict.fromkeys(c.where for c in shown))),
        evidence,
        method,
        certificate,
    )


def _summarise(places: list[str], keep: int = 4) -> list[str]:
    if len(places) <= keep:
        return places
    return [*places[:keep], f"… ({len(places) - keep} more places found)"]


def _certificate(g: sp.Expr, gamma: sp.Expr) -> list[str]:
    """γ − σ′ ≥ 0 and γ + σ′ ≥ 0, each as an expression SymPy knows to be non-negative."""
    lines = []
    for sign, label in ((-1, "γ − σ′(x)"), (1, "γ + σ′(x)")):
        expr = gamma + sign * g
        shown = _nonnegative_form(expr)
        if shown is None:
            return []
        lines.append(f"{label} = {sp.sstr(shown)} ≥ 0")
    return lines


def _nonnegative_form(expr: sp.Expr) -> sp.Expr | None:
    tries = [
        lambda e: sp.factor(sp.together(e)),
        lambda e: sp.factor(sp.together(e.rewrite(sp.exp))),
        lambda e: sp.factor(sp.together(sp.expand_trig(e.rewrite(sp.cosh)))),
    ]
    for transform in tries:
        form = _attempt(lambda transform=transform: transform(expr), 1.0)
        if form is None or form.has(sp.Piecewise):
            continue
        if form.is_nonnegative:
            return form
    return None
