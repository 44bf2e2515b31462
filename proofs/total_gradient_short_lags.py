"""The total gradient split by lag: with η < 1 the long lags carry at most η^τ of its bound.

Statement. Model A, column vectors, L = Σ_k ℓ⁽ᵏ⁾, ‖J_i‖₂ ≤ η < 1 for every step (η = λ₁γ works).
Convention: the immediate partial ∂⁺h⁽ᵗ⁾/∂W holds h⁽ᵗ⁻¹⁾ fixed and maps ΔW to D_t ΔW h⁽ᵗ⁻¹⁾,
so ‖∂⁺h⁽ᵗ⁾/∂W‖ ≤ γ‖h⁽ᵗ⁻¹⁾‖. The term of lag k − t of ∂L/∂W is the rank-one matrix
D_t (J_{t+1}ᵀ⋯J_kᵀ∇ℓ⁽ᵏ⁾) h⁽ᵗ⁻¹⁾ᵀ, whose Frobenius norm is at most η^(k−t) γ ‖∇ℓ⁽ᵏ⁾‖ ‖h⁽ᵗ⁻¹⁾‖.
With C = γ max‖∇ℓ⁽ᵏ⁾‖ max‖h⁽ᵗ⁻¹⁾‖: ‖∂L/∂W‖_F ≤ C T/(1 − η), and the terms of lag ≥ τ add up to
at most η^τ C T/(1 − η), a fraction η^τ of the bound. This bounds the long lags; it does
not make them a small part of the gradient itself: in the chain h⁽ᵗ⁾ = h⁽ᵗ⁻¹⁾/2 + x⁽ᵗ⁾ with
h⁽⁰⁾ = −10⁴ and every later state 1 (T = 12, ℓ = h⁽ᵀ⁾), the lags ≥ 3 add up to about −4.63 and
the lags < 3 to 7/4, within the bound because C grows with the early state.

Proof. The triangle inequality over the terms (k, t), the term bound, and the geometric series:
Σ_{k≤T} Σ_{j<k} η^j ≤ T Σ_{j≥0} η^j = T/(1 − η), Σ_{k≤T} Σ_{τ≤j<k} η^j ≤ T η^τ/(1 − η).
"""

from fractions import Fraction
from functools import cache

import sympy as sp

from symgrad import Evidence, Outcome, Step, Theorem, check_identities, derive_gamma
from symgrad.kernel import (
    AtTime,
    Cdots,
    Chain,
    Claim,
    Grad,
    MaxOver,
    Norm,
    Op,
    Over,
    Partial,
    Plus,
    SumOver,
    Times,
    Transposed,
)
from symgrad.maths.rational import norm_squared, rational_rule, spectral_norm_at_most
from symgrad.maths.routes import Problem, forward_mode, unroll
from symgrad.maths.truncation import (
    bound_constant_squared,
    examples,
    lag_terms,
    long_lag_part,
    loss_gradient,
    scalar_chain,
)


@cache
def _analysed():
    """Each instance with γ (derived), its forward trace and its lag terms."""
    out = []
    for ex in examples():
        trace = unroll(ex.problem)[1]
        gamma = derive_gamma(ex.activation).exact
        out.append((ex.label, ex.problem, ex.eta, gamma, trace, lag_terms(trace)))
    return out


def _sum_of_terms(settings):
    cases = []
    for label, problem, _, _, _, terms in _analysed():
        n = problem.hidden
        total = sum(terms.values(), sp.zeros(n, n))
        cases.append((label, total, sp.Matrix(forward_mode(problem)["W"])))
    return check_identities(
        "the sum over k ≥ t of Dₜ(Jₜ₊₁ᵀ⋯Jₖᵀ∇ℓ⁽ᵏ⁾)h⁽ᵗ⁻¹⁾ᵀ = ∂L/∂W by forward-mode dual numbers, "
        "exactly",
        cases,
    )


def _rank_one(settings):
    n = sp.Symbol("n", integer=True, positive=True)
    i, j = sp.symbols("i j", integer=True)
    u, h = sp.IndexedBase("u", real=True), sp.IndexedBase("h", real=True)
    inner = sp.Sum(sp.expand((u[i] * h[j]) ** 2), (j, 1, n))  # row i of (u hᵀ), squared
    lhs = sp.factor_terms(sp.Sum(sp.factor_terms(inner), (i, 1, n)))
    rhs = sp.Sum(u[i] ** 2, (i, 1, n)) * sp.Sum(h[j] ** 2, (j, 1, n))
    return check_identities(
        "Σᵢ Σⱼ (uᵢ hⱼ)² = (Σᵢ uᵢ²)(Σⱼ hⱼ²) for symbolic n", [("symbolic n", lhs, rhs)]
    )


