"""Check anyone's BPTT: a user's gradients against a certified enclosure of the true ones.

:func:`check_gradients` calls the user's function on a few drawn instances (random,
saturated, long memory), compares each returned gradient with balls that certainly contain
the true gradient at the same float inputs (:mod:`symgrad.check.reference`), and on a
failure locates it: which parameter, the smallest T at which it appears, the smallest lag
k − t, and which classic mistake (:mod:`symgrad.check.mistakes`) the output coincides
with, to rounding.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from ..errors import (
    BudgetExceededError,
    ImplementationError,
    InvalidArgumentError,
    check_choice,
    check_positive_int,
)
from .instances import Instance, draw_instances, float64_tolerance, magnitudes
from .mistakes import MISTAKES, describe, variant_gradients
from .reference import Enclosure, enclose_gradients

__all__ = [
    "Diagnosis",
    "GradientCheck",
    "ParameterCheck",
    "check_budget",
    "check_gradients",
    "load_function",
    "predicted_seconds",
]

NAMES = ("W", "U", "b", "h0")
SYMBOLS = {"W": "∂L/∂W", "U": "∂L/∂U", "b": "∂L/∂b", "h0": "∂L/∂h⁽⁰⁾"}

GUARANTEE = (
    "The reference is an enclosure of the true gradient at the very float inputs the "
    "function received, computed in arb ball arithmetic (python-flint): the inputs are "
    "converted exactly, σ and σ′ are evaluated on balls, every sum and product (the "
    "matrix–vector products included, at C level) rounds outwards, and the error of "
    "continuing each step from the midpoint of the previous ball is bounded with certified "
    "constants (an upper bound on ‖W‖₂, sup|σ′| and sup|σ″| on the range reached, the "
    "distance to every kink) and added to the radii. Each reported error is an upper bound."
)


@dataclass
class ParameterCheck:
    """The largest error of one returned gradient over every instance, and its verdict.

    ``error`` is a certified upper bound of max_ij |G_ij − R_ij| / ‖R‖_F (G returned, R the
    true gradient) on the instance where it is largest compared with that instance's
    ``tolerance``; ``ok`` is None when the balls were too wide to decide.
    """

    name: str
    error: float
    error_lower: float
    instance: str
    index: tuple[int, ...]
    ok: bool | None
    tolerance: float = 0.0
    zero: bool = False  # the true gradient is 0 to within its balls

    def to_dict(self) -> dict[str, Any]:
        return {
            "parameter": self.name,
            "max_relative_error": self.error,
            "max_relative_error_lower_bound": self.error_lower,
            "worst_instance": self.instance,
            "worst_entry": list(self.index),
            "tolerance": self.tolerance,
            "ok": self.ok,
        }


@dataclass
class Diagnosis:
    """Where a failure sits and which classic mistake, if any, the output coincides with."""

    parameters: list[str]
    smallest_steps: int | None
    lag: int | None
    lag_limit: int
    mistake: str | None = None
    description: str | None = None
    agreement: float | None = None
    message: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "parameters": self.parameters,
            "smallest_steps": self.smallest_steps,
            "lag": self.lag,
            "lags_tried": self.lag_limit,
            "mistake": self.mistake,
            "description": self.description,
            "agreement": self.agreement,
            "message": self.message,
        }


@dataclass
class GradientCheck:
    """The outcome of :func:`check_gradients`; ``ok`` is True when every gradient passed."""

    ok: bool
    sizes: dict[str, Any]
    tolerance: float
    tolerance_reason: str
    parameters: list[ParameterCheck]
    instances: list[dict[str, Any]]
    guarantee: str = GUARANTEE
    diagnosis: Diagnosis | None = None
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def verdict(self) -> str:
        """The verdict: correct, FAILED (an error certainly above its tolerance) or undecided."""
        if self.ok:
            return "correct"
        return "FAILED" if any(p.ok is False for p in self.parameters) else "undecided"

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "verdict": self.verdict,
            "sizes": self.sizes,
            "tolerance": self.tolerance,
            "tolerance_reason": self.tolerance_reason,
            "parameters": [p.to_dict() for p in self.parameters],
            "instances": self.instances,
            "guarantee": self.guarantee,
            "diagnosis": self.diagnosis.to_dict() if self.diagnosis else None,
            "notes": self.notes,
            "seconds": round(self.seconds, 3),
        }

    def report(self) -> str:
        """The result as text for a terminal."""
        s = self.sizes
        lines = [
            f"BPTT check: Model {s['model']}, σ = {s['activation']}, n = {s['hidden']}, "
            f"m = {s['inputs']}, T = {s['steps']}, seed {s['seed']}",
            "instances: " + "; ".join(f"{i['kind']} (B = {i['batch']})" for i in self.instances),
            f"tolerance: {self.tolerance:.1e} relative to each gradient's norm (what float64 "
            "rounding can explain at this size), widened where the terms are larger than "
            "their sum",
            "",
        ]
        for p in self.parameters:
            mark = {True: "ok", False: "FAILED", None: "undecided"}[p.ok]
            if p.zero:  # the true gradient is 0 there: relative numbers mean nothing
                lines.append(
                    f"  {SYMBOLS[p.name]:<10} is 0 on the {p.instance} instance; yours is "
                    f"{'within' if p.ok else 'not within'} the tolerance of it  {mark}"
                )
                continue
            where = f"  (worst: {p.instance}, entry {list(p.index)})" if p.ok is False else ""
            lines.append(
                f"  {SYMBOLS[p.name]:<10} max relative error ≤ {p.error:.1e}  "
                f"(tolerance {p.tolerance:.1e})  {mark}{where}"
            )
        lines.append("")
        if self.diagnosis is not None:
            lines += ["Diagnosis:", *("  " + ln for ln in self.diagnosis.message.splitlines()), ""]
        lines += [f"note: {n}" for n in self.notes]
        if self.verdict == "undecided":
            lines.append(
                "note: the certified bounds of an error straddle its tolerance even with the "
                "reference at the most bits tried; nothing is wrong that could be shown"
            )
        lines.append(f"Verdict: {self.verdict} ({self.seconds:.2f} s)")
        return "\n".join(lines)

    __str__ = report


# ------------------------------------------------------------------------ calling the function
def _plain(value: Any) -> np.ndarray:
    """An array-like (NumPy, torch tensor, list) as a NumPy array, without importing torch."""
    for attr in ("detach", "cpu"):
        if hasattr(value, attr) and callable(getattr(value, attr)):
            value = getattr(value, attr)()
    if hasattr(value, "numpy") and callable(value.numpy) and not isinstance(value, np.ndarray):
        value = value.numpy()
    return np.asarray(value)


def _gradients(out: Any, inst: Instance, where: str) -> tuple[dict[str, np.ndarray], list[str]]:
    """The function's return value as four float arrays of the right shapes."""
    if isinstance(out, Mapping):
        missing = [k for k in NAMES if k not in out]
        if missing:
            raise ImplementationError(
                f"fn returned a mapping without the key(s) {', '.join(missing)} {where}; "
                "return {'W': ..., 'U': ..., 'b': ..., 'h0': ...} or a tuple in that order"
            )
        values = [out[k] for k in NAMES]
    elif all(hasattr(out, k) for k in NAMES) and not isinstance(out, tuple | list):
        values = [getattr(out, k) for k in NAMES]
    elif isinstance(out, tuple | list):
        if len(out) != 4:
            raise ImplementationError(
                f"fn returned {len(out)} values {where}; it must return 4: the gradients "
                "w.r.t. W, U, b and h0, in that order (or a mapping with those keys)"
            )
        values = list(out)
    else:
        raise ImplementationError(
            f"fn returned a {type(out).__name__} {where}; it must return the gradients "
            "w.r.t. W, U, b, h0 as a mapping with those keys or a tuple in that order"
        )
    shapes = {"W": inst.W.shape, "U": inst.U.shape, "b": inst.b.shape, "h0": inst.h0.shape}
    grads, notes = {}, []
    for name, value in zip(NAMES, values, strict=True):
        try:
            arr = _plain(value)
        except Exception as exc:  # an object NumPy cannot read
            raise ImplementationError(
                f"fn returned for {name} a {type(value).__name__} that is not an array "
                f"{where}: {exc}"
            ) from None
        if arr.dtype.kind not in "biuf":
            raise ImplementationError(
                f"fn returned {name} with dtype {arr.dtype} {where}; real numbers are required"
            )
        if arr.shape != shapes[name]:
            raise ImplementationError(
                f"fn returned {name}.shape={arr.shape} {where}; the gradient w.r.t. {name} "
                f"must have the shape of {name}, {shapes[name]}"
            )
        if arr.dtype.kind == "f" and arr.dtype.itemsize < 8:
            notes.append(
                f"{name} was returned as {arr.dtype}: its rounding (about "
                f"{float(np.finfo(arr.dtype).eps):.0e}) is far above float64's"
            )
        arr = arr.astype(float)
        bad = ~np.isfinite(arr)
        if bad.any():
            index = tuple(int(i) for i in np.argwhere(bad)[0])
            raise ImplementationError(
                f"fn returned {'NaN' if np.isnan(arr[index]) else 'infinity'} in "
                f"{name}{list(index)} {where}; every gradient entry must be finite"
            )
        grads[name] = arr
    return grads, notes


