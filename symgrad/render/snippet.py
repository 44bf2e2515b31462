"""A theorem as a LaTeX fragment for lecture notes, and as LaTeX for Jupyter.

A snippet is plain ASCII LaTeX that needs only ``symgrad.sty`` (amsmath, amssymb, amsthm and
a few small macros; ``symgrad latex --preamble`` prints it): drop it into any ``article``
after ``\\usepackage{symgrad}``. :func:`snippet_document` wraps snippets in such an article.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from .document import derivation_rows, statement_formula, sty_inline, theorem_refs
from .handout import theorem_block
from .printing import text_latex

if TYPE_CHECKING:
    from ..kernel.proof import Theorem, TheoremResult

__all__ = ["jupyter_latex", "snippet", "snippet_document"]


def snippet(theorem: Theorem, result: TheoremResult | None = None) -> str:
    """A theorem as a LaTeX fragment: theorem environment, proof idea, derivation.

    With a `result`, each step carries the verdict of its check and the counterexamples are
    shown; theorem ids in the text become references to the theorem itself only.
    """
    from ..kernel.proof import TheoremResult

    shown = result if result is not None else TheoremResult(theorem, [], 0.0)
    refs = theorem_refs([shown])
    lines = theorem_block(shown, refs, verdicts=result is not None, log=False)
    return "\n".join(lines)


def snippets(results: Sequence[TheoremResult]) -> str:
    """Several theorems as one fragment; references between them resolve."""
    refs = theorem_refs(results)
    blocks = ["\n".join(theorem_block(r, refs, verdicts=True, log=False)) for r in results]
    return "\n\n".join(blocks) + "\n"


def snippet_document(fragment: str) -> str:
    r"""A plain ``article`` around a fragment, with only the snippet preamble.

    Examples
    --------
    >>> doc = snippet_document("x")
    >>> doc.startswith("\\documentclass{article}") and doc.rstrip().endswith("\\end{document}")
    True
    """
    return (
        "\\documentclass{article}\n"
        + sty_inline()
        # long inline formulas: let a line stretch rather than run into the margin
        + "\\setlength{\\emergencystretch}{3em}\n"
        + "\\begin{document}\n"
        + fragment
        + "\n\\end{document}\n"
    )


def jupyter_latex(theorem: Theorem) -> str:
    """What Jupyter shows for a theorem: title, statement and the derivation rows (MathJax)."""
    rows = "\\\\\n".join(derivation_rows(theorem, numbered=False, student=True))
    rows = rows.replace(r"\sgwhy{", r"\qquad\text{").replace(r"\sgevidence{", r"\textsf{")
    rows = rows.replace(r"\sgclaim{", r"\text{").replace(r"\sgfit{", "{")
    statement = statement_formula(theorem) or rf"\text{{{text_latex(theorem.statement)}}}"
    return (
        rf"$$\textbf{{{text_latex(theorem.title)}}}\quad {statement}$$"
        "\n"
        rf"$$\begin{{aligned}}{rows}\end{{aligned}}$$"
    )
