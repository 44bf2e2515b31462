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
        (["bptt", "-n", "two", "-T", "2"], "invalid int value"),
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
    from symgrad.catalogue import catalogue_ids

    code, out, _ = run(capsys, "list", "--json")
    payload = json.loads(out)
    assert code == 0 and payload["ok"]
    assert [t["id"] for t in payload["theorems"]] == catalogue_ids()


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
    from symgrad import bounds

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


def test_gamma_of_an_unbounded_derivative_is_null(capsys):
    code, out, _ = run(capsys, "gamma", "x**3", "--json")
    payload = json.loads(out)
    assert code == 0 and payload["gamma"] is None and payload["bounded"] is False


@pytest.mark.parametrize(
    ("argv", "needle"),
    [
        (["show", "eta_decy"], "did you mean 'eta_decay'"),
        (["verify", "nope_theorem"], "theorem='nope_theorem'"),
        (["verify", "--examples", "0"], "examples=0"),
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


def test_plot_command_writes_the_figure(capsys, tmp_path):
    out = tmp_path / "t.png"
    code, _, _ = run(capsys, "plot", "transient_growth", "-o", str(out))
    assert code == 0 and out.read_bytes().startswith(b"\x89PNG")
