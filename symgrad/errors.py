"""The exceptions symgrad raises.

Every error symgrad raises on purpose derives from :class:`SymgradError`. Each
leaf also inherits the builtin exception a Python user would expect, so
``except ValueError`` keeps working.

Messages follow one pattern: the offending ``name=value``, the constraint it
broke, and a hint of what is allowed.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from typing import Any

__all__ = [
    "BudgetExceededError",
    "HypothesisError",
    "ImplementationError",
    "InvalidArgumentError",
    "ParseError",
    "SymgradError",
    "SymgradTimeoutError",
    "TeXError",
    "UndecidedError",
    "UnknownNameError",
    "check_choice",
    "check_positive_int",
    "check_real_constant",
    "closest_matches",
    "unknown_name",
]


class SymgradError(Exception):
    """Root of every error symgrad raises on purpose."""


class InvalidArgumentError(SymgradError, ValueError):
    """An argument has the wrong type or lies outside the allowed range."""


class ImplementationError(InvalidArgumentError):
    """A function under check raised, returned the wrong thing, or changed its inputs."""


class UnknownNameError(SymgradError, LookupError):
    """A name (activation, model, theorem id, figure) is not known."""


class ParseError(SymgradError, ValueError):
    """A user-written expression was rejected by the safe parser."""


class BudgetExceededError(SymgradError, ValueError):
    """A job's predicted size exceeds its budget; the message says what would fit."""


class HypothesisError(SymgradError, ValueError):
    """An expression breaks a hypothesis a derivation needs (e.g. σ undefined at a point)."""


class UndecidedError(SymgradError, RuntimeError):
    """A derivation could not decide its answer (within its time limit or at all)."""


class SymgradTimeoutError(SymgradError, TimeoutError):
    """A job ran past its wall-clock limit and was stopped."""


class TeXError(SymgradError, RuntimeError):
    """A TeX run failed or produced no fresh PDF."""


def closest_matches(name: str, choices: Iterable[str], *, limit: int = 3) -> list[str]:
    """Return up to `limit` entries of `choices` that look like `name`.

    Examples
    --------
    >>> closest_matches("tahn", ["tanh", "sigmoid", "relu"])
    ['tanh']
    """
    choices = list(choices)
    found = difflib.get_close_matches(name, choices, n=limit, cutoff=0.5)
    if not found:
        lowered = name.lower()
        found = [c for c in choices if lowered in c.lower() or c.lower() in lowered][:limit]
    return found


def unknown_name(kind: str, name: str, choices: Iterable[str]) -> UnknownNameError:
    """Build the error for an unknown `name` of `kind`, suggesting close matches.

    Examples
    --------
    >>> str(unknown_name("activation", "tahn", ["tanh", "relu"]))
    "activation='tahn' is not known; did you mean 'tanh'? Known: relu, tanh"
    """
    choices = sorted(choices)
    close = closest_matches(name, choices)
    hint = f"; did you mean {' or '.join(repr(c) for c in close)}?" if close else ";"
    return UnknownNameError(f"{kind}={name!r} is not known{hint} Known: {', '.join(choices)}")


def check_choice(kind: str, value: object, allowed: Iterable[str]) -> str:
    """Return `value` if it is one of `allowed`; otherwise an error with the closest names.

    Examples
    --------
    >>> check_choice("model", "A", ("A", "B"))
    'A'
    """
    allowed = list(allowed)
    if not isinstance(value, str) or value not in allowed:
        raise unknown_name(kind, str(value), allowed)
    return value


def check_positive_int(name: str, value: object, *, maximum: int | None = None) -> int:
    """Return `value` if it is an int in ``1..maximum``; raise otherwise.

    Examples
    --------
    >>> check_positive_int("hidden", 3)
    3
    >>> check_positive_int("hidden", 0)
    Traceback (most recent call last):
    ...
    symgrad.errors.InvalidArgumentError: hidden=0 must be a positive integer (at least 1)
    """
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidArgumentError(f"{name}={value!r} must be a positive integer")
    if value < 1:
        raise InvalidArgumentError(f"{name}={value!r} must be a positive integer (at least 1)")
    if maximum is not None and value > maximum:
        raise InvalidArgumentError(f"{name}={value!r} must be at most {maximum}")
    return value


def check_real_constant(
    name: str,
    value: object,
    *,
    lower: int,
    upper: int | None = None,
    floats: bool = False,
    why: str = "",
) -> Any:
    """`value` as an exact real SymPy number in (lower, upper); raise otherwise.

    Accepted: an int, a SymPy number, a decimal or fraction string ('0.01', '1/5', read
    exactly), and with `floats` a float. `why` explains the range in the error.

    Examples
    --------
    >>> check_real_constant("slope", "1/5", lower=0, upper=1)
    1/5
    >>> check_real_constant("w", 4, lower=4)
    Traceback (most recent call last):
    ...
    symgrad.errors.InvalidArgumentError: w=4 is out of range; allowed: w > 4
    """
    import sympy as sp  # here, not at import: the command line starts without SymPy

    kinds = (int, str, sp.Expr, float) if floats else (int, str, sp.Expr)
    if isinstance(value, bool) or not isinstance(value, kinds):
        accepted = "an int, a float," if floats else "an int,"
        raise InvalidArgumentError(
            f"{name}={value!r} must be {accepted} a SymPy number or a string such as '0.01' or "
            "'1/5'"
        )
    try:
        if isinstance(value, (int, str)):
            number = sp.Rational(value)
        else:
            number = sp.Float(value) if isinstance(value, float) else value
    except (TypeError, ValueError):
        raise InvalidArgumentError(
            f"{name}={value!r} is not a number; write e.g. '0.01' or '1/5'"
        ) from None
    if not (isinstance(number, sp.Expr) and number.is_real and number.is_number):
        raise InvalidArgumentError(
            f"{name}={value!r} must be a real number (not a symbol, not complex)"
        )
    if not number > lower or (upper is not None and not number < upper):
        allowed = f"{lower} < {name} < {upper}" if upper is not None else f"{name} > {lower}"
        raise InvalidArgumentError(
            f"{name}={value!r} is out of range; allowed: {allowed}" + (f" ({why})" if why else "")
        )
    return number
