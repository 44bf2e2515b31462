"""Soak: Hypothesis-generated command lines and output paths against real processes.

Run with ``python -m pytest -m soak tests/test_soak_cli.py`` (``SYMGRAD_SOAK_EXAMPLES=N``
for more examples; each is one ``python -m symgrad`` process of about 1–4 s). Asserted for
every example: no traceback (unless ``--debug`` asked for one), an exit code of the
documented table, exactly one error line for exit 2, and nothing left behind — no staging
or probe folder, another run's staging folders untouched, an empty TMPDIR, no process.
"""

from __future__ import annotations

import json
import os
import random
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

pytestmark = pytest.mark.soak

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = int(os.environ.get("SYMGRAD_SOAK_EXAMPLES", "40"))
SOAK = settings(
    max_examples=EXAMPLES,
    derandomize=False,  # every soak run explores new command lines
    deadline=None,
    database=None,
    suppress_health_check=list(HealthCheck),
)

NAME_CHARS = "abR1*?[]{}~!$&'() -_.üé\\"
ARG_TEXT = st.text(
    st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"), max_size=20
)
names = st.one_of(
    st.sampled_from(["R", "*", "r[1]", "?", "a b", "-o", "--x", "ü", "n" * 250, "n" * 256]),
    st.text(NAME_CHARS, min_size=1, max_size=12).filter(lambda s: s not in (".", "..")),
)
# how a destination is prepared: (kind of place, name)
places = st.tuples(
    st.sampled_from(
        [
            "new",
            "nested",
            "empty-dir",
            "user-dir",
            "bundle-like",
            "bundle-plus-one",
            "bundle-edited",
            "file",
            "through-file",
            "dangling",
            "system",
        ]
    ),
    names,
)


def prepare(work: Path, place: tuple[str, str], suffix: str) -> str:
    try:
        return _prepare(work, place, suffix)
    except (OSError, ValueError):  # e.g. a name too long to create: it stays new
        return str(work / (place[1] + suffix))


USERS = "the user's"


def _prepare(work: Path, place: tuple[str, str], suffix: str) -> str:
    kind, name = place
    name = name + suffix
    target = work / name
    if kind == "nested":
        return str(work / "a" / "b" / name)
    if kind == "empty-dir":
        target.mkdir()
    elif kind == "user-dir":
        target.mkdir()
        (target / "notes.txt").write_text(USERS)
    elif kind == "bundle-like":  # the user's files, named as a report names its own
        (target / "figures").mkdir(parents=True)
        for rel in ("results.json", "handout.tex", "figures/mydiagram.png"):
            (target / rel).write_text(USERS)
    elif kind in ("bundle-plus-one", "bundle-edited"):
        from symgrad.runtime.files import staged_directory, write_atomic

        with staged_directory(target) as stage:
            write_atomic(stage / "handout.tex", "written by symgrad")
        if kind == "bundle-plus-one":
            (target / "notes.txt").write_text(USERS)
        else:
            (target / "handout.tex").write_text(USERS)
    elif kind == "file":
        target.write_text("an older output")
    elif kind == "through-file":
        (work / "plain").write_text("a file")
        return str(work / "plain" / name)
    elif kind == "dangling":
        target.symlink_to(work / "missing")
    elif kind == "system":
        return f"/{'sys' if len(name) % 2 else 'proc/self'}/{name}"
    return str(target)


EXPRESSIONS = [
    "tanh",
    "-x**2",
    "x/(1+exp(-x))",
    "x^x^x^x^x",
    "sin(1/x)",
    "log(0)",
    "__import__('os')",
    "-",
    "",
    "x" * 3000,
    "9**9**9",
]
NUMBERS = ["-1", "0", "1", "2", "3", "1e400", "inf", "nan", "two", "10000000"]
NUMBERS += ["３", "١٢", "1_000", " 3", "+2", "99999999999999999999999999999999999"]
EXTRAS = ["--json", "--debug", "--timeout", "--time", "2", "--", "-x", "inf", "none", "\x07"]


