"""Activation functions as SymPy expressions in ``x``.

An :class:`Activation` holds σ(x) as a SymPy expression; its derivative σ′ is
always derived by SymPy, never typed by hand. Piecewise activations know their
kinks: the points where the two one-sided derivatives differ. At a kink σ′
takes the value its ``Piecewise`` branches assign (the convention of the common
deep-learning libraries, e.g. ReLU′(0) = 0), and the one-sided values are
reported beside it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

import sympy as sp

from ..errors import InvalidArgumentError, check_real_constant, unknown_name

__all__ = [
    "ACTIVATIONS",
    "ALIASES",
    "Activation",
    "ActivationRegistry",
    "Kink",
    "as_activation",
    "elu",
    "leaky_relu",
    "logistic",
    "x",
]

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
    >>> as_activation("relu").kinks[0].describe()
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
        modules = [{"erf": _numpy_erf}, "numpy"]
        f = sp.lambdify(x, source, modules=modules)
        fp = sp.lambdify(x, sp.diff(source, x), modules=modules)
        return _broadcasting(f), _broadcasting(fp)

    def __str__(self) -> str:
        return f"{self.name}: σ(x) = {sp.sstr(self.expr)}"


def _numpy_erf(values: Any) -> Any:
    """erf element-wise (NumPy has none; math.erf is correctly rounded to a few ulp)."""
    import math

    import numpy as np

    return np.vectorize(math.erf, otypes=[float])(values)


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
    sign functions resolve before the limit is taken; Heaviside and Max/Min are written
    as Piecewise first (SymPy's limit cannot take Heaviside of a Max, as in σ′ of a Max
    of three lines).
    """
    eps = sp.Symbol("epsilon", positive=True)
    return sp.limit(expr.rewrite(sp.Piecewise).subs(x, point + side * eps), eps, 0, "+")


def _candidate_kinks(expr: sp.Expr) -> list[sp.Expr]:
    """Real points where a branch condition or an Abs/sign/Heaviside argument changes.

    Max, Min and most Abs/sign/Heaviside nodes become Piecewise conditions; SymPy keeps an
    Abs or sign whose argument it cannot show to be real (|acos(tanh x) − 1|, say), so their
    arguments' zeros are added too.
    """
    boundaries: set[sp.Expr] = set()
    for node in sp.preorder_traversal(expr.rewrite(sp.Piecewise)):
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


def leaky_relu(slope: int | str | sp.Expr = "1/100") -> Activation:
    """Leaky ReLU with the given negative-side slope (default 1/100, PyTorch's 0.01).

    Examples
    --------
    >>> leaky_relu("1/5").derivative
    Piecewise((1, x > 0), (1/5, True))
    """
    a = check_real_constant("slope", slope, lower=0, upper=1)
    return Activation(
        "leaky_relu", sp.Piecewise((x, x > 0), (a * x, True)), f"leaky ReLU (slope {a})"
    )


def elu(alpha: int | str | sp.Expr = 1) -> Activation:
    """ELU: x for x > 0, α(eˣ − 1) otherwise (default α = 1).

    Examples
    --------
    >>> elu(2).expr
    Piecewise((x, x > 0), (2*exp(x) - 2, True))
    """
    a = check_real_constant("alpha", alpha, lower=0)
    # the numeric form never evaluates exp at a large positive x (NumPy computes both branches)
    negative_part = sp.Piecewise((x, x <= 0), (0, True))
    return Activation(
        "elu",
        sp.Piecewise((x, x > 0), (a * (sp.exp(x) - 1), True)),
        f"ELU (α = {a})",
        numeric_expr=sp.Piecewise((x, x > 0), (a * (sp.exp(negative_part) - 1), True)),
    )


def logistic(arg: sp.Expr) -> sp.Expr:
    """The logistic sigmoid 1/(1 + e⁻ᵃ) of `arg`, written as every symbolic sigmoid in symgrad
    is (the built-in activation, the parser's ``sigmoid(·)``, the gates of LSTM and GRU cells).

    Examples
    --------
    >>> logistic(sp.Integer(0)), logistic(x)
    (1/2, 1/(1 + exp(-x)))
    """
    return 1 / (1 + sp.exp(-arg))


def _builtin() -> list[Activation]:
    cubic = sp.sqrt(2) / sp.sqrt(sp.pi) * (x + sp.Rational(44715, 10**6) * x**3)
    return [
        Activation("identity", x, "identity (linear)"),
        Activation("tanh", sp.tanh(x), "hyperbolic tangent"),
        Activation(
            "sigmoid", logistic(x), "logistic sigmoid", numeric_expr=(sp.tanh(x / 2) + 1) / 2
        ),
        Activation("relu", sp.Piecewise((x, x > 0), (0, True)), "ReLU"),
        leaky_relu(),
        Activation("hard_tanh", sp.Piecewise((-1, x <= -1), (x, x < 1), (1, True)), "hard tanh"),
        Activation("softsign", x / (1 + sp.Abs(x)), "softsign"),
        Activation("arctan", sp.atan(x), "arctangent"),
        Activation(
            "softplus",
            sp.log(1 + sp.exp(x)),
            "softplus",
            numeric_expr=sp.Max(x, 0) + sp.log(1 + sp.exp(-sp.Abs(x))),
        ),
        Activation("gelu", x / 2 * (1 + sp.erf(x / sp.sqrt(2))), "GELU (exact, xΦ(x))"),
        Activation(
            "gelu_tanh",
            x / 2 * (1 + sp.tanh(cubic)),
            "GELU, tanh approximation",
        ),
        Activation(
            "silu",
            x * logistic(x),
            "SiLU / swish (xσ(x))",
            numeric_expr=x * (sp.tanh(x / 2) + 1) / 2,
        ),
        elu(),
        Activation(
            "mish",
            x * sp.tanh(sp.log(1 + sp.exp(x))),
            "Mish (x tanh(softplus(x)))",
            numeric_expr=x * sp.tanh(sp.Max(x, 0) + sp.log(1 + sp.exp(-sp.Abs(x)))),
        ),
        Activation(
            "hard_sigmoid",
            sp.Piecewise((0, x <= -3), (x / 6 + sp.Rational(1, 2), x < 3), (1, True)),
            "hard sigmoid (x/6 + 1/2 clipped to [0, 1])",
        ),
    ]


