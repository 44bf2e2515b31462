"""The LSTM state (c, h): its 2n × 2n Jacobian, the carousel as f → 1, i → 0, and explosion.

Statement. For the cell c_t = f⊙c_{t−1} + i⊙g, h_t = o⊙tanh(c_t) (gates from h_{t−1} and x_t),
the Jacobian of the state map (c_{t−1}, h_{t−1}) ↦ (c_t, h_t) is [[A, B], [C, D]] with
A = diag(f), B = diag(c_{t−1}⊙σ′(z^f))W_f + diag(g⊙σ′(z^i))W_i + diag(i⊙tanh′(z^g))W_g,
C = diag(o⊙tanh′(c_t))A, D = diag(tanh(c_t)⊙σ′(z^o))W_o + diag(o⊙tanh′(c_t))B, and
∂(c_t, h_t)/∂(c_{t−q}, h_{t−q}) is the product of q of them, the latest on the left.
The constant error carousel: written in gate values, A = diag(f) and every term of B
carries f(1 − f), i(1 − i) or i, so as f → 1 and i → 0 (c, g and the weights bounded), A → I
and B → 0. The logistic gates take values in (0, 1) and only approach this limit; gates that
can reach f = 1, i = 0 exactly (hard gates) make A = I and B = 0 for every W, and then the
c-block of every q-step product is exactly I — norm exactly 1, whatever q. (With hard gates
saturated at f = 1, i = 0, B = 0 because the gates' derivative is 0 on the saturated region and
i = 0, not because of σ′ = σ(1 − σ).) With the input gate open the c-block need not stay near
I: with logistic gates, f = σ(4) < 1 and i = 1/2, an instance has two-step c-block
f₂f₁ + B₂C₁ > 1 (and with W_f = W_i = W_g = 0, B = 0 for every i, so "need not" cannot be
"does not"). Neither block
need be small: for n = 1, W_g = 4, b_f = b_i = b_o = 4 and all other weights 0,
(c, h) = (0, 0) is a fixed point whose state Jacobian has norm s√(17(1 + s²)) ≈ 5.675
(s = σ(4)), and ∂c_t/∂c_{t−q} = s(s + 4s²)^(q−1) grows like 4.839^q.

Proof. Differentiate the step; h_{t−1} enters every gate, c_{t−1} only the cell update. With
σ′ = σ(1 − σ), every term of B carries f(1 − f), i(1 − i) or i, a polynomial in the gate
values that is 0 at f = 1, i = 0. A block lower-triangular matrix with blocks I, 0 on top
keeps that top row under multiplication. At the fixed point the Jacobian is the rank-one
matrix (1, s)ᵀ(s, 4s).
"""

import numpy as np
import sympy as sp
from flint import arb_mat

from symgrad import Evidence, Outcome, Step, Theorem, check_identities, check_property
from symgrad.kernel import (
    AtTime,
    Ball,
    Chain,
    Claim,
    Decimal,
    Diag,
    Norm,
    Partial,
    Plus,
    Prime,
    Tends,
    Times,
    check_holds,
    power_of_ten,
)
from symgrad.maths.enclosures import enclose, enclose_matrix, show, singular_values_2x2
from symgrad.maths.gated import largest_gap_to_symbolic
from symgrad.maths.lstm import LSTMCell, state_jacobian_formula, symbolic_step


def _formula(settings):
    cases = []
    for n in (1, 2):
        direct, formula = state_jacobian_formula(n, 1)
        cases.append((Claim(sp.Eq(_n, n), ",", sp.Eq(_m, 1)), direct, formula))
    return check_identities(
        Claim(
            "SymPy's jacobian of the step as written equals the block formula",
            sp.ImmutableMatrix([[_A, _B], [_C, _D]]),
            ", entry by entry, all weights, inputs and states symbolic",
        ),
        cases,
    )


