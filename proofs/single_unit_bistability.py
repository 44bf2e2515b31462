"""The single unit x_t = w σ(x_{t−1}) + b with w = 5: bistability, and the wall.

Statement. For the logistic σ and w = 5, two stable fixed points coexist exactly for b in
(b₂, b₁) with b₂ = −5/2 − √5/2 + log((3 + √5)/2) ≈ −2.6556 and b₁ = −5/2 + √5/2 + log((3 − √5)/2)
≈ −2.3444, the b-values where 5σ′(x) = 1 (tangency). The labels are Pascanu et al.'s (Fig. 3):
as b decreases from +∞, a second (lower) attractor appears at b₁ and the upper one disappears
at b₂. At b = −5/2 the fixed points are ±1.776
(stable) and 0 (unstable, 5σ′(0) = 5/4 > 1). In the linear case x_t = x₀wᵗ,
∂x_t/∂w = t x₀ w^(t−1) and ∂²x_t/∂w² = t(t−1)x₀w^(t−2): when the first derivative explodes so
does the curvature — the "wall" that gradient clipping steps away from.

Proof. Fixed points solve g(x) = b with g(x) = x − 5σ(x). g′ = 1 − 5σ′ = 1 − 5s(1 − s) with
s = σ(x) ∈ (0, 1), a bijection of x; the quadratic 5s(1 − s) = 1 has exactly the two roots
s = (1 ± 1/√5)/2, with g′ < 0 between them and g′ > 0 outside. So g rises to a local maximum
g(x₋) = b₁ at x₋ = log((3 − √5)/2), falls to a local minimum g(x₊) = b₂ at x₊ = −x₋, and rises
again, with g → ±∞ as x → ±∞: g = b has three roots for b₂ < b < b₁ (the outer two with
g′ > 0, i.e. gain 5σ′ < 1, stable; the middle one unstable) and one for b < b₂ or b > b₁.
"""

import sympy as sp
from flint import arb, ctx

from symgrad import Evidence, Outcome, Step, Theorem, check_identities
from symgrad.kernel import (
    Ball,
    Chain,
    Claim,
    Decimal,
    InvalidArgumentError,
    Over,
    Partial,
    Plus,
    Prime,
    SymgradError,
    Tends,
    Times,
)
from symgrad.maths.dynamics import FixedPoint, bistability_interval, fixed_points
from symgrad.maths.enclosures import PRECISION, show


def _ball(ball):
    """A ball as its midpoint ± its radius, a few digits each: 1.776 ± 4.1×10⁻⁸."""
    mid, rad = (float(f"{float(x):.8g}") for x in (ball.mid(), ball.rad()))
    return Ball(sp.Float(mid), sp.Float(float(f"{rad:.2g}")))


def _shown(ball, digits):
    """An arb ball as the mathematics m ± r, with the digits `show` gives it."""
    text = show(ball, digits).strip()
    if text.startswith("[+/-"):  # a ball around 0
        return Ball(0, Decimal(text[4:-1].strip()))
    return Ball.parse(text)


def _listed(*parts, sep=","):
    """The parts separated by `sep` (prose), as one claim."""
    return Claim.joined(parts, sep)


def _at(w, b):
    """w = …, b = … (a unit's weight and bias)."""
    return Claim(Chain(_w, "=", w), ",", Chain(_b, "=", b))


def _interval(settings):
    lo, hi = bistability_interval(5)
    b2 = -sp.Rational(5, 2) - sp.sqrt(5) / 2 + sp.log((3 + sp.sqrt(5)) / 2)
    b1 = -sp.Rational(5, 2) + sp.sqrt(5) / 2 + sp.log((3 - sp.sqrt(5)) / 2)
    out = check_identities(
        Claim("the tangency values of", _b, ", derived by SymPy, in closed form"),
        [
            (Claim(_b2), sp.expand_log(lo, force=True), sp.expand_log(b2, force=True)),
            (Claim(_b1), sp.expand_log(hi, force=True), sp.expand_log(b1, force=True)),
        ],
    )
    out.details = [
        Claim(
            Chain(_b2, "~", Decimal(str(sp.N(lo, 15)))),
            "(below it the upper attractor is gone)",
        ),
        Claim(
            Chain(_b1, "~", Decimal(str(sp.N(hi, 15)))),
            "(above it the lower attractor is gone)",
        ),
    ]
    return out


