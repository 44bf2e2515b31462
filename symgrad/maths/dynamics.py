"""The single recurrent unit x_t = w σ(x_{t−1}) + b (Pascanu et al., 2013, §2.2–2.3), certified.

Fixed points satisfy x − w σ(x) = b. Two of them merge (a saddle-node bifurcation) where
w σ′(x) = 1; for the logistic σ, σ′ = σ(1 − σ), so σ(x) = s with w s(1 − s) = 1. The two
tangency values of b bound the interval on which two stable fixed points coexist.

Everything numeric here is computed in arb ball arithmetic (python-flint): fixed points are
isolated by interval subdivision (a box where f = wσ + b − x is strictly monotone and changes
sign holds exactly one root), and orbits carry their derivatives in forward mode, so each
returned ball certainly contains the true value.
"""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp
from flint import arb, ctx, fmpq

from ..errors import SymgradError, check_int, check_real_constant
from .enclosures import PRECISION, enclose

__all__ = [
    "FIG6",
    "FixedPoint",
    "UnitOrbit",
    "bistability_interval",
    "fixed_points",
    "unit_orbit",
    "wall_loss",
]


def bistability_interval(w: int | float | str | sp.Expr = 5) -> tuple[sp.Expr, sp.Expr]:
    """Exact (b₂, b₁), b₂ < b₁, on which x = wσ(x) + b has two stable fixed points (σ logistic).

    Pascanu et al.'s labels (2013, Fig. 3): as b decreases from +∞, a second (lower)
    attractor appears at b₁ and the upper one disappears at b₂.

    Examples
    --------
    >>> lo, hi = bistability_interval(5)
    >>> round(float(lo), 6), round(float(hi), 6)
    (-2.65561, -2.34439)
    """
    w = check_real_constant(
        "w",
        w,
        lower=4,
        floats=True,
        why="two stable fixed points need it: wσ′ ≤ max(w, 0)/4 < 1 everywhere for w < 4, and "
        "at w = 4 the three fixed points are one, at b = −2",
    )
    s = sp.Symbol("s", positive=True)
    ends = []
    for root in sp.solve(sp.Eq(w * s * (1 - s), 1), s):
        x = sp.log(root / (1 - root))
        ends.append(sp.simplify(x - w * root))
    lo, hi = sorted(ends, key=lambda e: float(e))
    return lo, hi


#: The setting of Pascanu et al.'s Fig. 6 used here: b = −5/2, x₀ = 1/2, target 7/10.
FIG6 = {"b": sp.Rational(-5, 2), "x0": sp.Rational(1, 2), "target": sp.Rational(7, 10)}


def _sig(x: arb) -> arb:
    return 1 / (1 + (-x).exp())


@dataclass(frozen=True)
class FixedPoint:
    """A certified fixed point: a ball holding exactly one root, and the local gain wσ′ there."""

    x: arb
    gain: arb

    @property
    def stable(self) -> bool | None:
        """True if |gain| < 1 on the whole ball, False if > 1, None if the ball straddles 1."""
        if abs(self.gain) < 1:
            return True
        if abs(self.gain) > 1:
            return False
        return None


def _ball(lo: fmpq, hi: fmpq) -> arb:
    return arb((lo + hi) / 2, (hi - lo) / 2)


