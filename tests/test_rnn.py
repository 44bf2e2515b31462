import pytest
import sympy as sp

from symgrad.errors import InvalidArgumentError, UnknownNameError
from symgrad.maths.activations import ACTIVATIONS
from symgrad.maths.rnn import SymbolicRNN, is_zero, jacobian_entry


@pytest.mark.parametrize("model", ["A", "B"])
@pytest.mark.parametrize("activation", sorted(ACTIVATIONS))
def test_jacobian_formula_equals_matrix_jacobian_of_the_step(activation, model):
    assert SymbolicRNN(
        hidden=2, steps=2, inputs=2, activation=activation, model=model
    ).check_jacobian(2)


@pytest.mark.parametrize("model", ["A", "B"])
def test_denominator_layout_is_the_transpose(model):
    rnn = SymbolicRNN(hidden=3, model=model)
    assert rnn.one_step_jacobian(layout="denominator") == rnn.one_step_jacobian().T


def test_a_wrong_formula_is_caught_by_the_jacobian_check():
    rnn = SymbolicRNN(hidden=2)
    wrong = rnn.W.T * sp.diag(*rnn.slope_argument(1).applyfunc(rnn.activation.prime))
    assert not all(is_zero(e) for e in wrong - rnn.explicit_jacobian(1))


@pytest.mark.parametrize("model", ["A", "B"])
def test_entry_formula_for_symbolic_n_matches_every_entry_at_n_3(model):
    rnn = SymbolicRNN(hidden=3, inputs=2, activation="tanh", model=model)
    explicit = rnn.explicit_jacobian(1)
    rhs = jacobian_entry(model).rhs
    W, sigma = sp.IndexedBase("W"), sp.Function("sigma")
    i, j = sp.symbols("i j", integer=True, positive=True)
    prev = rnn.state_symbols(0)
    args = rnn.slope_argument(1)
    for r in range(3):
        for c in range(3):
            where = args[r] if model == "A" else prev[c]
            value = rhs.subs({i: r + 1, j: c + 1}).subs(W[r + 1, c + 1], rnn.W[r, c])
            slope = rnn.activation.prime(where)
            value = value.replace(lambda e: isinstance(e, sp.Derivative), lambda _e, s=slope: s)
            value = value.subs(sigma, sp.Lambda(sp.Symbol("z"), rnn.activation(sp.Symbol("z"))))
            assert is_zero(value - explicit[r, c])


def test_model_b_state_is_model_a_preactivation():
    a = SymbolicRNN(hidden=2, steps=3, model="A")
    b = SymbolicRNN(hidden=2, steps=3, model="B")
    x0 = b.state_symbols(0)
    h0 = a.state_symbols(0)
    # start A from σ(x_0); rename inputs u -> x so both see the same data
    rename = {b.input_at(t)[j]: a.input_at(t)[j] for t in range(1, 4) for j in range(1)}
    rename.update({h0[i]: sp.tanh(x0[i]) for i in range(2)})
    for t in range(1, 4):
        h_t = a.states[t].subs(rename)
        x_t = b.states[t].subs(rename)
        assert all(is_zero(h_t[i] - sp.tanh(x_t[i])) for i in range(2))


def test_squared_loss_gradient_is_the_residual():
    rnn = SymbolicRNN(hidden=2, steps=1)
    h = rnn.state_symbols(1)
    grad = [sp.diff(rnn.step_loss(1, h), h[i]) for i in range(2)]
    assert grad == [h[i] - rnn.target_at(1)[i] for i in range(2)]


def test_generic_loss_shows_the_loss_derivative_symbolically():
    rnn = SymbolicRNN(hidden=1, steps=1, loss="generic")
    derivative = sp.diff(rnn.loss(), rnn.state_symbols(0)[0])
    assert derivative.has(sp.Derivative) or derivative.has(sp.Subs)


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"hidden": 0}, InvalidArgumentError),
        ({"hidden": 2, "steps": -1}, InvalidArgumentError),
        ({"hidden": 2, "model": "C"}, UnknownNameError),
        ({"hidden": 2, "activation": "tahn"}, UnknownNameError),
        ({"hidden": 2, "loss": "l1"}, UnknownNameError),
    ],
)
def test_bad_arguments_are_rejected(kwargs, error):
    with pytest.raises(error):
        SymbolicRNN(**kwargs)


def test_unknown_layout_is_rejected():
    with pytest.raises(UnknownNameError, match="layout"):
        SymbolicRNN(hidden=1).one_step_jacobian(layout="row")


@pytest.mark.parametrize("model", ["A", "B"])
def test_the_printed_model_form_is_the_step_the_package_differentiates(model):
    # MODELS is what `symgrad bptt` prints; with n = m = 1 it must be SymbolicRNN.step
    import sympy as sp

    from symgrad.kernel.notation import AtTime, Plus, Times
    from symgrad.maths.rnn import MODELS

    rnn = SymbolicRNN(hidden=1, inputs=1, activation="tanh", model=model)
    t = sp.Symbol("t")
    prev, now = rnn.state_symbols(0)[0], rnn.input_at(1)[0]
    form = MODELS[model]
    plain = form.rhs.xreplace(
        {
            AtTime(rnn.state_name, t - 1): prev,
            AtTime(rnn.input_name, t): now,
            sp.Symbol("W"): rnn.W[0],
            sp.Symbol("U"): rnn.U[0],
            sp.Symbol("b"): rnn.b[0],
        }
    )
    plain = plain.replace(Times, lambda *f: sp.Mul(*f)).replace(Plus, lambda *f: sp.Add(*f))
    plain = plain.replace(sp.Function("sigma"), sp.tanh)
    assert form.lhs == AtTime(rnn.state_name, t)
    assert sp.simplify(plain - rnn.step(sp.Matrix([prev]), 1)[0]) == 0
