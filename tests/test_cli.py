import json
import subprocess
import sys

import pytest

from symgrad import __version__
from symgrad.cli import main


def run(capsys, *argv):
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_bptt_json_reports_ok_and_the_guarantee(capsys):
    code, out, _ = run(capsys, "bptt", "--hidden", "3", "--steps", "6", "--json", "--seed", "4")
    payload = json.loads(out)
    assert code == 0
    assert payload["ok"] is True
    assert payload["seed"] == 4
    assert "Schwartz–Zippel" in payload["guarantee"]
    assert payload["general_form"]["recursion_equals_sum_for_all_T"] is True
    assert {tuple(c["routes"]) for c in payload["comparisons"]} == {
        ("sum of products", "forward mode (direct derivative)"),
        ("backward recursion", "forward mode (direct derivative)"),
    }


def test_bptt_text_shows_formula_verdict_method_and_time(capsys):
    code, out, _ = run(
        capsys, "bptt", "-n", "2", "-T", "3", "--model", "B", "--activation", "sigmoid"
    )
    assert code == 0
    for needle in (
        "General form",
        "Backward recursion",
        "Verdict: holds",
        "Method:",
        "Guarantee:",
        "Time:",
    ):
        assert needle in out


def test_symbolic_method_from_the_command_line(capsys):
    code, out, _ = run(capsys, "bptt", "-n", "1", "-T", "2", "--method", "symbolic", "--json")
    assert code == 0 and json.loads(out)["method"] == "symbolic"


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["bptt", "--hidden", "0", "--steps", "3"], "hidden=0"),
        (["bptt", "--hidden", "2", "--steps", "-1"], "steps=-1"),
        (["bptt", "-n", "2", "-T", "2", "--activation", "tahn"], "did you mean 'tanh'"),
        (["bptt", "-n", "2", "-T", "2", "--model", "C"], "model='C'"),
        (["bptt", "-n", "60", "-T", "400"], "fits"),
        (["bptt", "-n", "2"], "required"),
        (["bptt", "-n", "two", "-T", "2"], "hidden='two'"),
        (["verify", "--examples", "0"], "examples=0"),
        (["frobnicate"], "invalid choice"),
    ],
)
def test_bad_input_exits_2_with_one_line(capsys, argv, needle):
    with pytest.raises(SystemExit) as info:
        code = main(argv)
        raise SystemExit(code)
    out, err = capsys.readouterr()
    assert info.value.code == 2
    assert needle in err
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err
    assert out == ""


