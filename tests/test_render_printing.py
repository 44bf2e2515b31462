"""The printers: one set of objects, printed as terminal text, LaTeX, JSON and MathML."""

import xml.etree.ElementTree as ET

import numpy as np
import pytest
import sympy as sp

from symgrad.kernel.claims import Claim
from symgrad.kernel.notation import (
    AtTime,
    Cdots,
    Chain,
    Diag,
    MaxOver,
    Norm,
    OrderedProduct,
    Partial,
    Plus,
    Prime,
    Sup,
    Tends,
    Times,
    named,
)
from symgrad.render.printing import (
    claim_json,
    claim_latex,
    claim_mathml,
    claim_text,
    formula_latex,
    mathml,
    named_latex,
    named_text,
    text,
)

x, a, t, T, k, i = sp.symbols("x a t T k i")
J = sp.Symbol("J_k", commutative=False)
lam, g = sp.symbols("lambda_1 gamma", positive=True)

#: every notation object and the SymPy forms that used to leak into output
OBJECTS = [
    Chain(Norm(Partial(AtTime("h", i), AtTime("h", i - 1)), 2), "<=", lam * g),
    Chain("<=", MaxOver(sp.Abs(Prime("sigma", sp.Symbol("a_i"))), i) * lam),
    Chain(Partial(AtTime("h", T), AtTime("h", t)), "=", OrderedProduct(J, k, t + 1, T)),
    Sup(sp.Abs(Prime("sigma", x)), x, sp.Reals),
    Tends(Norm(sp.Symbol("W") ** k, 2) ** (1 / k), sp.Symbol("rho"), k),
    Chain(Partial(sp.Symbol("E"), sp.Symbol("w"), order=2), ">", 5),
    Norm(Diag(Prime("sigma", a)) * sp.Symbol("W", commutative=False), "F"),
    sp.Symbol("J_T", commutative=False) * Cdots() * sp.Symbol("J_t", commutative=False),
    sp.Piecewise((0, x < 0), (1, True)),
    sp.tanh(sp.Abs(x)) * sp.sign(x),
    x * sp.exp(-sp.Abs(x)),
    sp.DiracDelta(x) + sp.Heaviside(x),
    sp.sqrt(1 - sp.tanh(x) ** 2),
    sp.Implies(lam < 1 / g, lam * g < 1),
    sp.Interval.open(-sp.oo, 1 / g),
    sp.Matrix([[sp.Rational(1, 2), 1], [0, sp.Float("1.39e-60")]]),
    sp.KroneckerDelta(i, k) * sp.IndexedBase("d")[i] ** 2,
]
RAW = ["Abs(", "**", "DiracDelta", "Piecewise(", "sqrt(", "Heaviside(", "Matrix(", "oo", "lambda"]


@pytest.mark.parametrize("expr", OBJECTS, ids=range(len(OBJECTS)))
def test_the_text_printer_never_shows_sympy_str_notation(expr):
    shown = text(expr)
    assert not [r for r in RAW if r in shown], shown
    assert "\n" not in shown  # one line: it fits a table


@pytest.mark.parametrize("expr", OBJECTS, ids=range(len(OBJECTS)))
def test_mathml_is_well_formed_xml_for_every_object(expr):
    tree = ET.fromstring(mathml(expr, "block"))  # raises on unescaped < or & or bad nesting
    assert tree.tag == "math" and tree.get("display") == "block"
    assert not [r for r in ("Abs", "diracdelta", "piecewise") if r in mathml(expr)]


@pytest.mark.parametrize("expr", OBJECTS, ids=range(len(OBJECTS)))
def test_latex_has_balanced_braces_and_no_sympy_names(expr):
    shown = formula_latex(Claim(expr))
    assert shown.count("{") == shown.count("}")
    assert "Abs" not in shown and "DiracDelta" not in shown and "**" not in shown


