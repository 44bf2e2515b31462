"""Refuted: "λ₁ < 1/γ is also necessary for vanishing gradients."

Statement. False: a saturating tanh unit h_t = tanh(w h_{t−1}) with w > 1 = 1/γ started at
h₀ ≠ 0 converges to a stable fixed point where the local gain w(1 − h*²) is below 1, and
∂h_k/∂h_0 → 0 as k → ∞. (At h₀ = 0 the orbit stays at the unstable fixed point 0 and
∂h_k/∂h_0 = w^k grows.)

Proof. Counterexample found by Hypothesis over (w, h₀) and shrunk, with a certificate checked
in arb ball arithmetic: an interval I = [a, 1] with tanh(w a) ≥ a (so tanh(w·) maps I into
itself, being increasing and below 1) on which the gain w(1 − tanh²(w h)) is at most
q = w(1 − tanh²(w a)) < 1, and a step t₀ at which the orbit from h₀ is in I. By the
contraction principle I holds exactly one fixed point h*, which attracts every orbit entering
I and is stable (|gain| < 1 there), and |∂h_k/∂h_0| ≤ |∂h_{t₀}/∂h_0| q^(k−t₀) → 0.
"""

import numpy as np
import sympy as sp
from flint import arb, ctx

from symgrad import Evidence, Step, Theorem, find_counterexample
from symgrad.kernel import Ball, Chain, Claim, Decimal, Partial, Tends, Times

PRECISION = 200  # bits of the arb balls


def _gradient(w, h0, steps=50):
    h, grad = h0, 1.0
    for _ in range(steps):
        h = np.tanh(w * h)
        grad *= w * (1 - h * h)
    return h, grad


def certified_gradient(w, h0, steps=50):
    """∂h_50/∂h_0 enclosed in an arb ball (python-flint; the floats w, h0 taken exactly)."""
    old = ctx.prec
    ctx.prec = PRECISION
    try:
        h, grad, wb = arb(h0), arb(1), arb(w)
        for _ in range(steps):
            h = (wb * h).tanh()
            grad *= wb * (1 - h * h)
        return grad
    finally:
        ctx.prec = old


def certificate(w, h0, steps=50):
    """(a, q, t₀, ∂h_{t₀}/∂h_0) for w > 1, h₀ > 0: I = [a, 1] is invariant under tanh(w·),
    the gain on I is at most q < 1, and h_{t₀} ∈ I — each decided in arb balls; else None.

    The floats w, h₀ are taken exactly; a is a float below the fixed point, taken exactly.
    """
    if not (w > 1 and h0 > 0):
        return None
    fixed = _gradient(w, 1.0, 200)[0]  # the float fixed point, only to place a
    old = ctx.prec
    ctx.prec = PRECISION
    try:
        wb = arb(w)
        for shrink in (0.9, 0.99, 0.999):
            a = arb(float(fixed * shrink))
            image = (wb * a).tanh()
            q = wb * (1 - image * image)
            if not (image >= a and q < 1):
                continue
            h, grad = arb(h0), arb(1)
            for t in range(steps + 1):
                if h >= a:  # the whole ball lies in I (h < 1 always: tanh of a real)
                    return float(a.mid()), q, t, grad
                h = (wb * h).tanh()
                grad *= wb * (1 - h * h)
        return None
    finally:
        ctx.prec = old


def _claim(w, h0):
    # the claim: with λ₁ = |w| > 1/γ = 1, ∂h_k/∂h_0 does not tend to 0; refuted only by a
    # certificate that it does (an invariant interval with gain < 1 that the orbit enters)
    if abs(_gradient(w, h0)[1]) >= 1e-3:  # a cheap filter before the certificate
        return True
    return certificate(w, h0) is None


def _in_ball(ball):
    """The relation and the ball for "∈ ball", its midpoint and radius each to four digits
    (9.335×10⁻⁴⁰ ± 4.2×10⁻⁴⁴); an exact ball (radius 0) as "= its value"."""
    mid, rad = (Decimal(f"{float(x):.4g}") for x in (ball.mid(), ball.rad()))
    return ("=", mid) if float(rad) == 0 else ("in", Ball(mid, rad))


