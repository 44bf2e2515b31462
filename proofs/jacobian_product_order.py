"""The Jacobian over a lag is the product of one-step Jacobians, latest factor on the left.

Statement. ∂h⁽ᵏ⁾/∂h⁽ᵗ⁾ = J_k J_{k−1} ⋯ J_{t+1} with J_i = ∂h⁽ⁱ⁾/∂h⁽ⁱ⁻¹⁾ (numerator layout),
for both model forms. In denominator layout the order reverses: J_{t+1}ᵀ ⋯ J_kᵀ. The order
matters: the reversed product is a different matrix.

Proof. Induction on k − t with the chain rule: ∂h⁽ᵏ⁾/∂h⁽ᵗ⁾ = (∂h⁽ᵏ⁾/∂h⁽ᵏ⁻¹⁾)(∂h⁽ᵏ⁻¹⁾/∂h⁽ᵗ⁾).
"""

from functools import cache

import sympy as sp

from symgrad import Evidence, Outcome, Step, SymbolicRNN, Theorem, check_identities
from symgrad.kernel import (
    AtTime,
    Ball,
    Cdots,
    Chain,
    Claim,
    Decimal,
    Diag,
    OrderedProduct,
    Partial,
    Plus,
    Prime,
    Size,
    Transposed,
    power_of_ten,
)


@cache
def _unrolled(model, n=2, T=3):
    rnn = SymbolicRNN(hidden=n, steps=T, activation="tanh", model=model)
    h0 = rnn.state_symbols(0)
    states = rnn.states
    jac = []
    for t in range(1, T + 1):
        prev = rnn.state_symbols(t - 1)
        J = rnn.one_step_jacobian(t).subs(dict(zip(prev, states[t - 1], strict=True)))
        jac.append(J)
    return h0, states, jac


def _order(settings):
    cases = []
    for model in ("A", "B"):
        J = _unrolled(model)[2]
        direct = _direct(model)
        label = Claim(f"Model {model},", _is(_n, 2), ",", _is(_k - _t, 3), ", tanh")
        cases.append((label, direct, J[2] * J[1] * J[0]))
    return check_identities(
        Claim(
            "Matrix.jacobian of the unrolled",
            _h("h", 3),
            "with respect to",
            _h("h", 0),
            "equals",
            _J[3] * _J[2] * _J[1],
        ),
        cases,
    )


@cache
def _direct(model):
    """∂h⁽³⁾/∂h⁽⁰⁾ by Matrix.jacobian of the unrolled state (n = 2)."""
    h0, states, _ = _unrolled(model)
    return states[3].jacobian(h0)


def _arb_value(expr):
    """An arb ball certified to contain the value of a SymPy constant (+, ·, powers, tanh)."""
    from flint import arb

    if isinstance(expr, sp.Rational):
        return arb(int(expr.p)) / int(expr.q)
    if isinstance(expr, sp.Add):
        return sum((_arb_value(a) for a in expr.args[1:]), _arb_value(expr.args[0]))
    if isinstance(expr, sp.Mul):
        value = _arb_value(expr.args[0])
        for a in expr.args[1:]:
            value = value * _arb_value(a)
        return value
    if isinstance(expr, sp.Pow) and expr.exp.is_Integer:
        return _arb_value(expr.base) ** int(expr.exp)
    if isinstance(expr, sp.tanh):
        return _arb_value(expr.args[0]).tanh()
    raise TypeError(f"no certified evaluation for {expr}")


def _ball(text):
    """An arb ball's text as a Ball; a ball around 0 is written [+/- r], without its midpoint."""
    inner = text.strip().removeprefix("[").removesuffix("]").strip()
    if inner.startswith("+/-"):
        return Ball(0, Decimal(inner.removeprefix("+/-").strip()))
    return Ball.parse(text)


