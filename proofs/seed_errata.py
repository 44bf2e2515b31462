"""The seed's errors and loose statements, each backed by a theorem of this catalogue.

Statement. Every entry of symgrad.maths.errata.ERRATA names what the seed blog post says, the
correction, and either the catalogue theorem that backs it or, for a bibliographic
correction, the reference.

Proof. Each step runs its backing theorem (once per catalogue run) and holds only when that
theorem holds, and is undecided (never FAILED) when a backing step is undecided and none
failed; a bibliographic erratum is cited.
"""

import sympy as sp

from symgrad import Evidence, Outcome, Step, Theorem, catalogue_ids
from symgrad.kernel import (
    AtTime,
    Chain,
    Claim,
    Over,
    Plus,
    Prime,
    Tends,
    Times,
    UndecidedError,
    Verdict,
    as_math,
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


_k, _t, _i, _eta, _tau, _C, _T, _j = sp.symbols("k t i eta tau C T j")


def _value(expr):
    """A written formula's value: sums, products and quotients kept in written order become
    SymPy arithmetic."""
    return (
        expr.replace(Plus, lambda *terms: sp.Add(*terms))
        .replace(Times, lambda *factors: sp.Mul(*factors))
        .replace(Over, lambda num, den: num / den)
    )


def _top(e, of_type, in_seed=False):
    """The formulas of erratum `e`'s correction (or of what the post says) that are parts of
    the claim itself, not pieces of a larger formula, those of `of_type`."""
    claim = e.seed_says if in_seed else e.correction
    return [m for m in claim.maths if isinstance(m, of_type)]


def _expanded(formulas):
    return [sp.expand(_value(f)) for f in formulas]


#: the number of one-step factors ∂h⁽ⁱ⁾/∂h⁽ⁱ⁻¹⁾ for i = t+1, …, k, counted by SymPy
_LAG = sp.summation(1, (_i, _t + 1, _k))

#: the bound C·T/(1 − η) of erratum 19
_BOUND = Over(_C * _T, Plus(1, -_eta))

#: two points (η, C, T, τ) at which the sums of erratum 19 are taken
_POINTS = [
    {_eta: sp.Rational(1, 3), _C: 2, _T: 5, _tau: 4},
    {_eta: sp.Rational(2, 5), _C: 3, _T: 7, _tau: 6},
]


def _formulas(settings):
    """The errata's formulas against their meaning, computed independently: a lag k − t
    counts the one-step factors between t and k (SymPy sums 1 over i = t+1..k); the model
    reads the previous state; the long-lag share and the bound are geometric sums."""
    errata = {e.number: e for e in ERRATA}
    lag = sp.expand(_LAG)
    rows = [
        (
            Claim("#2 the limit: the lag", Tends(Plus(_k, -_t), sp.oo)),
            [(sp.expand(_value(f.args[0]) - lag), f.args[1]) for f in _top(errata[2], Tends)],
            [(0, sp.oo)],
        ),
        (
            Claim("#3 the correction:", Plus(_k, -_t), "grows,", Plus(_t, -_k), "is negative"),
            _expanded(_top(errata[3], Plus)),
            [lag, -lag],
        ),
        (
            "#3 what the post writes (the negative of the lag)",
            _expanded(_top(errata[3], Plus, True)),
            [-lag],
        ),
        (
            "#17 the number of factors of the product",
            _expanded(_top(errata[17], Plus, True)),
            [lag],
        ),
    ]
    # erratum 6: h⁽ⁱ⁾ = σ(W h⁽ⁱ⁻¹⁾ + ⋯) reads the state one step back, and the post's σ′ is
    # taken at that previous state, not at the pre-activation
    model = _top(errata[6], Chain)[0]
    left, right = model.args[0], model.args[2]
    earlier = [a.time - left.time for a in sp.preorder_traversal(right) if isinstance(a, AtTime)]
    seed = [
        a.time - left.time
        for m in errata[6].seed_says.maths
        for a in sp.preorder_traversal(m)
        if isinstance(a, AtTime)
    ]
    rows += [
        ("#6 the recurrence's time shift", earlier, [-1]),
        (
            Claim("#6 the post's", Prime("sigma", AtTime("h", _i - 1)), "is at the previous state"),
            seed,
            [-1],
        ),
    ]
    # erratum 19: the bound is T·∑ⱼ C ηʲ, the share of lags ≥ τ is ∑_{j≥τ} ηʲ / ∑_{j≥0} ηʲ
    for at in _POINTS:
        eta, tau = at[_eta], at[_tau]
        geometric = sp.summation(eta**_j, (_j, 0, sp.oo))
        tail = sp.summation(eta**_j, (_j, tau, sp.oo))
        shown = [part for k, v in at.items() for part in (",", sp.Eq(k, v))][1:]
        rows += [
            (
                Claim("#19 the bound", _BOUND, "at", *shown),
                [_value(o).subs(at) for o in _top(errata[19], Over)],
                [at[_T] * at[_C] * geometric],
            ),
            (
                Claim("#19 the share of lags", Chain(">=", _tau), "at", *shown),
                [_value(q).subs(at) for q in _top(errata[19], sp.Pow)],
                [tail / geometric],
            ),
        ]
    wrong = [
        part
        for name, got, want in rows
        if got != want
        for part in (";", name, ":", Chain(_listed(got), "!=", _listed(want)))
    ][1:]
    return Outcome(
        not wrong,
        "each formula printed in a correction, or quoted from the post, has the value its "
        "meaning gives",
        instances=[name for name, _, _ in rows],
        left=Claim(*wrong) if wrong else "all agree",
        right="all agree",
    )


def _listed(values):
    """Values found for a formula: the one value, or all of them as a tuple."""
    return as_math(values[0]) if len(values) == 1 else sp.Tuple(*values)


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
                    failed += [";", f"{tid}:", s.step.claim]
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
            left=Claim(*failed[1:]) if failed else "all steps hold",
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
        ),
        Step(
            Claim(
                "the formulas of the corrections, and those quoted from the post, mean what they "
                "say: a lag",
                Plus(_k, -_t),
                "counts the one-step factors from",
                _t,
                "to",
                _k,
                ", the recurrence reads",
                AtTime("h", _i - 1),
                ", and the long-lag share",
                _eta**_tau,
                "and the bound",
                _BOUND,
                "are geometric sums",
            ),
            "each formula compared with the count or the sum computed directly (the sums of "
            "erratum 19 at two points)",
            Evidence.CHECKED,
            _formulas,
        ),
    ]
    + [_step(e, _EVIDENCE) for e in ERRATA],
)
