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

Kept as one module: each notation object of :mod:`symgrad.kernel.notation` has its
method in each printer, and keeping the printers side by side keeps the forms of one object
together (a new notation object adds one method to each).
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping
from typing import Any

import sympy as sp
from sympy.core.alphabets import greeks
from sympy.core.function import AppliedUndef
from sympy.core.symbol import Str
from sympy.printing.conventions import split_super_sub
from sympy.printing.latex import LatexPrinter
from sympy.printing.mathml import MathMLPresentationPrinter
from sympy.printing.pretty.pretty import PrettyPrinter
from sympy.printing.pretty.pretty_symbology import pretty_symbol
from sympy.printing.pretty.stringpict import prettyForm

from ..kernel.claims import Claim
from ..kernel.notation import RELATIONS, AtTime, Norm, Plus, Prime, decimal_parts
from ..kernel.text import (
    TEXT_RELATIONS,
    ObjectsFirst,
    SymgradTextPrinter,
    as_sympy,
    piecewise_cases,
    prime_marks,
    text,
)
from .texmath import latex_escape

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
    "result_json",
    "text",
    "text_latex",
    "value_latex",
    "value_mathml",
    "value_pretty",
    "value_text",
]


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


class SymgradLatexPrinter(ObjectsFirst, LatexPrinter):
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
        return self._decimal(expr, 6)

    def _decimal(self, value: Any, digits: int, zeros: bool = False) -> str:
        mantissa, power = decimal_parts(value, digits, zeros=zeros)
        return mantissa if power is None else rf"{mantissa} \times 10^{{{power}}}"

    def _print_Decimal(self, expr: Any) -> str:
        return self._decimal(expr.value, expr.digits, zeros=True)

    def _print_OneSided(self, expr: Any) -> str:
        point = self._print(expr.point)
        if expr.bracketed:
            point = rf"\left({point}\right)"
        return "{" + point + "}^{" + expr.side + "}"

    def _print_Size(self, expr: Any) -> str:
        return r" \times ".join(self._print(a) for a in expr.args)

    def _print_Ball(self, expr: Any) -> str:
        if float(expr.radius) == 0:
            return self._print(expr.mid)
        return rf"{self._print(expr.mid)} \pm {self._print(expr.radius)}"

    def _print_Piecewise(self, expr: Any) -> str:
        rows = []
        for value, cond in piecewise_cases(expr):
            when = r"\text{otherwise}" if cond == sp.true else r"\text{for } " + self._print(cond)
            rows.append(f"{self._print(value)} & {when}")
        return r"\begin{cases} " + r" \\ ".join(rows) + r" \end{cases}"

    def _print_Transpose(self, expr: Any) -> str:
        return self.parenthesize(expr.arg, 60) + r"^{\top}"

    def _print_Pow(self, expr: Any, exp: Any = None) -> str:
        # 1/γ in a line, not a tall fraction, for the reciprocal of a single symbol
        if expr.exp == -1 and (expr.base.is_Symbol or expr.base.is_Integer) and exp is None:
            return f"1/{self._print(expr.base)}"
        if (
            expr.base.is_Integer
            and expr.base > 0
            and expr.exp.is_Integer
            and expr.exp < 0
            and exp is None
        ):
            return f"{self._print(expr.base)}^{{{self._print(expr.exp)}}}"  # 10^{-13}
        if isinstance(expr.base, AtTime | Prime) and exp is None:  # (h^{(k)})^{2}
            return rf"\left({self._print(expr.base)}\right)^{{{self._print(expr.exp)}}}"
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

    # the notation objects of symgrad.kernel.notation

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
        marks = chr(39) * expr.order if expr.order <= 3 else f"^{{({expr.order})}}"
        f = expr.function
        named = isinstance(f, sp.Symbol) and len(f.name) > 1 and f.name.isalpha()
        if named and f.name not in greeks:  # tanh′, ReLU′: a function's name, upright
            return rf"\operatorname{{{f.name}}}{marks}({self._print(expr.at)})"
        return rf"{self._print(f)}{marks}({self._print(expr.at)})"

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
        # two numbers side by side would read as one (64\,2^{40}): a visible dot between them
        marks = [
            r"\cdot " if a.is_number and b.is_number else r"\,"
            for a, b in zip(expr.args, expr.args[1:], strict=False)
        ]
        return factors[0] + "".join(m + f for m, f in zip(marks, factors[1:], strict=True))

    def _print_Chain(self, expr: Any) -> str:
        return " ".join(
            _LATEX_RELATIONS[a.name] if isinstance(a, Str) else self._print(a) for a in expr.args
        )


