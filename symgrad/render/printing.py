"""SymPy's printers, extended for what symgrad prints: every text form of a claim.

A claim (:class:`symgrad.kernel.claims.Claim`) is prose and SymPy objects; this module prints it
four ways, each a subclass of SymPy's printer for that form:

- :class:`SymgradTextPrinter`: one line of Unicode for terminals and table cells
  (:func:`text`, :func:`claim_text`), never SymPy's ``str()`` notation;
- :class:`SymgradLatexPrinter`: LaTeX for the handout, slides, record and snippets
  (:func:`latex`, :func:`claim_latex` for text mode, :func:`formula_latex` for a display);
- :class:`SymgradMathMLPrinter`: MathML presentation markup for web pages
  (:func:`mathml`, :func:`claim_mathml`);
- :class:`SymgradPrettyPrinter`: SymPy's two-dimensional Unicode (:func:`pretty`);

and for JSON a stable text with its LaTeX (:func:`claim_json`). Named values (a
counterexample) print as ``W = …`` (:func:`named_text`, :func:`named_latex`). House
conventions: matrices in brackets, floating-point numbers as ``1.39 × 10⁻⁶⁰``, ordered
products in the order they were built, NumPy arrays as matrices.

The module is long on purpose: each notation object of :mod:`symgrad.kernel.claims` has its
method in each printer, and keeping the printers side by side keeps the forms of one object
together (a new notation object adds one method to each).
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable, Mapping
from typing import Any

import sympy as sp
from sympy.core.function import AppliedUndef
from sympy.core.symbol import Str
from sympy.printing.conventions import split_super_sub
from sympy.printing.latex import LatexPrinter
from sympy.printing.mathml import MathMLPresentationPrinter
from sympy.printing.pretty.pretty import PrettyPrinter
from sympy.printing.pretty.pretty_symbology import pretty_symbol
from sympy.printing.pretty.stringpict import prettyForm
from sympy.printing.str import StrPrinter

from ..kernel.claims import RELATIONS, AtTime, Claim, Norm, Plus
from .texmath import latex_escape, number_latex

__all__ = [
    "SymgradLatexPrinter",
    "SymgradMathMLPrinter",
    "SymgradPrettyPrinter",
    "SymgradTextPrinter",
    "claim_json",
    "claim_latex",
    "claim_mathml",
    "claim_text",
    "formula_latex",
    "latex",
    "mathml",
    "named_latex",
    "named_mathml",
    "named_text",
    "pretty",
    "prose_latex",
    "text",
    "text_latex",
    "value_latex",
    "value_mathml",
    "value_text",
]


def _as_sympy(expr: Any) -> Any:
    np = sys.modules.get("numpy")  # a NumPy value exists only once NumPy is imported
    if np is None:
        return expr
    if isinstance(expr, np.ndarray):
        data = expr.tolist()
        return sp.Matrix(data if expr.ndim == 2 else [[x] for x in data])
    if isinstance(expr, np.generic):
        return sp.sympify(expr.item())
    return expr


_LATEX_RELATIONS = {
    "<-": r"\leftarrow",
    "=": "=",
    "<=": r"\le",
    "<": "<",
    ">=": r"\ge",
    ">": ">",
    "!=": r"\ne",
    "~": r"\approx",
    "->": r"\to",
    "=>": r"\Rightarrow",
    "<=>": r"\Leftrightarrow",
    ":=": ":=",
    "in": r"\in",
}


class _ObjectsFirst:
    """What the three string printers share: values are made SymPy objects first, and a
    `Plus` keeps its written order with ``a - b`` for negative terms (the pretty printer
    keeps its own one-line form)."""

    def doprint(self, expr: Any) -> str:
        return super().doprint(_as_sympy(expr))  # type: ignore[misc]

    def _print_Plus(self, expr: Any) -> str:
        out = ""
        for k, term in enumerate(expr.args):
            negative = term.could_extract_minus_sign()
            shown = self._print(-term if negative else term)  # type: ignore[attr-defined]
            out += (" - " if negative else " + ") + shown if k else ("-" * negative) + shown
        return out


class SymgradLatexPrinter(_ObjectsFirst, LatexPrinter):
    r"""LaTeX for symgrad: bracketed matrices, numbers as ``a \times 10^{k}``.

    Examples
    --------
    >>> import sympy as sp
    >>> print(SymgradLatexPrinter().doprint(sp.Matrix([[sp.Rational(1, 2), 1], [0, 2]])))
    \begin{bmatrix}\frac{1}{2} & 1\\0 & 2\end{bmatrix}
    >>> print(SymgradLatexPrinter().doprint(sp.Float("1.39e-60")))
    1.39 \times 10^{-60}
    """

    def __init__(self, settings: dict[str, Any] | None = None) -> None:
        merged = {"mat_str": "bmatrix", "mat_delim": "", "mul_symbol": None}
        merged.update(settings or {})
        super().__init__(merged)

    def _print_Float(self, expr: sp.Float) -> str:
        value = float(expr)
        if value == int(value) and abs(value) < 1e15:
            return str(int(value))
        return number_latex(f"{value:.6g}")

    def _print_Transpose(self, expr: Any) -> str:
        return self.parenthesize(expr.arg, 60) + r"^{\top}"

    def _print_Pow(self, expr: Any, exp: Any = None) -> str:
        # 1/γ in a line, not a tall fraction, for the reciprocal of a single symbol
        if expr.exp == -1 and (expr.base.is_Symbol or expr.base.is_Integer) and exp is None:
            return f"1/{self._print(expr.base)}"
        return super()._print_Pow(expr, exp) if exp is not None else super()._print_Pow(expr)

    def _print_log(self, expr: Any, exp: Any = None) -> str:
        # the bars of a norm or an absolute value delimit the argument: log‖e₀‖, no parentheses
        if not isinstance(expr.args[0], Norm | sp.Abs):
            return super()._print_log(expr, exp)
        power = "" if exp is None else f"^{{{exp}}}"
        return rf"\log{power} {self._print(expr.args[0])}"

    def _print_Transposed(self, expr: Any) -> str:
        if isinstance(expr.arg, AtTime):  # y^{(t)⊤}
            arg = expr.arg
            return f"{self._print(arg.name)}^{{({self._print(arg.time)})\\top}}"
        shown = self._print(expr.arg)
        if not (expr.arg.is_Symbol or isinstance(expr.arg, sp.Indexed | sp.MatrixSymbol)):
            shown = rf"\left({shown}\right)"
        return shown + r"^{\top}"

    def _print_Determinant(self, expr: Any) -> str:
        return rf"\det\left({self._print(expr.arg)}\right)"

    def _print_Identity(self, expr: Any) -> str:
        return "I"

    def _print_DiracDelta(self, expr: Any, exp: Any = None) -> str:
        shown = rf"\delta\left({self._print(expr.args[0])}\right)"
        return shown if exp is None else rf"{shown}^{{{exp}}}"

    def _print_Heaviside(self, expr: Any, exp: Any = None) -> str:
        shown = rf"H\left({self._print(expr.args[0])}\right)"
        return shown if exp is None else rf"{shown}^{{{exp}}}"

    # the notation objects of symgrad.kernel.claims

    def _print_Norm(self, expr: Any) -> str:
        inner = self._print(expr.arg)
        if r"\frac" in inner or r"\prod" in inner or r"\sum" in inner:
            shown = rf"\Big\| {inner} \Big\|"
        else:
            shown = rf"\|{inner}\|"
        if expr.sub is not None:
            sub = expr.sub.name if isinstance(expr.sub, Str) else self._print(expr.sub)
            shown += f"_{{{sub}}}"
        return shown

    def _print_AtTime(self, expr: Any) -> str:
        return f"{self._print(expr.name)}^{{({self._print(expr.time)})}}"

    def _print_Partial(self, expr: Any) -> str:
        of, by = (self._print(a) for a in expr.args[:2])
        d = r"\partial^{+}" if expr.immediate else r"\partial"
        if expr.order > 1:
            d, by = rf"\partial^{{{expr.order}}}", rf"{by}^{{{expr.order}}}"
        return rf"\frac{{{d} {of}}}{{\partial {by}}}"

    def _print_Prime(self, expr: Any) -> str:
        return rf"{self._print(expr.function)}{chr(39) * expr.order}({self._print(expr.at)})"

    def _print_Diag(self, expr: Any) -> str:
        return rf"\operatorname{{diag}}({self._print(expr.args[0])})"

    def _print_OrderedProduct(self, expr: Any) -> str:
        var, lo, hi = (self._print(a) for a in expr.limits)
        return rf"\prod_{{{var}={lo}}}^{{{hi}}} {self.parenthesize(expr.term, 60)}"

    def _print_Sup(self, expr: Any) -> str:
        return self._over(r"\sup", expr)

    def _print_MaxOver(self, expr: Any) -> str:
        return self._over(r"\max", expr)

    def _over(self, word: str, expr: Any) -> str:
        var = self._print(expr.var)
        if expr.domain is not None:
            var += rf" \in {self._print(expr.domain)}"
        return rf"{word}_{{{var}}} {self._print(expr.expr)}"

    def _print_Tends(self, expr: Any) -> str:
        shown = rf"{self._print(expr.args[0])} \to {self._print(expr.args[1])}"
        if len(expr.args) > 2:
            shown += rf"\quad({self._print(expr.args[2])} \to {self._print(expr.args[3])})"
        return shown

    def _print_Cdots(self, expr: Any) -> str:
        return r"\cdots"

    def _print_Sum(self, expr: Any) -> str:
        # one sign per index, the outermost first (not SymPy's stacked limits)
        signs = "".join(
            rf"\sum_{{{self._print(v)}={self._print(lo)}}}^{{{self._print(hi)}}}"
            for v, lo, hi in reversed(expr.limits)
        )
        return signs + " " + self.parenthesize(expr.function, 40, strict=True)

    def _print_Grad(self, expr: Any) -> str:
        return rf"\nabla {self._print(expr.args[0])}"

    def _print_SumOver(self, expr: Any) -> str:
        term, condition = (self._print(a) for a in expr.args)
        return rf"\sum_{{{condition}}} {term}"

    def _print_Over(self, expr: Any) -> str:
        num, den = (self._print(a) for a in expr.args)
        return rf"\frac{{{num}}}{{{den}}}"

    def _print_Op(self, expr: Any) -> str:
        sub = "" if expr.sub is None else f"_{{{self._print(expr.sub)}}}"
        args = ", ".join(self._print(a) for a in expr.operands)
        return rf"\operatorname{{{expr.name}}}{sub}\left({args}\right)"

    def _print_Times(self, expr: Any) -> str:
        factors = []
        for f in expr.args:
            shown = self._print(f)
            if f.is_Add or isinstance(f, Plus) or (f.is_Pow and f.exp == -1):
                shown = rf"\left({shown}\right)"
            factors.append(shown)
        return r"\,".join(factors)

    def _print_Chain(self, expr: Any) -> str:
        return " ".join(
            _LATEX_RELATIONS[a.name] if isinstance(a, Str) else self._print(a) for a in expr.args
        )


class SymgradPrettyPrinter(_ObjectsFirst, PrettyPrinter):
    """Unicode for a terminal: SymPy's pretty printer with the same conventions.

    Examples
    --------
    >>> import sympy as sp
    >>> print(SymgradPrettyPrinter().doprint(sp.Symbol("λ_1") * sp.Symbol("γ") < 1))
    γ⋅λ₁ < 1
    """

    def __init__(self, settings: dict[str, Any] | None = None) -> None:
        merged = {"use_unicode": True, "wrap_line": False}
        merged.update(settings or {})
        super().__init__(merged)

    def _one_line(self, expr: Any) -> prettyForm:
        return prettyForm(SymgradTextPrinter().doprint(expr))

    _print_Norm = _print_AtTime = _print_Partial = _print_Prime = _one_line
    _print_Diag = _print_OrderedProduct = _print_Sup = _print_MaxOver = _one_line
    _print_Tends = _print_Cdots = _print_Chain = _print_DiracDelta = _one_line
    _print_Times = _print_Plus = _print_Op = _print_Over = _one_line
    _print_Grad = _print_SumOver = _one_line


_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


_SUPERSCRIPT_ALL = dict(zip("0123456789+-()tkinTjm", "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁽⁾ᵗᵏⁱⁿᵀʲᵐ", strict=True))
_SUBSCRIPT_ALL = dict(zip("0123456789+-()ijktnmpx", "₀₁₂₃₄₅₆₇₈₉₊₋₍₎ᵢⱼₖₜₙₘₚₓ", strict=True))
_TEXT_RELATIONS = {"==": "=", "<=": "≤", ">=": "≥", "!=": "≠", "<": "<", ">": ">"}


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


class SymgradTextPrinter(_ObjectsFirst, StrPrinter):
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
        return super()._print(expr, **kwargs)

    def _print_Symbol(self, expr: Any) -> str:
        if expr.name == "ell":
            return "ℓ"
        name, sups, subs = split_super_sub(expr.name)
        if not sups and any(len(s) > 1 and s.isalpha() for s in subs):  # g_tau: g_τ, not gₜₐᵤ
            return pretty_symbol(name) + "".join("_" + pretty_symbol(s) for s in subs)
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
        if exp.is_Integer and exp < 0:
            return "1/" + self.parenthesize(base**-exp, 60, strict=True)
        if base == sp.E:
            return f"exp({self._print(exp)})"
        shown = self.parenthesize(base, 60)
        if exp.is_Integer:
            return shown + str(exp).translate(_SUPERSCRIPT)
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

    def _print_Float(self, expr: Any) -> str:
        value = float(expr)
        if value == int(value) and abs(value) < 1e15:
            return str(int(value))
        mantissa, _, exponent = f"{value:.6g}".partition("e")
        if not exponent:
            return mantissa
        return f"{mantissa}×10{str(int(exponent)).translate(_SUPERSCRIPT)}"

    def _print_Abs(self, expr: Any) -> str:
        return f"|{self._print(expr.args[0])}|"

    def _print_Function(self, expr: Any) -> str:
        name = expr.func.__name__
        shown = pretty_symbol(name) if isinstance(expr, AppliedUndef) else name
        return f"{shown}({', '.join(self._print(a) for a in expr.args)})"

    def _print_binomial(self, expr: Any) -> str:
        return f"C({self._print(expr.args[0])}, {self._print(expr.args[1])})"

    def _print_Max(self, expr: Any) -> str:
        return f"max({', '.join(self._print(a) for a in expr.args)})"

    def _print_Min(self, expr: Any) -> str:
        return f"min({', '.join(self._print(a) for a in expr.args)})"

    def _print_Piecewise(self, expr: Any) -> str:
        pieces = []
        for value, cond in expr.args:
            shown = "otherwise" if cond == sp.true else f"if {self._print(cond)}"
            pieces.append(f"{self._print(value)} {shown}")
        return "{" + "; ".join(pieces) + "}"

    def _print_DiracDelta(self, expr: Any) -> str:
        return f"δ({self._print(expr.args[0])})"

    def _print_Heaviside(self, expr: Any) -> str:
        return f"H({self._print(expr.args[0])})"

    def _print_Exp1(self, expr: Any) -> str:
        return "e"

    def _print_Pi(self, expr: Any) -> str:
        return "π"

    def _print_Infinity(self, expr: Any) -> str:
        return "∞"

    def _print_NegativeInfinity(self, expr: Any) -> str:
        return "−∞"

    def _print_ImaginaryUnit(self, expr: Any) -> str:
        return "i"

    def _print_BooleanTrue(self, expr: Any) -> str:
        return "true"

    def _print_BooleanFalse(self, expr: Any) -> str:
        return "false"

    def _print_Relational(self, expr: Any) -> str:
        op = _TEXT_RELATIONS.get(expr.rel_op, expr.rel_op)
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
            return shown + str(exp).translate(_SUPERSCRIPT)
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

    # the notation objects of symgrad.kernel.claims

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
            power = str(expr.order).translate(_SUPERSCRIPT)
            d, by = "∂" + power, by + power
        return f"{d}{self.parenthesize(expr.args[0], 60)}/∂{by}"

    def _print_Prime(self, expr: Any) -> str:
        return f"{self._print(expr.function)}{'′' * expr.order}({self._print(expr.at)})"

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
            if f.is_Add or isinstance(f, Plus) or "/" in shown or shown.startswith("-"):
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


def latex(expr: Any, **settings: Any) -> str:
    r"""An expression (SymPy, NumPy array or number) as LaTeX with the house conventions.

    Examples
    --------
    >>> import numpy as np
    >>> print(latex(np.array([[-0.9, 1.0], [0.0, 0.0]])))
    \begin{bmatrix}-0.9 & 1\\0 & 0\end{bmatrix}
    """
    return SymgradLatexPrinter(settings).doprint(expr)


def pretty(expr: Any, **settings: Any) -> str:
    """An expression as Unicode text for a terminal (never ``str()``).

    Examples
    --------
    >>> import sympy as sp
    >>> print(pretty(sp.Symbol("k") * sp.Symbol("x")))
    k⋅x
    """
    return SymgradPrettyPrinter(settings).doprint(expr)


class SymgradMathMLPrinter(MathMLPresentationPrinter):
    """MathML presentation markup (for web pages) with the house conventions.

    SymPy's presentation printer, with the notation objects of :mod:`symgrad.kernel.claims`, numbers
    as ``1.39 × 10⁻⁶⁰``, matrices in brackets, ``|x|``, ``δ(x)``, piecewise functions as
    cases, Greek-named symbols and functions as Greek letters, e as a plain ``e`` (as in the
    LaTeX), and relation symbols escaped for XML.

    Examples
    --------
    >>> import sympy as sp
    >>> from symgrad.kernel.claims import Norm
    >>> print(SymgradMathMLPrinter().doprint(sp.Le(Norm(sp.Symbol("J"), 2), 1)))
    <mrow><msub><mrow><mo>&#8214;</mo><mi>J</mi><mo>&#8214;</mo></mrow><mn>2</mn></msub><mo>&#8804;</mo><mn>1</mn></mrow>
    """

    def __init__(self, settings: dict[str, Any] | None = None) -> None:
        merged = {"mat_delim": "["}
        merged.update(settings or {})
        super().__init__(merged)

    # small builders
    def _el(self, tag: str, *children: Any, text: str | None = None) -> Any:
        node = self.dom.createElement(tag)
        if text is not None:
            node.appendChild(self.dom.createTextNode(_xml_text(text)))
        for child in children:
            node.appendChild(child)
        return node

    def _mo(self, text: str) -> Any:
        return self._el("mo", text=text)

    def _mi(self, text: str) -> Any:
        return self._el("mi", text=text)

    def _row(self, *children: Any) -> Any:
        return self._el("mrow", *children)

    def _fenced(self, inner: Any, left: str = "(", right: str = ")") -> Any:
        return self._row(self._mo(left), inner, self._mo(right))

    def _print_Symbol(self, expr: Any, style: str = "plain") -> Any:
        # an accented name (ghat, xbar): the accented letter, as the other printers show it
        if expr.name.endswith(("hat", "bar", "tilde", "dot")) and "_" not in expr.name:
            return self._mi(pretty_symbol(expr.name))
        if expr.name == "ell":
            return self._mi("ℓ")
        return super()._print_Symbol(expr, style)

    def _print_Float(self, expr: Any) -> Any:
        value = float(expr)
        if value == int(value) and abs(value) < 1e15:
            return self._el("mn", text=str(int(value)))
        mantissa, _, exponent = f"{value:.6g}".partition("e")
        if not exponent:
            return self._el("mn", text=mantissa)
        power = self._el("msup", self._el("mn", text="10"), self._el("mn", text=str(int(exponent))))
        return self._row(self._el("mn", text=mantissa), self._mo("×"), power)

    def _print_Relational(self, expr: Any) -> Any:
        op = _TEXT_RELATIONS.get(expr.rel_op, expr.rel_op)
        return self._row(self._print(expr.lhs), self._mo(op), self._print(expr.rhs))

    def _print_Piecewise(self, expr: Any) -> Any:
        table = self._el("mtable")
        for value, cond in expr.args:
            shown = (
                self._el("mtext", text="otherwise")
                if cond == sp.true
                else self._row(self._el("mtext", text="if\u00a0"), self._print(cond))
            )
            table.appendChild(
                self._el("mtr", self._el("mtd", self._print(value)), self._el("mtd", shown))
            )
        return self._row(self._mo("{"), table)

    def _print_UnevaluatedExpr(self, expr: Any) -> Any:
        return self._print(expr.args[0])

    def _print_Function(self, expr: Any) -> Any:
        if not isinstance(expr, AppliedUndef):  # tanh, exp, …: SymPy's own form
            return super()._print_Function(expr)
        args = self._row()
        for k, a in enumerate(expr.args):
            if k:
                args.appendChild(self._mo(","))
            args.appendChild(self._print(a))
        return self._row(self._print_UndefinedFunction(expr.func), self._fenced(args))

    def _print_UndefinedFunction(self, expr: Any) -> Any:
        # an undefined function (ρ, J₂): its name as a symbol, with Greek letters and subscripts
        return self._print(sp.Symbol(expr.__name__))

    def _print_Exp1(self, expr: Any) -> Any:
        # e as the other printers write it (SymPy writes the double-struck ⅇ)
        return self._mi("e")

    def _print_KroneckerDelta(self, expr: Any) -> Any:
        indices = self._row()
        for k, a in enumerate(expr.args):
            if k:
                indices.appendChild(self._mo("\u2063"))  # invisible separator
            indices.appendChild(self._print(a))
        return self._el("msub", self._mi("δ"), indices)

    def _print_DiracDelta(self, expr: Any) -> Any:
        return self._row(self._mi("δ"), self._fenced(self._print(expr.args[0])))

    def _print_Heaviside(self, expr: Any) -> Any:
        return self._row(self._mi("H"), self._fenced(self._print(expr.args[0])))

    def _print_Transpose(self, expr: Any) -> Any:
        shown = self._print(expr.arg)
        if isinstance(expr.arg, sp.MatPow | sp.Pow | sp.MatMul):
            shown = self._fenced(shown)
        return self._el("msup", shown, self._mo("⊤"))

    def _print_Transposed(self, expr: Any) -> Any:
        shown = self._print(expr.arg)
        plain = (sp.Indexed, sp.MatrixSymbol, AtTime)
        if not (expr.arg.is_Symbol or isinstance(expr.arg, plain)):
            shown = self._fenced(shown)
        return self._el("msup", shown, self._mo("⊤"))

    def _print_Determinant(self, expr: Any) -> Any:
        return self._row(self._mi("det"), self._fenced(self._print(expr.arg)))

    def _print_ZeroMatrix(self, expr: Any) -> Any:
        return self._el("mn", text="0")

    def _print_Identity(self, expr: Any) -> Any:
        return self._mi("I")

    def _print_And(self, expr: Any) -> Any:
        row = self._row()
        for k, arg in enumerate(expr.args):
            if k:
                row.appendChild(self._el("mtext", text="\u00a0and\u00a0"))
            row.appendChild(self._print(arg))
        return row

    def _print_Implies(self, expr: Any) -> Any:
        return self._row(self._print(expr.args[0]), self._mo("⇒"), self._print(expr.args[1]))

    # the notation objects of symgrad.kernel.claims

    def _print_Norm(self, expr: Any) -> Any:
        shown = self._row(self._mo("‖"), self._print(expr.arg), self._mo("‖"))
        if expr.sub is None:
            return shown
        sub = self._mi(expr.sub.name) if isinstance(expr.sub, Str) else self._print(expr.sub)
        return self._el("msub", shown, sub)

    def _print_AtTime(self, expr: Any) -> Any:
        time = self._fenced(self._print(expr.time))
        return self._el("msup", self._print(expr.name), time)

    def _print_Partial(self, expr: Any) -> Any:
        d = self._el("msup", self._mo("∂"), self._mo("+")) if expr.immediate else self._mo("∂")
        by = self._print(expr.args[1])
        if expr.order > 1:
            d = self._el("msup", self._mo("∂"), self._print(sp.Integer(expr.order)))
            by = self._el("msup", by, self._print(sp.Integer(expr.order)))
        of = self._row(d, self._print(expr.args[0]))
        return self._el("mfrac", of, self._row(self._mo("∂"), by))

    def _print_Prime(self, expr: Any) -> Any:
        name = self._el("msup", self._print(expr.function), self._mo("′" * expr.order))
        return self._row(name, self._fenced(self._print(expr.at)))

    def _print_Diag(self, expr: Any) -> Any:
        return self._row(self._mi("diag"), self._fenced(self._print(expr.args[0])))

    def _print_OrderedProduct(self, expr: Any) -> Any:
        var, lo, hi = expr.limits
        under = self._row(self._print(var), self._mo("="), self._print(lo))
        sign = self._el("munderover", self._mo("∏"), under, self._print(hi))
        return self._row(sign, self._print(expr.term))

    def _print_Sup(self, expr: Any) -> Any:
        return self._over("sup", expr)

    def _print_MaxOver(self, expr: Any) -> Any:
        return self._over("max", expr)

    def _over(self, word: str, expr: Any) -> Any:
        under = self._print(expr.var)
        if expr.domain is not None:
            under = self._row(under, self._mo("∈"), self._print(expr.domain))
        return self._row(self._el("munder", self._mo(word), under), self._print(expr.expr))

    def _print_Tends(self, expr: Any) -> Any:
        row = self._row(self._print(expr.args[0]), self._mo("→"), self._print(expr.args[1]))
        if len(expr.args) > 2:
            row.appendChild(self._el("mtext", text="\u00a0as\u00a0"))
            row.appendChild(self._print(expr.args[2]))
            row.appendChild(self._mo("→"))
            row.appendChild(self._print(expr.args[3]))
        return row

    def _print_Cdots(self, expr: Any) -> Any:
        return self._mo("⋯")

    def _print_Grad(self, expr: Any) -> Any:
        return self._row(self._mo("∇"), self._print(expr.args[0]))

    def _print_SumOver(self, expr: Any) -> Any:
        sign = self._el("munder", self._mo("∑"), self._print(expr.args[1]))
        return self._row(sign, self._print(expr.args[0]))

    def _print_Over(self, expr: Any) -> Any:
        return self._el("mfrac", *(self._print(a) for a in expr.args))

    def _print_Op(self, expr: Any) -> Any:
        name = self._mi(expr.name)
        name.setAttribute("mathvariant", "normal")
        if expr.sub is not None:
            name = self._el("msub", name, self._print(expr.sub))
        args = self._row()
        for k, a in enumerate(expr.operands):
            if k:
                args.appendChild(self._mo(","))
            args.appendChild(self._print(a))
        return self._row(name, self._fenced(args))

    def _print_Plus(self, expr: Any) -> Any:
        row = self._row()
        for k, term in enumerate(expr.args):
            negative = term.could_extract_minus_sign()
            if k or negative:
                row.appendChild(self._mo("−" if negative else "+"))
            row.appendChild(self._print(-term if negative else term))
        return row

    def _print_Times(self, expr: Any) -> Any:
        row = self._row()
        for k, f in enumerate(expr.args):
            if k:
                row.appendChild(self._mo("\u2062"))  # invisible times
            shown = self._print(f)
            if f.is_Add or isinstance(f, Plus):
                shown = self._fenced(shown)
            row.appendChild(shown)
        return row

    def _print_Chain(self, expr: Any) -> Any:
        row = self._row()
        for a in expr.args:
            row.appendChild(self._mo(RELATIONS[a.name]) if isinstance(a, Str) else self._print(a))
        return row

    def doprint(self, expr: Any) -> str:
        # SymPy writes HTML's named entities (&InvisibleTimes;): as numeric references the
        # markup is also well-formed XML
        markup = super().doprint(_as_sympy(expr))
        return re.sub(r"&([A-Za-z]+);", _numeric_entity, markup)


def _numeric_entity(match: re.Match[str]) -> str:
    from html.entities import html5

    name = match.group(1)
    if name in ("amp", "lt", "gt", "quot", "apos"):
        return match.group()
    return "".join(f"&#{ord(c)};" for c in html5.get(name + ";", "?"))


def _xml_text(text: str) -> str:
    # SymPy's MathML printers write text nodes unescaped (so that entities pass through)
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def mathml(expr: Any, display: str = "inline") -> str:
    """An expression as a ``<math>`` element (MathML presentation markup).

    Examples
    --------
    >>> import sympy as sp
    >>> print(mathml(sp.Symbol("x") < 1))
    <math display="inline"><mrow><mi>x</mi><mo>&lt;</mo><mn>1</mn></mrow></math>
    """
    if display not in ("inline", "block"):
        from ..errors import InvalidArgumentError

        raise InvalidArgumentError(f"display={display!r} must be 'inline' or 'block'")
    body = SymgradMathMLPrinter().doprint(expr)
    return f'<math display="{display}">{body}</math>'


def claim_mathml(
    claim: Any, display: str | None = None, prose: Callable[[str], str] | None = None
) -> str:
    """A claim (or one expression) as HTML: prose escaped (or through `prose`, e.g. to link
    the theorem ids it names), each piece of mathematics a ``<math>`` element; a claim that
    is a formula alone is displayed as a block unless `display` says otherwise.

    Examples
    --------
    >>> import sympy as sp
    >>> print(claim_mathml(Claim("for", sp.Symbol("x") > 0)))
    for <math display="inline"><mrow><mi>x</mi><mo>&gt;</mo><mn>0</mn></mrow></math>
    """
    import html

    claim = Claim.of(claim)
    if display is None:
        display = "block" if claim.is_formula else "inline"
    words = prose or html.escape
    parts = [words(p) if isinstance(p, str) else mathml(p, display) for p in claim.parts]
    return claim.join(parts)


def claim_text(claim: Any) -> str:
    """A claim as one line of Unicode text (terminal, table cells, messages).

    Examples
    --------
    >>> import sympy as sp
    >>> from symgrad.kernel.claims import Norm
    >>> print(claim_text(Claim("so", sp.Le(Norm(sp.Symbol("J"), 2), sp.Symbol("lambda_1")))))
    so ‖J‖₂ ≤ λ₁
    """
    if isinstance(claim, str):
        return claim
    printer = SymgradTextPrinter()
    claim = Claim.of(claim)
    return claim.join([p if isinstance(p, str) else printer.doprint(p) for p in claim])


#: a code identifier or theorem id in prose (``eta_decay``, ``sympy.diff``): a name, not maths
_IDENT = re.compile(r"\b[A-Za-z][A-Za-z0-9]+(?:[_.][A-Za-z0-9]+)+\b")


def prose_latex(text: str, refs: Mapping[str, str] | None = None) -> str:
    r"""Prose for LaTeX's text mode: escaped character by character, nothing parsed.

    Identifiers (``eta_decay``, ``sympy.diff``) are set in typewriter type; those in `refs`
    (theorem ids) are replaced by their reference, and "the eta_decay theorem" reads as the
    reference alone.

    Examples
    --------
    >>> print(prose_latex("50% of {x}"))
    50\% of \{x\}
    >>> print(prose_latex("λ₁ < 1/γ by the eta_decay theorem", {"eta_decay": r"Theorem~1"}))
    $\lambda_{1}$ < 1/$\gamma $ by Theorem~1
    >>> print(prose_latex("x^(k−1) by one_step_bound"))
    x\textasciicircum{}(k$-$1) by \texttt{one\_\allowbreak{}step\_\allowbreak{}bound}
    """
    if refs:
        text = re.sub(
            r"\bthe ([a-z][a-z0-9_]*) theorem\b",
            lambda m: m.group(1) if m.group(1) in refs else m.group(),
            text,
        )
    out, at = [], 0
    for m in _IDENT.finditer(text):
        out.append(latex_escape(text[at : m.start()]))
        name = m.group()
        if refs and name in refs:
            out.append(refs[name])
        else:
            out.append(r"\texttt{" + latex_escape(name).replace(r"\_", r"\_\allowbreak{}") + "}")
        at = m.end()
    out.append(latex_escape(text[at:]))
    return "".join(out)


def text_latex(value: Any, refs: Mapping[str, str] | None = None) -> str:
    r"""A prose field (a ``str``, or a :class:`~symgrad.kernel.claims.Claim` of prose and
    mathematics) for LaTeX's text mode: prose through :func:`prose_latex`, mathematics
    printed as ``$…$``.

    Examples
    --------
    >>> import sympy as sp
    >>> print(text_latex(Claim("grows like", sp.Symbol("eta") ** sp.Symbol("k"))))
    grows like $\eta^{k}$
    >>> print(text_latex("plain prose"))
    plain prose
    """
    if isinstance(value, str):
        return prose_latex(value, refs)
    return claim_latex(value, lambda p: prose_latex(p, refs))


def claim_latex(claim: Any, prose: Callable[[str], str] | None = None) -> str:
    r"""A claim for LaTeX's text mode: prose escaped (or through `prose`, e.g. to turn the
    theorem ids it names into references), each piece of mathematics as ``$…$``.

    Examples
    --------
    >>> import sympy as sp
    >>> print(claim_latex(Claim("for all", sp.Symbol("x"), "in the set")))
    for all $x$ in the set
    """
    printer = SymgradLatexPrinter()
    claim = Claim.of(claim)
    words = prose or prose_latex
    return claim.join(
        [words(p) if isinstance(p, str) else f"${printer.doprint(p)}$" for p in claim]
    )


def formula_latex(claim: Any) -> str:
    r"""A claim for LaTeX's math mode (a displayed formula): prose as ``\text{…}``.

    Examples
    --------
    >>> import sympy as sp
    >>> print(formula_latex(Claim("if", sp.Symbol("x") < 1)))
    \text{if}\ x < 1
    """
    printer = SymgradLatexPrinter()
    claim = Claim.of(claim)
    parts = [
        rf"\text{{{prose_latex(p)}}}" if isinstance(p, str) else printer.doprint(p) for p in claim
    ]
    return claim.join(parts, r"\ ")


def named_text(values: Mapping[str, Any]) -> str:
    """Named values (a counterexample) as one line: ``W = [[…]]; k = 9``. A value that is
    not mathematics (a model's name) is given as text (:func:`symgrad.claims.named`).

    Examples
    --------
    >>> import sympy as sp
    >>> print(named_text({"W": sp.Matrix([[0.5, 1], [0, 0.5]]), "k": sp.Integer(9)}))
    W = [[0.5, 1], [0, 0.5]]; k = 9
    """
    return "; ".join(
        f"{pretty_symbol(k)} = {v if isinstance(v, str) else text(v)}"
        for k, v in dict(values).items()
    )


def named_latex(values: Mapping[str, Any]) -> str:
    r"""Named values (a counterexample) as display math: ``W = \begin{bmatrix}…``.

    Examples
    --------
    >>> print(named_latex({"w": 2.0, "h_0": 1.0}))
    w = 2,\quad h_{0} = 1
    >>> print(named_latex({"sigma": "tanh"}))
    \sigma = \text{tanh}
    """
    printer = SymgradLatexPrinter()
    return r",\quad ".join(
        f"{printer.doprint(sp.Symbol(k))} = "
        + (rf"\text{{{prose_latex(v)}}}" if isinstance(v, str) else printer.doprint(v))
        for k, v in dict(values).items()
    )


def named_mathml(values: Mapping[str, Any], display: str = "block") -> str:
    """Named values (a counterexample) as one ``<math>`` element, ``W = …, k = 9``.

    Examples
    --------
    >>> print(named_mathml({"k": 9}, "inline"))
    <math display="inline"><mrow><mi>k</mi><mo>=</mo><mn>9</mn></mrow></math>
    """
    import html

    printer = SymgradMathMLPrinter()
    rows = [
        f"<mrow>{printer.doprint(sp.Symbol(k))}<mo>=</mo>"
        + (f"<mtext>{html.escape(v)}</mtext>" if isinstance(v, str) else printer.doprint(v))
        + "</mrow>"
        for k, v in dict(values).items()
    ]
    body = '<mo>,</mo><mspace width="1em"/>'.join(rows)
    body = body if len(rows) == 1 else f"<mrow>{body}</mrow>"
    return f'<math display="{display}">{body}</math>'


def value_text(value: Any) -> str:
    """What a check reports (a side it compared, a counterexample) as one line of Unicode:
    prose as it is, named values as ``W = …``, a claim or mathematical object printed.

    Examples
    --------
    >>> import sympy as sp
    >>> print(value_text(sp.Abs(sp.Symbol("x")) ** 2))
    |x|²
    >>> value_text(None), value_text("all agree")
    ('', 'all agree')
    """
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, Mapping):
        return named_text(value)
    return claim_text(value)


def value_latex(value: Any, prose: Callable[[str], str] | None = None) -> str:
    r"""What a check reports, for LaTeX's text mode: prose through `prose` (default: escaped),
    named values and mathematics as ``$…$``, a claim with its prose through `prose`.

    Examples
    --------
    >>> import sympy as sp
    >>> print(value_latex(sp.Ge(sp.Symbol("g"), 0)))
    $g \geq 0$
    >>> print(value_latex({"k": 3}))
    $k = 3$
    """
    if value is None:
        return ""
    if isinstance(value, str):
        return (prose or prose_latex)(value)
    if isinstance(value, Mapping):
        return f"${named_latex(value)}$"
    if isinstance(value, Claim):
        return claim_latex(value, prose)
    return f"${latex(value)}$"


def value_mathml(value: Any) -> str:
    """What a check reports, as HTML: prose escaped, mathematics as ``<math>`` elements.

    Examples
    --------
    >>> print(value_mathml({"k": 3}))
    <math display="inline"><mrow><mi>k</mi><mo>=</mo><mn>3</mn></mrow></math>
    """
    import html

    if value is None:
        return ""
    if isinstance(value, str):
        return html.escape(value)
    if isinstance(value, Mapping):
        return named_mathml(value, "inline")
    return claim_mathml(value, "inline")


def claim_json(claim: Any) -> dict[str, str]:
    """A claim for JSON: a stable one-line text form and its LaTeX.

    Examples
    --------
    >>> import sympy as sp
    >>> claim_json(Claim(sp.Symbol("x") <= 1))
    {'text': 'x ≤ 1', 'latex': '$x \\\\leq 1$'}
    """
    return {"text": claim_text(claim), "latex": claim_latex(claim)}
