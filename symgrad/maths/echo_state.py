"""Exact runs for initialisation and the echo-state property.

Orthogonal initialisation uses rational orthogonal matrices from the Cayley transform
Q = (I − S)(I + S)⁻¹ of a skew-symmetric rational S, so that every check stays exact. The
IRNN (Le et al., 2015) is a ReLU network with W = I. The echo-state property (Jaeger, 2001) is
checked through two runs of the same network from different initial states under the same
inputs: it holds when their distance tends to 0 (the initial state is forgotten).

Runs use :func:`symgrad.routes.unroll` with exact σ rules from :mod:`symgrad.rational`.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from fractions import Fraction
from typing import Any

import sympy as sp

from ..errors import HypothesisError, InvalidArgumentError
from .rational import rational_rule
from .routes import Problem, unroll

__all__ = [
    "Run",
    "cayley_orthogonal",
    "difference_quotient_jacobian",
    "random_skew",
    "run",
    "state_jacobian_product",
]

#: activations that are linear between kinks at rational points: exact difference quotients
PIECEWISE_LINEAR = ("identity", "relu", "leaky_relu", "hard_tanh")


def random_skew(n: int, seed: int, *, size: int = 5) -> sp.Matrix:
    """A skew-symmetric n×n matrix with random rational entries p/q, |p| ≤ size, 1 ≤ q ≤ size."""
    rng = random.Random(seed)
    S = sp.zeros(n, n)
    for i in range(n):
        for j in range(i + 1, n):
            value = sp.Rational(rng.randint(-size, size), rng.randint(1, size))
            S[i, j], S[j, i] = value, -value
    return S


def cayley_orthogonal(S: sp.Matrix) -> sp.Matrix:
    """Q = (I − S)(I + S)⁻¹: orthogonal for every real skew-symmetric S (I + S is invertible).

    Examples
    --------
    >>> Q = cayley_orthogonal(sp.Matrix([[0, 2], [-2, 0]]))
    >>> Q, Q.T * Q == sp.eye(2)
    (Matrix([
    [-3/5, -4/5],
    [ 4/5, -3/5]]), True)
    """
    S = sp.Matrix(S)
    if S.rows != S.cols or not (S + S.T).is_zero_matrix:
        raise InvalidArgumentError(f"S = {S.tolist()} must be square and skew-symmetric (Sᵀ = −S)")
    eye = sp.eye(S.rows)
    return (eye - S) * (eye + S).inv()


class Run:
    """States h⁽⁰⁾…h⁽ᵀ⁾ and σ′ values of an exact run of Model A."""

    def __init__(self, states: list[list[Any]], slopes: list[list[Any]]) -> None:
        self.states = states
        self.slopes = slopes

    def state(self, t: int) -> sp.Matrix:
        """h⁽ᵗ⁾ as a column."""
        return sp.Matrix(self.states[t])


def run(
    W: Sequence[Sequence[Any]],
    h0: Sequence[Any],
    inputs: Sequence[Sequence[Any]],
    activation: str = "softsign",
    U: Sequence[Sequence[Any]] | None = None,
    b: Sequence[Any] | None = None,
) -> Run:
    """Run h⁽ᵗ⁾ = σ(W h⁽ᵗ⁻¹⁾ + U x⁽ᵗ⁾ + b) exactly (U = I and b = 0 by default).

    Examples
    --------
    >>> run([[3]], [Fraction(2, 3)], [[0], [0]]).states  # softsign: ±2/3 are fixed points
    [[Fraction(2, 3)], [Fraction(2, 3)], [Fraction(2, 3)]]
    """
    n = len(h0)
    W = [[Fraction(v) for v in row] for row in sp.Matrix(W).tolist()]
    if len(W) != n or any(len(row) != n for row in W):
        raise InvalidArgumentError(f"W must be {n}×{n} to match h0 of length {n}")
    U = [[int(i == j) for j in range(n)] for i in range(n)] if U is None else U
    b = [0] * n if b is None else b
    problem = Problem(
        "A",
        W,
        [list(row) for row in U],
        list(b),
        [Fraction(v) for v in h0],
        [list(x) for x in inputs],
        [[0] * n for _ in inputs],
        rational_rule(activation),
        "generic",
    )
    _, trace = unroll(problem)
    return Run([list(s) for s in trace.states], [list(d) for d in trace.slopes[1:]])


def state_jacobian_product(W: Sequence[Sequence[Any]], result: Run) -> sp.Matrix:
    """∂h⁽ᵀ⁾/∂h⁽⁰⁾ = J_T ⋯ J_1 with J_t = diag(σ′(a⁽ᵗ⁾)) W (latest factor on the left).

    Examples
    --------
    >>> state_jacobian_product([[3]], run([[3]], [Fraction(2, 3)], [[0], [0]]))
    Matrix([[1/9]])
    """
    W = sp.Matrix(W)
    product = sp.eye(W.rows)
    for slopes in result.slopes:
        product = sp.diag(*slopes) * W * product
    return product


def difference_quotient_jacobian(
    W: Sequence[Sequence[Any]],
    h0: Sequence[Any],
    inputs: Sequence[Sequence[Any]],
    activation: str = "leaky_relu",
    *,
    b: Sequence[Any] | None = None,
    eps: Fraction = Fraction(1, 10**6),
) -> sp.Matrix:
    """∂h⁽ᵀ⁾/∂h⁽⁰⁾ from runs alone: column j is (h⁽ᵀ⁾(h⁽⁰⁾ + ε e_j) − h⁽ᵀ⁾(h⁽⁰⁾))/ε, exactly.

    No Jacobian is multiplied: only states are compared, so this is a route independent of
    :func:`state_jacobian_product`. It is the derivative exactly when σ is piecewise linear
    (identity, relu, leaky_relu, hard_tanh) and no pre-activation crosses a kink between
    the two runs, which is checked (every σ′ along the perturbed run must equal the base
    run's, and no pre-activation of either run may sit on a kink); otherwise
    :class:`~symgrad.errors.HypothesisError` says to take a smaller `eps`.

    Examples
    --------
    >>> W = [[Fraction(1, 2), 1], [0, Fraction(-3, 4)]]
    >>> difference_quotient_jacobian(W, [1, -1], [[0, 0], [1, -2]], "relu")
    Matrix([
    [0, -3/4],
    [0,    0]])
    >>> state_jacobian_product(W, run(W, [1, -1], [[0, 0], [1, -2]], "relu"))
    Matrix([
    [0, -3/4],
    [0,    0]])
    """
    if activation not in PIECEWISE_LINEAR:
        raise InvalidArgumentError(
            f"activation={activation!r} is not piecewise linear; allowed: "
            f"{', '.join(PIECEWISE_LINEAR)} (difference quotients are exact only there)"
        )
    eps = Fraction(eps)
    if not eps > 0:
        raise InvalidArgumentError(f"eps={eps} must be positive")
    base = run(W, h0, inputs, activation, b=b)
    kinks = {"identity": (), "relu": (0,), "leaky_relu": (0,), "hard_tanh": (-1, 1)}[activation]
    columns = []
    for j in range(len(h0)):
        moved = [Fraction(v) for v in h0]
        moved[j] += eps
        other = run(W, moved, inputs, activation, b=b)
        if other.slopes != base.slopes or any(
            a in kinks for r in (base, other) for a in _preactivations(W, r, inputs, b)
        ):
            raise HypothesisError(
                f"eps={eps}: a pre-activation reaches a kink of {activation} between the runs "
                f"from h⁽⁰⁾ and h⁽⁰⁾ + εe_{j}; take a smaller eps"
            )
        T = len(inputs)
        step = sp.Rational(eps.numerator, eps.denominator)
        columns.append((other.state(T) - base.state(T)) / step)
    return sp.Matrix.hstack(*columns)


def _preactivations(W, result: Run, inputs, b) -> list[Fraction]:
    """Every a⁽ᵗ⁾ = W h⁽ᵗ⁻¹⁾ + x⁽ᵗ⁾ + b of a run (U = I), entry by entry."""
    n = len(result.states[0])
    W = [[Fraction(v) for v in row] for row in sp.Matrix(W).tolist()]
    b = [0] * n if b is None else b
    out = []
    for t, x in enumerate(inputs, 1):
        h = result.states[t - 1]
        out += [
            sum(W[i][k] * Fraction(h[k]) for k in range(n)) + Fraction(x[i]) + Fraction(b[i])
            for i in range(n)
        ]
    return out
