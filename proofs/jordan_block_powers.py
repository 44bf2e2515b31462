"""Powers of a Jordan block: polynomial factors k^(m−1) on top of λ^k.

Statement. J_m(λ)^k has entries C(k, j)·λ^(k−j) on the j-th superdiagonal. For |λ| < 1 the
powers still vanish; for |λ| = 1 they grow polynomially (‖J₂(1)^k‖₂ ~ k), so "unbounded"
needs only ρ ≥ 1, while exponential growth needs ρ > 1.

Proof. Induction on k with Pascal's rule C(k, j) + C(k, j − 1) = C(k + 1, j).
"""

import itertools

import numpy as np
import sympy as sp

from symgrad import Evidence, Outcome, Step, Theorem, check_identities
from symgrad.kernel import (
    Chain,
    Claim,
    Decimal,
    MaxOver,
    Norm,
    Over,
    Plus,
    Tends,
    Times,
    Transposed,
    power_of_ten,
)
from symgrad.maths.linear import jordan_power, transient_peak


def _entry(kk, dd, lam):
    """The claimed entry of J_m(λ)^k on the d-th superdiagonal: C(k, d) λ^(k−d)."""
    return sp.binomial(kk, dd) * lam ** (kk - dd)


def _induction(settings):
    # symbolic m, i, j, k: (J · J^k)_ij = Σ_{r=1}^{m} (λδ_ir + δ_{r,i+1}) C(k, j−r) λ^(k−j+r)
    m, i, j, r = sp.symbols("m i j r", integer=True, positive=True)
    k = sp.Symbol("k", integer=True, nonnegative=True)
    d = sp.Symbol("d", integer=True, nonnegative=True)  # j = i + d, on or above the diagonal
    lam = sp.Symbol("lambda")
    row = sp.Sum(
        (lam * sp.KroneckerDelta(i, r) + sp.KroneckerDelta(r, i + 1)) * _entry(k, j - r, lam),
        (r, 1, m),
    ).doit()
    branches = dict((c, v) for v, c in row.args) if isinstance(row, sp.Piecewise) else {}
    inner = next((v for c, v in branches.items() if c == sp.And(i <= m, m >= i + 1)), None)
    last = next((v for c, v in branches.items() if c == (i <= m)), None)
    if inner is None or last is None:
        return Outcome(False, "SymPy's sum over r = 1..m", left=row, right="two branches")
    # rows i < m: Pascal's rule; row i = m: only λ · (J^k)_mj, with j ≤ m so d = 0
    inner_gap = sp.combsimp(sp.powsimp(sp.expand((inner - _entry(k + 1, d, lam)).subs(j, i + d))))
    last_gap = sp.powsimp(sp.expand((last - _entry(k + 1, 0, lam)).subs(j, i)))
    # base k = 0: J^0 = I, i.e. the formula gives 1 on the diagonal and 0 above it
    above = sp.Symbol("d", integer=True, positive=True)
    base_ok = sp.simplify(_entry(0, 0, lam)) == 1 and sp.simplify(_entry(0, above, lam)) == 0
    lam0 = sp.Pow(lam, 0, evaluate=False)
    return Outcome(
        base_ok and inner_gap == 0 and last_gap == 0,
        Claim(
            "base",
            Chain(sp.Pow(_Jm, 0, evaluate=False), "=", sp.Identity(m)),
            ":",
            Chain(Times(sp.binomial(0, 0, evaluate=False), lam0), "=", 1),
            ",",
            Chain(Times(sp.binomial(0, d), lam ** (-d)), "=", 0),
            "for",
            Chain(d, ">=", 1),
            "; step: entry",
            sp.Tuple(i, j),
            "of",
            Times(_Jm, _Jm**k),
            "is",
            Times(sp.binomial(k + 1, Plus(j, -i)), lam ** Plus(k, 1, -j, i)),
            "for symbolic",
            m,
            ",",
            Chain(i, "<=", j),
            "and",
            k,
            ", summed over",
            Chain(r, "=", 1),
            ", …,",
            m,
            "by SymPy and closed by Pascal's rule",
        ),
        instances=[Claim("symbolic", m, ",", k, ",", i, ",", sp.Eq(j, Plus(i, d)))],
        left=inner_gap,
        right=sp.Integer(0),
    )


