"""Mutation testing of the checker: does ``symgrad verify`` catch planted bugs?

One semantic mutation at a time is planted in a maths module and the whole
catalogue is run, as ``symgrad verify`` runs it. A mutant is *killed* when the
run reports a failing theorem, crashes, or exceeds the time limit; it *survives*
when every theorem still holds. The kill rate per module measures how much of
the mathematics the catalogue can actually catch.

Mutation operators (each plants exactly one change):

``matmul-swap``   ``A @ B`` → ``B @ A``
``add-sub``       ``a + b`` ↔ ``a - b``
``drop-T``        ``A.T`` → ``A``
``pow-off``       ``x ** c`` → ``x ** (c + 1)`` for an integer constant c
``cmp-strict``    ``<`` ↔ ``<=``, ``>`` ↔ ``>=``
``drop-neg``      ``-x`` → ``x``
``index-off``     ``a[i]`` → ``a[i + 1]`` for a constant or ``t ± c`` index

Isolation: every mutant runs in a fresh temporary copy of ``symgrad/`` and
``proofs/`` (the working tree is never written), with the mutated file as the
only difference; the copy is removed afterwards, also on SIGINT/SIGTERM.

Time limit: a mutant whose run takes longer than ``--timeout`` seconds (default
80, four times a normal cold run of about 20 s on an idle 2-core machine) counts as
killed and is reported separately as ``timeout``: a catalogue that no longer finishes
in four times its usual time fails.

Restartable: results are appended to a JSON-lines file (``--out``), keyed by
module, mutant id and the module's source hash; a rerun skips mutants already
recorded for the same source. The hash (:func:`source_hash`) ignores import statements:
it is taken over the source with every line of every ``import`` / ``from ... import``
statement blanked (doctest import lines too), lines kept, so that moving a module or
renaming what it imports keeps its recorded results, while any other edit, or a line
added or removed, starts afresh. Rows recorded under the older hash of the whole text
are re-keyed once with :func:`rekey` (``--rekey REF``). ``--modules``, ``--sample`` / ``--limit`` and
``--seed`` let a run be split into parts.

Usage::

    nice python benchmarks/mutation.py --modules bptt routes --sample 40 --seed 1
    python benchmarks/mutation.py --report            # table from the results file
    python benchmarks/mutation.py --rekey eba3093      # re-key rows recorded before the move

Equivalent mutants (no observable change in behaviour) are listed in
``EQUIVALENT``, by their content, with a reason and excluded from the denominator.
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import json
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "symgrad"
#: Where the maths modules live (``symgrad/maths/<module>.py``).
MATHS = PACKAGE / "maths"
#: Every module whose mathematics the catalogue states or computes (``training`` included: the
#: experiment behind two figures). Not mutated: ``limits`` (process time and memory limits) and
#: the parsing, kernel, rendering and command-line layers.
MATHS_MODULES = (
    "bptt", "routes", "exact", "rnn", "numeric", "bounds", "linear", "remedies", "gamma",
    "gamma_search", "gamma_pieces", "gamma_cover", "activations", "hypotheses", "certified_sup", "enclosures",
    "rational", "lstm", "gru", "dynamics", "errata", "truncation", "echo_state",
    "teacher_forcing", "gated", "training",
)  # fmt: skip
DEFAULT_OUT = ROOT / "benchmarks" / "mutation_results.jsonl"

#: The reason shared by the strict and non-strict comparisons of dynamics.fixed_points.
ARB_TIE = (
    "an arb comparison: '>' and '≥' differ only at a ball with an end exactly 0. For rational "
    "w ≠ 0 and b, f and f′ are non-zero at every rational point ≠ 0 (e^q is transcendental for "
    "rational q ≠ 0), so no zero of f or f′ is a box end, and the subdivision points never hit "
    "0; at w = 0 the first box isolates the root; an irrational w or b is a ball of positive "
    "radius, and so is every value computed from it. Only a rounding that lands exactly on 0 "
    "could tell them apart"
)

#: (module, operator, replaced text, which occurrence of that text and operator in the module,
#: counted in the harness's order) → why the mutant cannot change any observable result.
#: Keyed by content, not by line, so edits elsewhere in a module leave the list valid.
EQUIVALENT: dict[tuple[str, str, str, int], str] = {
    # bptt
    ("bptt", "cmp-strict", "len(args) > 1", 0): (
        "printing helper; every placeholder is built with its state symbol, so len(args) ≥ 2 "
        "and '> 1' and '≥ 1' agree"
    ),
    ("bptt", "add-sub", "t + 1", 7): (
        "the distributivity lemma holds for every R free of k; J_{t−1} is as good a witness as "
        "J_{t+1}"
    ),
    ("bptt", "index-off", "J[1]", 0): (
        "guard against commuting random instances, weakened: it compares other products, and "
        "the fixed instances it admits are the same non-commuting ones"
    ),
    ("bptt", "index-off", "J[2]", 0): "the same guard, weakened (as above)",
    ("bptt", "index-off", "J[2]", 1): "the same guard, weakened (as above)",
    ("bptt", "index-off", "J[1]", 1): "the same guard, weakened (as above)",
    ("bptt", "cmp-strict", "steps > 1", 0): (
        "the same guard: every instance has T ≥ 3, so 'T > 1' and 'T ≥ 1' agree"
    ),
    ("bptt", "add-sub", "x + x**2 / 4", 0): (
        "the chain-rule link is checked on a network with σ(a) = a + a²/4; it holds for every "
        "σ, so a − a²/4 is as good a witness"
    ),
    ("bptt", "pow-off", "x**2", 0): "as above: σ(a) = a + a³/4 is as good a witness",
    ("bptt", "add-sub", "steps + 1", 5): (
        "fewer inputs and targets fixed to numbers: both sides stay polynomials in the free "
        "ones and the identity is still decided exactly"
    ),
    ("bptt", "add-sub", "time.perf_counter() - start", 0): (
        "naive_check's elapsed-time field; no mathematical output"
    ),
    # exact
    ("exact", "add-sub", "2**62 - 1", 0): (
        "the sample set {1..2⁶²+1} is as valid as {1..2⁶²−1}; the stated probability bound "
        "moves by 2⁻⁶¹ relative, below float resolution"
    ),
    ("exact", "pow-off", "2**62", 0): (
        "the sample set {1..2⁶³−1}: as valid, and the stated bound only becomes smaller than "
        "the one printed (D/2⁶²)"
    ),
    ("exact", "add-sub", "time.perf_counter() - start", 0): (
        "verify_bptt's elapsed-time field; no mathematical output"
    ),
    ("exact", "pow-off", "2**32", 0): "range of the randomly drawn seed (any seed is valid)",
    ("exact", "add-sub", "time.perf_counter() - start", 1): (
        "the symbolic route's elapsed-time field"
    ),
    # rnn
    ("rnn", "cmp-strict", "max(self.hidden, self.inputs) >= 10", 0): (
        "symbol names: the separator appears from 10 or from 11 units; names stay unique either way"
    ),
    ("rnn", "add-sub", "sp.Sum(U[i, r] * inp[r], (r, 1, m)) + b[i]", 0): (
        "the drive U x + b does not depend on the previous state: ∂/∂h_j of the step is the "
        "same with − b"
    ),
    ("rnn", "add-sub", "sp.Sum(W[i, r] * prev[r], (r, 1, n)) + drive", 0): (
        "the pre-activation is replaced by a_i whatever the drive's sign, and the drive does "
        "not depend on h_j: ∂/∂h_j is unchanged"
    ),
    ("rnn", "add-sub", "sp.Sum(W[i, r] * sigma(prev[r]), (r, 1, n)) + drive", 0): (
        "Model B: the drive does not depend on x_{t−1}, so ∂/∂x_j is unchanged"
    ),
    # numeric
    ("numeric", "index-off", "J.shape[1]", 0): (
        "J has shape (T, n, n): J.shape[1] and J.shape[2] are both n"
    ),
    ("numeric", "index-off", "W.shape[0]", 0): (
        "after the check W.shape[0] == W.shape[1], n is the same"
    ),
    # remedies
    ("remedies", "cmp-strict", "norm > threshold", 0): (
        "at ‖ĝ‖ = τ the factor τ/‖ĝ‖ is exactly 1, so clipping or not gives the same result "
        "(the gradient_norm_clipping theorem)"
    ),
    ("remedies", "cmp-strict", "norm >= threshold", 0): (
        "the non-strict test at ‖ĝ‖ = τ: the factor τ/‖ĝ‖ is exactly 1 (as above)"
    ),
    ("remedies", "cmp-strict", "value > threshold", 0): (
        "an entry equal to τ is mapped to τ either way"
    ),
    ("remedies", "cmp-strict", "value < -threshold", 0): (
        "an entry equal to −τ is mapped to −τ either way"
    ),
    # dynamics
    ("dynamics", "cmp-strict", "value > 0", 0): ARB_TIE,
    ("dynamics", "cmp-strict", "value < 0", 0): ARB_TIE,
    ("dynamics", "cmp-strict", "centred > 0", 0): ARB_TIE,
    ("dynamics", "cmp-strict", "centred < 0", 0): ARB_TIE,
    ("dynamics", "cmp-strict", "slope > 0", 0): ARB_TIE,
    ("dynamics", "cmp-strict", "slope < 0", 0): ARB_TIE,
    ("dynamics", "cmp-strict", "at_lo > 0", 0): ARB_TIE,
    ("dynamics", "cmp-strict", "at_hi < 0", 0): ARB_TIE,
    ("dynamics", "cmp-strict", "at_lo < 0", 0): ARB_TIE,
    ("dynamics", "cmp-strict", "at_hi > 0", 0): ARB_TIE,
    ("dynamics", "cmp-strict", "at_lo > 0", 1): ARB_TIE,
    ("dynamics", "cmp-strict", "at_lo > 0", 2): ARB_TIE,
    ("dynamics", "cmp-strict", "at_hi > 0", 1): ARB_TIE,
    ("dynamics", "cmp-strict", "at_lo < 0", 1): ARB_TIE,
    ("dynamics", "cmp-strict", "at_hi < 0", 1): ARB_TIE,
    ("dynamics", "cmp-strict", "value > 0", 1): ARB_TIE,
    ("dynamics", "cmp-strict", "value < 0", 1): ARB_TIE,
    ("dynamics", "cmp-strict", "value > 0", 2): ARB_TIE,
    ("dynamics", "add-sub", "f(arb(mid)) + slope * (box - mid)", 0): (
        "the mean-value form f(m) ± f′(B)(B − m): B − m is a ball centred at 0, so both signs "
        "give the same ball"
    ),
    ("dynamics", "cmp-strict", "level >= depth", 0): (
        "the depth limit, not mathematics: refusing after depth or depth + 1 halvings; what is "
        "decided within it is unchanged"
    ),
    # truncation
    ("truncation", "drop-neg", "-half", 0): (
        "example data (an input weight of the softsign network): every claim made of the "
        "example holds with either sign"
    ),
    ("truncation", "drop-neg", "-half", 1): "as above (an entry of an input)",
    # gamma
    ("gamma", "cmp-strict", "len(_CACHE) > 256", 0): (
        "when the γ cache is emptied (after 256 or 257 entries); a γ derived again is the same γ"
    ),
    (
        "gamma_search",
        "add-sub",
        "time.perf_counter() - start",
        0,
    ): "elapsed-time field of the derivation",
    ("gamma_search", "index-off", "sides[0]", 1): (
        "reached only when the two one-sided limits are equal (a corner, where they differ, "
        "was skipped just before): |sides[1]| is the same number"
    ),
    ("gamma_search", "cmp-strict", "abs(float(Decimal(decimal))) < 1e300", 0): (
        "the float-range guard on a tie: a γ of exactly 10³⁰⁰ is a finite float, so giving it "
        "as a float or as its decimal alone are both right; the limit, kept well below the "
        "largest float, is a convention"
    ),
    ("gamma_pieces", "cmp-strict", "v > 0", 0): (
        "sign at the midpoint of a piece, which is never a zero of the argument (the zeros are "
        "the cuts between pieces)"
    ),
    ("gamma_pieces", "cmp-strict", "v < 0", 0): "as above",
    ("gamma_pieces", "index-off", "found[0]", 1): (
        "the two one-sided limits at a kink, returned when SymPy has proved their difference "
        "zero: found[1] is the same number as found[0]"
    ),
    ("gamma_pieces", "index-off", "found[0]", 2): "as above",
    ("gamma_pieces", "pow-off", "10**6", 0): (
        "a resource guard, not mathematics: the coefficient beyond which an exp or trigonometric "
        "argument goes to the certified enclosure instead of SymPy's exact solvers (which would "
        "build polynomials of that degree); both routes decide the same γ"
    ),
    ("gamma_pieces", "cmp-strict", "abs(c) > _LARGEST_FREQUENCY", 0): (
        "the same guard on a tie: a coefficient of exactly 10⁶ takes one route or the other"
    ),
    ("gamma_pieces", "cmp-strict", "written.free_symbols <= {x}", 0): (
        "a fast path to Gruntz's algorithm for exp-log functions: with '<' it is never taken "
        "and sympy.limit, which reaches the same algorithm after its heuristics, decides the "
        "same limit"
    ),
    ("gamma_pieces", "cmp-strict", "ratio > 0", 0): (
        "the ratio of two leading (or lowest) coefficients of non-zero polynomials is never 0"
    ),
    ("gamma_pieces", "cmp-strict", "sign_at(args[0]) > 0", 0): (
        "Heaviside at the midpoint of a piece: its argument is not zero there (as above)"
    ),
    ("gamma_cover", "drop-neg", "-w", 2): (
        "the box [−w·2^(k+1), w·2^k] lies in the piece (all of ℝ) and contains the box it "
        "replaces: the boxes still cover the piece and nothing outside it, so the enclosure is "
        "the same supremum, as certified"
    ),
    ("gamma_cover", "drop-neg", "-far", 0): (
        "_check_cover (the guard against a cover with a gap) made weaker: the boxes _intervals "
        "builds always cover the piece, so it never fires either way"
    ),
    ("gamma_cover", "drop-neg", "-sp.oo", 2): "as above: a larger slack at the finite end",
    ("gamma_cover", "drop-neg", "-sp.oo", 3): "as above: a slack of 2⁻⁵⁸ at the infinite end",
    ("gamma_cover", "cmp-strict", "b > a", 0): "as above: an empty box would no longer be reported",
    ("gamma_cover", "cmp-strict", "direction > 0", 0): "direction is ±1, never 0",
    ("gamma_cover", "add-sub", "mid + direction * rad", 0): (
        "the ends passed in are exact (radius 0: the lower bound is a value's lower end, the "
        "upper bound an upper end), so ± the radius changes nothing"
    ),
    ("gamma_cover", "pow-off", "10**40", 0): (
        "a box of relative width 10⁻⁴¹ instead of 10⁻⁴⁰ around a 50-digit value (error below "
        "10⁻⁴⁹): it still contains the value"
    ),
    ("gamma_cover", "pow-off", "10**400", 0): (
        "as above: 10⁻⁴⁰¹ instead of 10⁻⁴⁰⁰ absolute, beside 10⁻⁴⁰ relative to a non-zero value"
    ),
    # certified_sup
    ("certified_sup", "add-sub", "h(flint.arb(c)) + dh(box) * (box - c)", 0): (
        "the mean-value form h(c) ± h′(B)(B − c): B − c is a ball centred at 0, so both signs "
        "give the same ball"
    ),
    ("certified_sup", "add-sub", "h(flint.arb(c)) + dh(box) * (box - c)", 1): (
        "the same mean-value form in the check of a recorded leaf (as above)"
    ),
    ("certified_sup", "cmp-strict", "bound < best", 0): "on a tie both bounds are the same number",
    ("certified_sup", "cmp-strict", "centred < best", 0): (
        "on a tie both bounds are the same number"
    ),
    ("certified_sup", "cmp-strict", "n < 0", 0): "a power with exponent 0: out = 1, and 1/1 = 1",
    ("certified_sup", "cmp-strict", "v.lower() > lower", 0): (
        "a point whose value ties the lower bound: the bound is the same number, only the point"
        " recorded as the maximiser changes"
    ),
    ("certified_sup", "cmp-strict", "v.lower() > lower", 1): (
        "as above, at the midpoint of a split box"
    ),
    ("certified_sup", "cmp-strict", "count > max_boxes", 0): (
        "the box budget, not mathematics: giving up at max_boxes or max_boxes + 1 boxes; what "
        "is decided within it is unchanged"
    ),
    ("certified_sup", "cmp-strict", "time.monotonic() > deadline", 0): (
        "the deadline, not mathematics: '>' and '≥' on the clock"
    ),
    ("certified_sup", "add-sub", "1 + flint.arb(rtol)", 0): (
        "a stricter stopping rule (up ≤ lower·(1 − rtol)): the enclosure returned is as "
        "certified, only narrower"
    ),
    ("certified_sup", "cmp-strict", "up <= lower * (1 + flint.arb(rtol))", 0): (
        "stopping on a tie or one box later: the enclosure returned is certified either way"
    ),
    ("certified_sup", "cmp-strict", "up.upper() <= lower", 0): "as above",
    ("certified_sup", "cmp-strict", "bound <= lower", 0): (
        "a box whose bound equals the lower bound is kept instead of dropped: it cannot raise "
        "the lower bound, and the enclosure is certified either way"
    ),
    # hypotheses
    ("hypotheses", "cmp-strict", "value < 0", 0): (
        "the probes lie strictly between consecutive real zeros (or beyond the outermost), and "
        "_roots returns every real zero or refuses, so the value at a probe is never 0"
    ),
    ("hypotheses", "add-sub", "p + s * eps", 0): (
        "both one-sided limits are taken (s = ±1); swapping the sides gives the same pair"
    ),
    ("hypotheses", "drop-neg", "-sp.oo", 1): (
        "a constant whose value is −∞ is still refused: SymPy's −oo has is_real False, which "
        "the same condition tests next"
    ),
    ("hypotheses", "drop-neg", "-sp.oo", 2): (
        "the wording of that refusal for a constant −∞ ('not real (-oo)' instead of "
        "'undefined'); whether σ is refused is unchanged"
    ),
    # rational
    (
        "rational",
        "add-sub",
        "n - k",
        0,
    ): "n − k and n + k have the same parity: (−1)^(n−k) = (−1)^(n+k)",
    # enclosures
    ("enclosures", "drop-neg", "-sp.S.Half", 0): (
        "x^(−1/2) then takes the general branch exp(−½·log x): an enclosure of the same number"
    ),
    # bounds
    ("bounds", "matmul-swap", "product @ (step_jacobian(W, fp(pre), model) / eta)", 0): (
        "both orders of the product obey the asserted bound whenever η ≥ λ₁γ, which every "
        "caller ensures (η = λ₁γ or ‖W‖_F γ)"
    ),
    ("bounds", "add-sub", "1 + 4 * n * EPS", 0): (
        "the float tolerance of ‖J‖₂ ≤ λ₁γ tightened by 8nε·λ₁γ: the absolute term 4nε‖W‖₂ "
        "stays, so the two checks differ only on values within rounding of the bound, which "
        "no exact instance reaches"
    ),
    ("bounds", "index-off", "W.shape[0]", 0): "W is square: W.shape[0] and W.shape[1] are both n",
    ("bounds", "index-off", "W.shape[0]", 1): "the same: W was checked square just before",
    ("bounds", "index-off", "W.shape[0]", 2): "the same: W was checked square just before",
    ("bounds", "index-off", "W.shape[0]", 3): "the same: W was checked square just before",
    ("bounds", "cmp-strict", "value <= limit", 0): (
        "a float tie: ‖∏(J/η)‖₂ would have to land exactly on 1 + 4(j + 1)nε, a rounding "
        "coincidence; the tolerance is never 0 (where both sides can be exactly equal, at "
        "W = 0, η = 0 and the check returns early)"
    ),
    # linear
    ("linear", "index-off", "W.shape[0]", 0): "W is square: W.shape[0] and W.shape[1] are both n",
    ("linear", "matmul-swap", "P @ W", 0): "P = W^(k−1) commutes with W: P W = W P",
    # training
    ("training", "index-off", "W.shape[0]", 0): (
        "W is square (W = λ₁·Q): W.shape[0] and W.shape[1] are both n"
    ),
    # gated
    ("gated", "add-sub", "100 + seed", 0): (
        "the seed of the random evaluation points: any other seed gives points as good"
    ),
    # echo_state
    ("echo_state", "drop-neg", "-size", 0): (
        "the range of the random skew entries: any skew-symmetric S gives an orthogonal Q = (I "
        "− S)(I + S)⁻¹"
    ),
    ("echo_state", "pow-off", "10**6", 0): (
        "the default step of the difference quotients: for a piecewise-linear run whose σ′ masks "
        "do not change (which the function checks) every ε gives the same exact quotient"
    ),
    ("echo_state", "index-off", "result.states[0]", 0): (
        "the state size read from h⁽¹⁾ instead of h⁽⁰⁾: every state of a run has the same length"
    ),
}

#: The catalogue run, as ``symgrad verify`` runs it, stopping at the first failure. A failing
#: theorem is run a second time and counts only if it fails again: some steps have wall-clock
#: limits, and a heavily loaded machine must not turn a survivor into a kill. Theorem ids on
#: the command line restrict the run (the fixed mutants of the tests) or, as ``FIRST + REST``,
#: give its order: the theorems that execute the mutated line first, so that a kill is found
#: early, then the others, whose ``prepare`` hooks (background γ derivations, a speed-up
#: only) start when they are reached.
DRIVER = """
import functools, gc, sys
import symgrad.kernel.proof as proof
from symgrad.kernel.catalogue import load_catalogue
from symgrad.kernel.proof import RunSettings

