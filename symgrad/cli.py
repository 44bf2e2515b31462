"""The ``symgrad`` command line.

Every ``--json`` output is one JSON object with a top-level boolean ``"ok"``.
Exit codes: 0 all checks hold, 1 a check failed, 2 bad input or usage (one
line on stderr, no traceback unless ``--debug``).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, NoReturn

from . import __version__
from .errors import SymgradError

__all__ = ["main"]


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose usage errors are one line and exit 2."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see '{self.prog} --help')\n")


def _emit(payload: dict[str, Any], as_json: bool, text: Callable[[], str]) -> int:
    if as_json:
        print(json.dumps(payload, indent=2, ensure_ascii=False, default=str))
    else:
        print(text())
    return 0 if payload["ok"] else 1


def _cmd_bptt(args: argparse.Namespace) -> int:
    from .exact import BPTTInstance, verify_bptt

    instance = BPTTInstance(
        hidden=args.hidden,
        steps=args.steps,
        inputs=args.inputs,
        activation=args.activation,
        model=args.model,
        loss=args.loss,
    )
    result = verify_bptt(instance, method=args.method, trials=args.trials, seed=args.seed)
    from .bptt import backward_recursion_formula, recursion_induction, sum_of_products_formula
    from .rnn import MODELS

    start = time.perf_counter()
    induction = recursion_induction(args.model)
    holds = [step.holds() for step in induction]
    induction_ok = all(holds)
    induction_seconds = time.perf_counter() - start
    formula = sum_of_products_formula(args.model)
    recursion = backward_recursion_formula(args.model)
    payload = result.to_dict()
    payload["ok"] = result.ok and induction_ok
    payload["model"] = MODELS[args.model]
    payload["general_form"] = {
        "sum_of_products": f"{formula.lhs} = {formula.rhs}",
        "backward_recursion": f"{recursion.lhs} = {recursion.rhs}",
        "order": "numerator layout: ∂h(k)/∂h(t) = J_k ... J_(t+1), latest factor on the left",
        "recursion_equals_sum_for_all_T": induction_ok,
        "induction_steps": [
            {"justification": s.justification, "checked_by": s.how, "holds": ok}
            for s, ok in zip(induction, holds, strict=True)
        ],
        "seconds": round(induction_seconds, 4),
    }

    def text() -> str:
        import sympy as sp

        lines = [
            f"BPTT, Model {args.model}: {MODELS[args.model]}",
            f"σ = {instance.activation}, n = {instance.hidden}, m = {instance.inputs}, "
            f"T = {instance.steps}, loss = {instance.loss}",
            "",
            "General form (symbolic T; numerator layout, latest Jacobian on the left):",
            sp.pretty(formula, use_unicode=True),
            "",
            f"Backward recursion: {recursion.lhs} = {recursion.rhs}",
            f"Sum of products = recursion for every T, by induction on T − t: "
            f"{sum(holds)}/{len(induction)} steps checked by SymPy",
            "",
            "Exact check of the instance (gradients w.r.t. W, U, b, h⁽⁰⁾):",
        ]
        for c in result.comparisons:
            mark = "✓" if c.ok else f"✗ {len(c.mismatches)} mismatches"
            lines.append(f"  {c.left} = {c.right}: {c.entries} entries {mark}")
            for m in c.mismatches[:3]:
                lines.append(f"    {m.group}[{m.row},{m.col}]  {c.left}: {m.left}")
                lines.append(f"    {' ' * len(m.group)}        {c.right}: {m.right}")
        lines += [
            "",
            f"Verdict: {'holds' if payload['ok'] else 'FAILED'}",
            f"Method: {result.method}"
            + (f" (seed {result.seed})" if result.seed is not None else ""),
            f"Guarantee: {result.guarantee}",
            f"Time: {result.seconds:.3f} s exact check, {induction_seconds:.3f} s induction",
        ]
        return "\n".join(lines)

    return _emit(payload, args.json, text)


def _cmd_list(args: argparse.Namespace) -> int:
    from .catalogue import load_catalogue, sections

    theorems = load_catalogue()
    where = sections()
    payload = {
        "ok": True,
        "theorems": [
            {
                "id": t.id,
                "title": t.title,
                "section": where[t.id],
                "steps": len(t.steps),
                "evidence": t.evidence_levels,
            }
            for t in theorems
        ],
    }

    def text() -> str:
        lines = []
        current = None
        for t in theorems:
            if where[t.id] != current:
                current = where[t.id]
                lines += ["", current]
            lines.append(f"  {t.id:<40} {len(t.steps):>2} steps  [{', '.join(t.evidence_levels)}]")
            lines.append(f"  {'':<40} {t.title}")
        lines += [
            "",
            f"{len(theorems)} theorems; run them with 'symgrad verify', read one with "
            "'symgrad show ID'",
        ]
        return "\n".join(lines).lstrip("\n")

    return _emit(payload, args.json, text)


def _cmd_show(args: argparse.Namespace) -> int:
    from .catalogue import load_theorem
    from .render.snippet import snippet
    from .render.terminal import theorem_markdown, theorem_text

    thm = load_theorem(args.id)
    render = {"text": theorem_text, "markdown": theorem_markdown, "latex": snippet}
    if not args.run:
        print(render[args.format](thm))
        return 0
    from .proof import RunSettings
    from .render.terminal import results_lines

    result = thm.run(RunSettings(seed=args.seed))
    if args.format == "latex":
        print(snippet(thm, result))
    else:
        print(render[args.format](thm))
        print("\n".join(results_lines(result)))
    return 0 if result.ok else 1


def _cmd_verify(args: argparse.Namespace) -> int:
    from .catalogue import load_catalogue
    from .proof import RunSettings, run_theorems
    from .render.terminal import results_table
    from .report import versions

    settings = RunSettings(examples=args.examples, seed=args.seed)
    theorems = load_catalogue(args.ids or None)  # an unknown id fails here, before any check runs
    start = time.perf_counter()
    show_progress = not args.json and sys.stderr.isatty()

    def progress(thm: Any) -> None:
        if show_progress:
            print(f"  verifying {thm.id} …", file=sys.stderr, flush=True)

    results = run_theorems(theorems, settings, progress)
    payload = {
        "ok": all(r.ok for r in results),
        "settings": {"examples": args.examples, "seed": args.seed},
        "versions": versions(),
        "seconds": round(time.perf_counter() - start, 3),
        "theorems": [r.to_dict() for r in results],
    }
    return _emit(payload, args.json, lambda: results_table(results))


def _cmd_gamma(args: argparse.Namespace) -> int:
    from .gamma import derive_gamma

    result = derive_gamma(args.expression)
    payload = {"ok": True, "input": args.expression, **result.to_dict()}

    def text() -> str:
        import sympy as sp

        lines = [
            f"σ(x)  = {sp.sstr(result.expression)}",
            f"σ′(x) = {sp.sstr(result.derivative)}",
            str(result),
            f"method: {result.method}",
        ]
        lines += [f"certificate: {c}" for c in result.certificate]
        if result.bounded and result.gamma:
            lines.append(f"vanishing is guaranteed when λ₁ < 1/γ ≈ {1 / result.gamma:.12g}")
        lines.append(f"time: {result.seconds:.3f} s")
        return "\n".join(lines)

    return _emit(payload, args.json, text)


def _cmd_report(args: argparse.Namespace) -> int:
    from .proof import RunSettings
    from .report import make_report

    def progress(msg: str) -> None:
        if not args.json:
            print(f"symgrad report: {msg}", file=sys.stderr, flush=True)

    report = make_report(
        args.output,
        settings=RunSettings(examples=args.examples, seed=args.seed),
        pdf=not args.no_pdf,
        progress=progress,
        paper=args.paper,
    )
    payload = {
        "ok": report.ok,
        "directory": str(Path(args.output).resolve()),
        "files": [str(p) for p in report.files],
        "pdf": str(report.pdf) if report.pdf else None,
        "note": report.pdf_note,
        "seconds": round(report.seconds, 2),
    }

    def text() -> str:
        from .render.terminal import results_table

        lines = [results_table(report.results), "", "Wrote:"]
        lines += [f"  {p}" for p in report.files if p.suffix != ".png"]
        lines += [f"  removed the outdated {p}" for p in report.removed]
        if report.pdf_note:
            lines.append(report.pdf_note)
        lines.append(f"Total time: {report.seconds:.1f} s")
        return "\n".join(lines)

    return _emit(payload, args.json, text)


def _cmd_latex(args: argparse.Namespace) -> int:
    from .catalogue import load_catalogue, sections
    from .errata import ERRATA
    from .errors import InvalidArgumentError
    from .files import write_atomic
    from .proof import RunSettings, run_theorems
    from .render.document import compile_pdf, preamble_sty
    from .render.handout import build_handout
    from .render.record import DEFAULT_TITLE, build_record
    from .render.slides import build_slides
    from .render.snippet import snippet_document, snippets
    from .report import versions

    if args.preamble:
        if args.output:
            write_atomic(args.output, preamble_sty())
            return _emit({"ok": True, "files": [args.output]}, args.json, lambda: args.output)
        print(preamble_sty(), end="")
        return 0
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
    theorems = load_catalogue(args.ids or None)
    results = run_theorems(theorems, RunSettings(seed=args.seed))
    extra: dict[Path, str] = {}
    if args.snippet:
        tex = snippets(results)
        # the fragment needs symgrad.sty: write it beside the snippet
        extra[out.with_name("symgrad.sty")] = preamble_sty()
        compiled = snippet_document(tex)
    else:
        common = {"sections": sections(), "errata": ERRATA}
        kind = args.document or "record"
        if kind == "handout":
            tex = build_handout(results, paper=args.paper, **common, **_title(args))
        elif kind == "slides":
            tex = build_slides(results, **common, **_title(args))
        else:
            tex = build_record(
                results, paper=args.paper, versions=versions(), title=args.title or DEFAULT_TITLE,
                **common,
            )
        compiled = tex
    pdf_bytes = compile_pdf(compiled)[0] if args.pdf else None
    write_atomic(out, tex)
    written = [str(out)]
    for path, text in extra.items():
        write_atomic(path, text)
        written.append(str(path))
    if pdf_bytes is not None:
        write_atomic(out.with_suffix(".pdf"), pdf_bytes)
        written.append(str(out.with_suffix(".pdf")))
    ok = all(r.ok for r in results)
    return _emit({"ok": ok, "files": written}, args.json, lambda: "Wrote " + ", ".join(written))


def _title(args: argparse.Namespace) -> dict[str, str]:
    return {"title": args.title} if args.title is not None else {}


def _cmd_plot(args: argparse.Namespace) -> int:
    from .figures import render_figure

    path = render_figure(args.name, args.output)
    return _emit({"ok": True, "file": str(path)}, args.json, lambda: f"Wrote {path}")


def _add_paper(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--paper", choices=["a4", "letter"], default="a4", help="paper size of the documents (a4)"
    )


def _add_json(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="print one JSON object")


def _add_seed(p: argparse.ArgumentParser) -> None:
    p.add_argument("--seed", type=int, default=0, help="seed of the property tests (0)")


def _add_timeout(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--timeout",
        type=float,
        default=None,
        metavar="SECONDS",
        help="stop the job after SECONDS (run in a child process; nothing is written)",
    )


def _build_parser() -> argparse.ArgumentParser:
    from .activations import ACTIVATIONS

    parser = _Parser(
        prog="symgrad",
        description=(
            "Derive, verify and teach the mathematics of exploding and vanishing gradients "
            "in recurrent networks."
        ),
        epilog="Exit codes: 0 all checks hold, 1 a check failed, 2 bad input or usage.",
    )
    parser.add_argument("--version", action="version", version=f"symgrad {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks for errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    p = sub.add_parser(
        "bptt",
        help="derive BPTT's sum of products and verify it exactly on an instance",
        description=(
            "Derive the BPTT sum of products for symbolic T, prove the backward recursion "
            "equal to it for every T, and verify both against the direct derivative of the "
            "unrolled loss, exactly, for the gradients w.r.t. W, U, b and h(0)."
        ),
    )
    p.add_argument("--hidden", "-n", type=int, required=True, metavar="N", help="hidden units n")
    p.add_argument("--steps", "-T", type=int, required=True, metavar="T", help="time steps T")
    p.add_argument("--inputs", "-m", type=int, default=1, metavar="M", help="input size m (1)")
    p.add_argument(
        "--activation",
        default="tanh",
        metavar="NAME",
        help=f"one of {', '.join(ACTIVATIONS)} (tanh)",
    )
    p.add_argument("--model", default="A", metavar="A|B", help="A: h=σ(Wh+Ux+b); B: x=Wσ(x)+Uu+b")
    p.add_argument(
        "--loss", default="squared", metavar="squared|generic", help="step loss (squared)"
    )
    p.add_argument(
        "--method",
        default="random",
        metavar="random|symbolic",
        help="random exact points (fast) or SymPy expansion (small sizes)",
    )
    p.add_argument("--trials", type=int, default=2, help="independent random points (2)")
    p.add_argument("--seed", type=int, default=None, help="seed of the random points")
    _add_json(p)
    _add_timeout(p)
    p.set_defaults(handler=_cmd_bptt)

    p = sub.add_parser("list", help="list the catalogue of theorems with their evidence levels")
    _add_json(p)
    p.set_defaults(handler=_cmd_list)

    p = sub.add_parser("show", help="show one theorem's statement and derivation")
    p.add_argument("id", help="theorem id (see 'symgrad list')")
    p.add_argument(
        "--format",
        default="text",
        choices=["text", "markdown", "latex"],
        help="text (terminal), markdown or a LaTeX snippet",
    )
    p.add_argument(
        "--run",
        action="store_true",
        help="also run the checks and show what they found (counterexamples included)",
    )
    _add_seed(p)
    p.set_defaults(handler=_cmd_show)

    p = sub.add_parser(
        "verify",
        help="run every check of the catalogue (or of the ids given)",
        description="Run every step's check and print a table; exit 1 on any failure.",
    )
    p.add_argument("ids", nargs="*", metavar="ID", help="theorem ids (default: all)")
    p.add_argument(
        "--examples",
        type=int,
        default=None,
        help="Hypothesis examples per property step (default: each step's own)",
    )
    _add_seed(p)
    _add_json(p)
    _add_timeout(p)
    p.set_defaults(handler=_cmd_verify)

    p = sub.add_parser(
        "gamma",
        help="derive γ = sup|σ′| for an activation written in x",
        description="Derive γ = sup|σ′(x)| for an expression in x (or a built-in "
        "name), with where it is reached and a certificate if one exists.",
    )
    p.add_argument("expression", metavar="EXPR", help="e.g. 'x/(1 + exp(-x))' or 'tanh'")
    _add_json(p)
    _add_timeout(p)
    p.set_defaults(handler=_cmd_gamma)

    p = sub.add_parser(
        "report",
        help="verify everything and write the teaching bundle (main job)",
        description="Verify the whole catalogue and write three documents as .tex and .pdf "
        "(when pdflatex is installed): DIR/handout (for students), DIR/slides (Beamer) and "
        "DIR/derivations (the full verification record), with DIR/figures/ and "
        "DIR/results.json.",
    )
    p.add_argument(
        "-o",
        "--output",
        default="symgrad-report",
        metavar="DIR",
        help="output directory (symgrad-report)",
    )
    p.add_argument("--examples", type=int, default=None, help="Hypothesis examples per property")
    _add_seed(p)
    p.add_argument("--no-pdf", action="store_true", help="write the .tex but do not compile it")
    _add_paper(p)
    _add_json(p)
    _add_timeout(p)
    p.set_defaults(handler=_cmd_report)

    p = sub.add_parser("latex", help="write the derivations as LaTeX (and PDF)")
    p.add_argument("ids", nargs="*", metavar="ID", help="theorem ids (default: all)")
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
    p.add_argument("--title", default=None, help="document title (free text, escaped)")
    _add_paper(p)
    _add_seed(p)
    _add_json(p)
    _add_timeout(p)
    p.set_defaults(handler=_cmd_latex)

    from .figures import FIGURES

    p = sub.add_parser("plot", help="draw one figure to a .png or .pdf file")
    p.add_argument("name", choices=sorted(FIGURES), help="figure name")
    p.add_argument("-o", "--output", required=True, metavar="FILE", help="FILE.png or FILE.pdf")
    _add_json(p)
    p.set_defaults(handler=_cmd_plot)
    return parser


def _run_with_timeout(argv: list[str], seconds: float, output: str | None) -> int:
    """Run symgrad in a child process; stop it after `seconds` and leave nothing behind."""
    import glob
    import shutil
    import subprocess

    child = [sys.executable, "-m", "symgrad", *argv]
    try:
        proc = subprocess.run(
            child,
            capture_output=True,
            text=True,
            timeout=seconds,
            stdin=subprocess.DEVNULL,
            check=False,
        )
    except subprocess.TimeoutExpired:
        if output:  # a report's staging folder is the only thing a stopped child can leave
            parent = Path(output).resolve().parent
            for stale in glob.glob(str(parent / f".{Path(output).name}.staging-*")):
                shutil.rmtree(stale, ignore_errors=True)
        print(
            f"symgrad {argv[0]}: error: timeout={seconds:g} s exceeded; the job was stopped and "
            "nothing was written (raise --timeout or choose a smaller job)",
            file=sys.stderr,
        )
        return 2
    sys.stdout.write(proc.stdout)
    sys.stderr.write(proc.stderr)
    return proc.returncode


def _strip_timeout(argv: list[str]) -> list[str]:
    out, skip = [], False
    for item in argv:
        if skip:
            skip = False
            continue
        if item == "--timeout":
            skip = True
            continue
        if item.startswith("--timeout="):
            continue
        out.append(item)
    return out


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code."""
    parser = _build_parser()
    raw = list(sys.argv[1:] if argv is None else argv)
    args = parser.parse_args(raw)
    if args.command is None:
        parser.print_help()
        return 2
    timeout = getattr(args, "timeout", None)
    if timeout is not None:
        if not timeout > 0:
            print(
                f"symgrad {args.command}: error: timeout={timeout} must be a positive number of "
                "seconds",
                file=sys.stderr,
            )
            return 2
        return _run_with_timeout(_strip_timeout(raw), timeout, getattr(args, "output", None))
    try:
        return int(args.handler(args))
    except SymgradError as exc:
        if args.debug:
            raise
        print(f"symgrad {args.command}: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("symgrad: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:  # output piped into a reader that stopped early
        import os

        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
