"""``pytest --symgrad`` collects the catalogue's theorems as test items (run in subprocesses)."""

import tomllib
import xml.etree.ElementTree as ET
from importlib.metadata import entry_points
from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parent.parent
FAST = "transpose_preserves_spectral_norm,diagonal_spectral_norm"


@pytest.fixture
def course(pytester, monkeypatch):
    """A course repository with one test of its own, symgrad importable from the source tree."""
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    pytester.makepyfile(test_course="def test_own():\n    assert 1 + 1 == 2\n")
    return pytester


#: True when symgrad is installed: pytest then loads the plugin itself, by its entry point
INSTALLED = any(e.name == "symgrad" for e in entry_points(group="pytest11"))


def _run(pytester, *args, subprocess=False):
    run = pytester.runpytest_subprocess if subprocess else pytester.runpytest_inprocess
    load = [] if INSTALLED else ["-p", "symgrad.pytest_plugin"]
    return run(*load, "-p", "no:cacheprovider", *args)


def test_the_plugin_is_registered_by_the_pytest11_entry_point():
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())
    target = data["project"]["entry-points"]["pytest11"]["symgrad"]
    assert target == "symgrad.pytest_plugin"
    module = __import__(target, fromlist=["pytest_addoption"])
    assert callable(module.pytest_addoption)


def test_without_the_flag_nothing_is_added(course):
    result = _run(course, "-q")
    result.assert_outcomes(passed=1)


def test_one_item_per_theorem_with_junit_xml(course, tmp_path):
    xml = tmp_path / "out.xml"
    result = _run(course, "-v", "--symgrad", f"--symgrad-ids={FAST}", f"--junitxml={xml}")
    result.assert_outcomes(passed=3)
    result.stdout.fnmatch_lines(
        [
            "*symgrad::transpose_preserves_spectral_norm PASSED*",
            "*symgrad::diagonal_spectral_norm PASSED*",
        ]
    )
    cases = {c.get("name") for c in ET.parse(xml).getroot().iter("testcase")}
    assert {"transpose_preserves_spectral_norm", "diagonal_spectral_norm", "test_own"} <= cases


def test_a_failing_theorem_reports_its_steps(course):
    course.makeconftest(
        "from symgrad.kernel.catalogue import load_theorem\n"
        "from symgrad.kernel.proof import Outcome\n"
        "thm = load_theorem('diagonal_spectral_norm')\n"
        "thm.steps[0].check = lambda s: Outcome(False, 'falsified on purpose', left='1', right='2')\n"
    )
    # in a fresh process: the conftest falsifies a step of the (cached) theorem
    result = _run(course, "--symgrad", f"--symgrad-ids={FAST}", "-m", "symgrad", subprocess=True)
    result.assert_outcomes(passed=1, failed=1, deselected=1)
    result.stdout.fnmatch_lines(
        [
            "*theorem diagonal_spectral_norm*1 of * steps failed*",
            "*(1) FAILED*falsified on purpose*",
            "*left:  1*",
        ]
    )


def test_an_unknown_theorem_id_is_a_usage_error_with_a_suggestion(course):
    result = _run(course, "--symgrad", "--symgrad-ids=one_step_bund")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*did you mean 'one_step_bound'*"])


def test_an_undecided_theorem_is_skipped_with_its_reason_never_failed(course):
    """A γ search given an impossible budget (0.01 s) decides nothing: skipped, not failed."""
    course.makeconftest(
        "from symgrad.kernel.catalogue import load_theorem\n"
        "from symgrad import derive_gamma\n"
        "thm = load_theorem('diagonal_spectral_norm')\n"
        "thm.steps[0].check = lambda s: derive_gamma('x/2 + Abs(x)*tanh(x)/7', seconds=0.01)\n"
    )
    result = _run(course, "--symgrad", f"--symgrad-ids={FAST}", "-rs", subprocess=True)
    result.assert_outcomes(passed=2, skipped=1)
    result.stdout.fnmatch_lines(["*SKIPPED*undecided (no answer, nothing found false)*0.01 s*"])
    assert "FAILED" not in result.stdout.str()
