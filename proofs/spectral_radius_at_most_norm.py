"""ρ(W) ≤ ‖W‖₂, with equality for normal W, and Gelfand's formula ‖W^k‖^(1/k) → ρ(W).

Statement. For every square W, ρ(W) ≤ ‖W‖₂ (indeed ≤ ‖W‖ for any induced norm), with equality
when W is normal. The spectral radius governs the long run: ‖W^k‖₂^(1/k) → ρ(W), while ‖W‖₂
governs a single step.

Proof. If Wv = λv with v ≠ 0 then |λ|‖v‖ = ‖Wv‖ ≤ ‖W‖‖v‖.
"""

import numpy as np
import sympy as sp

from symgrad import Evidence, Outcome, Step, Theorem, check_property
from symgrad.kernel import Chain, Claim, Norm, Over, Tends, Times, check_holds, power_of_ten
from symgrad.maths.linear import power_norms, spectral_norm_exceeds, spectral_radius_below


def _eigen_step(settings):
    lam, v, norm = sp.symbols("lambda v W_norm", positive=True)
    # |λ|‖v‖ = ‖Wv‖ ≤ ‖W‖‖v‖ and ‖v‖ > 0  ⇒  |λ| ≤ ‖W‖
    solved = sp.solve_univariate_inequality(lam * v <= norm * v, lam, relational=False)
    ok = solved == sp.Interval(-sp.oo, norm)
    return Outcome(
        ok,
        Claim(
            "dividing",
            Chain(Times(sp.Abs(_lam), Norm(_v)), "<=", Times(Norm(_W), Norm(_v))),
            "by",
            Chain(Norm(_v), ">", 0),
            "leaves",
            Chain(sp.Abs(_lam), "<=", Norm(_W)),
        ),
        instances=["symbolic"],
        left=solved,
        right=sp.Interval(-sp.oo, norm),
    )


def _bound(settings):
    from hypothesis import strategies as st

    from symgrad.maths.strategies import matrices_with_spectral_radius

    @st.composite
    def cases(draw):
        n = draw(st.integers(1, 6))
        radius = draw(st.floats(0.1, 2.0))
        coupling = draw(st.floats(0.0, 3.0))
        return (
            draw(matrices_with_spectral_radius(n, radius=radius, max_coupling=coupling)),
            radius,
            coupling,
        )

    def prop(case):
        W, radius, coupling = case
        norm = np.linalg.norm(W, 2)
        check_holds(radius <= norm * (1 + 1e-12), f"ρ = {radius!r}", f"‖W‖₂ = {norm!r}")
        if coupling == 0:
            check_holds(
                abs(norm - radius) <= 1e-12 * max(1, radius),
                f"normal: ‖W‖₂ = {norm!r}",
                f"ρ = {radius!r}",
            )

    return check_property(
        prop,
        [cases()],
        settings=settings,
        default_examples=100,
        checked=Claim(
            Chain(_RHO, "<=", Norm(_W, 2)),
            "(",
            _rho,
            "by construction), equality for normal",
            _W,
        ),
        tolerance=Claim("relative", power_of_ten(-12)),
    )


def _gelfand(settings):
    from hypothesis import strategies as st

    from symgrad.maths.strategies import matrices_with_spectral_radius

    @st.composite
    def cases(draw):
        n = draw(st.integers(1, 4))
        radius = draw(st.floats(0.5, 1.5))
        return draw(matrices_with_spectral_radius(n, radius=radius, max_coupling=1.0)), radius

    def prop(case):
        W, radius = case
        k = 400
        root = power_norms(W / radius, k)[k] ** (1 / k)  # scaled: tends to 1
        check_holds(abs(root - 1) <= 0.05, f"the 400th root of ‖(W/ρ)⁴⁰⁰‖ = {root!r}", "1 ± 0.05")

    return check_property(
        prop,
        [cases()],
        settings=settings,
        default_examples=40,
        checked=Claim(
            Over(Norm(_W**_k, 2) ** (1 / _k), _rho),
            "within 5 % of 1 at",
            sp.Eq(_k, 400),
            "(",
            Chain(_n, "<=", 4),
            ", coupling",
            Chain("<=", 1),
            ")",
        ),
        tolerance=Claim(
            "5 %: the",
            _k ** (_n - 1),
            "Jordan-type factor and the non-normal constant shrink like their",
            1 / _k,
            "-th roots",
        ),
    )


