"""Unicode mathematics in free text, typeset as LaTeX mathematics.

The catalogue writes its statements the way people type them: ``‖W^k‖₂^(1/k) → ρ(W)``,
``∂h⁽ᵏ⁾/∂h⁽ᵗ⁾ = J_k ⋯ J_{t+1}``, ``1.39e-60``, ``[[0.9, 1], [0, 0.9]]``. This module turns such
text into LaTeX: :func:`math_latex` for a formula (math mode), :func:`rich_text` for prose
with formulas inside (each formula becomes inline math, the words stay text).

The output is plain ASCII LaTeX that needs only ``amsmath`` and ``amssymb``: every non-ASCII
character is mapped to a LaTeX command, none is dropped or replaced. Every special character
of the input is escaped, so nothing in the text can become a LaTeX command.
"""

from __future__ import annotations

import re
import unicodedata

__all__ = [
    "is_formula",
    "latex_escape",
    "math_latex",
    "number_latex",
    "rich_text",
]

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
    "⊤": r"\mathsf{T}",
    "\x00": " ",
}
_SUPER = dict(zip("⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁽⁾ᵗᵏⁱⁿᵀˣʲᵐᵖˢ", "0123456789+-()tkin⊤xjmps", strict=True))
_SUB = dict(zip("₀₁₂₃₄₅₆₇₈₉₊₋₍₎ᵢⱼₖₜₙₘₚₓ", "0123456789+-()ijktnmpx", strict=True))
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

#: Words typeset upright as operators inside a formula.
OPERATORS = {
    "log": r"\log",
    "ln": r"\ln",
    "exp": r"\exp",
    "max": r"\max",
    "min": r"\min",
    "sup": r"\sup",
    "inf": r"\inf",
    "lim": r"\lim",
    "det": r"\det",
    "sin": r"\sin",
    "cos": r"\cos",
    "tan": r"\tan",
    "tanh": r"\tanh",
    "arctan": r"\arctan",
    "Phi": r"\Phi",  # the normal distribution function, as written in plain text
}
_NAMED = {
    "diag",
    "tr",
    "trace",
    "charpoly",
    "sigmoid",
    "relu",
    "softplus",
    "softsign",
    "identity",
    "sign",
    "rank",
    "span",
    "cond",
    "erf",
    "silu",
    "gelu",
    "elu",
    "clip",
}

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")  # never typeset: tabs, newlines, NUL become spaces
_NUMBER = re.compile(r"(\d+(?:\.\d+)?)(?:\.)?[eE]([+\-−]?\d+)")
_WORD = re.compile(r"[A-Za-z]+")


def latex_escape(text: str) -> str:
    r"""Escape free text completely for LaTeX (every special character).

    Examples
    --------
    >>> print(latex_escape(r"50% of \input{x}"))
    50\% of \textbackslash{}input\{x\}
    """
    return re.sub(r"[\\{}$&#^_%~]", lambda m: _SPECIALS[m.group()], text)


def number_latex(value: float | str, digits: int = 6) -> str:
    r"""A number for a formula: ``1.39e-60`` becomes ``1.39 \times 10^{-60}``.

    Examples
    --------
    >>> print(number_latex(1.39e-60))
    1.39 \times 10^{-60}
    >>> print(number_latex("2.0"))
    2
    """
    if not isinstance(value, str):
        value = f"{value:.{digits}g}"
    value = value.strip().replace("−", "-")
    m = _NUMBER.fullmatch(value.lstrip("+-"))
    sign = "-" if value.startswith("-") else ""
    if m:
        exponent = int(m.group(2).replace("−", "-"))
        return rf"{sign}{m.group(1)} \times 10^{{{exponent}}}"
    if re.fullmatch(r"[+-]?\d+\.0*", value):
        return value.split(".")[0]
    return value


def _group(text: str, i: int, open_: str, close: str) -> int:
    """Index just past the bracket matching text[i] == open_."""
    depth = 0
    for j in range(i, len(text)):
        if text[j] == open_:
            depth += 1
        elif text[j] == close:
            depth -= 1
            if depth == 0:
                return j + 1
    return len(text)


