"""The maths modules behind part three: rational, truncation, echo_state, teacher_forcing,
element-wise clipping and the Jordan-form helpers."""

from fractions import Fraction

import numpy as np
import pytest
import sympy as sp

from symgrad.errors import HypothesisError, InvalidArgumentError
from symgrad.maths.echo_state import (
    cayley_orthogonal,
    difference_quotient_jacobian,
    random_skew,
    run,
    state_jacobian_product,
)
from symgrad.maths.linear import jordan_blocks, jordan_power, power_by_jordan_form
from symgrad.maths.rational import norm_squared, rational_rule, spectral_norm_at_most
from symgrad.maths.remedies import clip_by_global_norm, clip_elementwise
from symgrad.maths.routes import Problem, backward_recursion, forward_mode, unroll
from symgrad.maths.teacher_forcing import (
    forced_local_gradients,
    output_feedback_gradient,
    output_feedback_loss,
)
from symgrad.maths.truncation import (
    detached_truncated_gradient,
    examples,
    lag_terms,
    long_lag_part,
    randomised_gradient,
    randomised_moments,
    randomised_second_moment,
    scalar_chain,
    truncated_gradient,
    unit_weight_chain,
)

F = Fraction


def _problem(model="A"):
    return Problem(
        model,
        [[F(1, 2), F(-1, 3)], [F(2, 3), F(1, 4)]],
        [[1], [F(-1, 2)]],
        [F(1, 5), 0],
        [F(1), F(-1, 2)],
        [[1], [-2], [F(1, 3)]],
        [[F(1, 2), 0], [0, 1], [F(-1, 2), F(1, 4)]],
        rational_rule("softsign"),
    )


def test_rational_rule_refuses_an_activation_with_irrational_values():
    with pytest.raises(InvalidArgumentError, match="not rational"):
        rational_rule("tanh")(1, 0, F(1))


def test_rational_rule_matches_the_sympy_expressions_of_softsign():
    rule = rational_rule("softsign")
    x = sp.Symbol("x", real=True)
    for a in (F(-7, 3), F(0), F(5, 2)):
        value, slope = rule(0, 0, a)
        expected = x / (1 + sp.Abs(x))
        assert value == expected.subs(x, sp.Rational(a))
        assert slope == sp.diff(expected, x).subs(x, sp.Rational(a))


def test_spectral_norm_at_most_is_exact_at_the_boundary():
    A = sp.Matrix([[3, 4], [0, 0]])  # ‖A‖₂ = 5
    assert spectral_norm_at_most(A, 5)
    assert not spectral_norm_at_most(A, sp.Rational(4999, 1000))
    with pytest.raises(InvalidArgumentError):
        spectral_norm_at_most(A, -1)


def test_spectral_norm_at_most_agrees_with_sympy_semidefiniteness_on_rational_matrices():
    # the characteristic-polynomial decision against SymPy's own, on seeded random instances
    # (sizes 1–4) and on bounds exactly at a singular value (diagonal A, c = max |a_ii|)
    rng = np.random.default_rng(17)
    decided = []
    for _ in range(120):
        k = int(rng.integers(1, 5))
        A = sp.Matrix(
            k, k, lambda i, j: sp.Rational(int(rng.integers(-9, 10)), int(rng.integers(1, 6)))
        )
        c = sp.Rational(int(rng.integers(0, 41)), int(rng.integers(1, 5)))
        expected = bool((c**2 * sp.eye(k) - A.T * A).is_positive_semidefinite)
        assert spectral_norm_at_most(A, c) is expected, (A, c)
        decided.append(expected)
    assert any(decided) and not all(decided)  # both answers were exercised
    for entries in ([3, -7, 2], [sp.Rational(5, 3), sp.Rational(-5, 3)], [0, 0]):
        D = sp.diag(*entries)
        top = max(abs(v) for v in entries)
        assert spectral_norm_at_most(D, top)
        assert spectral_norm_at_most(D, top + sp.Rational(1, 10**9))
        if top > 0:
            assert not spectral_norm_at_most(D, top - sp.Rational(1, 10**9))


def test_norm_squared_of_a_matrix_is_the_frobenius_norm_squared():
    assert norm_squared(sp.Matrix([[1, 2], [3, 4]])) == 30


def test_lag_terms_add_up_to_the_backward_recursion_gradient():
    trace = unroll(_problem())[1]
    total = sum(lag_terms(trace).values(), sp.zeros(2, 2))
    assert total == sp.Matrix(backward_recursion(trace)["W"])


