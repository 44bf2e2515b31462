"""The one-step Jacobian in both layouts, for both model forms.

Statement. For Model A, h⁽ᵗ⁾ = σ(W h⁽ᵗ⁻¹⁾ + U x⁽ᵗ⁾ + b), the numerator-layout Jacobian is
∂h⁽ᵗ⁾/∂h⁽ᵗ⁻¹⁾ = diag(σ′(a⁽ᵗ⁾)) W; for Model B, x_t = W σ(x_{t−1}) + U u_t + b, it is
W diag(σ′(x_{t−1})). The denominator layout is the transpose: Wᵀ diag(σ′(a⁽ᵗ⁾)) for Model A,
which is the form printed in the literature. Pascanu et al.'s Wᵀ diag(σ′(x_{t−1})) is Model B
written for row vectors. All these matrices have the same spectral norm as their transposes.

Proof. The chain rule through h_i = σ(a_i) with a_i = Σ_r W_ir h_r + … gives
∂h_i/∂h_j = σ′(a_i) W_ij, i.e. row i of W scaled by σ′(a_i); for Model B,
∂x_i/∂x_j = W_ij σ′(x_j), column j scaled. Transposing gives the denominator forms.
"""

import sympy as sp

from symgrad import (
    ACTIVATIONS,
    Evidence,
    Outcome,
    Step,
    SymbolicRNN,
    Theorem,
    check_identities,
    jacobian_entry,
)
from symgrad.kernel import (
    AtTime,
    Cdots,
    Chain,
    Claim,
    Diag,
    Norm,
    Partial,
    Plus,
    Prime,
    Times,
    Transposed,
    check_holds,
    check_property,
    power_of_ten,
)
from symgrad.maths import bounds


def _entry(model):
    def check(settings):
        eq = jacobian_entry(model)
        i, j = sp.symbols("i j", integer=True, positive=True)
        W, sigma = sp.IndexedBase("W"), sp.Function("sigma")
        at = sp.IndexedBase("a")[i] if model == "A" else sp.IndexedBase("x")[j]
        rhs = eq.rhs
        expected = W[i, j] * sp.Derivative(sigma(at), at)
        ok = sp.simplify(rhs - expected) == 0
        return Outcome(
            ok,
            Claim(
                f"SymPy differentiates the Model {model} update with Indexed sums over",
                Chain(1, "<=", _r, "<=", _n),
                "for symbolic",
                _n,
                ":",
                sp.Eq(eq.lhs, rhs, evaluate=False),
            ),
            instances=[Claim("symbolic", _n, ",", _m)],
            left=rhs,
            right=expected,
        )

    return check


def _against_matrix_jacobian(model):
    def check(settings):
        cases = []
        for name in ACTIVATIONS:
            for n in (1, 2):  # symbolic n and m are the Indexed step above
                rnn = SymbolicRNN(hidden=n, inputs=1, activation=name, model=model)
                label = Claim(f"{name},", _is(_n, n))
                cases.append((label, rnn.one_step_jacobian(), rnn.explicit_jacobian()))
        return check_identities(
            f"the formula equals Matrix.jacobian of the explicit Model {model} step, exactly",
            cases,
        )

    return check


def _transpose(settings):
    cases = []
    for model in ("A", "B"):
        rnn = SymbolicRNN(hidden=3, model=model)
        D = sp.diag(*rnn.slope_argument(1).applyfunc(rnn.activation.prime))
        expected = rnn.W.T * D if model == "A" else D * rnn.W.T
        label = Claim(f"Model {model},", _is(_n, 3))
        cases.append((label, rnn.one_step_jacobian(layout="denominator"), expected))
    return check_identities(
        "the denominator layout equals the transpose of the numerator layout", cases
    )


def _row_form(settings):
    n = 3
    W = sp.Matrix(n, n, lambda i, j: sp.Symbol(f"W_{i + 1}{j + 1}", real=True))
    x = sp.Matrix(1, n, lambda _, j: sp.Symbol(f"x_{j + 1}", real=True))
    sigma = ACTIVATIONS["tanh"]
    new = x.applyfunc(sigma) * W  # row-vector Model B: x_t = σ(x_{t−1}) W + …
    J = new.jacobian(x)
    printed = W.T * sp.diag(*[sigma.prime(v) for v in x])
    return check_identities(
        Claim("the Jacobian of the row-vector Model B step equals", Transposed(_W) * _D_B),
        [(Claim("tanh,", _is(_n, 3)), J, printed)],
    )


