"""Prose for LaTeX: escaped character by character, never parsed.

Prose in the catalogue is a ``str`` (or the string parts of a
:class:`~symgrad.kernel.claims.Claim`, whose mathematics the printers typeset). Its LaTeX form is
made one character at a time from fixed tables: LaTeX's special characters are escaped,
and each Unicode character is replaced by its LaTeX form (``γ`` by ``$\\gamma$``, ``₁``
by ``$_{1}$``, ``“`` by two backquotes). Nothing is tokenised and nothing decides which
words are formulas: a string that looks like a formula comes out as the same characters,
escaped. Adjacent mathematical characters share one ``$…$`` (``λ₁γ`` is one formula
group), which changes no character's meaning.

The output is plain ASCII LaTeX that needs only ``amsmath`` and ``amssymb``: a character
with no mapping is shown by its code point, never dropped, and nothing in the text can
become a LaTeX command.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = ["MATH", "TEXT", "latex_escape"]

_SPECIALS = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "$": r"\$",
    "&": r"\&",
    "#": r"\#",
    "^": r"\textasciicircum{}",
    "_": r"\_",
    "%": r"\%",
    "~": r"\textasciitilde{}",
}

#: Characters typeset in math mode: Greek, operators, relations, arrows.
MATH = {
    "α": r"\alpha",
    "β": r"\beta",
    "γ": r"\gamma",
    "δ": r"\delta",
    "ε": r"\varepsilon",
    "ζ": r"\zeta",
    "η": r"\eta",
    "θ": r"\theta",
    "ι": r"\iota",
    "κ": r"\kappa",
    "λ": r"\lambda",
    "μ": r"\mu",
    "ν": r"\nu",
    "ξ": r"\xi",
    "π": r"\pi",
    "ρ": r"\rho",
    "σ": r"\sigma",
    "τ": r"\tau",
    "υ": r"\upsilon",
    "φ": r"\varphi",
    "χ": r"\chi",
    "ψ": r"\psi",
    "ω": r"\omega",
    "Γ": r"\Gamma",
    "Δ": r"\Delta",
    "Θ": r"\Theta",
    "Λ": r"\Lambda",
    "Ξ": r"\Xi",
    "Π": r"\Pi",
    "Σ": r"\sum",
    "Φ": r"\Phi",
    "Ψ": r"\Psi",
    "Ω": r"\Omega",
    "ℓ": r"\ell",
    "∂": r"\partial",
    "∇": r"\nabla",
    "∏": r"\prod",
    "∑": r"\sum",
    "∞": r"\infty",
    "‖": r"\|",
    "≤": r"\le",
    "≥": r"\ge",
    "≠": r"\ne",
    "≈": r"\approx",
    "→": r"\to",
    "←": r"\leftarrow",
    "⇒": r"\Rightarrow",
    "⇔": r"\Leftrightarrow",
    "⟺": r"\Leftrightarrow",
    "↦": r"\mapsto",
    "⋯": r"\cdots",
    "…": r"\dots",
    "·": r"\cdot",
    "⋅": r"\cdot",
    "×": r"\times",
    "−": "-",
    "∓": r"\mp",
    "±": r"\pm",
    "⊙": r"\odot",
    "∈": r"\in",
    "∉": r"\notin",
    "ℝ": r"\mathbb{R}",
    "ℂ": r"\mathbb{C}",
    "ℕ": r"\mathbb{N}",
    "∼": r"\sim",
    "≡": r"\equiv",
    "∘": r"\circ",
    "′": "'",
    "″": "''",
    "‴": "'''",
    "°": r"^\circ",
    "⊂": r"\subset",
    "∪": r"\cup",
    "∩": r"\cap",
    "∀": r"\forall",
    "∃": r"\exists",
    "≪": r"\ll",
    "≫": r"\gg",
    "⟨": r"\langle",
    "⟩": r"\rangle",
    "✓": r"\checkmark",
    "■": r"\blacksquare",
    "✗": r"\times",
    "†": r"\dagger",
    "∠": r"\angle",
    "½": r"\tfrac{1}{2}",
    "∥": r"\|",
    "∣": r"\mid",
    "⊥": r"\perp",
    "≔": ":=",
    "∝": r"\propto",
    "∅": r"\emptyset",
    "√": r"\surd",
    "∗": r"\ast",
    "⊤": r"\mathsf{T}",
    "\x00": " ",
}
#: superscript and subscript characters, each the script of one character (ᵀ is the transpose)
_SUPER = dict(
    zip(
        "⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁼⁽⁾ᵃᵇᶜᵈᵉᶠᵍʰⁱʲᵏˡᵐⁿᵒᵖʳˢᵗᵘᵛʷˣʸᶻᴺᵀᵝᵞᵟᶿᵠᵡ",
        "0123456789+-=()abcdefghijklmnoprstuvwxyzN⊤βγδθφχ",
        strict=True,
    )
)
_SUB = dict(
    zip(
        "₀₁₂₃₄₅₆₇₈₉₊₋₌₍₎ₐₑₕᵢⱼₖₗₘₙₒₚᵣₛₜᵤᵥₓᵦᵧᵨᵩᵪ",
        "0123456789+-=()aehijklmnoprstuvxβγρφχ",
        strict=True,
    )
)
_ACCENT = {"\u0302": r"\hat", "\u0303": r"\tilde", "\u0304": r"\bar", "\u0307": r"\dot"}
#: Characters typeset in text mode.
TEXT = {
    "“": "``",
    "”": "''",
    "’": "'",
    "‘": "`",
    "–": "--",
    "—": "---",
    "•": r"\textbullet{}",
    "§": r"\S{}",
    "é": r"\'e",
    "è": r"\`e",
    "ö": r"\"o",
    "ü": r"\"u",
    "ä": r"\"a",
    "\u00a0": "~",
}

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")  # never typeset: tabs, newlines, NUL become spaces


def _math_char(c: str) -> str | None:
    """The math-mode LaTeX of one character, or None when it is not a math character."""
    if c in MATH:
        cmd = MATH[c]
        return cmd + (" " if cmd[-1].isalpha() else "")
    for table, mark in ((_SUPER, "^"), (_SUB, "_")):
        if c in table:
            inner = table[c]
            return mark + "{" + (MATH.get(inner, inner)) + "}"
    parts = unicodedata.normalize("NFD", c)
    if len(parts) == 2 and parts[0].isascii() and parts[1] in _ACCENT:
        return _ACCENT[parts[1]] + "{" + parts[0] + "}"  # ĝ, ŷ, x̄
    return None


def _text_char(c: str) -> str:
    """The text-mode LaTeX of one character that is not mathematics."""
    if c.isascii():
        return _SPECIALS.get(c, c)
    if c in TEXT:
        return TEXT[c]
    return r"\text{[U+" + f"{ord(c):04X}" + "]}"  # no mapping: its code point, never dropped


def latex_escape(text: str) -> str:
    r"""Prose for LaTeX's text mode, escaped one character at a time from fixed tables.

    LaTeX's special characters are escaped; each Unicode mathematical character becomes its
    LaTeX form in math mode (adjacent ones share one ``$…$``); typographic characters
    (quotes, dashes) their text form. Nothing is parsed: ``x^(k−1)`` stays those characters.

    Examples
    --------
    >>> print(latex_escape(r"50% of \input{x}"))
    50\% of \textbackslash{}input\{x\}
    >>> print(latex_escape("if λ₁γ < 1, “small”"))
    if $\lambda_{1}\gamma $ < 1, ``small''
    >>> print(latex_escape("x^(k−1)"))
    x\textasciicircum{}(k$-$1)
    >>> print(latex_escape("the 'tight' case, Pascanu's"))
    the `tight' case, Pascanu's
    """
    out: list[str] = []
    in_math = False
    before = " "
    for c in unicodedata.normalize("NFC", _CONTROL.sub(" ", text)):  # g + U+0302 is ĝ
        opening = c == "'" and before in " (“[—"  # 'tight': an opening quote, typeset ‘
        before = c
        if opening:
            c = "‘"
        math = _math_char(c)
        if (math is not None) != in_math:
            out.append("$")
            in_math = not in_math
        if math is not None and math[0] in "_^'" and out and out[-1].endswith(" "):
            out[-1] = out[-1].rstrip()  # \lambda_{1}, not \lambda _{1}
        if math is not None and math[0] in "_^" and out and out[-1][:2] == math[:2]:
            out[-1] = out[-1][:-1] + math[2:]  # a run of scripts is one script: h^{(t)}
            continue
        out.append(math if math is not None else _text_char(c))
    if in_math:
        out.append("$")
    return "".join(out)