def again(thm):
    proof._RESULTS.clear()
    for obj in gc.get_objects():  # results cached under load (e.g. a timed-out γ) are dropped
        if isinstance(obj, functools._lru_cache_wrapper):
            obj.cache_clear()
    return thm.run(RunSettings()).ok

def prepare(theorems):
    for thm in theorems:
        if thm.prepare is not None:
            thm.prepare()

ids = sys.argv[1:]
first, rest = (ids[: ids.index("+")], ids[ids.index("+") + 1 :]) if "+" in ids else ([], ids)
theorems = load_catalogue(first + rest or None)
if not first:
    prepare(theorems)
with proof._one_run():  # one catalogue run: its results stay until it ends
    for thm in theorems:
        if first and rest and thm.id == rest[0]:
            prepare(theorems[len(first) :])
        result = thm.run(RunSettings())
        proof._RESULTS[(thm.id, RunSettings())] = result  # as run_theorems keeps it for errata
        if not result.ok and not again(thm):
            print("FAILED", thm.id)
            sys.exit(1)
print("ALL HOLD")
"""

#: Which lines of symgrad/maths/ each theorem executes on the unmutated sources: line tracing, one
#: theorem at a time, its proof file loaded inside the trace, with the caches emptied first.
#: A theorem that never executes the mutated line runs exactly the code it runs without the
#: mutant, so it holds; a mutant is therefore run against the theorems that execute its line
#: (``--select``). Lines the trace cannot see, those run at import time and those of
#: ``FORKED`` modules (γ derivations run in forked processes), get the whole catalogue, as
#: does every mutant without ``--select``; ``--survivors --full`` confirms the survivors of a
#: selected run against the whole catalogue.
COVERAGE_DRIVER = """
import functools, gc, json, os, sys
import symgrad.kernel.proof as proof
from symgrad.kernel.catalogue import catalogue_ids, load_theorem
from symgrad.kernel.proof import RunSettings