def _library(settings):
    lam = sp.Symbol("lambda")
    k = sp.Symbol("k", integer=True, positive=True)
    cases = []
    for m in (2, 3, 4):
        J = sp.Matrix(m, m, lambda i, j: lam if i == j else (1 if j == i + 1 else 0))
        step = (J * jordan_power(m, lam, k)).applyfunc(lambda e: sp.simplify(sp.expand_func(e)))
        target = jordan_power(m, lam, k + 1).applyfunc(lambda e: sp.simplify(sp.expand_func(e)))
        size = sp.Eq(_m, m)
        cases.append((Claim(size, ", symbolic", _k), step, target))
        cases.append((Claim(size, ",", sp.Eq(_k, 0)), jordan_power(m, lam, 0), sp.eye(m)))
        cases.append((Claim(size, ",", sp.Eq(_k, 1)), jordan_power(m, lam, 1), J))
    J = sp.Symbol("J", commutative=False)
    return check_identities(
        Claim(
            "symgrad.maths.linear.jordan_power:",
            Chain(sp.Pow(J, 0, evaluate=False), "=", sp.Symbol("I")),
            ",",
            Chain(sp.Pow(J, 1, evaluate=False), "=", J),
            "and",
            Chain(Times(J, J**_k), "=", J ** (_k + 1)),
            ", symbolic",
            _k,
        ),
        cases,
    )


def _unit(settings):
    k = sp.Symbol("k", positive=True)
    A = sp.Matrix([[1, k], [0, 1]])  # J₂(1)^k
    largest = max(sp.simplify(e) for e in (A.T * A).eigenvals())
    norm = sp.sqrt(largest)
    values = {kk: sp.N(norm.subs(k, kk), 6) for kk in (1, 10, 100)}
    grows = sp.limit(norm / k, k, sp.oo) == 1
    return Outcome(
        grows,
        Claim(
            Chain(Norm(_J2(1) ** k, 2), "=", sp.simplify(norm)),
            ", asymptotic to",
            k,
            "as",
            Tends(k, sp.oo),
        ),
        instances=[Claim("symbolic", k)]
        + [Claim(sp.Eq(k, kk), ":", v) for kk, v in values.items()],
    )


def _decay(settings):
    k = sp.Symbol("k", integer=True, positive=True)
    u = sp.Symbol("u", positive=True)
    lam = 1 / (1 + u)
    p = sp.Symbol("p", positive=True)
    ok = sp.limit(k**p * lam**k, k, sp.oo) == 0
    return Outcome(
        ok,
        Claim(
            Tends(Times(_k**p, _lam**_k), 0),
            "for",
            Chain(0, "<", _lam, "<", 1),
            "and every",
            Chain(p, ">", 0),
            ": polynomial factors lose to",
            _lam**_k,
        ),
        instances=[
            Claim("symbolic", sp.Eq(_lam, Over(1, Plus(1, u))), ", symbolic", sp.Symbol("p"))
        ],
    )


def _at(k, norm):
    """k and ‖W^k‖₂ as a side of the comparison."""
    power = Norm(sp.Symbol("W") ** sp.Symbol("k"), 2)
    return Claim(Chain(sp.Symbol("k"), "=", k), ",", Chain(power, "=", norm))


