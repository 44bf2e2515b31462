"""γ = sup_x |σ′(x)| for any activation, derived rather than looked up — or refused.

First the hypotheses are checked (:mod:`symgrad.hypotheses`): σ real-valued,
defined and continuous on all of ℝ, differentiable except at finitely many
points. Whatever breaks them is refused with the hypothesis and the place.

Then ℝ is cut at the kinks of σ (branch points of ``Abs``/``sign``/``Max``/
``Min``/``Piecewise``) and at the zeros of bases of fractional powers. On each
open piece σ′ is analytic, so |σ′| reaches its supremum at a critical point
(σ″ = 0) or approaches it at an end of the piece; at a kink the value σ′ takes
there is a candidate too. Ends are decided by SymPy limits: an infinite limit
(or an oscillation without bound, ``AccumBounds(-oo, oo)``) proves σ′
unbounded; a limit SymPy cannot take is a refusal, never a sample. Critical
points are solved exactly when SymPy returns a finite set (over one period when
σ′ is periodic). Otherwise sup |σ′| on the piece is enclosed with python-flint
``arb`` interval arithmetic (:mod:`symgrad.enclosure`): a *certified* interval
over the window |x| ≤ 64·2⁴⁰ (or one period), with SymPy's limits beyond it;
such a γ is labelled ``checked`` with its enclosure. A γ is never a sampled
maximum.

Every search runs in a child process with a wall-clock limit (the ``seconds``
keyword; by default what is left of the running command's ``--timeout``, else
:data:`DEFAULT_SECONDS`) and a memory limit, so it ends with an answer or a clear
"could not decide within N s" (an undecided answer, never a wrong one); the caller's
own ``signal.alarm``/SIGALRM handler is left untouched.

Search and check. The search records what it found: for every certified enclosure the
tree of boxes with the formula that bounded each (:mod:`symgrad.certified_sup`). A
:mod:`symgrad.certificates` certificate stores that record with the result; checking it
re-runs the derivation's exact steps with no clock at all and replaces each branch and
bound by a re-verification of its recorded cover. The catalogue's activations have
certificates shipped beside the theorems: :func:`derive_gamma` checks one when it exists
(a stale or edited one is rejected, never trusted) and searches only otherwise.

When γ has a closed form, symgrad looks for a certificate: γ − σ′(x) and
γ + σ′(x) written as expressions SymPy knows to be non-negative.
"""

from __future__ import annotations

import atexit
import itertools
import math
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_CEILING, ROUND_FLOOR, Decimal, localcontext
from fractions import Fraction
from typing import Any

import flint
import sympy as sp

from ..errors import (
    CertificateError,
    HypothesisError,
    InvalidArgumentError,
    SearchExhaustedError,
    UndecidedError,
)
from ..kernel.claims import text_of
from ..kernel.proof import register_background
from ..runtime.limits import Limiter, Pending, remaining_seconds, start_limited
from .activations import Activation, as_activation, x
from .certified_sup import PRECISION, Enclosure, arb_function, check_cover, enclose_sup
from .hypotheses import check_hypotheses

__all__ = ["DEFAULT_SECONDS", "GammaResult", "derive_gamma", "prefetch_gammas"]

#: Wall-clock limit of one search when neither `seconds` nor a command deadline is given.
DEFAULT_SECONDS = 30.0
_DIGITS = 50
_WINDOW = 64  # the certified window is |x| ≤ 64, extended by 40 doublings on each side
_DOUBLINGS = 40


@dataclass
class Candidate:
    """A place where sup |σ′| may be reached or approached, with an interval for its value."""

    where: str
    value: sp.Expr | None  # exact |σ′| value when known
    lower: Fraction
    upper: Fraction
    attained: bool | None
    point: sp.Expr | None = None


