"""The catalogue runner: theorems run in order of their stage, independent ones in workers.

:func:`run_theorems` runs a list of theorems (the catalogue, or any subset of it) and
returns their results in the given order; :func:`run_cached` lets a theorem read another
theorem's result in the run under way (the errata do). Slow work a theorem rests on (the γ
certificates its ``prepare`` starts checking in the background) starts first, and the
theorems that need nothing of it are shared between forked worker processes. Where a
theorem ran never changes its verdict.
"""

from __future__ import annotations

import gc
import math
import os
import select
import struct
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

    The theorems' ``prepare`` hooks run first: each starts slow work in the background (such
    as checking the γ certificates the theorem rests on) and returns a function that waits
    for it. In a run of several theorems, that work is awaited before the workers are forked,
    so that they inherit its results instead of doing it again: every theorem of stages 0
    and 1 is then queued for :data:`WORKERS` forked processes, each taking the next one when
    it is free, while this one waits and then runs stage 2 (the theorems that read the
    others' results). In a short run, everything runs here by :attr:`Theorem.stage` (a
    stable sort). Where a theorem ran changes nothing in its result.
    """
    check_instance("theorems", theorems, (list, tuple), "a list of Theorem objects")
    for i, thm in enumerate(theorems):
        check_instance(f"theorems[{i}]", thm, Theorem, "load one with symgrad.load_theorem(id)")
    check_instance("settings", settings, (RunSettings, type(None)), "e.g. RunSettings(seed=0)")
    check_stream("progress", progress)
    settings = settings or RunSettings()
    order = sorted(range(len(theorems)), key=lambda i: theorems[i].stage)
    queued = _queued([i for i in range(len(theorems)) if theorems[i].stage < 2])
    if queued:  # loaded once, before the background work and the workers are forked
        _load_before_forking()
    workers: list[Any] = []
    try:
        with _one_run():  # the errata read the results of this run, and of no other
            waits = [thm.prepare() for thm in theorems if thm.prepare is not None]
            if queued:  # the workers inherit the finished background work
                for wait in waits:
                    if wait is not None:
                        wait()
                _start_workers(theorems, queued, settings, workers)
                gc.unfreeze()  # frozen only for the forks: here, garbage is collected again
            return _run_all(theorems, settings, progress, order, queued, workers)
    finally:  # an interrupted run leaves no worker behind (those not yet collected)
        if queued:  # nor anything frozen out of the garbage collector
            gc.unfreeze()
        for worker in workers:
            worker.cancel()


def _run_all(
    theorems: Sequence[Theorem],
    settings: RunSettings,
    progress: TextIO | None,
    order: list[int],
    queued: list[int],
    workers: list[Any],
) -> list[TheoremResult]:
    results: dict[int, TheoremResult] = {}
    # the queued theorems are of stages 0 and 1: collected before stage 2 (which reads them)
    mine = [i for i in order if i not in queued and theorems[i].stage < 2]
    rest = [i for i in order if i not in queued and theorems[i].stage >= 2]
    for index in mine:
        _run_one(theorems[index], index, settings, progress, results)
    done: dict[int, TheoremResult] = {}
    while workers:
        done.update(_collect(theorems, workers[0]))
        workers.pop(0)  # collected: no longer to be cancelled
    for index in queued:  # a theorem no worker answered for runs here
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


#: processes that take the theorems of a catalogue run (all but those of stage 2) from one
#: queue, while the calling process waits for them and then runs stage 2
WORKERS = 2


_FEWEST_SHARED = 8  # fewer theorems run here, in order: a fork would cost more
_INDEX = struct.Struct(">H")  # a queued theorem: its index, two bytes in the queue's pipe
#: the most theorems a queue holds: all of it is written before any worker reads, so it must
#: fit in a pipe's buffer (PIPE_BUF bytes at least, on every POSIX system)
_QUEUE_CAPACITY = select.PIPE_BUF // _INDEX.size


def _queued(indices: list[int]) -> list[int]:
    """The theorems the workers take (none for a short run: they run here); beyond
    :data:`_QUEUE_CAPACITY`, the rest run here too.

    Where a theorem runs never changes its verdict: each step's check depends on its settings
    alone, and a theorem no worker answered for runs in the calling process.
    """
    if len(indices) < _FEWEST_SHARED or not hasattr(os, "fork"):
        return []
    return [i for i in indices[:_QUEUE_CAPACITY] if i < 2 ** (8 * _INDEX.size)]


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
    gc.freeze()  # what is loaded stays: no process forked from here scans or copies it again


def _start_workers(
    theorems: Sequence[Theorem], queued: list[int], settings: RunSettings, workers: list[Any]
) -> None:
    """Fork :data:`WORKERS` processes that take the `queued` theorems in turn from a pipe,
    each added to `workers` as soon as it exists (so that an interruption between two forks
    still finds the first to cancel).

    Every index is written before the workers start and the writing end is closed, so a
    worker reads the next index (two bytes: one read of a pipe is atomic) until the queue
    is empty; it sends back each theorem it ran with its steps' results.
    """
    from ..runtime.limits import Pending, remaining_seconds
    from .notation import loads_as_written

    read_end, write_end = os.pipe()
    try:
        with os.fdopen(write_end, "wb") as queue:  # within a pipe's buffer (_QUEUE_CAPACITY)
            queue.write(b"".join(_INDEX.pack(i) for i in queued))
        for _ in range(WORKERS):
            pending = Pending(
                remaining_seconds(math.inf), "theorems of the catalogue", loads_as_written
            )
            if pending.here:  # a forked worker: the next theorem while there is one
                with pending.answering():
                    pending.value = _work(theorems, read_end, settings)
            workers.append(pending)
    finally:
        os.close(read_end)


def _work(
    theorems: Sequence[Theorem], queue: int, settings: RunSettings
) -> list[tuple[int, list[tuple[Any, ...]]]]:
    answers = []
    while len(entry := os.read(queue, _INDEX.size)) == _INDEX.size:
        (index,) = _INDEX.unpack(entry)
        steps = theorems[index].run(settings).steps
        answers.append((index, [(r.outcome, r.seconds, r.error, r.undecided) for r in steps]))
    return answers


def _collect(theorems: Sequence[Theorem], worker: Any) -> dict[int, TheoremResult]:
    """The results a worker sent back, on the caller's own Theorem objects ({} if none)."""
    try:
        found = worker.result()
    except Exception:  # killed, out of memory, an unpicklable outcome: run them here instead
        return {}
    out = {}
    for index, steps in found:
        thm = theorems[index]
        rows = [StepResult(step, *row) for step, row in zip(thm.steps, steps, strict=True)]
        out[index] = TheoremResult(thm, rows, sum(r.seconds for r in rows))
    return out
