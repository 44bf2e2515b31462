"""The symbolic recurrent network: symbols, unrolled states, one-step Jacobians.

Two parametrisations are supported and never mixed:

Model A (default)
    a⁽ᵗ⁾ = W h⁽ᵗ⁻¹⁾ + U x⁽ᵗ⁾ + b,  h⁽ᵗ⁾ = σ(a⁽ᵗ⁾).
Model B (Pascanu et al., 2013, eq. 2)
    x_t = W σ(x_{t−1}) + U u_t + b; Model B's state x_t is Model A's
    pre-activation a⁽ᵗ⁾.

Layouts: the numerator-layout Jacobian has entries J_ij = ∂(new)_i/∂(old)_j;
the denominator layout is its transpose. Column vectors throughout.

=========  =========================  =========================
model      numerator J                denominator Jᵀ
=========  =========================  =========================
A          diag(σ′(a⁽ᵗ⁾)) W           Wᵀ diag(σ′(a⁽ᵗ⁾))
B          W diag(σ′(x_{t−1}))         diag(σ′(x_{t−1})) Wᵀ
=========  =========================  =========================
"""

from __future__ import annotations

from functools import cached_property

import sympy as sp

from ..errors import (
    BudgetExceededError,
    check_choice,
    check_positive_int,
)
from ..kernel.notation import AtTime, Plus, Times
from ..kernel.proof import is_zero
from .activations import Activation, as_activation

__all__ = ["LAYOUTS", "MODELS", "SymbolicRNN", "jacobian_entry"]

#: Model name → its update rule in words.
_t, _W, _U, _b = sp.symbols("t W U b")
_sigma = sp.Function("sigma")
#: The two model forms, by name, as equations for the printers.
MODELS = {
    "A": sp.Eq(
        AtTime("h", _t),
        _sigma(Plus(Times(_W, AtTime("h", _t - 1)), Times(_U, AtTime("x", _t)), _b)),
        evaluate=False,
    ),
    "B": sp.Eq(
        AtTime("x", _t),
        Plus(Times(_W, _sigma(AtTime("x", _t - 1))), Times(_U, AtTime("u", _t)), _b),
        evaluate=False,
    ),
}
LAYOUTS = ("numerator", "denominator")
LOSSES = ("squared", "generic")
#: Largest number of weight symbols (entries of W, U, b) a SymbolicRNN may create. One
#: symbol in its matrix costs about 750 bytes and 60 µs here (hidden=600: 360k symbols,
#: 22 s, 270 MB), so the budget is about 30 MB and 2.5 s.
MAX_SYMBOLS = 40_000
_BYTES_PER_SYMBOL = 750
_SECONDS_PER_SYMBOL = 60e-6