@dataclass
class GammaResult:
    """The derivation of γ for one activation.

    ``gamma`` is the decimal value as a float (None when σ′ is unbounded or γ
    exceeds the float range), ``decimal`` the same value as a string, ``exact``
    its closed form when one was derived, ``enclosure`` a certified interval
    (lower, upper) when γ was enclosed with arb, ``attained`` whether some x
    reaches it (None when not decided), ``argmax`` where.
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
    enclosure: tuple[str, str] | None = None
    #: the record of each certified enclosure (see :mod:`symgrad.certificates`)
    covers: list[dict[str, Any]] = field(default_factory=list, repr=False, compare=False)
    #: "search" when derived now, or the certificate file whose check gave this result
    source: str = field(default="search", compare=False)
    #: the certificate as relations (γ ∓ σ′(x) = E ≥ 0) for the printers
    certificate_forms: list[Any] = field(default_factory=list, repr=False, compare=False)

    def to_json_dict(self) -> dict[str, Any]:
        """Fields for strict JSON (``json.dumps(..., allow_nan=False)`` never fails on them).

        Examples
        --------
        >>> import json
        >>> json.dumps(derive_gamma("exp(x)").to_json_dict(), allow_nan=False)[:40]
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
            "argmax": self.argmax,
            "evidence": self.evidence,
            "method": self.method,
            "certificate": self.certificate,
            "reason": self.reason,
            "seconds": round(self.seconds, 4),
        }

    to_dict = to_json_dict

    def __str__(self) -> str:
        if not self.bounded:
            return f"γ = ∞ (σ′ is unbounded: {self.reason}); the bound λ₁γ does not apply"
        exact = f" = {text_of(self.exact)}" if self.exact is not None else ""
        where = ", ".join(self.argmax)
        reached = {True: "attained", False: "not attained (a supremum)"}.get(
            self.attained, "attainment not decided"
        )
        kind = "certified in" if self.evidence == "checked" else "within"
        box = f", {kind} [{self.enclosure[0]}, {self.enclosure[1]}]" if self.enclosure else ""
        return f"γ{exact} ≈ {self.decimal}{box}, {reached}, at {where} [{self.evidence}]"


def derive_gamma(
    activation: Activation | sp.Expr | str, *, seconds: float | None = None
) -> GammaResult:
    """Derive γ = sup |σ′| for an activation, a SymPy expression in x, or a written string.

    When a certificate for σ ships with the catalogue, it is checked (no clock, no search)
    and its result returned; a rejected certificate raises
    :class:`~symgrad.errors.CertificateError`. Otherwise γ is searched for, within
    `seconds` (default: what is left of the running command's ``--timeout``, else
    :data:`DEFAULT_SECONDS`).

    Raises :class:`~symgrad.errors.HypothesisError` when σ is not real-valued,
    defined and continuous on ℝ, :class:`~symgrad.errors.UndecidedError` when
    the answer could not be decided, and
    :class:`~symgrad.errors.SymgradTimeoutError` after `seconds` (both undecided
    answers, never wrong ones).

    Examples
    --------
    >>> r = derive_gamma("1/(1 + exp(-x))")
    >>> r.exact, r.attained, r.argmax, r.evidence
    (1/4, True, ['x = 0'], 'proved')
    >>> derive_gamma("exp(x)").bounded
    False
    >>> derive_gamma("softplus").attained
    False
    >>> derive_gamma("log(x)")
    Traceback (most recent call last):
    ...
    symgrad.errors.HypothesisError: σ = log(x) is not defined on all of ℝ: ...
    """
    if seconds is not None:
        if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
            raise InvalidArgumentError(f"seconds={seconds!r} must be a number of seconds")
        if not (math.isfinite(seconds) and 0 < seconds <= 86400):
            raise InvalidArgumentError(f"seconds={seconds!r} must be positive and at most 86400")
    act = as_activation(activation)
    if act in _CACHE:
        return _CACHE[act]
    pending = _PENDING.pop(act, None)
    if pending is None:
        shipped = _shipped(act)
        if shipped is not None:  # a check runs to its end: no clock decides it
            from .certificates import check_certificate

            result = check_certificate(shipped, act.expr)
            _CACHE[act] = result
            return result
        pending = _start(act, remaining_seconds(DEFAULT_SECONDS) if seconds is None else seconds)
    result = pending.result()
    if len(_CACHE) > 256:
        _CACHE.clear()
    _CACHE[act] = result
    return result


