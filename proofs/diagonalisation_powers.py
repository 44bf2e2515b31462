"""Diagonalisation: W = SΛS⁻¹ gives W^k = SΛ^kS⁻¹, so ρ(W) < 1 makes the powers vanish.

Statement. If W = SΛS⁻¹ with Λ = diag(λ₁, …, λ_n) (S and Λ possibly complex), then
W^k = SΛ^kS⁻¹ for every k ≥ 0; if ρ(W) = max|λᵢ| < 1 then W^k → 0, and exponential growth of
W^k needs some |λᵢ| > 1. Without diagonalisability the conclusion survives (jordan_block_powers).

Proof. Induction: W^(k+1) = SΛS⁻¹ · SΛ^kS⁻¹ = SΛ^(k+1)S⁻¹; the entries of Λ^k are λᵢ^k.
"""

import sympy as sp

from symgrad import Evidence, Outcome, Step, Theorem, check_identities
from symgrad.kernel import Chain, Claim, Diag, Over, Plus, Tends, Times


def _induction(settings):
    # symbolic n: S, Λ are MatrixSymbols, and Λ^k = diag(λᵢ^k) is kept entrywise
    n = sp.Symbol("n", integer=True, positive=True)
    k = sp.Symbol("k", integer=True, nonnegative=True)
    S, Lam = sp.MatrixSymbol("S", n, n), sp.MatrixSymbol("Lambda", n, n)
    product = (S * Lam * S.I) * (S * Lam**k * S.I)  # W · W^k with the hypothesis W^k = SΛ^kS⁻¹
    power_ok = sp.simplify(product - S * Lam ** (k + 1) * S.I)
    power_ok = power_ok == 0 or bool(getattr(power_ok, "is_ZeroMatrix", False))
    # Λ · diag(λ^k) = diag(λ^(k+1)), entry (i, j), summed over r = 1..n by SymPy
    i, j, r = sp.symbols("i j r", integer=True, positive=True)
    lam = sp.IndexedBase("lambda")
    entry = sp.Sum(
        sp.KroneckerDelta(i, r) * lam[i] * sp.KroneckerDelta(r, j) * lam[r] ** k, (r, 1, n)
    ).doit()
    if isinstance(entry, sp.Piecewise):  # the branch for 1 ≤ i ≤ n
        entry = next(v for v, c in entry.args if c == (i <= n))
    diag_ok = sp.simplify(entry - sp.KroneckerDelta(i, j) * lam[i] ** (k + 1)) == 0
    return Outcome(
        power_ok and diag_ok,
        Claim(
            _INDUCTION,
            "for MatrixSymbols of symbolic size",
            n,
            ", and entry",
            sp.Tuple(i, j),
            "of",
            Times(Lam, Diag(sp.Symbol("lambda") ** k)),
            "is",
            sp.KroneckerDelta(i, j) * lam[i] ** (k + 1),
            ", summed over",
            Chain(r, "=", 1),
            ", …,",
            n,
            ";",
            k,
            "symbolic",
        ),
        instances=[Claim("symbolic", n, ",", k)],
        left=entry,
        right=sp.KroneckerDelta(i, j) * lam[i] ** (k + 1),
    )


def _concrete(settings):
    cases = []
    for label, W in (
        (
            Claim("complex pair: rotation by 60° scaled by", sp.Rational(9, 10)),
            sp.Rational(9, 10)
            * sp.Matrix(
                [[sp.Rational(1, 2), -sp.sqrt(3) / 2], [sp.sqrt(3) / 2, sp.Rational(1, 2)]]
            ),
        ),
        (
            Claim("real, non-symmetric"),
            sp.Matrix([[sp.Rational(1, 2), 2], [0, sp.Rational(-1, 3)]]),
        ),
    ):
        S, D = W.diagonalize()
        label = Claim(label, ",", sp.Eq(_k, 7))
        cases.append((label, W**7, (S * D**7 * S.inv()).applyfunc(sp.simplify)))
    return check_identities(
        Claim(_SEVENTH, "with SymPy's diagonalisation (complex entries allowed)"), cases
    )


def _vanish(settings):
    k = sp.Symbol("k", integer=True, positive=True)
    u = sp.Symbol("u", positive=True)
    theta = sp.Symbol("theta", real=True)
    lam = sp.exp(sp.I * theta) / (1 + u)  # every complex λ with 0 < |λ| < 1
    modulus = sp.simplify(sp.Abs(lam))
    ok = modulus == 1 / (1 + u) and sp.limit(modulus**k, k, sp.oo) == 0
    return Outcome(
        ok,
        Claim(
            Chain(sp.Abs(_lam), "=", Over(1, Plus(1, u))),
            "for",
            Chain(_lam, "=", Over(sp.exp(sp.I * theta), Plus(1, u))),
            ",",
            Chain(u, ">", 0),
            ", and",
            Chain(sp.Abs(_lam**_k), "=", sp.Abs(_lam) ** _k, "->", 0),
        ),
        instances=[Claim("symbolic", theta, ",", u)],
        left=modulus,
        right=1 / (u + 1),
    )


