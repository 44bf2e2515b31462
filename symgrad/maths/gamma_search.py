"""The search for γ = sup_x |σ′(x)|, and the same derivation re-run as a check.

:func:`start_search` derives γ in a child process with a wall-clock limit;
:func:`check_derivation` re-runs the derivation with no clock, each branch and bound
replaced by the check of a recorded cover. Both go through one function, so a check
and a search can never disagree about what the derivation is.

The derivation: the hypotheses are checked first (:mod:`symgrad.maths.hypotheses`); ℝ is
cut at the kinks of σ; at a cut where both one-sided limits of σ′ agree, σ′ there is
their value; on each open piece the candidates are the critical points and the limits at
the ends (:mod:`symgrad.maths.gamma_pieces`), or a certified enclosure with python-flint
``arb`` (:mod:`symgrad.maths.gamma_cover`); the largest candidate is γ, with a closed form
and its certificate (γ ∓ σ′(x) written as expressions SymPy knows to be non-negative)
when one exists.
"""

from __future__ import annotations

import itertools
import math
import time
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal
from fractions import Fraction
from typing import Any

import sympy as sp

from ..errors import UndecidedError
from ..kernel.claims import Claim, text_of
from ..kernel.notation import loads_as_written, superscript
from ..runtime.limits import Limiter, Pending
from .activations import Activation, x
from .gamma_cover import (
    _DOUBLINGS,
    _WINDOW,
    _decimal,
    _exact_box,
    _interval,
    _outward,
    _Replay,
)
from .gamma_pieces import Candidate, _branch, _exact_winner, _one_sided_derivatives, _piece
from .hypotheses import check_hypotheses

__all__ = ["DEFAULT_SECONDS", "GammaResult", "check_derivation", "start_search"]

#: Wall-clock limit of one search when neither `seconds` nor a command deadline is given.
DEFAULT_SECONDS = 30.0


@dataclass
class GammaResult:
    """The derivation of γ for one activation.

    ``gamma`` is the decimal value as a float (None when σ′ is unbounded or γ
    exceeds the float range), ``decimal`` the same value as a string, ``exact``
    its closed form when one was derived, ``enclosure`` a certified interval
    (lower, upper) when γ was enclosed with arb, ``attained`` whether some x
    reaches it (None when not decided), ``argmax`` where, as mathematics (``x = 0``,
    ``x → 0⁻``, ``x < -8/5``, ``every x``), and ``certificate`` the relations
    γ ∓ σ′(x) = E ≥ 0 that prove γ when SymPy knows each E to be non-negative. Their text
    (:meth:`to_dict`, a certificate file) is the kernel's printed form.
    """

    expression: sp.Expr
    derivative: sp.Expr
    bounded: bool
    gamma: float | None
    decimal: str | None
    exact: sp.Expr | None
    attained: bool | None
    argmax: list[Any]
    evidence: str
    method: str
    certificate: list[Any] = field(default_factory=list)
    reason: str = ""
    seconds: float = 0.0
    enclosure: tuple[str, str] | None = None
    #: the record of each certified enclosure (see :mod:`symgrad.certificates`)
    covers: list[dict[str, Any]] = field(default_factory=list, repr=False, compare=False)
    #: "search" when derived now, or the certificate file whose check gave this result
    source: str = field(default="search", compare=False)
    #: the places in ``argmax`` where γ is attained exactly, as expressions (in closed form)
    points: list[sp.Expr] = field(default_factory=list, repr=False, compare=False)

    def to_dict(self) -> dict[str, Any]:
        """Fields for strict JSON (``json.dumps(..., allow_nan=False)`` never fails on them).

        Examples
        --------
        >>> import json
        >>> from symgrad import derive_gamma
        >>> json.dumps(derive_gamma("exp(x)").to_dict(), allow_nan=False)[:40]
        '{"expression": "exp(x)", "derivative": "'
        """
        gamma = self.gamma if self.gamma is not None and math.isfinite(self.gamma) else None
        return {
            "expression": sp.sstr(self.expression),
            "derivative": sp.sstr(self.derivative),
            "bounded": self.bounded,
            "gamma": gamma,
            "gamma_decimal": self.decimal,
            "gamma_exact": None if self.exact is None else sp.sstr(self.exact),
            "gamma_enclosure": None if self.enclosure is None else list(self.enclosure),
            "attained": self.attained,
            "argmax": [text_of(p) for p in self.argmax],
            "evidence": self.evidence,
            "method": self.method,
            "certificate": [text_of(c) for c in self.certificate],
            "reason": self.reason,
            "seconds": round(self.seconds, 4),
        }

    def __str__(self) -> str:
        if not self.bounded:
            return f"γ = ∞ (σ′ is unbounded: {self.reason}); the bound λ₁γ does not apply"
        exact = f" = {text_of(self.exact)}" if self.exact is not None else ""
        whole = self.exact is not None and self.exact.is_Integer  # γ = 1, not γ = 1 ≈ 1
        approximately = "" if whole else f" ≈ {self.decimal}"
        where = ", ".join(text_of(p) for p in self.argmax)
        reached = {True: "attained", False: "not attained (a supremum)"}.get(
            self.attained, "attainment not decided"
        )
        kind = "certified in" if self.evidence == "checked" else "within"
        box = f", {kind} [{self.enclosure[0]}, {self.enclosure[1]}]" if self.enclosure else ""
        return f"γ{exact}{approximately}{box}, {reached}, at {where} [{self.evidence}]"


