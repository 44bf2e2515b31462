"""The γ derivation's internal pieces, each against a value worked out by hand.

These are the branches no catalogued activation reaches (the mutation report lists them):
a piece's midpoint, the boxes of the enclosure, the box around an exact value, the choice
of an exact winner, the certified sup's probes and constants.
"""

import time
from fractions import Fraction

import flint
import pytest
import sympy as sp

from symgrad.maths import gamma_cover as C
from symgrad.maths import gamma_pieces as P
from symgrad.maths import gamma_search as G
from symgrad.maths.activations import x
from symgrad.maths.certified_sup import arb_function, enclose_sup
from symgrad.maths.enclosures import PRECISION
from symgrad.runtime.limits import Limiter


def test_midpoints_of_half_lines_are_one_unit_inside():
    assert P._midpoint(-sp.oo, sp.Integer(3)) == 2
    assert P._midpoint(sp.Integer(3), sp.oo) == 4
    assert P._midpoint(-sp.oo, sp.oo) == sp.Rational(1, 7)
    assert P._midpoint(sp.Integer(1), sp.Integer(2)) == sp.Rational(3, 2)


def test_exponentials_of_linear_arguments_are_solvable_and_of_a_cubic_are_not():
    assert P._solvable_exponentials(sp.exp(x) + sp.exp(-2 * x + 1))
    assert not P._solvable_exponentials(sp.exp(x**3))


def test_enclosure_boxes_stay_inside_their_piece_and_are_not_empty():
    for lo, hi in ((sp.Integer(100), sp.oo), (-sp.oo, sp.Integer(-100)), (-sp.oo, sp.Integer(5))):
        with flint.ctx.workprec(PRECISION):  # as the enclosure builds them
            boxes = C._intervals(lo, hi, None)
        for a, b in boxes:
            assert b.mid() > a.mid(), (lo, hi)
            if lo.is_finite:
                assert a.mid() >= lo
            if hi.is_finite:
                assert b.mid() <= hi
        with flint.ctx.workprec(PRECISION):
            C._check_cover(boxes, lo, hi, None)  # and they cover it


def test_the_box_around_an_exact_value_contains_it():
    for value in (sp.sqrt(2), sp.exp(-1000), 1 + sp.sin(2)):
        lower, upper = C._exact_box(value)
        assert lower <= upper
        assert sp.Rational(lower.numerator, lower.denominator) < value
        assert value < sp.Rational(upper.numerator, upper.denominator)


def test_two_closed_forms_of_one_number_give_an_exact_gamma():
    three = (1 + sp.sqrt(2)) ** 2 - 2 * sp.sqrt(2)  # 3, not written as 3
    assert three != 3
    boxes = [C._exact_box(v) for v in (sp.Integer(3), three)]
    winners = [
        P.Candidate("x = 0", sp.Integer(3), *boxes[0], True),
        P.Candidate("x = 1", three, *boxes[1], True),
    ]
    found = P._exact_winner(winners, Fraction(3), Limiter(time.monotonic() + 30))
    assert found is not None and sp.simplify(found - 3) == 0


def test_four_places_are_all_shown_and_a_fifth_is_summarised():
    assert G._summarise(["a", "b", "c", "d"]) == ["a", "b", "c", "d"]
    assert str(G._summarise(["a", "b", "c", "d", "e"])[-1]) == "… (1 more places found)"


def test_constants_with_an_irrational_power_or_a_function_are_enclosed():
    for factor in (sp.Integer(2) ** sp.sqrt(2), sp.tanh(1)):
        f = arb_function(factor * x)
        value = f(flint.arb(1))
        assert value.contains(flint.arb(str(sp.N(factor, 30))))


def test_the_first_probes_of_the_sup_lie_inside_the_boxes():
    # 1/(x² + 1/100) on [1, 2]: sup 1/1.01 at x = 1; far larger at points outside, e.g. −1/2
    h = arb_function(1 / (x**2 + sp.Rational(1, 100)))
    found = enclose_sup(h, None, [(flint.arb(1), flint.arb(2))])
    assert float(found.lower.mid()) <= 100 / 101 + 1e-12 <= float(found.upper.mid()) + 2e-12


_EXPONENTIAL_RATIONAL = [
    1 - sp.tanh(x) ** 2,
    sp.exp(-x) / (1 + sp.exp(-x)) ** 2,
    2 * (1 - sp.tanh(2 * x) ** 2),
    sp.exp(x / 3) / (1 + sp.exp(x / 3)) ** 2 / 3,
    sp.exp(x) / (1 + sp.exp(2 * x)),
    (1 + sp.exp(x)) / (2 + sp.exp(x)),
    sp.exp(2 * x) - sp.exp(x),
    -sp.exp(x),
    sp.exp(-x) - 3,
    sp.tanh(x),
]


@pytest.mark.parametrize("h", _EXPONENTIAL_RATIONAL, ids=str)
@pytest.mark.parametrize("end", [sp.oo, -sp.oo], ids=["+oo", "-oo"])
def test_limits_of_rational_functions_of_exp_agree_with_sympy(h, end):
    """The leading-term rule and SymPy's limit (an independent algorithm) give one answer."""
    mine = P._limit_in_exponential(h.rewrite(sp.exp), end)
    assert mine is not None
    assert mine == sp.limit(h, x, end)


@pytest.mark.parametrize(
    "h",
    [x * sp.exp(x), sp.exp(x**2), sp.exp(sp.sqrt(2) * x), sp.sqrt(2) * sp.exp(x), sp.atan(x)],
    ids=str,
)
def test_limits_outside_rational_functions_of_exp_are_left_to_sympy(h):
    assert P._limit_in_exponential(h.rewrite(sp.exp), sp.oo) is None
