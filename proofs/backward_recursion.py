"""The backward recursion computes the sum of products, for every sequence length.

Statement. Let e_t = Σ_{k=t}^{T} (∂L⁽ᵏ⁾/∂h⁽ᵏ⁾)(∂h⁽ᵏ⁾/∂h⁽ᵗ⁾). Then e_T = ∂L⁽ᵀ⁾/∂h⁽ᵀ⁾ and
e_t = ∂L⁽ᵗ⁾/∂h⁽ᵗ⁾ + e_{t+1} J_{t+1} for t < T; transposed, g_t = ∇ℓ_t + J_{t+1}ᵀ g_{t+1}.
So e_t = ∂L/∂h⁽ᵗ⁾, and BPTT costs O(T) products instead of O(T²).

Proof. Two lemmas first, each by its own induction: the ordered product peels at its earliest
factor, P(k, t) = P(k, t+1) J_{t+1}, and a factor free of k leaves a sum on the right. Then a
downward induction on t, T symbolic: split off the term k = t, peel, factor, apply the
hypothesis; the result is compared with the stated recursion, built separately. The recursion
is also evaluated on random non-commuting integer matrices, and the chain-rule link
S(t) = ∂L/∂h⁽ᵗ⁾ is checked against ``sympy.diff`` of concrete networks of both models.
"""

import sympy as sp

from symgrad import Evidence, Outcome, Step, Theorem, recursion_induction
from symgrad.kernel import AtTime, Chain, Partial, Plus

_t, _L = sp.Symbol("t"), sp.Symbol("L")
STEPS = {model: recursion_induction(model) for model in ("A", "B")}


def _step_check(proof_step, model):
    def check(settings):
        level = "t and T symbolic" if proof_step.evidence == "proved" else "stated instances"
        return Outcome(
            proof_step.holds(),
            f"{proof_step.how}; {level}",
            instances=[f"Model {model}"],
            left=proof_step.before,
            right=proof_step.after,
        )

    return check


def _step(proof_step, model):
    return Step(
        Chain(proof_step.before, "=", proof_step.after),
        proof_step.justification,
        Evidence(proof_step.evidence),
        _step_check(proof_step, model),
    )


def _make_steps():
    steps = [_step(s, "A") for s in STEPS["A"]]
    # the chain-rule link depends on the form of J_t: Model B's own
    steps.append(_step(STEPS["B"][-1], "B"))
    return steps


THEOREM = Theorem(
    id="backward_recursion",
    title="The backward recursion equals the sum of products for all T",
    statement=(
        "e_t := Σ_{k=t}^{T} (∂L⁽ᵏ⁾/∂h⁽ᵏ⁾)(∂h⁽ᵏ⁾/∂h⁽ᵗ⁾) satisfies e_T = ∂L⁽ᵀ⁾/∂h⁽ᵀ⁾ and "
        "e_t = ∂L⁽ᵗ⁾/∂h⁽ᵗ⁾ + e_{t+1} J_{t+1}; in column form g_t = ∇ℓ_t + J_{t+1}ᵀ g_{t+1}."
    ),
    formula=Chain(
        Partial(_L, AtTime("h", _t)),
        "=",
        Plus(
            Partial(AtTime("L", _t), AtTime("h", _t)),
            Partial(_L, AtTime("h", _t + 1)) * Partial(AtTime("h", _t + 1), AtTime("h", _t)),
        ),
    ),
    convention="row vectors e_t; numerator-layout J; the column form is the transpose",
    proof=(
        "Lemmas (peel, distributivity) by induction; downward induction on t with T symbolic, "
        "compared with the stated recursion; exact checks on non-commuting matrices and of the "
        "chain-rule link."
    ),
    references=["Goodfellow et al. (2016), eq. 10.21"],
    tags=["bptt", "induction", "recursion"],
    steps=_make_steps(),
)
