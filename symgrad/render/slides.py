"""Beamer slides: the lecture deck (about 35 frames) or the full deck of every theorem.

The lecture deck follows a lecture plan (``lecture.toml`` beside this module, or a file of the
same form, see :func:`load_plan`): per topic, the statements, the few derivations and the
figures that teach it, each false claim with its counterexample, a frame of exercises, and one
frame on the blog post the catalogue started from. The full deck follows the catalogue: per
section a title frame, and per theorem a statement frame, its derivation (split over frames
of a few steps each), its figure, and for refuted claims the counterexample typeset; the
errata of the blog post close it, a few rows a frame.
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import InvalidArgumentError
from .document import (
    BLOG_POST,
    FigureRef,
    derivation_rows,
    errata_rows,
    is_refuted_claim,
    label,
    pdf_string,
    statement_formula,
    student_steps,
    sty_inline,
)
from .handout import CONVENTIONS, ERRATA_ID, figure_homes
from .outcomes import counterexample_notes
from .printing import named_latex, text_latex

if TYPE_CHECKING:
    from ..kernel.proof import TheoremResult
    from ..maths.errata import Erratum

__all__ = ["DECKS", "RUNS", "LecturePlan", "build_slides", "load_plan"]

#: The decks :func:`build_slides` writes.
DECKS = ("lecture", "full")

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


def _short(result: TheoremResult) -> str:
    thm = result.theorem
    title = text_latex(thm.title)
    return text_latex(thm.title.removeprefix("Refuted: ")) if is_refuted_claim(thm) else title


def _statement_frame(result: TheoremResult, refs: dict[str, str]) -> list[str]:
    thm = result.theorem
    refuted = is_refuted_claim(thm)
    env = "alertblock" if refuted else "block"
    head = "Refuted claim" if refuted else "Theorem"
    statement = [
        rf"\begin{{{env}}}{{{head}}}\label{{{label('thm', thm.id)}}}",
        text_latex(thm.statement, refs),
    ]
    if statement_formula(thm):
        statement += [r"\[", r"\sgfit{" + statement_formula(thm) + "}", r"\]"]
    statement.append(rf"\end{{{env}}}")
    if thm.proof:
        statement.append(rf"\medskip{{\small\emph{{Proof idea.}} {text_latex(thm.proof, refs)}}}")
    return _frame(text_latex(thm.title), statement, options="shrink=1")


def _derivation_frames(result: TheoremResult, refs: dict[str, str]) -> list[str]:
    thm = result.theorem
    frames: list[str] = []
    shown = student_steps(thm, result)
    parts = [[shown[i - 1] for i in part] for part in _chunks(len(shown), STEPS_PER_FRAME)]
    for n, steps in enumerate(parts, 1):
        rows = derivation_rows(thm, result, numbered=False, refs=refs, steps=steps, student=True)
        suffix = f" ({n}/{len(parts)})" if len(parts) > 1 else ""
        name = "Refutation" if is_refuted_claim(thm) else "Derivation"
        body = [r"\small", r"\begin{align*}", "\\\\\n".join(rows), r"\end{align*}"]
        # a frame of long relations is scaled to fit rather than run off the bottom
        frames += _frame(rf"{name}{suffix}: {_short(result)}", body, options="shrink=1")
    return frames


def _counterexample_frames(
    result: TheoremResult, refs: dict[str, str], *, first_only: bool = False
) -> list[str]:
    frames: list[str] = []
    for s in result.steps:
        if not s.outcome.counterexample:
            continue
        body = [
            r"\begin{alertblock}{Counterexample}",
            r"\[" + named_latex(s.outcome.counterexample) + r"\]",
            r"\end{alertblock}",
        ]
        explain = counterexample_notes(s.outcome, log=False)
        if explain:
            body.append(r"\begin{itemize}")
            for line, more in explain:
                body.append((r"\item[] \quad " if more else r"\item ") + text_latex(line, refs))
            body.append(r"\end{itemize}")
        short = text_latex(result.theorem.title.removeprefix("Refuted: "))
        frames += _frame(rf"Counterexample to: {short}", body, options="shrink=1")
        if first_only:
            break
    return frames


def _theorem_frames(result: TheoremResult, refs: dict[str, str]) -> list[str]:
    return (
        _statement_frame(result, refs)
        + _derivation_frames(result, refs)
        + _counterexample_frames(result, refs)
    )


@dataclass(frozen=True)
class LecturePlan:
    """A lecture: its sections in order, each a title and the frames it shows.

    See ``lecture.toml`` beside this module for the form of a plan file and its items.
    """

    sections: tuple[tuple[str, tuple[str, ...]], ...]
    exercises: tuple[int, ...] = ()
    sheet: int = 0


_KINDS = ("derivation", "figure")
_WORDS = ("conventions", "exercises", "errata")


def load_plan(path: str | Path | None = None) -> LecturePlan:
    """Read a lecture plan (TOML); without `path`, the 90-minute lecture shipped here.

    Examples
    --------
    >>> plan = load_plan()
    >>> plan.sections[0][0]
    'Motivation: a training run'
    >>> "derivation:eta_decay" in dict(plan.sections)["Vanishing: η-decay"]
    True
    """
    if path is None:
        text = resources.files(__package__).joinpath("lecture.toml").read_text(encoding="utf-8")
        where = "lecture.toml"
    else:
        where = str(path)
        try:
            text = Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise InvalidArgumentError(f"plan={where!r} cannot be read: {exc}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise InvalidArgumentError(f"plan={where!r} is not valid TOML: {exc}") from None
    sections = []
    for k, sec in enumerate(data.get("section", []), 1):
        title, show = sec.get("title"), sec.get("show", [])
        if not isinstance(title, str) or not title.strip():
            raise InvalidArgumentError(f"plan={where!r}: section {k} needs a title (a string)")
        if not isinstance(show, list) or not all(isinstance(x, str) for x in show):
            raise InvalidArgumentError(
                f"plan={where!r}: show={show!r} of section {title!r} must be a list of strings"
            )
        for item in show:
            kind, _, name = item.rpartition(":")
            if (kind and kind not in _KINDS) or (not kind and not name) or (kind and not name):
                raise InvalidArgumentError(
                    f"plan={where!r}: item={item!r} must be an id, derivation:ID, figure:NAME "
                    f"or one of {', '.join(_WORDS)}"
                )
        sections.append((title, tuple(show)))
    exercises, sheet = data.get("exercises", []), data.get("sheet", 0)
    from .exercises import exercise_set

    count = len(exercise_set(0))
    if not isinstance(exercises, list) or not all(
        isinstance(x, int) and not isinstance(x, bool) and 1 <= x <= count for x in exercises
    ):
        raise InvalidArgumentError(
            f"plan={where!r}: exercises={exercises!r} must list exercise numbers from 1 to {count}"
        )
    if not isinstance(sheet, int) or isinstance(sheet, bool) or sheet < 0:
        raise InvalidArgumentError(f"plan={where!r}: sheet={sheet!r} must be an integer >= 0")
    if not sections:
        raise InvalidArgumentError(f"plan={where!r} has no [[section]]")
    return LecturePlan(tuple(sections), tuple(exercises), sheet)


def _figure_frame(figure: FigureRef, title: str) -> list[str]:
    return _frame(
        title,
        [
            r"\centering",
            rf"\includegraphics[width=\linewidth,height=0.6\textheight,keepaspectratio]"
            rf"{{{figure.slides_path or figure.path}}}",
            r"\par\smallskip",
            rf"{{\scriptsize {text_latex(figure.slides_caption or figure.caption)}}}",
        ],
        options="shrink=1",
    )


def _errata_frames(errata: Sequence[Erratum], refs: dict[str, str]) -> list[str]:
    frames = _frame("Errata of the blog post", [r"\small " + BLOG_POST])
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
        # a correction backed by several theorems makes a tall row: shrink rather than overflow
        frames += _frame("Errata of the blog post (continued)", table, options="shrink=1")
    return frames


def _errata_frame(errata: Sequence[Erratum]) -> list[str]:
    """The lecture's one frame on the blog post: what it is and how many corrections."""
    return _frame(
        "Errata of the blog post",
        [
            r"\small " + BLOG_POST,
            r"\par\medskip",
            rf"The handout's appendix lists all {len(errata)} corrections, each with the"
            r" equation of the post it corrects and the theorem that backs it.",
        ],
        options="shrink=1",
    )