root = os.path.join(os.getcwd(), "symgrad", "maths") + os.sep
seen = set()

def local(frame, event, arg):
    if event == "line":
        seen.add((frame.f_code.co_filename, frame.f_lineno))
    return local

def calls(frame, event, arg):
    if frame.f_code.co_filename.startswith(root):
        seen.add((frame.f_code.co_filename, frame.f_lineno))
        return local
    return None

out = {}
for tid in catalogue_ids():
    for obj in gc.get_objects():
        if isinstance(obj, functools._lru_cache_wrapper):
            obj.cache_clear()
    proof._RESULTS.clear()
    seen.clear()
    sys.settrace(calls)
    try:
        load_theorem(tid).run(RunSettings())  # loading included: some proofs build at import
    finally:
        sys.settrace(None)
    thm = load_theorem(tid)
    by_module = {}
    for filename, line in seen:
        name = os.path.relpath(filename, root)
        if name.endswith(".py") and os.sep not in name:
            by_module.setdefault(name[:-3], []).append(line)
    out[thm.id] = {m: sorted(v) for m, v in by_module.items()}
print(json.dumps(out))
"""
COVERAGE_FILE = ROOT / "benchmarks" / "mutation_coverage.json"
#: Modules whose code also runs in forked processes (the γ derivation), out of the trace's reach.
FORKED = {
    "gamma", "gamma_search", "gamma_pieces", "gamma_cover", "activations", "hypotheses",
    "certified_sup", "enclosures",
}  # fmt: skip


@dataclass(frozen=True)
class Mutant:
    """One planted change: where, which operator, and the replacement text."""

    module: str
    source_hash: str  # of the module text the offsets refer to
    ident: str  # operator:line:col[:variant]
    operator: str
    line: int
    original: str
    mutated: str
    start: int  # character offsets of the replaced segment in the source
    end: int


def _offsets(source: str) -> list[int]:
    starts, pos = [0], 0
    for line in source.splitlines(keepends=True):
        pos += len(line)
        starts.append(pos)
    return starts


def _docstring_nodes(tree: ast.AST) -> set[int]:
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            body = node.body
            if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
                skip.add(id(body[0].value))
    return skip


#: Printing methods: presentation, not mathematics (their mutants are not counted).
PRESENTATION = {
    "_latex",
    "_unicode",
    "_sympystr",
    "_pretty",
    "_mathml_presentation",
    "notation",
    "__repr__",
    "__str__",
}


def _presentation_nodes(tree: ast.AST) -> set[int]:
    """Printing methods and the insides of f-strings (messages): not mathematics."""
    skip: set[int] = set()
    for node in ast.walk(tree):
        if (isinstance(node, ast.FunctionDef) and node.name in PRESENTATION) or isinstance(
            node, ast.JoinedStr
        ):
            skip.update(id(n) for n in ast.walk(node))
    return skip


#: Exceptions that refuse a call's arguments (or its predicted cost) before any mathematics runs.
REFUSALS = {"InvalidArgumentError", "BudgetExceededError"}


def _argument_check_nodes(tree: ast.AST) -> set[int]:
    """The tests of argument checks: an ``if`` with no ``else`` whose body raises a refusal
    (after building its message, if at all).

    ``verify`` passes valid arguments only, so these are for the test suite (test_bad_inputs).
    """
    skip: set[int] = set()
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.If)
            and not node.orelse
            and isinstance(node.body[-1], ast.Raise)
            and all(isinstance(statement, ast.Assign) for statement in node.body[:-1])
            and isinstance(node.body[-1].exc, ast.Call)
            and getattr(node.body[-1].exc.func, "id", None) in REFUSALS
        ):
            skip.update(id(n) for n in ast.walk(node.test))
    return skip


#: Functions of the maths modules that are not mathematics: they decide whether or how fast a
#: computation is attempted, never what it computes. They are not mutated; the tests check them.
NOT_MATHEMATICS: dict[tuple[str, str], str] = {
    ("exact", "parameter_count"): "the parameter count used only by the cost model",
    ("exact", "predicted_cost"): "the cost model behind the time budget",
    ("exact", "predicted_seconds"): "the cost model behind the time budget",
    ("exact", "_budget"): "validation of the budget argument",
    ("exact", "_budget_message"): "the sizes suggested when a budget is exceeded",
    ("exact", "_largest"): "the bisection behind the suggested sizes",
    ("rnn", "_check_size"): "the memory guard on the number of weight symbols",
    ("gamma", "_cancel_pending"): "stops background derivations when the process exits",
}


def _not_mathematics_nodes(tree: ast.AST, module: str) -> set[int]:
    skip: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.FunctionDef) and (module, node.name) in NOT_MATHEMATICS:
            skip.update(id(n) for n in ast.walk(node))
    return skip


def _annotation_nodes(tree: ast.AST) -> set[int]:
    """Nodes inside type annotations (never executed as arithmetic)."""
    skip: set[int] = set()
    for node in ast.walk(tree):
        annotations = []
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            annotations.append(node.returns)
            args = node.args
            for a in [*args.posonlyargs, *args.args, *args.kwonlyargs, args.vararg, args.kwarg]:
                if a is not None:
                    annotations.append(a.annotation)
        elif isinstance(node, ast.AnnAssign):
            annotations.append(node.annotation)
        for ann in annotations:
            if ann is not None:
                skip.update(id(n) for n in ast.walk(ann))
    return skip


def _variants(node: ast.AST) -> list[tuple[str, ast.AST]]:
    """The mutated replacements of `node` (operator name, new node)."""
    out: list[tuple[str, ast.AST]] = []
    if isinstance(node, ast.BinOp):
        if isinstance(node.op, ast.MatMult):
            out.append(("matmul-swap", ast.BinOp(node.right, ast.MatMult(), node.left)))
        elif isinstance(node.op, ast.Add):
            out.append(("add-sub", ast.BinOp(node.left, ast.Sub(), node.right)))
        elif isinstance(node.op, ast.Sub):
            out.append(("add-sub", ast.BinOp(node.left, ast.Add(), node.right)))
        elif (
            isinstance(node.op, ast.Pow)
            and isinstance(node.right, ast.Constant)
            and type(node.right.value) is int
        ):
            out.append(
                ("pow-off", ast.BinOp(node.left, ast.Pow(), ast.Constant(node.right.value + 1)))
            )
    elif isinstance(node, ast.Attribute) and node.attr == "T" and isinstance(node.ctx, ast.Load):
        out.append(("drop-T", node.value))
    elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
        if not isinstance(node.operand, ast.Constant):  # -1 literals are data, not operations
            out.append(("drop-neg", node.operand))
    elif isinstance(node, ast.Compare) and len(node.ops) == 1:
        swap = {ast.Lt: ast.LtE, ast.LtE: ast.Lt, ast.Gt: ast.GtE, ast.GtE: ast.Gt}
        kind = swap.get(type(node.ops[0]))
        if kind is not None:
            out.append(("cmp-strict", ast.Compare(node.left, [kind()], node.comparators)))
    elif isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load):
        index = node.slice
        plain_int = isinstance(index, ast.Constant) and type(index.value) is int
        shifted = (
            isinstance(index, ast.BinOp)
            and isinstance(index.op, (ast.Add, ast.Sub))
            and isinstance(index.right, ast.Constant)
            and type(index.right.value) is int
        )
        if plain_int or shifted:
            out.append(
                (
                    "index-off",
                    ast.Subscript(
                        node.value, ast.BinOp(index, ast.Add(), ast.Constant(1)), ast.Load()
                    ),
                )
            )
    return out


_DOCTEST_IMPORT = re.compile(r"^\s*>>> (from [\w.]+ import |import )")


def source_hash(source: str) -> str:
    """The key of a module's results: SHA-256 (16 digits) of `source` without its imports
    and its docstring.

    Every line of every import statement (at any depth), every doctest import line and every
    line of the module's docstring is blanked, the line kept, so the hash changes with any
    other edit, and with any line added or removed (the mutant ids and the coverage map count
    lines), but not when a module moves to another folder and its relative imports are
    rewritten, nor when its docstring is reworded in as many lines.
    """
    lines = source.splitlines(keepends=True)
    tree = ast.parse(source)
    blank: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import | ast.ImportFrom):
            blank.update(range(node.lineno - 1, node.end_lineno or node.lineno))
    blank.update(i for i, line in enumerate(lines) if _DOCTEST_IMPORT.match(line))
    first = tree.body[0] if tree.body else None
    if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
        blank.update(range(first.lineno - 1, first.end_lineno or first.lineno))  # the docstring
    kept = "".join("\n" if i in blank else line for i, line in enumerate(lines))
    return hashlib.sha256(kept.encode()).hexdigest()[:16]


def _raw_hash(source: str) -> str:
    """The key results were recorded under before :func:`source_hash`: the whole text."""
    return hashlib.sha256(source.encode()).hexdigest()[:16]


def module_path(module: str) -> Path:
    """``symgrad/maths/<module>.py``."""
    return MATHS / f"{module}.py"


def enumerate_mutants(module: str, source: str | None = None) -> list[Mutant]:
    """Every mutant of ``symgrad/maths/<module>.py`` (deterministic order)."""
    if source is None:
        source = module_path(module).read_text(encoding="utf-8")
    digest = source_hash(source)
    tree = ast.parse(source)
    skip = (
        _docstring_nodes(tree)
        | _annotation_nodes(tree)
        | _presentation_nodes(tree)
        | _not_mathematics_nodes(tree, module)
        | _argument_check_nodes(tree)
    )
    starts = _offsets(source)
    mutants = []
    seen: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in skip or not hasattr(node, "lineno") or node.end_lineno is None:
            continue
        for k, (operator, new) in enumerate(_variants(node)):
            start = starts[node.lineno - 1] + len(
                source.splitlines(keepends=True)[node.lineno - 1]
                .encode()[: node.col_offset]
                .decode()
            )
            end = starts[node.end_lineno - 1] + len(
                source.splitlines(keepends=True)[node.end_lineno - 1]
                .encode()[: node.end_col_offset]
                .decode()
            )
            original = source[start:end]
            mutated = "(" + ast.unparse(ast.fix_missing_locations(new)) + ")"
            ident = f"{operator}:{node.lineno}:{node.col_offset}:{k}"
            if ident in seen:  # nested operators can start at the same column: a + b + c
                ident += f":{node.end_lineno}.{node.end_col_offset}"
            seen.add(ident)
            mutants.append(
                Mutant(module, digest, ident, operator, node.lineno, original, mutated, start, end)
            )
    mutants.sort(key=lambda m: (m.line, m.ident))
    return mutants


def apply(source: str, mutant: Mutant) -> str:
    """The source with exactly the mutant's segment replaced."""
    assert source[mutant.start : mutant.end] == mutant.original
    return source[: mutant.start] + mutant.mutated + source[mutant.end :]


