"""BPTT's gradient is a sum over time of products of Jacobians.

Statement. With L = Σ_k L⁽ᵏ⁾ and W⁽ᵗ⁾ the copy of W used only at step t,
∂L/∂W = Σ_{t=1}^{T} Σ_{k=t}^{T} (∂L⁽ᵏ⁾/∂h⁽ᵏ⁾)(∂h⁽ᵏ⁾/∂h⁽ᵗ⁾)(∂⁺h⁽ᵗ⁾/∂W⁽ᵗ⁾), and likewise for U,
b and h⁽⁰⁾ (for h⁽⁰⁾ there is no immediate factor).

Proof. W enters the unrolled loss once per step; by the multivariate chain rule the total
derivative is the sum of the partial derivatives through each copy W⁽ᵗ⁾. The copy W⁽ᵗ⁾ reaches
L⁽ᵏ⁾ (k ≥ t) only through h⁽ᵗ⁾, and h⁽ᵗ⁾ reaches h⁽ᵏ⁾ through the ordered Jacobian product.
"""

import math

import sympy as sp

from symgrad import (
    BPTTInstance,
    Evidence,
    Outcome,
    Step,
    Theorem,
    check_identities,
    naive_check,
    sum_of_products_formula,
    verify_bptt,
)
from symgrad.kernel import (
    AtTime,
    Cdots,
    Chain,
    Claim,
    Decimal,
    Grad,
    Norm,
    Over,
    Partial,
    Plus,
    Prime,
    SumOver,
    Times,
    named,
    power_of_ten,
)
from symgrad.maths.activations import x as _x
from symgrad.maths.bptt import ImmediatePartial, LossGradient, StepJacobian


def _time_copies(settings):
    w = sp.Symbol("w")
    cases = []
    for T in (1, 2, 3, 4):
        copies = sp.symbols(f"w1:{T + 1}")
        # a loss in which the copies interact: each step's term depends on all earlier copies
        F = sum((sp.tanh(sp.Mul(*copies[: t + 1]) + t) ** 2 for t in range(T)), sp.Integer(0))
        total = sp.diff(F.subs(dict.fromkeys(copies, w)), w)
        parts = sum((sp.diff(F, c).subs(dict.fromkeys(copies, w)) for c in copies), sp.Integer(0))
        cases.append((_is(_T, T), total, parts))
    w_t, F = AtTime("w", _t), sp.Symbol("F")
    return check_identities(
        Claim(
            Chain(
                sp.Derivative(sp.Function("F")(w, Cdots(), w), w),
                "=",
                SumOver(Partial(F, w_t), _t),
            ),
            "at",
            sp.Eq(w_t, w, evaluate=False),
            "for",
            Chain(
                F,
                "=",
                SumOver(sp.tanh(Plus(AtTime("w", 1) * Cdots() * w_t, _t)) ** 2, _t),
            ),
        ),
        cases,
    )


def _expand_formula(expr, atoms, n):
    """Evaluate the stated formula at a concrete T: Sums and Products term by term.

    Product(J_i, (i, a, b)) means J_b ⋯ J_a, the later step on the left (P(k, t) = J_k P(k−1, t));
    an empty product is the identity. `atoms` maps each placeholder to its matrix.
    """
    if isinstance(expr, sp.Sum):
        *inner, (var, lo, hi) = expr.limits
        body = sp.Sum(expr.function, *inner) if inner else expr.function
        total = None
        for v in range(int(lo), int(hi) + 1):
            value = _expand_formula(body.subs(var, v), atoms, n)
            total = value if total is None else total + value
        return total
    if isinstance(expr, sp.Product):
        ((var, lo, hi),) = expr.limits
        value = sp.eye(n)
        for v in range(int(lo), int(hi) + 1):
            value = _expand_formula(expr.function.subs(var, v), atoms, n) * value
        return value
    if isinstance(expr, sp.Mul):
        scalars, factors = expr.args_cnc()
        value = sp.Mul(*scalars)
        for factor in factors:
            value = value * _expand_formula(factor, atoms, n)
        return value
    return atoms(expr)


