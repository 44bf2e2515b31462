"""λ₁γ < 1 makes the state map a contraction: the echo-state property, and vanishing gradients.

Statement. Let F(h) = σ(Wh + Ux + b) with γ = sup|σ′| and λ₁ = ‖W‖₂. Then
‖F(h) − F(h′)‖ ≤ λ₁γ‖h − h′‖ for every input x, so if η = λ₁γ < 1 two runs from different
initial states under the same inputs approach each other like η^t: the network forgets its
initial state, which is the echo-state property (ESP). This is the same condition that makes
gradients vanish (one_step_bound, eta_decay): ∂h⁽ᵗ⁾/∂h⁽⁰⁾ is the derivative of that forgetting,
and ‖∂h⁽ᵗ⁾/∂h⁽⁰⁾‖₂ ≤ η^t. Conversely, at zero input the ESP needs ρ(W) < 1 in the linear
network (an eigenvector with |λ| ≥ 1 is never forgotten), and for σ(0) = 0, σ′(0) = 1 the
linearisation at the origin is W, so ρ(W) > 1 destroys it too.

Proof. |σ(a) − σ(a′)| ≤ γ|a − a′| by the mean value theorem, entry by entry, and
‖W(h − h′)‖ ≤ λ₁‖h − h′‖; iterate. The converse: two exact runs that stay apart for ever.
"""

from fractions import Fraction
from functools import cache

import sympy as sp

from symgrad import Evidence, Outcome, Step, Theorem, derive_gamma
from symgrad.echo_state import run, state_jacobian_product
from symgrad.rational import norm_squared, spectral_norm_at_most

ETA = sp.Rational(9, 10)


@cache
def _network():
    """W = R₁ diag(9/10, 1/2, 1/5) R₂ᵀ with rational rotations R₁, R₂: λ₁ = 9/10 exactly, W not
    normal; softsign (γ = 1)."""
    r = sp.Rational
    R1 = sp.Matrix([[r(3, 5), r(-4, 5), 0], [r(4, 5), r(3, 5), 0], [0, 0, 1]])
    R2 = sp.Matrix([[1, 0, 0], [0, r(5, 13), r(-12, 13)], [0, r(12, 13), r(5, 13)]])
    W = R1 * sp.diag(ETA, r(1, 2), r(1, 5)) * R2.T
    return W, R2[:, 0]


def _pairs():
    _, top = _network()
    small = Fraction(1, 100)
    pairs = [([0, 0, 0], [small * Fraction(v) for v in top], [0, 0, 0])]
    for s in range(8):
        h = [Fraction((5 * s + 3 * i) % 11 - 5, 3) for i in range(3)]
        g = [Fraction((7 * s + 2 * i) % 9 - 4, 2) for i in range(3)]
        x = [Fraction((s + i) % 5 - 2, 4) for i in range(3)]
        pairs.append((h, g, x))
    return pairs


def _gap(a, b):
    """‖a − b‖² for two exact states given as lists."""
    return norm_squared([p - q for p, q in zip(a, b, strict=True)])


def _eta():
    W, _ = _network()
    gamma = derive_gamma("softsign").exact
    return W, gamma, ETA * gamma


def _contraction(settings, factor=1):
    W, _, eta = _eta()
    bad = [] if spectral_norm_at_most(W, ETA) else ["‖W‖₂ ≤ 9/10 fails"]
    worst = 0
    for h, g, x in _pairs():
        a, b = run(W, h, [x]).states[1], run(W, g, [x]).states[1]
        ratio = _gap(a, b) / _gap(h, g)
        worst = max(worst, ratio)
        if not ratio <= (factor * eta) ** 2:
            bad.append(f"h = {h}, h′ = {g}, x = {x}: ‖F(h) − F(h′)‖²/‖h − h′‖² = {ratio}")
    return Outcome(
        not bad,
        f"‖F(h) − F(h′)‖² ≤ (λ₁γ)²‖h − h′‖² with λ₁γ = {eta}, softsign, on {len(_pairs())} "
        "pairs (one along the top singular direction), exact fractions",
        instances=["W = R₁ diag(9/10, 1/2, 1/5) R₂ᵀ, n = 3"],
        left=bad[0] if bad else None,
        right=f"(λ₁γ)² = {eta**2}" if bad else None,
        details=[f"largest ratio ‖F(h) − F(h′)‖/‖h − h′‖ found: {float(sp.sqrt(worst)):.4g}"],
    )


