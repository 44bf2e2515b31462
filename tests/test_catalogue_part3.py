"""Negative controls for part three of the catalogue: each check, run on a falsified statement
(wrong exponent, wrong side, wrong weights, a hypothesis dropped), must fail."""

import importlib.util
from fractions import Fraction

import numpy as np
import pytest
import sympy as sp

from symgrad.kernel.catalogue import load_theorem, proofs_dir
from symgrad.kernel.proof import RunSettings

SETTINGS = RunSettings(seed=0)


def _steps(theorem_id):
    """The steps of a freshly loaded proof file (so that keyword arguments reach its checks)."""
    path = proofs_dir() / f"{theorem_id}.py"
    spec = importlib.util.spec_from_file_location(f"negative_control.{theorem_id}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.THEOREM.steps


def _fails(step, **falsified):
    assert step.check(SETTINGS).ok, "the check must pass on the true statement"
    return not step.check(SETTINGS, **falsified).ok


PART_THREE = [
    "total_gradient_short_lags",
    "truncated_bptt",
    "linear_powers_vanish_iff_spectral_radius",
    "linear_error_direction",
    "orthogonal_and_identity_initialisation",
    "echo_state_contraction",
    "refuted_elementwise_clipping_preserves_direction",
    "teacher_forcing_cuts_recurrence",
]


@pytest.mark.parametrize("theorem_id", PART_THREE)
def test_part_three_theorems_give_latex_for_the_statement_and_every_relation(theorem_id):
    from symgrad.kernel.claims import Claim

    theorem = load_theorem(theorem_id)
    assert theorem.formula is not None
    relations = [s for s in theorem.steps if s.evidence.value != "refuted"]

    def typeset(step):  # mathematics as objects
        return isinstance(step.claim, Claim) and step.claim.maths

    assert all(typeset(s) for s in relations), [str(s.claim) for s in relations if not typeset(s)]


def test_the_lag_term_bound_fails_with_one_power_of_eta_too_many():
    steps = _steps("total_gradient_short_lags")
    assert _fails(steps[2], shift=1)


def test_the_long_lag_share_fails_as_eta_to_the_tau_plus_one():
    steps = _steps("total_gradient_short_lags")
    assert _fails(steps[4], shift=1)
    assert _fails(steps[6], shift=1)


def test_the_long_lag_part_misses_the_boundary_lag_when_it_starts_one_lag_later():
    assert _fails(_steps("total_gradient_short_lags")[5], boundary=1)


def test_the_bound_constant_is_not_built_from_the_states_one_step_later():
    assert _fails(_steps("total_gradient_short_lags")[5], first_state=1)


def test_truncation_is_not_the_sum_of_one_more_lag():
    assert _fails(_steps("truncated_bptt")[0], shift=1)


def test_the_truncation_error_bound_fails_with_a_smaller_constant():
    assert _fails(_steps("truncated_bptt")[1], shift=1)


def test_the_unit_weight_chain_gradient_is_not_what_truncation_returns():
    assert _fails(_steps("truncated_bptt")[2], formula=lambda T, N, tau: tau)


def test_at_eta_one_the_error_relative_to_c_is_not_the_shrinking_eta_tau_bound():
    # η < 1 would give |error|/C ≤ η^τ T/(1 − η); with η = 1 no such shrinking holds
    assert _fails(_steps("truncated_bptt")[2], formula=lambda T, N, tau: sp.Rational(T, 2 + tau))


def test_the_wrong_sign_at_eta_one_half_needs_the_large_early_state():
    # without it (N = 0) every state is 1 and truncation has the right sign
    assert _fails(_steps("truncated_bptt")[3], offset=0)


def test_randomised_truncation_with_weight_one_is_biased():
    assert _fails(_steps("truncated_bptt")[5], keep_weight=lambda p: 1)


def test_the_jordan_entry_formula_fails_with_a_shifted_exponent():
    assert _fails(_steps("linear_powers_vanish_iff_spectral_radius")[0], exponent_shift=1)


def test_the_similarity_step_fails_with_p_on_the_wrong_side():
    assert _fails(_steps("linear_powers_vanish_iff_spectral_radius")[2], swap=True)


def test_the_ratio_argument_fails_for_modulus_one():
    steps = _steps("linear_powers_vanish_iff_spectral_radius")
    assert _fails(steps[4], modulus=sp.Integer(1))


def test_right_eigenvectors_do_not_expand_the_row_error():
    steps = _steps("linear_error_direction")
    assert _fails(steps[0], right_eigenvectors=True)
    assert _fails(steps[1], right_eigenvectors=True)


def test_modulus_one_does_not_explode():
    assert _fails(_steps("linear_error_direction")[4], modulus=sp.Integer(1))


def test_an_error_with_a_component_on_the_exploding_direction_does_not_vanish():
    assert _fails(_steps("linear_error_direction")[3], coefficients=(1, 1, 1))


@pytest.mark.parametrize("index", [1, 2, 3])
def test_orthogonality_checks_fail_for_a_scaled_orthogonal_matrix(index):
    steps = _steps("orthogonal_and_identity_initialisation")
    assert _fails(steps[index], scale=sp.Rational(11, 10))


def test_the_contraction_fails_at_half_the_rate():
    assert _fails(_steps("echo_state_contraction")[0], factor=sp.Rational(1, 2))


@pytest.mark.parametrize("index", [1, 2])
def test_forgetting_and_gradient_decay_fail_one_percent_faster(index):
    steps = _steps("echo_state_contraction")
    assert _fails(steps[index], factor=sp.Rational(99, 100))


def test_two_runs_do_approach_each_other_when_rho_is_below_one():
    assert _fails(_steps("echo_state_contraction")[3], scale=sp.Rational(1, 2))


def test_without_zero_bias_rho_above_one_does_not_keep_the_runs_apart():
    # the counterexample behind the hypothesis b = 0: softsign, w = 3, b = 10
    assert _fails(_steps("echo_state_contraction")[3], bias=10)


def test_the_biased_counterexample_contracts_at_3_64_and_not_faster_than_its_rate():
    steps = _steps("echo_state_contraction")
    assert _fails(steps[4], gain=sp.Rational(1, 100))
    assert _fails(steps[4], bias=0)  # without the bias the runs stay at ±2/3


def _module(theorem_id):
    path = proofs_dir() / f"{theorem_id}.py"
    spec = importlib.util.spec_from_file_location(f"product_control.{theorem_id}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _reversed(W, result):
    W = sp.Matrix(W)
    product = sp.eye(W.rows)
    for slopes in result.slopes:
        product = product * sp.diag(*slopes) * W
    return product


def _transposed(W, result):
    W = sp.Matrix(W)
    product = sp.eye(W.rows)
    for slopes in result.slopes:
        product = sp.diag(*slopes) * W.T * product
    return product


def _without_slopes(W, result):
    W = sp.Matrix(W)
    product = sp.eye(W.rows)
    for _ in result.slopes:
        product = W * product
    return product


@pytest.mark.parametrize("wrong", [_reversed, _transposed, _without_slopes])
@pytest.mark.parametrize(
    ("theorem_id", "index"),
    [("echo_state_contraction", 2), ("orthogonal_and_identity_initialisation", 3)],
)
def test_a_wrong_jacobian_product_formula_fails_the_steps_that_use_it(theorem_id, index, wrong):
    module = _module(theorem_id)
    step = module.THEOREM.steps[index]
    assert step.check(SETTINGS).ok
    module.state_jacobian_product = wrong
    assert not step.check(SETTINGS).ok


def test_norm_clipping_is_not_refuted_by_the_same_search():
    def norm_clip(grads, tau):
        g = grads["g"]
        square = sum(v * v for v in g)
        factor = Fraction(1) if square < tau * tau else tau * tau / square  # positive
        return {"g": np.array([factor * v for v in g], dtype=object)}

    step = _steps("refuted_elementwise_clipping_preserves_direction")[0]
    assert _fails(step, clip=norm_clip)


def test_clipped_gradients_are_not_at_least_as_long_as_the_gradient():
    step = _steps("refuted_elementwise_clipping_preserves_direction")[3]
    assert _fails(step, shrink=1)


def test_free_running_gradient_is_not_the_sum_of_one_step_terms():
    steps = _steps("teacher_forcing_cuts_recurrence")
    assert _fails(steps[0], forced=False)
    assert _fails(steps[3], forced=False)


def test_free_running_gradient_holds_products_of_slopes():
    assert _fails(_steps("teacher_forcing_cuts_recurrence")[1], forced_claim=False)


def test_the_cayley_step_rejects_an_orthogonal_matrix_that_is_not_the_transform_of_s():
    path = proofs_dir() / "orthogonal_and_identity_initialisation.py"
    spec = importlib.util.spec_from_file_location("negative_control.cayley", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module._cayley(SETTINGS).ok
    module._orthogonal = lambda: [(n, sp.eye(n)) for n in module.SIZES]  # orthogonal, wrong Q
    assert not module._cayley(SETTINGS).ok


def test_the_exact_rule_step_rejects_a_wrong_slope_for_negative_arguments():
    path = proofs_dir() / "teacher_forcing_cuts_recurrence.py"
    spec = importlib.util.spec_from_file_location("negative_control.rule", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module._exact_rule(SETTINGS).ok

    def even_slope(t, i, a):  # sign(a) read as |sign(a)|: right for a ≥ 0 only
        return a / (1 + abs(a)), (1 + abs(a) - a) / (1 + abs(a)) ** 2

    assert not module._exact_rule(SETTINGS, even_slope).ok

    def sign_0_is_1(t, i, a):  # |a| with sign(0) read as 1 (a ≥ 0 instead of a > 0)
        return abs(a), (a >= 0) - (a < 0)

    assert not module._exact_rule(SETTINGS, kink_rule=sign_0_is_1).ok


def test_the_descent_step_rejects_clipping_that_sends_negative_entries_to_plus_tau():
    path = proofs_dir() / "refuted_elementwise_clipping_preserves_direction.py"
    spec = importlib.util.spec_from_file_location("negative_control.clip", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module._descent(SETTINGS).ok

    def wrong(grads, tau):
        return {
            k: np.array([tau if abs(v) > tau else v for v in g], dtype=object)
            for k, g in grads.items()
        }

    assert not module._descent(SETTINGS, clip=wrong).ok


def test_the_clipping_angle_limit_is_approached_and_stated_so():
    theorem = load_theorem("refuted_elementwise_clipping_preserves_direction")
    statement = str(theorem.statement)
    assert "approaches arccos(1/√(n))" in statement and "reaches" not in statement
    step = _steps("refuted_elementwise_clipping_preserves_direction")[2]
    outcome = step.check(SETTINGS)
    assert outcome.ok and "not attained" in str(outcome.checked)


def test_the_transient_growth_refutation_shows_growth_after_the_first_step():
    outcome = load_theorem("refuted_transient_growth").steps[0].check(SETTINGS)
    assert outcome.ok
    # the recorded W, named and kept as a matrix (the documents print it, never parse it)
    assert list(outcome.counterexample) == ["W"]
    assert outcome.counterexample["W"] == sp.Matrix([[0.9, 1.0], [0.0, 0.9]])
    assert any("peak ‖W⁹‖₂ = 3.91" in str(line) for line in outcome.details)


def test_the_eigenvector_step_proves_the_power_rule_itself_and_fails_with_a_wrong_power():
    step = _steps("linear_powers_vanish_iff_spectral_radius")[5]
    assert "induction step W (λᵏ v) = λᵏ⁺¹ v" in str(step.check(SETTINGS).checked)
    assert _fails(step, extra_power=1)


def test_the_exploding_component_step_is_checked_and_needs_a_true_bound_on_s():
    step = _steps("linear_error_direction")[4]
    assert step.evidence.value == "checked"  # the inequality is checked on instances only
    assert _fails(step, norm_of_s=1)  # ‖S‖₂ = 2


def test_eta_decay_cites_submultiplicativity_and_proves_only_the_arithmetic():
    steps = load_theorem("eta_decay").steps
    cited = [s for s in steps if s.evidence.value == "cited"]
    assert [s.source for s in cited] == ["mathlib Matrix.l2_opNorm_mul"]
    for step in steps:
        if step.evidence.value == "proved":
            assert "submultiplicativ" not in str(step.justification) + str(step.claim)
