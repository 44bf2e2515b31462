"""The dynamical view of the single unit: gains, basins, a bifurcation, and the wall.

Statement. For x_t = 5σ(x_{t−1}) + b (σ logistic): (1) at b = −5/2 the fixed points are
0 (exactly; the boundary between the two basins) and ±x* ≈ ±1.776; the local gain 5σ′ is
exactly 5/4 > 1 at the boundary and ≈ 0.619 < 1 at ±x*. (2) Hence ∂x_T/∂x₀ vanishes inside
a basin (< 1e-9 at x₀ = 1, T = 50) and grows near the boundary: exactly (5/4)^T at x₀ = 0,
above 800 at x₀ = 1e-6, T = 30. (3) Crossing the bifurcation at b₂ ≈ −2.656, where the upper
attractor disappears (Pascanu et al.'s b₂, Fig. 3), makes x_T jump: from x₀ = 2, x₁₀₀ > 1 at
b = b₂ + 1/100 but x₁₀₀ < −2 at b = b₂ − 1/100, and ∂x_T/∂b, below 11 at b₂ + 1/100
(T = 100), exceeds 1e4 at b = b₂ − 1/1000 (T = 200). (4) In Pascanu et al.'s
Fig. 6 setting (b = −5/2, x₀ = 1/2, E = (σ(x_50) − 0.7)²) the curvature explodes together
with the gradient: |∂E/∂w| < 0.1 and |∂²E/∂w²| < 0.2 at w = 5, but |∂E/∂w| > 800 and
|∂²E/∂w²| > 5e5 at the wall, w = 4.8193. (5) From w₀ = 4.819 with learning rate 1/50,
the full gradient step moves w by more than 3.4, off the plotted range (w > 8.2), while
the step clipped to norm 1 moves it by exactly 1/50 and ends with a loss below a tenth of
the full step's.

Proof. Every number is a certified arb enclosure of the exact orbit (forward-mode
derivatives carried along), except (1)'s 5/4 and (2)'s (5/4)^T, which are exact: x = 0 is
fixed because 5σ(0) = 5/2, and σ′(0) = 1/4. A point on the boundary between two basins is
an unstable fixed point, so nearby orbits separate at rate 5/4 per step before falling into
one basin, where the gain ≈ 0.619 shrinks every perturbation.
"""

import sympy as sp

from symgrad import Evidence, Outcome, Step, Theorem
from symgrad.kernel import (
    Ball,
    Chain,
    Claim,
    Decimal,
    OrderedProduct,
    Partial,
    Plus,
    Prime,
    Times,
    power_of_ten,
)
from symgrad.maths.dynamics import fixed_points, unit_orbit, wall_loss
from symgrad.maths.enclosures import enclose, show

B_MID = sp.Rational(-5, 2)
B2 = -sp.Rational(5, 2) - sp.sqrt(5) / 2 + sp.log((3 + sp.sqrt(5)) / 2)


def _ball(ball, digits=12):
    """An arb ball as the mathematics m ± r, with the digits `show` gives it."""
    text = show(ball, digits).strip()
    if text.startswith("[+/-"):  # a ball around 0
        return Ball(0, Decimal(text[4:-1].strip()))
    return Ball.parse(text)


def _listed(*parts, sep=","):
    """The parts separated by `sep` (prose), as one claim."""
    return Claim.joined(parts, sep)


def _eq(name, value):
    return Chain(name, "=", value)


def _forward_mode(settings, steps_checked=(1, 2, 3)):
    """wall_loss's E, ∂E/∂w, ∂²E/∂w² against sympy.diff of E(w) unrolled, at exact points."""
    from symgrad.maths.dynamics import FIG6

    w = sp.Symbol("w")
    sig = lambda v: 1 / (1 + sp.exp(-v))  # noqa: E731
    bad, labels = [], []
    E_w = [_E, Partial(_E, _w), Partial(_E, _w, order=2)]
    for steps in steps_checked:
        x = FIG6["x0"]
        for _ in range(steps):
            x = w * sig(x) + FIG6["b"]
        E = (sig(x) - FIG6["target"]) ** 2
        exact = [E, sp.diff(E, w), sp.diff(E, w, 2)]
        for at in (sp.Integer(5), sp.Rational(9, 2)):
            label = Claim(_eq(_T, steps), ",", _eq(_w, at))
            labels.append(label)
            balls = wall_loss(at, steps=steps)
            for name, ball, value in zip(E_w, balls, exact, strict=True):
                gap = ball - enclose(value.subs(w, at))  # certified: contains the true gap
                if not (gap.contains(0) and gap.rad() < 1e-15):
                    bad.append(Claim(label, ":", name, "off by", _ball(gap, 6)))
    return Outcome(
        not bad,
        Claim(
            "wall_loss (forward-mode derivatives of the orbit, arb balls) minus the exact",
            _listed(*E_w[:2]),
            "and",
            E_w[2],
            "from sympy.diff of",
            sp.Function("E")(_w),
            "unrolled by hand (also enclosed in arb) is a ball around 0 of radius below",
            power_of_ten(-15),
        ),
        instances=labels,
        left=_listed(*bad, sep=";") if bad else None,
        right="balls containing the exact values" if bad else None,
    )


