"""How long a check would take at given sizes, and the refusal of sizes out of reach.

The prediction is deliberately low, so that only sizes clearly out of reach are refused;
the refusal says which smaller sizes fit.
"""

from __future__ import annotations

from ..errors import BudgetExceededError, check_positive_int

__all__ = ["SECONDS_PER_WORK", "check_budget", "predicted_seconds"]


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
