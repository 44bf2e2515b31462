"""check_gradients: correct BPTT passes, each classic mistake fails and is named, bad functions
get a clear message, and the certified reference contains the exact gradient."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest

from symgrad import check_gradients
from symgrad.check import load_function
from symgrad.check.instances import draw_instances, float64_tolerance
from symgrad.check.mistakes import MISTAKES
from symgrad.check.reference import _up, enclose_gradients, spectral_norm_bound
from symgrad.errors import ImplementationError, InvalidArgumentError, UnknownNameError
from symgrad.maths.activations import as_activation
from symgrad.testing import BPTTAssertionError, assert_bptt_correct

ROOT = Path(__file__).resolve().parent.parent


def _sigma(name):
    """σ and σ′ written by hand, as a student would (independent of the package's)."""
    if name == "tanh":
        return np.tanh, lambda a: 1 - np.tanh(a) ** 2
    if name == "sigmoid":
        s = lambda a: 1 / (1 + np.exp(-a))  # noqa: E731
        return s, lambda a: s(a) * (1 - s(a))
    if name == "relu":
        return lambda a: np.maximum(a, 0), lambda a: (a > 0).astype(float)
    raise ValueError(name)


def student(mistake=None, activation="tanh", model="A"):
    """A hand-written BPTT (loops over t, column vectors per sequence) with one mistake made."""
    f, df = _sigma(activation)

    def bptt(W, U, b, h0, xs, targets):
        T, B, _ = xs.shape
        out = {"W": np.zeros_like(W), "U": np.zeros_like(U), "b": np.zeros_like(b)}
        out["h0"] = np.zeros_like(h0)
        for j in range(B):
            h, pre = [h0[j]], []
            for t in range(T):
                if model == "A":
                    pre.append(W @ h[-1] + U @ xs[t, j] + b)
                    h.append(f(pre[-1]))
                else:
                    pre.append(h[-1])
                    h.append(W @ f(h[-1]) + U @ xs[t, j] + b)
            dh = np.zeros_like(b)
            for t in range(T, 0, -1):
                local = h[t] - targets[t - 1, j]
                if mistake == "no_local_term" and t < T:
                    local = 0 * local
                dh = dh + local
                at = {"slope_previous_step": max(t - 1, 1), "slope_next_step": min(t + 1, T)}
                slope_arg = pre[at.get(mistake, t) - 1]
                if mistake == "slope_at_state":
                    slope_arg = f(slope_arg)
                slope = df(slope_arg)
                M = W if mistake == "no_transpose" else W.T
                feed = h[t - 1] if model == "A" else f(h[t - 1])
                if mistake == "state_not_previous":
                    feed = h[t] if model == "A" else f(h[t])
                delta = dh * slope if model == "A" else dh
                if not (mistake == "sum_starts_late" and t == 1):
                    out["W"] += np.outer(delta, feed)
                    out["U"] += np.outer(delta, xs[t - 1, j])
                    out["b"] += delta
                dh = M @ delta if model == "A" else (M @ delta) * slope
            if mistake == "product_order":
                dh = _wrong_order(W, pre, h, targets[:, j], df, model, out, xs[:, j], f)
            if mistake != "no_h0_gradient":
                out["h0"][j] = dh
        return out

    return bptt


def _wrong_order(W, pre, h, ys, df, model, out, xs, f):
    """Redo the sums with every Jacobian product multiplied J_{t+1}⋯J_k (earliest on the left)."""
    T = len(pre)
    J = [np.diag(df(p)) @ W if model == "A" else W @ np.diag(df(p)) for p in pre]
    contribution = {"W": 0, "U": 0, "b": 0}
    dh0 = 0
    for k in range(1, T + 1):
        r = h[k] - ys[k - 1]
        for t in range(1, k + 1):
            P = np.eye(len(r))
            for i in range(t + 1, k + 1):  # wrong: earliest factor first
                P = P @ J[i - 1]
            g = r @ P  # ∂ℓ_k/∂h_t (row)
            delta = g * df(pre[t - 1]) if model == "A" else g
            feed = h[t - 1] if model == "A" else f(h[t - 1])
            contribution["W"] = contribution["W"] + np.outer(delta, feed)
            contribution["U"] = contribution["U"] + np.outer(delta, xs[t - 1])
            contribution["b"] = contribution["b"] + delta
        P = np.eye(len(r))
        for i in range(1, k + 1):
            P = P @ J[i - 1]
        dh0 = dh0 + r @ P
    return dh0, contribution


def student_wrong_order(activation="tanh", model="A"):
    f, df = _sigma(activation)
    right = student(None, activation, model)

    def bptt(W, U, b, h0, xs, targets):
        out = right(W, U, b, h0, xs, targets)
        for k in out:
            out[k] = np.zeros_like(out[k])
        for j in range(xs.shape[1]):
            h, pre = [h0[j]], []
            for t in range(xs.shape[0]):
                if model == "A":
                    pre.append(W @ h[-1] + U @ xs[t, j] + b)
                    h.append(f(pre[-1]))
                else:
                    pre.append(h[-1])
                    h.append(W @ f(h[-1]) + U @ xs[t, j] + b)
            dh0, sums = _wrong_order(W, pre, h, targets[:, j], df, model, out, xs[:, j], f)
            out["h0"][j] = dh0
            for k in ("W", "U", "b"):
                out[k] = out[k] + sums[k]
        return out

    return bptt


# ------------------------------------------------------------------------------ correct code
@pytest.mark.parametrize("model", ["A", "B"])
@pytest.mark.parametrize("activation", ["tanh", "sigmoid", "relu"])
def test_a_correct_student_implementation_passes(model, activation):
    result = check_gradients(
        student(None, activation, model),
        hidden=5,
        steps=6,
        inputs=2,
        activation=activation,
        model=model,
    )
    assert result.ok, result.report()
    assert all(p.error <= p.tolerance for p in result.parameters)
    assert result.diagnosis is None


@pytest.mark.parametrize("activation", ["gelu", "softsign", "elu", "hard_tanh", "leaky_relu"])
def test_the_package_bptt_passes_for_other_builtin_activations(activation):
    from symgrad.maths.numeric import bptt_gradients

    def mine(W, U, b, h0, xs, targets):
        return bptt_gradients(W, U, b, xs, h0, targets, activation).as_dict()

    assert check_gradients(mine, hidden=4, steps=5, activation=activation).ok


def test_a_correct_implementation_passes_at_a_moderate_size():
    result = check_gradients(student(), hidden=24, steps=24, inputs=4)
    assert result.ok, result.report()
    assert max(p.error for p in result.parameters) < 1e-14  # far inside the tolerance


# ---------------------------------------------------------------------------- each mistake
@pytest.mark.parametrize("model", ["A", "B"])
@pytest.mark.parametrize("mistake", [m for m in MISTAKES if m != "product_order"])
def test_each_classic_mistake_fails_and_is_named(mistake, model):
    result = check_gradients(student(mistake, "tanh", model), hidden=5, steps=6, model=model)
    assert not result.ok
    assert result.diagnosis is not None and result.diagnosis.mistake == mistake, result.report()
    assert result.diagnosis.agreement <= result.tolerance
    assert "equal" in result.diagnosis.message


@pytest.mark.parametrize("model", ["A", "B"])
def test_the_jacobian_product_in_the_wrong_order_is_named(model):
    result = check_gradients(student_wrong_order("tanh", model), hidden=4, steps=5, model=model)
    assert not result.ok
    assert result.diagnosis.mistake == "product_order", result.report()
    assert result.diagnosis.smallest_steps == 2  # one Jacobian cannot be out of order


def test_the_diagnosis_locates_the_smallest_T_and_the_lag():
    late = check_gradients(student("slope_previous_step"), hidden=5, steps=8).diagnosis
    assert (late.smallest_steps, late.lag) == (2, 1)  # the first step has no previous σ′
    state = check_gradients(student("slope_at_state"), hidden=5, steps=8).diagnosis
    assert (state.smallest_steps, state.lag) == (1, 0)
    local = check_gradients(student("no_local_term"), hidden=5, steps=8).diagnosis
    assert local.lag is None and "add up" in local.message  # one step's loss is handled right


def test_the_message_names_the_mistake_in_words():
    result = check_gradients(student("slope_at_state"), hidden=4, steps=5)
    text = result.report()
    assert "σ′ evaluated at the state h⁽ᵗ⁾ instead of the pre-activation a⁽ᵗ⁾" in text
    assert "FAILED" in text and "agreement to" in text


def test_a_mistake_that_is_harmless_for_relu_passes():
    # relu′(relu(a)) = relu′(a) everywhere (relu′(0) = 0): not a mistake for this σ
    assert check_gradients(
        student("slope_at_state", "relu"), hidden=5, steps=6, activation="relu"
    ).ok


def test_an_error_of_unknown_kind_fails_without_a_name():
    right = student()

    def scaled(*args):
        out = right(*args)
        out["U"] = out["U"] * (1 + 1e-9)
        return out

    result = check_gradients(scaled, hidden=4, steps=5)
    assert [p.name for p in result.parameters if not p.ok] == ["U"]
    assert result.diagnosis.mistake is None
    assert "none of the classic mistakes" in result.diagnosis.message


# ---------------------------------------------------------------------- what fn may return
def test_a_tuple_an_object_with_attributes_and_lists_are_accepted():
    from symgrad.maths.numeric import bptt_gradients

    assert check_gradients(
        lambda W, U, b, h0, xs, ys: tuple(student()(W, U, b, h0, xs, ys).values()),
        hidden=3,
        steps=3,
    ).ok
    assert check_gradients(
        lambda W, U, b, h0, xs, ys: bptt_gradients(W, U, b, xs, h0, ys), hidden=3, steps=3
    ).ok
    assert check_gradients(
        lambda *a: {k: v.tolist() for k, v in student()(*a).items()}, hidden=3, steps=3
    ).ok


def test_torch_tensors_are_accepted():
    torch = pytest.importorskip("torch")

    def with_torch(*arrays):
        return {k: torch.tensor(v) for k, v in student()(*arrays).items()}

    assert check_gradients(with_torch, hidden=3, steps=3).ok


def test_a_float32_implementation_fails_and_says_so():
    def single(*arrays):
        return {k: v.astype(np.float32) for k, v in student()(*arrays).items()}

    result = check_gradients(single, hidden=4, steps=4)
    assert not result.ok
    assert any("float32" in note for note in result.notes)


@pytest.mark.parametrize(
    ("returned", "message"),
    [
        (lambda g: (g["W"], g["U"], g["b"]), "returned 3 values"),
        (lambda g: {**g, "b": g["b"][:, None]}, r"b.shape=\(4, 1\)"),
        (lambda g: {"W": g["W"], "U": g["U"], "b": g["b"]}, "without the key"),
        (lambda g: {**g, "W": g["W"] * np.nan}, "NaN in W"),
        (lambda g: {**g, "h0": g["h0"] + np.inf}, "infinity in h0"),
        (lambda g: "gradients", "returned a str"),
        (lambda g: {**g, "U": np.array(["a"] * g["U"].size).reshape(g["U"].shape)}, "dtype"),
    ],
)
def test_a_bad_return_value_gets_a_clear_message(returned, message):
    right = student()
    with pytest.raises(ImplementationError, match=message):
        check_gradients(lambda *a: returned(right(*a)), hidden=4, steps=3)


def test_a_function_that_raises_gets_a_clear_message():
    def broken(W, U, b, h0, xs, targets):
        return W @ xs  # shapes do not fit

    with pytest.raises(ImplementationError, match=r"fn raised ValueError: .* \(on the random"):
        check_gradients(broken, hidden=4, steps=3)


def test_a_function_that_changes_its_inputs_is_refused():
    right = student()

    def careless(W, U, b, h0, xs, targets):
        out = right(W, U, b, h0, xs, targets)
        targets -= 1  # in place
        return out

    with pytest.raises(ImplementationError, match="changed its input targets in place"):
        check_gradients(careless, hidden=4, steps=3)


@pytest.mark.parametrize(
    ("kwargs", "error", "message"),
    [
        ({"hidden": 0}, InvalidArgumentError, "hidden=0"),
        ({"steps": "3"}, InvalidArgumentError, "steps='3'"),
        ({"inputs": 1.5}, InvalidArgumentError, "inputs=1.5"),
        ({"model": "C"}, UnknownNameError, "model='C'"),
        ({"activation": "tahn"}, UnknownNameError, "did you mean 'tanh'"),
        ({"rtol": 2}, InvalidArgumentError, "rtol=2"),
        ({"seed": -1}, InvalidArgumentError, "seed=-1"),
    ],
)
def test_bad_arguments_are_refused_before_fn_is_called(kwargs, error, message):
    called = []
    options = {"hidden": 3, "steps": 3, **kwargs}
    with pytest.raises(error, match=message):
        check_gradients(lambda *a: called.append(1), **options)
    assert not called
    with pytest.raises(InvalidArgumentError, match="must be a callable"):
        check_gradients("bptt", hidden=3, steps=3)


# -------------------------------------------------------------------- the reference itself
def _exact_gradients(W, U, b, h0, xs, ys, slope):
    """Model A with a piecewise-linear σ, in exact rational arithmetic (Fractions)."""
    F = np.vectorize(Fraction)
    W, U, b, h0, xs, ys = (F(a.astype(object)) for a in (W, U, b, h0, xs, ys))
    T, B, _ = xs.shape
    g = {"W": W * 0, "U": U * 0, "b": b * 0, "h0": h0 * 0}
    for j in range(B):
        h, pre = [h0[j]], []
        for t in range(T):
            pre.append(W.dot(h[-1]) + U.dot(xs[t, j]) + b)
            h.append(np.array([a * slope(a) for a in pre[-1]], dtype=object))
        dh = b * 0
        for t in range(T, 0, -1):
            dh = dh + h[t] - ys[t - 1, j]
            delta = dh * np.array([slope(a) for a in pre[t - 1]], dtype=object)
            g["W"] += np.outer(delta, h[t - 1])
            g["U"] += np.outer(delta, xs[t - 1, j])
            g["b"] += delta
            dh = W.T.dot(delta)
        g["h0"][j] = dh
    return g


@pytest.mark.parametrize(
    ("name", "slope"), [("identity", lambda a: 1), ("relu", lambda a: int(a > 0))]
)
def test_the_enclosure_contains_the_exact_gradient_and_is_tight(name, slope):
    rng = np.random.default_rng(5)
    W = rng.normal(size=(4, 4)) * 0.3
    U, b, h0 = rng.normal(size=(4, 2)), rng.normal(size=4), rng.normal(size=(2, 4))
    xs, ys = rng.normal(size=(6, 2, 2)), rng.normal(size=(6, 2, 4))
    enc = enclose_gradients(W, U, b, h0, xs, ys, as_activation(name), "A")
    exact = _exact_gradients(W, U, b, h0, xs, ys, slope)
    for k in exact:
        for idx in np.ndindex(exact[k].shape):
            mid, rad = Fraction(enc.mid[k][idx]), Fraction(enc.rad[k][idx])
            assert abs(exact[k][idx] - mid) <= rad, (k, idx)
        assert enc.rad[k].max() < 1e-13 * np.linalg.norm(enc.mid[k])
    # negative control: a ball moved by a few radii no longer contains the exact value
    moved = Fraction(enc.mid["W"][0, 0]) + 3 * Fraction(enc.rad["W"][0, 0])
    assert abs(exact["W"][0, 0] - moved) > Fraction(enc.rad["W"][0, 0])


def test_the_enclosure_agrees_with_numpy_to_rounding_for_tanh_in_both_models():
    from symgrad.maths.numeric import bptt_gradients

    for model in "AB":
        inst = draw_instances(6, 8, 2, as_activation("tanh"), model, 3)[0]
        enc = enclose_gradients(*inst.arrays(), as_activation("tanh"), model)
        g = bptt_gradients(inst.W, inst.U, inst.b, inst.xs, inst.h0, inst.targets, "tanh", model)
        for k, v in g.as_dict().items():
            assert np.abs(v - enc.mid[k]).max() < 1e-14 * np.linalg.norm(enc.mid[k])


def test_the_spectral_norm_bound_is_an_upper_bound_and_close():
    rng = np.random.default_rng(0)
    for n in (1, 3, 20):
        W = rng.normal(size=(n, n))
        true = np.linalg.norm(W, 2)
        top = _up(spectral_norm_bound(W))  # the bound is the top of the ball
        assert top > true * (1 - 1e-12)  # above (up to NumPy's own rounding)
        assert top < true * n ** (1 / 64) * (1 + 1e-8)


def test_the_tolerance_grows_with_the_size_and_is_stated():
    small, why = float64_tolerance(8, 10, 1, 2)
    big, _ = float64_tolerance(256, 256, 32, 2)
    assert small == pytest.approx(4 * 2.0**-53 * 10 * (16 + 1 + 4 + 2))
    assert big > 100 * small
    assert "u = 2⁻⁵³" in why and "η = λ₁γ ≤ 1" in why


def test_a_given_rtol_replaces_the_tolerance_and_keeps_the_reason():
    loose = check_gradients(student(), hidden=3, steps=3, rtol=1e-3)
    assert loose.tolerance == 1e-3 and "rtol=0.001" in loose.tolerance_reason
    assert "u = 2⁻⁵³" in loose.tolerance_reason
    right = student()

    def off_by_a_millionth(*arrays):
        out = right(*arrays)
        out["b"] = out["b"] * (1 + 1e-6)
        return out

    assert check_gradients(off_by_a_millionth, hidden=3, steps=3, rtol=1e-3).ok
    assert not check_gradients(off_by_a_millionth, hidden=3, steps=3).ok


def test_sigma_prime_is_taken_from_sigma_only_where_sympy_writes_it_so():
    from flint import arb

    from symgrad.check.reference import _slope_from_value

    g = _slope_from_value(as_activation("tanh"), 64)
    assert g(arb(0.5).tanh()).overlaps(1 - arb(0.5).tanh() ** 2)
    assert _slope_from_value(as_activation("gelu"), 64) is None


def test_sigma_prime_as_a_polynomial_in_sigma_is_evaluated_by_horner_and_contains_it():
    from flint import arb

    from symgrad.check.reference import _slope_from_value

    g = _slope_from_value(as_activation("tanh"), 64)
    for point in (-3.0, -0.25, 0.0, 0.5, 20.0):
        value = arb(point).tanh()
        exact = 1 - value * value
        assert g(value).contains(exact.mid())  # 1 − tanh² at the ball's midpoint
        assert g(value).overlaps(exact)
    # negative control: a different polynomial (1 − σ³) gives balls far from 1 − σ²
    assert not g(arb(0.5).tanh()).overlaps(1 - arb(0.5).tanh() ** 3)


def test_the_reference_computed_in_a_worker_process_is_the_one_computed_here(monkeypatch):
    import symgrad.check.comparing as check

    here = check_gradients(student(), hidden=4, steps=5, inputs=2)
    monkeypatch.setattr(check, "PARALLEL_WORK", 0)  # the heaviest instance goes to a worker
    monkeypatch.setattr(check.os, "cpu_count", lambda: 2)
    there = check_gradients(student(), hidden=4, steps=5, inputs=2)
    assert there.ok and here.ok
    assert [p.to_dict() for p in there.parameters] == [p.to_dict() for p in here.parameters]
    assert there.instances == here.instances
    # and a wrong function still fails there, on the same parameters
    wrong = check_gradients(student("no_h0_gradient"), hidden=4, steps=5, inputs=2)
    assert not wrong.ok and wrong.diagnosis.mistake == "no_h0_gradient"


def test_the_result_states_its_guarantee_and_serialises_to_strict_json():
    result = check_gradients(student("no_transpose"), hidden=3, steps=3)
    data = json.loads(json.dumps(result.to_dict(), allow_nan=False))
    assert data["ok"] is False and data["diagnosis"]["mistake"] == "no_transpose"
    assert "ball arithmetic" in data["guarantee"]
    assert "u = 2⁻⁵³" in data["tolerance_reason"]


# ------------------------------------------------------------------------ pytest helper
def test_assert_bptt_correct_passes_a_correct_function_and_explains_a_wrong_one():
    assert assert_bptt_correct(student(), hidden=4, steps=5).ok
    with pytest.raises(BPTTAssertionError, match="σ′ at the wrong time index") as info:
        assert_bptt_correct(student("slope_next_step"), hidden=4, steps=5)
    assert isinstance(info.value, AssertionError)
    assert info.value.result.diagnosis.mistake == "slope_next_step"


# --------------------------------------------------------------------------- command line
def _cli(*args, cwd=ROOT):
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(
        [sys.executable, "-m", "symgrad", *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=300,
    )


def test_the_command_passes_the_example_and_names_the_mistake_of_the_buggy_one():
    good = _cli("check", "examples/student_bptt.py:bptt", "-n", "8", "-T", "10")
    assert good.returncode == 0, good.stderr
    assert "Verdict: correct" in good.stdout
    bad = _cli("check", "examples/student_bptt_buggy.py:bptt", "-n", "8", "-T", "10", "--json")
    assert bad.returncode == 1, bad.stderr
    data = json.loads(bad.stdout)
    assert data["diagnosis"]["mistake"] == "slope_at_state"
    assert data["function"] == "examples/student_bptt_buggy.py:bptt"


def test_the_command_imports_a_module_from_the_current_folder(tmp_path):
    (tmp_path / "mine.py").write_text(
        "from symgrad.maths.numeric import bptt_gradients\n"
        "def bptt(W, U, b, h0, xs, ys):\n"
        "    return bptt_gradients(W, U, b, xs, h0, ys).as_dict()\n"
    )
    out = _cli("check", "mine:bptt", "-n", "3", "-T", "4", cwd=tmp_path)
    assert out.returncode == 0, out.stderr


@pytest.mark.parametrize(
    ("source", "spec", "message"),
    [
        (None, "nowhere.py:bptt", "is not a file"),
        (None, "nowhere_module:bptt", "cannot import 'nowhere_module'"),
        ("raise RuntimeError('boom')\n", "m.py:bptt", "importing 'm.py' raised RuntimeError: boom"),
        ("def bpt(*a):\n    pass\n", "m.py:bptt", "has no function 'bptt'; did you mean bpt"),
        ("bptt = 3\n", "m.py:bptt", "is not callable"),
        (
            "import numpy as np\ndef bptt(W, U, b, h0, xs, ys):\n    return W, U, b, h0.T\n",
            "m.py:bptt",
            r"h0.shape=\(5, 2\)",
        ),
        (None, "m.py", "must be MODULE:FUNCTION"),
    ],
)
def test_the_command_reports_a_bad_module_or_function_in_one_line(tmp_path, source, spec, message):
    import re

    if source is not None:
        (tmp_path / "m.py").write_text(source)
    out = _cli("check", spec, "-n", "5", "-T", "3", cwd=tmp_path)
    assert out.returncode == 2
    assert "Traceback" not in out.stderr and len(out.stderr.strip().splitlines()) == 1
    assert re.search(message, out.stderr), out.stderr


def test_load_function_refuses_a_spec_without_a_function():
    with pytest.raises(InvalidArgumentError, match="MODULE:FUNCTION"):
        load_function("symgrad.maths.numeric:")


# ------------------------------------------------------------- hostile code under check
HOSTILE = """\
import os, sys
from symgrad.maths.numeric import bptt_gradients
print("printed at import")
if os.environ.get("MODE") == "exit-at-import":
    os._exit(0)
def bptt(W, U, b, h0, xs, ys):
    mode = os.environ.get("MODE")
    print("printed by the function")
    os.write(1, b"written to descriptor 1\\n")
    if mode == "sys.exit":
        sys.exit(0)
    if mode == "KeyboardInterrupt":
        raise KeyboardInterrupt
    if mode == "os._exit":
        os._exit(0)
    if mode == "close":
        os.close(1)
        return bptt_gradients(W, U, b, xs, h0, ys).as_dict()
    if mode == "sleep":  # deaf to SIGINT and SIGTERM, as code busy in C would be
        import signal, time
        signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT, signal.SIGTERM})
        print("started", file=sys.stderr, flush=True)
        time.sleep(600)
    return bptt_gradients(W, U, b, xs, h0, ys).as_dict()
"""


def _hostile(tmp_path, mode, *extra):
    (tmp_path / "hostile.py").write_text(HOSTILE)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "MODE": mode}
    return subprocess.run(
        [sys.executable, "-m", "symgrad", "check", "hostile.py:bptt", "-n", "3", "-T", "4", *extra],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env=env,
        timeout=300,
    )


@pytest.mark.parametrize(
    ("mode", "message"),
    [
        ("sys.exit", r"fn raised SystemExit: 0 \(on the random instance"),
        ("KeyboardInterrupt", r"fn raised KeyboardInterrupt \(on the random instance"),
        ("os._exit", "the code under check ended the process"),
        ("exit-at-import", "the code under check ended the process"),
    ],
)
@pytest.mark.parametrize("timeout", ["none", "300"])
def test_code_under_check_that_exits_is_the_users_error_in_one_line(
    tmp_path, mode, message, timeout
):
    import re

    out = _hostile(tmp_path, mode, "--json", "--timeout", timeout)
    assert out.returncode == 2, out.stderr
    assert "Traceback" not in out.stderr and "internal error" not in out.stderr
    said = [line for line in out.stderr.splitlines() if line.startswith("symgrad check:")]
    assert len(said) == 1 and re.search(message, said[0]), out.stderr
    assert json.loads(out.stdout)["error"]["kind"] == "invalid-input"


@pytest.mark.parametrize("mode", ["print", "close"])
def test_the_output_of_code_under_check_goes_to_stderr_and_json_stays_whole(tmp_path, mode):
    out = _hostile(tmp_path, mode, "--json", "--timeout", "none")
    data = json.loads(out.stdout)  # exactly one JSON object, nothing else
    assert "printed" not in out.stdout and "written to descriptor" not in out.stdout
    assert "printed at import" in out.stderr and "written to descriptor 1" in out.stderr
    if mode == "print":
        assert out.returncode == 0 and data["ok"] is True, out.stderr
    else:  # its second call writes to the descriptor it closed: its own error
        assert out.returncode == 2 and data["ok"] is False, out.stderr


def test_sizes_clearly_out_of_reach_are_refused_before_any_work_saying_what_fits(tmp_path):
    for timeout in ("none", "300"):
        out = _hostile(tmp_path, "print", "-n", "4096", "-T", "100000", "--timeout", timeout)
        assert out.returncode == 2, out.stderr
        assert "printed" not in out.stderr  # the module was never imported
        assert "would take about" in out.stderr and "fits at hidden=4096" in out.stderr


def test_the_budget_says_a_size_that_fits():
    from symgrad.check import check_budget, predicted_seconds
    from symgrad.errors import BudgetExceededError

    with pytest.raises(BudgetExceededError, match=r"steps=(\d+) fits") as info:
        check_budget(512, 100_000, 1, 60.0)
    import re

    fit = int(re.search(r"steps=(\d+) fits", str(info.value)).group(1))
    assert predicted_seconds(512, fit) <= 60.0 < predicted_seconds(512, fit + 1)
    assert check_budget(512, fit, 1, 60.0) <= 60.0


@pytest.mark.parametrize("signum", [15, 2])
def test_a_signal_stops_the_check_promptly_also_without_a_time_limit(tmp_path, signum):
    import signal
    import time

    (tmp_path / "hostile.py").write_text(HOSTILE)
    env = {**os.environ, "PYTHONPATH": str(ROOT), "MODE": "sleep"}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "symgrad",
            "check",
            "hostile.py:bptt",
            *("-n", "3", "-T", "4"),
            *("--timeout", "none"),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        cwd=tmp_path,
        env=env,
        text=True,
    )
    try:
        line = ""
        while "started" not in line:  # the function is running (and sleeping)
            line = proc.stderr.readline()
            assert line or proc.poll() is None, "the command ended before the function ran"
        time.sleep(0.2)
        proc.send_signal(signum)
        code = proc.wait(timeout=60)  # a wide margin: only "never" would be wrong
        said = proc.stderr.read()
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        proc.stdout.close()
        proc.stderr.close()
    assert code == 128 + signum, said
    assert f"interrupted by {signal.Signals(signum).name}" in said


