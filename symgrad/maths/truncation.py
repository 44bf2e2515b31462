"""The total gradient split by lag, truncated BPTT, and randomised truncation.

Model A in column form, numerator layout (as :mod:`symgrad.routes`): a⁽ᵗ⁾ = W h⁽ᵗ⁻¹⁾ +
U x⁽ᵗ⁾ + b, h⁽ᵗ⁾ = σ(a⁽ᵗ⁾), D_t = diag(σ′(a⁽ᵗ⁾)), J_t = D_t W, L = Σ_k ℓ⁽ᵏ⁾.

Convention for the immediate partial: ∂⁺h⁽ᵗ⁾/∂W holds h⁽ᵗ⁻¹⁾ fixed; as a linear map it sends
ΔW to D_t ΔW h⁽ᵗ⁻¹⁾. The term of lag j = k − t of ∂L/∂W is then the rank-one matrix

    term(k, t) = D_t (J_{t+1}ᵀ ⋯ J_kᵀ ∇ℓ⁽ᵏ⁾) h⁽ᵗ⁻¹⁾ᵀ,

and ∂L/∂W = Σ_{k ≥ t} term(k, t). Truncated BPTT at τ keeps the lags j < τ: each loss
ℓ⁽ᵏ⁾ is backpropagated through at most τ − 1 Jacobians. Randomised truncation multiplies
the backward step through J_i by an independent weight ξ_i ∈ {0, 1/π_i} with
P(ξ_i = 1/π_i) = π_i, so E ξ_i = 1 and the estimator is unbiased.

Everything runs in the number type of the trace (fractions for exact checks) with SymPy
matrices; the functions here compute the lag decomposition, never the full gradient by
another route, so that the checks can compare it with :func:`symgrad.routes.forward_mode`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from itertools import product
from typing import Any

import sympy as sp

from ..errors import InvalidArgumentError, check_int
from ..kernel.claims import Claim
from ..kernel.notation import AtTime, Chain, Grad, Size, Times
from .routes import Problem, Trace, forward_mode

__all__ = [
    "Example",
    "bound_constant_squared",
    "detached_truncated_gradient",
    "examples",
    "lag_terms",
    "long_lag_part",
    "loss_gradient",
    "randomised_gradient",
    "randomised_moments",
    "randomised_second_moment",
    "scalar_chain",
    "truncated_gradient",
    "unit_weight_chain",
]


def _check_trace(trace: Trace) -> None:
    if trace.problem.model != "A":
        raise InvalidArgumentError(
            f"model={trace.problem.model!r}: the lag decomposition here is written for model 'A'"
        )


def loss_gradient(problem: Problem, k: int, state: Sequence[Any]) -> sp.Matrix:
    """∇ℓ⁽ᵏ⁾ at h⁽ᵏ⁾ as a column: h − y for the squared loss, y itself for the generic loss."""
    y = problem.ys[k - 1]
    if problem.loss == "squared":
        return sp.Matrix([h - v for h, v in zip(state, y, strict=True)])
    return sp.Matrix(list(y))


def lag_terms(trace: Trace) -> dict[tuple[int, int], sp.Matrix]:
    """term(k, t) = D_t (J_{t+1}ᵀ ⋯ J_kᵀ ∇ℓ⁽ᵏ⁾) h⁽ᵗ⁻¹⁾ᵀ for 1 ≤ t ≤ k ≤ T (the W-gradient).

    Examples
    --------
    >>> from symgrad.maths.routes import unroll
    >>> from symgrad.maths.rational import rational_rule
    >>> p = Problem("A", [[2]], [[0]], [0], [1], [[0], [0]], [[1], [0]],
    ...             rational_rule("identity"), "generic")
    >>> sorted(lag_terms(unroll(p)[1]).items())
    [((1, 1), Matrix([[1]])), ((2, 1), Matrix([[0]])), ((2, 2), Matrix([[0]]))]
    """
    _check_trace(trace)
    p = trace.problem
    W = sp.Matrix(p.W)
    terms = {}
    for k in range(1, p.steps + 1):
        g = loss_gradient(p, k, trace.states[k])  # J_{t+1}ᵀ ⋯ J_kᵀ ∇ℓ⁽ᵏ⁾, grown from t = k down
        for t in range(k, 0, -1):
            D = sp.diag(*trace.slopes[t])
            terms[(k, t)] = D * g * sp.Matrix(trace.states[t - 1]).T
            g = W.T * D * g
    return terms


def _size(terms: dict[tuple[int, int], sp.Matrix]) -> tuple[int, int]:
    if not terms:
        raise InvalidArgumentError("terms is empty: pass the dictionary returned by lag_terms")
    return next(iter(terms.values())).shape


def truncated_gradient(terms: dict[tuple[int, int], sp.Matrix], tau: int) -> sp.Matrix:
    """Σ of the lag terms (from :func:`lag_terms`) with k − t < τ: what BPTT truncated at τ
    steps computes.

    Examples
    --------
    >>> chain = unit_weight_chain(5, 0)
    >>> from symgrad.maths.routes import unroll
    >>> terms = lag_terms(unroll(chain)[1])
    >>> truncated_gradient(terms, 2), truncated_gradient(terms, 5)
    (Matrix([[2]]), Matrix([[4]]))
    """
    tau = check_int("tau", tau, minimum=0)
    total = sp.zeros(*_size(terms))
    for (k, t), term in terms.items():
        if k - t < tau:
            total += term
    return total


def detached_truncated_gradient(problem: Problem, tau: int) -> sp.Matrix:
    """Truncated BPTT done the way it is implemented: stop the gradient at h⁽ᵏ⁻ᵗᵃᵘ⁾.

    For each loss ℓ⁽ᵏ⁾ the network is re-run from the (constant) state h⁽ᵏ⁻ᵗᵃᵘ⁾ for τ steps
    and ℓ⁽ᵏ⁾ is differentiated by forward mode (:func:`symgrad.routes.forward_mode`) with
    the linear loss ⟨∇ℓ⁽ᵏ⁾, h⁽ᵏ⁾⟩ that has the same gradient; no Jacobian product is formed.

    Examples
    --------
    >>> detached_truncated_gradient(unit_weight_chain(5, 0), 2)
    Matrix([[2]])
    """
    from .routes import unroll

    tau = check_int("tau", tau, minimum=1)
    _, trace = unroll(problem)
    n, T = problem.hidden, problem.steps
    total = sp.zeros(n, n)
    for k in range(1, T + 1):
        start = max(0, k - tau)
        grad = list(loss_gradient(problem, k, trace.states[k]))
        zeros = [[0] * n for _ in range(k - start - 1)]
        sub = Problem(
            model=problem.model,
            W=problem.W,
            U=problem.U,
            b=problem.b,
            h0=list(trace.states[start]),
            xs=problem.xs[start:k],
            ys=[*zeros, grad],
            sigma=problem.sigma,
            loss="generic",
        )
        total += sp.Matrix(forward_mode(sub)["W"])
    return total


def randomised_gradient(
    terms: dict[tuple[int, int], sp.Matrix], weights: Sequence[Any]
) -> sp.Matrix:
    """Σ_{k ≥ t} (ξ_{t+1} ⋯ ξ_k) term(k, t), with ξ_i = weights[i − 1] (i = 1..T)."""
    T = max(k for k, _ in terms) if terms else 0
    if len(weights) != T:
        raise InvalidArgumentError(f"{len(weights)} weights given; the terms run to T = {T}")
    total = sp.zeros(*_size(terms))
    for (k, t), term in terms.items():
        factor: Any = 1
        for i in range(t + 1, k + 1):
            factor = factor * weights[i - 1]
        total += factor * term
    return total


def _inverse(p: Any) -> Any:
    return 1 / p


def randomised_moments(
    trace: Trace, keep: Sequence[Any], kept_weight: Callable[[Any], Any] | None = None
) -> tuple[sp.Matrix, Any]:
    """E[g_ξ] and E‖g_ξ‖_F² over all 2^T outcomes of independent ξ_i ∈ {0, 1/π_i}, exactly.

    ``keep[i − 1]`` is π_i, the probability of keeping the backward step through J_i.
    ``kept_weight(π)`` is the value of ξ when the step is kept: 1/π (the default) makes
    E ξ = 1; another choice (1, say) gives a biased estimator.

    Examples
    --------
    >>> from symgrad.maths.routes import unroll
    >>> mean, second = randomised_moments(unroll(unit_weight_chain(3, 0))[1], [Fraction(1, 2)] * 3)
    >>> mean, second
    (Matrix([[2]]), 5)
    """
    if kept_weight is None:
        kept_weight = _inverse
    T = trace.problem.steps
    if len(keep) != T or any(not 0 < Fraction(p) <= 1 for p in keep):
        raise InvalidArgumentError(f"keep={list(keep)} must give T = {T} probabilities in (0, 1]")
    terms = lag_terms(trace)
    n = trace.problem.hidden
    mean = sp.zeros(n, n)
    second: Any = 0
    for outcome in product((False, True), repeat=T):
        prob: Any = 1
        weights = []
        for kept, p in zip(outcome, keep, strict=True):
            prob = prob * (p if kept else 1 - p)
            weights.append(kept_weight(sp.Rational(p)) if kept else 0)
        if prob == 0:
            continue
        g = randomised_gradient(terms, weights)
        mean += prob * g
        second += prob * sum(v * v for v in g)
    return mean, second


def bound_constant_squared(trace: Trace, gamma: Any) -> Any:
    """C² for C = γ · max_k ‖∇ℓ⁽ᵏ⁾‖ · max_t ‖h⁽ᵗ⁻¹⁾‖ (squares, so exact for rational data)."""
    p = trace.problem
    grads = [loss_gradient(p, k, trace.states[k]) for k in range(1, p.steps + 1)]
    g2 = max(sum(v * v for v in g) for g in grads)
    h2 = max(sum(v * v for v in trace.states[t - 1]) for t in range(1, p.steps + 1))
    return gamma**2 * g2 * h2


def long_lag_part(terms: dict[tuple[int, int], sp.Matrix], tau: int) -> sp.Matrix:
    """Σ of the lag terms with k − t ≥ τ: what truncation at τ leaves out."""
    tau = check_int("tau", tau, minimum=0)
    total = sp.zeros(*_size(terms))
    for (k, t), term in terms.items():
        if k - t >= tau:
            total += term
    return total


def randomised_second_moment(trace: Trace, keep: Sequence[Any]) -> Any:
    """E‖g_ξ‖_F² by the pairing formula, without enumerating outcomes.

    The weight of term(k, t) is the product of ξ_i over A = {t+1, …, k}. For two terms with
    sets A and A′, independence and E ξ_i = 1, E ξ_i² = 1/π_i give
    E[∏_A ξ ∏_{A′} ξ] = ∏_{i ∈ A ∩ A′} 1/π_i, so E‖g_ξ‖² = Σ ⟨term, term′⟩ ∏_{A∩A′} 1/π_i.
    """
    T = trace.problem.steps
    if len(keep) != T:
        raise InvalidArgumentError(f"{len(keep)} probabilities given; the trace has T = {T} steps")
    items = list(lag_terms(trace).items())
    total: Any = 0
    for (k, t), term in items:
        for (k2, t2), term2 in items:
            weight: Any = 1
            for i in range(max(t, t2) + 1, min(k, k2) + 1):
                weight = weight / sp.Rational(keep[i - 1])
            total += weight * sum(a * b for a, b in zip(term, term2, strict=True))
    return total


@dataclass(frozen=True)
class Example:
    """A stated exact instance: the problem, an η with ‖J_i‖₂ ≤ η, and its activation; the
    label is a claim (prose and mathematics)."""

    label: Claim
    problem: Problem
    eta: Fraction
    activation: str


def examples() -> list[Example]:
    """Two exact instances with η < 1: a linear chain where the lag bounds are nearly
    attained (h ≡ 1, ∇ℓ ≡ 1, w = η = 1/2, T = 12) and a softsign network with a non-normal
    Jacobian product (W = (3/4)·rotation, T = 4)."""
    from .rational import rational_rule

    half = Fraction(1, 2)
    T = 12
    chain = Problem(
        "A",
        [[half]],
        [[1]],
        [0],
        [1],
        [[half]] * T,
        [[1]] * T,
        rational_rule("identity"),
        "generic",
    )
    c = Fraction(3, 4)
    rotation = [[Fraction(3, 5), Fraction(-4, 5)], [Fraction(4, 5), Fraction(3, 5)]]
    net = Problem(
        "A",
        [[c * v for v in row] for row in rotation],
        [[1], [-half]],
        [0, half],
        [1, -1],
        [[1], [-1], [half], [2]],
        [[half, 0], [0, 1], [-half, half], [1, 1]],
        rational_rule("softsign"),
        "squared",
    )
    k, t, w, eta, R = sp.symbols("k t w eta R")
    chain_label = Claim(
        "linear chain,",
        Chain(w, "=", eta, "=", sp.Rational(1, 2)),
        ", every",
        Chain(AtTime("h", t), "=", 1),
        "and every",
        Chain(Grad(AtTime("ell", k)), "=", 1),
        ",",
        Chain(sp.Symbol("T"), "=", T),
    )
    net_label = Claim(
        "softsign,",
        Size(2, 2),
        Chain(sp.Symbol("W"), "=", Times(sp.Rational(3, 4), R)),
        "(",
        R,
        "a rotation),",
        Chain(sp.Symbol("T"), "=", 4),
    )
    return [
        Example(chain_label, chain, half, "identity"),
        Example(net_label, net, c, "softsign"),
    ]


def scalar_chain(steps: int, offset: int, weight: Any = 1) -> Problem:
    """The linear scalar chain h⁽ᵗ⁾ = w h⁽ᵗ⁻¹⁾ + x⁽ᵗ⁾ with h⁽⁰⁾ = −N and ℓ = h⁽ᵀ⁾ (η = |w|).

    The inputs x⁽¹⁾ = wN + 1, then x = 1 − w, put every state after the first at 1, so the
    early state −N is seen only by the term of the longest lag:
    ∂L/∂w = Σ_{j=0}^{T−2} w^j − N w^(T−1), while truncation at τ < T returns Σ_{j<τ} w^j.
    A large N makes the long-lag term outweigh the others, whatever |w| is.

    Examples
    --------
    >>> from symgrad.maths.routes import forward_mode
    >>> forward_mode(scalar_chain(4, 16, Fraction(1, 2)))["W"]  # 1 + 1/2 + 1/4 − 16/8
    [[Fraction(-1, 4)]]
    """
    from .rational import rational_rule

    if isinstance(steps, bool) or not isinstance(steps, int) or steps < 2:
        raise InvalidArgumentError(f"steps={steps!r} must be an integer ≥ 2")
    if isinstance(offset, bool) or not isinstance(offset, int) or offset < 0:
        raise InvalidArgumentError(f"offset={offset!r} must be a non-negative integer")
    w = Fraction(weight)
    xs = [[w * offset + 1]] + [[1 - w]] * (steps - 1)
    ys = [[0]] * (steps - 1) + [[1]]
    return Problem("A", [[w]], [[1]], [0], [-offset], xs, ys, rational_rule("identity"), "generic")


def unit_weight_chain(steps: int, offset: int) -> Problem:
    """The linear scalar chain w = 1 (η = 1): h⁽⁰⁾ = −N, x⁽¹⁾ = N + 1, then x = 0; ℓ = h⁽ᵀ⁾.

    Its gradient is ∂L/∂w = Σ_t h⁽ᵗ⁻¹⁾ = T − 1 − N, while truncation at τ < T sees only the
    last τ states, all equal to 1, and returns τ (:func:`scalar_chain` with w = 1).

    Examples
    --------
    >>> from symgrad.maths.routes import forward_mode
    >>> forward_mode(unit_weight_chain(12, 20))["W"]
    [[Fraction(-9, 1)]]
    """
    return scalar_chain(steps, offset, 1)