def _norms(settings):
    from hypothesis import strategies as st

    from symgrad.maths.strategies import (
        activations,
        matrices_with_spectral_norm,
        preactivation_trajectories,
    )

    def prop(W, pre, act, model):
        J = bounds.step_jacobian(W, act.numpy_functions()[1](pre[0]), model)
        a, b = bounds.spectral_norm(J), bounds.spectral_norm(J.T)
        check_holds(abs(a - b) <= 1e-12 * max(1.0, a), f"‖J‖₂ = {a!r}", f"‖Jᵀ‖₂ = {b!r}")
        bounds.assert_one_step_bound(W, pre[0], act, model)

    return check_property(
        prop,
        [
            matrices_with_spectral_norm(4, norm=1.7),
            preactivation_trajectories(4, 1),
            activations(),
            st.sampled_from(["A", "B"]),
        ],
        settings=settings,
        default_examples=60,
        checked=Claim(
            Chain(Norm(_J, 2), "=", Norm(Transposed(_J), 2)),
            "and both",
            Chain("<=", _LAMBDA_GAMMA),
            "for Model A and Model B Jacobians",
        ),
        tolerance=Claim(
            "relative",
            power_of_ten(-12),
            "for the equality;",
            Times(4, _n, sp.Symbol("epsilon")),
            "for the bound",
        ),
    )


# the notation of the statement and the steps
_t, _n, _m, _i, _j, _r = sp.symbols("t n m i j r")
_x = sp.IndexedBase("x")
_W, _U, _J, _D = sp.symbols("W U J D", commutative=False)
_b, _sigma = sp.Symbol("b"), sp.Symbol("sigma")
_h, _av, _a = sp.IndexedBase("h", commutative=False), sp.IndexedBase("a"), sp.Symbol("a")
_W_ij, _W_ir, _J_ij = sp.symbols("W_ij W_ir J_ij", commutative=False)
_D_A = Diag(Prime("sigma", AtTime("a", _t)))
_D_B = Diag(Prime("sigma", _x[_t - 1]))
_NUMERATOR_A = Chain(Partial(AtTime("h", _t), AtTime("h", _t - 1)), "=", _D_A * _W)
_LAMBDA_GAMMA = Times(sp.Symbol("lambda_1"), sp.Symbol("gamma"))


def _is(symbol, value):
    """symbol = value, kept unevaluated (an instance's size)."""
    return sp.Eq(symbol, value, evaluate=False)


_STEP_A = Claim(
    sp.Eq(AtTime("h", _t), sp.Function("sigma")(AtTime("a", _t)), evaluate=False),
    ",",
    sp.Eq(
        AtTime("a", _t),
        Plus(_W * AtTime("h", _t - 1), _U * AtTime("x", _t), _b),
        evaluate=False,
    ),
)
_STEP_B = Chain(
    _x[_t],
    "=",
    Plus(
        _W * sp.Function("sigma", commutative=False)(_x[_t - 1]),
        _U * sp.IndexedBase("u", commutative=False)[_t],
        _b,
    ),
)
_MATRIX_CHECK = Claim(
    "the entry formula assembled as a matrix equals SymPy's Matrix.jacobian of the step, "
    "for every built-in",
    _sigma,
    "and",
    _n <= 2,
)

