"""γ = sup |σ′| for each built-in activation, derived (not looked up), with certificates.

Statement. γ = 1 for identity, tanh, ReLU, leaky ReLU (slope 1/100), hard tanh, softsign,
arctan and ELU (α = 1), attained; γ = 1/4 for the logistic sigmoid (attained at 0), γ = 1/6
for the hard sigmoid x/6 + 1/2 clipped to [0, 1]; γ = 1 for softplus, a supremum approached
as x → ∞ and never attained. GELU (exact form x·Phi(x)) has γ = Phi(√2) + √2 φ(√2) =
1/2 + erf(1)/2 + 1/(e√π) ≈ 1.128904, attained at x = √2. The tanh approximation of GELU
(γ ≈ 1.128993), SiLU/swish (γ ≈ 1.099839) and Mish (γ ≈ 1.088498) have γ > 1 with no
closed form: the maximiser is a root of a transcendental equation σ″(x) = 0.

Proof. On each smooth piece, sup |σ′| is reached at a zero of σ″ or approached at an end of the
piece; kinks contribute the value σ′ takes there. Where a closed form exists, γ − σ′(x) and
γ + σ′(x) are exhibited as manifestly non-negative expressions (e.g. γ − σ′ = tanh² for tanh).
For GELU, σ′ = Φ(x) + xφ(x) and σ″ = φ(x)(2 − x²), so the critical points are ±√2; σ′ → 1 at
+∞ and → 0 at −∞. For the three without a closed form, γ is enclosed by a certified branch and bound in
arb ball arithmetic.
"""

from fractions import Fraction

import numpy as np
import sympy as sp

from symgrad import (
    ACTIVATIONS,
    Evidence,
    Outcome,
    Step,
    Theorem,
    derive_gamma,
    prefetch_gammas,
)
from symgrad.kernel import Chain, Claim, Decimal, Op, Over, Plus, Prime, Sup, Tends, Times, text_of
from symgrad.maths.gamma_claims import gamma_method, gamma_side, gamma_source, gamma_stated

_GAMMA_SYMBOL = sp.Symbol("gamma")

GELU_GAMMA = sp.Rational(1, 2) + sp.erf(1) / 2 + sp.exp(-1) / sp.sqrt(sp.pi)

#: name → (exact γ, attained, where it is reached or approached); the closed forms. A place
#: is a relation in x (or the prose "every x"); derive_gamma reports it as the text printer
#: writes it.
_x = sp.Symbol("x", real=True)
STATED = {
    "identity": (sp.Integer(1), True, ["every x"]),
    "tanh": (sp.Integer(1), True, [Chain(_x, "=", 0)]),
    "sigmoid": (sp.Rational(1, 4), True, [Chain(_x, "=", 0)]),
    "relu": (sp.Integer(1), True, [Chain(_x, ">", 0)]),
    "leaky_relu": (sp.Integer(1), True, [Chain(_x, ">", 0)]),
    "hard_tanh": (sp.Integer(1), True, [Chain(-1, "<", _x, "<", 1)]),
    "softsign": (sp.Integer(1), True, [Chain(_x, "=", 0)]),
    "arctan": (sp.Integer(1), True, [Chain(_x, "=", 0)]),
    "softplus": (sp.Integer(1), False, [Tends(_x, sp.oo)]),
    "gelu": (GELU_GAMMA, True, [Chain(_x, "=", sp.sqrt(2))]),
    "elu": (sp.Integer(1), True, [Chain(_x, "=", 0), Chain(_x, ">", 0)]),
    "hard_sigmoid": (sp.Rational(1, 6), True, [Chain(-3, "<", _x, "<", 3)]),
}


_SIGMA = sp.Symbol("sigma")


def _joined(claims):
    """Claims one after another, separated by semicolons (None when there are none)."""
    return Claim.joined(claims) if claims else None


