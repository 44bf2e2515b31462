"""``symgrad report``: verify the catalogue and write the teaching bundle.

Three LaTeX documents from one run, each as ``.tex`` and (when pdflatex is installed)
``.pdf``: DIR/handout (for students: statements, derivations, figures, refuted claims),
DIR/slides (Beamer, lecture order) and DIR/derivations (the full verification record with its
appendix of every check); DIR/site/ (the catalogue as a static web site, HTML with MathML,
:mod:`symgrad.render.site`); DIR/figures/*.pdf and *.png; DIR/results.json. The bundle is built in a
private staging folder beside DIR and replaces DIR as a whole at the end
(:func:`symgrad.runtime.files.staged_directory`), so an interrupted or failed run never leaves a
half-written or mixed bundle, and a run without PDFs leaves no PDF of an earlier run.

Student documents are never written with a FAILED or undecided step in them: when a
theorem did not hold (or was not decided), the report writes the record (which shows every
verdict), the figures and results.json, withholds the handout, the slides and the site, and
names the theorems that stopped them (:attr:`Report.stopped`).
"""

from __future__ import annotations

import json
import os
import platform
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from . import __version__
from .errors import InvalidArgumentError, check_stream
from .kernel.catalogue import load_catalogue, sections
from .kernel.proof import RunSettings, TheoremResult, Verdict
from .kernel.runner import run_theorems
from .maths.errata import ERRATA
from .render.document import PAPERS, compile_pdf, find_pdflatex
from .render.figures import FIGURES, figure_ref, render_figure
from .render.handout import build_handout
from .render.printing import result_json
from .render.record import build_record
from .render.site import SITE_DIR, build_site
from .render.slides import DECKS, build_slides
from .render.slides import RUNS as SLIDE_RUNS
from .runtime.files import staged_directory, write_atomic
from .runtime.limits import remaining_seconds

__all__ = [
    "BUNDLE_NAMES",
    "DOCUMENTS",
    "LATEX_DOCUMENTS",
    "STUDENT_DOCUMENTS",
    "Report",
    "make_report",
    "versions",
]

#: The documents a report writes, by name, with what each is.
DOCUMENTS = {
    "handout": "student handout",
    "slides": "Beamer slides",
    "derivations": "full verification record",
    SITE_DIR: "web site of the catalogue (HTML with MathML)",
}

#: The LaTeX documents: DIR/NAME.tex, and DIR/NAME.pdf when pdflatex is installed. The other
#: document, the site, is the folder DIR/site/ (its pages link each other and its figures).
LATEX_DOCUMENTS = ("handout", "slides", "derivations")

#: The documents for students: written only when every theorem holds or is refuted.
STUDENT_DOCUMENTS = ("handout", "slides", SITE_DIR)

#: the names a report writes in DIR
BUNDLE_NAMES = (
    *(f"{stem}.{ext}" for stem in LATEX_DOCUMENTS for ext in ("tex", "pdf")),
    SITE_DIR,
    "figures",
    "results.json",
)


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
    pdfs: dict[str, Path] = field(default_factory=dict)
    removed: list[Path] = field(default_factory=list)
    #: the documents not written because a theorem FAILED or was undecided
    withheld: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(r.ok for r in self.results)

    @property
    def stopped(self) -> list[TheoremResult]:
        """The theorems that FAILED or were undecided (they withhold the student documents)."""
        return [r for r in self.results if r.verdict in (Verdict.FAILED, Verdict.UNDECIDED)]


def make_report(
    out: str | Path,
    *,
    settings: RunSettings | None = None,
    pdf: bool = True,
    progress: TextIO | None = None,
    ids: list[str] | None = None,
    paper: str = "a4",
    deck: str = "lecture",
) -> Report:
    """Verify the catalogue and write the bundle into `out` (created if needed).

    `paper` is ``"a4"`` (default) or ``"letter"`` for the handout and the record; `deck` is
    ``"lecture"`` (default, the 90-minute lecture) or ``"full"`` (every theorem) for the slides.
    """
    start = time.perf_counter()
    check_stream("progress", progress)
    if paper not in PAPERS:
        raise InvalidArgumentError(f"paper={paper!r} must be one of: {', '.join(PAPERS)}")
    if deck not in DECKS:
        raise InvalidArgumentError(f"deck={deck!r} must be one of: {', '.join(DECKS)}")
    final = Path(os.path.abspath(out))  # staged_directory checks it before any work
    earlier = [
        final / f"{stem}.pdf" for stem in LATEX_DOCUMENTS if (final / f"{stem}.pdf").is_file()
    ]
    with staged_directory(final) as stage:
        report = _make(stage, settings or RunSettings(), pdf, progress, ids, start, paper, deck)
    report.files = [final / p.relative_to(stage) for p in report.files]
    report.pdfs = {stem: final / p.relative_to(stage) for stem, p in report.pdfs.items()}
    report.pdf = report.pdfs.get("derivations")
    # the whole bundle was replaced: an earlier PDF without a new one is gone with it
    report.removed = [p for p in earlier if p not in report.pdfs.values()]
    return report