_LIVE: list[Path] = []


def _cleanup(*_args: object) -> None:
    while _LIVE:
        shutil.rmtree(_LIVE.pop(), ignore_errors=True)


def _on_signal(signum: int, _frame: object) -> None:
    _cleanup()
    raise SystemExit(128 + signum)


def copy_tree(destination: Path) -> None:
    """Copy the package and the catalogue (sources only) into `destination`."""
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    shutil.copytree(PACKAGE, destination / "symgrad", ignore=ignore)
    shutil.copytree(ROOT / "proofs", destination / "proofs", ignore=ignore)


def _tree_hash() -> str:
    digest = hashlib.sha256(COVERAGE_DRIVER.encode())
    for folder in (PACKAGE,):  # a map made before proofs/ changed only orders less well
        for path in sorted(folder.rglob("*")):
            if path.is_file() and path.suffix in (".py", ".toml"):
                digest.update(str(path.relative_to(ROOT)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:16]


def _module_hashes() -> dict[str, str]:
    return {
        module: source_hash(module_path(module).read_text(encoding="utf-8"))
        for module in MATHS_MODULES
    }


def coverage(
    timeout: float = 3600.0, modules: tuple[str, ...] | list[str] = ()
) -> dict[str, dict[str, list[int]]]:
    """Theorem id → module → lines it executes, for the current sources (cached on disk).

    A map made before other files changed is reused for `modules` whose own source is
    unchanged: their line numbers still hold, and a theorem that now reaches a line it did
    not reach then can only turn a kill into a survivor, which ``--survivors --full``
    confirms against the whole catalogue.
    """
    key, hashes = _tree_hash(), _module_hashes()
    if COVERAGE_FILE.exists():
        cached = json.loads(COVERAGE_FILE.read_text(encoding="utf-8"))
        if cached.get("tree") == key:
            return cached["theorems"]
        known = cached.get("modules", {})
        if modules and all(known.get(m) == hashes[m] for m in modules):
            return cached["theorems"]
    tmp = Path(tempfile.mkdtemp(prefix="symgrad-coverage-"))
    _LIVE.append(tmp)
    try:
        copy_tree(tmp)
        proc = subprocess.run(
            [sys.executable, "-c", COVERAGE_DRIVER],
            cwd=tmp,
            env={"PYTHONPATH": str(tmp), "PATH": "/usr/bin:/bin", "PYTHONDONTWRITEBYTECODE": "1"},
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        if proc.returncode != 0:
            raise SystemExit(f"tracing the catalogue failed:\n{proc.stderr[-2000:]}")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        if tmp in _LIVE:
            _LIVE.remove(tmp)
    theorems = json.loads(proc.stdout.strip().splitlines()[-1])
    COVERAGE_FILE.write_text(
        json.dumps({"tree": key, "modules": hashes, "theorems": theorems}), encoding="utf-8"
    )
    return theorems


def covering(mutant: Mutant, theorems: dict[str, dict[str, list[int]]]) -> list[str]:
    """The theorems (catalogue order) that execute a line of the mutated segment."""
    lines = set(range(mutant.line, mutant.line + mutant.original.count("\n") + 1))
    return [tid for tid, mods in theorems.items() if lines & set(mods.get(mutant.module, ()))]


def run_mutant(
    mutant: Mutant,
    timeout: float,
    source: str,
    theorems: tuple[str, ...] = (),
    pytest_args: tuple[str, ...] = (),
    optimize: bool = False,
) -> tuple[str, float, str]:
    """Run the catalogue on a temporary copy with the mutant planted in `source`.

    Returns (status, seconds, note). `source` is the module text the mutant was
    enumerated from, so editing the working tree during a run cannot misplace it.
    With `optimize` the catalogue runs under ``python -O`` (``assert`` statements
    stripped), which must not change what it catches.
    """
    tmp = Path(tempfile.mkdtemp(prefix="symgrad-mutant-"))
    _LIVE.append(tmp)
    try:
        copy_tree(tmp)
        if pytest_args:
            shutil.copytree(
                ROOT / "tests", tmp / "tests", ignore=shutil.ignore_patterns("__pycache__")
            )
            shutil.copy(ROOT / "pyproject.toml", tmp / "pyproject.toml")
        target = tmp / module_path(mutant.module).relative_to(ROOT)
        target.write_text(apply(source, mutant), encoding="utf-8")
        start = time.perf_counter()
        try:
            proc = subprocess.run(
                [sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", *pytest_args]
                if pytest_args
                else [sys.executable, *(["-O"] if optimize else []), "-c", DRIVER, *theorems],
                cwd=tmp,
                env={
                    "PYTHONPATH": str(tmp),
                    "PATH": "/usr/bin:/bin",
                    "PYTHONDONTWRITEBYTECODE": "1",
                },
                capture_output=True,
                text=True,
                timeout=timeout,
            )
        except subprocess.TimeoutExpired:
            return "timeout", time.perf_counter() - start, f"> {timeout:g} s"
        seconds = time.perf_counter() - start
        if proc.returncode == 0 and (pytest_args or "ALL HOLD" in proc.stdout):
            return "survived", seconds, ""
        lines = (proc.stdout + proc.stderr).strip().splitlines()
        return "killed", seconds, lines[-1][:160] if lines else f"exit {proc.returncode}"
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
        if tmp in _LIVE:
            _LIVE.remove(tmp)


def find_mutant(module: str, operator: str, original: str, occurrence: int = 0) -> Mutant:
    """The mutant of `module` with this operator whose replaced text is `original`."""
    matches = [
        m for m in enumerate_mutants(module) if m.operator == operator and m.original == original
    ]
    if len(matches) <= occurrence:
        raise LookupError(f"no {operator} mutant of {original!r} in symgrad/maths/{module}.py")
    return matches[occurrence]


def run_fixed(
    mutant: Mutant, theorems: tuple[str, ...], timeout: float = 120.0, *, optimize: bool = False
) -> str:
    """Plant `mutant` in a temporary copy and run only `theorems`; the status."""
    source = module_path(mutant.module).read_text(encoding="utf-8")
    return run_mutant(mutant, timeout, source, theorems, optimize=optimize)[0]


def _source_hash(module: str) -> str:
    return source_hash(module_path(module).read_text(encoding="utf-8"))


def _load(out: Path) -> list[dict]:
    if not out.exists():
        return []
    return [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines() if line]


def equivalent_keys(module: str, mutants: list[Mutant]) -> dict[str, tuple[str, str, str, int]]:
    """Mutant id → its key in `EQUIVALENT`, for the mutants listed there.

    `mutants` are all of the module's mutants in the harness's order, as enumerate_mutants
    gives them: the occurrence count in the key depends on it.
    """
    seen: Counter[tuple[str, str]] = Counter()
    out = {}
    for m in mutants:
        key = (module, m.operator, m.original, seen[m.operator, m.original])
        seen[m.operator, m.original] += 1
        if key in EQUIVALENT:
            out[m.ident] = key
    return out


def report(out: Path, modules: list[str]) -> str:
    """The kill-rate table (markdown) from the results recorded for the current sources."""
    rows = _load(out)
    lines = [
        "| module | mutants run | killed by verify | timeout | survived verify | of these killed "
        "by tests | equivalent | verify kill rate (non-equivalent) |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    survivors = []
    listed: list[tuple[tuple[str, str, str, int], str]] = []
    totals = [0, 0, 0, 0, 0, 0]
    for module in modules:
        current = _source_hash(module)
        mutants = enumerate_mutants(module)
        planted = {m.ident for m in mutants}  # still a mutation site
        reasons = equivalent_keys(module, mutants)
        latest = {
            r["ident"]: r
            for r in rows
            if r["module"] == module and r["hash"] == current and r["ident"] in planted
        }
        run = list(latest.values())
        equivalent = [r for r in run if r["ident"] in reasons]
        listed += [(reasons[r["ident"]], r["ident"]) for r in equivalent]
        live = [r for r in run if r["ident"] not in reasons]
        killed = sum(r["status"] == "killed" for r in live)
        timeout = sum(r["status"] == "timeout" for r in live)
        survived = [r for r in live if r["status"] == "survived"]
        by_tests = sum(r.get("tests") in ("killed", "timeout") for r in survived)
        survivors += survived
        denominator = len(live)
        rate = f"{100 * (killed + timeout) / denominator:.0f} %" if denominator else "–"
        lines.append(
            f"| {module} | {len(run)} | {killed} | {timeout} | {len(survived)} | {by_tests} | "
            f"{len(equivalent)} | {rate} |"
        )
        for k, v in enumerate(
            (len(run), killed, timeout, len(survived), len(equivalent), by_tests)
        ):
            totals[k] += v
    denominator = totals[0] - totals[4]
    rate = f"{100 * (totals[1] + totals[2]) / denominator:.0f} %" if denominator else "–"
    lines.append(
        f"| **all** | {totals[0]} | {totals[1]} | {totals[2]} | {totals[3]} | {totals[5]} | "
        f"{totals[4]} | {rate} |"
    )
    if survivors:
        lines.append("")
        lines.append("Survivors of `symgrad verify`:")
        for r in survivors:
            verdict = {"killed": "killed by the tests", "timeout": "tests timed out"}.get(
                r.get("tests", ""), "not killed by the tests" if "tests" in r else "not retested"
            )
            scope = "" if r.get("ran", "all") == "all" else "; the covering theorems only"
            lines.append(
                f"- {r['module']} {r['ident']} line {r['line']}: `{r['original']}` → "
                f"`{r['mutated']}` ({verdict}{scope})"
            )
    lines.append("")
    lines.append("Not mutated (not mathematics):")
    lines += [f"- {m}.{name}: {why}" for (m, name), why in NOT_MATHEMATICS.items()]
    lines.append(
        "- the tests of argument checks (an `if` whose body raises "
        f"{' or '.join(sorted(REFUSALS))}): `verify` passes valid arguments only; "
        "tests/test_bad_inputs.py and the modules' tests refuse bad ones"
    )
    if listed:
        lines.append("")
        lines.append("Equivalent:")
        order = {key: n for n, key in enumerate(EQUIVALENT)}  # as written: "as above" holds
        for key, ident in sorted(listed, key=lambda item: order[item[0]]):
            lines.append(f"- {key[0]} {ident} `{key[2]}`: {EQUIVALENT[key]}")
    return "\n".join(lines)


def _retest(args: argparse.Namespace) -> int:
    """Run each current survivor against the given test files; record the tests' verdict."""
    rows = _load(args.out)
    try:
        for module in args.modules:
            source = module_path(module).read_text(encoding="utf-8")
            current = source_hash(source)
            mutants = enumerate_mutants(module, source)
            by_id = {m.ident: m for m in mutants}
            reasons = equivalent_keys(module, mutants)
            latest = {r["ident"]: r for r in rows if r["module"] == module and r["hash"] == current}
            for ident, row in latest.items():
                if row["status"] != "survived" or ident in reasons:
                    continue
                if ident not in by_id or row.get("tests") in ("killed", "timeout"):
                    continue
                status, seconds, note = run_mutant(
                    by_id[ident], args.timeout, source, pytest_args=tuple(args.retest)
                )
                record = {**row, "tests": status, "tests_note": note, "test_files": args.retest}
                with args.out.open("a", encoding="utf-8") as fh:
                    fh.write(json.dumps(record, ensure_ascii=False) + "\n")
                print(f"tests {status:8s} {seconds:6.1f}s {module} {ident}", flush=True)
    finally:
        _cleanup()
    return 0


def rekey_map(old_sources: dict[str, str]) -> dict[tuple[str, str], str]:
    """(module, raw hash of its old text) → today's :func:`source_hash`, where they match.

    `old_sources` maps a module to its text before the move; a module changed since beyond
    its imports gets no entry (its rows do not apply to today's source).
    """
    moves = {}
    for module, old in old_sources.items():
        new = source_hash(module_path(module).read_text(encoding="utf-8"))
        if source_hash(old) == new:
            moves[module, _raw_hash(old)] = new
    return moves


def rekey_rows(rows: list[dict], moves: dict[tuple[str, str], str]) -> tuple[list[dict], int]:
    """`rows` with the hashes in `moves` replaced (``hash`` and ``source_hash``); the count."""
    out, changed = [], 0
    for row in rows:
        new = moves.get((row["module"], row["hash"]))
        if new is not None:
            row = {**row, "hash": new, "source_hash": new}
            changed += 1
        out.append(row)
    return out, changed


def rekey(ref: str, out: Path = DEFAULT_OUT, modules: tuple[str, ...] = MATHS_MODULES) -> int:
    """Re-key rows recorded under the raw hash of ``symgrad/<module>.py`` at commit `ref`.

    For each module whose source at `ref` (``git show ref:symgrad/<module>.py``, before the
    maths modules moved to ``symgrad/maths/``) differs from today's only in its imports (the
    same :func:`source_hash`), the rows whose hash is the raw hash of that old text get the
    new hash; every other row is left as it is. The cached coverage map's module hashes are
    re-keyed the same way. Returns the number of rows changed; files are replaced whole.
    """
    old_sources = {}
    for module in modules:
        old = subprocess.run(
            ["git", "show", f"{ref}:symgrad/{module}.py"],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        if old.returncode == 0:
            old_sources[module] = old.stdout
    moves = rekey_map(old_sources)
    for module in modules:
        if not any(m == module for m, _ in moves):
            print(f"{module}: not at {ref}, or changed since beyond its imports; left as it is")
    rows, changed = rekey_rows(_load(out), moves)
    tmp = out.with_name(out.name + ".rekey")
    tmp.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    tmp.replace(out)
    if COVERAGE_FILE.exists():
        cached = json.loads(COVERAGE_FILE.read_text(encoding="utf-8"))
        known = cached.get("modules", {})
        cached["modules"] = {m: moves.get((m, h), h) for m, h in known.items()}
        COVERAGE_FILE.write_text(json.dumps(cached), encoding="utf-8")
    return changed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--modules", nargs="+", default=list(MATHS_MODULES))
    parser.add_argument("--sample", type=int, default=None, help="random mutants per module")
    parser.add_argument("--limit", type=int, default=None, help="at most this many runs in total")
    parser.add_argument("--seed", type=int, default=0, help="seed of --sample")
    parser.add_argument("--timeout", type=float, default=80.0, help="seconds per mutant")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT)
    parser.add_argument(
        "--survivors",
        action="store_true",
        help="run again only the recorded survivors (after the catalogue gained checks)",
    )
    parser.add_argument(
        "--select",
        action="store_true",
        help="run each mutant against the theorems that execute its line (see COVERAGE_DRIVER)",
    )
    parser.add_argument(
        "--full",
        action="store_true",
        help="with --survivors: confirm against the whole catalogue",
    )
    parser.add_argument("--list", action="store_true", help="list the mutants and stop")
    parser.add_argument("--report", action="store_true", help="print the table and stop")
    parser.add_argument(
        "--rekey",
        metavar="REF",
        help="re-key the rows recorded for the sources at git commit REF (see rekey) and stop",
    )
    parser.add_argument(
        "--retest",
        nargs="+",
        metavar="TEST_FILE",
        help="run the recorded survivors against these test files (pytest) instead",
    )
    args = parser.parse_args(argv)
    for module in args.modules:
        if not module_path(module).is_file():
            parser.error(f"no module symgrad/maths/{module}.py")
    if args.report:
        print(report(args.out, args.modules))
        return 0
    if args.rekey:
        print(f"{rekey(args.rekey, args.out, tuple(args.modules))} rows re-keyed")
        return 0
    signal.signal(signal.SIGINT, _on_signal)
    signal.signal(signal.SIGTERM, _on_signal)
    if args.retest:
        return _retest(args)
    rows = _load(args.out)
    done = {(r["module"], r["ident"], r["hash"]) for r in rows}
    if args.survivors:  # only the latest verdict counts: a survivor run again is redone
        latest = {(r["module"], r["ident"], r["hash"]): r["status"] for r in rows}
        done = {key for key, status in latest.items() if status != "survived"}
    theorems = {} if args.list else coverage(modules=args.modules)
    runs = 0
    try:
        for module in args.modules:
            source = module_path(module).read_text(encoding="utf-8")
            mutants = enumerate_mutants(module, source)
            current = source_hash(source)
            if args.survivors:
                reasons = equivalent_keys(module, mutants)
                mutants = [
                    m
                    for m in mutants
                    if (module, m.ident, current) not in done
                    and m.ident not in reasons
                    and any(
                        r["module"] == module and r["ident"] == m.ident and r["hash"] == current
                        for r in rows
                    )
                ]
            if args.sample is not None and args.sample < len(mutants):
                mutants = sorted(
                    random.Random(f"{args.seed}:{module}").sample(mutants, args.sample),
                    key=lambda m: m.line,
                )
            if args.list:
                for m in mutants:
                    print(f"{module} {m.ident}: {m.original!r} -> {m.mutated!r}")
                continue
            for m in mutants:
                if (module, m.ident, current) in done:
                    continue
                if args.limit is not None and runs >= args.limit:
                    return 0
                first = covering(m, theorems)
                selected = args.select and not args.full and first and module not in FORKED
                order = (
                    tuple(first)
                    if selected
                    else (*first, "+", *[tid for tid in theorems if tid not in first])
                )
                status, seconds, note = run_mutant(m, args.timeout, source, order)
                runs += 1
                record = asdict(m) | {
                    "hash": current,
                    "status": status,
                    "seconds": round(seconds, 2),
                    "note": note,
                    "covered_by": first,
                    "ran": "covering" if selected else "all",
                }
                with args.out.open("a", encoding="utf-8") as fh:
                    fh.write(json.dumps(record, ensure_ascii=False) + "\n")
                print(
                    f"{status:8s} {seconds:6.1f}s {module} {m.ident}: {m.original} -> {m.mutated}",
                    flush=True,
                )
    finally:
        _cleanup()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
