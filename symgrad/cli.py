"""The ``symgrad`` command line.

Every ``--json`` output is one strict JSON object with a top-level boolean ``"ok"``.
Every subcommand is declared once in :data:`COMMANDS` (its options, default time limit and
output destinations) and run by one generic runner: destinations are checked before any
work; a command with a time limit runs as a job of :mod:`symgrad.runtime.jobs` (own process
group, killed and cleaned up at the limit or on a signal). Exit codes: see
:data:`EXIT_CODES`.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import os
import re
import sys
import time
import unicodedata
from collections.abc import Callable, Collection, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NoReturn

from . import __version__
from .errors import InvalidArgumentError, SymgradError
from .runtime.jobs import Interrupted, handle_signals, private_root, run_job

__all__ = ["COMMANDS", "EXIT_CODES", "Command", "main", "register"]


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose usage errors are one line (and with --json, a JSON object)."""

    json_errors = False  # set by main() when --json was given

    def error(self, message: str) -> NoReturn:
        line = f"{message} (see '{self.prog} --help')"
        if _Parser.json_errors:
            _print_json_error(self.prog.removeprefix("symgrad").strip(), "usage", line)
        self.exit(2, f"{self.prog}: error: {line}\n")


def _finite(obj: Any) -> Any:
    """Strict JSON: non-finite floats become null."""
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    if isinstance(obj, dict):
        return {k: _finite(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_finite(v) for v in obj]
    return obj


def _emit(payload: dict[str, Any], as_json: bool, text: Callable[[], str]) -> int:
    if as_json:
        print(
            json.dumps(_finite(payload), indent=2, ensure_ascii=False, default=str, allow_nan=False)
        )
    else:
        print(text())
    if payload.get("verdict") == "undecided":  # no answer is never a failure
        return 2
    return 0 if payload["ok"] else 1


def _cmd_bptt(args: argparse.Namespace) -> int:
    from .maths.exact import BPTTInstance, verify_bptt

    instance = BPTTInstance(
        hidden=args.hidden,
        steps=args.steps,
        inputs=args.inputs,
        activation=args.activation,
        model=args.model,
        loss=args.loss,
    )
    result = verify_bptt(instance, method=args.method, trials=args.trials, seed=args.seed)
    from .maths.bptt import backward_recursion_formula, recursion_induction, sum_of_products_formula
    from .maths.rnn import MODELS

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
        lines = [
            f"BPTT, Model {args.model}: {MODELS[args.model]}",
            f"σ = {instance.activation}, n = {instance.hidden}, m = {instance.inputs}, "
            f"T = {instance.steps}, loss = {instance.loss}",
            "",
            "General form (symbolic T; numerator layout, latest Jacobian on the left):",
            _pretty_without_units(formula),
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


def _pretty_without_units(expr: Any) -> str:
    """``sympy.pretty(expr, use_unicode=True)``, without loading ``sympy.physics.units``.

    SymPy's pretty printer imports that package (a fifth of a second) on the first product
    it prints, only to place physical quantities last among its factors. While the package is
    not loaded, no quantity exists, so a stand-in class that no object is an instance of
    gives the same text. The stand-in is in place only while printing; if printing needs
    anything else from the package, the expression is printed again with the real one.
    """
    import types

    import sympy as sp

    name = "sympy.physics.units"
    if name in sys.modules:
        return str(sp.pretty(expr, use_unicode=True))
    stand_in = types.ModuleType(name)
    stand_in.Quantity = type("Quantity", (), {})  # type: ignore[attr-defined]
    sys.modules[name] = stand_in
    try:
        return str(sp.pretty(expr, use_unicode=True))
    except (ImportError, AttributeError):
        pass
    finally:
        if sys.modules.get(name) is stand_in:
            del sys.modules[name]
    return str(sp.pretty(expr, use_unicode=True))


def _cmd_list(args: argparse.Namespace) -> int:
    from .kernel.catalogue import catalogue_index

    theorems = catalogue_index()  # from the registry: no proof is loaded
    payload = {
        "ok": True,
        "theorems": [
            {
                "id": t.id,
                "title": t.title,
                "section": t.section,
                "steps": t.steps,
                "evidence": list(t.evidence),
            }
            for t in theorems
        ],
    }

    def text() -> str:
        lines = []
        current = None
        for t in theorems:
            if t.section != current:
                current = t.section
                lines += ["", current]
            lines.append(f"  {t.id:<40} {t.steps:>2} steps  [{', '.join(t.evidence)}]")
            lines.append(f"  {'':<40} {t.title}")
        lines += [
            "",
            f"{len(theorems)} theorems; run them with 'symgrad verify', read one with "
            "'symgrad show ID'",
        ]
        return "\n".join(lines).lstrip("\n")

    return _emit(payload, args.json, text)


def _cmd_show(args: argparse.Namespace) -> int:
    from .kernel.catalogue import load_theorem
    from .render.snippet import snippet
    from .render.terminal import theorem_markdown, theorem_text

    thm = load_theorem(args.id)
    render = {"text": theorem_text, "markdown": theorem_markdown, "latex": snippet}
    if not args.run:
        print(render[args.format](thm))
        return 0
    from .kernel.proof import RunSettings
    from .render.terminal import results_lines

    result = thm.run(RunSettings(seed=args.seed))
    if args.format == "latex":
        print(snippet(thm, result))
    else:
        print(render[args.format](thm))
        print("\n".join(results_lines(result)))
    return _verdict_exit([result])


def _cmd_verify(args: argparse.Namespace) -> int:
    from .kernel.catalogue import load_catalogue
    from .kernel.proof import RunSettings, run_theorems
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
        "verdicts": _verdict_counts(results),
        "settings": {"examples": args.examples, "seed": args.seed},
        "versions": versions(),
        "seconds": round(time.perf_counter() - start, 3),
        "theorems": [r.to_dict() for r in results],
    }
    _emit(payload, args.json, lambda: results_table(results))
    return _verdict_exit(results)


def _verdict_counts(results: Sequence[Any]) -> dict[str, int]:
    from .kernel.proof import Verdict

    return {v.value: sum(r.verdict is v for r in results) for v in Verdict}


def _verdict_exit(results: Sequence[Any]) -> int:
    """0 when every theorem holds or is refuted; 1 when one FAILED; else 2 (undecided)."""
    from .kernel.proof import Verdict

    verdicts = {r.verdict for r in results}
    if Verdict.FAILED in verdicts:
        return 1
    return 2 if Verdict.UNDECIDED in verdicts else 0


def _cmd_gamma(args: argparse.Namespace) -> int:
    from .kernel.proof import UNDECIDED
    from .maths.gamma import derive_gamma

    try:
        if args.certificate:
            from .kernel.certificates import make_certificate

            cert = make_certificate(args.expression, name="user")  # searched, then checked
            result = cert.checked
            cert.save(args.certificate)
        else:
            result = derive_gamma(args.expression)
    except UNDECIDED as exc:
        reason = _one_line(exc)
        payload = {"ok": False, "verdict": "undecided", "input": args.expression, "reason": reason}
        if args.json:
            _emit(payload, True, str)
        else:
            _say("gamma", f"undecided: {reason}")
        return 2
    payload = {"ok": True, "verdict": "holds", "input": args.expression, **result.to_dict()}
    # the shipped certificate this γ was checked from (None: searched now)
    payload["checked_from"] = None if result.source == "search" else Path(result.source).name
    if args.certificate:
        payload["certificate_file"] = str(args.certificate)

    def text() -> str:
        from .render.printing import text as math_text

        lines = [
            f"σ(x)  = {math_text(result.expression)}",
            f"σ′(x) = {math_text(result.derivative)}",
            str(result),
            f"method: {result.method}",
        ]
        forms = result.certificate_forms or result.certificate
        lines += [f"certificate: {math_text(c) if not isinstance(c, str) else c}" for c in forms]
        if result.bounded and result.gamma:
            lines.append(
                f"λ₁ < 1/γ ≈ {1 / result.gamma:.12g} makes the long-term components vanish: "
                "‖∂h⁽ᵏ⁾/∂h⁽ᵗ⁾‖₂ ≤ (λ₁γ)^(k−t)"
            )
        if result.source != "search":
            lines.append(f"checked from the shipped certificate {Path(result.source).name}")
        if args.certificate:
            lines.append(f"certificate written to {args.certificate}")
        lines.append(f"time: {result.seconds:.3f} s")
        return "\n".join(lines)

    return _emit(payload, args.json, text)


def _cmd_certify(args: argparse.Namespace) -> int:
    from .kernel.certificates import certificate_dir, certify_catalogue

    def progress(name: str) -> None:
        if not args.json:
            print(f"symgrad certify: searching γ for {name} …", file=sys.stderr, flush=True)

    folder = Path(args.output) if args.output else certificate_dir()
    files = certify_catalogue(folder, progress=progress, names=args.names or None)
    payload = {"ok": True, "directory": str(folder), "files": [str(f) for f in files]}
    return _emit(
        payload,
        args.json,
        lambda: "\n".join(
            ["Wrote (each certificate checked before it was written):"] + [f"  {f}" for f in files]
        ),
    )


def _cmd_check_certificate(args: argparse.Namespace) -> int:
    from .errors import CertificateError
    from .kernel.certificates import check_certificate, load_certificate

    start = time.perf_counter()
    try:
        cert = load_certificate(args.file)
        result = check_certificate(cert, args.expression)
    except CertificateError as exc:
        reason = _one_line(exc)
        payload = {"ok": False, "verdict": "FAILED", "file": args.file, "reason": reason}
        return _emit(payload, args.json, lambda: f"rejected: {reason}")
    seconds = time.perf_counter() - start
    payload = {
        "ok": True,
        "verdict": "holds",
        "file": args.file,
        "name": cert.name,
        "covers": len(cert.covers),
        "check_seconds": round(seconds, 4),
        **result.to_dict(),
    }
    return _emit(
        payload,
        args.json,
        lambda: (
            f"{args.file}: the certificate holds (re-checked with no clock, "
            f"{len(cert.covers)} certified covers, {seconds:.2f} s)\nσ(x) = "
            f"{cert.expression}\n{result}"
        ),
    )


def _cmd_report(args: argparse.Namespace) -> int:
    from .kernel.proof import RunSettings
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
        from .render.terminal import results_table

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

    _emit(payload, args.json, text)
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
    from .render.figures import FIGURES
    from .render.handout import FIGURE_THEOREM

    if args.snippet or args.preamble:
        return []
    suffix = "-slides" if args.document == "slides" else ""
    if args.document == "slides" and _latex_deck(args) == "lecture":
        from .render.slides import load_plan

        plan = load_plan(args.plan)
        named = {i.removeprefix("figure:") for _, show in plan.sections for i in show}
        return [(name, suffix) for name in FIGURES if name in named]
    chosen = set(args.ids) if args.ids else None
    return [
        (name, suffix) for name in FIGURES if chosen is None or FIGURE_THEOREM.get(name) in chosen
    ]


def _cmd_latex(args: argparse.Namespace) -> int:
    from .kernel.catalogue import load_catalogue, sections
    from .kernel.proof import RunSettings, run_theorems
    from .maths.errata import ERRATA
    from .render.document import compile_pdf, preamble_sty
    from .render.figures import figure_ref, render_figure
    from .render.handout import build_handout
    from .render.record import DEFAULT_TITLE, build_record
    from .render.slides import build_slides, load_plan
    from .render.snippet import snippet_document, snippets
    from .report import versions
    from .runtime.files import staged_files, write_atomic

    finals = _latex_paths(args)  # every destination checked before any work
    if args.preamble:
        if not finals:
            print(preamble_sty(), end="")
            return 0
        with staged_files(*finals) as (staged,):
            write_atomic(staged, preamble_sty())
        return _emit({"ok": True, "files": [str(finals[0])]}, args.json, lambda: str(finals[0]))
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
    _emit({"ok": ok, "files": written}, args.json, lambda: "Wrote " + ", ".join(written))
    return _verdict_exit(results)


def _title_kw(args: argparse.Namespace) -> dict[str, str]:
    return {"title": args.title} if args.title is not None else {}


def _cmd_plot(args: argparse.Namespace) -> int:
    from .render.figures import render_figure
    from .runtime.files import staged_files

    path = Path(args.output)
    with staged_files(path) as (staged,):
        render_figure(args.name, staged)
    return _emit({"ok": True, "file": str(path)}, args.json, lambda: f"Wrote {path}")


def _cmd_worked(args: argparse.Namespace) -> int:
    from .render.worked import write_worked

    kw = {"pdf": args.pdf, "body_only": args.body}
    files = write_worked(args.output, args.hidden, args.steps, args.activation, **kw)
    return _emit({"ok": True, "files": files}, args.json, lambda: "Wrote " + ", ".join(files))


@contextlib.contextmanager
def _stdout_to_stderr() -> Iterator[None]:
    """Inside the block, whatever is written to stdout (file descriptor 1) goes to stderr.

    At the descriptor, so that writes from C and from subprocesses follow too; descriptor 1
    is restored afterwards even if the code inside closed or replaced it.
    """
    with contextlib.suppress(OSError, ValueError):
        sys.stdout.flush()
    saved, stream = os.dup(1), sys.stdout
    try:
        os.dup2(2, 1)
        sys.stdout = sys.stderr  # Python's prints: never held in the buffer of stdout
        yield
    finally:
        with contextlib.suppress(OSError, ValueError):
            sys.stderr.flush()
        sys.stdout = stream
        os.dup2(saved, 1)
        os.close(saved)


def _cmd_check(args: argparse.Namespace) -> int:
    from .check import check_budget, check_gradients, load_function

    limit = getattr(args, "timeout", None)
    budget = CHECK_BUDGET if limit is None else limit
    # refused before the code under check is even imported
    check_budget(args.hidden, args.steps, args.inputs, budget)
    with _stdout_to_stderr():  # the code under check may print: stdout keeps only the result
        result = check_gradients(
            load_function(args.function),
            hidden=args.hidden,
            steps=args.steps,
            inputs=args.inputs,
            activation=args.activation,
            model=args.model,
            seed=args.seed,
        )
    payload = {"function": args.function, **result.to_dict()}
    return _emit(payload, args.json, result.report)


def _cmd_exercises(args: argparse.Namespace) -> int:
    from .render.exercises import write_exercises

    files = [
        str(p) for p in write_exercises(args.seed, args.output, pdf=None if args.pdf else False)
    ]
    return _emit({"ok": True, "files": files}, args.json, lambda: "Wrote " + ", ".join(files))


# --------------------------------------------------------------------------------------
# The command table: every subcommand, its options and its default time limit, in one place.
# A new subcommand is one more Command(...) in COMMANDS (or a call to register()).


@dataclass(frozen=True)
class Command:
    """One subcommand of the command line.

    ``handler`` is a module-level function (a job imports it by name in a fresh process);
    ``arguments`` adds its options to the parser; ``limit`` is the default time limit in
    seconds (``None``: a quick command that runs in this process, without ``--timeout``);
    ``outputs`` returns the destinations ``(path, "file"|"dir", names)`` that
    are checked before anything runs; ``dash_positional`` names a positional argument that
    may begin with ``-`` (an expression such as ``-x**2``).
    """

    name: str
    handler: Callable[[argparse.Namespace], int]
    help: str
    arguments: Callable[[argparse.ArgumentParser], None]
    description: str | None = None
    limit: float | None = None
    outputs: Callable[[argparse.Namespace], list[tuple[str, str, Collection[str]]]] | None = None
    dash_positional: bool = False
    stopped: str = "could not finish"
    # it runs code that is not the package's: always as a job (also with no limit), so that
    # a signal stops it at once, and a job that ends without an answer is that code's doing
    runs_user_code: bool = False


def _seconds(text: str) -> float | None:
    """``--timeout`` values: positive seconds up to 10⁶, or 0/none/off for no limit.

    Only the ASCII digits 0-9 and one decimal point are read (no exponent, no ``_``, no
    digits of other scripts).
    """
    if text.strip().lower() in ("0", "none", "off"):
        return None
    if not _DECIMAL.fullmatch(text):
        raise argparse.ArgumentTypeError(
            f"timeout={text!r} is not a number of seconds written with the ASCII digits 0-9 "
            "(use e.g. 30 or 2.5, or 'none' for no limit)"
        )
    value = float(text)
    if not (math.isfinite(value) and 0 < value <= MAX_LIMIT):
        raise argparse.ArgumentTypeError(
            f"timeout={text!r} must be a positive number of seconds up to {MAX_LIMIT:g} "
            "(or 'none' for no limit)"
        )
    return value


_DECIMAL = re.compile(r"[0-9]{1,12}(\.[0-9]{0,12})?|\.[0-9]{1,12}")
_INTEGER = re.compile(r"-?[0-9]+")

#: the seconds one Hypothesis example of one property-based step takes, on average, over the
#: catalogue (measured: 7.4 s for 50 examples of 49 steps on a busy 2-core machine)
SECONDS_PER_EXAMPLE = 0.003


def _integer(
    name: str, *, minimum: int | None = None, maximum: int | None = None
) -> Callable[[str], int]:
    """An argparse type: an integer written with the ASCII digits 0-9 (and an optional '-')."""

    def parse(text: str) -> int:
        if not _INTEGER.fullmatch(text):
            raise argparse.ArgumentTypeError(
                f"{name}={text!r} must be an integer written with the ASCII digits 0-9 "
                "(e.g. 3; no spaces, '_' or digits of other scripts)"
            )
        digits = len(text.lstrip("-").lstrip("0"))
        too_large = maximum is not None and (digits > 30 or int(text) > maximum)
        if digits > 30 and maximum is None:
            raise argparse.ArgumentTypeError(f"{name}={text[:12]}… has more than 30 digits")
        if too_large:
            raise argparse.ArgumentTypeError(
                f"{name}={text if digits <= 30 else text[:12] + '…'} must be at most {maximum}"
            )
        value = int(text)
        if minimum is not None and value < minimum:
            raise argparse.ArgumentTypeError(f"{name}={value} must be at least {minimum}")
        return value

    parse.__name__ = name
    return parse


def _check_examples_cost(args: argparse.Namespace, limit: float) -> None:
    """Refuse ``--examples`` whose predicted time exceeds the time limit, before any work."""
    from .errors import BudgetExceededError
    from .kernel.catalogue import load_catalogue
    from .kernel.proof import Evidence

    theorems = load_catalogue(getattr(args, "ids", None) or None)
    kinds = (Evidence.TESTED, Evidence.CITED, Evidence.REFUTED)
    steps = sum(1 for t in theorems for s in t.steps if s.evidence in kinds)
    per_example = steps * SECONDS_PER_EXAMPLE
    seconds = args.examples * per_example
    if steps and seconds > limit:
        fit = max(1, int(limit / per_example))
        raise BudgetExceededError(
            f"examples={args.examples} would take about {_duration(seconds)} ({steps} "
            f"property-based steps, about {SECONDS_PER_EXAMPLE * 1000:g} ms per example each), "
            f"more than the time limit of {limit:g} s; about {fit} examples fit "
            "(or raise --timeout)"
        )


def _duration(seconds: float) -> str:
    for unit, size in (("days", 86400), ("h", 3600), ("min", 60)):
        if seconds >= 2 * size:
            return f"{seconds / size:.3g} {unit}"
    return f"{seconds:.3g} s"


def _title(text: str) -> str:
    """``--title``: one line of printable text (no control or format characters)."""
    bad = [c for c in text if unicodedata.category(c) in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp")]
    if bad:
        raise argparse.ArgumentTypeError(
            f"title contains the control character {bad[0]!r}; use one line of printable text"
        )
    if len(text) > 300:
        raise argparse.ArgumentTypeError(f"title has {len(text)} characters; at most 300")
    return text


#: the most Hypothesis examples per property step on the command line (as in the API)
MAX_EXAMPLES = 100_000
_SEED = _integer("seed", minimum=0, maximum=2**63 - 1)
_EXAMPLES = _integer("examples", minimum=1, maximum=MAX_EXAMPLES)


def _paper(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--paper", choices=["a4", "letter"], default="a4", help="paper size of the documents (a4)"
    )


def _json(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="print one JSON object")


def _seed(p: argparse.ArgumentParser) -> None:
    p.add_argument("--seed", type=_SEED, default=0, help="seed of the property tests (0)")


def _ids(p: argparse.ArgumentParser) -> None:
    p.add_argument("ids", nargs="*", metavar="ID", help="theorem ids (default: all)")


def _sizes(p: argparse.ArgumentParser) -> None:
    """--hidden, --steps and --inputs: the sizes of an RNN instance (bptt, check)."""
    p.add_argument(
        "--hidden", "-n", type=_integer("hidden"), required=True, metavar="N", help="hidden units n"
    )
    p.add_argument(
        "--steps", "-T", type=_integer("steps"), required=True, metavar="T", help="time steps T"
    )
    p.add_argument(
        "--inputs", "-m", type=_integer("inputs"), default=1, metavar="M", help="input size m (1)"
    )


class _ActivationNames:
    """The built-in activations' names, looked up only when a help text shows them.

    (They come from :mod:`symgrad.maths.activations`, which loads SymPy: a command that does not
    print its help need not load it before its job starts.)
    """

    def __str__(self) -> str:
        from .maths.activations import ACTIVATIONS

        return ", ".join(ACTIVATIONS)


def _args_bptt(p: argparse.ArgumentParser) -> None:
    _sizes(p)
    activation = p.add_argument(
        "--activation",
        default="tanh",
        metavar="NAME",
        help="one of %(names)s (tanh)",
    )
    activation.names = _ActivationNames()  # type: ignore[attr-defined]  # read by %(names)s
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
    p.add_argument(
        "--trials",
        type=_integer("trials", minimum=1, maximum=64),
        default=2,
        help="independent random points (2; at most 64)",
    )
    p.add_argument("--seed", type=_SEED, default=None, help="seed of the random points")
    _json(p)


def _args_list(p: argparse.ArgumentParser) -> None:
    _json(p)


def _args_show(p: argparse.ArgumentParser) -> None:
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
    _seed(p)


def _args_verify(p: argparse.ArgumentParser) -> None:
    _ids(p)
    p.add_argument(
        "--examples",
        type=_EXAMPLES,
        default=None,
        help="Hypothesis examples per property step (default: each step's own; at most "
        f"{MAX_EXAMPLES}, and no more than the time limit allows, checked before starting)",
    )
    _seed(p)
    _json(p)


def _args_gamma(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "expression",
        metavar="EXPR",
        help="e.g. 'x/(1 + exp(-x))', 'tanh' or '-x**2' (may begin with '-')",
    )
    p.add_argument(
        "--certificate",
        default=None,
        metavar="FILE",
        help="search γ (even for a built-in) and save its certificate to FILE, for "
        "'symgrad check-certificate FILE'",
    )
    _json(p)


def _args_certify(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "names",
        nargs="*",
        metavar="NAME",
        help="certificate names (default: every σ of the catalogue)",
    )
    p.add_argument(
        "-o",
        "--output",
        default=None,
        metavar="DIR",
        help="folder for the certificates (default: the catalogue's proofs/certificates)",
    )
    _json(p)


def _args_check_certificate(p: argparse.ArgumentParser) -> None:
    p.add_argument("file", metavar="FILE", help="a certificate (.json) written by symgrad")
    p.add_argument(
        "--expression",
        default=None,
        metavar="EXPR",
        help="the σ the certificate must certify (default: the one written in it)",
    )
    _json(p)


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
    from .render.figures import FIGURES

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


def _outputs_gamma(args: argparse.Namespace) -> list[tuple[str, str, Collection[str]]]:
    return [(args.certificate, "file", ())] if args.certificate else []


def _args_check(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "function", metavar="MODULE:FUNCTION", help="e.g. student_bptt.py:bptt or mypkg.rnn:bptt"
    )
    _sizes(p)
    p.add_argument("--activation", default="tanh", metavar="NAME", help="σ (tanh)")
    p.add_argument("--model", default="A", metavar="A|B", help="A: h=σ(Wh+Ux+b); B: x=Wσ(x)+Uu+b")
    p.add_argument("--seed", type=_SEED, default=0, help="seed of the instances (0)")
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


MAX_LIMIT = 1e6
#: Without a time limit, `check` still refuses sizes predicted to take longer than this.
CHECK_BUDGET = 86400.0
COMMANDS: dict[str, Command] = {}


def register(command: Command) -> None:
    """Add (or replace) a subcommand of the command line."""
    COMMANDS[command.name] = command


for _command in (
    Command(
        "bptt",
        _cmd_bptt,
        "derive BPTT's sum of products and verify it exactly on an instance",
        _args_bptt,
        "Derive the BPTT sum of products for symbolic T, prove the backward recursion "
        "equal to it for every T, and verify both against the direct derivative of the "
        "unrolled loss, exactly, for the gradients w.r.t. W, U, b and h(0).",
        limit=300,
    ),
    Command(
        "list", _cmd_list, "list the catalogue of theorems with their evidence levels", _args_list
    ),
    Command(
        "show", _cmd_show, "show one theorem's statement and derivation", _args_show, limit=300
    ),
    Command(
        "verify",
        _cmd_verify,
        "run every check of the catalogue (or of the ids given)",
        _args_verify,
        "Run every step's check and print a table with each theorem's verdict: holds, "
        "refuted (a false claim, as intended), FAILED (exit 1) or undecided (a search gave no "
        "answer in time; exit 2). γ comes from the catalogue's checked certificates: no "
        "search, and no check depends on the clock.",
        limit=300,
    ),
    Command(
        "gamma",
        _cmd_gamma,
        "derive γ = sup|σ′| for an activation written in x",
        _args_gamma,
        "Derive γ = sup|σ′(x)| for an expression in x (or a built-in name), with where it is "
        "reached and a certificate if one exists. An expression that begins with '-' may "
        "follow '--' or stand alone.",
        limit=60,
        outputs=_outputs_gamma,
        dash_positional=True,
        stopped="could not decide",
    ),
    Command(
        "certify",
        _cmd_certify,
        "search γ for every activation of the catalogue and write checked certificates",
        _args_certify,
        "Search γ = sup|σ′| for every σ the catalogue rests on (or the names given) and write "
        "one certificate per σ (JSON: format version, hash of σ, result, certified covers), "
        "each checked before it is written. 'symgrad verify' checks them; it never searches.",
        limit=900,
        stopped="could not certify every σ",
    ),
    Command(
        "check-certificate",
        _cmd_check_certificate,
        "check a γ certificate (no search, no clock)",
        _args_check_certificate,
        "Check a certificate written by 'symgrad gamma --certificate' or 'symgrad certify': "
        "its digest, the hash of σ, and the derivation re-run with every enclosure checked "
        "from its recorded boxes. Exit 0 when it holds, 1 when it is rejected (with why).",
        limit=300,
        stopped="could not finish the check",
    ),
    Command(
        "report",
        _cmd_report,
        "verify everything and write the teaching bundle (main job)",
        _args_report,
        "Verify the whole catalogue and write three documents as .tex and .pdf (when pdflatex "
        "is installed): DIR/handout (for students), DIR/slides (Beamer) and DIR/derivations "
        "(the full verification record), the web site DIR/site/ (open DIR/site/index.html), "
        "DIR/figures/ and DIR/results.json. The bundle "
        "is built in a "
        "staging folder and replaces DIR as a whole; an existing DIR must be empty or an "
        "earlier report whose files nobody changed or added to (otherwise nothing is "
        "written and the files that would be lost are listed).",
        limit=900,
        outputs=_outputs_report,
    ),
    Command(
        "latex",
        _cmd_latex,
        "write the derivations as LaTeX (and PDF)",
        _args_latex,
        limit=900,
        outputs=_outputs_latex,
    ),
    Command(
        "plot",
        _cmd_plot,
        "draw one figure to a .png, .pdf or .svg file",
        _args_plot,
        limit=300,
        outputs=_outputs_plot,
    ),
    Command(
        "worked",
        _cmd_worked,
        "a worked example of BPTT for chosen n and T (LaTeX)",
        _args_worked,
        "Write dL/dW term by term (products of Jacobians, the backward recursion unrolled) "
        "for the sizes asked, verified against the direct derivative before it is written.",
        limit=300,
        outputs=_outputs_worked,
    ),
    Command(
        "check",
        _cmd_check,
        "check a BPTT implementation against certified gradients",
        _args_check,
        "Call FUNCTION(W, U, b, h0, xs, targets) from MODULE (a .py file or a module in the "
        "current folder) on random, saturated and long-memory instances, compare the "
        "gradients it returns with certified enclosures of the true ones, and on a failure "
        "say where it is and which classic BPTT mistake it matches. Exit 1 when a gradient "
        "is wrong; 2 when the reference cannot decide (undecided), when the function cannot "
        "be imported, raises, exits, returns the wrong "
        "shapes or changes its inputs, or when the sizes are predicted to take longer than "
        "the time limit (a day without one). What the function prints goes to stderr.",
        limit=300,
        runs_user_code=True,
    ),
    Command(
        "exercises",
        _cmd_exercises,
        "an exercise sheet and its verified solutions",
        _args_exercises,
        "Write DIR/exercises-S.tex and DIR/solutions-S.tex (and PDFs when pdflatex is "
        "installed); the parameters are drawn from the seed S and every solution is computed "
        "and checked by the package.",
        limit=300,
        outputs=_outputs_exercises,
    ),
):
    register(_command)


EXIT_CODES = (
    "Exit codes: 0 done, every theorem holds (or, for a false claim, is refuted); 1 a check "
    "FAILED (a claim found false); 2 undecided (a search gave no answer within the time "
    "limit or its budget: nothing was found false), bad input, usage, or an output that "
    "cannot be written (one line on stderr); "
    "3 internal error (a bug: one line, --debug shows the traceback); 130/143/129 stopped "
    "by SIGINT/SIGTERM/SIGHUP (the job's processes and temporary files are removed); "
    "128 + N the job was killed from outside by signal N (137: SIGKILL)."
)


def _build_parser(
    only: Collection[str] | None = None,
) -> tuple[argparse.ArgumentParser, dict[str, argparse.ArgumentParser]]:
    """The parser; with `only`, the other commands are listed but get no arguments.

    Some commands' arguments name choices from modules that load SymPy; filling in only
    the command given keeps the start of every other command fast.
    """
    parser = _Parser(
        prog="symgrad",
        description=(
            "Derive, verify and teach the mathematics of exploding and vanishing gradients "
            "in recurrent networks."
        ),
        epilog=EXIT_CODES
        + " Default time limits (--timeout): "
        + ", ".join(f"{c.name} {c.limit:g} s" for c in COMMANDS.values() if c.limit)
        + ".",
        allow_abbrev=False,
    )
    parser.add_argument("--version", action="version", version=f"symgrad {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks for errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    subparsers = {}
    for cmd in COMMANDS.values():
        p = sub.add_parser(cmd.name, help=cmd.help, description=cmd.description, allow_abbrev=False)
        subparsers[cmd.name] = p
        if only is not None and cmd.name not in only:
            continue
        cmd.arguments(p)
        if cmd.limit is not None:
            p.add_argument(
                "--timeout",
                type=_seconds,
                default=cmd.limit,
                metavar="SECONDS",
                help=f"stop the job after SECONDS (default {cmd.limit:g}; 'none' or 0: no "
                "limit); a stopped job leaves nothing behind",
            )
        p.set_defaults(command=cmd.name)
    return parser, subparsers


def _dash_positional(raw: list[str], subparsers: dict[str, argparse.ArgumentParser]) -> list[str]:
    """Move one positional that begins with '-' (e.g. ``-x**2``) behind a ``--``."""
    names = [i for i, a in enumerate(raw) if a in COMMANDS]
    if not names or not COMMANDS[raw[names[0]]].dash_positional:
        return raw
    at = names[0]
    actions = subparsers[raw[at]]._option_string_actions
    i = at + 1
    while i < len(raw):
        token = raw[i]
        if token == "--":
            return raw
        key = token.split("=", 1)[0]
        if key in actions:
            if "=" not in token and actions[key].nargs != 0:
                i += 1  # skip the option's value
        elif token.startswith("-") and not token.startswith("--") and len(token) > 1:
            return [*raw[:i], *raw[i + 1 :], "--", token]
        i += 1
    return raw


def _one_line(exc: BaseException) -> str:
    """An error message on one line: its first line, plus the TeX error if there is one."""
    lines = [ln.strip() for ln in str(exc).splitlines() if ln.strip()] or [type(exc).__name__]
    detail = next((ln for ln in lines[1:] if ln.startswith("!") or ".tex:" in ln), None)
    return lines[0] + (f" {detail}" if detail else "")


def _quiet_stdout() -> None:
    """After a failed write to stdout: send the rest to /dev/null (no second error at exit)."""
    with contextlib.suppress(OSError, ValueError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def _guarded(
    name: str, handler: Callable[[argparse.Namespace], int], args: argparse.Namespace
) -> int:
    """Run a handler in this process: every failure is one line on stderr and an exit code."""
    try:
        code = int(handler(args))
        sys.stdout.flush()
        return code
    except SymgradError as exc:
        if args.debug:
            raise
        _fail(name, args, _error_kind(exc), _one_line(exc))
        return 2
    except BrokenPipeError:  # output piped into a reader that stopped early
        _quiet_stdout()
        return 0
    except MemoryError:
        if args.debug:
            raise
        _fail(name, args, "memory", "the job ran out of memory; choose a smaller job")
        return 2
    except OSError as exc:  # e.g. a full disk or device
        if args.debug:
            raise
        _quiet_stdout()
        where = f" ({exc.filename})" if exc.filename else ""
        _fail(name, args, "output", f"could not write the output{where}: {exc.strerror or exc}")
        return 2
    except Exception as exc:
        if args.debug:
            raise
        _fail(
            name,
            args,
            "internal",
            f"{type(exc).__name__}: {_one_line(exc)} (a bug; --debug shows the traceback)",
            prefix="internal error",
        )
        return 3


def _say(name: str, message: str) -> None:
    with contextlib.suppress(OSError, ValueError):
        print(f"symgrad{' ' + name if name else ''}: {message}", file=sys.stderr, flush=True)


def _print_json_error(name: str, kind: str, message: str) -> None:
    """The JSON object of a failed command: ``ok`` false, the error's kind and message."""
    payload: dict[str, Any] = {"ok": False, "command": name or None}
    if kind == "timeout":  # no answer within the time limit: undecided, never failed
        payload["verdict"] = "undecided"
    payload["error"] = {"kind": kind, "message": message}
    with contextlib.suppress(OSError, ValueError):
        print(json.dumps(payload, indent=2, ensure_ascii=False), flush=True)


def _fail(
    name: str, args: Any, kind: str, message: str, *, prefix: str = "error", code: int = 2
) -> int:
    """Report a failure: one line on stderr and, with --json, one JSON object on stdout."""
    _say(name, f"{prefix}: {message}" if prefix else message)
    if getattr(args, "json", False):
        _print_json_error(name, kind, message)
    return code


def _error_kind(exc: BaseException) -> str:
    """The ``error.kind`` of a symgrad error in JSON output."""
    from .errors import BudgetExceededError, UnknownNameError

    if isinstance(exc, BudgetExceededError):
        return "budget"
    if isinstance(exc, UnknownNameError):
        return "unknown-name"
    return "invalid-input"


def _signal_name(signum: int) -> str:
    import signal

    try:
        return signal.Signals(signum).name
    except ValueError:
        return str(signum)


def _handler_path(handler: Callable[..., int]) -> str:
    return f"{handler.__module__}:{handler.__qualname__}"


def _job(payload: dict[str, Any]) -> int:
    """The child's side of a limited job: call the handler directly (no argv, no wrapper)."""
    import importlib

    module, _, qualname = payload["handler"].partition(":")
    handler: Any = importlib.import_module(module)
    for part in qualname.split("."):
        handler = getattr(handler, part)
    args = argparse.Namespace(**payload["args"])
    try:
        return _guarded(payload["command"], handler, args)
    except Interrupted as exc:
        return exc.exit_code


def _run(cmd: Command, args: argparse.Namespace) -> int:
    """Check the destinations, then run the command here or as a limited job."""
    from .runtime.files import JOB_ROOT_ENV, check_destination

    expected = [
        str(check_destination(path, kind=kind))
        for path, kind, _names in (cmd.outputs(args) if cmd.outputs else [])
    ]
    limit = getattr(args, "timeout", None)
    if getattr(args, "examples", None) is not None and limit is not None:
        _check_examples_cost(args, limit)
    inside = bool(os.environ.get(JOB_ROOT_ENV))
    if inside or (limit is None and not cmd.runs_user_code):  # no limit, or inside a job
        try:
            with private_root():
                return _guarded(cmd.name, cmd.handler, args)
        except Interrupted as exc:
            exc.expected = expected  # type: ignore[attr-defined]
            raise
    from .runtime.limits import DEADLINE_ENV

    # one clock: every search the job starts ends by the command's own deadline (a little
    # before it, so that an undecided answer is reported rather than cut off)
    before = os.environ.get(DEADLINE_ENV)
    if limit is not None:
        os.environ[DEADLINE_ENV] = repr(time.monotonic() + max(limit - min(1.0, limit / 10), 0.0))
    payload = {"command": cmd.name, "handler": _handler_path(cmd.handler), "args": vars(args)}
    try:  # the job inherits the deadline; this process keeps its own environment
        outcome = run_job("symgrad.cli:_job", payload, seconds=math.inf if limit is None else limit)
    except Interrupted as exc:
        exc.expected = expected  # type: ignore[attr-defined]
        raise
    finally:
        if before is None:
            os.environ.pop(DEADLINE_ENV, None)
        else:
            os.environ[DEADLINE_ENV] = before
    if outcome.finished:
        sys.stdout.write(outcome.stdout.decode("utf-8", "replace"))
        sys.stdout.flush()
        return outcome.code if outcome.code is not None else 3
    if outcome.crashed and outcome.signal:  # killed from outside, or by the OOM killer
        written = f"; {', '.join(outcome.committed)} had been written" if outcome.committed else ""
        return _fail(
            cmd.name,
            args,
            "killed",
            f"the job was killed by signal {_signal_name(outcome.signal)} before it "
            f"finished (from outside symgrad, or by the system when memory ran out){written}; "
            "its temporary files were removed",
            code=outcome.code if outcome.code is not None else 3,
        )
    if outcome.crashed and cmd.runs_user_code and not args.debug:  # that code ended it
        return _fail(
            cmd.name,
            args,
            "invalid-input",
            f"the code under check ended the process (exit status {outcome.code}, as "
            "os._exit does) before the check could finish; a module or function under "
            "check must return its result instead",
        )
    if outcome.crashed:  # with --debug, the child has printed its traceback
        if not args.debug:
            _fail(
                cmd.name,
                args,
                "internal",
                f"the job ended without an answer (exit status {outcome.code})",
                prefix="internal error",
            )
        return 3
    if outcome.committed and set(expected) <= set(outcome.committed):
        message = (
            f"the time limit of {limit:g} s was reached after the output was "
            f"complete: {', '.join(outcome.committed)} (the summary was not printed)"
        )
        _say(cmd.name, message)
        if getattr(args, "json", False):
            print(json.dumps({"ok": True, "files": outcome.committed, "note": message}, indent=2))
        return 0
    if outcome.committed:
        missing = [p for p in expected if p not in outcome.committed]
        return _fail(
            cmd.name,
            args,
            "timeout",
            f"the time limit of {limit:g} s was reached while the outputs were put in "
            f"place: {', '.join(outcome.committed)} written, {', '.join(missing)} not",
        )
    return _fail(
        cmd.name,
        args,
        "timeout",
        f"{cmd.stopped} within the time limit of {limit:g} s; the job was "
        "stopped and nothing was written (raise --timeout, or 'none' for no limit)",
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code (see :data:`EXIT_CODES`)."""
    name = ""
    given = list(sys.argv[1:] if argv is None else argv)
    as_json = "--json" in given[: given.index("--") if "--" in given else len(given)]
    settings = argparse.Namespace(json=as_json)
    _Parser.json_errors = as_json
    try:
        with handle_signals():
            named = next((a for a in given if a in COMMANDS), None)
            parser, subparsers = _build_parser(None if named is None else {named})
            raw = _dash_positional(given, subparsers)
            args = parser.parse_args(raw)
            if args.command is None:
                parser.print_help()
                if as_json:
                    _print_json_error("", "usage", "no command given (see 'symgrad --help')")
                return 2
            cmd = COMMANDS[name := args.command]
            settings = args
            try:
                return _run(cmd, args)
            except SymgradError as exc:  # a destination that cannot work
                if args.debug:
                    raise
                return _fail(name, args, _error_kind(exc), _one_line(exc))
            except BrokenPipeError:  # the job's output piped into a reader that stopped early
                _quiet_stdout()
                return 0
            except OSError as exc:  # writing the job's output to stdout failed
                _quiet_stdout()
                _say(name, f"error: could not write the output: {exc.strerror or exc}")
                return 2
    except Interrupted as exc:
        committed = getattr(exc, "committed", [])
        missing = [p for p in getattr(exc, "expected", []) if p not in committed]
        done = f"; the output was complete before it: {', '.join(committed)}" if committed else ""
        if committed and missing:
            done = f"; {', '.join(committed)} had been written, {', '.join(missing)} not"
        return _fail(
            name,
            settings,
            "interrupted",
            f"interrupted by {exc.name}{done}; the job was stopped and its temporary files "
            f"removed (exit {exc.exit_code})",
            prefix="",
            code=exc.exit_code,
        )
    finally:
        _Parser.json_errors = False