def _stated_float(value):
    """A float with every digit Python prints for it (its repr), as a number."""
    value = float(value)
    return Decimal(repr(value)) if np.isfinite(value) else repr(value)


def _derivation(result):
    """σ′ as derive_gamma found it, the method, and where γ came from: a result's details."""
    return [
        Chain(Prime("sigma", _x), "=", result.derivative),
        Claim("method:", gamma_method(result)),
        gamma_source(result),
    ]


def _reported(places):
    """The places as derive_gamma words them."""
    return [p if isinstance(p, str) else text_of(p) for p in places]


#: name → (γ to 7 decimals, the maximiser to 4 decimals); no closed form.
NUMERIC = {
    "gelu_tanh": ("1.1289931", "1.4185"),
    "silu": ("1.0998393", "2.3994"),
    "mish": ("1.0884982", "1.4906"),
}


#: name → σ, written out here from its usual definition (Max/Min where the library uses
#: Piecewise), to be compared with the library's table.
DEFINITIONS = {
    "identity": _x,
    "tanh": sp.tanh(_x),
    "sigmoid": 1 / (1 + sp.exp(-_x)),
    "relu": sp.Max(_x, 0),
    "leaky_relu": sp.Max(_x, _x / 100),
    "hard_tanh": sp.Max(-1, sp.Min(1, _x)),
    "softsign": _x / (1 + sp.Abs(_x)),
    "arctan": sp.atan(_x),
    "softplus": sp.log(1 + sp.exp(_x)),
    "gelu": _x * (1 + sp.erf(_x / sp.sqrt(2))) / 2,
    "gelu_tanh": _x
    * (1 + sp.tanh(sp.sqrt(2 / sp.pi) * (_x + sp.Rational(44715, 10**6) * _x**3)))
    / 2,
    "silu": _x / (1 + sp.exp(-_x)),
    "elu": sp.Piecewise((_x, _x > 0), (sp.exp(_x) - 1, True)),  # α = 1
    "mish": _x * sp.tanh(sp.log(1 + sp.exp(_x))),
    "hard_sigmoid": sp.Max(0, sp.Min(1, _x / 6 + sp.Rational(1, 2))),
}
_POINTS = [sp.Rational(p) for p in ("-7/2", "-3", "-1", "-1/3", "0", "1/5", "1", "3", "9/2")]


def _definitions(settings, stated=DEFINITIONS):
    from symgrad.maths.activations import x

    wrong = []
    for name, act in ACTIVATIONS.items():
        for p in _POINTS:
            gap = sp.N(act.expr.subs(x, p) - stated[name].subs(_x, p), 50)
            if not abs(gap) < sp.Float("1e-40"):
                wrong.append(
                    Claim(
                        f"{name} at",
                        Chain(_x, "=", p),
                        ": the library's value minus the stated one is",
                        sp.N(gap, 6),
                    )
                )
                break
    return Outcome(
        not wrong,
        Claim(
            "each built-in",
            _SIGMA,
            "against its definition written out here, both evaluated at 50 digits at",
            Chain(_x, "in", sp.FiniteSet(*_POINTS)),
        ),
        instances=list(ACTIVATIONS),
        tolerance=Claim(
            "absolute difference below",
            sp.Float("1e-40"),
            "(a wrong",
            _SIGMA,
            "differs by far more at some point)",
        ),
        left=_joined(wrong),
        right="equal values" if wrong else None,
    )