class SymgradPrettyPrinter(ObjectsFirst, PrettyPrinter):
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
    _print_Grad = _print_SumOver = _print_Decimal = _print_Ball = _print_Float = _one_line
    _print_Size = _print_OneSided = _one_line
    # names (x∗, g_τ) and piecewise cases as the text printer writes them
    _print_Symbol = _print_Piecewise = _one_line

    def _print_Pow(self, expr: Any) -> prettyForm:
        if isinstance(expr.base, AtTime | Prime):  # (h⁽ᵏ⁾)², bracketed
            return self._one_line(expr)
        return super()._print_Pow(expr)


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

    SymPy's presentation printer, with the notation objects of :mod:`symgrad.kernel.notation`, numbers
    as ``1.39 × 10⁻⁶⁰``, matrices in brackets, ``|x|``, ``δ(x)``, piecewise functions as
    cases, Greek-named symbols and functions as Greek letters, e as a plain ``e`` (as in the
    LaTeX), and relation symbols escaped for XML.

    Examples
    --------
    >>> import sympy as sp
    >>> from symgrad.kernel.notation import Norm
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
        name, sups, subs = split_super_sub(expr.name)
        if name.endswith(("hat", "bar", "tilde", "dot")) and not sups:
            letter = self._mi(pretty_symbol(name))
            if not subs:
                return letter
            return self._el("msub", letter, self._print(sp.Symbol("".join(subs))))
        if expr.name == "ell":
            return self._mi("ℓ")
        return super()._print_Symbol(expr, style)

    def _print_Float(self, expr: Any) -> Any:
        value = float(expr)
        if value == int(value) and abs(value) < 1e15:
            return self._el("mn", text=str(int(value)))
        return self._decimal(expr, 6)

    def _decimal(self, value: Any, digits: int, zeros: bool = False) -> Any:
        mantissa, exponent = decimal_parts(value, digits, zeros=zeros)
        if exponent is None:
            return self._el("mn", text=mantissa)
        power = self._el("msup", self._el("mn", text="10"), self._el("mn", text=str(exponent)))
        return self._row(self._el("mn", text=mantissa), self._mo("×"), power)

    def _print_Decimal(self, expr: Any) -> Any:
        return self._decimal(expr.value, expr.digits, zeros=True)

    def _print_OneSided(self, expr: Any) -> Any:
        point = self._print(expr.point)
        if expr.bracketed:
            point = self._fenced(point)
        return self._el("msup", point, self._mo("−" if expr.side == "-" else "+"))

    def _print_Size(self, expr: Any) -> Any:
        rows, cols = (self._print(a) for a in expr.args)
        return self._row(rows, self._mo("×"), cols)

    def _print_Ball(self, expr: Any) -> Any:
        if float(expr.radius) == 0:
            return self._print(expr.mid)
        return self._row(self._print(expr.mid), self._mo("±"), self._print(expr.radius))

    def _print_Relational(self, expr: Any) -> Any:
        op = TEXT_RELATIONS.get(expr.rel_op, expr.rel_op)
        return self._row(self._print(expr.lhs), self._mo(op), self._print(expr.rhs))

    def _print_Piecewise(self, expr: Any) -> Any:
        table = self._el("mtable")
        for value, cond in piecewise_cases(expr):
            shown = (
                self._el("mtext", text="otherwise")
                if cond == sp.true
                else self._row(self._el("mtext", text="if\u00a0"), self._print(cond))
            )
            table.appendChild(
                self._el("mtr", self._el("mtd", self._print(value)), self._el("mtd", shown))
            )
        return self._row(self._mo("{"), table)

    def _print_Product(self, expr: Any) -> Any:
        # one ∏ per index, the outermost first, as the Sums are printed
        row = self._row()
        for var, lo, hi in reversed(expr.limits):
            under = self._row(self._print(var), self._mo("="), self._print(lo))
            row.appendChild(self._el("munderover", self._mo("∏"), under, self._print(hi)))
        term = self._print(expr.function)
        row.appendChild(self._fenced(term) if expr.function.is_Add else term)
        return row

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

    # the notation objects of symgrad.kernel.notation

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
        name = self._el("msup", self._print(expr.function), self._mo(prime_marks(expr.order)))
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
            shown = self._print(-term if negative else term)
            if negative and isinstance(-term, sp.Add | Plus):  # a − (b + c)
                shown = self._fenced(shown)
            row.appendChild(shown)
        return row

    def _print_Pow(self, expr: Any) -> Any:
        base, exp = expr.args
        if base.is_Integer and base > 0 and exp.is_Integer and exp < 0:  # 10⁻¹³, a power of ten
            return self._el("msup", self._print(base), self._print(exp))
        if isinstance(base, AtTime | Prime):  # (h⁽ᵏ⁾)²: one superscript on another, bracketed
            return self._el("msup", self._fenced(self._print(base)), self._print(exp))
        return super()._print_Pow(expr)

    def _print_Times(self, expr: Any) -> Any:
        row = self._row()
        for k, f in enumerate(expr.args):
            if k:  # invisible times, a visible dot between two numbers
                both = expr.args[k - 1].is_number and f.is_number
                row.appendChild(self._mo("·" if both else "\u2062"))
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
        holder = self._row(self._print(as_sympy(expr)))  # the top node may be rewritten too
        _fit(holder)  # spacing fitted to a browser's MathML
        node = holder.firstChild
        markup = node.toxml().encode("ascii", "xmlcharrefreplace").decode()
        # SymPy writes HTML's named entities (&InvisibleTimes;): as numeric references the
        # markup is also well-formed XML
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


