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

from symgrad.errors import InvalidArgumentError
from symgrad.kernel.catalogue import sections
from symgrad.kernel.proof import Evidence, Outcome, Step, Theorem, run_theorems
from symgrad.maths.errata import ERRATA
from symgrad.render.document import compile_pdf, count_line, find_pdflatex, overfull_boxes
from symgrad.render.exercises import exercise_sheets
from symgrad.render.figures import FIGURES, figure_ref, render_figure
from symgrad.render.handout import build_handout
from symgrad.render.record import build_record
from symgrad.render.slides import STEPS_PER_FRAME, build_slides, load_plan
from symgrad.render.snippet import snippet_document, snippets
from symgrad.render.worked import worked_latex

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
    for name in FIGURES:
        ref = figure_ref(name)
        files[ref.path] = render_figure(name, folder / f"{name}.pdf")
        files[ref.slides_path] = render_figure(name, folder / f"{name}-s.pdf", slides=True)
        refs.append(ref)
    return refs, files


def _sources(results, figures):
    common = {"sections": sections(), "figures": figures, "errata": ERRATA}
    return {
        "handout": build_handout(results, **common),
        "slides": build_slides(results, **common),
        "full deck": build_slides(results, deck="full", **common),
        "record": build_record(results, versions={"symgrad": "test"}, **common),
    }


def _frames(slides):
    return slides.split(r"\begin{frame}")[1:]


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


# What a student document never says: the tools and the package's own checks, and jargon.
TOOL_WORDS = {
    "SymPy": r"SymPy",
    "NumPy": r"NumPy",
    "arb": r"\barb\b",
    "mathlib": r"mathlib",
    "Matrix.jacobian": r"Matrix\.jacobian",
    "seed": r"\bseed",
    "Phi(": r"Phi\(",
    "+ / −": r"\+ / −",
}


def tool_words(text):
    """(word, line) for each tool word in `text`; "seed" is allowed nowhere."""
    return [
        (what, line)
        for line in text.splitlines()
        for what, pattern in TOOL_WORDS.items()
        if re.search(pattern, line)
    ]


def test_the_tool_word_check_catches_what_it_forbids():
    for bad in (
        "checked by SymPy",
        "arb ball",
        "(mathlib Matrix.l2_opNorm_mul)",
        "Errata of the seed",
        "Phi(√2)",
        "x + / − 1",
        "NumPy's σ′",
    ):
        assert tool_words(bad), bad
    for good in ("Φ(√2)", "the blog post eq. (8)", "arbitrary", "x ± 1"):
        assert not tool_words(good), good


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
    logs = {name: [] for name in sources}

    def build(name):
        return compile_pdf(sources[name], files, runs=1 if "slides" in name else 2, log=logs[name])

    with ThreadPoolExecutor(max_workers=2) as pool:
        pdfs = dict(zip(sources, pool.map(lambda n: build(n)[0], sources), strict=True))
    for name, data in pdfs.items():
        # nothing runs off a page: wide relations are scaled, long frames shrunk on purpose
        assert overfull_boxes(logs[name][0]) == [], name
        path = tmp_path / f"{name}.pdf"
        path.write_bytes(data)
        text = _pdftotext(path)
        problems = text_problems(text, exempt)
        assert problems == [], (name, len(problems), problems)
        if name != "record":  # students read the mathematics; how it was checked is the record's
            assert tool_words(text) == [], (name, tool_words(text)[:10])
        assert SEED_TITLE in " ".join(text.split()), name  # the blog post is named
        info = subprocess.run(["pdfinfo", str(path)], capture_output=True, text=True).stdout
        assert re.search(r"Title:\s+Exploding and vanishing gradients", info), name


def test_the_exercises_worked_example_and_snippet_run_off_no_page(results):
    _need_tools()
    sheet, answers = exercise_sheets(0)
    fragment = snippets(results)
    docs = {
        "exercises": sheet,
        "solutions": answers,
        "worked example": worked_latex(2, 3),
        "snippet": snippet_document(fragment),
    }
    logs = {name: [] for name in docs}
    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(lambda n: compile_pdf(docs[n], log=logs[n]), docs))
    for name, log in logs.items():
        assert overfull_boxes(log[0]) == [], name