def _same_cell(settings):
    """LSTMCell (NumPy) against the LSTM written symbolically: same step, same state Jacobian."""
    c_t, h_t, sym = symbolic_step(2, 2)
    worst = largest_gap_to_symbolic(
        LSTMCell,
        sp.Matrix([*c_t, *h_t]),
        ("c", "h"),
        sym,
        lambda rng: {"x": rng.normal(size=2), "c": rng.normal(size=2), "h": rng.uniform(-1, 1, 2)},
        lambda cell, v: (
            np.concatenate(cell.step(v["x"], v["c"], v["h"])),
            cell.state_jacobian(v["x"], v["c"], v["h"]),
        ),
    )
    return Outcome(
        worst <= 1e-12,
        Claim(
            "LSTMCell.step and LSTMCell.state_jacobian (NumPy) against symbolic_step and SymPy's "
            "Matrix.jacobian of it, compiled separately, on 3 random cells (",
            sp.Eq(_n, 2),
            ",",
            sp.Eq(_m, 2),
            ")",
        ),
        instances=["seeds 0, 1, 2"],
        tolerance=Claim(
            "largest absolute difference",
            Chain("<=", power_of_ten(-12)),
            "(largest seen",
            sp.Float(f"{worst:.1e}"),
            "; entries are",
            sp.Function("O")(1),
            ")",
        ),
        left=Claim("largest difference", worst),
        right=Chain("<=", sp.Float("1e-12")),
    )


def _numeric(settings):
    from hypothesis import strategies as st

    def prop(seed, n):
        cell = LSTMCell.random(n, 2, seed=seed)
        rng = np.random.default_rng(seed + 1)
        x1, x2 = rng.normal(size=2), rng.normal(size=2)
        c, h = rng.normal(size=n), rng.uniform(-1, 1, size=n)
        eps = 1e-6

        def two_steps(v):
            c1, h1 = cell.step(x1, v[:n], v[n:])
            return np.concatenate(cell.step(x2, c1, h1))

        s0 = np.concatenate([c, h])
        fd = np.column_stack(
            [(two_steps(s0 + eps * e) - two_steps(s0 - eps * e)) / (2 * eps) for e in np.eye(2 * n)]
        )
        c1, h1 = cell.step(x1, c, h)
        product = cell.state_jacobian(x2, c1, h1) @ cell.state_jacobian(x1, c, h)
        err = np.max(np.abs(product - fd))
        check_holds(err <= 1e-7, f"max |J₂J₁ − finite differences| = {err!r}", "10⁻⁷")

    return check_property(
        prop,
        [st.integers(0, 10**6), st.integers(1, 4)],
        settings=settings,
        default_examples=40,
        checked=Claim(
            "the product",
            Times(_J(_ss[1]), _J(_ss[0])),
            "(latest on the left) against central differences of the two-step map, random cells,",
            _n <= 4,
        ),
        tolerance=Claim(
            "absolute",
            power_of_ten(-7),
            "(central differences with step",
            power_of_ten(-6),
            ")",
        ),
    )


def _gate_values(settings):
    z = sp.Symbol("z", real=True)
    sig = 1 / (1 + sp.exp(-z))
    k, j = sp.symbols("k j", integer=True, positive=True)
    f, i, g, c = (sp.IndexedBase(name) for name in ("f", "i", "g", "c"))
    Wf, Wi, Wg = (sp.IndexedBase(name) for name in ("W_f", "W_i", "W_g"))
    entry = (
        c[k] * f[k] * (1 - f[k]) * Wf[k, j]
        + g[k] * i[k] * (1 - i[k]) * Wi[k, j]
        + i[k] * (1 - g[k] ** 2) * Wg[k, j]
    )
    at_cec = entry.subs({f[k]: 1, i[k]: 0})
    B_kj, A_kj, f_k, delta_kj = sp.symbols("B_kj A_kj f_k delta_kj")
    at_one = Claim("at", sp.Eq(_f, 1))
    out = check_identities(
        Claim(
            _SIGMA_PRIME,
            "and",
            _TANH_PRIME,
            "(symbolic",
            z,
            "); the entry",
            B_kj,
            ", a polynomial in the gate values, is 0",
            at_one,
            ",",
            sp.Eq(_i, 0),
            ", so it tends to 0 as",
            Tends(_f, 1),
            ",",
            Tends(_i, 0),
            ", and",
            sp.Eq(A_kj, Times(f_k, delta_kj)),
            "tends to",
            delta_kj,
            "(symbolic",
            k,
            ",",
            j,
            ",",
            _n,
            "); the logistic gate never reaches 1 or 0 (",
            Chain(0, "<", _SIGMA(z), "<", 1),
            "for real",
            z,
            ", decided by SymPy)",
        ),
        [
            (Claim(_SIGMA_PRIME), sp.cancel(sp.diff(sig, z)), sp.cancel(sig * (1 - sig))),
            (Claim(_TANH_PRIME), sp.diff(sp.tanh(z), z), 1 - sp.tanh(z) ** 2),
            (Claim(B_kj, at_one, ",", sp.Eq(_i, 0)), at_cec, 0),
            (
                Claim(A_kj, at_one),
                (f[k] * sp.KroneckerDelta(k, j)).subs(f[k], 1),
                sp.KroneckerDelta(k, j),
            ),
        ],
    )
    # 1 − σ = e^(−z)/(1 + e^(−z)) and σ are positive for every real z: the limit is not reached
    reached = [sp.simplify(1 - sig).is_positive, sig.is_positive]
    if out.ok and reached != [True, True]:
        above = [1 - _SIGMA(z) > 0, _SIGMA(z) > 0]
        out.ok = False
        out.right = Claim(above[0], "and", above[1], "both known to SymPy")
        out.left = Claim(above[0], f"known: {reached[0]};", above[1], f"known: {reached[1]}")
    return out


