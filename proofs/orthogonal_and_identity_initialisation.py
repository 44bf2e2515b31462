"""Initialisation: orthogonal W caps the one-step gain at γ; the IRNN's Jacobians are 0/1 masks.

Statement. (a) If W = Q is orthogonal then ‖J_t‖₂ = ‖D_tQ‖₂ = max|σ′(a⁽ᵗ⁾ᵢ)| ≤ γ, so with tanh
(γ = 1) no product of Jacobians can grow; in the linear case ‖Q^k h‖ = ‖h‖ and ‖eQ^k‖ = ‖e‖
exactly: nothing explodes and nothing vanishes. (b) The IRNN (ReLU, W = I) has J_t = D_t, a
diagonal matrix of 0/1 masks, so ∂h⁽ᵀ⁾/∂h⁽⁰⁾ = D_T⋯D_1 is again a 0/1 diagonal and
‖∏J_t‖₂ ≤ 1: a unit that stays active passes its gradient on unchanged.

Proof. (DQ)ᵀ(DQ) = QᵀD²Q is similar to D², so the singular values of DQ are the |dᵢ|.
Qᵀ Q = I preserves every Euclidean norm. ReLU′ takes only the values 0 and 1, and products of
0/1 diagonal matrices are 0/1 diagonal matrices, whose spectral norm is their largest entry.
"""

from fractions import Fraction
from functools import cache

import sympy as sp

from symgrad import Evidence, Outcome, Step, Theorem, check_identities
from symgrad.kernel import (
    AtTime,
    Chain,
    Claim,
    Diag,
    MaxOver,
    Norm,
    Op,
    OrderedProduct,
    Prime,
    Size,
    Times,
)
from symgrad.maths.echo_state import (
    cayley_orthogonal,
    difference_quotient_jacobian,
    random_skew,
    run,
    state_jacobian_product,
)
from symgrad.maths.rational import norm_squared, spectral_norm_at_most

SIZES = (2, 3, 4)


@cache
def _orthogonal():
    return [(n, cayley_orthogonal(random_skew(n, seed=n))) for n in SIZES]


def _cayley(settings):
    # Q must be orthogonal and be the Cayley transform of its S: the transform is its own
    # inverse, S = (I − Q)(I + Q)⁻¹, so Q = I (orthogonal, but no transform of S ≠ 0) fails
    cases = []
    for n, Q in _orthogonal():
        S = random_skew(n, seed=n)
        cases.append((Claim(sp.Eq(_n, n), ":", _Q.T * _Q), Q.T * Q, sp.eye(n)))
        cases.append(
            (
                Claim(sp.Eq(_n, n), ":", _S, "from", _Q),
                (sp.eye(n) - Q) * (sp.eye(n) + Q).inv(),
                S,
            )
        )
    return check_identities(
        Claim(
            Chain(_Q.T * _Q, "=", _I),
            "and",
            Chain((_I - _Q) * (_I + _Q).I, "=", _S),
            "for",
            Chain(_Q, "=", (_I - _S) * (_I + _S).I),
            ", with random skew-symmetric rational",
            _S,
            "(seeded)",
        ),
        cases,
    )


def _masked_norm(settings, scale=1):
    cases = []
    for n, Q in _orthogonal():
        Q = scale * Q
        d = [sp.Rational(j + 1, n + 1) * (-1) ** j for j in range(n)]  # |dᵢ| ≤ 1 = γ(tanh)
        D = sp.diag(*d)
        x = sp.Symbol("x")
        cases.append(
            (
                Claim(sp.Eq(_n, n), ",", Chain(sp.Symbol("d"), "=", sp.Tuple(*d))),
                ((D * Q).T * (D * Q)).charpoly(x).as_expr(),
                (D * D).charpoly(x).as_expr(),
            )
        )
    return check_identities(
        Claim(
            Chain(Op("charpoly", _GRAM), "=", Op("charpoly", _D**2)),
            ": the singular values of",
            _D * _Q,
            "are the",
            sp.Abs(_d_i),
            ", so",
            Chain(Norm(_D * _Q, 2), "=", MaxOver(sp.Abs(_d_i), _i), "<=", _GAM),
        ),
        cases,
    )


