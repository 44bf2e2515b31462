"""Activation functions as SymPy expressions in ``x``.

An :class:`Activation` holds σ(x) as a SymPy expression; its derivative σ′ is
always derived by SymPy, never typed by hand. Piecewise activations know their
kinks: the points where the two one-sided derivatives differ. At a kink σ′
takes the value its ``Piecewise`` branches assign (the convention of the common
deep-learning libraries, e.g. ReLU′(0) = 0), and the one-sided values are
reported beside it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import sympy as sp

from .errors import InvalidArgumentError, unknown_name

__all__ = ["ACTIVATIONS", "Activation", "Kink", "get_activation", "x"]

#: The variable every activation is written in (real-valued).
x = sp.Symbol("x", real=True)


@dataclass(frozen=True)
class Kink:
    """A point where σ′ jumps: its location and the three values of σ′ there."""

    at: sp.Expr
    left: sp.Expr
    right: sp.Expr
    value: sp.Expr

    def describe(self) -> str:
        """One line for people, e.g. ``at x = 0: left 0, right 1, convention 0``."""
        return (
            f"at x = {self.at}: σ′ from the left {self.left}, from the right {self.right}, "
            f"value used {self.value}"
        )


@dataclass(frozen=True)
class Activation:
    """An activation σ(x) with its SymPy-derived derivative.

    Parameters
    ----------
    name : str
        Short identifier (``"tanh"``).
    expr : sympy.Expr
        σ as an expression in :data:`x`.
    title : str, optional
        Readable name for documents.
    numeric_expr : sympy.Expr, optional
        An expression equal to `expr` that evaluates stably in floating point
        (used by :meth:`numpy_functions`); the tests prove the two are equal.

    Examples
    --------
    >>> act = Activation("cube", x**3)
    >>> act.derivative
    3*x**2
    >>> get_activation("relu").kinks[0].describe()
    'at x = 0: σ′ from the left 0, from the right 1, value used 0'
    """

    name: str
    expr: sp.Expr
    title: str = ""
    numeric_expr: sp.Expr | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        if not isinstance(self.expr, sp.Expr):
            raise InvalidArgumentError(
                f"expr={self.expr!r} must be a SymPy expression in x, "
                f"got {type(self.expr).__name__}"
            )
        if self.expr.has(sp.Heaviside, sp.DiracDelta):
            raise InvalidArgumentError(
                f"expr={self.expr} uses Heaviside/DiracDelta: σ′ would not be a function; "
                "write a continuous σ, with Piecewise for branches"
            )
        extra = self.expr.free_symbols - {x}
        if extra:
            names = ", ".join(sorted(str(s) for s in extra))
            raise InvalidArgumentError(
                f"expr={self.expr} may use only the variable x (real); it also uses {names}"
            )

    @cached_property
    def derivative(self) -> sp.Expr:
        """σ′(x), derived by SymPy."""
        return sp.diff(self.expr, x)

    @cached_property
    def second_derivative(self) -> sp.Expr:
        """σ″(x), derived by SymPy (away from kinks)."""
        return sp.diff(self.derivative, x)

    @cached_property
    def kinks(self) -> tuple[Kink, ...]:
        """Points where the one-sided derivatives of σ differ, in increasing order."""
        found = []
        for point in _candidate_kinks(self.expr):
            left = _one_sided(self.derivative, point, -1)
            right = _one_sided(self.derivative, point, +1)
            if sp.simplify(left - right) != 0:
                found.append(Kink(point, left, right, self.derivative.subs(x, point)))
        return tuple(found)

    def __call__(self, arg: Any) -> sp.Expr:
        """σ applied to a SymPy expression."""
        return self.expr.subs(x, arg)

    def prime(self, arg: Any) -> sp.Expr:
        """σ′ applied to a SymPy expression."""
        return self.derivative.subs(x, arg)

    def numpy_functions(self) -> tuple[Callable[..., Any], Callable[..., Any]]:
        """Vectorised NumPy callables ``(σ, σ′)``, generated from the SymPy expressions."""
        return self._numpy_pair

    @cached_property
    def _numpy_pair(self) -> tuple[Callable[..., Any], Callable[..., Any]]:
        source = self.numeric_expr if self.numeric_expr is not None else self.expr
        # lambdify is applied to expressions built by symgrad, in the single symbol x;
        # a user string never reaches it
        f = sp.lambdify(x, source, modules="numpy")
        fp = sp.lambdify(x, sp.diff(source, x), modules="numpy")
        return _broadcasting(f), _broadcasting(fp)

    def __str__(self) -> str:
        return f"{self.name}: σ(x) = {sp.sstr(self.expr)}"


def _broadcasting(func: Callable[..., Any]) -> Callable[..., Any]:
    import numpy as np

    def call(values: Any) -> Any:
        values = np.asarray(values, dtype=float)
        out = func(values)
        return np.broadcast_to(np.asarray(out, dtype=float), values.shape).copy()

    return call


def _one_sided(expr: sp.Expr, point: sp.Expr, side: int) -> sp.Expr:
    """Limit of `expr` as x → point from the given side.

    Substituting ``x = point ± ε`` with ε > 0 first lets Piecewise conditions and
    sign functions resolve before the limit is taken.
    """
    eps = sp.Symbol("epsilon", positive=True)
    return sp.limit(expr.subs(x, point + side * eps), eps, 0, "+")


def _candidate_kinks(expr: sp.Expr) -> list[sp.Expr]:
    """Real points where a branch condition or an Abs/sign/Max/Min argument changes."""
    rewritten = expr.rewrite(sp.Piecewise)
    boundaries: set[sp.Expr] = set()
    for node in sp.preorder_traversal(rewritten):
        if isinstance(node, sp.Piecewise):
            for _, cond in node.args:
                for rel in cond.atoms(sp.core.relational.Relational):
                    boundaries.update(_real_roots(rel.lhs - rel.rhs))
        elif isinstance(node, (sp.Abs, sp.sign, sp.Heaviside)):
            boundaries.update(_real_roots(node.args[0]))
    return sorted(boundaries, key=lambda v: float(v))


def _real_roots(expr: sp.Expr) -> list[sp.Expr]:
    if x not in expr.free_symbols:
        return []
    try:
        roots = sp.solve(expr, x)
    except NotImplementedError:
        return []
    return [r for r in roots if r.is_real]


def _builtin() -> dict[str, Activation]:
    leak = sp.Rational(1, 100)
    acts = [
        Activation("identity", x, "identity (linear)"),
        Activation("tanh", sp.tanh(x), "hyperbolic tangent"),
        Activation(
            "sigmoid",
            1 / (1 + sp.exp(-x)),
            "logistic sigmoid",
            numeric_expr=(sp.tanh(x / 2) + 1) / 2,
        ),
        Activation("relu", sp.Piecewise((x, x > 0), (0, True)), "ReLU"),
        Activation(
            "leaky_relu", sp.Piecewise((x, x > 0), (leak * x, True)), "leaky ReLU (slope 1/100)"
        ),
        Activation("hard_tanh", sp.Piecewise((-1, x <= -1), (x, x < 1), (1, True)), "hard tanh"),
        Activation("softsign", x / (1 + sp.Abs(x)), "softsign"),
        Activation("arctan", sp.atan(x), "arctangent"),
        Activation(
            "softplus",
            sp.log(1 + sp.exp(x)),
            "softplus",
            numeric_expr=sp.Max(x, 0) + sp.log(1 + sp.exp(-sp.Abs(x))),
        ),
    ]
    return {a.name: a for a in acts}


#: The built-in activations by name.
ACTIVATIONS: dict[str, Activation] = _builtin()


def get_activation(name: str | Activation) -> Activation:
    """Return the built-in activation called `name` (an :class:`Activation` passes through).

    Examples
    --------
    >>> get_activation("tanh").derivative
    1 - tanh(x)**2
    >>> get_activation("tahn")
    Traceback (most recent call last):
    ...
    symgrad.errors.UnknownNameError: activation='tahn' is not known; did you mean 'tanh'...
    """
    if isinstance(name, Activation):
        return name
    if not isinstance(name, str):
        raise InvalidArgumentError(f"activation={name!r} must be a name or an Activation")
    try:
        return ACTIVATIONS[name]
    except KeyError:
        raise unknown_name("activation", name, ACTIVATIONS) from None
