import numpy as np
import pytest
import sympy as sp

from symgrad.errors import InvalidArgumentError, UnknownNameError
from symgrad.maths.activations import ACTIVATIONS, Activation, as_activation, x

POINTS = [-2.7, -1.3, -0.4, 0.3, 0.9, 1.6, 3.1]  # away from every built-in kink


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_derivative_matches_central_differences_away_from_kinks(name):
    act = as_activation(name)
    f, fp = act.numpy_functions()
    pts = np.array(POINTS)
    h = 1e-6
    numeric = (f(pts + h) - f(pts - h)) / (2 * h)
    np.testing.assert_allclose(fp(pts), numeric, rtol=1e-7, atol=1e-8)


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_numpy_functions_agree_with_sympy_at_high_precision(name):
    act = as_activation(name)
    f, fp = act.numpy_functions()
    for p in POINTS:
        value = float(act.expr.subs(x, sp.Float(p, 30)).evalf(30))
        slope = float(act.derivative.subs(x, sp.Float(p, 30)).evalf(30))
        assert f(np.array([p]))[0] == pytest.approx(value, rel=1e-12, abs=1e-14)
        assert fp(np.array([p]))[0] == pytest.approx(slope, rel=1e-12, abs=1e-14)


@pytest.mark.parametrize("name", ["sigmoid", "softplus", "elu", "silu", "mish"])
def test_numeric_form_is_the_same_function(name):
    act = as_activation(name)
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
    found = [(k.at, k.left, k.right, k.value) for k in as_activation(name).kinks]
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
        as_activation("sigmod")


@pytest.mark.parametrize(
    ("written", "name"),
    [
        ("relu", "relu"),
        ("relu(x)", "relu"),
        ("ReLU", "relu"),
        ("gelu", "gelu"),
        ("GELU", "gelu"),
        ("ELU", "elu"),
        (" Gelu_Tanh (x)", "gelu_tanh"),
        ("Leaky-ReLU", "leaky_relu"),
        ("hardsigmoid", "hard_sigmoid"),
        ("swish", "silu"),
    ],
)
def test_written_names_resolve_ignoring_case_separators_and_a_trailing_x(written, name):
    assert written in ACTIVATIONS
    assert as_activation(written).name == name
    assert ACTIVATIONS[written] is ACTIVATIONS[name]


def test_iteration_yields_only_canonical_names():
    names = list(ACTIVATIONS)
    assert len(names) == len(set(names)) == len(ACTIVATIONS)
    assert "swish" not in names and "silu" in names


@pytest.mark.parametrize(
    ("bad", "close"), [("gelo", "gelu"), ("mesh", "mish"), ("sigmod", "sigmoid")]
)
def test_an_unknown_name_suggests_real_activation_names(bad, close):
    with pytest.raises(UnknownNameError, match=f"did you mean '{close}'"):
        as_activation(bad)


def _entry_points():
    """Every public function that takes an activation, called with `act` and nothing odd."""
    import numpy as np

    from symgrad.maths.bounds import gamma_of
    from symgrad.maths.gamma import derive_gamma
    from symgrad.maths.numeric import jacobian_norms
    from symgrad.maths.rational import rational_rule
    from symgrad.maths.rnn import SymbolicRNN
    from symgrad.maths.strategies import activations

    return {
        "as_activation": as_activation,
        "derive_gamma": derive_gamma,
        "gamma_of": gamma_of,
        "jacobian_norms": lambda act: jacobian_norms(
            np.eye(2), np.eye(2), np.zeros(2), np.zeros((3, 1, 2)), np.zeros((1, 2)), act
        ),
        "rational_rule": rational_rule,
        "SymbolicRNN": lambda act: SymbolicRNN(2, 2, 1, act),
        "strategies.activations": activations,
    }


@pytest.mark.parametrize("bad", ["gelo", "ELU2", "tahn"])
def test_a_misspelt_name_gets_one_error_from_every_entry_point(bad):
    """One resolver: the same typo, the same error type and message, wherever it is given."""
    messages = {}
    for where, call in _entry_points().items():
        with pytest.raises(UnknownNameError) as info:
            call(bad)
        messages[where] = str(info.value)
    assert len(set(messages.values())) == 1, messages
    message = next(iter(messages.values()))
    assert "did you mean" in message and "'E'" not in message and "'x'" not in message


@pytest.mark.parametrize(
    "given", ["tanh", "TANH(x)", "tanh(x)", sp.tanh(x), sp.tanh(sp.Symbol("x"))], ids=str
)
def test_one_activation_has_one_identity_however_it_is_written(given):
    assert as_activation(given) is ACTIVATIONS["tanh"]


def test_an_expression_that_is_no_built_in_is_named_by_its_text():
    act = as_activation("x/(2 + abs(x))")
    assert act == as_activation(x / (2 + sp.Abs(x)))
    assert act.name == "x/(Abs(x) + 2)" and act.expr == x / (2 + sp.Abs(x))


@pytest.mark.parametrize("bad", [3, None, [1, 2]])
def test_an_activation_of_the_wrong_type_is_refused_with_what_is_allowed(bad):
    with pytest.raises(InvalidArgumentError, match="built-in name"):
        as_activation(bad)


def test_gelu_is_x_times_the_normal_cdf():
    phi = (1 + sp.erf(x / sp.sqrt(2))) / 2
    assert sp.simplify(ACTIVATIONS["gelu"].expr - x * phi) == 0


