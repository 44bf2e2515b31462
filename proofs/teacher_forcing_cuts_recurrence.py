"""Teacher forcing cuts the recurrence through the output: no products of Jacobians remain.

Statement. For a network whose only recurrence is through its output, h⁽ᵗ⁾ = σ(W z⁽ᵗ⁻¹⁾ +
U x⁽ᵗ⁾ + b), ŷ⁽ᵗ⁾ = V h⁽ᵗ⁾, feeding the targets z⁽ᵗ⁻¹⁾ = y⁽ᵗ⁻¹⁾ (teacher forcing) instead of
the model's outputs ŷ⁽ᵗ⁻¹⁾ (free running) makes the gradient a sum of one-step terms,
∂L/∂W = Σ_t diag(σ′(a⁽ᵗ⁾)) Vᵀ(ŷ⁽ᵗ⁾ − y⁽ᵗ⁾) y⁽ᵗ⁻¹⁾ᵀ: every term holds a single σ′ factor and
no product through the output path, so nothing can vanish or explode along it. The
free-running gradient holds products σ′(a⁽ᵗ⁾)·V·W·σ′(a⁽ᵗ⁻¹⁾)⋯ over up to T steps.

Proof. With teacher forcing, ℓ⁽ᵗ⁾ depends on W only through a⁽ᵗ⁾ = W y⁽ᵗ⁻¹⁾ + U x⁽ᵗ⁾ + b,
whose inputs are data; differentiate each ℓ⁽ᵗ⁾ once. Free running, a⁽ᵗ⁾ depends on ŷ⁽ᵗ⁻¹⁾,
which depends on W through a⁽ᵗ⁻¹⁾, and so on back to t = 1.
"""

from fractions import Fraction
from functools import cache

import sympy as sp

from symgrad import Activation, Evidence, Outcome, Step, Theorem, check_identities
from symgrad.kernel import (
    AtTime,
    Cdots,
    Chain,
    Claim,
    Diag,
    Norm,
    Partial,
    Plus,
    Prime,
    Times,
    Transposed,
)
from symgrad.maths.activations import x
from symgrad.maths.rational import rational_rule
from symgrad.maths.teacher_forcing import (
    forced_local_gradients,
    output_feedback_gradient,
    output_feedback_loss,
)

T = 3


@cache
def _symbolic():
    """Scalar parameters, an arbitrary σ (an undefined function), T = 3: (∂L/∂w forced, free)."""
    sigma = sp.Function("sigma")
    w, u, v, b = sp.symbols("w u v b")
    xs = [[x] for x in sp.symbols(f"x1:{T + 1}")]
    ys = [[y] for y in sp.symbols(f"y0:{T + 1}")]
    grads = {}
    for forced in (True, False):
        loss = output_feedback_loss([[w]], [[u]], [[v]], [b], xs, ys, sigma, forced=forced)
        grads[forced] = sp.diff(loss, w)
    return sigma, (w, u, v, b), xs, ys, grads


def _local_terms(settings, forced=True):
    sigma, (w, u, v, b), xs, ys, grads = _symbolic()
    z = sp.Symbol("z")
    local = 0
    for t in range(1, T + 1):
        a = w * ys[t - 1][0] + u * xs[t - 1][0] + b
        slope = sigma(z).diff(z).subs(z, a)  # σ′ at a⁽ᵗ⁾
        local += (v * sigma(a) - ys[t][0]) * v * slope * ys[t - 1][0]
    label = Claim(
        "scalar",
        *_separated(_w, _u, _v, _b, _x, _y),
        ";",
        _sigma,
        "arbitrary;",
        sp.Eq(_T, T, evaluate=False),
    )
    return check_identities(
        Claim(
            "SymPy's derivative of the unrolled loss with respect to",
            _w,
            "equals",
            _SCALAR_SUM,
            f"({'teacher forcing' if forced else 'free running'})",
        ),
        [(label, grads[forced], local)],
    )


