"""The property suite: η-decay and the one-step bound over random networks and trajectories.

Tolerances (see symgrad.maths.bounds): 4nε relative for one step; ‖∏(J_i/η)‖₂ ≤ 1 + 4(k+1)nε for a
product of k factors. Run with --hypothesis-profile=thorough for 10× the examples.
"""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from symgrad.errors import CheckFailedError, InvalidArgumentError, SymgradError
from symgrad.maths import bounds
from symgrad.maths.activations import ACTIVATIONS
from symgrad.maths.numeric import bptt_gradients, finite_difference_gradients
from symgrad.maths.strategies import (
    activations,
    matrices_with_spectral_norm,
    preactivation_trajectories,
)

MODELS = st.sampled_from(["A", "B"])


@st.composite
def contracting_cases(draw, c_max=0.99):
    n = draw(st.integers(1, 6))
    act = draw(activations())
    c = draw(st.floats(0.05, c_max))
    W = draw(matrices_with_spectral_norm(n, norm=c / bounds.gamma_of(act)))
    trajectory = draw(preactivation_trajectories(n, draw(st.integers(1, 60)), bound=6.0))
    return W, trajectory, act, draw(MODELS)


@given(contracting_cases())
def test_eta_below_one_gives_exponential_decay(case):
    bounds.assert_eta_decay(*case)


@pytest.mark.parametrize("name", sorted(ACTIVATIONS))
@pytest.mark.parametrize("model", ["A", "B"])
def test_one_step_bound_for_every_builtin_and_model(name, model):
    @given(matrices_with_spectral_norm(4, norm=1.9), preactivation_trajectories(4, 1, bound=8.0))
    def check(W, pre):
        bounds.assert_one_step_bound(W, pre[0], name, model)

    check()


def test_the_decay_check_can_fail(monkeypatch):
    monkeypatch.setattr(bounds, "gamma_of", lambda act: 0.5)  # tanh's γ is 1, not 1/2
    with pytest.raises(AssertionError, match="lag 1"):
        bounds.assert_eta_decay(0.9 * np.eye(2), np.zeros((5, 2)), "tanh", "A")


def test_a_wrong_gamma_is_caught(monkeypatch):
    monkeypatch.setattr(bounds, "gamma_of", lambda act: 0.5)  # tanh's γ is 1, not 1/2
    with pytest.raises(AssertionError, match="λ₁γ"):
        bounds.assert_one_step_bound(np.eye(2), np.zeros(2), "tanh", "A")


@given(
    st.integers(1, 4),
    st.integers(1, 5),
    st.integers(0, 2**32 - 1),
    MODELS,
    st.sampled_from(["tanh", "sigmoid", "arctan", "softplus"]),
)
def test_numeric_bptt_matches_finite_differences(n, T, seed, model, activation):
    rng = np.random.default_rng(seed)
    W, U, b = rng.normal(scale=0.7, size=(n, n)), rng.normal(size=(n, 2)), rng.normal(size=n)
    xs, h0, ys = rng.normal(size=(T, 2, 2)), rng.normal(size=(2, n)), rng.normal(size=(T, 2, n))
    g = bptt_gradients(W, U, b, xs, h0, ys, activation, model).as_dict()
    fd = finite_difference_gradients(W, U, b, xs, h0, ys, activation, model)
    for name in fd:
        # central differences, step 1e-6: truncation ~1e-12·|f'''|, rounding ~1e-10·|L|
        scale = 1.0 + np.max(np.abs(fd[name]))
        assert np.max(np.abs(g[name] - fd[name])) <= 1e-6 * scale, name


def test_a_custom_expression_is_accepted_wherever_a_name_is():
    assert bounds.gamma_of("2*tanh(x)") == pytest.approx(2.0, rel=1e-12)
    W = np.diag([0.45, 0.2])  # η = 0.45·2 = 0.9
    bounds.assert_eta_decay(W, np.zeros((20, 2)), "2*tanh(x)")
    bounds.assert_one_step_bound(W, np.zeros(2), "2*tanh(x)", "B")


def test_a_custom_expression_with_a_too_small_gamma_fails():
    with pytest.raises(AssertionError, match="λ₁γ"):
        bounds.assert_one_step_bound(np.eye(2), np.zeros(2), "2*tanh(x)", gamma=1.0)


def test_an_unbounded_derivative_has_no_gamma():
    with pytest.raises(InvalidArgumentError, match="unbounded"):
        bounds.gamma_of("exp(x)")


def test_the_attained_case_of_the_one_step_bound_fails_with_a_gamma_just_too_small():
    import importlib.util

    from symgrad.kernel.catalogue import proofs_dir

    spec = importlib.util.spec_from_file_location("_one_step", proofs_dir() / "one_step_bound.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module._attained() == []
    assert len(module._attained(gamma=0.25 * (1 - 1e-12))) == 2


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: bounds.assert_one_step_bound(np.ones((4, 3)), np.zeros(3), "tanh"), "W has shape"),
        (lambda: bounds.assert_one_step_bound(np.eye(2), np.zeros(2), "tanh", "C"), "model='C'"),
        (lambda: bounds.assert_one_step_bound(np.eye(3), np.zeros(2), "tanh"), "pre has shape"),
        (lambda: bounds.assert_one_step_bound(np.eye(2), np.zeros(2), "tanh", gamma=-1.0), "gamma"),
        (lambda: bounds.assert_eta_decay(np.eye(2), np.zeros(2), "tanh"), "trajectory has shape"),
        (lambda: bounds.assert_eta_decay(np.eye(2), np.zeros((0, 2)), "tanh"), "T ≥ 1"),
        (lambda: bounds.assert_eta_decay(np.eye(2), np.zeros((3, 2)), "tanh", "C"), "model='C'"),
        (lambda: bounds.assert_eta_decay(np.eye(2), np.zeros((3, 2)), "tanh", eta=np.nan), "eta"),
        (lambda: bounds.step_jacobian([[1.0, np.inf], [0, 1]], np.ones(2)), "non-finite"),
    ],
)
def test_bad_inputs_to_the_bound_checks_are_named_errors(call, message):
    with pytest.raises(SymgradError, match=message) as info:
        call()
    assert isinstance(info.value, (ValueError, LookupError))


def test_a_violated_bound_raises_the_check_error_with_both_sides():
    with pytest.raises(CheckFailedError) as info:
        bounds.assert_one_step_bound(np.eye(2), np.zeros(2), "tanh", gamma=0.5)
    assert info.value.left.startswith("‖J‖₂ = 1.0")
    assert info.value.right == "λ₁γ = 0.5"


def test_the_bound_checks_still_fail_under_python_dash_O():
    import subprocess
    import sys

    code = (
        "import numpy as np\n"
        "from symgrad.maths import bounds\n"
        "from symgrad.errors import CheckFailedError\n"
        "for call in (lambda: bounds.assert_one_step_bound(np.eye(2), np.zeros(2), 'tanh',"
        " gamma=0.5),\n"
        "             lambda: bounds.assert_eta_decay(np.eye(2), np.zeros((2, 2)), 'tanh',"
        " eta=0.5)):\n"
        "    try:\n"
        "        call()\n"
        "    except CheckFailedError:\n"
        "        continue\n"
        "    raise SystemExit('not caught')\n"
    )
    done = subprocess.run([sys.executable, "-O", "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stdout + done.stderr
