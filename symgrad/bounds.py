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

from .activations import ACTIVATIONS, Activation
from .errors import InvalidArgumentError, unknown_name

__all__ = [
    "as_activation",
    "assert_eta_decay",
    "assert_one_step_bound",
    "gamma_of",
    "product_tolerance",
    "spectral_norm",
    "step_jacobian",
]

EPS = float(np.finfo(float).eps)


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
    W = np.asarray(W, dtype=float)
    slopes = np.asarray(slopes, dtype=float)
    return slopes[:, None] * W if model == "A" else W * slopes[None, :]


def as_activation(activation: str | Activation) -> Activation:
    """An :class:`~symgrad.activations.Activation` from a built-in name or an expression in x.

    A string that is not a built-in name is read by the safe parser
    (:func:`symgrad.parsing.parse_expression`); the activation is named by the text.

    Examples
    --------
    >>> as_activation("tanh").title
    'hyperbolic tangent'
    >>> as_activation("x/(1 + abs(x))").derivative
    -x*sign(x)/(Abs(x) + 1)**2 + 1/(Abs(x) + 1)
    >>> as_activation("tahn")
    Traceback (most recent call last):
    ...
    symgrad.errors.UnknownNameError: activation='tahn' is not known; did you mean 'tanh'...
    """
    if isinstance(activation, Activation):
        return activation
    if not isinstance(activation, str):
        raise InvalidArgumentError(
            f"activation={activation!r} must be a built-in name, an expression in x "
            "(a string) or an Activation"
        )
    if activation in ACTIVATIONS:
        return ACTIVATIONS[activation]
    if activation.isidentifier() and activation != "x":  # a name, not an expression
        raise unknown_name("activation", activation, ACTIVATIONS)
    from .parsing import parse_expression

    return Activation(activation, parse_expression(activation))  # in the real symbol x


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
    """Assert ‖J‖₂ ≤ λ₁γ for the Jacobian at pre-activations `pre` (relative tolerance 4nε).

    `activation` is a built-in name, an expression in x or an Activation; `gamma`, when
    given, is used instead of deriving γ (e.g. a value computed once outside the test).
    """
    act = as_activation(activation)
    _, fp = act.numpy_functions()
    J = step_jacobian(W, fp(pre), model)
    lhs = spectral_norm(J)
    rhs = spectral_norm(W) * (gamma_of(act) if gamma is None else gamma)
    n = len(pre)
    assert lhs <= rhs * (1 + 4 * n * EPS) + 4 * n * EPS * spectral_norm(W), (
        f"‖J‖₂ = {lhs!r} | λ₁γ = {rhs!r}"
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
    """Assert ‖J_k ⋯ J_{k−j+1}‖₂ ≤ η^j for every lag j along the trajectory, η = λ₁γ.

    Checked in the scale-free form ‖∏ (J_i/η)‖₂ ≤ 1 + 4(j + 1)nε. `activation` and
    `gamma` as in :func:`assert_one_step_bound`. Another rate may be given as `eta`
    (e.g. ‖W‖_F·γ, a bound on λ₁γ).
    """
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
        assert value <= limit, f"‖∏(J/η)‖₂ at lag {j} = {value!r} | allowed {limit!r}"