def _degree(expr):
    atoms = sorted(expr.atoms(sp.Subs), key=sp.default_sort_key)
    marks = sp.symbols(f"d0:{len(atoms)}")
    return sp.Poly(expr.xreplace(dict(zip(atoms, marks, strict=True))), *marks).total_degree()


def _no_products(settings, forced_claim=True):
    *_, grads = _symbolic()
    forced, free = _degree(grads[forced_claim]), _degree(grads[False])
    return Outcome(
        forced == 1 and free == T,
        Claim(
            "largest number of factors",
            Prime("sigma", _a),
            "in one term of",
            Partial(_L, _w),
            f": {forced} with teacher forcing, {free} free running (",
            sp.Eq(_T, T, evaluate=False),
            ")",
        ),
        instances=[Claim("scalar,", _sigma, "arbitrary,", sp.Eq(_T, T, evaluate=False))],
        left=Claim("teacher forcing:", forced, ", free running:", free),
        right=Claim("teacher forcing:", 1, ", free running:", T),
    )


@cache
def _vector():
    f = Fraction
    W = [[f(1, 2), f(-1, 3)], [f(1, 4), f(1, 2)]]
    U = [[1], [f(-1, 2)]]
    V = [[1, f(1, 2)], [f(-1, 3), 1]]
    b = [f(1, 10), 0]
    xs = [[1], [f(-1, 2)], [2], [f(1, 3)]]
    ys = [[0, 1], [f(1, 2), 0], [0, f(-1, 2)], [1, 1], [f(-1, 2), f(1, 4)]]
    return W, U, V, b, xs, ys, rational_rule("softsign")


def _vector_instance(settings, forced=True):
    W, U, V, b, xs, ys, rule = _vector()
    direct = output_feedback_gradient(W, U, V, b, xs, ys, rule, forced=forced)
    local = sum(forced_local_gradients(W, U, V, b, xs, ys, rule), sp.zeros(2, 2))
    free = output_feedback_gradient(W, U, V, b, xs, ys, rule, forced=False)
    out = check_identities(
        Claim(
            Partial(_L, sp.Symbol("W")),
            "of the teacher-forced loss by forward-mode dual numbers equals",
            _VECTOR_SUM,
            ", exact; the free-running gradient differs",
        ),
        [
            (
                Claim("softsign, 2 hidden units, 2 outputs,", sp.Eq(_T, len(xs), evaluate=False)),
                direct,
                local,
            )
        ],
    )
    differs = free != direct
    out.ok = out.ok and differs
    squared = float(sum(v * v for v in free - direct))
    out.details = [
        Claim(
            "squared Frobenius norm of the free-running minus the teacher-forced gradient",
            Chain("=", sp.Float(float(f"{squared:.4g}")), ">", 0),
        )
    ]
    return out


