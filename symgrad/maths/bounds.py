"""Numeric sides of the norm bounds: one-step Jacobians, their products, and the η-decay check.

Convention: Model A's one-step Jacobian is J = diag(σ′(a)) W, Model B's is
J = W diag(σ′(x_{t−1})) (numerator layout, :mod:`symgrad.rnn`). "Norm" is the
spectral norm. Products over a lag are formed latest factor on the left,
J_k ⋯ J_{t+1}, and divided by η factor by factor so that nothing underflows.

Floating-point tolerance for ‖∏ (J_i/η)‖₂ ≤ 1: each factor has norm at most 1
in exact arithmetic; a product of k such n×n factors and its computed spectral
norm carry a relative rounding error of at most about (k + 1)·n·ε, so the
checks allow 1 + 4(k + 1)·n·ε (ε = 2⁻⁵²), a margin of four.
"""

from __future__ import annotations

import numpy as np

from ..errors import InvalidArgumentError, check_choice, check_holds
from .activations import Activation, as_activation

__all__ = [
    "assert_eta_decay",
    "assert_one_step_bound",
    "gamma_of",
    "product_tolerance",
    "spectral_norm",
    "step_jacobian",
]

EPS = float(np.finfo(float).eps)


def _square_matrix(name: str, W: object) -> np.ndarray:
    """`W` as a float n×n array with finite entries, or a clear error."""
    try:
        A = np.asarray(W, dtype=float)
    except (TypeError, ValueError):
        raise InvalidArgumentError(
            f"{name}={W!r} must be a square matrix of real numbers"
        ) from None
    if A.ndim != 2 or A.shape[0] != A.shape[1] or A.shape[0] == 0:
        raise InvalidArgumentError(
            f"{name} has shape {A.shape}; allowed: a square n×n matrix (n ≥ 1)"
        )
    if not np.all(np.isfinite(A)):
        raise InvalidArgumentError(f"{name} has a non-finite entry; allowed: finite real entries")
    return A


def _vector(name: str, v: object, n: int, *, ndim: int = 1) -> np.ndarray:
    """`v` as a float array of shape (n,) (ndim 1) or (T, n) with T ≥ 1 (ndim 2)."""
    try:
        a = np.asarray(v, dtype=float)
    except (TypeError, ValueError):
        raise InvalidArgumentError(f"{name}={v!r} must be an array of real numbers") from None
    want = f"({n},)" if ndim == 1 else f"(T, {n}) with T ≥ 1"
    if a.ndim != ndim or a.shape[-1] != n or a.shape[0] == 0:
        raise InvalidArgumentError(f"{name} has shape {a.shape}; allowed: {want} (W is {n}×{n})")
    if not np.all(np.isfinite(a)):
        raise InvalidArgumentError(f"{name} has a non-finite entry; allowed: finite real entries")
    return a


def _rate(name: str, value: object) -> float:
    """A finite, non-negative real number (γ or η given by the caller)."""
    if isinstance(value, bool) or not isinstance(value, (int, float, np.floating, np.integer)):
        raise InvalidArgumentError(f"{name}={value!r} must be a real number")
    if not (np.isfinite(value) and value >= 0):
        raise InvalidArgumentError(f"{name}={value!r} is out of range; allowed: 0 ≤ {name} < ∞")
    return float(value)


def spectral_norm(A: np.ndarray) -> float:
    """The largest singular value ‖A‖₂."""
    return float(np.linalg.norm(np.atleast_2d(A), 2))


def step_jacobian(W: np.ndarray, slopes: np.ndarray, model: str = "A") -> np.ndarray:
    """J = diag(slopes) W (Model A) or W diag(slopes) (Model B).

    Examples
    --------
    >>> step_jacobian(np.eye(2), np.array([0.5, 2.0]))
    array([[0.5, 0. ],
           [0. , 2. ]])
    """
    check_choice("model", model, ("A", "B"))
    W = _square_matrix("W", W)
    slopes = _vector("slopes", slopes, W.shape[0])
    return slopes[:, None] * W if model == "A" else W * slopes[None, :]


def gamma_of(activation: str | Activation) -> float:
    """γ = sup|σ′| as a float, for a built-in name, an expression in x or an Activation.

    The derivation is cached per activation by :func:`symgrad.gamma.derive_gamma`, so
    call this once outside a timed test (the strategies of :mod:`symgrad.strategies`
    do so when they are built).

    Examples
    --------
    >>> gamma_of("sigmoid")
    0.25
    >>> gamma_of("2*tanh(x)")
    2.0
    """
    from .gamma import derive_gamma

    act = as_activation(activation)
    result = derive_gamma(act)
    if result.gamma is None:
        raise InvalidArgumentError(
            f"activation={act.name!r}: σ′ is unbounded, so there is no finite γ and the "
            "bound λ₁γ does not apply"
        )
    return result.gamma


