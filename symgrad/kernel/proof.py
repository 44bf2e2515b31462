"""The proof kernel: theorems made of steps, each backed by evidence that runs.

Evidence levels, from strongest to the level of false claims:

``proved``
    A symbolic identity or inequality established by SymPy for symbolic sizes,
    or a certificate (e.g. γ − σ′(x) written as a square).
``checked``
    Exact arithmetic (integers, rationals, algebraic numbers) on stated instances, or
    certified enclosures (python-flint ``arb`` balls).
``tested``
    Property-based: N Hypothesis examples, a stated tolerance, a seed.
    "No counterexample found", never "proved".
``cited``
    A standard lemma taken from the literature (the source is named, e.g. a
    mathlib lemma) and also tested.
``refuted``
    A tempting false claim: Hypothesis finds and shrinks a counterexample, which
    is shown.

A :class:`Step` pairs a relation with its justification and a check; a
:class:`Theorem` runs its steps and reports per step what was checked, on which
instances, with how many examples, at what tolerance and seed, and how long it
took. A failing step prints the two sides that disagree. A list of theorems is run by
:mod:`symgrad.kernel.runner`.

Verdicts, kept apart everywhere: a theorem **holds**; a false claim is **refuted** (as
intended); **FAILED** means a check found the claim false (a bug); **undecided** means a
search ran out of time, memory or its stated budget before deciding
(:class:`~symgrad.errors.UndecidedError`, :class:`~symgrad.errors.SymgradTimeoutError`,
MemoryError). Undecided is never FAILED.

Kept as one module: the types of a theorem (steps, outcomes, verdicts, evidence) and the
checks a step calls (identities, property tests, counterexample searches) build and read the
same Outcome under the same RunSettings; each check is a few lines over those types.
"""

from __future__ import annotations

import time
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from ..errors import (
    InvalidArgumentError,
    InvalidTypeError,
    SymgradTimeoutError,
    UndecidedError,
    check_instance,
    check_positive_int,
    check_seed,
)
from .claims import Claim, text_of
from .notation import named

if TYPE_CHECKING:
    import sympy as sp


__all__ = [
    "UNDECIDED",
    "Evidence",
    "Outcome",
    "Recorded",
    "RunSettings",
    "Step",
    "StepResult",
    "Theorem",
    "TheoremResult",
    "Verdict",
    "check_identities",
    "check_property",
    "find_counterexample",
]