def _stated_formula(settings, formula=None):
    """The displayed formula, expanded at T = 1…4, against forward mode on integer matrices."""
    import random

    rng = random.Random(settings.seed)
    labels = []
    for model in ("A", "B"):
        rhs = (sum_of_products_formula(model) if formula is None else formula).rhs
        for n, p, steps in ((2, 3, 1), (2, 3, 2), (3, 2, 3), (2, 2, 4)):
            labels.append(
                Claim(f"Model {model},", _is(_n, n), ",", _is(_T, steps), f", {p} parameters")
            )
            J = {s: sp.randMatrix(n, n, -9, 9, prng=rng) for s in range(1, steps + 1)}
            G = {s: sp.randMatrix(1, n, -9, 9, prng=rng) for s in range(1, steps + 1)}
            P = {s: sp.randMatrix(n, p, -9, 9, prng=rng) for s in range(1, steps + 1)}
            table = {StepJacobian: J, LossGradient: G, ImmediatePartial: P}

            def atoms(atom, table=table):
                if type(atom) not in table:
                    raise TypeError(f"unexpected factor {atom}")
                return table[type(atom)][int(atom.args[0])]

            # forward mode, built separately: d_s = ∂⁺h_s/∂θ + J_s d_{s−1}, d_0 = 0
            d, forward = sp.zeros(n, p), sp.zeros(1, p)
            for s in range(1, steps + 1):
                d = P[s] + J[s] * d
                forward += G[s] * d
            try:
                stated = _expand_formula(
                    rhs.subs(sp.Symbol("T", integer=True, positive=True), steps), atoms, n
                )
            except (TypeError, KeyError, sp.ShapeError) as exc:
                return Outcome(
                    False,
                    "the stated formula could not be evaluated",
                    instances=labels,
                    left=str(exc),
                    right=forward,
                )
            if stated != forward:
                return Outcome(
                    False,
                    "stated formula vs forward mode",
                    instances=labels,
                    left=stated,
                    right=forward,
                    seed=settings.seed,
                )
    d, J = sp.IndexedBase("d", commutative=False), sp.IndexedBase("J", commutative=False)
    local = Partial(AtTime(_L, _k), AtTime("h", _k))
    immediate = Partial(AtTime("h", _k), _theta, immediate=True)
    return Outcome(
        True,
        Claim(
            "sum_of_products_formula, its Sums and Products expanded (later step on the left), "
            "equals the forward-mode derivative",
            Chain(d[_k], "=", Plus(immediate, J[_k] * d[_k - 1])),
            ",",
            sp.Sum(local * d[_k], (_k, 1, _T)),
            ", on random integer matrices (",
            J[_k],
            ",",
            local,
            "and",
            immediate,
            "independent at every step)",
        ),
        instances=labels,
        seed=settings.seed,
    )


