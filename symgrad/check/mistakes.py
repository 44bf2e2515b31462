"""The classic mistakes of a hand-written BPTT, each a variant of the reference recursion.

:func:`variant_gradients` is one float64 implementation of BPTT (the recursion of
:func:`symgrad.maths.numeric.bptt_gradients`, the sum of products for the product-order mistake)
in which one mistake can be switched on. The checker compares a failing implementation
with every variant: when its output coincides with one of them to rounding, the mistake
has a name.

Conventions as in :mod:`symgrad.maths.numeric`: a batch of B sequences, rows as examples;
``xs`` (T, B, m), ``targets`` (T, B, n), ``h0`` (B, n); step t (0-based) has Jacobian
J_t = diag(σ′(a_t)) W (Model A) or W diag(σ′(x_{t−1})) (Model B).
"""

from __future__ import annotations

import numpy as np

from ..maths.activations import Activation

__all__ = ["MISTAKES", "variant_gradients"]

#: Each mistake, and what it does, in the words of Model A (h the state, a the
#: pre-activation); :func:`describe` gives the Model B wording.
MISTAKES: dict[str, str] = {
    "no_transpose": "the error is carried back through J instead of Jᵀ (the transpose is missing)",
    "slope_at_state": "σ′ evaluated at the state h⁽ᵗ⁾ instead of the pre-activation a⁽ᵗ⁾",
    "slope_previous_step": "σ′ at the wrong time index: σ′(a⁽ᵗ⁻¹⁾) used at step t",
    "slope_next_step": "σ′ at the wrong time index: σ′(a⁽ᵗ⁺¹⁾) used at step t",
    "product_order": "the Jacobian product in the wrong order: J_{t+1}⋯J_k instead of J_k⋯J_{t+1}",
    "no_local_term": "the local term ∂ℓ_t/∂h⁽ᵗ⁾ dropped: only the last step's loss is sent back",
    "state_not_previous": "h⁽ᵗ⁾ in place of h⁽ᵗ⁻¹⁾ in ∂⁺h⁽ᵗ⁾/∂W",
    "sum_starts_late": "the sum over t starting at t = 2: the first step's term is missing",
    "no_h0_gradient": "the gradient of h⁽⁰⁾ forgotten (left at zero)",
}

_MODEL_B = {
    "slope_at_state": "σ′ evaluated at σ(x_{t−1}) instead of at the state x_{t−1}",
    "slope_previous_step": "σ′ at the wrong time index: σ′(x_{t−2}) used at step t",
    "slope_next_step": "σ′ at the wrong time index: σ′(x_t) used at step t",
    "no_local_term": "the local term ∂ℓ_t/∂x_t dropped: only the last step's loss is sent back",
    "state_not_previous": "σ(x_t) in place of σ(x_{t−1}) in ∂⁺x_t/∂W",
    "no_h0_gradient": "the gradient of x_0 forgotten (left at zero)",
}


def describe(mistake: str, model: str) -> str:
    """The mistake in the words of `model`.

    Examples
    --------
    >>> describe("slope_at_state", "A")
    'σ′ evaluated at the state h⁽ᵗ⁾ instead of the pre-activation a⁽ᵗ⁾'
    """
    if model == "B" and mistake in _MODEL_B:
        return _MODEL_B[mistake]
    return MISTAKES[mistake]