def prefetch_gammas(activations: Iterable[Activation | sp.Expr | str]) -> None:
    """Start deriving γ for each activation in the background (one process each).

    A later :func:`derive_gamma` of the same activation collects the answer instead of
    starting again; the catalogue runner calls this for the slow derivations so they
    overlap with other work. Errors surface at that later call. A shipped certificate is
    checked in the background instead of a search, with no limit but the command's own.

    Examples
    --------
    >>> prefetch_gammas(["sigmoid"])
    >>> derive_gamma("sigmoid").exact
    1/4
    """
    for activation in activations:
        act = as_activation(activation)
        if act not in _CACHE and act not in _PENDING:
            shipped = _shipped(act)
            if shipped is None:
                _PENDING[act] = _start(act, remaining_seconds(DEFAULT_SECONDS))
            else:
                _PENDING[act] = _start_check(act, shipped)


def _start(act: Activation, seconds: float) -> Pending:
    what = f"γ of σ = {sp.sstr(act.expr)}"
    return start_limited(lambda deadline: _derive(act, deadline, seconds), float(seconds), what)


def _start_check(act: Activation, path: Any) -> Pending:
    from .certificates import check_certificate

    what = f"the certificate of γ for σ = {sp.sstr(act.expr)}"
    return start_limited(
        lambda _deadline: check_certificate(path, act.expr), remaining_seconds(math.inf), what
    )


def _shipped(act: Activation) -> Any:
    from .certificates import shipped_certificate

    return shipped_certificate(act.expr)


_CACHE: dict[Activation, GammaResult] = {}
_PENDING: dict[Activation, Pending] = {}


@atexit.register
def _cancel_pending() -> None:  # no derivation outlives the process that asked for it
    while _PENDING:
        _PENDING.popitem()[1].cancel()


def _derive(
    act: Activation, deadline: float, seconds: float, limiter: Limiter | None = None
) -> GammaResult:
    """The derivation itself (run under :func:`symgrad.limits.run_limited`).

    With `limiter` given (a certificate check: no clock, recorded covers to re-verify),
    each branch and bound is replaced by the check of its recorded cover.
    """
    start = time.perf_counter()
    limiter = limiter or Limiter(deadline, seconds)
    if limiter.covers is None:
        limiter.covers = []  # the search records every cover it finds
    cuts = check_hypotheses(act.expr, limiter.attempt)
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
            value = limiter.attempt(lambda point=point: sp.Abs(g.subs(x, point)), 3.0)
        box = _exact_box(value)
        if box is not None:
            candidates.append(Candidate(f"x = {_fmt(point)}", value, *box, True, point))
    for lo, hi in itertools.pairwise(edges):
        limiter.check(f"the piece {_interval_text(lo, hi)}")
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
        lim = limiter.attempt(lambda h=h, side=side: _limit(h, point, side), 8.0)
        if lim is None or not (lim.is_real and lim.is_finite):
            return None
        found.append(lim)
    same = limiter.attempt(lambda: sp.simplify(found[0] - found[1]).is_zero, 3.0)
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
            raise UndecidedError(f"σ′ = {sp.sstr(expr)} still contains a derivative symbol")
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
                f"could not evaluate σ′ = {sp.sstr(h)} on {_interval_text(lo, hi)}"
            )
        return [Candidate(_interval_text(lo, hi), sp.Abs(h), *box, True)], False
    out: list[Candidate] = []
    oscillates = False
    for end, side in ((lo, "+"), (hi, "-")):
        where = f"x → {_fmt(end)}" + ("" if end.is_infinite else ("⁺" if side == "+" else "⁻"))
        lim = limiter.attempt(lambda end=end, side=side: _limit(h, end, side), 8.0)
        if lim is not None and lim.has(sp.oo, -sp.oo, sp.zoo):
            return [Candidate(where, sp.oo, Fraction(0), math.inf, False, end)], False
        if lim is None or lim.has(sp.nan) or (lim.is_real is False and not lim.has(sp.AccumBounds)):
            raise UndecidedError(
                f"could not decide how σ′ = {sp.sstr(h)} behaves as {where}; γ was not derived"
            )
        if isinstance(lim, sp.AccumBounds):
            # SymPy's bounds enclose the limit points; they bound the tail from above only
            oscillates = True
            top = _exact_box(sp.Max(sp.Abs(lim.min), sp.Abs(lim.max)))
            if top is None:
                raise UndecidedError(f"could not evaluate the bounds of σ′ as {where}")
            out.append(Candidate(f"{where} (oscillating)", None, Fraction(0), top[1], None))
            continue
        box = _exact_box(sp.Abs(lim))
        if box is None:
            raise UndecidedError(f"could not evaluate the limit of σ′ as {where}")
        out.append(Candidate(where, sp.Abs(lim), *box, False, end))
    period = None
    if lo == -sp.oo and hi == sp.oo and h.has(*_PERIODIC):  # without them σ′ is not periodic
        period = limiter.attempt(lambda: sp.periodicity(h, x), 3.0)
        period = period if period is not None and period.is_positive else None
    if period is not None:
        out = []  # a periodic σ′ takes on ℝ exactly the values of one period
    domain = sp.Interval.Ropen(0, period) if period is not None else sp.Interval.open(lo, hi)
    if (period is not None or not oscillates) and not _huge_frequencies(h):
        dh = sp.diff(h, x)
        solved = limiter.attempt(lambda: sp.solveset(dh, x, domain), 4.0)
        if not isinstance(solved, sp.FiniteSet) and solved is not sp.S.EmptySet:
            top = limiter.attempt(lambda: sp.numer(sp.together(dh.rewrite(sp.exp))), 2.0)
            if top is not None and _solvable_exponentials(top):
                solved = limiter.attempt(lambda: sp.solveset(top, x, domain), 4.0)
        points = list(solved) if isinstance(solved, sp.FiniteSet) else None
        if solved is sp.S.EmptySet:
            points = []
        if points is not None and all(p.is_real for p in points):
            for p in points:
                value = limiter.attempt(lambda p=p: sp.Abs(h.subs(x, p)), 3.0)
                box = _exact_box(value)
                if box is None:
                    break
                out.append(Candidate(f"x = {_fmt(p)}", value, *box, True, p))
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
        raise UndecidedError(f"σ′ = {sp.sstr(h)} uses a function the enclosure does not cover")
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
                    f"could not enclose sup |σ′| for σ′ = {sp.sstr(h)} on {_interval_text(lo, hi)} "
                    f"within the {limiter.total:g} s limit; γ was not derived"
                )
            limiter.covers.append(_cover_record(piece, found, slots))
        lower, upper = _fraction(found.lower, -1), _fraction(found.upper, 1)
    ends_top = max((c.upper for c in ends), default=Fraction(0))
    attained = True if lower > ends_top else None
    where = f"x ≈ {_short(found.where)}" if found.where is not None else _interval_text(lo, hi)
    return Candidate(where, None, lower, upper, attained)


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