def _count(settings):
    lo, hi = bistability_interval(5)
    delta = sp.Rational(1, 100)
    inside = [fixed_points(5, b) for b in (lo + delta, sp.Rational(-5, 2), hi - delta)]
    outside = [fixed_points(5, b) for b in (lo - delta, hi + delta)]
    counts_in, counts_out = [len(p) for p in inside], [len(p) for p in outside]
    centre = inside[1]
    stable = [p.stable for p in centre]
    ok = counts_in == [3, 3, 3] and counts_out == [1, 1] and stable == [True, False, True]
    step, mid = sp.Rational(1, 100), -_HALF5
    return Outcome(
        ok,
        Claim(
            "3 fixed points at",
            _listed(Plus(_b2, step), mid),
            "and",
            Plus(_b1, -step),
            ", 1 at",
            Plus(_b2, -step),
            "and",
            Plus(_b1, step),
            ", each isolated in a certified arb ball (",
            Chain(sp.Function("f")(_x), "=", Plus(5 * _SIGMA(_x), _b, -_x)),
            "strictly monotone with a sign change on the box); at",
            Chain(_b, "=", mid),
            "the outer two are stable (",
            Chain(sp.Abs(Times(5, Prime("sigma", _x))), "<", 1),
            "on the ball), the middle one unstable",
        ),
        instances=[Claim(Chain(_b, "=", mid), ":", _listed(*(_ball(p.x) for p in centre)))],
        left=f"inside {counts_in}, outside {counts_out}, stable {stable}",
        right="inside [3, 3, 3], outside [1, 1], stable [True, False, True]",
        details=[
            Claim(
                "gain at",
                Chain(_x, "in", _shown(p.x, 6)),
                ":",
                Chain(Times(5, Prime("sigma", _x)), "in", _shown(p.gain, 6)),
            )
            for p in centre
        ],
    )


def _f_arb(w, b, at):
    """f = wσ + b − x at an exact point, in arb ball arithmetic (written out here)."""
    return arb(w) / (1 + (-at).exp()) + b - at


def _brackets(w, b, point, inside):
    """The ball lies in the open interval `inside`, and f has certified opposite signs at its
    ends (or the ball is the exact root)."""
    lo, hi = point.x.lower(), point.x.upper()  # exact dyadic numbers
    if not (inside[0] < lo and hi < inside[1]):
        return False
    with ctx.workprec(PRECISION):
        if point.x.is_exact():
            return _f_arb(w, b, lo) == 0
        at_lo, at_hi = _f_arb(w, b, lo), _f_arb(w, b, hi)
        return (at_lo > 0 and at_hi < 0) or (at_lo < 0 and at_hi > 0)


