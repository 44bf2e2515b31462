"""Shared pieces of the LaTeX documents: preamble, theorem blocks, errata, figures.

The handout, the slides and the full verification record are built from these pieces, so a
theorem reads the same everywhere. Prose is only escaped and mathematics is printed from
objects (:func:`~symgrad.render.printing.text_latex`); labels are built only from identifiers
matching ``[a-z][a-z0-9_]*``; figure paths may use only letters, digits and ``_ . / -``.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import InvalidArgumentError, TeXError
from ..kernel.claims import Claim
from .outcomes import counterexample_notes
from .printing import claim_latex as _claim_latex
from .printing import formula_latex, named_latex, text_latex
from .texmath import latex_escape

if TYPE_CHECKING:
    from ..kernel.proof import Step, Theorem, TheoremResult
    from ..maths.errata import Erratum

__all__ = [
    "BLOG_POST",
    "PAPERS",
    "FigureRef",
    "claim_latex",
    "compile_pdf",
    "count_line",
    "counterexample_block",
    "derivation_rows",
    "errata_rows",
    "errata_table",
    "figure_latex",
    "find_pdflatex",
    "is_refuted_claim",
    "label",
    "overfull_boxes",
    "pdf_string",
    "post_reference",
    "preamble_sty",
    "student_steps",
    "sty_inline",
    "theorem_refs",
]

_ID = re.compile(r"^[a-z][a-z0-9_]*$")
_PATH = re.compile(r"^[A-Za-z0-9_./-]+$")

#: Paper sizes the article documents accept, as geometry options.
PAPERS = {"a4": "a4paper", "letter": "letterpaper"}

#: What the errata correct: the blog post the catalogue started from.
BLOG_POST = (
    r"The blog post ``The Issues on Training RNN'' is a short tutorial that summarises the"
    r" vanishing and exploding gradient argument of Pascanu, Mikolov and Bengio (2013) for a"
    r" recurrent network $h^{(t)} = \sigma(W h^{(t-1)} + U x^{(t)} + b)$; this material"
    r" started from it. Its argument is sound in outline, but some of its statements are"
    r" wrong or loose. Each correction below quotes the post, says where in the post it"
    r" stands (by the post's own equation numbers), states what is right, and names the"
    r" theorem that backs it."
)


def post_reference(text: str) -> str:
    """A reference to the blog post in words a reader knows: "seed" becomes "blog post".

    Examples
    --------
    >>> post_reference("Pascanu et al. (2013), eq. (6); seed eq. (8)")
    'Pascanu et al. (2013), eq. (6); blog post eq. (8)'
    >>> post_reference("seed errata 9 and 18")
    'blog post errata 9 and 18'
    """
    return re.sub(r"\bseed\b", "blog post", text)


def _in_post_words(claim: Claim) -> Claim:
    """`claim` with :func:`post_reference` applied to its prose (its mathematics unchanged)."""
    return Claim(*(post_reference(p) if isinstance(p, str) else p for p in claim))


@dataclass(frozen=True)
class FigureRef:
    """A figure placed in a document: its file (relative to the document) and caption.

    `slides_path` and `slides_caption`, when given, are the version slides show (fewer
    panels, larger text).
    """

    name: str
    path: str
    caption: str | Claim
    slides_path: str = ""
    slides_caption: str | Claim = ""

    def __post_init__(self) -> None:
        label(self.name)
        for path in (self.path, self.slides_path or self.path):
            if not _PATH.match(path):
                raise InvalidArgumentError(
                    f"figure path={path!r} may use only letters, digits, _ . / -"
                )


def label(*parts: str) -> str:
    """A LaTeX label from identifiers, e.g. ``thm:eta-decay``; anything else is refused."""
    for part in parts:
        if not _ID.match(part):
            raise InvalidArgumentError(f"label part={part!r} must match [a-z][a-z0-9_]*")
    return ":".join(parts).replace("_", "-")


def preamble_sty() -> str:
    r"""The text of ``symgrad.sty``: what a snippet needs inside any LaTeX document.

    Examples
    --------
    >>> "\\ProvidesPackage{symgrad}" in preamble_sty()
    True
    """
    return resources.files(__package__).joinpath("symgrad.sty").read_text(encoding="utf-8")


def sty_inline() -> str:
    """The package's definitions for a document preamble (the .tex stays self-contained)."""
    keep = [
        line
        for line in preamble_sty().splitlines()
        if not line.startswith(("\\NeedsTeXFormat", "\\ProvidesPackage", "\\endinput", "%"))
    ]
    return "\\makeatletter\n" + "\n".join(keep) + "\n\\makeatother\n"


