"""γ = sup |σ′| for activations given as expressions, and the hypotheses behind it.

Statement. For σ₁(x) = x/2 + |x|·tanh(x)/2, γ ≈ 1.0998393: on either side of the cut at 0
(where σ′ = 1/2 from both sides, so σ is differentiable there; σ″ jumps) sup |σ′| is
reached where x·tanh(x) = 1 (|x| ≈ 1.1997), and σ′ → 1 at ±∞. For σ₂ equal to
x + (sin x − x cos x)/2 on [−3, 3] and constant outside, σ′ = 1 + x sin(x)/2 inside and 0
outside; γ ≈ 1.9098529 at the roots of tan x = −x (|x| ≈ 2.0288), above the values at the
ends ±3. Cut at ±2 instead, those roots lie outside the piece and γ = 1 + sin 2 sits at the
cuts. γ = 3/2 for x + sin(x)/2 (σ′ periodic), γ = 1 for max(x/4, x − 1, −x − 2), and
x − x³/3 has no γ (σ′ unbounded). sign(x)·tanh(|x|) is tanh: its one-sided slopes at 0
agree, so γ = 1 is attained there; |tanh(x)| has slopes ∓1 beside 0, so there γ = 1 is
approached and not attained; x/2 + |1 − tanh(x)|/4 has an Abs that cuts nothing, γ = 1/2;
|x − 5|/8 + |1 + tanh(x)|/2 has γ = 3/8 at 0, left of its kink.
σ that is not defined, real and continuous on ℝ with
finitely many kinks is refused. The branch and bound that encloses γ, run afresh on six
functions whose supremum calculus gives, encloses each to within 10⁻²⁰.

Proof. On each smooth piece sup |σ′| is reached at a zero of σ″ or approached at an end of the
piece; kinks contribute the one-sided values of σ′. Where these maximisers have no closed
form, γ is enclosed by a certified branch and bound in arb ball arithmetic over each piece
(the bounded piece and the two half-lines), with SymPy limits beyond.
"""

from fractions import Fraction

import mpmath
import numpy as np
import sympy as sp

from symgrad import Evidence, Outcome, Step, Theorem, derive_gamma, prefetch_gammas
from symgrad.kernel import (
    CertificateError,
    Chain,
    Claim,
    Decimal,
    OneSided,
    Op,
    Over,
    Plus,
    Prime,
    Sup,
    Tends,
    Times,
    text_of,
)
from symgrad.maths.activations import elu, x
from symgrad.maths.gamma_claims import gamma_method, gamma_side, gamma_source, gamma_stated

_MIDDLE = x + (sp.sin(x) - x * sp.cos(x)) / 2


def _bounded(c):
    """x + (sin x − x cos x)/2 on [−c, c], constant outside."""
    return sp.Piecewise((_MIDDLE.subs(x, -c), x < -c), (_MIDDLE, x < c), (_MIDDLE.subs(x, c), True))


def _middle_maximiser(digits):
    """The positive zero of σ″ = (sin x + x cos x)/2 near 2 (tan x = −x), by mpmath."""
    with mpmath.workdps(digits):
        return mpmath.findroot(lambda t: mpmath.sin(t) + t * mpmath.cos(t), 2.0)


#: name → (σ, γ to 7 decimals).
CASES = {
    "kinked": (x / 2 + sp.Abs(x) * sp.tanh(x) / 2, "1.0998393"),
    "bounded_piece": (_bounded(3), "1.9098529"),
}


def _independent(name):
    """γ from the maximiser found by mpmath at 40 digits, written out by hand for each case."""
    with mpmath.workdps(40):
        return _by_hand(name)


def _by_hand(name):
    if name == "bounded_piece":  # σ″ = (sin x + x cos x)/2 = 0, i.e. tan x = −x
        root = _middle_maximiser(40)
        inside = 1 + root * mpmath.sin(root) / 2
        ends = 1 + 3 * mpmath.sin(3) / 2
        return max(inside, ends, 0)
    root = mpmath.findroot(lambda t: t * mpmath.tanh(t) - 1, 1.2)  # σ″ = 0 ⇔ x tanh x = 1
    rise = mpmath.tanh(root) + root * mpmath.sech(root) ** 2  # d/dx (x tanh x) there (kinked)
    return max(mpmath.mpf(1) / 2 + rise / 2, 1)  # σ′ = 1/2 ± rise/2 on the two sides; → 1 at ±∞


