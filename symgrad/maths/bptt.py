"""BPTT in general form: the sum of products for symbolic T, and its backward recursion.

Notation (later step k, earlier t, k ≥ t): L = Σ_k L⁽ᵏ⁾; W⁽ᵗ⁾ is the copy of W used only at
step t, so ∂L/∂W = Σ_t ∂L/∂W⁽ᵗ⁾; ∂⁺ is the immediate partial derivative (previous state held
fixed). Row-vector gradients, numerator-layout Jacobians: ∂L/∂W = Σ_{t=1}^{T} Σ_{k=t}^{T}
(∂L⁽ᵏ⁾/∂h⁽ᵏ⁾)(∂h⁽ᵏ⁾/∂h⁽ᵗ⁾)(∂⁺h⁽ᵗ⁾/∂W⁽ᵗ⁾), ∂h⁽ᵏ⁾/∂h⁽ᵗ⁾ = J_k J_{k−1} ⋯ J_{t+1} (latest factor on
the left); with e_t := ∂L/∂h⁽ᵗ⁾, e_T = ∂L⁽ᵀ⁾/∂h⁽ᵀ⁾ and e_t = ∂L⁽ᵗ⁾/∂h⁽ᵗ⁾ + e_{t+1} J_{t+1};
transposed, g_t = ∇ℓ_t + J_{t+1}ᵀ g_{t+1}.

Kept as one module: one derivation read from top to bottom: the notation of the general
formula, the rewrite lemmas with their checks, the non-commuting instances, the proof by
induction that uses them, and the textbook route it is compared with.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sympy as sp
from sympy.printing.latex import LatexPrinter
from sympy.printing.str import StrPrinter
from sympy.simplify.simplify import sum_combine

from ..kernel.notation import AtTime, Partial
from .activations import Activation
from .rnn import SymbolicRNN, is_zero  # the kernel's, as the model module uses it

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
    "chain_rule_link_holds",
    "concrete_recursion_holds",
    "naive_check",
    "recursion_induction",
    "sum_of_products_formula",
]

k, t, T, i = sp.symbols("k t T i", integer=True, positive=True)


def _state(args: tuple[Any, ...], default: str = "h") -> sp.Symbol:
    return args[-1] if len(args) > 1 and isinstance(args[-1], sp.Symbol) else sp.Symbol(default)


class _Printed(sp.Function):
    """Matrix-valued placeholder: non-commutative, and printed as the notation it stands for
    (:meth:`notation`, an object of :mod:`symgrad.kernel.notation`) by every printer."""

    is_commutative = False

    def notation(self) -> Any:
        raise NotImplementedError

    def _sympystr(self, printer: Any) -> str:
        if type(printer) is StrPrinter:  # str(), repr(): SymPy's own form, its class named
            return printer._print_Function(self)
        return printer._print(self.notation())

    def _latex(self, printer: Any) -> str:
        if type(printer) is LatexPrinter:  # SymPy's own latex() (Jupyter's display)
            return _plain_latex(self.notation(), printer)
        return printer._print(self.notation())

    def _pretty(self, printer: Any) -> Any:
        return printer._print(self.notation())

    def _mathml_presentation(self, printer: Any) -> Any:
        return printer._print(self.notation())


def _plain_latex(shown: Any, printer: Any) -> str:
    """The placeholders' notation (∂y/∂x of states at times) for SymPy's own LaTeX printer,
    which does not know the notation objects."""
    if isinstance(shown, AtTime):
        return f"{printer._print(shown.args[0])}^{{({printer._print(shown.time)})}}"
    if isinstance(shown, Partial):
        of, by = (_plain_latex(a, printer) for a in shown.args[:2])
        mark = "^{+}" if shown.immediate else ""
        return rf"\frac{{\partial{mark} {of}}}{{\partial {by}}}"
    return printer._print(shown)


class LossGradient(_Printed):
    """∂L⁽ᵏ⁾/∂h⁽ᵏ⁾, a row vector."""

    def notation(self) -> Any:
        kk = self.args[0]
        return Partial(AtTime("L", kk), AtTime(_state(self.args), kk))


class StepJacobian(_Printed):
    """J_i = ∂h⁽ⁱ⁾/∂h⁽ⁱ⁻¹⁾ in numerator layout."""

    def notation(self) -> Any:
        ii, h = self.args[0], _state(self.args)
        return Partial(AtTime(h, ii), AtTime(h, ii - 1))


class StateJacobian(_Printed):
    """∂h⁽ᵏ⁾/∂h⁽ᵗ⁾ = J_k ⋯ J_{t+1}; the identity when k = t."""

    def notation(self) -> Any:
        h = _state(self.args)
        return Partial(AtTime(h, self.args[0]), AtTime(h, self.args[1]))


class ImmediatePartial(_Printed):
    """∂⁺h⁽ᵗ⁾/∂W⁽ᵗ⁾: the previous state held constant."""

    def notation(self) -> Any:
        tt = self.args[0]
        return Partial(AtTime(_state(self.args), tt), AtTime("W", tt), immediate=True)


class BackpropError(_Printed):
    """e_t = ∂L/∂h⁽ᵗ⁾, the total error reaching step t (a row vector)."""

    def notation(self) -> Any:
        return Partial(sp.Symbol("L"), AtTime(_state(self.args), self.args[0]))


class TotalGradient(_Printed):
    """∂L/∂W, the gradient of the whole loss with respect to W."""

    def notation(self) -> Any:
        return Partial(sp.Symbol("L"), sp.Symbol("W"))


class Identity(_Printed):
    """The identity matrix I."""

    def notation(self) -> Any:
        return sp.Symbol("I")


def _h(model: str) -> sp.Symbol:
    return sp.Symbol("h" if model == "A" else "x")


def sum_of_products_formula(model: str = "A") -> sp.Eq:
    """∂L/∂W as a double Sum over t ≤ k of a Product of one-step Jacobians (symbolic T).

    Examples
    --------
    >>> from symgrad.kernel.text import text
    >>> print(text(sum_of_products_formula()))
    ∂L/∂W = Σ_{t=1}^{T} Σ_{k=t}^{T} (∂L⁽ᵏ⁾/∂h⁽ᵏ⁾ ∏_{i=t + 1}^{k} (∂h⁽ⁱ⁾/∂h⁽ⁱ⁻¹⁾) ∂⁺h⁽ᵗ⁾/∂W⁽ᵗ⁾)
    """
    h = _h(model)
    product = sp.Product(StepJacobian(i, h), (i, t + 1, k))
    term = LossGradient(k, h) * product * ImmediatePartial(t, h)
    return sp.Eq(TotalGradient(h), sp.Sum(term, (k, t, T), (t, 1, T)), evaluate=False)


def backward_recursion_formula(model: str = "A") -> sp.Eq:
    """e_t = ∂L⁽ᵗ⁾/∂h⁽ᵗ⁾ + e_{t+1} J_{t+1} (row form of g_t = ∇ℓ_t + J_{t+1}ᵀ g_{t+1}).

    Examples
    --------
    >>> from symgrad.kernel.text import text
    >>> print(text(backward_recursion_formula()))
    ∂L/∂h⁽ᵗ⁾ = ∂L/∂h⁽ᵗ⁺¹⁾ ∂h⁽ᵗ⁺¹⁾/∂h⁽ᵗ⁾ + ∂L⁽ᵗ⁾/∂h⁽ᵗ⁾
    """
    h = _h(model)
    rhs = LossGradient(t, h) + BackpropError(t + 1, h) * StepJacobian(t + 1, h)
    return sp.Eq(BackpropError(t, h), rhs, evaluate=False)


@dataclass
class ProofStep:
    """One link of a derivation: ``before = after``, why, the check that runs, and its level.

    ``evidence`` is ``"proved"`` (symbolic t, T, sizes) or ``"checked"`` (exact
    arithmetic on the instances listed in ``how``).
    """

    before: sp.Expr
    after: sp.Expr
    justification: str
    check: Callable[[], bool]
    how: str
    evidence: str = "proved"

    def holds(self) -> bool:
        return bool(self.check())


# --- the rewrite rules, each a lemma with its own check ------------------------------------


def _unrolled_product(kk: Any, tt: Any, h: sp.Symbol) -> sp.Expr:
    """Definition of ∂h⁽ᵏ⁾/∂h⁽ᵗ⁾ one factor deep: J_k · ∂h⁽ᵏ⁻¹⁾/∂h⁽ᵗ⁾ (latest on the left)."""
    return StepJacobian(kk, h) * StateJacobian(kk - 1, tt, h)


def _peeled_product(kk: Any, tt: Any, h: sp.Symbol) -> sp.Expr:
    """Lemma (peel): ∂h⁽ᵏ⁾/∂h⁽ᵗ⁾ = (∂h⁽ᵏ⁾/∂h⁽ᵗ⁺¹⁾) J_{t+1} for k ≥ t + 1."""
    return StateJacobian(kk, tt + 1, h) * StepJacobian(tt + 1, h)


def _factor_right(summand: sp.Expr, right: sp.Expr, limits: tuple[Any, ...]) -> sp.Expr:
    """Lemma (distributivity): Σ_k (A_k R) = (Σ_k A_k) R when R is free of k."""
    return sp.Sum(summand, limits) * right


def _apply_distributivity(sums: sp.Expr, right: sp.Expr) -> sp.Expr | None:
    """Σ_k (A_k R) rewritten as (Σ_k A_k) R by the lemma; None unless the summand ends in R."""
    if not isinstance(sums, sp.Sum) or len(sums.limits) != 1:
        return None
    scalars, factors = sums.function.args_cnc()
    if not factors or factors[-1] != right:
        return None
    return _factor_right(sp.Mul(*scalars, *factors[:-1]), right, sums.limits[0])


def _identity_is_one(expr: sp.Expr, h: sp.Symbol) -> sp.Expr:
    """∂h⁽ˢ⁾/∂h⁽ˢ⁾ = I, written as the unit of the non-commutative product."""
    return expr.replace(
        lambda e: isinstance(e, StateJacobian) and e.args[0] == e.args[1],
        lambda e: sp.Integer(1),
    ).subs(Identity(), 1)


def _same(left: sp.Expr, right: sp.Expr) -> bool:
    return sp.expand(left - right) == 0


def _peel_lemma_holds(h: sp.Symbol) -> bool:
    """Induction on k: base k = t + 1 and step k → k + 1, each side from the definition."""
    base_left = _identity_is_one(_unrolled_product(t + 1, t, h), h)
    base_right = _identity_is_one(_peeled_product(t + 1, t, h), h)
    # step: P(k+1, t) by the definition, then the hypothesis P(k, t) = peel(k, t);
    # against peel(k+1, t) with its factor P(k+1, t+1) unrolled by the definition.
    step_left = _unrolled_product(k + 1, t, h).subs(
        StateJacobian(k, t, h), _peeled_product(k, t, h)
    )
    step_right = _peeled_product(k + 1, t, h).subs(
        StateJacobian(k + 1, t + 1, h), _unrolled_product(k + 1, t + 1, h)
    )
    return _same(base_left, base_right) and _same(step_left, step_right)


def _distributivity_lemma_holds(h: sp.Symbol) -> bool:
    """Induction on the upper limit b of Σ_{k=a}^{b}: one term, then b → b + 1."""
    a, b = sp.symbols("a b", integer=True)
    A = sp.Function("A", commutative=False)
    R = StepJacobian(t + 1, h)
    if R.has(k):
        return False
    one_left = sp.Sum(A(k) * R, (k, a, a)).doit()
    one_right = _factor_right(A(k), R, (k, a, a)).doit()
    # hypothesis Σ_{a}^{b} A_k R = X R, with X = Σ_{a}^{b} A_k a non-commutative unknown
    X = sp.Symbol("X", commutative=False)
    step_left = X * R + A(b + 1) * R  # Σ_{a}^{b+1} A_k R, last term split off, hypothesis
    step_right = _factor_right(A(k), R, (k, a, b + 1)).subs(
        sp.Sum(A(k), (k, a, b + 1)), X + A(b + 1)
    )
    return _same(one_left, one_right) and _same(step_left, step_right)


# --- concrete non-commuting instances --------------------------------------------------------


def _evaluate(expr: sp.Expr, env: Callable[[sp.Expr], sp.Matrix]) -> Any:
    """Evaluate a non-commutative expression, its atoms looked up by `env` (order kept)."""
    if isinstance(expr, sp.Add):
        parts = [_evaluate(a, env) for a in expr.args]
        total = parts[0]
        for p in parts[1:]:
            total = total + p
        return total
    if isinstance(expr, sp.Mul):
        scalar, factors = expr.args_cnc()
        value: Any = sp.Mul(*scalar)
        for f in factors:
            value = value * _evaluate(f, env)
        return value
    if isinstance(expr, (sp.Integer, sp.Rational)):
        return expr
    return env(expr)


def _lookup(G: dict, e: dict, J: dict) -> Callable[[sp.Expr], sp.Matrix]:
    """Atoms of the recursion → matrices: G(s), e_s and J_s by their step index."""
    table = {LossGradient: G, BackpropError: e, StepJacobian: J}

    def env(atom: sp.Expr) -> sp.Matrix:
        if type(atom) not in table:
            raise TypeError(f"unexpected atom {atom}")
        return table[type(atom)][int(atom.args[0])]

    return env


def _random_instance(rng: Any, n: int, steps: int) -> tuple[dict, dict]:
    """Random integer J_1..J_T (n × n, almost surely non-commuting) and rows G(1..T)."""

    def draw() -> int:
        return rng.randint(-9, 9)

    J = {s: sp.Matrix(n, n, lambda *_: draw()) for s in range(1, steps + 1)}
    G = {s: sp.Matrix(1, n, lambda *_: draw()) for s in range(1, steps + 1)}
    return J, G


def _sum_by_definition(J: dict, G: dict, tt: int, steps: int) -> sp.Matrix:
    """S(t) = Σ_{k=t}^{T} G(k) J_k ⋯ J_{t+1}, every product built factor by factor."""
    n = G[steps].cols
    total = sp.zeros(1, n)
    for kk in range(tt, steps + 1):
        product = sp.eye(n)
        for s in range(tt + 1, kk + 1):  # P(s, t) = J_s P(s−1, t)
            product = J[s] * product
        total += G[kk] * product
    return total


def concrete_recursion_holds(model: str = "A", sizes: tuple = ((2, 5), (3, 4), (4, 3))) -> bool:
    """The stated recursion, evaluated on random exact integer matrices, equals the definition.

    e_T = G(T) and, for t < T, the right-hand side of :func:`backward_recursion_formula`
    with e_{t+1} := S(t+1) equals S(t), for each (n, T) in `sizes`.

    Examples
    --------
    >>> concrete_recursion_holds()
    True
    """
    import random

    rhs = backward_recursion_formula(model).rhs
    rng = random.Random(20130)
    for n, steps in sizes:
        J, G = _random_instance(rng, n, steps)
        if J[1] * J[2] == J[2] * J[1] if steps > 1 else False:
            return False  # the instance must not commute, or order errors could hide
        S = {tt: _sum_by_definition(J, G, tt, steps) for tt in range(1, steps + 1)}
        if S[steps] != G[steps]:
            return False
        for tt in range(1, steps):
            try:
                value = _evaluate(rhs.subs(t, tt), _lookup(G, S, J))
            except (sp.ShapeError, TypeError):
                return False
            if not isinstance(value, sp.MatrixBase) or value != S[tt]:
                return False
    return True


def chain_rule_link_holds(model: str = "A", sizes: tuple = ((2, 3), (3, 2))) -> bool:
    """S(t) = ∂L/∂h⁽ᵗ⁾, with ∂L/∂h⁽ᵗ⁾ differentiated by SymPy from the loss after step t.

    A concrete network (σ(a) = a + a²/4, random rational weights, inputs and
    targets) is unrolled from a free state z = h⁽ᵗ⁾; the derivative of
    Σ_{k≥t} L⁽ᵏ⁾ with respect to z is compared exactly with the sum of products
    built from the one-step Jacobians of :class:`SymbolicRNN` (its formula
    diag(σ′)W or W diag(σ′)), and with the recursion run backwards.

    Examples
    --------
    >>> chain_rule_link_holds("B", sizes=((2, 2),))
    True
    """
    import random

    from .activations import Activation, x

    act = Activation("poly", x + x**2 / 4)
    rng = random.Random(1307)

    def q() -> sp.Rational:
        return sp.Rational(rng.randint(-6, 6), rng.randint(1, 5))

    rhs = backward_recursion_formula(model).rhs
    for n, steps in sizes:
        rnn = SymbolicRNN(n, steps, 1, act, model)
        values: dict[sp.Symbol, sp.Rational] = {}
        for M in (rnn.W, rnn.U, rnn.b):
            values.update({s: q() for s in M})
        for s in range(1, steps + 1):
            values.update({e: q() for e in rnn.input_at(s)})
            values.update({e: q() for e in rnn.target_at(s)})
        for tt in range(1, steps + 1):
            z = rnn.state_symbols(tt)
            point = {e: q() for e in z}
            states = {tt: z}
            for s in range(tt + 1, steps + 1):
                states[s] = rnn.step(states[s - 1], s).xreplace(values)
            tail = sp.Add(*[rnn.step_loss(s, states[s]) for s in range(tt, steps + 1)])
            # σ is a polynomial, so the loss is a polynomial in z with rational coefficients:
            # SymPy builds it in its polynomial ring by that ring's arithmetic (sp.poly, not
            # Poly, which would first expand the nested expression) and differentiates it
            # there: exact, and several times faster than expanding or diff
            poly = sp.poly(tail.xreplace(values), *z, domain=sp.QQ)
            direct = sp.Matrix([[poly.diff(e)(*(point[v] for v in z)) for e in z]])
            at = {s: states[s].xreplace(point) for s in states}
            J = {
                s: rnn.one_step_jacobian(s)
                .xreplace(values)
                .xreplace(dict(zip(rnn.state_symbols(s - 1), at[s - 1], strict=True)))
                for s in range(tt + 1, steps + 1)
            }
            G = {s: (at[s] - rnn.target_at(s).subs(values)).T for s in range(tt, steps + 1)}
            if _sum_by_definition(J, G, tt, steps) != direct:
                return False
            e = {steps: G[steps]}
            for s in range(steps - 1, tt - 1, -1):
                try:
                    e[s] = _evaluate(rhs.subs(t, s), _lookup(G, e, J))
                except (sp.ShapeError, TypeError):
                    return False
            if e[tt] != direct:
                return False
    return True


def recursion_induction(model: str = "A") -> list[ProofStep]:
    """Prove that S(t) = Σ_{k≥t} (∂L⁽ᵏ⁾/∂h⁽ᵏ⁾)(∂h⁽ᵏ⁾/∂h⁽ᵗ⁾) obeys the recursion and is ∂L/∂h⁽ᵗ⁾.

    Let S(t) = Σ_{k=t}^{T} G(k) P(k, t) with G(k) = ∂L⁽ᵏ⁾/∂h⁽ᵏ⁾ and
    P(k, t) = ∂h⁽ᵏ⁾/∂h⁽ᵗ⁾ defined by P(t, t) = I, P(k, t) = J_k P(k−1, t). The
    rewrite rules are lemmas proved first (peel, distributivity, split); the
    inductive step then rewrites S(t) with them and is compared with the right-hand
    side of :func:`backward_recursion_formula`, built separately. Two exact checks
    follow: the recursion on random non-commuting integer matrices, and the
    chain-rule link S(t) = ∂L/∂h⁽ᵗ⁾ on concrete networks of this model.

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
    S_next = sp.Sum(G(k) * P(k, t + 1), (k, t + 1, T))
    first, rest = sp.Sum(term, (k, t, t)), sp.Sum(term, (k, t + 1, T))
    split = term.subs(k, t) + rest
    # the inductive step, rewritten by the lemmas only
    # the identity rule runs over the whole expression: it must leave P(k, t+1), k > t, alone
    peeled = _identity_is_one(
        split.subs(rest, sp.Sum(G(k) * _peeled_product(k, t, h), (k, t + 1, T))), h
    )
    factored = _identity_is_one(G(t) * P(t, t), h) + _factor_right(
        G(k) * P(k, t + 1), J, (k, t + 1, T)
    )
    # the other side: the stated recursion with the hypothesis e_{t+1} = S(t+1)
    stated = backward_recursion_formula(model).rhs.subs(BackpropError(t + 1, h), S_next)
    base_sum = sp.Sum(G(k) * P(k, T), (k, T, T))

    def split_ok() -> bool:
        return sum_combine([first, rest]) == S_t and first.doit() == term.subs(k, t)

    def step_ok() -> bool:
        # apply the distributivity lemma to the peeled sum: its summand must end in J_{t+1}
        head, sums = peeled.as_independent(sp.Sum)
        pulled = _apply_distributivity(sums, J)
        return pulled is not None and _same(head + pulled, factored) and _same(factored, stated)

    label = (
        "Model A: J_t = diag(σ′(a⁽ᵗ⁾)) W" if model == "A" else "Model B: J_t = W diag(σ′(x_{t−1}))"
    )
    # the relation displayed for the distributivity lemma, and the check that it is an instance
    spread = sp.Sum(G(k) * J, (k, t + 1, T))
    pulled = _factor_right(G(k), J, (k, t + 1, T))
    return [
        ProofStep(
            _unrolled_product(k, t, h),
            _peeled_product(k, t, h),
            "lemma (peel): P(k, t) = P(k, t+1) J_{t+1} for k > t, by induction on k from the "
            "definition P(k, t) = J_k P(k−1, t), P(t, t) = I",
            lambda: _peel_lemma_holds(h),
            "SymPy compares base and inductive step, non-commutative symbols, t and k symbolic",
        ),
        ProofStep(
            spread,
            pulled,
            "lemma (distributivity): J_{t+1} is free of k, so Σ_k A_k J_{t+1} = (Σ_k A_k) J_{t+1}; "
            "induction on the number of terms",
            lambda: _distributivity_lemma_holds(h) and _apply_distributivity(spread, J) == pulled,
            "SymPy compares base and inductive step with non-commutative A_k, J; the relation "
            "shown is the lemma applied to its left side",
        ),
        ProofStep(
            base_sum,
            G(T),
            "base case t = T: a single term, and ∂h⁽ᵀ⁾/∂h⁽ᵀ⁾ = I",
            lambda: _same(_identity_is_one(base_sum.doit(), h), G(T)),
            "SymPy evaluates the one-term sum",
        ),
        ProofStep(
            S_t,
            split,
            "split off the term k = t (t < T)",
            split_ok,
            "SymPy recombines the adjacent ranges t..t and t+1..T",
        ),
        ProofStep(
            split,
            stated,
            "inductive step: P(t, t) = I, the peel lemma inside the sum, distributivity, then the "
            "hypothesis S(t+1) = ∂L/∂h⁽ᵗ⁺¹⁾ gives the stated recursion",
            step_ok,
            "SymPy compares the rewritten sum with the stated recursion built separately",
        ),
        ProofStep(
            S_t,
            stated,
            "the recursion on random non-commuting integer matrices equals the definition",
            lambda: concrete_recursion_holds(model),
            "exact integers, (n, T) = (2, 5), (3, 4), (4, 3), every t",
            evidence="checked",
        ),
        ProofStep(
            S_t,
            BackpropError(t, h),
            f"chain rule: S(t) = ∂L/∂h⁽ᵗ⁾, the derivative of the loss after step t ({label})",
            lambda: chain_rule_link_holds(model),
            "exact rationals, σ(a) = a + a²/4, (n, T) = (2, 3), (3, 2), every t",
            evidence="checked",
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
    from .routes import Pointwise, Problem, sum_of_products, unroll

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
        sigma=Pointwise(act, act.prime),
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
