import numpy as np
import pytest
import sympy as sp

from symgrad.activations import ACTIVATIONS, Activation, get_activation, x
from symgrad.errors import InvalidArgumentError, UnknownNameError

POINTS = [-2.7, -1.3, -0.4, 0.3, 0.9, 1.6, 3.1]  # away from every built-in kink


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_derivative_matches_central_differences_away_from_kinks(name):
    act = get_activation(name)
    f, fp = act.numpy_functions()
    pts = np.array(POINTS)
    h = 1e-6
    numeric = (f(pts + h) - f(pts - h)) / (2 * h)
    np.testing.assert_allclose(fp(pts), numeric, rtol=1e-7, atol=1e-8)


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_numpy_functions_agree_with_sympy_at_high_precision(name):
    act = get_activation(name)
    f, fp = act.numpy_functions()
    for p in POINTS:
        value = float(act.expr.subs(x, sp.Float(p, 30)).evalf(30))
        slope = float(act.derivative.subs(x, sp.Float(p, 30)).evalf(30))
        assert f(np.array([p]))[0] == pytest.approx(value, rel=1e-12, abs=1e-14)
        assert fp(np.array([p]))[0] == pytest.approx(slope, rel=1e-12, abs=1e-14)


@pytest.mark.parametrize("name", ["sigmoid", "softplus"])
def test_numeric_form_is_the_same_function(name):
    act = get_activation(name)
    for branch in (sp.Symbol("p", positive=True), -sp.Symbol("p", positive=True)):
        difference = (act.expr - act.numeric_expr).subs(x, branch).rewrite(sp.exp)
        assert sp.simplify(sp.expand_log(sp.simplify(difference), force=True)) == 0


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("relu", [(0, 0, 1, 0)]),
        ("leaky_relu", [(0, sp.Rational(1, 100), 1, sp.Rational(1, 100))]),
        ("hard_tanh", [(-1, 0, 1, 0), (1, 1, 0, 0)]),
        ("tanh", []),
        ("softsign", []),
    ],
)
def test_kinks_report_both_one_sided_derivatives_and_the_value_used(name, expected):
    found = [(k.at, k.left, k.right, k.value) for k in get_activation(name).kinks]
    assert found == expected


def test_a_user_activation_gets_its_derivative_from_sympy():
    act = Activation("swish", x / (1 + sp.exp(-x)))
    assert sp.simplify(act.derivative - sp.diff(x / (1 + sp.exp(-x)), x)) == 0
    assert act.kinks == ()


def test_abs_based_activation_has_a_kink_where_the_slopes_differ():
    act = Activation("vee", sp.Abs(x))
    (kink,) = act.kinks
    assert (kink.at, kink.left, kink.right) == (0, -1, 1)


@pytest.mark.parametrize("bad", [sp.Symbol("y") * x, "tanh(x)", 3])
def test_activation_rejects_other_symbols_and_non_expressions(bad):
    with pytest.raises(InvalidArgumentError):
        Activation("bad", bad)


def test_unknown_activation_suggests_close_names():
    with pytest.raises(UnknownNameError, match="did you mean 'sigmoid'"):
        get_activation("sigmod")
