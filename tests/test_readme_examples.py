"""The README's Python examples run as written, in a fresh project with default settings.

Each ```python block of the README becomes a test module in an empty temporary
directory, and pytest runs there in a fresh process: no repository conftest, no
Hypothesis profile (so the default 200 ms deadline applies), and a cold γ cache.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BLOCKS = re.findall(r"```python\n(.*?)```", (ROOT / "README.md").read_text(), re.DOTALL)


def test_the_readme_has_python_examples_with_a_property_test():
    assert len(BLOCKS) >= 2
    assert any("@given" in block for block in BLOCKS)


def test_readme_python_examples_pass_in_a_fresh_project(tmp_path):
    for i, block in enumerate(BLOCKS):
        (tmp_path / f"test_readme_{i}.py").write_text(block)
    env = {k: v for k, v in os.environ.items() if k not in {"CI", "HYPOTHESIS_PROFILE"}}
    env["PYTHONPATH"] = str(ROOT)
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "--rootdir",
            str(tmp_path),
            str(tmp_path),
        ],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-2000:]
    tests = sum(block.count("@given") for block in BLOCKS)
    assert re.search(rf"\b{tests} passed", proc.stdout), proc.stdout[-1000:]
    assert "deadline" not in proc.stdout.lower()
