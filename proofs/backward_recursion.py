"""The backward recursion computes the sum of products, for every sequence length.

Statement. Let e_t = Σ_{k=t}^{T} (∂L⁽ᵏ⁾/∂h⁽ᵏ⁾)(∂h⁽ᵏ⁾/∂h⁽ᵗ⁾). Then e_T = ∂L⁽ᵀ⁾/∂h⁽ᵀ⁾ and
e_t = ∂L⁽ᵗ⁾/∂h⁽ᵗ⁾ + e_{t+1} J_{t+1} for t < T; transposed, g_t = ∇ℓ_t + J_{t+1}ᵀ g_{t+1}.
So e_t = ∂L/∂h⁽ᵗ⁾, and BPTT costs O(T) products instead of O(T²).

Proof. Downward induction on t, T symbolic: split off the term k = t, peel the earliest
factor J_{t+1} off every product, factor it out of the sum, apply the hypothesis.
"""

from symgrad import Evidence, Outcome, Step, Theorem, recursion_induction
from symgrad.render.printing import latex, text

STEPS = {model: recursion_induction(model) for model in ("A", "B")}


def _step_check(index, model):
    def check(settings):
        step = STEPS[model][index]
        return Outcome(
            step.holds(),
            f"{step.how}; t and T symbolic",
            instances=[f"Model {model}, symbolic T"],
            left=str(step.before),
            right=str(step.after),
        )

    return check


def _make_steps():
    steps = []
    for index, proof_step in enumerate(STEPS["A"]):
        steps.append(
            Step(
                f"{text(proof_step.before)} = {text(proof_step.after)}",
                proof_step.justification,
                Evidence.PROVED,
                _step_check(index, "A"),
                latex=f"{latex(proof_step.before)} = {latex(proof_step.after)}",
            )
        )
    steps.append(
        Step(
            "the same five steps for Model B (state x_t)",
            "the argument never uses the form of J_t",
            Evidence.PROVED,
            lambda settings: Outcome(
                all(s.holds() for s in STEPS["B"]),
                "all five induction steps rechecked for Model B",
                instances=["Model B, symbolic T"],
            ),
        )
    )
    return steps


THEOREM = Theorem(
    id="backward_recursion",
    title="The backward recursion equals the sum of products for all T",
    statement=(
        "e_t := Σ_{k=t}^{T} (∂L⁽ᵏ⁾/∂h⁽ᵏ⁾)(∂h⁽ᵏ⁾/∂h⁽ᵗ⁾) satisfies e_T = ∂L⁽ᵀ⁾/∂h⁽ᵀ⁾ and "
        "e_t = ∂L⁽ᵗ⁾/∂h⁽ᵗ⁾ + e_{t+1} J_{t+1}; in column form g_t = ∇ℓ_t + J_{t+1}ᵀ g_{t+1}."
    ),
    statement_latex=(
        r"\frac{\partial L}{\partial h^{(t)}} = \frac{\partial L^{(t)}}{\partial h^{(t)}} + "
        r"\frac{\partial L}{\partial h^{(t+1)}}\frac{\partial h^{(t+1)}}{\partial h^{(t)}}"
    ),
    convention="row vectors e_t; numerator-layout J; the column form is the transpose",
    proof="Downward induction on t with T symbolic; each rewrite is checked by SymPy.",
    references=["Goodfellow et al. (2016), eq. 10.21"],
    tags=["bptt", "induction", "recursion"],
    steps=_make_steps(),
)
