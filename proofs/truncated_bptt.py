"""Truncated BPTT: what it computes, when it is accurate, and its unbiased randomised variant.

Statement. Truncating backpropagation at τ steps (the gradient of each loss ℓ⁽ᵏ⁾ is stopped
τ steps before k) computes exactly the lag terms of ∂L/∂W with k − t < τ. If ‖J_i‖₂ ≤ η < 1,
its error is at most η^τ C T/(1 − η) with C = γ max‖∇ℓ⁽ᵏ⁾‖ max‖h⁽ᵗ⁻¹⁾‖ (the long-lag bound of
total_gradient_short_lags): for a given T, its bound relative to C shrinks like η^τ as τ
grows. With η ≥ 1 the relative error need not shrink: for the chain w = 1, h⁽⁰⁾ = −N,
x⁽¹⁾ = N + 1, then x = 0, ℓ = h⁽ᵀ⁾ (so C = N for N ≥ 1), the gradient is T − 1 − N while
truncation returns τ, and for N ≥ T the relative error |T − 1 − N − τ|/N = (N + 1 + τ − T)/N
grows with τ up to τ = T − 1. The bound is
relative to C, not to the gradient: with η = 1/2 the same chain (x⁽¹⁾ = N/2 + 1, then
x = 1/2), T = 12, τ = 3, N = 10⁴ has ∂L/∂w ≈ −2.88 while truncation returns 7/4, the wrong
sign, within the bound because C = N. Randomised truncation, which weights the backward
step through J_i by independent ξ_i ∈ {0, 1/π_i} with P(ξ_i = 1/π_i) = π_i, is unbiased; the
price is variance, computed exactly on an example.

Proof. A stopped gradient removes exactly the paths through more than τ − 1 Jacobians. The error
is the long-lag part, bounded in total_gradient_short_lags. For the chains every state after
step 1 equals 1, so ∂L/∂w = Σ_{j=0}^{T−2} w^j − N w^(T−1) and g_τ = Σ_{j<τ} w^j.
E ξ_i = π_i/π_i = 1 and independence give E ∏ ξ_i = 1 for every term.
"""

from functools import cache

import sympy as sp

from symgrad import Evidence, Outcome, Step, Theorem, check_identities, derive_gamma
from symgrad.kernel import AtTime, Chain, Claim, Norm, Op, Over, Partial, Plus, SumOver, Times
from symgrad.maths.rational import norm_squared
from symgrad.maths.routes import forward_mode, unroll
from symgrad.maths.truncation import (
    bound_constant_squared,
    detached_truncated_gradient,
    examples,
    lag_terms,
    randomised_moments,
    randomised_second_moment,
    scalar_chain,
    truncated_gradient,
    unit_weight_chain,
)


@cache
def _analysed():
    out = []
    for ex in examples():
        trace = unroll(ex.problem)[1]
        full = sp.Matrix(forward_mode(ex.problem)["W"])
        out.append((ex, trace, lag_terms(trace), full))
    return out


TAUS = (1, 2, 3, 5, 8)


@cache
def _detached(index, tau):
    return detached_truncated_gradient(examples()[index].problem, tau)


def _taus(ex):
    return [tau for tau in TAUS if tau <= ex.problem.steps]


def _what_it_computes(settings, shift=0):
    cases = []
    for index, (ex, _, terms, _) in enumerate(_analysed()):
        for tau in _taus(ex):
            cases.append(
                (
                    f"{ex.label}, τ = {tau}",
                    _detached(index, tau),
                    truncated_gradient(terms, tau + shift),
                )
            )
    return check_identities(
        "stop-gradient τ steps before each loss + forward mode = Σ_{k−t<τ} D_t(J_{t+1}ᵀ⋯J_kᵀ∇ℓ⁽ᵏ⁾)h⁽ᵗ⁻¹⁾ᵀ, "
        "exact fractions",
        cases,
    )


