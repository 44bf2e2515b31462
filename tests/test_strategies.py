"""Each strategy keeps the promise its docstring makes."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from symgrad.errors import InvalidArgumentError
from symgrad.maths.activations import Activation
from symgrad.maths.strategies import (
    activations,
    matrices_with_spectral_norm,
    matrices_with_spectral_radius,
    orthogonal_matrices,
    preactivation_trajectories,
    rnn_parameters,
)


@given(st.integers(1, 6).flatmap(orthogonal_matrices))
def test_orthogonal_matrices_are_orthogonal(Q):
    assert np.linalg.norm(Q.T @ Q - np.eye(len(Q)), 2) <= 1e-12
    assert np.linalg.det(Q) == pytest.approx(1.0, abs=1e-12)


@given(st.data(), st.integers(1, 6), st.floats(0, 50))
def test_spectral_norm_is_as_prescribed(data, n, norm):
    W = data.draw(matrices_with_spectral_norm(n, norm=norm))
    assert abs(np.linalg.norm(W, 2) - norm) <= 1e-12 * max(1.0, norm)


def _schur_radius(n, radius, coupling):
    return matrices_with_spectral_radius(n, radius=radius, max_coupling=coupling)


@given(st.data(), st.integers(1, 6), st.floats(0.1, 3.0))
def test_spectral_radius_is_as_prescribed_for_normal_matrices(data, n, radius):
    W = data.draw(_schur_radius(n, radius, 0.0))
    rho = max(abs(np.linalg.eigvals(W)))
    # with zero coupling the matrix is normal and its eigenvalues are well conditioned
    assert rho == pytest.approx(radius, rel=1e-10)


@given(st.data(), st.integers(1, 5), st.floats(0.1, 3.0))
def test_spectral_radius_with_coupling_stays_close(data, n, radius):
    W = data.draw(_schur_radius(n, radius, 2.0))
    rho = max(abs(np.linalg.eigvals(W)))
    # non-normal: computed eigenvalues may move by about sqrt(ε)·‖W‖ (RELIABILITY note); the
    # construction is exact, so only a loose numeric check is meaningful
    assert rho <= radius + 1e-5 * max(1.0, np.linalg.norm(W, 2))
    assert rho >= radius - 1e-5 * max(1.0, np.linalg.norm(W, 2))


@given(activations())
def test_activations_are_builtins(act):
    assert isinstance(act, Activation)


def test_activations_resolve_an_expression_as_a_name_is_resolved():
    """One resolver: tanh given as a SymPy expression is the built-in tanh, alone or in a list."""
    import sympy as sp

    from symgrad.maths.activations import x

    by_name = activations("tanh").elements
    assert activations(sp.tanh(x)).elements == by_name
    assert activations([sp.tanh(x)]).elements == by_name


@given(rnn_parameters(3, 2, spectral_norm=0.7))
def test_rnn_parameters_have_the_shapes_and_norm(params):
    assert params["W"].shape == (3, 3) and params["U"].shape == (3, 2) and params["b"].shape == (3,)
    assert np.linalg.norm(params["W"], 2) == pytest.approx(0.7, rel=1e-12)


@given(preactivation_trajectories(3, 7, bound=2.0))
def test_trajectories_have_shape_and_bound(traj):
    assert traj.shape == (7, 3)
    assert np.all(np.abs(traj) <= 2.0)


@pytest.mark.parametrize(
    "call",
    [
        lambda: orthogonal_matrices(0),
        lambda: matrices_with_spectral_norm(2, norm=-1),
        lambda: matrices_with_spectral_norm(2, norm=1, min_ratio=2),
        lambda: matrices_with_spectral_radius(2, radius=float("nan")),
        lambda: activations(["tahn"]),
        lambda: rnn_parameters(2, 0),
        lambda: preactivation_trajectories(2, 3, bound=-1),
    ],
)
def test_bad_arguments_raise_early(call):
    with pytest.raises((InvalidArgumentError, LookupError)):
        call()


# Hypothesis's own default settings (deadline 200 ms), not the repository's profile
DEFAULT = settings(settings.get_profile("default"), max_examples=5)


@DEFAULT
@given(orthogonal_matrices(64))
def test_orthogonal_matrices_reach_the_documented_maximum(Q):
    assert Q.shape == (64, 64)
    assert np.linalg.norm(Q.T @ Q - np.eye(64), 2) <= 1e-12
    assert np.linalg.det(Q) == pytest.approx(1.0, abs=1e-9)


@DEFAULT
@given(matrices_with_spectral_norm(64, norm=0.9), matrices_with_spectral_radius(40, radius=0.5))
def test_large_matrices_keep_their_norm_and_radius(W, V):
    assert abs(np.linalg.norm(W, 2) - 0.9) <= 1e-12
    assert V.shape == (40, 40)


@DEFAULT
@given(preactivation_trajectories(64, 10_000, bound=3.0), rnn_parameters(64, 64))
def test_the_largest_trajectories_and_parameters_generate(traj, params):
    assert traj.shape == (10_000, 64) and np.all(np.abs(traj) <= 3.0)
    assert params["W"].shape == (64, 64) and np.all(np.abs(params["W"]) <= 1.0)


@given(activations("tanh"))
def test_a_single_name_means_that_activation(act):
    assert act.name == "tanh"


@given(activations(["sigmoid", "x/(2 + abs(x))", "x/(1 + abs(x))"]))
def test_custom_expressions_are_accepted_beside_names(act):
    # an expression that is a built-in's (the softsign) is that built-in
    assert act.name in {"sigmoid", "x/(Abs(x) + 2)", "softsign"}


def test_an_empty_list_is_refused_when_the_strategy_is_built():
    with pytest.raises(InvalidArgumentError, match="at least one"):
        activations([])


def test_numpy_integer_sizes_are_accepted():
    assert orthogonal_matrices(np.int64(3)) is not None
    assert preactivation_trajectories(np.int32(2), np.int64(5)) is not None
    with pytest.raises(InvalidArgumentError):
        orthogonal_matrices(np.float64(3.0))
