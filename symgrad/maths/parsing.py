"""A safe parser for expressions users write, such as ``"x/(1 + exp(-x))"``.

SymPy's own string parsers evaluate Python code, so symgrad never hands them a
user's string. This parser reads the string with :func:`ast.parse`, walks the
syntax tree against a whitelist and builds the SymPy expression itself:

- numbers (integers of at most 30 digits, finite decimals), the declared
  variables and the constants ``pi`` and ``E``;
- ``+ - * /``, ``**`` and ``^`` (both mean power), unary ``-`` and ``+``;
- calls of the functions in :data:`FUNCTIONS` by bare name, positional
  arguments only.

Nothing else passes: no attributes, subscripts, keywords, strings, lambdas,
comprehensions, comparisons or names other than those listed. Budgets bound the
length (500 characters, ASCII only), the number of syntax nodes (300), the
depth (40), constant exponents (|e| ≤ 100) and the digits of constant powers (1000), so no
string can make SymPy compute a huge number. A constant part that is undefined or not
real (``log(0)``, ``0**-1``, ``sqrt(-1)``) is refused where it occurs.
"""

from __future__ import annotations

import ast
import math
from collections.abc import Callable, Iterable
from typing import Any

import sympy as sp

from ..errors import ParseError, closest_matches
from .activations import logistic

__all__ = ["FUNCTIONS", "MAX_LENGTH", "parse_expression"]

MAX_LENGTH = 500
MAX_NODES = 300
MAX_DEPTH = 40
MAX_INT_DIGITS = 30
MAX_EXPONENT = 100
MAX_RESULT_DIGITS = 1000
MAX_CONSTANT_ARGUMENT = 1e6


def _softplus(arg: sp.Expr) -> sp.Expr:
    return sp.log(1 + sp.exp(arg))


#: Function name → (SymPy constructor, allowed argument counts; None = two or more).
FUNCTIONS: dict[str, tuple[Callable[..., sp.Expr], tuple[int, ...] | None]] = {
    "exp": (sp.exp, (1,)),
    "log": (sp.log, (1,)),
    "ln": (sp.log, (1,)),
    "sqrt": (sp.sqrt, (1,)),
    "sin": (sp.sin, (1,)),
    "cos": (sp.cos, (1,)),
    "tan": (sp.tan, (1,)),
    "sinh": (sp.sinh, (1,)),
    "cosh": (sp.cosh, (1,)),
    "tanh": (sp.tanh, (1,)),
    "asinh": (sp.asinh, (1,)),
    "arcsinh": (sp.asinh, (1,)),
    "atan": (sp.atan, (1,)),
    "arctan": (sp.atan, (1,)),
    "erf": (sp.erf, (1,)),
    "abs": (sp.Abs, (1,)),
    "Abs": (sp.Abs, (1,)),
    "sign": (sp.sign, (1,)),
    "max": (sp.Max, None),
    "Max": (sp.Max, None),
    "min": (sp.Min, None),
    "Min": (sp.Min, None),
    "sigmoid": (logistic, (1,)),
    "softplus": (_softplus, (1,)),
}

_CONSTANTS = {"pi": sp.pi, "E": sp.E}


def parse_expression(text: str, variables: Iterable[str] = ("x",)) -> sp.Expr:
    """Parse `text` into a SymPy expression in the declared real `variables`.

    Examples
    --------
    >>> parse_expression("x/(1 + exp(-x))")
    x/(1 + exp(-x))
    >>> parse_expression("2^x + max(x, 0)")
    2**x + Max(0, x)
    >>> parse_expression("0.25*x")
    x/4
    >>> parse_expression("__import__('os').system('true')")
    Traceback (most recent call last):
    ...
    symgrad.errors.ParseError: expression: attribute access ('.system') is not allowed ...
    """
    if not isinstance(text, str):
        raise ParseError(f"expression={text!r} must be a string")
    if len(text) > MAX_LENGTH:
        raise ParseError(f"expression has {len(text)} characters; at most {MAX_LENGTH} are allowed")
    if not text.isascii():
        bad = next(c for c in text if not c.isascii())
        raise ParseError(f"expression: character {bad!r} is not ASCII; write e.g. 'exp(-x)'")
    if not text.strip():
        raise ParseError("expression is empty; write one in x, e.g. 'tanh(x)'")
    names = tuple(variables)
    symbols = {name: sp.Symbol(name, real=True) for name in names}
    try:
        # ``^`` means power here, binding as tightly as ``**``
        tree = ast.parse(text.strip().replace("^", "**"), mode="eval")
    except SyntaxError as exc:
        raise ParseError(
            f"expression={text!r} is not valid syntax (column {exc.offset}): {exc.msg}"
        ) from None
    nodes = sum(1 for _ in ast.walk(tree))
    if nodes > MAX_NODES:
        raise ParseError(f"expression has {nodes} syntax nodes; at most {MAX_NODES} are allowed")
    builder = _Builder(symbols)
    expr = builder.build(tree.body, 0)
    if not isinstance(expr, sp.Expr):
        raise ParseError(f"expression={text!r} is not a numeric expression")
    extra = expr.free_symbols - set(symbols.values())
    if extra:  # unreachable by construction; kept as the final guard
        raise ParseError(f"expression uses undeclared symbols {sorted(map(str, extra))}")
    return expr