def test_the_overflow_check_reads_what_pdflatex_reports():
    _need_tools()
    log = []
    compile_pdf(
        "\\documentclass{article}\\begin{document}\\hbox to 2cm{\\hskip 3cm}\\end{document}",
        log=log,
    )
    (found,) = overfull_boxes(log[0])
    assert found.startswith("hbox 28.45") and "pt too large" in found  # 3 cm - 2 cm


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
        tables = doc.count("toprule") if name == "full deck" else (name != "slides")
        assert doc.count("the post says") == tables, name
        assert doc.count(SEED_TITLE) == 1 + (name in ("handout", "record")), name
    handout = _sources(results, [])["handout"]
    assert r"\label{thm:seed-errata}" not in handout  # the table stands for the registry check
    # an appendix, after every theorem, citing the post's own equation numbers
    appendix = handout[handout.index(r"\appendix") :]
    assert "the post says" in appendix and r"\begin{theorem}" not in appendix
    assert "below eq. (9)" in appendix


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
        if build is build_slides:
            kwargs = {"deck": "full"}
        doc = build(chosen, sections=sections(), figures=refs, errata=ERRATA, **kwargs)
        assert "the post says" not in doc  # no errata table without the errata entry
        assert re.search(r"figures/jacobian_norms(-slides)?\.pdf", doc)
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
    slides = build_slides(results, sections=sections(), figures=refs, errata=ERRATA, deck="full")
    frames = _frames(slides)
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


def test_an_undecided_step_is_marked_undecided_not_failed_in_the_record():
    from symgrad.errors import UndecidedError

    def gave_up(settings):
        raise UndecidedError("the certificate check stopped")

    stopped = Theorem("u", "U", "s", [Step("x = y", "j", Evidence.CHECKED, gave_up)])
    record = build_record(run_theorems([stopped]), sections={})
    rows = record[: record.index(r"\section{Every check that ran}")]
    assert r"\textbf{undecided}" in rows and "FAILED" not in rows


def test_the_lecture_deck_fits_a_90_minute_lecture_in_the_plans_order(results, figures):
    refs, _ = figures
    slides = build_slides(results, sections=sections(), figures=refs, errata=ERRATA)
    frames = _frames(slides)
    assert 30 <= len(frames) <= 45, len(frames)
    for frame in frames:
        assert frame.count(r"\sgevidence{") <= STEPS_PER_FRAME
        assert frame.count(r"\includegraphics") <= 1
    # the theorems appear in the plan's order, each once, and every figure in its slide version
    plan = load_plan()
    items = [i for _, show in plan.sections for i in show]
    planned = [
        i.replace("_", "-")
        for i in items
        if ":" not in i and i not in ("conventions", "exercises", "errata")
    ]
    order = [m.group(1) for m in re.finditer(r"\\label\{thm:([a-z-]+)\}", slides)]
    assert order == planned
    shown = re.findall(r"figures/([a-z_]+)-slides\.pdf", slides)
    assert shown == [i.removeprefix("figure:") for i in items if i.startswith("figure:")]
    assert "bifurcation" in shown
    # the linear case and clipping are one section each
    titles = re.findall(r"\\section\{([^}]*)\}", slides)
    assert len(titles) == len(set(titles))
    assert sum("linear" in t.lower() for t in titles) == 1
    assert sum("clipping" in f for f in frames if "Theorem" in f) >= 1
    assert slides.count("the post says") == 0 and SEED_TITLE in slides  # one frame, no table


def test_a_lecture_plan_of_your_own_is_read_and_checked(results, tmp_path):
    plan = tmp_path / "plan.toml"
    plan.write_text(
        '[[section]]\ntitle = "Only the bound"\nshow = ["one_step_bound", '
        '"derivation:one_step_bound"]\n',
        encoding="utf-8",
    )
    slides = build_slides(results, sections=sections(), plan=load_plan(plan))
    assert re.findall(r"\\label\{thm:([a-z-]+)\}", slides) == ["one-step-bound"]
    assert "Derivation" in slides and r"\section{Only the bound}" in slides
    for bad, what in (
        ("[[section]]\nshow = []\n", "needs a title"),
        ('[[section]]\ntitle = "x"\nshow = ["picture:eta"]\n', "item='picture:eta'"),
        ('exercises = [9]\n[[section]]\ntitle = "x"\n', "exercises=\\[9\\]"),
        ("title = \n", "not valid TOML"),
        ("", "no \\[\\[section\\]\\]"),
    ):
        plan.write_text(bad, encoding="utf-8")
        with pytest.raises(InvalidArgumentError, match=what):
            load_plan(plan)
    with pytest.raises(InvalidArgumentError, match="deck='short'"):
        build_slides(results, sections=sections(), deck="short")
