"""The LaTeX documents compile, carry every theorem, and cannot be made to read files.

Compiling needs pdflatex: these tests fail in CI (where .ci/run installs TeX Live) and skip
with a message elsewhere.
"""

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest
from _render_shared import catalogue_results

from symgrad.errors import InvalidArgumentError, TeXError
from symgrad.kernel.catalogue import sections
from symgrad.maths.errata import ERRATA
from symgrad.render.document import FigureRef, claim_latex, compile_pdf, find_pdflatex
from symgrad.render.record import build_record
from symgrad.render.snippet import jupyter_latex, snippet
from symgrad.render.texmath import latex_escape
from symgrad.runtime.files import write_atomic


def build_document(results, **kwargs):
    return build_record(results, **kwargs)


def _need_pdflatex():
    if find_pdflatex() is None:
        if os.environ.get("CI"):
            pytest.fail("pdflatex is missing in CI: .ci/run must install TeX Live")
        pytest.skip(
            "pdflatex is not installed (apt-get install texlive-latex-base "
            "texlive-latex-recommended poppler-utils)"
        )


@pytest.fixture(scope="module")
def results():
    return list(catalogue_results())


def _words(text):
    return re.sub(r"[^a-z0-9]+", " ", text.lower()).split()


def test_full_document_compiles_and_shows_every_theorem(results, tmp_path):
    _need_pdflatex()
    if shutil.which("pdftotext") is None:
        pytest.skip("pdftotext (poppler-utils) is not installed")
    tex = build_document(results, sections=sections(), versions={"symgrad": "test"}, errata=ERRATA)
    pdf, _ = compile_pdf(tex)
    (tmp_path / "d.pdf").write_bytes(pdf)
    info = subprocess.run(["pdfinfo", str(tmp_path / "d.pdf")], capture_output=True, text=True)
    pages = int(re.search(r"Pages:\s+(\d+)", info.stdout).group(1))
    assert pages >= 10
    text = subprocess.run(
        ["pdftotext", str(tmp_path / "d.pdf"), "-"], capture_output=True, text=True
    ).stdout
    # words of three letters or more: scripts (W^(k−t)) and symbols are laid out apart
    flat = " ".join(w for w in _words(text) if w.isalpha() and len(w) > 2)
    for r in results:
        title = " ".join(w for w in _words(r.theorem.title) if w.isalpha() and len(w) > 2)
        assert title in flat, r.theorem.id
    assert "the issues training rnn" in flat  # the blog post the errata correct, named
    assert "every check that ran" in flat


def test_document_has_no_sympy_internals(results):
    tex = build_document(results, sections=sections())
    for internal in ("DiagMatrix", "Lambda(", "ImmutableDenseMatrix", "_xi_", "Subs("):
        assert internal not in tex


def test_equations_are_numbered_and_cross_referenced(results):
    tex = build_document(results, sections=sections())
    labels = set(re.findall(r"\\label\{([^}]*)\}", tex))
    refs = set(re.findall(r"\\eqref\{([^}]*)\}", tex))
    assert refs and refs <= labels
    assert len(labels) == len(re.findall(r"\\label\{", tex))  # no label defined twice


INJECTIONS = [
    r"\input{/etc/passwd}",
    r"\openin5=/etc/passwd \read5 to\x \x",
    "^^5cinput{/etc/hostname}",
    r"$\immediate\write18{touch /tmp/symgrad-pwned}$",
    r"\catcode`\^=7 ^^5cinput /etc/passwd",
    "}\\end{document}\\input{/etc/passwd}",
]


@pytest.mark.parametrize("title", INJECTIONS)
def test_injection_in_a_title_reads_nothing_outside_tex_and_the_job(results, title):
    _need_pdflatex()
    tex = build_document(results[:1], sections=sections(), title=title)
    pdf, read = compile_pdf(tex, recorder=True)
    assert pdf.startswith(b"%PDF")
    allowed = (
        "/usr/share/texlive",
        "/usr/share/texmf",
        "/var/lib/texmf",
        "/etc/texmf",
        "/usr/share/fonts",
        str(Path(tempfile.gettempdir()) / "symgrad-tex-"),
    )
    outside = [f for f in read if not f.startswith(allowed)]
    assert outside == []
    assert not Path("/tmp/symgrad-pwned").exists()


def test_latex_escape_neutralises_every_special():
    escaped = latex_escape(r"\ { } $ & # ^ _ % ~")
    assert not re.search(
        r"(?<!\\)[{}$&#%]",
        escaped.replace(r"\textbackslash{}", "")
        .replace(r"\textasciicircum{}", "")
        .replace(r"\textasciitilde{}", ""),
    )


def test_bad_labels_and_figure_paths_are_refused(results):
    with pytest.raises(InvalidArgumentError):
        FigureRef("activations", "a b;\\input", "caption")
    with pytest.raises(InvalidArgumentError):
        FigureRef("Bad-Name", "figures/a.pdf", "caption")


def test_a_failing_compile_raises_and_writes_nothing(tmp_path):
    _need_pdflatex()
    with pytest.raises(TeXError, match="failed"):
        compile_pdf("\\documentclass{article}\\begin{document}\\undefinedmacro\\end{document}")


def test_a_looping_document_is_stopped_by_the_timeout():
    _need_pdflatex()
    with pytest.raises(TeXError, match="timeout"):
        compile_pdf(
            "\\documentclass{article}\\def\\a{\\a}\\begin{document}\\a\\end{document}",
            timeout=3,
            runs=1,
        )


def test_write_atomic_leaves_no_partial_file(tmp_path):
    target = tmp_path / "out.tex"
    write_atomic(target, "first")
    with pytest.raises(TypeError):
        write_atomic(target, 12345)  # not bytes or str: fails while writing
    assert target.read_text() == "first"
    assert [p.name for p in tmp_path.iterdir()] == ["out.tex"]


def test_snippet_and_jupyter_print_the_same_relations(results):
    thm = results[0].theorem
    assert snippet(thm).splitlines()[0].startswith(r"\begin{theorem}")
    jupyter = jupyter_latex(thm)
    assert "\\begin{aligned}" in jupyter
    for step in thm.steps:
        assert claim_latex(step) in snippet(thm)
