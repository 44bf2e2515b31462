"""A theorem as plain Unicode text and as Markdown, from the kernel's own text printer.

``str(theorem)`` and Jupyter's display of a theorem (``_repr_markdown_``) read the same
claims through :func:`symgrad.kernel.claims.text_of`; the documents' forms (LaTeX, MathML)
are in :mod:`symgrad.render`, which the kernel does not import.
"""

from __future__ import annotations

import textwrap
from typing import TYPE_CHECKING

from .claims import text_of

if TYPE_CHECKING:
    from .proof import Theorem

__all__ = ["theorem_markdown", "theorem_text"]


_MARK = {"proved": "■", "checked": "✓", "tested": "≈", "cited": "†", "refuted": "✗"}


def theorem_text(thm: Theorem) -> str:
    """The theorem as readable Unicode for a terminal."""
    width = 92
    lines = [f"{thm.id} — {thm.title}", "=" * min(width, len(thm.id) + len(thm.title) + 3)]
    lines += textwrap.wrap(text_of(thm.statement), width)
    if thm.convention:
        lines += ["", *textwrap.wrap(f"Convention: {text_of(thm.convention)}", width)]
    if thm.assumptions:
        lines += ["", "Assumptions:"] + [f"  • {text_of(a)}" for a in thm.assumptions]
    if thm.proof:
        lines += ["", *textwrap.wrap(f"Proof idea: {text_of(thm.proof)}", width)]
    lines += ["", "Steps:"]
    for k, step in enumerate(thm.steps, 1):
        tag = f"[{_MARK[step.evidence.value]} {step.evidence.value}]"
        lines.append(f"  ({k}) {text_of(step.claim)}")
        why = text_of(step.justification) + (f" — {step.source}" if step.source else "")
        lines += textwrap.wrap(
            why, width - 8, initial_indent=f"      {tag} ", subsequent_indent="      "
        )
    if thm.references:
        lines += ["", "References:"] + [f"  - {r}" for r in thm.references]
    return "\n".join(lines)


def theorem_markdown(thm: Theorem) -> str:
    """The theorem as Markdown (Jupyter shows this)."""
    out = [f"**{thm.title}** (`{thm.id}`)", "", text_of(thm.statement), ""]
    if thm.assumptions:
        out += ["*Assumptions:* " + "; ".join(text_of(a) for a in thm.assumptions), ""]
    out += ["| # | step | justification | evidence |", "|---|---|---|---|"]
    for k, step in enumerate(thm.steps, 1):
        claim = text_of(step.claim).replace("|", "\\|")
        why = (text_of(step.justification) + (f" ({step.source})" if step.source else "")).replace(
            "|", "\\|"
        )
        out.append(f"| {k} | {claim} | {why} | {step.evidence.value} |")
    return "\n".join(out)