def _check(name, stated=None):
    def check(settings):
        expr, value = CASES[name]
        value = stated or value
        result = derive_gamma(expr)
        target = Fraction(value)
        lo, hi = (Fraction(v) for v in result.enclosure) if result.enclosure else (None, None)
        independent = _independent(name)
        ok = (
            result.bounded
            and result.evidence == "checked"
            and lo is not None
            and target - Fraction(5, 10**8) <= lo <= hi <= target + Fraction(5, 10**8)
            and abs(float(independent) - float(target)) <= 5e-8
        )
        return Outcome(
            ok,
            Claim(
                _GAMMA,
                "derived:",
                gamma_stated(result),
                "; the certified enclosure lies within",
                _WITHIN,
                "of the stated value, and the maximiser solved for by mpmath (40 digits) gives",
                Decimal(mpmath.nstr(independent, 12)),
            ),
            instances=[Claim(f"{name}:", Chain(_S, "=", expr))],
            tolerance=Claim(_WITHIN, "on", _GAMMA, "(7 decimals stated)"),
            left=Claim(gamma_side(result), "; enclosure", *_enclosure(result)),
            right=Claim(
                Chain(_GAMMA, "~", sp.Float(value)),
                "; mpmath's maximiser gives",
                sp.Float(mpmath.nstr(independent, 12)),
            ),
            details=_derivation(result),
        )

    return check


#: σ outside the hypotheses of γ (defined, real and continuous on ℝ, finitely many kinks and
#: singular points) and the reason each must be refused for.
REFUSED = [
    (sp.log(x), "log needs a positive argument"),
    (1 / x, "division by zero"),
    (sp.tan(x), "has a pole"),
    (sp.sqrt(x), "not real for a negative base"),
    (sp.Piecewise((0, x < 0), (1, True)), "is not continuous at x = 0"),
    (sp.Abs(sp.sin(x)), "vanishes at infinitely many points"),
    (-sp.oo * x, "an infinite value"),
    # −x³ + 4x² − 5x + 2 = (x − 1)²(2 − x): non-negative up to 2, negative only beyond
    (sp.sqrt(-(x**3) + 4 * x**2 - 5 * x + 2), "not real for a negative base (at x = 3)"),
    # (x − 1)(x − 2): negative only between the roots
    (sp.sqrt(x**2 - 3 * x + 2), "not real for a negative base (at x = 3/2)"),
]
#: σ inside the hypotheses and the points where σ may fail to be differentiable.
CUTS = [
    (sp.Abs(x) + sp.sqrt(x**2 + 1), [0]),
    (sp.Max(x, x / 4), [0]),
    (sp.Max(x, x / 4 + 1), [sp.Rational(4, 3)]),
    (sp.Max(x / 4, x - 1, -x - 2), [sp.Rational(-8, 5), sp.Rational(-1, 2), sp.Rational(4, 3)]),
    (sp.Abs(x + 3) - sp.Abs(x - 2), [-3, 2]),
    (sp.Abs(x - 1) * sp.tanh(x), [1]),
    (sp.sqrt(x**2 + 1) - sp.Abs(x + 2), [-2]),
    (sp.Piecewise((-1, x <= -1), (x, x < 1), (1, True)), [-1, 1]),
    (sp.Piecewise((0, x < 1), (x - 1, True)), [1]),
    # every pair of the four lines crosses once
    (sp.Max(x, -x, x / 2 + 1, 1 - x / 2), [-2, sp.Rational(-2, 3), 0, sp.Rational(2, 3), 2]),
]
#: σ and its kinks (where the one-sided derivatives differ) by hand: (at, left, right, the value
#: σ′ is given there). |x|·sin x, differentiable although it has an Abs, has none; ELU with
#: α = 2 takes the left branch's slope α at 0.
KINKS = [
    (sp.Piecewise((0, x < 1), (x - 1, True)), [(1, 0, 1, 1)]),
    (sp.Abs(x + 3) - sp.Abs(x - 2), [(-3, 0, 2, 1), (2, 2, 0, 1)]),
    (sp.Abs(x) * sp.sin(x), []),
    (elu(2), [(0, 2, 1, 2)]),
]


def _hypotheses(settings, refused=REFUSED, cuts=CUTS, kinks=KINKS):
    from symgrad.kernel import HypothesisError
    from symgrad.maths.activations import Activation
    from symgrad.maths.hypotheses import check_hypotheses

    wrong = []
    for expr, reason in refused:
        try:
            check_hypotheses(expr)
            wrong.append(Claim(Chain(_S, "=", expr), "was accepted"))
        except HypothesisError as exc:
            if reason not in str(exc):
                wrong.append(Claim(Chain(_S, "=", expr), "refused for another reason:", str(exc)))
    for expr, points in cuts:
        try:
            found = check_hypotheses(expr)
        except HypothesisError as exc:
            found = f"refused: {exc}"
        if found != points:
            shown = sp.FiniteSet(*found) if isinstance(found, list) else found
            wrong.append(
                Claim(
                    Chain(_S, "=", expr),
                    ": cut at",
                    shown,
                    ", expected",
                    sp.FiniteSet(*points),
                )
            )
    for given, expected in kinks:
        act = given if isinstance(given, Activation) else Activation("user", given)
        found = [(k.at, k.left, k.right, k.value) for k in act.kinks]
        at = np.array([float(k[0]) for k in expected])
        numeric = act.numpy_functions()[1](at).tolist()  # NumPy σ′ at the kinks
        if found != expected or numeric != [float(k[3]) for k in expected]:
            wrong.append(
                Claim(
                    Chain(_S, "=", act.expr),
                    ": kinks",
                    sp.Matrix(found or [[]]),
                    ", NumPy's",
                    Prime("sigma", x),
                    "there",
                    sp.Matrix([numeric]),
                    ", expected",
                    sp.Matrix(expected or [[]]),
                )
            )
    return Outcome(
        not wrong,
        Claim(
            "check_hypotheses refuses each",
            _S,
            "outside the hypotheses with the reason written out here, and returns the cuts "
            "written out here for each",
            _S,
            "inside them; Activation.kinks gives the kinks, one-sided derivatives and values "
            "written out here, and NumPy's",
            Prime("sigma", x),
            "takes those values",
        ),
        instances=[Claim(e) for e, _ in [*refused, *cuts]]
        + [e.name if isinstance(e, Activation) else Claim(e) for e, _ in kinks],
        left=_joined(wrong),
        right="the stated refusals, cuts and kinks" if wrong else None,
    )


