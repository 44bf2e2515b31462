"""The error direction in the linear case: ρ(W) > 1 explodes only the components it reaches.

Statement. Let W = SΛS⁻¹ be diagonalisable with left eigenvectors qᵢ (the rows of S⁻¹,
qᵢW = λᵢqᵢ), and expand the row error e = ∂L⁽ᵏ⁾/∂h⁽ᵏ⁾ = Σ cᵢqᵢ. Then e·W^k = Σ cᵢλᵢ^k qᵢ, and
‖e·W^k‖ → ∞ if and only if cᵢ ≠ 0 for some |λᵢ| > 1. So ρ(W) > 1 is necessary but not
sufficient for a given error to explode, and ρ(W) < 1 is sufficient but not necessary for it to
vanish: an error vector with cᵢ = 0 for every |λᵢ| ≥ 1 decays although ρ(W) > 1. Avoiding only
the directions with |λᵢ| > 1 is not enough: W = diag(2, 1), e = (0, 1) gives e·W^k = (0, 1).

Proof. qᵢW^k = λᵢ^k qᵢ by induction, and linearity. The coordinates of e·W^k in the basis {qᵢ}
are cᵢλᵢ^k = (e·W^k S)ᵢ, so |cⱼλⱼ^k| ≤ ‖e·W^k‖ ‖S‖ (explosion if cⱼ ≠ 0, |λⱼ| > 1), while
‖e·W^k‖ ≤ Σ|cᵢ||λᵢ|^k‖qᵢ‖ stays bounded when every cᵢ with |λᵢ| > 1 is 0.
"""

from functools import cache

import sympy as sp

from symgrad import Evidence, Outcome, Step, Theorem, check_identities
from symgrad.kernel import Chain, Claim, Norm, Op, Over, Plus, Tends, Times
from symgrad.maths.rational import norm_squared, spectral_norm_at_most

EIGENVALUES = (2, sp.Rational(1, 2), sp.Rational(1, 3))


@cache
def _setting():
    S = sp.Matrix([[1, 1, 0], [0, 1, 1], [1, 0, 1]])
    W = S * sp.diag(*EIGENVALUES) * S.inv()
    k = sp.Symbol("k", integer=True, nonnegative=True)
    return S, W, k, W**k


def _normal(expr):
    return sp.expand(sp.powsimp(sp.expand_power_base(sp.expand(expr), force=True)))


def _left_eigenvectors(settings, right_eigenvectors=False):
    S, W, _, _ = _setting()
    Q = S.inv() if not right_eigenvectors else S.T
    cases = [
        (
            Claim(
                Chain(_q(i + 1) * _W, "=", _lam(i + 1) * _q(i + 1)),
                ",",
                sp.Eq(_lam(i + 1), lam),
            ),
            Q[i, :] * W,
            lam * Q[i, :],
        )
        for i, lam in enumerate(EIGENVALUES)
    ]
    return check_identities(
        Claim("the rows", _q_i, "of", _S.I, "are left eigenvectors of", Chain(_W, "=", W)), cases
    )


def _expansion(settings, right_eigenvectors=False):
    S, W, k, Wk = _setting()
    Q = S.inv() if not right_eigenvectors else S.T
    c = sp.symbols("c1:4")
    e = sum((c[i] * Q[i, :] for i in range(3)), sp.zeros(1, 3))

    def claimed(power):
        return sum((c[i] * EIGENVALUES[i] ** power * Q[i, :] for i in range(3)), sp.zeros(1, 3))

    symbolic = Claim("symbolic", _k, ", SymPy's", _W**_k)
    cases = [(symbolic, (e * Wk).applyfunc(_normal), claimed(k).applyfunc(_normal))]
    power = sp.eye(3)
    for kk in range(7):
        cases.append((Claim(sp.Eq(_k, kk), ", repeated multiplication"), e * power, claimed(kk)))
        power = power * W
    c_i = [sp.Symbol(f"c_{i}") for i in (1, 2, 3)]
    expansion = Chain(_e * _W**_k, "=", sp.Sum(_c_i * _lam_i**_k * _q_i, (_i, 1, 3)))
    return check_identities(
        Claim(expansion, "for symbolic", c_i[0], ",", c_i[1], ",", c_i[2]), cases
    )


def _coordinate_identity(c, Lam, S, k):
    """(cΛᵏS⁻¹)S = cΛᵏ as written."""
    product = sp.MatMul(sp.UnevaluatedExpr(c * Lam**k * S.I), S, evaluate=False)
    return Chain(product, "=", c * Lam**k)


