"""Statements of the catalogue say no more than their checks establish: each test here runs the
check behind a sentence of a statement, and its negative control on the falsified sentence."""

import importlib.util

import sympy as sp

from symgrad.catalogue import load_theorem, proofs_dir
from symgrad.proof import RunSettings

SETTINGS = RunSettings(seed=0)


def _steps(theorem_id):
    """The steps of a freshly loaded proof file (so that keyword arguments reach its checks)."""
    path = proofs_dir() / f"{theorem_id}.py"
    spec = importlib.util.spec_from_file_location(f"statement_check.{theorem_id}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.THEOREM.steps


def _step(theorem_id, claim_start):
    matches = [s for s in _steps(theorem_id) if s.claim.startswith(claim_start)]
    assert len(matches) == 1, [s.claim for s in _steps(theorem_id)]
    return matches[0]


def _fails(step, **falsified):
    assert step.check(SETTINGS).ok, "the check must pass on the true statement"
    return not step.check(SETTINGS, **falsified).ok


def test_an_error_on_a_modulus_one_direction_neither_explodes_nor_vanishes():
    step = _step("linear_error_direction", "avoiding only the directions with |λᵢ| > 1")
    outcome = step.check(SETTINGS)
    assert outcome.ok and "e·W^k = [0, 1]" in outcome.checked
    assert _fails(step, modulus=sp.Rational(1, 2))  # diag(2, 1/2): then the error does vanish


def test_the_vanishing_error_statement_asks_for_no_component_with_modulus_at_least_one():
    statement = load_theorem("linear_error_direction").statement
    assert "avoiding every direction with |λᵢ| ≥ 1 vanishes" in statement



def test_the_clipping_angle_formula_needs_the_large_entry_at_least_tau():
    step = _step("refuted_elementwise_clipping_preserves_direction", "cos² ∠(norm-clipped")
    assert "M ≥ 1" in step.claim
    # at M = 1/2 nothing is clipped: cos² = 1, which the formula does not give
    assert _fails(step, values=(sp.Rational(1, 2),))


def test_saturation_makes_the_gradient_vanish_only_away_from_the_unstable_origin():
    theorem = load_theorem("refuted_small_singular_value_necessary")
    assert "h₀ ≠ 0" in theorem.statement
    step = _step("refuted_small_singular_value_necessary", "h₀ ≠ 0 is needed")
    assert _fails(step, h0=0.5)  # away from 0 the orbit saturates and the gradient is tiny
