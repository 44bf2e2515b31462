"""Refuted: "ρ(W) < 1 ⇒ the powers of W never grow beyond the first: ‖W^k‖₂ ≤ max(1, ‖W‖₂)."

Statement. False. A non-normal W with ρ < 1 can keep growing for many steps before it
decays: for W = [[0.9, 1], [0, 0.9]], ‖W‖₂ ≈ 1.5 but ‖W^k‖₂ rises to its largest value
≈ 3.91 at k = 9, and first drops below 1 again at k = 35 (and stays there). In the linear case a
finite-length BPTT gradient can therefore be large although ρ < 1. (A matrix
with ‖W‖₂ > 1 whose powers then only shrink, such as [[−0.9, 1], [0, 0]], is not transient
growth: it only shows ‖W‖₂ > ρ(W), theorem refuted_spectral_radius_contracts.)

Proof. The recorded W above, re-verified exactly, and a counterexample found by Hypothesis
and shrunk, each with a k ≥ 2 and a rational c such that ‖W‖₂ ≤ c < ‖W^k‖₂ and c ≥ 1,
decided in rational arithmetic. The printed numbers are decided exactly for W with entries
9/10 and 1, from W^k = [[a^k, k·a^(k−1)], [0, a^k]] (a = 9/10; compared with W multiplied out):
each lies in the rounding interval of its digits, ‖W^k‖₂ < ‖W^9‖₂ for k ≤ 60, k ≠ 9, and beyond
k = 60 by ‖W^k‖₂ ≤ ‖W^k‖_F, whose entries shrink for k ≥ 10; ‖W^k‖₂ > 1 for 1 ≤ k ≤ 34 and
‖W^35‖_F < 1.
"""

from fractions import Fraction

import numpy as np
import sympy as sp

from symgrad import Evidence, Step, Theorem, find_counterexample
from symgrad.kernel import (
    Chain,
    Claim,
    Decimal,
    Norm,
    Over,
    Plus,
    Size,
    Times,
    Transposed,
    named,
)
from symgrad.maths.linear import (
    exact_matrix,
    power_norms,
    spectral_norm_exceeds,
    spectral_radius_below,
    transient_peak,
)
from symgrad.maths.rational import spectral_norm_at_most

RECORDED = np.array([[0.9, 1.0], [0.0, 0.9]])


def _later_growth(W):
    """(k, c): k ≥ 2 and a rational c ≥ 1 with ‖W‖₂ ≤ c < ‖W^k‖₂, decided exactly; or None."""
    norms = power_norms(W, 60)
    Wq = exact_matrix(W)
    for k in np.flatnonzero(norms[2:] > max(1.0, norms[1])) + 2:
        middle = (max(1.0, norms[1]) + norms[k]) / 2  # a rational strictly between, if any
        for denominator in (100, 10**4, 10**12):  # the simplest that works
            c = sp.Rational(Fraction(middle).limit_denominator(denominator))
            if c >= 1 and spectral_norm_at_most(Wq, c) and spectral_norm_exceeds(Wq ** int(k), c):
                return int(k), c
    return None


def _rounding(value):
    """The ends of the interval (v − h, v + h] that the decimal string `value` stands for."""
    digits = len(value.split(".")[1]) if "." in value else 0
    half = sp.Rational(1, 2 * 10**digits)
    return sp.Rational(value) - half, sp.Rational(value) + half