def test_a_file_imports_modules_beside_it_from_another_folder(tmp_path):
    folder = tmp_path / "sib"
    folder.mkdir()
    (folder / "helpers.py").write_text("from symgrad.maths.numeric import bptt_gradients\n")
    (folder / "student.py").write_text(
        "from helpers import bptt_gradients\n"
        "def bptt(W, U, b, h0, xs, ys):\n"
        "    return bptt_gradients(W, U, b, xs, h0, ys).as_dict()\n"
    )
    out = _cli("check", "sib/student.py:bptt", "-n", "3", "-T", "4", cwd=tmp_path)
    assert out.returncode == 0, out.stderr


def test_load_function_puts_the_files_folder_first_only_while_importing(tmp_path, monkeypatch):
    (tmp_path / "beside_22.py").write_text("VALUE = 1\n")
    (tmp_path / "uses_beside_22.py").write_text(
        "from beside_22 import VALUE\ndef bptt(*args):\n    return VALUE\n"
    )
    monkeypatch.chdir(ROOT)
    before = list(sys.path)
    try:
        assert load_function(f"{tmp_path / 'uses_beside_22.py'}:bptt")() == 1
        assert sys.path == before
    finally:
        for name in ("beside_22", "uses_beside_22"):
            sys.modules.pop(name, None)


