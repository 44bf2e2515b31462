"""λ₁γ < 1 makes the state map a contraction: the echo-state property, and vanishing gradients.

Statement. Let F(h) = σ(Wh + Ux + b) with γ = sup|σ′| and λ₁ = ‖W‖₂. Then
‖F(h) − F(h′)‖ ≤ λ₁γ‖h − h′‖ for every input x, so if η = λ₁γ < 1 two runs from different
initial states under the same inputs approach each other like η^t: the network forgets its
initial state, which is the echo-state property (ESP). This is the same condition that makes
gradients vanish (one_step_bound, eta_decay): ∂h⁽ᵗ⁾/∂h⁽⁰⁾ is the derivative of that forgetting,
and ‖∂h⁽ᵗ⁾/∂h⁽⁰⁾‖₂ ≤ η^t. Conversely, at zero input and zero bias the ESP needs ρ(W) < 1 in
the linear network (an eigenvector with |λ| ≥ 1 is never forgotten). For σ(0) = 0, σ′(0) = 1
(σ continuously differentiable) the origin is a fixed point whose linearisation is W, so
ρ(W) > 1 makes it unstable; for one unit, |w| > 1, this breaks the ESP: the run from 0 stays
at 0 and a run from some h₀ ≠ 0 never approaches it. (In higher dimension an unstable fixed
point can still attract some orbits; for tanh see Jaeger 2001, Proposition 3(b), under his
definition.) The zero bias is needed: a bias can move the
states to where σ′ is small, and softsign with w = 3 (ρ = 3) and b = 10 forgets its initial
state, since every state lies in (−1, 1), where the map's gain is at most 3σ′(7) = 3/64.

Proof. |σ(a) − σ(a′)| ≤ γ|a − a′| by the mean value theorem, entry by entry, and
‖W(h − h′)‖ ≤ λ₁‖h − h′‖; iterate. The converse: two exact runs that stay apart for ever.
One unit, w > 1: g(h) = σ(wh) − h has g(0) = 0 and g′(0) = w − 1 > 0. Either g vanishes at
some h* > 0 (intermediate value theorem, if g < 0 somewhere on (0, ∞)), and the runs from 0
and h* are both constant, or g > 0 on (0, ∞) and the run from any h₀ > 0 increases, so it
stays at least h₀ from 0. For w < −1 the same argument on F∘F, whose slope at 0 is w² > 1,
gives a point h* ≠ 0 with F(F(h*)) = h* or an even-time subsequence that moves away from 0.
"""

from fractions import Fraction
from functools import cache

import sympy as sp

from symgrad import Evidence, Outcome, Step, Theorem, derive_gamma
from symgrad.kernel import (
    AtTime,
    Cdots,
    Chain,
    Claim,
    Decimal,
    Diag,
    HypothesisError,
    Norm,
    Op,
    Over,
    Partial,
    Plus,
    Prime,
    Size,
    Times,
    Transposed,
)
from symgrad.maths.echo_state import difference_quotient_jacobian, run, state_jacobian_product
from symgrad.maths.rational import norm_squared, spectral_norm_at_most

ETA = sp.Rational(9, 10)


@cache
def _network():
    """W = R₁ diag(9/10, 1/2, 1/5) R₂ᵀ with rational rotations R₁, R₂: λ₁ = 9/10 exactly, W not
    normal; softsign (γ = 1)."""
    r = sp.Rational
    R1 = sp.Matrix([[r(3, 5), r(-4, 5), 0], [r(4, 5), r(3, 5), 0], [0, 0, 1]])
    R2 = sp.Matrix([[1, 0, 0], [0, r(5, 13), r(-12, 13)], [0, r(12, 13), r(5, 13)]])
    W = R1 * sp.diag(ETA, r(1, 2), r(1, 5)) * R2.T
    return W, R2[:, 0]


