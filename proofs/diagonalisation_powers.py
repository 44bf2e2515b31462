"""Diagonalisation: W = SΛS⁻¹ gives W^k = SΛ^kS⁻¹, so ρ(W) < 1 makes the powers vanish.

Statement. If W = SΛS⁻¹ with Λ = diag(λ₁, …, λ_n) (S and Λ possibly complex), then
W^k = SΛ^kS⁻¹ for every k ≥ 0; if ρ(W) = max|λᵢ| < 1 then W^k → 0, and exponential growth of
W^k needs some |λᵢ| > 1. Without diagonalisability the conclusion survives (jordan_block_powers).

Proof. Induction: W^(k+1) = SΛS⁻¹ · SΛ^kS⁻¹ = SΛ^(k+1)S⁻¹; the entries of Λ^k are λᵢ^k.
"""

import sympy as sp

from symgrad import Evidence, Outcome, Step, Theorem, check_identities


def _induction(settings):
    k = sp.Symbol("k", integer=True, nonnegative=True)
    s = sp.Matrix(2, 2, sp.symbols("s11 s12 s21 s22"))
    l1, l2 = sp.symbols("lambda1 lambda2")
    Lam_k = sp.diag(l1**k, l2**k)
    Lam = sp.diag(l1, l2)
    step = (s * Lam * s.inv()) * (s * Lam_k * s.inv())
    target = s * sp.diag(l1 ** (k + 1), l2 ** (k + 1)) * s.inv()
    return check_identities(
        "SΛS⁻¹ · SΛ^kS⁻¹ = SΛ^(k+1)S⁻¹ for symbolic 2×2 S, λ₁, λ₂ and symbolic k",
        [("symbolic", step.applyfunc(sp.simplify), target.applyfunc(sp.simplify))],
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
        left=str(modulus),
        right="1/(u + 1)",
    )


def _growth(settings):
    k = sp.Symbol("k", integer=True, positive=True)
    u = sp.Symbol("u", positive=True)
    ok = sp.limit((1 + u) ** k, k, sp.oo) == sp.oo and sp.limit(1**k, k, sp.oo) == 1
    return Outcome(
        ok, "|λ|^k → ∞ exactly when |λ| = 1 + u > 1; |λ| = 1 stays 1", instances=["symbolic u > 0"]
    )


THEOREM = Theorem(
    id="diagonalisation_powers",
    title="Powers of a diagonalisable W",
    statement=(
        "If W = SΛS⁻¹ then W^k = SΛ^kS⁻¹; ρ(W) < 1 ⇒ W^k → 0, and exponential growth of W^k "
        "needs some |λᵢ| > 1. S and Λ may be complex for real non-symmetric W."
    ),
    statement_latex=r"W = S\Lambda S^{-1} \Rightarrow W^{k} = S\Lambda^{k}S^{-1}",
    proof="Induction on k; Λ^k = diag(λᵢ^k) and |λᵢ^k| = |λᵢ|^k.",
    assumptions=["W has n linearly independent eigenvectors"],
    references=["seed eqs. (6)–(7)", "Pascanu et al. (2013), §2.1"],
    tags=["linear", "eigenvalues", "eq. (6)", "eq. (7)"],
    steps=[
        Step(
            "W^(k+1) = SΛS⁻¹ · SΛ^kS⁻¹ = SΛ^(k+1)S⁻¹",
            "S⁻¹S = I in the middle",
            Evidence.PROVED,
            _induction,
            latex=r"W^{k+1} = S\Lambda S^{-1}S\Lambda^{k}S^{-1} = S\Lambda^{k+1}S^{-1}",
        ),
        Step(
            "W^7 = SΛ^7S⁻¹ for concrete W, complex eigenvalues included",
            "exact algebraic arithmetic",
            Evidence.CHECKED,
            _concrete,
        ),
        Step(
            "|λ| < 1 ⇒ λ^k → 0",
            "|λ^k| = |λ|^k",
            Evidence.PROVED,
            _vanish,
            latex=r"|\lambda|<1 \Rightarrow \lambda^{k}\to 0",
        ),
        Step(
            "exponential growth needs |λ| > 1",
            "|λ|^k is bounded when |λ| ≤ 1",
            Evidence.PROVED,
            _growth,
        ),
    ],
)