def _gains(settings, stated_gain=0.619, stated_point=1.776):
    sig = lambda v: 1 / (1 + sp.exp(-v))  # noqa: E731
    fixed = 5 * sig(sp.Integer(0)) + B_MID  # exactly 0
    gain0 = sp.diff(5 * sig(sp.Symbol("x")), sp.Symbol("x")).subs(sp.Symbol("x"), 0)
    points = fixed_points(5, B_MID)
    outer = [p for p in points if not p.x.contains(0)]
    ok = (
        fixed == 0
        and sp.nsimplify(gain0) == sp.Rational(5, 4)
        and len(points) == 3
        and all(p.gain < 1 and p.gain > enclose(sp.Rational(61, 100)) for p in outer)
        # the printed ≈ values: each ball lies inside the rounding interval of its digits
        and all(stated_gain - 5e-4 < p.gain < stated_gain + 5e-4 for p in outer)
        and sorted(bool(p.x > 0) for p in outer) == [False, True]
        and all(stated_point - 5e-4 < abs(p.x) < stated_point + 5e-4 for p in outer)
    )
    at_zero = Plus(Times(5, sp.Function("sigma")(0)), B_MID)
    point, gain = Decimal(str(stated_point)), Decimal(str(stated_gain))
    band = sp.Interval.open(sp.Float("0.61"), 1)
    return Outcome(
        ok,
        Claim(
            _eq(_y, 0),
            "is fixed exactly (",
            _eq(at_zero, 0),
            ") with gain",
            _eq(_GAIN_0, _FIVE_FOURTHS),
            "exactly; the other two fixed points, isolated in certified balls, are symmetric "
            "about 0 (",
            _XS,
            "and its negative), with",
            sp.Abs(_XS),
            "rounding to",
            point,
            "and gain in",
            band,
            "rounding to",
            gain,
        ),
        instances=[Claim(_eq(_w, 5), ",", _eq(_b, B_MID))],
        left=Claim(
            _eq(at_zero, fixed),
            ", gain at 0",
            Chain("=", gain0),
            "; outer gains",
            _listed(*(_ball(p.gain, 6) for p in outer)),
            "; outer points",
            _listed(*(_ball(p.x, 6) for p in outer)),
        ),
        right=Claim(
            0,
            ",",
            _FIVE_FOURTHS,
            "; outer points",
            point,
            "and",
            Decimal(f"-{stated_point}"),
            ", gains",
            Ball(gain, Decimal("5e-4")),
            ", in",
            band,
        ),
        details=[
            Claim(Chain(_XS, "in", _ball(p.x, 10)), ": gain", Chain("in", _ball(p.gain, 8)))
            for p in outer
        ],
    )


def _basins(settings):
    T_exact = 30
    x, d = sp.Integer(0), sp.Integer(1)
    for _ in range(T_exact):  # exact arithmetic: the orbit of the boundary point stays at 0
        s = 1 / (1 + sp.exp(-x))
        x, d = 5 * s + B_MID, 5 * s * (1 - s) * d
    inside = unit_orbit(5, B_MID, 1, 50)
    near = unit_orbit(5, B_MID, sp.Rational(1, 10**6), 30)
    ok = (
        x == 0
        and d == sp.Rational(5, 4) ** T_exact
        and abs(inside.dx0) < enclose(sp.Rational(1, 10**9))
        and near.dx0 > 800
    )
    gain30 = Partial(_x[30], _x[0])
    return Outcome(
        ok,
        Claim(
            gain30,
            "exactly",
            sp.Pow(_FIVE_FOURTHS, 30, evaluate=False),
            "at the boundary",
            _eq(_x[0], 0),
            "; certified balls at",
            _eq(_x[0], 1),
            "(inside the upper basin,",
            _eq(_T, 50),
            ") and",
            _eq(_x[0], power_of_ten(-6)),
            "(",
            _eq(_T, 30),
            ")",
        ),
        instances=[
            Claim(_eq(_w, 5), ",", _eq(_b, B_MID), ";", _listed(_eq(_x[0], 0), power_of_ten(-6), 1))
        ],
        left=Claim(
            _eq(_x[30], x),
            ",",
            _eq(gain30, d),
            "; inside",
            _ball(inside.dx0, 4),
            "; near",
            _ball(near.dx0, 6),
        ),
        right=Claim(
            _eq(_x[30], 0),
            ",",
            _eq(gain30, sp.Pow(_FIVE_FOURTHS, 30, evaluate=False)),
            "; inside below",
            sp.Float("1e-9"),
            "; near above 800",
        ),
    )


