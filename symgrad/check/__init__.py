"""Check anyone's BPTT: a user's gradients against a certified enclosure of the true ones.

:func:`check_gradients` calls the user's function on a few drawn instances (random,
saturated, long memory), compares each returned gradient with balls that certainly contain
the true gradient at the same float inputs (:mod:`symgrad.check.reference`), and on a
failure locates it: which parameter, the smallest T at which it appears, the smallest lag
k − t, and which classic mistake (:mod:`symgrad.check.mistakes`) the output coincides
with, to rounding.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import numpy as np

from ..errors import InvalidArgumentError, check_choice, check_positive_int
from .budget import check_budget, predicted_seconds
from .calling import _call, load_function
from .comparing import _decided, _references
from .diagnosis import _diagnose
from .instances import draw_instances, float64_tolerance
from .results import NAMES, Diagnosis, GradientCheck, ParameterCheck

__all__ = [
    "Diagnosis",
    "GradientCheck",
    "ParameterCheck",
    "check_budget",
    "check_gradients",
    "load_function",
    "predicted_seconds",
]


def check_gradients(
    fn: Callable[..., Any],
    *,
    hidden: int,
    steps: int,
    inputs: int = 1,
    activation: Any = "tanh",
    model: str = "A",
    seed: int = 0,
    rtol: float | None = None,
    diagnose: bool = True,
) -> GradientCheck:
    """Check a BPTT implementation against a certified enclosure of the true gradient.

    Parameters
    ----------
    fn : callable
        ``fn(W, U, b, h0, xs, targets)`` with float64 arrays shaped as in
        :func:`symgrad.maths.numeric.bptt_gradients` (W (n, n), U (n, m), b (n,), h0 (B, n),
        xs (T, B, m), targets (T, B, n)) returning the gradients of
        L = Σₜ ½‖h⁽ᵗ⁾ − y⁽ᵗ⁾‖² (summed over the batch) w.r.t. W, U, b, h0: a mapping with
        those keys or a tuple in that order; array-likes such as torch tensors are accepted.
        It must not change its inputs.
    hidden, steps, inputs : int
        n, T and m.
    activation : str or Activation
        Any built-in activation (``tanh``, ``sigmoid``, ``relu``, …) or an Activation.
    model : {"A", "B"}
        A: h⁽ᵗ⁾ = σ(W h⁽ᵗ⁻¹⁾ + U x⁽ᵗ⁾ + b); B: x_t = W σ(x_{t−1}) + U u_t + b.
    seed : int
        Draws the instances (random, saturated, long memory).
    rtol : float, optional
        The tolerance on max_ij |G_ij − R_ij| / ‖R‖_F. By default the bound of
        :func:`symgrad.check.instances.float64_tolerance`: 4·u·T·(2n + m + 4 + B), what
        float64 rounding can explain at this size (u = 2⁻⁵³, B = 2 sequences). Either is
        widened, per gradient and instance, by the ratio of the size of the terms rounding
        acts on to ‖R‖ where that exceeds 1 (:func:`symgrad.check.instances.magnitudes`).
    diagnose : bool
        On a failure, locate it (smallest T, lag) and name the classic mistake it matches.

    Returns
    -------
    GradientCheck
        ``ok``, per parameter the certified largest relative error and pass/fail, the
        tolerance and its reasoning, the guarantee of the reference, and a diagnosis.

    Raises
    ------
    ImplementationError
        `fn` raised, returned the wrong number, kind or shape of gradients, a NaN or an
        infinity, or changed one of its inputs.

    Examples
    --------
    >>> from symgrad.maths.numeric import bptt_gradients
    >>> def mine(W, U, b, h0, xs, targets):
    ...     return bptt_gradients(W, U, b, xs, h0, targets).as_dict()
    >>> check_gradients(mine, hidden=3, steps=4).ok
    True
    >>> def forgot_h0(W, U, b, h0, xs, targets):
    ...     g = bptt_gradients(W, U, b, xs, h0, targets)
    ...     return g.W, g.U, g.b, 0 * g.h0
    >>> result = check_gradients(forgot_h0, hidden=3, steps=4)
    >>> result.ok, result.diagnosis.mistake
    (False, 'no_h0_gradient')
    """
    from ..maths.activations import as_activation
    from ..maths.rnn import MODELS

    start = time.perf_counter()
    if not callable(fn):
        raise InvalidArgumentError(f"fn={fn!r} must be a callable fn(W, U, b, h0, xs, targets)")
    n = check_positive_int("hidden", hidden, maximum=4096)
    T = check_positive_int("steps", steps, maximum=100_000)
    m = check_positive_int("inputs", inputs, maximum=4096)
    check_choice("model", model, MODELS)
    act = as_activation(activation)
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise InvalidArgumentError(f"seed={seed!r} must be an integer ≥ 0")
    tol, why = float64_tolerance(n, T, m, 2)
    if rtol is not None:
        if isinstance(rtol, bool) or not isinstance(rtol, int | float) or not 0 < rtol < 1:
            raise InvalidArgumentError(f"rtol={rtol!r} must be a number in (0, 1)")
        why = f"given (rtol={rtol!r}); float64 rounding explains {tol:.1e} here ({why})"
        tol = float(rtol)
    # per parameter: (error / tolerance, upper, lower, instance, entry, tolerance)
    worst: dict[str, tuple] = {k: (-1.0, 0.0, 0.0, "", (), tol) for k in NAMES}
    summaries, notes, failed_on = [], [], None
    zeros: dict[str, str | None] = dict.fromkeys(NAMES)
    # the three instances hold 2 + 1 + 1 sequences of T steps, each step costs about n²
    with _references(4 * T * n * n, act, model) as send:
        instances = draw_instances(n, T, m, act, model, seed)
        collect = send(instances)
        checked = []
        for inst in instances:
            grads, new_notes = _call(fn, inst)
            notes += [note for note in new_notes if note not in notes]
            checked.append(grads)
        encs = collect()
    for inst, grads, enc in zip(instances, checked, encs, strict=True):
        summaries.append(
            {"kind": inst.kind, "steps": inst.steps, "batch": inst.batch, "bits": enc.precision}
        )
        enc, tols, compared = _decided(grads, inst, enc, act, model, tol)
        summaries[-1]["bits"] = enc.precision
        for k in NAMES:
            if np.linalg.norm(enc.mid[k]) <= np.linalg.norm(enc.rad[k]):
                zeros[k] = inst.kind
        for k, (up, low, index) in compared.items():
            if up / tols[k] > worst[k][0]:
                worst[k] = (up / tols[k], up, low, inst.kind, index, tols[k])
            if low > tols[k] and failed_on is None:
                failed_on = inst
    params = []
    for k in NAMES:
        _, up, low, kind, index, bound = worst[k]
        ok = True if up <= bound else (False if low > bound else None)
        params.append(ParameterCheck(k, up, low, kind, index, ok, bound, zeros[k] == kind))
    ok = all(p.ok for p in params)
    diagnosis = None
    if failed_on is not None and diagnose:
        diagnosis = _diagnose(fn, failed_on, instances[-1], act, model, tol)
    sizes = {
        "hidden": n,
        "steps": T,
        "inputs": m,
        "activation": act.name,
        "model": model,
        "seed": seed,
    }
    return GradientCheck(
        ok,
        sizes,
        tol,
        why,
        params,
        summaries,
        diagnosis=diagnosis,
        notes=notes,
        seconds=time.perf_counter() - start,
    )