class SymbolicRNN:
    """A recurrent network with every weight, input and target a SymPy symbol.

    Parameters
    ----------
    hidden, steps, inputs : int
        Sizes n, T and m.
    activation : str or Activation
        σ; see :data:`symgrad.activations.ACTIVATIONS`.
    model : {"A", "B"}
        The parametrisation (module docstring).
    loss : {"squared", "generic"}
        ℓ⁽ᵏ⁾ = ½‖h⁽ᵏ⁾ − y⁽ᵏ⁾‖², or an undefined function ℓ(h⁽ᵏ⁾, y⁽ᵏ⁾) so that
        results show ∂ℓ/∂h symbolically.

    Examples
    --------
    >>> rnn = SymbolicRNN(hidden=2, steps=1)
    >>> rnn.W
    Matrix([
    [W_11, W_12],
    [W_21, W_22]])
    >>> rnn.one_step_jacobian()[0, 1]
    W_12*(1 - tanh(U_11*x_1^(1) + W_11*h_1^(0) + W_12*h_2^(0) + b_1)**2)
    >>> rnn.check_jacobian()
    True
    """

    def __init__(
        self,
        hidden: int,
        steps: int = 1,
        inputs: int = 1,
        activation: str | Activation = "tanh",
        model: str = "A",
        loss: str = "squared",
    ) -> None:
        self.hidden = check_positive_int("hidden", hidden)
        self.steps = check_positive_int("steps", steps)
        self.inputs = check_positive_int("inputs", inputs)
        self.activation = as_activation(activation)
        self.model = check_choice("model", model, MODELS)
        self.loss_kind = check_choice("loss", loss, LOSSES)
        n, m = hidden, inputs
        _check_size(n, m)
        self.W = sp.Matrix(n, n, lambda i, j: _real(f"W_{self._ij(i, j)}"))
        self.U = sp.Matrix(n, m, lambda i, j: _real(f"U_{self._ij(i, j)}"))
        self.b = sp.Matrix(n, 1, lambda i, _: _real(f"b_{i + 1}"))

    def _ij(self, i: int, j: int) -> str:
        sep = "," if max(self.hidden, self.inputs) >= 10 else ""
        return f"{i + 1}{sep}{j + 1}"

    @property
    def state_name(self) -> str:
        """``h`` for Model A, ``x`` for Model B."""
        return "h" if self.model == "A" else "x"

    @property
    def input_name(self) -> str:
        """``x`` for Model A, ``u`` for Model B."""
        return "x" if self.model == "A" else "u"

    def state_symbols(self, t: int) -> sp.Matrix:
        """Free symbols standing for the state at time t (e.g. h⁽ᵗ⁾₁ … h⁽ᵗ⁾ₙ)."""
        return sp.Matrix(self.hidden, 1, lambda i, _: _real(f"{self.state_name}_{i + 1}^({t})"))

    def input_at(self, t: int) -> sp.Matrix:
        """The input vector of step t."""
        return sp.Matrix(self.inputs, 1, lambda j, _: _real(f"{self.input_name}_{j + 1}^({t})"))

    def target_at(self, t: int) -> sp.Matrix:
        """The target vector y⁽ᵗ⁾ of the loss at step t."""
        return sp.Matrix(self.hidden, 1, lambda i, _: _real(f"y_{i + 1}^({t})"))

    def step(self, previous: sp.Matrix, t: int) -> sp.Matrix:
        """The state at time t as a function of the state `previous` at t − 1."""
        drive = self.U * self.input_at(t) + self.b
        if self.model == "A":
            return (self.W * previous + drive).applyfunc(self.activation)
        return self.W * previous.applyfunc(self.activation) + drive

    @cached_property
    def states(self) -> list[sp.Matrix]:
        """Unrolled states: ``states[0]`` is the symbolic initial state, then t = 1..T."""
        out = [self.state_symbols(0)]
        for t in range(1, self.steps + 1):
            out.append(self.step(out[-1], t))
        return out

    def step_loss(self, k: int, state: sp.Matrix | None = None) -> sp.Expr:
        """ℓ⁽ᵏ⁾ at the unrolled state (or at `state` if given)."""
        h = self.states[k] if state is None else state
        y = self.target_at(k)
        if self.loss_kind == "squared":
            return sum(((h[i] - y[i]) ** 2 for i in range(self.hidden)), sp.Integer(0)) / 2
        ell = sp.Function("ell")
        return ell(*h, *y)

    def loss(self) -> sp.Expr:
        """L = Σ_k ℓ⁽ᵏ⁾ over the unrolled network."""
        return sp.Add(*[self.step_loss(k) for k in range(1, self.steps + 1)])

    def slope_argument(self, t: int) -> sp.Matrix:
        """Where σ′ is taken in the Jacobian of step t: a⁽ᵗ⁾ (Model A) or x_{t−1} (Model B)."""
        prev = self.state_symbols(t - 1)
        if self.model == "A":
            return self.W * prev + self.U * self.input_at(t) + self.b
        return prev

    def one_step_jacobian(self, t: int = 1, layout: str = "numerator") -> sp.Matrix:
        """∂state⁽ᵗ⁾/∂state⁽ᵗ⁻¹⁾ from the chain-rule formula, σ′ derived by SymPy.

        Model A: diag(σ′(a⁽ᵗ⁾)) W; Model B: W diag(σ′(x_{t−1})) (numerator
        layout); the denominator layout is the transpose.
        """
        check_choice("layout", layout, LAYOUTS)
        slopes = self.slope_argument(t).applyfunc(self.activation.prime)
        D = sp.diag(*slopes)
        J = D * self.W if self.model == "A" else self.W * D
        return J if layout == "numerator" else J.T

    def explicit_jacobian(self, t: int = 1) -> sp.Matrix:
        """``Matrix.jacobian`` of the explicit step map (numerator layout)."""
        prev = self.state_symbols(t - 1)
        return self.step(prev, t).jacobian(prev)

    def check_jacobian(self, t: int = 1) -> bool:
        """True when the formula equals ``Matrix.jacobian`` of the step, entry by entry."""
        diff = self.one_step_jacobian(t) - self.explicit_jacobian(t)
        return all(is_zero(entry) for entry in diff)