def _term_bound(settings, shift=0):
    bad = []
    count = 0
    for label, problem, eta, gamma, trace, terms in _analysed():
        for (k, t), term in terms.items():
            count += 1
            g = loss_gradient(problem, k, trace.states[k])
            bound = (gamma * sp.Rational(eta) ** (k - t + shift)) ** 2
            bound *= norm_squared(g) * norm_squared(trace.states[t - 1])
            if not norm_squared(term) <= bound:
                bad.append(f"{label}: (k, t) = ({k}, {t}): ‖term‖² = {norm_squared(term)}")
    return Outcome(
        not bad,
        f"‖term(k, t)‖² ≤ (γ ηᵏ⁻ᵗ ‖∇ℓ⁽ᵏ⁾‖ ‖h⁽ᵗ⁻¹⁾‖)² for all {count} terms, exact fractions",
        instances=[ex.label for ex in examples()],
        left=bad[0] if bad else None,
        right="the bound" if bad else None,
    )


def _geometric(settings):
    j, k = sp.symbols("j k", integer=True, nonnegative=True)
    u = sp.Symbol("u", positive=True)
    eta = 1 / (1 + u)  # every 0 < η < 1
    inner = sp.summation(eta**j, (j, 0, k - 1))
    gap = eta**k / (1 - eta)
    out = check_identities(
        "the sum of ηʲ over j = 0, …, k − 1 (summed by SymPy) = 1/(1 − η) − ηᵏ/(1 − η), and "
        "ηᵏ/(1 − η) > 0",
        [("symbolic k, η = 1/(1+u), u > 0", inner, 1 / (1 - eta) - gap)],
    )
    out.ok = out.ok and gap.is_positive is True
    return out


def _share(settings, shift=0):
    tau, N, j = sp.symbols("tau N j", integer=True, nonnegative=True)
    u = sp.Symbol("u", positive=True)
    eta = 1 / (1 + u)
    tail = sp.summation(eta**j, (j, tau, tau + N))
    head = sp.summation(eta**j, (j, 0, N))
    return check_identities(
        "the sum of ηʲ over j = τ, …, τ + N is η to the power τ times the sum over j = 0, …, N, "
        "both sums by SymPy, so the lags ≥ τ carry at most that power of η over 1 − η per loss",
        [("symbolic τ, N, η = 1/(1+u)", tail, eta ** (tau + shift) * head)],
    )


def _loss_gradient_by_hand(problem, k, state):
    """∇ℓ⁽ᵏ⁾ written out: h⁽ᵏ⁾ − y⁽ᵏ⁾ for the squared loss; the given gradient otherwise."""
    target = problem.ys[k - 1]
    if problem.loss == "squared":
        return [h - y for h, y in zip(state, target, strict=True)]
    return list(target)


def _pieces(settings, boundary=0, first_state=0):
    """C² and the lags ≥ τ as the library computes them, against their definitions."""
    g = sp.Symbol("gamma", positive=True)
    cases = []
    # a linear unit fed 1, 2, 3, 4: the states grow, so the largest is the last one used
    growing = Problem(
        "A", [[Fraction(1, 2)]], [[1]], [0], [0], [[1], [2], [3], [4]], [[0]] * 4,
        rational_rule("identity"),
    )  # fmt: skip
    instances = [*_analysed(), ("growing states", growing, None, None, unroll(growing)[1], None)]
    for label, problem, _, _, trace, terms in instances:
        terms = lag_terms(trace) if terms is None else terms
        T = problem.steps
        grads = max(
            sum(v * v for v in _loss_gradient_by_hand(problem, k, trace.states[k]))
            for k in range(1, T + 1)
        )
        # h⁽ᵗ⁻¹⁾ for t = 1..T
        states = max(norm_squared(trace.states[t]) for t in range(first_state, T + first_state))
        cases.append((f"{label}: C²", bound_constant_squared(trace, g), g**2 * grads * states))
        for tau in range(T + 1):
            kept = [term for (k, t), term in terms.items() if k - t >= tau + boundary]
            total = sum(kept, sp.zeros(problem.hidden, problem.hidden))
            cases.append((f"{label}: lags ≥ {tau}", long_lag_part(terms, tau), total))
    return check_identities(
        "C² = γ² (maxₖ ‖∇ℓ⁽ᵏ⁾‖²)(maxₜ ‖h⁽ᵗ⁻¹⁾‖²) for symbolic γ (∇ℓ⁽ᵏ⁾ = h⁽ᵏ⁾ − y⁽ᵏ⁾ written "
        "out), and the lags ≥ τ summed term by term for τ = 0..T, exact fractions",
        cases,
    )