def _certificates(settings):
    """The exact tests used by the refutations agree with exact eigenvalues."""
    q = sp.Rational
    nilpotent = sp.Matrix([[0, 2], [0, 0]])
    cases = [
        (Claim("nilpotent,", Chain(_W, "=", nilpotent)), nilpotent),
        (Claim("Jordan", sp.Eq(_lam, q(9, 10))), sp.Matrix([[q(9, 10), 1], [0, q(9, 10)]])),
        (Claim(sp.Eq(_rho, 1), "exactly"), sp.Matrix([[1, 0], [0, 0]])),
        (Claim("rotation,", sp.Eq(sp.Abs(_lam), 1)), sp.Matrix([[0, 1], [-1, 0]])),
        (Claim(Chain(_rho, "=", Norm(_W), "=", q(1, 2))), sp.Matrix([[q(1, 2), 0], [0, q(-1, 3)]])),
        (Claim(Chain(Norm(_W), "=", 1), "exactly"), sp.Matrix([[1, 0], [0, q(1, 2)]])),
        (Claim("non-normal,", Chain(_rho, ">", 1)), sp.Matrix([[q(3, 2), 5], [0, q(-1, 4)]])),
    ]
    wrong = []
    for label, W in cases:
        rho = max(sp.Abs(v) for v in W.eigenvals())
        norm = sp.sqrt(max((W.T * W).eigenvals()))
        if spectral_radius_below(W) != bool(rho < 1) or spectral_norm_exceeds(W) != bool(norm > 1):
            wrong.append(label)
    return Outcome(
        not wrong,
        Claim(
            "spectral_radius_below (Jury) and spectral_norm_exceeds (positive semidefiniteness) "
            "agree with",
            _RHO,
            "and",
            Norm(_W, 2),
            "from SymPy's exact eigenvalues, boundary cases included",
        ),
        instances=[label for label, _ in cases],
        left=Claim(*[part for label in wrong for part in (label, ";")][:-1])
        if wrong
        else "all agree",
        right="all agree",
    )


# the notation of the statement and the steps
_W, _v = sp.symbols("W v", commutative=False)
_lam, _k, _n, _rho = sp.symbols("lambda k n rho")
_RHO = sp.Function("rho")(_W)
_EIGEN = Chain(Times(sp.Abs(_lam), Norm(_v)), "=", Norm(_W * _v), "<=", Times(Norm(_W), Norm(_v)))
_GELFAND = Tends(Norm(_W**_k, 2) ** (1 / _k), _RHO, _k)

THEOREM = Theorem(
    id="spectral_radius_at_most_norm",
    title="Spectral radius, spectral norm and Gelfand's formula",
    statement=Claim(
        Chain(_RHO, "<=", Norm(_W, 2)),
        ", with equality when",
        _W,
        "is normal; and",
        _GELFAND,
        "(Gelfand's formula).",
    ),
    formula=Claim(Chain(_RHO, "<=", Norm(_W, 2)), ",", _GELFAND),
    proof=Claim(
        "For an eigenvector",
        _v,
        "with eigenvalue",
        _lam,
        ",",
        _EIGEN,
        ", so",
        Chain(sp.Abs(_lam), "<=", Norm(_W)),
        ".",
    ),
    references=[
        "mathlib: spectrum.spectralRadius_le_nnnorm",
        "mathlib: spectrum.pow_nnnorm_pow_one_div_tendsto_nhds_spectralRadius (Gelfand)",
    ],
    tags=["linear", "spectral radius"],
    steps=[
        Step(
            Claim(
                "the exact tests",
                Chain(_RHO, "<", 1),
                "and",
                Chain(Norm(_W, 2), ">", 1),
                "used by the refutations are right",
            ),
            "compared with exact eigenvalues on stated matrices",
            Evidence.CHECKED,
            _certificates,
        ),
        Step(
            Claim(_EIGEN, "for every eigenvalue", _lam, "with eigenvector", _v),
            Claim("eigenvector", _v, ":", _EIGEN),
            Evidence.PROVED,
            _eigen_step,
        ),
        Step(
            Claim(Chain(_RHO, "<=", Norm(_W, 2)), ", with equality for normal", _W),
            "the step above over all eigenvalues",
            Evidence.CITED,
            _bound,
            source="mathlib spectrum.spectralRadius_le_nnnorm",
            student=Claim(
                "a standard lemma:",
                Chain(Norm(_W * _v), "=", Times(sp.Abs(_lam), Norm(_v))),
                "for an eigenvector",
                _v,
                ", so",
                Chain(sp.Abs(_lam), "<=", Norm(_W, 2)),
            ),
        ),
        Step(
            _GELFAND,
            "Gelfand's formula",
            Evidence.CITED,
            _gelfand,
            source="mathlib spectrum.pow_nnnorm_pow_one_div_tendsto_nhds_spectralRadius",
            student="Gelfand's formula, a standard theorem",
        ),
    ],
)
