"""The worked example: verified against sympy.diff before it is written, and it compiles."""

import shutil
import subprocess

import pytest

from symgrad.errors import InvalidArgumentError, VerificationFailedError
from symgrad.render import worked
from symgrad.render.worked import (
    worked_example,
    worked_latex,
    write_worked,
)

needs_tex = pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex not installed")
RAW = ("Sum(", "Product(", "**", "sqrt(", "Matrix(", "?")


def _pdftext(pdf):
    return subprocess.run(
        ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_every_entry_is_compared_with_the_direct_derivative():
    ex = worked_example(2, 3)
    assert ex.entries_checked == ex.recursion_checked == 4


def test_a_wrong_loss_makes_the_verification_fail_and_nothing_is_written(tmp_path, monkeypatch):
    from symgrad.maths.rnn import SymbolicRNN

    original = SymbolicRNN.loss
    monkeypatch.setattr(SymbolicRNN, "loss", lambda self: 2 * original(self))  # falsified
    target = tmp_path / "w.tex"
    with pytest.raises(VerificationFailedError, match=r"differs from sympy\.diff"):
        write_worked(str(target), 2, 2)
    assert not target.exists()


def test_the_document_writes_each_product_of_the_sum_term_by_term():
    tex = worked_latex(2, 3, body_only=True)
    for term in (r"g_{3}\, J_{3} J_{2}", r"g_{2}\, J_{2}", r"e_{1} &= g_{1} + e_{2} J_{2}"):
        assert term in tex
    assert r"\documentclass" not in tex


@needs_tex
@pytest.mark.parametrize(("n", "T"), [(2, 3), (1, 1), (3, 2)])
def test_the_standalone_document_compiles_without_raw_sympy(tmp_path, n, T):
    files = write_worked(str(tmp_path / "w.tex"), n, T, pdf=True)
    text = _pdftext(files[1])
    assert f"n = {n}" in text and not [r for r in RAW if r in text]


@needs_tex
def test_the_body_compiles_inside_a_plain_article_with_amsmath(tmp_path):
    from symgrad.render.document import compile_pdf

    doc = (
        "\\documentclass{article}\n\\usepackage{amsmath,amssymb}\n\\begin{document}\n"
        + worked_latex(2, 2, body_only=True)
        + "\\end{document}\n"
    )
    (tmp_path / "b.pdf").write_bytes(compile_pdf(doc)[0])
    assert "Verified" in _pdftext(tmp_path / "b.pdf")


@pytest.mark.parametrize("sizes", [(4, 2), (2, 5), (0, 2), (3, 4)])
def test_sizes_beyond_the_symbolic_limit_are_refused(sizes):
    with pytest.raises(InvalidArgumentError):
        worked_example(*sizes)


def test_body_and_pdf_together_are_refused(tmp_path):
    with pytest.raises(InvalidArgumentError, match="body-only fragment cannot be compiled"):
        worked.write_worked(str(tmp_path / "w.tex"), 1, 1, pdf=True, body_only=True)


def test_a_piecewise_or_custom_activation_is_verified_quickly():
    # the check uses an undefined σ, so piecewise activations cost no more than tanh
    assert worked_example(2, 2, "relu").activation == "relu"
    assert r"a \mapsto" in worked_latex(1, 2, "x/(2 + abs(x))")
