"""A derived γ stated in the catalogue's notation: where it came from, what it is, and the
side of a comparison it gives a check.

The theorems about γ (built-in activations, activations given as expressions) state every
derivation the same way; these functions are that one way.
"""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

import sympy as sp

from ..kernel.claims import Claim
from ..kernel.notation import Chain

__all__ = ["gamma_side", "gamma_source", "gamma_stated"]


def gamma_source(result: Any) -> str:
    """Where the γ of `result` (a :class:`~symgrad.maths.gamma.GammaResult`) came from.

    Examples
    --------
    >>> from symgrad.maths.gamma import derive_gamma
    >>> gamma_source(derive_gamma("relu"))
    'γ from its certificate relu.json, checked with no search and no clock'
    """
    if result.source == "search":
        return "γ searched now (no shipped certificate for this σ)"
    name = PurePath(result.source.replace("\\", "/")).name
    return f"γ from its certificate {name}, checked with no search and no clock"


def gamma_stated(result: Any) -> Claim:
    """γ (with its closed form when there is one), whether it is attained, and its evidence.

    Examples
    --------
    >>> from symgrad.kernel import text_of
    >>> from symgrad.maths.gamma import derive_gamma
    >>> text_of(gamma_stated(derive_gamma("sigmoid")))
    'γ = 1/4 ≈ 0.25, attained [proved]'
    """
    if not result.bounded:
        return Claim(str(result))  # σ′ unbounded: the reason, in words
    gamma, decimal = sp.Symbol("gamma"), sp.Float(result.decimal)
    if result.exact is not None and result.exact != decimal:
        value = Chain(gamma, "=", result.exact, "~", decimal)
    else:
        value = Chain(gamma, "=" if result.exact is not None else "~", decimal)
    reached = {True: "attained", False: "not attained (a supremum)"}.get(
        result.attained, "attainment not decided"
    )
    return Claim(value, f", {reached} [{result.evidence}]")


def gamma_side(result: Any, where: Any = None) -> Claim:
    """The derived γ as one side of a comparison: γ = value, whether it is attained, and
    (with `where`) whether its maximisers are those stated, as derive_gamma words them.

    Examples
    --------
    >>> from symgrad.kernel import text_of
    >>> from symgrad.maths.gamma import derive_gamma
    >>> text_of(gamma_side(derive_gamma("tanh"), ["x = 0"]))
    'γ = 1, attained: True; maximisers as stated: True'
    """
    value = result.exact if result.exact is not None else sp.Float(result.decimal or "nan")
    same = "" if where is None else f"; maximisers as stated: {result.argmax == list(where)}"
    return Claim(
        sp.Eq(sp.Symbol("gamma"), value, evaluate=False),
        f", attained: {result.attained}{same}",
    )
