import pytest
import sympy as sp
from flint import arb, ctx

from symgrad.errors import InvalidArgumentError
from symgrad.maths.enclosures import enclose, enclose_matrix, singular_values_2x2


@pytest.mark.parametrize(
    "expr",
    [
        sp.tanh(sp.Rational(1, 3)),
        sp.exp(-sp.Integer(4)) / (1 + sp.exp(-sp.Integer(4))),
        sp.erf(1) / 2 + sp.exp(-1) / sp.sqrt(sp.pi),
        sp.log(3) ** 3 - sp.sqrt(5),
        sp.Integer(2) ** sp.Rational(1, 3),
    ],
)
def test_the_ball_contains_sympys_value_at_60_digits(expr):
    ball = enclose(expr)
    with ctx.workprec(300):
        decimal = arb(str(sp.N(expr, 60)))  # SymPy's value to 60 digits
        assert abs(ball - decimal) < arb("1e-55")
    assert ball.rad() < arb("1e-50")


def test_a_ball_comparison_does_not_pass_by_rounding():
    ball, same = enclose(sp.Rational(1, 3)), enclose(1) / 3
    assert not (ball > same) and not (ball < same) and not (ball > ball)


@pytest.mark.parametrize("bad", [sp.Float(0.5), sp.Symbol("y"), sp.sin(1)])
def test_floats_symbols_and_unsupported_functions_are_refused(bad):
    with pytest.raises(InvalidArgumentError):
        enclose(bad)


def test_singular_values_of_a_2x2_match_the_exact_ones():
    M = sp.Matrix([[2, 1], [0, 3]])
    exact = sorted(sp.sqrt(e) for e in (M.T * M).eigenvals())
    big, small = singular_values_2x2(enclose_matrix(M))
    assert big.overlaps(enclose(exact[1])) and small.overlaps(enclose(exact[0]))
    assert not big.overlaps(enclose(exact[0]))