def _error_bound(settings, shift=0):
    bad, count = [], 0
    for index, (ex, trace, _, full) in enumerate(_analysed()):
        e = sp.Rational(ex.eta)
        C2 = bound_constant_squared(trace, derive_gamma(ex.activation).exact)
        T = ex.problem.steps
        for tau in _taus(ex):
            count += 1
            error = norm_squared(full - _detached(index, tau))
            bound = e ** (2 * (tau + shift)) * C2 * T**2 / (1 - e) ** 2
            if not error <= bound:
                bad.append(f"{ex.label}, τ = {tau}: error² = {error}, bound² = {bound}")
    return Outcome(
        not bad,
        f"‖∂L/∂W − g_τ‖_F² ≤ (η^τ C T/(1 − η))² at {count} (instance, τ) pairs; ∂L/∂W and g_τ "
        "both by forward mode, exact fractions",
        instances=[ex.label for ex in examples()],
        left=bad[0] if bad else None,
        right="the bound" if bad else None,
    )


def _unit_weight(settings, formula=lambda T, N, tau: sp.Rational(N + 1 + tau - T, N)):
    """η = 1: the error relative to C, exactly, for every τ < T; it grows with τ."""
    T = 12
    bad, lines = [], []
    for N in (12, 20, 1000):
        problem = unit_weight_chain(T, N)
        full = forward_mode(problem)["W"][0][0]
        C2 = bound_constant_squared(unroll(problem)[1], 1)  # γ = 1 (identity)
        previous = None
        for tau in range(1, T):
            error = full - detached_truncated_gradient(problem, tau)[0, 0]
            relative2 = sp.Rational(error) ** 2 / C2
            if relative2 != formula(T, N, tau) ** 2:
                bad.append(f"N = {N}, τ = {tau}: (error/C)² = {relative2}")
            elif previous is not None and not relative2 >= previous:
                bad.append(f"N = {N}, τ = {tau}: error/C shrank from √{previous} to √{relative2}")
            previous = relative2
        lines.append(
            f"N = {N}: ∂L/∂w = {full}, C = {sp.sqrt(C2)}; |error|/C = "
            f"{float(formula(T, N, 1)):.3g} at τ = 1, {float(formula(T, N, T - 1)):.3g} at "
            f"τ = {T - 1}"
        )
    return Outcome(
        not bad,
        f"w = 1 (η = 1), T = {T}, N = 12, 20, 1000, every τ = 1..{T - 1}: (∂L/∂w − g_τ)²/C² = "
        "((N + 1 + τ − T)/N)², never decreasing in τ; ∂L/∂w and g_τ both by forward mode, "
        "C² from the run, exact fractions",
        instances=["N = 12", "N = 20", "N = 1000"],
        left=bad[0] if bad else None,
        right=Claim(Over(Plus(_N, 1, _tau, -_T), _N) ** 2, ", non-decreasing in", _tau)
        if bad
        else None,
        details=lines,
    )


def _half_weight(settings, offset=10**4):
    """η = 1/2: a large early state makes the long lags outweigh the rest; the bound holds."""
    T, tau, w = 12, 3, sp.Rational(1, 2)
    problem = scalar_chain(T, offset, w)
    full = sp.Rational(forward_mode(problem)["W"][0][0])
    truncated = sp.Rational(detached_truncated_gradient(problem, tau)[0, 0])
    by_formula = sum(w**j for j in range(T - 1)) - offset * w ** (T - 1)
    C2 = bound_constant_squared(unroll(problem)[1], 1)
    bound2 = w ** (2 * tau) * C2 * T**2 / (1 - w) ** 2
    bad = []
    if full != by_formula or truncated != sum(w**j for j in range(tau)):
        bad.append(f"∂L/∂w = {full}, g_τ = {truncated}")
    if not (full - truncated) ** 2 <= bound2:
        bad.append(f"error² = {(full - truncated) ** 2} > bound² = {bound2}")
    if not full * truncated < 0:
        bad.append(f"∂L/∂w = {full} and g_τ = {truncated} have the same sign")
    return Outcome(
        not bad,
        f"w = η = 1/2, T = {T}, τ = {tau}, N = {offset}: ∂L/∂w (forward mode) = "
        "Σ_{j≤T−2} w^j − N w^(T−1) and g_τ = Σ_{j<τ} w^j, of opposite signs, while "
        "|∂L/∂w − g_τ| ≤ η^τ C T/(1 − η) holds; exact fractions",
        instances=[f"N = {offset}"],
        left=bad[0] if bad else None,
        right="opposite signs within the bound" if bad else None,
        details=[
            f"∂L/∂w = {float(full):.4g}, g_{tau} = {float(truncated):.4g}, "
            f"C = {sp.sqrt(C2)}, bound η^τCT/(1 − η) = {float(sp.sqrt(bound2)):.4g}"
        ],
    )


