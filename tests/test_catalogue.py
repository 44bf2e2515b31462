"""One test parametrised over the whole catalogue, and the registry against the files."""

import ast
from pathlib import Path

import pytest

from symgrad.errors import UnknownNameError
from symgrad.kernel import catalogue
from symgrad.kernel.catalogue import (
    catalogue_ids,
    catalogue_index,
    index_entry,
    load_catalogue,
    load_theorem,
    proofs_dir,
)
from symgrad.kernel.proof import Evidence, RunSettings

IDS = catalogue_ids()


def test_registry_matches_the_files_on_disk():
    files = {p.stem for p in proofs_dir().glob("*.py")}
    assert files == set(IDS)
    assert len(IDS) == len(set(IDS))


@pytest.mark.parametrize("theorem_id", IDS)
def test_every_theorem_holds(theorem_id):
    result = load_theorem(theorem_id).run(RunSettings(seed=0))
    failures = [
        (s.step.claim, s.outcome.left, s.outcome.right, s.error) for s in result.steps if not s.ok
    ]
    assert result.ok, failures


@pytest.mark.parametrize("theorem_id", IDS)
def test_every_proof_file_opens_with_statement_and_proof_and_uses_public_api(theorem_id):
    path = proofs_dir() / f"{theorem_id}.py"
    tree = ast.parse(path.read_text(encoding="utf-8"))
    doc = ast.get_docstring(tree)
    assert doc and "Statement." in doc and "Proof." in doc
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("symgrad"):
            assert all(not alias.name.startswith("_") for alias in node.names)
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            assert not (node.attr.startswith("_") and node.value.id in {"symgrad", "bounds"})


@pytest.mark.parametrize("theorem_id", IDS)
def test_every_theorem_is_well_formed(theorem_id):
    thm = load_theorem(theorem_id)
    assert thm.id == theorem_id and thm.title and thm.statement and thm.steps
    for step in thm.steps:
        assert step.claim and step.justification
        assert isinstance(step.evidence, Evidence)


def test_the_registry_index_says_what_each_theorem_says_and_digests_its_current_file():
    sections = catalogue.sections()
    stale = []
    for entry in catalogue._entries():
        theorem = load_theorem(entry["id"])
        listed = {k: entry.get(k) for k in ("title", "steps", "evidence", "source")}
        actual = {
            "title": theorem.title,
            "steps": len(theorem.steps),
            "evidence": theorem.evidence_levels,
            "source": catalogue._digest(theorem.id),
        }
        if listed != actual:
            stale.append(
                f"{theorem.id}: in proofs/catalogue.toml, after its section, write\n"
                + catalogue._index_toml(theorem)
            )
    rewrite = 'python -c "from symgrad.kernel.catalogue import _write_index; _write_index()"'
    assert not stale, "\n".join([*stale, f"(or rewrite them all: {rewrite})"])
    assert catalogue_index() == [index_entry(load_theorem(t), sections[t]) for t in IDS]


def test_rewriting_the_index_from_the_theorems_gives_the_registry_as_shipped(tmp_path):
    shipped = (proofs_dir() / "catalogue.toml").read_text(encoding="utf-8")
    bare = tmp_path / "catalogue.toml"
    fields = ("title = ", "steps = ", "evidence = ", "source = ")
    bare.write_text(
        "\n".join(ln for ln in shipped.split("\n") if not ln.startswith(fields)), encoding="utf-8"
    )
    catalogue._write_index(bare)
    assert bare.read_text(encoding="utf-8") == shipped
    assert sorted(p.name for p in tmp_path.iterdir()) == ["catalogue.toml"]


@pytest.mark.parametrize("change", ["fields missing", "file changed"])
def test_an_entry_that_cannot_be_trusted_is_listed_from_the_loaded_theorem(monkeypatch, change):
    entries = catalogue._entries()
    first = dict(entries[0])
    if change == "fields missing":
        first = {"id": first["id"], "section": first["section"]}
    else:  # the digest of another file: as if the proof had been edited since
        first["source"] = entries[1]["source"]
        first["title"], first["steps"] = "a title the theorem does not have", 999
    monkeypatch.setattr(catalogue, "_entries", lambda: (first, *entries[1:]))
    listed = catalogue_index()[0]
    assert listed == index_entry(load_theorem(first["id"]), entries[0]["section"])
    assert listed.steps == len(load_theorem(first["id"]).steps) != 999


