"""``report``, ``latex``, ``plot``, ``worked`` and ``exercises``: the documents.

Each command hands its work to :mod:`symgrad.report` or :mod:`symgrad.render` and prints
what was written; the destinations (``_outputs_*``) are checked before any work starts.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Collection
from pathlib import Path

from ..errors import InvalidArgumentError
from .options import _EXAMPLES, _SEED, MAX_EXAMPLES, _ids, _integer, _json, _paper, _seed, _title
from .text import _emit, _say
from .theorems import _verdict_counts, _verdict_exit


def _cmd_report(args: argparse.Namespace) -> int:
    from ..kernel.proof import RunSettings
    from ..report import make_report

    report = make_report(
        args.output,
        settings=RunSettings(examples=args.examples, seed=args.seed),
        pdf=not args.no_pdf,
        progress=None if args.json else sys.stderr,
        paper=args.paper,
        deck=args.deck,
    )
    payload = {
        "ok": report.ok,
        "verdicts": _verdict_counts(report.results),
        "stopped_by": {r.theorem.id: r.verdict.value for r in report.stopped},
        "withheld": report.withheld,
        "directory": str(Path(args.output).resolve()),
        "files": [str(p) for p in report.files],
        "pdf": str(report.pdf) if report.pdf else None,
        "note": report.pdf_note,
        "seconds": round(report.seconds, 2),
    }

    def text() -> str:
        from ..render.terminal import results_table

        lines = [results_table(report.results), "", "Wrote:"]
        lines += [f"  {p}" for p in report.files if p.suffix != ".png"]
        lines += [f"  removed the outdated {p}" for p in report.removed]
        if report.pdf_note:
            lines.append(report.pdf_note)
        if report.withheld:
            lines.append(
                f"Not written: {', '.join(report.withheld)} (student documents never show a "
                "FAILED or undecided step); stopped by "
                + ", ".join(f"{r.theorem.id} ({r.verdict.value})" for r in report.stopped)
                + ". The record shows every verdict."
            )
        lines.append(f"Total time: {report.seconds:.1f} s")
        return "\n".join(lines)

    _emit(payload, args.json, text())
    return _verdict_exit(report.results)


def _latex_paths(args: argparse.Namespace) -> list[Path]:
    """The files ``latex`` writes: FILE.tex, then FILE.pdf (--pdf), then symgrad.sty (--snippet)."""
    if args.preamble:
        return [Path(args.output)] if args.output else []
    if not args.output:
        raise InvalidArgumentError("-o FILE.tex is required (or --preamble to print symgrad.sty)")
    out = Path(args.output)
    if out.suffix != ".tex":
        raise InvalidArgumentError(f"-o {args.output!r} must name a .tex file")
    if args.snippet and (args.title is not None or args.document is not None):
        raise InvalidArgumentError(
            "--snippet writes a fragment without a title or document kind; drop --title and "
            "--document, or drop --snippet for a whole document"
        )
    if (args.deck is not None or args.plan is not None) and args.document != "slides":
        raise InvalidArgumentError(
            "--deck and --plan choose the slides; add --document slides or drop them"
        )
    if args.plan is not None and args.deck == "full":
        raise InvalidArgumentError("--plan plans a lecture deck; drop --deck full or --plan")
    folder = out.parent / "figures"
    return (
        [out]
        + ([out.with_suffix(".pdf")] if args.pdf else [])
        + ([out.with_name("symgrad.sty")] if args.snippet else [])
        + [folder / f"{name}{suffix}.pdf" for name, suffix in _latex_figures(args)]
    )


def _latex_deck(args: argparse.Namespace) -> str:
    """The deck ``latex --document slides`` writes: lecture for the whole catalogue or a plan,
    full (every chosen theorem) when theorems are named."""
    if args.deck is not None:
        return str(args.deck)
    return "full" if args.ids and args.plan is None else "lecture"


def _latex_figures(args: argparse.Namespace) -> list[tuple[str, str]]:
    """The figures a whole document shows, as (name, "" or "-slides"): those of the chosen
    theorems (every figure without ids), or those the lecture plan names."""
    from ..render.figures import FIGURES
    from ..render.handout import FIGURE_THEOREM

    if args.snippet or args.preamble:
        return []
    suffix = "-slides" if args.document == "slides" else ""
    if args.document == "slides" and _latex_deck(args) == "lecture":
        from ..render.slides import load_plan

        plan = load_plan(args.plan)
        named = {i.removeprefix("figure:") for _, show in plan.sections for i in show}
        return [(name, suffix) for name in FIGURES if name in named]
    chosen = set(args.ids) if args.ids else None
    return [
        (name, suffix) for name in FIGURES if chosen is None or FIGURE_THEOREM.get(name) in chosen
    ]


def _cmd_latex(args: argparse.Namespace) -> int:
    from ..kernel.catalogue import load_catalogue, sections
    from ..kernel.proof import RunSettings
    from ..kernel.runner import run_theorems
    from ..maths.errata import ERRATA
    from ..render.document import compile_pdf, preamble_sty
    from ..render.figures import figure_ref, render_figure
    from ..render.handout import build_handout
    from ..render.record import DEFAULT_TITLE, build_record
    from ..render.slides import build_slides, load_plan
    from ..render.snippet import snippet_document, snippets
    from ..report import versions
    from ..runtime.files import staged_files, write_atomic

    finals = _latex_paths(args)  # every destination checked before any work
    if args.preamble:
        if not finals:
            print(preamble_sty(), end="")
            return 0
        with staged_files(*finals) as (staged,):
            write_atomic(staged, preamble_sty())
        return _emit({"ok": True, "files": [str(finals[0])]}, args.json, str(finals[0]))
    with staged_files(*finals) as staged:
        theorems = load_catalogue(args.ids or None)
        results = run_theorems(theorems, RunSettings(seed=args.seed))
        stopped = [r for r in results if r.verdict.value in ("FAILED", "undecided")]
        if stopped and (args.snippet or args.document in ("handout", "slides")):
            # a document for students never shows a FAILED or undecided step: write nothing
            names = ", ".join(f"{r.theorem.id} ({r.verdict.value})" for r in stopped)
            _say("latex", f"nothing written: {names}; 'symgrad verify' shows why")
            return _verdict_exit(results)
        shown = _latex_figures(args)
        drawn = staged[len(finals) - len(shown) :]
        assets = {}
        for (name, suffix), path in zip(shown, drawn, strict=True):
            render_figure(name, path, slides=bool(suffix))
            assets[f"figures/{name}{suffix}.pdf"] = path
        figures = [figure_ref(name) for name, _ in shown]
        if args.snippet:
            tex = snippets(results)
            compiled = snippet_document(tex)  # the fragment inside a plain article
            write_atomic(staged[-1], preamble_sty())  # the fragment needs symgrad.sty
        else:
            common = {"sections": sections(), "errata": ERRATA, "figures": figures}
            kind = args.document or "record"
            if kind == "handout":
                tex = build_handout(results, paper=args.paper, **common, **_title_kw(args))
            elif kind == "slides":
                plan = load_plan(args.plan) if args.plan is not None else None
                deck = _latex_deck(args)
                tex = build_slides(results, deck=deck, plan=plan, **common, **_title_kw(args))
            else:
                tex = build_record(
                    results,
                    paper=args.paper,
                    versions=versions(),
                    title=args.title or DEFAULT_TITLE,
                    **common,
                )
            compiled = tex
        if args.pdf:
            write_atomic(staged[1], compile_pdf(compiled, assets)[0])
        write_atomic(staged[0], tex)
    written = [str(p) for p in finals]
    ok = all(r.ok for r in results)
    _emit({"ok": ok, "files": written}, args.json, "Wrote " + ", ".join(written))
    return _verdict_exit(results)


def _title_kw(args: argparse.Namespace) -> dict[str, str]:
    return {"title": args.title} if args.title is not None else {}


def _cmd_plot(args: argparse.Namespace) -> int:
    from ..render.figures import render_figure
    from ..runtime.files import staged_files

    path = Path(args.output)
    with staged_files(path) as (staged,):
        render_figure(args.name, staged)
    return _emit({"ok": True, "file": str(path)}, args.json, f"Wrote {path}")


def _cmd_worked(args: argparse.Namespace) -> int:
    from ..render.worked import write_worked

    kw = {"pdf": args.pdf, "body_only": args.body}
    files = write_worked(args.output, args.hidden, args.steps, args.activation, **kw)
    return _emit({"ok": True, "files": files}, args.json, "Wrote " + ", ".join(files))


def _cmd_exercises(args: argparse.Namespace) -> int:
    from ..render.exercises import write_exercises

    files = [
        str(p) for p in write_exercises(args.seed, args.output, pdf=None if args.pdf else False)
    ]
    return _emit({"ok": True, "files": files}, args.json, "Wrote " + ", ".join(files))


def _args_report(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "-o",
        "--output",
        default="symgrad-report",
        metavar="DIR",
        help="output folder (symgrad-report)",
    )
    p.add_argument(
        "--examples",
        type=_EXAMPLES,
        default=None,
        help=f"Hypothesis examples per property (at most {MAX_EXAMPLES})",
    )
    _seed(p)
    p.add_argument("--no-pdf", action="store_true", help="write the .tex but do not compile it")
    _paper(p)
    p.add_argument(
        "--deck",
        choices=["lecture", "full"],
        default="lecture",
        help="slides: the 90-minute lecture (default) or every theorem (full)",
    )
    _json(p)


def _args_latex(p: argparse.ArgumentParser) -> None:
    _ids(p)
    p.add_argument("-o", "--output", default=None, metavar="FILE.tex", help="output .tex file")
    p.add_argument("--pdf", action="store_true", help="also compile FILE.pdf with pdflatex")
    p.add_argument(
        "--snippet",
        action="store_true",
        help="a fragment for lecture notes (needs symgrad.sty, written beside it)",
    )
    p.add_argument(
        "--preamble",
        action="store_true",
        help="print symgrad.sty, the preamble snippets need (or write it to -o FILE)",
    )
    p.add_argument(
        "--document",
        choices=["handout", "slides", "record"],
        default=None,
        help="which document (default: record, with the appendix of every check)",
    )
    p.add_argument("--title", type=_title, default=None, help="document title (one line, escaped)")
    p.add_argument(
        "--deck",
        choices=["lecture", "full"],
        default=None,
        help="with --document slides: the lecture (default without IDs) or every chosen "
        "theorem with its derivation and figures (full, default with IDs)",
    )
    p.add_argument(
        "--plan",
        default=None,
        metavar="FILE.toml",
        help="with --document slides: a lecture plan of your own (the form of "
        "symgrad/render/lecture.toml)",
    )
    _paper(p)
    _seed(p)
    _json(p)


def _args_plot(p: argparse.ArgumentParser) -> None:
    from ..render.figures import FIGURES

    p.add_argument("name", metavar="NAME", help="figure: " + ", ".join(sorted(FIGURES)))
    p.add_argument(
        "-o", "--output", required=True, metavar="FILE", help="FILE.png, FILE.pdf or FILE.svg"
    )
    _json(p)


def _args_worked(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--hidden", "-n", type=_integer("hidden"), required=True, metavar="N", help="n ≤ 3"
    )
    p.add_argument(
        "--steps", "-T", type=_integer("steps"), required=True, metavar="T", help="T ≤ 4"
    )
    p.add_argument("--activation", default="tanh", metavar="NAME", help="σ (tanh)")
    p.add_argument("-o", "--output", required=True, metavar="FILE.tex", help="output .tex file")
    p.add_argument("--pdf", action="store_true", help="also compile FILE.pdf with pdflatex")
    p.add_argument("--body", action="store_true", help="body only (amsmath, amssymb)")
    _json(p)


def _args_exercises(p: argparse.ArgumentParser) -> None:
    p.add_argument("--seed", type=_SEED, required=True, metavar="S", help="sheet number (≥ 0)")
    p.add_argument("-o", "--output", required=True, metavar="DIR", help="output directory")
    p.add_argument("--no-pdf", dest="pdf", action="store_false", help="write the .tex only")
    _json(p)


def _outputs_report(args: argparse.Namespace) -> list[tuple[str, str, Collection[str]]]:
    return [(args.output, "dir", ())]


def _outputs_latex(args: argparse.Namespace) -> list[tuple[str, str, Collection[str]]]:
    return [(str(path), "file", ()) for path in _latex_paths(args)]


def _outputs_plot(args: argparse.Namespace) -> list[tuple[str, str, Collection[str]]]:
    if Path(args.output).suffix.lower() not in (".png", ".pdf", ".svg"):
        raise InvalidArgumentError(f"output={args.output!r} must end in .png, .pdf or .svg")
    return [(args.output, "file", ())]


def _outputs_worked(args: argparse.Namespace) -> list[tuple[str, str, Collection[str]]]:
    tex = Path(args.output)
    return [(str(tex), "file", ())] + (
        [(str(tex.with_suffix(".pdf")), "file", ())] if args.pdf else []
    )


def _outputs_exercises(args: argparse.Namespace) -> list[tuple[str, str, Collection[str]]]:
    suffixes = (".tex", ".pdf") if args.pdf else (".tex",)
    return [
        (str(Path(args.output) / f"{kind}-{args.seed}{suffix}"), "file", ())
        for kind in ("exercises", "solutions")
        for suffix in suffixes
    ]
