"""The linear case both ways: ρ(W) < 1 if and only if W^k → 0, for every real square W.

Statement. For every real n×n matrix W (diagonalisable or not, nilpotent included),
W^k → 0 as k → ∞ exactly when ρ(W) = max|λᵢ| < 1. So in the linear case ρ < 1 is sufficient
and necessary for every long-term component to vanish (for one given error vector it is
only sufficient: linear_error_direction).

Proof. Write W = PJP⁻¹ in Jordan form (complex P, J), so W^k = PJ^kP⁻¹ and W^k → 0 iff
J^k → 0. The block J_m(λ)^k has C(k, d)λ^(k−d) on its d-th superdiagonal (Pascal's rule,
for every m). If |λ| < 1 each such entry tends to 0 (ratio of successive moduli → |λ|; a
block with λ = 0 is nilpotent and vanishes after m steps). If some |λ| ≥ 1, take Wv = λv,
v ≠ 0: ‖W^k v‖ = |λ|^k‖v‖ ≥ ‖v‖, so W^k does not tend to 0.
"""

import sympy as sp

from symgrad import Evidence, Outcome, Step, Theorem, check_identities
from symgrad.kernel import Chain, Claim, Norm, Plus, Tends, Times
from symgrad.maths.linear import jordan_power, power_by_jordan_form


def _pascal(settings, exponent_shift=0):
    k = sp.Symbol("k", integer=True, nonnegative=True)
    d = sp.Symbol("d", integer=True, positive=True)
    lam = sp.Symbol("lambda", nonzero=True)

    def entry(kk, dd):
        return sp.binomial(kk, dd) * lam ** (kk - dd + exponent_shift)

    # (J·A)_{i,j} = λ A_{i,j} + A_{i+1,j}: offsets d and d − 1 (the last row has no A_{i+1,j},
    # where the formula's C(k, d − 1) with d − 1 < 0 is 0 as well)
    step = (lam * entry(k, d) + entry(k, d - 1)) / lam ** (k + 1 - d)
    target = entry(k + 1, d) / lam ** (k + 1 - d)
    diagonal = lam * entry(k, 0)
    below = sp.Symbol("e", integer=True, negative=True)
    return check_identities(
        "entry formula C(k, d)λᵏ⁻ᵈ: Pascal's rule for symbolic d ≥ 1, k ≥ 0 (every block "
        "size m), the diagonal d = 0, the zeros below (d < 0) and the base case J⁰ = I",
        [
            ("d ≥ 1, symbolic k", sp.gammasimp(sp.powsimp(sp.expand(step - target))), 0),
            ("d = 0", diagonal, entry(k + 1, 0)),
            ("d < 0", entry(k, below), 0),
            ("k = 0, d = 0", entry(0, 0), 1),
            ("k = 0, d ≥ 1", entry(0, d), 0),
        ],
    )


def _blocks(settings):
    lam = sp.Symbol("lambda")
    cases = []
    for m in (3, 5):
        J = sp.Matrix(m, m, lambda i, j: lam if i == j else (1 if j == i + 1 else 0))
        for value in (lam, 0):
            block = J.subs(lam, value)
            for k in (0, 1, 4, 7):
                direct = sp.eye(m)
                for _ in range(k):
                    direct = direct * block
                formula = jordan_power(m, value, k)
                cases.append((f"m={m}, λ={value}, k={k}", direct, formula))
    return check_identities(
        "Jₘ(λ)ᵏ by repeated multiplication = the entry formula (λ symbolic, and λ = 0)", cases
    )


def _similarity(settings, swap=False):
    n = sp.Symbol("n", integer=True, positive=True)
    k = sp.Symbol("k", integer=True, nonnegative=True)
    P, J = sp.MatrixSymbol("P", n, n), sp.MatrixSymbol("J", n, n)
    W = P * J * P.I if not swap else P.I * J * P
    left = (W * (P * J**k * P.I)).doit()
    right = P * J ** (k + 1) * P.I
    ok = left == right
    return Outcome(
        ok,
        "W · PJᵏP⁻¹ = PJᵏ⁺¹P⁻¹ for W = PJP⁻¹ with n×n matrix symbols, symbolic n and k "
        "(SymPy cancels P⁻¹P)",
        instances=["symbolic n, k"],
        left=left,
        right=right,
    )