def _edge_cases(settings, merged=4):
    bad = []
    # w = 1, b = 3: f′ = σ′ − 1 < 0, so one root, and x = σ(x) + 3 puts it in (3, 4)
    far = fixed_points(1, 3)
    if not (len(far) == 1 and _brackets(1, 3, far[0], (3, 4)) and far[0].stable):
        bad.append(_found(1, 3, far))
    # w = −3, b = 1: f is strictly decreasing, x = 1 − 3σ(x) lies in (−2, 1)
    negative = fixed_points(-3, 1)
    if not (len(negative) == 1 and _brackets(-3, 1, negative[0], (-2, 1))):
        bad.append(_found(-3, 1, negative))
    # w = 0: x_t = b after one step; the fixed point is b itself. This b is a point the
    # bisection meets, where f is computed exactly, so the root is found exactly
    b0 = sp.Rational(33, 32)
    still = fixed_points(0, b0)
    exact = len(still) == 1 and still[0].x.is_exact()
    if not (exact and _brackets(0, arb(33) / 32, still[0], (1, 2)) and still[0].stable):
        bad.append(_found(0, b0, still))
    # w = 4, b = −2: f(0) = 4σ(0) − 2 = 0, f′(0) = 4σ′(0) − 1 = 0, f″(0) = 0 and f‴(0) ≠ 0:
    # a triple root, where the three fixed points of w > 4 have merged. The gain is exactly 1,
    # so the linear test decides nothing (x = 0 is in fact attracting: 4σ(x) − 2 = 2 tanh(x/2))
    t = sp.Symbol("t", real=True)
    f = merged / (1 + sp.exp(-t)) - 2 - t
    derivatives = [sp.simplify(sp.diff(f, t, k).subs(t, 0)) for k in range(4)]
    half = 1 / (1 + arb(0).exp())
    gain = merged * half * (1 - half)
    at_merge = FixedPoint(arb(0), gain)
    if derivatives[:3] != [0, 0, 0] or derivatives[3] == 0 or at_merge.stable is not None:
        bad.append(
            Claim(
                _at(merged, -2),
                ":",
                Chain(sp.Tuple(*_F_AT_0), "=", sp.Tuple(*derivatives)),
                ", gain",
                _shown(gain, 8),
                f", stable: {at_merge.stable}",
            )
        )
    for refused, call in (
        (SymgradError, lambda: fixed_points(merged, -2)),
        (InvalidArgumentError, lambda: bistability_interval(merged)),
    ):
        try:
            call()
            bad.append(
                Claim(Chain(_w, "=", merged), f": {call.__code__.co_names[0]} did not refuse")
            )
        except refused:
            pass
    f = sp.Symbol("f")
    return Outcome(
        not bad,
        Claim(
            _at(1, 3),
            ": one fixed point, in",
            sp.Interval.open(3, 4),
            ";",
            _at(-3, 1),
            ": one, in",
            sp.Interval.open(-2, 1),
            ";",
            _at(0, b0),
            ":",
            Chain(_x, "=", b0),
            "exactly;",
            f,
            "has opposite signs at each ball's ends, certified in arb. At",
            _at(4, -2),
            ",",
            Chain(_x, "=", 0),
            "is a triple root of",
            f,
            "(",
            _listed(*_F_AT_0[:2]),
            "and",
            _F_AT_0[2],
            "vanish and",
            _F_AT_0[3],
            "does not, by SymPy) with gain",
            Chain(Times(4, Prime("sigma", 0)), "=", 1),
            "exactly: the linear test classes it neither stable nor unstable, isolation refuses "
            "it, and there is no bistability interval",
        ),
        instances=[_at(1, 3), _at(-3, 1), _at(0, b0), _at(4, -2)],
        left=bad[0] if bad else None,
        right="as stated" if bad else None,
    )


