"""Unicode mathematics in the catalogue's text is typeset as mathematics, nothing is lost."""

import re

import pytest
import sympy as sp

from symgrad.kernel.catalogue import load_catalogue
from symgrad.maths.errata import ERRATA
from symgrad.render.printing import latex, pretty, text
from symgrad.render.texmath import (
    MATH,
    TEXT,
    is_formula,
    latex_escape,
    math_latex,
    number_latex,
    rich_text,
)


def _catalogue_text():
    for thm in load_catalogue():
        yield from (thm.title, thm.statement, thm.convention, thm.proof)
        yield from thm.assumptions
        yield from thm.references
        for step in thm.steps:
            claim = step.claim  # a claim of objects: its prose (the printers do the rest)
            yield from (
                [claim] if isinstance(claim, str) else [p for p in claim if isinstance(p, str)]
            )
            yield from (step.justification, step.source)
    for e in ERRATA:  # claims of objects: their prose
        yield from (p for claim in (e.seed_says, e.correction) for p in claim if isinstance(p, str))


def test_every_character_of_the_catalogue_becomes_ascii_latex_without_loss():
    for piece in _catalogue_text():
        out = rich_text(piece)
        assert out.isascii(), (piece, out)
        assert "[U+" not in out, piece  # the marker of a character with no mapping
        assert "?" not in out.replace("?", "") or "?" in piece


def test_an_unmapped_character_is_shown_by_its_code_point_never_dropped():
    out = rich_text("snow ☃ here")
    assert "[U+2603]" in out and "snow" in out and "here" in out


def test_the_maps_cover_greek_scripts_and_relations():
    for char in "γηλρσ‖≤≥→⇒∂∇ℝ⊙":
        assert char in MATH
    assert TEXT["“"] == "``"


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("‖W^k‖₂^(1/k) → ρ(W)", r"\|W^{k}\|_{2}^{1/k} \to \rho (W)"),
        ("J₁ J₂ J₃ ≠ ∂h⁽³⁾/∂h⁽⁰⁾", r"J_{1} J_{2} J_{3} \ne \partial h^{(3)}/\partial h^{(0)}"),
        ("SΛ^kS⁻¹", r"S\Lambda^{k}S^{-1}"),
        ("‖W‖_F ≤ Σ|wᵢⱼ|", r"\|W\|_{F} \le \sum |w_{ij}|"),
        ("(eˣ − 1)²", "(e^{x} - 1)^{2}"),
        ("ĝ ← (τ/‖ĝ‖)ĝ", r"\hat{g} \leftarrow (\tau /\|\hat{g}\|)\hat{g}"),
        ("λ_max(WᵀW)", r"\lambda_{\max}(W^{\mathsf{T}}W)"),
    ],
)
def test_unicode_formulas_become_latex_mathematics(source, expected):
    assert math_latex(source) == expected


def test_numbers_in_scientific_notation_read_times_ten_to_the():
    assert number_latex("1.39e-60") == r"1.39 \times 10^{-60}"
    assert number_latex(2.5e-7) == r"2.5 \times 10^{-7}"
    assert number_latex("3.0") == "3"
    assert "e-60" not in rich_text("‖W^200‖₂ = 1.39e-60")


def test_numpy_style_arrays_become_matrices():
    out = rich_text("recorded example [[ 0.5, 10. ], [ 0. , 0.5]]: also a counterexample")
    assert r"\begin{smallmatrix}0.5 & 10 \\ 0 & 0.5\end{smallmatrix}" in out
    assert "[[" not in out


def test_prose_keeps_words_as_text_and_formulas_as_math():
    out = rich_text("if λ₁ < 1/γ then ‖J‖₂ < 1, by the eta_decay theorem")
    assert out.startswith("if $") and " then $" in out
    assert r"\texttt{eta\_\allowbreak{}decay}" in out
    linked = rich_text("by the eta_decay theorem", {"eta_decay": r"Theorem~\ref{x}"})
    assert linked == r"by Theorem~\ref{x}"


def test_free_text_cannot_become_a_command():
    out = rich_text(r"\input{/etc/passwd} $x$ 100% #1 ^^5c")
    assert r"\input" not in out.replace(r"\textbackslash{}input", "")
    assert not re.search(r"(?<!\\)[%#]", out)
    assert latex_escape("_^") == r"\_\textasciicircum{}"


def test_formulas_and_prose_are_told_apart():
    assert is_formula("‖J‖₂ = ‖Jᵀ‖₂ ≤ λ₁γ")
    assert is_formula("diag(σ′(a)) W")
    assert not is_formula("ρ(W)γ < 1 but ‖J‖₂ > 1")
    assert not is_formula("the sum of products equals the direct derivative")


def test_the_printers_follow_the_house_conventions():
    k = sp.Symbol("k")
    assert latex(sp.Matrix([[1, 2], [3, 4]])).startswith(r"\begin{bmatrix}")
    assert latex(sp.Float("1.39e-60")) == r"1.39 \times 10^{-60}"
    assert text(sp.sqrt(2 * k**2 + 4)) == "√(2·k² + 4)"
    assert "**" not in text(k**5) and "*" not in text(3 * k)
    assert "⋅" in pretty(3 * k) and "**" not in pretty(k ** (k + 1))


def test_model_names_labels_phi_balls_and_nested_indices_are_typeset_as_meant():
    cases = {
        "GELU: γ = Phi(√2) + √2φ(√2)": r"\Phi (\sqrt{2})",
        "q ∈ [0.2392 +/- 4.65e-5]": r"0.2392 \pm 4.65",
        "Wᵀ diag(σ′(a)) (A) and diag(σ′(x)) Wᵀ (B)": r"$ (A) and $",
        "row-vector Model B x_t = σ(x_{t−1}) W": r"Model B $x_{t} =",
        "the Jacobian of Model A; Model B": "of Model A; Model B",
        "where ∂h_t₀/∂h_0 ∈ 1": r"\partial h_{t_{0}}/\partial h_{0}",
        "(dashed, in σ′'s colour)": r"$\sigma'$'s colour",
    }
    for given, expected in cases.items():
        out = rich_text(given)
        assert expected in out, (given, out)
        assert "}_{" not in out  # never a double subscript
