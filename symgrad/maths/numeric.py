"""Numeric BPTT with NumPy: batched forward pass, gradients, Jacobian products and norms.

Conventions: a batch of B sequences is stored with rows as examples, so a
state is a (B, n) array; ``xs`` is (T, B, m), ``ys`` is (T, B, n) and ``h0``
is (B, n). The loss is L = ½ Σ_t Σ_batch ‖h⁽ᵗ⁾ − y⁽ᵗ⁾‖² (a sum, not a mean).
The model forms are those of :mod:`symgrad.rnn`: Model A updates
h⁽ᵗ⁾ = σ(W h⁽ᵗ⁻¹⁾ + U x⁽ᵗ⁾ + b), Model B updates x_t = W σ(x_{t−1}) + U u_t + b.
σ and σ′ are generated from the SymPy expressions of the activation.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import InvalidArgumentError, check_choice
from .activations import Activation, as_activation
from .rnn import MODELS

__all__ = [
    "ForwardPass",
    "Gradients",
    "bptt_gradients",
    "finite_difference_gradients",
    "forward",
    "jacobian_norms",
    "one_step_jacobians",
]


@dataclass
class ForwardPass:
    """States ``states[t]`` (t = 0..T), σ′ values ``slopes[t-1]`` of step t, squashed inputs."""

    states: np.ndarray
    slopes: np.ndarray
    feeds: np.ndarray


@dataclass
class Gradients:
    """∂L/∂W, ∂L/∂U, ∂L/∂b, ∂L/∂h⁽⁰⁾ and the loss L."""

    loss: float
    W: np.ndarray
    U: np.ndarray
    b: np.ndarray
    h0: np.ndarray

    def as_dict(self) -> dict[str, np.ndarray]:
        return {"W": self.W, "U": self.U, "b": self.b, "h0": self.h0}


def _real_array(name: str, value: object) -> np.ndarray:
    """`value` as a float array; complex, non-numeric or ragged input is refused, not cut."""
    try:
        arr = np.asarray(value)
    except ValueError:
        raise InvalidArgumentError(f"{name} is not a rectangular array of numbers") from None
    if np.iscomplexobj(arr):
        raise InvalidArgumentError(
            f"{name} is complex (dtype {arr.dtype}); real values are required "
            "(pass the real part explicitly if that is what you mean)"
        )
    if arr.dtype.kind not in "biuf":
        raise InvalidArgumentError(f"{name} has dtype {arr.dtype}; real numbers are required")
    return arr.astype(float)


def _validate(
    W: np.ndarray, U: np.ndarray, b: np.ndarray, xs: np.ndarray, h0: np.ndarray, model: str
) -> None:
    check_choice("model", model, MODELS)
    if W.ndim != 2 or W.shape[0] != W.shape[1]:
        raise InvalidArgumentError(f"W.shape={W.shape} must be square (n, n)")
    n = W.shape[0]
    if n == 0:
        raise InvalidArgumentError("W.shape=(0, 0): the network needs at least one hidden unit")
    if xs.ndim != 3:
        raise InvalidArgumentError(f"xs.shape={xs.shape} must be (T, B, m)")
    T, B, m = xs.shape
    if min(T, B, m) == 0:
        raise InvalidArgumentError(
            f"xs.shape={xs.shape} must be (T, B, m) with T, B, m ≥ 1 (steps, batch, inputs)"
        )
    if U.shape != (n, m):
        raise InvalidArgumentError(f"U.shape={U.shape} must be (n, m) = {(n, m)}")
    if b.shape != (n,):
        raise InvalidArgumentError(f"b.shape={b.shape} must be (n,) = {(n,)}")
    if h0.shape != (B, n):
        raise InvalidArgumentError(f"h0.shape={h0.shape} must be (B, n) = {(B, n)}")
    for name, arr in (("W", W), ("U", U), ("b", b), ("xs", xs), ("h0", h0)):
        _finite(name, arr)


def _finite(name: str, arr: np.ndarray) -> None:
    if not np.all(np.isfinite(arr)):
        raise InvalidArgumentError(f"{name} contains NaN or infinity; finite values are required")


def _targets(ys: object, xs: np.ndarray, h0: np.ndarray) -> np.ndarray:
    ys = _real_array("ys", ys)
    if ys.shape != (xs.shape[0], *h0.shape):
        raise InvalidArgumentError(
            f"ys.shape={ys.shape} must be (T, B, n) = {(xs.shape[0], *h0.shape)}"
        )
    _finite("ys", ys)
    return ys


def _overflow(what: str) -> InvalidArgumentError:
    return InvalidArgumentError(
        f"{what} overflowed float64 (the weights or inputs are too large for this many steps); "
        "scale W, U, b or xs down, or use fewer steps"
    )


def forward(
    W: np.ndarray,
    U: np.ndarray,
    b: np.ndarray,
    xs: np.ndarray,
    h0: np.ndarray,
    activation: str | Activation = "tanh",
    model: str = "A",
) -> ForwardPass:
    """Run the network over a batch of sequences.

    Examples
    --------
    >>> W, U, b = np.eye(2) * 0.5, np.ones((2, 1)), np.zeros(2)
    >>> fp = forward(W, U, b, np.zeros((3, 1, 1)), np.ones((1, 2)), "identity")
    >>> fp.states[-1]
    array([[0.125, 0.125]])
    """
    W, U, b, xs, h0 = (
        _real_array(name, a) for name, a in (("W", W), ("U", U), ("b", b), ("xs", xs), ("h0", h0))
    )
    _validate(W, U, b, xs, h0, model)
    f, fp = as_activation(activation).numpy_functions()
    T = xs.shape[0]
    states = np.empty((T + 1, *h0.shape))
    slopes = np.empty((T, *h0.shape))
    feeds = np.empty((T, *h0.shape))
    states[0] = h0
    drive = xs @ U.T + b  # (T, B, n)
    WT = W.T
    h = h0
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(T):
            if model == "A":
                feeds[t] = h
                pre = h @ WT + drive[t]
                h = f(pre)
                slopes[t] = fp(pre)
            else:
                squashed = f(h)
                slopes[t] = fp(h)
                feeds[t] = squashed
                h = squashed @ WT + drive[t]
            states[t + 1] = h
    if not (np.all(np.isfinite(states)) and np.all(np.isfinite(slopes))):
        raise _overflow("the forward pass")
    return ForwardPass(states, slopes, feeds)


def bptt_gradients(
    W: np.ndarray,
    U: np.ndarray,
    b: np.ndarray,
    xs: np.ndarray,
    h0: np.ndarray,
    ys: np.ndarray,
    activation: str | Activation = "tanh",
    model: str = "A",
) -> Gradients:
    """Gradients of L = ½ Σ ‖h⁽ᵗ⁾ − y⁽ᵗ⁾‖² by backpropagation through time.

    Examples
    --------
    >>> rng = np.random.default_rng(0)
    >>> W, U, b = rng.normal(size=(3, 3)), rng.normal(size=(3, 2)), rng.normal(size=3)
    >>> xs, h0, ys = rng.normal(size=(4, 5, 2)), rng.normal(size=(5, 3)), rng.normal(size=(4, 5, 3))
    >>> g = bptt_gradients(W, U, b, xs, h0, ys)
    >>> fd = finite_difference_gradients(W, U, b, xs, h0, ys)
    >>> all(np.allclose(g.as_dict()[k], fd[k], atol=1e-6) for k in fd)
    True
    """
    fp = forward(W, U, b, xs, h0, activation, model)  # converts and validates the inputs
    W, xs, h0 = (np.asarray(a, dtype=float) for a in (W, xs, h0))
    ys = _targets(ys, xs, h0)
    T = xs.shape[0]
    with np.errstate(over="ignore", invalid="ignore"):
        residual = fp.states[1:] - ys  # ∂ℓ_t/∂h_t, (T, B, n)
        loss = 0.5 * float(np.einsum("tbi,tbi->", residual, residual))
    if not np.isfinite(loss):
        raise InvalidArgumentError(
            "the loss overflowed float64 (the targets ys lie too far from the states); "
            "scale ys down"
        )
    with np.errstate(over="ignore", invalid="ignore"):  # checked just below
        deltas = np.empty_like(residual)  # error at the pre-activation (A) or at the state (B)
        carried = np.zeros_like(h0)
        for t in range(T - 1, -1, -1):
            e = residual[t] + carried  # e_t = ∂L/∂h_t (row form)
            if model == "A":
                delta = e * fp.slopes[t]
                carried = delta @ W
            else:
                delta = e
                carried = (delta @ W) * fp.slopes[t]
            deltas[t] = delta
        flat = deltas.reshape(-1, deltas.shape[-1])
        gW = flat.T @ fp.feeds.reshape(-1, flat.shape[-1])
        gU = flat.T @ xs.reshape(-1, xs.shape[-1])
        gb = flat.sum(axis=0)
    if not all(np.all(np.isfinite(g)) for g in (gW, gU, gb, carried)):
        raise _overflow("the gradients")
    return Gradients(loss, gW, gU, gb, carried)


def finite_difference_gradients(
    W: np.ndarray,
    U: np.ndarray,
    b: np.ndarray,
    xs: np.ndarray,
    h0: np.ndarray,
    ys: np.ndarray,
    activation: str | Activation = "tanh",
    model: str = "A",
    *,
    step: float = 1e-6,
) -> dict[str, np.ndarray]:
    """Central differences (L(θ + hε) − L(θ − hε)) / 2h for every entry: a slow reference."""
    if isinstance(step, bool) or not isinstance(step, (int, float, np.floating)):
        raise InvalidArgumentError(f"step={step!r} must be a positive number")
    if not (np.isfinite(step) and 1e-12 <= step <= 1.0):
        raise InvalidArgumentError(f"step={step!r} must be between 1e-12 and 1 (default 1e-6)")
    forward(W, U, b, xs, h0, activation, model)  # validates every input once
    xs = np.asarray(xs, dtype=float)
    ys = _targets(ys, xs, np.asarray(h0, dtype=float))
    params = {k: _real_array(k, v) for k, v in (("W", W), ("U", U), ("b", b), ("h0", h0))}

    def loss() -> float:
        fp = forward(params["W"], params["U"], params["b"], xs, params["h0"], activation, model)
        r = fp.states[1:] - ys
        return 0.5 * float(np.sum(r * r))

    out = {}
    for name, arr in params.items():
        grad = np.zeros_like(arr)
        for idx in np.ndindex(arr.shape):
            keep = arr[idx]
            arr[idx] = keep + step
            up = loss()
            arr[idx] = keep - step
            down = loss()
            arr[idx] = keep
            grad[idx] = (up - down) / (2 * step)
        out[name] = grad
    return out


def one_step_jacobians(fp: ForwardPass, W: np.ndarray, model: str = "A") -> np.ndarray:
    """J_t = ∂h⁽ᵗ⁾/∂h⁽ᵗ⁻¹⁾ (numerator layout) for t = 1..T, shape (T, B, n, n)."""
    check_choice("model", model, MODELS)
    W = _real_array("W", W)
    if W.shape != (fp.slopes.shape[-1],) * 2:
        raise InvalidArgumentError(
            f"W.shape={W.shape} must be (n, n) = {(fp.slopes.shape[-1],) * 2} for this forward pass"
        )
    if model == "A":
        return fp.slopes[..., :, None] * W  # diag(σ′(a)) W
    return W * fp.slopes[..., None, :]  # W diag(σ′(x_{t-1}))


def jacobian_norms(
    W: np.ndarray,
    U: np.ndarray,
    b: np.ndarray,
    xs: np.ndarray,
    h0: np.ndarray,
    activation: str | Activation = "tanh",
    model: str = "A",
    *,
    sample: int = 0,
) -> np.ndarray:
    """‖∂h⁽ᵀ⁾/∂h⁽ᵀ⁻ᵏ⁾‖₂ for every lag k = 0..T along sequence `sample`.

    Entry k is the spectral norm of J_T J_{T−1} ⋯ J_{T−k+1} (entry 0 is ‖I‖ = 1).

    Examples
    --------
    >>> W = np.diag([0.5, 0.25])
    >>> jacobian_norms(W, np.zeros((2, 1)), np.zeros(2), np.zeros((3, 1, 1)),
    ...                np.zeros((1, 2)), "identity")
    array([1.   , 0.5  , 0.25 , 0.125])
    """
    if isinstance(sample, bool) or not isinstance(sample, (int, np.integer)):
        raise InvalidArgumentError(f"sample={sample!r} must be an integer index into the batch")
    fp = forward(W, U, b, xs, h0, activation, model)
    if not 0 <= sample < fp.states.shape[1]:
        raise InvalidArgumentError(
            f"sample={sample} must index the batch (0..{fp.states.shape[1] - 1})"
        )
    J = one_step_jacobians(fp, W, model)[:, sample]
    T, n = J.shape[0], J.shape[1]
    norms = np.empty(T + 1)
    norms[0] = 1.0
    product = np.eye(n)
    for lag in range(1, T + 1):
        with np.errstate(over="ignore", invalid="ignore"):
            product = product @ J[T - lag]
        if not np.all(np.isfinite(product)):
            raise _overflow(f"the Jacobian product at lag {lag}")
        norms[lag] = np.linalg.norm(product, 2)
    return norms
