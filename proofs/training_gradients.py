"""The training experiment computes what it says: the adding problem, its gradients, its steps.

Statement. For the network h⁽ᵗ⁾ = tanh(W h⁽ᵗ⁻¹⁾ + U x⁽ᵗ⁾ + b), h⁽⁰⁾ = 0, with the readout
ŷ = vᵀh⁽ᵀ⁾ + c and L = ½ mean_batch (ŷ − y)² (the experiment behind the training figures,
:mod:`symgrad.maths.training`): (1) every adding-problem sequence marks exactly two steps, one in
each half, and its target is the sum of the two marked values; always predicting 1 has
expected loss E L = ½ Var(u₁ + u₂) = 1/12 for independent u₁, u₂ uniform on [0, 1] (a batch's
L is a sample mean around it). (2) The backward
recursion returns ∂L/∂θ for θ = W, U, b, v, c. (3) Step t's share of ∂L/∂W is
δ_t h⁽ᵗ⁻¹⁾ᵀ with δ_t = D_t J_{t+1}ᵀ⋯J_Tᵀ ∂L/∂h⁽ᵀ⁾, and the shares sum to ∂L/∂W. (4) Each
iteration takes the step θ ← θ − η·ĝ, with ĝ the gradient clipped to global norm τ when a
threshold is given; W starts as λ₁ times an orthogonal matrix. (2)–(4) are tested in floats.

Proof. (1) Var U(0, 1) = 1/12 and variances of independent variables add. (2)–(3) the chain
rule; checked against central differences of L and against Jacobian products built here.
(4) by replaying the first iterations from the same seed.
"""

import numpy as np
import sympy as sp

from symgrad import Evidence, Outcome, Step, Theorem, check_identities, check_property
from symgrad.kernel import (
    AtTime,
    Cdots,
    Chain,
    Claim,
    Decimal,
    Diag,
    Norm,
    Op,
    Partial,
    Plus,
    Prime,
    Times,
    Transposed,
    check_holds,
    power_of_ten,
)
from symgrad.maths.training import (
    BASELINE_LOSS,
    adding_problem,
    initial_parameters,
    readout_gradients,
    train,
)


def _loss(params, xs, y):
    """L computed directly, a loop over time with NumPy only (no symgrad code)."""
    h = np.zeros((xs.shape[1], params["W"].shape[0]))
    for t in range(xs.shape[0]):
        h = np.tanh(h @ params["W"].T + xs[t] @ params["U"].T + params["b"])
    return 0.5 * float(np.mean((h @ params["v"] + params["c"][0] - y) ** 2))


def _case(seed, hidden=3, steps=6, batch=4):
    rng = np.random.default_rng(seed)
    params = initial_parameters(hidden, 0.9, rng)
    params["b"] = rng.normal(scale=0.3, size=hidden)  # non-zero, so that b's gradient shows
    params["c"] = rng.normal(size=1)
    xs, y = adding_problem(steps, batch, rng)
    return params, xs, y


TWELFTH = sp.Rational(1, 12)


def _data(settings, baseline=TWELFTH):
    u1, u2 = sp.symbols("u1 u2", real=True)
    mean = sp.integrate(u1 + u2, (u1, 0, 1), (u2, 0, 1))
    variance = sp.integrate((u1 + u2 - mean) ** 2, (u1, 0, 1), (u2, 0, 1))
    bad = []
    for seed in range(5):
        xs, y = adding_problem(9, 7, np.random.default_rng(seed))
        marks = xs[:, :, 1]
        half = xs.shape[0] // 2
        if not (np.all(marks.sum(axis=0) == 2) and np.all(marks[:half].sum(axis=0) == 1)):
            bad.append(f"seed {seed}: marks per sequence {marks.sum(axis=0).tolist()}")
        if not np.allclose(y, (xs[:, :, 0] * marks).sum(axis=0), rtol=0, atol=1e-15):
            bad.append(f"seed {seed}: targets are not the sums of the marked values")
    out = check_identities(
        Claim(
            Chain(_HALF_VARIANCE, "=", TWELFTH),
            "for",
            _u1,
            ",",
            _u2,
            "independent uniform on",
            sp.Interval(0, 1),
            ", integrated by SymPy",
        ),
        [("exact", variance / 2, baseline)],
    )
    same = float(baseline) == BASELINE_LOSS
    return Outcome(
        out.ok and same and not bad,
        Claim(
            out.checked,
            "; training.BASELINE_LOSS is that value; 5 batches (",
            sp.Eq(_T, 9, evaluate=False),
            ",",
            sp.Eq(_B, 7, evaluate=False),
            "): two marks per sequence, one in the first half, and the target is the sum of the "
            "marked values",
        ),
        instances=[Claim("symbolic", _u1, ",", _u2), "seeds 0..4"],
        left=bad[0]
        if bad
        else Claim(
            *[out.left, ";"] * (out.left is not None), "training.BASELINE_LOSS is", BASELINE_LOSS
        ),
        right=Claim("two marks, one per half;", sp.Rational(1, 12)),
    )