def _growth(settings):
    # necessity: if every |λᵢ| ≤ 1 then |λᵢ|^k ≤ 1 for all k (induction: 1 ≤ 1, and p ≤ 1,
    # |λ| ≤ 1 ⇒ p|λ| ≤ 1), so |(W^k)_ij| ≤ Σ_r |S_ir||S⁻¹_rj| for every k: no growth at all.
    # p = 1/(1+s), |λ| = 1/(1+r) with s, r ≥ 0 covers every p, |λ| in (0, 1].
    s, r = sp.symbols("s r", nonnegative=True)
    gap = sp.factor(sp.together(1 - 1 / ((1 + s) * (1 + r))))
    p = sp.Symbol("p")
    return Outcome(
        gap.is_nonnegative is True,
        Claim(
            Chain(Plus(1, -Times(p, sp.Abs(_lam))), "=", gap, ">=", 0),
            "for",
            p,
            ",",
            Chain(sp.Abs(_lam), "in", sp.Interval.Lopen(0, 1)),
            "(",
            sp.Eq(_lam, 0),
            "is trivial): all",
            Chain(sp.Abs(_lam_i), "<=", 1),
            "keeps every",
            Chain(sp.Abs(_lam_i) ** _k, "<=", 1),
            ", so the entries of",
            _S * _L**_k * _S.I,
            "stay bounded",
        ),
        instances=[Claim("symbolic", s, ",", Chain(r, ">=", 0))],
        left=gap,
        right=Chain(">=", 0),
    )


# the notation of the statement and the steps
_n, _k, _lam = sp.symbols("n k lambda")
_W, _S = sp.MatrixSymbol("W", _n, _n), sp.MatrixSymbol("S", _n, _n)
_L = sp.MatrixSymbol("Lambda", _n, _n)
_lam_i = sp.Symbol("lambda_i")
_INDUCTION = Chain(
    sp.MatMul(_S, _L, _S.I, _S, _L**_k, _S.I, evaluate=False), "=", _S * _L ** (_k + 1) * _S.I
)
_SEVENTH = Chain(_W**7, "=", _S * _L**7 * _S.I)

THEOREM = Theorem(
    id="diagonalisation_powers",
    title="Powers of a diagonalisable W",
    statement=Claim(
        "If",
        Chain(_W, "=", _S * _L * _S.I),
        "then",
        Chain(_W**_k, "=", _S * _L**_k * _S.I),
        ". Hence",
        Chain(sp.Function("rho")(_W), "<", 1),
        "gives",
        Tends(_W**_k, 0),
        ", and exponential growth of",
        _W**_k,
        "needs some",
        Chain(sp.Abs(_lam_i), ">", 1),
        ". For a real non-symmetric",
        _W,
        ",",
        _S,
        "and",
        _L,
        "may be complex.",
    ),
    formula=Chain(sp.Eq(_W, _S * _L * _S.I), "=>", sp.Eq(_W**_k, _S * _L**_k * _S.I)),
    proof=Claim(
        "Induction on",
        _k,
        "; then",
        Chain(_L**_k, "=", Diag(_lam_i**_k)),
        "and",
        Chain(sp.Abs(_lam_i**_k), "=", sp.Abs(_lam_i) ** _k),
        ".",
    ),
    assumptions=[Claim(_W, "has", _n, "linearly independent eigenvectors")],
    references=["seed eqs. (6)–(7)", "Pascanu et al. (2013), §2.1"],
    tags=["linear", "eigenvalues", "eq. (6)", "eq. (7)"],
    steps=[
        Step(
            Chain(_W ** (_k + 1), "=", *_INDUCTION.args),
            Claim(
                Chain(sp.MatMul(_S.I, _S, evaluate=False), "=", sp.Identity(_n)), "in the middle"
            ),
            Evidence.PROVED,
            _induction,
        ),
        Step(
            Claim(
                _SEVENTH,
                "for concrete",
                _W,
                ", complex eigenvalues included",
            ),
            "exact algebraic arithmetic",
            Evidence.CHECKED,
            _concrete,
        ),
        Step(
            Chain(sp.Abs(_lam) < 1, "=>", Tends(_lam**_k, 0, _k)),
            Chain(sp.Abs(_lam**_k), "=", sp.Abs(_lam) ** _k),
            Evidence.PROVED,
            _vanish,
        ),
        Step(
            Claim("exponential growth needs some", sp.Abs(_lam_i) > 1),
            Claim(
                "contrapositive: all",
                Chain(
                    sp.Abs(_lam_i),
                    "<=",
                    1,
                    "=>",
                    sp.Abs(_lam_i) ** _k,
                    "<=",
                    1,
                    "=>",
                    _W**_k,
                    "=",
                    _S * _L**_k * _S.I,
                ),
                "bounded",
            ),
            Evidence.PROVED,
            _growth,
        ),
    ],
)