def _reversed_differs(settings):
    _, _, J = _unrolled("A")
    direct = _direct("A")
    point = {
        s: sp.Rational(k + 1, 7) * (-1) ** k
        for k, s in enumerate(sorted(direct.free_symbols, key=str))
    }
    at = [j.subs(point) for j in J]  # the product in the wrong order, at the point
    wrong = at[0] * at[1] * at[2] - direct.subs(point)
    balls = [_arb_value(v) for v in wrong]
    differs = any(not ball.contains(0) for ball in balls)  # a ball without 0: certainly ≠ 0
    shown = [_ball(b.str(6, radius=True)) for b in balls]
    return Outcome(
        differs,
        Claim(
            Plus(_J[1] * _J[2] * _J[3], -_lag(3, 0)),
            "at a rational point, each entry enclosed in an arb ball (python-flint; certified): "
            "some ball excludes",
            0,
        ),
        instances=[Claim("Model A,", _is(_n, 2), ", tanh")],
        left=Claim("the entries lie in the balls", *_separated(shown, ";")),
        right=Claim("some ball excludes", 0),
    )


def _denominator(settings):
    _, _, J = _unrolled("A")
    direct = _direct("A")
    return check_identities(
        _DENOMINATOR, [(Claim("Model A,", _is(_n, 2)), direct.T, J[0].T * J[1].T * J[2].T)]
    )


def _numeric_order(settings):
    """numeric.one_step_jacobians exactly, and numeric.jacobian_norms against exact products."""
    from fractions import Fraction

    import numpy as np

    from symgrad.maths.activations import Activation, x
    from symgrad.maths.numeric import forward, jacobian_norms, one_step_jacobians

    quarter = Activation("quarter_square", x + x**2 / 4)  # dyadic floats stay exact
    W = np.array([[1, 2], [0, -1]])  # non-normal: the reversed products have other norms
    U, b = np.array([[1], [-1]]), np.array([0, 1])
    xs, h0 = np.array([[[1]], [[0]], [[-1]], [[1]]]), np.array([[1, -1]])
    T = xs.shape[0]
    # the exact forward pass and Jacobians, written here: J_t = diag(1 + a_t/2) W
    h, exact_J = [Fraction(1), Fraction(-1)], []
    for t in range(T):
        a = [
            sum(Fraction(int(W[i, r])) * h[r] for r in range(2))
            + int(U[i, 0] * xs[t, 0, 0])
            + int(b[i])
            for i in range(2)
        ]
        exact_J.append(
            sp.Matrix(
                2, 2, lambda i, j, a=a: sp.Rational(1) * (1 + sp.Rational(a[i]) / 2) * int(W[i, j])
            )
        )
        h = [v + v * v / 4 for v in a]
    got_J = one_step_jacobians(forward(W, U, b, xs, h0, quarter), W)[:, 0]
    jac_ok = all(
        sp.Matrix(2, 2, lambda i, j, t=t: sp.Rational(Fraction(float(got_J[t, i, j]))))
        == exact_J[t]
        for t in range(T)
    )
    norms = jacobian_norms(W, U, b, xs, h0, quarter)
    worst = 0.0
    product = sp.eye(2)
    for lag in range(1, T + 1):
        product = product * exact_J[T - lag]  # J_T ⋯ J_{T−lag+1}, latest on the left
        gram = product.T * product
        tr, det = gram.trace(), gram.det()
        exact = sp.sqrt((tr + sp.sqrt(tr**2 - 4 * det)) / 2)
        worst = max(worst, abs(float(norms[lag]) / float(exact) - 1))
    ok = jac_ok and worst <= 1e-12
    return Outcome(
        ok,
        Claim(
            "numeric.one_step_jacobians equals",
            Diag(Prime("sigma", _a)) * _W,
            "exactly (dyadic data), and numeric.jacobian_norms equals the norm of the product of "
            "the last",
            _k,
            "Jacobians computed exactly (closed-form",
            Size(2, 2),
            "singular value) for every lag",
        ),
        instances=[
            Claim(
                "Model A,",
                _is(_n, 2),
                ",",
                _is(sp.Symbol("T"), 4),
                ",",
                _is(sp.Function("sigma")(_a), Plus(_a, _a**2 / 4)),
                ", integer",
                *_separated([_W, sp.Symbol("U"), sp.Symbol("b"), sp.Symbol("x"), sp.Symbol("h_0")]),
            )
        ],
        tolerance=Claim("relative", power_of_ten(-12), "on the norms (floating-point SVD)"),
        left=Claim(f"Jacobians exact: {jac_ok}; worst relative norm error", sp.Float(worst, 3)),
        right=Claim(
            "Jacobians exact: True; worst relative norm error", Chain("<=", sp.Float("1e-12"))
        ),
    )


