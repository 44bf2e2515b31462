"""``symgrad report``: verify the catalogue and write the teaching bundle.

DIR/derivations.tex, DIR/derivations.pdf (when pdflatex is installed), DIR/figures/*.pdf and
*.png, DIR/results.json. Every file is written through a temporary file and a rename, and the
PDF only after a successful compile, so an interrupted or failed run never leaves a
half-written file that looks complete.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__
from .catalogue import load_catalogue, sections
from .errata import ERRATA
from .errors import InvalidArgumentError
from .files import write_atomic
from .latex import build_document, compile_pdf, find_pdflatex
from .proof import RunSettings, TheoremResult, run_theorems
from .render.figures import FIGURES, render_figure

__all__ = ["Report", "make_report", "versions"]


def versions() -> dict[str, str]:
    """Versions of symgrad, Python and the packages results depend on."""
    import hypothesis
    import matplotlib
    import numpy
    import sympy

    return {
        "symgrad": __version__,
        "python": platform.python_version(),
        "sympy": sympy.__version__,
        "numpy": numpy.__version__,
        "hypothesis": hypothesis.__version__,
        "matplotlib": matplotlib.__version__,
    }


@dataclass
class Report:
    """What :func:`make_report` wrote and found."""

    results: list[TheoremResult]
    files: list[Path] = field(default_factory=list)
    pdf: Path | None = None
    pdf_note: str = ""
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.results)


def make_report(
    out: str | Path,
    *,
    settings: RunSettings | None = None,
    pdf: bool = True,
    progress: Callable[[str], None] | None = None,
    ids: list[str] | None = None,
) -> Report:
    """Verify the catalogue and write the bundle into `out` (created if needed)."""
    say = progress or (lambda _msg: None)
    start = time.perf_counter()
    final = Path(out)
    if final.exists() and not final.is_dir():
        raise InvalidArgumentError(f"output={str(final)!r} exists and is not a directory")
    final.parent.mkdir(parents=True, exist_ok=True)
    # everything is written into a hidden staging folder beside the output and moved into
    # place only at the end: a run that fails or is stopped leaves no half-finished bundle
    out = Path(tempfile.mkdtemp(prefix=f".{final.name}.staging-", dir=final.parent))
    try:
        return _make(final, out, settings or RunSettings(), pdf, say, ids, start)
    finally:
        shutil.rmtree(out, ignore_errors=True)


def _make(
    final: Path,
    out: Path,
    settings: RunSettings,
    pdf: bool,
    say: Callable[[str], None],
    ids: list[str] | None,
    start: float,
) -> Report:
    theorems = load_catalogue(ids)
    say(f"verifying {len(theorems)} theorems")
    results = run_theorems(theorems, settings, lambda t: say(f"  {t.id}"))
    report = Report(results)
    figures_dir = out / "figures"
    figure_files = {}
    for name in FIGURES:
        say(f"figure {name}")
        for ext in ("pdf", "png"):
            path = render_figure(name, figures_dir / f"{name}.{ext}")
            report.files.append(path)
        figure_files[name] = f"figures/{name}.pdf"
    say("writing derivations.tex")
    info = versions()
    tex = build_document(
        results, sections=sections(), figures=figure_files, versions=info, errata=ERRATA
    )
    tex_path = out / "derivations.tex"
    write_atomic(tex_path, tex)
    report.files.append(tex_path)
    if pdf and find_pdflatex():
        say("compiling derivations.pdf with pdflatex")
        data, _ = compile_pdf(tex, {f"figures/{n}.pdf": figures_dir / f"{n}.pdf" for n in FIGURES})
        report.pdf = out / "derivations.pdf"
        write_atomic(report.pdf, data)
        report.files.append(report.pdf)
    elif pdf:
        report.pdf_note = (
            "no PDF: pdflatex is not installed (Debian/Ubuntu: apt-get install "
            "texlive-latex-base texlive-latex-recommended); derivations.tex is ready"
        )
    report.seconds = time.perf_counter() - start
    payload = {
        "ok": report.ok,
        "versions": info,
        "settings": {"examples": settings.examples, "seed": settings.seed},
        "seconds": round(report.seconds, 3),
        "pdf": report.pdf.name if report.pdf else None,
        "theorems": [r.to_dict() for r in results],
    }
    results_path = out / "results.json"
    write_atomic(results_path, json.dumps(payload, indent=2, ensure_ascii=False, default=str))
    report.files.append(results_path)
    moved = []
    for path in report.files:
        target = final / path.relative_to(out)
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(path, target)
        moved.append(target)
    report.files = moved
    report.pdf = final / "derivations.pdf" if report.pdf else None
    return report