def pdf_string(text: str) -> str:
    """Free text for PDF metadata (hyperref): ASCII, escaped."""
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return latex_escape(ascii_text)


def theorem_refs(results: Sequence[TheoremResult]) -> dict[str, str]:
    """How free text names each theorem of a document: a numbered reference."""
    return {r.theorem.id: rf"Theorem~\ref{{{label('thm', r.theorem.id)}}}" for r in results}


def is_refuted_claim(theorem: Theorem) -> bool:
    """True for a tempting false claim: every step of the theorem is a refutation."""
    return bool(theorem.steps) and all(s.evidence.value == "refuted" for s in theorem.steps)


def count_line(results: Sequence[TheoremResult]) -> str:
    """How many theorems hold, how many false claims were refuted, how many failed.

    Examples
    --------
    >>> count_line([])
    '0 theorems hold, 0 false claims refuted'
    """
    held = sum(r.ok and not is_refuted_claim(r.theorem) for r in results)
    refuted = sum(r.ok and is_refuted_claim(r.theorem) for r in results)
    failed = sum(r.verdict.value == "FAILED" for r in results)
    undecided = sum(r.verdict.value == "undecided" for r in results)
    text = f"{held} theorem{'s' * (held != 1)} hold{'s' * (held == 1)}, "
    text += f"{refuted} false claim{'s' * (refuted != 1)} refuted"
    text += f", {failed} FAILED" if failed else ""
    return text + (f", {undecided} undecided" if undecided else "")


def claim_latex(step: Step, refs: dict[str, str] | None = None) -> str:
    r"""A step's relation as math: its own LaTeX, the formula typeset, or prose with formulas.

    A formula is wrapped in ``\sgfit``, which scales it down to the line when it is wider. A
    :class:`~symgrad.kernel.claims.Claim` goes through the printers: mathematics with a few words
    of prose is typeset as one formula, a sentence as text with inline mathematics.
    """
    claim = Claim.of(step.claim)
    words = sum(len(p.split()) for p in claim.parts if isinstance(p, str))
    if claim.maths and words <= 6:
        return r"\sgfit{" + formula_latex(claim) + "}"
    return r"\sgclaim{" + _claim_latex(claim, refs) + "}"


def derivation_rows(
    theorem: Theorem,
    result: TheoremResult | None = None,
    *,
    numbered: bool = True,
    verdicts: bool = False,
    refs: dict[str, str] | None = None,
    steps: Sequence[int] | None = None,
    student: bool = False,
) -> list[str]:
    """The derivation as ``align`` rows: the relation, then its evidence and justification.

    `steps` selects step numbers (1-based; default all); `verdicts` marks each checked step
    with a tick. A step whose check failed is marked FAILED, and one whose check could not
    decide is marked undecided, whatever `verdicts` says.
    `student` gives each step's reason in the students' voice (:attr:`Step.student`) and
    leaves out the steps that are the package's own checks (see :func:`student_steps`);
    otherwise the justification and its source are shown, as the record does.
    """
    shown = student_steps(theorem, result) if student else None
    rows = []
    for k, step in enumerate(theorem.steps, 1):
        if (steps is not None and k not in steps) or (shown is not None and k not in shown):
            continue
        if student and step.student is not None:
            why = text_latex(step.student, refs)
        else:
            why = text_latex(step.justification, refs)
            if step.source:
                why += " (" + text_latex(step.source, refs) + ")"
        tag = r"\sgevidence{" + step.evidence.value + "}"
        ran = result.steps[k - 1] if result is not None and k <= len(result.steps) else None
        if ran is not None and not ran.ok:  # shown in every document: a handout never hides
            tag += rf"\,\textbf{{{ran.verdict.value}}}"  # a failed or undecided check
        elif verdicts and result is not None and k <= len(result.steps):
            tag += r"\,$\checkmark$"
        labelled = rf"\label{{{label('eq', theorem.id, f'step{k}')}}}" if numbered else ""
        rows.append(
            rf"&{claim_latex(step, refs)} {labelled}\\"
            "\n"
            rf"&\sgwhy{{{tag} {why}}}" + (r"\notag" if numbered else "")
        )
    return rows


