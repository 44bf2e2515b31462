"""The full verification record: the handout's content, each step's verdict, and every check.

:func:`build_record` is the document a reviewer reads: a summary (how many theorems hold, how
many false claims were refuted, package versions), the theorems as in the handout with a
verdict beside each step, the counterexamples with the search's own notes, and an appendix
listing every check that ran — instances, examples, tolerance, seed, time.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from .document import FigureRef, count_line
from .handout import build_article
from .outcomes import outcome_facts
from .printing import text_latex, value_latex
from .texmath import latex_escape

if TYPE_CHECKING:
    from ..kernel.proof import TheoremResult
    from ..maths.errata import Erratum

__all__ = ["build_record", "check_log"]

DEFAULT_TITLE = "Exploding and vanishing gradients in recurrent networks: the verification record"


def check_log(results: Sequence[TheoremResult], versions: dict[str, str] | None) -> list[str]:
    """The appendix: every check that ran, theorem by theorem, step by step."""
    out = [r"\section{Every check that ran}"]
    if versions:
        listed = ", ".join(rf"{text_latex(k)} {text_latex(v)}" for k, v in versions.items())
        out.append(rf"Package versions: {listed}.")
    for result in results:
        out.append(
            rf"\subsection*{{{text_latex(result.theorem.title)}}}"
            rf"{{\small\ (\texttt{{{latex_escape(result.theorem.id)}}})}}"
        )
        # ragged: a long unbreakable fact (an error message) wraps instead of running off
        out.append(r"\begin{itemize}\setlength{\itemsep}{0pt}\small\raggedright")
        for k, s in enumerate(result.steps, 1):
            verdict = "verified" if s.ok else rf"\textbf{{{s.verdict.value}}}"
            facts = "; ".join(text_latex(f) for f in outcome_facts(s))
            out.append(
                rf"\item Step~{k} [{s.step.evidence.value}, {verdict}]: "
                rf"{value_latex(s.outcome.checked)}. {facts}."
            )
            if s.undecided is not None:
                out.append(rf"\\ undecided: {text_latex(s.undecided.splitlines()[0])}")
            elif not s.ok:
                for side, value in (("left", s.outcome.left), ("right", s.outcome.right)):
                    if value is not None:  # mathematics printed, a sentence escaped
                        out.append(rf"\\ {side}: {value_latex(value)}")
                if s.error:
                    out.append(rf"\\ error: {text_latex(s.error.splitlines()[0])}")
        out.append(r"\end{itemize}")
    return out


def build_record(
    results: Sequence[TheoremResult],
    *,
    sections: dict[str, str],
    figures: Sequence[FigureRef] = (),
    errata: Sequence[Erratum] = (),
    title: str = DEFAULT_TITLE,
    paper: str = "a4",
    versions: dict[str, str] | None = None,
) -> str:
    """The full verification record: summary, theorems with verdicts, appendix of checks."""
    version = (versions or {}).get("symgrad", "")
    summary = [
        r"\begin{abstract}\noindent",
        rf"Verified by symgrad {text_latex(version)}: {latex_escape(count_line(results))}."
        r" Each step shows its evidence level and the verdict of its check;"
        r" the appendix lists what every check ran on.",
        r"\end{abstract}",
        r"\tableofcontents",
    ]
    return build_article(
        results,
        sections=sections,
        figures=figures,
        errata=errata,
        title=title,
        author="symgrad " + text_latex(version) if version else "",
        paper=paper,
        subject="verification record",
        front=summary,
        appendix=check_log(results, versions),
        verdicts=True,
        log=True,
    )