def _carousel_products(settings):
    n = sp.Symbol("n", integer=True, positive=True)
    eye, zero = sp.Identity(n), sp.ZeroMatrix(n, n)
    C, D, X, Y = (sp.MatrixSymbol(name, n, n) for name in ("C", "D", "X", "Y"))
    J = sp.BlockMatrix([[eye, zero], [C, D]])
    P = sp.BlockMatrix([[eye, zero], [X, Y]])  # induction hypothesis: the q-step product
    step = sp.block_collapse(J * P)  # the (q + 1)-step product, latest on the left
    blocks = step.blocks
    ok = blocks[0, 0] == eye and blocks[0, 1] == zero and blocks[1, 0] == C + D * X
    return Outcome(
        ok,
        Claim(
            "block product with symbolic",
            _n,
            ": rows",
            sp.Tuple(_I, 0),
            ",",
            sp.Tuple(_C, _D),
            "times rows",
            sp.Tuple(_I, 0),
            ",",
            sp.Tuple(_X, _Y),
            "give rows",
            sp.Tuple(_I, 0),
            ",",
            sp.Tuple(_C + _D * _X, _D * _Y),
            ", so by induction on",
            _q,
            "every product keeps c-block",
            _I,
        ),
        instances=[Claim("symbolic", _n, ", symbolic", _q, "(induction)")],
        left=Claim("top row", blocks[0, 0], "and", blocks[0, 1], "; bottom-left", blocks[1, 0]),
        right=Claim("top row", eye, "and", zero, "; bottom-left", C + D * X),
    )


#: The input-gate bias of the "an open input gate breaks the carousel" instance: i = σ(0) = 1/2.
INPUT_BIAS = 0


def _one_unit_at_rest(input_bias):
    """n = 1, logistic gates: W_g = 4, b_f = b_o = 4, b_i = `input_bias`, every other weight
    and bias 0, x = 0, at the state (c, h) = (0, 0). Returns the step s_t = (c_t, h_t), its
    Jacobian there (SymPy's jacobian of the step as written, exact), the substitution and the
    symbols."""
    c_t, h_t, sym = symbolic_step(1, 1)
    four = sp.Integer(4)
    at = {
        sym["Wg"][0]: four,
        **{sym[f"W{k}"][0]: 0 for k in "fio"},
        **{sym[f"U{k}"][0]: 0 for k in "fiog"},
        sym["bf"][0]: four,
        sym["bi"][0]: input_bias,
        sym["bo"][0]: four,
        sym["bg"][0]: 0,
        sym["c"][0]: 0,
        sym["h"][0]: 0,
        sym["x"][0]: 0,
    }
    state = sp.Matrix.vstack(c_t, h_t)
    J = state.jacobian(sp.Matrix.vstack(sym["c"], sym["h"])).subs(at)
    return state, J, at, sym


