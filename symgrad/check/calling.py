"""Calling the function under check: loading it, calling it on copies, reading its gradients.

A function that raises, changes its inputs, or returns the wrong number, kind or shape of
gradients (or a NaN) is refused with an :class:`~symgrad.errors.ImplementationError` that
says which, on which instance; a Ctrl-C is told apart from the function's own
KeyboardInterrupt.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from ..errors import ImplementationError, InvalidArgumentError
from .instances import Instance
from .results import NAMES

__all__ = ["load_function"]


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