def _numeric_forms(settings, stated=DEFINITIONS):
    """The NumPy σ and σ′ (overflow-safe forms where given) against the definitions."""
    wrong = []
    grid = np.arange(-30, 30) + 0.25  # off every kink (0, ±1, ±3), on both sides of each
    for name, act in ACTIVATIONS.items():
        f, fp = act.numpy_functions()
        written = stated[name].rewrite(sp.Piecewise)
        plain_f = np.vectorize(sp.lambdify(_x, written, "math"), otypes=[float])
        plain_fp = np.vectorize(sp.lambdify(_x, sp.diff(written, _x), "math"), otypes=[float])
        for got, want in ((f(grid), plain_f(grid)), (fp(grid), plain_fp(grid))):
            got, want = np.broadcast_to(got, grid.shape), np.broadcast_to(want, grid.shape)
            bad = np.abs(got - want) > 1e-12 * np.maximum(1.0, np.abs(want))
            if bad.any():
                t = grid[bad][0]
                wrong.append(
                    Claim(
                        f"{name} at",
                        Chain(_x, "=", sp.Float(t)),
                        ": library",
                        _stated_float(got[bad][0]),
                        ", definition",
                        _stated_float(want[bad][0]),
                    )
                )
                break
    return Outcome(
        not wrong,
        Claim(
            "the NumPy",
            _SIGMA,
            "and",
            Prime("sigma", _x),
            "of every built-in activation (the overflow-safe forms where the library has one) "
            "against the definitions above and sympy.diff of them, each compiled separately to "
            "Python's math functions, at",
            Chain(_x, "=", Decimal("-29.75")),
            ",",
            Decimal("-28.75"),
            ", …,",
            Decimal("29.25"),
        ),
        instances=list(ACTIVATIONS),
        tolerance=Claim("relative", sp.Float("1e-12"), "(double precision, a few roundings)"),
        left=_joined(wrong),
        right="agreement" if wrong else None,
    )


#: name → the kinks (point, σ′ from the left, σ′ from the right, the value σ′ is given there:
#: the flat side's, as deep-learning libraries do), written out by hand; every other built-in
#: activation is continuously differentiable.
KINKS = {
    "relu": [(0, 0, 1, 0)],
    "leaky_relu": [(0, sp.Rational(1, 100), 1, sp.Rational(1, 100))],
    "hard_tanh": [(-1, 0, 1, 0), (1, 1, 0, 0)],
    "hard_sigmoid": [(-3, 0, sp.Rational(1, 6), 0), (3, sp.Rational(1, 6), 0, 0)],
}


def _kinks(settings, stated=KINKS):
    found = {
        name: [(k.at, k.left, k.right, k.value) for k in act.kinks]
        for name, act in ACTIVATIONS.items()
    }
    expected = {name: stated.get(name, []) for name in ACTIVATIONS}
    wrong = [name for name in ACTIVATIONS if found[name] != expected[name]]
    return Outcome(
        not wrong,
        Claim(
            "Activation.kinks (one-sided limits of",
            Prime("sigma", _x),
            "by SymPy at every point where a branch condition or an Abs/Max argument changes, and",
            Prime("sigma", _x),
            "there) against the kinks written out here; the other activations have none",
        ),
        instances=list(ACTIVATIONS),
        left=Claim(*[p for n in wrong for p in (f"{n}:", sp.Matrix(found[n] or [[]]))])
        if wrong
        else None,
        right=Claim(*[p for n in wrong for p in (f"{n}:", sp.Matrix(expected[n] or [[]]))])
        if wrong
        else None,
    )


def _certificates(settings, flip=1):
    """Each certificate line 'γ ∓ σ′(x) = E ≥ 0': E is γ ∓ σ′ and SymPy knows E ≥ 0."""

    results = {name: derive_gamma(ACTIVATIONS[name]) for name in STATED}
    wrong, count = [], 0
    E, slope = sp.Symbol("E"), Prime("sigma", _x)
    for name, result in results.items():
        for line in result.certificate:  # γ ∓ σ′(x) = E ≥ 0, a chain of objects
            count += 1
            side, written = line.args[0], line.args[2]
            sign = flip * int((side - _GAMMA_SYMBOL).as_coeff_Mul()[0])
            gap = sp.simplify((written - (result.exact + sign * result.derivative)).rewrite(sp.exp))
            if gap != 0 or written.is_nonnegative is not True:
                wrong.append(
                    Claim(
                        f"{name}:",
                        line,
                        "(the difference of",
                        E,
                        "and",
                        Plus(_GAMMA_SYMBOL, sign * slope),
                        "is",
                        gap,
                        ")",
                    )
                )
    return Outcome(
        not wrong and count > 0,
        Claim(
            f"{count} certificate lines: each",
            E,
            "equals",
            Plus(_GAMMA_SYMBOL, -slope),
            "or",
            Plus(_GAMMA_SYMBOL, slope),
            "(SymPy simplify) and is non-negative for every real",
            _x,
            "by SymPy's assumptions",
        ),
        instances=[name for name, result in results.items() if result.certificate],
        left=_joined(wrong),
        right=Claim(*_certificate_forms()) if wrong else None,
    )