def start_search(act: Activation, seconds: float) -> Pending:
    """Start searching for γ of `act` in a child process limited to `seconds`."""
    what = f"γ of σ = {text_of(act.expr)}"
    pending = Pending(float(seconds), what, loads_as_written)
    if pending.here:  # the forked child: the search itself
        with pending.answering():
            pending.value = _derive(act, pending.deadline, seconds)
    return pending


def _derive(
    act: Activation, deadline: float, seconds: float, limiter: Limiter | None = None
) -> GammaResult:
    """The derivation itself (run by :func:`start_search` in a forked child, or by
    :func:`check_derivation` here).

    With `limiter` given (a certificate check: no clock, recorded covers to re-verify),
    each branch and bound is replaced by the check of its recorded cover.
    """
    start = time.perf_counter()
    limiter = limiter or Limiter(deadline, seconds)
    if limiter.covers is None:
        limiter.covers = []  # the search records every cover it finds
    cuts = check_hypotheses(act.expr, limiter)
    g = act.derivative
    limiter.check("the derivative")
    edges = [-sp.oo, *cuts, sp.oo]
    candidates: list[Candidate] = []
    enclosed = False
    for i, point in enumerate(cuts):
        sides = _one_sided_derivatives(g, edges[i], point, edges[i + 2], limiter)
        if sides is not None and sides[0] != sides[1]:
            continue  # a corner: σ′(point) does not exist, only the pieces' limits count
        if sides is not None:  # σ continuous, σ′ → L from both sides: σ′(point) = L
            value = sp.Abs(sides[0])
        else:
            with limiter.step(3.0) as step:
                step.value = sp.Abs(g.subs(x, point))
            value = step.value
        box = _exact_box(value)
        if box is not None:
            candidates.append(Candidate(sp.Eq(x, point, evaluate=False), value, *box, True, point))
    for lo, hi in itertools.pairwise(edges):
        limiter.check(f"the piece {text_of(_interval(lo, hi))}")
        h = _branch(g, lo, hi)
        found, used = _piece(h, lo, hi, limiter)
        enclosed |= used
        candidates.extend(found)
        if any(c.upper == math.inf for c in found):
            break
    result = _conclude(act, g, candidates, enclosed, limiter)
    if isinstance(limiter.covers, list):
        result.covers = limiter.covers
    else:
        limiter.covers.finish()
    result.seconds = time.perf_counter() - start
    return result


def check_derivation(act: Activation, covers: list[dict[str, Any]]) -> GammaResult:
    """Re-derive γ with no clock, each branch and bound replaced by a recorded cover's check.

    Raises :class:`~symgrad.errors.CertificateError` when a cover does not check or does
    not belong to the derivation. Used by :mod:`symgrad.certificates`.
    """
    limiter = Limiter.unlimited()
    limiter.covers = _Replay(covers)
    return _derive(act, math.inf, math.inf, limiter)