def test_truncation_at_or_beyond_T_is_the_full_gradient_and_below_it_is_not():
    problem = _problem()
    trace = unroll(problem)[1]
    terms = lag_terms(trace)
    full = sp.Matrix(forward_mode(problem)["W"])
    assert truncated_gradient(terms, 3) == full == detached_truncated_gradient(problem, 5)
    assert truncated_gradient(terms, 1) + long_lag_part(terms, 1) == full
    assert truncated_gradient(terms, 1) != full


def test_truncation_rejects_bad_arguments():
    problem = _problem()
    trace = unroll(problem)[1]
    with pytest.raises(InvalidArgumentError, match="tau"):
        truncated_gradient(lag_terms(trace), -1)
    with pytest.raises(InvalidArgumentError, match="tau"):
        detached_truncated_gradient(problem, 0)
    with pytest.raises(InvalidArgumentError, match="model 'A'"):
        lag_terms(unroll(_problem("B"))[1])
    with pytest.raises(InvalidArgumentError, match="weights"):
        randomised_gradient(lag_terms(trace), [1])
    with pytest.raises(InvalidArgumentError, match="probabilities"):
        randomised_moments(trace, [F(1, 2), 0, 1])


def test_randomised_truncation_with_all_weights_one_is_the_full_gradient():
    trace = unroll(_problem())[1]
    terms = lag_terms(trace)
    assert randomised_gradient(terms, [1, 1, 1]) == sum(terms.values(), sp.zeros(2, 2))
    assert randomised_gradient(terms, [0, 0, 0]) == truncated_gradient(terms, 1)


def test_second_moment_formula_agrees_with_enumeration_for_uneven_probabilities():
    trace = unroll(_problem())[1]
    keep = [F(1, 3), F(3, 4), F(1, 2)]
    _, second = randomised_moments(trace, keep)
    assert second == randomised_second_moment(trace, keep)


def test_unit_weight_chain_has_gradient_T_minus_1_minus_N():
    problem = unit_weight_chain(7, 4)
    assert forward_mode(problem)["W"][0][0] == 7 - 1 - 4


def test_examples_respect_their_stated_eta():
    for ex in examples():
        assert spectral_norm_at_most(sp.Matrix(ex.problem.W), ex.eta)


def test_cayley_transform_is_orthogonal_and_refuses_a_non_skew_matrix():
    Q = cayley_orthogonal(random_skew(4, seed=3))
    assert sp.eye(4) == Q.T * Q
    with pytest.raises(InvalidArgumentError, match="skew"):
        cayley_orthogonal(sp.Matrix([[1, 0], [0, 0]]))


def test_state_jacobian_product_matches_an_exact_difference_quotient_for_relu():
    W = [[F(1, 2), F(1, 3)], [F(-1, 4), F(1, 2)]]
    xs = [[1, 1], [F(1, 2), 2], [1, F(1, 3)]]
    base = run(W, [1, 2], xs, "relu")
    eps = F(1, 10**6)
    moved = run(W, [1 + eps, 2], xs, "relu")
    assert moved.slopes == base.slopes
    column = state_jacobian_product(W, base)[:, 0]
    assert (moved.state(3) - base.state(3)) / eps == column


def test_run_refuses_a_matrix_of_the_wrong_size():
    with pytest.raises(InvalidArgumentError, match="2×2"):
        run([[1]], [1, 2], [[0, 0]])


def test_output_feedback_gradient_matches_sympy_for_the_free_running_scalar_case():
    w = sp.Symbol("w")
    loss = output_feedback_loss(
        [[w]],
        [[1]],
        [[F(1, 2)]],
        [0],
        [[1], [F(-1, 2)]],
        [[1], [0], [1]],
        lambda a: a,
        forced=False,
    )
    expected = sp.diff(loss, w).subs(w, F(1, 3))
    rule = rational_rule("identity")
    got = output_feedback_gradient(
        [[F(1, 3)]],
        [[1]],
        [[F(1, 2)]],
        [0],
        [[1], [F(-1, 2)]],
        [[1], [0], [1]],
        rule,
        forced=False,
    )
    assert got[0, 0] == expected


def test_teacher_forcing_needs_one_more_target_than_inputs():
    with pytest.raises(InvalidArgumentError, match="T \\+ 1"):
        output_feedback_loss([[1]], [[1]], [[1]], [0], [[1]], [[1]], lambda a: a, forced=True)


def test_forced_local_gradients_give_one_term_per_step():
    rule = rational_rule("softsign")
    terms = forced_local_gradients([[1]], [[1]], [[1]], [0], [[1], [2]], [[0], [1], [0]], rule)
    assert len(terms) == 2