#: elements that make a bracketed group taller than a line of text: its brackets stretch
_TALL = frozenset({"mfrac", "mtable", "munderover", "munder", "mover"})


def _text(node: Any) -> str:
    return "".join(c.data for c in node.childNodes if c.nodeType == c.TEXT_NODE)


def _fit(node: Any) -> None:
    """Spacing as a typesetter would: brackets around one line of mathematics neither stretch
    nor take the space a browser gives stretchy operators (``tanh(x)``, not ``tanh ( x )``),
    and a product leaves a thin space before a function's name (``x tanh(x)``, as in TeX).
    A minus sign is the minus sign (U+2212), never the hyphen SymPy writes: an operator
    ``-`` becomes ``−``, and a negative number ``-1`` the operator ``−`` before ``1``."""
    for mn in node.getElementsByTagName("mn"):
        text = _text(mn)
        if text.startswith("-") and len(text) > 1:
            mn.firstChild.data = text[1:]
            sign = mn.ownerDocument.createElement("mo")
            sign.appendChild(mn.ownerDocument.createTextNode("−"))
            row = mn.ownerDocument.createElement("mrow")
            mn.parentNode.replaceChild(row, mn)
            row.appendChild(sign)
            row.appendChild(mn)
    for mo in node.getElementsByTagName("mo"):
        text = _text(mo)
        if text == "-":
            mo.firstChild.data = "−"
        elif text in ("(", ")", "[", "]"):
            group = mo.parentNode
            if not any(group.getElementsByTagName(tag) for tag in _TALL):
                mo.setAttribute("stretchy", "false")
        elif text in ("\u2062", "&InvisibleTimes;") and mo.nextSibling is not None:
            first = mo.nextSibling
            while (
                first.nodeType == first.ELEMENT_NODE
                and first.tagName == "mrow"
                and first.firstChild
            ):
                first = first.firstChild
            if (  # a function's name (tanh), not one letter (x, or π written &pi;)
                first.nodeType == first.ELEMENT_NODE
                and first.tagName == "mi"
                and len(html.unescape(_text(first))) > 1
            ):
                mo.setAttribute("rspace", "0.1667em")


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