def _conclude(
    act: Activation, g: sp.Expr, candidates: list[Candidate], enclosed: bool, limiter: Limiter
) -> GammaResult:
    if not candidates:
        raise UndecidedError(f"could not evaluate σ′ = {text_of(g)} anywhere; γ was not derived")
    if any(c.upper == math.inf for c in candidates):
        where = [c.where for c in candidates if c.upper == math.inf]
        return GammaResult(
            act.expr, g, False, None, None, None, None, where, "proved", "limits (SymPy)",
            reason=f"|σ′| → ∞ as {text_of(where[0])}",
        )  # fmt: skip
    top_lower = max(c.lower for c in candidates)
    top_upper = max(c.upper for c in candidates)
    winners = [c for c in candidates if c.upper >= top_lower]
    exact = _exact_winner(winners, top_upper, limiter)
    if exact is not None:
        with limiter.step(2.0) as step:
            step.value = sp.simplify(exact)
        simpler = step.value
        exact = simpler if simpler is not None and _exact_box(simpler) is not None else exact
        low, high = _exact_box(exact)
        if not (low <= top_upper and high >= top_lower):  # the two forms must agree
            exact = None
    if exact is not None and exact.is_Rational:
        top_lower = top_upper = Fraction(int(exact.p), int(exact.q))
    elif exact is not None:
        top_lower, top_upper = _exact_box(exact)
    if top_upper == 0:
        attained: bool | None = True
    elif all(c.attained is True for c in winners):
        attained = True
    elif all(c.attained is False for c in winners) and exact is not None:
        attained = False
    else:
        attained = next((True for c in winners if c.attained and c.lower >= top_upper), None)
    shown = [c for c in winners if c.attained] if attained else winners
    shown.sort(
        key=lambda c: abs(float(c.point)) if c.point is not None and c.point.is_finite else 0.0
    )
    certificate = _certificate(g, exact, limiter) if exact is not None else []
    if enclosed and exact is None:
        evidence = "checked"
        method = (
            "certified enclosure with python-flint arb (interval branch and bound) on "
            f"|x| ≤ {_WINDOW}·2{superscript(_DOUBLINGS)} or one period; SymPy limits of σ′ beyond"
        )
    elif certificate:
        evidence, method = "proved", "certificate"
    elif enclosed:
        evidence = "checked"
        method = "exact candidates confirmed by a certified arb enclosure; SymPy limits"
    elif exact is None:
        evidence = "proved"
        method = "exact critical points and limits; the largest closed forms agree to 40 digits"
    else:
        evidence, method = "proved", "exact critical points and limits"
    decimal = _decimal(top_lower, top_upper)
    gamma = float(decimal) if abs(float(Decimal(decimal))) < 1e300 else None
    enclosure = None
    if exact is None:
        enclosure = (_outward(top_lower, ROUND_FLOOR), _outward(top_upper, ROUND_CEILING))
    return GammaResult(
        act.expr,
        g,
        True,
        gamma,
        decimal,
        exact,
        attained,
        _summarise(list(dict.fromkeys(c.where for c in shown))),
        evidence,
        method,
        certificate,
        enclosure=enclosure,
        reason="" if gamma is not None else f"γ ≈ {decimal} exceeds the float range",
        points=_exact_places(shown) if attained else [],
    )


def _exact_places(shown: list[Candidate]) -> list[sp.Expr]:
    """The finite places, each once, where a candidate of known exact value is reached."""
    found = (c.point for c in shown if c.value is not None and c.point is not None)
    return list(dict.fromkeys(p for p in found if p.is_finite))


def _summarise(places: list[Any], keep: int = 4) -> list[Any]:
    if len(places) <= keep:
        return places
    return [*places[:keep], Claim(f"… ({len(places) - keep} more places found)")]


def _certificate(g: sp.Expr, gamma: sp.Expr, limiter: Limiter) -> list[Any]:
    """γ − σ′(x) = E ≥ 0 and γ + σ′(x) = E ≥ 0, each E a form SymPy knows to be
    non-negative; empty when either has none."""
    from ..kernel.notation import Chain, Prime

    lines = []
    x_prime = Prime("sigma", sp.Symbol("x"))
    for sign in (-1, 1):
        shown = _nonnegative_form(gamma + sign * g, limiter)
        if shown is None:
            return []
        side = sp.Add(sp.Symbol("gamma"), sign * x_prime, evaluate=False)
        lines.append(Chain(side, "=", shown, ">=", 0))
    return lines


def _nonnegative_form(expr: sp.Expr, limiter: Limiter) -> sp.Expr | None:
    tries = [
        lambda e: sp.factor(sp.together(e)),
        lambda e: sp.factor(sp.together(e.rewrite(sp.exp))),
        lambda e: sp.factor(sp.together(sp.expand_trig(e.rewrite(sp.cosh)))),
    ]
    for transform in tries:
        with limiter.step(1.0) as step:
            step.value = transform(expr)
        form = step.value
        if form is None or form.has(sp.Piecewise):
            continue
        if form.is_nonnegative:
            return form
    return None


# a catalogue run starts the γ its theorems rest on through this hook (the kernel does not
# import the mathematics)
