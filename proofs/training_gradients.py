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
    Op,
    Partial,
    Plus,
    Times,
    Transposed,
    check_holds,
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
        "½ Var(u₁ + u₂) for u₁, u₂ independent uniform on [0, 1], integrated by SymPy = 1/12",
        [("exact", variance / 2, baseline)],
    )
    same = float(baseline) == BASELINE_LOSS
    return Outcome(
        out.ok and same and not bad,
        Claim(
            out.checked,
            "; training.BASELINE_LOSS is that value; 5 batches (T = 9, B = 7): two "
            "marks per sequence, one in the first half, target = sum of the marked values",
        ),
        instances=["symbolic u₁, u₂", "seeds 0..4"],
        left=bad[0]
        if bad
        else Claim(*[out.left] * (out.left is not None), "BASELINE_LOSS =", BASELINE_LOSS),
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
        checked="training.readout_gradients against central differences of L computed by a "
        "separate NumPy loop, every entry of W, U, b, v, c (n = 3, T = 6, B = 4, b, c ≠ 0)",
        tolerance="absolute 10⁻⁸ (step 10⁻⁶: truncation ~10⁻¹²·|L‴|, rounding ~10⁻¹⁰·|L|)",
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
        checked="each lag's Frobenius norm of δₜ h⁽ᵗ⁻¹⁾ᵀ against δₜ built here from the Jacobians "
        "Jₛ = diag(1 − h⁽ˢ⁾²)W, example by example, and Σₜ δₜ h⁽ᵗ⁻¹⁾ᵀ = ∂L/∂W",
        tolerance="relative 10⁻¹² (the same floating-point operations in another order)",
    )


def _steps(settings, learning_rate=0.05, radii=(1.0, 0.9, 2.5)):
    bad = []
    for radius in radii:  # λ₁ = 1 is the experiment's default; the others test the scaling
        params = initial_parameters(4, radius, np.random.default_rng(7))
        singular = np.linalg.svd(params["W"], compute_uv=False)
        if not np.allclose(singular, radius, rtol=1e-12, atol=0):
            bad.append(f"initial W has singular values {singular.tolist()}, not all λ₁ = {radius}")
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
        if not err <= 1e-12:
            bad.append(f"clip = {clip}: final parameters differ by {err!r} from the replay")
        gap = float(np.max(np.abs(run.first_lag_norms - np.mean(profiles[:10], axis=0))))
        if not gap <= 1e-12:
            bad.append(
                f"clip = {clip}: the mean lag profile of the first 10 iterations is off by {gap!r}"
            )
    return Outcome(
        not bad,
        "11 iterations of training.train (η = 0.05, without clipping and clipped at τ = 0.05) "
        "against a replay from the same seed: θ ← θ − η·(τ/‖ĝ‖ if ‖ĝ‖ ≥ τ else 1)·ĝ, written "
        "here, and the mean lag profile of the first 10; the initial W has every singular "
        "value λ₁ (n = 4, λ₁ = " + ", ".join(map(str, radii)) + ")",
        instances=["n = 3, T = 6, B = 5, seed 3", "λ₁ ∈ {" + ", ".join(map(str, radii)) + "}"],
        tolerance="absolute 10⁻¹² on the replay (the same float operations), relative 10⁻¹² on "
        "the singular values (QR and SVD in floats)",
        left=bad[0] if bad else None,
        right="the replayed parameters" if bad else None,
    )


# the notation of the statement and the steps
_t, _T = sp.symbols("t T")
_L, _theta = sp.Symbol("L"), sp.Symbol("theta")
_J = sp.IndexedBase("J", commutative=False)
_D_t, _delta = sp.symbols("D_t delta_t", commutative=False)
_SHARE = _delta * Transposed(AtTime("h", _t - 1))


def _d(name):
    return Partial(_L, sp.Symbol(name))


THEOREM = Theorem(
    id="training_gradients",
    title="The training experiment: the adding problem, its gradients by lag, its steps",
    statement=(
        "The adding problem marks two steps per sequence, one in each half, and predicting 1 "
        "has expected loss 1/12; the backward recursion of the experiment returns ∂L/∂θ for every "
        "parameter; step t's share of ∂L/∂W is δₜh⁽ᵗ⁻¹⁾ᵀ, where δₜ is the error at step t "
        "carried back from the last step, and the shares sum to ∂L/∂W; each iteration steps by "
        "−η times the (clipped) gradient."
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
        "Model A, tanh, h⁽⁰⁾ = 0,",
        sp.Eq(
            sp.Symbol("yhat"),
            Plus(Times(Transposed(sp.Symbol("v")), AtTime("h", _T)), sp.Symbol("c")),
        ),
        ", L = ½ (ŷ − y)² averaged over the batch",
    ),
    proof="Variances add; the chain rule; the first iterations replayed from the same random start.",
    assumptions=["u₁, u₂ independent and uniform on [0, 1]", "Model A with a linear readout"],
    references=["Hochreiter & Schmidhuber (1997), the adding problem", "Pascanu et al. (2013)"],
    tags=["training", "experiment", "total gradient"],
    steps=[
        Step(
            Claim(
                "two marks per sequence, one in each half; predicting 1 has expected loss",
                Chain(
                    Times(sp.Rational(1, 2), Op("Var", sp.Symbol("u_1") + sp.Symbol("u_2"))),
                    "=",
                    sp.Rational(1, 12),
                ),
            ),
            "½ Var(u₁ + u₂) = ½(1/12 + 1/12)",
            Evidence.CHECKED,
            _data,
            student="variances of independent values add: ½(1/12 + 1/12) = 1/12",
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
            student="plain gradient descent, the gradient first rescaled when its norm reaches τ",
        ),
    ],
)