def _unbiased_weight(settings):
    p = sp.Symbol("pi", positive=True)
    return check_identities(
        "E ξ = π · (1/π) + (1 − π) · 0 = 1 for symbolic π > 0",
        [("symbolic π", p * (1 / p) + (1 - p) * 0, 1)],
    )


def _unbiased(settings, keep_weight=None):
    cases = []
    for ex, trace, _, full in _analysed():
        if ex.problem.steps > 6:
            continue
        T = ex.problem.steps
        for keep in ([sp.Rational(1, 2)] * T, [sp.Rational(1, j + 2) for j in range(T)]):
            mean, _ = randomised_moments(trace, keep, kept_weight=keep_weight)
            shown = ", ".join(str(v) for v in keep)
            cases.append((f"{ex.label}, π = ({shown})", mean, full))
    return check_identities(
        "E g_ξ over all 2^T outcomes of the ξ_i, exact = ∂L/∂W by forward mode", cases
    )


def _variance(settings):
    ex, trace, terms, full = next(a for a in _analysed() if a[0].problem.steps <= 6)
    T = ex.problem.steps
    keep = [sp.Rational(1, 2)] * T
    mean, second = randomised_moments(trace, keep)
    formula = randomised_second_moment(trace, keep)
    variance = second - norm_squared(mean)
    bias = norm_squared(full - truncated_gradient(terms, 2))
    out = check_identities(
        "E‖g_ξ‖_F² by enumerating 2^T outcomes = the pairing formula Σ⟨term, term′⟩∏_{A ∩ A′}1/π_i",
        [(f"{ex.label}, π_i = 1/2", second, formula)],
    )
    out.ok = out.ok and variance > 0
    out.details = [
        f"E‖g_ξ − ∂L/∂W‖_F² = {float(variance):.6g} (> 0) with π_i = 1/2",
        f"for comparison ‖∂L/∂W − g_2‖_F² = {float(bias):.6g} (the squared bias of truncation at "
        f"τ = 2) and ‖∂L/∂W‖_F² = {float(norm_squared(full)):.6g}",
    ]
    return out


# the notation of the statement and the steps
_k, _t, _T, _N, _tau = sp.symbols("k t T N tau")
_eta, _C = sp.symbols("eta C", positive=True)
_L = sp.Symbol("L")
_g_tau, _g_xi = sp.symbols("g_tau g_xi")
_dW, _dw = Partial(_L, sp.Symbol("W")), Partial(_L, sp.Symbol("w"))
_ERROR = Chain(
    Norm(Plus(_dW, -_g_tau), "F"), "<=", Times(_eta**_tau, Over(_C * _T, Plus(1, -_eta)))
)
_UNBIASED = Chain(Op("E", _g_xi), "=", _dW)

