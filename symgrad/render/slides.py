"""Beamer slides in lecture order: one statement, derivation or figure per frame.

:func:`build_slides` follows the catalogue: a frame with the conventions, then per section a
title frame, and per theorem a statement frame, its derivation (split over frames of a few
steps each), its figure, and for refuted claims the counterexample typeset. The errata of
the blog post close the lecture, a few rows per frame.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from .document import (
    SEED,
    FigureRef,
    counterexample_latex,
    derivation_rows,
    errata_rows,
    is_refuted_claim,
    label,
    pdf_string,
    sty_inline,
    theorem_refs,
)
from .handout import CONVENTIONS, ERRATA_ID, figure_homes
from .texmath import rich_text

if TYPE_CHECKING:
    from ..errata import Erratum
    from ..proof import TheoremResult

__all__ = ["RUNS", "build_slides"]

#: pdflatex runs the slides need: they carry no cross-reference, contents or total count.
RUNS = 1

#: Steps per derivation frame, and errata rows per frame.
STEPS_PER_FRAME = 3
ERRATA_PER_FRAME = 4


def _preamble(title: str) -> str:
    return "\n".join(
        [
            r"\documentclass[11pt,aspectratio=169]{beamer}",
            r"\usepackage[T1]{fontenc}",
            r"\usepackage{lmodern}",
            r"\usepackage{booktabs,array}",
            r"\usetheme{default}",
            r"\usefonttheme{professionalfonts}",
            r"\setbeamertemplate{navigation symbols}{}",
            # the frame number alone: no total, so one pdflatex run is enough (RUNS)
            r"\setbeamertemplate{footline}{\hfill\usebeamerfont{page number in head/foot}"
            r"\insertframenumber\hspace*{1em}\vspace*{0.6em}}",
            r"\setbeamertemplate{theorems}[numbered]",
            r"\setbeamerfont{frametitle}{size=\large}",
            sty_inline(),
            rf"\hypersetup{{pdftitle={{{pdf_string(title)}}},pdfauthor={{symgrad}},"
            r"pdfsubject={slides}}",
            "",
        ]
    )


def _frame(title: str, body: Sequence[str], *, options: str = "") -> list[str]:
    opts = f"[{options}]" if options else ""
    return [rf"\begin{{frame}}{opts}{{{title}}}", *body, r"\end{frame}"]


def _chunks(n: int, size: int) -> list[list[int]]:
    """Steps 1..n in balanced groups of at most `size`."""
    parts = max(1, -(-n // size))
    per = -(-n // parts)
    return [list(range(i + 1, min(i + per, n) + 1)) for i in range(0, n, per)]


def _theorem_frames(result: TheoremResult, refs: dict[str, str]) -> list[str]:
    thm = result.theorem
    refuted = is_refuted_claim(thm)
    title = rich_text(thm.title)
    short = rich_text(thm.title.removeprefix("Refuted: ")) if refuted else title
    env = "alertblock" if refuted else "block"
    head = "Refuted claim" if refuted else "Theorem"
    statement = [
        rf"\begin{{{env}}}{{{head}}}\label{{{label('thm', thm.id)}}}",
        rich_text(thm.statement, refs),
    ]
    if thm.statement_latex:
        statement += [r"\[", thm.statement_latex, r"\]"]
    statement.append(rf"\end{{{env}}}")
    if thm.proof:
        statement.append(rf"\medskip{{\small\emph{{Proof idea.}} {rich_text(thm.proof, refs)}}}")
    frames = _frame(title, statement)
    parts = _chunks(len(thm.steps), STEPS_PER_FRAME)
    for n, steps in enumerate(parts, 1):
        rows = derivation_rows(thm, result, numbered=False, refs=refs, steps=steps)
        suffix = f" ({n}/{len(parts)})" if len(parts) > 1 else ""
        name = "Refutation" if refuted else "Derivation"
        body = [r"\small", r"\begin{align*}", "\\\\\n".join(rows), r"\end{align*}"]
        # a frame of long relations is scaled to fit rather than run off the bottom
        frames += _frame(rf"{name}{suffix}: {short}", body, options="shrink=1")
    for s in result.steps:
        if s.outcome.counterexample:
            body = [
                r"\begin{alertblock}{Counterexample}",
                r"\[" + counterexample_latex(s.outcome.counterexample) + r"\]",
                r"\end{alertblock}",
            ]
            explain = [d for d in s.outcome.details if not d.startswith(("  ", "found by"))]
            explain = [d for d in explain if not d.startswith(("recorded", "not found"))]
            if explain:
                body.append(r"\begin{itemize}")
                body += [rf"\item {rich_text(d, refs)}" for d in explain]
                body.append(r"\end{itemize}")
            frames += _frame(rf"Counterexample: {short}", body)
    return frames


def _figure_frame(figure: FigureRef, title: str) -> list[str]:
    return _frame(
        title,
        [
            r"\centering",
            rf"\includegraphics[width=\linewidth,height=0.6\textheight,keepaspectratio]"
            rf"{{{figure.path}}}",
            r"\par\smallskip",
            rf"{{\scriptsize {rich_text(figure.caption)}}}",
        ],
    )


def _errata_frames(errata: Sequence[Erratum], refs: dict[str, str]) -> list[str]:
    frames = _frame("Errata of the blog post", [r"\small " + SEED])
    rows = errata_rows(errata, refs)
    for start in range(0, len(rows), ERRATA_PER_FRAME):
        table = [
            r"\scriptsize",
            r"\begin{tabular}{@{}>{\raggedright}p{0.03\linewidth}>{\raggedright}"
            r"p{0.26\linewidth}>{\raggedright}p{0.4\linewidth}"
            r">{\raggedright\arraybackslash}p{0.19\linewidth}@{}}",
            r"\toprule \# & the post says & correction & backed by \\ \midrule",
            *rows[start : start + ERRATA_PER_FRAME],
            r"\bottomrule",
            r"\end{tabular}",
        ]
        frames += _frame("Errata of the blog post (continued)", table)
    return frames


def build_slides(
    results: Sequence[TheoremResult],
    *,
    sections: dict[str, str],
    figures: Sequence[FigureRef] = (),
    errata: Sequence[Erratum] = (),
    title: str = "Exploding and vanishing gradients in recurrent networks",
    version: str = "",
) -> str:
    """Beamer slides for a lecture on the theorems in `results`, in their order."""
    refs = theorem_refs(results)
    # a slide names a theorem by its title: frame numbers are not theorem numbers
    refs = {r.theorem.id: r"\emph{" + rich_text(r.theorem.title) + "}" for r in results}
    placed, rest = figure_homes(figures, [r.theorem.id for r in results])
    body = [
        _preamble(title),
        rf"\title{{{rich_text(title)}}}",
        rf"\subtitle{{derived and verified with symgrad {rich_text(version)}}}",
        r"\date{}",
        r"\begin{document}",
        r"\begin{frame}",
        r"\titlepage",
        r"\end{frame}",
        *_frame(
            "Conventions",
            [r"\small", r"\begin{itemize}"]
            + [rf"\item {c}" for c in CONVENTIONS]
            + [r"\end{itemize}"],
        ),
    ]
    current = None
    for result in results:
        section = sections.get(result.theorem.id, "Other results")
        if section != current:
            current = section
            body.append(rf"\section{{{rich_text(section)}}}")
            body += [
                r"\begin{frame}",
                r"\centering\Large " + rich_text(section),
                r"\end{frame}",
            ]
        if result.theorem.id == ERRATA_ID and errata:
            body += _errata_frames(errata, refs)
            continue
        body += _theorem_frames(result, refs)
        for fig in placed.get(result.theorem.id, []):
            body += _figure_frame(fig, "Figure: " + rich_text(result.theorem.title))
    for fig in rest:
        body += _figure_frame(fig, "Figure")
    body.append(r"\end{document}")
    return "\n".join(body) + "\n"