def _pairs():
    _, top = _network()
    small = Fraction(1, 100)
    pairs = [([0, 0, 0], [small * Fraction(v) for v in top], [0, 0, 0])]
    for s in range(8):
        h = [Fraction((5 * s + 3 * i) % 11 - 5, 3) for i in range(3)]
        g = [Fraction((7 * s + 2 * i) % 9 - 4, 2) for i in range(3)]
        x = [Fraction((s + i) % 5 - 2, 4) for i in range(3)]
        pairs.append((h, g, x))
    return pairs


def _gap(a, b):
    """‖a − b‖² for two exact states given as lists."""
    return norm_squared([p - q for p, q in zip(a, b, strict=True)])


def _eta():
    W, _ = _network()
    gamma = derive_gamma("softsign").exact
    return W, gamma, ETA * gamma


def _contraction(settings, factor=1):
    W, _, eta = _eta()
    bad = [] if spectral_norm_at_most(W, ETA) else [Claim(Chain(Norm(_nW, 2), "<=", ETA), "fails")]
    worst = 0
    for h, g, x in _pairs():
        a, b = run(W, h, [x]).states[1], run(W, g, [x]).states[1]
        ratio = _gap(a, b) / _gap(h, g)
        worst = max(worst, ratio)
        if not ratio <= (factor * eta) ** 2:
            bad.append(
                Claim(
                    Chain(_nh, "=", sp.Tuple(*h)),
                    ",",
                    Chain(_nh2, "=", sp.Tuple(*g)),
                    ",",
                    Chain(sp.Symbol("x"), "=", sp.Tuple(*x)),
                    ":",
                    Chain(Over(_F_GAP**2, _H_GAP**2), "=", ratio),
                )
            )
    return Outcome(
        not bad,
        Claim(
            Chain(_F_GAP**2, "<=", Times(Times(_nlam, _ngam) ** 2, _H_GAP**2)),
            "with",
            Chain(Times(_nlam, _ngam), "=", eta),
            f", softsign, on {len(_pairs())} pairs (one along the top singular direction), exact "
            "fractions",
        ),
        instances=[Claim(Chain(_nW, "=", _W_SVD), ",", Chain(sp.Symbol("n"), "=", 3))],
        left=bad[0] if bad else None,
        right=Claim(sp.Eq(sp.Symbol("eta") ** 2, eta**2, evaluate=False)) if bad else None,
        details=[
            Claim(
                "largest ratio",
                Over(_F_GAP, _H_GAP),
                "found:",
                Decimal(f"{float(sp.sqrt(worst)):.4g}"),
            )
        ],
    )


#: the quantities the failure reports name: η, t, w and the starting distance ‖h⁽⁰⁾ − h′⁽⁰⁾‖
_ETA, _T_SYM, _W_SYM = sp.symbols("eta t w")
_START = Norm(Plus(AtTime("h", 0), -AtTime("h'", 0)))


@cache
def _two_runs(scale=1):
    """Pairs of runs (same inputs, different starts) of the softsign network and of a linear
    network W = (9/10)·R₁ (orthogonal R₁), where the distance shrinks by exactly 9/10 a step."""
    W, _ = _network()
    r = sp.Rational
    R1 = sp.Matrix([[r(3, 5), r(-4, 5), 0], [r(4, 5), r(3, 5), 0], [0, 0, 1]])
    T = 5
    xs = [[Fraction((t + i) % 3 - 1, 2) for i in range(3)] for t in range(T)]
    out = []
    for label, matrix, activation in (
        (Claim("softsign,", Chain(_nW, "=", _W_SVD)), scale * W, "softsign"),
        (Claim("linear,", Chain(_nW, "=", Times(ETA, _R1))), scale * ETA * R1, "identity"),
    ):
        first = run(matrix, [2, -1, 1], xs, activation)
        second = run(matrix, [-3, 2, 0], xs, activation)
        out.append((label, matrix, first, second))
    return T, out


