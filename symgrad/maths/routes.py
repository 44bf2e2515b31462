"""Three routes to the gradient of an unrolled RNN loss, written once for any number type.

The same code runs on Python integers and fractions (exact checks at random
points), on :class:`Degree` (a rigorous bound on polynomial degree), on SymPy
expressions (symbolic checks) and on :class:`Dual` numbers (forward-mode
differentiation). Only ``+``, ``-`` and ``*`` are used.

The routes
----------
``sum_of_products``
    The BPTT formula term by term: for every pair k ≥ t the row vector
    ∂ℓ⁽ᵏ⁾/∂h⁽ᵏ⁾ · J_k ⋯ J_{t+1}, times the immediate partial ∂⁺h⁽ᵗ⁾/∂θ⁽ᵗ⁾.
``backward_recursion``
    g_T = ∇ℓ_T, g_t = ∇ℓ_t + J_{t+1}ᵀ g_{t+1}, then Σ_t g_t · ∂⁺h⁽ᵗ⁾/∂θ⁽ᵗ⁾.
``forward_mode``
    Differentiates the unrolled forward computation itself with dual numbers
    (one tangent per parameter entry): the direct derivative of the loss, with
    no Jacobian and no backward pass in sight.

Conventions: column vectors, numerator layout (J_t = ∂h⁽ᵗ⁾/∂h⁽ᵗ⁻¹⁾, rows index
the new state), gradients returned as nested lists shaped like the parameter.
Model A: a⁽ᵗ⁾ = W h⁽ᵗ⁻¹⁾ + U x⁽ᵗ⁾ + b, h⁽ᵗ⁾ = σ(a⁽ᵗ⁾), J_t = diag(σ′(a⁽ᵗ⁾)) W.
Model B: x_t = W σ(x_{t−1}) + U u_t + b, J_t = W diag(σ′(x_{t−1})).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

__all__ = [
    "PARAMETER_GROUPS",
    "Degree",
    "Dual",
    "Pointwise",
    "Problem",
    "Tabulated",
    "Trace",
    "backward_recursion",
    "forward_mode",
    "sum_of_products",
    "unroll",
]

#: Parameter groups in the order gradients are reported.
PARAMETER_GROUPS = ("W", "U", "b", "h0")

Vector = list[Any]
Matrix = list[list[Any]]
#: σ at step t, unit i, given the argument: returns (σ(arg), σ′(arg)).
SigmaRule = Callable[[int, int, Any], tuple[Any, Any]]


@dataclass(frozen=True)
class Pointwise:
    """σ and σ′ as functions of the argument alone, the same at every step and unit.

    Examples
    --------
    >>> Pointwise(lambda a: a * a, lambda a: 2 * a)(3, 0, 5)
    (25, 10)
    """

    sigma: Callable[[Any], Any]
    prime: Callable[[Any], Any]

    def __call__(self, _t: int, _i: int, arg: Any) -> tuple[Any, Any]:
        return self.sigma(arg), self.prime(arg)


@dataclass(frozen=True)
class Tabulated:
    """σ given by its values: ``values[t][i]`` and ``slopes[t][i]`` are σ and σ′ at step t,
    unit i, whatever the argument (an instance whose every quantity is an atom).

    Examples
    --------
    >>> Tabulated([[], ["s1"]], [[], ["d1"]])(1, 0, "ignored")
    ('s1', 'd1')
    """

    values: Sequence[Sequence[Any]]
    slopes: Sequence[Sequence[Any]]

    def __call__(self, t: int, i: int, _arg: Any) -> tuple[Any, Any]:
        return self.values[t][i], self.slopes[t][i]


@dataclass
class Problem:
    """One concrete RNN instance in some number type.

    ``xs[t-1]`` and ``ys[t-1]`` are the input and target of step t (t = 1..T).
    ``sigma`` supplies σ and σ′ (a :class:`Pointwise` or :class:`Tabulated` σ, or any
    rule of that signature); ``loss`` is ``"squared"`` (ℓ = ½‖h − y‖²) or
    ``"generic"``, in which case ``ys`` hold the loss gradients ∇ℓ⁽ᵏ⁾ themselves
    and ℓ⁽ᵏ⁾ = ⟨∇ℓ⁽ᵏ⁾, h⁽ᵏ⁾⟩ to first order, which is all a gradient sees.
    """

    model: str
    W: Matrix
    U: Matrix
    b: Vector
    h0: Vector
    xs: list[Vector]
    ys: list[Vector]
    sigma: SigmaRule
    loss: str = "squared"

    @property
    def steps(self) -> int:
        return len(self.xs)

    @property
    def hidden(self) -> int:
        return len(self.b)


@dataclass
class Trace:
    """What the forward pass leaves for the backward routes.

    ``states[t]`` is h⁽ᵗ⁾ (t = 0..T); ``slopes[t]`` the σ′ values of step t;
    ``coeff[t]`` and ``feeds[g][t]`` describe the immediate partial
    ∂⁺state_i⁽ᵗ⁾/∂g_ij = coeff[t][i] · feeds[g][t][j] (``b`` has feed 1).
    """

    problem: Problem
    states: list[Vector]
    slopes: list[Vector]
    coeff: list[Vector]
    feeds: dict[str, list[Vector]]


def _matvec(A: Matrix, v: Sequence[Any]) -> Vector:
    return [_dot(row, v) for row in A]


def _dot(u: Sequence[Any], v: Sequence[Any]) -> Any:
    total = u[0] * v[0]
    for a, c in zip(u[1:], v[1:], strict=True):
        total = total + a * c
    return total


def unroll(problem: Problem) -> tuple[Any, Trace]:
    """Run the forward pass; return the total loss L = Σ_k ℓ⁽ᵏ⁾ and the trace."""
    p = problem
    n = p.hidden
    state = list(p.h0)
    states, slopes, coeff = [state], [[]], [[]]
    feeds: dict[str, list[Vector]] = {"W": [[]], "U": [[]], "b": [[]]}
    total: Any = 0
    for t in range(1, p.steps + 1):
        x_t = p.xs[t - 1]
        if p.model == "A":
            pre = [
                w + u + c
                for w, u, c in zip(_matvec(p.W, state), _matvec(p.U, x_t), p.b, strict=True)
            ]
            pairs = [p.sigma(t, i, pre[i]) for i in range(n)]
            feeds["W"].append(state)
            state = [s for s, _ in pairs]
            d = [dv for _, dv in pairs]
            coeff.append(d)
        else:
            pairs = [p.sigma(t, i, state[i]) for i in range(n)]
            squashed = [s for s, _ in pairs]
            d = [dv for _, dv in pairs]
            feeds["W"].append(squashed)
            state = [
                w + u + c
                for w, u, c in zip(_matvec(p.W, squashed), _matvec(p.U, x_t), p.b, strict=True)
            ]
            coeff.append([1] * n)
        feeds["U"].append(list(x_t))
        feeds["b"].append([1])
        slopes.append(d)
        states.append(state)
        total = total + _loss_value(p, t, state)
    return total, Trace(p, states, slopes, coeff, feeds)


def _loss_value(p: Problem, k: int, state: Vector) -> Any:
    y = p.ys[k - 1]
    if p.loss == "squared":
        diff = [h - yv for h, yv in zip(state, y, strict=True)]
        return Fraction(1, 2) * _dot(diff, diff)
    return _dot(y, state)


def _loss_gradient(p: Problem, k: int, state: Vector) -> Vector:
    """∂ℓ⁽ᵏ⁾/∂h⁽ᵏ⁾ as a row vector (squared error: h − y)."""
    y = p.ys[k - 1]
    if p.loss == "squared":
        return [h - yv for h, yv in zip(state, y, strict=True)]
    return list(y)


def _row_times_jacobian(tr: Trace, v: Vector, t: int) -> Vector:
    """The row vector v · J_t (numerator-layout one-step Jacobian of step t)."""
    W, d = tr.problem.W, tr.slopes[t]
    n = len(v)
    if tr.problem.model == "A":  # J = diag(d) W
        scaled = [v[i] * d[i] for i in range(n)]
        return [_dot(scaled, [W[i][j] for i in range(n)]) for j in range(n)]
    return [_dot(v, [W[i][j] for i in range(n)]) * d[j] for j in range(n)]  # J = W diag(d)


def _zero_gradients(tr: Trace) -> dict[str, Matrix]:
    n = tr.problem.hidden
    m = len(tr.problem.xs[0]) if tr.problem.xs else 0
    return {
        "W": [[0] * n for _ in range(n)],
        "U": [[0] * m for _ in range(n)],
        "b": [[0] for _ in range(n)],
        "h0": [[0] for _ in range(n)],
    }


def _accumulate(grads: dict[str, Matrix], tr: Trace, t: int, v: Vector) -> None:
    """Add v · ∂⁺h⁽ᵗ⁾/∂θ⁽ᵗ⁾ for θ in W, U, b (v = ∂L/∂h⁽ᵗ⁾ along the paths counted)."""
    c = tr.coeff[t]
    for group in ("W", "U", "b"):
        feed = tr.feeds[group][t]
        target = grads[group]
        for i, vi in enumerate(v):
            vc = vi * c[i]
            row = target[i]
            for j, z in enumerate(feed):
                row[j] = row[j] + vc * z


def sum_of_products(trace: Trace) -> dict[str, Matrix]:
    """∂L/∂θ = Σ_t Σ_{k≥t} (∂ℓ⁽ᵏ⁾/∂h⁽ᵏ⁾)(J_k ⋯ J_{t+1})(∂⁺h⁽ᵗ⁾/∂θ⁽ᵗ⁾), term by term.

    For each k the product is grown one factor at a time from the left, so every
    (k, t) term is the literal product of the formula. The gradient with respect
    to h⁽⁰⁾ is Σ_k (∂ℓ⁽ᵏ⁾/∂h⁽ᵏ⁾) J_k ⋯ J_1.
    """
    T = trace.problem.steps
    grads = _zero_gradients(trace)
    for k in range(1, T + 1):
        v = _loss_gradient(trace.problem, k, trace.states[k])
        for t in range(k, 0, -1):
            _accumulate(grads, trace, t, v)
            v = _row_times_jacobian(trace, v, t)
        for i, vi in enumerate(v):
            grads["h0"][i][0] = grads["h0"][i][0] + vi
    return grads


def backward_recursion(trace: Trace) -> dict[str, Matrix]:
    """∂L/∂θ by g_T = ∇ℓ_T, g_t = ∇ℓ_t + J_{t+1}ᵀ g_{t+1}, column form, written separately.

    Shares only the forward pass with :func:`sum_of_products`: the Jacobians are
    built as full matrices and transposed, ∇ℓ⁽ᵗ⁾ comes from differentiating the
    loss value with :class:`Dual` numbers, and the immediate partials are
    formed from the states (Model A: δ = diag(σ′) g; Model B: δ = g, fed by σ(x)).
    """
    p = trace.problem
    grads = _zero_gradients(trace)
    g: Vector | None = None
    for t in range(p.steps, 0, -1):
        local = _differentiated_loss(p, t, trace.states[t])
        if g is None:
            g = local
        else:
            carried = _matvec(_transpose(_jacobian(trace, t + 1)), g)
            g = [a + c for a, c in zip(local, carried, strict=True)]
        _add_immediate(grads, trace, t, g)
    if g is None:  # the loop runs once per step, and a problem has at least one
        raise ValueError(f"steps={p.steps!r} must be at least 1")
    grads["h0"] = [[v] for v in _matvec(_transpose(_jacobian(trace, 1)), g)]
    return grads


def _jacobian(tr: Trace, t: int) -> Matrix:
    """J_t as a full matrix: diag(σ′) W (Model A) or W diag(σ′) (Model B)."""
    W, d = tr.problem.W, tr.slopes[t]
    n = len(d)
    if tr.problem.model == "A":
        return [[d[i] * W[i][j] for j in range(n)] for i in range(n)]
    return [[W[i][j] * d[j] for j in range(n)] for i in range(n)]


def _transpose(A: Matrix) -> Matrix:
    return [list(column) for column in zip(*A, strict=True)]


def _differentiated_loss(p: Problem, k: int, state: Vector) -> Vector:
    """∇ℓ⁽ᵏ⁾ by forward-mode differentiation of the loss value at `state`."""
    n = len(state)
    duals = [Dual(h, [1 if j == i else 0 for j in range(n)]) for i, h in enumerate(state)]
    value = _loss_value(p, k, duals)
    return list(value.tangent) if isinstance(value, Dual) else [0] * n


def _add_immediate(grads: dict[str, Matrix], tr: Trace, t: int, g: Vector) -> None:
    """Add the outer products δ · (input of step t)ᵀ for W, U and b."""
    p = tr.problem
    previous = tr.states[t - 1]
    if p.model == "A":
        delta = [gi * di for gi, di in zip(g, tr.slopes[t], strict=True)]
        fed = previous
    else:
        delta = g
        fed = [p.sigma(t, j, v)[0] for j, v in enumerate(previous)]
    for group, column in (("W", fed), ("U", p.xs[t - 1]), ("b", [1])):
        rows = grads[group]
        for i, di in enumerate(delta):
            rows[i] = [r + di * z for r, z in zip(rows[i], column, strict=True)]


class Dual:
    """A number with one tangent per parameter entry: forward-mode differentiation.

    Examples
    --------
    >>> a, b = Dual(3, [1, 0]), Dual(4, [0, 1])
    >>> (a * b + a).tangent
    [5, 3]
    """

    __slots__ = ("tangent", "value")

    def __init__(self, value: Any, tangent: list[Any]) -> None:
        self.value = value
        self.tangent = tangent

    def __add__(self, other: Any) -> Dual:
        if isinstance(other, Dual):
            return Dual(
                self.value + other.value,
                [a + b for a, b in zip(self.tangent, other.tangent, strict=True)],
            )
        return Dual(self.value + other, self.tangent)

    __radd__ = __add__

    def __sub__(self, other: Any) -> Dual:
        if isinstance(other, Dual):
            return Dual(
                self.value - other.value,
                [a - b for a, b in zip(self.tangent, other.tangent, strict=True)],
            )
        return Dual(self.value - other, self.tangent)

    def __rsub__(self, other: Any) -> Dual:
        return Dual(other - self.value, [-a for a in self.tangent])

    def __mul__(self, other: Any) -> Dual:
        if isinstance(other, Dual):
            u, v = self.value, other.value
            return Dual(
                u * v, [u * b + v * a for a, b in zip(self.tangent, other.tangent, strict=True)]
            )
        return Dual(self.value * other, [a * other for a in self.tangent])

    __rmul__ = __mul__


def _parameter_layout(problem: Problem) -> list[tuple[str, int, int]]:
    n = problem.hidden
    m = len(problem.xs[0]) if problem.xs else 0
    slots = [("W", i, j) for i in range(n) for j in range(n)]
    slots += [("U", i, j) for i in range(n) for j in range(m)]
    slots += [("b", i, 0) for i in range(n)]
    slots += [("h0", i, 0) for i in range(n)]
    return slots


def forward_mode(problem: Problem) -> dict[str, Matrix]:
    """∂L/∂θ by differentiating the unrolled forward pass with :class:`Dual` numbers.

    σ is lifted by the chain rule alone: (σ(a), σ′(a)·ȧ). Nothing here knows
    about Jacobians, layouts or the backward pass.
    """
    slots = _parameter_layout(problem)
    size = len(slots)
    index = {slot: k for k, slot in enumerate(slots)}

    def seed(group: str, i: int, j: int, value: Any) -> Dual:
        tangent: list[Any] = [0] * size
        tangent[index[(group, i, j)]] = 1
        return Dual(value, tangent)

    def lifted_sigma(t: int, i: int, arg: Dual) -> tuple[Dual, Any]:
        s, d = problem.sigma(t, i, arg.value)
        return Dual(s, [d * a for a in arg.tangent]), d

    lifted = Problem(
        model=problem.model,
        W=[[seed("W", i, j, v) for j, v in enumerate(row)] for i, row in enumerate(problem.W)],
        U=[[seed("U", i, j, v) for j, v in enumerate(row)] for i, row in enumerate(problem.U)],
        b=[seed("b", i, 0, v) for i, v in enumerate(problem.b)],
        h0=[seed("h0", i, 0, v) for i, v in enumerate(problem.h0)],
        xs=problem.xs,
        ys=problem.ys,
        sigma=lifted_sigma,
        loss=problem.loss,
    )
    total, _ = unroll(lifted)
    grads = _zero_gradients(Trace(problem, [], [], [], {}))
    for k, (group, i, j) in enumerate(slots):
        grads[group][i][j] = total.tangent[k]
    return grads


class Degree:
    """An upper bound on the total degree of a polynomial, carried through arithmetic.

    Running a route on ``Degree`` atoms (degree 1) and constants (degree 0)
    bounds the degree of every output polynomial in the atoms.

    Examples
    --------
    >>> a = Degree(1)
    >>> (a * a + a * 3).degree
    2
    """

    __slots__ = ("degree",)

    def __init__(self, degree: int) -> None:
        self.degree = degree

    @staticmethod
    def of(value: Any) -> int:
        """The degree bound of `value` (constants have degree 0)."""
        return value.degree if isinstance(value, Degree) else 0

    def __add__(self, other: Any) -> Degree:
        if not isinstance(other, (Degree, int, Fraction)):
            return NotImplemented
        return Degree(max(self.degree, self.of(other)))

    __radd__ = __sub__ = __rsub__ = __add__

    def __mul__(self, other: Any) -> Degree:
        if not isinstance(other, (Degree, int, Fraction)):
            return NotImplemented
        return Degree(self.degree + self.of(other))

    __rmul__ = __mul__

    def __neg__(self) -> Degree:
        return self