#: Other spellings people use for the built-in activations (after normalisation).
ALIASES = {
    "swish": "silu",
    "logistic": "sigmoid",
    "linear": "identity",
    "atan": "arctan",
    "geluapprox": "gelu_tanh",
}


def _key(name: str) -> str:
    """Normalise a written name: case, surrounding blanks, a trailing ``(x)``, ``_ -`` and spaces."""
    text = name.strip().lower()
    if text.endswith("(x)"):
        text = text[:-3].rstrip()
    return "".join(c for c in text if c not in "_- ")


class ActivationRegistry(Mapping[str, Activation]):
    """The built-in activations by name; lookups ignore case, ``_``/``-``, and a trailing ``(x)``.

    Iteration yields the canonical names (``"gelu_tanh"``); ``"GELU"``, ``"relu(x)"``,
    ``"Leaky-ReLU"`` and the aliases in :data:`ALIASES` (``"swish"``) find their entries.

    Examples
    --------
    >>> ACTIVATIONS["ELU(x)"].name, "swish" in ACTIVATIONS, "gelo" in ACTIVATIONS
    ('elu', True, False)
    """

    def __init__(self, activations: list[Activation]) -> None:
        self._by_name = {a.name: a for a in activations}
        self._keys = {_key(a.name): a.name for a in activations}
        self._keys.update({_key(k): v for k, v in ALIASES.items()})

    def canonical(self, name: object) -> str | None:
        """The canonical name `name` resolves to, or None."""
        if not isinstance(name, str):
            return None
        return self._keys.get(_key(name))

    def __getitem__(self, name: str) -> Activation:
        canonical = self.canonical(name)
        if canonical is None:
            raise unknown_name("activation", str(name), self._by_name)
        return self._by_name[canonical]

    def __contains__(self, name: object) -> bool:
        return self.canonical(name) is not None

    def __iter__(self) -> Iterator[str]:
        return iter(self._by_name)

    def __len__(self) -> int:
        return len(self._by_name)

    def __repr__(self) -> str:
        return f"ActivationRegistry({', '.join(self._by_name)})"


#: The built-in activations by name (see :class:`ActivationRegistry` for the spellings).
ACTIVATIONS = ActivationRegistry(_builtin())


def as_activation(activation: str | sp.Expr | Activation) -> Activation:
    """The activation meant by `activation`: the one resolver of names and expressions.

    Every function of the package that takes an activation reads it here, so the same input
    gets the same activation and the same error everywhere:

    - an :class:`Activation` passes through;
    - a built-in name (any spelling :class:`ActivationRegistry` accepts) gives the built-in;
    - any other word (``"tahn"``) is an unknown name: the error suggests the closest built-ins;
    - an expression in x, as text (read by the safe parser,
      :func:`symgrad.maths.parsing.parse_expression`) or as a SymPy expression, gives the
      built-in with that very expression if there is one (``"1/(1 + exp(-x))"`` is the
      sigmoid), else an activation named by the expression's text.

    Examples
    --------
    >>> as_activation("Tanh").name, as_activation("1/(1 + exp(-x))").name
    ('tanh', 'sigmoid')
    >>> as_activation("x/(1 + abs(x))").name  # the softsign
    'softsign'
    >>> as_activation("x/(2 + abs(x))") == as_activation(x / (sp.Abs(x) + 2))
    True
    >>> as_activation("x/(2 + abs(x))").name
    'x/(Abs(x) + 2)'
    >>> as_activation("tahn")
    Traceback (most recent call last):
    ...
    symgrad.errors.UnknownNameError: activation='tahn' is not known; did you mean 'tanh'...
    """
    if isinstance(activation, Activation):
        return activation
    if isinstance(activation, str):
        if activation in ACTIVATIONS:
            return ACTIVATIONS[activation]
        if activation.strip().isidentifier() and activation.strip() != "x":
            raise unknown_name("activation", activation, ACTIVATIONS)
        from .parsing import parse_expression

        expr = parse_expression(activation)
    elif isinstance(activation, sp.Expr):
        plain = sp.Symbol("x")  # x written without assumptions is the real x
        expr = activation.xreplace({plain: x}) if plain in activation.free_symbols else activation
    else:
        raise InvalidArgumentError(
            f"activation={activation!r} must be a built-in name (e.g. 'tanh'), an expression "
            "in x (text or SymPy) or an Activation"
        )
    for builtin in ACTIVATIONS.values():
        if builtin.expr == expr:
            return builtin
    return Activation(sp.sstr(expr), expr)
