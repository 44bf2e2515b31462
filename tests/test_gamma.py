"""γ is derived, not looked up: these activations appear nowhere else in symgrad."""

import math

import numpy as np
import pytest
import sympy as sp

from symgrad.activations import ACTIVATIONS, x
from symgrad.errors import ParseError
from symgrad.gamma import derive_gamma
from symgrad.parsing import parse_expression


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


@pytest.mark.parametrize("expr", ["exp(x)", "x**3", "tan(x)", "1/x", "x**2"])
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
    assert any(certificate_part in line for line in result.certificate)


def test_certificate_lines_are_really_nonnegative_expressions():
    result = derive_gamma("tanh")
    for line in result.certificate:
        expr = parse_expression(line.split("=", 1)[1].replace("≥ 0", "").strip())
        assert expr.subs(sp.Symbol("x", real=True), x).is_nonnegative


def test_kinks_contribute_their_values():
    result = derive_gamma("max(x, 0) + min(3*x, 0)")
    assert result.exact == 3
    assert result.argmax == ["x < 0"]


def test_bad_expressions_are_parse_errors():
    with pytest.raises(ParseError):
        derive_gamma("open('/etc/passwd')")