def _exercises_frame(plan: LecturePlan) -> list[str]:
    from .exercises import exercise_set

    chosen = exercise_set(plan.sheet)
    items = [r"\small", r"\begin{enumerate}"]
    for k in plan.exercises:
        ex = chosen[k - 1]
        items.append(rf"\item \textbf{{{ex.title}.}} {ex.question}")
    items.append(r"\end{enumerate}")
    return _frame("Exercises", items, options="shrink=1")


def _preface(title: str, version: str) -> list[str]:
    return [
        _preamble(title),
        rf"\title{{{text_latex(title)}}}",
        rf"\subtitle{{derived and verified with symgrad {text_latex(version)}}}",
        r"\date{}",
        r"\begin{document}",
        r"\begin{frame}",
        r"\titlepage",
        r"\end{frame}",
    ]


def _conventions_frame() -> list[str]:
    return _frame(
        "Conventions",
        [r"\small", r"\begin{itemize}"] + [rf"\item {c}" for c in CONVENTIONS] + [r"\end{itemize}"],
        options="shrink=1",
    )


def _lecture_body(
    results: Sequence[TheoremResult],
    plan: LecturePlan,
    figures: Sequence[FigureRef],
    errata: Sequence[Erratum],
    refs: dict[str, str],
) -> list[str]:
    by_id = {r.theorem.id: r for r in results}
    by_name = {f.name: f for f in figures}
    body: list[str] = []
    for title, show in plan.sections:
        frames: list[str] = []
        for item in show:
            kind, _, name = item.rpartition(":")
            if kind == "figure":
                if name in by_name:
                    frames += _figure_frame(by_name[name], text_latex(title))
            elif kind == "derivation":
                if name in by_id:
                    frames += _derivation_frames(by_id[name], refs)
            elif name == "conventions":
                frames += _conventions_frame()
            elif name == "exercises":
                frames += _exercises_frame(plan) if plan.exercises else []
            elif name == "errata":
                frames += _errata_frame(errata) if errata else []
            elif name in by_id:
                frames += _statement_frame(by_id[name], refs)
                frames += _counterexample_frames(by_id[name], refs, first_only=True)
        if frames:
            body += [rf"\section{{{text_latex(title)}}}", *frames]
    return body