def variant_gradients(
    W: np.ndarray,
    U: np.ndarray,
    b: np.ndarray,
    h0: np.ndarray,
    xs: np.ndarray,
    targets: np.ndarray,
    activation: Activation,
    model: str,
    mistake: str | None = None,
) -> dict[str, np.ndarray]:
    """∂L/∂W, ∂L/∂U, ∂L/∂b, ∂L/∂h⁽⁰⁾ in float64, with `mistake` (a key of MISTAKES) made.

    Examples
    --------
    >>> from symgrad.maths.activations import as_activation
    >>> from symgrad.maths.numeric import bptt_gradients
    >>> rng = np.random.default_rng(1)
    >>> W, U, b = rng.normal(size=(3, 3)), rng.normal(size=(3, 2)), rng.normal(size=3)
    >>> h0, xs, ys = rng.normal(size=(2, 3)), rng.normal(size=(4, 2, 2)), rng.normal(size=(4, 2, 3))
    >>> right = variant_gradients(W, U, b, h0, xs, ys, as_activation("tanh"), "A")
    >>> np.allclose(right["W"], bptt_gradients(W, U, b, xs, h0, ys).W, rtol=1e-13)
    True
    >>> wrong = variant_gradients(W, U, b, h0, xs, ys, as_activation("tanh"), "A", "no_transpose")
    >>> np.allclose(right["W"], wrong["W"])
    False
    """
    if mistake is not None and mistake not in MISTAKES:
        raise KeyError(mistake)
    f, fp = activation.numpy_functions()
    T = xs.shape[0]
    drive = xs @ U.T + b
    states = [h0]
    feeds, args = [], []
    with np.errstate(over="ignore", invalid="ignore"):
        for t in range(T):
            h = states[-1]
            if model == "A":
                a = h @ W.T + drive[t]
                feeds.append(h)
                args.append(a)
                states.append(f(a))
            else:
                args.append(h)
                feeds.append(f(h))
                states.append(feeds[-1] @ W.T + drive[t])
        slopes = [fp(f(a)) if mistake == "slope_at_state" else fp(a) for a in args]
    if mistake == "slope_previous_step":
        slopes = [slopes[max(t - 1, 0)] for t in range(T)]
    elif mistake == "slope_next_step":
        slopes = [slopes[min(t + 1, T - 1)] for t in range(T)]
    residual = [states[t + 1] - targets[t] for t in range(T)]
    if mistake == "no_local_term":
        residual = [r if t == T - 1 else np.zeros_like(r) for t, r in enumerate(residual)]
    back = W.T if mistake == "no_transpose" else W  # row vectors: g ↦ g J is (g ⊙ s) W
    if mistake == "product_order":
        deltas, carried = _wrong_order(residual, slopes, W, model)
    else:
        deltas = [np.zeros_like(h0)] * T
        carried = np.zeros_like(h0)
        for t in range(T - 1, -1, -1):
            e = residual[t] + carried
            if model == "A":
                deltas[t] = e * slopes[t]
                carried = deltas[t] @ back
            else:
                deltas[t] = e
                carried = (e @ back) * slopes[t]
    used = (
        [states[t + 1] if model == "A" else f(states[t + 1]) for t in range(T)]
        if mistake == "state_not_previous"
        else feeds
    )
    first = 1 if mistake == "sum_starts_late" else 0
    gW = sum((deltas[t].T @ used[t] for t in range(first, T)), np.zeros_like(W))
    gU = sum((deltas[t].T @ xs[t] for t in range(first, T)), np.zeros_like(U))
    gb = sum((deltas[t].sum(axis=0) for t in range(first, T)), np.zeros_like(b))
    gh0 = np.zeros_like(h0) if mistake == "no_h0_gradient" else carried
    return {"W": gW, "U": gU, "b": gb, "h0": gh0}


def _wrong_order(
    residual: list[np.ndarray], slopes: list[np.ndarray], W: np.ndarray, model: str
) -> tuple[list[np.ndarray], np.ndarray]:
    """The sum of products with each product ∂h_k/∂h_t multiplied as J_{t+1}⋯J_k.

    Row form: ∂L/∂h_{t+1} = Σ_{k≥t} r_k J_{t+1} ⋯ J_k (the correct order is J_k ⋯ J_{t+1}),
    and ∂L/∂h_0 = Σ_k r_k J_0 ⋯ J_k. Quadratic in T: a diagnostic for short sequences.
    """
    T = len(residual)

    def step(g: np.ndarray, i: int) -> np.ndarray:  # g J_i for row vectors g
        return (g * slopes[i]) @ W if model == "A" else (g @ W) * slopes[i]

    def chain(g: np.ndarray, order: range) -> np.ndarray:
        for i in order:
            g = step(g, i)
        return g

    deltas = []
    for t in range(T):
        grad_state = sum(chain(residual[k], range(t + 1, k + 1)) for k in range(t, T))
        deltas.append(grad_state * slopes[t] if model == "A" else grad_state)
    carried = sum(chain(residual[k], range(0, k + 1)) for k in range(T))
    return deltas, carried
