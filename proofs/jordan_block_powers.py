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
from symgrad.kernel import Chain, Claim, MaxOver, Norm, Over, Tends, Times, superscript, text_of
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
    return Outcome(
        base_ok and inner_gap == 0 and last_gap == 0,
        "base J⁰ = I: C(0, 0)λ⁰ = 1, C(0, d)λ⁻ᵈ = 0 for d ≥ 1; step (Jₘ(λ) · Jₘ(λ)ᵏ)ᵢⱼ "
        "= C(k+1, j−i) λᵏ⁺¹⁻ʲ⁺ⁱ for symbolic m, i ≤ j and k, summed over r = 1..m by SymPy "
        "and closed by Pascal's rule",
        instances=["symbolic m, k, i, j = i + d"],
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
        cases.append((f"m={m}, symbolic k", step, target))
        cases.append((f"m={m}, k=0", jordan_power(m, lam, 0), sp.eye(m)))
        cases.append((f"m={m}, k=1", jordan_power(m, lam, 1), J))
    return check_identities(
        "symgrad.maths.linear.jordan_power: J⁰ = I, J¹ = J and J · Jᵏ = Jᵏ⁺¹, symbolic k",
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
        Claim("‖J₂(1)ᵏ‖₂ =", sp.simplify(norm), ", ~ k as k → ∞"),
        instances=["symbolic k"] + [f"k={kk}: {text_of(v)}" for kk, v in values.items()],
    )


def _decay(settings):
    k = sp.Symbol("k", integer=True, positive=True)
    u = sp.Symbol("u", positive=True)
    lam = 1 / (1 + u)
    p = sp.Symbol("p", positive=True)
    ok = sp.limit(k**p * lam**k, k, sp.oo) == 0
    return Outcome(
        ok,
        "kᵖ λᵏ → 0 for 0 < λ < 1 and every p > 0: polynomial factors lose to λᵏ",
        instances=["symbolic λ = 1/(1+u), symbolic p"],
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
    shown = "rows " + " and ".join(str(tuple(float(v) for v in row)) for row in W)
    return Outcome(
        ok,
        f"W with {shown}: transient_peak gives ‖W{superscript(k)}‖₂ = {peak:.12g}; the largest of ‖Wʲ‖₂, "
        "j = 1..500, each power by np.linalg.matrix_power, is at the same k, and they decrease "
        "after it, below 1 by j = 500",
        instances=[f"W with {shown}"],
        tolerance="relative 10⁻¹² on the peak (floating-point 2-norms of powers)",
        left=_at(k, peak),
        right=Claim(_at(best, norms[best - 1]), "(stated: k = 9)"),
    )


# the notation of the statement and the steps: J_m(λ), kept whole under a power
_lam, _k, _m = sp.symbols("lambda k m")
_NINE_TENTHS = sp.Float("0.9")


def _J2(value):
    return sp.UnevaluatedExpr(sp.Function("J_2")(value))


_Jm = sp.UnevaluatedExpr(sp.Function("J_m")(_lam))

THEOREM = Theorem(
    id="jordan_block_powers",
    title="Powers of Jordan blocks",
    statement=(
        "Jₘ(λ)ᵏ has C(k, j)λᵏ⁻ʲ on its j-th superdiagonal; |λ| < 1 still gives decay, "
        "|λ| = 1 and m ≥ 2 give polynomial growth (‖J₂(1)ᵏ‖₂ ~ k)."
    ),
    formula=Chain(
        _J2(_lam) ** _k, "=", sp.Matrix([[_lam**_k, _k * _lam ** (_k - 1)], [0, _lam**_k]])
    ),
    proof="Induction on k with Pascal's rule.",
    references=["seed erratum: 'necessary ρ > 1' becomes ρ ≥ 1 for mere unboundedness"],
    tags=["linear", "jordan", "erratum 9", "erratum 18"],
    steps=[
        Step(
            Claim(Chain(_Jm ** (_k + 1), "=", Times(_Jm, _Jm**_k)), "with binomial entries"),
            "Pascal's rule, for every block size m",
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
            "largest eigenvalue of (Jᵏ)ᵀJᵏ",
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
            "the decay |λ| < 1 promises comes after transient growth; the reported peak and where "
            "it occurs, against every power computed on its own",
            Evidence.TESTED,
            _peak,
        ),
    ],
)
