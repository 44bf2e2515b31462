"""The handout, the slides and the record: what each contains, and that every PDF reads clean.

Compiling needs pdflatex and pdftotext: these tests fail in CI (where .ci/run installs TeX Live
and poppler) and skip with a message elsewhere.
"""

import os
import re
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor

import pytest
from _render_shared import catalogue_results

from symgrad.catalogue import sections
from symgrad.errata import ERRATA
from symgrad.errors import InvalidArgumentError
from symgrad.proof import Evidence, Outcome, Step, Theorem, run_theorems
from symgrad.render.document import FigureRef, compile_pdf, count_line, find_pdflatex
from symgrad.render.figures import FIGURES, render_figure
from symgrad.render.handout import build_handout
from symgrad.render.record import build_record
from symgrad.render.slides import STEPS_PER_FRAME, build_slides

SEED_TITLE = "The Issues on Training RNN"


def _need_tools():
    missing = [t for t in ("pdflatex", "pdftotext") if shutil.which(t) is None]
    if find_pdflatex() is None or missing:
        if os.environ.get("CI"):
            pytest.fail(f"{missing} missing in CI: .ci/run must install TeX Live and poppler")
        pytest.skip(f"{missing} not installed (apt-get install texlive-latex-recommended ...)")


@pytest.fixture(scope="module")
def results():
    return list(catalogue_results())


@pytest.fixture(scope="module")
def figures(tmp_path_factory):
    folder = tmp_path_factory.mktemp("figures")
    refs, files = [], {}
    for name, fig in FIGURES.items():
        files[f"figures/{name}.pdf"] = render_figure(name, folder / f"{name}.pdf")
        refs.append(FigureRef(name, f"figures/{name}.pdf", fig.caption))
    return refs, files


def _sources(results, figures):
    common = {"sections": sections(), "figures": figures, "errata": ERRATA}
    return {
        "handout": build_handout(results, **common),
        "slides": build_slides(results, **common),
        "record": build_record(results, versions={"symgrad": "test"}, **common),
    }


# What must never appear in the text of a PDF: SymPy's str() notation, a lost character, a
# script written out in text mode. Code identifiers (eta_decay, Matrix.l2_opNorm) may keep
# their underscores; a script such as x_t, ‖W‖_F or h_{t-1} may not.
BAD = {
    "SymPy Sum": r"Sum\(",
    "SymPy Product": r"Product\(",
    "power written **": r"\*\*",
    "sqrt(": r"sqrt\(",
    "Matrix(": r"Matrix\(",
    "* between symbols": r"[\w)\]]\s?\*\s?[\w(]",
    "a lost character": r"\?|\[U\+[0-9A-F]{4}\]",
    "literal caret": r"\^|ˆ",
    "literal subscript": r"(?:^|[^A-Za-z0-9])[A-Za-z0-9]_|[)\]}‖|]_|_[{(]",
    "NumPy array": r"\[\[",
    "e-notation": r"\d(?:\.\d+)?e[+-]?\d",
}


def text_problems(text, exempt=frozenset()):
    """Lines of `text` with a forbidden pattern, as (what, line); `exempt` lines are skipped."""
    found = []
    for line in text.splitlines():
        if line.strip() in exempt:
            continue
        for what, pattern in BAD.items():
            if re.search(pattern, line):
                found.append((what, line))
    return found