def _dual_numbers(settings):
    """The forward-mode route's arithmetic against sympy.diff, constants on either side."""
    import random
    from fractions import Fraction

    from symgrad.maths.routes import Dual

    rng = random.Random(settings.seed)
    u, v = sp.symbols("u v")
    cases = []
    for trial in range(4):
        c = [sp.Rational(rng.randint(-9, 9), rng.randint(1, 9)) for _ in range(6)]
        point = [sp.Rational(rng.randint(-9, 9), rng.randint(1, 9)) for _ in range(2)]

        def f(a, b, c=c):  # every operation of Dual: ±, × with a Dual or a constant, each side
            return (c[0] - a) * (b + c[1]) + (a - c[2]) * c[3] - (c[4] + b) + c[5] * a * b - b + a

        du = Dual(Fraction(point[0].p, point[0].q), [Fraction(1), Fraction(0)])
        dv = Dual(Fraction(point[1].p, point[1].q), [Fraction(0), Fraction(1)])
        result = f(du, dv)
        symbolic = f(u, v)
        at = {u: point[0], v: point[1]}
        expected = [symbolic.subs(at), sp.diff(symbolic, u).subs(at), sp.diff(symbolic, v).subs(at)]
        got = [sp.Rational(result.value), *(sp.Rational(g) for g in result.tangent)]
        label = Claim(
            f"trial {trial + 1} at", sp.Eq(sp.Tuple(u, v), sp.Tuple(*point), evaluate=False)
        )
        cases.append((label, got, expected))
    c, f = sp.symbols("c_0:6"), sp.Symbol("f")
    # −(c₄ + v) written as −c₄ − v: a Plus prints a negated sum without its parentheses
    written = Plus(
        Times(Plus(c[0], -u), Plus(v, c[1])),
        Times(Plus(u, -c[2]), c[3]),
        -c[4],
        -v,
        Times(c[5], u, v),
        -v,
        u,
    )
    return check_identities(
        Claim(
            "value and tangent of",
            sp.Eq(sp.Function("f")(u, v), written, evaluate=False),
            "in dual numbers vs",
            f,
            "and",
            Grad(f),
            "from sympy.diff, random rational",
            sp.Symbol("c"),
            "and",
            sp.Tuple(u, v),
        ),
        cases,
    )


def _finite_differences(settings):
    """numeric.bptt_gradients against central differences, with a stated tolerance."""
    import numpy as np

    from symgrad.maths.numeric import bptt_gradients, finite_difference_gradients

    rng = np.random.default_rng(settings.seed)
    labels, worst = [], 0.0
    for model, activation in (("A", "tanh"), ("B", "sigmoid")):
        n, m, T, B = 3, 2, 4, 2
        W, U = 0.5 * rng.normal(size=(n, n)), rng.normal(size=(n, m))
        b, h0 = rng.normal(size=n), rng.normal(size=(B, n))
        xs, ys = rng.normal(size=(T, B, m)), rng.normal(size=(T, B, n))
        labels.append(
            Claim(
                f"Model {model}, {activation},",
                *_sizes(n=n, m=m, T=T),
                f", batch {B}",
            )
        )
        exact = bptt_gradients(W, U, b, xs, h0, ys, activation, model).as_dict()
        central = finite_difference_gradients(W, U, b, xs, h0, ys, activation, model, step=1e-5)
        for name, reference in central.items():
            error = float(np.max(np.abs(exact[name] - reference)))
            worst = max(worst, error)
            if not error <= 1e-7 * max(1.0, float(np.max(np.abs(reference)))):
                return Outcome(
                    False,
                    "numeric.bptt_gradients vs central differences",
                    instances=labels,
                    left=named(**{name: exact[name]}),
                    right=named(**{name: reference}),
                    seed=settings.seed,
                )
    h, eps, L, g, d = sp.symbols("h epsilon L g d")
    central = Over(
        Plus(
            sp.Function("L")(Plus(_theta, Times(h, eps))),
            -sp.Function("L")(Plus(_theta, -Times(h, eps))),
        ),
        Times(2, h),
    )
    return Outcome(
        True,
        Claim(
            "numeric.bptt_gradients equals the central differences",
            central,
            ",",
            sp.Eq(h, power_of_ten(-5), evaluate=False),
            ", of the loss computed by a forward pass alone, on random float instances",
        ),
        instances=labels,
        tolerance=Claim(
            Chain(
                Norm(Plus(g, -d), sp.oo),
                "<=",
                Times(power_of_ten(-7), sp.Max(1, Norm(d, sp.oo))),
            ),
            "for each parameter's gradient",
            g,
            "and its central differences",
            d,
            "(largest seen",
            sp.Float(float(f"{worst:.1e}")),
            "): rounding dominates,",
            Chain(Over(Times(eps, sp.Abs(L)), h), "~", power_of_ten(-9)),
            "for",
            Chain(eps, "~", Decimal("2e-16")),
            ",",
            sp.Eq(h, power_of_ten(-5), evaluate=False),
            "and losses",
            sp.Abs(L) <= 60,
            ", the truncation error",
            Over(h**2 * sp.Abs(Prime(L, _theta, 3)), 6),
            "is about",
            power_of_ten(-10),
            "; the tolerance leaves a factor of 100",
        ),
        seed=settings.seed,
    )


