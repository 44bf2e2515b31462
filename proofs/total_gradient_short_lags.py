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
    Decimal,
    Diag,
    Grad,
    MaxOver,
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
        Claim(
            Chain(_BPTT_SUM, "=", Partial(_L, sp.Symbol("W"))),
            "by forward-mode dual numbers, exactly",
        ),
        cases,
    )


def _rank_one(settings):
    n = sp.Symbol("n", integer=True, positive=True)
    i, j = sp.symbols("i j", integer=True)
    u, h = sp.IndexedBase("u", real=True), sp.IndexedBase("h", real=True)
    inner = sp.Sum(sp.expand((u[i] * h[j]) ** 2), (j, 1, n))  # row i of (u hᵀ), squared
    lhs = sp.factor_terms(sp.Sum(sp.factor_terms(inner), (i, 1, n)))
    rhs = sp.Sum(u[i] ** 2, (i, 1, n)) * sp.Sum(h[j] ** 2, (j, 1, n))
    u_i, h_j = sp.symbols("u_i h_j")
    stated = Chain(
        sp.Sum(sp.Sum(Times(u_i, h_j) ** 2, (j, 1, n)), (i, 1, n)),
        "=",
        Times(sp.Sum(u_i**2, (i, 1, n)), sp.Sum(h_j**2, (j, 1, n))),
    )
    return check_identities(Claim(stated, "for symbolic", n), [(Claim("symbolic", n), lhs, rhs)])


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
                bad.append(
                    Claim(label, ":", Chain(Norm(Op("term", k, t)) ** 2, "=", norm_squared(term)))
                )
    return Outcome(
        not bad,
        Claim(
            Chain(
                Norm(_TERM) ** 2,
                "<=",
                Times(_gam, _eta ** Plus(_k, -_t), Norm(_GRAD_K), Norm(_H_BEFORE)) ** 2,
            ),
            f"for all {count} terms, exact fractions",
        ),
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
    e, rest = _eta, Plus(1, -_eta)
    out = check_identities(
        Claim(
            Chain(sp.Sum(e**_j, (_j, 0, _k - 1)), "=", Plus(Over(1, rest), -Over(e**_k, rest))),
            "(summed by SymPy), and",
            Chain(Over(e**_k, rest), ">", 0),
        ),
        [
            (
                Claim(
                    "symbolic", _k, ",", Chain(e, "=", Over(1, Plus(1, u))), ",", Chain(u, ">", 0)
                ),
                inner,
                1 / (1 - eta) - gap,
            )
        ],
    )
    out.ok = out.ok and gap.is_positive is True
    return out


def _share(settings, shift=0):
    tau, N, j = sp.symbols("tau N j", integer=True, nonnegative=True)
    u = sp.Symbol("u", positive=True)
    eta = 1 / (1 + u)
    tail = sp.summation(eta**j, (j, tau, tau + N))
    head = sp.summation(eta**j, (j, 0, N))
    e, n = _eta, sp.Symbol("N")
    stated = Chain(
        sp.Sum(e**_j, (_j, _tau, _tau + n)), "=", Times(e**_tau, sp.Sum(e**_j, (_j, 0, n)))
    )
    return check_identities(
        Claim(
            stated,
            ", both sums by SymPy, so the lags",
            Chain(">=", _tau),
            "carry at most",
            Over(e**_tau, Plus(1, -e)),
            "per loss",
        ),
        [
            (
                Claim("symbolic", _tau, ",", n, ",", Chain(e, "=", Over(1, Plus(1, u)))),
                tail,
                eta ** (tau + shift) * head,
            )
        ],
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
        cases.append(
            (Claim(label, ":", _C**2), bound_constant_squared(trace, g), g**2 * grads * states)
        )
        for tau in range(T + 1):
            kept = [term for (k, t), term in terms.items() if k - t >= tau + boundary]
            total = sum(kept, sp.zeros(problem.hidden, problem.hidden))
            cases.append(
                (Claim(label, ": lags", Chain(">=", tau)), long_lag_part(terms, tau), total)
            )
    squares = Times(_gam**2, MaxOver(Norm(_GRAD_K) ** 2, _k), MaxOver(Norm(_H_BEFORE) ** 2, _t))
    return check_identities(
        Claim(
            Chain(_C**2, "=", squares),
            "for symbolic",
            _gam,
            "(",
            Chain(_GRAD_K, "=", Plus(AtTime("h", _k), -AtTime("y", _k))),
            "written out), and the lags",
            Chain(">=", _tau),
            "summed term by term for",
            Chain(0, "<=", _tau, "<=", _T),
            ", exact fractions",
        ),
        cases,
    )


def _checked_bounds(settings, shift=0):
    bad, lines = [], []
    for label, problem, eta, gamma, trace, terms in _analysed():
        W = sp.Matrix(problem.W)
        if not spectral_norm_at_most(W, sp.Rational(eta) / gamma):
            bad.append(Claim(label, ":", _CONTRACTS, "fails"))
        e = sp.Rational(eta)
        C2 = bound_constant_squared(trace, gamma)
        T = problem.steps
        for tau in range(T + 1):
            part = norm_squared(long_lag_part(terms, tau))
            bound = e ** (2 * (tau + shift)) * C2 * T**2 / (1 - e) ** 2
            if not part <= bound:
                bad.append(
                    Claim(
                        label,
                        ",",
                        Chain(_tau, "=", tau),
                        ":",
                        Chain(Norm(_LONG.subs(_tau, tau), "F") ** 2, "=", part, ">", bound),
                        "(the squared bound)",
                    )
                )
        top = norm_squared(long_lag_part(terms, 0))
        share = Over(Norm(Partial(_L, sp.Symbol("W"))) ** 2, _BOUND**2)
        lines.append(
            Claim(
                label,
                ":",
                Chain(share, "=", Decimal(f"{float(top / (C2 * T**2 / (1 - e) ** 2)):.4g}")),
            )
        )
    return Outcome(
        not bad,
        Claim(
            "the norm of the lags",
            Chain(">=", _tau),
            "is at most the long-lag bound for every",
            Chain(0, "<=", _tau, "<=", _T),
            "(",
            Chain(_tau, "=", 0),
            ": the whole gradient), compared squared in exact fractions;",
            _CONTRACTS,
            "decided exactly",
        ),
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
    at_least, below = Chain(">=", tau), Chain("<", tau)
    if long + short != full:
        bad.append(
            Claim(
                "the lags",
                at_least,
                "plus the lags",
                below,
                Chain("=", long + short),
                ", not",
                Chain(_DW, "=", full),
            )
        )
    if not abs(long) > abs(short):
        bad.append(
            Claim(
                "the lags",
                at_least,
                Chain("=", long),
                "do not outweigh the lags",
                below,
                Chain("=", short),
            )
        )
    if not long * short < 0:
        bad.append(
            Claim(
                "the lags",
                at_least,
                Chain("=", long),
                "and the lags",
                below,
                Chain("=", short),
                "have the same sign",
            )
        )
    if not long**2 <= bound2:
        bad.append(
            Claim(
                "the lags",
                at_least,
                ", squared:",
                Chain(long**2, ">", bound2),
                "(the squared bound)",
            )
        )
    return Outcome(
        not bad,
        Claim(
            "linear chain",
            Chain(sp.Symbol("w"), "=", _eta, "=", w),
            ",",
            Chain(AtTime("h", 0), "=", -offset),
            ", later states 1,",
            Chain(_T, "=", T),
            ",",
            Chain(sp.Symbol("ell"), "=", AtTime("h", _T)),
            ": the lags",
            at_least,
            "outweigh the lags",
            below,
            "and have the opposite sign, while the lags",
            at_least,
            "stay within the long-lag bound in absolute value; lag terms from the run, their "
            "sum equal to",
            _DW,
            "by forward mode, exact fractions",
        ),
        instances=[Claim(Chain(sp.Symbol("N"), "=", offset))],
        left=bad[0] if bad else None,
        right="long lags larger than the short ones, within the bound" if bad else None,
        details=[
            Claim(
                "lags",
                at_least,
                ":",
                Decimal(f"{float(long):.4g}"),
                "; lags",
                below,
                ":",
                short,
                "; long-lag bound",
                Chain("=", Decimal(f"{float(sp.sqrt(bound2)):.4g}")),
            )
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
_BPTT_SUM = SumOver(
    _D_t * Transposed(_J[_t + 1]) * Cdots() * Transposed(_J[_k]) * _GRAD_K * Transposed(_H_BEFORE),
    _k >= _t,
)
_GRADIENT = Chain(Partial(_L, sp.Symbol("W")), "=", _BPTT_SUM)
_DW = Partial(_L, sp.Symbol("w"))
_CONTRACTS = Chain(Times(Norm(sp.Symbol("W"), 2), _gam), "<=", _eta)
_WHOLE = Chain(Norm(Partial(_L, sp.Symbol("W")), "F"), "<=", _BOUND)
_TAIL = Chain(Norm(_LONG, "F"), "<=", Times(_eta**_tau, _BOUND))
_CONTRACTING = Chain(Norm(sp.IndexedBase("J")[sp.Symbol("i")], 2), "<=", _eta, "<", 1)
_TERM_BOUND = Times(_eta ** Plus(_k, -_t), _gam, Norm(_GRAD_K), Norm(_H_BEFORE))
_C_IS = Chain(_C, "=", Times(_gam, MaxOver(Norm(_GRAD_K), _k), MaxOver(Norm(_H_BEFORE), _t)))
_DELTA_W = sp.Symbol("Delta", commutative=False) * sp.Symbol("W", commutative=False)
_x = sp.Symbol("x")

THEOREM = Theorem(
    id="total_gradient_short_lags",
    title="The total gradient by lag: the long lags' share of its bound decays geometrically",
    statement=Claim(
        "If",
        _CONTRACTING,
        "at every step, the term (",
        _k,
        ",",
        _t,
        ") of",
        Partial(_L, sp.Symbol("W")),
        "has norm at most",
        _TERM_BOUND,
        ", the whole gradient satisfies",
        _WHOLE,
        "with",
        _C_IS,
        ", and the lags of at least",
        _tau,
        "contribute at most",
        Times(_eta**_tau, _BOUND),
        ". That is a fraction",
        _eta**_tau,
        "of the bound, not of the gradient, which the long lags can still outweigh.",
    ),
    formula=Claim(_WHOLE, ",", _TAIL),
    convention=Claim(
        "Model A, column vectors;",
        Partial(AtTime("h", _t), sp.Symbol("W"), immediate=True),
        "holds",
        _H_BEFORE,
        "fixed and maps",
        _DELTA_W,
        "to",
        _D_t * _DELTA_W * _H_BEFORE,
        ", with",
        Chain(_D_t, "=", Diag(Prime("sigma", AtTime("a", _t)))),
        "; Frobenius norm for matrices, spectral norm for Jacobians",
    ),
    proof=Claim(
        "Bound each rank-one term by",
        _TERM_BOUND,
        ", then sum over the terms with the triangle inequality and the geometric series,",
        Chain(
            sp.Sum(sp.Sum(_eta**_j, (_j, 0, _k - 1)), (_k, 1, _T)),
            "<=",
            Over(_T, Plus(1, -_eta)),
        ),
        ".",
    ),
    assumptions=[
        Claim(
            _CONTRACTING,
            "for every step (",
            Chain(_eta, "=", Times(sp.Symbol("lambda_1"), _gam)),
            "works)",
        ),
        "Model A",
        Claim(
            Chain(sp.Abs(Prime("sigma", _x)), "<=", _gam),
            "for every",
            _x,
            "(",
            Chain(_gam, "=", Sup(sp.Abs(Prime("sigma", _x)), _x)),
            "), so",
            Chain(Norm(_D_t, 2), "<=", _gam),
        ),
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
            Claim(
                Chain(Norm(_D_t), "<=", _gam),
                ", the",
                _eta,
                "-decay of the back-propagated error and the rank-one factorisation",
            ),
            Evidence.CHECKED,
            _term_bound,
        ),
        Step(
            Chain(
                sp.Sum(sp.Sum(_eta**_j, (_j, 0, _k - 1)), (_k, 1, _T)),
                "<=",
                Over(_T, Plus(1, -_eta)),
            ),
            Claim("each inner sum is a partial geometric series below", Over(1, Plus(1, -_eta))),
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
            Claim(
                "the whole chain on networks where",
                _CONTRACTS,
                ", including one where the bound is nearly attained",
            ),
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
            Claim(
                "an early state far from the others sets",
                sp.Symbol("C"),
                "and reaches the gradient only through the longest lag",
            ),
            Evidence.CHECKED,
            _long_lags_can_outweigh,
        ),
    ],
)