@cache
def _two_runs(scale=1):
    """Pairs of runs (same inputs, different starts) of the softsign network and of a linear
    network W = (9/10)·R₁ (orthogonal R₁), where the distance shrinks by exactly 9/10 a step."""
    W, _ = _network()
    r = sp.Rational
    R1 = sp.Matrix([[r(3, 5), r(-4, 5), 0], [r(4, 5), r(3, 5), 0], [0, 0, 1]])
    T = 5
    xs = [[Fraction((t + i) % 3 - 1, 2) for i in range(3)] for t in range(T)]
    out = []
    for label, matrix, activation in (
        ("softsign, W = R₁ diag(9/10, 1/2, 1/5) R₂ᵀ", scale * W, "softsign"),
        ("linear, W = (9/10)·R₁", scale * ETA * R1, "identity"),
    ):
        first = run(matrix, [2, -1, 1], xs, activation)
        second = run(matrix, [-3, 2, 0], xs, activation)
        out.append((label, matrix, first, second))
    return T, out


def _forgetting(settings, factor=1, scale=1):
    _, _, eta = _eta()
    T, cases = _two_runs(scale)
    bad, lines = [], []
    for label, _, first, second in cases:
        start = _gap(first.states[0], second.states[0])
        for t in range(T + 1):
            distance = _gap(first.states[t], second.states[t])
            if not distance <= (factor * eta) ** (2 * t) * start:
                bad.append(f"{label}, t = {t}: ‖h⁽ᵗ⁾ − h′⁽ᵗ⁾‖² = {distance}")
        ratio = (float(distance) / float(start)) ** 0.5
        lines.append(
            f"{label}: ‖h⁽{T}⁾ − h′⁽{T}⁾‖/‖h⁽⁰⁾ − h′⁽⁰⁾‖ = {ratio:.4g}, η^{T} = {float(eta**T):.4g}"
        )
    return Outcome(
        not bad,
        f"two runs from h⁽⁰⁾ = (2, −1, 1) and (−3, 2, 0), same inputs: ‖h⁽ᵗ⁾ − h′⁽ᵗ⁾‖² ≤ "
        f"η^(2t)‖h⁽⁰⁾ − h′⁽⁰⁾‖² for t ≤ {T}, exact",
        instances=[label for label, *_ in cases],
        left=bad[0] if bad else None,
        right="η^(2t)·distance²" if bad else None,
        details=lines,
    )


def _gradient_link(settings, factor=1, scale=1):
    _, _, eta = _eta()
    T, cases = _two_runs(scale)
    bad = []
    for label, W, first, _ in cases:
        if not spectral_norm_at_most(state_jacobian_product(W, first), (factor * eta) ** T):
            bad.append(label)
    return Outcome(
        not bad,
        f"‖∂h⁽{T}⁾/∂h⁽⁰⁾‖₂ = ‖J_{T}⋯J_1‖₂ ≤ η^{T} along the first run of each pair, decided "
        "exactly: the contraction factor of the states is the decay factor of the gradient",
        instances=[label for label, *_ in cases],
        left=f"{bad[0]}: ‖J_T⋯J_1‖₂ > η^T" if bad else None,
        right=f"η^T = {eta**T}" if bad else None,
    )


def _zero_input(settings, scale=1):
    bad, lines = [], []
    W = scale * sp.Matrix(
        [[sp.Rational(1, 2), sp.Rational(1, 2)], [sp.Rational(1, 2), sp.Rational(1, 2)]]
    )
    rho = max(abs(v) for v in W.eigenvals())
    a, b = run(W, [0, 0], [[0, 0]] * 20, "identity"), run(W, [1, 1], [[0, 0]] * 20, "identity")
    gaps = {_gap(a.states[t], b.states[t]) for t in range(21)}
    if gaps != {2}:
        bad.append(f"linear: ‖h⁽ᵗ⁾ − h′⁽ᵗ⁾‖² takes the values {sorted(gaps)}")
    shown = ", ".join(str(g) for g in sorted(gaps))
    lines.append(f"linear, ρ(W) = {rho}: ‖h⁽ᵗ⁾ − h′⁽ᵗ⁾‖² = {shown} for t ≤ 20")
    w = scale * 3
    fixed = Fraction(2, 3)
    up, down = run([[w]], [fixed], [[0]] * 20), run([[w]], [-fixed], [[0]] * 20)
    gaps = {_gap(up.states[t], down.states[t]) for t in range(21)}
    if gaps != {Fraction(16, 9)}:
        bad.append(f"softsign: ‖h⁽ᵗ⁾ − h′⁽ᵗ⁾‖² takes the values {sorted(gaps)}")
    lines.append(
        f"softsign, w = {w}: h = ±2/3 are fixed points (σ(3·2/3) = 2/(1+2)); distance² "
        f"{', '.join(str(g) for g in sorted(gaps))} for t ≤ 20"
    )
    return Outcome(
        not bad,
        "zero input: linear W with ρ(W) = 1 (W(1, 1)ᵀ = (1, 1)ᵀ) and the softsign unit w = 3 "
        "(ρ = 3, fixed points ±2/3) each keep two runs apart for ever (t ≤ 20 exactly): no "
        "echo-state property",
        instances=["linear 2×2, ρ = 1", "softsign 1×1, w = 3"],
        left=bad[0] if bad else None,
        right="constant distance" if bad else None,
        details=lines,
    )