def _certificate_forms():
    """E = γ − σ′(x) ≥ 0 and E = γ + σ′(x) ≥ 0: the two forms of a certificate line."""
    E, slope = sp.Symbol("E"), Prime("sigma", sp.Symbol("x"))
    return (
        Chain(E, "=", Plus(_GAMMA_SYMBOL, -slope), ">=", 0),
        "and",
        Chain(E, "=", Plus(_GAMMA_SYMBOL, slope), ">=", 0),
    )


def _check(name):
    def check(settings):
        result = derive_gamma(ACTIVATIONS[name])
        value, attained, places = STATED[name]
        where = _reported(places)
        ok = (
            result.exact is not None
            and sp.simplify(result.exact - value) == 0
            and result.attained is attained
            and _reported(result.argmax) == where
            and result.evidence == "proved"
        )
        details = [*_derivation(result), *result.certificate]
        return Outcome(
            ok,
            Claim(_GAMMA_SYMBOL, "derived:", gamma_stated(result)),
            instances=[name],
            left=gamma_side(result, where),
            right=Claim(
                sp.Eq(_GAMMA_SYMBOL, value, evaluate=False),
                f", attained: {attained}; maximisers as stated: True",
            ),
            details=details,
        )

    return check


def _check_numeric(name):
    def check(settings):
        result = derive_gamma(ACTIVATIONS[name])
        stated, where = (float(v) for v in NUMERIC[name])
        # independent of derive_gamma: σ″ changes sign around the stated maximiser, and a
        # dense float sample of |σ′| on [−30, 30] stays below the stated value
        act = ACTIVATIONS[name]
        _, fp = act.numpy_functions()
        h = 1e-3
        slope = lambda t: float(fp(np.array([t]))[0])  # noqa: E731
        sign_change = slope(where - h) < slope(where) > slope(where + h)
        sample = float(np.max(np.abs(fp(np.linspace(-30, 30, 60001)))))
        lo, hi = (Fraction(v) for v in result.enclosure) if result.enclosure else (None, None)
        target = Fraction(NUMERIC[name][0])
        ok = (
            result.bounded
            and result.attained is True
            and result.evidence == "checked"
            and lo is not None
            and target - Fraction(5, 10**8) <= lo <= hi <= target + Fraction(5, 10**8)
            and sign_change
            and sample <= stated + 5e-8
            and abs(slope(where) - stated) <= 1e-6
        )
        return Outcome(
            ok,
            Claim(
                _GAMMA_SYMBOL,
                "derived:",
                gamma_stated(result),
                "; the certified enclosure lies within",
                _WITHIN,
                "of the stated value; as a cross-check",
                Prime("sigma", _x),
                "has a local maximum at",
                Chain(_x, "~", Decimal(NUMERIC[name][1])),
                "and a dense float sample of",
                sp.Abs(Prime("sigma", _x)),
                "on",
                sp.Interval(-30, 30),
                "(step 0.001) stays below the stated value",
            ),
            instances=[name],
            tolerance=Claim(
                _WITHIN,
                "on",
                _GAMMA_SYMBOL,
                "(7 decimals stated);",
                sp.Float("1e-6"),
                "for",
                Prime("sigma", _x),
                "at the 4-decimal maximiser",
            ),
            left=Claim(gamma_side(result), "; sample maximum", sample),
            right=Claim(Chain(_GAMMA_SYMBOL, "~", sp.Float(NUMERIC[name][0]))),
            details=_derivation(result),
        )

    return check