#: The bounded piece cut at ±2 instead of ±3: the maximisers ±2.0288 of the middle piece now
#: lie outside it, so γ sits at the cuts.
CUT_AT_TWO = _bounded(2)


def _at_the_cut(settings, stated=None):
    stated = 1 + sp.sin(2) if stated is None else stated
    result = derive_gamma(CUT_AT_TWO)
    # by hand: σ″ = (sin x + x cos x)/2 > 0 on (0, 2), so the sup of σ′ = 1 + x sin(x)/2 is at 2
    at_cut = sp.diff(_MIDDLE, x).subs(x, 2)
    root = _middle_maximiser(30)
    ok = (
        result.exact is not None
        and sp.simplify(result.exact - stated) == 0
        and sp.simplify(at_cut - stated) == 0
        and root > 2
        and result.evidence == "checked"
    )
    return Outcome(
        ok,
        Claim(
            _GAMMA,
            "derived:",
            gamma_stated(result),
            "; at the cut",
            Chain(Prime("sigma", 2), "=", Plus(1, Over(Times(2, sp.sin(2)), 2))),
            "by hand; the zero of",
            Prime("sigma", x, 2),
            "that was the maximiser on",
            sp.Interval(-3, 3),
            "is at",
            Chain(Decimal(mpmath.nstr(root, 8)), ">", 2),
            "(mpmath, 30 digits)",
        ),
        instances=[Chain(_S, "=", CUT_AT_TWO)],
        left=gamma_side(result),
        right=Claim(sp.Eq(_GAMMA, stated, evaluate=False), ", checked"),
    )


#: σ′ periodic, with a closed-form γ; a Max of lines (σ′ built from Heaviside); σ′ unbounded
#: (a cubic σ), so there is no γ.
PERIODIC = x + sp.sin(x) / 2
LINES = sp.Max(x / 4, x - 1, -x - 2)
CUBIC = x - x**3 / 3


def _periodic_and_unbounded(settings, stated="3/2", stated_lines="1"):
    periodic, lines, cubic = derive_gamma(PERIODIC), derive_gamma(LINES), derive_gamma(CUBIC)
    # by hand: σ′ = 1 + cos(x)/2 lies in [1/2, 3/2] and equals 3/2 at x = 0
    periodic_slope = sp.diff(PERIODIC, x) - (1 + sp.cos(x) / 2) == 0
    by_hand = 1 + sp.Rational(1, 2) * sp.cos(0)
    # the upper envelope of the lines: −x − 2 below −8/5, x/4 up to 4/3, x − 1 beyond; each
    # piece is the largest line at a point inside it, and γ is the largest |slope| among them
    envelope = [(-x - 2, -2), (x / 4, 0), (x - 1, 2)]
    on_top = all(LINES.subs(x, point) == line.subs(x, point) for line, point in envelope)
    slopes = max(abs(sp.diff(line, x)) for line, _ in envelope)
    slope_far = sp.limit(sp.diff(CUBIC, x), x, sp.oo)  # σ′ = 1 − x² → −∞
    ok = (
        periodic.bounded
        and periodic_slope
        and periodic.exact == sp.Rational(stated) == by_hand
        and periodic.attained
        and periodic.evidence == "proved"
        and on_top
        and lines.exact == slopes == sp.Rational(stated_lines)
        and lines.attained
        and lines.evidence == "proved"
        # the outer two lines, where |slope| = 1
        and lines.argmax == [sp.Lt(x, sp.Rational(-8, 5)), sp.Gt(x, sp.Rational(4, 3))]
        and slope_far == -sp.oo
        and not cubic.bounded
        and f"as {text_of(Tends(x, -sp.oo))}" in cubic.reason  # as the printer writes x → −∞
    )
    return Outcome(
        ok,
        Claim(
            Chain(_S, "=", PERIODIC),
            ":",
            gamma_stated(periodic),
            ";",
            Chain(_S, "=", LINES),
            ":",
            gamma_stated(lines),
            ";",
            Chain(_S, "=", CUBIC),
            ":",
            gamma_stated(cubic),
        ),
        instances=[PERIODIC, LINES, CUBIC],
        left=Claim(
            gamma_side(periodic),
            f"({periodic.evidence});",
            gamma_side(lines),
            "; the cubic's",
            _GAMMA,
            f"bounded: {cubic.bounded}",
        ),
        right=Claim(
            sp.Eq(_GAMMA, sp.Rational(stated), evaluate=False),
            ", attained, proved;",
            sp.Eq(_GAMMA, sp.Rational(stated_lines), evaluate=False),
            ", attained; the cubic's",
            Prime("sigma", x),
            "tends to",
            slope_far,
        ),
    )


