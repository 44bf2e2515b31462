"""Refuted: "ρ(W)·γ < 1 is sufficient for vanishing gradients" (the eigenvalue version).

Statement. False. For ReLU (γ = 1) the one-step Jacobians are D_t W with 0/1 masks D_t, and a
product of masked matrices can grow although ρ(W) < 1: what matters is the joint spectral radius
of {D W}, not ρ(W). A real RNN trajectory realises it, with zero biases: the state settles on a
ray that the network maps onto itself, stretched by a factor c > 1, so the masks repeat forever
and ∏ J_i does not tend to 0.

Proof. Counterexample found by Hypothesis (W of spectral radius 0.9, b = 0, real ReLU
trajectories) and re-verified exactly in rational arithmetic before it is shown: ρ(W) < 1 by
the Jury conditions on the characteristic polynomial; h_{s+p} = c·h_s with c > 1 and h_s ≠ 0;
with b = 0, ReLU is positively homogeneous, so the trajectory (and its masks) from s + p is c
times the one from s and h_{s+kp} = c^k h_s; and J_t ⋯ J_1 h₀ = h_t exactly (D_t a_t = ReLU(a_t)),
so ‖J_{s+kp} ⋯ J_1‖ ≥ c^k ‖h_s‖/‖h₀‖ → ∞. That is the negation of ∏ J_i → 0.
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
    Op,
    OrderedProduct,
    Over,
    Plus,
    Tends,
    Times,
)

STEPS = 12


def _exact(W, h0):
    return [[Fraction(float(v)) for v in row] for row in W], [Fraction(float(v)) for v in h0]


def spectral_radius_below_one(W):
    """Jury conditions for a real 2 × 2 matrix: ρ(W) < 1 ⟺ |det| < 1 and |tr| < 1 + det."""
    tr, det = W[0][0] + W[1][1], W[0][0] * W[1][1] - W[0][1] * W[1][0]
    return abs(det) < 1 and abs(tr) < 1 + det


def certificate(W, h0):
    """Exact evidence that ∏J ↛ 0 on the ReLU trajectory from h0 (b = 0), or None.

    Returns (s, p, c, masks): h_{s+p} = c·h_s with c > 1, h_s ≠ 0, and the Jacobian
    product applied to h₀ reproduces every state.
    """
    Wq, h = _exact(W, h0)
    start = h
    states, masks = [h], []
    product = [[Fraction(1), Fraction(0)], [Fraction(0), Fraction(1)]]
    for _ in range(STEPS):
        a = [Wq[i][0] * h[0] + Wq[i][1] * h[1] for i in range(2)]
        d = [1 if v > 0 else 0 for v in a]  # ReLU′, value 0 at the kink
        h = [max(v, Fraction(0)) for v in a]
        J = [[d[i] * Wq[i][j] for j in range(2)] for i in range(2)]
        product = [
            [sum(J[i][r] * product[r][j] for r in range(2)) for j in range(2)] for i in range(2)
        ]
        image = [product[i][0] * start[0] + product[i][1] * start[1] for i in range(2)]
        if image != h:
            return None
        masks.append(tuple(d))
        states.append(h)
        for s in range(len(states) - 1):
            base = states[s]
            if base == [0, 0]:
                continue
            k = 0 if base[0] != 0 else 1
            c = h[k] / base[k]
            if c > 1 and h == [c * base[0], c * base[1]]:
                return s, len(states) - 1 - s, c, masks
    return None


def _claim(W, h0):
    """The claim at this instance: ρ(W) < 1 ⇒ ∏J → 0; False only on an exact certificate."""
    Wq, _ = _exact(W, h0)
    return not (spectral_radius_below_one(Wq) and certificate(W, h0) is not None)


def _explain(W, h0):
    Wq, _ = _exact(W, h0)
    s, p, c, masks = certificate(W, h0)
    tr, det = Wq[0][0] + Wq[1][1], Wq[0][0] * Wq[1][1] - Wq[0][1] * Wq[1][0]
    h = sp.IndexedBase("h")
    cycle = [part for mask in masks[s : s + p] for part in (",", sp.Tuple(*mask))][1:]
    return [
        "re-verified in exact rational arithmetic (the floats above converted exactly):",
        Claim(
            Chain(sp.Function("rho")(_W), "<", 1),
            "by Jury:",
            Chain(sp.Abs(_DET), "=", sp.Float(float(abs(det))), "<", 1),
            ",",
            Chain(sp.Abs(Op("tr", _W)), "=", sp.Float(float(abs(tr))), "<", Plus(1, _DET)),
            "; ReLU,",
            sp.Eq(sp.Symbol("gamma"), 1),
            ",",
            sp.Eq(sp.Symbol("b"), 0),
        ),
        Claim(
            sp.Eq(h[s + p], Times(_c, h[s])),
            "with",
            Chain(_c, "=", sp.Float(float(c)), ">", 1),
            f": masks from step {s + 1} repeat with period {p}:",
            *cycle,
        ),
        Claim(
            Chain(Norm(_PRODUCT), ">=", Over(Norm(h[_t]), Norm(h[0]))),
            "grows like",
            Tends(_c ** (_t / sp.Integer(p)), sp.oo, _t),
            ":",
            _PRODUCT,
            "does not tend to 0",
        ),
    ]


def _refute(settings):
    from hypothesis import strategies as st

    from symgrad.maths.strategies import matrices_with_spectral_radius

    vec = st.lists(st.floats(-10, 10), min_size=2, max_size=2).map(np.array)
    return find_counterexample(
        _claim,
        [matrices_with_spectral_radius(2, radius=0.9, max_coupling=4.0), vec],
        settings=settings,
        default_examples=300,
        checked=Claim(
            "searched ReLU RNNs with",
            sp.Eq(sp.Function("rho")(_W), Decimal("0.9"), evaluate=False),
            ",",
            sp.Eq(sp.Symbol("b"), 0),
            ",",
            sp.Symbol("h_0"),
            "with entries in",
            sp.Interval(-10, 10),
            f"for an exact certificate (within {STEPS} steps) that",
            _PRODUCT,
            "does not tend to 0",
        ),
        explain=_explain,
        known=[(np.array([[1.021784, 0.854348], [-0.145652, -0.121784]]), np.array([0.0, 1.0]))],
        names=("W", "h_0"),
    )


_W = sp.Symbol("W", commutative=False)
_t, _T, _c, _i = sp.symbols("t T c i")
_DET = Op("det", _W)
_PRODUCT = OrderedProduct(sp.Symbol("J_i", commutative=False), _i, 1, _t)  # Jₜ ⋯ J₁

THEOREM = Theorem(
    id="refuted_spectral_radius_nonlinear",
    title="Refuted: the spectral-radius version of the nonlinear condition",
    statement=Claim(
        "The claim “",
        Chain(
            Times(sp.Function("rho")(_W), sp.Symbol("gamma")),
            "<",
            1,
            "=>",
            Tends(_PRODUCT, 0, _t),
        ),
        "” is false for ReLU networks on real trajectories.",
    ),
    proof=Claim(
        "Masks",
        sp.Symbol("D_t", commutative=False),
        "remove the cancellation that makes",
        sp.Function("rho")(_W),
        "small: on a trajectory whose masks repeat, the cycle product has an eigenvalue",
        _c > 1,
        ". Verified exactly.",
    ),
    references=["Pascanu et al. (2013): the final text uses singular values for this reason"],
    tags=["refuted", "relu", "joint spectral radius"],
    steps=[
        Step(
            Claim(
                Chain(Times(sp.Function("rho")(_W), sp.Symbol("gamma")), "<", 1),
                "and yet",
                OrderedProduct(sp.Symbol("D_t", commutative=False) * _W, _t, 1, _T),
                "does not tend to 0",
            ),
            Claim(
                "an eventually periodic mask whose cycle product has spectral radius",
                Chain(">", 1),
                ", certified in rational arithmetic",
            ),
            Evidence.REFUTED,
            _refute,
            student=Claim(
                "the ReLU masks repeat, and along the repeated cycle the state is stretched by",
                _c > 1,
            ),
        )
    ],
)