# the notation of the statement and the steps
_h = AtTime
_J = sp.IndexedBase("J", commutative=False)
_k, _t, _i, _n, _a = sp.symbols("k t i n a")
_W, _A, _B = sp.symbols("W A B", commutative=False)


def _lag(k, t):
    return Partial(_h("h", k), _h("h", t))


def _is(symbol, value):
    """symbol = value, kept unevaluated (an instance's size)."""
    return sp.Eq(symbol, value, evaluate=False)


def _separated(items, mark=","):
    """The items as parts of a claim, with `mark` between them (a list: W, U, b)."""
    out = []
    for item in items:
        out += [mark, item] if out else [item]
    return out


_DENOMINATOR = Chain(
    Transposed(_lag(3, 0)),
    "=",
    Transposed(_J[1]) * Transposed(_J[2]) * Transposed(_J[3]),
)


THEOREM = Theorem(
    id="jacobian_product_order",
    title="The Jacobian over a lag is an ordered product",
    statement=Claim(
        "In numerator layout the Jacobian over a lag is the product of the one-step Jacobians",
        Chain(_J[_i], "=", _lag(_i, _i - 1)),
        ", the latest factor on the left:",
        Chain(_lag(_k, _t), "=", _J[_k] * _J[_k - 1] * Cdots() * _J[_t + 1]),
        ". In denominator layout the order reverses:",
        Chain(Transposed(_lag(_k, _t)), "=", Transposed(_J[_t + 1]) * Cdots() * Transposed(_J[_k])),
        ".",
    ),
    formula=Chain(
        _lag(_k, _t),
        "=",
        OrderedProduct(_lag(_i, _i - 1), _i, _t + 1, _k),
        "=",
        _J[_k] * _J[_k - 1] * Cdots() * _J[_t + 1],
    ),
    convention="numerator layout; the product is written latest factor first",
    proof=Claim(
        "The chain rule, one step at a time:",
        Chain(_lag(_k, _t), "=", _J[_k] * _lag(_k - 1, _t)),
        ".",
    ),
    references=["Pascanu et al. (2013), eq. (5), where the order is left unstated"],
    tags=["jacobian", "product", "eq. (4)"],
    steps=[
        Step(
            Claim(
                Chain(_lag(3, 0), "=", _J[3] * _J[2] * _J[1]),
                "for the unrolled network (both models)",
            ),
            "chain rule applied by SymPy to the unrolled states, compared exactly",
            Evidence.CHECKED,
            _order,
            student=Claim(
                "chain rule, applied one step at a time through", _h("h", 2), "and", _h("h", 1)
            ),
        ),
        Step(
            Chain(_J[1] * _J[2] * _J[3], "!=", _lag(3, 0)),
            "matrix products do not commute: the order stated above is the only right one",
            Evidence.CHECKED,
            _reversed_differs,
        ),
        Step(
            Claim("the numeric implementation multiplies in this order"),
            "one-step Jacobians compared exactly, products' norms against exact values",
            Evidence.TESTED,
            _numeric_order,
            student="",
        ),
        Step(
            _DENOMINATOR,
            Claim(
                Chain(Transposed(_A * _B), "=", Transposed(_B) * Transposed(_A)),
                ": the denominator layout reverses the order",
            ),
            Evidence.CHECKED,
            _denominator,
        ),
    ],
)
