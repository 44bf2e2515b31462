"""Regenerate examples/teaching.ipynb (stored without outputs): python examples/make_notebook.py"""

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

md, code = new_markdown_cell, new_code_cell

CELLS = [
    md(
        "# Exploding and vanishing gradients, derived and checked\n\n"
        "A lecture in seven steps: **motivate** with a network that cannot learn from the "
        "past, **derive** BPTT and the one-step Jacobian, **bound** it, prove **η-decay**, "
        "see the **exploding** case, apply a **remedy**, and try an **exercise**. Every "
        "result says how it is known: *proved*, *checked*, *tested*, *cited* or *refuted*."
    ),
    code(
        "%matplotlib inline\n"
        "import matplotlib.pyplot as plt\n"
        "import numpy as np\n"
        "from IPython.display import Markdown, display\n\n"
        "import symgrad\n"
        "from symgrad.render.figures import FIGURES, draw_figure"
    ),
    md(
        "## 1. Motivation: how far back does the gradient reach?\n\n"
        "A small tanh RNN on the adding problem (the target is the sum of two marked inputs, "
        "one early in the sequence). By backpropagation through time, $\\partial L/\\partial W$ "
        "is a sum over steps $t$; the figure shows each step's share against its distance from "
        "the output, for three scales $\\lambda_1 = \\lVert W\\rVert_2$ of the recurrent weights."
    ),
    code('display(draw_figure("gradient_lags"))\nprint(FIGURES["gradient_lags"].caption)'),
    md(
        "## 2. Derive: BPTT is a sum of products of Jacobians\n\n"
        "For symbolic $T$, with the latest Jacobian on the left (numerator layout):"
    ),
    code("symgrad.sum_of_products_formula()"),
    code(
        "steps = symgrad.recursion_induction()  # the backward recursion equals the sum, for all T\n"
        'print("induction steps checked by SymPy:", all(s.holds() for s in steps))\n'
        "result = symgrad.verify_bptt(symgrad.BPTTInstance(hidden=3, steps=6), seed=0)\n"
        "print(result.ok)\n"
        "print(result.guarantee)"
    ),
    md(
        "Each factor is the one-step Jacobian. Model A: $h^{(t)} = \\sigma(W h^{(t-1)} + "
        "U x^{(t)} + b)$, so $J_t = \\operatorname{diag}(\\sigma'(a^{(t)}))\\,W$ — SymPy "
        "derives it for symbolic $n$ and for a concrete size."
    ),
    code('symgrad.jacobian_entry("A")'),
    code(
        'rnn = symgrad.SymbolicRNN(hidden=2, activation="tanh")\n'
        "assert rnn.check_jacobian()  # equals Matrix.jacobian of the step\n"
        "rnn.one_step_jacobian()"
    ),
    md(
        "## 3. Bound: $\\lVert J\\rVert_2 \\le \\lambda_1\\gamma$ with $\\gamma = \\sup|\\sigma'|$\n\n"
        "γ is derived, not looked up — try any activation."
    ),
    code(
        'for expr in ["tanh", "sigmoid", "x*sigmoid(x)", "softplus"]:\n'
        '    print(f"{expr:>14}:", symgrad.derive_gamma(expr))'
    ),
    code(
        'theorem = symgrad.load_theorem("one_step_bound")\n'
        "display(theorem)  # its steps, each with justification and evidence level\n"
        "theorem.run().ok"
    ),
    md(
        "## 4. η-decay: $\\lVert \\partial h^{(k)}/\\partial h^{(t)}\\rVert_2 \\le \\eta^{k-t}$, "
        "$\\eta = \\lambda_1\\gamma$\n\n"
        "Multiply the one-step bounds. Each curve below is drawn with its bound, dashed, in "
        "the same colour: every curve stays under its own line."
    ),
    code('print(symgrad.load_theorem("eta_decay").run().ok)'),
    code(
        "rng = np.random.default_rng(0)\n"
        "n, T = 8, 40\n"
        "Q = np.linalg.qr(rng.normal(size=(n, n)))[0]  # orthogonal: every singular value 1\n"
        "U, xs = rng.normal(size=(n, 2)), rng.normal(size=(T, 1, 2))\n"
        "lags = np.arange(T + 1)\n"
        'for eta, color in ((0.5, "C0"), (0.8, "C1"), (0.95, "C2")):\n'
        '    norms = symgrad.jacobian_norms(eta * Q, U, np.zeros(n), xs, np.zeros((1, n)), "tanh")\n'
        "    assert np.all(norms <= eta**lags * (1 + 1e-9))\n"
        '    plt.semilogy(lags, norms, color=color, label=f"tanh, $\\\\eta = {eta}$")\n'
        '    plt.semilogy(lags, eta**lags, "--", color=color, lw=1, label=f"bound ${eta}^{{k-t}}$")\n'
        'plt.xlabel("lag $k - t$")\n'
        'plt.ylabel("$\\\\Vert\\\\partial h^{(k)}/\\\\partial h^{(t)}\\\\Vert_2$")\n'
        'plt.title("Vanishing under $\\\\eta < 1$")\n'
        "plt.legend(fontsize=8)\n"
        "plt.show()"
    ),
    md(
        "## 5. The exploding case\n\n"
        "With $\\eta > 1$ the bound allows growth, but does not force it: the same $W$ "
        "explodes when the state stays where $\\sigma' \\approx \\gamma$ and vanishes when the "
        "units saturate. $\\lambda_1 > 1/\\gamma$ is necessary for explosion, not sufficient."
    ),
    code('display(draw_figure("jacobian_norms"))\nprint(FIGURES["jacobian_norms"].caption)'),
    code(
        'print(symgrad.load_theorem("explosion_needs_large_singular_value").run().ok)\n'
        "# a tempting false claim, broken by a counterexample Hypothesis finds and shrinks\n"
        'refuted = symgrad.load_theorem("refuted_transient_growth").run()\n'
        "print(refuted.steps[0].outcome.counterexample)"
    ),
    code('display(draw_figure("transient_growth"))'),
    md(
        "## 6. A remedy: gradient-norm clipping\n\n"
        "If $\\lVert\\hat g\\rVert \\ge \\tau$, replace $\\hat g$ by $(\\tau/\\lVert\\hat g"
        "\\rVert)\\hat g$: the direction is kept, the step is bounded. The same badly scaled "
        "network, trained with and without clipping:"
    ),
    code(
        'print(symgrad.load_theorem("gradient_norm_clipping").run().ok)\n'
        'display(draw_figure("clipping_training"))\n'
        'print(FIGURES["clipping_training"].caption)'
    ),
    md(
        "## 7. Exercise\n\n"
        "Each seed draws new parameters; the package computes and checks the solution. "
        "Try it before revealing the answer (or write whole sheets with "
        "`symgrad exercises --seed S -o DIR`)."
    ),
    code(
        "from symgrad.render.exercises import exercise_set\n\n"
        "exercise = exercise_set(seed=7)[1]\n"
        'display(Markdown(f"**{exercise.title}.** {exercise.question}"))'
    ),
    code(
        'display(Markdown("**Solution.** " + exercise.solution))\n'
        'print("checks that ran:", exercise.checks)'
    ),
]


def main() -> None:
    nb = new_notebook(
        cells=CELLS,
        metadata={
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"},
            "language_info": {"name": "python"},
        },
    )
    path = Path(__file__).with_name("teaching.ipynb")
    nbformat.write(nb, path)
    print(f"wrote {path}")


if __name__ == "__main__":
    main()