def test_unknown_id_suggests_the_closest():
    with pytest.raises(UnknownNameError, match="did you mean 'eta_decay'"):
        load_theorem("eta_decy")


def test_the_catalogue_is_found_outside_the_source_tree(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert (proofs_dir() / "catalogue.toml").is_file()
    assert Path(proofs_dir()).is_absolute()


def _proof_module(theorem_id):
    import importlib.util

    path = proofs_dir() / f"{theorem_id}.py"
    spec = importlib.util.spec_from_file_location(f"_test_{theorem_id}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_transient_growth_of_a_jordan_block_is_no_counterexample_to_the_nonlinear_claim():
    import numpy as np

    mod = _proof_module("refuted_spectral_radius_nonlinear")
    # ρ = 0.9, masks stay (1, 1): J = W, whose powers tend to 0 after growing for a while
    assert mod._claim(np.array([[0.9, 1.0], [0.0, 0.9]]), np.array([0.0, 1.0]))
    # growth along a fixed ray, but ρ(W) ≥ 1: not a counterexample to the claim either
    assert mod._claim(np.array([[1.1, 0.0], [-1.0, 0.0]]), np.array([1.0, 0.0]))
    # the recorded example is certified exactly
    W, h0 = np.array([[1.021784, 0.854348], [-0.145652, -0.121784]]), np.array([0.0, 1.0])
    assert not mod._claim(W, h0)
    _, p, c, _ = mod.certificate(W, h0)
    assert c > 1 and p == 1


def test_the_reversed_product_step_fails_when_the_order_is_right(monkeypatch):
    mod = _proof_module("jacobian_product_order")
    original = mod._unrolled
    monkeypatch.setattr(
        mod, "_unrolled", lambda model: (lambda h0, s, J: (h0, s, J[::-1]))(*original(model))
    )
    assert not mod._reversed_differs(RunSettings()).ok


def test_an_arb_ball_around_zero_is_not_taken_as_nonzero():
    import sympy as sp

    mod = _proof_module("jacobian_product_order")
    x = sp.Rational(1, 3)
    ball = mod._arb_value(sp.tanh(x) ** 2 - sp.tanh(x) * sp.tanh(x) + 0 * x)
    assert ball.contains(0)


def test_the_float_implementation_step_catches_a_dropped_transpose(monkeypatch):
    from symgrad.maths import numeric

    mod = _proof_module("bptt_sum_of_products")
    original = numeric.bptt_gradients

    def wrong(W, *args, **kwargs):
        g = original(W, *args, **kwargs)
        return numeric.Gradients(g.loss, g.W.T, g.U, g.b, g.h0)

    assert mod._float_implementation(RunSettings()).ok
    monkeypatch.setattr(numeric, "bptt_gradients", wrong)
    assert not mod._float_implementation(RunSettings()).ok


def test_eta_decay_steps_reject_a_wrong_rate():
    mod = _proof_module("eta_decay")
    assert mod.base_gap().is_nonnegative and mod.step_gap().is_nonnegative
    # η^(j+2) is not a valid bound after one more step, nor η¹ at the start
    assert mod.step_gap(mod.eta ** (mod.j + 2) * mod.E).is_nonnegative is not True
    assert mod.base_gap(mod.eta * mod.E).is_nonnegative is not True


def test_telescoping_induction_rejects_a_shifted_sum():
    import sympy as sp

    mod = _proof_module("pascanu_regulariser")
    assert mod.telescoping_gaps() == (0, 0)
    N = sp.Function("N", positive=True)
    base, step = mod.telescoping_gaps(lambda T: sp.log(N(0)) - sp.log(N(T + 1)))
    assert (base, step) != (0, 0)


def test_the_gains_telescope_only_for_one_error_followed_back_from_t():
    """The statement's hypothesis eᵢ₋₁ = Jᵢᵀeᵢ (no loss added on the way back) is needed: a
    loss gradient added at every step breaks the identity."""
    from symgrad import RunSettings

    mod = _proof_module("pascanu_regulariser")
    assert mod._gain_numeric(RunSettings()).ok
    assert not mod._gain_numeric(RunSettings(), added_loss=1.0).ok


def test_weight_penalty_rate_is_the_frobenius_one(monkeypatch):
    import numpy as np

    from symgrad.maths import bounds

    W = np.array([[0.5, 0.4], [0.0, 0.3]])
    trajectory = np.zeros((5, 2))
    fro = float(np.linalg.norm(W, "fro"))
    bounds.assert_eta_decay(W, trajectory, "tanh", "A", eta=fro)  # ‖W‖_F bounds λ₁
    with pytest.raises(AssertionError):
        bounds.assert_eta_decay(W, trajectory, "tanh", "A", eta=0.5 * np.linalg.norm(W, 2))
    mod = _proof_module("weight_penalty_forces_vanishing")
    assert mod.l1_gaps()[1].is_nonnegative


def test_clipping_steps_reject_a_wrong_factor(monkeypatch):
    import sympy as sp

    mod = _proof_module("gradient_norm_clipping")
    assert mod._norm_after(RunSettings()).ok
    wrong = 2 * mod.tau / sp.sqrt(mod.SQUARES)
    monkeypatch.setattr(mod, "clipped", lambda k, factor=None: wrong * mod.g[k])
    assert not mod._norm_after(RunSettings()).ok


def test_jordan_induction_rejects_a_wrong_entry_formula(monkeypatch):
    import sympy as sp

    mod = _proof_module("jordan_block_powers")
    assert mod._induction(RunSettings()).ok
    monkeypatch.setattr(
        mod, "_entry", lambda kk, dd, lam: sp.binomial(kk, dd) * lam ** (kk - dd + 1)
    )
    assert not mod._induction(RunSettings()).ok


def test_diagonal_gram_step_rejects_a_full_matrix(monkeypatch):
    mod = _proof_module("diagonal_spectral_norm")
    assert mod._gram(RunSettings()).ok and mod._eigen(RunSettings()).ok
    monkeypatch.setattr(mod, "_diag", lambda row, col: mod.d[row] * mod.d[col])
    assert not mod._gram(RunSettings()).ok


def test_one_step_jacobian_step_rejects_the_other_model(monkeypatch):
    from symgrad import jacobian_entry

    mod = _proof_module("one_step_bound")
    monkeypatch.setattr(mod, "jacobian_entry", lambda model: jacobian_entry("B"))
    assert not mod._jacobian(RunSettings()).ok


@pytest.mark.parametrize(
    "theorem_id",
    [
        "diagonal_spectral_norm",
        "transpose_preserves_spectral_norm",
        "one_step_bound",
        "diagonalisation_powers",
        "jordan_block_powers",
        "pascanu_regulariser",
        "weight_penalty_forces_vanishing",
        "gradient_norm_clipping",
        "eta_decay",
    ],
)
def test_proved_steps_claim_symbolic_sizes(theorem_id):
    # a proved step's outcome names its symbolic sizes; fixed sizes are labelled checked
    result = load_theorem(theorem_id).run(RunSettings())
    for step in result.steps:
        if step.step.evidence is Evidence.PROVED:
            text = " ".join(map(str, step.outcome.instances)) + str(step.outcome.checked)
            assert "symbolic" in text or "certificate" in text, step.step.claim
            assert "n=3" not in text and "3×3" not in text and "ℝ⁴" not in text


def test_refutations_accept_only_exactly_confirmed_counterexamples():
    import numpy as np

    contracts = _proof_module("refuted_spectral_radius_contracts")
    assert contracts._claim(np.array([[0.9, 0.0], [0.0, 0.5]]))  # ‖W‖₂ ≤ 1: claim holds
    assert not contracts._claim(np.array([[0.9, 1.0], [0.0, 0.9]]))
    growth = _proof_module("refuted_transient_growth")
    assert growth._claim(np.array([[0.5, 0.0], [0.0, 0.9]]))  # normal W: no transient growth
    assert growth._later_growth(np.array([[0.9, 1.0], [0.0, 0.9]]))[0] == 2
    # ‖W‖₂ > 1 and then only decay: not transient growth, so not a counterexample
    assert growth._claim(np.array([[-0.9, 1.0], [0.0, 0.0]]))
    small = _proof_module("refuted_small_singular_value_necessary")
    assert small._claim(1.0, 0.1)  # |w| = 1: the gradient does not fall below 1e-3 in 50 steps
    assert small.certified_gradient(3.0, 0.5) < 1e-20
    # "vanishes" is certified, not a float threshold: an invariant interval with gain < 1
    a, q, t0, _ = small.certificate(3.0, 0.5)
    assert 0 < a < 1 and q < 1 and t0 == 1
    assert small.certificate(1.0, 0.5) is None  # w = 1: the only fixed point is 0, gain 1


def test_exact_norm_and_radius_helpers_on_non_normal_and_boundary_matrices():
    import numpy as np
    import sympy as sp

    from symgrad.maths.linear import exact_matrix, spectral_norm_exceeds, spectral_radius_below

    nilpotent = sp.Matrix([[0, 2], [0, 0]])  # ‖W‖₂ = 2 although W² = 0
    assert spectral_norm_exceeds(nilpotent) and not spectral_norm_exceeds(nilpotent, 2)
    assert spectral_radius_below(nilpotent)
    assert not spectral_radius_below(sp.Matrix([[1, 0], [0, 0]]))  # ρ = 1 exactly
    assert not spectral_radius_below(sp.Matrix([[0, 1], [-1, 0]]))  # rotation: |λ| = 1
    assert exact_matrix(np.array([[0.5, 0.25, 2.0]])).shape == (1, 3)


def test_the_regulariser_rejects_a_non_square_w():
    import numpy as np

    from symgrad.errors import InvalidArgumentError
    from symgrad.maths.remedies import regulariser_gain

    with pytest.raises(InvalidArgumentError):
        regulariser_gain(np.ones((2, 3)), np.ones(2), np.ones(2))


def _falsified_sum_of_products(lower, k_from_one=False):
    import sympy as sp

    from symgrad.maths.bptt import (
        ImmediatePartial,
        LossGradient,
        StepJacobian,
        T,
        TotalGradient,
        i,
        k,
        t,
    )

    h = sp.Symbol("h")
    product = sp.Product(StepJacobian(i, h), (i, lower, k))
    term = LossGradient(k, h) * product * ImmediatePartial(t, h)
    inner = (k, 1, T) if k_from_one else (k, t, T)
    return sp.Eq(TotalGradient(h), sp.Sum(term, inner, (t, 1, T)), evaluate=False)


def test_the_displayed_formula_step_rejects_wrong_limits():
    from symgrad import RunSettings
    from symgrad.maths.bptt import t

    mod = _proof_module("bptt_sum_of_products")
    assert mod._stated_formula(RunSettings(), _falsified_sum_of_products(t + 1)).ok
    assert not mod._stated_formula(RunSettings(), _falsified_sum_of_products(t)).ok
    assert not mod._stated_formula(RunSettings(), _falsified_sum_of_products(t - 1)).ok
    assert not mod._stated_formula(RunSettings(), _falsified_sum_of_products(t + 1, True)).ok


def test_the_displayed_formula_step_reads_products_later_step_left():
    import sympy as sp

    mod = _proof_module("bptt_sum_of_products")
    J = {1: sp.Matrix([[1, 1], [0, 1]]), 2: sp.Matrix([[1, 0], [1, 1]])}
    i = sp.Symbol("i", integer=True)
    f = sp.Function("F", commutative=False)
    value = mod._expand_formula(sp.Product(f(i), (i, 1, 2)), lambda a: J[int(a.args[0])], 2)
    assert value == J[2] * J[1] != J[1] * J[2]


def test_the_dual_number_lemma_rejects_a_wrong_rule(monkeypatch):
    from symgrad import RunSettings
    from symgrad.maths.routes import Dual

    mod = _proof_module("bptt_sum_of_products")
    assert mod._dual_numbers(RunSettings()).ok
    monkeypatch.setattr(
        Dual, "__rsub__", lambda self, other: Dual(other - self.value, self.tangent)
    )
    assert not mod._dual_numbers(RunSettings()).ok


def test_the_finite_difference_step_rejects_a_perturbed_gradient(monkeypatch):
    import symgrad.maths.numeric as numeric
    from symgrad import RunSettings

    mod = _proof_module("bptt_sum_of_products")
    assert mod._finite_differences(RunSettings()).ok
    true_gradients = numeric.bptt_gradients

    def off_by_a_little(*args):
        g = true_gradients(*args)
        return numeric.Gradients(g.loss, g.W * (1 + 1e-4), g.U, g.b, g.h0)

    monkeypatch.setattr(numeric, "bptt_gradients", off_by_a_little)
    assert not mod._finite_differences(RunSettings()).ok


def test_the_degree_bound_step_rejects_a_bound_below_the_true_degree(monkeypatch):
    from types import SimpleNamespace

    from symgrad import RunSettings

    mod = _proof_module("bptt_sum_of_products")
    assert mod._degree_bound(RunSettings()).ok
    true_verify = mod.verify_bptt

    def understated(inst, **kw):
        return SimpleNamespace(degree_bound=true_verify(inst, **kw).degree_bound - 1)

    monkeypatch.setattr(mod, "verify_bptt", understated)
    assert not mod._degree_bound(RunSettings()).ok


@pytest.mark.parametrize("name", ["kinked", "bounded_piece"])
def test_custom_gamma_steps_reject_a_wrong_stated_value(name):
    from symgrad import RunSettings

    mod = _proof_module("gamma_of_custom_activations")
    assert mod._check(name)(RunSettings()).ok
    value = mod.CASES[name][1]
    wrong = value[:-1] + str((int(value[-1]) + 2) % 10)  # off by 2·10⁻⁷
    assert not mod._check(name, stated=wrong)(RunSettings()).ok


def test_custom_gamma_independent_values_do_not_depend_on_derive_gamma():
    mod = _proof_module("gamma_of_custom_activations")
    for name, (_, value) in mod.CASES.items():
        assert abs(float(mod._independent(name)) - float(value)) < 5e-8


def test_the_kink_step_rejects_a_wrong_one_sided_derivative():
    import sympy as sp

    from symgrad import RunSettings

    mod = _proof_module("gamma_of_builtin_activations")
    assert mod._kinks(RunSettings()).ok
    wrong = {**mod.KINKS, "leaky_relu": [(0, sp.Rational(1, 10), 1, sp.Rational(1, 10))]}
    assert not mod._kinks(RunSettings(), wrong).ok
    wrong = {**mod.KINKS, "relu": [(0, 0, 1, 1)]}  # ReLU′(0) = 1: not the convention used
    assert not mod._kinks(RunSettings(), wrong).ok
    assert not mod._kinks(RunSettings(), {k: v for k, v in mod.KINKS.items() if k != "relu"}).ok


def test_the_definition_steps_reject_a_mirrored_sigmoid_and_a_shifted_elu():
    import sympy as sp

    from symgrad import RunSettings

    mod = _proof_module("gamma_of_builtin_activations")
    x = mod._x
    assert mod._definitions(RunSettings()).ok and mod._numeric_forms(RunSettings()).ok
    # 1/(1 + eˣ) has the same γ = 1/4 as the sigmoid: only the definition step tells them apart
    mirrored = {**mod.DEFINITIONS, "sigmoid": 1 / (1 + sp.exp(x))}
    assert not mod._definitions(RunSettings(), mirrored).ok
    assert not mod._numeric_forms(RunSettings(), mirrored).ok
    shifted = {**mod.DEFINITIONS, "elu": sp.Piecewise((x, x > 0), (sp.exp(x) + 1, True))}
    assert not mod._numeric_forms(RunSettings(), shifted).ok


def test_the_hypotheses_step_rejects_a_wrong_reason_or_a_missed_kink():
    import sympy as sp

    from symgrad import RunSettings

    mod = _proof_module("gamma_of_custom_activations")
    x = mod.x
    assert mod._hypotheses(RunSettings()).ok
    assert not mod._hypotheses(RunSettings(), refused=[(sp.log(x), "has a pole")]).ok
    assert not mod._hypotheses(RunSettings(), refused=[(sp.tanh(x), "anything")]).ok
    assert not mod._hypotheses(RunSettings(), cuts=[(sp.Abs(x - 1) * sp.tanh(x), [])]).ok
    step = sp.Piecewise((0, x < 1), (x - 1, True))
    assert not mod._hypotheses(RunSettings(), kinks=[(step, [(-1, 0, 1, 1)])]).ok
    assert not mod._hypotheses(RunSettings(), kinks=[(step, [(1, 1, 0, 1)])]).ok
    assert not mod._hypotheses(RunSettings(), kinks=[(mod.elu(2), [(0, 2, 1, 1)])]).ok


@pytest.mark.parametrize("theorem_id", ["lstm_state_jacobian", "gru_state_jacobian"])
def test_the_same_cell_step_rejects_a_numeric_cell_with_the_bias_subtracted(
    theorem_id, monkeypatch
):
    from symgrad import RunSettings
    from symgrad.maths.gru import GRUCell
    from symgrad.maths.lstm import LSTMCell

    mod = _proof_module(theorem_id)
    assert mod._same_cell(RunSettings()).ok
    cls = LSTMCell if theorem_id.startswith("lstm") else GRUCell
    original_step = cls.step

    def step_with_the_bias_subtracted(self, *args):  # W h + U x − b in the NumPy step only
        return original_step(cls(self.W, self.U, {k: -v for k, v in self.b.items()}), *args)

    monkeypatch.setattr(cls, "step", step_with_the_bias_subtracted)
    assert not mod._same_cell(RunSettings()).ok


def test_the_forward_mode_step_rejects_a_wrong_second_derivative(monkeypatch):
    from symgrad import RunSettings

    mod = _proof_module("single_unit_dynamics")
    assert mod._forward_mode(RunSettings()).ok
    true_loss = mod.wall_loss

    def curvature_off(*args, **kwargs):  # the sign of the w·σ′·x_ww term flipped, say
        E, dE, d2E = true_loss(*args, **kwargs)
        return E, dE, d2E * (1 + 1e-6)

    monkeypatch.setattr(mod, "wall_loss", curvature_off)
    assert not mod._forward_mode(RunSettings()).ok


def test_run_theorems_takes_stages_in_order_and_returns_the_given_order():
    from symgrad.kernel.proof import Outcome, Step, Theorem, run_theorems

    ran: list[str] = []

    def theorem(name: str, stage: int) -> Theorem:
        def check(settings):
            ran.append(name)
            return Outcome(True, name)

        return Theorem(name, name, name, [Step(name, name, Evidence.PROVED, check)], stage=stage)

    given = [theorem("errata", 2), theorem("needs γ", 1), theorem("a", 0), theorem("b", 0)]
    results = run_theorems(given)
    assert ran == ["a", "b", "needs γ", "errata"]
    assert [r.theorem.id for r in results] == ["errata", "needs γ", "a", "b"]


def test_run_theorems_shares_a_long_run_between_workers_with_the_same_results():
    import os

    from symgrad.errors import UndecidedError
    from symgrad.kernel.proof import Outcome, Step, Theorem, run_cached, run_theorems

    def check(name: str):
        def run(settings):
            if name == "t3":
                raise ValueError("a broken check")
            if name == "t5":
                raise UndecidedError("a search gave up")
            return Outcome(
                name != "t7",
                f"{name} at seed {settings.seed}",
                instances=[name],
                details=[str(os.getpid())],
            )

        return run

    given = [
        Theorem(f"t{k}", f"t{k}", "s", [Step(f"t{k}", "j", Evidence.CHECKED, check(f"t{k}"))])
        for k in range(10)
    ]
    seen = {}

    def errata(settings):
        seen.update({t.id: run_cached(t, settings) for t in given})
        return Outcome(True, "reads the others")

    last = Theorem("last", "last", "s", [Step("last", "j", Evidence.CHECKED, errata)], stage=2)
    results = run_theorems([last, *given], RunSettings(seed=3))
    assert [r.theorem.id for r in results] == ["last", *(f"t{k}" for k in range(10))]
    by_id = {r.theorem.id: r for r in results}
    assert str(by_id["t0"].steps[0].outcome.checked) == "t0 at seed 3"
    assert [str(i) for i in by_id["t0"].steps[0].outcome.instances] == ["t0"]
    assert by_id["t3"].verdict.value == "FAILED" and "a broken check" in by_id["t3"].steps[0].error
    assert by_id["t5"].verdict.value == "undecided"
    assert by_id["t7"].verdict.value == "FAILED" and by_id["t1"].verdict.value == "holds"
    assert all(r.steps[0].step is t.steps[0] for r, t in zip(results[1:], given, strict=True))
    assert seen == {t.id: by_id[t.id] for t in given}  # the workers' results, not re-run
    ran_in = {str(r.steps[0].outcome.details[0]) for r in results[1:] if r.steps[0].outcome.details}
    # in worker processes (at most two; a fast one may take every theorem from the queue)
    assert ran_in and str(os.getpid()) not in ran_in and len(ran_in) <= 2


def test_theorems_beyond_the_queue_capacity_run_in_the_calling_process(monkeypatch):
    """The queue is written whole before the workers read it, so it holds no more than a
    pipe's buffer; the theorems beyond that run here, and every result comes back."""
    import os

    from symgrad.kernel import runner
    from symgrad.kernel.proof import Outcome, Step, Theorem, run_theorems

    def check(settings):
        return Outcome(True, "ran", details=[str(os.getpid())])

    given = [
        Theorem(f"q{k}", "q", "s", [Step("q", "j", Evidence.CHECKED, check)]) for k in range(10)
    ]
    monkeypatch.setattr(runner, "_QUEUE_CAPACITY", 3)
    results = run_theorems(given)
    where = [str(r.steps[0].outcome.details[0]) for r in results]
    assert all(r.ok for r in results) and len(results) == 10
    assert str(os.getpid()) not in where[:3] and set(where[3:]) == {str(os.getpid())}


def test_a_theorem_whose_worker_died_runs_in_the_calling_process():
    import os
    import signal

    from symgrad.kernel.proof import Outcome, Step, Theorem, run_theorems

    caller = os.getpid()

    def check(name: str):
        def run(settings):
            if name == "t4" and os.getpid() != caller:  # its worker dies while running it
                os.kill(os.getpid(), signal.SIGKILL)
            return Outcome(True, name, details=[str(os.getpid())])

        return run

    given = [
        Theorem(f"t{k}", f"t{k}", "s", [Step(f"t{k}", "j", Evidence.CHECKED, check(f"t{k}"))])
        for k in range(10)
    ]
    results = run_theorems(given)
    assert [r.theorem.id for r in results] == [f"t{k}" for k in range(10)]
    assert all(r.ok for r in results)
    assert [str(d) for d in results[4].steps[0].outcome.details] == [str(caller)]  # run again, here


def test_an_interrupted_run_leaves_no_worker_behind(tmp_path):
    import os
    import signal
    import threading
    import time

    from symgrad.kernel.proof import Outcome, Step, Theorem, run_theorems

    def slow(settings):  # runs in a worker: says where it is, then waits to be stopped
        (tmp_path / str(os.getpid())).touch()
        time.sleep(600)
        return Outcome(True, "never reached")

    def interrupt():  # Ctrl-C once both workers have started
        give_up = time.monotonic() + 120  # a wide margin: only a hung fork would need it
        while len(list(tmp_path.iterdir())) < 2 and time.monotonic() < give_up:
            time.sleep(0.05)
        os.kill(os.getpid(), signal.SIGINT)

    given = [Theorem(f"s{k}", "s", "s", [Step("s", "j", Evidence.CHECKED, slow)]) for k in range(8)]
    # Python's own Ctrl-C handler, also where the suite was started with SIGINT ignored (a
    # background job of a shell)
    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        threading.Thread(target=interrupt, daemon=True).start()
        with pytest.raises(KeyboardInterrupt):
            run_theorems(given)
    finally:
        signal.signal(signal.SIGINT, previous)
    pids = [int(path.name) for path in tmp_path.iterdir()]
    assert len(pids) == 2
    for pid in pids:
        with pytest.raises(ProcessLookupError):
            os.kill(pid, 0)


def test_a_run_stopped_before_its_workers_leaves_nothing_frozen():
    """The loaded state is frozen out of the garbage collector only for the forks: a run
    interrupted while it waits for its background work must unfreeze it all the same."""
    import gc

    from symgrad.kernel.proof import Outcome, Step, Theorem, run_theorems

    def stop():
        def wait():
            raise KeyboardInterrupt

        return wait

    given = [
        Theorem(f"f{k}", "f", "f", [Step("f", "j", Evidence.CHECKED, lambda s: Outcome(True))])
        for k in range(8)
    ]
    given[0].prepare = stop
    with pytest.raises(KeyboardInterrupt):
        run_theorems(given)
    assert gc.get_freeze_count() == 0


def test_the_periodic_and_unbounded_step_fails_on_a_wrong_gamma():
    from symgrad import RunSettings

    mod = _proof_module("gamma_of_custom_activations")
    assert mod._periodic_and_unbounded(RunSettings()).ok
    assert not mod._periodic_and_unbounded(RunSettings(), stated="5/4").ok
    assert not mod._periodic_and_unbounded(RunSettings(), stated_lines="1/4").ok


def test_the_no_kink_step_fails_on_a_wrong_gamma():
    from symgrad import RunSettings

    mod = _proof_module("gamma_of_custom_activations")
    assert mod._no_kink(RunSettings()).ok
    assert not mod._no_kink(RunSettings(), stated=2).ok
    assert not mod._no_kink(RunSettings(), stated_no_cut="3/4").ok
    assert mod._fading(RunSettings()).ok
    assert not mod._fading(RunSettings(), stated="1/2").ok


def test_the_branch_and_bound_step_fails_on_a_wrong_supremum_or_a_small_budget():
    """Run afresh, the search must contain the closed form: a value moved by 10⁻¹⁵ (far
    beyond the enclosures' width of 10⁻²⁰) is outside, and 10 boxes enclose nothing."""
    import mpmath

    from symgrad import RunSettings

    mod = _proof_module("gamma_of_custom_activations")
    assert mod._search(RunSettings()).ok
    moved = [(n, h, iv, lambda e=e: e() + mpmath.mpf(10) ** -15) for n, h, iv, e in mod.SEARCHED]
    outcome = mod._search(RunSettings(), cases=moved)
    assert not outcome.ok and str(outcome.left).count("contains it: False") == len(mod.SEARCHED)
    assert not mod._search(RunSettings(), boxes=10).ok


def test_the_gamma_at_a_cut_step_fails_on_a_value_off_the_cut():
    import sympy as sp

    from symgrad import RunSettings

    mod = _proof_module("gamma_of_custom_activations")
    assert mod._at_the_cut(RunSettings()).ok
    assert not mod._at_the_cut(RunSettings(), stated=1 + sp.sin(sp.Rational(21, 10))).ok


def test_the_transient_peak_check_fails_on_a_normal_matrix():
    import numpy as np

    jordan = _proof_module("jordan_block_powers")
    assert jordan._peak(RunSettings()).ok
    assert not jordan._peak(RunSettings(), W=np.array([[0.9, 0.0], [0.0, 0.5]])).ok


@pytest.mark.parametrize("answer", [True, False])
def test_the_golden_shear_step_fails_when_the_exact_norm_test_answers_one_way(monkeypatch, answer):
    """‖A‖₂ = φ is decided on both sides of φ: a test that always says yes (or no) fails."""
    thm = load_theorem("transpose_preserves_spectral_norm")
    step = next(s for s in thm.steps if "irrational norm" in str(s.claim))
    assert step.check(RunSettings()).ok
    monkeypatch.setitem(step.check.__globals__, "spectral_norm_at_most", lambda _M, _bound: answer)
    assert not step.check(RunSettings()).ok


def test_every_theorem_resting_on_gammas_starts_their_checks_and_waits_for_them(monkeypatch):
    """A theorem that rests on γ certificates (``gammas``) starts checking them in its
    ``prepare`` (and so stays out of the workers, in a later stage); its ``prepare`` starts
    exactly those."""
    from symgrad.maths import gamma
    from symgrad.maths.activations import as_activation

    started = []
    monkeypatch.setattr(gamma, "_PENDING", {})
    monkeypatch.setattr(gamma, "_CACHE", {})
    monkeypatch.setattr(gamma, "_start_check", lambda act, path: started.append(act))
    monkeypatch.setattr(gamma, "start_search", lambda act, seconds: started.append(act))
    resting = [t for t in load_catalogue() if t.gammas]
    assert resting  # the γ theorems
    for thm in resting:
        assert thm.prepare is not None and thm.stage >= 1, thm.id
        started.clear()
        thm.prepare()
        wanted = {as_activation(a) for a in dict(thm.gammas).values()}
        assert set(started) == wanted, thm.id
