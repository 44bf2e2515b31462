"""The one-line Unicode form of mathematics: how symgrad's objects read as text.

SymPy objects print themselves with SymPy's ``StrPrinter`` (``str(expr)``); symgrad's claims
print with :class:`SymgradTextPrinter`, a subclass of it that writes mathematics as a reader
writes it (``Σ_{k=1}^{T}``, ``k²``, ``√(…)``, ``|x|``, ``1.39×10⁻⁶⁰``) and knows the notation
objects of :mod:`symgrad.kernel.notation`. It is the text a claim, an outcome or an error
message shows; the printers of documents (LaTeX, MathML, pretty) are in
:mod:`symgrad.render.printing` and share :class:`ObjectsFirst` with this one.

Kept as one module: one printer class, with a ``_print_X`` method per SymPy class and per
notation object it writes differently, and the small script and number helpers they share.
"""

from __future__ import annotations

import sys
from typing import Any

import sympy as sp
from sympy.core.alphabets import greeks
from sympy.core.function import AppliedUndef
from sympy.core.symbol import Str
from sympy.printing.conventions import split_super_sub
from sympy.printing.pretty.pretty_symbology import pretty_symbol
from sympy.printing.str import StrPrinter

from .notation import RELATIONS, AtTime, Norm, Plus, decimal_parts, subscript, superscript

__all__ = [
    "TEXT_RELATIONS",
    "ObjectsFirst",
    "SymgradTextPrinter",
    "as_sympy",
    "prime_marks",
    "text",
]


def as_sympy(expr: Any) -> Any:
    np = sys.modules.get("numpy")  # a NumPy value exists only once NumPy is imported
    if np is None:
        return expr
    if isinstance(expr, np.ndarray):
        data = expr.tolist()
        return sp.Matrix(data if expr.ndim == 2 else [[x] for x in data])
    if isinstance(expr, np.generic):
        return sp.sympify(expr.item())
    return expr


class ObjectsFirst:
    """What the three string printers share: values are made SymPy objects first, and a
    `Plus` keeps its written order with ``a - b`` for negative terms (the pretty printer
    keeps its own one-line form)."""

    def doprint(self, expr: Any) -> str:
        return super().doprint(as_sympy(expr))  # type: ignore[misc]

    def _print_Plus(self, expr: Any) -> str:
        out = ""
        for k, term in enumerate(expr.args):
            negative = term.could_extract_minus_sign()
            shown = self._print(-term if negative else term)  # type: ignore[attr-defined]
            if negative and isinstance(-term, sp.Add | Plus):  # a - (b + c), not a - b + c
                shown = f"({shown})"
            out += (" - " if negative else " + ") + shown if k else ("-" * negative) + shown
        return out