def _say(progress: TextIO | None, message: str) -> None:
    if progress is not None:
        print(f"symgrad report: {message}", file=progress, flush=True)


def _make(
    out: Path,
    settings: RunSettings,
    pdf: bool,
    progress: TextIO | None,
    ids: list[str] | None,
    start: float,
    paper: str,
    deck: str,
) -> Report:
    theorems = load_catalogue(ids)
    _say(progress, f"verifying {len(theorems)} theorems")
    results = run_theorems(theorems, settings, progress)
    report = Report(results)
    figures_dir = out / "figures"
    figures = []
    for name in FIGURES:
        _say(progress, f"figure {name}")
        for ext in ("pdf", "png"):
            path = render_figure(name, figures_dir / f"{name}.{ext}")
            report.files.append(path)
        report.files.append(render_figure(name, figures_dir / f"{name}-slides.pdf", slides=True))
        figures.append(figure_ref(name))
    info = versions()
    common = {"sections": sections(), "figures": figures, "errata": ERRATA}
    sources = {}
    if report.stopped:  # no student document shows a FAILED or undecided step
        report.withheld = list(STUDENT_DOCUMENTS)
        names = ", ".join(f"{r.theorem.id} ({r.verdict.value})" for r in report.stopped)
        _say(
            progress,
            f"not writing the handout, slides and site: {names}; the record shows every verdict",
        )
    else:
        sources["handout"] = build_handout(results, paper=paper, version=__version__, **common)
        sources["slides"] = build_slides(results, version=__version__, deck=deck, **common)
    sources["derivations"] = build_record(results, paper=paper, versions=info, **common)
    if not report.stopped:
        _say(progress, f"writing {SITE_DIR}/ ({DOCUMENTS[SITE_DIR]})")
        build_site(
            results,
            out / SITE_DIR,
            sections=common["sections"],
            errata=ERRATA,
            figures=list(FIGURES),
            version=__version__,
        )
        report.files.append(out / SITE_DIR / "index.html")  # the page to open; the rest beside it
    for stem, tex in sources.items():
        _say(progress, f"writing {stem}.tex ({DOCUMENTS[stem]})")
        write_atomic(out / f"{stem}.tex", tex)
        report.files.append(out / f"{stem}.tex")
    if pdf and find_pdflatex():
        _say(progress, "compiling " + ", ".join(f"{s}.pdf" for s in sources) + " with pdflatex")
        assets = {f.path: figures_dir / f"{f.name}.pdf" for f in figures}
        assets |= {f.slides_path: figures_dir / f"{f.name}-slides.pdf" for f in figures}
        with ThreadPoolExecutor(max_workers=len(sources)) as pool:
            jobs = {
                stem: pool.submit(
                    compile_pdf,
                    tex,
                    assets,
                    runs=SLIDE_RUNS if stem == "slides" else 2,
                    timeout=remaining_seconds(120),  # the command's deadline, when it has one
                )
                for stem, tex in sources.items()
            }
            compiled = {stem: job.result()[0] for stem, job in jobs.items()}
        for stem, data in compiled.items():
            write_atomic(out / f"{stem}.pdf", data)
            report.files.append(out / f"{stem}.pdf")
            report.pdfs[stem] = out / f"{stem}.pdf"
    elif pdf:
        report.pdf_note = (
            "no PDF: pdflatex is not installed (Debian/Ubuntu: apt-get install "
            "texlive-latex-base texlive-latex-recommended lmodern); the .tex files are ready"
        )
    report.seconds = time.perf_counter() - start
    payload = {
        "ok": report.ok,
        "verdicts": {v.value: sum(r.verdict is v for r in results) for v in Verdict},
        "stopped_by": {r.theorem.id: r.verdict.value for r in report.stopped},
        "withheld": report.withheld,
        "versions": info,
        "settings": {"examples": settings.examples, "seed": settings.seed},
        "seconds": round(report.seconds, 3),
        "pdf": "derivations.pdf" if report.pdfs else None,
        "documents": {
            **{
                stem: {
                    "what": what,
                    "tex": f"{stem}.tex",
                    "pdf": f"{stem}.pdf" if report.pdfs else None,
                }
                for stem, what in DOCUMENTS.items()
                if stem in sources
            },
            **(
                {}
                if report.stopped
                else {SITE_DIR: {"what": DOCUMENTS[SITE_DIR], "index": f"{SITE_DIR}/index.html"}}
            ),
        },
        "theorems": [result_json(r) for r in results],
    }
    results_path = out / "results.json"
    write_atomic(results_path, json.dumps(payload, indent=2, ensure_ascii=False, default=str))
    report.files.append(results_path)
    return report
