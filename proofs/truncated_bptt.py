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
from symgrad.kernel import (
    AtTime,
    Cdots,
    Chain,
    Claim,
    Decimal,
    Grad,
    Norm,
    Op,
    Over,
    Partial,
    Plus,
    Prime,
    SumOver,
    Sup,
    Times,
    Transposed,
)
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
                    Claim(ex.label, ",", Chain(_tau, "=", tau)),
                    _detached(index, tau),
                    truncated_gradient(terms, tau + shift),
                )
            )
    return check_identities(
        Claim(
            "a stop-gradient",
            _tau,
            "steps before each loss, differentiated by forward mode, equals",
            _SHORT_SUM,
            ", exact fractions",
        ),
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
                bad.append(
                    Claim(
                        ex.label,
                        ",",
                        Chain(_tau, "=", tau),
                        ": squared error",
                        Chain("=", error, ">", bound),
                        "(the squared bound)",
                    )
                )
    return Outcome(
        not bad,
        Claim(
            f"the truncation error is within the long-lag bound at {count} pairs (instance,",
            _tau,
            ");",
            _dW,
            "and the truncated gradient both by forward mode, exact fractions",
        ),
        instances=[ex.label for ex in examples()],
        left=bad[0] if bad else None,
        right="the bound" if bad else None,
    )


def _unit_weight(settings, formula=lambda T, N, tau: sp.Rational(N + 1 + tau - T, N)):
    """η = 1: the error relative to C, exactly, for every τ < T; it grows with τ."""
    T = 12
    bad, lines = [], []
    ns = (12, 20, 1000)
    for N in ns:
        problem = unit_weight_chain(T, N)
        full = forward_mode(problem)["W"][0][0]
        C2 = bound_constant_squared(unroll(problem)[1], 1)  # γ = 1 (identity)
        previous = None
        for tau in range(1, T):
            error = full - detached_truncated_gradient(problem, tau)[0, 0]
            relative2 = sp.Rational(error) ** 2 / C2
            at = Claim(Chain(_N, "=", N), ",", Chain(_tau, "=", tau), ":")
            if relative2 != formula(T, N, tau) ** 2:
                bad.append(Claim(at, Chain(_RELATIVE**2, "=", relative2)))
            elif previous is not None and not relative2 >= previous:
                bad.append(
                    Claim(
                        at,
                        _RELATIVE,
                        "shrank from",
                        sp.sqrt(previous, evaluate=False),
                        "to",
                        sp.sqrt(relative2, evaluate=False),
                    )
                )
            previous = relative2
        lines.append(
            Claim(
                Chain(_N, "=", N),
                ":",
                Chain(_dw, "=", full),
                ",",
                Chain(_C, "=", sp.sqrt(C2)),
                ";",
                Chain(_RELATIVE, "=", Decimal(f"{float(formula(T, N, 1)):.3g}")),
                "at",
                Chain(_tau, "=", 1),
                ",",
                Decimal(f"{float(formula(T, N, T - 1)):.3g}"),
                "at",
                Chain(_tau, "=", T - 1),
            )
        )
    return Outcome(
        not bad,
        Claim(
            Chain(_w, "=", 1),
            "(",
            Chain(_eta, "=", 1),
            "),",
            Chain(_T, "=", T),
            ",",
            Chain(_N, "in", sp.FiniteSet(*ns)),
            ", every",
            Chain(1, "<=", _tau, "<=", T - 1),
            ":",
            Chain(Over(Plus(_dw, -_g_tau) ** 2, _C**2), "=", Over(Plus(_N, 1, _tau, -_T), _N) ** 2),
            ", never decreasing in",
            _tau,
            ";",
            _dw,
            "and the truncated gradient both by forward mode,",
            _C**2,
            "from the run, exact fractions",
        ),
        instances=[Claim(Chain(_N, "=", v)) for v in ns],
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
    values = Claim(Chain(_dw, "=", full), "and", Chain(_g_tau, "=", truncated))
    if full != by_formula or truncated != sum(w**j for j in range(tau)):
        bad.append(values)
    if not (full - truncated) ** 2 <= bound2:
        bad.append(
            Claim(
                "squared error",
                Chain("=", (full - truncated) ** 2, ">", bound2),
                "(the squared bound)",
            )
        )
    if not full * truncated < 0:
        bad.append(Claim(values, "have the same sign"))
    j = sp.Symbol("j")
    return Outcome(
        not bad,
        Claim(
            Chain(_w, "=", _eta, "=", w),
            ",",
            Chain(_T, "=", T),
            ",",
            Chain(_tau, "=", tau),
            ",",
            Chain(_N, "=", offset),
            ":",
            Chain(_dw, "=", Plus(sp.Sum(_w**j, (j, 0, _T - 2)), -_N * _w ** (_T - 1))),
            "(forward mode) and the truncated gradient",
            Chain(_g_tau, "=", sp.Sum(_w**j, (j, 0, _tau - 1))),
            "have opposite signs, while the long-lag bound on the error holds; exact fractions",
        ),
        instances=[Claim(Chain(_N, "=", offset))],
        left=bad[0] if bad else None,
        right="opposite signs within the bound" if bad else None,
        details=[
            Claim(
                Chain(_dw, "=", Decimal(f"{float(full):.4g}")),
                ",",
                Chain(sp.Symbol(f"g_{tau}"), "=", Decimal(f"{float(truncated):.4g}")),
                ",",
                Chain(_C, "=", sp.sqrt(C2)),
                ", long-lag bound",
                Chain("=", Decimal(f"{float(sp.sqrt(bound2)):.4g}")),
            )
        ],
    )


def _unbiased_weight(settings):
    p = sp.Symbol("pi", positive=True)
    xi = sp.Symbol("xi")
    stated = Chain(Op("E", xi), "=", Plus(Times(p, Over(1, p)), Times(Plus(1, -p), 0)), "=", 1)
    return check_identities(
        Claim(stated, "for symbolic", Chain(p, ">", 0)),
        [(Claim("symbolic", p), p * (1 / p) + (1 - p) * 0, 1)],
    )


def _unbiased(settings, keep_weight=None):
    cases = []
    for ex, trace, _, full in _analysed():
        if ex.problem.steps > 6:
            continue
        T = ex.problem.steps
        for keep in ([sp.Rational(1, 2)] * T, [sp.Rational(1, j + 2) for j in range(T)]):
            mean, _ = randomised_moments(trace, keep, kept_weight=keep_weight)
            cases.append((Claim(ex.label, ",", Chain(_pi, "=", sp.Tuple(*keep))), mean, full))
    return check_identities(
        Claim(
            "the mean of the randomised gradient over all",
            2**_T,
            "outcomes of the",
            _xi_i,
            ", exact, equals",
            _dW,
            "by forward mode",
        ),
        cases,
    )


def _variance(settings):
    ex, trace, terms, full = next(a for a in _analysed() if a[0].problem.steps <= 6)
    T = ex.problem.steps
    keep = [sp.Rational(1, 2)] * T
    mean, second = randomised_moments(trace, keep)
    formula = randomised_second_moment(trace, keep)
    variance = second - norm_squared(mean)
    bias = norm_squared(full - truncated_gradient(terms, 2))
    half = Chain(_pi_i, "=", sp.Rational(1, 2))
    out = check_identities(
        Claim(
            "the mean squared norm of the randomised gradient over all",
            2**_T,
            "outcomes equals the pairing formula (a sum of the inner products of two terms, "
            "each times the product of",
            1 / _pi_i,
            "over the steps both keep)",
        ),
        [(Claim(ex.label, ",", half), second, formula)],
    )
    out.ok = out.ok and variance > 0
    out.details = [
        Claim(
            "variance (mean squared distance to",
            _dW,
            ")",
            Chain("=", Decimal(f"{float(variance):.6g}"), ">", 0),
            "with",
            half,
        ),
        Claim(
            "for comparison the squared error of truncation at",
            Chain(_tau, "=", 2),
            "is",
            Decimal(f"{float(bias):.6g}"),
            "and",
            Chain(Norm(_dW) ** 2, "=", Decimal(f"{float(norm_squared(full)):.6g}")),
        ),
    ]
    return out


# the notation of the statement and the steps
_k, _t, _T, _N, _tau = sp.symbols("k t T N tau")
_eta, _C = sp.symbols("eta C", positive=True)
_L = sp.Symbol("L")
_g_tau, _g_xi = sp.symbols("g_tau g_xi")
_w, _i = sp.symbols("w i")
_pi = sp.Symbol("pi", positive=True)
_xi_i, _pi_i = sp.symbols("xi_i pi_i")
_dW, _dw = Partial(_L, sp.Symbol("W")), Partial(_L, _w)
_RELATIVE = Over(sp.Abs(Plus(_dw, -_g_tau)), _C)  # |error|/C
_J = sp.IndexedBase("J", commutative=False)
_SHORT_SUM = SumOver(
    sp.Symbol("D_t", commutative=False)
    * Transposed(_J[_t + 1])
    * Cdots()
    * Transposed(_J[_k])
    * Grad(AtTime("ell", _k))
    * Transposed(AtTime("h", _t - 1)),
    _k - _t < _tau,
)
_ERROR = Chain(
    Norm(Plus(_dW, -_g_tau), "F"), "<=", Times(_eta**_tau, Over(_C * _T, Plus(1, -_eta)))
)
_UNBIASED = Chain(Op("E", _g_xi), "=", _dW)
_SHORT = _k - _t < _tau
_CONTRACTING = Chain(Norm(sp.IndexedBase("J")[_i], 2), "<=", _eta, "<", 1)
_EXPECTED_PRODUCT = Chain(
    Op("E", sp.Product(_xi_i, (_i, _t + 1, _k))),
    "=",
    sp.Product(Op("E", _xi_i), (_i, _t + 1, _k)),
    "=",
    1,
)
_x, _gamma = sp.Symbol("x"), sp.Symbol("gamma")

THEOREM = Theorem(
    id="truncated_bptt",
    title="Truncated BPTT and its randomised, unbiased variant",
    statement=Claim(
        "Truncation at",
        _tau,
        "computes the lag terms with",
        _SHORT,
        ". If",
        _CONTRACTING,
        ", its error is at most",
        Times(_eta**_tau, Over(_C * _T, Plus(1, -_eta))),
        ", so for a given",
        _T,
        "its bound relative to",
        _C,
        "shrinks like",
        _eta**_tau,
        "as",
        _tau,
        "grows; with",
        _eta >= 1,
        "the error relative to",
        _C,
        "need not shrink at all. The bound is relative to",
        _C,
        ", not to the gradient: for",
        _eta < 1,
        "too, truncation can return the wrong sign. Randomised truncation with",
        Chain(Op("E", _xi_i), "=", 1),
        "is unbiased, at the price of variance.",
    ),
    formula=Claim(_ERROR, ",", _UNBIASED),
    convention=Claim(
        "Model A, column vectors;",
        _g_tau,
        "is the sum of the lag terms with",
        _SHORT,
        "; each",
        _xi_i,
        "is",
        0,
        "or",
        1 / _pi_i,
        ", independently, with",
        Chain(Op("P", sp.Eq(_xi_i, 1 / _pi_i, evaluate=False)), "=", _pi_i),
    ),
    proof=Claim(
        "Stopping the gradient removes the paths through",
        _tau,
        "or more Jacobians, and the long-lag bound of total_gradient_short_lags gives the error. "
        "For the randomised variant, independence gives",
        _EXPECTED_PRODUCT,
        "for every term.",
    ),
    assumptions=[
        "Model A",
        Claim(
            "for the error bound:",
            _CONTRACTING,
            "and",
            Chain(sp.Abs(Prime("sigma", _x)), "<=", _gamma),
            "for every",
            _x,
            "(",
            Chain(_gamma, "=", Sup(sp.Abs(Prime("sigma", _x)), _x)),
            ")",
        ),
        Claim("the", _xi_i, "are independent"),
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
            Claim(
                "only paths through fewer than",
                _tau,
                "Jacobians survive; the stop-gradient run is differentiated by forward mode, the "
                "lag terms by Jacobian products",
            ),
            Evidence.CHECKED,
            _what_it_computes,
            student=Claim("only paths through fewer than", _tau, "Jacobians survive the cut"),
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
                "over",
                Chain(1, "<=", _tau, "<=", _T - 1),
                ", for",
                _N >= _T,
            ),
            Claim(
                Chain(_dw, "=", Plus(_T, -1, -_N)),
                "and",
                Chain(_g_tau, "=", _tau),
                ": every state after the first equals 1, and the early state",
                -_N,
                ", which sets",
                Chain(_C, "=", _N),
                ", is seen only by the longest lag",
            ),
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
            Claim(
                "the bound is relative to",
                Chain(_C, "=", _N),
                ", which grows with the early state; the lags",
                Chain(">=", _tau),
                "outweigh the short ones",
            ),
            Evidence.CHECKED,
            _half_weight,
        ),
        Step(
            Chain(Op("E", sp.Symbol("xi_i")), "=", 1),
            Claim(Chain(_xi_i, "=", 1 / _pi_i), "with probability", _pi_i, ", else 0"),
            Evidence.PROVED,
            _unbiased_weight,
        ),
        Step(
            _UNBIASED,
            Claim(
                Chain(
                    Op("E", sp.Product(_xi_i, (_i, _t + 1, _k))),
                    "=",
                    sp.Product(Op("E", _xi_i), (_i, _t + 1, _k)),
                    "=",
                    1,
                ),
                "for every term (independence); checked by enumerating every outcome",
            ),
            Evidence.CHECKED,
            _unbiased,
        ),
        Step(
            Claim(
                Chain(Op("E", Norm(Plus(_g_xi, -_dW), "F") ** 2), ">", 0),
                ": the variance, exactly, on an example",
            ),
            Claim(Chain(Op("E", _xi_i**2), "=", 1 / _pi_i, ">", 1), "inflates the second moment"),
            Evidence.CHECKED,
            _variance,
        ),
    ],
)