def _input_gate_needed(settings):
    # n = 1, logistic gates: W_g = 4, b_f = b_o = 4, b_i = INPUT_BIAS, every other weight 0,
    # x = 0. (c, h) = (0, 0) is fixed, so the two-step product is J·J with f = σ(4) < 1
    state, J, at, sym = _one_unit_at_rest(INPUT_BIAS)
    fixed = state.subs(at) == sp.zeros(2, 1)
    two_step = (J * J)[0, 0]  # the c-block of ∂s_t/∂s_{t−2}, latest factor on the left
    f, i, o = (1 / (1 + sp.exp(-sym[f"b{k}"][0].subs(at))) for k in "fio")
    B, C = i * 4, o * f  # the block formula at (0, 0): B = i tanh′(0) W_g, C = o tanh′(0) f
    same = check_identities("", [("", sp.simplify(two_step - (f * f + B * C)), 0)]).ok
    ball, gap = enclose(two_step), enclose(1 - f)
    # and "need not" is all that holds: with W_f = W_i = W_g = 0, B = 0 for every i
    # (SymPy's jacobian of the step as written, n = 2, every bias, input and state symbolic,
    # so i = σ(U_i x + b_i) takes any value in (0, 1))
    c2, _, sym2 = symbolic_step(2, 1)
    no_weights = {w: 0 for k in "fig" for w in sym2[f"W{k}"]}
    closed = check_identities(
        "B",
        [
            (
                "zero recurrent weights into the gates f, i and g",
                c2.jacobian(sym2["h"]).subs(no_weights),
                sp.zeros(2, 2),
            )
        ],
    ).ok
    f_sq = Plus(_f**2, Times(_B, _C))
    return Outcome(
        fixed and same and bool(gap > 0) and bool(ball > 1) and closed,
        Claim(
            "logistic gates,",
            sp.Eq(_n, 1),
            ",",
            _AT_REST,
            "fixed: the c-block of",
            Times(_JS, _JS),
            "(SymPy's jacobian of the step, exact) equals",
            Chain(_TWO_STEP, "=", Plus(_f**2, Times(4, _i, _o, _f))),
            "and its certified arb enclosure lies above 1, with",
            Chain(_f, "=", _SIGMA(4), "<", 1),
            "and",
            sp.Eq(_i, _SIGMA(INPUT_BIAS), evaluate=False),
            "; and",
            Chain(_B, "=", Partial(_c[_t], _h[_t - 1])),
            "(",
            sp.Eq(_n, 2),
            ") is 0 for every input gate when the recurrent weights into the gates",
            _f,
            ",",
            _i,
            "and",
            _g,
            "(those that multiply",
            AtTime("h", _t - 1),
            ") are zero",
        ),
        instances=[
            Claim(
                sp.Eq(_n, 1),
                ": candidate weight",
                sp.Eq(_W_g, 4),
                ", forget and output biases",
                Chain(_b_f, "=", _b_o, "=", 4),
                ", input bias",
                sp.Eq(_b_i, INPUT_BIAS),
                ", all other weights 0,",
                sp.Eq(_x, 0),
            ),
            Claim(
                sp.Eq(_n, 2),
                ", zero recurrent weights into",
                _f,
                ",",
                _i,
                "and",
                _g,
                ", symbolic biases, inputs, input weights and states",
            ),
        ],
        left=Claim(
            f"fixed {fixed}; c-block",
            Chain("=", f_sq),
            f": {same}; c-block",
            Chain("in", _ball(ball)),
            ";",
            Chain(1 - _f, "in", _ball(gap)),
            ";",
            _B,
            "with no weights",
            Chain("=", 0),
            f": {closed}",
        ),
        right="True; True; above 1; above 0; True",
    )


