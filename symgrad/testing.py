"""Helpers for a course's own tests: one assertion that a BPTT implementation is right.

.. code-block:: python

    # test_bptt.py in a student's repository
    from symgrad.testing import assert_bptt_correct
    from student_bptt import bptt

    def test_bptt_matches_the_certified_gradient():
        assert_bptt_correct(bptt, hidden=8, steps=10)
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .check import GradientCheck, check_gradients

__all__ = ["BPTTAssertionError", "assert_bptt_correct"]


class BPTTAssertionError(AssertionError):
    """A BPTT implementation returned a wrong gradient; the message holds the whole report."""

    def __init__(self, result: GradientCheck) -> None:
        super().__init__(result.report())
        self.result = result


def assert_bptt_correct(
    fn: Callable[..., Any],
    *,
    hidden: int = 8,
    steps: int = 10,
    inputs: int = 1,
    activation: Any = "tanh",
    model: str = "A",
    seed: int = 0,
) -> GradientCheck:
    """Fail (AssertionError) unless `fn` returns the BPTT gradients, checked as in check_gradients.

    The failure message is the report of :func:`symgrad.check_gradients`: each gradient's
    certified relative error against the tolerance float64 allows, and the diagnosis (where
    the error appears and which classic mistake it matches). A function that raises,
    returns the wrong shapes or changes its inputs raises
    :class:`symgrad.errors.ImplementationError` instead. Returns the result when it passes.

    Examples
    --------
    >>> from symgrad.maths.numeric import bptt_gradients
    >>> def mine(W, U, b, h0, xs, targets):
    ...     return bptt_gradients(W, U, b, xs, h0, targets).as_dict()
    >>> assert_bptt_correct(mine, hidden=3, steps=4).ok
    True
    >>> def no_h0(W, U, b, h0, xs, targets):
    ...     g = bptt_gradients(W, U, b, xs, h0, targets)
    ...     return g.W, g.U, g.b, 0 * h0
    >>> assert_bptt_correct(no_h0, hidden=3, steps=4)
    Traceback (most recent call last):
    ...
    symgrad.testing.BPTTAssertionError: BPTT check: Model A, σ = tanh, n = 3, m = 1, T = 4, seed 0
    ...
    """
    result = check_gradients(
        fn,
        hidden=hidden,
        steps=steps,
        inputs=inputs,
        activation=activation,
        model=model,
        seed=seed,
    )
    if not result.ok:
        raise BPTTAssertionError(result)
    return result