def _gradients(settings):
    from hypothesis import strategies as st

    def prop(seed):
        params, xs, y = _case(seed)
        result = readout_gradients(params, xs, y)
        check_holds(
            abs(result.loss - _loss(params, xs, y)) <= 1e-14,
            f"loss {result.loss!r}",
            f"direct {_loss(params, xs, y)!r}",
        )
        eps = 1e-6
        for name, value in params.items():
            fd = np.zeros_like(value)
            for index in np.ndindex(value.shape):
                up = {k: np.array(v, dtype=float) for k, v in params.items()}
                down = {k: np.array(v, dtype=float) for k, v in params.items()}
                up[name][index] += eps
                down[name][index] -= eps
                fd[index] = (_loss(up, xs, y) - _loss(down, xs, y)) / (2 * eps)
            err = float(np.max(np.abs(result.grads[name] - fd)))
            check_holds(err <= 1e-8, f"max |∂L/∂{name} − central differences| = {err!r}", "10⁻⁸")

    return check_property(
        prop,
        [st.integers(0, 10**6)],
        settings=settings,
        default_examples=8,
        checked=Claim(
            "training.readout_gradients against central differences of",
            _L,
            "computed by a separate NumPy loop, every entry of",
            *_separated(*_PARAMETERS),
            "(",
            *_separated(_is(_n, 3), _is(_T, 6), _is(_B, 4), sp.Ne(_b, 0), sp.Ne(_c, 0)),
            ")",
        ),
        tolerance=Claim(
            "absolute",
            power_of_ten(-8),
            "(step",
            power_of_ten(-6),
            ": truncation",
            Chain("~", Times(power_of_ten(-12), sp.Abs(Prime(_L, _theta, 3)))),
            ", rounding",
            Chain("~", Times(power_of_ten(-10), sp.Abs(_L))),
            ")",
        ),
    )


def _lag_shares(settings):
    from hypothesis import strategies as st

    def prop(seed):
        params, xs, y = _case(seed)
        result = readout_gradients(params, xs, y)
        W, U, b, v, c = (params[k] for k in ("W", "U", "b", "v", "c"))
        T, B = xs.shape[0], xs.shape[1]
        states = [np.zeros((B, W.shape[0]))]
        for t in range(T):
            states.append(np.tanh(states[-1] @ W.T + xs[t] @ U.T + b))
        residual = (states[-1] @ v + c[0] - y) / B
        total = np.zeros_like(W)
        for j in range(T):  # lag j: the share of step t = T − j
            t = T - j
            share = np.zeros_like(W)
            for example in range(B):
                e = residual[example] * v  # ∂L/∂h⁽ᵀ⁾, then through J_Tᵀ, …, J_{t+1}ᵀ
                for s in range(T, t, -1):
                    J = np.diag(1 - states[s][example] ** 2) @ W
                    e = J.T @ e
                delta = (1 - states[t][example] ** 2) * e
                share += np.outer(delta, states[t - 1][example])
            total += share
            got = float(result.lag_norms[j])
            check_holds(
                abs(got - np.linalg.norm(share)) <= 1e-12 * (1 + got),
                f"lag {j}: ‖share‖ = {got!r}",
                f"by Jacobian products {float(np.linalg.norm(share))!r}",
            )
        err = float(np.max(np.abs(total - result.grads["W"])))
        check_holds(err <= 1e-12, f"Σ shares − ∂L/∂W = {err!r}", "10⁻¹²")

    return check_property(
        prop,
        [st.integers(0, 10**6)],
        settings=settings,
        default_examples=8,
        checked=Claim(
            "each lag's Frobenius norm of",
            _SHARE,
            "against",
            _delta,
            "built here from the Jacobians",
            # 1 − tanh(a⁽ᵏ⁾)² is 1 − h⁽ᵏ⁾², written so because LaTeX takes no power of h⁽ᵏ⁾
            Chain(_J[_k], "=", Diag(Plus(1, -(sp.tanh(AtTime("a", _k)) ** 2))) * _W),
            ", example by example, and",
            Chain(sp.Sum(_SHARE, (_t, 1, _T)), "=", _d("W")),
        ),
        tolerance=Claim(
            "relative", power_of_ten(-12), "(the same floating-point operations in another order)"
        ),
    )


