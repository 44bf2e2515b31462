"""``symgrad report``: verify the catalogue and write the teaching bundle.

DIR/derivations.tex, DIR/derivations.pdf (when pdflatex is installed), DIR/figures/*.pdf and
*.png, DIR/results.json. The bundle is built in a private staging folder beside DIR and
replaces DIR as a whole at the end (:func:`symgrad.files.staged_directory`), so an
interrupted or failed run never leaves a half-written or mixed bundle.
"""

from __future__ import annotations

import json
import platform
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from . import __version__
from .catalogue import load_catalogue, sections
from .errata import ERRATA
from .files import check_destination, staged_directory, write_atomic
from .latex import build_document, compile_pdf, find_pdflatex
from .proof import RunSettings, TheoremResult, run_theorems
from .render.figures import FIGURES, render_figure

__all__ = ["BUNDLE_NAMES", "Report", "make_report", "versions"]

#: the names a report writes in DIR: an existing DIR holding only these may be replaced
BUNDLE_NAMES = ("derivations.tex", "derivations.pdf", "figures", "results.json")


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
    final = check_destination(out, kind="dir", replaceable=BUNDLE_NAMES)  # before any work
    with staged_directory(final, replaceable=BUNDLE_NAMES) as stage:
        report = _make(stage, settings or RunSettings(), pdf, say, ids, start)
    report.files = [final / p.relative_to(stage) for p in report.files]
    report.pdf = final / report.pdf.relative_to(stage) if report.pdf else None
    return report


def _make(
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
    return report
