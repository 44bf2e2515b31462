import numpy as np
import pytest
import sympy as sp
from hypothesis import strategies as st

from symgrad.errors import InvalidArgumentError
from symgrad.kernel.claims import Claim
from symgrad.kernel.proof import (
    Evidence,
    Outcome,
    RunSettings,
    Step,
    StepResult,
    Theorem,
    check_identities,
    check_property,
    find_counterexample,
    run_cached,
    run_theorems,
)


def _theorem(*checks):
    steps = [Step(f"claim {k}", "because", Evidence.CHECKED, c) for k, c in enumerate(checks)]
    return Theorem("demo", "Demo", "a statement", steps)


def test_a_failing_step_fails_the_theorem_and_keeps_both_sides():
    a = sp.Symbol("a")
    bad = _theorem(lambda s: check_identities("wrong square", [("a", (a + 1) ** 2, a**2 + 1)]))
    result = bad.run()
    assert not result.ok
    step = result.steps[0]
    # the two sides are kept as objects; JSON prints them, never as SymPy's str()
    assert step.outcome.left == (a + 1) ** 2 and step.outcome.right == a**2 + 1
    assert step.to_dict()["left"] == "(a + 1)²" and "**" not in step.to_dict()["right"]


def test_a_check_that_raises_is_a_failed_step_not_a_crash():
    def broken(settings):
        raise ZeroDivisionError("boom")

    result = _theorem(broken).run()
    assert not result.ok
    assert "ZeroDivisionError: boom" in result.steps[0].error


def test_property_failure_reports_the_shrunk_example_and_the_sides():
    def prop(v):
        assert v < 10, f"{v} | < 10"

    out = check_property(
        prop,
        [st.integers(0, 1000)],
        settings=RunSettings(seed=3),
        default_examples=200,
        checked="v < 10",
        tolerance="exact",
    )
    assert not out.ok
    assert out.counterexample == {"x": 10}  # shrunk to the boundary, a number named x
    assert isinstance(out.counterexample["x"], sp.Integer)
    assert out.left == "10" and out.right == "< 10"  # the property's own message, as words
    assert out.seed == 3


def test_a_counterexample_names_its_values_as_mathematics_and_keeps_the_rest_as_text():
    out = find_counterexample(
        lambda W, model: float(np.abs(W).sum()) < 1,
        [st.just(np.array([[0.5, 1.0], [0.0, 0.5]])), st.just("B")],
        settings=RunSettings(),
        default_examples=5,
        checked="entries sum below 1",
        names=("W", "model"),
    )
    assert out.ok and list(out.counterexample) == ["W", "model"]
    assert out.counterexample["W"] == sp.Matrix([[0.5, 1.0], [0.0, 0.5]])
    assert out.counterexample["model"] == "'B'"  # not mathematics: its text
    step = StepResult(Step("a claim", "j", Evidence.REFUTED, lambda s: out), out, 0.0)
    data = step.to_dict()
    assert data["counterexample"].startswith("W = ") and "counterexample_latex" not in data
    assert set(step.shown_values()) == {"claim", "counterexample"}
    assert step.shown_values()["counterexample"]["W"] == out.counterexample["W"]


def test_property_success_counts_examples():
    out = check_property(
        lambda v: None,
        [st.integers()],
        settings=RunSettings(examples=17),
        default_examples=5,
        checked="anything",
        tolerance="none",
    )
    assert out.ok and out.examples == 17


def test_counterexample_search_finds_and_shrinks():
    out = find_counterexample(
        lambda v: v * v < 50,
        [st.integers(0, 10**6)],
        settings=RunSettings(),
        default_examples=100,
        checked="v² < 50 for all v",
        explain=lambda v: [Claim(sp.Eq(sp.Pow(v, 2, evaluate=False), v * v, evaluate=False))],
    )
    assert out.ok
    assert out.counterexample == {"x": 8}
    assert [str(d) for d in out.details] == ["8² = 64"]
    assert out.found_by == Claim("found by the search and shrunk by Hypothesis")


def test_counterexample_search_fails_honestly_on_a_true_claim():
    out = find_counterexample(
        lambda v: v * v >= 0,
        [st.integers()],
        settings=RunSettings(),
        default_examples=50,
        checked="squares are non-negative",
    )
    assert not out.ok


def test_cited_steps_need_a_source():
    with pytest.raises(InvalidArgumentError, match="needs a source"):
        Step("‖AB‖ ≤ ‖A‖‖B‖", "lemma", Evidence.CITED, lambda s: Outcome(True, ""))