def _forgetting(settings, factor=1, scale=1):
    _, _, eta = _eta()
    T, cases = _two_runs(scale)
    bad, lines = [], []
    for label, _, first, second in cases:
        start = _gap(first.states[0], second.states[0])
        for t in range(T + 1):
            distance = _gap(first.states[t], second.states[t])
            if not distance <= (factor * eta) ** (2 * t) * start:
                bad.append(
                    Claim(label, ",", Chain(_nt, "=", t), ":", Chain(_apart(t) ** 2, "=", distance))
                )
        ratio = (float(distance) / float(start)) ** 0.5
        lines.append(
            Claim(
                label,
                ":",
                Chain(Over(_apart(T), _apart(0)), "=", Decimal(f"{ratio:.4g}")),
                ",",
                Chain(_neta**T, "=", Decimal(f"{float(eta**T):.4g}")),
            )
        )
    return Outcome(
        not bad,
        Claim(
            "two runs from",
            Chain(AtTime(_nh, 0), "=", sp.Tuple(2, -1, 1)),
            "and",
            Chain(AtTime(_nh2, 0), "=", sp.Tuple(-3, 2, 0)),
            ", same inputs:",
            Chain(_apart(_nt) ** 2, "<=", Times(_neta ** (2 * _nt), _apart(0) ** 2)),
            "for",
            Chain(_nt, "<=", T),
            ", exact",
        ),
        instances=[label for label, *_ in cases],
        left=bad[0] if bad else None,
        right=Claim(Chain("<=", Times(_ETA ** (2 * _T_SYM), _START**2)), "for every t")
        if bad
        else None,
        details=lines,
    )


def _witness():
    """A non-normal leaky-ReLU network whose masks change from step to step (T = 6)."""
    F = Fraction
    W = [[F(1, 2), 1, 0], [0, F(-3, 4), F(1, 2)], [F(1, 3), F(-1, 2), F(1, 4)]]
    h0 = [1, -1, F(1, 2)]
    xs = [[F((3 * t + 2 * i) % 7 - 3, 2) for i in range(3)] for t in range(6)]
    return W, h0, xs


def _gradient_link(settings, factor=1, scale=1):
    _, _, eta = _eta()
    T, cases = _two_runs(scale)
    bad = []
    for label, W, first, _ in cases:
        if not spectral_norm_at_most(state_jacobian_product(W, first), (factor * eta) ** T):
            bad.append(
                Claim(
                    label, f": the product of the {T} Jacobians has spectral norm above", _neta**T
                )
            )
    W, h0, xs = _witness()
    base = run(W, h0, xs, "leaky_relu")
    product = state_jacobian_product(W, base)
    quotient = difference_quotient_jacobian(W, h0, xs, "leaky_relu")
    if product != quotient:
        bad.append(
            Claim(
                Chain(_jacobians(6), "=", product, "!=", quotient),
                "(the difference quotient)",
            )
        )
    # the quotient route is the derivative only off the kinks; it must refuse on one
    # (a = −1·1 + 1/2 + b = 0 with b = 1/2, a ReLU kink; moving h⁽⁰⁾ up keeps σ′ = 0, so only
    # the kink test can see it), or an equality above could be one-sided
    try:
        difference_quotient_jacobian([[-1]], [1], [[Fraction(1, 2)]], "relu", b=[Fraction(1, 2)])
        bad.append("the difference quotient did not refuse a pre-activation on a kink")
    except HypothesisError:
        pass
    masks = len({tuple(m) for m in base.slopes})
    T_sym, a = sp.symbols("T a")
    return Outcome(
        not bad,
        Claim(
            Chain(
                Norm(Partial(AtTime("h", T), AtTime("h", 0)), 2),
                "=",
                Norm(_jacobians(T), 2),
                "<=",
                _neta**T,
            ),
            "along the first run of each pair, decided exactly: the contraction factor of the "
            "states is the decay factor of the gradient; and",
            Chain(_jacobians(6), "=", Partial(AtTime("h", 6), AtTime("h", 0))),
            ": on a non-normal leaky-ReLU network (",
            Chain(T_sym, "=", 6),
            f", {masks} different masks",
            Diag(Prime("sigma", AtTime("a", _nt))),
            ") it equals the exact difference quotients of",
            AtTime("h", T_sym),
            ", computed from runs alone (a route that refuses where a pre-activation sits on a "
            "kink, as it does on a ReLU instance with",
            Chain(a, "=", 0),
            ")",
        ),
        instances=[label for label, *_ in cases]
        + [Claim("leaky ReLU, non-normal", Size(3, 3), _nW, ",", Chain(T_sym, "=", 6))],
        left=bad[0] if bad else None,
        right=Claim(sp.Eq(sp.Symbol("eta") ** T, eta**T, evaluate=False), "and the runs' Jacobian")
        if bad
        else None,
    )