def _recorded_numbers(stated_norm="1.5", stated_peak="3.91", peak_at=9, below_at=35, last=60):
    """The numbers printed for W = [[9/10, 1], [0, 9/10]], decided exactly: (lines, failures)."""
    a = sp.Rational(9, 10)
    W = sp.Matrix([[a, 1], [0, a]])
    powers, bad = [sp.eye(2)], []
    for k in range(1, last + 1):
        powers.append(powers[-1] * W)
        if powers[k] != sp.Matrix([[a**k, k * a ** (k - 1)], [0, a**k]]):
            bad.append(Claim(_W**k, "is not", _POWER_A))
    for k, value in ((1, stated_norm), (peak_at, stated_peak)):
        low, high = _rounding(value)
        if not (spectral_norm_exceeds(powers[k], low) and spectral_norm_at_most(powers[k], high)):
            bad.append(Claim(Norm(_W**k, 2), "does not round to", Decimal(value)))
    # a rational between the peak and every other power: the peak is strict among k ≤ last
    low_peak = _rounding(stated_peak)[0]
    others = [k for k in range(1, last + 1) if k != peak_at]
    steps = (low_peak + j * sp.Rational(1, 10**4) for j in range(100))
    gap = max((c for c in steps if spectral_norm_exceeds(powers[peak_at], c)), default=None)
    if gap is None or any(spectral_norm_exceeds(powers[k], gap) for k in others):
        bad.append(
            Claim(
                Norm(_W**_k, 2),
                "for some",
                Chain(_k, "<=", last),
                ",",
                sp.Ne(_k, peak_at),
                ", is not below",
                Norm(_W**peak_at, 2),
            )
        )
    # k > last: ‖W^k‖₂ ≤ ‖W^k‖_F, and every entry of W^k shrinks in modulus for k ≥ 10
    frobenius = sum(v**2 for v in powers[last])
    if not (last >= 10 and gap is not None and frobenius < gap**2):
        bad.append(
            Claim(
                "the Frobenius norm of",
                _W**last,
                "is not below the peak:",
                _k > last,
                "is not covered",
            )
        )
    above = [k for k in range(1, below_at) if not spectral_norm_exceeds(powers[k], 1)]
    if above:
        bad.append(
            Claim(
                Chain(Norm(_W**_k, 2), "<=", 1),
                "already at",
                Chain(_k, "=", above[0], "<", below_at),
            )
        )
    if not (below_at >= 10 and sum(v**2 for v in powers[below_at]) < 1):
        bad.append(
            Claim(
                "the Frobenius norm of",
                _W**below_at,
                "is not below 1: no proof that the norm drops below 1 there",
            )
        )
    if gap is None:  # no rational between the peak and the rest: the step fails (bad)
        above_rest = Claim(Norm(_W**peak_at, 2), "is not shown above", Norm(_W**_k, 2))
        below_gap = Claim("is not shown below the peak")
    else:
        above_rest = Chain(Norm(_W**peak_at, 2), ">", gap, ">=", Norm(_W**_k, 2))
        below_gap = Chain("<", gap)
    lines = [
        Claim(
            "decided exactly for",
            _W,
            "with rows",
            sp.Tuple(a, 1),
            "and",
            sp.Tuple(0, a),
            ":",
            Norm(_W, 2),
            "rounds to",
            Decimal(stated_norm),
            ",",
            Norm(_W**peak_at, 2),
            "to",
            Decimal(stated_peak),
            ", and",
            above_rest,
            "for every other",
            Chain(_k, "<=", last),
            "(for",
            _k > last,
            ",",
            Norm(_W**_k, 2),
            "is at most the Frobenius norm of",
            _W**_k,
            ", which is at most that of",
            _W**last,
            ",",
            below_gap,
            ")",
        ),
        Claim(
            Chain(Norm(_W**_k, 2), ">", 1),
            "for",
            Chain(1, "<=", _k, "<=", below_at - 1),
            ", the Frobenius norm of",
            _W**below_at,
            "is below 1, and the entries of",
            _W**_k,
            "shrink from",
            sp.Eq(_k, 10),
            "on: the norm first drops below 1 at",
            sp.Eq(_k, below_at),
            "and stays below",
        ),
    ]
    return lines, bad


def _claim(W):
    # the claim: ρ(W) < 1 ⇒ ‖W^k‖₂ ≤ max(1, ‖W‖₂) for all k ≥ 2; refuted only by an exact witness
    norms = power_norms(W, 60)
    if np.all(norms[2:] <= max(1.0, norms[1])):
        return True
    return not (spectral_radius_below(exact_matrix(W)) and _later_growth(W) is not None)


def _explain(W):
    peak, k = transient_peak(W, 500)
    norms = power_norms(W, 500)
    below = int(np.argmax((norms < 1) & (np.arange(501) > k)))
    grows, c = _later_growth(W) or (None, None)
    return [
        Claim(
            Chain(sp.Function("rho")(_W), "=", sp.Float(max(abs(np.linalg.eigvals(W)))), "<", 1),
            ",",
            Chain(Norm(_W, 2), "=", sp.Float(np.linalg.norm(W, 2))),
        ),
        Claim(
            "in floats: peak",
            Chain(Norm(_W**k, 2), "=", sp.Float(peak)),
            "; the norm first drops below 1 again at",
            sp.Eq(_k, below),
        ),
        Claim(
            "re-verified exactly (",
            _W,
            "as rationals):",
            Chain(sp.Function("rho")(_W), "<", 1),
            "(Jury) and",
            Chain(Norm(_W, 2), "<=", _c, "<", Norm(_W**grows, 2)),
            "with",
            Chain(_c, "=", c, ">=", 1),
            "(",
            Plus(_I, -Over(Transposed(_W) * _W, _c**2)),
            "positive semidefinite,",
            Plus(_I, -Over(Transposed(_W**grows) * _W**grows, _c**2)),
            "not)",
        ),
    ]


