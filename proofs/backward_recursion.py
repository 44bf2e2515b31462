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


def _step_check(proof_step, model, how=None):
    def check(settings):
        level = "t and T symbolic" if proof_step.evidence == "proved" else "stated instances"
        return Outcome(
            proof_step.holds(),
            f"{how or proof_step.how}; {level}",
            instances=[f"Model {model}"],
            left=proof_step.before,
            right=proof_step.after,
        )

    return check


#: the reasons of the lemmas, the base case and the chain-rule link in the catalogue's notation,
#: by position in the induction (the others are used as the induction words them)
_WHY = {
    0: "lemma (peel): P(k, t) = P(k, t + 1) Jₜ₊₁ for k > t, by induction on k from the "
    "definition P(k, t) = Jₖ P(k − 1, t), P(t, t) = I",
    1: "lemma (distributivity): Jₜ₊₁ is free of k, so Σₖ AₖJₜ₊₁ = (Σₖ Aₖ)Jₜ₊₁; induction on the "
    "number of terms",
    2: "base case t = T: a single term, and the Jacobian of a state with respect to itself is I",
}
#: how the distributivity lemma was checked, in the same notation
_HOW = {
    1: "SymPy compares base and inductive step with non-commutative Aₖ, J; the relation shown "
    "is the lemma applied to its left side",
}
_LINK = {
    "A": "chain rule: S(t) = ∂L/∂h⁽ᵗ⁾, the derivative of the loss after step t "
    "(Model A: Jₜ = diag(σ′(a⁽ᵗ⁾)) W)",
    "B": "chain rule: S(t) = ∂L/∂h⁽ᵗ⁾, the derivative of the loss after step t "
    "(Model B: Jₜ = W diag(σ′(xₜ₋₁)))",
}


def _step(proof_step, model, why=None, how=None):
    return Step(
        Chain(proof_step.before, "=", proof_step.after),
        why or proof_step.justification,
        Evidence(proof_step.evidence),
        _step_check(proof_step, model, how),
    )


def _make_steps():
    last = len(STEPS["A"]) - 1
    steps = [
        _step(s, "A", _LINK["A"] if k == last else _WHY.get(k), _HOW.get(k))
        for k, s in enumerate(STEPS["A"])
    ]
    # the chain-rule link depends on the form of J_t: Model B's own
    steps.append(_step(STEPS["B"][-1], "B", _LINK["B"]))
    return steps


THEOREM = Theorem(
    id="backward_recursion",
    title="The backward recursion equals the sum of products for all T",
    statement=(
        "The error eₜ, the sum over k = t, …, T of (∂L⁽ᵏ⁾/∂h⁽ᵏ⁾)(∂h⁽ᵏ⁾/∂h⁽ᵗ⁾), is ∂L⁽ᵗ⁾/∂h⁽ᵗ⁾ "
        "at t = T and satisfies eₜ = ∂L⁽ᵗ⁾/∂h⁽ᵗ⁾ + eₜ₊₁Jₜ₊₁ for t < T; in column form "
        "gₜ = ∇ℓₜ + Jₜ₊₁ᵀgₜ₊₁."
    ),
    formula=Chain(
        Partial(_L, AtTime("h", _t)),
        "=",
        Plus(
            Partial(AtTime("L", _t), AtTime("h", _t)),
            Partial(_L, AtTime("h", _t + 1)) * Partial(AtTime("h", _t + 1), AtTime("h", _t)),
        ),
    ),
    convention="row vectors eₜ; numerator-layout J; the column form is the transpose",
    proof=(
        "Lemmas (peel, distributivity) by induction; downward induction on t with T symbolic, "
        "compared with the stated recursion; exact checks on non-commuting matrices and of the "
        "chain-rule link."
    ),
    references=["Goodfellow et al. (2016), eq. 10.21"],
    tags=["bptt", "induction", "recursion"],
    steps=_make_steps(),
)
