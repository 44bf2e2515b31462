"""Claims as objects: prose and mathematics, where the mathematics is SymPy objects.

A :class:`Claim` is a short sequence of parts, each either prose (a ``str``, only ever
escaped) or a mathematical object (a SymPy expression, relation, matrix or one of the
notation objects of :mod:`symgrad.kernel.notation`). The kernel keeps claims as objects;
a claim reads as one line of text through :mod:`symgrad.kernel.text`, and the documents'
forms (LaTeX, MathML, pretty) are printers over the same objects
(:mod:`symgrad.render.printing`), so no document parses a formula back out of a string.

Examples
--------
>>> import sympy as sp
>>> from symgrad.kernel.notation import Norm
>>> J, lam, g = sp.symbols("J lambda_1 gamma")
>>> c = Claim("every one-step Jacobian satisfies", sp.Le(Norm(J, 2), lam * g))
>>> [type(p).__name__ for p in c.parts]
['str', 'LessThan']
>>> c.is_formula, Claim(sp.Le(Norm(J, 2), lam * g)).is_formula
(False, True)
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import sympy as sp

from ..errors import InvalidArgumentError
from .notation import as_math
from .text import text

__all__ = ["Claim", "scientific", "text_of"]


class Claim:
    """A sequence of prose (``str``) and mathematics (SymPy objects).

    A claim that is mathematics alone (one part) is a formula; documents display it. A claim
    given as a part is spliced in, part by part.

    Examples
    --------
    >>> x = sp.Symbol("x")
    >>> str(Claim("for all", x, "we have", x + 1 > x))
    'for all x we have x + 1 > x'
    """

    __slots__ = ("parts",)

    def __init__(self, *parts: Any) -> None:
        if not parts:
            raise InvalidArgumentError("a Claim needs at least one part")
        flat = [q for p in parts for q in (p.parts if isinstance(p, Claim) else (p,))]
        self.parts: tuple[Any, ...] = tuple(
            p if isinstance(p, str) else as_math(p) for p in flat if p != ""
        )

    @classmethod
    def of(cls, value: Any) -> Claim:
        """`value` as a claim: a claim stays, a string is prose, anything else mathematics."""
        return value if isinstance(value, Claim) else cls(value)

    @classmethod
    def joined(cls, items: Any, sep: str = ";") -> Claim:
        """`items` (claims, objects or prose) one after another, separated by the prose `sep`.

        Examples
        --------
        >>> x = sp.Symbol("x")
        >>> str(Claim.joined([sp.Eq(x, 0), sp.Gt(x, 1)], "and"))
        'x = 0 and x > 1'
        >>> str(Claim.joined(["n = 2", "n = 3"]))
        'n = 2; n = 3'
        """
        parts: list[Any] = []
        for item in items:
            parts += [sep, item] if parts else [item]
        return cls(*parts)

    @property
    def is_formula(self) -> bool:
        """True when the claim is one piece of mathematics and no prose."""
        return len(self.parts) == 1 and not isinstance(self.parts[0], str)

    @property
    def maths(self) -> list[Any]:
        """The mathematical parts."""
        return [p for p in self.parts if not isinstance(p, str)]

    def __iter__(self) -> Iterator[Any]:
        return iter(self.parts)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Claim) and self.parts == other.parts

    def __hash__(self) -> int:
        return hash(self.parts)

    def __repr__(self) -> str:
        return "Claim(" + ", ".join(repr(p) for p in self.parts) + ")"

    def __str__(self) -> str:
        return self.join([p if isinstance(p, str) else text(p) for p in self.parts])

    def join(self, shown: list[str], space: str = " ") -> str:
        """The printed parts joined by `space`, with none before prose that starts with
        punctuation (``ρ(W) ≤ ‖W‖₂, with equality …``) and none after prose that opens a
        parenthesis or a quotation (``grows (k > t)``).

        Examples
        --------
        >>> x = sp.Symbol("x")
        >>> Claim(x > 0, ", so", x).join(["x > 0", ", so", "x"])
        'x > 0, so x'
        >>> Claim("grows (", x > 0, ")").join(["grows (", "x > 0", ")"])
        'grows (x > 0)'
        """
        out = ""
        opened = False
        for k, (part, shown_part) in enumerate(zip(self.parts, shown, strict=True)):
            glued = isinstance(part, str) and part[:1] in ",.;:)-”"
            out += ("" if k == 0 or glued or opened else space) + shown_part
            opened = isinstance(part, str) and part[-1:] in "(“"
        return out


def text_of(value: Any) -> str:
    """A claim, expression, named values or string as one line of text (for messages)."""
    if value is None or isinstance(value, str):
        return value or ""
    if isinstance(value, Mapping):
        return "; ".join(f"{text(sp.Symbol(k))} = {text(v)}" for k, v in value.items())
    if isinstance(value, Claim):
        return str(value)
    return text(value)


def scientific(x: float) -> str:
    """A float to two significant digits as the printers write it (6.9×10⁻¹⁰, never 6.9e-10).

    Examples
    --------
    >>> scientific(6.93e-10)
    '6.9×10⁻¹⁰'
    """
    return text_of(sp.Float(float(f"{x:.1e}")))