def check_derivation(act: Activation, covers: list[dict[str, Any]]) -> GammaResult:
    """Re-derive γ with no clock, each branch and bound replaced by a recorded cover's check.

    Raises :class:`~symgrad.errors.CertificateError` when a cover does not check or does
    not belong to the derivation. Used by :mod:`symgrad.certificates`.
    """
    limiter = Limiter.unlimited()
    limiter.covers = _Replay(covers)
    return _derive(act, math.inf, math.inf, limiter)


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

            def rewrite(form: sp.Expr = form, sign: int = sign) -> sp.Expr:
                written = sp.cancel(form.subs(x, sign * sp.log(t)))
                return written.subs(sp.log(t), sign * x)

            written = limiter.attempt(rewrite, 1.0)
            if written is None or sp.log(t) in written.atoms(sp.log):
                continue
            f = arb_function(written, {t: _exp_of(sign)})
            if f is not None:
                names.append(f"t = e^{'x' if sign > 0 else '-x'}, σ′ {kind}")
                out.append(f)
    return names, out


def _exp_of(sign: int) -> Any:
    return lambda box: (sign * box).exp()


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
        gaps.append(f"the boxes do not reach the ends of {_interval_text(lo, hi)}")
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


def _interval_text(lo: sp.Expr, hi: sp.Expr) -> str:
    if lo == -sp.oo and hi == sp.oo:
        return "every x"
    if lo == -sp.oo:
        return f"x < {_fmt(hi)}"
    if hi == sp.oo:
        return f"x > {_fmt(lo)}"
    return f"{_fmt(lo)} < x < {_fmt(hi)}"


