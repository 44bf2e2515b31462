"""The single recurrent unit x_t = w σ(x_{t−1}) + b (Pascanu et al., 2013, §2.2–2.3).

Fixed points satisfy x − w σ(x) = b. Two of them merge (a saddle-node bifurcation) where
w σ′(x) = 1; for the logistic σ, σ′ = σ(1 − σ), so σ(x) = s with w s(1 − s) = 1. The two
tangency values of b bound the interval on which two stable fixed points coexist.
"""

from __future__ import annotations

import itertools

import mpmath
import sympy as sp

__all__ = ["bistability_interval", "fixed_points"]


def bistability_interval(w: int | sp.Expr = 5) -> tuple[sp.Expr, sp.Expr]:
    """Exact (b₁, b₂), b₁ < b₂, on which x = wσ(x) + b has two stable fixed points (σ logistic).

    Examples
    --------
    >>> lo, hi = bistability_interval(5)
    >>> round(float(lo), 6), round(float(hi), 6)
    (-2.65561, -2.34439)
    """
    w = sp.Integer(w) if isinstance(w, int) else w
    s = sp.Symbol("s", positive=True)
    ends = []
    for root in sp.solve(sp.Eq(w * s * (1 - s), 1), s):
        x = sp.log(root / (1 - root))
        ends.append(sp.simplify(x - w * root))
    lo, hi = sorted(ends, key=lambda e: float(e))
    return lo, hi


def fixed_points(w: float, b: float, *, digits: int = 30) -> list[mpmath.mpf]:
    """All real fixed points of x ↦ wσ(x) + b (σ logistic), by bracketing sign changes."""
    with mpmath.workdps(digits):
        f = lambda t: w / (1 + mpmath.exp(-t)) + b - t  # noqa: E731
        lo, hi = -abs(w) - abs(b) - 1, abs(w) + abs(b) + 1
        grid = [lo + (hi - lo) * k / 4000 for k in range(4001)]
        roots = []
        for p, q in itertools.pairwise(grid):
            if f(p) == 0:
                roots.append(mpmath.mpf(p))
            elif f(p) * f(q) < 0:
                roots.append(mpmath.findroot(f, (p, q), solver="anderson"))
        return roots