def _exact_rule(settings, rule=None, kink_rule=None):
    """The compiled exact softsign rule against σ(a) = a/(1 + |a|) written out here; and the
    compiled σ′ of |a| (SymPy's sign) against sign written out here, 0 at the kink."""
    a = sp.Symbol("a", real=True)
    sigma = a / (1 + sp.Abs(a))  # written here, not taken from the library's table
    rule = rule or _vector()[-1]
    kink_rule = kink_rule or rational_rule(Activation("abs", sp.Abs(x)))
    cases = []
    for point in POINTS:
        exact = Fraction(int(sp.numer(point)), int(sp.denom(point)))
        value, slope = rule(0, 0, exact)
        cases.append(
            (
                sp.Eq(a, point, evaluate=False),
                [sp.Rational(value), sp.Rational(slope)],
                [sigma.subs(a, point), 1 / (1 + sp.Abs(point)) ** 2],
            )
        )
        value, slope = kink_rule(0, 0, exact)
        sign = 1 if point > 0 else -1 if point < 0 else 0  # SymPy's sign, written out
        label = Claim(sp.Abs(a), "at", sp.Eq(a, point, evaluate=False))
        cases.append((label, [sp.Rational(value), sp.Rational(slope)], [abs(point), sign]))
    # the derivative written above is the derivative of σ, on both sides of the kink
    q = sp.Symbol("q", positive=True)  # a = q > 0 and a = −q < 0 (dq/da = −1)
    sides = (sp.diff(sigma.subs(a, q), q), -sp.diff(sigma.subs(a, -q), q))
    derivative_ok = all(sp.simplify(d - 1 / (1 + q) ** 2) == 0 for d in sides)
    slope = 1 / (1 + sp.Abs(a)) ** 2
    out = check_identities(
        Claim(
            "rational_rule('softsign') at",
            Chain(a, "in", sp.FiniteSet(*POINTS)),
            "equals",
            sp.Tuple(sigma, slope),
            ", both written out here;",
            Chain(slope, "=", sp.Derivative(sp.Function("sigma")(a), a)),
            "on each side of",
            0,
            "by sympy.diff; the rule of",
            sp.Eq(sp.Function("sigma")(a), sp.Abs(a), evaluate=False),
            "gives",
            sp.Tuple(sp.Abs(a), sp.sign(a)),
            "at the same points,",
            _SIGN_0,
            "as in SymPy",
        ),
        cases,
    )
    out.ok = out.ok and derivative_ok
    return out


#: the points at which the exact rules are compared
POINTS = (sp.Rational(-3), sp.Rational(-1, 2), sp.Integer(0), sp.Rational(1, 3), sp.Integer(2))

# the notation of the statement and the steps
_t, _T, _a = sp.symbols("t T a")
_L, _sigma = sp.Symbol("L"), sp.Symbol("sigma")
_w, _u, _v, _b, _x, _y = sp.symbols("w u v b x y")
_SIGMA_PRIME = Prime("sigma", AtTime("a", _t))
_W, _U, _V = sp.symbols("W U V", commutative=False)
_z = sp.Symbol("z")
_VECTOR_SUM = sp.Sum(
    Diag(_SIGMA_PRIME)
    * Transposed(sp.Symbol("V", commutative=False))
    * Plus(AtTime("yhat", _t), -AtTime("y", _t))
    * Transposed(AtTime("y", _t - 1)),
    (_t, 1, _T),
)
_VECTOR = Chain(Partial(_L, sp.Symbol("W")), "=", _VECTOR_SUM)
_SCALAR_SUM = sp.Sum(
    Plus(AtTime("yhat", _t), -AtTime("y", _t)) * _v * _SIGMA_PRIME * AtTime("y", _t - 1),
    (_t, 1, _T),
)
#: SymPy's sign(0) = 0, kept unevaluated
_SIGN_0 = sp.Eq(sp.sign(0, evaluate=False), 0, evaluate=False)


def _separated(*items):
    """The items as parts of a claim with commas between them."""
    out = []
    for item in items:
        out += [",", item] if out else [item]
    return out


def _pre_activation(W, y, U):
    """a⁽ᵗ⁾ = W y⁽ᵗ⁻¹⁾ + U x⁽ᵗ⁾ + b, for the scalar (w, u) or the matrix (W, U) network."""
    return sp.Eq(
        AtTime("a", _t),
        Plus(W * AtTime(y, _t - 1), U * AtTime("x", _t), _b),
        evaluate=False,
    )