class _Builder:
    def __init__(self, symbols: dict[str, sp.Symbol]) -> None:
        self.symbols = symbols

    def fail(self, node: ast.AST, what: str, hint: str = "") -> ParseError:
        col = getattr(node, "col_offset", None)
        where = f" at column {col + 1}" if col is not None else ""
        allowed = hint or "allowed: numbers, x, + - * / ** ^, and functions such as exp, tanh, max"
        return ParseError(f"expression: {what} is not allowed{where}; {allowed}")

    def build(self, node: ast.AST, depth: int) -> Any:
        if depth > MAX_DEPTH:
            raise ParseError(f"expression is nested deeper than {MAX_DEPTH} levels")
        method = getattr(self, f"_{type(node).__name__}", None)
        if method is None:
            raise self.fail(node, _describe(node))
        return _defined(node, method(node, depth + 1))

    def _Constant(self, node: ast.Constant, depth: int) -> sp.Expr:
        value = node.value
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self.fail(node, f"the literal {value!r}", "only numbers are literals")
        if isinstance(value, int):
            if len(str(abs(value))) > MAX_INT_DIGITS:
                raise self.fail(
                    node,
                    f"an integer of {len(str(abs(value)))} digits",
                    f"at most {MAX_INT_DIGITS} digits",
                )
            return sp.Integer(value)
        if not math.isfinite(value):
            raise self.fail(node, "a non-finite number")
        return sp.Rational(repr(value))  # the decimal as written, exactly

    def _Name(self, node: ast.Name, depth: int) -> sp.Expr:
        if node.id in self.symbols:
            return self.symbols[node.id]
        if node.id in _CONSTANTS:
            return _CONSTANTS[node.id]
        known = list(self.symbols) + list(_CONSTANTS)
        hint = _did_you_mean(node.id, known + list(FUNCTIONS) + _activation_names())
        raise self.fail(
            node, f"the name {node.id!r}", f"{hint}variables: {', '.join(self.symbols)}"
        )

    def _UnaryOp(self, node: ast.UnaryOp, depth: int) -> sp.Expr:
        operand = self.build(node.operand, depth)
        if isinstance(node.op, ast.USub):
            return -operand
        if isinstance(node.op, ast.UAdd):
            return operand
        raise self.fail(node, f"the operator {type(node.op).__name__}")

    def _BinOp(self, node: ast.BinOp, depth: int) -> sp.Expr:
        op = node.op
        if isinstance(op, (ast.Pow, ast.BitXor)):
            base = self.build(node.left, depth)
            exponent = self.build(node.right, depth)
            if exponent.is_number and (not exponent.is_real or abs(exponent) > MAX_EXPONENT):
                raise self.fail(
                    node,
                    f"the exponent {exponent}",
                    f"constant exponents need |e| ≤ {MAX_EXPONENT}",
                )
            _check_number_size(node, base, exponent, self)
            if (
                base.is_number
                and exponent.is_number
                and not abs(_approx(base)) <= MAX_CONSTANT_ARGUMENT
            ):
                raise self.fail(
                    node,
                    f"a constant power of a base of size about {_approx(base):.3g}",
                    f"constant bases of powers need |value| ≤ {MAX_CONSTANT_ARGUMENT:g}",
                )
            return sp.Pow(base, exponent)
        left, right = self.build(node.left, depth), self.build(node.right, depth)
        if isinstance(op, ast.Add):
            return left + right
        if isinstance(op, ast.Sub):
            return left - right
        if isinstance(op, ast.Mult):
            return left * right
        if isinstance(op, ast.Div):
            if right == 0:
                raise self.fail(node, "division by zero", "divide by a non-zero expression")
            return left / right
        raise self.fail(node, f"the operator {_OPERATORS.get(type(op), type(op).__name__)}")

    def _Call(self, node: ast.Call, depth: int) -> sp.Expr:
        if not isinstance(node.func, ast.Name):
            raise self.fail(
                node.func, _describe(node.func), "call functions by bare name, e.g. exp(x)"
            )
        name = node.func.id
        if name not in FUNCTIONS:
            bare = [a.id for a in node.args if isinstance(a, ast.Name)] == ["x"] == [*self.symbols]
            hint = _did_you_mean(name, [*FUNCTIONS, *(_activation_names() if bare else [])])
            raise self.fail(
                node, f"the function {name!r}", f"{hint}known: {', '.join(sorted(FUNCTIONS))}"
            )
        if node.keywords:
            raise self.fail(node, f"keyword arguments to {name}", "pass arguments by position")
        func, arity = FUNCTIONS[name]
        count = len(node.args)
        if (arity is None and count < 2) or (arity is not None and count not in arity):
            want = "two or more" if arity is None else " or ".join(map(str, arity))
            raise ParseError(f"expression: {name} takes {want} argument(s), got {count}")
        args = [self.build(a, depth) for a in node.args]
        for arg in args:
            if not arg.free_symbols:
                value = _approx(arg)
                if not abs(value) <= MAX_CONSTANT_ARGUMENT:
                    raise self.fail(
                        node,
                        f"the constant argument {name}(…) of size about {value:.3g}",
                        f"constant arguments of functions need |value| ≤ {MAX_CONSTANT_ARGUMENT:g}",
                    )
        return func(*args)