def _coordinates(settings):
    n = sp.Symbol("n", integer=True, positive=True)
    k = sp.Symbol("k", integer=True, nonnegative=True)
    c = sp.MatrixSymbol("c", 1, n)
    S, Lam = sp.MatrixSymbol("S", n, n), sp.MatrixSymbol("Lambda", n, n)
    left = (c * Lam**k * S.I * S).doit()
    right = c * Lam**k
    return Outcome(
        left == right,
        Claim(
            _coordinate_identity(c, Lam, S, k),
            "for matrix symbols of symbolic size",
            n,
            ": the coordinates of",
            _e * _W**_k,
            "are",
            _c_i * _lam_i**_k,
        ),
        instances=[Claim("symbolic", n, ",", k)],
        left=left,
        right=right,
    )


def _avoiding(settings, coefficients=(0, 1, 1)):
    S, W, k, Wk = _setting()
    Q = S.inv()
    e = sum((coefficients[i] * Q[i, :] for i in range(3)), sp.zeros(1, 3))
    avoiding = Q[1, :] / 2**k + Q[2, :] / 3**k  # the claimed e·W^k for c = (0, 1, 1)
    same = check_identities("", [("", (e * Wk).applyfunc(_normal), avoiding.applyfunc(_normal))])
    limits = [sp.limit(coefficients[i] * EIGENVALUES[i] ** k, k, sp.oo) for i in range(3)]
    decays = all(lim == 0 for lim in limits)
    rho = max(abs(lam) for lam in W.eigenvals())
    chosen = Chain(sp.Symbol("c"), "=", sp.Tuple(*coefficients))
    return Outcome(
        same.ok and decays and rho == 2,
        Claim(
            chosen,
            ":",
            Chain(_e * _W**_k, "=", Plus(2**-_k * _q(2), 3**-_k * _q(3))),
            "entrywise for symbolic",
            _k,
            "(SymPy's",
            _W**_k,
            "), coordinates",
            Chain("->", sp.Tuple(*limits)),
            "although",
            Chain(sp.Function("rho")(_W), "=", rho),
        ),
        instances=[Claim(chosen), Claim("symbolic", _k)],
        left=Claim("the row", same.left, "; the limits", sp.Matrix([limits]))
        if not same.ok
        else Claim("the limits", sp.Matrix([limits])),
        right=Claim("the row", avoiding, "; every limit 0"),
    )


def _modulus_one(settings, modulus=1):
    k = sp.Symbol("k", integer=True, nonnegative=True)
    W = sp.diag(2, sp.Rational(modulus))
    e = sp.Matrix([[0, 1]])
    row = (e * W**k).applyfunc(sp.simplify)
    limits = [sp.limit(entry, k, sp.oo) for entry in row]
    stays = row == sp.Matrix([[0, 1]]) and all(lim != 0 for lim in limits[1:])
    example = Claim(Chain(_W, "=", Op("diag", 2, sp.Rational(modulus))), ",", Chain(_e, "=", e))
    return Outcome(
        stays,
        Claim(
            example,
            ":",
            Chain(_e * _W**_k, "=", row),
            "for symbolic",
            _k,
            ", limits",
            sp.Matrix([limits]),
            ": no component along",
            sp.Eq(_lam(1), 2),
            ", yet the error does not vanish",
        ),
        instances=[example, Claim("symbolic", _k)],
        left=Claim("the row", row, "; the limits", sp.Matrix([limits])),
        right=Claim("the row", sp.Matrix([[0, 1]]), "for every", _k, "; the second limit not 0"),
    )


