"""make_report: student documents only from a run where every theorem holds or is refuted."""

import json

import pytest

from symgrad.errors import SymgradTimeoutError
from symgrad.kernel.catalogue import load_theorem
from symgrad.kernel.proof import Outcome
from symgrad.report import LATEX_DOCUMENTS, STUDENT_DOCUMENTS, make_report

IDS = ["diagonal_spectral_norm", "refuted_transient_growth"]


@pytest.fixture(autouse=True)
def _no_figures(monkeypatch):
    """The figures do not depend on the verdicts (drawing them is left to other tests), and
    the results of falsified theorems must not reach later runs through the run cache."""
    import symgrad.kernel.proof
    import symgrad.report

    monkeypatch.setattr(symgrad.report, "FIGURES", {})
    monkeypatch.setattr(symgrad.kernel.proof, "_RESULTS", {})  # falsified runs are not kept


def _falsified(settings):
    return Outcome(False, "falsified on purpose", left="1", right="2")


def _gives_up(settings):
    raise SymgradTimeoutError("could not decide within 0.01 s")


@pytest.mark.parametrize(("check", "verdict"), [(_falsified, "FAILED"), (_gives_up, "undecided")])
def test_a_failed_or_undecided_theorem_withholds_the_handout_slides_and_site(
    monkeypatch, tmp_path, check, verdict
):
    monkeypatch.setattr(load_theorem("diagonal_spectral_norm").steps[0], "check", check)
    out = tmp_path / "report"
    report = make_report(out, ids=IDS, pdf=False)
    assert not report.ok and report.withheld == list(STUDENT_DOCUMENTS)
    assert [r.theorem.id for r in report.stopped] == ["diagonal_spectral_norm"]
    for stem in STUDENT_DOCUMENTS:
        assert not (out / f"{stem}.tex").exists() and not (out / stem).exists()
    record = (out / "derivations.tex").read_text(encoding="utf-8")
    assert verdict in record  # the record shows every verdict
    payload = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert payload["stopped_by"] == {"diagonal_spectral_norm": verdict}
    assert payload["withheld"] == list(STUDENT_DOCUMENTS)
    assert set(payload["documents"]) == {"derivations"}
    assert payload["verdicts"][verdict] == 1 and payload["verdicts"]["refuted"] == 1


def test_a_run_where_everything_holds_writes_every_document(tmp_path):
    out = tmp_path / "report"
    report = make_report(out, ids=IDS, pdf=False)
    assert report.ok and not report.withheld and not report.stopped
    for stem in LATEX_DOCUMENTS:
        assert "FAILED" not in (out / f"{stem}.tex").read_text(encoding="utf-8")
    pages = list((out / "site").glob("*.html"))
    assert len(pages) == len(IDS) + 1  # one page per theorem and the index
    assert not any("FAILED" in p.read_text(encoding="utf-8") for p in pages)
