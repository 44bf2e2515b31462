"""The GRU module and theorem; each step also run on a falsified statement (negative controls)."""

import numpy as np
import pytest
import sympy as sp

from symgrad.kernel.catalogue import load_theorem
from symgrad.kernel.proof import RunSettings
from symgrad.maths.gru import (
    GRUCell,
    additive_form,
    jacobian_bound_constant,
    state_jacobian_formula,
)

SETTINGS = RunSettings(examples=15)


def _step(fragment):
    return next(s for s in load_theorem("gru_state_jacobian").steps if fragment in str(s.claim))


def test_every_gru_step_holds():
    result = load_theorem("gru_state_jacobian").run(SETTINGS)
    assert result.ok, [(s.step.claim, s.outcome.left, s.error) for s in result.steps if not s.ok]


def test_numeric_jacobian_matches_central_differences():
    cell = GRUCell.random(4, 2, seed=1)
    rng = np.random.default_rng(0)
    x, h = rng.normal(size=2), rng.uniform(-1, 1, size=4)
    eps = 1e-6
    fd = np.column_stack(
        [(cell.step(x, h + eps * e) - cell.step(x, h - eps * e)) / (2 * eps) for e in np.eye(4)]
    )
    np.testing.assert_allclose(cell.state_jacobian(x, h), fd, atol=1e-8)


def test_the_update_gate_convention_keeps_the_state_when_z_is_zero():
    cell = GRUCell.random(3, 1, seed=2)
    cell.b["z"] = np.full(3, -60.0)  # z = σ(−60) ≈ 1e-26
    h = np.array([0.3, -0.7, 0.1])
    np.testing.assert_allclose(cell.step(np.zeros(1), h), h, atol=1e-20)
    np.testing.assert_allclose(cell.state_jacobian(np.zeros(1), h), np.eye(3), atol=1e-20)


def test_formula_check_fails_with_the_reset_gate_applied_after_the_product(monkeypatch):
    step = _step("diag(1 - z) +")

    def wrong(n, m=1):
        direct, formula = state_jacobian_formula(n, m)
        return direct, formula.T  # the denominator-layout matrix in place of the Jacobian

    monkeypatch.setitem(step.check.__globals__, "state_jacobian_formula", wrong)
    assert not step.check(SETTINGS).ok


def test_additive_check_fails_when_the_one_minus_z_factor_is_dropped(monkeypatch):
    step = _step("I + diag(z)·M")

    def wrong(n, m=1):
        lhs, rhs, M = additive_form(n, m)
        return lhs, rhs + sp.diag(*[sp.Symbol("eps_1")] + [0] * (n - 1)), M

    monkeypatch.setitem(step.check.__globals__, "additive_form", wrong)
    assert not step.check(SETTINGS).ok


def test_bound_check_fails_when_the_reset_path_is_left_out_of_k(monkeypatch):
    step = _step("≤ zₘₐₓ·K")

    def too_small(W):
        return 0.5 * jacobian_bound_constant(W)

    monkeypatch.setitem(step.check.__globals__, "jacobian_bound_constant", too_small)
    assert not step.check(RunSettings(examples=60)).ok


def test_long_lag_instance_fails_when_the_update_gate_is_open(monkeypatch):
    step = _step("an instance")
    example = dict(step.check.__globals__["EXAMPLE"], bz=[0, 0])
    monkeypatch.setitem(step.check.__globals__, "EXAMPLE", example)
    assert not step.check(SETTINGS).ok


def test_bound_constant_of_zero_gate_weights_is_one_plus_the_candidate_norm():
    W = {"z": np.zeros((2, 2)), "r": np.zeros((2, 2)), "h": np.array([[2.0, -1], [1, 2]])}
    assert jacobian_bound_constant(W) == pytest.approx(1 + np.sqrt(5), rel=1e-14)


@pytest.mark.parametrize(
    "wrong",
    [
        lambda big, small: (small, big),  # swapped
        lambda big, small: (big * (1 + 1e-9), small),  # σ_max a little too large
    ],
)
def test_the_long_lag_step_checks_the_singular_values_it_is_given(monkeypatch, wrong):
    step = next(
        s for s in load_theorem("gru_state_jacobian").steps if s.check.__name__ == "_long_lags"
    )
    original = step.check.__globals__["singular_values_2x2"]
    monkeypatch.setitem(
        step.check.__globals__, "singular_values_2x2", lambda m: wrong(*original(m))
    )
    assert not step.check(SETTINGS).ok
