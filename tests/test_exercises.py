"""Exercise sheets: parameters drawn per seed, solutions computed and checked, PDFs compile."""

import shutil
import subprocess

import pytest

from symgrad.cli import main
from symgrad.errors import ExerciseCheckError, InvalidArgumentError
from symgrad.render import exercises
from symgrad.render.exercises import exercise_set, spectral_norm_exact

needs_tex = pytest.mark.skipif(shutil.which("pdflatex") is None, reason="pdflatex not installed")
RAW = ("Sum(", "Product(", "**", "sqrt(", "Matrix(", "?")


def test_different_seeds_give_different_parameters():
    sheets = [[e.parameters for e in exercise_set(seed)] for seed in range(6)]
    for i in range(5):
        assert sum(a != b for a, b in zip(sheets[i], sheets[i + 1], strict=True)) >= 3
    assert sheets[2] == [e.parameters for e in exercise_set(2)]  # and the same seed, the same


@pytest.mark.parametrize("seed", [6, 7, 14, 21])  # 14, 21: the wrong line is line 1
def test_every_solution_ran_its_checks(seed):
    for ex in exercise_set(seed):
        assert ex.checks, ex.title
        assert ex.question and ex.solution


def test_a_wrong_spectral_norm_is_caught_by_the_solution_check(monkeypatch):
    import sympy as sp

    monkeypatch.setattr(exercises, "spectral_norm_exact", lambda W: sp.Integer(7))
    with pytest.raises(ExerciseCheckError):
        exercise_set(0)


def test_the_exact_spectral_norm_is_the_largest_singular_value():
    import numpy as np
    import sympy as sp

    W = sp.Matrix([[sp.Rational(3, 5), 2], [0, sp.Rational(-1, 3)]])
    exact = float(sp.N(spectral_norm_exact(W), 30))
    assert exact == pytest.approx(np.linalg.norm(np.array(W.tolist(), dtype=float), 2), rel=1e-14)


def test_a_negative_seed_is_refused():
    with pytest.raises(InvalidArgumentError):
        exercise_set(-1)


@needs_tex
@pytest.mark.parametrize("seed", [0, 11])
def test_the_command_writes_both_sheets_as_pdfs_without_raw_sympy(tmp_path, seed, capsys):
    assert main(["exercises", "--seed", str(seed), "-o", str(tmp_path)]) == 0
    for kind in ("exercises", "solutions"):
        pdf = tmp_path / f"{kind}-{seed}.pdf"
        text = subprocess.run(
            ["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True
        ).stdout
        assert not [r for r in RAW if r in text], (kind, text)
        assert (tmp_path / f"{kind}-{seed}.tex").exists()
    assert (
        "Solutions"
        in subprocess.run(
            ["pdftotext", str(tmp_path / f"solutions-{seed}.pdf"), "-"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )


@pytest.mark.slow
def test_a_hundred_sheets_are_made_and_checked():
    for seed in range(100):
        assert len(exercise_set(seed)) == 6