def _zero_input(settings, scale=1, bias=0):
    bad, lines = [], []
    W = scale * sp.Matrix(
        [[sp.Rational(1, 2), sp.Rational(1, 2)], [sp.Rational(1, 2), sp.Rational(1, 2)]]
    )
    rho = max(abs(v) for v in W.eigenvals())
    a, b = run(W, [0, 0], [[0, 0]] * 20, "identity"), run(W, [1, 1], [[0, 0]] * 20, "identity")
    gaps = {_gap(a.states[t], b.states[t]) for t in range(21)}
    if gaps != {2}:
        bad.append(Claim("linear:", _apart(_nt) ** 2, "takes the values", sp.FiniteSet(*gaps)))
    lines.append(
        Claim(
            "linear,",
            Chain(_RHO, "=", rho),
            ":",
            _values(_apart(_nt) ** 2, gaps),
            "for",
            Chain(_nt, "<=", 20),
        )
    )
    w = scale * 3
    fixed = Fraction(2, 3)
    up = run([[w]], [fixed], [[0]] * 20, b=[bias])
    down = run([[w]], [-fixed], [[0]] * 20, b=[bias])
    gaps = {_gap(up.states[t], down.states[t]) for t in range(21)}
    if gaps != {Fraction(16, 9)}:
        bad.append(Claim("softsign:", _apart(_nt) ** 2, "takes the values", sp.FiniteSet(*gaps)))
    third = sp.Rational(2, 3)
    lines.append(
        Claim(
            "softsign,",
            Chain(_nw, "=", w),
            ":",
            Chain(_nh, "=", third),
            "and",
            Chain(_nh, "=", -third),
            "are fixed points (",
            Chain(sp.Function("sigma")(Times(3, third)), "=", Over(2, Plus(1, 2))),
            "); squared distance",
            _values(None, gaps),
            "for",
            Chain(_nt, "<=", 20),
        )
    )
    rho_sym, ones = sp.Symbol("rho"), sp.ImmutableMatrix([1, 1])
    return Outcome(
        not bad,
        Claim(
            "zero input,",
            Chain(_nb, "=", 0),
            ": linear",
            _nW,
            "with",
            Chain(_RHO, "=", 1),
            "(",
            Chain(Times(_nW, ones), "=", ones),
            ") and the softsign unit",
            Chain(_nw, "=", 3),
            "(",
            Chain(rho_sym, "=", 3),
            ", fixed points",
            third,
            "and",
            -third,
            ") each keep two runs apart for ever (",
            Chain(_nt, "<=", 20),
            "exactly): no echo-state property",
        ),
        instances=[
            Claim("linear", Size(2, 2), ",", Chain(rho_sym, "=", 1)),
            Claim("softsign", Size(1, 1), ",", Chain(_nw, "=", 3), ",", Chain(_nb, "=", bias)),
        ],
        left=bad[0] if bad else None,
        right="constant distance" if bad else None,
        details=lines,
    )


def _slope_at_zero(expr, sigma):
    """expr at h = 0 with σ(0) = 0 and σ′(0) = 1 substituted."""
    expr = expr.subs(sigma(0), 0).doit()
    one = lambda t: isinstance(t, sp.Subs) and tuple(t.point) == (0,)  # noqa: E731 - σ′(0)
    return sp.expand(expr.replace(one, lambda t: sp.Integer(1)))


