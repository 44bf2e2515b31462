"""γ = sup |σ′| for each built-in activation, derived (not looked up), with certificates.

Statement. γ = 1 for identity, tanh, ReLU, leaky ReLU (slope 1/100), hard tanh, softsign and
arctan (attained); γ = 1/4 for the logistic sigmoid (attained at 0); γ = 1 for softplus, a
supremum approached as x → ∞ and never attained.

Proof. On each smooth piece, sup |σ′| is reached at a zero of σ″ or approached at an end of the
piece; kinks contribute the value σ′ takes there. Where a closed form exists, γ − σ′(x) and
γ + σ′(x) are exhibited as manifestly non-negative expressions (e.g. γ − σ′ = tanh² for tanh).
"""

import sympy as sp

from symgrad import ACTIVATIONS, Evidence, Outcome, Step, Theorem, derive_gamma

STATED = {
    "identity": (sp.Integer(1), True),
    "tanh": (sp.Integer(1), True),
    "sigmoid": (sp.Rational(1, 4), True),
    "relu": (sp.Integer(1), True),
    "leaky_relu": (sp.Integer(1), True),
    "hard_tanh": (sp.Integer(1), True),
    "softsign": (sp.Integer(1), True),
    "arctan": (sp.Integer(1), True),
    "softplus": (sp.Integer(1), False),
}


def _check(name):
    def check(settings):
        result = derive_gamma(ACTIVATIONS[name])
        value, attained = STATED[name]
        ok = (
            result.exact is not None
            and sp.simplify(result.exact - value) == 0
            and result.attained is attained
            and result.evidence == "proved"
        )
        details = [
            f"σ′(x) = {sp.sstr(result.derivative)}",
            f"method: {result.method}",
            *result.certificate,
        ]
        return Outcome(
            ok,
            f"γ derived: {result}",
            instances=[name],
            left=f"derived γ = {result.exact}, attained={result.attained}",
            right=f"stated γ = {value}, attained={attained}",
            details=details,
        )

    return check


def _step(name):
    value, attained = STATED[name]
    where = "attained" if attained else "not attained"
    return Step(
        f"γ({name}) = {value} ({where})",
        "critical points of σ′, limits at the ends of each piece, values at kinks; "
        "certificate where one exists",
        Evidence.PROVED,
        _check(name),
        latex=rf"\gamma_{{\mathrm{{{name.replace('_', ' ')}}}}} = {sp.latex(value)}",
    )


THEOREM = Theorem(
    id="gamma_of_builtin_activations",
    title="γ = sup |σ′| for the built-in activations",
    statement=(
        "γ = 1 for identity, tanh, ReLU, leaky ReLU, hard tanh, softsign, arctan and softplus "
        "(softplus: not attained); γ = 1/4 for the logistic sigmoid."
    ),
    statement_latex=r"\gamma = \sup_x |\sigma'(x)|",
    proof=(
        "sup |σ′| on a smooth piece is reached at a zero of σ″ or approached at an end; e.g. for "
        "the sigmoid, 1/4 − σ′(x) = (eˣ − 1)²/(4(eˣ + 1)²) ≥ 0 with equality at x = 0."
    ),
    references=["Hochreiter et al. (2001), Gradient flow in recurrent nets (sigmoid: 0.25)"],
    tags=["activation", "gamma"],
    steps=[_step(name) for name in STATED],
)