def __getattr__(name: str) -> Any:
    # the runner's names, read here by older imports; the runner imports this module, so
    # they are looked up on first use
    if name in ("run_cached", "run_theorems"):
        from . import runner

        return getattr(runner, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class Evidence(StrEnum):
    """How a step is known."""

    PROVED = "proved"
    CHECKED = "checked"
    TESTED = "tested"
    CITED = "cited"
    REFUTED = "refuted"

    @property
    def meaning(self) -> str:
        """One sentence saying what the level promises."""
        return _MEANINGS[self]


_MEANINGS = {
    Evidence.PROVED: "established symbolically for all sizes, or by a certificate",
    Evidence.CHECKED: "exact arithmetic, or certified ball arithmetic, on the stated instances",
    Evidence.TESTED: "property-based testing: no counterexample in the stated examples",
    Evidence.CITED: "a standard lemma from the named source, also tested here",
    Evidence.REFUTED: "a false claim: the counterexample below was found, shrunk and re-verified",
}


class Verdict(StrEnum):
    """What a run found: the four verdicts of a theorem (a step is one of them too)."""

    HOLDS = "holds"
    REFUTED = "refuted"
    FAILED = "FAILED"
    UNDECIDED = "undecided"


#: Exceptions that mean "no answer": a search ran out of time, memory or budget.
UNDECIDED: tuple[type[BaseException], ...] = (UndecidedError, SymgradTimeoutError, MemoryError)


#: the most Hypothesis examples one property step may be given
MAX_EXAMPLES = 100_000


@dataclass(frozen=True)
class RunSettings:
    """Settings of one verification run: examples per property (None: each step's default)."""

    examples: int | None = None
    seed: int = 0

    def __post_init__(self) -> None:
        if self.examples is not None:
            examples = check_positive_int("examples", self.examples, maximum=MAX_EXAMPLES)
            object.__setattr__(self, "examples", examples)
        object.__setattr__(self, "seed", check_seed("seed", self.seed))


@dataclass(frozen=True)
class Recorded:
    """A recorded example a refutation's search tried again: its values (named, as in
    :attr:`Outcome.counterexample`), whether it refutes the claim, and, when it does, the
    lines that explain why."""

    values: dict[str, Any]
    refutes: bool
    explanation: tuple[Claim, ...] = ()


@dataclass
class Outcome:
    """What a check found.

    `left` and `right` are the two sides compared, as objects the printers typeset: a SymPy
    expression, matrix or relation (``sp.Ge(gap, 0)``), a notation object of
    :mod:`symgrad.kernel.notation` (``Chain(">=", 0)`` for "≥ 0"), a
    :class:`~symgrad.kernel.claims.Claim` when words go with the mathematics, or a sentence
    (``str``) when a side is not mathematics; a sentence is prose and is only escaped, never
    parsed. `counterexample` names its values (``named(W=Matrix(...), k=9)``, see
    :func:`symgrad.kernel.notation.named`); a value that is not mathematics (a model's name)
    is kept as its text.

    The texts — `checked` (what ran), each of `instances`, `tolerance`, each line of
    `details` — are claims: prose with its mathematics as objects. A ``str`` given for one
    is taken as prose (:meth:`Claim.of <symgrad.kernel.claims.Claim.of>`). `details` are
    lines for people about what the check found; for a counterexample, what makes it one.
    A refutation's search also says how it found its counterexample (`found_by`) and what
    the recorded examples it tried again gave (`recorded`).
    """

    ok: bool
    checked: Claim
    instances: list[Claim] = field(default_factory=list)
    examples: int | None = None
    tolerance: Claim | None = None
    seed: int | None = None
    left: Any = None
    right: Any = None
    counterexample: dict[str, Any] | None = None
    details: list[Claim] = field(default_factory=list)
    found_by: Claim | None = None
    recorded: list[Recorded] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.checked = Claim.of(self.checked)
        self.instances = [Claim.of(i) for i in self.instances]
        self.details = [Claim.of(d) for d in self.details]
        if self.tolerance is not None:
            self.tolerance = Claim.of(self.tolerance)
        if self.found_by is not None:
            self.found_by = Claim.of(self.found_by)


Check = Callable[[RunSettings], Outcome]


@dataclass
class Step:
    """One link of a derivation: a relation, why it holds, and the check that backs it.

    The relation is a :class:`~symgrad.kernel.claims.Claim` (prose and SymPy objects; a bare
    expression or :class:`~symgrad.kernel.notation.Chain` is taken as a claim, a string as a
    claim of prose alone), which every document prints through its printer.
    """

    claim: Claim | str
    #: why the step holds: prose (a ``str``) or a :class:`~symgrad.kernel.claims.Claim` of
    #: prose and mathematics
    justification: Claim | str
    evidence: Evidence
    check: Check
    source: str = ""
    #: the reason in words students know (None: the justification; "": shown in the record only)
    student: Claim | str | None = None

    def __post_init__(self) -> None:
        self.evidence = Evidence(self.evidence)
        self.claim = Claim.of(self.claim)
        # a reason given as mathematics alone (a Chain) is a claim; a str stays prose
        if not isinstance(self.justification, str):
            self.justification = Claim.of(self.justification)
        if self.student is not None and not isinstance(self.student, str):
            self.student = Claim.of(self.student)
        if self.evidence is Evidence.CITED and not self.source:
            raise InvalidArgumentError(f"cited step {str(self.claim)!r} needs a source")


@dataclass
class StepResult:
    """A step after its check ran."""

    step: Step
    outcome: Outcome
    seconds: float
    error: str | None = None
    #: why the step is undecided (a search gave up), or None when it was decided
    undecided: str | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and self.undecided is None and self.outcome.ok

    @property
    def verdict(self) -> Verdict:
        """holds (refuted, for a refutation that found its counterexample), FAILED or
        undecided."""
        if self.undecided is not None:
            return Verdict.UNDECIDED
        if not self.ok:
            return Verdict.FAILED
        return Verdict.REFUTED if self.step.evidence is Evidence.REFUTED else Verdict.HOLDS

    def to_dict(self) -> dict[str, Any]:
        o = self.outcome
        data = {
            "claim": text_of(self.step.claim),
            "justification": text_of(self.step.justification),
            "evidence": self.step.evidence.value,
            "ok": bool(self.ok),
            "verdict": self.verdict.value,
            "checked": text_of(o.checked),
            "instances": [text_of(i) for i in o.instances],
            "examples": o.examples,
            "tolerance": None if o.tolerance is None else text_of(o.tolerance),
            "seed": o.seed,
            "seconds": round(self.seconds, 4),
        }
        if self.step.source:
            data["source"] = self.step.source
        if o.details:
            data["details"] = [text_of(d) for d in o.details]
        if o.found_by is not None:
            data["found_by"] = text_of(o.found_by)
        if o.recorded:
            data["recorded"] = [
                {
                    "values": text_of(r.values),
                    "refutes": r.refutes,
                    "explanation": [text_of(w) for w in r.explanation],
                }
                for r in o.recorded
            ]
        if self.undecided is not None:
            data["undecided"] = self.undecided
        elif not self.ok:
            data["error"] = self.error
        for key, value in self._shown().items():  # as text (the render layer adds LaTeX)
            if key != "claim":
                data[key] = text_of(value)
        return data

    def _shown(self) -> dict[str, Any]:
        """The mathematics a result reports, by key: the counterexample when there is one,
        the two sides of a failed check (None for a side not given), and the claim."""
        o = self.outcome
        values: dict[str, Any] = {"claim": self.step.claim}
        if o.counterexample is not None:
            values["counterexample"] = o.counterexample
        if self.undecided is None and not self.ok:
            values.update(left=o.left, right=o.right)
        return values

    def shown_values(self) -> dict[str, Any]:
        """The mathematics :meth:`to_dict` writes as text, as objects, by the same keys (a
        sentence, which has no LaTeX of its own, left out)."""
        return {k: v for k, v in self._shown().items() if not isinstance(v, str)}


@dataclass
class Theorem:
    """A catalogue entry: statement, assumptions, a short proof and checked steps."""

    id: str
    title: str
    #: prose (a ``str``) or a :class:`~symgrad.kernel.claims.Claim` of prose and mathematics,
    #: as are `proof`, `convention` and each assumption
    statement: Claim | str
    steps: list[Step]
    proof: Claim | str = ""
    assumptions: Sequence[Claim | str] = ()
    references: Sequence[str] = ()
    tags: Sequence[str] = ()
    #: the statement's central relation as a claim (displayed by the documents)
    formula: Any = None
    convention: Claim | str = ""
    #: started before a catalogue run: slow, independent work (e.g. checking the γ
    #: certificates of `gammas` in the background); it returns a function that waits for
    #: that work (or None), which a run calls before forking its workers
    prepare: Callable[[], Callable[[], None] | None] | None = None
    #: when a catalogue run takes this theorem up: 0 for most; 1 for those that rest on
    #: background work (γ of every activation), after stage 0 in a short run; 2 for those
    #: that read other theorems' results (the errata), always last. Results keep the
    #: catalogue's order.
    stage: int = 0
    #: name → activation (σ, an expression or a built-in name) for every γ the theorem rests
    #: on: their certificates ship with the catalogue (``symgrad certify``); the theorem's
    #: `prepare` starts checking them
    gammas: Any = ()

    def __post_init__(self) -> None:
        if self.formula is not None:
            self.formula = Claim.of(self.formula)

    def run(self, settings: RunSettings | None = None) -> TheoremResult:
        """Run every step's check; a step that raises fails with the error recorded.

        A check that raises one of :data:`UNDECIDED` (a search that gave up) leaves its
        step undecided, with the reason; it is never reported as a failure.
        """
        settings = settings or RunSettings()
        results = []
        start = time.perf_counter()
        with _one_run():  # a step that reads another theorem's result sees this run's only
            for step in self.steps:
                t0 = time.perf_counter()
                error = undecided = None
                try:
                    outcome = step.check(settings)
                except UNDECIDED as exc:
                    outcome = Outcome(False, "the check could not decide")
                    undecided = f"{type(exc).__name__}: {exc}"
                except Exception as exc:  # a broken check is a failed step, never a crash
                    outcome = Outcome(False, "the check raised an exception")
                    error = f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=3)}"
                elapsed = time.perf_counter() - t0
                results.append(StepResult(step, outcome, elapsed, error, undecided))
        return TheoremResult(self, results, time.perf_counter() - start)

    @property
    def evidence_levels(self) -> list[str]:
        """The distinct evidence levels of the steps, strongest first."""
        order = list(Evidence)
        return [e.value for e in sorted({s.evidence for s in self.steps}, key=order.index)]

    def __str__(self) -> str:
        from .plain import theorem_text

        return theorem_text(self)

    def _repr_markdown_(self) -> str:
        from .plain import theorem_markdown

        return theorem_markdown(self)


