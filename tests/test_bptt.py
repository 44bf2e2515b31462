import itertools

import pytest
import sympy as sp

from symgrad.bptt import (
    BackpropError,
    LossGradient,
    StepJacobian,
    backward_recursion_formula,
    naive_check,
    recursion_induction,
    sum_of_products_formula,
)


@pytest.mark.parametrize("model", ["A", "B"])
def test_every_induction_step_is_checked_by_sympy(model):
    steps = recursion_induction(model)
    assert len(steps) == 5
    assert all(step.holds() for step in steps)


def test_induction_chain_links_up():
    steps = recursion_induction()
    for before, after in itertools.pairwise(steps[1:]):
        assert before.after == after.before
    assert steps[-1].after == backward_recursion_formula().rhs


def test_induction_rejects_a_wrong_order_of_factors():
    step = recursion_induction()[-1]
    t = sp.Symbol("t", integer=True, positive=True)
    h = sp.Symbol("h")
    wrong = LossGradient(t, h) + StepJacobian(t + 1, h) * BackpropError(t + 1, h)
    assert sp.expand(step.after - wrong) != 0


def test_general_form_uses_sum_and_product_over_symbolic_T():
    formula = sum_of_products_formula()
    assert isinstance(formula.rhs, sp.Sum)
    assert formula.rhs.has(sp.Product)
    assert sp.Symbol("T", integer=True, positive=True) in formula.rhs.free_symbols
    latex = sp.latex(formula)
    assert r"\prod_{i=t + 1}^{k}" in latex
    assert r"\frac{\partial^{+} h^{(t)}}{\partial W^{(t)}}" in latex


def test_model_b_prints_its_own_state_name():
    assert "x^{(k)}" in sp.latex(sum_of_products_formula("B"))


@pytest.mark.parametrize("model", ["A", "B"])
@pytest.mark.parametrize("activation", ["tanh", "arctan", "identity"])
def test_naive_route_agrees_with_the_real_activation(activation, model):
    assert naive_check(2, 2, activation=activation, model=model).ok


@pytest.mark.slow
def test_naive_route_at_a_larger_size():
    assert naive_check(3, 3, inputs=2).ok