def test_prose_is_escaped_not_parsed_in_every_format():
    claim = Claim("50% of {cases} & a < b_1", x > 0)
    assert claim_latex(claim).startswith(r"50\% of \{cases\} \& a < b\_1 $")
    assert claim_mathml(claim).startswith("50% of {cases} &amp; a &lt; b_1 <math")
    assert claim_text(claim) == "50% of {cases} & a < b_1 x > 0"


def test_a_formula_claim_is_displayed_and_a_sentence_is_inline():
    assert 'display="block"' in claim_mathml(Claim(x > 0))
    assert 'display="inline"' in claim_mathml(Claim("when", x > 0))


def test_the_notation_reads_as_written_in_each_format():
    d = Chain(Norm(Partial(AtTime("h", t), AtTime("h", t - 1)), 2), "<=", lam * g)
    assert text(d) == "‖∂h⁽ᵗ⁾/∂h⁽ᵗ⁻¹⁾‖₂ ≤ γ·λ₁"
    assert r"\frac{\partial h^{(t)}}{\partial h^{(t - 1)}}" in formula_latex(Claim(d))
    tree = ET.fromstring(mathml(d))
    assert tree.find(".//mfrac") is not None and tree.find(".//msub") is not None


def test_a_written_sum_inside_a_written_product_is_bracketed_in_every_format():
    # Plus keeps its terms in the written order, so it is not a SymPy Add: a product of
    # W and (1 + x) must not read W·1 + x
    W = sp.Symbol("W", commutative=False)
    product = Times(W, Plus(1, x))
    assert text(product) == "W·(1 + x)"
    assert r"W\,\left(1 + x\right)" in formula_latex(Claim(product))
    signs = [mo.text for mo in ET.fromstring(mathml(product)).iter("mo")]
    assert "(" in signs and signs.index("(") < signs.index("+") < signs.index(")")


def test_a_second_partial_reads_with_the_order_on_both_sides_in_every_format():
    E, w = sp.symbols("E w")
    second = Partial(E, w, order=2)
    assert text(second) == "∂²E/∂w²" and text(Partial(E, w)) == "∂E/∂w"
    assert r"\frac{\partial^{2} E}{\partial w^{2}}" in formula_latex(Claim(second))
    powers = ET.fromstring(mathml(second)).findall(".//msup/mn")
    assert [p.text for p in powers] == ["2", "2"]
    assert second.func(*second.args) == second and second.func(*second.args).order == 2
    with pytest.raises(ValueError, match="immediate"):
        Partial(E, w, immediate=True, order=2)
    with pytest.raises(ValueError, match="order=0"):
        Partial(E, w, order=0)


@pytest.mark.parametrize("name", ["rho", "sigma", "gamma", "lambda", "eta", "Phi"])
def test_mathml_prints_greek_named_symbols_and_functions_as_greek_letters(name):
    import unicodedata

    case = "CAPITAL" if name[0].isupper() else "SMALL"
    spelled = "LAMDA" if name == "lambda" else name.upper()  # Unicode's spelling
    letter = unicodedata.lookup(f"GREEK {case} LETTER {spelled}")
    f = sp.Function(name)
    for expr in (sp.Symbol(name), f, f(x), f(sp.MatrixSymbol("W", 2, 2)) * g):
        names = [e.text for e in ET.fromstring(mathml(expr)).iter("mi")]
        assert letter in names and name not in names, (expr, names)


def test_mathml_prints_e_as_a_plain_letter_as_the_latex_does():
    for expr in (sp.E, sp.exp(x), x * sp.exp(-sp.Abs(x)), sp.E**2):
        markup = mathml(expr)
        names = [e.text for e in ET.fromstring(markup).iter("mi")]
        assert "e" in names and "\u2147" not in markup and "&#8519;" not in markup, markup
        assert "e" in formula_latex(Claim(expr))


def test_latex_writes_the_log_of_a_norm_without_parentheses_and_other_logs_with_them():
    e0, eT = sp.Symbol("e_0"), sp.Symbol("e_T")
    norm = formula_latex(Claim(sp.log(Norm(e0))))
    assert norm.startswith(r"\log") and norm.endswith(r"\|e_{0}\|") and "left(" not in norm
    assert "left(" not in formula_latex(Claim(sp.log(sp.Abs(x)) - sp.log(Norm(eT, 2))))
    assert r"\left(x + 1" in formula_latex(Claim(sp.log(x + 1)))  # no bars: parentheses