def _bifurcation(settings):
    b2 = B2  # closed form of the lower tangency value (theorem single_unit_bistability)
    above = unit_orbit(5, b2 + sp.Rational(1, 100), 2, 100)
    below = unit_orbit(5, b2 - sp.Rational(1, 100), 2, 100)
    crossing = unit_orbit(5, b2 - sp.Rational(1, 1000), 2, 200)
    ok = above.x > 1 and below.x < -2 and abs(above.db) < 11 and crossing.db > 10**4
    by_b = Partial(_x[_T], _b)
    step = sp.Rational(1, 100)
    return Outcome(
        ok,
        Claim(
            _x[100],
            "from",
            _eq(_x[0], 2),
            "on both sides of",
            _b2,
            "and",
            Partial(_x[100], _b),
            ", in certified balls",
        ),
        instances=[
            Claim(
                _eq(_w, 5),
                ",",
                _eq(_x[0], 2),
                ",",
                _eq(_b, Plus(_b2, step)),
                "and",
                Plus(_b2, -step),
                "(",
                _eq(_T, 100),
                "),",
                Plus(_b2, -sp.Rational(1, 1000)),
                "(",
                _eq(_T, 200),
                ")",
            )
        ],
        left=Claim(
            _x[100],
            ":",
            _ball(above.x, 6),
            "above,",
            _ball(below.x, 6),
            "below;",
            by_b,
            ":",
            _ball(above.db, 6),
            "above,",
            _ball(crossing.db, 6),
            "while crossing",
        ),
        right=Claim(
            _x[100],
            "above",
            Chain(">", 1),
            ", below",
            Chain("<", -2),
            ";",
            by_b,
            "above",
            Chain("<", 11),
            ", crossing",
            Chain(">", sp.Pow(10, 4, evaluate=False)),
        ),
    )


#: (w, |∂E/∂w| bound, |∂²E/∂w²| bound): small in the smooth region, large at the wall.
SMOOTH = (sp.Integer(5), sp.Rational(1, 10), sp.Rational(1, 5))
WALL = (sp.Rational(48193, 10000), 800, 5 * 10**5)


def _wall(settings):
    _, g_s, c_s = wall_loss(SMOOTH[0])
    _, g_w, c_w = wall_loss(WALL[0])
    ok = (
        abs(g_s) < enclose(SMOOTH[1])
        and abs(c_s) < enclose(SMOOTH[2])
        and abs(g_w) > WALL[1]
        and abs(c_w) > WALL[2]
    )
    wall = _eq(_w, Decimal("4.8193"))
    slope, curvature = sp.Abs(Prime("E", _w)), sp.Abs(Prime("E", _w, 2))
    return Outcome(
        ok,
        Claim(
            Partial(_E, _w),
            "and",
            Partial(_E, _w, order=2),
            "by forward-mode derivatives of the orbit, in certified balls",
        ),
        instances=[Claim(_FIG6, ";", _eq(_w, 5), "and", wall)],
        left=Claim(
            _eq(_w, 5),
            ":",
            _listed(_ball(g_s, 6), _ball(c_s, 6)),
            ";",
            wall,
            ":",
            _listed(_ball(g_w, 6), _ball(c_w, 6)),
        ),
        right=Claim(
            _eq(_w, 5),
            ":",
            Chain(slope, "<", Decimal("0.1")),
            ",",
            Chain(curvature, "<", Decimal("0.2")),
            "; wall:",
            Chain(slope, ">", 800),
            ",",
            Chain(curvature, ">", Decimal("5e5")),
        ),
    )


START, RATE, THRESHOLD = sp.Rational(4819, 1000), sp.Rational(1, 50), 1


