"""The single unit: certified fixed points and orbits, and negative controls for its theorems."""

import pytest
import sympy as sp
from flint import arb, ctx

from symgrad.errors import InvalidArgumentError, SymgradError
from symgrad.kernel.catalogue import load_theorem
from symgrad.kernel.proof import RunSettings
from symgrad.maths.dynamics import bistability_interval, fixed_points, unit_orbit, wall_loss
from symgrad.maths.enclosures import PRECISION

SETTINGS = RunSettings()


def _step(theorem_id, fragment):
    return next(s for s in load_theorem(theorem_id).steps if fragment in str(s.claim))


@pytest.mark.parametrize("theorem_id", ["single_unit_bistability", "single_unit_dynamics"])
def test_the_single_unit_theorems_hold(theorem_id):
    result = load_theorem(theorem_id).run(SETTINGS)
    assert result.ok, [(s.step.claim, s.outcome.left, s.error) for s in result.steps if not s.ok]


def test_the_interval_ends_agree_with_the_certified_root_count():
    lo, hi = bistability_interval(5)
    delta = sp.Rational(1, 1000)
    for b, count in ((lo + delta, 3), (lo - delta, 1), (hi - delta, 3), (hi + delta, 1)):
        assert len(fixed_points(5, b)) == count


def test_each_certified_ball_holds_a_sign_change_of_the_fixed_point_equation():
    points = fixed_points(5, sp.Rational(-12, 5))
    assert len(points) == 3
    with ctx.workprec(PRECISION):
        for p in points:
            lo, hi = p.x.lower(), p.x.upper()
            f = lambda t: 5 / (1 + (-t).exp()) - arb(12) / 5 - t  # noqa: E731
            assert (f(lo) > 0 and f(hi) < 0) or (f(lo) < 0 and f(hi) > 0)


def test_the_orbit_derivative_matches_a_difference_quotient():
    h = sp.Rational(1, 10**12)
    x0 = sp.Rational(3, 10)
    d = unit_orbit(5, sp.Rational(-5, 2), x0, 20).dx0
    quotient = (
        unit_orbit(5, sp.Rational(-5, 2), x0 + h, 20).x
        - unit_orbit(5, sp.Rational(-5, 2), x0 - h, 20).x
    ) / (2 * arb(10) ** -12)
    assert abs(quotient - d) < arb(10) ** -6 * abs(d)


def test_wall_curvature_matches_a_difference_quotient_of_the_gradient():
    w, h = sp.Rational(4819, 1000), sp.Rational(1, 10**15)
    _, g_plus, _ = wall_loss(w + h)
    _, g_minus, _ = wall_loss(w - h)
    _, _, c = wall_loss(w)
    assert abs((g_plus - g_minus) / (2 * arb(10) ** -15) - c) < arb(10) ** -5 * abs(c)


def test_steps_must_be_a_non_negative_integer():
    with pytest.raises(InvalidArgumentError):
        unit_orbit(5, 0, 0, -1)


def test_root_count_fails_when_the_stated_interval_is_wrong(monkeypatch):
    step = _step("single_unit_bistability", "three fixed points")
    lo, hi = bistability_interval(5)
    shifted = lambda w=5: (lo + sp.Rational(1, 50), hi)  # noqa: E731 - b₂ moved inside
    monkeypatch.setitem(step.check.__globals__, "bistability_interval", shifted)
    assert not step.check(SETTINGS).ok


def test_gain_step_fails_at_a_bias_where_zero_is_not_fixed(monkeypatch):
    step = _step("single_unit_dynamics", "gain 5·σ′(0)")
    monkeypatch.setitem(step.check.__globals__, "B_MID", sp.Rational(-12, 5))
    assert not step.check(SETTINGS).ok


def test_basin_step_fails_when_the_near_point_is_deep_inside(monkeypatch):
    step = _step("single_unit_dynamics", "inside a basin")
    real = step.check.__globals__["unit_orbit"]

    def deeper(w, b, x0, steps):  # move the "near boundary" start to x₀ = 1/2
        return real(w, b, sp.Rational(1, 2) if x0 == sp.Rational(1, 10**6) else x0, steps)

    monkeypatch.setitem(step.check.__globals__, "unit_orbit", deeper)
    assert not step.check(SETTINGS).ok


def test_bifurcation_step_fails_when_both_biases_lie_above_b2(monkeypatch):
    step = _step("single_unit_dynamics", "crossing b₂")
    monkeypatch.setitem(step.check.__globals__, "B2", step.check.__globals__["B2"] + 1)
    assert not step.check(SETTINGS).ok


def test_wall_step_fails_away_from_the_wall(monkeypatch):
    step = _step("single_unit_dynamics", "at the wall")
    monkeypatch.setitem(step.check.__globals__, "WALL", (sp.Rational(48, 10), 800, 5 * 10**5))
    assert not step.check(SETTINGS).ok


def test_clipped_step_comparison_fails_with_a_small_learning_rate(monkeypatch):
    step = _step("single_unit_dynamics", "clipped step")
    monkeypatch.setitem(step.check.__globals__, "RATE", sp.Rational(1, 5000))
    assert not step.check(SETTINGS).ok


def test_the_edge_case_step_fails_where_the_fixed_points_have_not_merged():
    step = _step("single_unit_bistability", "where the fixed points merge")
    assert step.check(SETTINGS).ok
    assert not step.check(SETTINGS, merged=5).ok


def test_the_edge_case_step_fails_when_a_far_root_is_lost(monkeypatch):
    step = _step("single_unit_bistability", "where the fixed points merge")
    monkeypatch.setitem(
        step.check.__globals__,
        "fixed_points",
        lambda w, b: [] if (w, b) == (1, 3) else fixed_points(w, b),
    )
    assert not step.check(SETTINGS).ok


def test_a_triple_root_is_refused_quickly_and_a_merged_interval_has_no_bistability():
    with pytest.raises(SymgradError, match="multiple root"):
        fixed_points(4, -2)  # before the mean-value test this ran for minutes
    with pytest.raises(InvalidArgumentError, match="w > 4"):
        bistability_interval(4)
    with pytest.raises(InvalidArgumentError, match="real number"):
        bistability_interval(sp.Symbol("w"))
    assert bistability_interval(5.0)[0] < bistability_interval(5.0)[1]


def test_a_root_the_bisection_meets_exactly_is_returned_exactly():
    (point,) = fixed_points(0, sp.Rational(33, 32))
    assert point.x.is_exact() and point.x == arb(33) / 32


def test_b2_is_where_the_upper_attractor_disappears_as_in_pascanu_fig_3():
    lo, hi = bistability_interval(5)
    delta = sp.Rational(1, 100)
    (below,) = fixed_points(5, lo - delta)  # past the lower end only the lower attractor is left
    (above,) = fixed_points(5, hi + delta)  # before the upper end only the upper one exists
    assert below.x < 0 < above.x
    details = _step("single_unit_bistability", "closed form").check(SETTINGS).details
    assert str(details[0]).startswith("b₂ ≈ -2.6556") and "upper attractor is gone" in str(
        details[0]
    )
    assert str(details[1]).startswith("b₁ ≈ -2.3443")
