from fractions import Fraction

import pytest
import sympy as sp

from symgrad.errors import BudgetExceededError, InvalidArgumentError, UnknownNameError
from symgrad.kernel.claims import text_of
from symgrad.maths import routes
from symgrad.maths.activations import ACTIVATIONS
from symgrad.maths.exact import (
    SAMPLE_SIZE,
    BPTTInstance,
    _atom_problem,
    degree_bound,
    predicted_cost,
    verify_bptt,
)


@pytest.mark.parametrize("loss", ["squared", "generic"])
@pytest.mark.parametrize("model", ["A", "B"])
@pytest.mark.parametrize(("n", "m", "T"), [(1, 1, 1), (2, 3, 4), (3, 1, 6)])
def test_all_routes_agree_exactly(n, m, T, model, loss):
    result = verify_bptt(BPTTInstance(n, T, m, model=model, loss=loss), seed=7)
    assert result.ok
    assert all(c.entries == 2 * (n * n + n * m + 2 * n) for c in result.comparisons)


@pytest.mark.parametrize("model", ["A", "B"])
def test_symbolic_method_proves_the_instance(model):
    assert verify_bptt(BPTTInstance(2, 3, 2, model=model), method="symbolic").ok


def _wrong_layout(trace, v, t):
    """v · Jᵀ instead of v · J: the transpose mistake readers of the paper make."""
    W, d = trace.problem.W, trace.slopes[t]
    n = len(v)
    if trace.problem.model == "A":
        return [sum((v[i] * d[i] * W[j][i] for i in range(n)), 0) for j in range(n)]
    return [sum((v[i] * W[j][i] for i in range(n)), 0) * d[j] for j in range(n)]


def _wrong_time(trace, v, t):
    """σ′ taken one step too early (the seed's h⁽ⁱ⁻¹⁾ argument applied to Model A)."""
    shifted = routes.Trace(
        trace.problem,
        trace.states,
        [trace.slopes[max(t - 1, 1)]] * len(trace.slopes),
        trace.coeff,
        trace.feeds,
    )
    return _original(shifted, v, t)


_original = routes._row_times_jacobian


@pytest.mark.parametrize("mutation", [_wrong_layout, _wrong_time])
@pytest.mark.parametrize("model", ["A", "B"])
def test_a_wrong_backward_pass_is_caught(monkeypatch, mutation, model):
    monkeypatch.setattr(routes, "_row_times_jacobian", mutation)
    result = verify_bptt(BPTTInstance(2, 3, model=model), seed=3)
    assert not result.ok
    failed = [c for c in result.comparisons if not c.ok]
    bad = failed[0].mismatches[0]
    assert isinstance(bad.left, sp.Basic) and isinstance(bad.right, sp.Basic)  # objects
    assert bad.left != bad.right
    rows = [m for c in result.to_dict()["comparisons"] for m in c["mismatches"]]
    assert rows[0]["left"] == text_of(bad.left)  # JSON: the same value, as text


def test_degree_bound_bounds_the_true_degree():
    inst = BPTTInstance(2, 3, 1)
    bound = degree_bound(inst)
    problem = _atom_problem(inst, sp.Symbol)
    atoms = sorted(
        {s for row in problem.W for s in row}
        | set(problem.b)
        | set(problem.h0)
        | {s for v in problem.xs for s in v}
        | {s for v in problem.ys for s in v}
        | {s for t in range(4) for i in range(2) for s in problem.sigma(t, i, None)},
        key=str,
    )
    grads = routes.forward_mode(problem)
    true_degree = max(
        sp.Poly(sp.expand(e), *atoms).total_degree()
        for rows in grads.values()
        for row in rows
        for e in row
    )
    assert true_degree <= bound
    assert bound - true_degree <= 2  # the bound is not wildly loose either


def test_failure_probability_follows_schwartz_zippel():
    result = verify_bptt(BPTTInstance(2, 4), trials=3, seed=1)
    assert result.failure_probability == pytest.approx((result.degree_bound / SAMPLE_SIZE) ** 3)
    assert "Schwartz–Zippel" in result.guarantee


def test_same_seed_reproduces_the_same_points():
    inst = BPTTInstance(2, 3)
    draws = []
    for _ in range(2):
        import random

        rng = random.Random(5)
        draws.append(routes.forward_mode(_atom_problem(inst, lambda _n, r=rng: r.randint(1, 99))))
    assert draws[0] == draws[1]
    assert verify_bptt(inst, seed=11).seed == 11


def test_budget_refusal_says_what_fits():
    with pytest.raises(BudgetExceededError, match=r"steps=\d+ fits at hidden=40"):
        verify_bptt(BPTTInstance(40, 200))


