"""Where the LaTeX helpers used to live; they are now in :mod:`symgrad.render`.

:func:`compile_pdf` and :func:`find_pdflatex` are in :mod:`symgrad.render.document`,
:func:`snippet` in :mod:`symgrad.render.snippet`. This module only re-exports them.
"""

from __future__ import annotations

from .render.document import compile_pdf, find_pdflatex
from .render.snippet import snippet

__all__ = ["compile_pdf", "find_pdflatex", "snippet"]
