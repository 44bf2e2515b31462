"""γ is derived, not looked up: these activations appear nowhere else in symgrad."""

import json
import math
import signal
import time

import flint
import mpmath
import numpy as np
import pytest
import sympy as sp

from symgrad.errors import (
    HypothesisError,
    InvalidArgumentError,
    ParseError,
    SymgradError,
    SymgradTimeoutError,
    UndecidedError,
)
from symgrad.maths.activations import ACTIVATIONS, x
from symgrad.maths.certified_sup import PRECISION
from symgrad.maths.gamma import derive_gamma
from symgrad.maths.gamma_cover import _check_cover, _intervals
from symgrad.maths.parsing import parse_expression
from symgrad.runtime.limits import MEMORY_LIMIT, run_limited


@pytest.mark.parametrize(
    ("expr", "exact", "attained"),
    [
        ("3*tanh(x/2)", sp.Rational(3, 2), True),
        ("x/(1 + x**2)", sp.Integer(1), True),  # σ′ = (1 − x²)/(1 + x²)², max 1 at 0
        ("exp(-x**2/2)", sp.exp(sp.Rational(-1, 2)), True),  # |σ′| = |x| e^{-x²/2}, max at ±1
        ("2*atan(x) + x/4", sp.Rational(9, 4), True),
        ("sqrt(1 + x**2)", sp.Integer(1), False),  # σ′ → ±1 at ±∞, never reached
        ("log(cosh(x))", sp.Integer(1), False),
        ("max(2*x, x/2)", sp.Integer(2), True),
        ("erf(x)", 2 / sp.sqrt(sp.pi), True),
    ],
)
def test_closed_form_gamma_of_unplanned_activations(expr, exact, attained):
    result = derive_gamma(expr)
    assert result.bounded
    assert result.exact is not None and sp.simplify(result.exact - exact) == 0
    assert result.gamma == pytest.approx(float(exact), rel=1e-14)
    assert result.attained is attained


def _reference_sup(f, lo=-30.0, hi=30.0, n=600_001):
    xs = np.linspace(lo, hi, n)
    return float(np.max(np.abs(f(xs))))


@pytest.mark.parametrize(
    ("expr", "derivative"),
    [
        ("x*sigmoid(x)", lambda t: 1 / (1 + math.e**-t) + t * math.e**-t / (1 + math.e**-t) ** 2),
        ("tanh(x) + sin(3*x)/10", lambda t: 1 - np.tanh(t) ** 2 + 0.3 * np.cos(3 * t)),
    ],
)
def test_gamma_without_closed_form_matches_a_dense_reference(expr, derivative):
    result = derive_gamma(expr)
    reference = _reference_sup(lambda t: derivative(np.asarray(t)))
    # the grid reference is within (spacing²)·max|σ‴| of the sup; 1e-8 is ample
    assert result.gamma == pytest.approx(reference, abs=1e-8)
    assert result.gamma >= reference - 1e-12
    assert len(result.decimal.replace(".", "").lstrip("0")) >= 12


@pytest.mark.parametrize(
    "expr",
    ["exp(x)", "x**3", "x**2", "abs(x)**(1/3)", "x*sin(x)", "sin(exp(x))", "exp(x)*sin(exp(x))"],
)
def test_unbounded_derivative_is_an_answer_not_a_crash(expr):
    result = derive_gamma(expr)
    assert not result.bounded
    assert result.gamma is None
    assert "unbounded" in str(result)


@pytest.mark.parametrize(
    ("name", "certificate_part"),
    [("sigmoid", "(exp(x) - 1)**2"), ("tanh", "tanh(x)**2"), ("arctan", "x**2/(x**2 + 1)")],
)
def test_certificates_are_reported_for_the_classic_activations(name, certificate_part):
    result = derive_gamma(ACTIVATIONS[name])
    assert result.evidence == "proved"
    # each line is γ ∓ σ′(x) = E ≥ 0 as objects: E is its third argument
    assert any(certificate_part in sp.sstr(line.args[2]) for line in result.certificate)