def _peak(settings, W=None):
    W = np.array([[0.9, 1.0], [0.0, 0.9]]) if W is None else W
    peak, k = transient_peak(W, 500)
    # the norms again, each power computed on its own (not by the running product)
    norms = [np.linalg.norm(np.linalg.matrix_power(W, j), 2) for j in range(1, 501)]
    best = int(np.argmax(norms)) + 1
    decays = all(a > b for a, b in itertools.pairwise(norms[best - 1 :])) and norms[-1] < 1
    ok = k == best == 9 and decays and abs(peak - norms[best - 1]) <= 1e-12 * norms[best - 1]
    Wk, j = sp.Symbol("W", commutative=False), sp.Symbol("j")
    shown = Chain(Wk, "=", W)
    return Outcome(
        ok,
        Claim(
            shown,
            ": transient_peak gives",
            Chain(Norm(sp.Pow(Wk, k, evaluate=False), 2), "=", Decimal(f"{peak:.12g}")),
            "; the largest of",
            Norm(Wk**j, 2),
            ",",
            Chain(j, "=", 1),
            ", …,",
            500,
            ", each power by np.linalg.matrix_power, is at the same",
            _k,
            ", and they decrease after it, below 1 by",
            sp.Eq(j, 500),
        ),
        instances=[Claim(shown)],
        tolerance=Claim(
            "relative",
            power_of_ten(-12),
            "on the peak (floating-point 2-norms of powers)",
        ),
        left=_at(k, peak),
        right=Claim(_at(best, norms[best - 1]), "(stated:", sp.Eq(_k, 9), ")"),
    )


# the notation of the statement and the steps: J_m(λ), kept whole under a power
_lam, _k, _m, _j = sp.symbols("lambda k m j")
_NINE_TENTHS = sp.Float("0.9")


def _J2(value):
    return sp.UnevaluatedExpr(sp.Function("J_2")(value))


_Jm = sp.UnevaluatedExpr(sp.Function("J_m")(_lam))
_Jk = sp.Symbol("J", commutative=False) ** _k

THEOREM = Theorem(
    id="jordan_block_powers",
    title="Powers of Jordan blocks",
    statement=Claim(
        _Jm**_k,
        "has",
        Times(sp.binomial(_k, _j), _lam ** Plus(_k, -_j)),
        "on its",
        _j,
        "-th superdiagonal. For",
        Chain(sp.Abs(_lam), "<", 1),
        "the powers still decay; for",
        Chain(sp.Abs(_lam), "=", 1),
        "and",
        Chain(_m, ">=", 2),
        "they grow polynomially (",
        Norm(_J2(1) ** _k, 2),
        "grows like",
        _k,
        ").",
    ),
    formula=Chain(
        _J2(_lam) ** _k, "=", sp.Matrix([[_lam**_k, _k * _lam ** (_k - 1)], [0, _lam**_k]])
    ),
    proof=Claim("Induction on", _k, "with Pascal's rule."),
    references=["seed erratum: 'necessary ρ > 1' becomes ρ ≥ 1 for mere unboundedness"],
    tags=["linear", "jordan", "erratum 9", "erratum 18"],
    steps=[
        Step(
            Claim(Chain(_Jm ** (_k + 1), "=", Times(_Jm, _Jm**_k)), "with binomial entries"),
            Claim("Pascal's rule, for every block size", _m),
            Evidence.PROVED,
            _induction,
        ),
        Step(
            Claim("the library's jordan_power satisfies the same induction"),
            "the formula used elsewhere in symgrad, for the stated sizes",
            Evidence.CHECKED,
            _library,
            student="",
        ),
        Step(
            Claim(
                Chain(Norm(_J2(1) ** _k, 2), "=", Over(_k + sp.sqrt(_k**2 + 4), 2)),
                ", which grows like",
                _k,
            ),
            Claim("largest eigenvalue of", Transposed(_Jk) * _Jk),
            Evidence.PROVED,
            _unit,
        ),
        Step(
            Chain(sp.Abs(_lam) < 1, "=>", Tends(_k ** (_m - 1) * _lam**_k, 0, _k)),
            "exponential decay beats polynomial growth",
            Evidence.PROVED,
            _decay,
        ),
        Step(
            Claim(
                Chain(
                    MaxOver(Norm(_J2(_NINE_TENTHS) ** _k, 2), _k),
                    "=",
                    Norm(_J2(_NINE_TENTHS) ** 9, 2),
                    "~",
                    sp.Float("3.91"),
                ),
                ": the norm first grows, then decays",
            ),
            Claim(
                "the decay",
                Chain(sp.Abs(_lam), "<", 1),
                "promises comes after transient growth; the reported peak and where it occurs, "
                "against every power computed on its own",
            ),
            Evidence.TESTED,
            _peak,
        ),
    ],
)