def _explodes(settings, stated_norm=5.675, stated_rate=4.839):
    four = sp.Integer(4)
    state, J, at_zero, _ = _one_unit_at_rest(four)
    fixed = state.subs(at_zero)
    sig4 = 1 / (1 + sp.exp(-four))
    rank_one = sp.Matrix([1, sig4]) * sp.Matrix([[sig4, 4 * sig4]])
    q = 12
    balls = enclose_matrix(J)
    big, _ = singular_values_2x2(balls)
    corner = (arb_mat(balls) ** q)[0, 0]  # ball arithmetic: certified
    # the closed forms, enclosed on their own: s√(17(1 + s²)) and s(s + 4s²)^(q − 1)
    norm_form = enclose(sig4 * sp.sqrt(17 * (1 + sig4**2)))
    rate = enclose(sig4 + 4 * sig4**2)
    corner_form = enclose(sig4 * (sig4 + 4 * sig4**2) ** (q - 1))
    ok = (
        fixed == sp.zeros(2, 1)
        and check_identities("J", [("J", J, rank_one)]).ok
        and bool(big > stated_norm - 5e-4)
        and bool(big < stated_norm + 5e-4)  # rounds to the digits stated
        and big.overlaps(norm_form)
        and bool(rate > stated_rate - 5e-4)
        and bool(rate < stated_rate + 5e-4)
        and corner.overlaps(corner_form)
        and bool(corner > 4**q)
    )
    corner_entry = Partial(_c[_t], _c[_t - q])
    return Outcome(
        ok,
        Claim(
            _AT_REST,
            "is fixed (exactly);",
            Chain(_JS, "=", _RANK_ONE),
            "exactly,",
            sp.Eq(_s, _SIGMA(4)),
            ";",
            Norm(_JS, 2),
            "and the corner entry of",
            _JS**q,
            ",",
            corner_entry,
            ", enclosed in certified arb balls, each overlapping the enclosure of its closed form",
            Times(_s, sp.sqrt(Times(17, Plus(1, _s**2)))),
            ",",
            Times(_s, Plus(_s, 4 * _s**2) ** (q - 1)),
            ";",
            Norm(_JS, 2),
            "rounds to",
            sp.Float(stated_norm),
            "and",
            _RATE,
            "to",
            sp.Float(stated_rate),
        ),
        instances=[
            Claim(
                sp.Eq(_n, 1),
                ": candidate weight",
                sp.Eq(_W_g, 4),
                ", gate biases",
                Chain(_b_f, "=", _b_i, "=", _b_o, "=", 4),
                ", all other weights 0,",
                sp.Eq(_x, 0),
            )
        ],
        left=Claim(
            Chain(Norm(_JS, 2), "in", _ball(big)),
            ",",
            Chain(_RATE, "in", _ball(rate)),
            ",",
            Chain(corner_entry, "in", _ball(corner)),
        ),
        right=Claim(
            Chain(Norm(_JS, 2), "~", sp.Float(stated_norm)),
            ",",
            Chain(_RATE, "~", sp.Float(stated_rate)),
            ",",
            corner_entry,
            "above",
            sp.Pow(4, q, evaluate=False),
        ),
        details=[
            Claim(Chain(Norm(_JS, 2), "in", _ball(big))),
            Claim(Chain(corner_entry, "in", _ball(corner))),
        ],
    )


def _ball(ball):
    """An arb ball as the printers' m ± r, with the digits `show` gives."""
    return Ball.parse(show(ball))