def _call(fn: Callable[..., Any], inst: Instance) -> tuple[dict[str, np.ndarray], list[str]]:
    """Call `fn` on copies of the instance; refuse a raise, a bad result or a changed input."""
    given = [a.copy() for a in inst.arrays()]
    where = f"(on the {inst.kind} instance, T = {inst.steps}, B = {inst.batch})"
    try:
        out = fn(*given)
    except (Exception, SystemExit, KeyboardInterrupt) as exc:
        if isinstance(exc, KeyboardInterrupt) and _real_interrupt(exc):
            raise
        said = f"{type(exc).__name__}: {exc}" if str(exc) else type(exc).__name__
        raise ImplementationError(
            f"fn raised {said} {where}; it is called as "
            "fn(W, U, b, h0, xs, targets) with float64 arrays shaped as documented"
        ) from exc
    names = ("W", "U", "b", "h0", "xs", "targets")
    for name, before, after in zip(names, inst.arrays(), given, strict=True):
        if after.shape != before.shape or not np.array_equal(after, before, equal_nan=True):
            raise ImplementationError(
                f"fn changed its input {name} in place {where}; work on a copy "
                f"({name} = {name}.copy()) so the caller's arrays stay as they were"
            )
    return _gradients(out, inst, where)


def _real_interrupt(exc: KeyboardInterrupt) -> bool:
    """Whether a KeyboardInterrupt may be a Ctrl-C rather than the function's own raise.

    Under the command line a signal arrives as :class:`symgrad.runtime.jobs.Interrupted`; with
    Python's default SIGINT handler a KeyboardInterrupt cannot be told apart, so it is one.
    """
    import signal

    from ..runtime.jobs import Interrupted

    return isinstance(exc, Interrupted) or (
        signal.getsignal(signal.SIGINT) is signal.default_int_handler
    )