THEOREM = Theorem(
    stage=1,  # waits on γ of every activation, derived in the background
    id="jacobian_layouts",
    title="The one-step Jacobian in numerator and denominator layout",
    statement=Claim(
        "For Model A the one-step Jacobian is",
        _NUMERATOR_A,
        "in numerator layout and",
        Transposed(_W) * _D_A,
        "in denominator layout. For Model B it is",
        Chain(Partial(_x[_t], _x[_t - 1]), "=", _W * _D_B),
        "in numerator layout and",
        _D_B * Transposed(_W),
        "in denominator layout. The form",
        Transposed(_W) * _D_B,
        "printed in the literature is Model B written for row vectors.",
    ),
    formula=_NUMERATOR_A,
    convention=Claim(
        "column vectors; in numerator layout, entry (",
        _i,
        ",",
        _j,
        ") of",
        _J,
        "is the derivative of component",
        _i,
        "of the new state by component",
        _j,
        "of the old one (Model A:",
        Chain(_J_ij, "=", Partial(AtTime(_h[_i], _t), AtTime(_h[_j], _t - 1))),
        ");",
        Prime("sigma", AtTime("a", _t)),
        "and",
        Prime("sigma", _x[_t - 1]),
        "are taken elementwise",
    ),
    proof=Claim(
        "The chain rule through",
        sp.Eq(_h[_i], sp.Function("sigma")(_av[_i]), evaluate=False),
        "with",
        sp.Eq(_av[_i], Plus(sp.Sum(_W_ir * _h[_r], (_r, 1, _n)), Cdots()), evaluate=False),
        "gives",
        Chain(Partial(_h[_i], _h[_j]), "=", Times(Prime("sigma", _av[_i]), _W_ij)),
        ", that is, row",
        _i,
        "of",
        _W,
        "scaled by",
        Prime("sigma", _av[_i]),
        ". For Model B,",
        Chain(Partial(_x[_i], _x[_j]), "=", Times(_W_ij, Prime("sigma", _x[_j]))),
        ", that is, column",
        _j,
        "scaled by",
        Prime("sigma", _x[_j]),
        ". Transposing gives the denominator layout.",
    ),
    assumptions=[
        Claim(
            _sigma,
            "is differentiable at the pre-activations (at a kink",
            _a,
            ", the value of",
            Prime("sigma", _a),
            "defined there is used)",
        )
    ],
    references=[
        "Pascanu, Mikolov, Bengio (2013), On the difficulty of training RNNs, eq. (5)",
        "Goodfellow, Bengio, Courville (2016), Deep Learning, eqs. 10.20–10.21",
    ],
    tags=["jacobian", "layout", "model A", "model B", "erratum 6"],
    steps=[
        Step(
            Claim(
                Chain(
                    Partial(AtTime(sp.Symbol("h_i"), _t), AtTime(sp.Symbol("h_j"), _t - 1)),
                    "=",
                    Times(Prime("sigma", AtTime(sp.Symbol("a_i"), _t)), sp.Symbol("W_ij")),
                ),
                "for every",
                _n,
                "(Model A)",
            ),
            Claim("chain rule through", _STEP_A),
            Evidence.PROVED,
            _entry("A"),
        ),
        Step(
            Claim(_NUMERATOR_A, "(numerator layout, Model A)"),
            _MATRIX_CHECK,
            Evidence.CHECKED,
            _against_matrix_jacobian("A"),
            student=Claim(
                "the entries of step 1 arranged as a matrix: row",
                _i,
                "is scaled by",
                Prime("sigma", sp.Symbol("a_i")),
            ),
        ),
        Step(
            Claim(
                Chain(
                    Partial(_x[_i, _t], _x[_j, _t - 1]),
                    "=",
                    Times(sp.Symbol("W_ij"), Prime("sigma", _x[_j, _t - 1])),
                ),
                "for every",
                _n,
                "(Model B)",
            ),
            Claim(
                "chain rule through",
                sp.Function("sigma")(_x[_t - 1]),
                "inside",
                _STEP_B,
            ),
            Evidence.PROVED,
            _entry("B"),
        ),
        Step(
            Claim(
                Chain(Partial(_x[_t], _x[_t - 1]), "=", _W * _D_B), "(numerator layout, Model B)"
            ),
            _MATRIX_CHECK,
            Evidence.CHECKED,
            _against_matrix_jacobian("B"),
            student=Claim(
                "the entries of step 3 arranged as a matrix: column",
                _j,
                "is scaled by",
                Prime("sigma", _x[_j, _t - 1]),
            ),
        ),
        Step(
            Claim(
                "denominator layout:",
                Transposed(_W) * _D_A,
                "(A) and",
                _D_B * Transposed(_W),
                "(B)",
            ),
            Claim(
                Chain(
                    Transposed(_D * _W),
                    "=",
                    Transposed(_W) * Transposed(_D),
                    "=",
                    Transposed(_W) * _D,
                ),
                "since",
                _D,
                "is diagonal",
            ),
            Evidence.CHECKED,
            _transpose,
        ),
        Step(
            Claim(
                "row-vector Model B",
                Chain(_x[_t], "=", Plus(sp.Function("sigma")(_x[_t - 1]) * _W, Cdots())),
                ":",
                Chain(_J, "=", Transposed(_W) * _D_B),
            ),
            Claim("this is where the literature's", Transposed(_W) * _D_B, "comes from"),
            Evidence.CHECKED,
            _row_form,
        ),
        Step(
            Claim(
                Chain(
                    Norm(_J, 2),
                    "=",
                    Norm(Transposed(_J), 2),
                    "<=",
                    _LAMBDA_GAMMA,
                ),
                "in every layout and model",
            ),
            Claim(
                sp.Symbol("A", commutative=False),
                "and",
                Transposed(sp.Symbol("A", commutative=False)),
                "share singular values; the bound is the one_step_bound theorem",
            ),
            Evidence.TESTED,
            _norms,
        ),
    ],
)
