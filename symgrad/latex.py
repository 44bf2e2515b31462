"""The LaTeX derivations document, and a safe pdflatex run.

The document is a standalone ``article`` (amsmath, amssymb, amsthm, graphicx, booktabs):
title, conventions, one section per catalogue section with a theorem environment per
theorem — statement, the derivation as a numbered chain with each line's justification and
evidence level beside it, references — the refuted claims with their counterexamples, the
errata of the seed, the figures, and an appendix of every check that ran.

Safety: free text is escaped completely (:func:`symgrad.display.latex_escape`); labels are
built only from identifiers matching ``[a-z0-9_]+``; non-ASCII characters are declared one by
one from a fixed table (anything else becomes ``?``). pdflatex runs with shell escape off,
``openin_any=p openout_any=p``, in a fresh temporary directory, stdin closed, under a hard
timeout; the return code and a fresh PDF are both checked.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from .display import latex_escape, outcome_facts
from .errors import InvalidArgumentError, TeXError

if TYPE_CHECKING:
    from .errata import Erratum
    from .proof import Step, Theorem, TheoremResult

__all__ = [
    "build_document",
    "compile_pdf",
    "derivation_rows",
    "find_pdflatex",
    "jupyter_latex",
    "rich_text",
    "snippet",
]

_ID = re.compile(r"^[a-z][a-z0-9_]*$")

#: Non-ASCII characters the documents may contain, and how LaTeX should typeset them.
UNICODE = {
    "ℓ": r"\ensuremath{\ell}",
    "σ": r"\ensuremath{\sigma}",
    "γ": r"\ensuremath{\gamma}",
    "η": r"\ensuremath{\eta}",
    "λ": r"\ensuremath{\lambda}",
    "ρ": r"\ensuremath{\rho}",
    "Ω": r"\ensuremath{\Omega}",
    "ε": r"\ensuremath{\varepsilon}",
    "θ": r"\ensuremath{\theta}",
    "φ": r"\ensuremath{\varphi}",
    "τ": r"\ensuremath{\tau}",
    "Σ": r"\ensuremath{\Sigma}",
    "Π": r"\ensuremath{\Pi}",
    "Λ": r"\ensuremath{\Lambda}",
    "δ": r"\ensuremath{\delta}",
    "α": r"\ensuremath{\alpha}",
    "ξ": r"\ensuremath{\xi}",
    "π": r"\ensuremath{\pi}",
    "Δ": r"\ensuremath{\Delta}",
    "ĝ": r"\ensuremath{\hat g}",
    "ŷ": r"\ensuremath{\hat y}",
    "½": r"\ensuremath{\tfrac12}",
    "ℂ": r"\ensuremath{\mathbb{C}}",
    "↦": r"\ensuremath{\mapsto}",
    "∠": r"\ensuremath{\angle}",
    "∩": r"\ensuremath{\cap}",
    "⟨": r"\ensuremath{\langle}",
    "⟩": r"\ensuremath{\rangle}",
    "←": r"\ensuremath{\leftarrow}",
    "ˣ": r"\ensuremath{^{x}}",
    "∂": r"\ensuremath{\partial}",
    "∇": r"\ensuremath{\nabla}",
    "∏": r"\ensuremath{\prod}",
    "∑": r"\ensuremath{\sum}",
    "√": r"\ensuremath{\surd}",
    "∞": r"\ensuremath{\infty}",
    "‖": r"\ensuremath{\|}",
    "≤": r"\ensuremath{\le}",
    "≥": r"\ensuremath{\ge}",
    "≠": r"\ensuremath{\ne}",
    "≈": r"\ensuremath{\approx}",
    "→": r"\ensuremath{\to}",
    "⇒": r"\ensuremath{\Rightarrow}",
    "⇔": r"\ensuremath{\Leftrightarrow}",
    "⋯": r"\ensuremath{\cdots}",
    "…": r"\ldots{}",
    "·": r"\ensuremath{\cdot}",
    "⋅": r"\ensuremath{\cdot}",
    "×": r"\ensuremath{\times}",
    "−": r"\ensuremath{-}",
    "∓": r"\ensuremath{\mp}",
    "±": r"\ensuremath{\pm}",
    "⊙": r"\ensuremath{\odot}",
    "∈": r"\ensuremath{\in}",
    "ℝ": r"\ensuremath{\mathbb{R}}",
    "∼": r"\ensuremath{\sim}",
    "′": r"\ensuremath{'}",
    "″": r"\ensuremath{''}",
    "‴": r"\ensuremath{'''}",
    "⁺": r"\ensuremath{^{+}}",
    "⁻": r"\ensuremath{^{-}}",
    "⁽": r"\ensuremath{^{(}}",
    "⁾": r"\ensuremath{^{)}}",
    "ᵗ": r"\ensuremath{^{t}}",
    "ᵏ": r"\ensuremath{^{k}}",
    "ⁱ": r"\ensuremath{^{i}}",
    "ⁿ": r"\ensuremath{^{n}}",
    "ᵀ": r"\ensuremath{^{\mathsf T}}",
    "⁰": r"\ensuremath{^{0}}",
    "¹": r"\ensuremath{^{1}}",
    "²": r"\ensuremath{^{2}}",
    "³": r"\ensuremath{^{3}}",
    "⁴": r"\ensuremath{^{4}}",
    "ᵢ": r"\ensuremath{_{i}}",
    "ⱼ": r"\ensuremath{_{j}}",
    "ₖ": r"\ensuremath{_{k}}",
    "ₜ": r"\ensuremath{_{t}}",
    "ₙ": r"\ensuremath{_{n}}",
    "ₘ": r"\ensuremath{_{m}}",
    "₀": r"\ensuremath{_{0}}",
    "₁": r"\ensuremath{_{1}}",
    "₂": r"\ensuremath{_{2}}",
    "₃": r"\ensuremath{_{3}}",
    "“": "``",
    "”": "''",
    "’": "'",
    "‘": "`",
    "–": "--",
    "—": "---",
    "•": r"\textbullet{}",
    "✓": r"\ensuremath{\checkmark}",
    "■": r"\ensuremath{\blacksquare}",
    "†": r"\dag{}",
    "✗": r"\ensuremath{\times}",
    "≡": r"\ensuremath{\equiv}",
    "°": r"\ensuremath{^\circ}",
    "§": r"\S{}",
    "é": r"\'e",
    "ö": r"\"o",
    "ü": r"\"u",
}


def _declarations(text: str) -> str:
    used = sorted({c for c in text if ord(c) > 127 and c in UNICODE})
    return "\n".join(rf"\DeclareUnicodeCharacter{{{ord(c):04X}}}{{{UNICODE[c]}}}" for c in used)


def _scrub(text: str) -> str:
    """Replace non-ASCII characters that have no declaration by '?'."""
    return "".join(c if ord(c) < 128 or c in UNICODE else "?" for c in text)


def _label(*parts: str) -> str:
    for part in parts:
        if not _ID.match(part):
            raise InvalidArgumentError(f"label part={part!r} must match [a-z][a-z0-9_]*")
    return ":".join(parts).replace("_", "-")


_GROUP = r"(\{[^{}]*\}|\([^()]*\)|[A-Za-z0-9α-ω]+)"
_SCRIPT = re.compile(
    r"(?<![A-Za-z_])([A-Za-zα-ωΑ-Ωℓ∇])(_|\^)" + _GROUP + r"(?:(_|\^)" + _GROUP + r")?"
)


def rich_text(text: str) -> str:
    r"""Escape free text for LaTeX, typesetting x_k, x_{t+1}, W^(k−t) and e^{iθ} as scripts.

    Only a single-letter base takes a script, so identifiers such as ``eta_decay`` stay as
    they are. Every piece is escaped; nothing in `text` can become a LaTeX command.

    Examples
    --------
    >>> print(rich_text("J_k ⋯ J_{t+1} and W^(k−t), not eta_decay"))
    J\textsubscript{k} ⋯ J\textsubscript{t+1} and W\textsuperscript{k−t}, not eta\_decay
    """
    out, last = [], 0
    for m in _SCRIPT.finditer(text):
        out.append(latex_escape(text[last : m.start()]))
        base, *scripts = m.groups()
        out.append(latex_escape(base))
        for kind, script in zip(scripts[::2], scripts[1::2], strict=True):
            if kind is None:
                continue
            if script[0] in "{(":
                script = script[1:-1]
            command = "textsubscript" if kind == "_" else "textsuperscript"
            out.append(f"\\{command}{{{latex_escape(script)}}}")
        last = m.end()
    out.append(latex_escape(text[last:]))
    return "".join(out)


def _breakable_id(text: str) -> str:
    """An identifier in typewriter type that may break after each underscore."""
    return r"\texttt{\footnotesize " + latex_escape(text).replace(r"\_", r"\_\allowbreak{}") + "}"


def _evidence_tag(level: str) -> str:
    return rf"\textsf{{\footnotesize[{level}]}}"


def _claim_math(step: Step) -> str:
    if step.latex:
        return step.latex
    return rf"\text{{\parbox[t]{{0.72\linewidth}}{{\raggedright {rich_text(step.claim)}}}}}"


def derivation_rows(
    theorem: Theorem, result: TheoremResult | None = None, *, numbered: bool = True
) -> list[str]:
    """The derivation as align rows: the relation, then its evidence level and justification.

    The one printer behind the document, ``--snippet`` and Jupyter's ``_repr_latex_``.
    """
    rows = []
    for k, step in enumerate(theorem.steps, 1):
        why = rich_text(step.justification + (f" ({step.source})" if step.source else ""))
        outcome = result.steps[k - 1] if result is not None else None
        verdict = "" if outcome is None else (" ok" if outcome.ok else r" \textbf{FAILED}")
        tag = rf"\label{{{_label('eq', theorem.id, f'step{k}')}}}" if numbered else ""
        note = rf"{_evidence_tag(step.evidence.value)}{verdict} \footnotesize {why}"
        rows.append(
            rf"&{_claim_math(step)} {tag}\\"
            "\n"
            rf"&\qquad\text{{\parbox[t]{{0.72\linewidth}}{{\raggedright {note}}}}}"
            + (r"\notag" if numbered else "")
        )
    return rows


def jupyter_latex(theorem: Theorem) -> str:
    """What Jupyter shows for a theorem: title, statement and the derivation rows."""
    rows = "\\\\\n".join(derivation_rows(theorem, numbered=False))
    statement = theorem.statement_latex or rf"\text{{{rich_text(theorem.statement)}}}"
    return (
        rf"$$\textbf{{{rich_text(theorem.title)}}}\quad {statement}$$"
        "\n"
        rf"$$\begin{{aligned}}{rows}\end{{aligned}}$$"
    )


def snippet(theorem: Theorem, result: TheoremResult | None = None) -> str:
    """A theorem as a LaTeX fragment for lecture notes: theorem environment and derivation."""
    tid = theorem.id
    lines = [rf"\begin{{theorem}}[{rich_text(theorem.title)}]\label{{{_label('thm', tid)}}}"]
    lines.append(rich_text(theorem.statement))
    if theorem.statement_latex:
        lines += [r"\[", theorem.statement_latex, r"\]"]
    lines.append(r"\end{theorem}")
    if theorem.convention:
        lines.append(rf"\noindent\emph{{Convention.}} {rich_text(theorem.convention)}\par")
    if theorem.assumptions:
        lines.append(
            r"\noindent\emph{Assumptions.} "
            + "; ".join(rich_text(a) for a in theorem.assumptions)
            + r"\par"
        )
    if theorem.proof:
        lines.append(rf"\begin{{proof}}[Proof idea]{rich_text(theorem.proof)}\end{{proof}}")
    lines.append(r"\noindent\emph{Derivation.}")
    lines.append(r"\begin{align}")
    lines.append("\\\\\n".join(derivation_rows(theorem, result, numbered=True)))
    lines.append(r"\end{align}")
    if result is not None:
        for k, s in enumerate(result.steps, 1):
            if s.outcome.counterexample:
                lines.append(
                    rf"\noindent\emph{{Counterexample (step \eqref{{{_label('eq', tid, f'step{k}')}}}):}} "
                    rf"\texttt{{{rich_text(' '.join(s.outcome.counterexample.split()))}}}\par"
                )
                if s.outcome.details:
                    lines.append(r"\begin{itemize}\itemsep0pt")
                    lines += [rf"\item {rich_text(d)}" for d in s.outcome.details]
                    lines.append(r"\end{itemize}")
    if theorem.references:
        lines.append(
            r"\noindent\emph{References.} "
            + "; ".join(rich_text(r) for r in theorem.references)
            + r"\par"
        )
    return "\n".join(lines)


_PREAMBLE = r"""\documentclass[11pt]{article}
\usepackage[utf8]{inputenc}
\usepackage[T1]{fontenc}
\usepackage{lmodern}
\usepackage[margin=2.2cm]{geometry}
\usepackage{amsmath,amssymb,amsthm}
\usepackage{graphicx}
\usepackage{booktabs}
\usepackage{array}
\usepackage{hyperref}
\newtheorem{theorem}{Theorem}[section]
\allowdisplaybreaks
\setlength{\parindent}{0pt}
\setlength{\parskip}{4pt}
\setlength{\emergencystretch}{3em}
\sloppy
"""

_CONVENTIONS = (
    r"\section*{Conventions}"
    "\n"
    r"\begin{itemize}"
    "\n"
    r"\item Model A (default): $a^{(t)} = W h^{(t-1)} + U x^{(t)} + b$, $h^{(t)} = \sigma(a^{(t)})$."
    " Model B (Pascanu et al.): $x_t = W\\sigma(x_{t-1}) + U u_t + b$; its state $x_t$ is Model A's"
    r" pre-activation."
    "\n"
    r"\item Column vectors. Jacobians in numerator layout, $J_{ij} = \partial(\text{new})_i /"
    r" \partial(\text{old})_j$: Model A $J_t = \operatorname{diag}(\sigma'(a^{(t)}))W$, Model B"
    r" $J_t = W\operatorname{diag}(\sigma'(x_{t-1}))$; the denominator layout is the transpose."
    "\n"
    r"\item The later step is $k$, the earlier $t$ ($k \ge t$); products over a lag are written"
    r" latest factor first, $J_k J_{k-1}\cdots J_{t+1}$."
    "\n"
    r"\item Norm means the spectral norm $\|\cdot\|_2$; $\lambda_1 = \|W\|_2$ (largest singular"
    r" value), $\gamma = \sup_x|\sigma'(x)|$, $\eta = \lambda_1\gamma$."
    "\n"
    r"\item Evidence: \textsf{proved} (symbolic for all sizes, or a certificate), \textsf{checked}"
    r" (exact arithmetic on stated instances), \textsf{tested} (property-based: examples,"
    r" tolerance, seed), \textsf{cited} (a named standard lemma, also tested), \textsf{refuted}"
    r" (a false claim with its shrunk counterexample)."
    "\n"
    r"\end{itemize}"
    "\n"
)


def build_document(
    results: Sequence[TheoremResult],
    *,
    sections: dict[str, str],
    figures: dict[str, str] | None = None,
    title: str = "Exploding and vanishing gradients in recurrent networks: derivations",
    versions: dict[str, str] | None = None,
    errata: Sequence[Erratum] | None = None,
) -> str:
    """The full document for theorem results (from :func:`symgrad.proof.run_theorems`).

    `figures` maps a figure name to a file name relative to the document; `title` is free
    text and is escaped.
    """
    from .render.figures import FIGURES

    body = [
        r"\title{" + rich_text(title) + "}",
        r"\author{symgrad " + rich_text((versions or {}).get("symgrad", "")) + "}",
        r"\date{}",
        r"\begin{document}",
        r"\maketitle",
        r"\tableofcontents",
        _CONVENTIONS,
    ]
    current = None
    for result in results:
        section = sections.get(result.theorem.id, "Other results")
        if section != current:
            current = section
            body.append(rf"\section{{{rich_text(section)}}}")
        body.append(snippet(result.theorem, result))
    if errata:
        body += [
            r"\section{Errata of the seed blog post}",
            r"{\small\begin{tabular}{@{}p{0.03\linewidth}p{0.29\linewidth}p{0.42\linewidth}p{0.18\linewidth}@{}}",
            r"\toprule \# & the seed says & correction & backed by \\ \midrule",
        ]
        for e in errata:
            body.append(
                rf"{e.number} & {rich_text(e.seed_says)} & {rich_text(e.correction)} & "
                rf"{_breakable_id(e.backed_by) if e.backed_by else rich_text(e.source)} \\"
            )
        body += [r"\bottomrule", r"\end{tabular}}"]
    if figures:
        body.append(r"\section{Figures}")
        for name, path in figures.items():
            caption = FIGURES[name].caption if name in FIGURES else name
            safe_path = path if re.match(r"^[A-Za-z0-9_./-]+$", path) else None
            if safe_path is None:
                raise InvalidArgumentError(
                    f"figure path={path!r} may use only letters, digits, _ . / -"
                )
            body += [
                r"\begin{figure}[ht]\centering",
                rf"\includegraphics[width=0.9\linewidth]{{{safe_path}}}",
                rf"\caption{{{rich_text(caption)}}}\label{{{_label('fig', name)}}}",
                r"\end{figure}",
            ]
    body.append(r"\appendix")
    body.append(r"\section{Every check that ran}")
    if versions:
        body.append(
            r"Package versions: "
            + ", ".join(rf"{rich_text(k)} {rich_text(v)}" for k, v in versions.items())
            + "."
        )
    for result in results:
        body.append(rf"\subsection*{{\texttt{{{rich_text(result.theorem.id)}}}}}")
        body.append(r"\begin{itemize}\itemsep0pt\small")
        for k, s in enumerate(result.steps, 1):
            facts = [f"[{s.step.evidence.value}] {s.outcome.checked}", *outcome_facts(s)]
            facts.append("result: " + ("ok" if s.ok else "FAILED"))
            body.append(rf"\item Step {k}: " + rich_text(" — ".join(facts)))
        body.append(r"\end{itemize}")
    body.append(r"\end{document}")
    text = _scrub("\n".join(body))
    return _PREAMBLE + _declarations(text) + "\n" + text + "\n"


def find_pdflatex() -> str | None:
    """The pdflatex executable, or None."""
    return shutil.which("pdflatex")


def compile_pdf(
    tex: str,
    assets: dict[str, Path] | None = None,
    *,
    timeout: float = 120,
    runs: int = 2,
    recorder: bool = False,
) -> tuple[bytes, list[str]]:
    """Compile `tex` in a fresh temporary directory; return the PDF bytes and the files read.

    `assets` maps names used in the document to files copied beside it. Raises TeXError
    (with the end of the log) when pdflatex is missing, fails, times out or writes no PDF.
    """
    exe = find_pdflatex()
    if exe is None:
        raise TeXError(
            "pdflatex was not found; install TeX Live (Debian: apt-get install "
            "texlive-latex-base texlive-latex-recommended)"
        )
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