#: Seconds per unit of work (T·n·(n + m) per sequence, 4 sequences), a deliberately low
#: figure (a few times faster than measured on a laptop core), so that only sizes clearly
#: out of reach are refused.
SECONDS_PER_WORK = 2.5e-7


def predicted_seconds(hidden: int, steps: int, inputs: int = 1) -> float:
    """A low estimate of the running time of :func:`check_gradients` at these sizes.

    Examples
    --------
    >>> predicted_seconds(8, 10) < 1 < predicted_seconds(4096, 100_000)
    True
    """
    n = check_positive_int("hidden", hidden, maximum=4096)
    T = check_positive_int("steps", steps, maximum=100_000)
    m = check_positive_int("inputs", inputs, maximum=4096)
    return SECONDS_PER_WORK * 4 * T * n * (n + m)


def check_budget(hidden: int, steps: int, inputs: int, budget: float) -> float:
    """Refuse sizes whose predicted time exceeds `budget` seconds, saying what fits.

    Returns the predicted seconds when they fit.

    Raises
    ------
    BudgetExceededError
        The prediction of :func:`predicted_seconds` exceeds `budget`.

    Examples
    --------
    >>> check_budget(8, 10, 1, 60.0) < 60
    True
    >>> check_budget(4096, 100_000, 1, 60.0)
    Traceback (most recent call last):
    ...
    symgrad.errors.BudgetExceededError: hidden=4096, steps=100000 would take about ...
    """
    seconds = predicted_seconds(hidden, steps, inputs)
    if seconds <= budget:
        return seconds
    per_step = predicted_seconds(hidden, 1, inputs)
    if per_step <= budget:
        hint = f"steps={int(budget // per_step)} fits at hidden={hidden}"
    else:
        small = next(
            (k for k in range(hidden - 1, 0, -1) if predicted_seconds(k, steps, inputs) <= budget),
            None,
        )
        hint = f"hidden={small} fits at steps={steps}" if small else "smaller hidden and steps fit"
    raise BudgetExceededError(
        f"hidden={hidden}, steps={steps} would take about {_duration(seconds)} (at least), "
        f"more than the {_duration(budget)} allowed; {hint} (or raise --timeout)"
    )