def claim_mathml(claim: Any, display: str | None = None) -> str:
    """A claim (or one expression) as HTML: prose escaped, each piece of mathematics a
    ``<math>`` element; a claim that is a formula alone is displayed as a block unless
    `display` says otherwise.

    Examples
    --------
    >>> import sympy as sp
    >>> print(claim_mathml(Claim("for", sp.Symbol("x") > 0)))
    for <math display="inline"><mrow><mi>x</mi><mo>&gt;</mo><mn>0</mn></mrow></math>
    """
    claim = Claim.of(claim)
    if display is None:
        display = "block" if claim.is_formula else "inline"
    parts = [html.escape(p) if isinstance(p, str) else mathml(p, display) for p in claim.parts]
    return claim.join(parts)


def claim_text(claim: Any) -> str:
    """A claim as one line of Unicode text (terminal, table cells, messages).

    Examples
    --------
    >>> import sympy as sp
    >>> from symgrad.kernel.notation import Norm
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
    return claim_latex(value, refs)


def claim_latex(claim: Any, refs: Mapping[str, str] | None = None) -> str:
    r"""A claim for LaTeX's text mode: prose through :func:`prose_latex` (escaped, the theorem
    ids in `refs` replaced by their references), each piece of mathematics as ``$…$``.

    Examples
    --------
    >>> import sympy as sp
    >>> print(claim_latex(Claim("for all", sp.Symbol("x"), "in the set")))
    for all $x$ in the set
    >>> print(claim_latex(Claim("by eta_decay,", sp.Symbol("x")), {"eta_decay": "Theorem~1"}))
    by Theorem~1, $x$
    """
    printer = SymgradLatexPrinter()
    claim = Claim.of(claim)
    return claim.join(
        [prose_latex(p, refs) if isinstance(p, str) else f"${printer.doprint(p)}$" for p in claim]
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


def value_pretty(value: Any) -> str:
    """What a check reports, for a terminal, in SymPy's two-dimensional pretty form: a
    matrix or fraction over several lines, named values one per line; prose and claims of
    prose and mathematics stay one line of text (:func:`value_text`).

    Examples
    --------
    >>> import sympy as sp
    >>> print(value_pretty({"W": sp.Matrix([[-0.9, 1], [0, 0]]), "k": sp.Integer(9)}))
        ⎡-0.9  1⎤
    W = ⎢       ⎥
        ⎣ 0    0⎦
    k = 9
    """
    if isinstance(value, Mapping):
        return "\n".join(
            pretty(sp.Eq(sp.Symbol(k), v, evaluate=False))
            if isinstance(v, sp.Basic | sp.MatrixBase)
            else f"{pretty_symbol(k)} = {value_text(v)}"  # text, a claim, a list
            for k, v in dict(value).items()
        )
    if value is None or isinstance(value, str | Claim):
        return value_text(value)
    return pretty(value)


def value_latex(value: Any) -> str:
    r"""What a check reports, for LaTeX's text mode: prose escaped, named values and
    mathematics as ``$…$``, a claim's prose escaped and its mathematics as ``$…$``.

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
        return prose_latex(value)
    if isinstance(value, Mapping):
        return f"${named_latex(value)}$"
    if isinstance(value, Claim):
        return claim_latex(value)
    return f"${latex(value)}$"


def value_mathml(value: Any) -> str:
    """What a check reports, as HTML: prose escaped, mathematics as ``<math>`` elements.

    Examples
    --------
    >>> print(value_mathml({"k": 3}))
    <math display="inline"><mrow><mi>k</mi><mo>=</mo><mn>3</mn></mrow></math>
    """

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


def result_json(result: Any) -> dict[str, Any]:
    """A theorem's result for JSON: every step's fields as text
    (:meth:`~symgrad.kernel.proof.TheoremResult.to_dict`), and beside each piece of
    mathematics its LaTeX (``claim_latex``, ``left_latex``, ``right_latex``,
    ``counterexample_latex``).

    Examples
    --------
    >>> from symgrad import load_theorem
    >>> data = result_json(load_theorem("diagonal_spectral_norm").run())
    >>> data["steps"][0]["claim_latex"][:1]
    '$'
    """
    data = result.to_dict()
    for step, row in zip(result.steps, data["steps"], strict=True):
        for key, value in step.shown_values().items():
            row[key + "_latex"] = value_latex(value)
    return data