#: tanh written with a kink-like form: sign(x)·tanh(|x|). At 0 both one-sided slopes are 1,
#: so σ is differentiable there and σ′(0) = 1 is attained, not a supremum approached.
SMOOTH_KINK = sp.sign(x) * sp.tanh(sp.Abs(x))
#: |tanh(x)| has a true kink at 0: the one-sided slopes are −1 and 1, so γ = 1 is approached
#: from both sides and not attained (σ′(0) does not exist).
TRUE_KINK = sp.Abs(sp.tanh(x))
#: an Abs whose argument never vanishes: no cut, one piece ℝ; |1 − tanh(x)| = 1 − tanh(x), so
#: σ′ = 1/2 − (1 − tanh²(x))/4 < 1/2, and γ = 1/2 is approached as x → ±∞ (where the
#: argument tends to 0 and 2).
NO_CUT = x / 2 + sp.Abs(1 - sp.tanh(x)) / 4


def _no_kink(settings, stated=1, stated_no_cut="1/2"):
    written, plain = derive_gamma(SMOOTH_KINK), derive_gamma("tanh")
    kinked, uncut = derive_gamma(TRUE_KINK), derive_gamma(NO_CUT)
    # by hand: for x ≠ 0, sign(x)·tanh(|x|) = tanh(x), so σ′ = 1 − tanh²(x) on both sides;
    # |tanh(x)|′ = ∓(1 − tanh²(x)) on x ≶ 0, tending to ∓1 at 0; σ′ of NO_CUT tends to 1/2
    p = sp.Symbol("p", positive=True)  # x = p > 0 and x = −p < 0, and x = 0
    same = all(
        sp.simplify(SMOOTH_KINK.subs(x, v) - sp.tanh(v)) == 0 for v in (p, -p, sp.Integer(0))
    )
    slopes = [sp.limit(sp.diff(TRUE_KINK, x), x, 0, side) for side in "-+"]
    far = {sp.limit(sp.diff(NO_CUT, x), x, end) for end in (-sp.oo, sp.oo)}
    ok = (
        same
        and written.exact == plain.exact == sp.Integer(stated)
        and written.attained
        and written.argmax == [sp.Eq(x, 0)]
        and slopes == [-1, 1]
        and kinked.exact == abs(slopes[0]) == sp.Integer(stated)
        and not kinked.attained
        and kinked.argmax == [Tends(x, OneSided(0, "-")), Tends(x, OneSided(0, "+"))]
        and far == {sp.Rational(stated_no_cut)}
        and uncut.exact == sp.Rational(stated_no_cut)
        and not uncut.attained
        and uncut.argmax == [Tends(x, -sp.oo), Tends(x, sp.oo)]
    )
    return Outcome(
        ok,
        Claim(
            _GAMMA,
            "derived:",
            gamma_stated(written),
            "; the same as for tanh:",
            gamma_stated(plain),
            ";",
            Chain(Times(sp.sign(x), sp.tanh(sp.Abs(x))), "=", sp.tanh(x)),
            "for",
            Chain(x, ">", 0),
            ",",
            Chain(x, "<", 0),
            "and",
            Chain(x, "=", 0),
            ". For",
            sp.Abs(sp.tanh(x)),
            ":",
            gamma_stated(kinked),
            ", one-sided slopes",
            slopes[0],
            "and",
            slopes[1],
            "at",
            0,
            "(SymPy limits). For",
            NO_CUT,
            ":",
            gamma_stated(uncut),
            ",",
            Prime("sigma", x),
            "tending to",
            sorted(far)[0],
            "at both ends (SymPy limits)",
        ),
        instances=[Chain(_S, "=", e) for e in (SMOOTH_KINK, TRUE_KINK, NO_CUT, sp.tanh(x))],
        left=Claim(
            gamma_side(written),
            ", at",
            *_places(written.argmax),
            ";",
            gamma_side(kinked),
            ", at",
            *_places(kinked.argmax),
            ";",
            gamma_side(uncut),
            ", at",
            *_places(uncut.argmax),
        ),
        right=Claim(
            sp.Eq(_GAMMA, sp.Integer(stated), evaluate=False),
            ", attained at",
            *_places([sp.Eq(x, 0)]),
            ";",
            sp.Eq(_GAMMA, sp.Integer(stated), evaluate=False),
            ", approached as",
            *_places([Tends(x, OneSided(0, "-")), Tends(x, OneSided(0, "+"))]),
            ";",
            sp.Eq(_GAMMA, sp.Rational(stated_no_cut), evaluate=False),
            ", approached as",
            *_places([Tends(x, -sp.oo), Tends(x, sp.oo)]),
        ),
    )


