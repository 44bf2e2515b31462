"""Where the terminal printers used to live; they are now in :mod:`symgrad.render.terminal`.

This module only re-exports them (and :func:`~symgrad.render.texmath.latex_escape`).
"""

from __future__ import annotations

from .render.terminal import (
    outcome_facts,
    results_lines,
    results_table,
    theorem_markdown,
    theorem_text,
)
from .render.texmath import latex_escape

__all__ = [
    "latex_escape",
    "outcome_facts",
    "results_lines",
    "results_table",
    "theorem_markdown",
    "theorem_text",
]