def student_steps(theorem: Theorem, result: TheoremResult | None = None) -> list[int]:
    """The step numbers (1-based) students see: all but the package's own checks
    (``student=""``), which only the record shows — unless such a check failed.
    """
    failed = {k for k, s in enumerate(result.steps if result is not None else [], 1) if not s.ok}
    return [k for k, s in enumerate(theorem.steps, 1) if s.student != "" or k in failed]


def statement_formula(theorem: Theorem) -> str:
    """The statement's displayed formula as math-mode LaTeX ("" when it has none)."""
    return formula_latex(theorem.formula) if theorem.formula is not None else ""


def counterexample_block(result: TheoremResult, *, log: bool, refs: dict[str, str]) -> list[str]:
    """The counterexamples a refutation found, typeset, with the facts that refute the claim.

    `log` keeps the search's own notes (how it was found, recorded examples); without it only
    the counterexample and what makes it one are printed.
    """
    lines = []
    for k, s in enumerate(result.steps, 1):
        found = s.outcome.counterexample
        if not found:
            continue
        ref = rf"\eqref{{{label('eq', result.theorem.id, f'step{k}')}}}"
        lines.append(rf"\noindent\emph{{Counterexample to {ref}:}}")
        lines.append(r"\[" + named_latex(found) + r"\]")
        notes = counterexample_notes(s.outcome, log=log)
        if notes:
            lines.append(r"\begin{itemize}\setlength{\itemsep}{0pt}")
            for line, more in notes:
                lines.append((r"\item[] \quad " if more else r"\item ") + text_latex(line, refs))
            lines.append(r"\end{itemize}")
    return lines


def errata_rows(errata: Sequence[Erratum], refs: dict[str, str]) -> list[str]:
    """One ``tabular`` row per erratum: number, what the post says and where, correction, backing."""
    from ..maths.errata import POST_PLACES

    rows = []
    for e in errata:
        if e.backed_by is None:  # a bibliographic erratum: its source instead of a theorem
            backed = text_latex(e.source)
        else:
            backed = ", ".join(
                refs.get(tid)
                or r"\texttt{" + latex_escape(tid).replace(r"\_", r"\_\allowbreak{}") + "}"
                for tid in e.backings
            )
        where = POST_PLACES.get(e.number)
        where_tex = rf"\newline{{\footnotesize({text_latex(where)})}}" if where else ""
        says = text_latex(e.seed_says)
        right = _claim_latex(_in_post_words(e.correction), refs)
        rows.append(rf"{e.number} & ``{says}''{where_tex} & {right} & {backed} \\")
    return rows


def errata_table(errata: Sequence[Erratum], refs: dict[str, str], *, small: bool = True) -> str:
    """The errata as a long table (article documents)."""
    head = (
        r"\begin{longtable}{@{}>{\raggedright}p{0.04\linewidth}>{\raggedright}p{0.3\linewidth}"
        r">{\raggedright}p{0.44\linewidth}>{\raggedright\arraybackslash}p{0.14\linewidth}@{}}"
        "\n"
        r"\toprule \# & the post says & correction & backed by \\ \midrule \endhead"
    )
    body = "\n".join(errata_rows(errata, refs))
    table = head + "\n" + body + "\n" + r"\bottomrule" + "\n" + r"\end{longtable}"
    return (r"{\small" + "\n" + table + "}") if small else table


