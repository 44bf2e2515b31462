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
from symgrad.kernel import Chain, Claim, Norm, Over, Plus, Size, Tends, Times
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
    k0, d0, d1 = sp.Eq(_k, 0), sp.Eq(_d, 0), Chain(_d, ">=", 1)
    return check_identities(
        Claim(
            "entry formula",
            _ENTRY,
            ": Pascal's rule for symbolic",
            d1,
            ",",
            Chain(_k, ">=", 0),
            "(every block size",
            _m,
            "), the diagonal",
            d0,
            ", the zeros below (",
            Chain(_d, "<", 0),
            ") and the base case",
            Chain(sp.Pow(_J, 0, evaluate=False), "=", sp.Identity(_n)),
        ),
        [
            (Claim(d1, ", symbolic", _k), sp.gammasimp(sp.powsimp(sp.expand(step - target))), 0),
            (Claim(d0), diagonal, entry(k + 1, 0)),
            (Claim(Chain(_d, "<", 0)), entry(k, below), 0),
            (Claim(k0, ",", d0), entry(0, 0), 1),
            (Claim(k0, ",", d1), entry(0, d), 0),
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
                which = Claim(_lam, "symbolic") if value == lam else Claim(sp.Eq(_lam, 0))
                label = Claim(sp.Eq(_m, m), ",", which, ",", sp.Eq(_k, k))
                cases.append((label, direct, formula))
    return check_identities(
        Claim(
            _Jm**_k,
            "by repeated multiplication equals the entry formula (",
            _lam,
            "symbolic, and",
            sp.Eq(_lam, 0),
            ")",
        ),
        cases,
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
        Claim(
            Chain(
                sp.MatMul(_W, sp.UnevaluatedExpr(_P * _J**_k * _P.I), evaluate=False),
                "=",
                _P * _J ** (_k + 1) * _P.I,
            ),
            "for",
            Chain(_W, "=", _P * _J * _P.I),
            "with",
            Size(_n, _n),
            "matrix symbols, symbolic",
            _n,
            "and",
            _k,
            "(SymPy cancels",
            sp.MatMul(_P.I, _P, evaluate=False),
            ")",
        ),
        instances=[Claim("symbolic", _n, ",", _k)],
        left=left,
        right=right,
    )


def _matrices():
    r, rho = sp.Rational, sp.Symbol("rho")
    return [
        (
            Claim("defective,", sp.Eq(rho, r(1, 2))),
            sp.Matrix([[r(1, 2), 1, 0], [0, r(1, 2), 1], [0, 0, r(1, 2)]]),
        ),
        (
            Claim("nilpotent", Chain(_W, "!=", 0), "(", sp.Eq(rho, 0), ")"),
            sp.Matrix([[1, 1, 0], [-1, -1, 1], [0, 0, 0]]),
        ),
        (Claim("defective,", sp.Eq(rho, 1)), sp.Matrix([[2, 1], [-1, 0]])),
        (Claim("rotation by 90°,", sp.Eq(rho, 1)), sp.Matrix([[0, -1], [1, 0]])),
    ]


def _jordan(settings):
    cases = []
    for label, W in _matrices():
        P, J, W9 = power_by_jordan_form(W, 9)
        similar = Claim(label, ":", Chain(_W, "=", _P * _J * _P.I))
        cases.append((similar, W, (P * J * P.inv()).applyfunc(sp.simplify)))
        cases.append((Claim(label, ":", _W**9), W**9, W9))
    return check_identities(
        Claim(
            "SymPy's Jordan form reconstructs",
            _W,
            ", and",
            _P * _J**9 * _P.I,
            "with",
            _J**9,
            "from the entry formula equals",
            _W**9,
            "by multiplication (exact, complex entries allowed)",
        ),
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
    following = Times(sp.binomial(Plus(_k, 1), _d), _lam ** Plus(_k, 1, -_d))
    return Outcome(
        below_one and nilpotent,
        Claim(
            Chain(
                Over(sp.Abs(following), sp.Abs(_ENTRY)),
                "=",
                Times(Over(Plus(_k, 1), Plus(_k, 1, -_d)), sp.Abs(_lam)),
                "->",
                sp.Abs(_lam),
                "<",
                1,
            ),
            ", so each entry",
            Chain("->", 0),
            "(ratio test);",
            sp.Eq(_lam, 0),
            ":",
            Chain(Times(sp.binomial(_k, _d), sp.Pow(0, Plus(_k, -_d), evaluate=False)), "=", 0),
            "once",
            Chain(_k, ">", _d),
        ),
        instances=[
            Claim(
                "symbolic",
                _d,
                ",",
                _k,
                ",",
                Chain(sp.Abs(_lam), "=", Over(1, Plus(1, sp.Symbol("u")))),
            )
        ],
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
    return ok, step


def _necessary(settings, extra_power=0):
    k = sp.Symbol("k", integer=True, nonnegative=True)
    u = sp.Symbol("u", nonnegative=True)  # every |λ| ≥ 1 is 1 + u
    growth = (k * sp.log(1 + u)).is_nonnegative is True
    induction, shown = _eigen_induction(extra_power)
    induction_step = sp.MatMul(_W, sp.UnevaluatedExpr(_lam**_k * _v), evaluate=False)
    wrong = Claim(Chain(induction_step, "=", shown), ", not", _lam ** (_k + 1) * _v)
    bad, lines = [] if induction else [wrong], []
    eigen, twelfth = Chain(_W * _v, "=", _lam * _v), Chain(_W**12 * _v, "=", _lam**12 * _v)
    for label, W in _matrices()[2:]:
        for lam, _, vectors in W.eigenvects():
            v = vectors[0]
            if sp.simplify(W * v - lam * v) != sp.zeros(W.rows, 1):
                bad.append(Claim(label, ":", Chain(_W * _v, "!=", _lam * _v)))
            power = sp.eye(W.rows)
            for _ in range(12):
                power = power * W
            if sp.simplify(power * v - lam**12 * v) != sp.zeros(W.rows, 1):
                bad.append(Claim(label, ":", Chain(_W**12 * _v, "!=", _lam**12 * _v)))
            modulus = sp.Abs(lam)
            if not modulus >= 1:
                bad.append(Claim(label, ":", Chain(sp.Abs(_lam), "=", modulus, "<", 1)))
            lines.append(
                Claim(
                    label,
                    ":",
                    sp.Eq(_lam, lam),
                    ",",
                    Chain(sp.Symbol("v"), "=", sp.Tuple(*v)),
                    ",",
                    sp.Eq(sp.Abs(_lam), modulus),
                )
            )
    at_least_one = Chain(sp.Abs(_lam), ">=", 1)
    return Outcome(
        growth and not bad,
        Claim(
            Chain(_W**_k * _v, "=", _lam**_k * _v),
            "for every",
            Size(_n, _n),
            _W,
            "with",
            eigen,
            ": the induction step",
            Chain(induction_step, "=", _lam ** (_k + 1) * _v),
            "with matrix symbols (symbolic",
            _n,
            ",",
            _k,
            ", complex",
            _lam,
            ");",
            Chain(Norm(_lam**_k * _v), "=", Times(sp.Abs(_lam) ** _k, Norm(_v))),
            "(homogeneity of the norm) and",
            Chain(
                sp.Abs(_lam) ** _k,
                "=",
                sp.exp(_k * sp.log(sp.Abs(_lam)), evaluate=False),
                ">=",
                1,
            ),
            "for",
            at_least_one,
            "(symbolic",
            _k,
            "); and, as instances, eigenvector certificates",
            eigen,
            ",",
            twelfth,
            ",",
            at_least_one,
            "checked exactly on the",
            sp.Eq(sp.Symbol("rho"), 1),
            "examples",
        ),
        instances=[
            Claim("symbolic", _n, ",", _k, ",", _lam),
            *[label for label, _ in _matrices()[2:]],
        ],
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
    statement=Claim(
        "For every real square matrix",
        _W,
        ", diagonalisable or not, nilpotent included:",
        Tends(_W**_k, 0, _k),
        "if and only if",
        Chain(sp.Function("rho")(_W), "<", 1),
        ".",
    ),
    formula=Chain(Tends(_W**_k, 0, _k), "<=>", sp.Function("rho")(_W), "<", 1),
    proof=Claim(
        "Take the Jordan form",
        Chain(_W, "=", _P * _J * _P.I),
        ". The power",
        _Jm**_k,
        "of a block has entries",
        _ENTRY,
        ", which vanish if and only if",
        Chain(sp.Abs(_lam), "<", 1),
        "; an eigenvector",
        _v,
        "with",
        Chain(sp.Abs(_lam), ">=", 1),
        "keeps",
        Chain(Norm(_W**_k * _v), ">=", Norm(_v)),
        ".",
    ),
    assumptions=[Claim(_W, "is real (or complex) and square; nothing else")],
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
            Claim(
                "induction on",
                _k,
                "with Pascal's rule",
                Chain(
                    Plus(sp.binomial(_k, _d), sp.binomial(_k, Plus(_d, -1))),
                    "=",
                    sp.binomial(Plus(_k, 1), _d),
                ),
            ),
            Evidence.PROVED,
            _pascal,
        ),
        Step(
            Claim("the entry formula against repeated multiplication,", sp.Eq(_lam, 0), "included"),
            Claim("independent computation of", _Jm**_k),
            Evidence.CHECKED,
            _blocks,
        ),
        Step(
            Chain(_W, "=", _P * _J * _P.I, "=>", _W**_k, "=", _P * _J**_k * _P.I),
            Claim(
                "induction on",
                _k,
                ":",
                Chain(sp.MatMul(_P.I, _P, evaluate=False), "=", sp.Identity(_n)),
                "in the middle",
            ),
            Evidence.PROVED,
            _similarity,
        ),
        Step(
            Claim("every real", _W, "has a Jordan form;", _W**_k, "from it matches direct powers"),
            Claim(
                "the Jordan normal form theorem, checked on defective, nilpotent and rotation", _W
            ),
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
            Claim("successive ratios tend to", Chain(sp.Abs(_lam), "<", 1)),
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
            Claim(
                "an eigenvector is never damped:",
                Chain(_W**_k * _v, "=", _lam**_k * _v),
                "by induction for every",
                _W,
                ",",
                Chain(sp.Abs(_lam) ** _k, ">=", 1),
                "for symbolic",
                _k,
                "; eigenvector certificates on the",
                sp.Eq(sp.Symbol("rho"), 1),
                "examples",
            ),
            Evidence.PROVED,
            _necessary,
        ),
    ],
)
