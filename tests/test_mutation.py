"""The catalogue's own negative controls: planted bugs that ``symgrad verify`` must catch.

Each fixed mutant is planted by the mutation harness (benchmarks/mutation.py) in a
temporary copy of the package; only the theorems that guard the mutated code are run,
so each case takes a few seconds. The working tree is never modified.
"""

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _harness():
    spec = importlib.util.spec_from_file_location("_mutation", ROOT / "benchmarks" / "mutation.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules["_mutation"] = module  # dataclasses look their module up while being built
    spec.loader.exec_module(module)
    return module


harness = _harness()

FIXED = [
    # (module, operator, original text, occurrence, theorems that must fail)
    ("numeric", "matmul-swap", "product @ J[T - lag]", 0, ("jacobian_product_order",)),  # order
    ("bptt", "add-sub", "LossGradient(t, h) + BackpropError(t + 1, h) * StepJacobian(t + 1, h)",
     0, ("backward_recursion",)),  # sign flip in the recursion
    ("numeric", "drop-T", "flat.T", 1, ("bptt_sum_of_products",)),  # dropped transpose, U grad
    ("numeric", "matmul-swap", "delta @ W", 0, ("bptt_sum_of_products",)),
    ("routes", "add-sub", "a + c", 0, ("bptt_sum_of_products",)),  # recursion route: − instead of +
]  # fmt: skip


def test_fixed_mutants_exist_in_the_current_sources():
    for module, operator, original, occurrence, _ in FIXED:
        mutant = harness.find_mutant(module, operator, original, occurrence)
        assert mutant.original == original


@pytest.mark.parametrize(("module", "operator", "original", "occurrence", "theorems"), FIXED)
def test_verify_fails_on_a_planted_bug(module, operator, original, occurrence, theorems):
    before = harness.module_path(module).read_text(encoding="utf-8")
    mutant = harness.find_mutant(module, operator, original, occurrence)
    assert harness.run_fixed(mutant, theorems) == "killed"
    assert harness.module_path(module).read_text(encoding="utf-8") == before


#: planted bugs that only a check in a proof or in symgrad.maths.bounds catches (no assert: -O keeps it)
UNDER_O = [
    ("bounds", "add-sub", "1 + product_tolerance(n, j)", 0, ("eta_decay",)),
    FIXED[0],
]


@pytest.mark.parametrize(("module", "operator", "original", "occurrence", "theorems"), UNDER_O)
def test_verify_under_python_dash_O_fails_on_the_same_planted_bugs(
    module, operator, original, occurrence, theorems
):
    mutant = harness.find_mutant(module, operator, original, occurrence)
    # a wide time limit: "killed" must mean a check failed, never that a busy machine was slow
    assert harness.run_fixed(mutant, theorems, 900.0, optimize=True) == "killed"
    assert harness.run_fixed(mutant, theorems, 900.0) == "killed"


def test_no_assert_statement_decides_a_check_in_the_package_or_the_catalogue():
    import ast

    found = []
    for folder in ("symgrad", "proofs"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            found += [
                f"{path.name}:{n.lineno}" for n in ast.walk(tree) if isinstance(n, ast.Assert)
            ]
    assert found == []


def test_the_unmutated_copy_passes_the_same_theorems():
    # the control: the harness itself does not make theorems fail
    mutant = harness.find_mutant("numeric", "drop-T", "flat.T", 1)
    identity = harness.Mutant(**{**vars(mutant), "mutated": mutant.original})
    assert harness.run_fixed(identity, ("bptt_sum_of_products",)) == "survived"


def test_every_operator_is_planted_somewhere():
    operators = {
        m.operator
        for module in ("bptt", "routes", "numeric", "linear", "rnn", "remedies")
        for m in harness.enumerate_mutants(module)
    }
    assert operators >= {
        "matmul-swap",
        "add-sub",
        "drop-T",
        "pow-off",
        "cmp-strict",
        "drop-neg",
        "index-off",
    }


def test_argument_checks_are_left_to_the_tests_and_the_mathematics_is_mutated():
    source = (
        "def f(tau, x):\n"
        "    if tau < 0:\n"
        "        raise InvalidArgumentError('tau must be non-negative')\n"
        "    if x > 9:\n"
        "        allowed = 'x ≤ 9'\n"
        "        raise InvalidArgumentError(allowed)\n"
        "    if x < tau:\n"
        "        raise SymgradError('not a refusal of the arguments')\n"
        "    return x - tau\n"
    )
    mutated = {m.original for m in harness.enumerate_mutants("linear", source)}
    assert mutated == {"x < tau", "x - tau"}


def test_equivalents_are_keyed_by_content_so_a_line_added_above_keeps_them(monkeypatch):
    key = ("linear", "add-sub", "a + 1", 0)
    monkeypatch.setitem(harness.EQUIVALENT, key, "a reason")
    source = "def f(a):\n    return a + 1\n"
    for text in (source, "import math\n\n\n" + source):
        found = harness.equivalent_keys("linear", harness.enumerate_mutants("linear", text))
        assert list(found.values()) == [key]


def test_every_listed_equivalent_is_a_mutant_of_the_current_sources():
    listed = {key for key in harness.EQUIVALENT}
    found = {
        key
        for module in harness.MATHS_MODULES
        for key in harness.equivalent_keys(module, harness.enumerate_mutants(module)).values()
    }
    assert listed == found, sorted(listed - found)


def test_the_source_hash_ignores_import_lines_and_nothing_else():
    source = harness.module_path("truncation").read_text(encoding="utf-8")
    assert "from .routes import" in source and ">>> from symgrad.routes import" not in source
    moved = source.replace("from .routes import", "from ..maths.routes import")
    assert moved != source
    assert harness.source_hash(moved) == harness.source_hash(source)
    doctest = source.replace(">>> from symgrad.maths.routes", ">>> from symgrad.routes")
    assert harness.source_hash(doctest) == harness.source_hash(source)
    # any other edit, or a line added, gives another hash
    body = source.index("\ndef ") + 1
    edited = source[:body] + source[body:].replace(" + ", " - ", 1)
    assert harness.source_hash(edited) != harness.source_hash(source)
    shifted = source.replace("from .routes import", "\nfrom .routes import", 1)
    assert harness.source_hash(shifted) != harness.source_hash(source)


def test_rekey_moves_only_the_rows_of_an_old_source_that_differs_in_its_imports():
    source = harness.module_path("linear").read_text(encoding="utf-8")
    old = source.replace("from ..errors import", "from .errors import")
    assert old != source
    edited_old = old.replace("\ndef ", "\n\ndef ", 1)  # a line more: not the same source
    moves = harness.rekey_map({"linear": old, "rnn": edited_old.replace("linear", "rnn")})
    new = harness.source_hash(source)
    assert moves == {("linear", harness._raw_hash(old)): new}
    rows = [
        {"module": "linear", "ident": "a", "hash": harness._raw_hash(old)},
        {"module": "linear", "ident": "b", "hash": "0123456789abcdef"},  # an older source
        {"module": "rnn", "ident": "c", "hash": harness._raw_hash(old)},  # another module
    ]
    out, changed = harness.rekey_rows(rows, moves)
    assert changed == 1
    assert out[0] == {"module": "linear", "ident": "a", "hash": new, "source_hash": new}
    assert out[1:] == rows[1:]
