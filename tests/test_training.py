"""The training run's gradients are right, its runs repeat, and clipping bounds every step."""

import numpy as np
import pytest

from symgrad.errors import InvalidArgumentError
from symgrad.maths.training import adding_problem, initial_parameters, readout_gradients, train


@pytest.mark.parametrize("activation", ["tanh", "sigmoid", "x/(1 + abs(x))"])
def test_readout_gradients_match_central_differences(activation):
    rng = np.random.default_rng(3)
    params = initial_parameters(4, 1.3, rng)
    params["b"] = rng.normal(size=4)
    params["c"] = np.array([0.2])
    xs, y = adding_problem(6, 5, rng)
    g = readout_gradients(params, xs, y, activation)
    h = 1e-6
    for name, value in params.items():
        for idx in np.ndindex(value.shape):
            keep = value[idx]
            value[idx] = keep + h
            up = readout_gradients(params, xs, y, activation).loss
            value[idx] = keep - h
            down = readout_gradients(params, xs, y, activation).loss
            value[idx] = keep
            # central differences: error O(h²) plus rounding ~ ε/h ≈ 1e-10
            assert g.grads[name][idx] == pytest.approx((up - down) / (2 * h), abs=1e-7), name


def test_the_lag_shares_add_up_to_the_weight_gradient_norm_bound():
    rng = np.random.default_rng(0)
    params = initial_parameters(5, 0.8, rng)
    xs, y = adding_problem(8, 4, rng)
    g = readout_gradients(params, xs, y)
    # the triangle inequality over the per-step shares; equality would need aligned shares
    assert np.linalg.norm(g.grads["W"]) <= g.lag_norms.sum() * (1 + 1e-12)
    assert g.lag_norms[-1] == 0  # the first step reads h⁽⁰⁾ = 0


def test_a_run_is_determined_by_its_seed():
    a = train(hidden=6, steps=8, iterations=30, seed=4)
    b = train(hidden=6, steps=8, iterations=30, seed=4)
    c = train(hidden=6, steps=8, iterations=30, seed=5)
    assert np.array_equal(a.losses, b.losses) and not np.array_equal(a.losses, c.losses)


def test_clipping_bounds_every_update():
    run = train(hidden=8, steps=10, iterations=60, spectral_norm=3.0, clip=0.5, seed=0)
    before = initial_parameters(8, 3.0, np.random.default_rng(0))["W"]  # train's first draw
    first = train(hidden=8, steps=10, iterations=1, spectral_norm=3.0, clip=0.5, seed=0).final["W"]
    unclipped = train(hidden=8, steps=10, iterations=1, spectral_norm=3.0, seed=0).final["W"]
    assert np.linalg.norm(first - before) <= 0.05 * 0.5 + 1e-12  # lr·τ bounds the W part
    assert np.linalg.norm(unclipped - before) > 0.05 * 0.5  # …which an unclipped step exceeds
    assert np.all(np.isfinite(run.losses))


def test_adding_problem_targets_are_the_marked_sums():
    xs, y = adding_problem(10, 7, np.random.default_rng(1))
    assert np.allclose((xs[:, :, 0] * xs[:, :, 1]).sum(axis=0), y)
    assert np.all(xs[:5, :, 1].sum(axis=0) == 1) and np.all(xs[5:, :, 1].sum(axis=0) == 1)


@pytest.mark.parametrize(
    "kwargs", [{"iterations": 0}, {"learning_rate": 0.0}, {"clip": -1.0}, {"hidden": 0}]
)
def test_bad_training_arguments_are_refused(kwargs):
    with pytest.raises(InvalidArgumentError):
        train(**kwargs)


def _training_theorem():
    import importlib.util

    from symgrad.kernel.catalogue import proofs_dir

    path = proofs_dir() / "training_gradients.py"
    spec = importlib.util.spec_from_file_location("negative_control.training", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_training_theorem_holds_and_each_check_fails_on_a_falsified_claim(monkeypatch):
    import dataclasses

    import sympy as sp

    from symgrad.kernel.proof import RunSettings

    module = _training_theorem()
    settings = RunSettings(examples=3)
    data, gradients, shares, steps = module.THEOREM.steps
    assert all(step.check(settings).ok for step in module.THEOREM.steps)
    assert not data.check(settings, baseline=sp.Rational(1, 6)).ok  # Var U(0, 1) is 1/12
    assert not steps.check(settings, learning_rate=0.06).ok  # the replay with another η
    real = module.readout_gradients

    def doubled_b(params, xs, y, activation="tanh"):
        result = real(params, xs, y, activation)
        return dataclasses.replace(result, grads={**result.grads, "b": 2 * result.grads["b"]})

    def reversed_lags(params, xs, y, activation="tanh"):
        result = real(params, xs, y, activation)
        return dataclasses.replace(result, lag_norms=result.lag_norms[::-1])

    monkeypatch.setattr(module, "readout_gradients", doubled_b)
    assert not gradients.check(settings).ok
    monkeypatch.setattr(module, "readout_gradients", reversed_lags)
    assert not shares.check(settings).ok