def test_version_and_module_entry_point():
    proc = subprocess.run(
        [sys.executable, "-m", "symgrad", "--version"], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0
    assert proc.stdout.strip() == f"symgrad {__version__}"


def test_no_traceback_for_user_errors_in_a_real_process():
    proc = subprocess.run(
        [sys.executable, "-m", "symgrad", "bptt", "-n", "2", "-T", "2", "--activation", "nope"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr


def test_debug_shows_the_traceback():
    proc = subprocess.run(
        [sys.executable, "-m", "symgrad", "--debug", "bptt", "-n", "0", "-T", "2"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode != 0
    assert "Traceback" in proc.stderr


def test_list_shows_every_theorem(capsys):
    from symgrad.kernel.catalogue import catalogue_ids

    code, out, _ = run(capsys, "list", "--json")
    payload = json.loads(out)
    assert code == 0 and payload["ok"]
    assert [t["id"] for t in payload["theorems"]] == catalogue_ids()


def _in_a_fresh_interpreter(probe: str) -> subprocess.CompletedProcess:
    """Run `probe` as a user's command would start: a new interpreter, nothing imported."""
    proc = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=False
    )
    assert proc.returncode == 0, proc.stderr
    return proc


def test_list_reads_the_registry_without_loading_sympy_hypothesis_or_a_proof():
    # run as a user would: a fresh interpreter, then see what the command imported
    probe = (
        "import sys, io, contextlib\n"
        "from symgrad.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        "    code = main(['list', '--json'])\n"
        "heavy = ('sympy', 'numpy', 'hypothesis', 'flint', 'symgrad_catalogue')\n"
        "print(code, sorted({m.split('.')[0] for m in sys.modules} & set(heavy)))\n"
    )
    proc = _in_a_fresh_interpreter(probe)
    assert proc.stdout.split() == ["0", "[]"]


def test_bptt_prints_its_general_form_as_sympy_does_without_loading_physical_units():
    probe = (
        "import sys, sympy as sp\n"
        "from symgrad.maths.bptt import sum_of_products_formula\n"
        "from symgrad.cli.text import _pretty_without_units\n"
        "from symgrad.render.printing import pretty\n"
        "for model in 'AB':\n"
        "    formula = sum_of_products_formula(model)\n"
        "    ours = _pretty_without_units(formula)\n"
        "    print(model, any(m.startswith('sympy.physics') for m in sys.modules))\n"
        "    print(model, ours == pretty(formula), '⋅' in ours)\n"
        "import sympy.physics.units as u\n"
        "print(u.Quantity.__module__)\n"
    )
    proc = _in_a_fresh_interpreter(probe)
    # model A: nothing loaded, the same text (with a product in it); model B: printed after
    # SymPy's own printer loaded the package, the same text again; the real package afterwards
    assert proc.stdout.splitlines() == [
        "A False",
        "A True True",
        "B True",
        "B True True",
        "sympy.physics.units.quantities",
    ]


def test_bptt_starts_its_job_before_loading_sympy_and_its_help_still_names_every_activation():
    probe = (
        "import sys\n"
        "from symgrad.cli import _build_parser\n"
        "parser, subparsers = _build_parser({'bptt'})\n"
        "parser.parse_args(['bptt', '-n', '3', '-T', '6'])\n"
        "print('sympy' in sys.modules)\n"
        "text = subparsers['bptt'].format_help()\n"
        "from symgrad.maths.activations import ACTIVATIONS\n"
        "print(', '.join(ACTIVATIONS) in ' '.join(text.split()))\n"
    )
    proc = _in_a_fresh_interpreter(probe)
    assert proc.stdout.split() == ["False", "True"]


def test_show_renders_text_markdown_and_latex(capsys):
    for fmt, needle in (
        ("text", "Steps:"),
        ("markdown", "| # | step |"),
        ("latex", r"\begin{align}"),
    ):
        code, out, _ = run(capsys, "show", "eta_decay", "--format", fmt)
        assert code == 0 and needle in out


def test_verify_json_lists_theorems_with_evidence(capsys):
    code, out, _ = run(capsys, "verify", "one_step_bound", "eta_decay", "--json", "--examples", "5")
    payload = json.loads(out)
    assert code == 0 and payload["ok"] is True
    assert [t["id"] for t in payload["theorems"]] == ["one_step_bound", "eta_decay"]
    for thm in payload["theorems"]:
        assert thm["ok"] is True
        assert all(
            step["evidence"] in {"proved", "checked", "tested", "cited", "refuted"}
            for step in thm["steps"]
        )
    assert payload["versions"]["symgrad"] == __version__


def test_verify_exits_1_when_a_check_fails(capsys, monkeypatch):
    from symgrad.maths import bounds

    monkeypatch.setattr(bounds, "gamma_of", lambda act: 0.1)
    code, out, _ = run(capsys, "verify", "one_step_bound", "--timeout", "none")  # in-process
    assert code == 1
    assert "FAILED" in out and "left:" in out and "right:" in out


def test_gamma_json_has_the_promised_fields(capsys):
    code, out, _ = run(capsys, "gamma", "1/(1+exp(-x))", "--json")
    payload = json.loads(out)
    assert code == 0 and payload["ok"] is True
    assert payload["gamma_exact"] == "1/4" and payload["gamma"] == 0.25
    assert payload["attained"] is True and payload["argmax"] == ["x = 0"]
    # SymPy's forms (read back by the parser) and, beside them, the printers' text and LaTeX
    printed = payload["printed"]
    assert printed["gamma"] == {"text": "1/4", "latex": r"$\frac{1}{4}$"}
    assert printed["argmax"] == [{"text": "x = 0", "latex": "$x = 0$"}]
    lines = [c["text"] for c in printed["certificate"]] + [printed["derivative"]["text"]]
    assert len(lines) == 3 and not any("*" in t for t in lines)  # no ** nor * of SymPy's
    assert all(c["latex"].startswith("$") for c in printed["certificate"])


def test_gamma_of_an_unbounded_derivative_is_null(capsys):
    code, out, _ = run(capsys, "gamma", "x**3", "--json")
    payload = json.loads(out)
    assert code == 0 and payload["gamma"] is None and payload["bounded"] is False


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["show", "eta_decy"], "did you mean 'eta_decay'"),
        (["verify", "nope_theorem"], "theorem='nope_theorem'"),
        (["gamma", "__import__('os')"], "not allowed"),
        (["gamma", "y*2"], "the name 'y'"),
    ],
)
def test_more_bad_input_exits_2(capsys, argv, needle):
    code = main(argv)
    _, err = capsys.readouterr()
    assert code == 2 and needle in err and len(err.strip().splitlines()) == 1


def test_show_run_prints_the_counterexample(capsys):
    code, out, _ = run(capsys, "show", "refuted_large_singular_value_explodes", "--run")
    assert code == 0
    assert "counterexample:" in out and "shrunk by Hypothesis" in out


def test_latex_command_writes_a_snippet_and_a_document(capsys, tmp_path):
    snippet_path = tmp_path / "notes.tex"
    code, _, _ = run(capsys, "latex", "eta_decay", "-o", str(snippet_path), "--snippet")
    assert code == 0 and snippet_path.read_text().startswith(r"\begin{theorem}")
    doc = tmp_path / "doc.tex"
    code, _, _ = run(capsys, "latex", "eta_decay", "-o", str(doc), "--title", r"My \notes & 100%")
    text = doc.read_text()
    assert code == 0 and r"\documentclass" in text
    assert r"My \textbackslash{}notes \& 100\%" in text


def test_latex_slides_of_chosen_theorems_keep_their_figures(capsys, tmp_path):
    out = tmp_path / "eta.tex"
    code, _, _ = run(capsys, "latex", "eta_decay", "--document", "slides", "-o", str(out))
    figure = tmp_path / "figures" / "jacobian_norms-slides.pdf"
    assert code == 0 and figure.read_bytes().startswith(b"%PDF")
    text = out.read_text()
    assert "{figures/jacobian_norms-slides.pdf}" in text and text.count(r"\includegraphics") == 1
    handout = tmp_path / "h.tex"
    code, _, _ = run(capsys, "latex", "eta_decay", "--document", "handout", "-o", str(handout))
    assert code == 0 and "{figures/jacobian_norms.pdf}" in handout.read_text()
    for bad, what in (
        (["--deck", "full"], "--deck and --plan choose the slides"),
        (["--document", "slides", "--plan", str(tmp_path / "none.toml")], "cannot be read"),
    ):
        code = main(["latex", "eta_decay", "-o", str(tmp_path / "x.tex"), *bad])
        err = capsys.readouterr().err
        assert code == 2 and what in err and "Traceback" not in err
    assert not (tmp_path / "x.tex").exists()


def test_plot_command_writes_the_figure(capsys, tmp_path):
    out = tmp_path / "t.png"
    code, _, _ = run(capsys, "plot", "transient_growth", "-o", str(out))
    assert code == 0 and out.read_bytes().startswith(b"\x89PNG")


@pytest.mark.parametrize("value", ["inf", "1e400", "1e300", "-1", "-0.5", "nan", "ten"])
def test_a_timeout_that_is_not_a_usable_number_is_one_line(capsys, value):
    with pytest.raises(SystemExit) as info:
        main(["gamma", "tanh", "--timeout", value])
    err = capsys.readouterr().err
    assert info.value.code == 2
    assert f"timeout={value!r}" in err and err.count("\n") == 1 and "Traceback" not in err


@pytest.mark.parametrize(
    "argv",
    [["gamma", "tanh", "--time", "2"], ["gamma", "tanh", "--timeo=2"], ["latex", "--out", "a.tex"]],
)
def test_abbreviated_options_are_not_accepted(capsys, argv):
    with pytest.raises(SystemExit) as info:
        main(argv)
    err = capsys.readouterr().err
    assert info.value.code == 2
    assert "unrecognized arguments" in err or "required: -o/--output" in err


def test_every_command_with_work_to_do_has_a_documented_default_limit(capsys):
    from symgrad.cli import COMMANDS

    limited = {name for name, cmd in COMMANDS.items() if cmd.limit}
    assert {"bptt", "gamma", "verify", "report", "latex", "plot", "show"} <= limited
    with pytest.raises(SystemExit):
        main(["--help"])
    text = " ".join(capsys.readouterr().out.split())
    for name in limited:
        assert f"{name} {COMMANDS[name].limit:g} s" in text
    assert "130/143" in text


@pytest.mark.parametrize("argv", [["gamma", "-x**2", "--json"], ["gamma", "--json", "--", "-x**2"]])
def test_an_expression_that_begins_with_a_minus_is_read_as_the_expression(capsys, argv):
    code, out, _ = run(capsys, *argv)
    payload = json.loads(out)
    assert code == 0 and payload["input"] == "-x**2" and payload["bounded"] is False


@pytest.mark.parametrize(
    "title", ["a\x00b", "line\nbreak", "tab\there", "bell\x07", "rtl\u202eevil"]
)
def test_control_characters_in_the_title_are_refused_before_any_work(capsys, tmp_path, title):
    with pytest.raises(SystemExit) as info:
        main(["latex", "-o", str(tmp_path / "t.tex"), "--pdf", "--title", title])
    err = capsys.readouterr().err
    assert info.value.code == 2 and "control character" in err and err.count("\n") == 1
    assert list(tmp_path.iterdir()) == []


def test_latex_with_a_folder_where_the_pdf_goes_writes_nothing(capsys, tmp_path):
    (tmp_path / "p.pdf").mkdir()
    code = main(["latex", "eta_decay", "-o", str(tmp_path / "p.tex"), "--pdf"])
    err = capsys.readouterr().err
    assert code == 2 and "p.pdf' is a folder, not a file" in err and err.count("\n") == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["p.pdf"]


@pytest.mark.parametrize(
    ("command", "target"),
    [
        (["report", "--no-pdf", "-o"], "/sys/symgrad-report"),
        (["report", "--no-pdf", "-o"], "/proc/self/symgrad-report"),
        (["latex", "-o"], "/etc/hostname/notes.tex"),
        (["plot", "activations", "-o"], "/sys/a.png"),
    ],
)
def test_an_unwritable_destination_is_one_line_before_any_work(capsys, command, target):
    code = main([*command, target])
    err = capsys.readouterr().err
    assert code == 2 and f"output={target!r}" in err and err.count("\n") == 1


def test_a_report_over_an_earlier_one_leaves_no_stale_pdf(tmp_path):
    from symgrad.kernel.proof import RunSettings
    from symgrad.report import BUNDLE_NAMES, make_report
    from symgrad.runtime.files import staged_directory, write_atomic

    out = tmp_path / "r"
    with staged_directory(out) as stage:  # an older report, with a PDF
        write_atomic(stage / "derivations.pdf", "an older report, seed 0")
    make_report(out, settings=RunSettings(examples=3, seed=5), pdf=False, ids=["eta_decay"])
    names = {p.name for p in out.iterdir()}
    assert "derivations.pdf" not in names
    assert names - {".symgrad-bundle"} <= set(BUNDLE_NAMES)
    assert json.loads((out / "results.json").read_text())["settings"]["seed"] == 5


def test_a_report_refuses_a_folder_of_other_files(capsys, tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    code = main(["report", "-o", str(tmp_path), "--no-pdf"])
    assert (
        code == 2 and "did not write or that changed since (notes.txt)" in capsys.readouterr().err
    )
    assert (tmp_path / "notes.txt").read_text() == "mine"


def test_a_report_never_replaces_user_files_named_like_a_bundle(capsys, tmp_path):
    out = tmp_path / "B"
    (out / "figures").mkdir(parents=True)
    (out / "results.json").write_text('{"my": "data"}')
    (out / "handout.tex").write_text("my notes")
    (out / "figures" / "mydiagram.png").write_bytes(b"mine")
    code = main(["report", "-o", str(out), "--no-pdf", "--timeout", "none"])
    err = capsys.readouterr().err
    assert code == 2 and err.count("\n") == 1
    assert all(n in err for n in ("results.json", "handout.tex", "figures/mydiagram.png"))
    assert sorted(str(p.relative_to(out)) for p in out.rglob("*")) == [
        "figures",
        "figures/mydiagram.png",
        "handout.tex",
        "results.json",
    ]
    assert (out / "results.json").read_text() == '{"my": "data"}'


def test_an_unexpected_exception_is_one_line_and_exit_3(capsys, monkeypatch):
    from symgrad import cli

    def broken(args):
        raise RuntimeError("something inside broke")

    monkeypatch.setitem(
        cli.COMMANDS, "list", cli.Command("list", broken, "x", cli.theorems._args_list)
    )
    assert main(["list"]) == 3
    err = capsys.readouterr().err
    assert "internal error: RuntimeError: something inside broke" in err and err.count("\n") == 1
    with pytest.raises(RuntimeError):
        main(["--debug", "list"])


def test_json_output_is_strict(capsys):
    from symgrad.cli.text import _emit

    _emit({"ok": True, "gamma": float("inf"), "xs": [float("nan"), 1.0]}, True, str)
    assert json.loads(capsys.readouterr().out) == {"ok": True, "gamma": None, "xs": [None, 1.0]}


def test_output_files_get_the_usual_permissions(capsys, tmp_path):
    import os

    old = os.umask(0o022)
    try:
        assert main(["latex", "eta_decay", "-o", str(tmp_path / "n.tex"), "--snippet"]) == 0
    finally:
        os.umask(old)
    assert (tmp_path / "n.tex").stat().st_mode & 0o777 == 0o644


def test_an_impossible_budget_for_gamma_is_undecided_with_exit_2_in_json(capsys):
    code, out, err = run(capsys, "gamma", "x/2 + Abs(x)*tanh(x)/5", "--timeout", "0.01", "--json")
    assert code == 2
    payload = json.loads(out)
    assert payload["ok"] is False and payload["verdict"] == "undecided"
    assert "FAILED" not in out + err and "Traceback" not in err


def test_gamma_saves_a_certificate_that_check_certificate_accepts(capsys, tmp_path):
    path = tmp_path / "mine.json"
    code, out, _ = run(capsys, "gamma", "x/2 + Abs(x)*tanh(x)/5", "--certificate", str(path))
    assert code == 0 and f"certificate written to {path}" in out
    code, out, _ = run(capsys, "check-certificate", str(path), "--json")
    payload = json.loads(out)
    assert code == 0 and payload["verdict"] == "holds" and payload["covers"] >= 1
    code, out, _ = run(capsys, "check-certificate", str(path), "--expression", "x/2")
    assert code == 1 and "stale or belongs to another expression" in out


def test_check_certificate_rejects_an_edited_file_with_exit_1(capsys, tmp_path):
    from symgrad.maths.certificates import certificate_dir

    text = (certificate_dir() / "sigmoid.json").read_text(encoding="utf-8")
    edited = tmp_path / "sigmoid.json"
    edited.write_text(text.replace('"1/4"', '"1/5"'), encoding="utf-8")
    code, out, err = run(capsys, "check-certificate", str(edited))
    assert code == 1 and out.startswith("rejected:") and "digest" in out and not err
    code, _, err = run(capsys, "check-certificate", str(tmp_path / "absent.json"))
    assert code == 2 and "does not exist" in err and "Traceback" not in err


def test_check_certificate_rejects_deep_json_and_a_fifo_with_exit_1_at_once(capsys, tmp_path):
    import os

    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000, encoding="utf-8")
    fifo = tmp_path / "fifo.json"
    os.mkfifo(fifo)  # no writer: a read would wait for one
    for path in (deep, fifo):
        code, out, err = run(capsys, "check-certificate", str(path))
        assert code == 1 and "not a certificate" in out and not err, (path, out, err)


def test_certify_writes_checked_certificates_where_asked(capsys, tmp_path):
    code, out, _ = run(capsys, "certify", "sigmoid", "relu", "-o", str(tmp_path), "--json")
    payload = json.loads(out)
    assert code == 0 and sorted(p.rsplit("/", 1)[1] for p in payload["files"]) == [
        "relu.json",
        "sigmoid.json",
    ]
    code, out, _ = run(capsys, "check-certificate", str(tmp_path / "relu.json"))
    assert code == 0 and "holds" in out
    code, _, err = run(capsys, "certify", "sigmod", "-o", str(tmp_path))
    assert code == 2 and "did you mean 'sigmoid'" in err


def test_verify_reports_each_verdict_and_exits_by_the_worst(capsys):
    code, out, _ = run(capsys, "verify", "one_step_bound", "refuted_transient_growth", "--json")
    payload = json.loads(out)
    assert code == 0
    assert payload["verdicts"] == {"holds": 1, "refuted": 1, "FAILED": 0, "undecided": 0}
    assert [t["verdict"] for t in payload["theorems"]] == ["holds", "refuted"]


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["bptt", "-n", "３", "-T", "6"], "hidden='３'"),
        (["bptt", "-n", "3", "-T", "١٢"], "steps='١٢'"),
        (["bptt", "-n", "3", "-T", "1_000"], "steps='1_000'"),
        (["bptt", "-n", " 3", "-T", "2"], "hidden=' 3'"),
        (["verify", "eta_decay", "--seed", "١٢"], "seed='١٢'"),
        (["exercises", "--seed", "+1", "-o", "d"], "seed='+1'"),
        (["gamma", "tanh", "--timeout", "３"], "timeout='３'"),
        (["gamma", "tanh", "--timeout", "1_0"], "timeout='1_0'"),
    ],
)
def test_numbers_are_read_from_ascii_digits_only_and_the_message_says_so(capsys, argv, needle):
    with pytest.raises(SystemExit) as info:
        main(argv)
    out, err = capsys.readouterr()
    assert info.value.code == 2 and out == ""
    assert needle in err and "ASCII digits 0-9" in err and err.count("\n") == 1


