"""The one-step bound ‖∂h⁽ⁱ⁾/∂h⁽ⁱ⁻¹⁾‖₂ ≤ λ₁γ, and < 1 when λ₁ < 1/γ.

Statement. With λ₁ = ‖W‖₂ (largest singular value) and γ = sup|σ′|, every one-step Jacobian
satisfies ‖J_i‖₂ ≤ λ₁γ, in both model forms and both layouts. If λ₁ < 1/γ then
‖J_i‖₂ ≤ η := λ₁γ < (1/γ)·γ = 1. (The seed and Pascanu et al. print "< 1/γ · γ < 1"; the last
relation is an equality.)

Proof. ‖diag(σ′(a))W‖ ≤ ‖diag(σ′(a))‖‖W‖ (submultiplicativity) = maxᵢ|σ′(aᵢ)| λ₁ ≤ γλ₁.
"""

import numpy as np
import sympy as sp

from symgrad import (
    ACTIVATIONS,
    Evidence,
    Outcome,
    Step,
    Theorem,
    check_identities,
    check_property,
    derive_gamma,
    jacobian_entry,
)
from symgrad.kernel import (
    AtTime,
    Chain,
    Claim,
    Decimal,
    Diag,
    MaxOver,
    Norm,
    Partial,
    Prime,
    Sup,
    Times,
)
from symgrad.maths import bounds
from symgrad.maths.gamma_claims import gamma_method, gamma_stated


def _jacobian(settings):
    # symbolic n: the entry (i, j) derived by SymPy from Indexed sums over r = 1..n, against
    # row i of W scaled by σ′(a_i) (Model A) or column j scaled by σ′(x_j) (Model B)
    i, j = sp.symbols("i j", integer=True, positive=True)
    W, sigma = sp.IndexedBase("W"), sp.Function("sigma")
    cases = []
    for model, at in (("A", sp.IndexedBase("a")[i]), ("B", sp.IndexedBase("x")[j])):
        scaled = sp.Derivative(sigma(at), at) * W[i, j]
        label = Claim(f"Model {model}, symbolic", sp.Symbol("n"))
        cases.append((label, jacobian_entry(model).rhs, scaled))
    state, a, x = (sp.IndexedBase(name) for name in ("state", "a", "x"))
    entry, w_ij = Partial(state[i], state[j]), sp.Symbol("W_ij")
    return check_identities(
        Claim(
            Chain(entry, "=", Times(Prime("sigma", a[i]), w_ij)),
            "(Model A:",
            Chain(_J, "=", _DIAG * _W),
            ") and",
            Chain(entry, "=", Times(w_ij, Prime("sigma", x[j]))),
            "(Model B:",
            Chain(_J, "=", _W * Diag(Prime("sigma", sp.Symbol("x")))),
            "), derived for symbolic",
            sp.Symbol("n"),
        ),
        cases,
    )


def _gamma_bound(settings):
    # |σ′(a)| ≤ γ for every a is what derive_gamma establishes (certificate or exact critical
    # points and limits); ‖diag(d)‖₂ = max|dᵢ| is the diagonal_spectral_norm theorem
    # γ of gelu_tanh, silu and mish has no closed form (certified enclosures, "checked"): a
    # "proved" step does not rest on them
    numeric = ("gelu_tanh", "silu", "mish")
    results = {name: derive_gamma(a) for name, a in ACTIVATIONS.items() if name not in numeric}
    weak = [name for name, r in results.items() if r.evidence != "proved" or not r.bounded]
    return Outcome(
        not weak,
        Claim(
            Chain(Sup(sp.Abs(Prime("sigma", _x)), _x), "=", _GAMMA),
            "derived with evidence 'proved' for every built-in",
            _SIGMA,
            "with a closed-form",
            _GAMMA,
            "(all but gelu_tanh, silu, mish), so",
            Chain(_MAX, "<=", _GAMMA),
        ),
        instances=[
            Claim(
                f"{name}:",
                gamma_stated(r) if r.exact is None else Chain(_GAMMA, "=", r.exact),
                "(",
                gamma_method(r),
                ")",
            )
            for name, r in results.items()
        ],
        left=", ".join(weak) or "all proved",
        right="all proved",
    )