def _linear_isometry(settings, scale=1):
    bad = []
    for n, Q in _orthogonal():
        W = scale * Q
        h0 = [Fraction(j + 1) for j in range(n)]
        forward = run(W, h0, [[0] * n] * 20, "identity")
        e = sp.Matrix([[(-1) ** j * (j + 2) for j in range(n)]])
        for t in range(21):
            if norm_squared(forward.states[t]) != norm_squared(h0):
                value = sp.Rational(norm_squared(forward.states[t]))
                bad.append(Claim(sp.Eq(_n, n), ":", Chain(Norm(AtTime("h", t)) ** 2, "=", value)))
                break
        back = e
        for k in range(1, 21):
            back = back * W
            if norm_squared(back) != norm_squared(e):
                value = sp.Rational(norm_squared(back))
                bad.append(Claim(sp.Eq(_n, n), ":", Chain(Norm(_e * _Q**k) ** 2, "=", value)))
                break
    return Outcome(
        not bad,
        Claim(
            "with the identity as",
            sp.Symbol("sigma"),
            "and",
            Chain(_W, "=", _Q),
            ":",
            Chain(Norm(AtTime("h", _t)) ** 2, "=", Norm(AtTime("h", 0)) ** 2),
            "and",
            Chain(Norm(_e * _Q**_k) ** 2, "=", Norm(_e) ** 2),
            "for",
            Chain(_t, "<=", 20),
            "and",
            Chain(_k, "<=", 20),
            ", exact fractions",
        ),
        instances=[Claim(sp.Eq(_n, n)) for n in SIZES],
        left=bad[0] if bad else None,
        right="equal squared norms" if bad else None,
    )


def _irnn(settings, scale=1):
    n, T = 3, 12
    W = (scale * sp.eye(n)).tolist()
    third = Fraction(1, 3)
    xs = [[Fraction(1, 2), Fraction(-1, 4), Fraction(-3) if t == 4 else third] for t in range(T)]
    b = [0, Fraction(1, 2), 0]
    h0 = [Fraction(1), Fraction(1, 2), third]
    base = run(W, h0, xs, "relu", b=b)
    product = state_jacobian_product(W, base)
    masks = {v for slopes in base.slopes for v in slopes}
    bad = []
    if not masks <= {0, 1}:
        bad.append(Claim(_SLOPE, "takes the values", sp.FiniteSet(*masks), ", not 0/1 masks"))
    if not spectral_norm_at_most(product, 1):
        bad.append(Claim(Chain(Norm(_PROD_J, 2), ">", 1), ":", Chain(_PROD_J, "=", product)))
    eps = Fraction(1, 10**4)
    for j in range(n):
        moved = list(h0)
        moved[j] += eps
        other = run(W, moved, xs, "relu", b=b)
        if other.slopes != base.slopes:
            bad.append(
                Claim(
                    f"the masks changed when entry {j} of",
                    AtTime("h", 0),
                    "moved by",
                    sp.Rational(eps),
                )
            )
            continue
        difference = (other.state(T) - base.state(T)) / eps
        if difference != product[:, j]:
            bad.append(
                Claim(
                    f"column {j}: the difference quotient of",
                    AtTime("h", _T),
                    "for a step",
                    Chain(sp.Symbol("epsilon"), "=", sp.Rational(eps)),
                    "along",
                    sp.Symbol(f"e_{j}"),
                    "is",
                    difference,
                )
            )
    diagonal = [product[i, i] for i in range(n)]
    # W = I hides the order, a transpose and the σ′ factors of the product formula
    # (diagonal factors commute): the same formula, on a non-normal ReLU network
    F = Fraction
    V = [[F(1, 2), 1, 0], [0, F(-3, 4), F(1, 2)], [F(1, 3), F(-1, 2), F(1, 4)]]
    g0, ys = [1, -1, F(1, 2)], [[F((3 * t + 2 * i) % 7 - 2, 2) for i in range(3)] for t in range(5)]
    general = state_jacobian_product(V, run(V, g0, ys, "relu"))
    quotient = difference_quotient_jacobian(V, g0, ys, "relu")
    if general != quotient:
        bad.append(
            Claim(
                "non-normal",
                _V,
                ":",
                Chain(OrderedProduct(_Dt * _V, _t, 1, 5), "=", general, "!=", quotient),
            )
        )
    return Outcome(
        not bad,
        Claim(
            "IRNN,",
            sp.Eq(_n, n),
            ",",
            sp.Eq(_T, T),
            ": every",
            Chain(_SLOPE, "in", sp.FiniteSet(0, 1)),
            ",",
            Chain(_PROD_J, "=", Op("diag", *diagonal)),
            ",",
            Chain(Norm(_PROD_J, 2), "<=", 1),
            "decided exactly, and each column equals the exact difference quotient of",
            AtTime("h", _T),
            "(the network is piecewise linear and the masks do not change); the product formula",
            OrderedProduct(_Dt * _V, _t, 1, _T),
            "also equals the difference quotients of a ReLU network with a non-normal",
            _V,
            "whose masks change over time (",
            sp.Eq(_T, 5),
            "), where order, transpose and",
            _SLOPE,
            "all show",
        ),
        instances=[
            Claim(sp.Eq(_n, n), ",", sp.Eq(_T, T), ",", Chain(_W, "=", Times(scale, _I))),
            Claim("ReLU, non-normal", Size(3, 3), _V, ",", sp.Eq(_T, 5)),
        ],
        left=bad[0] if bad else None,
        right=Claim(
            "masks of 0 and 1, and the product",
            sp.Symbol("P"),
            "of the Jacobians has",
            Chain(Norm(sp.Symbol("P"), 2), "<=", 1),
        )
        if bad
        else None,
    )