def _exploding(settings, modulus=None, norm_of_s=2):
    S, W, k, _ = _setting()
    u = sp.Symbol("u", positive=True)
    lam = 1 + u if modulus is None else modulus  # every |λ| > 1
    growth = sp.limit(lam**k, k, sp.oo)
    example = sp.limit(EIGENVALUES[0] ** k, k, sp.oo)
    # the inequality itself, exactly, on the example: ‖S‖₂ ≤ s decided exactly, then
    # ‖e·W^k‖² s² ≥ (c₁ 2^k)² for e = q₁ + q₂ + q₃ (c = (1, 1, 1)) and k = 0..20
    s_bound = spectral_norm_at_most(S, norm_of_s)
    e = sum((S.inv()[i, :] for i in range(3)), sp.zeros(1, 3))
    bad, power = [], sp.eye(3)
    for kk in range(21):
        row = e * power
        if not norm_squared(list(row)) * norm_of_s**2 >= (EIGENVALUES[0] ** kk) ** 2:
            square = Times(Norm(_e * _W**_k) ** 2, sp.Pow(norm_of_s, 2, evaluate=False))
            value = norm_squared(list(row)) * norm_of_s**2
            bad.append(Claim(sp.Eq(_k, kk), ":", Chain(square, "=", value)))
        power = power * W
    lam, lam_j, c_j, S2 = sp.Symbol("lambda"), _lam("j"), sp.Symbol("c_j"), Norm(_S, 2)
    s_at_most = Chain(S2, "<=", norm_of_s)
    return Outcome(
        growth == sp.oo and example == sp.oo and s_bound and not bad,
        Claim(
            Tends(sp.Abs(lam) ** _k, sp.oo),
            "for every",
            Chain(sp.Abs(lam), "=", Plus(1, u), ">", 1),
            "(symbolic",
            Chain(u, ">", 0),
            "), here",
            2**_k,
            "; the inequality",
            Chain(Norm(_e * _W**_k), ">=", Over(Times(sp.Abs(c_j), sp.Abs(lam_j) ** _k), S2)),
            "(a coordinate of",
            sp.MatMul(sp.UnevaluatedExpr(_e * _W**_k), _S, evaluate=False),
            "is at most",
            Times(Norm(_e * _W**_k), S2),
            ") checked exactly on the example,",
            Chain(_e, "=", _q(1) + _q(2) + _q(3)),
            ",",
            Chain(_k, "=", 0),
            ", …,",
            20,
            ", with",
            s_at_most,
            "decided exactly",
        ),
        instances=[
            Claim("symbolic", Chain(u, ">", 0), ",", _k),
            Claim(
                "the example:",
                Chain(sp.Symbol("c"), "=", sp.Tuple(1, 1, 1)),
                ",",
                sp.Eq(_lam(1), 2),
                ",",
                Chain(_k, "<=", 20),
            ),
        ],
        left=Claim(
            "the limits",
            sp.Matrix([[growth, example]]),
            ";",
            s_at_most,
            f": {s_bound}; first failure:",
            bad[0] if bad else "none",
        ),
        right=Claim(
            "the limits",
            sp.Matrix([[sp.oo, sp.oo]]),
            ";",
            s_at_most,
            ": True; first failure: none",
        ),
    )


# the notation of the statement and the steps: e and the rows q_i of S⁻¹ are row vectors
_n, _k, _i = sp.symbols("n k i")
_lam_i, _c_i = sp.symbols("lambda_i c_i")
_W, _S = sp.MatrixSymbol("W", _n, _n), sp.MatrixSymbol("S", _n, _n)
_e, _q_i = sp.MatrixSymbol("e", 1, _n), sp.MatrixSymbol("q_i", 1, _n)


def _q(index):
    return sp.MatrixSymbol(f"q_{index}", 1, _n)


def _lam(index):
    return sp.Symbol(f"lambda_{index}")


_EIGEN = Chain(_q_i * _W, "=", _lam_i * _q_i)
_EXPANSION = Chain(_e * _W**_k, "=", sp.Sum(_c_i * _lam_i**_k * _q_i, (_i, 1, _n)))