def _strict(settings):
    lam, g = sp.symbols("lambda_1 gamma", positive=True)
    solved = sp.solve_univariate_inequality(lam * g < 1, lam, relational=False)
    ok = solved == sp.Interval.open(-sp.oo, 1 / g)  # for λ₁ > 0: exactly 0 < λ₁ < 1/γ
    equality = sp.simplify((1 / g) * g) == 1
    return Outcome(
        ok and equality,
        Claim(
            "SymPy: the set of",
            lam,
            "with",
            Chain(Times(lam, g), "<", 1),
            "is",
            sp.Interval.open(-sp.oo, 1 / g),
            "for",
            Chain(g, ">", 0),
            ", and",
            Chain(Times(1 / g, g), "=", 1),
            "exactly",
        ),
        instances=[Claim("symbolic", lam, "and", g, ", both positive")],
        left=solved,
        right=sp.Interval.open(-sp.oo, 1 / g),
    )


def _attained(gamma=None):
    """Where the bound is attained: W = 2I with the sigmoid at a = 0 (J = W/4, so ‖J‖₂ = 1/2 =
    λ₁γ exactly, in floats too), and W = 0 (both sides 0, no rounding to absorb)."""
    sigmoid = ACTIVATIONS["sigmoid"]
    pre = np.zeros(5)
    failures = []
    for scale, norm_stated in ((2, 0.5), (0, 0.0)):
        W = scale * np.eye(5)
        for model in ("A", "B"):
            J = bounds.step_jacobian(W, sigmoid.numpy_functions()[1](pre), model)
            norm = bounds.spectral_norm(J)
            where = Chain(_W, "=", Times(scale, _I))
            if abs(norm - norm_stated) > 4 * 5 * np.finfo(float).eps * 0.5:
                shown = Decimal(repr(norm)) if np.isfinite(norm) else repr(norm)
                failures.append(
                    Claim(
                        where,
                        f", Model {model}:",
                        Chain(Norm(_J, 2), "=", shown),
                        ", not",
                        sp.Float(norm_stated),
                    )
                )
            try:
                bounds.assert_one_step_bound(W, pre, sigmoid, model, gamma=gamma)
            except AssertionError as exc:
                failures.append(
                    Claim(where, f", Model {model}, where the bound is attained:", str(exc))
                )
    return failures


def _tested(settings):
    from hypothesis import strategies as st

    from symgrad.maths.strategies import (
        activations,
        matrices_with_spectral_norm,
        preactivation_trajectories,
    )

    failures = _attained()
    out = check_property(
        bounds.assert_one_step_bound,
        [
            matrices_with_spectral_norm(5, norm=2.5),
            preactivation_trajectories(5, 1).map(lambda a: a[0]),
            activations(),
            st.sampled_from(["A", "B"]),
        ],
        settings=settings,
        default_examples=100,
        checked=Claim(
            Chain(Norm(_J, 2), "<=", Times(_LAM, _GAMMA)),
            "for random",
            _W,
            "(",
            Chain(_LAM, "=", sp.Float(2.5)),
            "), pre-activations in",
            sp.Interval(-5, 5),
            ", every built-in",
            _SIGMA,
            ", Models A and B; and where it is attained,",
            Chain(_W, "=", Times(2, _I)),
            "with the sigmoid at",
            Chain(sp.Symbol("a"), "=", 0),
            "(",
            Chain(Norm(_J, 2), "=", sp.Rational(1, 2)),
            ") and",
            Chain(_W, "=", 0),
        ),
        tolerance=Claim("relative", Times(4, sp.Symbol("n"), sp.Symbol("epsilon"))),
    )
    if failures:
        out.ok, out.left = False, failures[0]
        out.right = Claim(
            Chain(Norm(_J, 2), "=", Times(_LAM, _GAMMA)),
            "(",
            sp.Rational(1, 2),
            ", and",
            0,
            "at",
            Chain(_W, "=", 0),
            ")",
        )
    return out