#: a kink at 5 beside an Abs whose argument 1 + tanh(x) is positive but tends to 0 at −∞: each
#: Abs is resolved inside its piece, where its argument has a sign
FADING = sp.Abs(x - 5) / 8 + sp.Abs(1 + sp.tanh(x)) / 2


def _fading(settings, stated="3/8"):
    result = derive_gamma(FADING)
    # by hand: on x < 5, σ′ = −1/8 + (1 − tanh²(x))/2, largest at x = 0 (3/8); on x > 5,
    # σ′ = 1/8 + (1 − tanh²(x))/2 < 1/8 + (1 − tanh²(5))/2 < 3/8; σ′ → ∓1/8 at ∓∞
    left = -sp.Rational(1, 8) + (1 - sp.tanh(x) ** 2) / 2
    critical = sp.solve(sp.diff(left, x), x)
    right_top = sp.Rational(1, 8) + (1 - sp.tanh(5) ** 2) / 2
    ok = (
        critical == [0]
        and left.subs(x, 0) == sp.Rational(stated)
        and bool(right_top < sp.Rational(stated))
        and result.exact == sp.Rational(stated)
        and result.attained
        and result.argmax == [sp.Eq(x, 0)]
    )
    return Outcome(
        ok,
        Claim(
            _GAMMA,
            "derived:",
            gamma_stated(result),
            "; by hand",
            Chain(
                Prime("sigma", x),
                "=",
                Plus(sp.Rational(-1, 8), Over(Plus(1, -(sp.tanh(x) ** 2)), 2)),
            ),
            "left of",
            5,
            "has the critical point set",
            sp.FiniteSet(*critical),
            ", and",
            Chain(Prime("sigma", 0), "=", left.subs(x, 0)),
            "; right of",
            5,
            "it stays below",
            sp.N(right_top, 6),
        ),
        instances=[Chain(_S, "=", FADING)],
        left=Claim(gamma_side(result), ", at", *_places(result.argmax)),
        right=Claim(
            sp.Eq(_GAMMA, sp.Rational(stated), evaluate=False),
            ", attained at",
            *_places([sp.Eq(x, 0)]),
        ),
    )


#: functions on intervals with their sup |h| in closed form (found by calculus): the branch
#: and bound is run afresh on each, with no certificate, and must enclose it
_c = sp.Symbol("c")
SEARCHED = [
    (
        Claim(Plus(1, -(x**2)), "on", sp.Interval(-1, 1)),
        1 - x**2,
        [(-1, 1)],
        lambda: mpmath.mpf(1),
    ),
    (
        Claim(
            Times(x, sp.exp(-(x**2))),
            "on",
            sp.Interval(-3, 3),
            ", at",
            Chain(sp.Abs(x), "=", Over(1, sp.sqrt(2))),
        ),
        x * sp.exp(-(x**2)),
        [(-3, 3)],
        lambda: mpmath.exp(-mpmath.mpf(1) / 2) / mpmath.sqrt(2),
    ),
    (
        Claim(
            Plus(1, -(sp.tanh(x) ** 2)),
            "on",
            sp.Union(sp.Interval(-3, -1), sp.Interval(sp.Rational(1, 2), 2)),
            ", at the end",
            sp.Rational(1, 2),
        ),
        1 - sp.tanh(x) ** 2,
        [(-3, -1), (sp.Rational(1, 2), 2)],
        lambda: 1 - mpmath.tanh(mpmath.mpf(1) / 2) ** 2,
    ),
    (
        Claim(
            Over(x, Plus(1, x**2)),
            "on",
            sp.Interval(-4, 10),
            ", at",
            Chain(sp.Abs(x), "=", 1),
        ),
        x / (1 + x**2),
        [(-4, 10)],
        lambda: mpmath.mpf(1) / 2,
    ),
    (
        Claim(
            Over(1, Plus(1, (x + 2) ** 2)),
            "on",
            sp.Interval(1, 5),
            ", at the end",
            Chain(x, "=", 1),
            "(larger just left of the interval)",
        ),
        1 / (1 + (x + 2) ** 2),
        [(1, 5)],
        lambda: mpmath.mpf(1) / 10,
    ),
    (
        Claim(
            Times(_c, x, sp.exp(-(x**2))),
            "on",
            sp.Interval(-3, 3),
            ", with",
            Chain(_c, "=", Times(sp.Pow(2, sp.sqrt(2)), sp.exp(sp.tanh(1)))),
            ", at",
            Chain(sp.Abs(x), "=", Over(1, sp.sqrt(2))),
        ),
        2 ** sp.sqrt(2) * sp.exp(sp.tanh(1)) * x * sp.exp(-(x**2)),
        [(-3, 3)],
        lambda: (
            2 ** mpmath.sqrt(2) * mpmath.exp(mpmath.tanh(1) - mpmath.mpf(1) / 2) / mpmath.sqrt(2)
        ),
    ),
]