THEOREM = Theorem(
    id="linear_error_direction",
    title="The linear case: which error components explode",
    statement=Claim(
        "Let",
        _W,
        "be diagonalisable with left eigenvectors",
        _q_i,
        ", and expand the error as",
        Chain(_e, "=", sp.Sum(_c_i * _q_i, (_i, 1, _n))),
        ". Then",
        _EXPANSION,
        ", and",
        Tends(Norm(_e * _W**_k), sp.oo),
        "if and only if",
        Chain(_c_i, "!=", 0),
        "for some",
        _i,
        "with",
        Chain(sp.Abs(_lam_i), ">", 1),
        ". An error avoiding every direction with",
        Chain(sp.Abs(_lam_i), ">=", 1),
        "vanishes although",
        Chain(sp.Function("rho")(_W), ">", 1),
        ". Avoiding only the directions with",
        Chain(sp.Abs(_lam_i), ">", 1),
        "is not enough:",
        Chain(_W, "=", Op("diag", 2, 1)),
        "and",
        Chain(_e, "=", sp.Matrix([[0, 1]])),
        "give",
        Chain(_e * _W**_k, "=", sp.Matrix([[0, 1]])),
        "for every",
        _k,
        ".",
    ),
    formula=Claim(_EXPANSION, ",", _EIGEN),
    convention=Claim(
        _e, "is a row vector; numerator layout: the Jacobian over", _k, "steps is", _W**_k
    ),
    proof=Claim(
        "Power iteration: the coordinates of",
        _e * _W**_k,
        "in the eigenbasis are",
        _c_i * _lam_i**_k,
        "; the norms of the vector and of its coordinates bound each other (via",
        _S,
        "and",
        _S.I,
        ").",
    ),
    assumptions=[Claim(_W, "is diagonalisable, possibly over the complex numbers")],
    references=[
        "Pascanu et al. (2013), §2.1 and its supplement (power iteration)",
        "seed errata 9 and 18",
    ],
    tags=["linear", "eigenvectors", "power iteration", "erratum 17"],
    steps=[
        Step(
            Claim(_EIGEN, "for the rows", _q_i, "of", _S.I),
            Chain(_S.I * _W, "=", sp.MatrixSymbol("Lambda", _n, _n) * _S.I),
            Evidence.CHECKED,
            _left_eigenvectors,
        ),
        Step(
            _EXPANSION,
            Claim(Chain(_q_i * _W**_k, "=", _lam_i**_k * _q_i), "by induction, and linearity"),
            Evidence.CHECKED,
            _expansion,
        ),
        Step(
            Claim("the coordinates of", _e * _W**_k, "are", _c_i * _lam_i**_k),
            Claim(
                _coordinate_identity(
                    sp.MatrixSymbol("c", 1, _n), sp.MatrixSymbol("Lambda", _n, _n), _S, _k
                ),
                "; hence",
                Chain(
                    sp.Abs(sp.Symbol("c_j") * _lam("j") ** _k),
                    "<=",
                    Times(Norm(_e * _W**_k), Norm(_S)),
                ),
                "and",
                Chain(
                    Norm(_e * _W**_k),
                    "<=",
                    sp.Sum(Times(sp.Abs(_c_i), sp.Abs(_lam_i) ** _k, Norm(_q_i)), (_i, 1, _n)),
                ),
            ),
            Evidence.PROVED,
            _coordinates,
        ),
        Step(
            Claim(
                Chain(sp.Function("rho")(_W), "=", 2),
                ", yet",
                Chain(_e, "=", _q(2) + _q(3)),
                "gives",
                Tends(_e * _W**_k, 0, _k),
            ),
            Claim(
                "the error has no component along",
                _q(1),
                ", the only direction with",
                Chain(sp.Abs(_lam_i), ">=", 1),
            ),
            Evidence.CHECKED,
            _avoiding,
        ),
        Step(
            Claim(
                Chain(sp.Symbol("c_j"), "!=", 0),
                "for some",
                sp.Abs(sp.Symbol("lambda_j")) > 1,
                "implies",
                Tends(Norm(_e * _W**_k), sp.oo, _k),
                "(here",
                Chain(sp.Symbol("c_1"), "!=", 0),
                "and",
                Chain(sp.Symbol("lambda_1"), "=", 2),
                ")",
            ),
            Claim(
                "the coordinate along",
                _q("j"),
                "grows like",
                sp.Abs(_lam("j")) ** _k,
                "(proved for symbolic",
                Chain(sp.Abs(_lam("j")), ">", 1),
                "), and",
                Chain(
                    Norm(_e * _W**_k),
                    ">=",
                    Over(sp.Abs(sp.Symbol("c_j") * _lam("j") ** _k), Norm(_S, 2)),
                ),
                "by submultiplicativity (spectral_norm_submultiplicative), checked exactly on "
                "the example",
            ),
            Evidence.CHECKED,
            _exploding,
        ),
        Step(
            Claim(
                "avoiding only the directions with",
                sp.Abs(_lam_i) > 1,
                "is not enough:",
                Chain(_W, "=", Op("diag", 2, 1)),
                "and",
                Chain(_e, "=", sp.Matrix([[0, 1]])),
                "give",
                Chain(_e * _W**_k, "=", sp.Matrix([[0, 1]])),
                "for every",
                _k,
            ),
            "the component along an eigenvalue of modulus 1 neither grows nor decays",
            Evidence.CHECKED,
            _modulus_one,
        ),
    ],
)