def _defined(node: ast.AST, value: Any) -> Any:
    """Refuse a constant part that is undefined (``log(0)``, ``0**-1``) or not real."""
    if not isinstance(value, sp.Expr) or value.free_symbols:
        return value
    part = ast.unparse(node)
    if value.has(sp.nan, sp.zoo, sp.oo, -sp.oo):
        raise ParseError(
            f"expression: the constant part {part!r} is undefined ({value}); "
            "write an expression that is finite for every real x"
        )
    if value.is_extended_real is False:
        raise ParseError(
            f"expression: the constant part {part!r} is not a real number ({value}); "
            "activations must be real-valued"
        )
    return value


_FLOAT_FUNCTIONS: dict[type, Callable[..., float]] = {
    sp.exp: math.exp,
    sp.log: math.log,
    sp.sin: math.sin,
    sp.cos: math.cos,
    sp.tan: math.tan,
    sp.sinh: math.sinh,
    sp.cosh: math.cosh,
    sp.tanh: math.tanh,
    sp.asinh: math.asinh,
    sp.atan: math.atan,
    sp.erf: math.erf,
    sp.Abs: abs,
    sp.sign: lambda v: float((v > 0) - (v < 0)),
    sp.Max: max,
    sp.Min: min,
}


def _approx(expr: sp.Expr) -> float:
    """A float approximation of a constant expression built by the parser, without evalf.

    Overflow gives infinity and anything unexpected NaN, so callers can refuse the value
    before SymPy is asked to evaluate something astronomically large.
    """
    try:
        if expr.is_Rational:
            return float(expr.p) / float(expr.q) if expr.q != 1 else float(expr.p)
        if expr is sp.pi:
            return math.pi
        if expr is sp.E:
            return math.e
        args = [_approx(a) for a in expr.args]
        if isinstance(expr, sp.Add):
            return math.fsum(args)
        if isinstance(expr, sp.Mul):
            return math.prod(args)
        if isinstance(expr, sp.Pow):
            return math.pow(args[0], args[1])
        func = _FLOAT_FUNCTIONS.get(type(expr))
        return float(func(*args)) if func is not None else math.nan
    except OverflowError:
        return math.inf
    except (ValueError, ZeroDivisionError, TypeError):
        return math.nan


def _check_number_size(node: ast.AST, base: sp.Expr, exponent: sp.Expr, builder: _Builder) -> None:
    """Refuse a constant power whose exact value would exceed MAX_RESULT_DIGITS digits."""
    if not (base.is_Rational and exponent.is_number) or base == 0:
        return
    size = max(abs(base.p), abs(base.q))
    digits = math.log10(size) * abs(float(exponent)) if size > 1 else 0.0
    if digits > MAX_RESULT_DIGITS:
        raise builder.fail(
            node,
            f"a constant power with about {digits:.0f} digits",
            f"constant powers may have at most {MAX_RESULT_DIGITS} digits",
        )


def _activation_names() -> list[str]:
    """Built-in activation names, which a whole expression may also be (``gelu``, ``relu(x)``)."""
    from .activations import ACTIVATIONS

    return list(ACTIVATIONS)


def _did_you_mean(name: str, choices: Iterable[str]) -> str:
    # suggest short names (x, E, ln) only for short names, and longer ones only for longer
    unique = list(dict.fromkeys(choices))
    choices = [c for c in unique if (len(c) <= 3) == (len(name) <= 2) or len(c) in (2, 3)]
    close = closest_matches(name, choices, limit=2)
    return f"did you mean {' or '.join(repr(c) for c in close)}? " if close else ""


_OPERATORS = {
    ast.FloorDiv: "//",
    ast.Mod: "%",
    ast.MatMult: "@",
    ast.LShift: "<<",
    ast.RShift: ">>",
    ast.BitOr: "|",
    ast.BitAnd: "&",
}


def _describe(node: ast.AST) -> str:
    if isinstance(node, ast.Attribute):
        return f"attribute access ('.{node.attr}')"
    if isinstance(node, ast.Subscript):
        return "subscripting ('[...]')"
    if isinstance(node, ast.Starred):
        return "argument unpacking ('*')"
    return f"a {type(node).__name__} expression"
