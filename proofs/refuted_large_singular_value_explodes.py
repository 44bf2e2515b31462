"""Refuted: "λ₁ > 1/γ ⇒ gradients explode."

Statement. False: λ₁ > 1/γ is necessary, not sufficient. In the linear case (γ = 1) a W with
‖W‖₂ > 1 but ρ(W) < 1 has W^k → 0, so the long-term components vanish.

Proof. Counterexample found by Hypothesis among W with ρ(W) = 1/2 and shrunk.
"""

import numpy as np
import sympy as sp

from symgrad import Evidence, Step, Theorem, find_counterexample
from symgrad.kernel import Chain, Claim, Norm, Plus, Size, Tends, Times, Transposed
from symgrad.maths.linear import exact_matrix, power_norms, spectral_norm_exceeds


def _claim(W):
    if np.linalg.norm(W, 2) <= 1:  # the premise λ₁ > 1/γ = 1 fails: nothing claimed
        return True
    if power_norms(W, 200)[200] >= 1:  # "explodes": at least does not shrink
        return True
    Wq = exact_matrix(W)  # refuted only if rational arithmetic confirms both sides
    return not (
        spectral_norm_exceeds(Wq) and not spectral_norm_exceeds(Wq**200, sp.Rational(99, 100))
    )


def _explain(W):
    norms = power_norms(W, 200)
    return [
        Claim(
            Chain(
                sp.Symbol("lambda_1"),
                "=",
                Norm(_W, 2),
                "=",
                sp.Float(np.linalg.norm(W, 2)),
                ">",
                1,
                "=",
                1 / sp.Symbol("gamma"),
            ),
            "(identity",
            sp.Symbol("sigma"),
            ")",
        ),
        Claim(
            "but",
            Chain(sp.Function("rho")(_W), "=", sp.Float(max(abs(np.linalg.eigvals(W))))),
            "and",
            Chain(Norm(_W**200, 2), "=", sp.Float(f"{norms[200]:.3g}")),
        ),
        Claim(
            "re-verified exactly (",
            _W,
            "as rationals):",
            Chain(Norm(_W, 2), ">", 1),
            "and",
            Chain(Norm(_W**200, 2), "<=", _BOUND),
            "(",
            Plus(_I, -Transposed(_W) * _W),
            "not positive semidefinite;",
            Plus(
                Times(sp.Pow(_BOUND, 2, evaluate=False), _I),
                -Transposed(_W**200) * _W**200,
            ),
            "is)",
        ),
    ]


def _refute(settings):
    from symgrad.maths.strategies import matrices_with_spectral_radius

    return find_counterexample(
        _claim,
        [matrices_with_spectral_radius(2, radius=0.5, max_coupling=10.0)],
        settings=settings,
        default_examples=200,
        checked=Claim(
            "searched",
            Size(2, 2),
            _W,
            "with",
            sp.Eq(sp.Function("rho")(_W), sp.Rational(1, 2)),
            "for one with",
            Chain(Norm(_W, 2), ">", 1),
            "and",
            Chain(Norm(_W**200, 2), "<", 1),
        ),
        explain=_explain,
        known=[(np.array([[0.5, 10.0], [0.0, 0.5]]),)],
        names=("W",),
    )


_LAM, _GAMMA = sp.symbols("lambda_1 gamma", positive=True)
_W, _k = sp.Symbol("W", commutative=False), sp.Symbol("k")
_I, _BOUND = sp.Symbol("I", commutative=False), sp.Rational(99, 100)

THEOREM = Theorem(
    id="refuted_large_singular_value_explodes",
    title="Refuted: λ₁ > 1/γ makes gradients explode",
    statement=Claim(
        "The claim “",
        Chain(_LAM, ">", 1 / _GAMMA, "=>"),
        "the long-term components explode” is false.",
    ),
    proof=Claim(
        _LAM,
        "bounds one step;",
        sp.Function("rho")(_W),
        "governs the long run, and it can be far below",
        _LAM,
        ".",
    ),
    references=["seed: 'necessary condition … for the exploding gradient problem'"],
    tags=["refuted", "exploding", "erratum 10"],
    steps=[
        Step(
            Claim(_LAM > 1 / _GAMMA, "yet", Tends(Norm(_W**_k, 2), 0, _k)),
            "necessary is not sufficient",
            Evidence.REFUTED,
            _refute,
        )
    ],
)