def _clipped_step(settings):
    e0, g0, _ = wall_loss(START)
    full = -enclose(RATE) * g0
    clipped = RATE * THRESHOLD * (1 if g0 < 0 else -1)  # |g| > threshold: rescale to it
    e_clip, _, _ = wall_loss(START + clipped)
    e_full_ball, _, _ = wall_loss(enclose(START) + full)  # on the whole ball of landing points
    ok = (
        abs(g0) > THRESHOLD
        and full > enclose(sp.Rational(34, 10))
        and clipped == RATE
        and e_clip * 10 < e_full_ball
        and e_clip < e0
    )
    start = _eq(_w0, Decimal("4.819"))
    loss_at_start = sp.Function("E")(_w0)
    return Outcome(
        ok,
        Claim(
            "full step",
            Chain(_w, "<-", Plus(_w, -_eta * Partial(_E, _w))),
            "and the step clipped to norm 1 from",
            start,
            "(",
            _eq(_eta, RATE),
            "); the losses where they land, in certified balls",
        ),
        instances=[Claim(_FIG6, ",", start, ",", _eq(_eta, RATE), ", threshold", THRESHOLD)],
        left=Claim(
            Chain(Prime("E", _w0), "in", _ball(g0, 6)),
            "; full change in",
            _w,
            Chain("in", _ball(full, 6)),
            ",",
            _E,
            "after",
            Chain("in", _ball(e_full_ball, 4)),
            "; clipped change in",
            _w,
            Chain("=", clipped),
            ",",
            _E,
            "after",
            Chain("in", _ball(e_clip, 4)),
            ";",
            Chain(loss_at_start, "in", _ball(e0, 4)),
        ),
        right=Claim(
            "full change in",
            _w,
            Chain(">", Decimal("3.4")),
            "; clipped change in",
            _w,
            Chain("=", RATE),
            "; the loss after the clipped step below a tenth of the loss after the full step, "
            "and below",
            loss_at_start,
        ),
        details=[
            Claim(
                Chain(loss_at_start, "in", _ball(e0, 6)),
                ",",
                Chain(Prime("E", _w0), "in", _ball(g0, 8)),
            ),
            Claim(
                "full step: change in",
                _w,
                Chain("in", _ball(full, 8)),
                ", lands at",
                Chain(_w, "~", Ball.parse(str((full + enclose(START)).mid()))),
                ",",
                Chain(_E, "in", _ball(e_full_ball, 6)),
            ),
            Claim(
                "clipped step: change in",
                _w,
                Chain("=", clipped),
                ",",
                Chain(_E, "in", _ball(e_clip, 6)),
            ),
        ],
    )


# the notation of the statement and the steps: the orbit x_t, the loss E, an attractor x*
# (x alone: a point of the line)
_x = sp.IndexedBase("x")
_t, _T, _w, _b, _E, _eta = sp.symbols("t T w b E eta")
_b2, _w0, _XS = sp.symbols("b_2 w_0 x^*")
_y = sp.Symbol("x")
_SIGMA = sp.Function("sigma")
_GAIN_0 = Times(5, Prime("sigma", 0))
#: Pascanu et al.'s Fig. 6 setting: b = −5/2, x₀ = 1/2, T = 50, target 0.7
_FIG6 = Claim(
    _eq(_b, B_MID),
    ",",
    _eq(_x[0], sp.Rational(1, 2)),
    ",",
    _eq(_T, 50),
    ", target",
    Decimal("0.7"),
)
_GAIN_X = Times(5, Prime("sigma", _XS))
_FIVE_FOURTHS = sp.Rational(5, 4)

