"""``list``, ``show`` and ``verify``: the catalogue's theorems and their verdicts."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from typing import Any

from .options import _EXAMPLES, MAX_EXAMPLES, _ids, _json, _seed
from .text import _emit


def _cmd_list(args: argparse.Namespace) -> int:
    from ..kernel.catalogue import catalogue_index

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

    return _emit(payload, args.json, text())


def _cmd_show(args: argparse.Namespace) -> int:
    from ..kernel.catalogue import load_theorem
    from ..kernel.plain import theorem_markdown, theorem_text
    from ..render.snippet import snippet

    thm = load_theorem(args.id)
    render = {"text": theorem_text, "markdown": theorem_markdown, "latex": snippet}
    if not args.run:
        print(render[args.format](thm))
        return 0
    from ..kernel.proof import RunSettings
    from ..render.terminal import results_lines

    result = thm.run(RunSettings(seed=args.seed))
    if args.format == "latex":
        print(snippet(thm, result))
    else:
        print(render[args.format](thm))
        print("\n".join(results_lines(result)))
    return _verdict_exit([result])


def _cmd_verify(args: argparse.Namespace) -> int:
    from ..kernel.catalogue import load_catalogue
    from ..kernel.proof import RunSettings
    from ..kernel.runner import run_theorems
    from ..render.printing import result_json
    from ..render.terminal import results_table
    from ..report import versions

    settings = RunSettings(examples=args.examples, seed=args.seed)
    theorems = load_catalogue(args.ids or None)  # an unknown id fails here, before any check runs
    start = time.perf_counter()
    show_progress = not args.json and sys.stderr.isatty()
    results = run_theorems(theorems, settings, sys.stderr if show_progress else None)
    payload = {
        "ok": all(r.ok for r in results),
        "verdicts": _verdict_counts(results),
        "settings": {"examples": args.examples, "seed": args.seed},
        "versions": versions(),
        "seconds": round(time.perf_counter() - start, 3),
        "theorems": [result_json(r) for r in results],
    }
    _emit(payload, args.json, results_table(results))
    return _verdict_exit(results)


def _verdict_counts(results: Sequence[Any]) -> dict[str, int]:
    from ..kernel.proof import Verdict

    return {v.value: sum(r.verdict is v for r in results) for v in Verdict}


def _verdict_exit(results: Sequence[Any]) -> int:
    """0 when every theorem holds or is refuted; 1 when one FAILED; else 2 (undecided)."""
    from ..kernel.proof import Verdict

    verdicts = {r.verdict for r in results}
    if Verdict.FAILED in verdicts:
        return 1
    return 2 if Verdict.UNDECIDED in verdicts else 0


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