@pytest.mark.parametrize(
    "kwargs", [{"examples": 0}, {"examples": "5"}, {"seed": -1}, {"seed": 1.5}]
)
def test_run_settings_validate(kwargs):
    with pytest.raises(InvalidArgumentError):
        RunSettings(**kwargs)


def test_evidence_levels_are_listed_strongest_first():
    steps = [
        Step("c", "j", level, lambda s: Outcome(True, ""), source="src")
        for level in (Evidence.TESTED, Evidence.PROVED, Evidence.CITED)
    ]
    assert Theorem("t", "T", "s", steps).evidence_levels == ["proved", "tested", "cited"]


def test_every_level_explains_itself():
    assert all(level.meaning for level in Evidence)


def _gives_up(settings):
    from symgrad.errors import SearchExhaustedError

    raise SearchExhaustedError("the search used its 100 boxes")


def _holds(settings):
    return Outcome(True, "fine")


def test_a_search_that_gives_up_leaves_its_step_undecided_never_failed():
    result = _theorem(_holds, _gives_up).run()
    assert not result.ok
    assert [s.verdict.value for s in result.steps] == ["holds", "undecided"]
    assert result.verdict.value == "undecided"
    data = result.to_dict()
    assert data["verdict"] == "undecided" and data["steps"][1]["verdict"] == "undecided"
    assert "100 boxes" in data["steps"][1]["undecided"] and "error" not in data["steps"][1]


def test_a_timeout_and_running_out_of_memory_are_undecided_too():
    from symgrad.errors import SymgradTimeoutError

    def slow(settings):
        raise SymgradTimeoutError("could not decide within 0.01 s")

    def big(settings):
        raise MemoryError

    assert _theorem(slow).run().verdict.value == "undecided"
    assert _theorem(big).run().verdict.value == "undecided"


def test_a_failed_step_outweighs_an_undecided_one():
    bad = lambda s: Outcome(False, "wrong", left="1", right="2")  # noqa: E731
    assert _theorem(_gives_up, bad).run().verdict.value == "FAILED"


def test_a_refutation_that_found_its_counterexample_is_refuted():
    steps = [Step("a false claim", "search", Evidence.REFUTED, _holds)]
    result = Theorem("false", "False", "a false claim", steps).run()
    assert result.ok and result.verdict.value == "refuted"
    assert _theorem(_holds).run().verdict.value == "holds"


def _reader(base, reads=2):
    """A theorem whose steps each read `base`'s result, as the errata read their backings."""
    steps = [
        Step(f"reads {k}", "its result", Evidence.CHECKED, lambda s: _as_outcome(base, s))
        for k in range(reads)
    ]
    return Theorem("reader", "Reader", "base holds", steps)


def _as_outcome(base, settings):
    return Outcome(run_cached(base, settings).ok, "the base theorem holds")


def test_a_result_is_never_read_by_a_later_run():
    # the check reads state that no run settings name (here a list; in a test session, a
    # monkeypatch undone between two runs): a result kept from the first run would be wrong
    broken = [True]
    base = _theorem(lambda s: Outcome(not broken[0], "the state is sound"))
    assert not run_theorems([base], RunSettings())[0].ok
    broken[0] = False
    assert run_cached(base, RunSettings()).ok
    assert _reader(base).run(RunSettings()).ok
    broken[0] = True
    assert not run_cached(base, RunSettings()).ok  # nor the result of a run of run_cached


def test_within_one_run_a_theorem_read_twice_runs_once():
    runs = []
    base = _theorem(lambda s: runs.append(s) or Outcome(True, "counted"))
    reader = _reader(base, reads=3)
    assert all(r.ok for r in run_theorems([base, reader], RunSettings()))
    assert len(runs) == 1  # run by run_theorems, then read three times
    assert reader.run(RunSettings()).ok and len(runs) == 2  # a run of its own: once more
    assert reader.run(RunSettings(seed=1)).ok and len(runs) == 3  # other settings: again


def test_a_run_that_stops_early_keeps_no_result():
    broken = [True]
    base = _theorem(lambda s: Outcome(not broken[0], "the state is sound"))

    class Stop:  # a progress stream that stops the run as the second theorem is announced
        lines = 0

        def write(self, text):
            self.lines += text.count("\n")
            if self.lines > 1:
                raise KeyboardInterrupt

        def flush(self):
            pass

    with pytest.raises(KeyboardInterrupt):
        run_theorems([base, _theorem(lambda s: Outcome(True, "never run"))], progress=Stop())
    broken[0] = False
    assert run_cached(base).ok