THEOREM = Theorem(
    id="single_unit_dynamics",
    title="The single unit's dynamics: basins, a bifurcation and the wall",
    statement=Claim(
        "For",
        Chain(_x[_t], "=", Plus(Times(5, _SIGMA(_x[_t - 1])), _b)),
        "with the logistic",
        sp.Symbol("sigma"),
        ": at",
        Chain(_b, "=", B_MID),
        "the gain is",
        _FIVE_FOURTHS,
        "at the basin boundary",
        Chain(_y, "=", 0),
        "and",
        Chain("~", sp.Float("0.619")),
        "at the attractors;",
        Partial(_x[_T], _x[0]),
        "vanishes inside a basin and is",
        _FIVE_FOURTHS**_T,
        "at the boundary. Crossing",
        _b2,
        "makes",
        _x[_T],
        "jump and",
        Partial(_x[_T], _b),
        "exceed",
        sp.Pow(10, 4, evaluate=False),
        ". At the wall of",
        Chain(_E, "=", Plus(_SIGMA(_x[50]), -Decimal("0.7")) ** 2),
        "both",
        Partial(_E, _w),
        "and",
        Partial(_E, _w, order=2),
        "explode; there a full gradient step moves",
        _w,
        "by more than",
        sp.Float("3.4"),
        ", while the clipped step moves it by",
        sp.Rational(1, 50),
        "and lands lower.",
    ),
    formula=Claim(
        Chain(
            Partial(_x[_T], _x[0]),
            "=",
            OrderedProduct(Times(_w, Prime("sigma", _x[_t - 1])), _t, 1, _T),
        ),
        ", with",
        Chain(_GAIN_0, "=", _FIVE_FOURTHS),
        "and",
        Chain(_GAIN_X, "~", sp.Float("0.619")),
    ),
    proof=Claim(
        "Fixed points and orbits with guaranteed error bounds; the boundary orbit exactly.",
        Partial(_x[_T], _x[0]),
        "is the product of the gains along the orbit, which are",
        Chain(">", 1),
        "near the unstable point and",
        Chain("<", 1),
        "near the attractors.",
    ),
    references=[
        "Pascanu et al. (2013), §2.2–2.3, Fig. 3 and Fig. 6",
        "Doya (1993)",
        "Bengio, Simard & Frasconi (1994)",
    ],
    tags=["dynamics", "bifurcation", "clipping", "exploding", "vanishing"],
    steps=[
        Step(
            Claim(
                "the orbit's forward-mode derivatives are",
                Partial(_E, _w),
                "and",
                Partial(_E, _w, order=2),
            ),
            Claim(
                "against sympy.diff of the loss unrolled for",
                _listed(_eq(_T, 1), 2, 3),
                "at",
                _eq(_w, 5),
                "and",
                sp.Rational(9, 2),
            ),
            Evidence.CHECKED,
            _forward_mode,
            student="",
        ),
        Step(
            Claim(
                "gain",
                Chain(_GAIN_0, "=", _FIVE_FOURTHS),
                "at the basin boundary",
                Chain(_y, "=", 0),
                ", and",
                Chain(_GAIN_X, "~", sp.Float("0.619")),
                "at each attractor",
                Chain(_y, "=", _XS),
                ", for",
                Chain(_b, "=", -sp.Rational(5, 2)),
            ),
            Claim(_eq(_y, 0), "is fixed exactly; the attractors are isolated in certified balls"),
            Evidence.CHECKED,
            _gains,
            student=Claim(
                _eq(_y, 0),
                "is a fixed point at",
                _eq(_b, B_MID),
                ", and",
                _eq(Prime("sigma", 0), sp.Rational(1, 4)),
                "; the attractors located to high accuracy",
            ),
        ),
        Step(
            Claim(
                Chain(Partial(_x[_T], _x[0]), "=", _FIVE_FOURTHS**_T),
                "at the boundary",
                Chain(_x[0], "=", 0),
                ";",
                Chain(Partial(_x[30], _x[0]), ">", 800),
                "near it and",
                Chain(Partial(_x[50], _x[0]), "<", sp.Float(1e-9)),
                "inside a basin",
            ),
            "the product of the gains along the orbit",
            Evidence.CHECKED,
            _basins,
        ),
        Step(
            Claim(
                "crossing",
                _b2,
                ":",
                _x[100],
                "jumps from",
                Chain(">", 1),
                "to",
                Chain("<", -2),
                ", and",
                Partial(_x[_T], _b),
                "from",
                Chain("<", 11),
                "to",
                Chain(">", sp.Pow(10, 4, evaluate=False)),
            ),
            Claim(
                "below",
                _b2,
                "the upper attractor is gone; the orbit crawls through its ghost, then falls",
            ),
            Evidence.CHECKED,
            _bifurcation,
        ),
        Step(
            Claim(
                "at the wall",
                Chain(_w, "=", sp.Float("4.8193")),
                ":",
                Chain(sp.Abs(Partial(_E, _w)), ">", 800),
                "and",
                Chain(sp.Abs(Partial(_E, _w, order=2)), ">", Decimal("5e5")),
                "; at",
                Chain(_w, "=", 5),
                "both are below 0.2",
            ),
            "the curvature explodes together with the gradient (Pascanu et al., Fig. 6)",
            Evidence.CHECKED,
            _wall,
        ),
        Step(
            Claim(
                "from",
                Chain(_w0, "=", sp.Float("4.819")),
                ", with",
                Chain(_eta, "=", sp.Rational(1, 50)),
                ": the full step moves",
                _w,
                "by more than",
                sp.Float("3.4"),
                ", the clipped step by",
                sp.Rational(1, 50),
                ", landing at a loss below a tenth of the full step's",
            ),
            "clipping rescales the step to the threshold and keeps its direction",
            Evidence.CHECKED,
            _clipped_step,
        ),
    ],
)
