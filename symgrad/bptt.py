"""BPTT in general form: the sum of products for symbolic T, and its backward recursion.

Notation (the later step is k, the earlier t, k ≥ t): L = Σ_k L⁽ᵏ⁾; W⁽ᵗ⁾ is the
copy of W used only at step t, so ∂L/∂W = Σ_t ∂L/∂W⁽ᵗ⁾; ∂⁺ is the immediate
partial derivative (the previous state held fixed). Row-vector gradients,
numerator-layout Jacobians, so

    ∂L/∂W = Σ_{t=1}^{T} Σ_{k=t}^{T} (∂L⁽ᵏ⁾/∂h⁽ᵏ⁾) (∂h⁽ᵏ⁾/∂h⁽ᵗ⁾) (∂⁺h⁽ᵗ⁾/∂W⁽ᵗ⁾),
    ∂h⁽ᵏ⁾/∂h⁽ᵗ⁾ = J_k J_{k−1} ⋯ J_{t+1}   (latest factor on the left),

and with e_t := ∂L/∂h⁽ᵗ⁾ the recursion e_T = ∂L⁽ᵀ⁾/∂h⁽ᵀ⁾,
e_t = ∂L⁽ᵗ⁾/∂h⁽ᵗ⁾ + e_{t+1} J_{t+1}; transposed, g_t = ∇ℓ_t + J_{t+1}ᵀ g_{t+1}.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sympy as sp
from sympy.simplify.simplify import sum_combine

from .activations import Activation
from .rnn import SymbolicRNN, is_zero

__all__ = [
    "BackpropError",
    "Identity",
    "ImmediatePartial",
    "LossGradient",
    "NaiveCheck",
    "ProofStep",
    "StateJacobian",
    "StepJacobian",
    "TotalGradient",
    "backward_recursion_formula",
    "naive_check",
    "recursion_induction",
    "sum_of_products_formula",
]

k, t, T, i = sp.symbols("k t T i", integer=True, positive=True)


def _state(args: tuple[Any, ...], default: str = "h") -> str:
    return str(args[-1]) if len(args) > 1 and isinstance(args[-1], sp.Symbol) else default


class _Printed(sp.Function):
    """Matrix-valued placeholder: non-commutative, printed as mathematics."""

    is_commutative = False

    def _sympystr(self, printer: Any) -> str:
        return self._unicode(printer)

    def _pretty(self, printer: Any) -> Any:
        from sympy.printing.pretty.stringpict import prettyForm

        return prettyForm(self._unicode(printer))

    def _unicode(self, printer: Any) -> str:
        raise NotImplementedError


def _s(printer: Any, expr: Any) -> str:
    return sp.sstr(expr)


class LossGradient(_Printed):
    """∂L⁽ᵏ⁾/∂h⁽ᵏ⁾, a row vector."""

    def _latex(self, printer: Any) -> str:
        kk, h = printer._print(self.args[0]), _state(self.args)
        return rf"\frac{{\partial L^{{({kk})}}}}{{\partial {h}^{{({kk})}}}}"

    def _unicode(self, printer: Any) -> str:
        kk, h = _s(printer, self.args[0]), _state(self.args)
        return f"∂L({kk})/∂{h}({kk})"


class StepJacobian(_Printed):
    """J_i = ∂h⁽ⁱ⁾/∂h⁽ⁱ⁻¹⁾ in numerator layout."""

    def _latex(self, printer: Any) -> str:
        ii, h = self.args[0], _state(self.args)
        now, before = printer._print(ii), printer._print(ii - 1)
        return rf"\frac{{\partial {h}^{{({now})}}}}{{\partial {h}^{{({before})}}}}"

    def _unicode(self, printer: Any) -> str:
        ii, h = self.args[0], _state(self.args)
        return f"∂{h}({_s(printer, ii)})/∂{h}({_s(printer, ii - 1)})"


class StateJacobian(_Printed):
    """∂h⁽ᵏ⁾/∂h⁽ᵗ⁾ = J_k ⋯ J_{t+1}; the identity when k = t."""

    def _latex(self, printer: Any) -> str:
        kk, tt, h = printer._print(self.args[0]), printer._print(self.args[1]), _state(self.args)
        return rf"\frac{{\partial {h}^{{({kk})}}}}{{\partial {h}^{{({tt})}}}}"

    def _unicode(self, printer: Any) -> str:
        h = _state(self.args)
        return f"∂{h}({_s(printer, self.args[0])})/∂{h}({_s(printer, self.args[1])})"


class ImmediatePartial(_Printed):
    """∂⁺h⁽ᵗ⁾/∂W⁽ᵗ⁾: the previous state held constant."""

    def _latex(self, printer: Any) -> str:
        tt, h = printer._print(self.args[0]), _state(self.args)
        return rf"\frac{{\partial^{{+}} {h}^{{({tt})}}}}{{\partial W^{{({tt})}}}}"

    def _unicode(self, printer: Any) -> str:
        tt, h = _s(printer, self.args[0]), _state(self.args)
        return f"∂⁺{h}({tt})/∂W({tt})"


class BackpropError(_Printed):
    """e_t = ∂L/∂h⁽ᵗ⁾, the total error reaching step t (a row vector)."""

    def _latex(self, printer: Any) -> str:
        tt, h = printer._print(self.args[0]), _state(self.args)
        return rf"\frac{{\partial L}}{{\partial {h}^{{({tt})}}}}"

    def _unicode(self, printer: Any) -> str:
        return f"∂L/∂{_state(self.args)}({_s(printer, self.args[0])})"


class TotalGradient(_Printed):
    """∂L/∂W, the gradient of the whole loss with respect to W."""

    def _latex(self, printer: Any) -> str:
        return r"\frac{\partial L}{\partial W}"

    def _unicode(self, printer: Any) -> str:
        return "∂L/∂W"


class Identity(_Printed):
    """The identity matrix I."""

    def _latex(self, printer: Any) -> str:
        return "I"

    def _unicode(self, printer: Any) -> str:
        return "I"


def _h(model: str) -> sp.Symbol:
    return sp.Symbol("h" if model == "A" else "x")


def sum_of_products_formula(model: str = "A") -> sp.Eq:
    """∂L/∂W as a double Sum over t ≤ k of a Product of one-step Jacobians (symbolic T).

    Examples
    --------
    >>> print(sum_of_products_formula().rhs)
    Sum(∂L(k)/∂h(k)*Product(∂h(i)/∂h(i - 1), (i, t + 1, k))*∂⁺h(t)/∂W(t), (k, t, T), (t, 1, T))
    """
    h = _h(model)
    product = sp.Product(StepJacobian(i, h), (i, t + 1, k))
    term = LossGradient(k, h) * product * ImmediatePartial(t, h)
    return sp.Eq(TotalGradient(h), sp.Sum(term, (k, t, T), (t, 1, T)), evaluate=False)


def backward_recursion_formula(model: str = "A") -> sp.Eq:
    """e_t = ∂L⁽ᵗ⁾/∂h⁽ᵗ⁾ + e_{t+1} J_{t+1} (row form of g_t = ∇ℓ_t + J_{t+1}ᵀ g_{t+1}).

    Examples
    --------
    >>> print(backward_recursion_formula())
    Eq(∂L/∂h(t), ∂L/∂h(t + 1)*∂h(t + 1)/∂h(t) + ∂L(t)/∂h(t))
    """
    h = _h(model)
    rhs = LossGradient(t, h) + BackpropError(t + 1, h) * StepJacobian(t + 1, h)
    return sp.Eq(BackpropError(t, h), rhs, evaluate=False)


@dataclass
class ProofStep:
    """One link of a derivation: ``before = after``, why, and the check SymPy runs."""

    before: sp.Expr
    after: sp.Expr
    justification: str
    check: Callable[[], bool]
    how: str

    def holds(self) -> bool:
        return bool(self.check())


def recursion_induction(model: str = "A") -> list[ProofStep]:
    """Prove Σ_{k≥t} (∂L⁽ᵏ⁾/∂h⁽ᵏ⁾)(∂h⁽ᵏ⁾/∂h⁽ᵗ⁾) satisfies the backward recursion, for all T.

    Let S(t) = Σ_{k=t}^{T} G(k) P(k, t) with G(k) = ∂L⁽ᵏ⁾/∂h⁽ᵏ⁾ and
    P(k, t) = ∂h⁽ᵏ⁾/∂h⁽ᵗ⁾. Base: S(T) = G(T). Step (t < T): S(t) = G(t) + S(t+1) J_{t+1}.
    e_t obeys the same recursion with the same end value, so S(t) = e_t for
    every t ≤ T by downward induction, with T symbolic throughout. Every
    returned step is checked by SymPy on expressions with symbolic t and T.

    Examples
    --------
    >>> all(step.holds() for step in recursion_induction())
    True
    """
    h = _h(model)
    G = lambda kk: LossGradient(kk, h)  # noqa: E731
    P = lambda kk, tt: StateJacobian(kk, tt, h)  # noqa: E731
    J = StepJacobian(t + 1, h)
    term = G(k) * P(k, t)
    S_t = sp.Sum(term, (k, t, T))
    first, rest = sp.Sum(term, (k, t, t)), sp.Sum(term, (k, t + 1, T))
    split = term.subs(k, t) + rest
    peeled = G(t) * Identity() + sp.Sum(G(k) * P(k, t + 1) * J, (k, t + 1, T))
    factored = G(t) + sp.Sum(G(k) * P(k, t + 1), (k, t + 1, T)) * J
    recursion = G(t) + BackpropError(t + 1, h) * J
    base_sum = sp.Sum(G(k) * P(k, T), (k, T, T))

    def peel_ok() -> bool:
        # P(k, t) = P(k, t+1) J_{t+1} for k ≥ t+1 and P(t, t) = I: apply the
        # definition and compare with the stated right-hand side.
        rewritten = split.replace(
            lambda e: isinstance(e, StateJacobian) and e.args[1] == t,
            lambda e: Identity() if e.args[0] == t else StateJacobian(e.args[0], t + 1, h) * J,
        )
        return sp.expand(rewritten - peeled) == 0

    def factor_ok() -> bool:
        # distributivity: J_{t+1} does not depend on the summation index k
        inner = sp.Sum(G(k) * P(k, t + 1), (k, t + 1, T))
        return (not J.has(k)) and sp.expand(
            peeled.subs(Identity(), 1) - (G(t) + sp.Sum(inner.function * J, *inner.limits))
        ) == 0

    return [
        ProofStep(
            base_sum,
            G(T),
            "base case t = T: a single term, and ∂h⁽ᵀ⁾/∂h⁽ᵀ⁾ = I",
            lambda: sp.expand(base_sum.doit().subs(P(T, T), 1) - G(T)) == 0,
            "SymPy evaluates the one-term sum",
        ),
        ProofStep(
            S_t,
            split,
            "split off the term k = t (t < T)",
            lambda: sum_combine([first, rest]) == S_t and first.doit() == term.subs(k, t),
            "SymPy recombines the adjacent ranges t..t and t+1..T",
        ),
        ProofStep(
            split,
            peeled,
            "∂h⁽ᵗ⁾/∂h⁽ᵗ⁾ = I and ∂h⁽ᵏ⁾/∂h⁽ᵗ⁾ = (∂h⁽ᵏ⁾/∂h⁽ᵗ⁺¹⁾) J_{t+1}: the ordered product "
            "peeled at its earliest factor",
            peel_ok,
            "SymPy rewrites by the definition and compares",
        ),
        ProofStep(
            peeled,
            factored,
            "distributivity: J_{t+1} does not depend on k, so it leaves the sum on the right",
            factor_ok,
            "SymPy checks J_{t+1} is free of k and compares the summands",
        ),
        ProofStep(
            factored,
            recursion,
            "induction hypothesis: S(t+1) = ∂L/∂h⁽ᵗ⁺¹⁾",
            lambda: (
                sp.expand(
                    factored.subs(
                        sp.Sum(G(k) * P(k, t + 1), (k, t + 1, T)), BackpropError(t + 1, h)
                    )
                    - recursion
                )
                == 0
            ),
            "SymPy substitutes the hypothesis and compares with the recursion",
        ),
    ]


@dataclass
class NaiveCheck:
    """The naive route's outcome: unroll, ``sympy.diff``, ``expand``, compare."""

    hidden: int
    steps: int
    ok: bool
    seconds: float