@st.composite
def command_lines(draw):
    cmd = draw(st.sampled_from(["gamma", "bptt", "verify", "report", "latex", "plot", "show"]))
    place = draw(places)
    if cmd == "gamma":
        argv = [cmd, draw(st.sampled_from(EXPRESSIONS) | ARG_TEXT)]
    elif cmd == "bptt":
        argv = [cmd, "-n", draw(st.sampled_from(NUMBERS)), "-T", draw(st.sampled_from(NUMBERS))]
    elif cmd == "verify":
        argv = [cmd, draw(st.sampled_from(["eta_decay", "nope", "-x"]))]
        examples = ["3", "0", "-1", "1e9", "１", "100001", "100000", "9" * 35]
        argv += ["--examples", draw(st.sampled_from(examples))]
    elif cmd == "report":
        argv = [cmd, "-o", place, "--no-pdf"]
    elif cmd == "latex":
        argv = [
            cmd,
            "eta_decay",
            "-o",
            place,
            *draw(st.sampled_from([[], ["--pdf"], ["--snippet"]])),
        ]
        if draw(st.booleans()):
            argv += ["--title", draw(ARG_TEXT)]
    elif cmd == "plot":
        argv = [cmd, draw(st.sampled_from(["activations", "nope"])), "-o", place]
    else:
        argv = [cmd, draw(st.sampled_from(["eta_decay", "nope"])), "--run"]
    for token in draw(st.lists(st.sampled_from(EXTRAS), max_size=3)):
        argv.insert(draw(st.integers(0, len(argv))), token)
    argv += ["--timeout", draw(st.sampled_from(["1", "2", "3", "３"]))]
    sig = draw(
        st.none()
        | st.tuples(
            st.sampled_from([signal.SIGINT, signal.SIGTERM, signal.SIGKILL]), st.floats(0.05, 3.0)
        )
    )
    suffix = {"latex": ".tex", "plot": ".png"}.get(cmd, "")
    return argv, suffix, sig


def _marked(marker: str) -> list[int]:
    needle = f"SYMGRAD_SOAK_MARK={marker}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        try:
            if entry.name.isdigit() and needle in (entry / "environ").read_bytes():
                found.append(int(entry.name))
        except OSError:
            continue
    return found


def _described(marker: str) -> list[str]:
    """The processes still marked with `marker`: pid, state and command line, to say which."""
    found = []
    for pid in _marked(marker):
        try:
            stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            cmd = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        found.append(f"{pid} {stat[0]} ppid={stat[1]} pgid={stat[2]} {cmd.strip()}")
    return found