def _matrices():
    r = sp.Rational
    return [
        ("defective, ρ = 1/2", sp.Matrix([[r(1, 2), 1, 0], [0, r(1, 2), 1], [0, 0, r(1, 2)]])),
        ("nilpotent W ≠ 0 (ρ = 0)", sp.Matrix([[1, 1, 0], [-1, -1, 1], [0, 0, 0]])),
        ("defective, ρ = 1", sp.Matrix([[2, 1], [-1, 0]])),
        ("rotation by 90°, ρ = 1", sp.Matrix([[0, -1], [1, 0]])),
    ]


def _jordan(settings):
    cases = []
    for label, W in _matrices():
        P, J, W9 = power_by_jordan_form(W, 9)
        cases.append((f"{label}: W = PJP⁻¹", W, (P * J * P.inv()).applyfunc(sp.simplify)))
        cases.append((f"{label}: W⁹", W**9, W9))
    return check_identities(
        "SymPy's Jordan form reconstructs W, and P·J⁹·P⁻¹ with J⁹ from the entry formula equals "
        "W⁹ by multiplication (exact, complex entries allowed)",
        cases,
    )


def _vanish(settings, modulus=None):
    k = sp.Symbol("k", integer=True, nonnegative=True)
    d = sp.Symbol("d", integer=True, nonnegative=True)
    u = sp.Symbol("u", positive=True)
    r = 1 / (1 + u) if modulus is None else modulus  # every 0 < |λ| < 1
    binomials = sp.gammasimp((sp.binomial(k + 1, d) / sp.binomial(k, d)).rewrite(sp.gamma))
    limit = sp.limit(binomials, k, sp.oo) * r
    below_one = sp.factor(1 - limit).is_positive is True
    nilpotent = sp.binomial(k + d + 1, d) * sp.Integer(0) ** (k + 1) == 0
    return Outcome(
        below_one and nilpotent,
        "|C(k+1, d)λᵏ⁺¹⁻ᵈ| / |C(k, d)λᵏ⁻ᵈ| = (k+1)/(k+1−d)·|λ| → |λ| < 1, so each entry "
        "→ 0 (ratio test); λ = 0: C(k, d)·0ᵏ⁻ᵈ = 0 once k > d",
        instances=["symbolic d, k, |λ| = 1/(1+u)"],
        left=Claim("the limit of the ratio", limit),
        right=Chain("<", 1),
    )


def _eigen_induction(extra_power=0):
    """W(λ^k v) = λ^(k+1) v from Wv = λv, with W an n×n and v an n×1 matrix symbol (symbolic
    n, k, complex λ): the induction step of W^k v = λ^k v (base case W⁰v = v)."""
    n = sp.Symbol("n", integer=True, positive=True)
    k = sp.Symbol("k", integer=True, nonnegative=True)
    lam = sp.Symbol("lambda")  # complex
    W, v = sp.MatrixSymbol("W", n, n), sp.MatrixSymbol("v", n, 1)
    step = (W * (lam**k * v)).subs(W * v, lam * v)  # the hypothesis Wv = λv, used once
    coefficient, factors = step.as_coeff_matrices()
    ok = factors == [v] and sp.simplify(coefficient - lam ** (k + 1 + extra_power)) == 0
    return ok, f"{coefficient}·{factors}"


def _necessary(settings, extra_power=0):
    k = sp.Symbol("k", integer=True, nonnegative=True)
    u = sp.Symbol("u", nonnegative=True)  # every |λ| ≥ 1 is 1 + u
    growth = (k * sp.log(1 + u)).is_nonnegative is True
    induction, shown = _eigen_induction(extra_power)
    bad, lines = [] if induction else [f"W(λᵏ v) = {shown}, not λᵏ⁺¹v"], []
    for label, W in _matrices()[2:]:
        for lam, _, vectors in W.eigenvects():
            v = vectors[0]
            if sp.simplify(W * v - lam * v) != sp.zeros(W.rows, 1):
                bad.append(f"{label}: Wv ≠ λv")
            power = sp.eye(W.rows)
            for _ in range(12):
                power = power * W
            if sp.simplify(power * v - lam**12 * v) != sp.zeros(W.rows, 1):
                bad.append(f"{label}: W¹² v ≠ λ¹² v")
            modulus = sp.Abs(lam)
            if not modulus >= 1:
                bad.append(f"{label}: |λ| = {modulus} < 1")
            lines.append(f"{label}: λ = {lam}, v = {list(v)}, |λ| = {modulus}")
    return Outcome(
        growth and not bad,
        "Wᵏ v = λᵏ v for every n×n W with Wv = λv: the induction step W(λᵏ v) = λᵏ⁺¹v with "
        "matrix symbols (symbolic n, k, complex λ); ‖λᵏ v‖ = |λ|ᵏ‖v‖ (homogeneity of the "
        "norm) and |λ|ᵏ = exp(k log|λ|) ≥ 1 for |λ| ≥ 1 (symbolic k); and, as instances, "
        "eigenvector certificates Wv = λv, W¹² v = λ¹² v, |λ| ≥ 1 checked exactly on the ρ = 1 "
        "examples",
        instances=["symbolic n, k, λ", *[label for label, _ in _matrices()[2:]]],
        left=bad[0] if bad else None,
        right="an eigenvector certificate" if bad else None,
        details=lines,
    )