# the notation of the statement and the steps: the state s_t = (c_t, h_t), its Jacobian's
# blocks A, B, C, D, and the gate values f, i (Hadamard products in diag(·) written as
# products of diagonal matrices)
_t, _n, _f, _i, _s, _q = sp.symbols("t n f i s q")
_m, _o, _g, _x, _JS = sp.symbols("m o g x J")
_b_f, _b_i, _b_o = sp.symbols("b_f b_i b_o")
_X, _Y = sp.symbols("X Y", commutative=False)
_SIGMA = sp.Function("sigma")
_SIGMA_PRIME = Chain(
    Prime("sigma", sp.Symbol("z")), "=", Times(_SIGMA(sp.Symbol("z")), 1 - _SIGMA(sp.Symbol("z")))
)
_TANH_PRIME = Chain(Prime("tanh", sp.Symbol("z")), "=", 1 - sp.tanh(sp.Symbol("z")) ** 2)
_AT_REST = Chain(sp.Tuple(sp.Symbol("c"), sp.Symbol("h")), "=", sp.Tuple(0, 0))
_RANK_ONE = sp.MatMul(  # (1, s)ᵀ(s, 4s)
    sp.ImmutableMatrix([1, _s]), sp.ImmutableMatrix([[_s, 4 * _s]]), evaluate=False
)
_RATE = Plus(_s, 4 * _s**2)
_TWO_STEP = Plus(
    Times(sp.Symbol("f_2"), sp.Symbol("f_1")), Times(sp.Symbol("B_2"), sp.Symbol("C_1"))
)
_c, _h, _fs, _os, _ss = (sp.IndexedBase(name) for name in ("c", "h", "f", "o", "s"))
_A, _B, _C, _D, _I, _W = sp.symbols("A B C D I W", commutative=False)
_f1, _f2, _B2, _C1 = sp.symbols("f_1 f_2 B_2 C_1")
_W_f, _W_i, _W_g = sp.symbols("W_f W_i W_g")
_J = sp.Function("J")
_SCALE = Times(Diag(_os[_t]), Diag(Prime("tanh", _c[_t])))  # diag(o_t ⊙ tanh′(c_t))
_BLOCKS = sp.ImmutableMatrix(
    [
        [Diag(_fs[_t]), sp.Symbol("B_t", commutative=False)],
        [Times(_SCALE, Diag(_fs[_t])), sp.Symbol("D_t", commutative=False)],
    ]
)
_STEP = Partial(_ss[_t], _ss[_t - 1])