def _steps(settings, learning_rate=0.05, radii=(1.0, 0.9, 2.5)):
    bad = []
    for radius in radii:  # λ₁ = 1 is the experiment's default; the others test the scaling
        params = initial_parameters(4, radius, np.random.default_rng(7))
        singular = np.linalg.svd(params["W"], compute_uv=False)
        if not np.allclose(singular, radius, rtol=1e-12, atol=0):
            bad.append(
                Claim(
                    "initial",
                    _W,
                    "has singular values",
                    sp.Matrix([singular.tolist()]),
                    ", not all",
                    sp.Eq(_lambda, sp.Float(radius), evaluate=False),
                )
            )
    iterations = 11  # one past the 10 whose lag profiles are averaged for the figure
    for clip in (None, 0.05):
        run = train(hidden=3, steps=6, iterations=iterations, batch=5, clip=clip, seed=3)
        rng = np.random.default_rng(3)  # replay: the same draws in the same order
        params = initial_parameters(3, 1.0, rng)
        profiles = []
        for _ in range(iterations):
            xs, y = adding_problem(6, 5, rng)
            result = readout_gradients(params, xs, y)
            grads = result.grads
            profiles.append(result.lag_norms)
            norm = np.sqrt(sum(float(np.sum(g * g)) for g in grads.values()))
            scale = clip / norm if clip is not None and norm >= clip else 1.0
            params = {k: params[k] - learning_rate * scale * grads[k] for k in params}
        err = max(float(np.max(np.abs(run.final[k] - params[k]))) for k in params)
        how = "without clipping" if clip is None else Claim("clipped at", _is(_tau, clip))
        if not err <= 1e-12:
            bad.append(Claim(how, ": final parameters differ by", sp.Float(err), "from the replay"))
        gap = float(np.max(np.abs(run.first_lag_norms - np.mean(profiles[:10], axis=0))))
        if not gap <= 1e-12:
            bad.append(
                Claim(
                    how,
                    ": the mean lag profile of the first 10 iterations is off by",
                    sp.Float(gap),
                )
            )
    scale = sp.Piecewise((_tau / Norm(_ghat), sp.Ge(Norm(_ghat), _tau, evaluate=False)), (1, True))
    lambdas = [Decimal(str(r)) for r in radii]
    return Outcome(
        not bad,
        Claim(
            "11 iterations of training.train (",
            sp.Eq(_eta, Decimal("0.05"), evaluate=False),
            ", without clipping and clipped at",
            sp.Eq(_tau, Decimal("0.05"), evaluate=False),
            ") against a replay from the same seed:",
            Chain(_theta, "<-", Plus(_theta, -Times(_eta, scale, _ghat))),
            ", written here, and the mean lag profile of the first 10; the initial",
            _W,
            "has every singular value",
            _lambda,
            "(",
            _is(_n, 4),
            ",",
            sp.Eq(_lambda, lambdas[0], evaluate=False),
            *_separated(*lambdas[1:], first=True),
            ")",
        ),
        instances=[
            Claim(*_separated(_is(_n, 3), _is(_T, 6), _is(_B, 5)), ", seed 3"),
            Chain(_lambda, "in", sp.FiniteSet(*lambdas)),
        ],
        tolerance=Claim(
            "absolute",
            power_of_ten(-12),
            "on the replay (the same float operations), relative",
            power_of_ten(-12),
            "on the singular values (QR and SVD in floats)",
        ),
        left=bad[0] if bad else None,
        right="the replayed parameters" if bad else None,
    )


# the notation of the statement and the steps
_t, _T, _k, _n, _B = sp.symbols("t T k n B")
_L, _theta = sp.Symbol("L"), sp.Symbol("theta")
_W = sp.Symbol("W", commutative=False)
_b, _c = sp.symbols("b c")
_PARAMETERS = (_W, sp.Symbol("U"), _b, sp.Symbol("v"), _c)
_u1, _u2 = sp.symbols("u_1 u_2")
_eta, _tau, _ghat, _lambda = sp.symbols("eta tau ghat lambda_1")
_HALF = sp.Rational(1, 2)
_HALF_VARIANCE = Times(_HALF, Op("Var", _u1 + _u2))