def _one_unit(settings, weights=(3, -3)):
    """n = 1, zero input, b = 0, |w| > 1: the origin repels under F (w > 1) or F∘F (w < −1)."""
    sigma = sp.Function("sigma")
    h, w = sp.symbols("h w", real=True)
    F = lambda v: sigma(w * v)  # noqa: E731
    slope = _slope_at_zero(sp.diff(F(h) - h, h).subs(h, 0), sigma)
    slope2 = _slope_at_zero(sp.diff(F(F(h)) - h, h).subs(h, 0), sigma)
    bad, lines = [], []
    if slope != w - 1 or slope2 != w**2 - 1:
        bad.append(Claim("slopes at 0:", slope, "and", slope2))
    for weight in weights:
        if not (weight > 1 or weight < -1):
            bad.append(
                Claim(
                    Chain(_nw, "=", weight),
                    ":",
                    Chain(sp.Abs(_nw), ">", 1),
                    "fails, the origin does not repel",
                )
            )
        # softsign: |w|p/(1 + |w|p) = p at p = 1 − 1/|w|, a fixed point (w > 0) or a 2-cycle
        p = 1 - Fraction(1, abs(Fraction(weight)))
        origin = run([[weight]], [0], [[0]] * 20)
        other = run([[weight]], [p], [[0]] * 20)
        gaps = {abs(o[0] - z[0]) for o, z in zip(other.states, origin.states, strict=True)}
        if gaps != {abs(p)}:
            bad.append(
                Claim(
                    "softsign,",
                    Chain(_nw, "=", weight),
                    ": distances",
                    sp.FiniteSet(*sorted(gaps)[:3]),
                    ", not always",
                    p,
                )
            )
        kind = Claim("is a fixed point") if weight > 0 else Claim("and", -_p, "form a 2-cycle")
        lines.append(
            Claim(
                "softsign,",
                Chain(_nw, "=", weight),
                ":",
                Chain(_p, "=", p),
                kind,
                "; the distance to the run from 0 is",
                p,
                "for",
                Chain(_nt, "<=", 20),
            )
        )
    sig, hh = sp.Function("sigma"), sp.Symbol("h")
    return Outcome(
        not bad,
        Claim(
            "for symbolic",
            _nw,
            "and",
            _SIGMA,
            "with",
            Chain(sig(0), "=", 0),
            ",",
            Chain(Prime("sigma", 0), "=", 1),
            ": the slopes of",
            Plus(sig(Times(_nw, hh)), -hh),
            "and",
            Plus(sig(Times(_nw, sig(Times(_nw, hh)))), -hh),
            "at",
            Chain(hh, "=", 0),
            "are",
            Plus(_nw, -1),
            "and",
            Plus(_nw**2, -1),
            ", positive for",
            Chain(_nw, ">", 1),
            "and for",
            Chain(sp.Abs(_nw), ">", 1),
            "respectively (the intermediate value argument of the proof starts there); exact "
            "softsign runs from 0 and from",
            Chain(_p, "=", Plus(1, -Over(1, sp.Abs(_nw)))),
            "stay",
            sp.Abs(_p),
            "apart for",
            Chain(_nt, "<=", 20),
            "(",
            Chain(_nw, "in", sp.FiniteSet(*weights)),
            ")",
        ),
        instances=[
            Claim("symbolic", _nw, ",", _SIGMA),
            *(Claim("softsign,", Chain(_nw, "=", v)) for v in weights),
        ],
        left=bad[0] if bad else None,
        right=Claim("slopes", _W_SYM - 1, "and", _W_SYM**2 - 1, "; constant distances")
        if bad
        else None,
        details=lines,
    )


BIASED = 10  # the bias of the counterexample: σ′ ≤ σ′(7) = 1/64 wherever the states can be
STEPS = 30


@cache
def _biased_runs(bias=BIASED):
    w = 3
    fixed = Fraction(2, 3)
    up = run([[w]], [fixed], [[0]] * STEPS, b=[bias])
    down = run([[w]], [-fixed], [[0]] * STEPS, b=[bias])
    return [abs(u[0] - d[0]) for u, d in zip(up.states, down.states, strict=True)], up, down