def test_elementwise_clipping_changes_the_direction_where_norm_clipping_does_not():
    grads = {"g": np.array([3.0, 1.0])}
    element = clip_elementwise(grads, 1.0)["g"]
    norm = clip_by_global_norm(grads, 1.0)["g"]
    assert np.allclose(element, [1.0, 1.0])
    assert abs(norm[0] * 1.0 - norm[1] * 3.0) < 1e-15  # parallel to (3, 1)
    assert element[0] * 1.0 - element[1] * 3.0 != 0


def test_elementwise_clipping_keeps_fractions_exact_and_refuses_bad_thresholds():
    out = clip_elementwise({"g": np.array([F(5, 2), F(-1, 3)], dtype=object)}, F(1, 2))
    assert list(out["g"]) == [F(1, 2), F(-1, 3)]
    for bad in (0, -1.0, float("nan"), float("inf")):
        with pytest.raises(InvalidArgumentError, match="threshold"):
            clip_elementwise({"g": np.array([1.0])}, bad)


def test_jordan_power_of_a_nilpotent_block_is_a_shift():
    assert jordan_power(3, 0, 0) == sp.eye(3)
    assert jordan_power(3, 0, 1) == sp.Matrix([[0, 1, 0], [0, 0, 1], [0, 0, 0]])
    assert jordan_power(3, 0, 3) == sp.zeros(3, 3)


def test_power_by_jordan_form_of_a_defective_matrix_matches_direct_powers():
    W = sp.Matrix([[2, 1], [-1, 0]])  # a single Jordan block for λ = 1
    _, J, W7 = power_by_jordan_form(W, 7)
    assert jordan_blocks(J) == [(1, 2)]
    assert W7 == W**7
    with pytest.raises(InvalidArgumentError, match="square"):
        power_by_jordan_form(sp.Matrix([[1, 2]]), 2)


def test_the_exact_rule_takes_sign_0_as_0():
    from symgrad.maths.activations import Activation, x

    rule = rational_rule(Activation("abs", sp.Abs(x)))  # σ′ = sign(x)
    assert rule(1, 0, Fraction(0)) == (Fraction(0), Fraction(0))
    assert rule(1, 0, Fraction(-1, 2)) == (Fraction(1, 2), Fraction(-1))


def test_difference_quotients_of_a_piecewise_linear_run_equal_the_jacobian_product():
    W = [[Fraction(1, 2), 1], [0, Fraction(-3, 4)]]
    xs = [[0, 0], [1, -2]]
    base = run(W, [1, -1], xs, "relu")
    assert {tuple(m) for m in base.slopes} == {(0, 1), (1, 0)}  # the masks change
    quotient = difference_quotient_jacobian(W, [1, -1], xs, "relu")
    assert quotient == state_jacobian_product(W, base)
    assert quotient != sp.Matrix(W) * sp.diag(*base.slopes[1]) * sp.Matrix(W)  # not reversed


def test_difference_quotients_refuse_smooth_activations_and_a_crossed_kink():
    with pytest.raises(InvalidArgumentError, match="activation='softsign'"):
        difference_quotient_jacobian([[1]], [1], [[0]], "softsign")
    with pytest.raises(HypothesisError, match="kink"):  # a = 1·(−1/2) + 1/2 = 0 sits on it
        difference_quotient_jacobian([[1]], [Fraction(-1, 2)], [[Fraction(1, 2)]], "relu")
    with pytest.raises(HypothesisError, match="kink"):  # a = −1 + 1/2 + b with b = 1/2
        difference_quotient_jacobian([[1]], [-1], [[Fraction(1, 2)]], "relu", b=[Fraction(1, 2)])
    # on the kink, but σ′ = 0 on both runs (a = −ε after the step): only the kink test sees it
    with pytest.raises(HypothesisError, match="kink"):
        difference_quotient_jacobian([[-1]], [1], [[Fraction(1, 2)]], "relu", b=[Fraction(1, 2)])


def test_scalar_chain_gradient_is_the_geometric_sum_minus_the_far_early_state():
    w, N, T = Fraction(1, 2), 10**4, 12
    full = forward_mode(scalar_chain(T, N, w))["W"][0][0]
    assert full == sum(w**j for j in range(T - 1)) - N * w ** (T - 1)
    assert detached_truncated_gradient(scalar_chain(T, N, w), 3)[0, 0] == Fraction(7, 4)
    assert full < 0


def test_scalar_chain_refuses_one_step_and_a_negative_offset():
    with pytest.raises(InvalidArgumentError, match="steps=1"):
        scalar_chain(1, 3)
    with pytest.raises(InvalidArgumentError, match="offset=-1"):
        scalar_chain(4, -1)