THEOREM = Theorem(
    id="echo_state_contraction",
    title="Contraction, the echo-state property, and vanishing gradients",
    statement=(
        "λ₁γ < 1 makes h ↦ σ(Wh + Ux + b) a contraction for every input, so the network "
        "forgets its initial state (echo-state property) at rate η^t, η = λ₁γ: the same "
        "condition, and the same rate, as the sufficient condition for vanishing gradients. "
        "At zero input ρ(W) < 1 is necessary for the ESP of the linear network, and ρ(W) > 1 "
        "breaks it whenever σ(0) = 0, σ′(0) = 1."
    ),
    statement_latex=(
        r"\|F(h)-F(h')\| \le \lambda_1\gamma\,\|h-h'\|,\qquad "
        r"\|h^{(t)}-h'^{(t)}\| \le (\lambda_1\gamma)^{t}\,\|h^{(0)}-h'^{(0)}\|"
    ),
    convention="Model A, F(h) = σ(Wh + Ux + b); Euclidean norm for states, spectral for W",
    proof=(
        "Mean value theorem entry by entry, then ‖W‖₂; iterate. Converse: exact runs that never "
        "approach each other."
    ),
    assumptions=["|σ′| ≤ γ everywhere", "the same input sequence for both runs"],
    references=[
        "Jaeger (2001), GMD Report 148 (echo-state property)",
        "Yildiz, Jaeger & Kiebel (2012), Re-visiting the echo state property",
        "Pascanu et al. (2013), §3.1 (echo state networks)",
    ],
    tags=["echo state", "contraction", "vanishing"],
    steps=[
        Step(
            "‖F(h) − F(h′)‖ ≤ λ₁γ ‖h − h′‖",
            "|σ(a) − σ(a′)| ≤ γ|a − a′| (mean value theorem) and ‖W(h − h′)‖ ≤ λ₁‖h − h′‖",
            Evidence.CHECKED,
            _contraction,
            latex=r"\|F(h)-F(h')\| \le \lambda_1\gamma\,\|h-h'\|",
        ),
        Step(
            "‖h⁽ᵗ⁾ − h′⁽ᵗ⁾‖ ≤ η^t ‖h⁽⁰⁾ − h′⁽⁰⁾‖: the initial state is forgotten",
            "the contraction applied t times",
            Evidence.CHECKED,
            _forgetting,
            latex=r"\|h^{(t)}-h'^{(t)}\| \le \eta^{t}\,\|h^{(0)}-h'^{(0)}\|",
        ),
        Step(
            "‖∂h⁽ᵗ⁾/∂h⁽⁰⁾‖₂ ≤ η^t: the same η makes the gradient vanish",
            "the Jacobian is the derivative of the map that forgets; one_step_bound and eta_decay",
            Evidence.CHECKED,
            _gradient_link,
            latex=r"\Big\|\frac{\partial h^{(t)}}{\partial h^{(0)}}\Big\|_2 \le \eta^{t}",
        ),
        Step(
            "zero input: ρ(W) ≥ 1 (linear) or ρ(W) > 1 (σ′(0) = 1) leaves two runs apart",
            "an eigenvector with |λ| ≥ 1 is never damped (linear_powers_vanish_iff_spectral_radius);"
            " exact examples",
            Evidence.CHECKED,
            _zero_input,
            latex=r"\rho(W)\ge1:\ \exists\,h^{(0)}\ne h'^{(0)}:\ \|h^{(t)}-h'^{(t)}\|\not\to0",
        ),
    ],
)
