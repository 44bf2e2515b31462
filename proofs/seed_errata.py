"""The seed's errors and loose statements, each backed by a theorem of this catalogue.

Statement. Every entry of symgrad.errata.ERRATA names what the seed blog post says, the
correction, and the catalogue theorem that backs it; every backing theorem exists.

Proof. The corrections are the content of the named theorems; this entry checks the links.
"""

from symgrad import Evidence, Outcome, Step, Theorem, catalogue_ids
from symgrad.errata import ERRATA


def _links(settings):
    known = set(catalogue_ids())
    missing = [f"#{e.number} → {e.backed_by}" for e in ERRATA if e.backed_by not in known]
    numbers = [e.number for e in ERRATA]
    ok = not missing and numbers == list(range(1, len(ERRATA) + 1))
    return Outcome(
        ok,
        "every erratum names an existing theorem; numbering is 1..N",
        instances=[f"{len(ERRATA)} errata"],
        left=", ".join(missing) or "all present",
        right="all present",
    )


def _step(e):
    return Step(
        f"#{e.number}: “{e.seed_says}” → {e.correction}",
        f"the correction is the content of {e.backed_by}, which 'symgrad verify' runs; "
        "this step checks the link",
        Evidence.CHECKED,
        lambda settings, e=e: Outcome(
            e.backed_by in set(catalogue_ids()),
            f"the backing theorem {e.backed_by} is in the catalogue",
            instances=[e.backed_by],
        ),
    )


THEOREM = Theorem(
    id="seed_errata",
    title="Errata of the seed blog post",
    statement="Each error or loose statement of the seed, its correction, and the theorem behind it.",
    proof="See the named theorems; `symgrad verify` runs them.",
    references=["seed: 'The Issues on Training RNN'"],
    tags=["errata"],
    steps=[
        Step(
            "every erratum is linked to a catalogue theorem",
            "registry check",
            Evidence.CHECKED,
            _links,
        )
    ]
    + [_step(e) for e in ERRATA],
)