@pytest.mark.parametrize("examples", ["99999999999999999999999999999999999", "100001"])
def test_examples_above_the_cap_are_a_usage_error(capsys, examples):
    with pytest.raises(SystemExit) as info:
        main(["verify", "--examples", examples, "diagonal_spectral_norm"])
    err = capsys.readouterr().err
    assert info.value.code == 2 and "must be at most 100000" in err and err.count("\n") == 1


def test_examples_that_cannot_finish_in_the_time_limit_are_refused_before_any_work(capsys):
    code = main(["verify", "--examples", "100000", "--timeout", "60", "--json"])
    out, err = capsys.readouterr()
    payload = json.loads(out)
    assert code == 2 and payload["ok"] is False and payload["error"]["kind"] == "budget"
    fit = int(payload["error"]["message"].split("about ")[-1].split(" examples fit")[0])
    assert 1 <= fit < 100000 and "examples fit" in err
    # the suggestion itself fits: predicted below the limit, so it is not refused
    import argparse

    from symgrad.cli.options import _check_examples_cost

    _check_examples_cost(argparse.Namespace(examples=fit, ids=None), 60)


def _json_object(out: str) -> dict:
    payload = json.loads(out)  # one strict JSON object, nothing else on stdout
    assert isinstance(payload, dict) and set(payload["error"]) == {"kind", "message"}
    return payload