# the notation of the statement and the steps
_i, _x = sp.symbols("i x")
_SIGMA, _I = sp.Symbol("sigma"), sp.Symbol("I")
_LAM, _GAMMA = sp.symbols("lambda_1 gamma", positive=True)
_J = sp.Symbol("J")
_W = sp.Symbol("W", commutative=False)
_a, _d = sp.Symbol("a"), sp.Symbol("d")
_A, _B = sp.symbols("A B", commutative=False)
_DIAG = Diag(Prime("sigma", _a))
_MAX = MaxOver(sp.Abs(Prime("sigma", sp.Symbol("a_i"))), _i)
_DIAG_NORM = Chain(Norm(Diag(_d), 2), "=", MaxOver(sp.Abs(sp.Symbol("d_i")), _i))
_SLOPE_BOUND = Chain(sp.Abs(Prime("sigma", _a)), "<=", _GAMMA)
_ONE_STEP = Norm(Partial(AtTime("h", _i), AtTime("h", _i - 1)), 2)  # ‖∂h⁽ⁱ⁾/∂h⁽ⁱ⁻¹⁾‖₂

THEOREM = Theorem(
    stage=1,  # waits on γ of every activation, derived in the background
    id="one_step_bound",
    title="The one-step bound ‖J‖₂ ≤ λ₁γ",
    statement=Claim(
        "The one-step Jacobian satisfies",
        Chain(_ONE_STEP, "<=", Times(Norm(_W, 2), Norm(_DIAG, 2)), "<=", Times(_LAM, _GAMMA)),
        "; hence if",
        Chain(_LAM, "<", 1 / _GAMMA),
        ", then",
        Chain(_ONE_STEP, "<", Times(1 / _GAMMA, _GAMMA), "=", 1),
        ".",
    ),
    formula=Chain(_ONE_STEP, "<=", Times(_LAM, _GAMMA)),
    convention=Claim(
        _LAM,
        "is the largest singular value of",
        _W,
        ",",
        Chain(_GAMMA, "=", Sup(sp.Abs(Prime("sigma", _x)), _x)),
        "and",
        _a,
        "is the pre-activation; all norms are spectral norms",
    ),
    proof=Claim(
        "Submultiplicativity of the spectral norm, then",
        Chain(Norm(Diag(_d), 2), "=", MaxOver(sp.Abs(sp.Symbol("d_i")), _i), "<=", _GAMMA),
        ".",
    ),
    assumptions=[
        Claim(_GAMMA, "is finite (", Prime("sigma", _x), "is bounded)"),
        Claim(Chain(_GAMMA, ">", 0), "for the second part (it uses", 1 / _GAMMA, ")"),
    ],
    references=["Pascanu et al. (2013), eq. (6)", "seed eq. (8)"],
    tags=["bound", "eq. (8)", "vanishing", "erratum 4", "erratum 7", "erratum 10"],
    steps=[
        Step(
            Chain(Norm(_J, 2), "=", Norm(_DIAG * _W, 2)),
            "one-step Jacobian of Model A (jacobian_layouts); Model B "
            "and the denominator forms have the same factors",
            Evidence.PROVED,
            _jacobian,
            student=(
                "the one-step Jacobian of Model A; Model B and the denominator layout have the "
                "same factors"
            ),
        ),
        Step(
            Chain("<=", Times(Norm(_DIAG, 2), Norm(_W, 2))),
            "submultiplicativity of the induced 2-norm (not the triangle inequality)",
            Evidence.CITED,
            lambda s: _tested(s),
            source="mathlib Matrix.l2_opNorm_mul",
            student=Claim(
                "submultiplicativity of the spectral norm,",
                Chain(Norm(_A * _B, 2), "<=", Times(Norm(_A, 2), Norm(_B, 2))),
                "(not the triangle inequality)",
            ),
        ),
        Step(
            Chain("=", Times(_MAX, _LAM), "<=", Times(_GAMMA, _LAM)),
            Claim(
                _DIAG_NORM,
                "(diagonal_spectral_norm);",
                _SLOPE_BOUND,
                "for all",
                _a,
                ", proved for each built-in with a closed-form",
                _GAMMA,
            ),
            Evidence.PROVED,
            _gamma_bound,
            student=Claim(_DIAG_NORM, ", and", _SLOPE_BOUND, "by the definition of", _GAMMA),
        ),
        Step(
            Claim(
                "if",
                _LAM < 1 / _GAMMA,
                "then",
                Chain(Times(_GAMMA, _LAM), "<", Times(1 / _GAMMA, _GAMMA), "=", 1),
            ),
            Claim(
                "multiply",
                Chain(_LAM, "<", 1 / _GAMMA),
                "by",
                Chain(_GAMMA, ">", 0),
                "; the product is exactly",
                1,
            ),
            Evidence.PROVED,
            _strict,
        ),
    ],
)
