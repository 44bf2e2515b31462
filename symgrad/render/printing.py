"""SymPy's printers, extended for what symgrad prints.

:class:`SymgradLatexPrinter` and :class:`SymgradPrettyPrinter` are SymPy printers with the
house conventions: matrices in brackets (``bmatrix``), floating-point numbers in scientific
notation as ``1.39 × 10⁻⁶⁰``, products of non-commuting symbols (Jacobians) in the order
they were built, NumPy arrays printed as matrices. The package's own objects (ordered
products of Jacobians, sums over lags, norms) print themselves through SymPy's ``_latex`` and
``_pretty`` hooks, which both printers call.
"""

from __future__ import annotations

from typing import Any

import sympy as sp
from sympy.printing.latex import LatexPrinter
from sympy.printing.pretty.pretty import PrettyPrinter
from sympy.printing.str import StrPrinter

from .texmath import number_latex

__all__ = [
    "SymgradLatexPrinter",
    "SymgradPrettyPrinter",
    "SymgradTextPrinter",
    "latex",
    "pretty",
    "text",
]


def _as_sympy(expr: Any) -> Any:
    try:
        import numpy as np
    except ImportError:  # pragma: no cover - numpy is a dependency
        return expr
    if isinstance(expr, np.ndarray):
        data = expr.tolist()
        return sp.Matrix(data if expr.ndim == 2 else [[x] for x in data])
    if isinstance(expr, np.generic):
        return sp.sympify(expr.item())
    return expr


class SymgradLatexPrinter(LatexPrinter):
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

    def doprint(self, expr: Any) -> str:
        return super().doprint(_as_sympy(expr))


class SymgradPrettyPrinter(PrettyPrinter):
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

    def doprint(self, expr: Any) -> str:
        return super().doprint(_as_sympy(expr))


_SUPERSCRIPT = str.maketrans("0123456789-", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻")


class SymgradTextPrinter(StrPrinter):
    """One line of Unicode mathematics (``Σ_{k=t}^{T}``, ``k²``, ``√(…)``), never ``**``.

    Examples
    --------
    >>> import sympy as sp
    >>> k, t, T = sp.symbols("k t T")
    >>> print(SymgradTextPrinter().doprint(sp.sqrt(2 * k**2 + 4) / 2))
    √(2·k² + 4)/2
    >>> print(SymgradTextPrinter().doprint(sp.Sum(k ** t, (k, 1, T))))
    Σ_{k=1}^{T} (k^(t))
    """

    def _print_Mul(self, expr: Any) -> str:
        return super()._print_Mul(expr).replace("*", "·")

    def _print_Pow(self, expr: Any, rational: bool = False) -> str:
        base, exp = expr.args
        if exp == sp.Rational(1, 2):
            return "√(" + self._print(base) + ")"
        if exp.is_Integer and exp < 0:
            return "1/" + self.parenthesize(base**-exp, 60)
        shown = self.parenthesize(base, 60)
        if exp.is_Integer:
            return shown + str(exp).translate(_SUPERSCRIPT)
        return f"{shown}^({self._print(exp)})"

    def _print_Sum(self, expr: Any) -> str:
        return self._big("Σ", expr)

    def _print_Product(self, expr: Any) -> str:
        return self._big("∏", expr)

    def _big(self, sign: str, expr: Any) -> str:
        out = []
        for var, lo, hi in expr.limits:
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

    def doprint(self, expr: Any) -> str:
        return super().doprint(_as_sympy(expr))


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
