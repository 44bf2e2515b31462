"""A derived γ stated in the catalogue's notation: where it came from, what it is, and the
side of a comparison it gives a check.

The theorems about γ (built-in activations, activations given as expressions) state every
derivation the same way; these functions are that one way.
"""

from __future__ import annotations

from pathlib import PurePath
from typing import Any

import sympy as sp

from ..kernel.claims import Claim, text_of
from ..kernel.notation import Chain, Prime, Tends, Times, superscript
from .gamma_cover import _DOUBLINGS, _WINDOW

__all__ = ["gamma_method", "gamma_side", "gamma_source", "gamma_stated"]

_GAMMA = sp.Symbol("gamma")
_X = sp.Symbol("x")
_SLOPE = Prime("sigma", _X)

#: the wording of derive_gamma's enclosure method, and the same sentence as a claim
_ENCLOSURE = (
    "certified enclosure with python-flint arb (interval branch and bound) on "
    f"|x| ≤ {_WINDOW}·2{superscript(_DOUBLINGS)} or one period; SymPy limits of σ′ beyond"
)
_ENCLOSURE_CLAIM = Claim(
    "certified enclosure with python-flint arb (interval branch and bound) on",
    Chain(sp.Abs(_X), "<=", sp.Mul(_WINDOW, sp.Pow(2, _DOUBLINGS, evaluate=False), evaluate=False)),
    "or one period; SymPy limits of",
    _SLOPE,
    "beyond",
)


#: derive_gamma's reason for an unbounded σ′, by the end where |σ′| grows without bound
def gamma_source(result: Any) -> Claim:
    """Where the γ of `result` (a :class:`~symgrad.maths.gamma.GammaResult`) came from.

    Examples
    --------
    >>> from symgrad.kernel import text_of
    >>> from symgrad.maths.gamma import derive_gamma
    >>> text_of(gamma_source(derive_gamma("relu")))
    'γ from its certificate relu.json, checked with no search and no clock'
    """
    if result.source == "search":
        return Claim(
            _GAMMA, "searched now (no shipped certificate for this", sp.Symbol("sigma"), ")"
        )
    name = PurePath(result.source.replace("\\", "/")).name
    return Claim(_GAMMA, f"from its certificate {name}, checked with no search and no clock")


def gamma_method(result: Any) -> Claim:
    """How the γ of `result` was derived, derive_gamma's method with its mathematics as
    objects (a method worded otherwise stays as derive_gamma words it).

    Examples
    --------
    >>> from symgrad.kernel import text_of
    >>> from symgrad.maths.gamma import derive_gamma
    >>> text_of(gamma_method(derive_gamma("silu"))).split(" on ")[1]
    '|x| ≤ 64·2⁴⁰ or one period; SymPy limits of σ′(x) beyond'
    """
    return _ENCLOSURE_CLAIM if result.method == _ENCLOSURE else Claim(result.method)


def gamma_stated(result: Any) -> Claim:
    """γ (with its closed form when there is one), whether it is attained, and its evidence.

    Examples
    --------
    >>> from symgrad.kernel import text_of
    >>> from symgrad.maths.gamma import derive_gamma
    >>> text_of(gamma_stated(derive_gamma("sigmoid")))
    'γ = 1/4 ≈ 0.25, attained [proved]'
    >>> text_of(gamma_stated(derive_gamma("x - x**3/3")))
    'γ = ∞ (σ′(x) is unbounded: |σ′(x)| → ∞ as x → −∞); the bound λ₁·γ does not apply'
    """
    if not result.bounded:  # σ′ unbounded: where, and what it means for the bound
        place = result.argmax[0] if result.argmax else None  # x → ±∞, or x → a⁻
        where = Tends(sp.Abs(_SLOPE), sp.oo, *place.args) if isinstance(place, Tends) else None
        where = where if where is not None else result.reason
        return Claim(
            Chain(_GAMMA, "=", sp.oo),
            "(",
            _SLOPE,
            "is unbounded:",
            where,
            "); the bound",
            Times(sp.Symbol("lambda_1"), _GAMMA),
            "does not apply",
        )
    gamma, decimal = _GAMMA, sp.Float(result.decimal)
    if result.exact is not None and not result.exact.is_Integer:  # γ = 1/4 ≈ 0.25, γ = 1
        value = Chain(gamma, "=", result.exact, "~", decimal)
    elif result.exact is not None:
        value = Chain(gamma, "=", result.exact)
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
    found = [text_of(p) for p in result.argmax]
    same = "" if where is None else f"; maximisers as stated: {found == list(where)}"
    return Claim(
        sp.Eq(_GAMMA, value, evaluate=False),
        f", attained: {result.attained}{same}",
    )