# the notation of the statement and the steps
_GAMMA = sp.Symbol("gamma")
_WITHIN = sp.Float("5e-8")  # the error allowed on a γ stated to 7 decimals


def _place(place):
    """A place of STATED as claim parts: 'at x = 0', 'for x > 0', 'as x → ∞', 'for every x'."""
    if isinstance(place, str):
        return ["for every", _x]
    if isinstance(place, Tends):
        return ["as", place]
    return ["at" if place.relations == ("=",) else "for", place]


def _places(places):
    """The places of STATED as claim parts, joined with 'and'."""
    return [Claim.joined([Claim(*_place(p)) for p in places], "and")]


#: how the steps name each activation (the library's names are identifiers)
SHOWN = {
    "relu": "ReLU",
    "leaky_relu": "leaky ReLU",
    "hard_tanh": "hard tanh",
    "hard_sigmoid": "hard sigmoid",
    "gelu": "GELU",
    "elu": "ELU",
    "gelu_tanh": "GELU (tanh approximation)",
    "silu": "SiLU",
    "mish": "Mish",
}


def _step(name):
    value, attained, places = STATED[name]
    return Step(
        Claim(
            f"{SHOWN.get(name, name)}:",
            Chain(_GAMMA, "=", value),
            ", attained" if attained else ", approached",
            *_places(places),
        ),
        Claim(
            "critical points of",
            Prime("sigma", _x),
            ", limits at the ends of each piece, values at kinks; certificate where one exists",
        ),
        Evidence.PROVED,
        _check(name),
    )


def _numeric_step(name):
    value, where = NUMERIC[name]
    return Step(
        Claim(
            f"{SHOWN.get(name, name)}:",
            Chain(_GAMMA, "~", Decimal(value)),  # with the digits stated
            ", attained near",
            Chain(_x, "~", Decimal(where)),
            "(no closed form)",
        ),
        Claim(
            "a certified branch and bound in arb ball arithmetic encloses",
            Sup(sp.Abs(Prime("sigma", _x)), _x),
            "within",
            _WITHIN,
            "of the stated value; a dense float sample agrees",
        ),
        Evidence.CHECKED,
        _check_numeric(name),
        student=Claim(
            "no closed form:",
            Prime("sigma", _x),
            "maximised numerically, with a guaranteed error below",
            _WITHIN,
        ),
    )


