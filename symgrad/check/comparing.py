"""Comparing returned gradients with the certified reference, within a stated tolerance.

The reference is an enclosure of the true gradient at the same float inputs
(:mod:`symgrad.check.reference`); the comparison gives certified upper and lower bounds on
each gradient's largest relative error, refines an enclosure too wide to decide, and for
large sizes computes the heaviest instance's enclosure in a worker process.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any

import numpy as np

from .instances import Instance, magnitudes
from .reference import Enclosure, enclose_gradients
from .results import NAMES

__all__ = ["PARALLEL_WORK", "REFINEMENTS"]


def _compare(grads: dict[str, np.ndarray], enc: Enclosure) -> dict[str, tuple[float, float, tuple]]:
    """Per parameter: certified (upper, lower) bounds on max|G − R| / ‖R‖ and the worst entry.

    With R in mid ± rad: |G − R| lies in [|G − mid| − rad, |G − mid| + rad] and ‖R‖ in
    [‖mid‖ − ‖rad‖, ‖mid‖ + ‖rad‖]; a gradient that is 0 to within its balls is measured
    against the smallest normal float instead of its norm.
    """
    tiny = float(np.finfo(float).tiny)
    out = {}
    for k in NAMES:
        gap = np.abs(grads[k] - enc.mid[k])
        norm_mid, norm_rad = float(np.linalg.norm(enc.mid[k])), float(np.linalg.norm(enc.rad[k]))
        upper = float((gap + enc.rad[k]).max()) / max(norm_mid - norm_rad, tiny)
        lower = float(np.maximum(gap - enc.rad[k], 0.0).max()) / max(norm_mid + norm_rad, tiny)
        index = tuple(int(i) for i in np.unravel_index(int(np.argmax(gap)), gap.shape))
        out[k] = (upper * (1 + 2.0**-40), lower * (1 - 2.0**-40), index)
    return out


def _tolerances(inst: Instance, enc: Enclosure, act: Any, model: str, tol: float) -> dict:
    """The tolerance for each gradient on `inst`: `tol`, widened by magnitude / norm ≥ 1.

    The norm is the lower end the comparison divides by, so that "error ≤ tolerance" reads
    max|G − R| ≤ tol · max(‖R‖, magnitude) also where R is 0.
    """
    sizes = magnitudes(inst, act, model)
    tiny = float(np.finfo(float).tiny)
    out = {}
    for k in NAMES:
        low = float(np.linalg.norm(enc.mid[k])) - float(np.linalg.norm(enc.rad[k]))
        ratio = sizes[k] / max(low, tiny)
        out[k] = tol * max(1.0, ratio if np.isfinite(ratio) else 1.0)
    return out


def _failing(
    grads: dict[str, np.ndarray], inst: Instance, act: Any, model: str, tol: float
) -> list[str]:
    enc = _reference(inst, act, model)
    tols = _tolerances(inst, enc, act, model, tol)
    return [k for k, (up, low, _) in _compare(grads, enc).items() if low > tols[k]]


#: Work (n² summed over the instances' T·B) above which the reference of the heaviest
#: instance is computed in a worker process while this one calls the function under check
#: and computes the others.
PARALLEL_WORK = 4_000_000


@contextlib.contextmanager
def _references(
    work: int, act: Any, model: str
) -> Iterator[Callable[[list[Instance]], Callable[[], list[Enclosure]]]]:
    """Enclosures of instances: for `work` of at least PARALLEL_WORK, one in a worker process.

    Yields ``send``: ``send(instances)`` hands the heaviest instance to the worker and returns
    ``collect``, which computes the others here, waits for the worker and returns them all
    in order. The worker is a fresh Python running :func:`symgrad.check.reference.serve`
    (it never imports the caller's script), started on entry so that its start-up overlaps
    the drawing of the instances and the calls of the function under check; it is killed
    when the block ends, also on an error.
    """
    if work < PARALLEL_WORK or (os.cpu_count() or 1) < 2:

        def here(instances: list[Instance]) -> Callable[[], list[Enclosure]]:
            return lambda: [_reference(inst, act, model) for inst in instances]

        yield here
        return
    import pickle
    import subprocess
    import sys
    from pathlib import Path

    from .reference import argument_radius

    package_parent = str(Path(__file__).resolve().parent.parent.parent)
    code = (
        f"import sys; sys.path.insert(0, {package_parent!r}); "
        "from symgrad.check.reference import serve; serve()"
    )
    from ..runtime.jobs import die_with_parent

    proc = subprocess.Popen(
        [sys.executable, "-c", code],
        preexec_fn=die_with_parent(),  # also when this process is killed
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )

    def send(instances: list[Instance]) -> Callable[[], list[Enclosure]]:
        # the instance with two sequences costs as much as the other two together
        heavy = max(range(len(instances)), key=lambda i: instances[i].batch)
        arrays = instances[heavy].arrays()
        portable = replace(act)  # the fields only: no cached NumPy functions to pickle
        # the range of σ's arguments needs σ in NumPy, loaded here already: not in the worker
        radius = argument_radius(*arrays[:5], act, model)
        proc.stdin.write(pickle.dumps([(arrays, portable, model, radius)]))
        proc.stdin.close()
        proc.stdin = None  # communicate() below reads only

        def collect() -> list[Enclosure]:
            found = {
                i: _reference(inst, act, model) for i, inst in enumerate(instances) if i != heavy
            }
            out, err = proc.communicate()
            try:
                (result,) = pickle.loads(out)  # written by our own worker
            except Exception:
                detail = err.decode("utf-8", "replace").strip().splitlines()[-1:] or ["?"]
                raise RuntimeError(f"a reference worker failed: {detail[0]}") from None
            if isinstance(result, BaseException):
                raise result
            found[heavy] = result
            return [found[i] for i in range(len(instances))]

        return collect

    try:
        yield send
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        for stream in (proc.stdin, proc.stdout, proc.stderr):
            if stream is not None:
                stream.close()


def _reference(inst: Instance, activation: Any, model: str, prec: int = 64) -> Enclosure:
    return enclose_gradients(*inst.arrays(), activation, model, prec=prec)


#: How often an enclosure too wide to decide is recomputed, each time with twice the bits.
REFINEMENTS = 3


def _decided(
    grads: dict[str, np.ndarray], inst: Instance, enc: Enclosure, act: Any, model: str, tol: float
) -> tuple[Enclosure, dict[str, float], dict[str, tuple[float, float, tuple]]]:
    """Compare, recomputing the enclosure with more bits while a gradient is undecided.

    A gradient is undecided when the certified bounds of its error straddle the tolerance:
    the reference's balls, not the function under check, are then too wide. The carried
    error bounds shrink like 2^-bits, so doubling the bits decides all but ties.
    """
    for _ in range(REFINEMENTS + 1):
        tols = _tolerances(inst, enc, act, model, tol)
        compared = _compare(grads, enc)
        if all(up <= tols[k] or low > tols[k] for k, (up, low, _) in compared.items()):
            break
        enc = _reference(inst, act, model, prec=2 * enc.precision)
    return enc, tols, compared