INSTANCES = [
    BPTTInstance(2, 1, 2),  # T = 1: one term, no Jacobian
    BPTTInstance(3, 6),
    BPTTInstance(4, 8, 2, model="B"),
    BPTTInstance(2, 5, 3, loss="generic"),
    BPTTInstance(3, 4, 2, activation="sigmoid", model="B", loss="generic"),
]


def _instances(settings):
    details, worst = [], 0.0
    for inst in INSTANCES:
        result = verify_bptt(inst, seed=settings.seed)
        label = Claim(
            *_sizes(n=inst.hidden, T=inst.steps, m=inst.inputs),
            f", {inst.activation}, Model {inst.model}, {inst.loss} loss",
        )
        if not result.ok:
            bad = next(c for c in result.comparisons if not c.ok).mismatches[0]
            return Outcome(
                False,
                "sum of products vs direct derivative",
                instances=[label],
                left=Claim(f"{bad.group}[{bad.row}, {bad.col}] by the first route:", bad.left),
                right=Claim("by the second:", bad.right),
                seed=settings.seed,
            )
        details.append(label)
        worst = max(worst, result.failure_probability)
    a, sigma = sp.symbols("a sigma")
    return Outcome(
        True,
        Claim(
            "the sum of products, the backward recursion and the forward-mode derivative of the "
            "unrolled loss agree, exact integers at 2 random points per instance (",
            *_PARAMETERS,
            ")",
        ),
        instances=details,
        seed=settings.seed,
        details=[
            Claim(
                "a false identity would pass with probability",
                Chain("<=", sp.Float(float(f"{worst:.2g}"))),
                "(Schwartz–Zippel;",
                sp.Function("sigma")(a),
                ",",
                Prime(sigma, a),
                "are free atoms, so any",
                sigma,
                "is covered)",
            )
        ],
    )


def _expanded(settings):
    labels = []
    for inst in (BPTTInstance(2, 3, 2), BPTTInstance(2, 3, 2, model="B", loss="generic")):
        result = verify_bptt(inst, method="symbolic")
        label = Claim(
            *_sizes(n=inst.hidden, T=inst.steps, m=inst.inputs),
            f", Model {inst.model}, {inst.loss}",
        )
        labels.append(label)
        if not result.ok:
            bad = next(c for c in result.comparisons if not c.ok).mismatches[0]
            return Outcome(
                False,
                "symbolic expansion",
                instances=labels,
                left=Claim(f"{bad.group}[{bad.row}, {bad.col}] by the first route:", bad.left),
                right=Claim("by the second:", bad.right),
            )
    return Outcome(
        True, "the three routes expand to the same polynomial in the atoms", instances=labels
    )