def _explain(w, h0):
    h, _ = _gradient(w, h0)
    a, q, t0, g0 = certificate(w, h0)
    return [
        Claim(
            Chain(
                sp.Symbol("lambda_1"),
                "=",
                sp.Abs(sp.Symbol("w")),
                "=",
                sp.Float(w),
                ">",
                1,
                "=",
                1 / _GAMMA,
            ),
            "(tanh)",
        ),
        Claim(
            f"certified in ball arithmetic ({PRECISION} bits):",
            Chain(_I, "=", sp.Interval(sp.Float(a), 1)),
            "is mapped into itself by",
            Chain(_h, "->", sp.tanh(Times(_w, _h))),
            ", with gain",
            Chain(Times(_w, 1 - sp.tanh(Times(_w, _h)) ** 2), "<=", _q, *_in_ball(q), "<", 1),
            "on",
            _I,
            ", so",
            _I,
            "holds one stable fixed point that attracts every orbit entering",
            _I,
        ),
        Claim(
            "the orbit from",
            sp.Eq(_h0, sp.Float(h0)),
            "is in",
            _I,
            "from",
            sp.Eq(_t0, t0),
            ", where",
            Chain(Partial(_ht0, _h0), *_in_ball(g0)),
            "; hence",
            Chain(
                sp.Abs(Partial(_hk, _h0)),
                "<=",
                _q ** (_k - _t0) * sp.Abs(Partial(_ht0, _h0)),
                "->",
                0,
            ),
        ),
        Claim(
            "for instance",
            Chain(Partial(_h50, _h0), *_in_ball(certified_gradient(w, h0))),
            "; in floats",
            sp.Eq(_h50, sp.Float(h)),
            ", local gain",
            Chain(Times(_w, 1 - _h**2), "=", Decimal(f"{w * (1 - h * h):.3g}")),
        ),
    ]


def _refute(settings):
    from hypothesis import strategies as st

    return find_counterexample(
        _claim,
        [st.floats(1.5, 10.0), st.floats(0.1, 2.0)],
        settings=settings,
        default_examples=100,
        checked=Claim(
            "searched scalar tanh units with",
            Chain(_w, "in", sp.Interval(1.5, 10)),
            ",",
            Chain(_h0, "in", sp.Interval(0.1, 2)),
            "for one whose gradient",
            Partial(_hk, _h0),
            "provably tends to 0 (an invariant interval with gain",
            Chain("<", 1),
            "that the orbit enters, certified in arb)",
        ),
        explain=_explain,
        known=[(3.0, 0.5)],
        names=("w", "h_0"),
    )


_LAM, _GAMMA = sp.symbols("lambda_1 gamma", positive=True)
_w, _h, _q, _k, _t0, _I = sp.symbols("w h q k t0 I")
_h0, _hk, _ht0, _h50 = sp.symbols("h_0 h_k h_t0 h_50")

THEOREM = Theorem(
    id="refuted_small_singular_value_necessary",
    title="Refuted: λ₁ < 1/γ is necessary for vanishing gradients",
    statement=Claim(
        "The claim “vanishing gradients",
        Chain("=>", _LAM, "<", 1 / _GAMMA),
        "” is false: saturation at a stable fixed point makes",
        Tends(Partial(_hk, _h0), 0),
        "too (the unit",
        sp.Eq(sp.Symbol("h_t"), sp.tanh(Times(_w, sp.Symbol("h_t-1"))), evaluate=False),
        "with no input and no bias,",
        _w > 1,
        ",",
        sp.Ne(_h0, 0),
        ").",
    ),
    proof=Claim(
        "At a stable fixed point of a saturating unit the local gain is small whatever",
        _w,
        "is.",
    ),
    references=["Bengio, Simard, Frasconi (1994)", "Goodfellow et al. (2016), §10.7"],
    tags=["refuted", "vanishing", "saturation", "erratum 10"],
    steps=[
        Step(
            Claim(
                _LAM > 1 / _GAMMA,
                "and yet",
                Tends(Partial(sp.Symbol("h_k"), sp.Symbol("h_0")), 0, sp.Symbol("k")),
            ),
            "saturation at an attractor",
            Evidence.REFUTED,
            _refute,
        )
    ],
)
