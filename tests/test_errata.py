"""The errata run their backing theorems: a failing backing fails the erratum."""

import pytest
import sympy as sp

from symgrad.kernel.catalogue import catalogue_ids, load_theorem, proofs_dir
from symgrad.kernel.claims import Claim
from symgrad.kernel.notation import AtTime, Chain, Diag, Over, Plus, Prime, Tends, Times, Transposed
from symgrad.kernel.proof import _RESULTS, Evidence, Outcome, RunSettings, Step, run_theorems
from symgrad.maths import errata
from symgrad.maths.errata import BACKING, ERRATA, Erratum

_k, _t, _i, _eta, _tau, _C, _T = sp.symbols("k t i eta tau C T")
_W = sp.Symbol("W")


def _errata_proof():
    import importlib.util

    spec = importlib.util.spec_from_file_location(
        "_test_seed_errata", proofs_dir() / "seed_errata.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _errata_step(number):
    steps = load_theorem("seed_errata").steps
    return next(s for s in steps if str(s.claim).startswith(f"#{number}:"))


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


def test_an_erratum_reads_its_backing_theorem_as_it_is_now_not_as_an_earlier_run_found_it(
    monkeypatch,
):
    backing = load_theorem("jordan_block_powers")  # backs erratum 9
    broken = Step("false", "planted", Evidence.CHECKED, lambda s: Outcome(False, "planted"))
    monkeypatch.setattr(backing, "steps", [*backing.steps, broken])
    assert not run_theorems([backing], RunSettings())[0].ok  # e.g. `symgrad verify`, in-process
    monkeypatch.undo()
    assert _errata_step(9).check(RunSettings()).ok


def test_an_erratum_holds_when_its_backing_theorem_holds():
    _RESULTS.clear()
    assert _errata_step(9).check(RunSettings()).ok


def test_an_erratum_needs_exactly_one_of_backing_and_source():
    with pytest.raises(ValueError):
        Erratum(99, "a", "b", None)
    with pytest.raises(ValueError):
        Erratum(99, "a", "b", "eta_decay", source="somewhere")
    assert errata.__all__ == ["BACKING", "ERRATA", "POST_PLACES", "Erratum"]


def test_an_erratum_fails_when_its_backing_does_not_name_it():
    # the mutation BACKING[18] → BACKING[19]: a theorem that holds, but settles another erratum
    wrong = Erratum(18, "a", "b", BACKING[19])
    import importlib.util

    from symgrad.kernel.catalogue import proofs_dir

    spec = importlib.util.spec_from_file_location("_errata_nc", proofs_dir() / "seed_errata.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    outcome = module._runs(wrong)(RunSettings())
    assert not outcome.ok and "erratum 18" in str(outcome.checked)
    assert module._runs(next(e for e in ERRATA if e.number == 18))(RunSettings()).ok


def test_a_theorem_tagged_for_an_erratum_it_does_not_back_fails_the_registry(monkeypatch):
    import importlib.util

    from symgrad.kernel.catalogue import proofs_dir

    spec = importlib.util.spec_from_file_location("_errata_nc2", proofs_dir() / "seed_errata.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module._links(RunSettings()).ok
    theorem = load_theorem("eta_decay")
    monkeypatch.setattr(theorem, "tags", [*theorem.tags, "erratum 19"])
    outcome = module._links(RunSettings())
    assert not outcome.ok and "eta_decay" in outcome.left


def test_erratum_19_and_its_theorem_speak_of_a_share_of_the_bound_not_of_the_gradient():
    # the lags ≥ τ can outweigh the short lags (total_gradient_short_lags, last step)
    (erratum,) = [e for e in ERRATA if e.number == 19]
    theorem = load_theorem(erratum.backed_by)
    for text in (erratum.correction, theorem.title, theorem.statement):
        assert "dominated" not in str(text)
    assert "of the bound" in str(erratum.correction)


@pytest.mark.parametrize(
    ("number", "theorem_id"),
    [
        (10, "one_step_bound"),  # nonlinear λ₁ < 1/γ is sufficient
        (10, "refuted_large_singular_value_explodes"),  # λ₁ > 1/γ is not sufficient
        (17, "linear_error_direction"),  # for matrices only along some direction
        (18, "jordan_block_powers"),  # W need not be diagonalisable
    ],
)
def test_an_erratum_with_several_claims_fails_when_any_backing_fails(
    monkeypatch, number, theorem_id
):
    (erratum,) = [e for e in ERRATA if e.number == number]
    assert theorem_id in erratum.backings and theorem_id != erratum.backed_by
    backing = load_theorem(theorem_id)
    broken = Step("false", "planted", Evidence.CHECKED, lambda s: Outcome(False, "planted"))
    monkeypatch.setattr(backing, "steps", [*backing.steps, broken])
    _RESULTS.clear()
    outcome = _errata_step(number).check(RunSettings())
    assert not outcome.ok and f"{theorem_id}: false" in str(outcome.left)
    _RESULTS.clear()


def test_an_erratum_with_several_backings_is_labelled_by_the_weakest():
    # erratum 17 rests on a refutation (transient growth) and on proved theorems
    assert _errata_step(17).evidence is Evidence.REFUTED
    # erratum 18: two proved-and-checked theorems, no refutation, no float test
    backings = ("linear_powers_vanish_iff_spectral_radius", "jordan_block_powers")
    levels = {lvl for tid in backings for lvl in load_theorem(tid).evidence_levels}
    order = list(Evidence)
    assert _errata_step(18).evidence is max(map(Evidence, levels), key=order.index)


def test_extra_backings_need_a_main_backing_and_no_repeats():
    with pytest.raises(ValueError, match="also_backed_by"):
        Erratum(99, "a", "b", None, source="somewhere", also_backed_by=("eta_decay",))
    with pytest.raises(ValueError, match="twice"):
        Erratum(99, "a", "b", "eta_decay", also_backed_by=("eta_decay",))


def test_erratum_18_says_w_need_not_be_diagonalisable_with_a_defective_example():
    import sympy as sp

    (erratum,) = [e for e in ERRATA if e.number == 18]
    assert "need not be diagonalisable" in str(erratum.correction)
    (block,) = [m for m in erratum.correction.maths if isinstance(m, sp.MatrixBase)]
    assert block == sp.Matrix([[1, 1], [0, 1]]) and not block.is_diagonalizable()


def test_the_formulas_of_the_errata_are_mathematics_and_their_prose_holds_none():
    import re

    formula = re.compile(r"[<>=≤≥→‖∑∏^λργησ′⁽]")  # a relation, a norm, a power, a Greek letter
    with_formulas = 0
    for e in ERRATA:
        for claim in (e.seed_says, e.correction):
            prose = [p for p in claim if isinstance(p, str)]
            assert not [p for p in prose if formula.search(p)], (e.number, prose)
            with_formulas += bool(claim.maths)
    assert with_formulas >= 15  # the wrong formula and the right one, wherever there is one


def test_an_erratum_is_undecided_not_failed_when_a_backing_step_is_undecided(monkeypatch):
    from symgrad.errors import UndecidedError
    from symgrad.kernel.proof import Theorem, Verdict

    def gave_up(settings):
        raise UndecidedError("the certificate check stopped")

    backing = load_theorem("jordan_block_powers")  # backs errata 9 and 18
    stopped = Step("stopped", "planted", Evidence.CHECKED, gave_up)
    monkeypatch.setattr(backing, "steps", [*backing.steps, stopped])
    _RESULTS.clear()
    try:
        step = _errata_step(9)
        (result,) = Theorem("t", "t", "t", [step]).run(RunSettings()).steps
        assert result.verdict is Verdict.UNDECIDED
        assert "stopped" in result.undecided and result.error is None
    finally:
        _RESULTS.clear()


def test_an_erratum_fails_when_one_backing_fails_and_another_is_undecided(monkeypatch):
    from symgrad.errors import UndecidedError
    from symgrad.kernel.proof import Theorem, Verdict

    def gave_up(settings):
        raise UndecidedError("the certificate check stopped")

    broken = Step("false", "planted", Evidence.CHECKED, lambda s: Outcome(False, "planted"))
    stopped = Step("stopped", "planted", Evidence.CHECKED, gave_up)
    for tid, planted in (("jordan_block_powers", stopped), (BACKING[18], broken)):
        backing = load_theorem(tid)
        monkeypatch.setattr(backing, "steps", [*backing.steps, planted])
    _RESULTS.clear()
    try:
        (result,) = Theorem("t", "t", "t", [_errata_step(18)]).run(RunSettings()).steps
        assert result.verdict is Verdict.FAILED and f"{BACKING[18]}: false" in str(
            result.outcome.left
        )
    finally:
        _RESULTS.clear()


@pytest.mark.parametrize(
    ("number", "field", "falsified"),
    [
        (2, "correction", Claim("the limit is", Tends(Plus(_k, _t), sp.oo))),
        (3, "seed_says", Claim("go to 0 as", Plus(_t, _k), "grows")),
        (17, "seed_says", Claim("a product of", Plus(_k, -_t, 1), "real numbers")),
        (6, "seed_says", Claim(Times(Transposed(_W), Diag(Prime("sigma", AtTime("h", _i)))))),
        (
            19,
            "correction",
            Claim("at most", _eta ** (_tau + 1), "of", Over(_C * _T, Plus(1, -_eta))),
        ),
        (19, "correction", Claim("at most", _eta**_tau, "of", Over(_C * _T, Plus(1, _eta)))),
        # a right piece inside a wrong formula, a wrong limit, a formula right at one point only
        (19, "correction", Claim("at most", Plus(1, -(_eta**_tau)), "of", Over(_C * _T, 1 - _eta))),
        (2, "correction", Claim("the limit is", Tends(Over(1, Plus(_k, -_t)), sp.oo))),
        (2, "correction", Claim("the limit is", Tends(Plus(_k, -_t), 0))),
        (17, "seed_says", Claim("a product of", Plus(_k, -2 * _t, 3), "real numbers")),
        (
            6,
            "correction",
            Claim(Chain(AtTime("h", _i), "=", sp.Function("sigma")(_W * AtTime("h", _i + 1)))),
        ),
    ],
)
def test_the_formula_step_fails_on_a_falsified_correction(monkeypatch, number, field, falsified):
    """Each erratum's formulas are compared with what they mean (a count of factors, a time
    shift, a geometric sum): a wrong sign or index in one of them fails the step."""
    from dataclasses import replace

    mod = _errata_proof()
    assert mod._formulas(RunSettings()).ok
    errata = tuple(
        replace(e, **{field: falsified}) if e.number == number else e for e in mod.ERRATA
    )
    monkeypatch.setattr(mod, "ERRATA", errata)
    outcome = mod._formulas(RunSettings())
    assert not outcome.ok and f"#{number}" in str(outcome.left)
