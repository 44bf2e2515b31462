"""Theorems and results for a terminal (Unicode text) and for Markdown (Jupyter).

Relations are printed as the catalogue writes them, in Unicode mathematics (``‖J‖₂ ≤ λ₁γ``);
expressions built here go through :func:`symgrad.kernel.text.text`, never ``str()``.
"""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING

from .document import count_line
from .outcomes import counterexample_notes, outcome_facts
from .printing import claim_text, value_pretty, value_text

if TYPE_CHECKING:
    from ..kernel.proof import TheoremResult

__all__ = ["results_lines", "results_table", "unicode_math"]


def unicode_math(value: object) -> str:
    """A claim, a mathematical object, named values or prose as one line of Unicode for a
    terminal: mathematics through the text printer, prose as it is (never parsed).

    Examples
    --------
    >>> import sympy as sp
    >>> unicode_math(sp.sqrt(2 * sp.Symbol("k") ** 2 + 4) / 2)
    '√(2·k² + 4)/2'
    >>> unicode_math("all steps hold")
    'all steps hold'
    """
    return value_text(value)


def results_lines(result: TheoremResult) -> list[str]:
    """What each step's check found, for people: verdict, what ran, counterexamples."""
    lines = ["", "Checks:"]
    for k, s in enumerate(result.steps, 1):
        o = s.outcome
        verdict = "ok" if s.ok else s.verdict.value
        lines.append(f"  ({k}) {verdict} [{s.step.evidence.value}] {unicode_math(o.checked)}")
        facts = ", ".join(claim_text(f) for f in outcome_facts(s))
        lines += textwrap.wrap(facts, 88, initial_indent="      ", subsequent_indent="      ")
        if o.counterexample:
            lines += _labelled("counterexample:", value_pretty(o.counterexample))
        lines += [
            ("        " if more else "      ") + claim_text(line)
            for line, more in counterexample_notes(o, log=True)
        ]
        if s.undecided is not None:
            lines.append(f"      undecided: {s.undecided.splitlines()[0]}")
        elif not s.ok:
            lines += _labelled("left: ", value_pretty(o.left))
            lines += _labelled("right:", value_pretty(o.right))
            if s.error:
                lines.append(f"      error: {s.error.splitlines()[0]}")
    return lines


def _labelled(label: str, shown: str, indent: str = "      ") -> list[str]:
    """A labelled value: on the label's line when it is one line, below it when it is a
    two-dimensional form (a matrix over several lines)."""
    rows = shown.splitlines() or [""]
    if len(rows) == 1:
        return [f"{indent}{label} {rows[0]}"]
    return [f"{indent}{label.rstrip()}"] + [f"{indent}  {row}" for row in rows]


def results_table(results: Sequence[TheoremResult]) -> str:
    """The verification table: theorem, steps, evidence levels, time, verdict."""
    header = f"{'theorem':<40} {'steps':>5}  {'evidence':<32} {'time':>7}  verdict"
    lines = [header, "-" * len(header)]
    for r in results:
        levels = ", ".join(r.theorem.evidence_levels)
        verdict = r.verdict.value
        lines.append(
            f"{r.theorem.id:<40} {len(r.steps):>5}  {levels:<32} {r.seconds:>6.2f}s  {verdict}"
        )
        for s in r.steps:
            if not s.ok:
                lines.append(f"    step: {unicode_math(s.step.claim)}")
                if s.undecided is not None:
                    lines.append(f"    undecided: {s.undecided.splitlines()[0]}")
                if s.error:
                    lines.append(f"    error: {s.error.splitlines()[0]}")
                if s.outcome.left is not None:
                    lines.append(f"    left:  {unicode_math(s.outcome.left)}")
                if s.outcome.right is not None:
                    lines.append(f"    right: {unicode_math(s.outcome.right)}")
                if s.outcome.counterexample:
                    lines.append(f"    at:    {value_text(s.outcome.counterexample)}")
    total = sum(r.seconds for r in results)
    lines.append("-" * len(header))
    lines.append(f"{count_line(results)} ({total:.2f}s)")
    return "\n".join(lines)