def _every_b(settings, w=5):
    """The shape of g(x) = x − wσ(x) for every b: the step that makes the count universal."""
    s, x = sp.symbols("s x", real=True)
    slope = 1 - w * s * (1 - s)  # g′ at x = log(s/(1 − s)), s = σ(x) ∈ (0, 1)
    roots = sorted(sp.solve(slope, s), key=lambda r: float(sp.re(r)))
    claimed = [(1 - 1 / sp.sqrt(5)) / 2, (1 + 1 / sp.sqrt(5)) / 2]
    two = len(roots) == 2 and all(r.is_real and 0 < r < 1 for r in roots)
    same = two and all(sp.simplify(r - c) == 0 for r, c in zip(roots, claimed, strict=True))
    falling = sp.solve_univariate_inequality(slope < 0, s, relational=False)
    shape = same and falling == sp.Interval.open(*claimed)
    g = x - w / (1 + sp.exp(-x))
    b2 = -sp.Rational(5, 2) - sp.sqrt(5) / 2 + sp.log((3 + sp.sqrt(5)) / 2)
    b1 = -sp.Rational(5, 2) + sp.sqrt(5) / 2 + sp.log((3 - sp.sqrt(5)) / 2)
    extremes = []
    if same:
        for r, b in zip(roots, (b1, b2), strict=True):
            value = g.subs(x, sp.log(r / (1 - r)))
            extremes.append(sp.simplify(sp.expand_log(value - b, force=True)) == 0)
    ends = (sp.limit(g, x, -sp.oo), sp.limit(g, x, sp.oo))
    ok = shape and extremes == [True, True] and ends == (-sp.oo, sp.oo)
    quadratic = Times(w, s, Plus(1, -s))
    g_of_x, falls = sp.Function("g")(x), Chain(Prime("g", x), "<", 0)
    return Outcome(
        ok,
        Claim(
            Chain(quadratic, "=", 1),
            "has exactly the roots",
            Over(Plus(1, -Over(1, _ROOT5)), 2),
            "and",
            Over(Plus(1, Over(1, _ROOT5)), 2),
            "in",
            sp.Interval.open(0, 1),
            "and",
            Chain(Prime("g", x), "=", Plus(1, -quadratic), "<", 0),
            "exactly between them (SymPy, symbolic",
            s,
            ");",
            sp.Symbol("g"),
            "at the two critical points is",
            _b1,
            "(local max) and",
            _b2,
            "(local min), and",
            Tends(g_of_x, -sp.oo, x, -sp.oo),
            ",",
            Tends(g_of_x, sp.oo, x, sp.oo),
            ": for every",
            _b,
            ",",
            Chain(g_of_x, "=", _b),
            "has three roots for",
            _BETWEEN,
            ", the outer two with gain",
            Chain("<", 1),
            ", and one root for",
            _b,
            "outside",
            sp.Interval(_b2, _b1),
        ),
        instances=[Claim("symbolic", s, ",", x, "and every", _b)],
        left=Claim(
            "roots",
            sp.Matrix([roots]),
            ";",
            falls,
            "on",
            falling,
            f"; extremes as stated: {extremes}; limits",
            sp.Matrix([ends]),
        ),
        right=Claim(
            "roots",
            sp.Matrix([claimed]),
            ";",
            falls,
            "between them; extremes as stated: [True, True]; limits",
            sp.Matrix([[-sp.oo, sp.oo]]),
        ),
    )


def _wall(settings):
    t = sp.Symbol("t", integer=True, positive=True)
    w, x0 = sp.symbols("w x_0", positive=True)
    xt = x0 * w**t
    return check_identities(
        Claim(
            Partial(_xt, _w),
            "and",
            Partial(_xt, _w, order=2),
            "of",
            Chain(_xt, "=", Times(_x0, _w**_t)),
            ", symbolic",
            _t,
        ),
        [
            ("first", sp.diff(xt, w), t * x0 * w ** (t - 1)),
            ("second", sp.diff(xt, w, 2), t * (t - 1) * x0 * w ** (t - 2)),
        ],
    )


# the notation of the statement and the steps
_x, _b, _w, _t = sp.symbols("x b w t")
_b1, _b2, _x0, _xt = sp.symbols("b_1 b_2 x_0 x_t")
_s = sp.Symbol("s")
_SIGMA = sp.Function("sigma")
_S = sp.Symbol("sigma")
_X = sp.IndexedBase("x")  # xₜ, xₜ₋₁: the orbit
_ROOT5 = sp.sqrt(5)
_HALF5 = sp.Rational(5, 2)
_B1 = Chain(_b1, "=", Plus(-_HALF5, _ROOT5 / 2, sp.log(Over(Plus(3, -_ROOT5), 2))))
_B2 = Chain(_b2, "=", Plus(-_HALF5, -_ROOT5 / 2, sp.log(Over(Plus(3, _ROOT5), 2))))
_BETWEEN = Chain(_b, "in", sp.Interval.open(_b2, _b1))
#: f(0), f′(0), f″(0), f‴(0)
_F_AT_0 = (sp.Function("f")(0), *(Prime("f", 0, k) for k in (1, 2, 3)))


def _found(w, b, points):
    """w = …, b = …: the fixed points found (balls), for a failure report."""
    shown = _listed(*(_shown(p.x, 8) for p in points)) if points else "none"
    return Claim(_at(w, b), ": fixed points found:", shown)