def _pdftotext(path):
    return subprocess.run(
        ["pdftotext", "-enc", "UTF-8", str(path), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_the_text_check_catches_what_it_forbids():
    for bad in (
        "Sum(∂L/∂h, (k, t, T))",
        "x**2",
        "2*k",
        "(e? − 1)",
        "J_ij",
        "‖W‖_F",
        "W^k",
        "[[0.9, 1.]]",
        "1.39e-60",
        "SΛˆk",
        "sqrt(2)",
        "Matrix([1])",
        "[U+2082]",
    ):
        assert text_problems(bad), bad
    for good in ("‖W‖F ≤ Σ|wij|", "Matrix.l2_opNorm_mul", "eta_decay", "1.39 × 10−60", "x⋅y"):
        assert not text_problems(good), good


def test_every_generated_pdf_reads_as_mathematics(results, figures, tmp_path):
    _need_tools()
    refs, files = figures
    # text drawn inside a figure is the figure's own (checked with the figures), not ours
    exempt = frozenset(line.strip() for f in files.values() for line in _pdftotext(f).splitlines())
    sources = _sources(results, refs)
    with ThreadPoolExecutor(max_workers=3) as pool:
        pdfs = dict(
            zip(
                sources, pool.map(lambda t: compile_pdf(t, files)[0], sources.values()), strict=True
            )
        )
    for name, data in pdfs.items():
        path = tmp_path / f"{name}.pdf"
        path.write_bytes(data)
        text = _pdftotext(path)
        problems = text_problems(text, exempt)
        assert problems == [], (name, problems[:10])
        assert SEED_TITLE in " ".join(text.split()), name  # the blog post is named
        info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
        assert re.search(r"Title:\s+Exploding and vanishing gradients", info), name


def test_handout_has_no_check_log_and_the_record_has_all(results):
    sources = _sources(results, [])
    handout, record = sources["handout"], sources["record"]
    assert "Every check that ran" not in handout and r"\checkmark" not in handout
    assert "Every check that ran" in record and r"\checkmark" in record
    assert "FAILED" not in handout
    for doc in sources.values():
        assert r"\usepackage[hidelinks]{hyperref}" in doc or "beamer" in doc
        assert " ok " not in doc and r"\sgevidence{proved} ok" not in doc


def test_errata_appear_once_and_name_the_blog_post(results):
    for name, doc in _sources(results, []).items():
        assert doc.count("the post says") == (1 if name != "slides" else doc.count("toprule")), name
        assert doc.count(SEED_TITLE) == 1, name
    handout = _sources(results, [])["handout"]
    assert r"\label{thm:seed-errata}" not in handout  # the table stands for the registry check


def test_figures_sit_right_after_the_theorem_they_illustrate(results, figures):
    refs, _ = figures
    handout = build_handout(results, sections=sections(), figures=refs, errata=ERRATA)
    for ref in refs:
        where = handout.index(f"{{{ref.path}}}")
        before = handout[:where]
        last_theorem = before.rindex(r"\label{thm:")
        assert before.count(r"\begin{figure}[H]") >= 1
        # no other theorem starts between the theorem and its figure
        assert r"\begin{theorem}" not in before[last_theorem:]
        assert r"\section{Figures}" not in handout


def test_a_selection_shows_only_what_was_selected(results, figures):
    refs, _ = figures
    chosen = [r for r in results if r.theorem.id == "eta_decay"]
    for build in (build_handout, build_record, build_slides):
        kwargs = {"versions": {"symgrad": "t"}} if build is build_record else {}
        doc = build(chosen, sections=sections(), figures=refs, errata=ERRATA, **kwargs)
        assert "the post says" not in doc  # no errata table without the errata entry
        assert "figures/jacobian_norms.pdf" in doc
        assert "figures/activations.pdf" not in doc
        assert set(re.findall(r"\\label\{thm:([a-z-]+)\}", doc)) == {"eta-decay"}


def test_the_count_line_tells_theorems_from_refuted_claims():
    def ok(settings):
        return Outcome(True, "ran")

    def bad(settings):
        return Outcome(False, "ran")

    held = Theorem("a", "A", "s", [Step("x = x", "j", Evidence.PROVED, ok)])
    refuted = Theorem("b", "B", "s", [Step("x < x", "j", Evidence.REFUTED, ok)])
    broken = Theorem("c", "C", "s", [Step("x = y", "j", Evidence.CHECKED, bad)])
    line = count_line(run_theorems([held, refuted, broken]))
    assert line == "1 theorem holds, 1 false claim refuted, 1 FAILED"


def test_paper_size_is_a4_by_default_and_letter_on_request(results):
    one = results[:1]
    assert "a4paper" in build_handout(one, sections=sections())
    assert "letterpaper" in build_record(one, sections=sections(), paper="letter")
    with pytest.raises(InvalidArgumentError, match="paper"):
        build_handout(one, sections=sections(), paper="a5")


def test_slides_put_a_few_steps_and_one_figure_per_frame(results, figures):
    refs, _ = figures
    slides = build_slides(results, sections=sections(), figures=refs, errata=ERRATA)
    frames = slides.split(r"\begin{frame}")[1:]
    assert len(frames) > len(results) * 2
    for frame in frames:
        assert frame.count(r"\sgevidence{") <= STEPS_PER_FRAME
        assert frame.count(r"\includegraphics") <= 1
    order = [m.group(1) for m in re.finditer(r"\\label\{thm:([a-z-]+)\}", slides)]
    assert order == [
        r.theorem.id.replace("_", "-") for r in results if r.theorem.id != "seed_errata"
    ]


def test_a_failed_check_is_marked_even_in_the_handout():
    def bad(settings):
        return Outcome(False, "ran", left="1", right="2")

    broken = Theorem("c", "C", "s", [Step("x = y", "j", Evidence.CHECKED, bad)])
    handout = build_handout(run_theorems([broken]), sections={})
    assert r"\textbf{FAILED}" in handout