@dataclass
class TheoremResult:
    """A theorem after all its checks ran."""

    theorem: Theorem
    steps: list[StepResult]
    seconds: float

    @property
    def ok(self) -> bool:
        return all(s.ok for s in self.steps)

    @property
    def verdict(self) -> Verdict:
        """FAILED if a step failed; else undecided if a step is; else refuted for a false
        claim (every step a refutation), holds otherwise."""
        verdicts = {s.verdict for s in self.steps}
        if Verdict.FAILED in verdicts:
            return Verdict.FAILED
        if Verdict.UNDECIDED in verdicts:
            return Verdict.UNDECIDED
        if self.steps and verdicts == {Verdict.REFUTED}:
            return Verdict.REFUTED
        return Verdict.HOLDS

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.theorem.id,
            "title": self.theorem.title,
            "ok": self.ok,
            "verdict": self.verdict.value,
            "evidence": self.theorem.evidence_levels,
            "seconds": round(self.seconds, 4),
            "steps": [s.to_dict() for s in self.steps],
        }


#: The results of the run under way (one ``run_theorems`` call, or one theorem run outside
#: it), by theorem id and settings. Emptied when that run ends: a verdict is worked out again
#: by every run, never taken from an earlier one made under other circumstances.
_RESULTS: dict[tuple[str, RunSettings], TheoremResult] = {}
_DEPTH = [0]  # how many runs are open in this process (a theorem run inside a catalogue run)