def _true_degree(inst):
    """The largest total degree of a gradient entry of any route, run on SymPy symbols."""
    from symgrad.maths.routes import (
        Problem,
        Tabulated,
        backward_recursion,
        forward_mode,
        sum_of_products,
        unroll,
    )

    n, m, T = inst.hidden, inst.inputs, inst.steps
    states = [[sp.Symbol(f"s_{t}_{i}") for i in range(n)] for t in range(T + 1)]
    slopes = [[sp.Symbol(f"d_{t}_{i}") for i in range(n)] for t in range(T + 1)]
    problem = Problem(
        model=inst.model,
        W=[[sp.Symbol(f"W_{i}_{j}") for j in range(n)] for i in range(n)],
        U=[[sp.Symbol(f"U_{i}_{j}") for j in range(m)] for i in range(n)],
        b=[sp.Symbol(f"b_{i}") for i in range(n)],
        h0=[sp.Symbol(f"h0_{i}") for i in range(n)],
        xs=[[sp.Symbol(f"x_{t}_{j}") for j in range(m)] for t in range(1, T + 1)],
        ys=[[sp.Symbol(f"y_{t}_{i}") for i in range(n)] for t in range(1, T + 1)],
        sigma=Tabulated(states, slopes),
        loss=inst.loss,
    )
    trace = unroll(problem)[1]
    routes = (forward_mode(problem), sum_of_products(trace), backward_recursion(trace))
    expanded = [
        sp.expand(e) for grads in routes for rows in grads.values() for r in rows for e in r
    ]
    return max(sp.Poly(e, *e.free_symbols).total_degree() for e in expanded if e != 0)


def _degree_bound(settings):
    """The degree behind the stated failure probability is at least the true degree."""
    labels, pairs = [], []
    for inst in (BPTTInstance(2, 3, 2), BPTTInstance(2, 3, 1, model="B", loss="generic")):
        bound = verify_bptt(inst, seed=settings.seed).degree_bound
        true = _true_degree(inst)
        labels.append(
            Claim(
                *_sizes(n=inst.hidden, T=inst.steps),
                f", Model {inst.model}:",
                Chain(true, "<=", bound) if bound is not None else "no degree bound",
            )
        )
        pairs.append((bound, true))
        if bound is None or bound < true:
            return Outcome(
                False,
                "degree bound vs the degree of the expanded gradient",
                instances=labels,
                left=named(D=bound) if bound is not None else "no degree bound",
                right=Claim("at least the true degree", true),
            )
    D = sp.Symbol("D")
    return Outcome(
        True,
        Claim(
            "the degree bound",
            D,
            "of verify_bptt (routes run on degree-counting atoms) is at least the largest total "
            "degree of the gradient polynomials of the three routes expanded by SymPy, so the "
            "stated Schwartz–Zippel probability,",
            Over(D, Plus(sp.Pow(2, 62, evaluate=False), -1)),
            "to the power of the number of trials, is an upper bound",
        ),
        instances=labels,
    )


def _tied_to_network(settings):
    labels = []
    for model in ("A", "B"):
        for n, T in ((2, 2), (1, 3)):
            labels.append(Claim(*_sizes(n=n, T=T), f", tanh, Model {model}"))
            if not naive_check(n, T, model=model).ok:
                return Outcome(
                    False,
                    "sum of products on routes.unroll vs sympy.diff of SymbolicRNN.loss()",
                    instances=labels,
                    left="sum of products",
                    right="sympy.diff of the network's loss",
                )
    return Outcome(
        True,
        Claim(
            "the sum of products run on the exact routes' unrolled model equals sympy.diff of "
            "SymbolicRNN.loss(), expanded to zero entry by entry (",
            *_PARAMETERS,
            ")",
        ),
        instances=labels,
    )


#: The float instances: (model, (n, m, T, batch)); data drawn from {−1, 0, 1}.
FLOAT_CASES = (("A", (2, 2, 2, 2)), ("B", (3, 2, 3, 2)), ("A", (3, 1, 2, 1)))
#: σ(a) = a + a² maps integers to integers, and so does σ′(a) = 1 + 2a.
_INTEGER_SIGMA = _x + _x**2