def fixed_points(w: int | sp.Expr, b: int | sp.Expr, *, depth: int = 80) -> list[FixedPoint]:
    """All real fixed points of x ↦ wσ(x) + b (σ logistic), each in a certified ball.

    The roots lie in [−|w| − |b| − 1, |w| + |b| + 1]. A box is dropped where f = wσ + b − x
    excludes 0, over the box or in its mean-value form f(m) + f′(box)(box − m); a box where
    f′ = wσ′ − 1 excludes 0 and f changes sign holds exactly one root; the rest are halved.
    Raises :class:`SymgradError` if `depth` halvings do not decide.

    Examples
    --------
    >>> [p.stable for p in fixed_points(5, sp.Rational(-5, 2))]
    [True, False, True]
    """
    with ctx.workprec(PRECISION):
        W, B = enclose(w), enclose(b)
        f = lambda t: W * _sig(t) + B - t  # noqa: E731
        # the gain wσ′, with σ′ = σ(1 − σ) = (1 − tanh²(t/2))/4: one occurrence of t keeps the
        # enclosure tight; f′ = gain − 1
        gain = lambda t: W * (1 - (t / 2).tanh() ** 2) / 4  # noqa: E731
        reach = int(abs(W).upper().ceil().unique_fmpz() + abs(B).upper().ceil().unique_fmpz()) + 1
        # an odd offset keeps the subdivision points away from simple roots such as x = 0
        boxes = [(fmpq(-reach), fmpq(reach) + fmpq(1, 7), 0)]
        found = []
        while boxes:
            lo, hi, level = boxes.pop()
            box, mid = _ball(lo, hi), (lo + hi) / 2
            value = f(box)
            if value > 0 or value < 0:
                continue
            slope = gain(box) - 1
            centred = f(arb(mid)) + slope * (box - mid)  # mean-value form: tight near a root
            if centred > 0 or centred < 0:
                continue
            if slope > 0 or slope < 0:
                at_lo, at_hi = f(arb(lo)), f(arb(hi))
                if (at_lo > 0 and at_hi < 0) or (at_lo < 0 and at_hi > 0):
                    found.append(_refine(f, lo, hi, at_lo > 0))
                    continue
                if (at_lo > 0 and at_hi > 0) or (at_lo < 0 and at_hi < 0):
                    continue
            if level >= depth:
                raise SymgradError(
                    f"w={w}, b={b}: the fixed points could not be isolated in {depth} halvings "
                    "(e.g. a multiple root, where fixed points merge)"
                )
            boxes += [(mid, hi, level + 1), (lo, mid, level + 1)]
        roots = sorted(found, key=lambda ball: ball.mid())
        return [FixedPoint(r, gain(r)) for r in roots]


def _refine(f, lo: fmpq, hi: fmpq, positive_at_lo: bool, steps: int = 64) -> arb:
    """Bisect a bracket of a strictly monotone f; stop when the midpoint's sign is undecided."""
    for _ in range(steps):
        mid = (lo + hi) / 2
        value = f(arb(mid))
        if value.is_zero():  # computed exactly (w = 0, say): the root itself
            return arb(mid)
        if not (value > 0 or value < 0):
            break
        if (value > 0) == positive_at_lo:
            lo = mid
        else:
            hi = mid
    return _ball(lo, hi)


@dataclass(frozen=True)
class UnitOrbit:
    """x_T and its derivatives, each a certified ball.

    ``dx0`` = ∂x_T/∂x₀, ``db`` = ∂x_T/∂b, ``dw`` = ∂x_T/∂w, ``dww`` = ∂²x_T/∂w².
    """

    x: arb
    dx0: arb
    db: arb
    dw: arb
    dww: arb


def unit_orbit(w: int | sp.Expr, b: int | sp.Expr, x0: int | sp.Expr, steps: int) -> UnitOrbit:
    """Iterate x_t = wσ(x_{t−1}) + b for `steps` steps in forward mode, in arb.

    Examples
    --------
    >>> orbit = unit_orbit(5, sp.Rational(-5, 2), 0, 3)
    >>> orbit.x.contains(0), orbit.dx0.contains(arb(125) / 64)
    (True, True)
    """
    steps = check_int("steps", steps, minimum=0)
    with ctx.workprec(PRECISION):
        W, B, x = enclose(w), enclose(b), enclose(x0)
        dx0, db, dw, dww = arb(1), arb(0), arb(0), arb(0)
        for _ in range(steps):
            s = _sig(x)
            s1 = s * (1 - s)
            s2 = s1 * (1 - 2 * s)
            dww = 2 * s1 * dw + W * s2 * dw * dw + W * s1 * dww
            dw = s + W * s1 * dw
            db = W * s1 * db + 1
            dx0 = W * s1 * dx0
            x = W * s + B
        return UnitOrbit(x, dx0, db, dw, dww)


def wall_loss(
    w: int | sp.Expr,
    b: int | sp.Expr = FIG6["b"],
    x0: int | sp.Expr = FIG6["x0"],
    steps: int = 50,
    target: sp.Expr = FIG6["target"],
) -> tuple[arb, arb, arb]:
    """(E, ∂E/∂w, ∂²E/∂w²) for E = (σ(x_T) − target)², Pascanu et al.'s Fig. 6 setting.

    Examples
    --------
    >>> E, dE, d2E = wall_loss(5)
    >>> abs(dE) < 0.1, abs(d2E) < 0.2
    (True, True)
    """
    orbit = unit_orbit(w, b, x0, steps)
    with ctx.workprec(PRECISION):
        s = _sig(orbit.x)
        s1 = s * (1 - s)
        s2 = s1 * (1 - 2 * s)
        miss = s - enclose(target)
        first = 2 * miss * s1 * orbit.dw
        second = 2 * (s1 * orbit.dw) ** 2 + 2 * miss * (s2 * orbit.dw**2 + s1 * orbit.dww)
        return miss**2, first, second