def test_gelu_tanh_uses_the_published_constants():
    # Hendrycks & Gimpel: 0.5x(1 + tanh(√(2/π)(x + 0.044715x³)))
    published = x / 2 * (1 + sp.tanh(sp.sqrt(2 / sp.pi) * (x + sp.Rational("0.044715") * x**3)))
    assert sp.simplify(ACTIVATIONS["gelu_tanh"].expr - published) == 0


@pytest.mark.parametrize("name", ["silu", "mish"])
def test_numeric_forms_of_silu_and_mish_agree_at_40_digits(name):
    act = ACTIVATIONS[name]
    for p in (-30, -3.5, -0.2, 0.7, 4.1, 30):
        exact = act.expr.subs(x, sp.Float(p, 50)).evalf(40)
        stable = act.numeric_expr.subs(x, sp.Float(p, 50)).evalf(40)
        assert abs(exact - stable) < sp.Float("1e-35")


def test_elu_and_leaky_relu_take_their_parameter_exactly():
    from symgrad.maths.activations import elu, leaky_relu

    assert elu("0.5").expr == sp.Piecewise((x, x > 0), (sp.Rational(1, 2) * (sp.exp(x) - 1), True))
    assert leaky_relu("0.2").derivative.subs(x, -1) == sp.Rational(1, 5)
    assert elu().expr == ACTIVATIONS["elu"].expr


@pytest.mark.parametrize("bad", [0, -1, "abc", 1.5, True])
def test_elu_rejects_a_non_positive_or_unreadable_alpha(bad):
    from symgrad.maths.activations import elu

    with pytest.raises(InvalidArgumentError):
        elu(bad)


@pytest.mark.parametrize("bad", [0, 1, "2", -0.5])
def test_leaky_relu_slope_must_lie_strictly_between_0_and_1(bad):
    from symgrad.maths.activations import leaky_relu

    with pytest.raises(InvalidArgumentError):
        leaky_relu(bad)


def test_the_gamma_table_fails_on_a_wrong_stated_value(monkeypatch):
    from symgrad.kernel.catalogue import load_theorem

    thm = load_theorem("gamma_of_builtin_activations")
    names = thm.steps[0].check.__globals__  # the proof file's module namespace
    monkeypatch.setitem(names["STATED"], "gelu", (sp.Rational(9, 8), True, ["x = √(2)"]))
    monkeypatch.setitem(names["NUMERIC"], "silu", ("1.0998400", "2.3994"))
    gelu = next(s for s in thm.steps if str(s.claim).startswith("GELU:"))
    silu = next(s for s in thm.steps if "SiLU" in str(s.claim))
    from symgrad.kernel.proof import RunSettings

    assert not gelu.check(RunSettings()).ok
    assert not silu.check(RunSettings()).ok


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
def test_every_builtin_gamma_is_finite_and_at_least_the_slope_anywhere(name):
    # also derives (and caches) every built-in γ before any property test needs one
    from symgrad.maths.gamma import derive_gamma

    result = derive_gamma(ACTIVATIONS[name])
    _, fp = ACTIVATIONS[name].numpy_functions()
    sample = np.abs(fp(np.linspace(-20, 20, 4001)))
    assert result.bounded and result.gamma >= float(sample.max()) - 1e-12


def test_kinks_of_a_max_of_three_lines_skip_the_crossing_below_the_third():
    kinks = Activation("user", sp.Max(x / 4, x - 1, -x - 2)).kinks
    found = [(k.at, k.left, k.right) for k in kinks]
    assert found == [
        (sp.Rational(-8, 5), -1, sp.Rational(1, 4)),
        (sp.Rational(4, 3), sp.Rational(1, 4), 1),
    ]


def test_an_abs_that_sympy_keeps_after_the_piecewise_rewrite_still_gives_its_kink():
    from symgrad.maths.activations import _candidate_kinks

    expr = sp.Abs(sp.acos(sp.tanh(x)) - 1)
    assert isinstance(expr.rewrite(sp.Piecewise), sp.Abs)  # SymPy cannot rewrite this one
    (point,) = _candidate_kinks(expr)
    assert abs(float(point) - float(sp.atanh(sp.cos(1)))) < 1e-12


def test_the_gamma_table_fails_on_a_wrong_place_of_the_maximum(monkeypatch):
    from symgrad.kernel.catalogue import load_theorem
    from symgrad.kernel.proof import RunSettings

    thm = load_theorem("gamma_of_builtin_activations")
    names = thm.steps[0].check.__globals__
    identity = next(s for s in thm.steps if str(s.claim).startswith("identity:"))
    assert identity.check(RunSettings()).ok
    monkeypatch.setitem(names["STATED"], "identity", (sp.Integer(1), True, ["x = 0"]))
    assert not identity.check(RunSettings()).ok


def test_the_certificate_step_fails_when_the_two_lines_are_swapped():
    import importlib.util

    from symgrad.kernel.catalogue import proofs_dir
    from symgrad.kernel.proof import RunSettings

    path = proofs_dir() / "gamma_of_builtin_activations.py"
    spec = importlib.util.spec_from_file_location("_builtin_gamma", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module._certificates(RunSettings()).ok
    assert not module._certificates(RunSettings(), flip=-1).ok