def _largest_intermediate(model, n, m, T, B):
    """A bound on |every number| the float code computes, for every draw from {−1, 0, 1}.

    Each number is a sum of products of the data, and σ, σ′ are polynomials with
    non-negative coefficients; with every datum replaced by 1 (and every target by −1, so
    that h − y adds) each term is replaced by its absolute value or more, so every partial
    sum of any draw is at most the corresponding number of this worst case. Its states,
    σ of its states and its gradients bound them all.
    """
    import numpy as np

    from symgrad.maths.activations import Activation
    from symgrad.maths.numeric import bptt_gradients, forward

    act = Activation("integer_square", _INTEGER_SIGMA)
    ones = {
        "W": np.ones((n, n)),
        "U": np.ones((n, m)),
        "b": np.ones(n),
        "xs": np.ones((T, B, m)),
        "h0": np.ones((B, n)),
    }
    states = forward(ones["W"], ones["U"], ones["b"], ones["xs"], ones["h0"], act, model).states
    got = bptt_gradients(
        ones["W"], ones["U"], ones["b"], ones["xs"], ones["h0"], -np.ones((T, B, n)), act, model
    )
    top = float(np.max(states))
    return max(top + top * top, *(float(np.max(np.abs(g))) for g in (got.W, got.U, got.b, got.h0)))


def _float_implementation(settings):
    """numeric.bptt_gradients against the exact forward-mode derivative, bit for bit."""
    from fractions import Fraction

    import numpy as np

    from symgrad.maths.activations import Activation
    from symgrad.maths.numeric import bptt_gradients, forward
    from symgrad.maths.rational import rational_rule
    from symgrad.maths.routes import Problem, forward_mode, unroll

    integer = Activation("integer_square", _INTEGER_SIGMA)
    rng = np.random.default_rng(settings.seed)
    labels, premise = [], []
    for model, (n, m, T, B) in FLOAT_CASES:
        bound = _largest_intermediate(model, n, m, T, B)
        exponent = Decimal(f"{math.log2(bound):.1f}")
        premise.append(
            Claim(
                f"Model {model}: every number",
                Chain("<=", sp.Pow(2, exponent, evaluate=False)),
            )
        )
        if not bound < 2.0**50:  # the premise, for every seed: integers far below 2⁵³
            return Outcome(
                False,
                Claim(
                    "the premise: every float of the instance is an integer below",
                    sp.Pow(2, 53, evaluate=False),
                ),
                instances=labels,
                left=Claim(f"Model {model},", *_sizes(n=n, m=m, T=T), ": numbers up to", bound),
                right=Claim(
                    "at most",
                    sp.Pow(2, 50, evaluate=False),
                    "(a margin below",
                    sp.Pow(2, 53, evaluate=False),
                    ")",
                ),
            )
        W, U = rng.integers(-1, 2, (n, n)), rng.integers(-1, 2, (n, m))
        b, h0 = rng.integers(-1, 2, n), rng.integers(-1, 2, (B, n))
        xs, ys = rng.integers(-1, 2, (T, B, m)), rng.integers(-1, 2, (T, B, n))
        labels.append(
            Claim(
                f"Model {model},",
                *_sizes(n=n, m=m, T=T),
                f", batch {B},",
                sp.Eq(sp.Function("sigma")(_a), Plus(_a, _a**2), evaluate=False),
            )
        )
        got = bptt_gradients(W, U, b, xs, h0, ys, integer, model)
        states = forward(W, U, b, xs, h0, integer, model).states
        exact = {"W": 0, "U": 0, "b": 0, "h0": []}
        for seq in range(B):
            problem = Problem(
                model=model,
                W=[[Fraction(int(v)) for v in row] for row in W],
                U=[[Fraction(int(v)) for v in row] for row in U],
                b=[Fraction(int(v)) for v in b],
                h0=[Fraction(int(v)) for v in h0[seq]],
                xs=[[Fraction(int(v)) for v in xs[t, seq]] for t in range(T)],
                ys=[[Fraction(int(v)) for v in ys[t, seq]] for t in range(T)],
                sigma=rational_rule(integer),
            )
            _, trace = unroll(problem)
            if [[Fraction(float(v)) for v in states[t, seq]] for t in range(T + 1)] != trace.states:
                return Outcome(False, "numeric.forward states vs routes.unroll", instances=labels)
            grads = forward_mode(problem)
            for group in ("W", "U", "b"):
                exact[group] = np.array(grads[group], dtype=object) + exact[group]
            exact["h0"].append([row[0] for row in grads["h0"]])
        pairs = [
            ("W", got.W, exact["W"]),
            ("U", got.U, exact["U"]),
            ("b", got.b, exact["b"][:, 0]),
            ("h0", got.h0, np.array(exact["h0"], dtype=object)),
        ]
        for name, value, reference in pairs:
            as_fractions = np.vectorize(lambda v: Fraction(float(v)), otypes=[object])(value)
            if as_fractions.shape != reference.shape or not (as_fractions == reference).all():
                return Outcome(
                    False,
                    "numeric.bptt_gradients vs exact forward mode",
                    instances=labels,
                    left=named(**{name: value}),
                    right=named(**{name: reference}),
                )
    return Outcome(
        True,
        Claim(
            "numeric.forward and numeric.bptt_gradients (floating point) equal routes.unroll and "
            "the exact forward-mode derivative exactly: data drawn from",
            sp.FiniteSet(-1, 0, 1),
            "and",
            sp.Eq(sp.Function("sigma")(_a), Plus(_a, _a**2), evaluate=False),
            "keep every number an integer, and the worst case of the drawing set (every datum",
            1,
            ", every target",
            -1,
            ") bounds every number below",
            sp.Pow(2, 50, evaluate=False),
            ", so no float is rounded, for every seed; each float is converted to a Fraction "
            "before comparing",
        ),
        instances=labels,
        seed=settings.seed,
        details=premise,
    )