_SUPERSCRIPT_ALL = dict(
    zip("0123456789+-()tkinTjmdpsrabel", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁽⁾ᵗᵏⁱⁿᵀʲᵐᵈᵖˢʳᵃᵇᵉˡ", strict=True)
)
_SUBSCRIPT_ALL = dict(
    zip("0123456789+-()ijktnmpxsraelhov", "₀₁₂₃₄₅₆₇₈₉₊₋₍₎ᵢⱼₖₜₙₘₚₓₛᵣₐₑₗₕₒᵥ", strict=True)
)
TEXT_RELATIONS = {"==": "=", "<=": "≤", ">=": "≥", "!=": "≠", "<": "<", ">": ">"}


def _script(text: str, table: dict[str, str], mark: str) -> str:
    """`text` in Unicode super/subscript when every character has one, else ``^(…)``/``_…``."""
    plain = text.replace(" ", "")
    if plain and all(c in table for c in plain):
        return "".join(table[c] for c in plain)
    return f"{mark}({text})" if len(plain) > 1 else f"{mark}{text}"


def _factor_at(term: Any, var: Any, value: Any) -> Any:
    """`term` at `var` = `value`: ``J_i`` (a symbol named by its index) becomes ``J_t+1``."""
    suffix = f"_{var}"
    renamed = {
        s: sp.Symbol(
            s.name[: -len(suffix)] + "_" + sp.sstr(value).replace(" ", ""), **s.assumptions0
        )
        for s in term.free_symbols
        if isinstance(s, sp.Symbol) and s.name.endswith(suffix)
    }
    return term.xreplace(renamed).subs(var, value)


def prime_marks(order: int) -> str:
    """′, ″, ‴ for the first three derivatives, then ⁽ⁿ⁾."""
    return {1: "′", 2: "″", 3: "‴"}.get(order) or superscript(order).join("⁽⁾")


def piecewise_cases(expr: sp.Piecewise) -> list[tuple[Any, Any]]:
    """The cases of a piecewise function as a reader needs them: each condition holds exactly
    where its case applies (SymPy takes the first true condition, so ``x < 3`` after
    ``x < -3`` means -3 ≤ x < 3), a bounded interval as a chain, the last case "otherwise".

    Examples
    --------
    >>> x = sp.Symbol("x", real=True)
    >>> cases = piecewise_cases(sp.Piecewise((0, x < -3), (x / 6, x < 3), (1, True)))
    >>> [text(c) for _, c in cases]
    ['x < -3', '-3 ≤ x < 3', 'true']
    """
    from sympy.functions.elementary.piecewise import piecewise_exclusive

    try:
        exclusive = piecewise_exclusive(expr, skip_nan=True).args
    except (TypeError, ValueError, NotImplementedError):  # conditions SymPy cannot negate
        exclusive = expr.args
    cases = []
    for k, ((value, cond), (_, written)) in enumerate(zip(exclusive, expr.args, strict=True)):
        if k == len(expr.args) - 1 and written == sp.true:
            cases.append((value, sp.true))
            continue
        cases.append((value, _as_chain(cond)))
    return cases


def _as_chain(cond: Any) -> Any:
    """a ≤ x ∧ x < b as the chain a ≤ x < b; any other condition as it is."""
    from .notation import Chain

    if not isinstance(cond, sp.And) or len(cond.args) != 2:
        return cond
    lower = upper = None
    for rel in cond.args:
        if not isinstance(rel, sp.core.relational.Relational) or not rel.lhs.is_Symbol:
            return cond
        if rel.rel_op in (">", ">="):
            lower = rel
        elif rel.rel_op in ("<", "<="):
            upper = rel
    if lower is None or upper is None or lower.lhs != upper.lhs:
        return cond
    flipped = {">": "<", ">=": "<="}[lower.rel_op]
    return Chain(lower.rhs, flipped, lower.lhs, upper.rel_op, upper.rhs)


#: the names of Greek letters, which a subscript spells out (g_tau is g_τ)
_GREEK = set(greeks)

#: SymPy's named constants, by class name, as a reader writes them
_CONSTANTS = {
    "Exp1": "e",
    "Pi": "π",
    "Infinity": "∞",
    "NegativeInfinity": "−∞",
    "ImaginaryUnit": "i",
    "BooleanTrue": "true",
    "BooleanFalse": "false",
}


class SymgradTextPrinter(ObjectsFirst, StrPrinter):
    """One line of Unicode mathematics (``Σ_{k=t}^{T}``, ``k²``, ``√(…)``, ``|x|``), never
    SymPy's ``str()`` notation (``**``, ``Abs(``, ``Piecewise(``, ``DiracDelta``).

    Examples
    --------
    >>> import sympy as sp
    >>> k, t, T, x = sp.symbols("k t T x")
    >>> print(SymgradTextPrinter().doprint(sp.sqrt(2 * k**2 + 4) / 2))
    √(2·k² + 4)/2
    >>> print(SymgradTextPrinter().doprint(sp.Sum(k ** t, (k, 1, T))))
    Σ_{k=1}^{T} (kᵗ)
    >>> print(SymgradTextPrinter().doprint(sp.tanh(sp.Abs(x)) * sp.sign(x)))
    tanh(|x|)·sign(x)
    >>> print(SymgradTextPrinter().doprint(sp.Piecewise((0, x < 0), (1, True))))
    {0 if x < 0; 1 otherwise}
    """

    def _print(self, expr: Any, **kwargs: Any) -> str:
        # SymPy's Indexed prints itself as J[k] (its own _sympystr); here it is Jₖ
        if isinstance(expr, sp.Indexed):
            return self._print_Indexed(expr)
        if isinstance(expr, sp.IndexedBase):
            return self._print_IndexedBase(expr)
        if type(expr).__name__ in _CONSTANTS:  # e, π, ∞, …: one table, not a method each
            return _CONSTANTS[type(expr).__name__]
        return super()._print(expr, **kwargs)

    def _print_Symbol(self, expr: Any) -> str:
        if expr.name == "ell":
            return "ℓ"
        name, sups, subs = split_super_sub(expr.name)
        if sups == ["*"] and not subs:  # a fixed point x^*: x∗ (never a product's *)
            return pretty_symbol(name) + "∗"
        if not sups and any(s in _GREEK for s in subs):  # g_tau: g_τ, not gₜₐᵤ
            return pretty_symbol(name) + "".join("_" + pretty_symbol(s) for s in subs)
        if not sups and subs and all(c in _SUBSCRIPT_ALL for s in subs for c in s):  # W_ij: Wᵢⱼ
            return pretty_symbol(name) + "".join(_SUBSCRIPT_ALL[c] for s in subs for c in s)
        return pretty_symbol(expr.name)

    _print_Dummy = _print_Symbol

    def _print_MatrixSymbol(self, expr: Any) -> str:
        return pretty_symbol(expr.name)

    def _print_Mul(self, expr: Any) -> str:
        if not expr.is_commutative:  # an ordered product (matrices): factors side by side
            c, nc = expr.args_cnc()
            coeff = sp.Mul(*c)
            shown = [self.parenthesize(f, 50) for f in nc]
            if coeff == -1:
                return "-" + " ".join(shown)
            if coeff != 1:
                shown.insert(0, self.parenthesize(coeff, 40))
            return " ".join(shown)
        return super()._print_Mul(expr).replace("*", "·")

    def _print_Pow(self, expr: Any, rational: bool = False) -> str:
        base, exp = expr.args
        if exp == sp.Rational(1, 2):
            return "√(" + self._print(base) + ")"
        if exp == -sp.Rational(1, 2):
            return "1/√(" + self._print(base) + ")"
        if exp.is_Integer and exp < 0 and not base.is_Integer:  # 10⁻¹³ stays a power of ten
            return "1/" + self.parenthesize(base**-exp, 60, strict=True)
        if base == sp.E:
            return f"exp({self._print(exp)})"
        shown = self.parenthesize(base, 60)
        if isinstance(base, AtTime | sp.Sum | sp.Product):  # (h⁽ᵏ⁾)², (Σ …)², never h⁽ᵏ⁾²
            shown = f"({shown})"
        if exp.is_Integer:
            return shown + superscript(exp)
        power = self._print(exp)
        script = _script(power, _SUPERSCRIPT_ALL, "^")
        if not script.startswith("^"):
            return shown + script
        # no superscript form (ητ has none): one symbol needs no brackets, η^τ
        return shown + (f"^{power}" if exp.is_Symbol else f"^({power})")

    def _print_Sum(self, expr: Any) -> str:
        return self._big("Σ", expr)

    def _print_Product(self, expr: Any) -> str:
        return self._big("∏", expr)

    def _big(self, sign: str, expr: Any) -> str:
        out = []
        for var, lo, hi in reversed(expr.limits):  # the first limit is the innermost
            out.append(f"{sign}_{{{self._print(var)}={self._print(lo)}}}^{{{self._print(hi)}}}")
        return " ".join(out) + f" ({self._print(expr.function)})"

    def _print_Float(self, expr: Any, digits: int = 6) -> str:
        value = float(expr)
        if value == int(value) and abs(value) < 1e15:
            return str(int(value))
        return self._decimal(expr, digits)

    def _decimal(self, value: Any, digits: int, zeros: bool = False) -> str:
        mantissa, power = decimal_parts(value, digits, zeros=zeros)
        return mantissa if power is None else f"{mantissa}×10{superscript(power)}"

    def _print_Decimal(self, expr: Any) -> str:
        return self._decimal(expr.value, expr.digits, zeros=True)

    def _print_OneSided(self, expr: Any) -> str:
        point = self._print(expr.point)
        if expr.bracketed:
            point = f"({point})"  # (-8/5)⁻, (√(2) - 1)⁺
        return point + ("⁻" if expr.side == "-" else "⁺")

    def _print_Size(self, expr: Any) -> str:
        return "×".join(self._print(a) for a in expr.args)

    def _print_Ball(self, expr: Any) -> str:
        if float(expr.radius) == 0:
            return self._print(expr.mid)
        return f"{self._print(expr.mid)} ± {self._print(expr.radius)}"

    def _print_Abs(self, expr: Any) -> str:
        return f"|{self._print(expr.args[0])}|"

    def _print_Function(self, expr: Any) -> str:
        name = expr.func.__name__
        shown = pretty_symbol(name) if isinstance(expr, AppliedUndef) else name
        return f"{shown}({', '.join(self._print(a) for a in expr.args)})"

    def _print_ComplexRootOf(self, expr: Any) -> str:
        # the (k+1)-th root of P in SymPy's order (real roots first, increasing): rootₖ₊₁(P)
        return f"root{subscript(expr.index + 1)}({self._print(expr.expr)})"

    def _print_binomial(self, expr: Any) -> str:
        return f"C({self._print(expr.args[0])}, {self._print(expr.args[1])})"

    def _print_Max(self, expr: Any) -> str:
        return f"max({', '.join(self._print(a) for a in expr.args)})"

    def _print_Min(self, expr: Any) -> str:
        return f"min({', '.join(self._print(a) for a in expr.args)})"

    def _print_Piecewise(self, expr: Any) -> str:
        pieces = []
        for value, cond in piecewise_cases(expr):
            shown = "otherwise" if cond == sp.true else f"if {self._print(cond)}"
            pieces.append(f"{self._print(value)} {shown}")
        return "{" + "; ".join(pieces) + "}"

    def _print_DiracDelta(self, expr: Any) -> str:
        return f"δ({self._print(expr.args[0])})"

    def _print_Heaviside(self, expr: Any) -> str:
        return f"H({self._print(expr.args[0])})"

    def _print_Relational(self, expr: Any) -> str:
        op = TEXT_RELATIONS.get(expr.rel_op, expr.rel_op)
        return f"{self._print(expr.lhs)} {op} {self._print(expr.rhs)}"

    def _print_And(self, expr: Any) -> str:
        return " and ".join(self._print(a) for a in expr.args)

    def _print_Or(self, expr: Any) -> str:
        return " or ".join(self._print(a) for a in expr.args)

    def _print_Not(self, expr: Any) -> str:
        return f"not ({self._print(expr.args[0])})"

    def _print_Implies(self, expr: Any) -> str:
        return f"{self._print(expr.args[0])} ⇒ {self._print(expr.args[1])}"

    def _print_Equivalent(self, expr: Any) -> str:
        return " ⇔ ".join(self._print(a) for a in expr.args)

    def _print_Interval(self, expr: Any) -> str:
        lo = "(" if expr.left_open else "["
        hi = ")" if expr.right_open else "]"
        return f"{lo}{self._print(expr.start)}, {self._print(expr.end)}{hi}"

    def _print_Union(self, expr: Any) -> str:
        return " ∪ ".join(self._print(a) for a in expr.args)

    def _print_FiniteSet(self, expr: Any) -> str:
        return "{" + ", ".join(self._print(a) for a in expr.args) + "}"

    def _print_Reals(self, expr: Any) -> str:
        return "ℝ"

    def _print_EmptySet(self, expr: Any) -> str:
        return "∅"

    def _print_MatrixBase(self, expr: Any) -> str:
        rows = [
            "[" + ", ".join(self._print(e) for e in expr.row(i)) + "]" for i in range(expr.rows)
        ]
        return "[" + ", ".join(rows) + "]"

    _print_ImmutableDenseMatrix = _print_MatrixBase
    _print_MutableDenseMatrix = _print_MatrixBase

    def _print_Transpose(self, expr: Any) -> str:
        shown = self._print(expr.arg)
        plain = expr.arg.is_Symbol or isinstance(expr.arg, sp.Indexed | sp.MatrixSymbol | AtTime)
        return (shown if plain else f"({shown})") + "ᵀ"

    _print_Transposed = _print_Transpose

    def _print_MatPow(self, expr: Any) -> str:
        base, exp = expr.args
        shown = self._print(base)
        if isinstance(base, sp.Transpose | sp.MatPow | sp.MatMul | sp.MatAdd):
            shown = f"({shown})"
        if exp.is_Integer:
            return shown + superscript(exp)
        power = self._print(exp)
        script = _script(power, _SUPERSCRIPT_ALL, "^")
        return shown + (script if not script.startswith("^") else f"^({power})")

    def _print_MatMul(self, expr: Any) -> str:
        args = list(expr.args)
        sign = ""
        if args[0] == -1:
            sign, args = "-", args[1:]
        return sign + " ".join(self.parenthesize(a, 50, strict=True) for a in args)

    def _print_Inverse(self, expr: Any) -> str:
        return self.parenthesize(expr.arg, 60) + "⁻¹"

    def _print_Identity(self, expr: Any) -> str:
        return "I"

    def _print_ZeroMatrix(self, expr: Any) -> str:
        return "0"

    def _print_Determinant(self, expr: Any) -> str:
        return f"det({self._print(expr.arg)})"

    def _print_MatAdd(self, expr: Any) -> str:
        out = ""
        terms = sorted(expr.args, key=lambda t: bool(t.could_extract_minus_sign()))
        for k, term in enumerate(terms):
            negative = term.could_extract_minus_sign()
            shown = self._print(-term if negative else term)
            out += (" - " if negative else " + " if k else "") + shown
        return out.lstrip(" +") if not out.startswith(" - ") else "-" + out[3:]

    def _print_Derivative(self, expr: Any) -> str:
        variables = "".join(f"∂{self._print(v)}" for v in expr.variables)
        return f"∂/{variables} ({self._print(expr.expr)})"

    def _print_Indexed(self, expr: Any) -> str:
        indices = ",".join(self._print(i) for i in expr.indices)
        return self._print(expr.base.label) + _script(indices, _SUBSCRIPT_ALL, "_")

    def _print_KroneckerDelta(self, expr: Any) -> str:
        indices = ",".join(self._print(i) for i in expr.args)
        return "δ" + _script(indices, _SUBSCRIPT_ALL, "_")

    def _print_IndexedBase(self, expr: Any) -> str:
        return self._print(expr.label)

    # the notation objects of symgrad.kernel.notation

    def _print_Norm(self, expr: Any) -> str:
        sub = "" if expr.sub is None else _script(self._sub(expr.sub), _SUBSCRIPT_ALL, "_")
        return f"‖{self._print(expr.arg)}‖{sub}"

    def _sub(self, sub: Any) -> str:
        return sub.name if isinstance(sub, Str) else self._print(sub)

    def _print_AtTime(self, expr: Any) -> str:
        time = self._print(expr.time).replace(" ", "")
        shown = _script(f"({time})", _SUPERSCRIPT_ALL, "^")
        return self._print(expr.name) + (shown if not shown.startswith("^") else f"^({time})")

    def _print_Partial(self, expr: Any) -> str:
        d = "∂⁺" if expr.immediate else "∂"
        by = self.parenthesize(expr.args[1], 60)
        if expr.order > 1:
            power = superscript(expr.order)
            d, by = "∂" + power, by + power
        return f"{d}{self.parenthesize(expr.args[0], 60)}/∂{by}"

    def _print_Prime(self, expr: Any) -> str:
        return f"{self._print(expr.function)}{prime_marks(expr.order)}({self._print(expr.at)})"

    def _print_Diag(self, expr: Any) -> str:
        return f"diag({self._print(expr.args[0])})"

    def _print_OrderedProduct(self, expr: Any) -> str:
        """The first and the last factor in the written order: ``Jₖ ⋯ Jₜ₊₁``."""
        var, lo, hi = expr.limits
        first, last = (hi, lo) if expr.args[4] == sp.true else (lo, hi)
        ends = [self.parenthesize(_factor_at(expr.term, var, v), 60) for v in (first, last)]
        return f"{ends[0]} ⋯ {ends[1]}"

    def _print_Sup(self, expr: Any) -> str:
        return self._over("sup", expr)

    def _print_MaxOver(self, expr: Any) -> str:
        return self._over("max", expr)

    def _over(self, word: str, expr: Any) -> str:
        var = self._print(expr.var)
        if expr.domain is not None:
            var += f"∈{self._print(expr.domain)}"
        under = _script(var, _SUBSCRIPT_ALL, "_")
        return f"{word}{under} {self._print(expr.expr)}"

    def _print_Tends(self, expr: Any) -> str:
        shown = f"{self._print(expr.args[0])} → {self._print(expr.args[1])}"
        if len(expr.args) > 2:
            shown += f" as {self._print(expr.args[2])} → {self._print(expr.args[3])}"
        return shown

    def _print_Cdots(self, expr: Any) -> str:
        return "⋯"

    def _print_Grad(self, expr: Any) -> str:
        return "∇" + self.parenthesize(expr.args[0], 60, strict=True)

    def _print_SumOver(self, expr: Any) -> str:
        term, condition = (self._print(a) for a in expr.args)
        return f"Σ_{{{condition}}} ({term})"

    def _print_Over(self, expr: Any) -> str:
        num, den = (self._print(a) for a in expr.args)
        if expr.args[0].is_Add or isinstance(expr.args[0], Plus) or num.startswith("-"):
            num = f"({num})"
        if any(c in den for c in " ·/+-"):
            den = f"({den})"
        return f"{num}/{den}"

    def _print_Op(self, expr: Any) -> str:
        sub = "" if expr.sub is None else _script(self._print(expr.sub), _SUBSCRIPT_ALL, "_")
        return f"{expr.name}{sub}({', '.join(self._print(a) for a in expr.operands)})"

    def _print_Times(self, expr: Any) -> str:
        factors = []
        for f in expr.args:
            shown = self._print(f)
            fenced = isinstance(f, Norm | sp.Abs)  # ‖∂L/∂h‖ is closed by its bars
            if (
                f.is_Add
                or isinstance(f, Plus)
                or shown.startswith("-")
                or ("/" in shown and not fenced)
            ):
                shown = f"({shown})"
            factors.append(shown)
        return "·".join(factors)

    def _print_Chain(self, expr: Any) -> str:
        return " ".join(
            RELATIONS[a.name] if isinstance(a, Str) else self._print(a) for a in expr.args
        )


def text(expr: Any) -> str:
    """An expression as one line of Unicode mathematics (for claims and terminals).

    Examples
    --------
    >>> import sympy as sp
    >>> print(text(sp.Float("1.39e-60")))
    1.39×10⁻⁶⁰
    """
    return SymgradTextPrinter().doprint(expr)
