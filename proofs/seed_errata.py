"""The seed's errors and loose statements, each backed by a theorem of this catalogue.

Statement. Every entry of symgrad.errata.ERRATA names what the seed blog post says, the
correction, and either the catalogue theorem that backs it or, for a bibliographic
correction, the reference.

Proof. Each step runs its backing theorem (once per catalogue run) and holds only when that
theorem holds; a bibliographic erratum is cited.
"""

from symgrad import Evidence, Outcome, Step, Theorem, catalogue_ids
from symgrad.catalogue import load_theorem
from symgrad.errata import ERRATA
from symgrad.proof import run_cached


def _links(settings):
    known = set(catalogue_ids())
    missing = [
        f"#{e.number} → {e.backed_by}"
        for e in ERRATA
        if e.backed_by is not None and e.backed_by not in known
    ]
    numbers = [e.number for e in ERRATA]
    backs = {e.number: e.backed_by for e in ERRATA}
    # the other record of each link: a theorem tagged "erratum N" must be N's backing
    for tid in known:
        for tag in load_theorem(tid).tags:
            if tag.startswith("erratum ") and backs.get(int(tag.split()[1])) != tid:
                missing.append(
                    f"{tid} is tagged {tag!r}, but that erratum names "
                    f"{backs.get(int(tag.split()[1]))}"
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


def _level(theorem_id):
    """The weakest evidence of the backing theorem (a refutation stays a refutation)."""
    levels = load_theorem(theorem_id).evidence_levels
    if "refuted" in levels:
        return Evidence.REFUTED
    return Evidence(levels[-1])


def _runs(e):
    def check(settings):
        theorem = load_theorem(e.backed_by)
        tag = f"erratum {e.number}"
        if tag not in theorem.tags:  # the two records of the link, kept apart, must agree
            return Outcome(
                False,
                f"{e.backed_by} does not say it settles erratum {e.number}",
                instances=[e.backed_by],
                left=f"tags of {e.backed_by}: {theorem.tags}",
                right=f"a tag {tag!r}",
            )
        result = run_cached(theorem, settings)
        failed = [s.step.claim for s in result.steps if not s.ok]
        return Outcome(
            result.ok,
            f"{e.backed_by} is tagged {tag!r}; ran it: "
            f"{len(result.steps) - len(failed)}/{len(result.steps)} steps hold",
            instances=[e.backed_by],
            left="; ".join(failed) or "all steps hold",
            right="all steps hold",
        )

    return check


def _step(e):
    claim = f"#{e.number}: “{e.seed_says}” → {e.correction}"
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
        f"the correction is the content of {e.backed_by}; this step runs it",
        _level(e.backed_by),
        _runs(e),
        source=f"the cited steps of {e.backed_by}",
    )


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
    + [_step(e) for e in ERRATA],
)
