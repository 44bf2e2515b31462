"""One table of bad inputs for the public functions and the commands: each gives a clear
symgrad error (that is also the matching builtin), raised before any work or any file."""

import numpy as np
import pytest
import sympy as sp

import symgrad
from symgrad.cli import main
from symgrad.errors import SymgradError
from symgrad.maths import numeric
from symgrad.maths.remedies import clip_by_global_norm, regulariser_gain
from symgrad.maths.strategies import matrices_with_spectral_norm
from symgrad.render.figures import render_figure

OK = (np.eye(2), np.ones((2, 1)), np.zeros(2), np.zeros((3, 1, 1)), np.zeros((1, 2)))

CASES = [
    ("BPTTInstance hidden", lambda: symgrad.BPTTInstance(0, 3), ValueError, "hidden=0"),
    ("BPTTInstance model", lambda: symgrad.BPTTInstance(2, 3, model="C"), LookupError, "model='C'"),
    (
        "verify_bptt budget",
        lambda: symgrad.verify_bptt(symgrad.BPTTInstance(50, 300)),
        ValueError,
        "fits",
    ),
    (
        "verify_bptt method",
        lambda: symgrad.verify_bptt(symgrad.BPTTInstance(1, 1), method="x"),
        LookupError,
        "method='x'",
    ),
    ("SymbolicRNN steps", lambda: symgrad.SymbolicRNN(2, steps=0), ValueError, "steps=0"),
    (
        "SymbolicRNN activation",
        lambda: symgrad.SymbolicRNN(2, activation="relux"),
        LookupError,
        "did you mean 'relu'",
    ),
    (
        "Activation symbols",
        lambda: symgrad.Activation("a", sp.Symbol("x", real=True) + sp.Symbol("y")),
        ValueError,
        "only the variable x",
    ),
    ("derive_gamma parse", lambda: symgrad.derive_gamma("x.__class__"), ValueError, "attribute"),
    ("parse_expression type", lambda: symgrad.parse_expression(3), ValueError, "must be a string"),
    (
        "bptt_gradients shape",
        lambda: symgrad.bptt_gradients(*OK[:4], np.zeros((1, 3)), np.zeros((3, 1, 2))),
        ValueError,
        "h0.shape",
    ),
    (
        "jacobian_norms sample",
        lambda: symgrad.jacobian_norms(*OK, sample=5),
        ValueError,
        "sample=5",
    ),
    ("load_theorem id", lambda: symgrad.load_theorem("eta"), LookupError, "theorem='eta'"),
    ("RunSettings examples", lambda: symgrad.RunSettings(examples=-1), ValueError, "examples=-1"),
    (
        "render_figure name",
        lambda: render_figure("nope", "/tmp/x.png"),
        LookupError,
        "figure='nope'",
    ),
    (
        "render_figure suffix",
        lambda: render_figure("activations", "/tmp/x.jpg"),
        ValueError,
        ".png, .pdf or .svg",
    ),
    (
        "clip threshold",
        lambda: clip_by_global_norm({"W": np.ones(2)}, 0),
        ValueError,
        "threshold=0",
    ),
    (
        "regulariser zero error",
        lambda: regulariser_gain(np.eye(2), np.ones(2), np.zeros(2)),
        ValueError,
        "error=0",
    ),
    (
        "strategy norm",
        lambda: matrices_with_spectral_norm(2, norm=float("inf")),
        ValueError,
        "norm=inf",
    ),
    ("ys NaN", lambda: symgrad.bptt_gradients(*OK, np.full((3, 1, 2), np.nan)), ValueError, "ys"),
    ("W complex", lambda: symgrad.forward(1j * np.eye(2), *OK[1:]), ValueError, "W is complex"),
    ("W of strings", lambda: symgrad.forward(np.array([["a"]]), *OK[1:]), ValueError, "dtype"),
    (
        "n = 0",
        lambda: symgrad.forward(
            np.zeros((0, 0)), np.zeros((0, 1)), np.zeros(0), *OK[3:4], np.zeros((1, 0))
        ),
        ValueError,
        "at least one hidden unit",
    ),
    (
        "m = 0",
        lambda: symgrad.forward(OK[0], np.zeros((2, 0)), OK[2], np.zeros((3, 1, 0)), OK[4]),
        ValueError,
        "T, B, m ≥ 1",
    ),
    ("sample bool", lambda: symgrad.jacobian_norms(*OK, sample=True), ValueError, "sample=True"),
    ("sample float", lambda: symgrad.jacobian_norms(*OK, sample=1.5), ValueError, "sample=1.5"),
    (
        "huge W",
        lambda: symgrad.jacobian_norms(
            np.eye(2) * 1e200,
            np.ones((2, 1)),
            np.zeros(2),
            np.ones((6, 1, 1)),
            np.ones((1, 2)),
            "identity",
        ),
        ValueError,
        "overflowed",
    ),
    (
        "finite differences step",
        lambda: numeric.finite_difference_gradients(*OK, np.zeros((3, 1, 2)), step=0),
        ValueError,
        "step=0",
    ),
    (
        "one_step_jacobians model",
        lambda: numeric.one_step_jacobians(symgrad.forward(*OK), OK[0], model="C"),
        LookupError,
        "model='C'",
    ),
    (
        "Activation Heaviside",
        lambda: symgrad.Activation("step", sp.Heaviside(sp.Symbol("x", real=True))),
        ValueError,
        "Heaviside",
    ),
    (
        "derive_gamma floor",
        lambda: symgrad.derive_gamma(sp.floor(sp.Symbol("x", real=True))),
        ValueError,
        "floor is not supported",
    ),
    ("derive_gamma jump", lambda: symgrad.derive_gamma("sign(1/x)"), ValueError, "x = 0"),
    (
        "derive_gamma seconds",
        lambda: symgrad.derive_gamma("tanh", seconds=0),
        ValueError,
        "seconds=0",
    ),
    ("parse log(0)", lambda: symgrad.parse_expression("log(0)"), ValueError, "undefined"),
    ("parse 0**-1", lambda: symgrad.parse_expression("x + 0**-1"), ValueError, "undefined"),
    ("parse complex", lambda: symgrad.parse_expression("x + sqrt(-2)"), ValueError, "not a real"),
    ("SymbolicRNN memory", lambda: symgrad.SymbolicRNN(hidden=3000), ValueError, "fits"),
    ("run_theorems id", lambda: symgrad.run_theorems(["nope"]), TypeError, "theorems[0]='nope'"),
    ("run_theorems text", lambda: symgrad.run_theorems("nope"), TypeError, "theorems='nope'"),
    (
        "run_theorems settings",
        lambda: symgrad.run_theorems([], settings={"seed": 1}),
        TypeError,
        "settings=",
    ),
    ("verify_bptt tuple", lambda: symgrad.verify_bptt((1, 1)), TypeError, "instance=(1, 1)"),
    (
        "verify_bptt seed",
        lambda: symgrad.verify_bptt(symgrad.BPTTInstance(1, 1), seed=-1),
        ValueError,
        "seed=-1",
    ),
    (
        "verify_bptt trials",
        lambda: symgrad.verify_bptt(symgrad.BPTTInstance(1, 1), trials=2.0),
        TypeError,
        "trials=2.0",
    ),
    ("RunSettings seed", lambda: symgrad.RunSettings(seed=-1), ValueError, "seed=-1"),
    ("RunSettings examples", lambda: symgrad.RunSettings(examples=10**9), ValueError, "at most"),
    ("is_zero text", lambda: symgrad.is_zero("abc"), TypeError, "expr='abc'"),
    ("is_zero nan", lambda: symgrad.is_zero(sp.nan), ValueError, "expr=nan"),
    ("is_zero infinity", lambda: symgrad.is_zero(sp.oo - sp.oo), ValueError, "nan"),
    (
        "bptt_gradients loss overflow",
        lambda: symgrad.bptt_gradients(*OK, np.full((3, 1, 2), 1e200)),
        ValueError,
        "the loss overflowed",
    ),
]


