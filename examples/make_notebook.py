"""Regenerate examples/teaching.ipynb (stored without outputs): python examples/make_notebook.py"""

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

CELLS = [
    new_markdown_cell(
        "# Exploding and vanishing gradients, derived and checked\n\n"
        "A lecture in five steps: **derive** the one-step Jacobian, **bound** it, **check** BPTT "
        "exactly, **plot** what the bound predicts, and **break** a tempting false claim. "
        "Every result says how it is known: *proved*, *checked*, *tested*, *cited* or *refuted*."
    ),
    new_markdown_cell(
        "## 1. Derive: the one-step Jacobian\n\n"
        "Model A: $h^{(t)} = \\sigma(W h^{(t-1)} + U x^{(t)} + b)$. SymPy differentiates the "
        "update for symbolic $n$ (indexed sums) and for a concrete size."
    ),
    new_code_cell('import symgrad\n\nsymgrad.jacobian_entry("A")'),
    new_code_cell(
        'rnn = symgrad.SymbolicRNN(hidden=2, activation="tanh")\n'
        "J = rnn.one_step_jacobian()          # diag(σ′(a)) W, numerator layout\n"
        "assert rnn.check_jacobian()          # equals Matrix.jacobian of the step\n"
        "J"
    ),
    new_markdown_cell(
        "## 2. Bound: $\\|J\\|_2 \\le \\lambda_1\\gamma$ with $\\gamma = \\sup|\\sigma'|$\n\n"
        "γ is derived, not looked up — try any activation."
    ),
    new_code_cell(
        'for expr in ["tanh", "sigmoid", "x*sigmoid(x)", "softplus"]:\n'
        '    print(f"{expr:>14}:", symgrad.derive_gamma(expr))'
    ),
    new_code_cell(
        'theorem = symgrad.load_theorem("one_step_bound")\n'
        "theorem   # displays its steps with justification and evidence"
    ),
    new_code_cell("theorem.run().ok"),
    new_markdown_cell(
        "## 3. Check: BPTT's sum of products, exactly\n\n"
        "The sum over $t \\le k$ of products of Jacobians is compared with the direct "
        "derivative of the unrolled loss in exact arithmetic."
    ),
    new_code_cell(
        "result = symgrad.verify_bptt(symgrad.BPTTInstance(hidden=3, steps=6), seed=0)\n"
        "print(result.ok)\n"
        "print(result.guarantee)"
    ),
    new_markdown_cell(
        "## 4. Plot: the norm over a lag decays like $\\eta^{k-t}$ when $\\eta = \\lambda_1\\gamma < 1$"
    ),
    new_code_cell(
        "import numpy as np\n"
        "import matplotlib.pyplot as plt\n\n"
        "rng = np.random.default_rng(0)\n"
        "n, T = 8, 40\n"
        "W0 = rng.normal(size=(n, n)); W0 /= np.linalg.norm(W0, 2)\n"
        "U, xs = rng.normal(size=(n, 2)), rng.normal(size=(T, 1, 2))\n"
        "for eta in (0.5, 0.9, 1.5):\n"
        '    norms = symgrad.jacobian_norms(eta * W0, U, np.zeros(n), xs, np.zeros((1, n)), "tanh")\n'
        '    plt.semilogy(norms, label=f"λ₁γ = {eta}")\n'
        "    if eta < 1:\n"
        '        plt.semilogy(eta ** np.arange(T + 1), "--", lw=0.8)\n'
        'plt.xlabel("lag k − t"); plt.ylabel("‖∂h(k)/∂h(t)‖₂"); plt.legend();'
    ),
    new_markdown_cell(
        "## 5. Break a tempting false claim\n\n"
        '*"If the spectral radius of W is below 1, its powers never exceed 1."* Hypothesis '
        "searches for a counterexample and shrinks it."
    ),
    new_code_cell(
        'refuted = symgrad.load_theorem("refuted_transient_growth").run()\n'
        "step = refuted.steps[0]\n"
        "print(step.outcome.counterexample)\n"
        'print("\\n".join(step.outcome.details))'
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
