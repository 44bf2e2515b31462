"""The spectral norm is submultiplicative: ‖AB‖₂ ≤ ‖A‖₂ ‖B‖₂.

Statement. For real matrices of compatible shapes, ‖AB‖₂ ≤ ‖A‖₂ ‖B‖₂. This, not the triangle
inequality, is the step that bounds a product of Jacobians.

Proof. ‖ABv‖ ≤ ‖A‖₂ ‖Bv‖ ≤ ‖A‖₂ ‖B‖₂ ‖v‖ for every v, by the definition of the induced norm.
"""

import numpy as np
import sympy as sp

from symgrad import Evidence, Step, Theorem, check_property
from symgrad.kernel import Chain, Claim, Norm, Size, Times, check_holds, power_of_ten


def _tested(settings):
    from hypothesis import strategies as st

    entries = st.lists(st.floats(-10, 10), min_size=25, max_size=25)

    def prop(a, b):
        A, B = np.array(a).reshape(5, 5), np.array(b).reshape(5, 5)
        lhs = np.linalg.norm(A @ B, 2)
        rhs = np.linalg.norm(A, 2) * np.linalg.norm(B, 2)
        check_holds(lhs <= rhs * (1 + 1e-12) + 1e-300, f"‖AB‖₂ = {lhs!r}", f"‖A‖₂‖B‖₂ = {rhs!r}")

    return check_property(
        prop,
        [entries, entries],
        settings=settings,
        default_examples=100,
        checked=Claim(_SUBMULT, "for random", Size(5, 5), "matrices"),
        tolerance=Claim(
            "relative",
            power_of_ten(-12),
            "(rounding in the product and three SVDs)",
        ),
    )


# the notation of the statement and the step
_A, _B, _x = sp.symbols("A B x", commutative=False)
_SUBMULT = Chain(Norm(_A * _B, 2), "<=", Times(Norm(_A, 2), Norm(_B, 2)))
_INDUCED = Claim("the induced norm bounds", Norm(_A * _x), "by", Times(Norm(_A), Norm(_x)))

THEOREM = Theorem(
    id="spectral_norm_submultiplicative",
    title="Submultiplicativity of the spectral norm",
    statement=Claim(_SUBMULT, "for real matrices", _A, "and", _B, "of compatible shapes."),
    formula=_SUBMULT,
    proof=Claim(
        Chain(
            Norm(_A * _B * _x),
            "<=",
            Times(Norm(_A, 2), Norm(_B * _x)),
            "<=",
            Times(Norm(_A, 2), Norm(_B, 2), Norm(_x)),
        ),
        "for every vector",
        _x,
        ".",
    ),
    references=["mathlib: Matrix.l2_opNorm_mul"],
    tags=["lemma", "norm", "erratum 5"],
    steps=[
        Step(
            _SUBMULT,
            Claim(_INDUCED, ", applied twice"),
            Evidence.CITED,
            _tested,
            source="mathlib Matrix.l2_opNorm_mul",
            student=Claim(_INDUCED, "; apply it twice"),
        ),
    ],
)