def _bias_matters(settings, bias=BIASED, gain=Fraction(3, 64)):
    """softsign, w = 3 (ρ = 3 > 1), b = 10, zero input: the two runs from ±2/3 converge.

    Two sides built apart: the exact distances of the runs, and the bound from the gain,
    3·σ′(a) ≤ 3·σ′(7) = 3/64 for a = 3h + 10, |h| < 1 (softsign′(a) = 1/(1 + |a|)² decreases
    for a > 0), so |h⁽ᵗ⁺¹⁾ − h′⁽ᵗ⁺¹⁾| ≤ (3/64)|h⁽ᵗ⁾ − h′⁽ᵗ⁾| once both states are in (−1, 1).
    """
    distances, up, down = _biased_runs(bias)
    smallest_a = 3 * -1 + bias  # a = 3h + b over h ∈ [−1, 1]
    slope = Fraction(1, (1 + abs(smallest_a)) ** 2) if smallest_a > 0 else Fraction(1)
    bad = []
    if not 3 * slope <= gain:
        bad.append(
            Claim(
                Chain(Times(3, Prime("sigma", smallest_a)), "=", 3 * slope),
                "exceeds the gain",
                gain,
            )
        )
    inside = all(-1 < s[0] < 1 for run_ in (up, down) for s in run_.states)
    if not inside:
        bad.append(Claim("a state leaves", _OPEN))
    for t in range(1, STEPS + 1):
        if not distances[t] <= gain * distances[t - 1]:
            bad.append(
                Claim(
                    Chain(_nt, "=", t),
                    ":",
                    Chain(
                        sp.Abs(_apart_plain(t)),
                        "=",
                        Decimal(f"{float(distances[t]):.3g}"),
                        ">",
                        Times(gain, Decimal(f"{float(distances[t - 1]):.3g}")),
                    ),
                )
            )
            break
    times = (0, 1, 2, 10, STEPS)
    shown = [Decimal(f"{float(distances[t]):.2g}") for t in times]
    third, rho_sym = sp.Rational(2, 3), sp.Symbol("rho")
    return Outcome(
        not bad,
        Claim(
            "softsign,",
            Chain(_nw, "=", 3),
            "(",
            Chain(rho_sym, "=", 3),
            "),",
            Chain(_nb, "=", bias),
            ", zero input, runs from",
            third,
            "and",
            -third,
            ": every state in",
            _OPEN,
            "and",
            Chain(
                sp.Abs(_apart_plain(_nt)),
                "<=",
                Times(sp.Rational(3, 64), sp.Abs(_apart_plain(_nt - 1))),
            ),
            "for",
            Chain(_nt, "<=", STEPS),
            ", exact fractions: the runs converge although",
            Chain(_RHO, ">", 1),
        ),
        instances=[
            Claim(
                Chain(_nw, "=", 3),
                ",",
                Chain(_nb, "=", bias),
                ",",
                Chain(sp.Symbol("T"), "=", STEPS),
            )
        ],
        left=bad[0] if bad else None,
        right=Claim("gain", Chain("<=", gain)) if bad else None,
        details=[
            Claim(sp.Abs(_apart_plain(_nt)), "at", _listed(_nt, times), ":", _listed(None, shown))
        ],
    )


# the notation of the statement and the steps: h′ is a second run
_nt, _nb, _nw = sp.symbols("t b w")
_nlam, _ngam, _neta = sp.symbols("lambda_1 gamma eta", positive=True)
_nW = sp.Symbol("W")
_nh, _nh2 = sp.symbols("h h'", commutative=False)
_na, _na2 = sp.symbols("a a'")
_nF = sp.Function("F")
_LIPSCHITZ = Chain(
    Norm(Plus(_nF(_nh), -_nF(_nh2))), "<=", Times(_nlam, _ngam, Norm(Plus(_nh, -_nh2)))
)
_F_GAP, _H_GAP = Norm(Plus(_nF(_nh), -_nF(_nh2))), Norm(Plus(_nh, -_nh2))
_R1, _R2 = sp.symbols("R_1 R_2", commutative=False)
#: W = R₁ diag(9/10, 1/2, 1/5) R₂ᵀ, the softsign network's matrix
_W_SVD = _R1 * Op("diag", ETA, sp.Rational(1, 2), sp.Rational(1, 5)) * Transposed(_R2)
_RHO = sp.Function("rho")(_nW)
_SIGMA = sp.Symbol("sigma")
_p = sp.Symbol("p")
_OPEN = sp.Interval.open(-1, 1)
#: F(h) = σ(Wh + Ux + b), the state map of Model A
_STATE_MAP = Chain(
    _nF(_nh),
    "=",
    sp.Function("sigma")(
        Plus(_nW * _nh, sp.Symbol("U", commutative=False) * sp.Symbol("x", commutative=False), _nb)
    ),
)


