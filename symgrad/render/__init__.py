"""The renderers: typesetting, documents, slides, exercises and figures built on the library.

Importing this package registers its printers with the kernel
(:data:`symgrad.kernel.proof.PRINTERS`), so a theorem prints itself as Unicode text, Markdown
(Jupyter) and LaTeX without the kernel importing any renderer.
"""

from ..kernel.proof import PRINTERS
from .snippet import jupyter_latex
from .terminal import theorem_markdown, theorem_text

__all__: list[str] = []

PRINTERS.update(text=theorem_text, markdown=theorem_markdown, latex=jupyter_latex)