@pytest.mark.parametrize(
    ("argv", "kind"),
    [
        (["bptt", "-n", "two", "-T", "2", "--json"], "usage"),
        (["--json", "frobnicate"], "usage"),
        (["gamma", "--json", "--timeout", "ten", "tanh"], "usage"),
        (["verify", "--examples", "100001", "--json"], "usage"),
        (["bptt", "-n", "0", "-T", "2", "--json"], "invalid-input"),
        (["bptt", "-n", "60", "-T", "400", "--json"], "budget"),
        (["show", "eta_decy", "--json"], "usage"),
        (["verify", "eta_decy", "--json"], "unknown-name"),
        (["gamma", "y*2", "--json"], "invalid-input"),
    ],
)
def test_with_json_every_error_is_one_json_object_on_stdout_and_one_line_on_stderr(
    capsys, argv, kind
):
    try:
        code = main(argv)
    except SystemExit as exc:
        code = exc.code
    out, err = capsys.readouterr()
    payload = _json_object(out)
    assert code == 2 and payload["ok"] is False and payload["error"]["kind"] == kind
    assert err.count("\n") == 1 and payload["error"]["message"] in err


def test_with_json_a_refused_destination_and_a_timeout_are_json_too(capsys, tmp_path):
    (tmp_path / "B").mkdir()
    (tmp_path / "B" / "results.json").write_text('{"my": "data"}')
    code = main(["report", "-o", str(tmp_path / "B"), "--no-pdf", "--json"])
    payload = _json_object(capsys.readouterr().out)
    assert code == 2 and "results.json" in payload["error"]["message"]
    code = main(
        ["bptt", "-n", "12", "-T", "40", "--method", "random", "--timeout", "0.5", "--json"]
    )
    out, err = capsys.readouterr()
    payload = _json_object(out)
    assert code == 2 and payload["error"]["kind"] == "timeout" and "time limit" in err


