import pytest
import sympy as sp

from symgrad.kernel.text import text
from symgrad.maths import bptt
from symgrad.maths.bptt import (
    BackpropError,
    LossGradient,
    StepJacobian,
    naive_check,
    recursion_induction,
    sum_of_products_formula,
)
from symgrad.render.printing import latex as printed_latex


@pytest.mark.parametrize("model", ["A", "B"])
def test_every_induction_step_holds(model):
    steps = recursion_induction(model)
    assert len(steps) == 7
    assert all(step.holds() for step in steps)
    assert [s.evidence for s in steps].count("checked") == 2


def _wrong_formula(kind):
    t = bptt.t

    def formula(model="A"):
        h = bptt._h(model)
        e, J, G = BackpropError(t + 1, h), StepJacobian(t + 1, h), LossGradient(t, h)
        rhs = {"J on the left": G + J * e, "sign flip": G - e * J, "no local term": e * J}[kind]
        return sp.Eq(BackpropError(t, h), rhs, evaluate=False)

    return formula


@pytest.mark.parametrize("kind", ["J on the left", "sign flip", "no local term"])
def test_induction_fails_on_a_falsified_recursion(monkeypatch, kind):
    monkeypatch.setattr(bptt, "backward_recursion_formula", _wrong_formula(kind))
    verdicts = [s.holds() for s in recursion_induction()]
    # the inductive step, the non-commuting instances and the chain-rule link all object
    assert verdicts[4:] == [False, False, False]


def test_peel_lemma_fails_with_the_factor_on_the_wrong_side(monkeypatch):
    monkeypatch.setattr(
        bptt,
        "_peeled_product",
        lambda kk, tt, h: StepJacobian(tt + 1, h) * bptt.StateJacobian(kk, tt + 1, h),
    )
    verdicts = [s.holds() for s in recursion_induction()]
    assert verdicts[0] is False and verdicts[4] is False


def test_distributivity_lemma_fails_when_the_factor_leaves_on_the_left(monkeypatch):
    monkeypatch.setattr(bptt, "_factor_right", lambda s, r, lim: r * sp.Sum(s, lim))
    verdicts = [s.holds() for s in recursion_induction()]
    assert verdicts[1] is False and verdicts[4] is False


def test_chain_rule_link_fails_with_a_transposed_jacobian(monkeypatch):
    original = bptt.SymbolicRNN.one_step_jacobian
    monkeypatch.setattr(
        bptt.SymbolicRNN,
        "one_step_jacobian",
        lambda self, tt=1, layout="numerator": original(self, tt).T,
    )
    assert not bptt.chain_rule_link_holds("A")
    assert not bptt.chain_rule_link_holds("B")


def test_concrete_recursion_uses_non_commuting_matrices():
    assert bptt.concrete_recursion_holds("A")
    assert bptt.concrete_recursion_holds("B", sizes=((2, 2), (5, 3)))


def test_general_form_uses_sum_and_product_over_symbolic_T():
    formula = sum_of_products_formula()
    assert isinstance(formula.rhs, sp.Sum)
    assert formula.rhs.has(sp.Product)
    assert sp.Symbol("T", integer=True, positive=True) in formula.rhs.free_symbols
    latex = printed_latex(formula)  # the package's printer: its notation objects typeset
    assert r"\prod_{i=t + 1}^{k}" in latex
    assert r"\frac{\partial^{+} h^{(t)}}{\partial W^{(t)}}" in latex


def test_model_b_prints_its_own_state_name():
    assert "x^{(k)}" in printed_latex(sum_of_products_formula("B"))
    assert "x⁽ᵏ⁾" in text(sum_of_products_formula("B"))


@pytest.mark.parametrize("model", ["A", "B"])
@pytest.mark.parametrize("activation", ["tanh", "arctan", "identity"])
def test_naive_route_agrees_with_the_real_activation(activation, model):
    assert naive_check(2, 2, activation=activation, model=model).ok


@pytest.mark.slow
def test_naive_route_at_a_larger_size():
    assert naive_check(3, 3, inputs=2).ok


def test_numeric_shape_errors_name_the_expected_shapes():
    import numpy as np

    from symgrad.errors import InvalidArgumentError
    from symgrad.maths.numeric import bptt_gradients, jacobian_norms

    W, U, b = np.eye(2), np.ones((2, 1)), np.zeros(2)
    xs, h0 = np.zeros((3, 1, 1)), np.zeros((1, 2))
    with pytest.raises(InvalidArgumentError, match=r"\(T, B, n\) = \(3, 1, 2\)"):
        bptt_gradients(W, U, b, xs, h0, np.zeros((3, 1, 1)))
    with pytest.raises(InvalidArgumentError, match=r"\(0\.\.0\)"):
        jacobian_norms(W, U, b, xs, h0, "identity", sample=1)


def test_bound_assertions_accept_equality():
    import numpy as np

    from symgrad.maths import bounds

    bounds.assert_one_step_bound(np.zeros((2, 2)), np.zeros(2), "tanh")  # 0 ≤ 0
    limit = 1 + bounds.product_tolerance(1, 1)
    bounds.assert_eta_decay(np.array([[limit]]), np.zeros((1, 1)), "identity", eta=1.0)


def test_the_displayed_distributivity_relation_must_be_an_instance_of_the_lemma():
    import sympy as sp

    from symgrad.maths.bptt import LossGradient, StepJacobian, T, _apply_distributivity, k, t

    h = sp.Symbol("h")
    J = StepJacobian(t + 1, h)
    pulled = sp.Sum(LossGradient(k, h), (k, t + 1, T)) * J
    assert _apply_distributivity(sp.Sum(LossGradient(k, h) * J, (k, t + 1, T)), J) == pulled
    assert _apply_distributivity(sp.Sum(LossGradient(k, h) * J, (k, t - 1, T)), J) != pulled
    assert _apply_distributivity(sp.Sum(J * LossGradient(k, h), (k, t + 1, T)), J) is None


def test_a_placeholder_without_its_state_prints_the_state_h():
    # the state's name is the last argument when given, h otherwise (never the time index)
    from symgrad.maths.bptt import BackpropError, LossGradient

    t = sp.Symbol("t")
    assert text(BackpropError(t)) == "∂L/∂h⁽ᵗ⁾"
    assert text(LossGradient(t, sp.Symbol("x"))) == "∂L⁽ᵗ⁾/∂x⁽ᵗ⁾"