@contextmanager
def _one_run() -> Iterator[None]:
    """Scope of :data:`_RESULTS`: the outermost run empties it when it ends, however it ends."""
    _DEPTH[0] += 1
    try:
        yield
    finally:
        _DEPTH[0] -= 1
        if _DEPTH[0] == 0:
            _RESULTS.clear()


def _hypothesis_settings(examples: int):
    from hypothesis import HealthCheck, Phase, Verbosity, settings

    return settings(
        max_examples=examples,
        deadline=None,
        database=None,
        derandomize=False,
        verbosity=Verbosity.quiet,
        suppress_health_check=list(HealthCheck),
        phases=[Phase.explicit, Phase.generate, Phase.shrink],
        print_blob=False,
    )


def check_property(
    prop: Callable[..., None],
    strategies: Sequence[Any],
    *,
    settings: RunSettings,
    default_examples: int,
    checked: str,
    tolerance: str,
    names: Sequence[str] = (),
) -> Outcome:
    """Run `prop` (which raises AssertionError on a counterexample) under Hypothesis.

    The outcome records the number of examples, the tolerance and the seed; on
    failure the shrunk example and the assertion's message (the two sides). `names` name
    the strategies' values in the counterexample (``("W", "k")``).
    """
    from hypothesis import given
    from hypothesis import seed as hseed
    from hypothesis import strategies as st

    examples = settings.examples or default_examples
    calls = [0]
    failures: list[tuple[tuple[Any, ...], str]] = []

    @_hypothesis_settings(examples)
    @hseed(settings.seed)
    @given(st.tuples(*strategies))
    def run(args: tuple[Any, ...]) -> None:
        calls[0] += 1
        try:
            prop(*args)
        except AssertionError as exc:
            failures.append((args, str(exc).split("\n", 1)[0]))
            raise

    try:
        run()
    except AssertionError:
        args, message = failures[-1]
        left, _, right = message.partition(" | ")
        return Outcome(
            False,
            checked,
            examples=calls[0],
            tolerance=tolerance,
            seed=settings.seed,
            left=left or message,
            right=right or None,
            counterexample=_counterexample(args, names),
        )
    return Outcome(True, checked, examples=calls[0], tolerance=tolerance, seed=settings.seed)