def test_latex_writes_no_student_document_when_a_theorem_failed(capsys, monkeypatch, tmp_path):
    import symgrad.kernel.proof
    from symgrad.kernel.catalogue import load_theorem
    from symgrad.kernel.proof import Outcome

    monkeypatch.setattr(symgrad.kernel.proof, "_RESULTS", {})  # the falsified run is not kept
    step = load_theorem("diagonal_spectral_norm").steps[0]
    monkeypatch.setattr(step, "check", lambda s: Outcome(False, "falsified", left="1", right="2"))
    out = tmp_path / "handout.tex"
    argv = ["latex", "diagonal_spectral_norm", "--document", "handout", "-o", str(out)]
    code, _, err = run(capsys, *argv, "--timeout", "none")
    assert code == 1 and "nothing written: diagonal_spectral_norm (FAILED)" in err
    assert not out.exists() and not list(tmp_path.iterdir())
    code, _, _ = run(capsys, "latex", "diagonal_spectral_norm", "-o", str(out), "--timeout", "none")
    assert code == 1 and "FAILED" in out.read_text(encoding="utf-8")  # the record shows it


def test_an_undecided_payload_exits_2_never_1(capsys):
    from symgrad.cli.text import _emit

    assert _emit({"ok": False, "verdict": "undecided"}, True, str) == 2
    assert _emit({"ok": False, "verdict": "FAILED"}, True, str) == 1
    assert _emit({"ok": True, "verdict": "holds"}, True, str) == 0
