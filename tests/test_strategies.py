"""Each strategy keeps the promise its docstring makes."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from symgrad.activations import Activation
from symgrad.errors import InvalidArgumentError
from symgrad.strategies import (
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