def _refute(settings, **stated):
    from symgrad.maths.strategies import matrices_with_spectral_radius

    out = find_counterexample(
        _claim,
        [matrices_with_spectral_radius(2, radius=0.9, max_coupling=10.0)],
        settings=settings,
        default_examples=200,
        checked=Claim(
            "searched",
            Size(2, 2),
            _W,
            "with",
            sp.Eq(sp.Function("rho")(_W), Decimal("0.9"), evaluate=False),
            "for one whose powers grow after the first step:",
            Chain(Norm(_W**_k, 2), ">", sp.Max(1, Norm(_W, 2))),
            "for some",
            Chain(2, "<=", _k, "<=", 60),
        ),
        explain=_explain,
        known=[(RECORDED,)],
        names=("W",),
    )
    if out.ok and not _claim(RECORDED):  # show the recorded, textbook instance first
        found = out.counterexample
        out.counterexample = named(W=RECORDED)
        out.found_by = Claim(  # the search's own note: student documents leave it out
            "found by the search as well, shrunk by Hypothesis:",
            sp.Eq(_W, found["W"], evaluate=False),
            "; shown: the recorded example, re-verified exactly",
        )
        out.details, out.recorded = list(_explain(RECORDED)), []
    lines, bad = _recorded_numbers(**stated)
    out.details = [*(out.details or []), *lines]
    if bad:  # a printed number that the exact computation does not give
        out.ok, out.left = False, Claim(*[part for b in bad for part in (";", b)][1:])
    return out


_W, _k = sp.Symbol("W", commutative=False), sp.Symbol("k")
_I, _a = sp.Symbol("I", commutative=False), sp.Symbol("a")
_POWER_A = sp.ImmutableMatrix(  # Wᵏ for W = [[a, 1], [0, a]]
    [[_a**_k, Times(_k, sp.Pow(_a, _k - 1, evaluate=False))], [0, _a**_k]]
)
_c, _r = sp.Symbol("c"), sp.Float(0.9)
_EXAMPLE = sp.ImmutableMatrix([[_r, 1], [0, _r]])
_POWER = sp.ImmutableMatrix(
    [
        [sp.Pow(_r, _k, evaluate=False), Times(_c, _k, sp.Pow(_r, _k - 1, evaluate=False))],
        [0, sp.Pow(_r, _k, evaluate=False)],
    ]
)

THEOREM = Theorem(
    id="refuted_transient_growth",
    title="Refuted: with ρ(W) < 1 the powers of W grow no further than the first",
    statement=Claim(
        "The claim “",
        Chain(
            sp.Function("rho")(_W),
            "<",
            1,
            "=>",
            Norm(_W**_k, 2),
            "<=",
            sp.Max(1, Norm(_W, 2)),
        ),
        "for all",
        _k >= 2,
        "” is false: non-normal transient growth, e.g.",
        sp.Eq(_W, _EXAMPLE, evaluate=False),
        "with",
        Chain(Norm(_W**9, 2), "~", Decimal("3.91")),
        "(decided exactly).",
    ),
    proof=Claim(
        sp.Eq(_W, sp.ImmutableMatrix([[_r, _c], [0, _r]]), evaluate=False),
        "has",
        sp.Eq(_W**_k, _POWER, evaluate=False),
        ".",
    ),
    references=["Goodfellow et al. (2016), §10.8 ('contractive' is loose here)"],
    tags=["refuted", "linear", "non-normal", "erratum 17"],
    steps=[
        Step(
            Claim(
                Chain(sp.Function("rho")(_W), "<", 1),
                "yet",
                Chain(Norm(_W**_k, 2), ">", sp.Max(1, Norm(_W, 2))),
                "for some",
                _k >= 2,
            ),
            "non-normal transient growth: the powers keep growing after the first step",
            Evidence.REFUTED,
            _refute,
        )
    ],
)