def _check_size(n: int, m: int) -> None:
    """Refuse sizes whose weight symbols alone would exceed :data:`MAX_SYMBOLS` (memory)."""
    count = n * n + n * m + n
    if count <= MAX_SYMBOLS:
        return
    fit = int((-(m + 1) + ((m + 1) ** 2 + 4 * MAX_SYMBOLS) ** 0.5) / 2)
    while fit > 1 and fit * fit + fit * m + fit > MAX_SYMBOLS:
        fit -= 1
    raise BudgetExceededError(
        f"hidden={n}, inputs={m}: {count:,} weight symbols (about "
        f"{count * _BYTES_PER_SYMBOL / 1e9:.2g} GB and {count * _SECONDS_PER_SYMBOL:.0f} s) "
        f"exceed the budget of {MAX_SYMBOLS:,}; "
        f"hidden={fit} fits at inputs={m} (a numeric model in symgrad.numeric has no such limit)"
    )


def _real(name: str) -> sp.Symbol:
    return sp.Symbol(name, real=True)


def jacobian_entry(model: str = "A") -> sp.Eq:
    """The entry ∂state_i⁽ᵗ⁾/∂state_j⁽ᵗ⁻¹⁾ for symbolic n, derived by SymPy.

    Uses ``Indexed`` symbols and sums over ``r = 1..n`` so the result holds
    for every size, not only the sizes one tries.

    Examples
    --------
    >>> jacobian_entry("A").rhs
    Derivative(sigma(a[i]), a[i])*W[i, j]
    >>> jacobian_entry("B").rhs
    Derivative(sigma(x[j]), x[j])*W[i, j]
    """
    check_choice("model", model, MODELS)
    n = sp.Symbol("n", integer=True, positive=True)
    m = sp.Symbol("m", integer=True, positive=True)
    i, j, r = sp.symbols("i j r", integer=True, positive=True)
    W, U, b = sp.IndexedBase("W"), sp.IndexedBase("U"), sp.IndexedBase("b")
    sigma = sp.Function("sigma")
    prev = sp.IndexedBase("h" if model == "A" else "x")
    inp = sp.IndexedBase("x" if model == "A" else "u")
    drive = sp.Sum(U[i, r] * inp[r], (r, 1, m)) + b[i]
    if model == "A":
        pre = sp.Sum(W[i, r] * prev[r], (r, 1, n)) + drive
        new = sigma(pre)
    else:
        new = sp.Sum(W[i, r] * sigma(prev[r]), (r, 1, n)) + drive
    derived = sp.diff(new, prev[j]).doit()
    derived = _inside_index_range(derived, j, n)
    if model == "A":
        a = sp.IndexedBase("a")
        derived = derived.subs(pre, a[i]).doit()
    lhs = sp.Derivative(sp.Symbol(f"{prev.name}_i^(t)"), sp.Symbol(f"{prev.name}_j^(t-1)"))
    return sp.Eq(lhs, derived, evaluate=False)


def _inside_index_range(expr: sp.Expr, j: sp.Symbol, n: sp.Symbol) -> sp.Expr:
    """Take the branch of a Piecewise that holds for 1 ≤ j ≤ n."""
    inside = {j: sp.Integer(1)}
    for node in sp.preorder_traversal(expr):
        if isinstance(node, sp.Piecewise):
            for value, cond in node.args:
                if cond is sp.true or cond.subs(inside).subs(n, 1) is sp.true:
                    return expr.xreplace({node: value})
    return expr