def _apart_plain(t):
    """h⁽ᵗ⁾ − h′⁽ᵗ⁾, the difference of the two runs at time t."""
    return Plus(AtTime(_nh, t), -AtTime(_nh2, t))


def _apart(t):
    """‖h⁽ᵗ⁾ − h′⁽ᵗ⁾‖, the distance of the two runs at time t."""
    return Norm(_apart_plain(t))


def _jacobians(T):
    """J_T⋯J₁, the product of the state Jacobians of steps 1..T."""
    return Times(
        sp.Symbol(f"J_{T}", commutative=False), Cdots(), sp.Symbol("J_1", commutative=False)
    )


def _listed(head, values):
    """head = v₁, v₂, …, as written (the values alone when head is None)."""
    parts = [Chain(head, "=", values[0]) if head is not None else values[0]]
    for v in values[1:]:
        parts += [",", v]
    return Claim(*parts)


def _values(head, values):
    """head = v for one value, head ∈ {…} for several (the values alone when head is None)."""
    values = sorted(values)
    if head is None:
        return _listed(None, values)
    if len(values) == 1:
        return Chain(head, "=", values[0])
    return Chain(head, "in", sp.FiniteSet(*values))


def _distance(t, factor):
    """‖h⁽ᵗ⁾ − h′⁽ᵗ⁾‖ ≤ factor ‖h⁽⁰⁾ − h′⁽⁰⁾‖"""
    apart = Norm(Plus(AtTime(_nh, t), -AtTime(_nh2, t)))
    return Chain(apart, "<=", Times(factor, Norm(Plus(AtTime(_nh, 0), -AtTime(_nh2, 0)))))