def test_a_counterexample_prints_its_names():
    values = named(W=np.array([[-0.9, 1.0], [0.0, 0.0]]), k=9)
    assert named_text(values) == "W = [[-0.9, 1], [0, 0]]; k = 9"
    assert named_latex(values).startswith(r"W = \begin{bmatrix}-0.9 & 1\\0 & 0\end{bmatrix}")


def test_json_gives_a_stable_text_and_its_latex():
    data = claim_json(Claim("so", lam * g < 1))
    assert data == {"text": "so γ·λ₁ < 1", "latex": r"so $\gamma \lambda_{1} < 1$"}


def test_every_claim_of_the_catalogue_prints_in_every_format():
    from symgrad.kernel.catalogue import load_catalogue

    claims = []
    for theorem in load_catalogue():
        claims += [s.claim for s in theorem.steps if isinstance(s.claim, Claim)]
        claims += [theorem.formula] if theorem.formula is not None else []
    assert len(claims) > 50  # the converted part of the catalogue
    for claim in claims:
        shown = claim_latex(claim) + formula_latex(claim)
        assert shown.isascii() and shown.count("{") == shown.count("}"), shown
        maths = " ".join(text(m) for m in claim.maths)
        assert not [r for r in RAW if r in maths], maths
        ET.fromstring(f"<p>{claim_mathml(claim)}</p>")  # well-formed, prose escaped
        assert claim_json(claim)["text"] == claim_text(claim)


# SymPy's str() forms, wherever they would show: a document's text or a terminal
RAW_SYMPY = (
    "Abs(",
    "**",
    "Piecewise(",
    "Matrix(",
    "sqrt(",
    "DiracDelta",
    "Heaviside(",
    "KroneckerDelta(",
    "Derivative(",
    "Interval(",
    "BooleanTrue",
)


def _raw(out):
    return [r for r in RAW_SYMPY if r in out]


def test_no_theorem_shows_raw_sympy_in_the_record_the_terminal_or_the_site(tmp_path):
    from _render_shared import catalogue_results

    from symgrad.kernel.catalogue import sections
    from symgrad.kernel.plain import theorem_text
    from symgrad.maths.errata import ERRATA
    from symgrad.render.printing import value_latex, value_mathml, value_text
    from symgrad.render.record import build_record
    from symgrad.render.site import build_site
    from symgrad.render.terminal import results_lines

    results = list(catalogue_results())
    record = build_record(results, sections=sections(), errata=ERRATA)
    assert not _raw(record), [line for line in record.splitlines() if _raw(line)][:5]
    build_site(results, tmp_path, sections=sections(), errata=ERRATA)
    for page in tmp_path.glob("*.html"):
        shown = page.read_text(encoding="utf-8")
        assert not _raw(shown), (page.name, [ln for ln in shown.splitlines() if _raw(ln)][:3])
    for result in results:
        shown = "\n".join([theorem_text(result.theorem), *results_lines(result)])
        assert not _raw(shown), (result.theorem.id, [ln for ln in shown.splitlines() if _raw(ln)])
        # the sides and counterexamples a check reports, in every form (shown when it fails)
        for s in result.steps:
            o = s.outcome
            for value in (o.left, o.right, o.counterexample, o.checked):
                for form in (value_text, value_latex, value_mathml):
                    assert not _raw(form(value)), (result.theorem.id, form.__name__, value)


def test_a_check_reports_its_sides_as_objects_and_a_counterexample_as_named_values():
    from _render_shared import catalogue_results

    sides = counterexamples = 0
    for result in catalogue_results():
        for s in result.steps:
            o = s.outcome
            for value in (o.left, o.right):
                sides += value is not None and not isinstance(value, str)
            if o.counterexample is not None:
                counterexamples += 1
                assert isinstance(o.counterexample, dict), result.theorem.id
                assert all(isinstance(v, sp.Basic) for v in o.counterexample.values())
    assert counterexamples >= 5  # the refuted claims' counterexamples
    assert sides >= 2  # the sides set on success too


