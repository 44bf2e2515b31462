"""Exercise sheets with solutions the package computes and checks, drawn per seed.

``exercise_set(seed)`` draws the parameters of five exercises from a seeded generator,
so each student can get their own sheet:

1. γ of an activation from a parametrised family (a·tanh(bx), sigmoid(cx), a·arctan(bx),
   x/(c + |x|)): solved by :func:`symgrad.maths.gamma.derive_gamma`, and checked by evaluating
   |σ′| exactly at the reported maximiser and requiring the derivation to be proved;
2. whether the sufficient condition for vanishing, λ₁γ < 1, holds for a rational 2×2 W:
   λ₁ = ‖W‖₂ exactly (the square root of the largest eigenvalue of WᵀW), the comparison
   decided exactly, and λ₁ cross-checked against NumPy;
3. λ₁ and the spectral radius ρ of a (possibly non-normal) W and what they imply, with
   the largest ‖Wᵏ‖₂ over k ≤ 60 (exact rational powers, norms evaluated at 30 digits);
4. spot the error in a derivation of the one-step bound: one line is replaced by a
   tempting wrong one, and the solution gives a counterexample verified exactly;
5. a counterexample to "ρ(W) < 1 implies ‖W²‖₂ ≤ M", found by search and verified exactly;
6. implement BPTT: the sizes and σ are drawn, and the sheet gives the command that grades a
   submission (``symgrad check``); the package's own implementation is graded correct and a
   planted mistake is caught and named before the sheet is made.

Every number in a solution is computed here, never typed in; :class:`Exercise` keeps the
checks that ran, and construction fails (nothing is written) if one does not hold.

Kept as one module: one function per exercise, each drawing its parameters, computing its
solution and checking it, beside the sheet that sets them in order; a new exercise is one
function.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path

import numpy as np
import sympy as sp

from ..errors import ExerciseCheckError, InvalidArgumentError
from .printing import latex

__all__ = ["Exercise", "exercise_set", "exercise_sheets", "write_exercises"]


@dataclass
class Exercise:
    """One exercise: its title, the question and the solution (LaTeX), and the checks run."""

    title: str
    question: str
    solution: str
    checks: list[str] = field(default_factory=list)
    parameters: dict[str, str] = field(default_factory=dict)


def _require(condition: bool, what: str) -> str:
    if not condition:
        raise ExerciseCheckError(f"solution check failed: {what}")
    return what


def _tex(expr: sp.Expr) -> str:
    return latex(sp.nsimplify(expr) if isinstance(expr, float) else expr)


def _matrix(M: sp.Matrix) -> str:
    return latex(M)


def _dec(value: sp.Expr, digits: int = 6) -> str:
    """A decimal for LaTeX math: 1.89843, or 1.2 \\times 10^{-7} (never 1.2e-07)."""
    text = f"{float(sp.N(value, 30)):.{digits}g}"
    if "e" not in text:
        return text
    mantissa, exponent = text.split("e")
    return rf"{mantissa} \times 10^{{{int(exponent)}}}"


def _dec_above(value: sp.Expr, bound: sp.Expr) -> str:
    """`value` as a decimal with enough digits to show that it exceeds `bound`."""
    for digits in range(6, 30):
        text = _dec(value, digits)
        if "times" in text or sp.Rational(text) > bound:
            return text
    return _dec(value, 30)


def spectral_norm_exact(W: sp.Matrix) -> sp.Expr:
    """‖W‖₂ = √(largest eigenvalue of WᵀW), exactly (for rational 2×2 matrices: a surd)."""
    eigen = list((W.T * W).eigenvals())
    return sp.sqrt(max(eigen, key=lambda e: sp.N(e, 50)))


def spectral_radius_exact(W: sp.Matrix) -> sp.Expr:
    """ρ(W) = max |λ| over the eigenvalues, exactly."""
    return max((sp.Abs(e) for e in W.eigenvals()), key=lambda e: sp.N(e, 50))


def _rational(rng: np.random.Generator, lo: int, hi: int, den: int) -> sp.Rational:
    return sp.Rational(int(rng.integers(lo, hi + 1)), den)


# ----------------------------------------------------------------------------- exercise 1
def _gamma_exercise(rng: np.random.Generator) -> Exercise:
    from ..maths.activations import Activation, x
    from ..maths.gamma import derive_gamma

    family = int(rng.integers(0, 4))
    a = _rational(rng, 2, 6, 2)
    b = _rational(rng, 1, 5, 2)
    c = sp.Integer(int(rng.integers(2, 6)))
    expr = [
        a * sp.tanh(b * x),
        1 / (1 + sp.exp(-c * x)),
        a * sp.atan(b * x),
        x / (c + sp.Abs(x)),
    ][family]
    result = derive_gamma(Activation("exercise", expr))
    checks = [_require(result.bounded and result.exact is not None, "γ has a closed form")]
    checks.append(_require(result.evidence == "proved", "the derivation of γ is proved"))
    points = result.points
    for point in points:
        value = sp.Abs(sp.diff(expr, x).subs(x, point))
        checks.append(
            _require(sp.simplify(value - result.exact) == 0, f"|σ′({point})| equals γ exactly")
        )
    samples = np.linspace(-20, 20, 4001)
    fp = sp.lambdify(x, sp.diff(expr, x), "numpy")
    checks.append(
        _require(
            float(np.max(np.abs(fp(samples)))) <= float(result.exact) * (1 + 1e-12),
            "no sampled |σ′| on [−20, 20] exceeds γ",
        )
    )
    where = ", ".join(latex(p) for p in points)
    solution = (
        rf"$\sigma'(x) = {latex(sp.simplify(sp.diff(expr, x)))}$. "
        rf"Then $\gamma = \sup_x |\sigma'(x)| = {latex(result.exact)} \approx {_dec(result.exact)}$, "
        + (rf"attained at $x = {where}$. " if result.attained and points else "not attained. ")
        + r"Hence vanishing is guaranteed for every $W$ with "
        rf"$\lambda_1 < 1/\gamma = {latex(1 / result.exact)}$."
    )
    if result.certificate:
        solution += r" (A certificate: $\gamma - \sigma'(x) \ge 0$ for all $x$, by SymPy.)"
    return Exercise(
        r"The constant $\gamma$ of an activation",
        rf"Let $\sigma(x) = {latex(expr)}$. Compute $\gamma = \sup_x |\sigma'(x)|$, say "
        r"where it is reached, and state the bound on $\lambda_1 = \lVert W\rVert_2$ that "
        r"guarantees vanishing gradients.",
        solution,
        checks,
        {"sigma": str(expr)},
    )


# ----------------------------------------------------------------------------- exercise 2
def _vanishing_exercise(rng: np.random.Generator) -> Exercise:
    name, gamma = [("tanh", sp.Integer(1)), ("sigmoid", sp.Rational(1, 4))][int(rng.integers(0, 2))]
    scale = 1 if name == "tanh" else 4
    W = sp.Matrix(2, 2, lambda i, j: _rational(rng, -8, 8, 10) * scale)
    lam = spectral_norm_exact(W)
    holds = bool(sp.Lt(lam**2 * gamma**2, 1))  # both sides rational or algebraic: exact
    numeric = float(np.linalg.norm(np.array(W.tolist(), dtype=float), 2))
    checks = [
        _require(
            abs(numeric - float(sp.N(lam, 30))) <= 1e-12 * max(1.0, numeric),
            "exact λ₁ agrees with NumPy's to 1e-12",
        ),
    ]
    verdict = (
        rf"$\lambda_1\gamma = {_dec(lam * gamma)} < 1$: the sufficient condition holds, so "
        r"$\lVert \partial h^{(k)}/\partial h^{(t)} \rVert_2 \le (\lambda_1\gamma)^{k-t} \to 0$ "
        r"for every input sequence."
        if holds
        else rf"$\lambda_1\gamma = {_dec(lam * gamma)} \ge 1$: the sufficient condition fails. "
        r"This does not mean the gradients explode (the condition is sufficient, not "
        r"necessary, for vanishing); the bound simply says nothing."
    )
    solution = (
        rf"\[ W^\top W = {_matrix(W.T * W)}, \] whose largest eigenvalue is "
        rf"${latex(sp.simplify(lam**2))}$, so $\lambda_1 = {latex(sp.simplify(lam))} "
        rf"\approx {_dec(lam)}$. With $\gamma = {latex(gamma)}$ for {name}, {verdict}"
    )
    return Exercise(
        "The sufficient condition for vanishing",
        rf"A {name} network has \[ W = {_matrix(W)}. \] Decide, exactly, whether the sufficient "
        r"condition for vanishing gradients, $\lambda_1 \gamma < 1$, holds.",
        solution,
        checks,
        {"W": str(W.tolist()), "activation": name},
    )


# ----------------------------------------------------------------------------- exercise 3
def _max_power_norm(W: sp.Matrix, k_max: int = 60) -> tuple[sp.Expr, int]:
    """max over 1 ≤ k ≤ k_max of ‖Wᵏ‖₂ (exact rational powers) and the first k reaching it.

    Each ‖Wᵏ‖₂² = (t + √(t² − 4d))/2 with t, d the trace and determinant of (Wᵏ)ᵀWᵏ, both
    exact rationals, is evaluated at 40 digits to rank the powers; the winner is returned
    in closed form.
    """
    import mpmath

    fW = [[Fraction(int(v.p), int(v.q)) for v in row] for row in W.tolist()]
    P = [[Fraction(1), Fraction(0)], [Fraction(0), Fraction(1)]]
    best, where, best_power = mpmath.mpf(0), 0, None
    with mpmath.workdps(40):
        for k in range(1, k_max + 1):
            P = [[sum(P[i][m] * fW[m][j] for m in range(2)) for j in range(2)] for i in range(2)]
            (a, b), (c, d) = P
            trace = a * a + b * b + c * c + d * d
            det = (a * d - b * c) ** 2
            t = mpmath.mpf(trace.numerator) / trace.denominator
            dd = mpmath.mpf(det.numerator) / det.denominator
            value = (t + mpmath.sqrt(max(t * t - 4 * dd, 0))) / 2
            if value > best:
                best, where, best_power = value, k, [row[:] for row in P]
    power = sp.Matrix(
        [[sp.Rational(v.numerator, v.denominator) for v in row] for row in best_power]
    )
    return spectral_norm_exact(power), where


def _radius_exercise(rng: np.random.Generator) -> Exercise:
    a, d = _rational(rng, -9, 9, 10), _rational(rng, -9, 9, 10)
    c = _rational(rng, 0, 40, 10)
    W = sp.Matrix([[a, c], [0, d]])
    lam, rho = spectral_norm_exact(W), spectral_radius_exact(W)
    peak, k = _max_power_norm(W)
    checks = [
        _require(
            sp.simplify(rho - max(abs(a), abs(d))) == 0, "ρ equals the largest |diagonal entry|"
        ),
        _require(sp.N(rho, 30) <= sp.N(lam, 30), "ρ ≤ λ₁"),
        _require(
            abs(float(sp.N(lam, 30)) - float(np.linalg.norm(np.array(W.tolist(), dtype=float), 2)))
            < 1e-12,
            "exact λ₁ agrees with NumPy's",
        ),
    ]
    lines = [
        rf"$W$ is triangular, so its eigenvalues are ${latex(a)}$ and ${latex(d)}$ and "
        rf"$\rho(W) = {latex(rho)}$. The largest eigenvalue of "
        rf"\[ W^\top W = {_matrix(W.T * W)} \] gives $\lambda_1 = {latex(sp.simplify(lam))} "
        rf"\approx {_dec(lam)}$.",
    ]
    if rho < 1:
        lines.append(
            r"Since $\rho < 1$, $W^k \to 0$: in the linear network the gradient "
            r"vanishes in the long run."
        )
    else:
        lines.append(
            r"Since $\rho \ge 1$, $W^k$ does not tend to 0: in the linear network the "
            r"gradient does not vanish (it grows if $\rho > 1$)."
        )
    if lam > 1:
        lines.append(
            rf"But $\lambda_1 > 1$, so one step can amplify; computed exactly, "
            rf"$\max_{{1 \le k \le 60}} \lVert W^k\rVert_2 = {_dec(peak)}$ at $k = {k}$"
            + (r" (transient growth despite $\rho < 1$)." if rho < 1 and peak > 1 else ".")
            + r" For tanh ($\gamma = 1$) the sufficient condition $\lambda_1\gamma < 1$ fails."
        )
    else:
        lines.append(
            r"And $\lambda_1 \le 1$: no step amplifies, and for tanh ($\gamma = 1$) "
            r"$\lambda_1\gamma \le 1$, with vanishing guaranteed when it is $< 1$."
        )
    return Exercise(
        r"Spectral norm and spectral radius",
        rf"Let \[ W = {_matrix(W)}. \] Find $\lambda_1 = \lVert W\rVert_2$ and $\rho(W)$ exactly, "
        r"and say what each implies for gradients in a linear and in a tanh network.",
        " ".join(lines),
        checks,
        {"W": str(W.tolist())},
    )


# ----------------------------------------------------------------------------- exercise 4
_CORRECT = [
    r"J = \frac{\partial h^{(t)}}{\partial h^{(t-1)}} = \operatorname{diag}\bigl(\sigma'(a^{(t)})\bigr) W",
    r"\lVert J\rVert_2 \le \bigl\lVert \operatorname{diag}\bigl(\sigma'(a^{(t)})\bigr)"
    r"\bigr\rVert_2 \, \lVert W\rVert_2",
    r"\bigl\lVert \operatorname{diag}\bigl(\sigma'(a^{(t)})\bigr)\bigr\rVert_2"
    r" = \max_i |\sigma'(a^{(t)}_i)| \le \gamma",
    r"\lVert J\rVert_2 \le \lambda_1 \gamma",
]


def _error_exercise(rng: np.random.Generator) -> Exercise:
    wrong = int(rng.integers(0, 4))
    c = sp.Integer(int(rng.integers(3, 8)))  # c = 2 would give ‖AB‖ = ‖A‖ + ‖B‖
    if wrong == 0:
        line = r"J = W \operatorname{diag}\bigl(\sigma'(a^{(t)})\bigr)"
        from ..maths.activations import Activation, x
        from ..maths.rnn import SymbolicRNN, is_zero

        # σ undefined: the comparison holds for every differentiable activation
        rnn = SymbolicRNN(hidden=2, activation=Activation("sigma", sp.Function("sigma")(x)))
        J = rnn.explicit_jacobian()
        D = sp.diag(*rnn.slope_argument(1).applyfunc(rnn.activation.prime))
        checks = [
            _require(all(is_zero(e) for e in (J - D * rnn.W)), "the chain rule gives diag(σ′)W"),
            _require(not all(is_zero(e) for e in (J - rnn.W * D)), "W diag(σ′) differs from it"),
        ]
        why = (
            r"Line 1 is wrong: by the chain rule $\partial h_i/\partial h_j = "
            r"\sigma'(a_i) w_{ij}$, so row $i$ is scaled, $J = \operatorname{diag}(\sigma'(a)) W$. "
            r"SymPy's Jacobian of the step for $n = 2$ equals $\operatorname{diag}(\sigma')W$ "
            r"and differs from $W\operatorname{diag}(\sigma')$ (the latter is Model B's form, "
            r"or the transpose of the denominator layout)."
        )
    elif wrong == 1:
        line = (
            r"\lVert J\rVert_2 \le \bigl\lVert \operatorname{diag}\bigl(\sigma'(a^{(t)})\bigr)"
            r"\bigr\rVert_2 + \lVert W\rVert_2"
        )
        A = c * sp.eye(2)
        lhs, rhs = spectral_norm_exact(A * A), 2 * spectral_norm_exact(A)
        checks = [_require(lhs > rhs, f"‖AB‖ = {lhs} > ‖A‖ + ‖B‖ = {rhs} for A = B = {c}I")]
        why = (
            rf"Line 2 is wrong: a norm of a product is bounded by the product of the norms "
            rf"(submultiplicativity), not their sum. With $A = B = {c}I$, "
            rf"$\lVert AB\rVert_2 = {latex(lhs)} > {latex(rhs)} = "
            rf"\lVert A\rVert_2 + \lVert B\rVert_2$."
        )
    elif wrong == 2:
        line = (
            r"\bigl\lVert \operatorname{diag}\bigl(\sigma'(a^{(t)})\bigr)\bigr\rVert_2 = "
            r"\sum_i |\sigma'(a^{(t)}_i)|"
        )
        D = sp.diag(*([1] * int(c)))
        checks = [_require(spectral_norm_exact(D) == 1, f"‖I_{c}‖₂ = 1 ≠ {c}")]
        why = (
            rf"Line 3 is wrong: the spectral norm of a diagonal matrix is the largest "
            rf"$|d_i|$, not their sum. With $\sigma'(a_i) = 1$ for all ${c}$ units, "
            rf"$\lVert I\rVert_2 = 1 \ne {c}$."
        )
    else:
        line = r"\lVert J\rVert_2 \le \rho(W)\, \gamma"
        W = sp.Matrix([[0, c], [0, 0]])
        lam, rho = spectral_norm_exact(W), spectral_radius_exact(W)
        checks = [_require(rho == 0 and lam == c, f"ρ = 0, λ₁ = {c}")]
        why = (
            rf"Line 4 is wrong: the spectral radius cannot replace $\lambda_1$. For the "
            rf"identity activation ($\gamma = 1$, $J = W$) and $W = {_matrix(W)}$, "
            rf"$\lVert J\rVert_2 = {c} > 0 = \rho(W)\gamma$."
        )
    shown = list(_CORRECT)
    shown[wrong] = line
    rows = r" \\ ".join(rf"&({i + 1})\quad {s}" for i, s in enumerate(shown))
    return Exercise(
        "Spot the error",
        r"A student derives the one-step bound for $h^{(t)} = \sigma(W h^{(t-1)} + U x^{(t)} + b)$ "
        r"as follows. One line is wrong. Which, why, and give a counterexample."
        rf"\begin{{align*}} {rows} \end{{align*}}",
        why,
        checks,
        {"wrong_line": str(wrong + 1)},
    )


# ----------------------------------------------------------------------------- exercise 5
def _counterexample_exercise(rng: np.random.Generator) -> Exercise:
    r = _rational(rng, 1, 9, 10)
    M = sp.Integer(int(rng.integers(2, 20)))
    c = sp.Integer(1)
    while True:
        W = sp.Matrix([[r, c], [0, r]])
        if spectral_norm_exact(W * W) > M:
            break
        c += 1
    W2 = W * W
    checks = [
        _require(spectral_radius_exact(W) == r and r < 1, f"ρ(W) = {r} < 1"),
        _require(spectral_norm_exact(W2) ** 2 > M**2, f"‖W²‖₂ > {M}"),
    ]
    solution = (
        rf"Take the non-normal \[ W = {_matrix(W)}. \] Its eigenvalues are both ${latex(r)}$, so "
        rf"$\rho(W) = {latex(r)} < 1$. But \[ W^2 = {_matrix(W2)} \] and "
        rf"$\lVert W^2\rVert_2 = {latex(sp.simplify(spectral_norm_exact(W2)))} \approx "
        rf"{_dec_above(spectral_norm_exact(W2), M)} > {M}$ (exactly: the largest eigenvalue of "
        rf"$(W^2)^\top W^2$ exceeds ${M**2}$). The off-diagonal entry ${c}$ is the smallest "
        r"integer that works. The spectral radius controls $W^k$ only as $k \to \infty$."
    )
    return Exercise(
        "A counterexample",
        rf"Claim: if $\rho(W) = {latex(r)}$ then $\lVert W^2\rVert_2 \le {M}$. "
        r"Give a $2\times 2$ counterexample and verify it exactly.",
        solution,
        checks,
        {"rho": str(r), "M": str(M)},
    )


# ----------------------------------------------------------------------------- exercise 6
def _bptt_exercise(rng: np.random.Generator) -> Exercise:
    from ..check import check_gradients
    from ..check.mistakes import variant_gradients
    from ..maths.numeric import bptt_gradients

    name = ["tanh", "sigmoid"][int(rng.integers(0, 2))]
    n, T = int(rng.integers(4, 9)), int(rng.integers(5, 13))
    grade = rng.integers(0, 1000)
    command = f"symgrad check submission.py:bptt -n {n} -T {T} --activation {name} --seed {grade}"
    kw = {"hidden": n, "steps": T, "activation": name, "seed": int(grade)}

    def reference(W, U, b, h0, xs, targets):
        return bptt_gradients(W, U, b, xs, h0, targets, name).as_dict()

    def planted(W, U, b, h0, xs, targets):
        from ..maths.activations import as_activation

        act = as_activation(name)
        return variant_gradients(W, U, b, h0, xs, targets, act, "A", "slope_at_state")

    right, wrong = check_gradients(reference, **kw), check_gradients(planted, **kw)
    checks = [
        _require(right.ok, f"the package's BPTT passes '{command}'"),
        _require(
            not wrong.ok
            and wrong.diagnosis is not None
            and wrong.diagnosis.mistake == "slope_at_state",
            "a submission with σ′ evaluated at the state fails and the mistake is named",
        ),
    ]
    slope = r"1 - (h^{(t)})^2" if name == "tanh" else r"h^{(t)} \odot (1 - h^{(t)})"
    sigma = r"\tanh" if name == "tanh" else r"\operatorname{sigmoid}"
    return Exercise(
        "Implement backpropagation through time",
        rf"Write a Python function \texttt{{bptt(W, U, b, h0, xs, targets)}} for the network "
        rf"\[h^{{(t)}} = {sigma}(W h^{{(t-1)}} + U x^{{(t)}} + b)\] with the loss "
        r"$L = \sum_t \tfrac12 \lVert h^{(t)} - y^{(t)}\rVert^2$. It receives NumPy arrays "
        r"$W$ ($n\times n$), $U$ ($n\times m$), $b$ ($n$), \texttt{h0} ($B\times n$), "
        r"\texttt{xs} ($T\times B\times m$) and \texttt{targets} ($T\times B\times n$), a batch "
        r"of $B$ sequences as rows, and returns the gradients of $L$ (summed over the batch) "
        r"as a dictionary with keys \texttt{W}, \texttt{U}, \texttt{b}, \texttt{h0}. Save it "
        r"as \texttt{submission.py}; it is graded with"
        rf"\begin{{center}}\texttt{{{command.replace('--', '-{}-')}}}\end{{center}}"
        r"which compares your gradients with certified ones and, if they differ, says where.",
        r"Run the network forwards and keep every state. Then, from $t = T$ down to $1$, with "
        r"$g_{T+1} = 0$: $g_t = (h^{(t)} - y^{(t)}) + W^\top \delta_{t+1}$, "
        rf"$\delta_t = g_t \odot \sigma'(a^{{(t)}})$ where $\sigma'(a^{{(t)}}) = {slope}$, "
        r"and accumulate $\partial L/\partial W \mathrel{+}= \delta_t h^{(t-1)\top}$, "
        r"$\partial L/\partial U \mathrel{+}= \delta_t x^{(t)\top}$, "
        r"$\partial L/\partial b \mathrel{+}= \delta_t$ (each summed over the batch); finally "
        r"$\partial L/\partial h^{(0)} = W^\top \delta_1$. Two classic slips: "
        r"$\sigma'$ taken at $h^{(t)}$ instead of $a^{(t)}$, and $W$ instead of $W^\top$ when "
        r"the error goes back a step; the grader names either one.",
        checks,
        {"activation": name, "n": str(n), "T": str(T), "command": command},
    )


def exercise_set(seed: int) -> list[Exercise]:
    """The six exercises for `seed`, every solution computed and checked.

    Examples
    --------
    >>> [e.title for e in exercise_set(0)][1:3]
    ['The sufficient condition for vanishing', 'Spectral norm and spectral radius']
    """
    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise InvalidArgumentError(f"seed={seed!r} must be an integer ≥ 0")
    rng = np.random.default_rng(seed)
    makers = (
        _gamma_exercise,
        _vanishing_exercise,
        _radius_exercise,
        _error_exercise,
        _counterexample_exercise,
        _bptt_exercise,
    )
    return [make(rng) for make in makers]


_PREAMBLE = r"""\documentclass[11pt,a4paper]{article}
\usepackage[T1]{fontenc}
\usepackage{lmodern}
\usepackage{amsmath,amssymb}
\usepackage[margin=2.2cm]{geometry}
\setlength{\parindent}{0pt}
\setlength{\parskip}{0.6em}
\setlength{\emergencystretch}{3em}
"""


def exercise_sheets(seed: int) -> tuple[str, str]:
    """LaTeX of the exercise sheet and of the solutions sheet for `seed`."""
    exercises = exercise_set(seed)
    head = rf"\section*{{Exploding and vanishing gradients: exercises (sheet {seed})}}"
    sheet = [
        _PREAMBLE,
        r"\begin{document}",
        head,
        r"Notation: $\lambda_1 = \lVert W\rVert_2$ (largest singular value), "
        r"$\rho(W)$ the spectral radius, $\gamma = \sup_x|\sigma'(x)|$.",
    ]
    answers = [
        _PREAMBLE,
        r"\begin{document}",
        rf"\section*{{Solutions to sheet {seed}}}",
        r"Every value below was computed and checked by symgrad when this sheet was made.",
    ]
    for i, ex in enumerate(exercises, 1):
        sheet += [rf"\subsection*{{{i}. {ex.title}}}", ex.question]
        answers += [rf"\subsection*{{{i}. {ex.title}}}", ex.solution]
    sheet.append(r"\end{document}")
    answers.append(r"\end{document}")
    return "\n\n".join(sheet) + "\n", "\n\n".join(answers) + "\n"


def write_exercises(seed: int, directory: str | Path, *, pdf: bool | None = None) -> list[Path]:
    """Write exercises-S.tex and solutions-S.tex (and their PDFs when pdflatex exists).

    `pdf=None` compiles when pdflatex is installed; everything is compiled before the
    first file is written.
    """
    from ..runtime.files import staged_files, write_atomic
    from .document import compile_pdf, find_pdflatex

    out = Path(directory)
    if out.exists() and not out.is_dir():
        raise InvalidArgumentError(
            f"the exercises are written into a folder: {str(out)!r} exists and is not one"
        )
    sheet, answers = exercise_sheets(seed)
    files = {f"exercises-{seed}.tex": sheet, f"solutions-{seed}.tex": answers}
    if pdf is None:
        pdf = find_pdflatex() is not None
    if pdf:
        files[f"exercises-{seed}.pdf"] = compile_pdf(sheet)[0]
        files[f"solutions-{seed}.pdf"] = compile_pdf(answers)[0]
    written = [out / name for name in files]
    with staged_files(*written) as staged:  # in place together, each recorded as complete
        for path, data in zip(staged, files.values(), strict=True):
            write_atomic(path, data)
    return written