THEOREM = Theorem(
    id="echo_state_contraction",
    title="Contraction, the echo-state property, and vanishing gradients",
    statement=Claim(
        "If",
        Chain(Times(_nlam, _ngam), "<", 1),
        ", the state map",
        _STATE_MAP,
        "is a contraction for every input, so the network forgets its initial state (the "
        "echo-state property, ESP) at rate",
        _neta**_nt,
        ", with",
        Chain(_neta, "=", Times(_nlam, _ngam)),
        ": the same condition, and the same rate, as the sufficient condition for vanishing "
        "gradients. At zero input and",
        Chain(_nb, "=", 0),
        ",",
        Chain(_RHO, "<", 1),
        "is necessary for the ESP of the linear network. If",
        Chain(sp.Function("sigma")(0), "=", 0),
        "and",
        Chain(Prime("sigma", 0), "=", 1),
        "(",
        _SIGMA,
        "continuously differentiable),",
        Chain(_RHO, ">", 1),
        "makes the origin an unstable fixed point, and for one unit (",
        sp.Abs(_nw) > 1,
        ") it breaks the ESP. With",
        Chain(_nb, "!=", 0),
        "it need not: one softsign unit with",
        Chain(_nw, "=", 3),
        "and",
        Chain(_nb, "=", 10),
        "forgets its initial state.",
    ),
    formula=Claim(_LIPSCHITZ, ",", _distance(_nt, Times(_nlam, _ngam) ** _nt)),
    convention=Claim(
        "Model A,",
        _STATE_MAP,
        ";",
        Chain(_nlam, "=", Norm(_nW, 2)),
        "; the Euclidean norm for states, the spectral norm for",
        _nW,
    ),
    proof=Claim(
        "The mean value theorem entry by entry, then",
        Norm(_nW, 2),
        "; iterate. Converse: exact runs that never approach each other.",
    ),
    assumptions=[
        Claim(Chain(sp.Abs(Prime("sigma", _na)), "<=", _ngam), "for every", _na),
        "the same input sequence for both runs",
        Claim("converse: zero input and zero bias", Chain(_nb, "=", 0)),
    ],
    references=[
        "Jaeger (2001), GMD Report 148 (echo-state property; Proposition 3)",
        "Yildiz, Jaeger & Kiebel (2012), Re-visiting the echo state property",
        "Pascanu et al. (2013), §3.1 (echo state networks)",
    ],
    tags=["echo state", "contraction", "vanishing"],
    steps=[
        Step(
            _LIPSCHITZ,
            Claim(
                Chain(
                    sp.Abs(Plus(sp.Function("sigma")(_na), -sp.Function("sigma")(_na2))),
                    "<=",
                    Times(_ngam, sp.Abs(Plus(_na, -_na2))),
                ),
                "(mean value theorem) and",
                Chain(Norm(Times(_nW, Plus(_nh, -_nh2))), "<=", Times(_nlam, _H_GAP)),
            ),
            Evidence.CHECKED,
            _contraction,
        ),
        Step(
            Claim(_distance(_nt, _neta**_nt), ": the initial state is forgotten"),
            Claim("the contraction applied", _nt, "times"),
            Evidence.CHECKED,
            _forgetting,
        ),
        Step(
            Claim(
                Chain(Norm(Partial(AtTime("h", _nt), AtTime("h", 0)), 2), "<=", _neta**_nt),
                ": the same",
                _neta,
                "makes the gradient vanish",
            ),
            "the Jacobian is the derivative of the map that forgets; one_step_bound and eta_decay",
            Evidence.CHECKED,
            _gradient_link,
        ),
        Step(
            Claim(
                "zero input,",
                sp.Eq(_nb, 0),
                ", examples:",
                Chain(sp.Function("rho")(_nW), "=", 1),
                "(linear) and softsign with",
                sp.Eq(_nw, 3),
                "keep two runs apart",
            ),
            Claim(
                "an eigenvector with",
                Chain(sp.Abs(sp.Symbol("lambda")), ">=", 1),
                "is never damped (linear_powers_vanish_iff_spectral_radius); exact examples",
            ),
            Evidence.CHECKED,
            _zero_input,
        ),
        Step(
            Claim(
                sp.Eq(_nb, 0),
                "is needed: softsign with",
                Chain(_nW, "=", sp.Matrix([[3]])),
                "and",
                sp.Eq(_nb, 10),
                "forgets its initial state at zero input",
            ),
            Claim(
                "the bias keeps every pre-activation",
                _na,
                "at 7 or more, where",
                Chain(Prime("sigma", _na), "<=", sp.Rational(1, 64)),
                "for softsign, so the map contracts by",
                sp.Rational(3, 64),
                "although",
                Chain(_RHO, "=", 3),
            ),
            Evidence.CHECKED,
            _bias_matters,
        ),
        Step(
            Claim(
                "one unit, zero input,",
                sp.Eq(_nb, 0),
                ",",
                Chain(sp.Function("sigma")(0), "=", 0),
                ",",
                Chain(Prime("sigma", 0), "=", 1),
                ",",
                sp.Abs(_nw) > 1,
                ": some run never approaches the run from 0",
            ),
            Claim(
                "the origin repels:",
                Plus(sp.Function("sigma")(Times(_nw, _nh)), -_nh),
                "(",
                Chain(_nw, ">", 1),
                ") or",
                Plus(sp.Function("sigma")(Times(_nw, sp.Function("sigma")(Times(_nw, _nh)))), -_nh),
                "(",
                Chain(_nw, "<", -1),
                ") has positive slope at 0, so it has a zero",
                Chain(sp.Symbol("h^*"), "!=", 0),
                "(intermediate value theorem) or orbits move away",
            ),
            Evidence.CHECKED,
            _one_unit,
        ),
    ],
)