# --- a reference too wide to decide is refined, and otherwise undecided, never FAILED ---------
def _inflated(monkeypatch, *, below_bits):
    """Make every enclosure computed with fewer than `below_bits` bits 10⁶ times too wide."""
    import symgrad.check.comparing as check_module

    real = check_module._reference

    def wide(inst, act, model, prec=64):
        enc = real(inst, act, model, prec=prec)
        if enc.precision < below_bits:
            scale = {k: np.linalg.norm(enc.mid[k]) for k in enc.mid}
            enc = type(enc)(
                enc.mid, {k: enc.rad[k] + 1e-9 * scale[k] for k in enc.rad}, enc.precision
            )
        return enc

    monkeypatch.setattr(check_module, "_reference", wide)


def test_a_reference_too_wide_to_decide_is_recomputed_with_more_bits(monkeypatch):
    from symgrad.maths.numeric import bptt_gradients

    _inflated(monkeypatch, below_bits=128)  # 64 bits undecided, 128 bits decide
    result = check_gradients(
        lambda W, U, b, h0, xs, targets: bptt_gradients(W, U, b, xs, h0, targets).as_dict(),
        hidden=3,
        steps=4,
    )
    assert result.ok and result.verdict == "correct"
    assert all(i["bits"] >= 128 for i in result.instances)


def test_a_reference_that_never_decides_gives_undecided_not_failed(monkeypatch):
    from symgrad.maths.numeric import bptt_gradients

    _inflated(monkeypatch, below_bits=10**9)
    result = check_gradients(
        lambda W, U, b, h0, xs, targets: bptt_gradients(W, U, b, xs, h0, targets).as_dict(),
        hidden=3,
        steps=4,
    )
    assert not result.ok
    assert result.verdict == "undecided"
    assert all(p.ok is not False for p in result.parameters)
    assert "Verdict: undecided" in result.report()
    assert result.to_dict()["verdict"] == "undecided"
