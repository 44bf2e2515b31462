"""What a check found, for people: the facts of a check and the lines explaining a
counterexample, as claims that every document prints with its own printer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import sympy as sp

from ..kernel.claims import Claim

if TYPE_CHECKING:
    from ..kernel.proof import Outcome, StepResult

__all__ = ["counterexample_notes", "named_parts", "outcome_facts"]


def outcome_facts(step_result: StepResult) -> list[Claim]:
    """What a step's check ran on, as claims: instances, examples, tolerance, seed, time."""
    o = step_result.outcome
    facts = []
    if o.instances:
        facts.append(Claim("instances:", Claim.joined(o.instances)))
    if o.examples is not None:
        facts.append(Claim(f"examples: {o.examples}"))
    if o.tolerance is not None:
        facts.append(Claim("tolerance:", o.tolerance))
    if o.seed is not None:
        facts.append(Claim(f"seed: {o.seed}"))
    facts.append(Claim(f"time: {step_result.seconds:.3f} s"))
    return facts


def counterexample_notes(outcome: Outcome, *, log: bool) -> list[tuple[Claim, bool]]:
    """The lines that explain a counterexample, each with whether it continues the line above.

    Without `log`, what makes the counterexample one (its exact re-verification); with it, also
    how the search found it and what each recorded example it tried again gave. A check
    without a counterexample gives its `details` as they are.

    Examples
    --------
    >>> import sympy as sp
    >>> from symgrad.kernel.proof import Outcome, Recorded
    >>> o = Outcome(True, "search", counterexample={"w": sp.Integer(3)}, details=["ρ = 3 > 1"],
    ...             found_by="found by the search",
    ...             recorded=[Recorded({"w": sp.Integer(2)}, True, (Claim("ρ = 2 > 1"),))])
    >>> [(str(c), more) for c, more in counterexample_notes(o, log=False)]
    [('ρ = 3 > 1', False)]
    >>> [(str(c), more) for c, more in counterexample_notes(o, log=True)]  # doctest: +NORMALIZE_WHITESPACE
    [('found by the search', False), ('ρ = 3 > 1', False),
     ('recorded example w = 2: also a counterexample', False), ('ρ = 2 > 1', True)]
    """
    lines = [(d, False) for d in outcome.details]
    if not log:
        return lines
    if outcome.found_by is not None:
        lines.insert(0, (outcome.found_by, False))
    for example in outcome.recorded:
        verdict = "also a counterexample" if example.refutes else "the claim holds there"
        shown = Claim("recorded example", *named_parts(example.values), f": {verdict}")
        lines += [(shown, False)] + [(w, True) for w in example.explanation]
    return lines


def named_parts(values: dict[str, Any]) -> list[Any]:
    """Named values as the parts of a claim: ``W = [[…]]; k = 9``, each value an equation."""
    parts: list[Any] = []
    for name, value in values.items():
        if parts:
            parts.append(";")
        if isinstance(value, str):  # not mathematics: its text
            parts.append(f"{name} = {value}")
        else:
            parts.append(sp.Eq(sp.Symbol(name), value, evaluate=False))
    return parts
