"""The LSTM modules and theorems, each check also run on a falsified statement (negative controls)."""

import numpy as np
import pytest
import sympy as sp

from symgrad.kernel.catalogue import load_theorem
from symgrad.kernel.proof import RunSettings
from symgrad.maths.lstm import LSTMCell, cell_partial_formula, state_jacobian_formula, symbolic_step

SETTINGS = RunSettings(examples=10)


def _step(theorem_id, fragment):
    thm = load_theorem(theorem_id)
    return next(s for s in thm.steps if fragment in str(s.claim))


def test_every_state_jacobian_step_holds():
    result = load_theorem("lstm_state_jacobian").run(SETTINGS)
    assert result.ok, [(s.step.claim, s.outcome.left, s.error) for s in result.steps if not s.ok]


def test_numeric_state_jacobian_matches_central_differences():
    cell = LSTMCell.random(3, 2, seed=4)
    rng = np.random.default_rng(5)
    x, c, h = rng.normal(size=2), rng.normal(size=3), rng.uniform(-1, 1, size=3)
    s0, eps = np.concatenate([c, h]), 1e-6

    def F(v):
        return np.concatenate(cell.step(x, v[:3], v[3:]))

    fd = np.column_stack([(F(s0 + eps * e) - F(s0 - eps * e)) / (2 * eps) for e in np.eye(6)])
    np.testing.assert_allclose(cell.state_jacobian(x, c, h), fd, atol=1e-8)


def test_block_formula_check_fails_when_the_h_to_c_block_drops_the_factor_f(monkeypatch):
    step = _step("lstm_state_jacobian", "block formula")

    def wrong(n, m=1):
        direct, formula = state_jacobian_formula(n, m)
        A = formula[:n, :n]
        wrong = formula.copy()
        wrong[n:, :n] = formula[n:, :n] * A.inv()  # C written without diag(f)
        return direct, wrong

    monkeypatch.setitem(step.check.__globals__, "state_jacobian_formula", wrong)
    assert not step.check(SETTINGS).ok


def test_chain_rule_check_fails_with_the_product_in_the_wrong_order(monkeypatch):
    step = _step("lstm_state_jacobian", "J(sₜ₋₁)·J(sₜ₋₂)")

    class Reversed(LSTMCell):
        calls = 0

        def state_jacobian(self, x, c, h):
            J = super().state_jacobian(x, c, h)
            return J.T  # a layout error: the transpose of the Jacobian

    monkeypatch.setitem(step.check.__globals__, "LSTMCell", Reversed)
    assert not step.check(SETTINGS).ok


def test_carousel_induction_fails_when_the_top_right_block_is_not_zero():
    n = sp.Symbol("n", integer=True, positive=True)
    eye = sp.Identity(n)
    B, C, D, X, Y = (sp.MatrixSymbol(k, n, n) for k in "BCDXY")
    J = sp.BlockMatrix([[eye, B], [C, D]])
    P = sp.BlockMatrix([[eye, sp.ZeroMatrix(n, n)], [X, Y]])
    assert sp.block_collapse(J * P).blocks[0, 0] != eye


def test_the_input_gate_step_fails_with_the_input_gate_nearly_shut(monkeypatch):
    step = _step("lstm_state_jacobian", "input gate open")
    assert step.check(SETTINGS).ok
    # i = σ(−40) ≈ 4·10⁻¹⁸: the c-block is f² + 4i·of ≈ σ(4)² < 1
    monkeypatch.setitem(step.check.__globals__, "INPUT_BIAS", -40)
    assert not step.check(SETTINGS).ok


def test_explosion_step_fails_when_the_cell_input_weight_is_small(monkeypatch):
    step = _step("lstm_state_jacobian", "fixed point")
    real = step.check.__globals__["symbolic_step"]

    def quieter(n, m=1):
        c_t, h_t, s = real(n, m)
        return c_t.subs(s["Wg"][0], sp.Rational(1, 4) * s["Wg"][0]), h_t, s

    monkeypatch.setitem(step.check.__globals__, "symbolic_step", quieter)
    assert not step.check(SETTINGS).ok


def test_cell_partial_is_not_the_direct_path_alone(monkeypatch):
    step = _step("lstm_constant_error_flow", "held fixed and")

    def direct_only(n, m=1):
        jac, formula = cell_partial_formula(n, m)
        return jac, sp.diag(*[formula[k, k] for k in range(n)])

    assert step.check(SETTINGS).ok
    monkeypatch.setitem(step.check.__globals__, "cell_partial_formula", direct_only)
    assert not step.check(SETTINGS).ok


def test_products_of_cell_partials_miss_the_output_gate_path_but_state_jacobians_do_not():
    cell = LSTMCell.random(2, 1, seed=3)
    rng = np.random.default_rng(7)
    x1, x2 = rng.normal(size=1), rng.normal(size=1)
    c0, o0 = rng.normal(size=2), rng.uniform(0.2, 0.9, size=2)

    def c2_of(c):  # c₀ ↦ c₂ with h₀ = o₀ ⊙ tanh(c₀), o₀ fixed (the partial's convention)
        c1, h1 = cell.step(x1, c, o0 * np.tanh(c))
        return cell.step(x2, c1, h1)[0]

    eps = 1e-6
    fd = np.column_stack(
        [(c2_of(c0 + eps * e) - c2_of(c0 - eps * e)) / (2 * eps) for e in np.eye(2)]
    )
    h0 = o0 * np.tanh(c0)
    c1, h1 = cell.step(x1, c0, h0)
    o1 = 0.5 * (np.tanh(0.5 * cell.pre("o", h0, x1)) + 1)
    partials = cell.cell_partial(x2, c1, o1) @ cell.cell_partial(x1, c0, o0)
    states = cell.state_jacobian(x2, c1, h1) @ cell.state_jacobian(x1, c0, h0)
    through_h0 = np.vstack([np.eye(2), np.diag(o0 * (1 - np.tanh(c0) ** 2))])
    np.testing.assert_allclose((states @ through_h0)[:2], fd, atol=1e-8)
    assert np.max(np.abs(partials - fd)) > 1e-3


@pytest.mark.parametrize("stated", [5.67, 5.6, 5.68])
def test_the_fixed_point_norm_is_checked_to_the_digits_stated(stated):
    step = _step("lstm_state_jacobian", "fixed point")
    assert step.check(SETTINGS).ok  # ‖J‖₂ = 5.6748…, stated as 5.675
    assert not step.check(SETTINGS, stated_norm=stated).ok


def test_an_open_input_gate_leaves_the_c_block_alone_when_the_gate_weights_vanish():
    # "with i ≠ 0 the c-block is not I" is false as a universal statement: B = ∂c_t/∂h_{t−1}
    # is 0 for every input gate value once W_f = W_i = W_g = 0
    c_t, _, s = symbolic_step(1, 1)
    B = c_t.jacobian(s["h"]).subs({s["Wf"][0]: 0, s["Wi"][0]: 0, s["Wg"][0]: 0})
    assert sp.simplify(B[0, 0]) == 0
    i_gate = sp.simplify(c_t[0].diff(s["bg"][0]))  # i·tanh′: the gate is open (non-zero)
    assert i_gate != 0
