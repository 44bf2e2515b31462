"""Networks whose only recurrence goes through the output, run free or with teacher forcing.

The model (Goodfellow et al., 2016, §10.2.1): h⁽ᵗ⁾ = σ(W z⁽ᵗ⁻¹⁾ + U x⁽ᵗ⁾ + b), ŷ⁽ᵗ⁾ = V h⁽ᵗ⁾,
ℓ⁽ᵗ⁾ = ½‖ŷ⁽ᵗ⁾ − y⁽ᵗ⁾‖², where the fed-back vector z⁽ᵗ⁻¹⁾ is the model's own output ŷ⁽ᵗ⁻¹⁾
(free running) or the target y⁽ᵗ⁻¹⁾ (teacher forcing); z⁽⁰⁾ = y⁽⁰⁾ in both. With teacher
forcing no parameter reaches ℓ⁽ᵗ⁾ through an earlier step, so the gradient is a sum of one-step
terms: ∂L/∂W = Σ_t diag(σ′(a⁽ᵗ⁾)) Vᵀ(ŷ⁽ᵗ⁾ − y⁽ᵗ⁾) y⁽ᵗ⁻¹⁾ᵀ, with no product of Jacobians.

The unrolling uses only ``+``, ``-`` and ``*`` and a σ callable, so it runs on fractions,
SymPy expressions (σ an undefined function) and :class:`symgrad.routes.Dual` numbers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from fractions import Fraction
from typing import Any

import sympy as sp

from ..errors import InvalidArgumentError
from .routes import Dual

__all__ = ["forced_local_gradients", "output_feedback_gradient", "output_feedback_loss"]

Matrix = Sequence[Sequence[Any]]


def _matvec(A: Matrix, v: Sequence[Any]) -> list[Any]:
    out = []
    for row in A:
        total: Any = 0
        for a, c in zip(row, v, strict=True):
            total = total + a * c
        out.append(total)
    return out


def output_feedback_loss(
    W: Matrix,
    U: Matrix,
    V: Matrix,
    b: Sequence[Any],
    xs: Sequence[Sequence[Any]],
    ys: Sequence[Sequence[Any]],
    sigma: Callable[[Any], Any],
    *,
    forced: bool,
) -> Any:
    """L = Σ_{t≥1} ½‖ŷ⁽ᵗ⁾ − y⁽ᵗ⁾‖²; ``ys[0]`` is y⁽⁰⁾ (fed at t = 1), ``ys[t]`` the target of t.

    Examples
    --------
    >>> identity = lambda a: a
    >>> output_feedback_loss([[2]], [[0]], [[1]], [0], [[0], [0]], [[1], [0], [0]], identity,
    ...                      forced=False)
    Fraction(10, 1)
    """
    if len(ys) != len(xs) + 1:
        raise InvalidArgumentError(f"ys needs T + 1 = {len(xs) + 1} entries (y⁽⁰⁾ first)")
    fed = list(ys[0])
    total: Any = 0
    for t, x in enumerate(xs, 1):
        pre = [w + u + c for w, u, c in zip(_matvec(W, fed), _matvec(U, x), b, strict=True)]
        out = _matvec(V, [sigma(a) for a in pre])
        for o, y in zip(out, ys[t], strict=True):
            total = total + Fraction(1, 2) * (o - y) * (o - y)
        fed = list(ys[t]) if forced else out
    return total


def output_feedback_gradient(
    W: Matrix,
    U: Matrix,
    V: Matrix,
    b: Sequence[Any],
    xs: Sequence[Sequence[Any]],
    ys: Sequence[Sequence[Any]],
    rule: Callable[[int, int, Any], tuple[Any, Any]],
    *,
    forced: bool,
) -> sp.Matrix:
    """∂L/∂W by forward-mode dual numbers (the direct derivative of the unrolled loss).

    ``rule(t, i, a)`` returns (σ(a), σ′(a)) as in :class:`symgrad.routes.Problem`.
    """
    rows, cols = len(W), len(W[0])
    size = rows * cols

    def seed(i: int, j: int) -> Dual:
        tangent: list[Any] = [0] * size
        tangent[i * cols + j] = 1
        return Dual(W[i][j], tangent)

    def sigma(a: Dual) -> Dual:  # every pre-activation holds W·fed with W lifted: a dual number
        value, slope = rule(0, 0, a.value)
        return Dual(value, [slope * d for d in a.tangent])

    lifted = [[seed(i, j) for j in range(cols)] for i in range(rows)]
    loss = output_feedback_loss(lifted, U, V, b, xs, ys, sigma, forced=forced)
    return sp.Matrix(rows, cols, loss.tangent)


def forced_local_gradients(
    W: Matrix,
    U: Matrix,
    V: Matrix,
    b: Sequence[Any],
    xs: Sequence[Sequence[Any]],
    ys: Sequence[Sequence[Any]],
    rule: Callable[[int, int, Any], tuple[Any, Any]],
) -> list[sp.Matrix]:
    """The one-step terms diag(σ′(a⁽ᵗ⁾)) Vᵀ(ŷ⁽ᵗ⁾ − y⁽ᵗ⁾) y⁽ᵗ⁻¹⁾ᵀ of the teacher-forced gradient."""
    Wm, Um, Vm, bm = sp.Matrix(W), sp.Matrix(U), sp.Matrix(V), sp.Matrix(list(b))
    terms = []
    for t, x in enumerate(xs, 1):
        fed = sp.Matrix(list(ys[t - 1]))
        pre = Wm * fed + Um * sp.Matrix(list(x)) + bm
        pairs = [rule(t, i, a) for i, a in enumerate(pre)]
        out = Vm * sp.Matrix([p[0] for p in pairs])
        error = out - sp.Matrix(list(ys[t]))
        terms.append(sp.diag(*[p[1] for p in pairs]) * Vm.T * error * fed.T)
    return terms
