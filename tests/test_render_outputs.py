"""What `symgrad report` and `symgrad latex` write: three documents, a snippet that compiles.

Compiling needs pdflatex: these tests fail in CI (where .ci/run installs TeX Live) and skip
with a message elsewhere.
"""

import json
import os
import re

import pytest

from symgrad.cli import main
from symgrad.kernel.proof import RunSettings
from symgrad.render.document import compile_pdf, find_pdflatex, preamble_sty
from symgrad.report import DOCUMENTS, LATEX_DOCUMENTS, make_report


def _need_pdflatex():
    if find_pdflatex() is None:
        if os.environ.get("CI"):
            pytest.fail("pdflatex is missing in CI: .ci/run must install TeX Live")
        pytest.skip("pdflatex is not installed (apt-get install texlive-latex-recommended)")


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_report_writes_three_documents_and_the_site_and_a_no_pdf_run_leaves_no_stale_pdf(
    tmp_path,
):
    _need_pdflatex()
    out = tmp_path / "report"
    ids = ["eta_decay", "refuted_transient_growth"]
    report = make_report(out, settings=RunSettings(examples=5), ids=ids)
    for stem in LATEX_DOCUMENTS:
        assert (out / f"{stem}.tex").is_file()
        assert (out / f"{stem}.pdf").read_bytes().startswith(b"%PDF")
    assert set(report.pdfs) == set(LATEX_DOCUMENTS)
    assert {p.name for p in (out / "site").glob("*.html")} == {f"{i}.html" for i in ids} | {
        "index.html"
    }
    payload = json.loads((out / "results.json").read_text())
    assert set(payload["documents"]) == set(DOCUMENTS)
    assert (out / payload["documents"]["site"]["index"]).is_file()
    assert [t["id"] for t in payload["theorems"]] == ids

    again = make_report(out, settings=RunSettings(examples=5, seed=1), ids=ids, pdf=False)
    assert not list(out.glob("*.pdf"))  # no PDF disagrees with the .tex just written
    assert sorted(p.name for p in again.removed) == sorted(f"{s}.pdf" for s in LATEX_DOCUMENTS)
    assert again.pdf is None and not again.pdfs


def test_report_refuses_an_unknown_paper_before_writing(tmp_path):
    from symgrad.errors import InvalidArgumentError

    with pytest.raises(InvalidArgumentError, match="paper"):
        make_report(tmp_path / "r", paper="a3", pdf=False)
    assert not (tmp_path / "r").exists()


def test_a_snippet_compiles_in_a_plain_article_with_only_the_shipped_preamble(capsys, tmp_path):
    _need_pdflatex()
    notes = tmp_path / "eta.tex"
    code, _, _ = run(
        capsys, "latex", "eta_decay", "refuted_transient_growth", "--snippet", "-o", str(notes)
    )
    assert code == 0
    fragment = notes.read_text()
    assert fragment.isascii()  # every symbol is a command: no inputenc declarations needed
    sty = tmp_path / "symgrad.sty"
    assert sty.read_text() == preamble_sty()  # written beside the snippet
    doc = (
        "\\documentclass{article}\n\\usepackage{symgrad}\n\\begin{document}\n"
        "\\input{eta}\n\\end{document}\n"
    )
    pdf, _ = compile_pdf(doc, {"eta.tex": notes, "symgrad.sty": sty})
    assert pdf.startswith(b"%PDF")


def test_the_preamble_is_printed_and_documents_the_usepackage_line(capsys):
    code, out, _ = run(capsys, "latex", "--preamble")
    assert code == 0 and out == preamble_sty()
    assert "\\usepackage{symgrad}" in out and "\\ProvidesPackage{symgrad}" in out


def test_snippet_with_pdf_compiles_and_snippet_with_title_is_refused(capsys, tmp_path):
    _need_pdflatex()
    notes = tmp_path / "n.tex"
    code, _, _ = run(capsys, "latex", "one_step_bound", "--snippet", "--pdf", "-o", str(notes))
    assert code == 0 and notes.with_suffix(".pdf").read_bytes().startswith(b"%PDF")
    other = tmp_path / "t.tex"
    code, _, err = run(
        capsys, "latex", "one_step_bound", "--snippet", "--title", "X", "-o", str(other)
    )
    assert code == 2 and "--title" in err and len(err.strip().splitlines()) == 1
    assert not other.exists()


def test_latex_writes_the_chosen_document_kind(capsys, tmp_path):
    for kind, needle in (("handout", "a4paper"), ("slides", "{beamer}"), ("record", "appendix")):
        out = tmp_path / f"{kind}.tex"
        code, _, _ = run(capsys, "latex", "eta_decay", "--document", kind, "-o", str(out))
        assert code == 0 and needle in out.read_text()
    letter = tmp_path / "letter.tex"
    run(
        capsys,
        "latex",
        "eta_decay",
        "--document",
        "handout",
        "--paper",
        "letter",
        "-o",
        str(letter),
    )
    assert re.search(r"letterpaper", letter.read_text())
