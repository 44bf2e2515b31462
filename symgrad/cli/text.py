"""What the command line prints: JSON objects, terminal text and one-line errors.

Every command's result goes through :func:`_emit` (one strict JSON object with ``--json``,
terminal text otherwise, and the exit code from the payload's verdict); every failure goes
through :func:`_fail` (one line on stderr and, with ``--json``, one JSON object on stdout).
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import sys
from typing import Any


def _finite(obj: Any) -> Any:
    """Strict JSON: non-finite floats become null."""
    if isinstance(obj, float) and not math.isfinite(obj):
        return None
    if isinstance(obj, dict):
        return {k: _finite(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_finite(v) for v in obj]
    return obj


def _emit(payload: dict[str, Any], as_json: bool, text: str = "") -> int:
    if as_json:
        print(
            json.dumps(_finite(payload), indent=2, ensure_ascii=False, default=str, allow_nan=False)
        )
    else:
        print(text)
    if payload.get("verdict") == "undecided":  # no answer is never a failure
        return 2
    return 0 if payload["ok"] else 1


def _pretty_without_units(expr: Any) -> str:
    """The two-dimensional pretty form (:func:`symgrad.render.printing.pretty`), without
    loading ``sympy.physics.units``.

    SymPy's pretty printer imports that package (a fifth of a second) on the first product
    it prints, only to place physical quantities last among its factors. While the package is
    not loaded, no quantity exists, so a stand-in class that no object is an instance of
    gives the same text. The stand-in is in place only while printing; if printing needs
    anything else from the package, the expression is printed again with the real one.
    """
    import types

    from ..render.printing import pretty

    name = "sympy.physics.units"
    if name in sys.modules:
        return pretty(expr)
    stand_in = types.ModuleType(name)
    stand_in.Quantity = type("Quantity", (), {})  # type: ignore[attr-defined]
    sys.modules[name] = stand_in
    try:
        return pretty(expr)
    except (ImportError, AttributeError):
        pass
    finally:
        if sys.modules.get(name) is stand_in:
            del sys.modules[name]
    return pretty(expr)


def _duration(seconds: float) -> str:
    for unit, size in (("days", 86400), ("h", 3600), ("min", 60)):
        if seconds >= 2 * size:
            return f"{seconds / size:.3g} {unit}"
    return f"{seconds:.3g} s"


def _one_line(exc: BaseException) -> str:
    """An error message on one line: its first line, plus the TeX error if there is one."""
    lines = [ln.strip() for ln in str(exc).splitlines() if ln.strip()] or [type(exc).__name__]
    detail = next((ln for ln in lines[1:] if ln.startswith("!") or ".tex:" in ln), None)
    return lines[0] + (f" {detail}" if detail else "")


def _quiet_stdout() -> None:
    """After a failed write to stdout: send the rest to /dev/null (no second error at exit)."""
    with contextlib.suppress(OSError, ValueError):
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())


def _say(name: str, message: str) -> None:
    with contextlib.suppress(OSError, ValueError):
        print(f"symgrad{' ' + name if name else ''}: {message}", file=sys.stderr, flush=True)


def _print_json_error(name: str, kind: str, message: str) -> None:
    """The JSON object of a failed command: ``ok`` false, the error's kind and message."""
    payload: dict[str, Any] = {"ok": False, "command": name or None}
    if kind == "timeout":  # no answer within the time limit: undecided, never failed
        payload["verdict"] = "undecided"
    payload["error"] = {"kind": kind, "message": message}
    with contextlib.suppress(OSError, ValueError):
        print(json.dumps(payload, indent=2, ensure_ascii=False), flush=True)


def _fail(
    name: str, args: Any, kind: str, message: str, *, prefix: str = "error", code: int = 2
) -> int:
    """Report a failure: one line on stderr and, with --json, one JSON object on stdout."""
    _say(name, f"{prefix}: {message}" if prefix else message)
    if getattr(args, "json", False):
        _print_json_error(name, kind, message)
    return code


def _error_kind(exc: BaseException) -> str:
    """The ``error.kind`` of a symgrad error in JSON output."""
    from ..errors import BudgetExceededError, UnknownNameError

    if isinstance(exc, BudgetExceededError):
        return "budget"
    if isinstance(exc, UnknownNameError):
        return "unknown-name"
    return "invalid-input"