def _fmt(point: sp.Expr) -> str:
    if point == sp.oo:
        return "∞"
    if point == -sp.oo:
        return "-∞"
    return sp.sstr(point)


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


def _conclude(
    act: Activation, g: sp.Expr, candidates: list[Candidate], enclosed: bool, limiter: Limiter
) -> GammaResult:
    if not candidates:
        raise UndecidedError(f"could not evaluate σ′ = {g} anywhere; γ was not derived")
    if any(c.upper == math.inf for c in candidates):
        where = [c.where for c in candidates if c.upper == math.inf]
        return GammaResult(
            act.expr, g, False, None, None, None, None, where, "proved", "limits (SymPy)",
            reason=f"|σ′| → ∞ as {where[0]}",
        )  # fmt: skip
    top_lower = max(c.lower for c in candidates)
    top_upper = max(c.upper for c in candidates)
    winners = [c for c in candidates if c.upper >= top_lower]
    exact = _exact_winner(winners, top_upper, limiter)
    if exact is not None:
        simpler = limiter.attempt(lambda: sp.simplify(exact), 2.0)
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
    forms = _certificate_forms(g, exact, limiter) if exact is not None else []
    certificate = [line for line, _ in forms]
    if enclosed and exact is None:
        evidence = "checked"
        method = (
            "certified enclosure with python-flint arb (interval branch and bound) on "
            f"|x| ≤ {_WINDOW}·2^{_DOUBLINGS} or one period; SymPy limits of σ′ beyond"
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
        certificate_forms=[form for _, form in forms],
        reason="" if gamma is not None else f"γ ≈ {decimal} exceeds the float range",
    )


def _exact_winner(winners: list[Candidate], top: Fraction, limiter: Limiter) -> sp.Expr | None:
    """The exact value of γ when every candidate that may be the supremum has that value."""
    exact = [c for c in winners if c.value is not None]
    if not exact or any(c.value is None and c.upper > max(e.upper for e in exact) for c in winners):
        return None
    best = max(exact, key=lambda c: c.upper)
    tied = [best.value]
    for c in exact:
        if c.value != best.value and c.upper > best.lower:
            same = limiter.attempt(lambda c=c: sp.simplify(c.value - best.value) == 0, 2.0)
            if not same and c.value not in tied:
                tied.append(c.value)
    # closed forms that agree to 40 digits but are not proved equal: no single exact value
    return best.value if len(tied) == 1 else None


def _summarise(places: list[str], keep: int = 4) -> list[str]:
    if len(places) <= keep:
        return places
    return [*places[:keep], f"… ({len(places) - keep} more places found)"]


def _certificate_forms(g: sp.Expr, gamma: sp.Expr, limiter: Limiter) -> list[tuple[str, Any]]:
    """γ − σ′ ≥ 0 and γ + σ′ ≥ 0, each as an expression SymPy knows to be non-negative: each
    certificate line as text (SymPy's notation, which checks read back) and as a
    relation of objects (for the printers)."""
    from ..kernel.claims import Chain, Prime

    lines = []
    x_prime = Prime("sigma", sp.Symbol("x"))
    for sign, label in ((-1, "γ − σ′(x)"), (1, "γ + σ′(x)")):
        shown = _nonnegative_form(gamma + sign * g, limiter)
        if shown is None:
            return []
        side = sp.Add(sp.Symbol("gamma"), sign * x_prime, evaluate=False)
        lines.append((f"{label} = {sp.sstr(shown)} ≥ 0", Chain(side, "=", shown, ">=", 0)))
    return lines


def _nonnegative_form(expr: sp.Expr, limiter: Limiter) -> sp.Expr | None:
    tries = [
        lambda e: sp.factor(sp.together(e)),
        lambda e: sp.factor(sp.together(e.rewrite(sp.exp))),
        lambda e: sp.factor(sp.together(sp.expand_trig(e.rewrite(sp.cosh)))),
    ]
    for transform in tries:
        form = limiter.attempt(lambda transform=transform: transform(expr), 1.0)
        if form is None or form.has(sp.Piecewise):
            continue
        if form.is_nonnegative:
            return form
    return None


# a catalogue run starts the γ its theorems rest on through this hook (the kernel does not
# import the mathematics)
register_background(prefetch_gammas)
