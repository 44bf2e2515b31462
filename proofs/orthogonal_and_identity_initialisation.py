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
from symgrad.kernel import AtTime, Chain, Claim, MaxOver, Norm, OrderedProduct, Prime, superscript
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
        cases.append((f"n = {n}: QᵀQ", Q.T * Q, sp.eye(n)))
        cases.append((f"n = {n}: S from Q", (sp.eye(n) - Q) * (sp.eye(n) + Q).inv(), S))
    return check_identities(
        "QᵀQ = I and (I − Q)(I + Q)⁻¹ = S for Q = (I − S)(I + S)⁻¹, with random skew-symmetric "
        "rational S (seeded)",
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
                f"n = {n}, d = ({', '.join(str(v) for v in d)})",
                ((D * Q).T * (D * Q)).charpoly(x).as_expr(),
                (D * D).charpoly(x).as_expr(),
            )
        )
    return check_identities(
        "charpoly((DQ)ᵀ(DQ)) = charpoly(D²): the singular values of DQ are the |dᵢ|, so "
        "‖DQ‖₂ = max|dᵢ| ≤ γ",
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
                bad.append(f"n = {n}: ‖h⁽{t}⁾‖² = {norm_squared(forward.states[t])}")
                break
        back = e
        for k in range(1, 21):
            back = back * W
            if norm_squared(back) != norm_squared(e):
                bad.append(f"n = {n}: ‖eQ{superscript(k)}‖² = {norm_squared(back)}")
                break
    return Outcome(
        not bad,
        "σ = identity, W = Q: ‖h⁽ᵗ⁾‖² = ‖h⁽⁰⁾‖² and ‖eQᵏ‖² = ‖e‖² for t, k ≤ 20, exact fractions",
        instances=[f"n = {n}" for n in SIZES],
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
        bad.append(f"σ′ values {sorted(masks)} are not 0/1 masks")
    if not spectral_norm_at_most(product, 1):
        bad.append(f"‖∏J‖₂ > 1: ∏J = {product.tolist()}")
    eps = Fraction(1, 10**4)
    for j in range(n):
        moved = list(h0)
        moved[j] += eps
        other = run(W, moved, xs, "relu", b=b)
        if other.slopes != base.slopes:
            bad.append(f"the masks changed when entry {j} of h⁽⁰⁾ moved by {eps}")
            continue
        difference = (other.state(T) - base.state(T)) / eps
        if difference != product[:, j]:
            bad.append(f"column {j}: (h⁽ᵀ⁾(h⁽⁰⁾ + εeⱼ) − h⁽ᵀ⁾(h⁽⁰⁾))/ε = {list(difference)}")
    diagonal = [product[i, i] for i in range(n)]
    # W = I hides the order, a transpose and the σ′ factors of the product formula
    # (diagonal factors commute): the same formula, on a non-normal ReLU network
    F = Fraction
    V = [[F(1, 2), 1, 0], [0, F(-3, 4), F(1, 2)], [F(1, 3), F(-1, 2), F(1, 4)]]
    g0, ys = [1, -1, F(1, 2)], [[F((3 * t + 2 * i) % 7 - 2, 2) for i in range(3)] for t in range(5)]
    general = state_jacobian_product(V, run(V, g0, ys, "relu"))
    quotient = difference_quotient_jacobian(V, g0, ys, "relu")
    if general != quotient:
        bad.append(f"non-normal V: D₅V⋯D₁V = {general.tolist()} ≠ {quotient.tolist()}")
    return Outcome(
        not bad,
        f"IRNN, n = {n}, T = {T}: every σ′ ∈ {{0, 1}}, ∏Jₜ = diag{tuple(diagonal)}, ‖∏Jₜ‖₂ ≤ 1 "
        "decided exactly, and each column equals the exact difference quotient of h⁽ᵀ⁾ "
        "(the network is piecewise linear and the masks do not change); the product formula "
        "∏ Dₜ V also equals the difference quotients of a ReLU network with a non-normal V "
        "whose masks change over time (T = 5), where order, transpose and σ′ all show",
        instances=[f"n = {n}, T = {T}, W = {scale}·I", "ReLU, non-normal 3×3 V, T = 5"],
        left=bad[0] if bad else None,
        right=Claim(
            "masks of 0 and 1, and the product P of the Jacobians has",
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
_MAX_T = MaxOver(sp.Abs(Prime("sigma", AtTime(sp.Symbol("a_i"), _t))), _i)

THEOREM = Theorem(
    id="orthogonal_and_identity_initialisation",
    title="Orthogonal and identity initialisation",
    statement=(
        "Orthogonal W: ‖Jₜ‖₂ = max|σ′| ≤ γ, and in the linear case ‖Qᵏh‖ = ‖h‖, ‖eQᵏ‖ = ‖e‖ "
        "exactly. IRNN (ReLU, W = I): Jₜ = Dₜ with 0/1 entries, so every product of Jacobians "
        "has ‖Jₜ⋯J₁‖₂ ≤ 1."
    ),
    formula=Claim(
        Chain(_W.T * _W, "=", _I, "=>", Norm(_D_t * _W, 2), "=", _MAX_T, "<=", _GAM),
        ";",
        Chain(_W, "=", _I),
        "and σ = ReLU",
        Chain("=>", Norm(OrderedProduct(_D_t, _t, 1, _T), 2), "<=", 1),
    ),
    convention="Model A, numerator layout: Jₜ = diag(σ′(a⁽ᵗ⁾)) W",
    proof=(
        "QᵀD²Q is similar to D²; an orthogonal map keeps norms; products of 0/1 diagonal "
        "matrices are 0/1 diagonal."
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
            "(DQ)ᵀ(DQ) = QᵀD²Q is similar to D²",
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
            "QᵀQ = I keeps norms forwards and backwards",
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
                Chain(Norm(OrderedProduct(_D_t, _t, 1, _T), 2), "<=", 1),
            ),
            "ReLU′ ∈ {0, 1} and W = I; checked against exact difference quotients",
            Evidence.CHECKED,
            _irnn,
        ),
    ],
)
