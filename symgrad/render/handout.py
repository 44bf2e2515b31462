"""The student handout: statements, derivations, figures beside their theorems, no check log.

:func:`build_handout` writes a standalone ``article``: conventions, one section per catalogue
section, each theorem with its statement, proof idea and derivation (every relation typeset,
each with its evidence level and justification), the figure that illustrates it placed right
after it, the refuted claims with their counterexamples typeset, and the errata of the blog
post the catalogue started from. :func:`build_article` is the skeleton it shares with the full
verification record (:mod:`symgrad.render.record`).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from ..errors import InvalidArgumentError
from .document import (
    BLOG_POST,
    PAPERS,
    FigureRef,
    counterexample_block,
    derivation_rows,
    errata_table,
    figure_latex,
    is_refuted_claim,
    label,
    pdf_string,
    post_reference,
    statement_formula,
    sty_inline,
    theorem_refs,
)
from .printing import text_latex

if TYPE_CHECKING:
    from ..kernel.proof import TheoremResult
    from ..maths.errata import Erratum

__all__ = ["CONVENTIONS", "ERRATA_ID", "build_article", "build_handout", "theorem_block"]

#: The catalogue entry whose steps check the errata; documents show it as the errata table.
ERRATA_ID = "seed_errata"

#: The conventions every document states first (hand-written LaTeX, compiled by the tests).
CONVENTIONS = [
    r"Model A (default): $a^{(t)} = W h^{(t-1)} + U x^{(t)} + b$, $h^{(t)} = \sigma(a^{(t)})$."
    r" Model B (Pascanu et al.): $x_t = W\sigma(x_{t-1}) + U u_t + b$; its state $x_t$ is"
    r" Model A's pre-activation.",
    r"Column vectors. Jacobians in numerator layout,"
    r" $J_{ij} = \partial(\text{new})_i / \partial(\text{old})_j$: Model A"
    r" $J_t = \operatorname{diag}(\sigma'(a^{(t)}))\,W$, Model B"
    r" $J_t = W\operatorname{diag}(\sigma'(x_{t-1}))$; the denominator layout is the transpose.",
    r"The later step is $k$, the earlier $t$ ($k \ge t$); products over a lag are written"
    r" latest factor first, $J_k J_{k-1}\cdots J_{t+1}$.",
    r"Norm means the spectral norm $\|\cdot\|_2$; $\lambda_1 = \|W\|_2$ (largest singular"
    r" value), $\rho(W)$ the spectral radius, $\gamma = \sup_x|\sigma'(x)|$,"
    r" $\eta = \lambda_1\gamma$.",
    r"Each step of a derivation carries its evidence: \textsf{proved} (symbolic for all sizes,"
    r" or a certificate), \textsf{checked} (exact arithmetic on stated instances),"
    r" \textsf{tested} (property-based: random examples within a stated tolerance),"
    r" \textsf{cited} (a named standard lemma, also tested), \textsf{refuted} (a false claim"
    r" with a counterexample, re-verified).",
]

#: Which theorem each figure illustrates (a figure may also say so itself: ``theorem``).
FIGURE_THEOREM = {
    "jacobian_norms": "eta_decay",
    "transient_growth": "refuted_transient_growth",
    "activations": "gamma_of_builtin_activations",
    "error_surface": "single_unit_dynamics",
    "gradient_lags": "total_gradient_short_lags",
    "clipping_training": "gradient_norm_clipping",
    "bifurcation": "single_unit_bistability",
}


def figure_homes(
    figures: Sequence[FigureRef], ids: Sequence[str], homes: dict[str, str] | None = None
) -> tuple[dict[str, list[FigureRef]], list[FigureRef]]:
    """Figures by the theorem they illustrate (when it is shown), and the rest."""
    homes = {**FIGURE_THEOREM, **(homes or {})}
    placed: dict[str, list[FigureRef]] = {}
    rest = []
    for fig in figures:
        home = homes.get(fig.name)
        if home in ids:
            placed.setdefault(home, []).append(fig)
        elif home is None:
            rest.append(fig)
    return placed, rest


def preamble(title: str, paper: str, *, subject: str) -> str:
    """The article preamble: fonts, paper, packages, the snippet definitions, hyperref."""
    if paper not in PAPERS:
        raise InvalidArgumentError(f"paper={paper!r} must be one of {', '.join(PAPERS)}")
    return "\n".join(
        [
            r"\documentclass[11pt]{article}",
            r"\usepackage[T1]{fontenc}",
            r"\usepackage{lmodern}",
            rf"\usepackage[{PAPERS[paper]},margin=2.3cm]{{geometry}}",
            r"\usepackage{amsmath,amssymb,amsthm}",
            r"\usepackage{graphicx,booktabs,array,longtable,float}",
            r"\usepackage{microtype}",
            r"\theoremstyle{plain}\newtheorem{theorem}{Theorem}[section]",
            sty_inline(),
            r"\usepackage[hidelinks]{hyperref}",
            rf"\hypersetup{{pdftitle={{{pdf_string(title)}}},pdfauthor={{symgrad}},"
            rf"pdfsubject={{{subject}}}}}",
            r"\allowdisplaybreaks",
            r"\setlength{\parindent}{0pt}",
            r"\setlength{\parskip}{4pt}",
            r"\setlength{\emergencystretch}{3em}",
            "",
        ]
    )


def theorem_block(
    result: TheoremResult, refs: dict[str, str], *, verdicts: bool, log: bool
) -> list[str]:
    """A theorem (or refuted claim) as LaTeX: statement, proof idea, derivation, references."""
    thm = result.theorem
    refuted = is_refuted_claim(thm)
    env = "refutedclaim" if refuted else "theorem"
    title = thm.title.removeprefix("Refuted: ") if refuted else thm.title
    # the title in braces: a "]" in it cannot end the optional argument
    lines = [rf"\begin{{{env}}}[{{{text_latex(title)}}}]\label{{{label('thm', thm.id)}}}"]
    lines.append(text_latex(thm.statement, refs))
    if statement_formula(thm):
        lines += [r"\[", r"\sgfit{" + statement_formula(thm) + "}", r"\]"]
    lines.append(rf"\end{{{env}}}")
    if thm.convention:
        lines.append(rf"\emph{{Convention.}} {text_latex(thm.convention, refs)}\par")
    if thm.assumptions:
        items = "; ".join(text_latex(a, refs) for a in thm.assumptions)
        lines.append(rf"\emph{{Assumptions.}} {items}.\par")
    if thm.proof:
        lines.append(rf"\emph{{Proof idea.}} {text_latex(thm.proof, refs)}\par")
    lines.append(r"\emph{Derivation.}" if not refuted else r"\emph{Refutation.}")
    # a long derivation may break across pages (also in a document of the reader's own)
    lines.append(r"{\allowdisplaybreaks\begin{align}")
    rows = derivation_rows(
        thm, result, numbered=True, verdicts=verdicts, refs=refs, student=not log
    )
    lines.append("\\\\\n".join(rows))
    lines.append(r"\end{align}}")
    lines += counterexample_block(result, log=log, refs=refs)
    # students read the literature; a formal proof's or the package's own name is the record's
    shown = [r for r in thm.references if log or not r.startswith(("mathlib", "symgrad."))]
    if shown:
        refs_text = "; ".join(text_latex(post_reference(r), refs) for r in shown)
        lines.append(rf"{{\small\emph{{References.}} {refs_text}.}}\par")
    return lines


def build_article(
    results: Sequence[TheoremResult],
    *,
    sections: dict[str, str],
    figures: Sequence[FigureRef] = (),
    errata: Sequence[Erratum] = (),
    title: str,
    author: str = "",
    paper: str = "a4",
    subject: str = "",
    front: Sequence[str] = (),
    appendix: Sequence[str] = (),
    verdicts: bool = False,
    log: bool = False,
) -> str:
    """The article skeleton shared by the handout and the record.

    The errata table is the first appendix, and appears only when the ``seed_errata`` entry is
    among `results`; figures appear after the theorem they illustrate, and only when it is
    among `results`.
    """
    refs = theorem_refs(results)
    ids = [r.theorem.id for r in results]
    placed, rest = figure_homes(figures, ids)
    body = [
        preamble(title, paper, subject=subject),
        r"\begin{document}",
        r"\title{" + text_latex(title) + "}",
        r"\author{" + author + "}",
        r"\date{}",
        r"\maketitle",
        *front,
        r"\section*{Conventions}",
        r"\begin{itemize}",
        *[rf"\item {c}" for c in CONVENTIONS],
        r"\end{itemize}",
    ]
    current = None
    with_errata = bool(errata) and ERRATA_ID in ids
    for result in results:
        if result.theorem.id == ERRATA_ID and with_errata:
            continue  # the errata are an appendix
        section = sections.get(result.theorem.id, "Other results")
        if section != current:
            current = section
            body.append(rf"\section{{{text_latex(section)}}}")
        body += theorem_block(result, refs, verdicts=verdicts, log=log)
        body += [figure_latex(f) for f in placed.get(result.theorem.id, [])]
    if rest:
        body.append(r"\section{Figures}")
        body += [figure_latex(f) for f in rest]
    if with_errata or appendix:
        body.append(r"\appendix")
    if with_errata:
        body += [
            r"\section{Errata of the blog post ``The Issues on Training RNN''}",
            BLOG_POST,
            errata_table(errata, refs),
        ]
    body += appendix
    body.append(r"\end{document}")
    return "\n".join(body) + "\n"


def build_handout(
    results: Sequence[TheoremResult],
    *,
    sections: dict[str, str],
    figures: Sequence[FigureRef] = (),
    errata: Sequence[Erratum] = (),
    title: str = "Exploding and vanishing gradients in recurrent networks",
    paper: str = "a4",
    version: str = "",
) -> str:
    """The student handout: no check log, no verdicts — the mathematics and its evidence."""
    intro = (
        r"\begin{abstract}\noindent"
        r" Why gradients vanish or explode when a recurrent network is trained by"
        r" backpropagation through time: the Jacobian over a lag is an ordered product,"
        r" its norm is bounded by $\eta^{k-t}$ with $\eta = \lambda_1\gamma$, and the"
        r" tempting shortcuts are refuted by counterexamples. Every step below was derived"
        r" or checked by the symgrad package"
        + (rf" (version {text_latex(version)})" if version else "")
        + r"; its evidence level is printed beside it."
        r"\end{abstract}"
    )
    return build_article(
        results,
        sections=sections,
        figures=figures,
        errata=errata,
        title=title,
        paper=paper,
        subject="handout",
        front=[intro],
    )
