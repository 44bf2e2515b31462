"""Terminal output: Unicode mathematics, never SymPy's str() notation; honest counts."""

import re
import subprocess
import sys

import pytest
import sympy as sp

from symgrad.cli import main
from symgrad.kernel.catalogue import load_theorem
from symgrad.kernel.plain import theorem_text
from symgrad.kernel.proof import Evidence, Outcome, Step, Theorem, run_theorems
from symgrad.render.terminal import results_lines, results_table, unicode_math

SYMPY_STR = re.compile(r"\*\*|sqrt\(|Sum\(|Product\(|Matrix\(|[\w)]\*[\w(]")


def test_mathematics_is_printed_as_unicode_and_a_sentence_is_left_as_written():
    k = sp.Symbol("k")
    expr = sp.sqrt(2 * k**2 + 2 * k * sp.sqrt(k**2 + 4) + 4) / 2
    assert SYMPY_STR.search(str(expr)) and not SYMPY_STR.search(unicode_math(expr))
    assert unicode_math(expr).startswith("√(")
    assert unicode_math(None) == ""
    assert unicode_math("the stated refusals") == "the stated refusals"  # prose: not parsed
    assert unicode_math({"W": sp.Matrix([[1, 2]])}) == "W = [[1, 2]]"


def test_show_run_prints_no_sympy_str_notation(capsys):
    for theorem_id in ("jordan_block_powers", "backward_recursion", "jacobian_layouts"):
        assert main(["show", theorem_id, "--run"]) == 0
        out = capsys.readouterr().out
        assert not SYMPY_STR.search(out), theorem_id


def test_the_table_counts_refuted_claims_apart_from_theorems_that_hold():
    def ok(settings):
        return Outcome(True, "ran")

    held = Theorem("a", "A", "s", [Step("x = x", "j", Evidence.PROVED, ok)])
    refuted = Theorem("b", "B", "s", [Step("x < x", "j", Evidence.REFUTED, ok)])
    table = results_table(run_theorems([held, refuted]))
    assert "1 theorem holds, 1 false claim refuted" in table
    assert re.search(r"^b .* refuted$", table, re.M) and re.search(r"^a .* holds$", table, re.M)


def test_a_theorem_prints_itself_with_the_kernels_text_printer_alone():
    # no renderer is imported or registered: str() and Jupyter's Markdown are kernel text
    code = (
        "import sys; from symgrad.kernel import load_theorem; "
        "thm = load_theorem('eta_decay'); text = str(thm); md = thm._repr_markdown_(); "
        "print(any(m.startswith('symgrad.render') for m in sys.modules)); "
        "print('| # | step |' in md, text.splitlines()[0])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.splitlines() == [
        "False",
        "True eta_decay — " + load_theorem("eta_decay").title,
    ]
    thm = load_theorem("eta_decay")
    assert str(thm) == theorem_text(thm) and not hasattr(thm, "_repr_latex_")
    assert results_lines(thm.run())[1] == "Checks:"


#: SymPy's str() forms that must never reach a terminal
RAW_SYMPY = ("Abs(", "**", "DiracDelta", "Piecewise(", "sqrt(", "Heaviside(", "Matrix(", "RootOf(")


def _raw(out):
    return [r for r in RAW_SYMPY if r in out] + re.findall(r"\boo\b", out)


def test_no_theorem_shows_raw_sympy_in_the_terminal(capsys):
    from symgrad.kernel.catalogue import catalogue_ids

    for theorem_id in catalogue_ids():
        assert main(["show", theorem_id]) == 0
        out = capsys.readouterr().out
        assert not _raw(out), (theorem_id, out)


@pytest.mark.parametrize(
    "expression",
    [
        "tanh",
        "sign(x)*tanh(abs(x))",
        "relu",
        "max(x, 0)",
        "x*exp(-abs(x))",
        "x/(1 + abs(x))",
        "sqrt(1 + x**2)",
        "sigmoid",
        "x**3/(1 + x**4)",  # maximisers that are roots of a degree-8 polynomial
    ],
)
def test_gamma_prints_sigma_its_derivative_and_certificate_without_raw_sympy(expression, capsys):
    assert main(["gamma", expression]) == 0
    out = capsys.readouterr().out
    assert out.startswith("σ(x)  = ") and "σ′(x) = " in out
    assert not _raw(out), out


def test_a_matrix_counterexample_is_pretty_printed_over_several_lines():
    result = load_theorem("refuted_spectral_radius_contracts").run()
    lines = results_lines(result)
    at = lines.index("      counterexample:")
    shown = lines[at + 1 : at + 4]
    assert shown[0].lstrip().startswith("⎡") and shown[2].lstrip().startswith("⎣")
    assert "W = ⎢" in shown[1]
    assert not any("[[" in line for line in lines[at : at + 4])  # not the one-line form