def _matrix(text: str, small: bool) -> str | None:
    """``[[a, b], [c, d]]`` or ``[a, b]`` (a column) as a bracketed matrix, else None."""
    body = text.strip()
    if body.startswith("[["):
        rows = re.findall(r"\[([^\[\]]*)\]", body[1:-1])
    elif body.startswith("["):
        rows = [r for r in body[1:-1].split(",")]
    else:
        return None
    cells = [[c.strip() for c in row.split(",") if c.strip()] for row in rows]
    if not cells or not all(cells):
        return None
    inner = r" \\ ".join(" & ".join(_cell(c) for c in row) for row in cells)
    if small:
        return rf"\left[\begin{{smallmatrix}}{inner}\end{{smallmatrix}}\right]"
    return rf"\begin{{bmatrix}}{inner}\end{{bmatrix}}"


def _cell(text: str) -> str:
    if re.fullmatch(r"[+\-−]?[\d.]+(?:[eE][+\-−]?\d+)?", text):
        return number_latex(text)
    return math_latex(text)


def _script(text: str, i: int, sup: bool = False) -> tuple[str, int]:
    """The argument of ``_`` or ``^`` at text[i:], as LaTeX, and the index after it.

    A superscript without brackets is a number or one letter (``SΛ^kS⁻¹``); a subscript may
    be a word (``λ_max``, ``W_ij``).
    """
    if i >= len(text):
        return "{}", i
    c = text[i]
    if c in "{(":
        end = _group(text, i, c, "}" if c == "{" else ")")
        return "{" + math_latex(text[i + 1 : end - 1]) + "}", end
    m = re.match(r"\d+|[A-Za-z]" if sup else r"[A-Za-z0-9]+", text[i:])
    if m:
        word = m.group()
        if word in OPERATORS:
            return "{" + OPERATORS[word] + "}", i + len(word)
        if len(word) > 1 and word.isalpha() and word not in {"ij", "ji", "ii", "kt", "tk"}:
            return r"{\mathrm{" + word + "}}", i + len(word)
        return "{" + word + "}", i + len(word)
    return "{" + math_latex(c) + "}", i + 1