def figure_latex(figure: FigureRef, *, width: str = r"0.92\linewidth") -> str:
    """A figure placed exactly here (float ``H``), with its caption and label."""
    return "\n".join(
        [
            r"\begin{figure}[H]\centering",
            rf"\includegraphics[width={width}]{{{figure.path}}}",
            rf"\caption{{{text_latex(figure.caption)}}}\label{{{label('fig', figure.name)}}}",
            r"\end{figure}",
        ]
    )


def find_pdflatex() -> str | None:
    """The pdflatex executable, or None."""
    return shutil.which("pdflatex")


_OVERFULL = re.compile(r"^Overfull \\([hv])box \(([\d.]+)pt too (?:wide|high)\)(.*)$", re.M)


def overfull_boxes(log: str, limit: float = 1.0) -> list[str]:
    r"""The overfull boxes of a pdflatex log wider or higher than `limit` points.

    Examples
    --------
    >>> log = "Overfull \\hbox (33.8pt too wide) in paragraph at lines 3--4\n"
    >>> log += "Overfull \\vbox (0.6pt too high) detected at line 9\n"
    >>> overfull_boxes(log)
    ['hbox 33.8 pt too large in paragraph at lines 3--4']
    """
    return [
        f"{kind}box {size} pt too large{where}"
        for kind, size, where in _OVERFULL.findall(log)
        if float(size) > limit
    ]


def compile_pdf(
    tex: str,
    assets: dict[str, Path] | None = None,
    *,
    timeout: float = 120,
    runs: int = 2,
    recorder: bool = False,
    log: list[str] | None = None,
) -> tuple[bytes, list[str]]:
    """Compile `tex` in a fresh temporary directory; return the PDF bytes and the files read.

    `assets` maps names used in the document to files copied beside it; a `log` list receives
    the text of the last run's pdflatex log. Raises TeXError (with the end of the log) when
    pdflatex is missing, fails, times out or writes no PDF.
    """
    exe = find_pdflatex()
    if exe is None:
        raise TeXError(
            "pdflatex was not found; install TeX Live (Debian: apt-get install "
            "texlive-latex-base texlive-latex-recommended)"
        )
    from ..runtime.jobs import die_with_parent

    with tempfile.TemporaryDirectory(prefix="symgrad-tex-") as tmp:
        job = Path(tmp)
        (job / "doc.tex").write_text(tex, encoding="utf-8")
        for name, src in (assets or {}).items():
            target = job / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(src, target)
        env = {**os.environ, "openin_any": "p", "openout_any": "p", "shell_escape": "f"}
        cmd = [
            exe,
            "-no-shell-escape",
            "-interaction=nonstopmode",
            "-halt-on-error",
            "-file-line-error",
            *(["-recorder"] if recorder else []),
            "doc.tex",
        ]
        for _ in range(runs):
            try:
                proc = subprocess.run(
                    cmd,
                    cwd=job,
                    env=env,
                    preexec_fn=die_with_parent(),  # also when this process is killed
                    stdin=subprocess.DEVNULL,
                    capture_output=True,
                    timeout=timeout,
                    check=False,
                )
            except subprocess.TimeoutExpired:
                raise TeXError(
                    f"pdflatex ran longer than timeout={timeout} s and was stopped"
                ) from None
            if proc.returncode != 0:
                tail = proc.stdout.decode("utf-8", "replace").strip().splitlines()[-15:]
                raise TeXError("pdflatex failed:\n" + "\n".join(tail))
        pdf = job / "doc.pdf"
        if not pdf.is_file() or pdf.stat().st_size == 0:
            raise TeXError("pdflatex reported success but wrote no PDF")
        if log is not None and (job / "doc.log").is_file():
            log.append((job / "doc.log").read_text(encoding="utf-8", errors="replace"))
        read = []
        if recorder and (job / "doc.fls").is_file():
            for line in (
                (job / "doc.fls").read_text(encoding="utf-8", errors="replace").splitlines()
            ):
                if line.startswith("INPUT "):
                    read.append(
                        str((job / line[6:]).resolve())
                        if not line[6:].startswith("/")
                        else line[6:]
                    )
        return pdf.read_bytes(), read
