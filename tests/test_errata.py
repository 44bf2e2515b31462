"""The errata run their backing theorems: a failing backing fails the erratum."""

import pytest

from symgrad import errata
from symgrad.catalogue import catalogue_ids, load_theorem
from symgrad.errata import BACKING, ERRATA, Erratum
from symgrad.proof import _RESULTS, Evidence, Outcome, RunSettings, Step


def _errata_step(number):
    steps = load_theorem("seed_errata").steps
    return next(s for s in steps if s.claim.startswith(f"#{number}:"))


def test_every_backing_exists_and_the_bibliographic_erratum_is_cited():
    ids = set(catalogue_ids())
    for e in ERRATA:
        assert (e.backed_by in ids) if e.backed_by else e.source
    assert _errata_step(16).evidence is Evidence.CITED
    assert next(e for e in ERRATA if e.number == 16).backed_by is None


def test_the_switchable_backings_are_read_from_one_table():
    for number, theorem_id in BACKING.items():
        assert next(e for e in ERRATA if e.number == number).backed_by == theorem_id


def test_an_erratum_fails_when_its_backing_theorem_fails(monkeypatch):
    backing = load_theorem("jordan_block_powers")  # backs erratum 9
    broken = Step("false", "planted", Evidence.CHECKED, lambda s: Outcome(False, "planted"))
    monkeypatch.setattr(backing, "steps", [*backing.steps, broken])
    _RESULTS.clear()
    outcome = _errata_step(9).check(RunSettings())
    assert not outcome.ok and "false" in outcome.left
    _RESULTS.clear()


def test_an_erratum_holds_when_its_backing_theorem_holds():
    _RESULTS.clear()
    assert _errata_step(9).check(RunSettings()).ok


def test_an_erratum_needs_exactly_one_of_backing_and_source():
    with pytest.raises(ValueError):
        Erratum(99, "a", "b", None)
    with pytest.raises(ValueError):
        Erratum(99, "a", "b", "eta_decay", source="somewhere")
    assert errata.__all__ == ["BACKING", "ERRATA", "Erratum"]
