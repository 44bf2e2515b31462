"""The instances a BPTT implementation is checked on, and the tolerance float64 allows.

Three kinds of instance at the size asked, drawn from one seed:

- ``random``: W with ‖W‖₂ = 0.9/γ (so η = λ₁γ = 0.9), moderate inputs, two sequences;
- ``saturated``: large biases and inputs put a third of the units deep in saturation
  (σ′ below 10⁻²⁰ for tanh) and a third near it; one sequence;
- ``long memory``: an orthogonal W scaled to η = 1 − 1/(2T) and small inputs, so σ′ stays
  near γ and the gradient reaches back over all T steps; one sequence.

γ here is only a scale for drawing (a sampled maximum of |σ′|); no verdict depends on it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from ..maths.activations import Activation

__all__ = ["Instance", "draw_instances", "float64_tolerance"]

#: Unit roundoff of float64.
UNIT_ROUNDOFF = 2.0**-53


@dataclass(frozen=True)
class Instance:
    """One input to the function under check (float64 arrays, shapes of numeric.bptt_gradients)."""

    kind: str
    W: np.ndarray
    U: np.ndarray
    b: np.ndarray
    h0: np.ndarray
    xs: np.ndarray
    targets: np.ndarray

    @property
    def steps(self) -> int:
        return self.xs.shape[0]

    @property
    def batch(self) -> int:
        return self.xs.shape[1]

    def arrays(self) -> tuple[np.ndarray, ...]:
        """(W, U, b, h0, xs, targets), the order the function receives them in."""
        return (self.W, self.U, self.b, self.h0, self.xs, self.targets)

    def prefix(self, steps: int) -> Instance:
        """The same network on the first `steps` steps."""
        return replace(
            self,
            kind=f"{self.kind}, first {steps} steps",
            xs=self.xs[:steps],
            targets=self.targets[:steps],
        )

    def only_last_loss(self, steps: int, activation: Activation, model: str) -> Instance:
        """The first `steps` steps with targets equal to the float states except at the last.

        Only the last step's loss is then non-zero (up to the rounding of the float states):
        its gradient holds exactly the terms of lags 0 … steps − 1.
        """
        from ..maths.numeric import forward

        short = self.prefix(steps)
        fp = forward(short.W, short.U, short.b, short.xs, short.h0, activation, model)
        targets = fp.states[1:].copy()
        targets[-1] = short.targets[-1]
        return replace(short, kind=f"{self.kind}, loss at step {steps} only", targets=targets)


def _gamma_scale(activation: Activation) -> float:
    _, fp = activation.numpy_functions()
    grid = np.linspace(-20, 20, 40001)
    with np.errstate(all="ignore"):
        top = float(np.nanmax(np.abs(fp(grid))))
    return top if np.isfinite(top) and top > 0 else 1.0


def draw_instances(
    hidden: int, steps: int, inputs: int, activation: Activation, model: str, seed: int
) -> list[Instance]:
    """The three instances (random, saturated, long memory) for these sizes and this seed.

    Examples
    --------
    >>> from symgrad.maths.activations import as_activation
    >>> [(i.kind, i.xs.shape) for i in draw_instances(4, 5, 2, as_activation("tanh"), "A", 0)]
    [('random', (5, 2, 2)), ('saturated', (5, 1, 2)), ('long memory', (5, 1, 2))]
    """
    rng = np.random.default_rng(seed)
    n, T, m = hidden, steps, inputs
    gamma = _gamma_scale(activation)

    def scaled(M: np.ndarray, norm: float) -> np.ndarray:
        top = np.linalg.norm(M, 2)
        return M * (norm / top) if top > 0 else M

    W = scaled(rng.normal(size=(n, n)), 0.9 / gamma)
    random = Instance(
        "random",
        W,
        rng.normal(size=(n, m)) / np.sqrt(m),
        0.5 * rng.normal(size=n),
        0.5 * rng.normal(size=(2, n)),
        rng.normal(size=(T, 2, m)),
        0.5 * rng.normal(size=(T, 2, n)),
    )
    third = max(1, n // 3)
    b = 0.5 * rng.normal(size=n)
    signs = rng.choice([-1.0, 1.0], size=n)
    b[:third] = signs[:third] * 25.0  # deep saturation: tanh′ < 10⁻²⁰
    b[third : 2 * third] = signs[third : 2 * third] * 4.0  # near saturation
    saturated = Instance(
        "saturated",
        W,
        3 * rng.normal(size=(n, m)) / np.sqrt(m),
        b,
        rng.normal(size=(1, n)),
        rng.normal(size=(T, 1, m)),
        rng.normal(size=(T, 1, n)),
    )
    Q, R = np.linalg.qr(rng.normal(size=(n, n)))
    Q = Q * np.sign(np.diag(R))
    memory = Instance(
        "long memory",
        Q * ((1 - 1 / (2 * T)) / gamma),
        0.1 * rng.normal(size=(n, m)) / np.sqrt(m),
        np.zeros(n),
        0.1 * rng.normal(size=(1, n)),
        rng.normal(size=(T, 1, m)),
        0.5 * rng.normal(size=(T, 1, n)),
    )
    return [random, saturated, memory]


def float64_tolerance(hidden: int, steps: int, inputs: int, batch: int) -> tuple[float, str]:
    """The largest error, relative to the gradient's norm, that float64 rounding explains.

    A correct float64 implementation computes, per step and sequence, a dot product of
    length n + m + 1 (the pre-activation), σ and σ′ (a few ulp each), a dot product of
    length n (the carried error) and a product with σ′, and finally sums B·T products into
    each gradient entry. The classical bound for a sum of k products is k·u times the sum
    of the terms' absolute values (u = 2⁻⁵³; Higham, *Accuracy and Stability of Numerical
    Algorithms*, §3.1), so each step adds at most about (2n + m + 4)·u relative to what it
    computes, and the final sums B·T·u. On the instances drawn, η = ‖W‖₂ sup|σ′| ≤ 1, so an
    error made at one step is not amplified by the later ones and the T steps add up:

        tolerance = 4 · u · T · (2n + m + 4 + B),

    the factor 4 allowing sums of absolute values up to four times the norms they produce.

    Examples
    --------
    >>> tol, why = float64_tolerance(8, 10, 1, 2)
    >>> f"{tol:.2e}"
    '1.02e-13'
    """
    n, T, m, B = hidden, steps, inputs, batch
    tol = 4 * UNIT_ROUNDOFF * T * (2 * n + m + 4 + B)
    why = (
        f"4·u·T·(2n + m + 4 + B) with u = 2⁻⁵³, n = {n}, m = {m}, T = {T}, B = {B}: per step "
        "a dot product of length n + m + 1, σ and σ′, a dot product of length n and a "
        "product with σ′, and the final sum of B·T terms, each within k·u of the sum of "
        "its terms' absolute values; errors are not amplified on these instances "
        "(η = λ₁γ ≤ 1)"
    )
    return tol, why


def magnitudes(inst: Instance, activation: Activation, model: str) -> dict[str, float]:
    """For each gradient, the size of what float64 rounds on the way to it.

    σ′ is usually computed with an absolute error of about u (1 − h² for tanh, for one,
    loses every digit of a σ′ of 10⁻²⁰), so the error of each term of ∂L/∂W is about
    u·γ‖e_t‖‖h⁽ᵗ⁻¹⁾‖, with e_t = ∂L/∂h⁽ᵗ⁾, however small σ′ makes the term itself.
    Summed over the steps and the batch (and likewise for U, b and h⁽⁰⁾) this is the scale
    rounding acts on; where it exceeds the gradient's norm (saturated units, cancelling
    terms) the tolerance grows by that ratio.
    """
    f, fp = activation.numpy_functions()
    gamma = _gamma_scale(activation) if model == "A" else 1.0
    W, U, b, h0, xs, targets = inst.arrays()
    T = inst.steps
    states, feeds, slopes = [h0], [], []
    for t in range(T):
        h = states[-1]
        if model == "A":
            a = h @ W.T + xs[t] @ U.T + b
            feeds.append(h)
            slopes.append(fp(a))
            states.append(f(a))
        else:
            feeds.append(f(h))
            slopes.append(fp(h))
            states.append(feeds[-1] @ W.T + xs[t] @ U.T + b)
    carried = np.zeros_like(h0)
    sizes = {"W": 0.0, "U": 0.0, "b": 0.0}
    for t in range(T - 1, -1, -1):
        e = states[t + 1] - targets[t] + carried
        size = gamma * np.linalg.norm(e, axis=1)  # per sequence
        sizes["W"] += float(np.sum(size * np.linalg.norm(feeds[t], axis=1)))
        sizes["U"] += float(np.sum(size * np.linalg.norm(xs[t], axis=1)))
        sizes["b"] += float(np.sum(size))
        carried = (e * slopes[t]) @ W if model == "A" else (e @ W) * slopes[t]
        last = size
    sizes["h0"] = float(_two_norm(W) * np.sqrt(np.sum(last**2)))
    if model == "B":
        sizes["h0"] *= _gamma_scale(activation)
    return sizes


_TWO_NORMS: dict[bytes, float] = {}


def _two_norm(W: np.ndarray) -> float:
    """‖W‖₂ in float64 (a scale, not a bound), computed once per matrix: instances share W."""
    key = W.tobytes() + str(W.shape).encode()
    if key not in _TWO_NORMS:
        if len(_TWO_NORMS) > 8:
            _TWO_NORMS.clear()
        _TWO_NORMS[key] = float(np.linalg.norm(W, 2))
    return _TWO_NORMS[key]
