"""A small recurrent network trained by plain SGD on the adding problem, with NumPy.

The adding problem (Hochreiter & Schmidhuber, 1997): each input step carries a value
drawn uniformly from [0, 1] and a marker; exactly two steps are marked, one in the first
half of the sequence and one in the second, and the target is the sum of the two marked
values. Predicting the mean, 1, has mean squared error 1/6; a network only does better
by carrying the first marked value across many steps.

The network is Model A of :mod:`symgrad.rnn` (tanh by default) with a linear readout
ŷ = vᵀh⁽ᵀ⁾ + c, trained on L = ½ mean_batch (ŷ − y)². The forward pass is
:func:`symgrad.numeric.forward`; the backward pass below is the backward recursion,
and it also returns each step's share of ∂L/∂W,

    ∂L/∂W = Σ_t δ_t h⁽ᵗ⁻¹⁾ᵀ,   δ_t = diag(σ′(a⁽ᵗ⁾)) J_{t+1}ᵀ ⋯ J_Tᵀ ∂L/∂h⁽ᵀ⁾,

whose norm against the lag T − t shows how far back the gradient reaches. Clipping is
:func:`symgrad.remedies.clip_by_global_norm`. Everything is seeded: the same arguments
give the same run.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import InvalidArgumentError, check_positive_int, check_seed
from .activations import Activation, as_activation
from .numeric import forward
from .remedies import clip_by_global_norm

__all__ = [
    "BASELINE_LOSS",
    "ReadoutGradients",
    "TrainingRun",
    "adding_problem",
    "initial_parameters",
    "readout_gradients",
    "train",
]

#: L = ½·MSE of always predicting 1: ½·Var(u₁ + u₂) = ½·(1/12 + 1/12) = 1/12.
BASELINE_LOSS = 1 / 12


def adding_problem(
    steps: int, batch: int, rng: np.random.Generator
) -> tuple[np.ndarray, np.ndarray]:
    """Inputs (steps, batch, 2) and targets (batch,) of the adding problem.

    Examples
    --------
    >>> xs, y = adding_problem(6, 3, np.random.default_rng(0))
    >>> xs.shape, y.shape, xs[:, :, 1].sum(axis=0).tolist()
    ((6, 3, 2), (3,), [2.0, 2.0, 2.0])
    """
    check_positive_int("steps", steps)
    check_positive_int("batch", batch)
    if steps < 2:
        raise InvalidArgumentError(f"steps={steps} must be at least 2 (two marked steps)")
    values = rng.uniform(0.0, 1.0, size=(steps, batch))
    half = steps // 2
    first = rng.integers(0, half, size=batch)
    second = rng.integers(half, steps, size=batch)
    marks = np.zeros((steps, batch))
    cols = np.arange(batch)
    marks[first, cols] = 1.0
    marks[second, cols] = 1.0
    target = values[first, cols] + values[second, cols]
    return np.stack([values, marks], axis=-1), target


def initial_parameters(
    hidden: int, spectral_norm: float, rng: np.random.Generator, inputs: int = 2
) -> dict[str, np.ndarray]:
    """W = λ₁·Q (Q a random orthogonal matrix, so every singular value is λ₁), small U, zero b, v, c.

    Examples
    --------
    >>> p = initial_parameters(4, 0.5, np.random.default_rng(0))
    >>> round(float(np.linalg.norm(p["W"], 2)), 12), sorted(p)
    (0.5, ['U', 'W', 'b', 'c', 'v'])
    """
    check_positive_int("hidden", hidden)
    if not np.isfinite(spectral_norm) or spectral_norm < 0:
        raise InvalidArgumentError(f"spectral_norm={spectral_norm!r} must be a finite number ≥ 0")
    Q, R = np.linalg.qr(rng.normal(size=(hidden, hidden)))
    Q = Q * np.sign(np.diag(R))
    return {
        "W": spectral_norm * Q,
        "U": rng.normal(scale=1.0 / np.sqrt(inputs), size=(hidden, inputs)),
        "b": np.zeros(hidden),
        "v": rng.normal(scale=1.0 / np.sqrt(hidden), size=hidden),
        "c": np.zeros(1),
    }


@dataclass
class ReadoutGradients:
    """The loss, the gradients of every parameter, and ‖step t's share of ∂L/∂W‖_F by lag."""

    loss: float
    grads: dict[str, np.ndarray]
    lag_norms: np.ndarray  # entry j: ‖δ_{T−j} h⁽ᵀ⁻ʲ⁻¹⁾ᵀ‖_F, j = 0..T−1