def product_tolerance(n: int, k: int) -> float:
    """Allowed excess of ‖∏_{i≤k} (J_i/η)‖₂ over 1 (module docstring)."""
    return 4 * (k + 1) * n * EPS


def assert_one_step_bound(
    W: np.ndarray,
    pre: np.ndarray,
    activation: str | Activation,
    model: str = "A",
    *,
    gamma: float | None = None,
) -> None:
    """Check ‖J‖₂ ≤ λ₁γ for the Jacobian at pre-activations `pre` (relative tolerance 4nε).

    `W` is n×n, `pre` has length n, `model` is "A" or "B". `activation` is a built-in
    name, an expression in x or an Activation; `gamma`, when given, is used instead of
    deriving γ (e.g. a value computed once outside the test). A violated bound raises
    :class:`~symgrad.errors.CheckFailedError` with both sides (also under ``python -O``).

    Examples
    --------
    >>> assert_one_step_bound(np.eye(2), np.zeros(2), "tanh")
    >>> assert_one_step_bound(np.eye(2), np.zeros(2), "tanh", gamma=0.5)
    Traceback (most recent call last):
    ...
    symgrad.errors.CheckFailedError: ‖J‖₂ = 1.0 | λ₁γ = 0.5
    >>> assert_one_step_bound(np.ones((4, 3)), np.zeros(3), "tanh")
    Traceback (most recent call last):
    ...
    symgrad.errors.InvalidArgumentError: W has shape (4, 3); allowed: a square n×n matrix (n ≥ 1)
    """
    check_choice("model", model, ("A", "B"))
    W = _square_matrix("W", W)
    pre = _vector("pre", pre, W.shape[0])
    if gamma is not None:
        gamma = _rate("gamma", gamma)
    act = as_activation(activation)
    _, fp = act.numpy_functions()
    J = step_jacobian(W, fp(pre), model)
    lhs = spectral_norm(J)
    rhs = spectral_norm(W) * (gamma_of(act) if gamma is None else gamma)
    n = len(pre)
    check_holds(
        lhs <= rhs * (1 + 4 * n * EPS) + 4 * n * EPS * spectral_norm(W),
        f"‖J‖₂ = {lhs!r}",
        f"λ₁γ = {rhs!r}",
    )


def assert_eta_decay(
    W: np.ndarray,
    trajectory: np.ndarray,
    activation: str | Activation,
    model: str = "A",
    *,
    gamma: float | None = None,
    eta: float | None = None,
) -> None:
    """Check ‖J_k ⋯ J_{k−j+1}‖₂ ≤ η^j for every lag j along the trajectory, η = λ₁γ.

    Checked in the scale-free form ‖∏ (J_i/η)‖₂ ≤ 1 + 4(j + 1)nε. `W` is n×n and
    `trajectory` a (T, n) array of pre-activations, earliest first. `activation`, `model`
    and `gamma` as in :func:`assert_one_step_bound`. Another rate may be given as `eta`
    (e.g. ‖W‖_F·γ, a bound on λ₁γ). A violated bound raises
    :class:`~symgrad.errors.CheckFailedError` naming the lag.

    Examples
    --------
    >>> assert_eta_decay(0.5 * np.eye(2), np.zeros((3, 2)), "tanh")
    >>> assert_eta_decay(0.5 * np.eye(2), np.zeros(2), "tanh")
    Traceback (most recent call last):
    ...
    symgrad.errors.InvalidArgumentError: trajectory has shape (2,); allowed: (T, 2) with T ≥ 1 ...
    """
    check_choice("model", model, ("A", "B"))
    W = _square_matrix("W", W)
    trajectory = _vector("trajectory", trajectory, W.shape[0], ndim=2)
    if gamma is not None:
        gamma = _rate("gamma", gamma)
    if eta is not None:
        eta = _rate("eta", eta)
    act = as_activation(activation)
    _, fp = act.numpy_functions()
    if eta is None:
        eta = spectral_norm(W) * (gamma_of(act) if gamma is None else gamma)
    if eta == 0:
        return
    n = W.shape[0]
    product = np.eye(n)
    for j, pre in enumerate(trajectory[::-1], 1):
        product = product @ (step_jacobian(W, fp(pre), model) / eta)
        value = spectral_norm(product)
        limit = 1 + product_tolerance(n, j)
        check_holds(value <= limit, f"‖∏(J/η)‖₂ at lag {j} = {value!r}", f"allowed {limit!r}")