# the notation of the statement and the steps
_n, _k, _d, _m, _lam = sp.symbols("n k d m lambda")
_W, _P, _J = (sp.MatrixSymbol(name, _n, _n) for name in ("W", "P", "J"))
_v = sp.MatrixSymbol("v", _n, 1)
_Jm = sp.UnevaluatedExpr(sp.Function("J_m")(_lam))
_ENTRY = Times(sp.binomial(_k, _d), _lam ** Plus(_k, -_d))

THEOREM = Theorem(
    id="linear_powers_vanish_iff_spectral_radius",
    title="The linear case both ways: Wᵏ → 0 exactly when ρ(W) < 1",
    statement=(
        "For every real square W, diagonalisable or not, nilpotent included: Wᵏ → 0 as k → ∞ "
        "if and only if ρ(W) < 1."
    ),
    formula=Chain(Tends(_W**_k, 0, _k), "<=>", sp.Function("rho")(_W), "<", 1),
    proof=(
        "Jordan form W = PJP⁻¹; Jₘ(λ)ᵏ has entries C(k, d)λᵏ⁻ᵈ, which vanish iff |λ| < 1; "
        "an eigenvector with |λ| ≥ 1 keeps ‖Wᵏv‖ ≥ ‖v‖."
    ),
    assumptions=["W real (or complex) square; nothing else"],
    references=[
        "Horn & Johnson, Matrix Analysis (2nd ed., 2013), Thm 3.1.11 (Jordan form) and "
        "Thm 5.6.12 (convergent matrices)",
        "Pascanu et al. (2013), §2.1 (linear case)",
        "seed errata 1, 9 and 18",
    ],
    tags=[
        "linear",
        "jordan",
        "spectral radius",
        "iff",
        "erratum 1",
        "erratum 10",
        "erratum 17",
        "erratum 18",
    ],
    steps=[
        Step(
            Claim(_Jm**_k, "has", _ENTRY, "on its", _d, "-th superdiagonal, for every", _m),
            "induction on k with Pascal's rule C(k, d) + C(k, d − 1) = C(k + 1, d)",
            Evidence.PROVED,
            _pascal,
        ),
        Step(
            Claim("the entry formula against repeated multiplication,", sp.Eq(_lam, 0), "included"),
            "independent computation of Jₘ(λ)ᵏ",
            Evidence.CHECKED,
            _blocks,
        ),
        Step(
            Chain(_W, "=", _P * _J * _P.I, "=>", _W**_k, "=", _P * _J**_k * _P.I),
            "induction on k: P⁻¹P = I in the middle",
            Evidence.PROVED,
            _similarity,
        ),
        Step(
            Claim("every real", _W, "has a Jordan form;", _W**_k, "from it matches direct powers"),
            "the Jordan normal form theorem, checked on defective, nilpotent and rotation W",
            Evidence.CITED,
            _jordan,
            source="Horn & Johnson, Matrix Analysis (2013), Theorem 3.1.11",
        ),
        Step(
            Claim(
                Chain(sp.Abs(_lam) < 1, "=>", Tends(_ENTRY, 0, _k)),
                "(for",
                sp.Eq(_lam, 0),
                ": zero once",
                _k > _d,
                ")",
            ),
            "successive ratios tend to |λ| < 1",
            Evidence.PROVED,
            _vanish,
        ),
        Step(
            Claim(
                "an eigenvalue with",
                sp.Abs(_lam) >= 1,
                "gives",
                Chain(Norm(_W**_k * _v), "=", Times(sp.Abs(_lam) ** _k, Norm(_v)), ">=", Norm(_v)),
                ", so",
                _W**_k,
                "does not tend to 0",
            ),
            "an eigenvector is never damped: Wᵏv = λᵏv by induction for every W, |λ|ᵏ ≥ 1 "
            "for symbolic k; eigenvector certificates on the ρ = 1 examples",
            Evidence.PROVED,
            _necessary,
        ),
    ],
)
