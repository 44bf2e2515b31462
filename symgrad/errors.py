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
    "CertificateError",
    "CheckFailedError",
    "ExerciseCheckError",
    "HypothesisError",
    "ImplementationError",
    "InvalidArgumentError",
    "InvalidTypeError",
    "ParseError",
    "SearchExhaustedError",
    "SymgradError",
    "SymgradTimeoutError",
    "TeXError",
    "UndecidedError",
    "UnknownNameError",
    "VerificationFailedError",
    "check_choice",
    "check_holds",
    "check_instance",
    "check_int",
    "check_positive_int",
    "check_real_constant",
    "check_seed",
    "check_stream",
    "closest_matches",
    "unknown_name",
]


class SymgradError(Exception):
    """Root of every error symgrad raises on purpose."""


class InvalidArgumentError(SymgradError, ValueError):
    """An argument has the wrong type or lies outside the allowed range."""


class InvalidTypeError(InvalidArgumentError, TypeError):
    """An argument has the wrong type (also a TypeError; an InvalidArgumentError like the rest)."""


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


class SearchExhaustedError(UndecidedError):
    """A search used up its stated budget (boxes, steps) without deciding; not a failure."""


class SymgradTimeoutError(SymgradError, TimeoutError):
    """A job ran past its wall-clock limit and was stopped."""


class CertificateError(SymgradError, ValueError):
    """A certificate was rejected: malformed, edited, stale, or its re-check failed."""


class TeXError(SymgradError, RuntimeError):
    """A TeX run failed or produced no fresh PDF."""


class VerificationFailedError(SymgradError, AssertionError):
    """A worked example's formula did not match the direct derivative; nothing is written."""


class ExerciseCheckError(SymgradError, AssertionError):
    """An exercise's computed solution failed its own check; no sheet is produced."""


class CheckFailedError(SymgradError, AssertionError):
    """A check found its two sides out of the stated relation; it carries both sides.

    Raised by :func:`check_holds`, never by ``assert``, so that a check cannot be
    switched off (``python -O`` strips ``assert`` statements). It inherits
    :class:`AssertionError`, so property runners and ``pytest.raises(AssertionError)``
    see it as a counterexample. ``str(error)`` is ``"left | right"``.

    Examples
    --------
    >>> err = CheckFailedError("‖J‖₂ = 2.0", "λ₁γ = 1.0")
    >>> err.left, err.right
    ('‖J‖₂ = 2.0', 'λ₁γ = 1.0')
    >>> str(err)
    '‖J‖₂ = 2.0 | λ₁γ = 1.0'
    """

    def __init__(self, left: str, right: str) -> None:
        self.left = left
        self.right = right
        super().__init__(f"{left} | {right}")

    def __reduce__(self) -> tuple[Any, ...]:  # picklable across the job runner
        return (type(self), (self.left, self.right))


def check_holds(holds: object, left: str, right: str) -> None:
    """Raise :class:`CheckFailedError` with both sides unless `holds` is true.

    The replacement for ``assert`` in every check: it runs under ``python -O`` too.
    `holds` must be a plain or NumPy bool (a comparison already made), so that a
    forgotten comparison (an array, a number) is an error and not a silent pass.

    Examples
    --------
    >>> check_holds(1 <= 2, "a = 1", "b = 2")
    >>> check_holds(3 <= 2, "a = 3", "b = 2")
    Traceback (most recent call last):
    ...
    symgrad.errors.CheckFailedError: a = 3 | b = 2
    """
    if type(holds).__name__ not in ("bool", "bool_"):
        raise InvalidArgumentError(
            f"holds={holds!r} must be a bool (the result of a comparison), "
            f"not {type(holds).__name__}"
        )
    if not holds:
        raise CheckFailedError(left, right)


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