def test_the_value_printers_print_prose_as_written_and_mathematics_through_the_printers():
    from symgrad.render.printing import value_latex, value_mathml, value_text

    gap = sp.Abs(x) ** 2 + sp.sqrt(k)
    assert value_text(gap) == text(gap) and value_latex(gap).startswith("$")
    assert value_latex(Chain(">=", 0)) == r"$\ge 0$"
    assert value_text("1 * 2 stays") == "1 * 2 stays"  # prose is never rewritten
    assert value_latex("50% of x") == r"50\% of x"
    shown = {"model": "B", "k": sp.Integer(3)}  # a model name is text, k mathematics
    assert value_text(shown) == "model = B; k = 3"
    tree = ET.fromstring(value_mathml(shown))
    assert tree.tag == "math" and "<mtext>B</mtext>" in value_mathml(shown)


def test_result_json_puts_the_latex_of_each_side_beside_its_text():
    from symgrad.kernel.proof import Evidence, Outcome, Step, StepResult, Theorem, TheoremResult
    from symgrad.render.printing import latex, result_json

    W = sp.Matrix([[0.5, 1], [0, 0.5]])
    out = Outcome(
        False,
        "the bound",
        left=Norm(sp.Symbol("J"), 2),
        right=sp.Rational(1, 2),
        counterexample=named(W=W, k=9),
    )
    step = Step(Claim("so", sp.Symbol("x") <= 1), "j", Evidence.CHECKED, lambda s: out)
    thm = Theorem("t", "a title", "stated", [step], proof="idea")
    data = result_json(TheoremResult(thm, [StepResult(step, out, 0.0)], 0.0))
    row = data["steps"][0]
    assert row["left"] == "‖J‖₂" and row["left_latex"] == f"${latex(out.left)}$"
    assert row["right_latex"] == f"${latex(out.right)}$" and row["claim_latex"].startswith("so $x")
    assert row["counterexample"].startswith("W = ") and "bmatrix" in row["counterexample_latex"]


def test_mathml_brackets_around_one_line_do_not_stretch_and_a_function_follows_a_thin_space():
    """Browsers give stretchy brackets operator spacing (``tanh ( x )``): around one line of
    mathematics they are set not to stretch; around a fraction they still do. A product puts a
    thin space before a function's name, as TeX does (``x tanh(x)``)."""
    import sympy as sp

    from symgrad.maths.activations import x
    from symgrad.render.printing import mathml

    flat = mathml(x * sp.tanh(x))
    assert flat.count('<mo stretchy="false">') == 2
    assert '<mo rspace="0.1667em">&#8290;</mo><mrow><mi>tanh</mi>' in flat
    assert "stretchy" not in mathml(sp.tanh(x / 2))
    assert "rspace" not in mathml(2 * x)
    assert "rspace" not in mathml(2 * sp.pi)  # π is one letter, written as an entity


def test_mathml_writes_the_minus_sign_and_the_notation_a_placeholder_stands_for():
    from symgrad.maths.bptt import StepJacobian, sum_of_products_formula
    from symgrad.render.printing import mathml

    x, k = sp.Symbol("x"), sp.Symbol("k")
    for expr in (sp.Integer(-1) < x, 1 - x, -sp.sqrt(2), sp.Float(-2.5)):
        shown = mathml(expr)
        assert "<mo>-</mo>" not in shown and "<mn>-" not in shown, shown
        assert "&#8722;" in shown  # U+2212, the minus sign
    assert "&#8706;" in mathml(StepJacobian(k, sp.Symbol("h")))  # ∂h⁽ᵏ⁾/∂h⁽ᵏ⁻¹⁾
    whole = mathml(sum_of_products_formula())
    assert "jacobian" not in whole.lower() and "product(" not in whole and "&#8719;" in whole