def math_latex(text: str) -> str:
    r"""A formula written in Unicode, as LaTeX math-mode content.

    Examples
    --------
    >>> print(math_latex("‖W^k‖₂^(1/k) → ρ(W)"))
    \|W^{k}\|_{2}^{1/k} \to \rho (W)
    >>> print(math_latex("∂h⁽ᵏ⁾/∂h⁽ᵗ⁾ = J_k ⋯ J_{t+1}"))
    \partial h^{(k)}/\partial h^{(t)} = J_{k} \cdots J_{t+1}
    >>> print(math_latex("diag(σ′(a)) W ≤ 1.39e-60"))
    \operatorname{diag}(\sigma'(a)) W \le 1.39 \times 10^{-60}
    """
    text = _CONTROL.sub(" ", text)
    text = text.replace("+/-", "±")  # a ball's radius as printed by python-flint
    text = "".join(_decompose(c) for c in text)
    out: list[str] = []
    i = 0
    while i < len(text):
        c = text[i]
        if c in _ACCENT and out:
            out[-1] = _ACCENT[c] + "{" + out[-1] + "}"
            i += 1
            continue
        m = _NUMBER.match(text, i)
        if m and (i == 0 or not text[i - 1].isalnum()):
            out.append(number_latex(m.group()))
            i = m.end()
            continue
        if c.isascii() and c.isalpha():
            word = _WORD.match(text, i).group()
            i += len(word)
            out.append(_word(word, text, i, out))
            continue
        if c in "_^":
            arg, i = _script(text, i + 1, sup=c == "^")
            out.append(c + arg)
            continue
        if c in _SUPER or c in _SUB:
            table, mark = (_SUPER, "^") if c in _SUPER else (_SUB, "_")
            j = i
            while j < len(text) and text[j] in table:
                j += 1
            script = math_latex("".join(table[x] for x in text[i:j]))
            if out and out[-1].startswith(mark) and len(out[-1]) > 1:
                # a script on a script (h_t₀ is h with index t₀): nest, never a double script
                inner = out[-1][1:]
                inner = inner[1:-1] if inner.startswith("{") and inner.endswith("}") else inner
                out[-1] = mark + "{" + inner + mark + "{" + script + "}}"
            else:
                out.append(mark + "{" + script + "}")
            i = j
            continue
        if c == "√":
            if i + 1 < len(text) and text[i + 1] == "(":
                end = _group(text, i + 1, "(", ")")
                out.append(r"\sqrt{" + math_latex(text[i + 2 : end - 1]) + "}")
                i = end
            else:
                m = re.match(r"[A-Za-z0-9.]+", text[i + 1 :])
                arg = m.group() if m else ""
                out.append(r"\sqrt{" + math_latex(arg) + "}")
                i += 1 + len(arg)
            continue
        if c == "[" and text.startswith("[[", i):
            end = _group(text, i, "[", "]")
            matrix = _matrix(text[i:end], small=True)
            if matrix:
                out.append(matrix)
                i = end
                continue
        if c == "*":
            out.append(r"\cdot ")
        elif c in MATH:
            cmd = MATH[c]
            out.append(cmd + (" " if cmd[-1].isalpha() else ""))
        elif c in "{}" or c in "$&#%":
            out.append("\\" + c)
        elif c == "\\":
            out.append(r"\backslash ")
        elif c == "~":
            out.append(r"\sim ")
        elif c == "'":
            out.append(r"\text{'}" if i + 1 < len(text) and text[i + 1] == " " else "'")
        elif c == " ":
            # "t (k = t included)": a space before a bracket is kept, f(x) has none
            after = text[i + 1] if i + 1 < len(text) else ""
            before = text[i - 1] if i > 0 else ""
            keep = after == "(" and before.isalnum()
            # "c k 0.9^(k−1)": a number after a symbol keeps a thin space, never "ck0.9"
            thin = after.isdigit() and (before.isalnum() or before in ")}")
            out.append(r"\ " if keep else r"\," if thin else " ")
        elif c.isascii():
            out.append(c)
        else:
            out.append(_unknown(c))
        i += 1
    joined = re.sub(r" +", " ", "".join(out)).replace(")(", r")\allowbreak(")
    return re.sub(r"(\\[A-Za-z]+) (?=[_^'])", r"\1", joined).strip()


def _decompose(c: str) -> str:
    """A letter with an accent (``ĝ``) as the letter and a combining accent; others as is."""
    if c.isascii() or c in MATH:
        return c
    parts = unicodedata.normalize("NFD", c)
    return parts if len(parts) == 2 and parts[1] in _ACCENT else c


def _word(word: str, text: str, end: int, out: list[str]) -> str:
    if word in OPERATORS:
        return OPERATORS[word] + " "
    if word in _NAMED:
        return r"\operatorname{" + word + "}"
    if len(word) == 1:
        return word
    if out and out[-1] == "-":  # a hyphenated word such as η-decay
        out.pop()
        return r"\text{-" + word + "}"
    if end < len(text) and text[end] in "_^":  # a named index, such as new_i
        return r"\mathrm{" + word + "}"
    if (
        word.lower() not in _ENGLISH
        and len(word) <= 4
        and (word.islower() or any(ch.isupper() for ch in word))
    ):
        return word  # a product of symbols, such as AB, ABv, ePJ
    return r"\text{ " + word + " }"


_ENGLISH = {
    "if",
    "and",
    "or",
    "as",
    "for",
    "the",
    "of",
    "on",
    "at",
    "in",
    "is",
    "to",
    "but",
    "yet",
    "not",
    "all",
    "any",
    "one",
    "two",
    "its",
    "has",
    "let",
    "set",
    "so",
    "by",
    "be",
    "are",
    "new",
    "old",
    "end",
    "row",
    "per",
    "via",
    "nor",
    "out",
    "top",
    "way",
    "get",
}


