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

import inspect

import sympy as sp

from symgrad import Evidence, Outcome, Step, Theorem, recursion_induction
from symgrad.kernel import AtTime, Chain, Claim, Diag, Grad, Partial, Plus, Prime, Times, Transposed
from symgrad.maths.bptt import chain_rule_link_holds, concrete_recursion_holds

_t, _k, _T, _L = sp.symbols("t k T L")
STEPS = {model: recursion_induction(model) for model in ("A", "B")}

# the notation of the reasons: P(k, t) = ∂h⁽ᵏ⁾/∂h⁽ᵗ⁾, Jₖ the one-step Jacobian, S(t) the sum
_P = sp.Function("P", commutative=False)
_S = sp.Function("S", commutative=False)
_J = sp.IndexedBase("J", commutative=False)
_A = sp.IndexedBase("A", commutative=False)
_W = sp.Symbol("W", commutative=False)
_I = sp.Symbol("I", commutative=False)
_a, _n = sp.symbols("a n")
_x = sp.IndexedBase("x")
#: the notation of the statement: the row errors eₜ, the column errors gₜ, the losses ℓₜ
_e = sp.IndexedBase("e", commutative=False)
_g = sp.IndexedBase("g", commutative=False)
_ell = sp.IndexedBase("ell")


def _sizes(check):
    """The (n, T) instances a check runs by default, as a claim: (n, T) = (2, 3), (3, 2)."""
    sizes = inspect.signature(check).parameters["sizes"].default
    first, *rest = (sp.Tuple(*size) for size in sizes)
    out = [sp.Eq(sp.Tuple(_n, _T), first, evaluate=False)]
    for size in rest:
        out += [",", size]
    return Claim(*out)


def _step_check(proof_step, model, how=None):
    def check(settings):
        proved = proof_step.evidence == "proved"
        level = Claim(_t, "and", _T, "symbolic") if proved else Claim("stated instances")
        return Outcome(
            proof_step.holds(),
            Claim(how or proof_step.how, ";", level),
            instances=[f"Model {model}"],
            left=proof_step.before,
            right=proof_step.after,
        )

    return check


#: the reasons of the induction's steps in the catalogue's notation, by position in the
#: induction (the module's own words are plain text, for its command line)
_WHY = {
    0: Claim(
        "lemma (peel):",
        Chain(_P(_k, _t), "=", _P(_k, _t + 1) * _J[_t + 1]),
        "for",
        _k > _t,
        ", by induction on",
        _k,
        "from the definition",
        Chain(_P(_k, _t), "=", _J[_k] * _P(_k - 1, _t)),
        ",",
        Chain(_P(_t, _t), "=", _I),
    ),
    1: Claim(
        "lemma (distributivity):",
        _J[_t + 1],
        "is free of",
        _k,
        ", so",
        Chain(
            sp.Sum(_A[_k] * _J[_t + 1], (_k, _t + 1, _T)),
            "=",
            sp.Sum(_A[_k], (_k, _t + 1, _T)) * _J[_t + 1],
        ),
        "; induction on the number of terms",
    ),
    2: Claim(
        "base case",
        sp.Eq(_t, _T, evaluate=False),
        ": a single term, and the Jacobian of a state with respect to itself is",
        _I,
    ),
    3: Claim("split off the term", sp.Eq(_k, _t, evaluate=False), "(", _t < _T, ")"),
    4: Claim(
        "inductive step:",
        Chain(_P(_t, _t), "=", _I),
        ", the peel lemma inside the sum, distributivity, then the hypothesis",
        Chain(_S(_t + 1), "=", Partial(_L, AtTime("h", _t + 1))),
        "gives the stated recursion",
    ),
}
#: how the steps were checked, in the same notation
_HOW = {
    0: Claim(
        "SymPy compares base and inductive step, non-commutative symbols,",
        _t,
        "and",
        _k,
        "symbolic",
    ),
    1: Claim(
        "SymPy compares base and inductive step with non-commutative",
        _A[_k],
        ",",
        _J[_t + 1],
        "; the relation shown is the lemma applied to its left side",
    ),
    3: Claim(
        "SymPy recombines the adjacent ranges from",
        _t,
        "to",
        _t,
        "and from",
        _t + 1,
        "to",
        _T,
    ),
    5: Claim("exact integers,", _sizes(concrete_recursion_holds), ", every", _t),
    6: Claim(
        "exact rationals,",
        sp.Eq(sp.Function("sigma")(_a), Plus(_a, _a**2 / 4), evaluate=False),
        ",",
        _sizes(chain_rule_link_holds),
        ", every",
        _t,
    ),
}
#: the one-step Jacobian of each model
_JACOBIAN = {
    "A": Diag(Prime("sigma", AtTime("a", _t))) * _W,
    "B": _W * Diag(Prime("sigma", _x[_t - 1])),
}
_LINK = {
    model: Claim(
        "chain rule:",
        Chain(_S(_t), "=", Partial(_L, AtTime("h" if model == "A" else "x", _t))),
        ", the derivative of the loss after step",
        _t,
        f"(Model {model}:",
        Chain(_J[_t], "=", _JACOBIAN[model]),
        ")",
    )
    for model in ("A", "B")
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
    steps.append(_step(STEPS["B"][-1], "B", _LINK["B"], _HOW[last]))
    return steps


THEOREM = Theorem(
    id="backward_recursion",
    title="The backward recursion equals the sum of products for all T",
    statement=Claim(
        "The error",
        Chain(
            _e[_t],
            "=",
            sp.Sum(
                Times(
                    Partial(AtTime("L", _k), AtTime("h", _k)),
                    Partial(AtTime("h", _k), AtTime("h", _t)),
                ),
                (_k, _t, _T),
            ),
        ),
        "satisfies",
        Chain(_e[_t], "=", Partial(AtTime("L", _t), AtTime("h", _t))),
        "at",
        sp.Eq(_t, _T, evaluate=False),
        "and",
        Chain(
            _e[_t], "=", Plus(Partial(AtTime("L", _t), AtTime("h", _t)), _e[_t + 1] * _J[_t + 1])
        ),
        "for",
        _t < _T,
        "; in column form,",
        Chain(_g[_t], "=", Plus(Grad(_ell[_t]), Transposed(_J[_t + 1]) * _g[_t + 1])),
        ".",
    ),
    formula=Chain(
        Partial(_L, AtTime("h", _t)),
        "=",
        Plus(
            Partial(AtTime("L", _t), AtTime("h", _t)),
            Partial(_L, AtTime("h", _t + 1)) * Partial(AtTime("h", _t + 1), AtTime("h", _t)),
        ),
    ),
    convention=Claim(
        "the errors",
        _e[_t],
        "are row vectors and",
        _J[_t],
        "is in numerator layout; the column form",
        _g[_t],
        "is the transpose of",
        _e[_t],
    ),
    proof=Claim(
        "Two lemmas (peel, distributivity), each by induction; then a downward induction on",
        _t,
        "with",
        _T,
        "symbolic, compared with the stated recursion; exact checks on non-commuting matrices "
        "and of the chain-rule link.",
    ),
    references=["Goodfellow et al. (2016), eq. 10.21"],
    tags=["bptt", "induction", "recursion"],
    steps=_make_steps(),
)