THEOREM = Theorem(
    id="lstm_state_jacobian",
    title="The LSTM state (c, h): its 2n × 2n Jacobian, the carousel limit, and explosion",
    statement=Claim(
        "The Jacobian of the state",
        sp.Tuple(sp.Symbol("c"), sp.Symbol("h")),
        "over one step is the block matrix below. As",
        Tends(_f, 1),
        "and",
        Tends(_i, 0),
        "its c-block tends to",
        _I,
        "and",
        _B,
        "to 0 (logistic gates only approach this). With",
        Chain(_A, "=", _I),
        "and",
        Chain(_B, "=", 0),
        "at every step (hard gates saturated at",
        Chain(_f, "=", 1),
        ",",
        Chain(_i, "=", 0),
        ", where their derivative is 0) every",
        _q,
        "-step product has c-block",
        _I,
        "(norm exactly 1). With the input gate open it need not (logistic",
        Chain(_f, "=", _SIGMA(4), "<", 1),
        ",",
        Chain(_i, "=", sp.Rational(1, 2)),
        ": the two-step c-block is above 1), and the full Jacobian",
        _JS,
        "can have norm above 1: at a fixed point with",
        Chain(_s, "=", _SIGMA(4)),
        ",",
        Chain(Norm(_JS, 2), "~", Decimal("5.675")),
        "and",
        Chain(
            Partial(_c[_t], _c[Plus(_t, -_q)]),
            "=",
            Times(_s, Plus(_s, 4 * _s**2) ** Plus(_q, -1)),
        ),
        "with",
        Chain(_RATE, "~", Decimal("4.839")),
        ".",
    ),
    formula=Chain(
        Partial(sp.Tuple(_c[_t], _h[_t]), sp.Tuple(_c[_t - 1], _h[_t - 1])), "=", _BLOCKS
    ),
    proof=Claim(
        "Differentiate the step; with",
        _SIGMA_PRIME,
        "each term of",
        _B,
        "carries",
        Times(_f, 1 - _f),
        ",",
        Times(_i, 1 - _i),
        "or",
        _i,
        "; block lower-triangular matrices with top row",
        sp.Tuple(_I, 0),
        "are closed under products.",
    ),
    references=[
        "Hochreiter & Schmidhuber (1997)",
        "Gers, Schmidhuber & Cummins (2000)",
        "Goodfellow, Bengio & Courville (2016), §10.10",
    ],
    tags=["lstm", "remedy", "exploding", "vanishing"],
    convention=Claim(
        "column vectors, numerator layout; state",
        Chain(_ss[_t], "=", sp.Tuple(_c[_t], _h[_t])),
        "stacked,",
        _c[_t],
        "first",
    ),
    steps=[
        Step(
            Claim("the NumPy LSTM cell is the LSTM written symbolically"),
            "its step and state Jacobian against the symbolic step and Matrix.jacobian",
            Evidence.TESTED,
            _same_cell,
            student="",
        ),
        Step(
            Claim(
                Chain(_STEP, "=", sp.ImmutableMatrix([[_A, _B], [_C, _D]])),
                "(block formula), with",
                Chain(_A, "=", Diag(_fs[_t])),
                "and",
                Chain(_C, "=", Times(_SCALE, _A)),
            ),
            "SymPy's Matrix.jacobian of the step as written, against the hand-assembled blocks",
            Evidence.CHECKED,
            _formula,
            student=Claim(
                "differentiate the step block by block:",
                _c[_t],
                "and",
                _h[_t],
                "with respect to",
                _c[_t - 1],
                "and",
                _h[_t - 1],
            ),
        ),
        Step(
            Chain(Partial(_ss[_t], _ss[_t - 2]), "=", Times(_J(_ss[_t - 1]), _J(_ss[_t - 2]))),
            "the chain rule on the two-step map, numerically",
            Evidence.TESTED,
            _numeric,
            student="chain rule on the two-step map",
        ),
        Step(
            Claim(
                "as",
                Tends(_f, 1),
                "and",
                Tends(_i, 0),
                ":",
                Tends(_A, _I),
                "and",
                Tends(_B, 0),
                ", for every",
                _W,
                "and",
                _n,
                "(logistic gates only approach this limit)",
            ),
            Claim(
                _SIGMA_PRIME,
                ": each term of",
                _B,
                "carries",
                Times(_f, 1 - _f),
                ",",
                Times(_i, 1 - _i),
                "or",
                _i,
            ),
            Evidence.PROVED,
            _gate_values,
        ),
        Step(
            Claim(
                Chain(_A, "=", _I),
                "and",
                Chain(_B, "=", 0),
                "at every step: the c-block of",
                Partial(_ss[_t], _ss[Plus(_t, -sp.Symbol("q"))]),
                "is",
                _I,
                "(norm exactly 1)",
            ),
            Claim(
                "block lower-triangular products keep the top row",
                sp.Tuple(_I, 0),
                "; induction on",
                _q,
            ),
            Evidence.PROVED,
            _carousel_products,
        ),
        Step(
            Claim(
                "input gate open (logistic,",
                Chain(_f, "=", sp.Function("sigma")(4), "<", 1),
                ",",
                Chain(_i, "=", sp.Rational(1, 2)),
                "): the two-step c-block",
                Chain(Plus(Times(_f2, _f1), Times(_B2, _C1)), ">", 1),
            ),
            Claim(
                "the input gate keeps the path",
                Chain(sp.Symbol("c"), "->", sp.Symbol("h"), "->", sp.Symbol("c")),
                "open; with zero recurrent weights",
                Chain(_W_f, "=", _W_i, "=", _W_g, "=", 0),
                "(those that multiply",
                AtTime("h", _t - 1),
                ") it is closed whatever",
                _i,
                "is",
            ),
            Evidence.CHECKED,
            _input_gate_needed,
        ),
        Step(
            Claim(
                Chain(
                    Norm(_STEP, 2),
                    "=",
                    Times(_s, sp.sqrt(Times(17, Plus(1, _s**2)))),
                    "~",
                    sp.Float("5.675"),
                ),
                "and",
                Chain(Partial(_c[_t], _c[_t - 12]), ">", sp.Pow(4, 12, evaluate=False)),
                "at a fixed point with",
                Chain(_n, "=", 1),
                "and",
                Chain(_s, "=", sp.Function("sigma")(4)),
            ),
            Claim(
                Chain(_JS, "=", _RANK_ONE),
                "exactly; certified arb enclosures of",
                Norm(_JS, 2),
                "and of the corner entry of",
                _JS**12,
            ),
            Evidence.CHECKED,
            _explodes,
            student=Claim(
                Chain(_JS, "=", _RANK_ONE),
                "exactly; the norm and the power computed with guaranteed error bounds",
            ),
        ),
    ],
)