def _unknown(c: str) -> str:
    """A character with no mapping: shown by its code point, never dropped."""
    return r"\text{[U+" + f"{ord(c):04X}" + "]}"


def _text_char(c: str) -> str:
    if c in TEXT:
        return TEXT[c]
    if c in MATH or c in _SUPER or c in _SUB:
        return "$" + math_latex(c) + "$"
    decomposed = _decompose(c)
    if len(decomposed) == 2 and decomposed[0].isascii():
        return "$" + math_latex(c) + "$"
    return _unknown(c)


def _escape_text(text: str, code: bool = False) -> str:
    out = []
    for c in text:
        if c.isascii():
            out.append(latex_escape(c))
        else:
            out.append(_text_char(c))
    escaped = "".join(out)
    return escaped


_MATHY = set(MATH) | set(_SUPER) | set(_SUB) | set("_^=<>/|+√*") | set(_ACCENT) | {"ĝ"}
_IDENT = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:[_.][A-Za-z0-9]+)+(?:\(\))?")
_TRAIL = ",;:.!?'\"”’"
_LIST = re.compile(r"\[\[[^\]]*\](?:\s*,\s*\[[^\]]*\])*\s*\]|\[\([^\]]*\]|\[[-\d.,e ]+\]")


def _kind(token: str) -> str:
    """'math', 'text', 'ident' (code) or 'neutral' (joins a formula beside it)."""
    bare = token.strip("()")
    if _IDENT.fullmatch(bare) and re.search(r"[a-z]{2,}[_.]", bare):
        return "ident"
    if re.fullmatch(r"[=<>≤≥≈≠⇒→⇔←∼~]+", token):
        return "math"  # a relation always belongs to a formula
    if _NUMBER.fullmatch(token.strip("()[]")):
        return "math"  # 1e-12 reads 1 × 10⁻¹²
    number = r"[+\-−]?\d+(\.\d+)?([eE][+\-−]?\d+)?"
    if re.fullmatch(r"[+\-−·×/±∓⋯…]+|a|" + number, token.strip("()[]")):
        return "neutral"
    core = "".join(_decompose(c) for c in token)
    if any(c in _MATHY for c in core) or _LIST.fullmatch(token.replace("\x00", " ")):
        return "math"
    symbols = all(len(w) == 1 for w in re.findall(r"[A-Za-z]+", token))
    if symbols and re.search(r"[()]", token) and re.search(r"\d[A-Za-z]|[A-Za-z]\(\d", token):
        return "math"  # 5s(1 − s), 2k(k + 1): symbols and numbers
    if re.fullmatch(r"\(?[A-Zb-z]\)?|\(?[A-Z][A-Za-z]?\(.*|\(?[A-Za-z]{1,6}\(.*\)\)?", token):
        letters = re.findall(r"[A-Za-z]{2,}", token)
        if all(w in OPERATORS or w in _NAMED for w in letters):
            return "math"
    return "text"


def is_formula(text: str) -> bool:
    """True when every word of `text` belongs to a formula (no prose, no identifiers).

    Examples
    --------
    >>> is_formula("‖J‖₂ = ‖Jᵀ‖₂ ≤ λ₁γ"), is_formula("ρ(W)γ < 1 but ‖J‖₂ > 1")
    (True, False)
    """
    tokens = [t.strip(_TRAIL) for t in _LIST.sub("[]", text).split()]
    return all(_kind(t) in ("math", "neutral") for t in tokens if t)