# the notation of the statement and the steps
_t, _k, _T, _n, _m, _a = sp.symbols("t k T n m a")
_L, _W = sp.Symbol("L"), sp.Symbol("W", commutative=False)
_theta = sp.Symbol("theta")
_J = sp.IndexedBase("J", commutative=False)
#: the parameters every route differentiates by, as a list of a claim: W, U, b, h⁽⁰⁾
_PARAMETERS = (_W, ",", sp.Symbol("U"), ",", sp.Symbol("b"), ",", AtTime("h", 0))


def _is(symbol, value):
    """symbol = value, kept unevaluated (an instance's size)."""
    return sp.Eq(symbol, value, evaluate=False)


def _sizes(**sizes):
    """An instance's sizes as parts of a claim: n = 2, T = 3, m = 2."""
    out = []
    for name, value in sizes.items():
        out += [",", _is(sp.Symbol(name), value)] if out else [_is(sp.Symbol(name), value)]
    return out


THEOREM = Theorem(
    id="bptt_sum_of_products",
    title="BPTT as a sum of products of Jacobians",
    statement=Claim(
        Partial(_L, _W),
        "is the sum, over every pair of steps",
        Chain(1, "<=", _t, "<=", _k, "<=", _T),
        ", of the product",
        Times(
            Partial(AtTime(_L, _k), AtTime("h", _k)),
            Partial(AtTime("h", _k), AtTime("h", _t)),
            Partial(AtTime("h", _t), AtTime(_W, _t), immediate=True),
        ),
        ", and likewise for",
        *_PARAMETERS[2:-2],
        "and",
        AtTime("h", 0),
        ".",
    ),
    formula=Chain(
        Partial(_L, _W),
        "=",
        sp.Sum(
            Partial(AtTime(_L, _k), AtTime("h", _k))
            * Partial(AtTime("h", _k), AtTime("h", _t))
            * Partial(AtTime("h", _t), AtTime(_W, _t), immediate=True),
            (_k, _t, _T),
            (_t, 1, _T),
        ),
    ),
    convention=Claim(
        "row-vector gradients, numerator-layout Jacobians; the later step is",
        _k,
        ", the earlier",
        _t,
    ),
    proof=Claim(
        _W,
        "is used once per step, so the total derivative is the sum of the derivatives by its "
        "copies",
        AtTime(_W, _t),
        ". The copy",
        AtTime(_W, _t),
        "reaches",
        AtTime(_L, _k),
        "only through",
        AtTime("h", _t),
        "and the ordered product",
        _J[_k] * Cdots() * _J[_t + 1],
        ".",
    ),
    assumptions=[
        Claim(
            Chain(_L, "=", sp.Sum(AtTime(_L, _k), (_k, 1, _T))),
            "with each",
            AtTime(_L, _k),
            "depending on",
            AtTime("h", _k),
            "only",
        ),
        Claim(sp.Symbol("sigma"), "is differentiable on the trajectory"),
    ],
    references=["Goodfellow et al. (2016), §10.2.2", "Pascanu et al. (2013), eqs. (3)–(5)"],
    tags=["bptt", "eq. (2)", "eq. (3)", "erratum 8"],
    steps=[
        Step(
            Chain(Partial(_L, _W), "=", sp.Sum(Partial(_L, AtTime(_W, _t)), (_t, 1, _T))),
            Claim("multivariate chain rule over the copies", AtTime(_W, _t), "of", _W),
            Evidence.CHECKED,
            _time_copies,
        ),
        Step(
            Claim("the displayed formula is the forward-mode derivative at every", _T, "checked"),
            Claim(
                "its Sums and Products expanded term by term at",
                Chain(_T, "in", sp.FiniteSet(1, 2, 3, 4)),
                ", against forward mode built by its own recursion, on random non-commuting "
                "integer matrices",
            ),
            Evidence.CHECKED,
            _stated_formula,
            student="",
        ),
        Step(
            Claim("the sum of products equals the direct derivative of the unrolled loss"),
            "exact comparison with forward-mode differentiation on stated instances",
            Evidence.CHECKED,
            _instances,
            student=Claim(
                "chain rule along every path from",
                AtTime(_W, _t),
                "through",
                AtTime("h", _t),
                ", …,",
                AtTime("h", _k),
                "to",
                AtTime(_L, _k),
            ),
        ),
        Step(
            Claim("the same identity as polynomials in the atoms, expanded by SymPy"),
            "symbolic expansion: a proof at each stated instance",
            Evidence.CHECKED,
            _expanded,
            student="",
        ),
        Step(
            Claim("the failure probability stated for random points is an upper bound"),
            "the degree bound is compared with the true degree of the expanded polynomials",
            Evidence.CHECKED,
            _degree_bound,
            student="",
        ),
        Step(
            Claim("the routes' unrolled model is the network of SymbolicRNN"),
            Claim(
                "the exact routes and the symbolic network are written separately; their "
                "gradients must agree, with",
                sp.Eq(sp.Function("sigma")(_a), sp.tanh(_a), evaluate=False),
                "itself rather than free atoms",
            ),
            Evidence.CHECKED,
            _tied_to_network,
            student="",
        ),
        Step(
            Claim("the forward-mode route's dual numbers differentiate exactly"),
            Claim(
                "lemma for the route used as the reference: the sum, difference and product of",
                "two dual numbers",
                sp.Tuple(sp.Symbol("a"), sp.Symbol("adot")),
                "and",
                sp.Tuple(sp.Symbol("b"), sp.Symbol("bdot")),
                ", and their forms with a constant, follow the sum and product rules",
            ),
            Evidence.CHECKED,
            _dual_numbers,
            student="",
        ),
        Step(
            Claim("the floating-point implementation computes the same gradient"),
            Claim(
                "on instances where every float is an integer below",
                sp.Pow(2, 50, evaluate=False),
                "(checked for the worst case of the drawing set, so for every seed), "
                "numeric.bptt_gradients must equal the exact derivative with no tolerance",
            ),
            Evidence.CHECKED,
            _float_implementation,
            student="",
        ),
        Step(
            Claim("the floating-point gradient agrees with finite differences of its own loss"),
            "central differences of the forward pass, within a stated tolerance",
            Evidence.TESTED,
            _finite_differences,
            student="",
        ),
    ],
)