# the notation of the statement and the steps
_n, _i, _k, _t, _T = sp.symbols("n i k t T")
_GAM = sp.Symbol("gamma", positive=True)
_W, _Q, _S, _D = (sp.MatrixSymbol(name, _n, _n) for name in ("W", "Q", "S", "D"))
_D_t, _J_t = sp.MatrixSymbol("D_t", _n, _n), sp.MatrixSymbol("J_t", _n, _n)
_I = sp.Identity(_n)
_h, _e = sp.MatrixSymbol("h", _n, 1), sp.MatrixSymbol("e", 1, _n)
_d_i = sp.Symbol("d_i")
_V, _Dt = sp.symbols("V D_t", commutative=False)
_PROD_J = OrderedProduct(sp.Symbol("J_t", commutative=False), _t, 1, _T)  # J_T ⋯ J₁
_SLOPE = Prime("sigma", AtTime("a", _t))
_DQ = sp.MatMul(_D, _Q)
_GRAM = sp.MatMul(sp.Transpose(_DQ), _DQ, evaluate=False)  # (DQ)ᵀ(DQ)
_MAX_T = MaxOver(sp.Abs(Prime("sigma", AtTime(sp.Symbol("a_i"), _t))), _i)

THEOREM = Theorem(
    id="orthogonal_and_identity_initialisation",
    title="Orthogonal and identity initialisation",
    statement=Claim(
        "For an orthogonal",
        Chain(_W, "=", _Q),
        ",",
        Chain(Norm(_J_t, 2), "=", _MAX_T, "<=", _GAM),
        ", and in the linear case",
        Chain(Norm(_Q**_k * _h), "=", Norm(_h)),
        "and",
        Chain(Norm(_e * _Q**_k), "=", Norm(_e)),
        "exactly. The IRNN (ReLU,",
        Chain(_W, "=", _I),
        ") has",
        Chain(_J_t, "=", _D_t),
        ", diagonal with entries in",
        sp.FiniteSet(0, 1),
        ", so every product of Jacobians has",
        Chain(Norm(_PROD_J, 2), "<=", 1),
        ".",
    ),
    formula=Claim(
        Chain(_W.T * _W, "=", _I, "=>", Norm(_D_t * _W, 2), "=", _MAX_T, "<=", _GAM),
        ";",
        Chain(_W, "=", _I),
        "with ReLU",
        Chain("=>", Norm(OrderedProduct(_Dt, _t, 1, _T), 2), "<=", 1),
    ),
    convention=Claim(
        "Model A, numerator layout:",
        Chain(_J_t, "=", Diag(_SLOPE) * sp.Symbol("W", commutative=False)),
    ),
    proof=Claim(
        _Q.T * _D**2 * _Q,
        "is similar to",
        _D**2,
        "; an orthogonal map keeps norms; products of diagonal matrices with entries in",
        sp.FiniteSet(0, 1),
        "are again such matrices.",
    ),
    references=[
        "Saxe, McClelland & Ganguli (2014), orthogonal initialisation",
        "Le, Jaitly & Hinton (2015), IRNN",
        "Goodfellow et al. (2016), §10.7",
    ],
    tags=["initialisation", "orthogonal", "relu"],
    steps=[
        Step(
            Claim(
                Chain(_Q, "=", (_I - _S) * (_I + _S).I),
                ",",
                Chain(_S.T, "=", -_S),
                Chain("=>", _Q.T * _Q, "=", _I),
            ),
            "rational orthogonal matrices keep every check exact",
            Evidence.CHECKED,
            _cayley,
        ),
        Step(
            Chain(Norm(_D * _Q, 2), "=", MaxOver(sp.Abs(_d_i), _i), "<=", _GAM),
            Claim(Chain(_GRAM, "=", _Q.T * _D**2 * _Q), "is similar to", _D**2),
            Evidence.CHECKED,
            _masked_norm,
        ),
        Step(
            Claim(
                "linear,",
                Chain(_W, "=", _Q),
                ":",
                Chain(Norm(_Q**_k * _h), "=", Norm(_h)),
                "and",
                Chain(Norm(_e * _Q**_k), "=", Norm(_e)),
            ),
            Claim(Chain(_Q.T * _Q, "=", _I), "keeps norms forwards and backwards"),
            Evidence.CHECKED,
            _linear_isometry,
        ),
        Step(
            Claim(
                "IRNN:",
                Chain(_J_t, "=", sp.MatMul(_D_t, _I, evaluate=False), "=", _D_t),
                ", diagonal with entries in",
                sp.FiniteSet(0, 1),
                ",",
                Chain(Norm(OrderedProduct(_Dt, _t, 1, _T), 2), "<=", 1),
            ),
            Claim(
                Chain(Prime("ReLU", sp.Symbol("a")), "in", sp.FiniteSet(0, 1)),
                "and",
                Chain(_W, "=", _I),
                "; checked against exact difference quotients",
            ),
            Evidence.CHECKED,
            _irnn,
        ),
    ],
)
