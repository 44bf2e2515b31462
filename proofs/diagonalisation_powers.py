"""Diagonalisation: W = SΛS⁻¹ gives W^k = SΛ^kS⁻¹, so ρ(W) < 1 makes the powers vanish.

Statement. If W = SΛS⁻¹ with Λ = diag(λ₁, …, λ_n) (S and Λ possibly complex), then
W^k = SΛ^kS⁻¹ for every k ≥ 0; if ρ(W) = max|λᵢ| < 1 then W^k → 0, and exponential growth of
W^k needs some |λᵢ| > 1. Without diagonalisability the conclusion survives (jordan_block_powers).

Proof. Induction: W^(k+1) = SΛS⁻¹ · SΛ^kS⁻¹ = SΛ^(k+1)S⁻¹; the entries of Λ^k are λᵢ^k.
"""

import sympy as sp

from symgrad import Evidence, Outcome, Step, Theorem, check_identities
from symgrad.kernel import Chain, Claim, Tends


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
        "SΛS⁻¹ · SΛ^kS⁻¹ = SΛ^(k+1)S⁻¹ for MatrixSymbols of symbolic size n, and "
        "(Λ · diag(λ^k))_ij = δ_ij λ_i^(k+1) summed over r = 1..n; k symbolic",
        instances=["symbolic n, k"],
        left=entry,
        right=sp.KroneckerDelta(i, j) * lam[i] ** (k + 1),
    )


def _concrete(settings):
    cases = []
    for label, W in (
        (
            "complex pair: rotation by 60° scaled by 9/10",
            sp.Rational(9, 10)
            * sp.Matrix(
                [[sp.Rational(1, 2), -sp.sqrt(3) / 2], [sp.sqrt(3) / 2, sp.Rational(1, 2)]]
            ),
        ),
        ("real, non-symmetric", sp.Matrix([[sp.Rational(1, 2), 2], [0, sp.Rational(-1, 3)]])),
    ):
        S, D = W.diagonalize()
        cases.append((f"{label}, k=7", W**7, (S * D**7 * S.inv()).applyfunc(sp.simplify)))
    return check_identities(
        "W^7 = SΛ^7S⁻¹ with SymPy's diagonalisation (complex entries allowed)", cases
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
        "|λ| = 1/(1+u) for λ = e^{iθ}/(1+u), u > 0, and |λ^k| = |λ|^k → 0",
        instances=["symbolic θ, u"],
        left=modulus,
        right=1 / (u + 1),
    )


def _growth(settings):
    # necessity: if every |λᵢ| ≤ 1 then |λᵢ|^k ≤ 1 for all k (induction: 1 ≤ 1, and p ≤ 1,
    # |λ| ≤ 1 ⇒ p|λ| ≤ 1), so |(W^k)_ij| ≤ Σ_r |S_ir||S⁻¹_rj| for every k: no growth at all.
    # p = 1/(1+s), |λ| = 1/(1+r) with s, r ≥ 0 covers every p, |λ| in (0, 1].
    s, r = sp.symbols("s r", nonnegative=True)
    gap = sp.factor(sp.together(1 - 1 / ((1 + s) * (1 + r))))
    return Outcome(
        gap.is_nonnegative is True,
        Claim(
            "1 − p|λ| =",
            gap,
            "≥ 0 for p, |λ| ∈ (0, 1] (λ = 0 is trivial): all |λᵢ| ≤ 1 keeps every |λᵢ|^k ≤ 1, "
            "so the entries of SΛ^kS⁻¹ stay bounded",
        ),
        instances=["symbolic s, r ≥ 0"],
        left=gap,
        right=Chain(">=", 0),
    )


# the notation of the statement and the steps
_n, _k, _lam = sp.symbols("n k lambda")
_W, _S = sp.MatrixSymbol("W", _n, _n), sp.MatrixSymbol("S", _n, _n)
_L = sp.MatrixSymbol("Lambda", _n, _n)

THEOREM = Theorem(
    id="diagonalisation_powers",
    title="Powers of a diagonalisable W",
    statement=(
        "If W = SΛS⁻¹ then W^k = SΛ^kS⁻¹; ρ(W) < 1 ⇒ W^k → 0, and exponential growth of W^k "
        "needs some |λᵢ| > 1. S and Λ may be complex for real non-symmetric W."
    ),
    formula=Chain(sp.Eq(_W, _S * _L * _S.I), "=>", sp.Eq(_W**_k, _S * _L**_k * _S.I)),
    proof="Induction on k; Λ^k = diag(λᵢ^k) and |λᵢ^k| = |λᵢ|^k.",
    assumptions=["W has n linearly independent eigenvectors"],
    references=["seed eqs. (6)–(7)", "Pascanu et al. (2013), §2.1"],
    tags=["linear", "eigenvalues", "eq. (6)", "eq. (7)"],
    steps=[
        Step(
            Chain(
                _W ** (_k + 1),
                "=",
                sp.MatMul(_S, _L, _S.I, _S, _L**_k, _S.I, evaluate=False),
                "=",
                _S * _L ** (_k + 1) * _S.I,
            ),
            "S⁻¹S = I in the middle",
            Evidence.PROVED,
            _induction,
        ),
        Step(
            Claim(
                Chain(_W**7, "=", _S * _L**7 * _S.I),
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
            "|λ^k| = |λ|^k",
            Evidence.PROVED,
            _vanish,
        ),
        Step(
            Claim("exponential growth needs some", sp.Abs(sp.Symbol("lambda_i")) > 1),
            "contrapositive: all |λᵢ| ≤ 1 ⇒ |λᵢ|^k ≤ 1 ⇒ W^k = SΛ^kS⁻¹ bounded",
            Evidence.PROVED,
            _growth,
        ),
    ],
)