def test_certificate_lines_are_really_nonnegative_expressions():
    result = derive_gamma("tanh")
    assert len(result.certificate) == 2
    for line in result.certificate:  # an object: nothing to parse back
        assert line.relations == ("=", ">=") and line.args[-1] == 0
        assert line.args[2].is_nonnegative


def test_kinks_contribute_their_values():
    result = derive_gamma("max(x, 0) + min(3*x, 0)")
    assert result.exact == 3
    assert result.argmax == [sp.Lt(x, 0)]


def test_bad_expressions_are_parse_errors():
    with pytest.raises(ParseError):
        derive_gamma("open('/etc/passwd')")


# --- hypotheses: σ real-valued, defined and continuous on ℝ, finitely many kinks ---------


@pytest.mark.parametrize(
    ("expr", "says"),
    [
        ("x + 0*log(0)", "undefined"),
        ("0**-1 + x", "undefined"),
        ("sqrt(-1-x**2)", "not real"),
        ("(-1)**x", "positive base"),
        ("log(x)", "x = 0"),
        ("sqrt(x)", "not real"),
        ("sign(x)", "not continuous at x = 0"),
        ("sin(1/x)", "x = 0"),
        ("cos(1/x)", "x = 0"),
        ("x**2*sin(1/x**3)", "x = 0"),
        ("atan(1/x)", "x = 0"),
        ("tan(x)", "pole"),
        ("1/x", "division by zero"),
        ("sign(1/x)", "x = 0"),
        ("abs(min(1,x)**(1/3))", "not real"),
        ("max(0.25, sqrt(tan(x)))", "infinitely many"),
        ("x^x^x^x^x", "positive base"),
        ("abs(sin(x))", "infinitely many"),
    ],
)
def test_expressions_breaking_a_hypothesis_are_refused_with_the_place(expr, says):
    with pytest.raises(SymgradError) as info:
        derive_gamma(expr)
    assert says in str(info.value)


@pytest.mark.parametrize(
    ("expr", "says"),
    [
        (sp.floor(x), "floor is not supported"),
        (sp.Piecewise((0, x < 0), (1, True)), "not continuous at x = 0"),
        (x + sp.Integer(0) * sp.zoo, "undefined"),
        (x + sp.I, "real-valued"),
    ],
)
def test_sympy_expressions_breaking_a_hypothesis_are_refused(expr, says):
    with pytest.raises(HypothesisError, match=says):
        derive_gamma(expr)


def test_a_continuous_piecewise_is_accepted():
    result = derive_gamma(sp.Piecewise((x / 2, x < 0), (2 * x, True)))
    assert result.exact == 2


# --- enclosures where no closed form exists -------------------------------------------------

SILU, MISH = "x*sigmoid(x)", "x*tanh(softplus(x))"
GELU_TANH = "x/2*(1 + tanh(sqrt(2/pi)*(x + 0.044715*x**3)))"


def _dense_max(expr, center, half_width=0.5, points=2001):
    """max |σ′| on a grid around `center` at 40 digits (a lower bound of the supremum)."""
    f = sp.lambdify(
        x, sp.diff(parse_expression(expr).subs(sp.Symbol("x", real=True), x), x), "mpmath"
    )
    with mpmath.workdps(40):
        grid = [mpmath.mpf(center) + half_width * (2 * k / (points - 1) - 1) for k in range(points)]
        return max(abs(f(p)) for p in grid)


@pytest.mark.parametrize(
    ("expr", "known"),
    [(SILU, 1.0998), (MISH, 1.0885), pytest.param(GELU_TANH, 1.1290, marks=pytest.mark.slow)],
)
def test_no_closed_form_gives_a_certified_enclosure(expr, known):
    result = derive_gamma(expr)
    assert result.evidence == "checked" and "arb" in result.method
    assert result.exact is None and result.enclosure is not None
    with mpmath.workdps(40):
        low, high = (mpmath.mpf(v) for v in result.enclosure)
    assert high - low < mpmath.mpf(10) ** -15 * high
    center = float(result.argmax[0].args[2])  # the chain x ≈ c
    sample = _dense_max(expr, center)
    # a sample never exceeds the supremum; the enclosure is within 1e-9 of a 2001-point grid
    assert sample <= high
    assert low - sample < 1e-9
    assert result.gamma == pytest.approx(known, abs=1e-4)
    assert result.attained is True