def find_counterexample(
    claim: Callable[..., bool],
    strategies: Sequence[Any],
    *,
    settings: RunSettings,
    default_examples: int,
    checked: str,
    explain: Callable[..., list[str]] | None = None,
    known: Sequence[tuple[Any, ...]] = (),
    names: Sequence[str] = (),
) -> Outcome:
    """Search for inputs on which the (false) `claim` returns False; shrink and show them.

    The outcome is ok when a counterexample is found; `explain` turns the shrunk
    arguments into lines for people. `known` lists argument tuples tried first
    (recorded examples, for reproducibility); the search still runs from the seed.
    `names` name the arguments in the counterexample (``("W", "h_0")``).
    """
    from hypothesis import given
    from hypothesis import seed as hseed
    from hypothesis import strategies as st

    examples = settings.examples or default_examples
    calls = [0]
    found: list[tuple[Any, ...]] = []

    @_hypothesis_settings(examples)
    @hseed(settings.seed)
    @given(st.tuples(*strategies))
    def run(args: tuple[Any, ...]) -> None:
        calls[0] += 1
        if not claim(*args):
            found.append(args)
            raise AssertionError("counterexample")

    try:
        run()
    except AssertionError:
        args = found[-1]
        recorded = []
        for values in known:
            refutes = not claim(*values)
            why = explain(*values) if refutes and explain else []
            shown = _counterexample(tuple(values), names)
            recorded.append(Recorded(shown, refutes, tuple(Claim.of(w) for w in why)))
        return Outcome(
            True,
            checked,
            examples=calls[0],
            seed=settings.seed,
            counterexample=_counterexample(args, names),
            details=explain(*args) if explain else [],
            found_by=Claim("found by the search and shrunk by Hypothesis"),
            recorded=recorded,
        )
    for values in known:  # the search missed; a recorded counterexample still refutes
        if not claim(*values):
            return Outcome(
                True,
                checked,
                examples=calls[0],
                seed=settings.seed,
                counterexample=_counterexample(tuple(values), names),
                details=explain(*values) if explain else [],
                found_by=Claim("not found by this search; the recorded example refutes the claim"),
            )
    return Outcome(
        False,
        checked,
        examples=calls[0],
        seed=settings.seed,
        left="no counterexample found",
        right="the claim is believed false",
    )


def _counterexample(args: tuple[Any, ...], names: Sequence[str]) -> dict[str, Any]:
    """The arguments as named mathematical values; without `names`, ``x`` (one argument) or
    ``x_1, x_2, …``. A value that is not mathematics (a model's name) is kept as its text."""
    if not names:
        names = ["x"] if len(args) == 1 else [f"x_{k}" for k in range(1, len(args) + 1)]
    if len(names) != len(args):
        raise InvalidArgumentError(
            f"names={tuple(names)!r} must name each of the {len(args)} values of the search"
        )
    out = {}
    for name, value in zip(names, args, strict=True):
        try:
            out.update(named(**{name: value}))
        except InvalidTypeError:  # not mathematics (a name, a model): its text
            out[name] = repr(value)
    return out


def is_zero(expr: sp.Expr) -> bool:
    """Decide ``expr == 0`` by expansion, branch by branch for piecewise expressions.

    Examples
    --------
    >>> import sympy as sp
    >>> t = sp.Symbol("t", real=True)
    >>> is_zero(sp.Piecewise((2 * t, t > 0), (0, True)) - 2 * sp.Piecewise((t, t > 0), (0, True)))
    True
    >>> is_zero("t - t")
    Traceback (most recent call last):
    ...
    symgrad.errors.InvalidTypeError: expr='t - t' must be a SymPy expression, not a str; ...
    """
    import sympy as sp

    hint = "symgrad.parse_expression reads text safely"
    check_instance("expr", expr, sp.Basic, hint, what="a SymPy expression")
    if expr.has(sp.nan, sp.zoo, sp.oo, -sp.oo):
        raise InvalidArgumentError(
            f"expr={expr} holds nan or an infinity: whether it is zero is not defined"
        )
    expanded = sp.expand(expr)
    if not expanded.has(sp.Piecewise):
        return expanded == 0
    folded = sp.piecewise_fold(expanded)
    if isinstance(folded, sp.Piecewise):
        return all(is_zero(value) for value, _ in folded.args)
    return sp.expand(folded) == 0


def check_identities(checked: str | Claim, cases: Sequence[tuple[str, Any, Any]]) -> Outcome:
    """Decide ``lhs == rhs`` exactly (SymPy expansion, branch by branch) for each labelled case.

    Matrices are compared entry by entry. The first failing case is reported
    with both sides.

    Examples
    --------
    >>> import sympy as sp
    >>> a = sp.Symbol("a")
    >>> check_identities("square", [("a", (a + 1) ** 2, a**2 + 2 * a + 1)]).ok
    True
    """
    import sympy as sp

    labels = []
    for label, lhs, rhs in cases:
        labels.append(label)
        left = sp.Matrix(lhs) if isinstance(lhs, (sp.MatrixBase, list)) else sp.Matrix([lhs])
        right = sp.Matrix(rhs) if isinstance(rhs, (sp.MatrixBase, list)) else sp.Matrix([rhs])
        if left.shape != right.shape or not all(is_zero(e) for e in left - right):
            return Outcome(False, checked, instances=labels, left=lhs, right=rhs)
    return Outcome(True, checked, instances=labels)