def check_int(
    name: str,
    value: object,
    *,
    minimum: int | None = None,
    maximum: int | None = None,
    noun: str = "an integer",
) -> int:
    """`value` as a Python int in ``minimum..maximum``: the one check of integer arguments.

    Python and NumPy integers are accepted alike (and returned as ``int``); a bool, a float
    (even ``2.0``) or a string is refused with :class:`InvalidTypeError`, a value out of
    range with :class:`InvalidArgumentError`. `noun` names what is expected in the message.

    Examples
    --------
    >>> import numpy as np
    >>> check_int("seed", np.int64(7), minimum=0)
    7
    >>> check_int("seed", -1, minimum=0)
    Traceback (most recent call last):
    ...
    symgrad.errors.InvalidArgumentError: seed=-1 must be an integer ≥ 0
    >>> check_int("steps", 2.0)
    Traceback (most recent call last):
    ...
    symgrad.errors.InvalidTypeError: steps=2.0 must be an integer (a float is not accepted)
    """
    import numbers

    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        kind = type(value).__name__
        raise InvalidTypeError(f"{name}={value!r} must be {noun} (a {kind} is not accepted)")
    number = int(value)
    if minimum is not None and number < minimum:
        bound = f"≥ {minimum}" if maximum is None else f"in {minimum}..{maximum}"
        raise InvalidArgumentError(f"{name}={number!r} must be an integer {bound}")
    if maximum is not None and number > maximum:
        raise InvalidArgumentError(f"{name}={number!r} must be at most {maximum}")
    return number


def check_positive_int(name: str, value: object, *, maximum: int | None = None) -> int:
    """Return `value` (a Python or NumPy integer) as an int in ``1..maximum``; raise otherwise.

    Examples
    --------
    >>> check_positive_int("hidden", 3)
    3
    >>> check_positive_int("hidden", 0)
    Traceback (most recent call last):
    ...
    symgrad.errors.InvalidArgumentError: hidden=0 must be a positive integer (at least 1)
    """
    number = check_int(name, value, noun="a positive integer")
    if number < 1:
        raise InvalidArgumentError(f"{name}={number!r} must be a positive integer (at least 1)")
    return check_int(name, number, maximum=maximum)


#: seeds are non-negative and fit in 64 bits, everywhere (API and command line)
MAX_SEED = 2**63 - 1


def check_seed(name: str, value: object) -> int:
    """A seed: an integer in ``0..2**63 - 1``.

    Examples
    --------
    >>> check_seed("seed", 3)
    3
    """
    return check_int(name, check_int(name, value, minimum=0), maximum=MAX_SEED)


def check_stream(name: str, value: object) -> Any:
    """Return `value` if it is None or a text stream (it has ``write``); otherwise
    :class:`InvalidTypeError`.

    Examples
    --------
    >>> import sys
    >>> check_stream("progress", sys.stderr) is sys.stderr
    True
    >>> check_stream("progress", print)
    Traceback (most recent call last):
    ...
    symgrad.errors.InvalidTypeError: progress=<built-in function print> must be a text stream (e.g. sys.stderr) or None
    """
    if value is None or callable(getattr(value, "write", None)):
        return value
    raise InvalidTypeError(f"{name}={value!r} must be a text stream (e.g. sys.stderr) or None")


def check_instance(
    name: str,
    value: object,
    kind: type | tuple[type, ...],
    hint: str = "",
    *,
    what: str | None = None,
) -> Any:
    """Return `value` if it is a `kind`; otherwise :class:`InvalidTypeError` saying what is.

    `what` names the expected kind for people (default: the class names); `hint` says how
    to make one.

    Examples
    --------
    >>> check_instance("instance", (1, 1), dict, "build one with dict(...)")
    Traceback (most recent call last):
    ...
    symgrad.errors.InvalidTypeError: instance=(1, 1) must be a dict, not a tuple; build one with dict(...)
    """
    if isinstance(value, kind):
        return value
    kinds = kind if isinstance(kind, tuple) else (kind,)
    wanted = what or "a " + " or ".join(k.__name__ for k in kinds)
    shown = repr(value)
    shown = shown if len(shown) <= 60 else shown[:57] + "..."
    raise InvalidTypeError(
        f"{name}={shown} must be {wanted}, not a {type(value).__name__}"
        + (f"; {hint}" if hint else "")
    )


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
