"""A worked example of BPTT for chosen sizes n and T, verified before it is written.

For Model A, h⁽ᵗ⁾ = σ(a⁽ᵗ⁾), a⁽ᵗ⁾ = W h⁽ᵗ⁻¹⁾ + U x⁽ᵗ⁾ + b and L = Σ_k ½‖h⁽ᵏ⁾ − y⁽ᵏ⁾‖², the
document writes ∂L/∂W term by term: every product g_k J_k ⋯ J_{t+1} ∂⁺h⁽ᵗ⁾/∂W of the
sum of products, the backward recursion unrolled step by step, the one-step Jacobians
as matrices and, for small sizes, the longest product multiplied out.

Nothing is written before it is checked. :func:`worked_example` builds, with SymPy, the
n² entries of ∂L/∂W from the chain-rule terms (Jacobians diag(σ′(a)) W) and, separately,
from the backward recursion, and compares both with ``sympy.diff`` of the unrolled loss:
each difference must expand to 0. σ is an undefined differentiable SymPy function in this
check, so it is a proof at these sizes for every differentiable σ, the chosen one included.
It also runs :func:`symgrad.maths.exact.verify_bptt` (exact arithmetic at random
points) for W, U, b and h⁽⁰⁾. If any comparison fails, no document is produced.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import sympy as sp

from ..errors import InvalidArgumentError, VerificationFailedError, check_positive_int
from .printing import latex

__all__ = [
    "WorkedExample",
    "worked_example",
    "worked_latex",
    "write_worked",
]

#: Largest sizes whose direct derivative SymPy expands within a few seconds (n²T ≤ 27).
MAX_HIDDEN, MAX_STEPS, MAX_SIZE = 3, 4, 27

PREAMBLE = r"""\documentclass[11pt,a4paper]{article}
\usepackage[T1]{fontenc}
\usepackage{lmodern}
\usepackage{amsmath,amssymb}
\usepackage[margin=2.2cm]{geometry}
\allowdisplaybreaks
"""


@dataclass
class WorkedExample:
    """The verified example: sizes, activation, what was compared and how long it took."""

    hidden: int
    steps: int
    activation: str
    entries_checked: int
    recursion_checked: int
    exact_guarantee: str
    seconds: float


def _check_sizes(hidden: object, steps: object) -> tuple[int, int]:
    n = check_positive_int("hidden", hidden, maximum=MAX_HIDDEN)
    T = check_positive_int("steps", steps, maximum=MAX_STEPS)
    if n * n * T > MAX_SIZE:
        raise InvalidArgumentError(
            f"hidden={n}, steps={T}: n²T = {n * n * T} is above {MAX_SIZE}, too large for the "
            "symbolic check (e.g. n = 3, T = 3 or n = 2, T = 4 fit)"
        )
    return n, T


def worked_example(hidden: int, steps: int, activation: str = "tanh") -> WorkedExample:
    """Verify the term-by-term ∂L/∂W for sizes n = `hidden`, T = `steps` (n ≤ 3, T ≤ 4).

    `activation` is a built-in name, an expression in x or an Activation.

    Raises VerificationFailedError when any entry differs from ``sympy.diff`` of the loss.

    Examples
    --------
    >>> ex = worked_example(1, 2)
    >>> ex.entries_checked, ex.recursion_checked
    (1, 1)
    """
    from ..maths.activations import ACTIVATIONS, Activation, as_activation, x
    from ..maths.exact import BPTTInstance, verify_bptt
    from ..maths.rnn import SymbolicRNN, is_zero

    n, T = _check_sizes(hidden, steps)
    chosen = as_activation(activation)
    start = time.perf_counter()
    # σ is an undefined differentiable function here, so the check holds for every σ
    act = Activation("sigma", sp.Function("sigma")(x))
    rnn = SymbolicRNN(n, T, 1, act, "A")
    states = rnn.states
    pre = [None] + [
        rnn.W * states[t - 1] + rnn.U * rnn.input_at(t) + rnn.b for t in range(1, T + 1)
    ]
    slopes = [None] + [pre[t].applyfunc(act.prime) for t in range(1, T + 1)]
    J = [None] + [sp.diag(*slopes[t]) * rnn.W for t in range(1, T + 1)]
    g = [None] + [(states[k] - rnn.target_at(k)).T for k in range(1, T + 1)]

    def immediate(t: int, i: int, j: int) -> sp.Expr:  # [∂⁺h⁽ᵗ⁾/∂W_ij]_i
        return slopes[t][i] * states[t - 1][j]

    by_terms = sp.zeros(n, n)
    for t in range(1, T + 1):
        for k in range(t, T + 1):
            row = g[k]
            for s in range(k, t, -1):  # J_k ⋯ J_{t+1}, latest on the left
                row = row * J[s]
            for i in range(n):
                for j in range(n):
                    by_terms[i, j] += row[i] * immediate(t, i, j)
    by_recursion = sp.zeros(n, n)
    e = g[T]
    for t in range(T, 0, -1):
        if t < T:
            e = g[t] + e * J[t + 1]
        for i in range(n):
            for j in range(n):
                by_recursion[i, j] += e[i] * immediate(t, i, j)
    loss = rnn.loss()
    entries = recursion = 0
    for i in range(n):
        for j in range(n):
            direct = sp.diff(loss, rnn.W[i, j])
            if not is_zero(direct - by_terms[i, j]):
                raise VerificationFailedError(
                    f"∂L/∂W[{i + 1},{j + 1}]: the sum of products differs from sympy.diff"
                )
            entries += 1
            if not is_zero(direct - by_recursion[i, j]):
                raise VerificationFailedError(
                    f"∂L/∂W[{i + 1},{j + 1}]: the backward recursion differs from sympy.diff"
                )
            recursion += 1
    # σ(a) and σ′(a) enter the exact check as free atoms, so it does not depend on σ
    builtin = chosen.name if chosen.name in ACTIVATIONS else "tanh"
    exact = verify_bptt(BPTTInstance(hidden=n, steps=T, activation=builtin), seed=0)
    if not exact.ok:
        raise VerificationFailedError("the exact check of W, U, b and h⁽⁰⁾ failed")
    return WorkedExample(
        n, T, chosen.name, entries, recursion, exact.guarantee, time.perf_counter() - start
    )


def _g(k: int) -> str:
    return rf"g_{{{k}}}"


def _product(k: int, t: int) -> str:
    return " ".join(rf"J_{{{s}}}" for s in range(k, t, -1))


def _plus(t: int) -> str:
    return rf"\frac{{\partial^{{+}} h^{{({t})}}}}{{\partial W}}"


def _jacobian_matrix(n: int, t: int) -> str:
    rows = [
        " & ".join(rf"d^{{({t})}}_{{{i}}}\, w_{{{i}{j}}}" for j in range(1, n + 1))
        for i in range(1, n + 1)
    ]
    return r"\begin{bmatrix}" + r" \\ ".join(rows) + r"\end{bmatrix}"


def _longest_product(n: int, T: int) -> str:
    W = sp.Matrix(n, n, lambda i, j: sp.Symbol(f"w_{{{i + 1}{j + 1}}}"))
    product = sp.eye(n)
    for s in range(T, 1, -1):
        D = sp.diag(*[sp.Symbol(f"d^{{({s})}}_{{{i + 1}}}") for i in range(n)])
        product = product * D * W
    return latex(product.applyfunc(sp.expand))


def worked_latex(
    hidden: int, steps: int, activation: str = "tanh", *, body_only: bool = False
) -> str:
    """The verified worked example as LaTeX: a standalone article, or its body only.

    The body needs only amsmath and amssymb. The example is verified
    (:func:`worked_example`) before any text is produced.

    Examples
    --------
    >>> tex = worked_latex(2, 2)
    >>> tex.startswith(r"\\documentclass") and "J_{2}" in tex
    True
    >>> worked_latex(2, 2, body_only=True).startswith(r"\\section*")
    True
    """
    from ..maths.activations import ACTIVATIONS, as_activation, x

    ex = worked_example(hidden, steps, activation)
    act = as_activation(activation)
    n, T = ex.hidden, ex.steps
    if act.name in ACTIVATIONS:
        name_tex = r"\mathrm{" + act.name.replace("_", r"\_") + "}"
    else:
        name_tex = latex(act.expr.subs(x, sp.Symbol("a")))
        name_tex = rf"a \mapsto {name_tex}"
    sigma_prime = latex(act.derivative.subs(x, sp.Symbol("a")))
    parts = [
        rf"\section*{{Worked example: BPTT with $n = {n}$ hidden units and $T = {T}$ steps}}",
        r"\paragraph{The network.} For $t = 1, \dots, " + str(T) + r"$,",
        r"\[ a^{(t)} = W h^{(t-1)} + U x^{(t)} + b, \qquad h^{(t)} = \sigma\bigl(a^{(t)}\bigr), "
        r"\qquad L = \sum_{k=1}^{"
        + str(T)
        + r"} \tfrac12 \bigl\lVert h^{(k)} - y^{(k)} \bigr\rVert^2, \]",
        rf"with $\sigma = {name_tex}$, so "
        rf"$\sigma'(a) = {sigma_prime}$ (derived by SymPy). Write "
        r"$d^{(t)}_i = \sigma'\bigl(a^{(t)}_i\bigr)$, "
        r"$g_k = \partial L^{(k)}/\partial h^{(k)} = \bigl(h^{(k)} - y^{(k)}\bigr)^{\top}$ "
        r"(a row vector) and $J_t = \partial h^{(t)}/\partial h^{(t-1)}$.",
        r"\paragraph{The one-step Jacobians.} In numerator layout, "
        r"$J_t = \operatorname{diag}\bigl(d^{(t)}\bigr) W$:",
        r"\begin{gather*}",
        r" \\ ".join(rf"J_{{{t}}} = {_jacobian_matrix(n, t)}" for t in range(2, T + 1))
        if T > 1
        else r"\text{(with $T = 1$ no Jacobian between steps appears)}",
        r"\end{gather*}",
        r"\paragraph{The sum of products, term by term.} "
        r"$\partial L/\partial W = \sum_{t=1}^{" + str(T) + r"} \sum_{k=t}^{" + str(T) + r"} "
        r"g_k\, J_k \cdots J_{t+1}\, \partial^{+} h^{(t)}/\partial W$, "
        r"where the product is empty ($I$) when $k = t$ and "
        r"$\partial^{+} h^{(t)}/\partial W$ holds $h^{(t-1)}$ fixed. Grouped by $t$:",
        r"\begin{align*}",
    ]
    lines = []
    for t in range(1, T + 1):
        terms = [
            rf"{_g(k)}\, {_product(k, t)}\, {_plus(t)}" if k > t else rf"{_g(k)}\, {_plus(t)}"
            for k in range(t, T + 1)
        ]
        lead = r"\frac{\partial L}{\partial W} &= " if t == 1 else r"&\quad + "
        lines.append(lead + r"\Bigl(" + " + ".join(terms) + r"\Bigr)")
    parts.append(r" \\ ".join(lines))
    parts += [
        r"\end{align*}",
        rf"That is ${T * (T + 1) // 2}$ terms; the longest, "
        rf"$g_{{{T}}} {_product(T, 1) or 'I'}\, \partial^{{+}} h^{{(1)}}/\partial W$, "
        rf"carries the error of step {T} back to step 1 through ${T - 1}$ Jacobians.",
    ]
    if T > 1:
        parts += [
            r"Multiplied out, the product of the longest term is",
            rf"\[ {_product(T, 1)} = {_longest_product(n, T)}. \]",
            r"Each entry is a sum of products of $"
            + str(T - 1)
            + r"$ slopes $d$ and $"
            + str(T - 1)
            + r"$ weights $w$: this is where a factor below 1 (vanishing) or "
            r"above 1 (exploding) is raised to the power of the lag.",
        ]
    parts += [
        r"\paragraph{The backward recursion, unrolled.} With $e_t = \partial L/\partial h^{(t)}$, "
        rf"$e_{{{T}}} = g_{{{T}}}$ and $e_t = g_t + e_{{t+1}} J_{{t+1}}$:",
        r"\begin{align*}",
    ]
    rec = [rf"e_{{{T}}} &= g_{{{T}}}"]
    for t in range(T - 1, 0, -1):
        expanded = " + ".join(
            rf"g_{{{k}}}\, {_product(k, t)}" if k > t else rf"g_{{{k}}}" for k in range(t, T + 1)
        )
        rec.append(rf"e_{{{t}}} &= g_{{{t}}} + e_{{{t + 1}}} J_{{{t + 1}}} = {expanded}")
    parts.append(r" \\ ".join(rec))
    parts += [
        r"\end{align*}",
        r"so that $\dfrac{\partial L}{\partial W} = \sum_{t=1}^{" + str(T) + r"} "
        r"\operatorname{diag}\bigl(d^{(t)}\bigr)\, e_t^{\top}\, h^{(t-1)\top}$, entry by entry",
        r"\[ \frac{\partial L}{\partial w_{ij}} = \sum_{t=1}^{" + str(T) + r"} "
        r"\bigl(e_t\bigr)_i\, d^{(t)}_i\, h^{(t-1)}_j. \]",
        r"The recursion computes the same sum as the terms above, sharing the common "
        rf"products: ${T - 1}$ vector--matrix products instead of ${(T - 1) * T * (T + 1) // 6}$.",
        r"\paragraph{Verified.} Before this page was written, SymPy built the "
        rf"${n * n}$ entries of $\partial L/\partial W$ from the terms above and, separately, "
        r"from the recursion, and compared each with the derivative of the unrolled loss "
        r"computed directly by \texttt{sympy.diff}; every difference expands to $0$. In that "
        r"check $\sigma$ is an undefined differentiable function, so this is a proof for "
        rf"$n = {n}$, $T = {T}$ and every differentiable $\sigma$. The gradients with respect to $W$, $U$, $b$ and "
        r"$h^{(0)}$ were also checked in exact arithmetic at random points (Schwartz--Zippel).",
    ]
    body = "\n".join(parts) + "\n"
    if body_only:
        return body
    return PREAMBLE + "\\begin{document}\n" + body + "\\end{document}\n"


def write_worked(
    path: str,
    hidden: int,
    steps: int,
    activation: str = "tanh",
    *,
    pdf: bool = False,
    body_only: bool = False,
) -> list[str]:
    """Write the worked example to `path` (.tex) and, with `pdf`, compile path.pdf beside it."""
    from pathlib import Path

    from ..runtime.files import staged_files, write_atomic

    out = Path(path)
    if out.suffix != ".tex":
        raise InvalidArgumentError(
            f"the worked example is written to a .tex file: {path!r} does not end in .tex"
        )
    if pdf and body_only:
        raise InvalidArgumentError(
            "a body-only fragment cannot be compiled to PDF: ask for one or the other"
        )
    tex = worked_latex(hidden, steps, activation, body_only=body_only)
    data = None
    if pdf:
        from .document import compile_pdf

        data = compile_pdf(tex)[0]
    finals = [out] + ([out.with_suffix(".pdf")] if data is not None else [])
    with staged_files(*finals) as staged:  # in place together, each recorded as complete
        write_atomic(staged[0], tex)
        if data is not None:
            write_atomic(staged[1], data)
    return [str(f) for f in finals]