def readout_gradients(
    params: dict[str, np.ndarray],
    xs: np.ndarray,
    y: np.ndarray,
    activation: str | Activation = "tanh",
) -> ReadoutGradients:
    """Loss ½ mean (vᵀh⁽ᵀ⁾ + c − y)² and its gradients by the backward recursion.

    `activation` is a built-in name, an expression in x or an Activation.

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> p = initial_parameters(3, 0.9, rng)
    >>> xs, y = adding_problem(5, 4, rng)
    >>> g = readout_gradients(p, xs, y)
    >>> g.lag_norms.shape, sorted(g.grads)
    ((5,), ['U', 'W', 'b', 'c', 'v'])
    """
    W, U, b, v, c = (np.asarray(params[k], dtype=float) for k in ("W", "U", "b", "v", "c"))
    B = xs.shape[1]
    fp = forward(W, U, b, xs, np.zeros((B, W.shape[0])), as_activation(activation), "A")
    h_T = fp.states[-1]
    error = h_T @ v + c[0] - y
    loss = 0.5 * float(np.mean(error**2))
    residual = error / B  # ∂L/∂ŷ per example
    grads = {"v": h_T.T @ residual, "c": np.array([residual.sum()])}
    e = residual[:, None] * v[None, :]  # ∂L/∂h⁽ᵀ⁾, rows = examples
    T = xs.shape[0]
    gW, gU, gb = np.zeros_like(W), np.zeros_like(U), np.zeros_like(b)
    lag_norms = np.empty(T)
    for t in range(T - 1, -1, -1):
        delta = e * fp.slopes[t]  # ∂L/∂a⁽ᵗ⁺¹⁾
        share = delta.T @ fp.feeds[t]
        lag_norms[T - 1 - t] = np.linalg.norm(share)
        gW += share
        gU += delta.T @ xs[t]
        gb += delta.sum(axis=0)
        e = delta @ W  # ∂L/∂h⁽ᵗ⁾ = J_{t+1}ᵀ ∂L/∂h⁽ᵗ⁺¹⁾
    grads.update(W=gW, U=gU, b=gb)
    return ReadoutGradients(loss, grads, lag_norms)


@dataclass
class TrainingRun:
    """What one run recorded: loss and gradient norm per iteration, lag profiles, settings."""

    losses: np.ndarray
    grad_norms: np.ndarray
    first_lag_norms: np.ndarray  # mean over the first 10 iterations
    spectral_norm: float
    clip: float | None
    final: dict[str, np.ndarray]


def train(
    *,
    hidden: int = 16,
    steps: int = 20,
    iterations: int = 400,
    batch: int = 32,
    learning_rate: float = 0.05,
    spectral_norm: float = 1.0,
    clip: float | None = None,
    activation: str | Activation = "tanh",
    seed: int = 0,
) -> TrainingRun:
    """Train by plain SGD on fresh adding-problem batches; clip the global norm at `clip`.

    A non-finite loss stops the run; the remaining entries of the record are NaN.

    Examples
    --------
    >>> run = train(hidden=4, steps=6, iterations=5, seed=1)
    >>> run.losses.shape, bool(np.all(np.isfinite(run.losses)))
    ((5,), True)
    """
    check_positive_int("iterations", iterations)
    seed = check_seed("seed", seed)
    if not learning_rate > 0:
        raise InvalidArgumentError(f"learning_rate={learning_rate!r} must be positive")
    if clip is not None and not (np.isfinite(clip) and clip > 0):
        raise InvalidArgumentError(f"clip={clip!r} must be a positive finite threshold or None")
    rng = np.random.default_rng(seed)
    params = initial_parameters(hidden, spectral_norm, rng)
    losses = np.full(iterations, np.nan)
    norms = np.full(iterations, np.nan)
    profiles = []
    for i in range(iterations):
        xs, y = adding_problem(steps, batch, rng)
        with np.errstate(over="ignore", invalid="ignore"):
            g = readout_gradients(params, xs, y, activation)
        total = float(np.sqrt(sum(float(np.sum(v * v)) for v in g.grads.values())))
        if not (np.isfinite(g.loss) and np.isfinite(total)):
            break
        losses[i], norms[i] = g.loss, total
        if i < 10:
            profiles.append(g.lag_norms)
        step = g.grads if clip is None else clip_by_global_norm(g.grads, clip)
        for k in params:
            params[k] = params[k] - learning_rate * step[k]
    return TrainingRun(losses, norms, np.mean(profiles, axis=0), spectral_norm, clip, params)