def test_predicted_cost_grows_with_every_size():
    base = predicted_cost(BPTTInstance(3, 5, 2))
    assert predicted_cost(BPTTInstance(4, 5, 2)) > base
    assert predicted_cost(BPTTInstance(3, 6, 2)) > base
    assert predicted_cost(BPTTInstance(3, 5, 3)) > base


@pytest.mark.parametrize(
    ("call", "error"),
    [
        (lambda: BPTTInstance(2, 2, activation="nope"), UnknownNameError),
        (lambda: BPTTInstance(2, 2, model="C"), UnknownNameError),
        (lambda: BPTTInstance(2, 2, loss="hinge"), UnknownNameError),
        (lambda: verify_bptt(BPTTInstance(2, 2), method="guess"), UnknownNameError),
        (lambda: verify_bptt(BPTTInstance(2, 2), trials=0), InvalidArgumentError),
        (lambda: verify_bptt(BPTTInstance(2, 2), seed="x"), InvalidArgumentError),
    ],
)
def test_bad_arguments_are_rejected(call, error):
    with pytest.raises(error):
        call()


@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
def test_every_builtin_activation_is_accepted(activation):
    assert verify_bptt(BPTTInstance(2, 2, activation=activation), seed=0).ok


def _verdicts(result):
    return {c.left: c.ok for c in result.comparisons}


def test_the_two_bptt_routes_share_no_backward_code(monkeypatch):
    # a wrong sum-of-products helper leaves the recursion route intact, and vice versa
    monkeypatch.setattr(routes, "_row_times_jacobian", _wrong_layout)
    verdicts = _verdicts(verify_bptt(BPTTInstance(2, 3), seed=3))
    assert verdicts == {"sum of products": False, "backward recursion": True}
    monkeypatch.undo()
    monkeypatch.setattr(routes, "_jacobian", lambda tr, t: routes._transpose(_orig_jacobian(tr, t)))
    verdicts = _verdicts(verify_bptt(BPTTInstance(2, 3), seed=3))
    assert verdicts == {"sum of products": True, "backward recursion": False}


_orig_jacobian = routes._jacobian


@pytest.mark.parametrize("model", ["A", "B"])
def test_a_sign_flip_in_the_recursion_route_is_caught(monkeypatch, model):
    original = routes._differentiated_loss
    monkeypatch.setattr(
        routes, "_differentiated_loss", lambda p, k, s: [-v for v in original(p, k, s)]
    )
    assert not verify_bptt(BPTTInstance(2, 3, model=model), seed=1).ok


def test_dual_numbers_handle_constants_on_either_side():
    a = routes.Dual(3, [1, 0])
    assert (a + 2).value == 5 and (2 + a).value == 5
    assert (a - 2).value == 1 and (2 - a).value == -1 and (2 - a).tangent == [-1, 0]
    assert (a * 2).tangent == [2, 0] and (2 * a).value == 6


@pytest.mark.parametrize("model", ["A", "B"])
def test_a_single_step_instance_is_verified(model):
    assert verify_bptt(BPTTInstance(2, 1, inputs=2, model=model), seed=5).ok


def test_points_are_drawn_from_the_documented_range():
    result = verify_bptt(BPTTInstance(2, 2), seed=4)
    bound = Fraction(result.degree_bound, 2**62 - 1) ** result.trials
    assert result.failure_probability == float(bound)
    assert "{1..2^62-1}" in result.guarantee


class _Counted:
    """An integer that counts every + − × it takes part in (a measured operation count)."""

    ops = 0

    def __init__(self, v):
        self.v = v

    def _op(self, other, f):
        _Counted.ops += 1
        return _Counted(f(self.v, other.v if isinstance(other, _Counted) else other))

    def __add__(self, o):
        return self._op(o, lambda a, b: a + b)

    __radd__ = __add__

    def __sub__(self, o):
        return self._op(o, lambda a, b: a - b)

    def __rsub__(self, o):
        return self._op(o, lambda a, b: b - a)

    def __mul__(self, o):
        return self._op(o, lambda a, b: a * b)

    __rmul__ = __mul__


@pytest.mark.parametrize(
    ("n", "m", "T"), [(1, 1, 1), (2, 1, 3), (3, 2, 4), (3, 1, 8), (1, 3, 12), (1, 1, 16)]
)
def test_predicted_cost_bounds_the_counted_operations(n, m, T):
    from symgrad.maths.exact import ROUTES, _atom_problem

    instance = BPTTInstance(n, T, inputs=m)
    _Counted.ops = 0
    problem = _atom_problem(instance, lambda _name: _Counted(3))
    for route in ROUTES.values():
        route(problem)
    counted = _Counted.ops
    # every + − × of the three routes, the tangents of forward mode included: the prediction
    # is within [0.75, 2] times the count (measured 0.82 to 1.74 over these sizes)
    assert 0.75 * counted <= predicted_cost(instance) <= 2 * counted