# --- exact and decimal forms agree ----------------------------------------------------------

AGREEMENT = [
    "tanh", "sigmoid", "softplus", "relu", "softsign", "arctan", "3*tanh(x/2)", "erf(x)",
    "x*erf(x)", "sigmoid(x)**100*sigmoid(-x)**100", "exp(exp(exp(2)))*x", SILU,
    "tanh(x) + sin(3*x)/10", "sin(x)*sin(2*x)*sin(3*x)", "max(2*x, x/2)",
]  # fmt: skip


@pytest.mark.parametrize("expr", AGREEMENT)
def test_exact_decimal_and_enclosure_of_every_result_agree(expr):
    result = derive_gamma(expr)
    with mpmath.workdps(60):
        decimal = mpmath.mpf(result.decimal)
        if result.exact is not None:
            value = mpmath.mpf(str(sp.N(result.exact, 60)))
            # the decimal is the exact value rounded to 15 significant digits
            assert abs(value - decimal) <= mpmath.mpf(10) ** -14 * abs(value)
        if result.enclosure is not None:
            low, high = (mpmath.mpf(v) for v in result.enclosure)
            assert low <= high
            assert (
                low * (1 - mpmath.mpf(10) ** -14) <= decimal <= high * (1 + mpmath.mpf(10) ** -14)
            )
    if result.gamma is not None:
        assert result.gamma == float(result.decimal)


def test_a_tiny_gamma_is_not_rounded_to_zero():
    result = derive_gamma("sigmoid(x)**100*sigmoid(-x)**100")
    assert result.gamma == pytest.approx(2.6656103306006e-60, rel=1e-12)
    assert mpmath.mpf(result.decimal) > 0


def test_oscillation_bounds_from_sympy_are_not_taken_for_the_supremum():
    # SymPy bounds σ′ at ±∞ by 6 (each factor separately); the true sup is smaller
    result = derive_gamma("sin(x)*sin(2*x)*sin(3*x)")
    t = np.linspace(0, 2 * np.pi, 400_001)
    f = np.sin(t) * np.sin(2 * t) * np.sin(3 * t)
    sample = float(np.max(np.abs(np.gradient(f, t))))
    assert result.gamma < 6
    assert result.gamma == pytest.approx(sample, rel=1e-6)


# --- strict JSON ----------------------------------------------------------------------------


@pytest.mark.parametrize("expr", ["exp(exp(exp(2)))*x", "exp(x)", SILU, "tanh"])
def test_json_is_strict_and_unbounded_is_null_with_a_reason(expr):
    payload = derive_gamma(expr).to_dict()
    text = json.dumps(payload, allow_nan=False)
    back = json.loads(text)
    if not back["bounded"]:
        assert back["gamma"] is None and "∞" in back["reason"]
    else:
        assert back["gamma_decimal"]


def test_a_gamma_beyond_the_float_range_is_exact_not_infinity():
    result = derive_gamma("exp(exp(exp(2)))*x")
    assert result.bounded and result.gamma is None
    assert result.decimal.endswith("e+702")
    assert "float range" in result.reason


# --- time and memory limits, and the caller's alarm ------------------------------------------

SLOW = "sin(x)*sin(2*x)*sin(3*x)*sin(4*x)*sin(5*x)*sin(6*x)*sin(7*x)"


def test_a_slow_derivation_ends_within_its_limit_with_a_clear_message():
    start = time.monotonic()
    with pytest.raises((SymgradTimeoutError, UndecidedError), match="2 s"):
        derive_gamma(SLOW, seconds=2)
    assert time.monotonic() - start < 2 + 30  # wide: a busy machine is slow, not wrong


