"""Prose is escaped for LaTeX one character at a time; the catalogue's prose needs no parsing."""

import re

import pytest
import sympy as sp

from symgrad.kernel.catalogue import load_catalogue
from symgrad.kernel.claims import Claim
from symgrad.kernel.notation import Ball, Decimal
from symgrad.maths.errata import ERRATA
from symgrad.render.printing import latex, pretty, prose_latex, text, text_latex
from symgrad.render.texmath import MATH, TEXT, latex_escape


def _prose_fields():
    """(where, value) for every prose field of the catalogue: a str or a Claim."""
    for thm in load_catalogue():
        yield f"{thm.id}.title", thm.title
        for name in ("statement", "convention", "proof"):
            yield f"{thm.id}.{name}", getattr(thm, name)
        for k, a in enumerate(thm.assumptions):
            yield f"{thm.id}.assumptions[{k}]", a
        for k, r in enumerate(thm.references):
            yield f"{thm.id}.references[{k}]", r
        for k, step in enumerate(thm.steps, 1):
            for name in ("claim", "justification", "student", "source"):
                value = getattr(step, name)
                if value:
                    yield f"{thm.id}.step{k}.{name}", value
    for e in ERRATA:
        yield f"erratum {e.number}.seed_says", e.seed_says
        yield f"erratum {e.number}.correction", e.correction


def _prose(value):
    return [value] if isinstance(value, str) else [p for p in value if isinstance(p, str)]


def test_every_character_of_the_catalogues_prose_becomes_ascii_latex_without_loss():
    for where, value in _prose_fields():
        for piece in _prose(value):
            out = latex_escape(piece)
            assert out.isascii(), (where, piece, out)
            assert "[U+" not in out, (where, piece)  # the marker of a character with no mapping


def test_every_prose_field_of_the_catalogue_renders_without_ascii_notation():
    # escaped ASCII notation would show its characters: x^(k), J_{t+1}, sqrt(2), a**2
    raw = re.compile(r"\\textasciicircum|sqrt\(|\*\*|\be\^")
    for where, value in _prose_fields():
        out = text_latex(value)
        outside_code = re.sub(r"\\texttt\{(?:[^{}]|\{\})*\}", "", out)
        assert not raw.search(outside_code), (where, out)
        assert r"\_" not in outside_code, (where, out)  # an index written as x_t


def test_an_unmapped_character_is_shown_by_its_code_point_never_dropped():
    out = latex_escape("snow ☃ here")
    assert "[U+2603]" in out and "snow" in out and "here" in out


def test_the_maps_cover_greek_scripts_and_relations():
    for char in "γηλρσ‖≤≥→⇒∂∇ℝ⊙∞":
        assert char in MATH
    assert TEXT["“"] == "``"
    assert latex_escape("ᵀ") == r"$^{\mathsf{T}}$"
    assert latex_escape("ŷ") == r"$\hat{y}$"


@pytest.mark.parametrize(
    "formula_looking",
    ["‖W^k‖₂^(1/k) → ρ(W)", "J_k ⋯ J_{t+1}", "sqrt(2*k**2 + 4)", "[[0.9, 1], [0, 0.9]]", "1e-60"],
)
def test_a_formula_looking_string_comes_out_as_its_characters_escaped(formula_looking):
    out = latex_escape(formula_looking)
    one_by_one = "".join(latex_escape(c) for c in formula_looking)
    # the same characters in the same order: only where one $…$ group ends and the next
    # begins (and a space before a script) differ
    assert re.sub(r"[$ ]", "", out) == re.sub(r"[$ ]", "", one_by_one)
    assert "^{k}" not in out and r"\sqrt" not in out and "bmatrix" not in out
    assert r"\times 10" not in out  # a number in prose is not re-read as scientific notation


def test_adjacent_mathematical_characters_share_one_formula_group():
    assert latex_escape("λ₁γ < 1") == r"$\lambda_{1}\gamma $ < 1"
    assert latex_escape("h⁽ᵗ⁻¹⁾ and Jₜ₊₁") == r"h$^{(t-1)}$ and J$_{t+1}$"  # one script each
    assert latex_escape("x ≤ y").count("$") == 2


def test_numbers_in_scientific_notation_read_times_ten_to_the():
    # numbers are mathematics: the printers write them from their parts, in every format
    assert latex(sp.Float("1.39e-60")) == r"1.39 \times 10^{-60}"
    assert latex(sp.Float(2.5e-7)) == r"2.5 \times 10^{-7}"
    assert latex(sp.Float(3.0)) == "3"
    assert latex(Decimal("1.90985287058")) == "1.90985287058"  # the digits it was given
    assert latex(Ball.parse("[5.19677e-75 +/- 3.50e-81]")) == (
        r"5.19677 \times 10^{-75} \pm 3.50 \times 10^{-81}"
    )
    assert text(Ball.parse("[5.19677e-75 +/- 3.50e-81]")) == "5.19677×10⁻⁷⁵ ± 3.50×10⁻⁸¹"
    assert pretty(sp.Float("1.39e-60")) == text(sp.Float("1.39e-60")) == "1.39×10⁻⁶⁰"


def test_free_text_cannot_become_a_command():
    out = latex_escape(r"\input{/etc/passwd} $x$ 100% #1 ^^5c ~")
    assert r"\input" not in out.replace(r"\textbackslash{}input", "")
    assert not re.search(r"(?<!\\)[%#$]", out.replace("$x$", ""))
    assert latex_escape("_^") == r"\_\textasciicircum{}"


def test_identifiers_are_code_and_theorem_ids_become_references():
    out = prose_latex("see numeric.bptt_gradients and the eta_decay theorem")
    assert r"\texttt{numeric.bptt\_\allowbreak{}gradients}" in out
    assert r"\texttt{eta\_\allowbreak{}decay} theorem" in out
    linked = prose_latex("by the eta_decay theorem", {"eta_decay": r"Theorem~\ref{x}"})
    assert linked == r"by Theorem~\ref{x}"


def test_a_claims_mathematics_is_printed_and_its_prose_escaped():
    k, t = sp.symbols("k t")
    out = text_latex(Claim("shrinks like", sp.Symbol("eta") ** (k - t), "as 100% of it"))
    assert out == r"shrinks like $\eta^{k - t}$ as 100\% of it"


def test_the_printers_follow_the_house_conventions():
    k = sp.Symbol("k")
    assert latex(sp.Matrix([[1, 2], [3, 4]])).startswith(r"\begin{bmatrix}")
    assert latex(sp.Float("1.39e-60")) == r"1.39 \times 10^{-60}"
    assert text(sp.sqrt(2 * k**2 + 4)) == "√(2·k² + 4)"
    assert "**" not in text(k**5) and "*" not in text(3 * k)
    assert "⋅" in pretty(3 * k) and "**" not in pretty(k ** (k + 1))