def build_slides(
    results: Sequence[TheoremResult],
    *,
    sections: dict[str, str],
    figures: Sequence[FigureRef] = (),
    errata: Sequence[Erratum] = (),
    title: str = "Exploding and vanishing gradients in recurrent networks",
    version: str = "",
    deck: str = "lecture",
    plan: LecturePlan | None = None,
) -> str:
    """Beamer slides on the theorems in `results`: the lecture deck or the full deck.

    ``deck="lecture"`` (default) follows `plan` (default: :func:`load_plan`), showing only
    what it names among `results` and `figures`; ``deck="full"`` shows every theorem of
    `results` in their order, with its derivation, counterexamples and figures, and the
    errata table when the errata entry is among them.
    """
    if deck not in DECKS:
        raise InvalidArgumentError(f"deck={deck!r} must be one of: {', '.join(DECKS)}")
    # a slide names a theorem by its title: frame numbers are not theorem numbers
    refs = {r.theorem.id: r"\emph{" + text_latex(r.theorem.title) + "}" for r in results}
    body = _preface(title, version)
    if deck == "lecture":
        body += _lecture_body(results, plan or load_plan(), figures, errata, refs)
        body.append(r"\end{document}")
        return "\n".join(body) + "\n"
    placed, rest = figure_homes(figures, [r.theorem.id for r in results])
    body += _conventions_frame()
    current = None
    for result in results:
        section = sections.get(result.theorem.id, "Other results")
        if section != current:
            current = section
            body.append(rf"\section{{{text_latex(section)}}}")
            body += [
                r"\begin{frame}",
                r"\centering\Large " + text_latex(section),
                r"\end{frame}",
            ]
        if result.theorem.id == ERRATA_ID and errata:
            body += _errata_frames(errata, refs)
            continue
        body += _theorem_frames(result, refs)
        for fig in placed.get(result.theorem.id, []):
            body += _figure_frame(fig, "Figure: " + text_latex(result.theorem.title))
    for fig in rest:
        body += _figure_frame(fig, "Figure")
    body.append(r"\end{document}")
    return "\n".join(body) + "\n"
