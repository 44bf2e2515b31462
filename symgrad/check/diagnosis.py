"""Locating a failed check: the smallest T, the lag, and the classic mistake it matches.

The failure is cut to shorter sequences until the smallest T at which it appears, looked
for lag by lag with a single step's loss non-zero, and compared with each classic mistake
of :mod:`symgrad.check.mistakes`, to rounding.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .calling import _call
from .comparing import _failing
from .instances import Instance, magnitudes
from .mistakes import MISTAKES, describe, variant_gradients
from .results import NAMES, SYMBOLS, Diagnosis

__all__: list[str] = []


def _agreement(value: float) -> str:
    """1.2·10⁻¹⁶ style, or 'the last bit' for an exact match."""
    if value == 0:
        return "the last bit"
    mantissa, exponent = f"{value:.1e}".split("e")
    digits = str(int(exponent)).translate(str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹"))
    return f"{mantissa}·10{digits}"


def _steps_to_try(T: int) -> list[int]:
    tries, t = [1, 2, 3, 4], 6
    while t < T:
        tries.append(t)
        t = t * 2 if t >= 8 else t + 2
    return sorted({s for s in tries if s < T} | {T})


def _diagnose(
    fn: Callable[..., Any], inst: Instance, memory: Instance, act: Any, model: str, tol: float
) -> Diagnosis:
    """Locate a failure on `inst` and match it against the classic mistakes.

    The lag is found on the long-memory network (`memory`), whose gradients keep their size
    over many steps: with only the last step's loss non-zero, the rounding of the other
    steps' states (their residuals are the states' float rounding, not exactly 0) stays far
    below the tolerance there.
    """
    T = inst.steps
    smallest, first_fail, params = None, None, []
    for steps in _steps_to_try(T):
        short = inst.prefix(steps)
        grads, _ = _call(fn, short)
        failing = _failing(grads, short, act, model, tol)
        if failing:
            smallest, first_fail, params = steps, (short, grads), failing
            break
    if first_fail is None:  # cannot happen for a deterministic fn; say so if it does
        return Diagnosis(
            [], None, None, 0, message="the failure did not recur on shorter sequences"
        )
    lag, lag_limit, lag_case = None, min(T, 16), None
    for j in range(lag_limit):
        single = memory.only_last_loss(j + 1, act, model)
        grads, _ = _call(fn, single)
        if _failing(grads, single, act, model, tol):
            lag, lag_case = j, (single, grads)
            break
    cases = [first_fail] + ([lag_case] if lag_case else [])
    if smallest != T and T * T * inst.W.shape[0] ** 2 * inst.batch <= 2e9:
        grads, _ = _call(fn, inst)
        cases.append((inst, grads))
    best: tuple[float, str] | None = None
    prepared = []
    for case, grads in cases:
        right = variant_gradients(*case.arrays(), act, model)
        sizes = magnitudes(case, act, model)
        norms = {k: float(np.linalg.norm(right[k])) or 1.0 for k in NAMES}
        bounds = {k: tol * max(1.0, sizes[k] / norms[k]) for k in NAMES}
        prepared.append((case, grads, right, norms, bounds))
    for name in MISTAKES:
        agreement, matches, differs = 0.0, True, False
        for case, grads, right, norms, bounds in prepared:
            variant = variant_gradients(*case.arrays(), act, model, name)
            for k in NAMES:
                scale = float(np.linalg.norm(variant[k])) or norms[k]
                gap = float(np.abs(grads[k] - variant[k]).max()) / scale
                agreement = max(agreement, gap)
                matches = matches and gap <= bounds[k]
                apart = float(np.abs(variant[k] - right[k]).max()) / norms[k]
                differs = differs or apart > bounds[k]
        if differs and matches and (best is None or agreement < best[0]):
            best = (agreement, name)
    which = ", ".join(SYMBOLS[k] for k in params)
    one = len(params) == 1
    first = "its first step" if smallest == 1 else f"its first {smallest} steps"
    lines = [
        f"{which} {'is' if one else 'are'} wrong from T = {smallest} on (the {inst.kind} "
        f"instance cut to {first}).",
    ]
    if lag == 0:
        lines.append(
            "With only step k's loss non-zero it is wrong already at lag k − t = 0 (the "
            "loss of a step acting on that same step)."
        )
    elif lag is not None:
        lines.append(
            f"With only step k's loss non-zero, the terms of lag k − t < {lag} are right and "
            f"it is wrong at lag k − t = {lag}."
        )
    else:
        lines.append(
            f"With only one step's loss non-zero the gradient is right at every lag up to "
            f"{lag_limit - 1}: the error is in how the losses of different steps add up."
        )
    diagnosis = Diagnosis(params, smallest, lag, lag_limit)
    if best is not None:
        agreement, name = best
        diagnosis.mistake, diagnosis.description, diagnosis.agreement = (
            name,
            describe(name, model),
            agreement,
        )
        lines.append(
            f"Your {which} {'equals' if one else 'equal'} BPTT with {describe(name, model)} "
            f"(agreement to {_agreement(agreement)}, relative to the gradient's norm)."
        )
    else:
        lines.append("It matches none of the classic mistakes symgrad knows.")
    diagnosis.message = "\n".join(lines)
    return diagnosis
