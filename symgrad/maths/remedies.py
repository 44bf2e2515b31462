"""The classic remedies, numerically: gradient-norm clipping and Pascanu's regulariser Ω.

Clipping (Pascanu et al., 2013, Algorithm 1): ĝ is the gradient with respect to *all*
parameters jointly; if ‖ĝ‖ ≥ τ it is replaced by (τ/‖ĝ‖)ĝ. The authors' code and the Deep
Learning book use ``>``; the two differ only when ‖ĝ‖ = τ, where both leave ĝ unchanged.

The regulariser, for Model A in column form with g = ∇_{h⁽ᵗ⁾}L (the error reaching step t),
D = diag(σ′(a⁽ᵗ⁾)) and v = Wᵀ D g = J_tᵀ g (the same error one step further back):
r_t = ‖v‖/‖g‖ is the per-step gain along the actual error direction, Ω_t = (r_t − 1)² (the
paper's eq. 9) or (r_t² − 1)² (its eq. 10 and the authors' code). Treating g and D as constants
("immediate" derivative), ∂⁺Ω_t/∂W = 2(r − 1)/(‖v‖‖g‖) · (Dg) vᵀ.
"""

from __future__ import annotations

import numpy as np

from ..errors import InvalidArgumentError

__all__ = [
    "clip_by_global_norm",
    "regulariser_gain",
    "regulariser_gradient",
    "regulariser_term",
]


def clip_by_global_norm(
    grads: dict[str, np.ndarray], threshold: float, *, strict: bool = False
) -> dict[str, np.ndarray]:
    """Rescale all gradients jointly so that their global norm is at most `threshold`.

    Clips when ‖ĝ‖ ≥ threshold (Algorithm 1), or when ‖ĝ‖ > threshold with ``strict=True``.

    Examples
    --------
    >>> out = clip_by_global_norm({"W": np.array([3.0]), "b": np.array([4.0])}, 1.0)
    >>> float(np.sqrt(sum(np.sum(v**2) for v in out.values())))
    1.0
    """
    if not np.isfinite(threshold) or threshold <= 0:
        raise InvalidArgumentError(f"threshold={threshold!r} must be a positive finite number")
    norm = float(np.sqrt(sum(float(np.sum(np.square(g))) for g in grads.values())))
    clip = norm > threshold if strict else norm >= threshold
    if not clip or norm == 0:
        return {k: np.array(v, dtype=float) for k, v in grads.items()}
    scale = threshold / norm
    return {k: scale * np.asarray(v, dtype=float) for k, v in grads.items()}


def _check(W: np.ndarray, slopes: np.ndarray, error: np.ndarray) -> None:
    if (
        W.ndim != 2
        or W.shape[0] != W.shape[1]
        or slopes.shape != (W.shape[0],)
        or error.shape != (W.shape[0],)
    ):
        raise InvalidArgumentError(
            f"W.shape={W.shape}, slopes.shape={slopes.shape}, error.shape={error.shape}: "
            "need (n, n), (n,), (n,)"
        )
    if not np.any(error):
        raise InvalidArgumentError("error=0: the gain ‖Jᵀg‖/‖g‖ needs a non-zero error vector")


def regulariser_gain(W: np.ndarray, slopes: np.ndarray, error: np.ndarray) -> float:
    """r = ‖Wᵀ D g‖/‖g‖ with D = diag(slopes): how much one backward step stretches g."""
    W, slopes, error = (np.asarray(a, dtype=float) for a in (W, slopes, error))
    _check(W, slopes, error)
    v = W.T @ (slopes * error)
    return float(np.linalg.norm(v) / np.linalg.norm(error))


def regulariser_term(
    W: np.ndarray, slopes: np.ndarray, error: np.ndarray, *, squared: bool = False
) -> float:
    """Ω_t = (r − 1)², or (r² − 1)² with ``squared=True`` (the authors' code)."""
    r = regulariser_gain(W, slopes, error)
    return (r * r - 1) ** 2 if squared else (r - 1) ** 2


def regulariser_gradient(
    W: np.ndarray, slopes: np.ndarray, error: np.ndarray, *, squared: bool = False
) -> np.ndarray:
    """∂⁺Ω_t/∂W with g and D held constant: 2(r−1)/(‖v‖‖g‖)·(Dg)vᵀ, or 4(r²−1)/‖g‖²·(Dg)vᵀ."""
    W, slopes, error = (np.asarray(a, dtype=float) for a in (W, slopes, error))
    _check(W, slopes, error)
    Dg = slopes * error
    v = W.T @ Dg
    gn, vn = np.linalg.norm(error), np.linalg.norm(v)
    r = vn / gn
    if squared:
        return 4 * (r * r - 1) / gn**2 * np.outer(Dg, v)
    if vn == 0:
        raise InvalidArgumentError("v = WᵀDg = 0: (r − 1)² is not differentiable there")
    return 2 * (r - 1) / (vn * gn) * np.outer(Dg, v)


__all__ += ["clip_elementwise"]


def clip_elementwise(grads: dict[str, np.ndarray], threshold: float) -> dict[str, np.ndarray]:
    """Mikolov's element-wise clipping: every entry is clipped to [−threshold, threshold].

    Unlike :func:`clip_by_global_norm` this changes the direction of the gradient whenever
    some but not all entries are clipped. Entries keep their number type (fractions stay
    exact), so the result can be checked in exact arithmetic.

    Examples
    --------
    >>> out = clip_elementwise({"W": np.array([3.0, 0.5])}, 1.0)
    >>> out["W"]
    array([1. , 0.5])
    """
    if not threshold > 0 or threshold != threshold or threshold == float("inf"):
        raise InvalidArgumentError(f"threshold={threshold!r} must be a positive finite number")

    def clip(value: float) -> float:
        return threshold if value > threshold else (-threshold if value < -threshold else value)

    out = {}
    for key, values in grads.items():
        array = np.asarray(values)
        flat = [clip(v) for v in array.ravel()]
        out[key] = np.array(flat, dtype=array.dtype).reshape(array.shape)
    return out
