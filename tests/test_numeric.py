import numpy as np
import pytest

from symgrad.errors import InvalidArgumentError, UnknownNameError
from symgrad.maths.activations import ACTIVATIONS
from symgrad.maths.numeric import (
    bptt_gradients,
    finite_difference_gradients,
    forward,
    jacobian_norms,
    one_step_jacobians,
)

SMOOTH = ["identity", "tanh", "sigmoid", "arctan", "softplus", "softsign"]


def _problem(seed, n=3, m=2, T=5, B=4, scale=0.6):
    rng = np.random.default_rng(seed)
    return (
        rng.normal(scale=scale, size=(n, n)),
        rng.normal(size=(n, m)),
        rng.normal(scale=0.3, size=n),
        rng.normal(size=(T, B, m)),
        rng.normal(size=(B, n)),
        rng.normal(size=(T, B, n)),
    )


@pytest.mark.parametrize("model", ["A", "B"])
@pytest.mark.parametrize("activation", SMOOTH)
def test_bptt_matches_central_differences(activation, model):
    W, U, b, xs, h0, ys = _problem(1)
    g = bptt_gradients(W, U, b, xs, h0, ys, activation, model).as_dict()
    fd = finite_difference_gradients(W, U, b, xs, h0, ys, activation, model)
    # central differences with step 1e-6 carry about 1e-9 relative error here
    for name in fd:
        np.testing.assert_allclose(g[name], fd[name], rtol=1e-6, atol=1e-7, err_msg=name)


@pytest.mark.parametrize("activation", ["relu", "leaky_relu", "hard_tanh"])
def test_piecewise_activations_match_central_differences_away_from_kinks(activation):
    W, U, b, xs, h0, ys = _problem(2)
    # a fixed random instance: no pre-activation lies within the difference step of a kink
    g = bptt_gradients(W, U, b, xs, h0, ys, activation).as_dict()
    fd = finite_difference_gradients(W, U, b, xs, h0, ys, activation)
    for name in fd:
        np.testing.assert_allclose(g[name], fd[name], rtol=1e-6, atol=1e-7, err_msg=name)


@pytest.mark.parametrize("model", ["A", "B"])
def test_bptt_matches_torch_autograd(model):
    torch = pytest.importorskip("torch")
    W, U, b, xs, h0, ys = _problem(3, n=5, m=3, T=7, B=6)
    tW, tU, tb, th0 = (torch.tensor(a, requires_grad=True) for a in (W, U, b, h0))
    h, loss = th0, 0
    for t in range(xs.shape[0]):
        x_t = torch.tensor(xs[t])
        h = (
            torch.tanh(h @ tW.T + x_t @ tU.T + tb)
            if model == "A"
            else torch.tanh(h) @ tW.T + x_t @ tU.T + tb
        )
        loss = loss + 0.5 * ((h - torch.tensor(ys[t])) ** 2).sum()
    loss.backward()
    g = bptt_gradients(W, U, b, xs, h0, ys, "tanh", model)
    assert g.loss == pytest.approx(loss.item(), rel=1e-12)
    for ours, theirs in ((g.W, tW), (g.U, tU), (g.b, tb), (g.h0, th0)):
        np.testing.assert_allclose(ours, theirs.grad.numpy(), rtol=1e-10, atol=1e-12)


def test_linear_jacobian_norms_are_norms_of_powers():
    rng = np.random.default_rng(4)
    W = rng.normal(size=(4, 4)) / 3
    U, b = np.zeros((4, 1)), np.zeros(4)
    norms = jacobian_norms(W, U, b, np.zeros((6, 1, 1)), np.zeros((1, 4)), "identity")
    expected = [np.linalg.norm(np.linalg.matrix_power(W, k), 2) for k in range(7)]
    np.testing.assert_allclose(norms, expected, rtol=1e-12)


@pytest.mark.parametrize("model", ["A", "B"])
def test_one_step_jacobians_match_finite_differences_of_the_step(model):
    W, U, b, xs, h0, _ = _problem(5, B=1, T=1)
    fp = forward(W, U, b, xs, h0, "tanh", model)
    J = one_step_jacobians(fp, W, model)[0, 0]
    eps = 1e-6
    cols = []
    for j in range(3):
        e = np.zeros((1, 3))
        e[0, j] = eps
        up = forward(W, U, b, xs, h0 + e, "tanh", model).states[1, 0]
        down = forward(W, U, b, xs, h0 - e, "tanh", model).states[1, 0]
        cols.append((up - down) / (2 * eps))
    np.testing.assert_allclose(J, np.array(cols).T, rtol=1e-7, atol=1e-9)


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda p: (p[0][:, :2], *p[1:]), "W.shape"),
        (lambda p: (p[0], p[1][:2], *p[2:]), "U.shape"),
        (lambda p: (*p[:2], p[2][:2], *p[3:]), "b.shape"),
        (lambda p: (*p[:3], p[3][0], *p[4:]), "xs.shape"),
        (lambda p: (*p[:4], p[4][:1], p[5]), "h0.shape"),
        (lambda p: (*p[:5], p[5][:2]), "ys.shape"),
        (lambda p: (p[0] * np.nan, *p[1:]), "NaN"),
    ],
)
def test_bad_shapes_and_values_are_rejected(change, message):
    with pytest.raises(InvalidArgumentError, match=message):
        bptt_gradients(*change(_problem(0)))


def test_unknown_model_is_rejected():
    with pytest.raises(UnknownNameError):
        bptt_gradients(*_problem(0), "tanh", "C")


def test_all_builtins_run_without_floating_point_warnings():
    W, U, b, xs, h0, ys = _problem(6, scale=3.0)
    for name in ACTIVATIONS:
        assert np.isfinite(bptt_gradients(W, U, b, xs * 50, h0, ys, name).loss)


def test_complex_weights_are_refused_not_cut_to_their_real_part():
    W = np.eye(2) * (0.5 + 0.5j)
    with pytest.raises(InvalidArgumentError, match="complex"):
        forward(W, np.ones((2, 1)), np.zeros(2), np.zeros((3, 1, 1)), np.zeros((1, 2)))


def test_nan_targets_are_refused_instead_of_a_nan_loss():
    args = (np.eye(2), np.ones((2, 1)), np.zeros(2), np.zeros((3, 1, 1)), np.zeros((1, 2)))
    ys = np.zeros((3, 1, 2))
    ys[1, 0, 1] = np.nan
    with pytest.raises(InvalidArgumentError, match="ys contains NaN"):
        bptt_gradients(*args, ys)


def test_overflowing_weights_give_a_clear_error_not_a_linalg_error():
    with pytest.raises(InvalidArgumentError, match="overflowed"):
        jacobian_norms(np.eye(2) * 1e200, np.ones((2, 1)), np.zeros(2), np.ones((6, 1, 1)),
                       np.ones((1, 2)), "identity")  # fmt: skip
