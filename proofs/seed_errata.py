"""The seed's errors and loose statements, each backed by a theorem of this catalogue.

Statement. Every entry of symgrad.maths.errata.ERRATA names what the seed blog post says, the
correction, and either the catalogue theorem that backs it or, for a bibliographic
correction, the reference.

Proof. Each step runs its backing theorem (once per catalogue run) and holds only when that
theorem holds, and is undecided (never FAILED) when a backing step is undecided and none
failed; a bibliographic erratum is cited.
"""

from symgrad import Evidence, Outcome, Step, Theorem, catalogue_ids
from symgrad.kernel import (
    Claim,
    UndecidedError,
    Verdict,
    catalogue_index,
    load_theorem,
    run_cached,
)
from symgrad.maths.errata import ERRATA


def _links(settings):
    known = set(catalogue_ids())
    missing = [f"#{e.number} → {tid}" for e in ERRATA for tid in e.backings if tid not in known]
    numbers = [e.number for e in ERRATA]
    backs = {e.number: e.backings for e in ERRATA}
    # the other record of each link: a theorem tagged "erratum N" must be one of N's backings
    for tid in known:
        for tag in load_theorem(tid).tags:
            if tag.startswith("erratum ") and tid not in backs.get(int(tag.split()[1]), ()):
                missing.append(
                    f"{tid} is tagged {tag!r}, but that erratum names "
                    f"{', '.join(backs.get(int(tag.split()[1]), ())) or 'no theorem'}"
                )
    ok = not missing and numbers == list(range(1, len(ERRATA) + 1))
    return Outcome(
        ok,
        "every backing theorem is in the catalogue, and every tag 'erratum N' sits on N's "
        "backing (each step below checks the other direction); numbering is 1..N",
        instances=[f"{len(ERRATA)} errata"],
        left=", ".join(missing) or "all present",
        right="all present",
    )


def _level(theorem_ids, evidence):
    """The weakest evidence over the backing theorems (a refutation stays a refutation);
    `evidence` maps a theorem id to its evidence levels."""
    levels = {level for tid in theorem_ids for level in evidence[tid]}
    if "refuted" in levels:
        return Evidence.REFUTED
    order = list(Evidence)
    return max((Evidence(level) for level in levels), key=order.index)


def _runs(e):
    def check(settings):
        tag = f"erratum {e.number}"
        untagged = [tid for tid in e.backings if tag not in load_theorem(tid).tags]
        if untagged:  # the two records of the link, kept apart, must agree
            return Outcome(
                False,
                f"{', '.join(untagged)} does not say it settles erratum {e.number}",
                instances=list(e.backings),
                left="; ".join(f"tags of {tid}: {load_theorem(tid).tags}" for tid in untagged),
                right=f"a tag {tag!r}",
            )
        held, failed, undecided = [], [], []
        for tid in e.backings:
            result = run_cached(load_theorem(tid), settings)
            held.append(f"{tid}: {sum(s.ok for s in result.steps)}/{len(result.steps)} steps hold")
            for s in result.steps:
                if s.verdict is Verdict.FAILED:
                    failed.append(f"{tid}: {s.step.claim}")
                elif s.verdict is Verdict.UNDECIDED:
                    undecided.append(f"{tid}: {s.step.claim} ({s.undecided})")
        if undecided and not failed:  # no answer from a backing is no answer here either
            raise UndecidedError(
                f"erratum {e.number}: a backing step is undecided: " + "; ".join(undecided)
            )
        return Outcome(
            not failed,
            f"{', '.join(e.backings)} tagged {tag!r}; ran each: " + "; ".join(held),
            instances=list(e.backings),
            left="; ".join(failed) or "all steps hold",
            right="all steps hold",
        )

    return check


def _step(e, evidence):
    claim = Claim(f"#{e.number}: “", *e.seed_says, "” →", *e.correction)
    if e.backed_by is None:
        return Step(
            claim,
            "bibliographic: the reference itself",
            Evidence.CITED,
            lambda settings: Outcome(True, f"cited: {e.source}", instances=[e.source]),
            source=e.source,
        )
    return Step(
        claim,
        f"the correction is the content of {', '.join(e.backings)}; this step runs "
        + ("it" if len(e.backings) == 1 else "each"),
        _level(e.backings, evidence),
        _runs(e),
        source=f"the cited steps of {', '.join(e.backings)}",
    )


#: the evidence levels of every theorem an erratum rests on, read once from the catalogue's
#: index (which loads a theorem only when its entry is out of date)
_EVIDENCE = {
    entry.id: entry.evidence
    for entry in catalogue_index(sorted({tid for e in ERRATA for tid in e.backings}))
}

THEOREM = Theorem(
    stage=2,  # reads the results of the theorems behind each erratum
    id="seed_errata",
    title="Errata of the seed blog post",
    statement="Each error or loose statement of the seed, its correction, and the theorem behind it.",
    proof="Each step runs the named theorem (once per catalogue run) and holds when it holds.",
    references=["seed: 'The Issues on Training RNN'"],
    tags=["errata"],
    steps=[
        Step(
            "every erratum is linked to a catalogue theorem or a reference",
            "registry check",
            Evidence.CHECKED,
            _links,
        )
    ]
    + [_step(e, _EVIDENCE) for e in ERRATA],
)
