"""Prose is prose: every piece of mathematics a step, an outcome or a theorem states is an
object the printers typeset, never characters inside a sentence.

A sentence (a ``str``, or a prose part of a :class:`~symgrad.kernel.claims.Claim`) is only
escaped by the documents, so a formula written inside one would reach a LaTeX page, a web
page and JSON as characters rather than mathematics. The test reads every prose part of
every theorem, step and outcome of the catalogue after a run, and refuses the characters
that only mathematics uses: relations, norms, operators, super- and subscripts, Greek
letters and the minus sign.
"""

import re

import pytest
from _render_shared import catalogue_results

from symgrad.kernel.catalogue import catalogue_ids
from symgrad.kernel.claims import Claim

#: characters only mathematics uses (a name such as leaky_relu or "Model A" is prose), and a
#: letter standing alone as a word, a variable (not the articles a and A, nor I, nor the
#: letters of an abbreviation: e.g., w.r.t.)
MATHEMATICS = re.compile(
    r"[=<>≤≥≠≈±‖∈∉⊂×·∂∏∑Σ√∞−⁰¹²³⁴⁵⁶⁷⁸⁹⁺⁻⁽⁾₀₁₂₃₄₅₆₇₈₉₊₋₍₎ᵀᵗᵏᵢⱼα-ωΑ-Ω^]"
    r"|(?<![\w'’.-])[b-zB-HJ-Z](?![\w'’.-])"
)
#: the names of the two model forms, which are words
MODEL_NAMES = re.compile(r"\bModels? [AB]((,| and| or) [AB])?\b|\([AB]\)")


def _prose(value):
    if isinstance(value, str):
        return [value]
    if isinstance(value, Claim):
        return [p for p in value.parts if isinstance(p, str)]
    return []


def _texts(result):
    """(where, value) for every text of a theorem, its steps and their outcomes."""
    thm = result.theorem
    yield "statement", thm.statement
    yield "proof", thm.proof
    yield "convention", thm.convention
    for a in thm.assumptions:
        yield "assumption", a
    for k, s in enumerate(result.steps, 1):
        o = s.outcome
        for field in ("claim", "justification", "student"):
            yield f"step {k} {field}", getattr(s.step, field)
        yield f"step {k} checked", o.checked
        yield f"step {k} tolerance", o.tolerance
        yield f"step {k} found_by", o.found_by
        for v in (*o.instances, *o.details):
            yield f"step {k} instances/details", v
        for r in o.recorded:
            for v in r.explanation:
                yield f"step {k} recorded", v
        for side in (o.left, o.right):
            yield f"step {k} left/right", side


@pytest.mark.parametrize("theorem_id", catalogue_ids())
def test_no_theorem_writes_mathematics_inside_its_prose(theorem_id):
    result = next(r for r in catalogue_results() if r.theorem.id == theorem_id)
    found = [
        f"{where}: {part!r}"
        for where, value in _texts(result)
        for part in _prose(value)
        if MATHEMATICS.search(MODEL_NAMES.sub("", part))
    ]
    assert not found, f"{result.theorem.id}:\n" + "\n".join(found)


def test_the_detector_sees_a_formula_in_a_sentence_and_none_in_an_object():
    import sympy as sp

    lam = sp.Symbol("lambda_1")
    assert MATHEMATICS.search("so λ₁ < 1") and MATHEMATICS.search("applied t times")
    assert not MATHEMATICS.search(MODEL_NAMES.sub("", "a Model B step, e.g. the (A) form"))
    assert not any(MATHEMATICS.search(p) for p in _prose(Claim("so", sp.Lt(lam, 1))))


def test_mathematics_comes_back_from_the_workers_as_it_was_written():
    # the catalogue runs in forked workers and sends its results back pickled; SymPy rebuilds
    # an object from its arguments, so 0**(k - d) written unevaluated would come back as nan,
    # 2**50 as 1125899906842624 and a Sum with a factor 1: run here, every object of every
    # text must read back equal, where a plain pickle round trip changes some of them
    import pickle

    from symgrad.kernel.catalogue import load_catalogue
    from symgrad.kernel.notation import loads_as_written
    from symgrad.kernel.proof import RunSettings

    changed, plain = [], 0
    for theorem in load_catalogue():
        result = theorem.run(RunSettings(examples=10))
        for where, value in _texts(result):
            parts = value.maths if isinstance(value, Claim) else []
            for part in parts:
                back = loads_as_written(pickle.dumps(part))
                plain += pickle.loads(pickle.dumps(part)) != part
                if back != part:
                    changed.append(f"{theorem.id} {where}: {part!r} came back as {back!r}")
    assert not changed, "\n".join(changed)
    assert plain > 0  # the control: without reading back as written, objects do change