THEOREM = Theorem(
    stage=1,  # waits on γ of every activation, derived in the background
    id="gamma_of_builtin_activations",
    title="γ = sup |σ′| for the built-in activations",
    statement=Claim(
        Chain(_GAMMA, "=", 1),
        "for identity, tanh, ReLU, leaky ReLU, hard tanh, softsign, arctan, ELU (",
        Chain(sp.Symbol("alpha"), "=", 1),
        ") and softplus (for softplus it is not attained);",
        Chain(_GAMMA, "=", sp.Rational(1, 4)),
        "for the logistic sigmoid and",
        sp.Rational(1, 6),
        "for the hard sigmoid. For GELU,",
        Chain(
            _GAMMA,
            "=",
            Plus(
                sp.Function("Phi")(sp.sqrt(2)),
                Times(sp.sqrt(2), sp.Function("phi")(sp.sqrt(2))),
            ),
            "~",
            Decimal("1.128904"),
        ),
        ", with",
        sp.Symbol("Phi"),
        "and",
        sp.Symbol("phi"),
        "the standard normal distribution and density. The tanh-approximated GELU (",
        Chain(_GAMMA, "~", Decimal("1.128993")),
        "), SiLU (",
        Chain(_GAMMA, "~", Decimal("1.099839")),
        ") and Mish (",
        Chain(_GAMMA, "~", Decimal("1.088498")),
        ") have",
        Chain(_GAMMA, ">", 1),
        "without a closed form.",
    ),
    formula=Chain(_GAMMA, "=", Sup(sp.Abs(Prime("sigma", _x)), _x, sp.Reals)),
    # every γ is checked from its shipped certificate, in the background
    gammas=ACTIVATIONS,
    prepare=lambda: prefetch_gammas(ACTIVATIONS.values()),
    proof=Claim(
        "On a smooth piece,",
        Sup(sp.Abs(Prime("sigma", _x)), _x),
        "is reached at a zero of",
        Prime("sigma", _x, 2),
        "or approached at an end. For the sigmoid, for example,",
        Chain(
            Plus(sp.Rational(1, 4), -Prime("sigma", _x)),
            "=",
            Over(Plus(Op("exp", _x), -1) ** 2, Times(4, Plus(Op("exp", _x), 1) ** 2)),
            ">=",
            0,
        ),
        "with equality at",
        Chain(_x, "=", 0),
        "; for GELU,",
        Chain(Prime("sigma", _x, 2), "=", Times(sp.Function("phi")(_x), Plus(2, -(_x**2)))),
        "vanishes at",
        -sp.sqrt(2),
        "and",
        sp.sqrt(2),
        ".",
    ),
    references=[
        "Hochreiter et al. (2001), Gradient flow in recurrent nets (sigmoid: 0.25)",
        "Hendrycks & Gimpel (2016), GELU; Ramachandran et al. (2017), swish; "
        "Clevert et al. (2016), ELU; Misra (2019), Mish",
    ],
    tags=["activation", "gamma"],
    steps=[
        Step(
            Claim("each built-in", sp.Symbol("sigma"), "is the function its name says"),
            "the library's expressions against definitions written out here, at nine points",
            Evidence.TESTED,
            _definitions,
            student="",
        ),
        Step(
            Claim(
                "the floating-point",
                sp.Function("sigma")(_x),
                "and",
                Prime("sigma", _x),
                "used by the numeric routes agree with them",
            ),
            "NumPy forms against the definitions and their derivatives, compiled separately",
            Evidence.TESTED,
            _numeric_forms,
            student="",
        ),
        Step(
            Claim(
                Prime("sigma", _x),
                "jumps only at the kinks: of ReLU and leaky ReLU at",
                0,
                ", of hard tanh at",
                -1,
                "and",
                1,
                ", of hard sigmoid at",
                -3,
                "and",
                3,
            ),
            Claim(
                "one-sided limits of",
                Prime("sigma", _x),
                "at the points where a branch of",
                _SIGMA,
                "changes, exact",
            ),
            Evidence.CHECKED,
            _kinks,
        ),
        *[_step(name) for name in STATED],
        Step(
            Claim(
                "where a certificate is given,",
                Chain(Plus(_GAMMA, -Prime("sigma", _x)), "=", sp.Symbol("E_1"), ">=", 0),
                "and",
                Chain(Plus(_GAMMA, Prime("sigma", _x)), "=", sp.Symbol("E_2"), ">=", 0),
                "with",
                sp.Symbol("E_1"),
                "and",
                sp.Symbol("E_2"),
                "written out as expressions",
            ),
            Claim(
                "each certificate line parsed back:",
                sp.Symbol("E"),
                "equals",
                Plus(_GAMMA, -Prime("sigma", _x)),
                "or",
                Plus(_GAMMA, Prime("sigma", _x)),
                ", and SymPy's assumptions show",
                Chain(sp.Symbol("E"), ">=", 0),
                "for real",
                _x,
            ),
            Evidence.PROVED,
            _certificates,
            student="",
        ),
        *[_numeric_step(name) for name in NUMERIC],
    ],
)