@SOAK
@given(command_lines())
def test_soak_command_lines_never_trace_hang_or_leave_anything(case):
    argv, suffix, sig = case
    base = Path(tempfile.mkdtemp(prefix="symgrad-soak-"))
    try:
        work, tmp = base / "work", base / "tmp"
        work.mkdir()
        tmp.mkdir()
        victim = work / ".R.staging-victim"
        victim.mkdir()
        (victim / "data.txt").write_text("another run's work")
        argv = [prepare(work, a, suffix) if isinstance(a, tuple) else a for a in argv]
        users = [
            p for p in work.rglob("*") if p.is_file() and p.read_text(errors="replace") == USERS
        ]
        marker = uuid.uuid4().hex
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "TMPDIR": str(tmp),
            "SYMGRAD_SOAK_MARK": marker,
        }
        proc = subprocess.Popen(
            [sys.executable, "-m", "symgrad", *argv],
            cwd=work,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        if sig:
            time.sleep(sig[1])
            if proc.poll() is None:
                proc.send_signal(sig[0])
        try:
            out_bytes, err_bytes = proc.communicate(timeout=90)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            raise AssertionError(f"hung past 90 s: {argv}") from None
        err = err_bytes.decode("utf-8", "replace")
        code = proc.returncode
        allowed = {0, 1, 2} | ({130, 143, -2, -15, -9} if sig else set())
        if "--debug" in argv:  # an error then ends with its traceback: status 1 or 3
            allowed |= {1, 3}
        assert code in allowed, (argv, code, err)
        # a SIGINT in the first instants, before symgrad's start-up handler is installed (the
        # first lines of the package), is Python's own KeyboardInterrupt: the only traceback
        # allowed, and only with no symgrad frame beyond those first lines
        frames = re.findall(r'File "([^"]+)"', err.split("Traceback")[-1])
        before_symgrad = (
            sig
            and sig[0] == signal.SIGINT
            and all(f.endswith(("__init__.py", "_startup.py")) for f in frames if "/symgrad/" in f)
        )
        if "--debug" not in argv and not before_symgrad:
            assert "Traceback" not in err, (argv, err)
            if code == 2:
                assert sum(": error:" in ln for ln in err.splitlines()) == 1, (argv, err)
        options = argv[: argv.index("--")] if "--" in argv else argv
        if "--json" in options and "--debug" not in argv and not sig:
            payload = json.loads(out_bytes)  # one strict JSON object, whatever the outcome
            assert isinstance(payload, dict) and payload["ok"] is (code == 0), (argv, payload)
        assert all(p.read_text() == USERS for p in users), argv  # the user's files, untouched
        deadline = time.monotonic() + (30 if sig and sig[0] == signal.SIGKILL else 5)
        while _marked(marker) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert _marked(marker) == [], argv
        assert list(tmp.iterdir()) == [], (argv, list(tmp.iterdir()))
        left = [
            p for p in work.rglob("*") if (".staging-" in p.name or ".symgrad-probe-" in p.name)
        ]
        assert left == [victim], (argv, left)
        assert (victim / "data.txt").read_text() == "another run's work"
    finally:
        shutil.rmtree(base, ignore_errors=True)


KILLS = int(os.environ.get("SYMGRAD_SOAK_KILLS", "30"))


def _bundle_state(folder: Path) -> bytes:
    """The bundle mark of a complete, unchanged bundle at `folder` (fails otherwise)."""
    from symgrad.runtime.files import BUNDLE_MARK, _read_mark, would_be_lost

    listed = _read_mark(folder)
    assert would_be_lost(folder) == [], would_be_lost(folder)  # nothing unlisted or changed
    assert all((folder / rel).is_file() for rel in listed), listed  # nothing listed is missing
    assert "results.json" in listed, listed
    return (folder / BUNDLE_MARK).read_bytes()


def test_kill_9_of_report_at_random_moments_leaves_the_old_or_the_new_bundle_and_nothing_else():
    """``kill -9`` of the command at KILLS random moments of ``report``: afterwards no job
    folder, no staging folder, no process, and DIR holds the old or a new complete bundle."""
    base = Path(tempfile.mkdtemp(prefix="symgrad-kill9-"))
    rng = random.Random(os.environ.get("SYMGRAD_SOAK_SEED", "0"))
    try:
        work, tmp = base / "work", base / "tmp"
        work.mkdir()
        tmp.mkdir()

        def start(seed: int, marker: str) -> subprocess.Popen[bytes]:
            env = {
                **os.environ,
                "PYTHONPATH": str(ROOT),
                "TMPDIR": str(tmp),
                "SYMGRAD_SOAK_MARK": marker,
            }
            # odd seeds run in this process (no time limit), even ones as a job (the default)
            limit = ["--timeout", "none"] if seed % 2 else []
            argv = ["report", "-o", "R", "--no-pdf", "--seed", str(seed), *limit]
            return subprocess.Popen(
                [sys.executable, "-m", "symgrad", *argv],
                cwd=work,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
                start_new_session=True,
            )

        began = time.monotonic()
        assert start(0, uuid.uuid4().hex).wait(900) in (0, 1)  # 1: a check failed; written
        whole = time.monotonic() - began  # how long one report takes here
        state = _bundle_state(work / "R")
        outcomes = {"old": 0, "new": 0}
        for i in range(KILLS):
            marker = uuid.uuid4().hex
            proc = start(i + 1, marker)
            # a quarter of the moments fall after the expected end (the run may be slower
            # under load, or already done: then the new bundle must be whole)
            moment = rng.uniform(0, 1.33 * whole)
            time.sleep(moment)
            proc.kill()  # SIGKILL: nothing runs in the command after this
            proc.wait()
            deadline = time.monotonic() + 60
            while _marked(marker) and time.monotonic() < deadline:
                time.sleep(0.1)
            where = f"kill {i} at {moment:.1f} s of {whole:.0f}"
            assert _marked(marker) == [], f"{where}: processes left: {_described(marker)}"
            assert list(tmp.iterdir()) == [], f"{where}: {list(tmp.iterdir())}"
            assert sorted(p.name for p in work.iterdir()) == ["R"], where
            now = _bundle_state(work / "R")
            outcomes["old" if now == state else "new"] += 1
            state = now
        print(f"kill -9 at {KILLS} random moments of {whole:.0f} s: {outcomes}")
    finally:
        shutil.rmtree(base, ignore_errors=True)