def _duration(seconds: float) -> str:
    for unit, size in (("days", 86400), ("h", 3600), ("min", 60)):
        if seconds >= 2 * size:
            return f"{seconds / size:.3g} {unit}"
    return f"{seconds:.3g} s"


# --------------------------------------------------------------------------------- comparing
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


# -------------------------------------------------------------------------------- the checker
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


# ------------------------------------------------------------------------------- the diagnosis
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


def load_function(spec: str) -> Callable[..., Any]:
    """The function named by ``MODULE:FUNCTION``, MODULE a ``.py`` path or a dotted module name.

    A dotted name is imported with the current folder first on the path, as ``python -c``
    would. A module that cannot be found or raises while it is imported, and a missing or
    non-callable FUNCTION, are errors that say which.

    Examples
    --------
    >>> load_function("symgrad.maths.numeric:bptt_gradients").__name__
    'bptt_gradients'
    >>> load_function("symgrad.maths.numeric")
    Traceback (most recent call last):
    ...
    symgrad.errors.InvalidArgumentError: 'symgrad.maths.numeric' must be MODULE:FUNCTION, ...
    """
    import importlib
    import importlib.util
    import os
    import sys
    from pathlib import Path

    module_name, sep, name = spec.rpartition(":")
    if not sep or not module_name or not name.isidentifier():
        raise InvalidArgumentError(
            f"{spec!r} must be MODULE:FUNCTION, e.g. student_bptt.py:bptt or mypkg.rnn:bptt"
        )
    try:
        if module_name.endswith(".py") or os.sep in module_name:
            path = Path(module_name)
            if not path.is_file():
                raise InvalidArgumentError(f"{module_name!r} is not a file")
            unit = importlib.util.spec_from_file_location(path.stem, path)
            if unit is None or unit.loader is None:
                raise InvalidArgumentError(f"{module_name!r} cannot be loaded as Python")
            module = importlib.util.module_from_spec(unit)
            sys.modules[path.stem] = module
            # the file's folder first on the path, as `python FILE` has it, for its imports
            folder = str(path.resolve().parent)
            sys.path.insert(0, folder)
            try:
                unit.loader.exec_module(module)
            finally:
                with contextlib.suppress(ValueError):
                    sys.path.remove(folder)
        else:
            if os.getcwd() not in sys.path:
                sys.path.insert(0, os.getcwd())
            module = importlib.import_module(module_name)
    except InvalidArgumentError:
        raise
    except ModuleNotFoundError as exc:
        raise InvalidArgumentError(f"cannot import {module_name!r}: {exc}") from None
    except BaseException as exc:  # the user's module raised (or exited) while importing
        if isinstance(exc, KeyboardInterrupt) and _real_interrupt(exc):
            raise
        raise ImplementationError(
            f"importing {module_name!r} raised {type(exc).__name__}: {exc}"
        ) from None
    fn = getattr(module, name, None)
    if fn is None:
        known = sorted(k for k, v in vars(module).items() if callable(v) and not k.startswith("_"))
        from ..errors import closest_matches

        close = closest_matches(name, known)
        hint = f"; did you mean {' or '.join(close)}?" if close else ""
        raise InvalidArgumentError(f"{module_name!r} has no function {name!r}{hint}")
    if not callable(fn):
        raise InvalidArgumentError(
            f"{module_name}:{name} is not callable (a value of type {type(fn).__name__})"
        )
    return fn