def test_numpy_integers_are_accepted_wherever_python_integers_are():
    n, T = np.int64(2), np.int32(3)
    instance = symgrad.BPTTInstance(hidden=n, steps=T)
    assert (instance.hidden, instance.steps) == (2, 3) and type(instance.hidden) is int
    assert symgrad.verify_bptt(instance, trials=np.int64(1), seed=np.uint8(4)).ok
    assert symgrad.RunSettings(examples=np.int16(3), seed=np.int64(1)).seed == 1
    assert symgrad.jacobian_norms(*OK, sample=np.int64(0)) is not None


def test_a_negative_seed_is_refused_by_every_function_that_takes_one():
    from symgrad.maths.training import train

    calls = [
        lambda: symgrad.RunSettings(seed=-1),
        lambda: symgrad.verify_bptt(symgrad.BPTTInstance(1, 1), seed=-1),
        lambda: train(hidden=2, steps=2, iterations=1, seed=-1),
    ]
    for call in calls:
        with pytest.raises(SymgradError, match="seed=-1 must be an integer ≥ 0"):
            call()


@pytest.mark.parametrize(("name", "call", "builtin", "needle"), CASES, ids=[c[0] for c in CASES])
def test_bad_input_raises_a_clear_symgrad_error(name, call, builtin, needle):
    with pytest.raises(SymgradError) as info:
        call()
    assert isinstance(info.value, builtin)
    assert needle in str(info.value)


COMMANDS = [
    (["bptt", "-n", "0", "-T", "2"], "hidden=0"),
    (["gamma", "import os"], "not valid syntax"),
    (["verify", "--seed", "-1"], "seed=-1"),
    (["show", "nothing_here"], "theorem='nothing_here'"),
    (["latex", "-o", "x.pdf"], ".tex"),
    (["latex", "eta_decy", "-o", "x.tex"], "did you mean 'eta_decay'"),
    (["plot", "nope", "-o", "x.png"], "is not known"),
    (["plot", "activations", "-o", "x.gif"], ".png, .pdf or .svg"),
    (["bptt", "-n", "３", "-T", "2"], "ASCII digits"),
    (["bptt", "-n", "2", "-T", "1_000"], "steps='1_000'"),
    (["verify", "--examples", "9" * 35, "eta_decay"], "at most 100000"),
    (["verify", "--examples", "100000", "eta_decay", "--timeout", "1"], "examples fit"),
]


@pytest.mark.parametrize(("argv", "needle"), COMMANDS)
def test_bad_command_input_exits_2_with_one_line_and_writes_nothing(
    argv, needle, capsys, tmp_path, monkeypatch
):
    monkeypatch.chdir(tmp_path)
    try:
        code = main(argv)
    except SystemExit as exc:  # argparse usage errors
        code = exc.code
    _, err = capsys.readouterr()
    assert code == 2
    assert needle in err and len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert list(tmp_path.iterdir()) == []