def _search(settings, cases=SEARCHED, boxes=20_000):
    import flint

    from symgrad.maths.certified_sup import arb_function, check_cover, enclose_sup
    from symgrad.maths.enclosures import PRECISION

    wrong, found = [], []
    for name, h, intervals, exact in cases:
        f, df = arb_function(h), arb_function(sp.diff(h, x))
        with flint.ctx.workprec(PRECISION), mpmath.workdps(50):
            ends = [tuple(flint.arb(c.p) / c.q for c in map(sp.Rational, iv)) for iv in intervals]
            e = enclose_sup(f, df, ends, max_boxes=boxes)
            if e is None:
                wrong.append(Claim(name, f": not enclosed within {boxes} boxes"))
                continue
            lo = mpmath.mpf(e.lower.lower().str(45, radius=False))
            hi = mpmath.mpf(e.upper.upper().str(45, radius=False))
            value = exact()
            fine = lo - mpmath.mpf(10) ** -40 <= value <= hi + mpmath.mpf(10) ** -40
            narrow = hi - lo < mpmath.mpf(10) ** -20
            try:
                rechecked, why = check_cover(f, df, ends, e) is not None, "no witness"
            except CertificateError as exc:
                rechecked, why = False, str(exc)
        found.append(Claim(name, ":", _between(lo, hi, 12), f", {e.boxes} boxes"))
        if not (fine and narrow and rechecked):
            wrong.append(
                Claim(
                    name,
                    ": enclosure",
                    _between(lo, hi, 25),
                    "against",
                    Decimal(mpmath.nstr(value, 25)),
                    f"(contains it: {fine}, narrower than",
                    _NARROW,
                    f": {narrow}, its record re-checked: {rechecked if rechecked else why})",
                )
            )
    return Outcome(
        not wrong,
        Claim(
            "each enclosure contains the supremum found by calculus (mpmath, 50 digits), is "
            "narrower than",
            _NARROW,
            ", and its recorded cover passes the certificate check",
        ),
        instances=[name for name, *_ in cases],
        details=found,
        tolerance=Claim(
            sp.Float("1e-40"), "on the containment (decimal conversion of the ball ends)"
        ),
        left=_joined(wrong),
        right="the closed-form suprema, each enclosed" if wrong else None,
    )


# the notation of the statement and the steps
_GAMMA = sp.Symbol("gamma")
_SIGMA = sp.Function("sigma")(x)
_S = sp.Symbol("sigma")
_SLOPE = Prime("sigma", x)
_CRITICAL = Chain(Prime("sigma", x, 2), "=", 0)  # σ″ = 0


def _step(name):
    expr, value = CASES[name]
    return Step(
        Claim(Chain(_GAMMA, "~", sp.Float(value)), "for", Chain(_SIGMA, "=", expr)),
        Claim(
            "certified branch and bound in arb ball arithmetic on every piece, against the "
            "maximiser found by mpmath from",
            _CRITICAL,
            "written out by hand",
        ),
        Evidence.CHECKED,
        _check(name),
        student=Claim(
            _SLOPE,
            "maximised on every piece, with a guaranteed error; the maximiser solves",
            _CRITICAL,
        ),
    )


_WITHIN = sp.Float("5e-8")  # the error allowed on a γ stated to 7 decimals
_NARROW = sp.Float("1e-20")  # the width every enclosure of the branch and bound stays below


#: derive_gamma's wording of a place where γ is reached or approached, as mathematics
def _places(places):
    """The places derive_gamma reports, as claim parts joined with 'and'."""
    return [Claim.joined(places, "and")]


def _joined(claims):
    """Claims one after another, separated by semicolons (None when there are none)."""
    return Claim.joined(claims) if claims else None


def _derivation(result):
    """σ′ as derive_gamma found it, the method, and where γ came from: a result's details."""
    return [
        Chain(_SLOPE, "=", result.derivative),
        Claim("method:", gamma_method(result)),
        gamma_source(result),
    ]


def _between(lo, hi, digits):
    """lo ≤ sup |h| ≤ hi, the ends of an enclosure to `digits` significant digits."""
    ends = (Decimal(mpmath.nstr(v, digits)) for v in (lo, hi))
    return Chain(next(ends), "<=", Sup(sp.Abs(sp.Function("h")(x)), x), "<=", next(ends))


def _enclosure(result):
    """The certified interval of a γ, its two ends as derive_gamma gives them."""
    if result.enclosure is None:
        return ["none"]
    low, high = (Decimal(end) for end in result.enclosure)
    return [Chain(low, "<=", _GAMMA, "<=", high)]


#: every σ whose γ this theorem derives, by name (derived in the background before the run)
EXPRESSIONS = {
    **{name: expr for name, (expr, _) in CASES.items()},
    "cut_at_two": CUT_AT_TWO,
    "periodic": PERIODIC,
    "lines": LINES,
    "cubic": CUBIC,
    "smooth_kink": SMOOTH_KINK,
    "true_kink": TRUE_KINK,
    "no_cut": NO_CUT,
    "fading": FADING,
}


