"""Soak: derive_gamma on expressions generated from the parser's grammar.

Every generated expression must end, within its time limit plus a grace of 3 s, in
either a clean refusal (a SymgradError) or an answer that

- has exact, decimal and enclosure forms that agree (60 digits), and
- is never exceeded by |σ′| on a dense high-precision sample: 10⁴ points on
  [-50, 50], points around every kink and singular point the hypotheses check
  returns, around every reported argmax, and far out (±10³, ±10⁶).

Run (deselected by default)::

    SYMGRAD_SOAK_SECONDS=600 SYMGRAD_SOAK_EXAMPLES=2000 \
        nice python -m pytest -q -s -m soak tests/test_soak_gamma.py

It draws up to SYMGRAD_SOAK_EXAMPLES expressions (default 40) and stops deriving after
SYMGRAD_SOAK_SECONDS (default 120); the tally of answers, refusals and give-ups is printed.
"""

from __future__ import annotations

import os
import time

import mpmath
import pytest
import sympy as sp
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from symgrad.activations import x
from symgrad.errors import SymgradError
from symgrad.gamma import derive_gamma
from symgrad.hypotheses import check_hypotheses
from symgrad.limits import Limiter, run_limited
from symgrad.parsing import parse_expression

pytestmark = pytest.mark.soak

LIMIT = 8.0
GRACE = 3.0
_STOP = time.monotonic() + float(os.environ.get("SYMGRAD_SOAK_SECONDS", "120"))
_EXAMPLES = int(os.environ.get("SYMGRAD_SOAK_EXAMPLES", "40"))
TALLY: dict[str, int] = {}


@pytest.fixture(scope="module", autouse=True)
def _report_tally():
    yield
    print(f"\nsoak tally: {dict(sorted(TALLY.items()))}")


def _count(kind: str) -> None:
    TALLY[kind] = TALLY.get(kind, 0) + 1


UNARY = ["exp", "log", "sqrt", "sin", "cos", "tan", "sinh", "cosh", "tanh", "asinh", "atan",
         "erf", "abs", "sign", "sigmoid", "softplus"]  # fmt: skip
leaves = st.sampled_from(
    ["x", "x", "x", "1", "2", "3", "0.5", "-1", "0", "pi", "E", "1/3", "x*sigmoid(x)", "tanh(x)"]
)


def _extend(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.builds(lambda f, a: f"{f}({a})", st.sampled_from(UNARY), inner),
        st.builds(lambda op, a, b: f"({a}){op}({b})", st.sampled_from("+-*/"), inner, inner),
        st.builds(
            lambda a, e: f"({a})**{e}", inner, st.sampled_from(["2", "3", "-1", "1/2", "1/3", "x"])
        ),
        st.builds(lambda f, a, b: f"{f}({a}, {b})", st.sampled_from(["max", "min"]), inner, inner),
        st.builds(lambda a: f"-({a})", inner),
    )


expressions = st.recursive(leaves, _extend, max_leaves=7)


def _sample_points(cuts: list[sp.Expr], argmax: list[str]) -> list[mpmath.mpf]:
    points = [mpmath.mpf(-50) + mpmath.mpf(100) * (k + mpmath.mpf("0.3819660")) / 10_000
              for k in range(10_000)]  # fmt: skip
    centres = [mpmath.mpf(str(sp.N(c, 30))) for c in cuts]
    for place in argmax:
        if "≈" in place:
            centres.append(mpmath.mpf(place.split("≈")[1].split()[0]))
    for c in centres:
        for k in range(1, 16):
            points += [c + mpmath.mpf(10) ** -k, c - mpmath.mpf(10) ** -k, c + k / 8, c - k / 8]
    return points + [mpmath.mpf(s) * 10**e for s in (1, -1) for e in (3, 6)]


def _check_never_exceeded(expr: sp.Expr, result) -> None:
    with mpmath.workdps(40):
        if result.exact is not None:
            high = mpmath.mpf(str(sp.N(result.exact, 40)))
            assert abs(high - mpmath.mpf(result.decimal)) <= 1e-14 * abs(high)
        else:
            high = mpmath.mpf(result.enclosure[1])
            assert mpmath.mpf(result.enclosure[0]) <= mpmath.mpf(result.decimal) * (1 + 1e-14)
        # away from the kinks DiracDelta is 0 and Heaviside(a) is (sign(a) + 1)/2
        slope = sp.diff(expr, x).replace(sp.DiracDelta, lambda *a: sp.S.Zero)
        slope = slope.replace(sp.Heaviside, lambda a, *rest: (sp.sign(a) + 1) / 2)
        derivative = sp.lambdify(x, slope, "mpmath")
        try:
            cuts = run_limited(lambda d: check_hypotheses(expr, Limiter(d).attempt), 20.0, "cuts")
        except SymgradError:
            cuts = []
        for p in _sample_points(cuts, result.argmax):
            try:
                value = derivative(p)
            except (ZeroDivisionError, ValueError, OverflowError, TypeError):
                continue
            if isinstance(value, mpmath.mpc) or not mpmath.isfinite(value):
                continue
            assert abs(value) <= high * (1 + mpmath.mpf(10) ** -12) + mpmath.mpf(10) ** -30, (
                f"|σ′({mpmath.nstr(p, 12)})| = {mpmath.nstr(abs(value), 15)} exceeds γ = {result}"
            )


@settings(max_examples=_EXAMPLES, deadline=None, derandomize=False, database=None,
          suppress_health_check=list(HealthCheck))  # fmt: skip
@given(expressions)
def test_gamma_answers_cleanly_refuses_or_gives_up_in_time_never_lies(text):
    if time.monotonic() > _STOP:
        return
    try:
        expr = parse_expression(text).subs(sp.Symbol("x", real=True), x)
    except SymgradError:
        _count("parse error")
        return
    start = time.monotonic()
    try:
        result = derive_gamma(expr, seconds=LIMIT)
    except SymgradError as exc:
        assert "Traceback" not in str(exc)
        _count(type(exc).__name__)
        return
    finally:
        assert time.monotonic() - start <= LIMIT + GRACE, f"{text!r} ran past its limit"
    if result.bounded:
        _check_never_exceeded(expr, result)
        _count(f"bounded, {result.evidence}")
    else:
        _count("unbounded")


def test_the_soak_check_catches_a_wrong_answer():
    """Negative control: the same check on a falsified γ (exact and enclosed) fails."""
    import dataclasses

    for text, exact, enclosure in (("tanh(x)", sp.Rational(9, 10), None), (
            "x*sigmoid(x)", None, ("1.0", "1.09"))):  # fmt: skip
        expr = parse_expression(text).subs(sp.Symbol("x", real=True), x)
        right = derive_gamma(expr)
        _check_never_exceeded(expr, right)
        wrong = dataclasses.replace(right, exact=exact, enclosure=enclosure, decimal="1.05")
        if exact is not None:
            wrong = dataclasses.replace(wrong, decimal="0.9")
        with pytest.raises(AssertionError):
            _check_never_exceeded(expr, wrong)