THEOREM = Theorem(
    id="single_unit_bistability",
    title="The single recurrent unit: bistability and the wall",
    statement=Claim(
        "With the logistic",
        _S,
        ", the unit",
        Chain(_X[_t], "=", Plus(Times(5, _SIGMA(_X[_t - 1])), _b)),
        "has two stable fixed points exactly for",
        Chain(
            _BETWEEN,
            "~",
            sp.Interval.open(sp.Float("-2.6556"), sp.Float("-2.3444")),
        ),
        "; as",
        _b,
        "decreases, the lower attractor appears at",
        _b1,
        "and the upper one disappears at",
        _b2,
        ". In the linear case",
        Chain(_xt, "=", Times(_x0, _w**_t)),
        ",",
        Chain(Partial(_xt, _w), "=", Times(_t, _x0, _w ** (_t - 1))),
        "and",
        Chain(Partial(_xt, _w, order=2), "=", Times(_t, _t - 1, _x0, _w ** (_t - 2))),
        ".",
    ),
    formula=Claim(_B1, "and", _B2),
    proof=Claim(
        "Two fixed points merge where the map is tangent to the diagonal,",
        Chain(Times(5, Prime("sigma", _x)), "=", 1),
        "; with",
        Chain(_s, "=", _SIGMA(_x)),
        "this reads",
        Chain(Times(5, _s, Plus(1, -_s)), "=", 1),
        ".",
    ),
    references=["Pascanu et al. (2013), §2.2–2.3 and Fig. 3", "Doya (1993)"],
    tags=["dynamics", "bifurcation", "clipping"],
    steps=[
        Step(
            Claim("in closed form,", _B1, "and", _B2),
            Claim(
                "fixed points of",
                Chain(Plus(_x, -5 * _SIGMA(_x)), "=", _b),
                "merge where",
                Chain(Times(5, Prime("sigma", _x)), "=", 1),
            ),
            Evidence.PROVED,
            _interval,
        ),
        Step(
            Claim(
                "at five values of",
                _b,
                ": three fixed points of",
                Chain(_x, "=", Plus(5 * _SIGMA(_x), _b)),
                "for",
                _BETWEEN,
                ", one outside",
            ),
            Claim("certified root isolation in arb ball arithmetic (every", _b, ": the last step)"),
            Evidence.CHECKED,
            _count,
            student="the fixed points located in intervals small enough to count them exactly",
        ),
        Step(
            Claim(
                "far, negative and zero",
                _w,
                ", and the point",
                Chain(_w, "=", 4),
                ",",
                Chain(_b, "=", -2),
                "where the fixed points merge:",
                Chain(_x, "=", 0),
                ",",
                Chain(Times(_w, Prime("sigma", 0)), "=", 1),
            ),
            "certified isolation where the roots are known by hand; at a triple root the gain "
            "is exactly 1 and isolation refuses rather than miscount",
            Evidence.CHECKED,
            _edge_cases,
            student="",
        ),
        Step(
            Claim(
                Chain(Partial(_xt, _w), "=", Times(_t, _x0, _w ** (_t - 1))),
                "and its derivative in",
                _w,
                "is",
                Times(_t, _t - 1, _x0, _w ** (_t - 2)),
            ),
            Claim("the linear case, symbolic", _t),
            Evidence.PROVED,
            _wall,
        ),
        Step(
            Claim(
                "for every",
                _b,
                ":",
                Chain(Plus(_x, -5 * _SIGMA(_x)), "=", _b),
                "has three roots for",
                _BETWEEN,
                "and one outside",
                sp.Interval(_b2, _b1),
            ),
            Claim(
                Chain(Times(5, _s, Plus(1, -_s)), "=", 1),
                "has exactly two roots, so",
                Chain(sp.Function("g")(_x), "=", Plus(_x, -5 * _SIGMA(_x))),
                "has one local maximum,",
                _b1,
                ", and one local minimum,",
                _b2,
                ", and",
                Tends(sp.Function("g")(_x), -sp.oo, _x, -sp.oo),
                ",",
                Tends(sp.Function("g")(_x), sp.oo, _x, sp.oo),
            ),
            Evidence.PROVED,
            _every_b,
        ),
    ],
)