def _checked_bounds(settings, shift=0):
    bad, lines = [], []
    for label, problem, eta, gamma, trace, terms in _analysed():
        W = sp.Matrix(problem.W)
        if not spectral_norm_at_most(W, sp.Rational(eta) / gamma):
            bad.append(f"{label}: ‖W‖₂γ ≤ η fails")
        e = sp.Rational(eta)
        C2 = bound_constant_squared(trace, gamma)
        T = problem.steps
        for tau in range(T + 1):
            part = norm_squared(long_lag_part(terms, tau))
            bound = e ** (2 * (tau + shift)) * C2 * T**2 / (1 - e) ** 2
            if not part <= bound:
                bad.append(f"{label}, τ = {tau}: ‖lags ≥ τ‖² = {part}, bound² = {bound}")
        top = norm_squared(long_lag_part(terms, 0))
        lines.append(
            f"{label}: ‖∂L/∂W‖² / (CT/(1−η))² = {float(top / (C2 * T**2 / (1 - e) ** 2)):.4g}"
        )
    return Outcome(
        not bad,
        "the norm of the lags ≥ τ is at most the long-lag bound for every τ = 0..T (τ = 0: the "
        "whole gradient), "
        "compared squared in exact fractions; ‖W‖₂γ ≤ η decided exactly",
        instances=[ex.label for ex in examples()],
        left=bad[0] if bad else None,
        right="the bound" if bad else None,
        details=lines,
    )


def _long_lags_can_outweigh(settings, offset=10**4):
    """The share η^τ is of the bound: on the chain w = 1/2 the long lags outweigh the rest."""
    T, tau, w = 12, 3, sp.Rational(1, 2)
    problem = scalar_chain(T, offset, w)
    trace = unroll(problem)[1]
    terms = lag_terms(trace)
    long = long_lag_part(terms, tau)[0, 0]
    short = sum((term for (k, t), term in terms.items() if k - t < tau), sp.zeros(1, 1))[0, 0]
    C2 = bound_constant_squared(trace, 1)
    bound2 = w ** (2 * tau) * C2 * T**2 / (1 - w) ** 2
    bad = []
    full = forward_mode(problem)["W"][0][0]
    if long + short != full:
        bad.append(f"lags ≥ {tau} + lags < {tau} = {long + short} ≠ ∂L/∂w = {full}")
    if not abs(long) > abs(short):
        bad.append(f"|lags ≥ {tau}| = {long} is not larger than |lags < {tau}| = {short}")
    if not long * short < 0:
        bad.append(f"lags ≥ {tau} = {long} and lags < {tau} = {short} have the same sign")
    if not long**2 <= bound2:
        bad.append(f"(lags ≥ {tau})² = {long**2} > bound² = {bound2}")
    return Outcome(
        not bad,
        f"linear chain w = η = 1/2, h⁽⁰⁾ = −{offset}, later states 1, T = {T}, ℓ = h⁽ᵀ⁾: the "
        f"lags ≥ {tau} outweigh the lags < {tau} and have the opposite sign, while "
        f"|lags ≥ {tau}| within the long-lag bound; lag terms from the run, their sum equal to ∂L/∂w "
        "by forward mode, exact fractions",
        instances=[f"N = {offset}"],
        left=bad[0] if bad else None,
        right="long lags larger than the short ones, within the bound" if bad else None,
        details=[
            f"lags ≥ {tau}: {float(long):.4g}; lags < {tau}: {short}; "
            f"long-lag bound = {float(sp.sqrt(bound2)):.4g}"
        ],
    )


# the notation of the statement and the steps
_k, _t, _j, _T, _tau, _n = sp.symbols("k t j T tau n")
_gam, _eta, _C = sp.symbols("gamma eta C", positive=True)
_L = sp.Symbol("L")
_J = sp.IndexedBase("J", commutative=False)
_D_t = sp.Symbol("D_t", commutative=False)
_u, _h = sp.symbols("u h", commutative=False)
_GRAD_K = Grad(AtTime("ell", _k))
_H_BEFORE = AtTime("h", _t - 1)
_TERM = Op("term", _k, _t)
_LONG = SumOver(_TERM, _k - _t >= _tau)
_BOUND = Over(_C * _T, Plus(1, -_eta))
_GRADIENT = Chain(
    Partial(_L, sp.Symbol("W")),
    "=",
    SumOver(
        _D_t
        * Transposed(_J[_t + 1])
        * Cdots()
        * Transposed(_J[_k])
        * _GRAD_K
        * Transposed(_H_BEFORE),
        _k >= _t,
    ),
)
_WHOLE = Chain(Norm(Partial(_L, sp.Symbol("W")), "F"), "<=", _BOUND)
_TAIL = Chain(Norm(_LONG, "F"), "<=", Times(_eta**_tau, _BOUND))