def naive_check(
    hidden: int,
    steps: int,
    *,
    inputs: int = 1,
    activation: str | Activation = "tanh",
    model: str = "A",
) -> NaiveCheck:
    """The textbook route, for comparison: differentiate the unrolled loss with SymPy.

    The BPTT sum of products is built from the real activation (σ′ derived by
    SymPy), the direct gradient by ``sympy.diff`` of the unrolled loss; both are
    expanded and compared for W, U, b and h⁽⁰⁾. Exact, and slow: expression
    size grows quickly with n and T.

    Examples
    --------
    >>> naive_check(1, 2).ok
    True
    """
    from .routes import Problem, sum_of_products, unroll

    start = time.perf_counter()
    rnn = SymbolicRNN(hidden, steps, inputs, activation, model)
    act = rnn.activation
    problem = Problem(
        model=model,
        W=rnn.W.tolist(),
        U=rnn.U.tolist(),
        b=list(rnn.b),
        h0=list(rnn.state_symbols(0)),
        xs=[list(rnn.input_at(s)) for s in range(1, steps + 1)],
        ys=[list(rnn.target_at(s)) for s in range(1, steps + 1)],
        sigma=lambda _t, _i, arg: (act(arg), act.prime(arg)),
    )
    formula = sum_of_products(unroll(problem)[1])
    loss = rnn.loss()
    params = {"W": rnn.W, "U": rnn.U, "b": rnn.b, "h0": rnn.state_symbols(0)}
    ok = True
    for group, symbols in params.items():
        for r in range(symbols.rows):
            for c in range(symbols.cols):
                direct = sp.diff(loss, symbols[r, c])
                if not is_zero(direct - formula[group][r][c]):
                    ok = False
    return NaiveCheck(hidden, steps, ok, time.perf_counter() - start)
