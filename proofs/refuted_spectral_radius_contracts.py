"""Refuted: "ρ(W)·γ < 1 ⇒ every step contracts."

Statement. False. The spectral radius bounds the long run, not a single step: there are W with
ρ(W)·γ < 1 whose one-step Jacobian has ‖J‖₂ > 1 (tanh at zero pre-activation: J = W).

Proof. Counterexample found by Hypothesis among matrices of spectral radius 0.9 and shrunk.
"""

import numpy as np
import sympy as sp

from symgrad import Evidence, Step, Theorem, find_counterexample
from symgrad.kernel import (
    AtTime,
    Chain,
    Claim,
    Decimal,
    Diag,
    Norm,
    Partial,
    Prime,
    Size,
    Times,
)
from symgrad.maths.linear import exact_matrix, spectral_norm_exceeds, spectral_radius_below


def _claim(W):
    # tanh, a = 0: σ′ = 1 = γ, so J = W; the claim says ‖J‖₂ ≤ 1 since ργ < 1. It fails only
    # where rational arithmetic confirms ρ(W) < 1 and ‖W‖₂ > 1 for W converted exactly.
    if np.linalg.norm(W, 2) <= 1:
        return True
    Wq = exact_matrix(W)
    return not (spectral_radius_below(Wq) and spectral_norm_exceeds(Wq))


def _explain(W):
    rho = max(abs(np.linalg.eigvals(W)))
    norm = np.linalg.norm(W, 2)
    return [
        Claim(
            Chain(Times(_RHO, _GAMMA), "=", sp.Float(rho), "<", 1),
            "(tanh,",
            sp.Eq(_GAMMA, 1),
            ")",
        ),
        Claim(
            "but at",
            sp.Eq(sp.Symbol("a"), 0),
            "the Jacobian is",
            sp.Eq(_J, _W),
            "with",
            Chain(Norm(_J, 2), "=", sp.Float(norm), ">", 1),
        ),
        Claim(
            "re-verified exactly (",
            _W,
            "as rationals):",
            Chain(_RHO, "<", 1),
            "by the Jury conditions, and",
            sp.Identity(2) - _WM.T * _WM,
            "is not positive semidefinite, so",
            Chain(Norm(_W, 2), ">", 1),
        ),
    ]


def _refute(settings):
    from symgrad.maths.strategies import matrices_with_spectral_radius

    return find_counterexample(
        _claim,
        [matrices_with_spectral_radius(2, radius=0.9, max_coupling=2.0)],
        settings=settings,
        default_examples=200,
        checked=Claim(
            "searched",
            Size(2, 2),
            _W,
            "with",
            sp.Eq(_RHO, Decimal("0.9"), evaluate=False),
            "for one with",
            Chain(Norm(Diag(Prime("tanh", 0)) * _W, 2), ">", 1),
        ),
        explain=_explain,
        known=[(np.array([[0.9, 1.0], [0.0, 0.9]]),)],
        names=("W",),
    )


_W, _J, _GAMMA = sp.Symbol("W", commutative=False), sp.Symbol("J"), sp.Symbol("gamma")
_WM = sp.MatrixSymbol("W", 2, 2)  # for I − WᵀW
_RHO = sp.Function("rho")(_W)
_i = sp.Symbol("i")

THEOREM = Theorem(
    id="refuted_spectral_radius_contracts",
    title="Refuted: ρ(W)γ < 1 makes every step contract",
    statement=Claim(
        "The claim “",
        Chain(
            Times(_RHO, _GAMMA),
            "<",
            1,
            "=>",
            Norm(Partial(AtTime("h", _i), AtTime("h", _i - 1)), 2),
            "<",
            1,
        ),
        "” is false; the singular value",
        sp.Symbol("lambda_1"),
        "is needed.",
    ),
    proof=Claim("A non-normal", _W, "has", Chain(Norm(_W, 2), ">", _RHO), "."),
    references=["Pascanu et al. (2013) arXiv v2 wording (eigenvalue) vs ICML (singular value)"],
    tags=["refuted", "spectral radius"],
    steps=[
        Step(
            Claim(
                Chain(Times(_RHO, sp.Symbol("gamma")), "<", 1),
                "but",
                Chain(Norm(_J, 2), ">", 1),
            ),
            Claim("non-normal", _W, ":", Chain(Norm(_W, 2), ">", _RHO)),
            Evidence.REFUTED,
            _refute,
        )
    ],
)
