"""The catalogue runner: theorems run in order of their stage, independent ones in workers.

:func:`run_theorems` runs a list of theorems (the catalogue, or any subset of it) and
returns their results in the given order; :func:`run_cached` lets a theorem read another
theorem's result in the run under way (the errata do). Slow work a theorem rests on (the γ
certificates its ``prepare`` starts checking in the background) starts first, and the
theorems that need nothing of it are shared between forked worker processes. Where a
theorem ran never changes its verdict.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from typing import Any, TextIO

from ..errors import check_instance, check_stream
from .proof import (
    _RESULTS,
    RunSettings,
    StepResult,
    Theorem,
    TheoremResult,
    _one_run,
)

__all__ = ["WORKERS", "run_cached", "run_theorems"]


def run_cached(theorem: Theorem, settings: RunSettings | None = None) -> TheoremResult:
    """Run `theorem` once per settings in the run under way; later calls in it reuse the result.

    Steps that rest on other theorems (the errata) call this, so a catalogue run does not
    run a backing theorem twice. Outside a run, it is a run of its own: nothing is kept.
    """
    settings = settings or RunSettings()
    key = (theorem.id, settings)
    with _one_run():
        cached = _RESULTS.get(key)
        if cached is None or cached.theorem is not theorem:
            cached = _RESULTS[key] = theorem.run(settings)
        return cached


def run_theorems(
    theorems: Sequence[Theorem],
    settings: RunSettings | None = None,
    progress: TextIO | None = None,
) -> list[TheoremResult]:
    """Run every theorem, writing a line to `progress` before each; results in the given order.

    The theorems' ``prepare`` hooks run first (they start slow work in the background, such
    as checking the γ certificates a theorem rests on), so that work overlaps the run; the theorems are taken up by
    :attr:`Theorem.stage` (a stable sort), so those waiting on that work come after the
    others. In a run of several theorems, those of stage 0 are shared between
    :data:`WORKERS` forked processes while this one runs the later stages; where a theorem
    ran changes nothing in its result.
    """
    check_instance("theorems", theorems, (list, tuple), "a list of Theorem objects")
    for i, thm in enumerate(theorems):
        check_instance(f"theorems[{i}]", thm, Theorem, "load one with symgrad.load_theorem(id)")
    check_instance("settings", settings, (RunSettings, type(None)), "e.g. RunSettings(seed=0)")
    check_stream("progress", progress)
    settings = settings or RunSettings()
    order = sorted(range(len(theorems)), key=lambda i: theorems[i].stage)
    shares = _shares([i for i in order if theorems[i].stage == 0 and theorems[i].prepare is None])
    if shares:
        _load_before_forking()
    # forked before any background γ work starts, so no worker holds a share of it
    workers = [_start_share(theorems, share, settings) for share in shares]
    try:
        with _one_run():  # the errata read the results of this run, and of no other
            return _run_all(theorems, settings, progress, order, shares, workers)
    finally:  # an interrupted run leaves no worker behind (those not yet collected)
        for worker in workers:
            worker.cancel()


def _run_all(
    theorems: Sequence[Theorem],
    settings: RunSettings,
    progress: TextIO | None,
    order: list[int],
    shares: list[list[int]],
    workers: list[Any],
) -> list[TheoremResult]:
    for thm in theorems:
        if thm.prepare is not None:
            thm.prepare()
    results: dict[int, TheoremResult] = {}
    shared = {i for share in shares for i in share}
    # the workers' theorems are stage 0: collected before stage 2 (which reads results)
    mine = [i for i in order if i not in shared and theorems[i].stage < 2]
    rest = [i for i in order if i not in shared and theorems[i].stage >= 2]
    for index in mine:
        _run_one(theorems[index], index, settings, progress, results)
    for share in shares:
        done = _collect(theorems, share, workers.pop(0))  # popped: no longer to be cancelled
        for index in share:
            _run_one(theorems[index], index, settings, progress, results, done.get(index))
    for index in rest:
        _run_one(theorems[index], index, settings, progress, results)
    return [results[i] for i in range(len(theorems))]


def _run_one(
    thm: Theorem,
    index: int,
    settings: RunSettings,
    progress: TextIO | None,
    results: dict[int, TheoremResult],
    done: TheoremResult | None = None,
) -> None:
    """Record `thm`'s result (`done`, when a worker ran it; else run it here)."""
    if progress is not None:
        print(f"  verifying {thm.id} …", file=progress, flush=True)
    result = done if done is not None else thm.run(settings)
    _RESULTS[(thm.id, settings)] = result
    results[index] = result


#: processes that share the independent theorems of a catalogue run (stage 0) between them,
#: while the calling process checks the γ certificates and runs the later stages
WORKERS = 2


_FEWEST_SHARED = 8  # fewer stage-0 theorems run here, in order: a fork would cost more


def _shares(indices: list[int]) -> list[list[int]]:
    """The stage-0 theorems dealt in turn to :data:`WORKERS` processes (none for a short run).

    Where a theorem runs never changes its verdict: each step's check depends on its settings
    alone, and a worker that gives no answer leaves its theorems to the calling process.
    """
    if len(indices) < _FEWEST_SHARED or not hasattr(os, "fork"):
        return []
    return [indices[k::WORKERS] for k in range(WORKERS) if indices[k::WORKERS]]


def _load_before_forking() -> None:
    """Load, once, what the theorems' checks load on first use.

    Hypothesis, the parts of SymPy that ``simplify`` and ``lambdify`` import when first
    called, and NumPy's full namespace: loaded here, before the workers and the background
    γ checks are forked, every one of those processes shares them instead of loading them
    again (about a second of CPU each).
    """
    import hypothesis.strategies  # noqa: F401
    import sympy as sp

    t = sp.Symbol("t")
    sp.simplify(sp.sin(t) ** 2 + sp.cos(t) ** 2)
    sp.lambdify(t, t, "numpy")


def _start_share(theorems: Sequence[Theorem], share: list[int], settings: RunSettings) -> Any:
    from ..runtime.limits import Pending, remaining_seconds

    pending = Pending(remaining_seconds(math.inf), f"{len(share)} theorems of the catalogue")
    if pending.here:  # the forked worker: its theorems, each step's result sent back
        with pending.answering():
            pending.value = [
                [
                    (r.outcome, r.seconds, r.error, r.undecided)
                    for r in theorems[i].run(settings).steps
                ]
                for i in share
            ]
    return pending


def _collect(
    theorems: Sequence[Theorem], share: list[int], worker: Any
) -> dict[int, TheoremResult]:
    """The results a worker sent back, on the caller's own Theorem objects ({} if none)."""
    try:
        found = worker.result()
    except Exception:  # killed, out of memory, an unpicklable outcome: run them here instead
        return {}
    out = {}
    for index, steps in zip(share, found, strict=True):
        thm = theorems[index]
        rows = [StepResult(step, *row) for step, row in zip(thm.steps, steps, strict=True)]
        out[index] = TheoremResult(thm, rows, sum(r.seconds for r in rows))
    return out