def rich_text(text: str, refs: dict[str, str] | None = None) -> str:
    r"""Prose with formulas inside: each formula becomes inline math, the words stay text.

    `refs` maps identifiers (theorem ids) to LaTeX that replaces them, e.g. a reference;
    other identifiers are set in typewriter type.

    Examples
    --------
    >>> print(rich_text("if λ₁ < 1/γ then ‖J‖₂ < 1, by eta_decay"))
    if $\lambda_{1} < 1/\gamma$ then $\|J\|_{2} < 1$, by \texttt{eta\_\allowbreak{}decay}
    """
    text = _CONTROL.sub(" ", text)
    if refs:  # "the eta_decay theorem" reads "Theorem 5.2"
        text = re.sub(
            r"\bthe ([a-z][a-z0-9_]*) theorem\b",
            lambda m: m.group(1) if m.group(1) in refs else m.group(),
            text,
        )
    # a bracketed list of numbers is one formula: keep its spaces out of the split
    text = _LIST.sub(lambda m: m.group().replace(" ", "\x00"), text)
    tokens = re.split(r"(\s+)", text)
    kinds = []
    for tok in tokens:
        if not tok or tok.isspace():
            kinds.append("space")
            continue
        kinds.append(_kind(tok.strip(_TRAIL + "“”") or tok))
    # the names of the two models are words: "Model B", and the labels "(A)", "(B)"
    for k, tok in enumerate(tokens):
        before = tokens[k - 2] if k >= 2 else ""
        bare = tok.rstrip(_TRAIL)
        if bare in ("(A)", "(B)") or (bare in ("A", "B") and before == "Model"):
            kinds[k] = "text"
    # a neutral token (a number, a relation) joins a formula when one is beside it
    for _ in range(3):  # a chain of neutral tokens (1 − pη) joins the formula it leads to
        for k, kind in enumerate(kinds):
            if kind == "neutral":
                before = next((kinds[j] for j in range(k - 1, -1, -1) if kinds[j] != "space"), "")
                after = next(
                    (kinds[j] for j in range(k + 1, len(kinds)) if kinds[j] != "space"), ""
                )
                article = tokens[k].strip("()") == "a"  # "at a = 0", but "(a stable point)"
                if after == "math" or (before == "math" and not article):
                    kinds[k] = "math"
    kinds = ["text" if kind == "neutral" else kind for kind in kinds]
    out: list[str] = []
    run: list[str] = []

    def flush() -> None:
        if not run:
            return
        formula = "".join(run).rstrip()
        trailing = ""
        while formula and formula[-1] in _TRAIL and not formula.endswith("..."):
            trailing = formula[-1] + trailing
            formula = formula[:-1]
        if len(formula) > 2 and formula.endswith("'s"):  # a possessive: σ′'s colour
            trailing = "'s" + trailing
            formula = formula[:-2]
        leading = ""
        while formula and formula[0] in "'\"“‘":
            leading += formula[0]
            formula = formula[1:]
        while formula.endswith(")") and formula.count(")") > formula.count("("):
            trailing = ")" + trailing
            formula = formula[:-1]
        while formula.startswith("(") and formula.count("(") > formula.count(")"):
            leading += "("
            formula = formula[1:]
        out.append(_escape_text(leading.replace("'", "`")))
        if formula:
            out.append("$" + math_latex(formula) + "$")
        out.append(_escape_text(trailing))
        tail = "".join(run)[len("".join(run).rstrip()) :]
        out.append(tail)
        run.clear()

    depth = 0
    for tok, kind in zip(tokens, kinds, strict=True):
        if kind == "math" and run and tok[0] in "“‘":
            flush()  # an opening quote starts a new formula
            depth = 0
        if kind == "math" or (kind == "space" and run):
            run.append(tok)
            depth += tok.count("(") - tok.count(")")
            # a colon, a semicolon or a comma outside brackets ends the formula
            ends = tok[-1] in ":;”’" or (tok[-1] == "," and depth <= 0)
            ends = ends or (tok[-1] == "." and not tok.endswith(".."))  # a sentence ends
            if kind == "math" and ends:
                flush()
                depth = 0
            continue
        depth = 0
        flush()
        if kind == "ident":
            core = tok.rstrip(_TRAIL + ")").lstrip("(")
            head = tok[: tok.index(core)]
            tail = tok[tok.index(core) + len(core) :]
            out.append(_escape_text(head))
            if refs and core in refs:
                out.append(refs[core] + _escape_text(tail))
            else:
                code = latex_escape(core).replace(r"\_", r"\_\allowbreak{}")
                out.append(r"\texttt{" + code + "}" + _escape_text(tail))
        else:
            out.append(_escape_text(tok))
    flush()
    return "".join(out)
