"""Statements of the catalogue say no more than their checks establish: each test here runs the
check behind a sentence of a statement, and its negative control on the falsified sentence."""

import importlib.util
from fractions import Fraction

import pytest
import sympy as sp
from flint import arb

from symgrad.kernel.catalogue import load_theorem, proofs_dir
from symgrad.kernel.proof import RunSettings
from symgrad.render.printing import claim_latex

SETTINGS = RunSettings(seed=0)


def _module(theorem_id):
    """A freshly loaded proof file (so that keyword arguments reach its checks)."""
    path = proofs_dir() / f"{theorem_id}.py"
    spec = importlib.util.spec_from_file_location(f"statement_check.{theorem_id}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _steps(theorem_id):
    return _module(theorem_id).THEOREM.steps


def _step(theorem_id, claim_start):
    matches = [s for s in _steps(theorem_id) if str(s.claim).startswith(claim_start)]
    assert len(matches) == 1, [str(s.claim) for s in _steps(theorem_id)]
    return matches[0]


def _fails(step, **falsified):
    assert step.check(SETTINGS).ok, "the check must pass on the true statement"
    return not step.check(SETTINGS, **falsified).ok


def test_an_error_on_a_modulus_one_direction_neither_explodes_nor_vanishes():
    step = _step("linear_error_direction", "avoiding only the directions with |λᵢ| > 1")
    outcome = step.check(SETTINGS)
    assert outcome.ok and "e Wᵏ =" in str(outcome.checked)
    assert sp.Matrix([[0, 1]]) in outcome.checked.maths  # the row, for every k
    assert _fails(step, modulus=sp.Rational(1, 2))  # diag(2, 1/2): then the error does vanish


def test_the_vanishing_error_statement_asks_for_no_component_with_modulus_at_least_one():
    statement = str(load_theorem("linear_error_direction").statement)
    assert "avoiding every direction with |λᵢ| ≥ 1 vanishes" in statement


def test_the_clipping_angle_formula_needs_the_large_entry_at_least_tau():
    step = _step("refuted_elementwise_clipping_preserves_direction", "the angle θ between")
    assert "M ≥ 1" in str(step.claim)
    # at M = 1/2 nothing is clipped: cos² = 1, which the formula does not give
    assert _fails(step, values=(sp.Rational(1, 2),))


def test_saturation_makes_the_gradient_vanish_only_away_from_the_unstable_origin():
    theorem = load_theorem("refuted_small_singular_value_necessary")
    assert "h₀ ≠ 0" in str(theorem.statement)
    module = _module("refuted_small_singular_value_necessary")
    # h₀ = 0 stays at the unstable fixed point 0: every factor is w(1 − 0²) = w, so the
    # gradient is exactly w^50 (an exact integer ball), while from h₀ = 1/2 it is tiny
    assert module.certified_gradient(3, 0.0).contains(arb(3**50))
    assert module.certified_gradient(3, 0.5) < arb(10) ** -3


@pytest.mark.parametrize("theorem_id", ["total_gradient_short_lags", "truncated_bptt"])
def test_the_long_lag_bounds_name_the_bound_on_sigma_prime_among_their_assumptions(theorem_id):
    # C = γ max‖∇ℓ‖ max‖h‖ uses ‖D_t‖₂ ≤ γ, which holds only if |σ′| ≤ γ
    assert any("|σ′(x)| ≤ γ for every x" in str(a) for a in load_theorem(theorem_id).assumptions)


def test_the_training_steps_are_float_replays_and_test_the_initial_scale_away_from_one():
    module = _module("training_gradients")
    step = module.THEOREM.steps[3]
    assert step.evidence.value == "tested"  # a float replay within 1e-12 is not exact
    assert "λ₁ ∈ {0.9, 1.0, 2.5}" in map(str, step.check(SETTINGS).instances)
    real = module.initial_parameters

    def unscaled(hidden, spectral_norm, rng, inputs=2):  # ignores λ₁: W orthogonal always
        params = real(hidden, spectral_norm, rng, inputs)
        params["W"] = params["W"] / spectral_norm if spectral_norm else params["W"]
        return params

    module.initial_parameters = unscaled
    outcome = step.check(SETTINGS)
    assert not outcome.ok and "not all λ₁ = 0.9" in str(outcome.left)


def test_the_baseline_of_the_adding_problem_is_an_expected_loss():
    theorem = load_theorem("training_gradients")
    statement = str(theorem.statement)
    assert "expected loss 1/12" in statement and "L = 1/12" not in statement


def test_the_printed_attractor_and_its_gain_are_the_digits_of_the_certified_balls():
    step = _step("single_unit_dynamics", "gain 5·σ′(0) = 5/4 at the basin boundary")
    assert _fails(step, stated_gain=0.620)
    assert _fails(step, stated_point=1.777)


def test_the_transient_growth_numbers_are_decided_exactly_and_a_wrong_one_fails_the_step():
    step = _step("refuted_transient_growth", "ρ(W) < 1 yet")
    outcome = step.check(SETTINGS)
    assert outcome.ok and any("decided exactly" in str(line) for line in outcome.details)
    assert not step.check(SETTINGS, stated_peak="3.92").ok


def test_the_transient_peak_is_at_nine_and_the_norm_first_drops_below_one_at_35():
    module = _module("refuted_transient_growth")
    assert module._recorded_numbers()[1] == []
    assert module._recorded_numbers(stated_norm="1.6")[1]
    assert module._recorded_numbers(peak_at=10)[1]  # ‖W¹⁰‖₂ ≈ 3.905 also rounds to 3.91
    assert module._recorded_numbers(below_at=34)[1]
    assert module._recorded_numbers(below_at=36)[1]


def test_the_bistability_count_is_proved_for_every_b_from_the_shape_of_x_minus_5_sigma():
    step = _step("single_unit_bistability", "for every b:")
    assert step.evidence.value == "proved"
    assert _fails(step, w=4)  # a double root: no bistability interval at all
    assert _fails(step, w=6)  # other critical points, other extremes than b₁, b₂


def test_the_echo_state_converse_is_claimed_for_one_unit_and_fails_for_a_contracting_one():
    statement = str(load_theorem("echo_state_contraction").statement)
    assert "for one unit (|w| > 1) it breaks the ESP" in statement
    assert "ρ(W) > 1 breaks it whenever" not in statement
    step = _step("echo_state_contraction", "one unit, zero input")
    assert _fails(step, weights=(3, Fraction(1, 2)))  # |w| < 1: the run from p decays to 0
    assert _fails(step, weights=(1,))  # w = 1: p = 0, nothing to keep apart


def test_the_lstm_statement_claims_no_exact_carousel_for_logistic_gates():
    theorem = load_theorem("lstm_state_jacobian")
    statement = str(theorem.statement)  # prose and mathematics, as one line of text
    assert "reached by hard gates" not in statement
    assert "derivative is 0" in statement
    step = _step("lstm_state_jacobian", "input gate open")
    outcome = step.check(SETTINGS)
    assert (
        outcome.ok
        and "f = σ(4) < 1" in str(outcome.checked)
        and "f = 1," not in str(outcome.checked)
    )


def test_the_latex_of_the_revised_theorems_holds_no_control_characters():
    # a "\b" written without a raw string becomes a backspace, which LaTeX refuses
    for theorem_id in (
        "echo_state_contraction",
        "linear_error_direction",
        "lstm_state_jacobian",
        "single_unit_bistability",
    ):
        theorem = load_theorem(theorem_id)
        texts = [claim_latex(theorem.statement), *(claim_latex(s.claim) for s in theorem.steps)]
        assert not [t for t in texts if any(ord(ch) < 32 for ch in t)], theorem_id