def _is(symbol, value):
    """symbol = value, kept unevaluated (an instance's size)."""
    return sp.Eq(symbol, value, evaluate=False)


def _separated(*items, first=False):
    """The items as parts of a claim with commas between them (and before the first)."""
    out = []
    for item in items:
        out += [",", item] if out or first else [item]
    return out


_J = sp.IndexedBase("J", commutative=False)
_D_t, _delta = sp.symbols("D_t delta_t", commutative=False)
_SHARE = _delta * Transposed(AtTime("h", _t - 1))


_HALF_SUM = Times(_HALF, Plus(TWELFTH, TWELFTH))


def _d(name):
    return Partial(_L, sp.Symbol(name))


THEOREM = Theorem(
    id="training_gradients",
    title="The training experiment: the adding problem, its gradients by lag, its steps",
    statement=Claim(
        "The adding problem marks two steps per sequence, one in each half, and predicting",
        1,
        "has expected loss",
        TWELFTH,
        ". The backward recursion of the experiment returns",
        Partial(_L, _theta),
        "for every parameter",
        _theta,
        ". The share of step",
        _t,
        "in",
        _d("W"),
        "is",
        _SHARE,
        ", where",
        _delta,
        "is the error at step",
        _t,
        "carried back from the last step, and the shares sum to",
        _d("W"),
        ". Each iteration steps by",
        -_eta,
        "times the (clipped) gradient.",
    ),
    formula=Claim(
        Chain(_d("W"), "=", sp.Sum(_SHARE, (_t, 1, _T))),
        ",",
        Chain(
            _delta,
            "=",
            _D_t
            * Transposed(_J[_t + 1])
            * Cdots()
            * Transposed(_J[_T])
            * Partial(_L, AtTime("h", _T)),
        ),
    ),
    convention=Claim(
        "Model A, tanh,",
        sp.Eq(AtTime("h", 0), 0, evaluate=False),
        ", the readout",
        sp.Eq(
            sp.Symbol("yhat"),
            Plus(Times(Transposed(sp.Symbol("v")), AtTime("h", _T)), sp.Symbol("c")),
        ),
        "and the loss",
        sp.Eq(_L, Times(_HALF, Plus(sp.Symbol("yhat"), -sp.Symbol("y")) ** 2), evaluate=False),
        "averaged over the batch",
    ),
    proof="Variances add; the chain rule; the first iterations replayed from the same random start.",
    assumptions=[
        Claim(_u1, ",", _u2, "independent and uniform on", sp.Interval(0, 1)),
        "Model A with a linear readout",
    ],
    references=["Hochreiter & Schmidhuber (1997), the adding problem", "Pascanu et al. (2013)"],
    tags=["training", "experiment", "total gradient"],
    steps=[
        Step(
            Claim(
                "two marks per sequence, one in each half; predicting 1 has expected loss",
                Chain(_HALF_VARIANCE, "=", TWELFTH),
            ),
            Claim(Chain(_HALF_VARIANCE, "=", _HALF_SUM)),
            Evidence.CHECKED,
            _data,
            student=Claim("variances of independent values add:", Chain(_HALF_SUM, "=", TWELFTH)),
        ),
        Step(
            Claim(
                "the backward recursion returns",
                _d("W"),
                ",",
                _d("U"),
                ",",
                _d("b"),
                ",",
                _d("v"),
                ",",
                _d("c"),
            ),
            "the chain rule through the readout and every step",
            Evidence.TESTED,
            _gradients,
            student="the chain rule, backwards from the readout through every step",
        ),
        Step(
            Claim("the share of step", _t, "is", _SHARE, "and the shares sum to", _d("W")),
            "the BPTT sum, one term per step, with the Jacobian product written out",
            Evidence.TESTED,
            _lag_shares,
            student="one term per step of the BPTT sum; together they are the whole gradient",
        ),
        Step(
            Claim(
                "each iteration:",
                Chain(
                    _theta,
                    "<-",
                    Plus(
                        _theta,
                        -Times(
                            sp.Symbol("eta"), Op("clip", sp.Symbol("ghat"), sub=sp.Symbol("tau"))
                        ),
                    ),
                ),
                ";",
                sp.Symbol("W"),
                "starts with every singular value",
                sp.Symbol("lambda_1"),
            ),
            "plain SGD, with Algorithm 1 of Pascanu et al. when a threshold is given",
            Evidence.TESTED,
            _steps,
            student=Claim(
                "plain gradient descent, the gradient first rescaled when its norm reaches", _tau
            ),
        ),
    ],
)