THEOREM = Theorem(
    stage=1,  # waits on γ of every activation, derived in the background
    id="gamma_of_custom_activations",
    title="γ = sup |σ′| for activations given as expressions",
    statement=Claim(
        "For",
        Chain(_SIGMA, "=", Plus(Over(x, 2), Over(Times(sp.Abs(x), sp.tanh(x)), 2))),
        ", cut at",
        0,
        "where its derivative is continuous,",
        Chain(_GAMMA, "~", Decimal("1.0998393")),
        ". For",
        Chain(_SIGMA, "=", Plus(x, Over(Plus(sp.sin(x), -Times(x, sp.cos(x))), 2))),
        "on",
        sp.Interval(-3, 3),
        ", constant outside (a bounded piece),",
        Chain(_GAMMA, "~", Decimal("1.9098529")),
        "; cut at",
        -2,
        "and",
        2,
        "instead,",
        Chain(_GAMMA, "=", Plus(1, sp.sin(2))),
        ". Further,",
        Chain(_GAMMA, "=", sp.Rational(3, 2)),
        "for",
        Chain(_SIGMA, "=", Plus(x, Over(sp.sin(x), 2))),
        "and",
        Chain(_GAMMA, "=", 1),
        "for",
        Chain(_SIGMA, "=", Op("max", x / 4, Plus(x, -1), Plus(-x, -2))),
        ", while",
        Chain(_SIGMA, "=", Plus(x, -(x**3) / 3)),
        "has no",
        _GAMMA,
        ". For",
        Chain(_SIGMA, "=", Times(sp.sign(x), sp.tanh(sp.Abs(x)))),
        ",",
        Chain(_GAMMA, "=", 1),
        "is attained at",
        Chain(x, "=", 0),
        "(there is no kink where the one-sided slopes agree); for",
        TRUE_KINK,
        "it is approached at the kink. For",
        Chain(_SIGMA, "=", Plus(Over(x, 2), Over(sp.Abs(Plus(1, -sp.tanh(x))), 4))),
        ",",
        Chain(_GAMMA, "=", sp.Rational(1, 2)),
        "is approached as",
        Tends(x, -sp.oo),
        "and",
        Tends(x, sp.oo),
        "; for",
        Chain(
            _SIGMA, "=", Plus(Over(sp.Abs(Plus(x, -5)), 8), Over(sp.Abs(Plus(1, sp.tanh(x))), 2))
        ),
        ",",
        Chain(_GAMMA, "=", sp.Rational(3, 8)),
        "is attained at",
        Chain(x, "=", 0),
        ". A",
        _S,
        "outside the hypotheses is refused.",
    ),
    formula=Chain(_GAMMA, "=", Sup(sp.Abs(Prime("sigma", x)), x, sp.Reals)),
    gammas=EXPRESSIONS,  # checked from their shipped certificates, in the background
    prepare=lambda: prefetch_gammas(EXPRESSIONS.values()),
    proof=Claim(
        "On each piece the supremum of",
        sp.Abs(_SLOPE),
        "is reached at a zero of",
        Prime("sigma", x, 2),
        "or approached at an end. For the bounded piece, for example,",
        Chain(Prime("sigma", x, 2), "=", Over(Plus(sp.sin(x), Times(x, sp.cos(x))), 2)),
        "vanishes where",
        Chain(sp.tan(x), "=", -x),
        ".",
    ),
    assumptions=[
        Claim(
            _S,
            "is defined and continuous on",
            sp.Reals,
            "and differentiable except at finitely many points (checked for each",
            _S,
            "; refused otherwise)",
        ),
        Claim(
            _GAMMA,
            "is finite only where",
            _SLOPE,
            "is bounded (",
            Plus(x, -(x**3) / 3),
            "has none)",
        ),
    ],
    references=["symgrad.derive_gamma: any σ given as an expression in x"],
    tags=["activation", "gamma", "certified"],
    steps=[
        Step(
            Claim(
                sp.Symbol("sigma"),
                "outside the hypotheses is refused, with the reason; inside,",
                sp.Reals,
                "is cut at the kinks",
            ),
            Claim(
                "a pole, a log or root of a negative argument, a jump, infinitely many kinks and "
                "an infinite value are each refused; the cuts of Abs, Max and Piecewise are "
                "found, and the kinks with their one-sided slopes, the value of",
                _SLOPE,
                "there and NumPy's",
                _SLOPE,
                "there",
            ),
            Evidence.CHECKED,
            _hypotheses,
            student="",
        ),
        *[_step(name) for name in CASES],
        Step(
            Claim(
                Chain(_GAMMA, "=", Plus(1, sp.sin(2)), "~", sp.Float("1.9092974")),
                "for the same",
                sp.Symbol("sigma"),
                "cut at",
                -2,
                "and",
                2,
                ": the sup sits at the cuts",
            ),
            Claim(
                "the middle piece's",
                Chain(_SLOPE, "=", Plus(1, Over(Times(x, sp.sin(x)), 2))),
                "increases on",
                sp.Interval.open(0, 2),
                "; its critical points",
                Decimal("-2.0288"),
                "and",
                Decimal("2.0288"),
                "now lie outside the piece",
            ),
            Evidence.CHECKED,
            _at_the_cut,
        ),
        Step(
            Claim(
                Chain(_GAMMA, "=", sp.Rational(3, 2)),
                "for",
                Chain(_SIGMA, "=", Plus(x, sp.sin(x) / 2)),
                ", attained at",
                Chain(x, "=", 0),
                ";",
                Chain(_GAMMA, "=", 1),
                "for",
                Chain(_SIGMA, "=", Op("max", x / 4, Plus(x, -1), Plus(-x, -2))),
                "; no",
                _GAMMA,
                "for",
                Chain(_SIGMA, "=", Plus(x, -(x**3) / 3)),
            ),
            Claim(
                Chain(_SLOPE, "=", Plus(1, Over(sp.cos(x), 2))),
                "is periodic with maximum",
                sp.Rational(3, 2),
                "; the steepest lines on the upper envelope have slopes",
                -1,
                "and",
                1,
                ";",
                Chain(_SLOPE, "=", Plus(1, -(x**2))),
                "tends to",
                -sp.oo,
                ", so no",
                Chain(sp.Symbol("lambda_1"), "<", 1 / _GAMMA),
                "guarantees vanishing for a cubic",
                _S,
            ),
            Evidence.PROVED,
            _periodic_and_unbounded,
        ),
        Step(
            Claim(
                Chain(_GAMMA, "=", 1),
                ", attained at",
                Chain(x, "=", 0),
                ", for",
                Chain(_SIGMA, "=", sp.sign(x) * sp.tanh(sp.Abs(x))),
                ": where the one-sided slopes agree there is no kink; for",
                Chain(_SIGMA, "=", sp.Abs(sp.tanh(x))),
                ", with slopes",
                -1,
                "and",
                1,
                "at",
                0,
                ",",
                Chain(_GAMMA, "=", 1),
                "is approached, not attained; for",
                Chain(_SIGMA, "=", Plus(x / 2, sp.Abs(1 - sp.tanh(x)) / 4)),
                ", an Abs whose argument never vanishes cuts nothing and",
                Chain(_GAMMA, "=", sp.Rational(1, 2)),
                "is approached as",
                Tends(x, sp.oo),
                "and",
                Tends(x, -sp.oo),
            ),
            Claim(
                "both one-sided limits of",
                _SLOPE,
                "at",
                0,
                "are",
                1,
                ", so",
                _S,
                "is differentiable there with",
                Chain(Prime("sigma", 0), "=", 1),
                "(",
                _S,
                "is tanh written another way);",
                sp.Abs(sp.tanh(x)),
                "has slopes",
                -1,
                "and",
                1,
                "beside",
                0,
                "and no derivative at",
                0,
                ";",
                Plus(Over(x, 2), Over(sp.Abs(Plus(1, -sp.tanh(x))), 4)),
                "has",
                Chain(
                    _SLOPE,
                    "=",
                    Plus(sp.Rational(1, 2), -Over(Plus(1, -(sp.tanh(x) ** 2)), 4)),
                ),
                ", below",
                sp.Rational(1, 2),
                "and tending to it",
            ),
            Evidence.CHECKED,
            _no_kink,
        ),
        Step(
            Claim(
                Chain(_GAMMA, "=", sp.Rational(3, 8)),
                ", attained at",
                Chain(x, "=", 0),
                ", for",
                Chain(_SIGMA, "=", FADING),
                ": a kink at 5, and an Abs whose argument is positive but tends to 0 as",
                Tends(x, -sp.oo),
            ),
            Claim(
                "left of",
                5,
                ",",
                Chain(_SLOPE, "=", Plus(sp.Rational(-1, 8), Over(Plus(1, -(sp.tanh(x) ** 2)), 2))),
                "has its maximum",
                sp.Rational(3, 8),
                "at",
                0,
                "; right of",
                5,
                ",",
                Chain(_SLOPE, "=", Plus(sp.Rational(1, 8), Over(Plus(1, -(sp.tanh(x) ** 2)), 2))),
                "stays below",
                Plus(sp.Rational(1, 8), Over(Plus(1, -(sp.tanh(5) ** 2)), 2)),
            ),
            Evidence.CHECKED,
            _fading,
        ),
        Step(
            Claim(
                "the branch and bound, run afresh, encloses",
                Sup(sp.Abs(sp.Function("h")(x)), x),
                "for six functions whose supremum calculus gives in closed form",
            ),
            "arb ball arithmetic: point values bound the supremum from below, the mean-value "
            "form from above on every box; the result is compared with the closed form",
            Evidence.CHECKED,
            _search,
            student="",  # a check of the tool behind the enclosures, not mathematics to learn
        ),
    ],
)