def test_the_callers_alarm_and_handler_survive_a_derivation():
    fired = []
    previous = signal.signal(signal.SIGALRM, lambda *_: fired.append(True))
    try:
        signal.setitimer(signal.ITIMER_REAL, 30)
        derive_gamma("tanh(x)/3 + x/5")  # not cached: a fresh derivation
        remaining, _ = signal.getitimer(signal.ITIMER_REAL)
        assert 0 < remaining < 30
        assert signal.getsignal(signal.SIGALRM) is not previous
        signal.setitimer(signal.ITIMER_REAL, 0.2)
        with pytest.raises((SymgradTimeoutError, UndecidedError)):
            derive_gamma(SLOW + " + x/1000", seconds=1)
        assert fired  # the caller's alarm rang during the derivation, in the caller's handler
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def test_running_out_of_memory_is_a_clear_error():
    with pytest.raises(UndecidedError, match="memory"):
        run_limited(lambda deadline: bytearray(MEMORY_LIMIT + 2**30), 10.0, "a greedy job")


def test_seconds_must_be_a_positive_finite_number():
    for bad in (0, -1, float("inf"), float("nan"), "3", True):
        with pytest.raises(InvalidArgumentError):
            derive_gamma("tanh", seconds=bad)


@pytest.mark.parametrize(
    "expr",
    [
        "x^x^x^x^x",
        "sin(exp(x))",
        "exp(exp(exp(x)))",
        "exp(x)*sin(exp(x))",
        "+".join(f"abs(x-{k})" for k in range(1, 9)),
        "exp(1e6)*x",
        "cosh(cosh(cosh(x)))",
    ],
)
def test_inputs_that_used_to_run_for_minutes_end_within_the_limit(expr):
    start = time.monotonic()
    try:
        result = derive_gamma(expr, seconds=10)
    except SymgradError as exc:
        assert "Traceback" not in str(exc)
    else:
        assert result.bounded is False or result.decimal is not None
    assert time.monotonic() - start < 10 + 30  # wide: a busy machine is slow, not wrong


def test_a_huge_exact_gamma_keeps_its_closed_form():
    result = derive_gamma("exp(1e6)*x", seconds=20)
    assert result.exact == sp.exp(10**6)
    assert result.decimal.endswith("e+434294")


def test_a_prefetched_derivation_is_collected_not_repeated():
    from symgrad.maths import gamma as gamma_module

    act = gamma_module.as_activation("x/(1 + exp(-x))")  # SiLU as a user expression
    gamma_module._CACHE.pop(act, None)
    gamma_module.prefetch_gammas([act])
    pending = gamma_module._PENDING[act]
    result = gamma_module.derive_gamma(act)
    assert act not in gamma_module._PENDING  # the background answer was used
    assert pending.result() is not None and result.enclosure is not None
    assert abs(result.gamma - 1.0998393) < 1e-6


def test_cancelled_background_derivation_leaves_no_process():
    import os

    from symgrad.runtime.limits import start_limited

    job = start_limited(lambda deadline: __import__("time").sleep(30), 60.0, "a sleeper")
    job.cancel()
    with pytest.raises(OSError):
        os.kill(job._pid, 0)  # reaped: the pid no longer names our child
    with pytest.raises(UndecidedError):
        job.result()


def test_the_certified_search_refuses_a_cover_with_a_gap_or_short_of_the_ends():
    with flint.ctx.workprec(PRECISION):
        _check_cover_cases()
    with pytest.raises(UndecidedError):  # at 53 bits the smallest boxes are empty
        _check_cover(
            _intervals(sp.Integer(-3), sp.Integer(3), None), sp.Integer(-3), sp.Integer(3), None
        )


def _check_cover_cases():
    for lo, hi in (
        (sp.Integer(-3), sp.Integer(3)),
        (sp.Integer(0), sp.oo),
        (-sp.oo, sp.Integer(0)),
        (sp.Integer(0), sp.Integer(5000)),  # a wide piece: the slack follows its width
    ):
        boxes = _intervals(lo, hi, None)
        _check_cover(boxes, lo, hi, None)  # the real cover passes
        a, b = boxes[0]
        top = max(u.mid() for _, u in boxes)
        for broken in (
            boxes[1:],  # a box missing: a gap or a short end
            [(b, a), *boxes[1:]],  # a reversed (empty) box
            [(u, v) for u, v in boxes if not v.mid() > top - flint.arb("0.01")],  # short end
        ):
            with pytest.raises(UndecidedError, match="enclosure was not attempted"):
                _check_cover(broken, lo, hi, None)
    _check_cover(_intervals(-sp.oo, sp.oo, None), -sp.oo, sp.oo, None)
    _check_cover(_intervals(-sp.oo, sp.oo, 2 * sp.pi), -sp.oo, sp.oo, 2 * sp.pi)