THEOREM = Theorem(
    id="total_gradient_short_lags",
    title="The total gradient by lag: the long lags' share of its bound decays geometrically",
    statement=Claim(
        "If ‖Jᵢ‖₂ ≤ η < 1, term (k, t) of ∂L/∂W has norm at most ηᵏ⁻ᵗγ‖∇ℓ⁽ᵏ⁾‖‖h⁽ᵗ⁻¹⁾‖, "
        "‖∂L/∂W‖ ≤ CT/(1 − η) with C = γ max‖∇ℓ⁽ᵏ⁾‖ max‖h⁽ᵗ⁻¹⁾‖, and the lags ≥ τ contribute "
        "at most",
        Times(_eta**_tau, _BOUND),
        ": a fraction",
        _eta**_tau,
        "of the bound, not of the gradient, which the long lags can still outweigh.",
    ),
    formula=Claim(_WHOLE, ",", _TAIL),
    convention=(
        "Model A, column vectors; ∂⁺h⁽ᵗ⁾/∂W holds h⁽ᵗ⁻¹⁾ fixed: ΔW ↦ Dₜ ΔW h⁽ᵗ⁻¹⁾; "
        "Frobenius norm for matrices, spectral norm for Jacobians"
    ),
    proof="Bound each rank-one term by ηᵏ⁻ᵗγ‖∇ℓ⁽ᵏ⁾‖‖h⁽ᵗ⁻¹⁾‖ and sum geometric series.",
    assumptions=[
        "‖Jᵢ‖₂ ≤ η < 1 for every step (η = λ₁γ works)",
        "Model A",
        "|σ′| ≤ γ everywhere (γ = sup|σ′|), so ‖Dₜ‖₂ ≤ γ",
    ],
    references=[
        "Pascanu et al. (2013), §2 (long-term components)",
        "Goodfellow et al. (2016), §10.7",
        "seed erratum 19",
    ],
    tags=["vanishing", "total gradient", "lags", "erratum 19"],
    steps=[
        Step(
            _GRADIENT,
            "the BPTT sum with the immediate partial written out; compared with the direct "
            "derivative of the unrolled loss",
            Evidence.CHECKED,
            _sum_of_terms,
        ),
        Step(
            Chain(Norm(_u * Transposed(_h), "F"), "=", Times(Norm(_u), Norm(_h))),
            "a rank-one term's norm factorises",
            Evidence.PROVED,
            _rank_one,
        ),
        Step(
            Chain(
                Norm(_TERM, "F"),
                "<=",
                Times(_gam, _eta ** Plus(_k, -_t), Norm(_GRAD_K), Norm(_H_BEFORE)),
            ),
            "‖Dₜ‖ ≤ γ, the η-decay of the back-propagated error and the rank-one factorisation",
            Evidence.CHECKED,
            _term_bound,
        ),
        Step(
            Chain(
                sp.Sum(sp.Sum(_eta**_j, (_j, 0, _k - 1)), (_k, 1, _T)),
                "<=",
                Over(_T, Plus(1, -_eta)),
            ),
            "each inner sum is a partial geometric series below 1/(1 − η)",
            Evidence.PROVED,
            _geometric,
        ),
        Step(
            Claim(
                "lags at least",
                _tau,
                ":",
                Chain(sp.Sum(_eta**_j, (_j, _tau, _k - 1)), "<=", Over(_eta**_tau, Plus(1, -_eta))),
                "per loss, at most",
                Times(_eta**_tau, Over(_T, Plus(1, -_eta))),
                "in all",
            ),
            Claim("the tail of the geometric series is the fraction", _eta**_tau, "of the whole"),
            Evidence.PROVED,
            _share,
        ),
        Step(
            Claim(
                Chain(
                    _C, "=", Times(_gam, MaxOver(Norm(_GRAD_K), _k), MaxOver(Norm(_H_BEFORE), _t))
                ),
                ", and the long-lag part is",
                _LONG,
            ),
            "the two quantities the bound below is stated with, built from their definitions",
            Evidence.CHECKED,
            _pieces,
        ),
        Step(
            Claim(_WHOLE, "and", _TAIL, "on exact instances"),
            "the whole chain on networks where ‖W‖₂γ ≤ η, including one where the bound is nearly "
            "attained",
            Evidence.CHECKED,
            _checked_bounds,
        ),
        Step(
            Claim(
                "the share",
                _eta**_tau,
                "is of the bound: the lags of at least",
                _tau,
                "can outweigh the shorter ones",
            ),
            "an early state far from the others sets C and reaches the gradient only through "
            "the longest lag",
            Evidence.CHECKED,
            _long_lags_can_outweigh,
        ),
    ],
)