THEOREM = Theorem(
    id="truncated_bptt",
    title="Truncated BPTT and its randomised, unbiased variant",
    statement=(
        "Truncation at τ computes the lag terms with k − t < τ; if ‖J_i‖₂ ≤ η < 1 its error is "
        "at most η^τ C T/(1 − η), so for a given T its bound relative to C shrinks like η^τ as "
        "τ grows; with η ≥ 1 the error relative to C need not shrink at all. The bound is relative to C, not to the "
        "gradient: for η < 1 too, truncation can return the wrong sign. Randomised truncation "
        "with E ξ_i = 1 is unbiased, at the price of variance."
    ),
    formula=Claim(_ERROR, ",", _UNBIASED),
    convention=(
        "Model A, column vectors; g_τ = Σ over the lag terms with k − t < τ; "
        "ξ_i ∈ {0, 1/π_i} independent, P(ξ_i = 1/π_i) = π_i"
    ),
    proof=(
        "Stopping the gradient removes the paths through τ or more Jacobians; the long-lag bound "
        "gives the error; E ∏ ξ_i = ∏ E ξ_i = 1."
    ),
    assumptions=[
        "Model A",
        "for the error bound: ‖J_i‖₂ ≤ η < 1 and |σ′| ≤ γ everywhere (γ = sup|σ′|)",
        "ξ_i independent",
    ],
    references=[
        "Williams & Peng (1990), truncated BPTT",
        "Tallec & Ollivier (2017), unbiased randomised truncation",
        "Zhang et al., Dive into Deep Learning, §9.7 (randomised truncation)",
    ],
    tags=["truncation", "total gradient", "estimator"],
    steps=[
        Step(
            Claim(
                "stopping the gradient",
                _tau,
                "steps before",
                AtTime("ell", _k),
                "computes",
                Chain(_g_tau, "=", SumOver(Op("term", _k, _t), _k - _t < _tau)),
            ),
            "only paths through fewer than τ Jacobians survive; the stop-gradient run is "
            "differentiated by forward mode, the lag terms by Jacobian products",
            Evidence.CHECKED,
            _what_it_computes,
            student="only paths through fewer than τ Jacobians survive the cut",
        ),
        Step(
            Claim(_ERROR, "when", _eta < 1),
            "the error is the long-lag part (total_gradient_short_lags)",
            Evidence.CHECKED,
            _error_bound,
        ),
        Step(
            Claim(
                sp.Eq(_eta, 1),
                ":",
                Chain(Over(sp.Abs(Plus(_dw, -_g_tau)), _C), "=", Over(Plus(_N, 1, _tau, -_T), _N)),
                "grows with",
                _tau,
                "= 1, …, T − 1, for",
                _N >= _T,
            ),
            "∂L/∂w = T − 1 − N and g_τ = τ: every state after the first equals 1, and the early "
            "state −N, which sets C = N, is seen only by the longest lag",
            Evidence.CHECKED,
            _unit_weight,
        ),
        Step(
            Claim(
                sp.Eq(_eta, sp.Rational(1, 2)),
                ",",
                sp.Eq(_N, sp.Pow(10, 4, evaluate=False)),
                ",",
                sp.Eq(_T, 12),
                ",",
                sp.Eq(_tau, 3),
                ":",
                Chain(_dw, "~", sp.Float("-2.88")),
                "and",
                Chain(_g_tau, "=", sp.Rational(7, 4)),
                ", inside the bound",
            ),
            "the bound is relative to C = N, which grows with the early state; the lags ≥ τ "
            "outweigh the short ones",
            Evidence.CHECKED,
            _half_weight,
        ),
        Step(
            Chain(Op("E", sp.Symbol("xi_i")), "=", 1),
            "ξ_i = 1/π_i with probability π_i, else 0",
            Evidence.PROVED,
            _unbiased_weight,
        ),
        Step(
            _UNBIASED,
            "E ∏ ξ_i = ∏ E ξ_i = 1 for every term (independence); checked by enumerating "
            "every outcome",
            Evidence.CHECKED,
            _unbiased,
        ),
        Step(
            Claim(
                Chain(Op("E", Norm(Plus(_g_xi, -_dW), "F") ** 2), ">", 0),
                ": the variance, exactly, on an example",
            ),
            "E ξ_i² = 1/π_i > 1 inflates the second moment",
            Evidence.CHECKED,
            _variance,
        ),
    ],
)