@pytest.mark.parametrize(
    "expr",
    [
        "sign(x)*tanh(abs(x))",  # tanh itself
        "sign(x)*log(1+abs(x))",
        "sign(x)*atan(abs(x))",
        "abs(x)*sign(x)*exp(-x**2)",  # x e^{−x²}
        "sign(x)*(1-exp(-abs(x)))",
    ],
)
def test_where_the_one_sided_derivatives_agree_sigma_prime_is_their_value_and_attained(expr):
    # σ is continuous at 0 and σ′ → 1 from both sides, so σ′(0) = 1: γ = 1 is attained there
    # (SymPy's σ′ reads sign(0)² = 0 at the kink, which once made γ "not attained")
    result = derive_gamma(expr)
    assert result.exact == 1 and result.attained is True
    assert result.argmax == [sp.Eq(x, 0)]


def test_a_true_corner_keeps_only_the_one_sided_limits():
    result = derive_gamma("x + abs(x)")  # σ′ = 0 left of 0, 2 right of it: no σ′(0)
    assert result.exact == 2 and result.attained is True and sp.Eq(x, 0) not in result.argmax


@pytest.mark.parametrize("expr", ["max(x, exp(min(x,0))-1)", "min(abs(x), tanh(x)+1)"])
def test_kinks_sympy_cannot_locate_are_refused_as_undecided_not_as_infinitely_many(expr):
    # x − e^{min(x,0)} + 1 vanishes only at 0, |x| − tanh x − 1 at two points: SymPy leaves
    # unsolved parts (ConditionSets), which prove nothing about their number
    with pytest.raises(HypothesisError) as info:
        derive_gamma(expr)
    assert "could not decide where" in str(info.value)
    assert "infinitely many" not in str(info.value)


def test_a_narrow_bump_far_out_is_enclosed_not_expanded_into_a_huge_polynomial():
    # |d/dx 2e^{−u²}| = 4|u|e^{−u²} peaks at 4/√(2e), u = ±1/√2; tanh′ ≈ 0 there
    # (tanh′ adds less than 4e^{−2·10¹⁰} there, far below the enclosure's width)
    result = derive_gamma("tanh(x) + 2*exp(-(x-10000000000)**2)")
    with mpmath.workdps(40):
        low, high = (mpmath.mpf(v) for v in result.enclosure)
        expected = 4 / mpmath.sqrt(2 * mpmath.e)
        assert low - mpmath.mpf(10) ** -30 <= expected <= high
    assert result.attained is True
    # the named place is a maximum, 10¹⁰ ± 1/√2, to its printed digits (not 9999999999)
    (place,) = result.argmax
    named = mpmath.mpf(place.args[2].value._mpf_)  # the chain x ≈ c, c as its digits
    assert min(abs(named - 10**10 - s / mpmath.sqrt(2)) for s in (1, -1)) < 1e-5


def test_the_exact_maximisers_travel_as_expressions_beside_their_printed_places():
    """Code that computes with the maximisers (the exercises) reads them as expressions and
    never parses the printed places back (``x = √(2)`` is not SymPy's syntax)."""
    import sympy as sp

    from symgrad.maths.activations import as_activation, x

    result = derive_gamma("gelu")
    assert result.argmax == [sp.Eq(x, sp.sqrt(2))] and result.points == [sp.sqrt(2)]
    g = as_activation("gelu").derivative
    assert all(sp.simplify(sp.Abs(g.subs(x, p)) - result.exact) == 0 for p in result.points)
    assert derive_gamma("relu").points == []  # attained on x > 0: no single place
    assert derive_gamma("gelu_tanh").points == []  # an enclosure: no closed form
