"""Claims carry mathematics as objects: prose parts stay strings, the rest SymPy objects."""

import numpy as np
import pytest
import sympy as sp

from symgrad import Evidence, Outcome, Step
from symgrad.errors import InvalidArgumentError, InvalidTypeError
from symgrad.kernel.claims import Claim, text_of
from symgrad.kernel.notation import AtTime, Chain, Norm, Partial, as_math, named


def test_a_claim_keeps_prose_as_strings_and_mathematics_as_sympy_objects():
    J = sp.Symbol("J")
    claim = Claim("every Jacobian satisfies", sp.Le(Norm(J, 2), 1), "")
    assert claim.parts[0] == "every Jacobian satisfies"
    assert isinstance(claim.parts[1], sp.Le) and claim.parts[1].lhs == Norm(J, 2)
    assert len(claim.parts) == 2  # empty prose is dropped
    assert not claim.is_formula and Claim(claim.parts[1]).is_formula


def test_arrays_and_nested_lists_become_matrices():
    W = as_math(np.array([[0.5, 1.0], [0.0, 0.5]]))
    assert isinstance(W, sp.MatrixBase) and W.shape == (2, 2) and W[0, 1] == sp.Float(1)
    assert named(W=[[1, 2], [3, 4]], k=9) == {"W": sp.Matrix([[1, 2], [3, 4]]), "k": 9}


def test_a_value_that_is_not_mathematics_is_refused_with_its_name():
    with pytest.raises(InvalidTypeError, match="value='tanh'"):
        as_math("tanh")


def test_a_chain_accepts_ascii_and_unicode_relations_and_refuses_others():
    a, b = sp.symbols("a b")
    assert Chain(a, "≤", b) == Chain(a, "<=", b)
    with pytest.raises(InvalidArgumentError, match="relation='<<'"):
        Chain(a, "<<", b)


def test_notation_objects_stay_unevaluated_and_compare_structurally():
    t = sp.Symbol("t")
    d = Partial(AtTime("h", t), AtTime("h", t - 1))
    assert d.args[1].time == t - 1
    assert d == Partial(AtTime("h", t), AtTime("h", t - 1)) != Partial(AtTime("h", t), t)


def test_a_step_takes_an_expression_as_its_claim():
    x = sp.Symbol("x")
    step = Step(sp.Ge(x**2, 0), "a square", Evidence.PROVED, lambda s: Outcome(True, "x"))
    assert isinstance(step.claim, Claim) and step.claim.is_formula


def test_text_of_names_every_value_of_a_counterexample():
    values = named(W=[[1, 0], [0, 1]], k=9)
    shown = text_of(values)
    assert shown.startswith("W = ") and "k = 9" in shown


def test_every_notation_object_survives_pickling_and_rebuilding_from_its_args():
    # results come back from child processes by pickle; SymPy rebuilds objects from args
    import pickle

    from symgrad.kernel.notation import (
        Cdots,
        Diag,
        Grad,
        MaxOver,
        Op,
        OrderedProduct,
        Over,
        Plus,
        Prime,
        SumOver,
        Sup,
        Tends,
        Times,
        Transposed,
    )

    x, k, t = sp.symbols("x k t")
    objects = [
        Norm(x, 2),
        Norm(x, "F"),
        Norm(x),
        AtTime("h", t),
        Partial(x, t),
        Partial(x, t, immediate=True),
        Prime("sigma", x),
        Diag(x),
        OrderedProduct(x, k, 1, t),
        Sup(x, x),
        MaxOver(x, k, sp.Reals),
        Tends(x, 0, k),
        Cdots(),
        Times(x, k),
        Plus(x, -k),
        Over(x, k),
        Transposed(x),
        Op("clip", x, sub=t),
        Op("tr", x),
        Grad(x),
        SumOver(x, k >= t),
        Chain(Norm(x, 2), "<=", 1),
        Chain("=>", x, "in", sp.Reals),
    ]
    for obj in objects:
        assert pickle.loads(pickle.dumps(obj)) == obj, obj
        assert obj.func(*obj.args) == obj, obj


def test_notation_objects_survive_pickling_as_a_forked_search_sends_them_back():
    # a γ search runs in a forked child and sends its places (x → 0⁻, x ≈ 1.2) back pickled;
    # SymPy rebuilds an object from its arguments, so each class must accept its own args
    import pickle

    from symgrad.kernel.notation import Ball, Chain, Decimal, OneSided, Op, Size, Tends

    x = sp.Symbol("x")
    objects = [
        Tends(x, OneSided(0, "-")),
        Chain(x, "~", Decimal("1.19967864")),
        Ball.parse("[5.19677e-75 +/- 3.50e-81]"),
        Size(3, sp.Symbol("n")),
        Op("clip", x, sub=sp.Symbol("tau")),
        Claim("every", x),
    ]
    for obj in objects:
        assert pickle.loads(pickle.dumps(obj)) == obj


def test_results_read_back_as_written_keep_unevaluated_forms_and_polynomial_roots():
    import pickle

    from symgrad.kernel.notation import loads_as_written

    x = sp.Symbol("x")
    written = [sp.Pow(10, -13, evaluate=False), sp.Pow(0, x - 1, evaluate=False)]
    assert loads_as_written(pickle.dumps(written)) == written
    root = sp.CRootOf(x**8 - 12 * x**4 + 3, 1)  # cannot be rebuilt unevaluated: as SymPy does
    assert loads_as_written(pickle.dumps([root, written[0]]))[0] == root