THEOREM = Theorem(
    id="teacher_forcing_cuts_recurrence",
    title="Teacher forcing cuts the recurrence through the output",
    statement=Claim(
        "When the outputs are fed back as inputs, teacher forcing (feeding",
        AtTime("y", _t - 1),
        "instead of",
        AtTime("yhat", _t - 1),
        ") makes",
        _VECTOR,
        ": each term holds a single factor",
        _SIGMA_PRIME,
        "and no product through the output path. Free running keeps products over up to",
        _T,
        "steps.",
    ),
    formula=_VECTOR,
    convention=Claim(
        sp.Eq(
            AtTime("h", _t),
            sp.Function("sigma")(Plus(_W * AtTime("z", _t - 1), _U * AtTime("x", _t), _b)),
            evaluate=False,
        ),
        ",",
        sp.Eq(AtTime("yhat", _t), _V * AtTime("h", _t), evaluate=False),
        ",",
        sp.Eq(
            AtTime("ell", _t),
            Times(sp.Rational(1, 2), Norm(Plus(AtTime("yhat", _t), -AtTime("y", _t))) ** 2),
            evaluate=False,
        ),
        ";",
        sp.Eq(_z, _y, evaluate=False),
        "(teacher forcing) or",
        sp.Eq(_z, sp.Symbol("yhat"), evaluate=False),
        "(free running)",
    ),
    proof=Claim(
        "Under teacher forcing the pre-activation",
        _pre_activation(_W, "y", _U),
        "depends on",
        _W,
        "only directly, its inputs being data; differentiate each",
        AtTime("ell", _t),
        "once.",
    ),
    assumptions=["the only recurrence is through the output (Goodfellow et al., Fig. 10.4)"],
    references=[
        "Goodfellow et al. (2016), §10.2.1 (teacher forcing)",
        "Williams & Zipser (1989)",
        "Pascanu et al. (2013), §3.1",
    ],
    tags=["teacher forcing", "output recurrence", "remedy"],
    steps=[
        Step(
            Claim(
                "teacher forcing:",
                Chain(
                    Partial(_L, sp.Symbol("w")),
                    "=",
                    _SCALAR_SUM,
                ),
            ),
            Claim(
                "each",
                AtTime("ell", _t),
                "reaches",
                _w,
                "only through",
                _pre_activation(
                    sp.Symbol("w", commutative=False), "y", sp.Symbol("u", commutative=False)
                ),
            ),
            Evidence.CHECKED,
            _local_terms,
        ),
        Step(
            Claim(
                "no term holds two factors",
                Prime("sigma", sp.Symbol("a")),
                "; free running has terms with",
                _T,
                "of them",
            ),
            Claim(
                "the product",
                Times(_SIGMA_PRIME, _v, _w, Prime("sigma", AtTime("a", _t - 1)), Cdots()),
                "runs through",
                AtTime("yhat", _t - 1),
                ", which teacher forcing replaces by data",
            ),
            Evidence.CHECKED,
            _no_products,
        ),
        Step(
            Claim(
                "the exact softsign used below is",
                Chain(sp.Function("sigma")(_a), "=", _a / (1 + sp.Abs(_a))),
                "with its derivative",
                Chain(Prime("sigma", _a), "=", 1 / (1 + sp.Abs(_a)) ** 2),
            ),
            Claim(
                "the rule compiled to fraction arithmetic against SymPy's",
                _sigma,
                "and sympy.diff on both sides of",
                0,
                "; the compiled sign keeps SymPy's",
                _SIGN_0,
                "(",
                sp.Eq(sp.Function("sigma")(_a), sp.Abs(_a), evaluate=False),
                "at its kink)",
            ),
            Evidence.CHECKED,
            _exact_rule,
            student="",
        ),
        Step(
            Claim("vector case:", _VECTOR),
            "forward-mode derivative of the unrolled teacher-forced loss against the one-step "
            "terms, exact fractions",
            Evidence.CHECKED,
            _vector_instance,
            student=Claim(
                "each",
                AtTime("ell", _t),
                "reaches",
                sp.Symbol("W"),
                "only through",
                _pre_activation(
                    sp.Symbol("W", commutative=False), "y", sp.Symbol("U", commutative=False)
                ),
                ", as in the scalar case",
            ),
        ),
    ],
)
