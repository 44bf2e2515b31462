"""Real processes: time limits, signals and concurrent runs leave nothing behind.

Each test runs ``python -m symgrad ...`` with a private TMPDIR and a marker in its
environment; afterwards no process carries the marker, TMPDIR is empty and the working
folder holds only what the command was asked to write (no staging or probe folder).
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
TESTS = Path(__file__).resolve().parent


class Run:
    """One ``python -m symgrad`` process in its own folder, TMPDIR and marker."""

    def __init__(self, tmp_path: Path, argv: list[str], *, path_prefix: Path | None = None):
        self.work = tmp_path / "work"
        self.tmp = tmp_path / "tmp"
        self.work.mkdir(exist_ok=True)
        self.tmp.mkdir(exist_ok=True)
        self.marker = uuid.uuid4().hex
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "TMPDIR": str(self.tmp),
            "SYMGRAD_TEST_MARK": self.marker,
        }
        if path_prefix:
            env["PATH"] = f"{path_prefix}{os.pathsep}{env['PATH']}"
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "symgrad", *argv],
            cwd=self.work,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        self.err_lines: list[str] = []

    def wait_for(self, needle: str, seconds: float = 60) -> None:
        """Read stderr until a line holds `needle`."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            line = self.proc.stderr.readline()
            if not line:
                break
            self.err_lines.append(line)
            if needle in line:
                return
        raise AssertionError(f"{needle!r} never appeared: {self.err_lines}")

    def finish(self, seconds: float = 120) -> tuple[int, str, str]:
        out, err = self.proc.communicate(timeout=seconds)
        return self.proc.returncode, out, "".join(self.err_lines) + err

    def stray_processes(self, seconds: float = 5) -> list[str]:
        """Processes that still carry this run's marker (polled briefly: kills take time)."""
        deadline = time.monotonic() + seconds
        while True:
            found = _marked(self.marker)
            if not found or time.monotonic() > deadline:
                return found
            time.sleep(0.1)

    def leftovers(self, expected: set[str] = frozenset()) -> list[str]:
        extra = sorted(p.name for p in self.work.iterdir() if p.name not in expected)
        return extra + sorted(f"TMPDIR/{p.name}" for p in self.tmp.iterdir())


def _marked(marker: str) -> list[str]:
    needle = f"SYMGRAD_TEST_MARK={marker}".encode()
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            if needle in (entry / "environ").read_bytes():
                found.append(f"{entry.name} {(entry / 'cmdline').read_bytes()[:80]!r}")
        except OSError:
            continue
    return found


def _zombies(name: str) -> list[str]:
    found = []
    for entry in Path("/proc").iterdir():
        try:
            stat = (entry / "stat").read_text()
        except (OSError, NotADirectoryError):
            continue
        comm, rest = stat.split("(", 1)[1].rsplit(")", 1)
        if comm == name and rest.split()[0] == "Z":
            found.append(entry.name)
    return found


def _one_clean_line(err: str) -> None:
    assert "Traceback" not in err, err
    assert len([ln for ln in err.splitlines() if "error" in ln or "interrupted" in ln]) == 1, err


def test_a_timeout_never_deletes_other_runs_staging_folders(tmp_path):
    work = tmp_path / "work"
    work.mkdir()
    victims = {".victim.staging-abc", ".other_report.staging-xyz", ".r1.staging-victim"}
    for v in victims:
        (work / v).mkdir()
        (work / v / "data.txt").write_text("another run's work")
    for name in ("*", "r[1]"):
        run = Run(tmp_path, ["report", "-o", name, "--no-pdf", "--timeout", "2"])
        code, _out, err = run.finish()
        assert code == 2 and "within the time limit of 2 s" in err
        _one_clean_line(err)
        assert run.leftovers(victims) == []
        assert run.stray_processes() == []
    assert all((work / v / "data.txt").read_text() == "another run's work" for v in victims)


def test_an_abbreviated_option_is_refused_and_starts_no_process(tmp_path):
    run = Run(tmp_path, ["gamma", "tanh", "--time", "2"])
    code, _out, err = run.finish()
    assert code == 2 and "unrecognized arguments: --time 2" in err
    _one_clean_line(err)
    time.sleep(1)
    assert run.stray_processes(0) == []


@pytest.mark.parametrize(
    ("sig", "limit"),
    [
        pytest.param(signal.SIGINT, [], id="SIGINT-job"),
        pytest.param(signal.SIGTERM, ["--timeout", "none"], id="SIGTERM-in-process"),
        pytest.param(signal.SIGTERM, [], id="SIGTERM-job", marks=pytest.mark.slow),
        pytest.param(
            signal.SIGINT, ["--timeout", "none"], id="SIGINT-in-process", marks=pytest.mark.slow
        ),
    ],
)
def test_a_signal_stops_the_report_cleans_up_and_exits_with_its_code(tmp_path, sig, limit):
    run = Run(tmp_path, ["report", "-o", "R", "--no-pdf", *limit])
    run.wait_for("verifying")
    time.sleep(0.5)  # inside the job, with its staging folder in place
    run.proc.send_signal(sig)
    code, _out, err = run.finish()
    assert code == 128 + sig
    assert f"interrupted by {signal.Signals(sig).name}" in err
    _one_clean_line(err)
    assert run.leftovers() == []
    assert run.stray_processes() == []


def _fake_pdflatex(tmp_path, body: str):
    """A folder holding a `pdflatex` shell script that touches a file when it has started and
    then runs `body`; returns the folder (to put first on PATH) and that file."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    started = tmp_path / "pdflatex-started"
    fake = bin_dir / "pdflatex"
    fake.write_text(f"#!/bin/sh\n{body.format(started=started)}\n")
    fake.chmod(0o755)
    return bin_dir, started


@pytest.fixture
def slow_pdflatex(tmp_path):
    """A pdflatex that announces itself and then hangs, to be killed by the job."""
    return _fake_pdflatex(tmp_path, "touch {started}\nexec sleep 120")


@pytest.mark.parametrize("how", ["timeout", "SIGTERM"])
def test_a_stop_during_pdflatex_kills_it_and_removes_its_folder(tmp_path, slow_pdflatex, how):
    bin_dir, started = slow_pdflatex
    # this job reaches pdflatex in about 0.5 s on an idle machine: the limit leaves a margin
    # of thirty times that for a busy one, and a job that is slow to get there is still
    # stopped at the limit (which the assertions below would report, not a flaky timing)
    limit = "15" if how == "timeout" else "100"
    argv = ["worked", "-n", "1", "-T", "1", "-o", "x.tex", "--pdf", "--timeout", limit]
    run = Run(tmp_path, argv, path_prefix=bin_dir)
    deadline = time.monotonic() + 60
    while not started.exists() and time.monotonic() < deadline and run.proc.poll() is None:
        time.sleep(0.1)
    assert started.exists(), "the job never reached pdflatex"
    if how == "SIGTERM":
        run.proc.send_signal(signal.SIGTERM)
    code, _out, err = run.finish()
    assert code == (2 if how == "timeout" else 143)
    _one_clean_line(err)
    assert run.leftovers() == []  # no x.tex, no staging, no symgrad-tex-* or job folder
    assert run.stray_processes() == []
    assert _zombies("sleep") == []


def test_a_full_device_is_one_line_and_a_nonzero_exit(tmp_path):
    with open("/dev/full", "w") as full:
        proc = subprocess.run(
            [sys.executable, "-m", "symgrad", "list"],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONPATH": str(ROOT)},
            check=False,
        )
    assert proc.returncode == 2
    assert "No space left on device" in proc.stderr
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr


def test_ctrl_c_during_start_up_prints_no_traceback(tmp_path):
    # a command that works for seconds: at 0.4 s it is still importing or already running its
    # job, never finished (list now ends in less than that)
    run = Run(tmp_path, ["bptt", "-n", "16", "-T", "64"])
    time.sleep(0.4)
    run.proc.send_signal(signal.SIGINT)
    code, _out, err = run.finish()
    assert code in (130, -signal.SIGINT)  # -2: the signal came before Python's own handler
    assert "Traceback" not in err and "KeyboardInterrupt" not in err


def test_the_error_prefix_names_the_command_after_global_options(tmp_path):
    run = Run(tmp_path, ["--debug", "bptt", "-n", "16", "-T", "64", "--timeout", "1.5"])
    code, _out, err = run.finish()
    assert code == 2
    assert err.startswith("symgrad bptt: error:") and "--debug:" not in err


@pytest.mark.parametrize(
    "argv",
    [
        ["verify", "eta_decay", "--examples", "3"],
        pytest.param(
            ["verify", "eta_decay", "--examples", "3", "--timeout", "none"], marks=pytest.mark.slow
        ),
        pytest.param(["latex", "eta_decay", "-o", "x.tex", "--snippet"], marks=pytest.mark.slow),
    ],
)
def test_no_hypothesis_folder_is_written_into_the_current_directory(tmp_path, argv):
    run = Run(tmp_path, argv)
    code, _out, err = run.finish()
    assert code == 0, err
    assert not (run.work / ".hypothesis").exists()
    assert run.leftovers({"x.tex"}) == []


def test_a_dangling_symlink_output_fails_in_the_first_seconds(tmp_path):
    (tmp_path / "work").mkdir()
    (tmp_path / "work" / "R").symlink_to(tmp_path / "missing")
    start = time.monotonic()
    run = Run(tmp_path, ["report", "-o", "R"])
    code, _out, err = run.finish()
    assert code == 2 and "missing target" in err
    assert time.monotonic() - start < 8  # process start-up only; the job (12 s) never ran
    _one_clean_line(err)


def _commit_then_wait(args):
    """A job that completes its output and then hangs before it can print a summary."""
    from symgrad.runtime.files import staged_files, write_atomic

    with staged_files(args.output) as (staged,):
        write_atomic(staged, "complete")
    time.sleep(120)
    return 0  # pragma: no cover - killed before


def _commit_then_wait_arguments(parser):
    parser.add_argument("-o", "--output", required=True)


def test_output_completed_before_the_kill_is_reported_as_written(tmp_path, monkeypatch, capsys):
    from symgrad.cli import COMMANDS, Command, main

    monkeypatch.setenv("PYTHONPATH", f"{TESTS}{os.pathsep}{ROOT}")
    monkeypatch.setitem(
        COMMANDS,
        "commit-then-wait",
        Command(
            "commit-then-wait",
            _commit_then_wait,
            "test",
            _commit_then_wait_arguments,
            limit=6,
            outputs=lambda a: [(a.output, "file", ())],
        ),
    )
    out = tmp_path / "out.txt"
    code = main(["commit-then-wait", "-o", str(out)])
    err = capsys.readouterr().err
    assert code == 0
    assert "after the output was complete" in err and str(out) in err
    assert out.read_text() == "complete"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"]


@pytest.fixture
def pdflatex_with_helpers(tmp_path):
    """A pdflatex that starts two helper processes (as mktexpk would) and waits for them."""
    return _fake_pdflatex(tmp_path, "sleep 300 &\nsleep 300 &\ntouch {started}\nwait")


@pytest.mark.parametrize("limit", [["--timeout", "none"], []], ids=["in-process", "job"])
def test_kill_9_during_pdflatex_leaves_no_pdflatex_and_none_of_its_children(
    tmp_path, pdflatex_with_helpers, limit
):
    psutil = pytest.importorskip("psutil")
    bin_dir, started = pdflatex_with_helpers
    argv = ["worked", "-n", "1", "-T", "1", "-o", "x.tex", "--pdf", *limit]
    run = Run(tmp_path, argv, path_prefix=bin_dir)
    deadline = time.monotonic() + 120
    while not started.exists() and time.monotonic() < deadline and run.proc.poll() is None:
        time.sleep(0.1)
    assert started.exists(), "the command never reached pdflatex"
    tree = psutil.Process(run.proc.pid).children(recursive=True)
    assert [p for p in tree if p.name() == "pdflatex"], [p.name() for p in tree]
    run.proc.kill()  # SIGKILL: nothing runs in the command after this
    run.finish()
    # a wide wait: the cleanup runs on another process's schedule; a slow machine only waits
    _gone, alive = psutil.wait_procs(tree, timeout=60)
    assert [(p.pid, p.name()) for p in alive if p.status() != psutil.STATUS_ZOMBIE] == []
    assert run.stray_processes(30) == []
    assert run.leftovers() == []  # no x.tex, no staging folder, no job or TeX folder


@pytest.mark.slow
def test_concurrent_reports_to_one_folder_both_finish_with_a_whole_bundle(tmp_path):
    runs = [Run(tmp_path, ["report", "-o", "R", "--no-pdf", "--seed", str(s)]) for s in (1, 2)]
    stopped = Run(tmp_path, ["report", "-o", "R", "--no-pdf", "--timeout", "3"])
    results = [r.finish(600) for r in [*runs, stopped]]
    assert [c for c, _, _ in results] == [0, 0, 2], results
    bundle = tmp_path / "work" / "R"
    assert {p.name for p in bundle.iterdir()} >= {"derivations.tex", "results.json", "figures"}
    assert runs[0].leftovers({"R"}) == []


@pytest.mark.parametrize("limit", [[], ["--timeout", "none"]], ids=["job", "in-process"])
def test_a_job_whose_parent_is_killed_cleans_up_after_itself(tmp_path, limit):
    run = Run(tmp_path, ["report", "-o", "R", "--no-pdf", *limit])
    run.wait_for("verifying")
    time.sleep(0.5)
    run.proc.kill()  # SIGKILL: the parent can do nothing; its guardian cleans up
    run.finish()
    assert run.stray_processes(15) == []
    assert run.leftovers() == []


def test_a_reader_that_stops_early_is_not_an_error(tmp_path):
    run = Run(tmp_path, ["show", "eta_decay"])
    run.proc.stdout.close()
    code, _out, err = run.finish()
    assert code == 0 and "Traceback" not in err


@pytest.mark.parametrize("swapped", [True, False])
def test_a_kill_between_the_swap_and_its_record_is_reported_truthfully(
    tmp_path, monkeypatch, swapped
):
    """The ledger says 'committing'; only the bundle mark in the destination tells the truth."""
    from symgrad.runtime import files, jobs

    final = tmp_path / "R"
    with files.staged_directory(final) as stage:  # an earlier bundle, by another run
        files.write_atomic(stage / "derivations.tex", "old")
    root = tmp_path / "job"
    root.mkdir()
    monkeypatch.setenv(files.JOB_ROOT_ENV, str(root))
    cm = files.staged_directory(final)
    stage = cm.__enter__()
    files.write_atomic(stage / "derivations.tex", "new")
    files.write_atomic(stage / files.BUNDLE_MARK, f"x\n{stage.name}\n")
    files.record_in_ledger("committing", final, stage.name)
    if swapped:  # the swap happened, then the process was killed before recording it
        files._commit_directory(stage, final)
    committed = jobs._cleanup(root)
    assert committed == ([str(final)] if swapped else [])
    assert (final / "derivations.tex").read_text() == ("new" if swapped else "old")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["R"]  # stage and job folder gone


def test_a_signal_during_setup_or_cleanup_waits_for_its_end_and_only_the_first_raises():
    from symgrad.runtime import jobs

    steps = []
    with pytest.raises(jobs.Interrupted) as info, jobs.handle_signals(), jobs._held_signals():
        os.kill(os.getpid(), signal.SIGTERM)
        time.sleep(0.05)
        steps.append("setup finished")  # not cut short by the signal
    assert steps == ["setup finished"] and info.value.exit_code == 143
    with pytest.raises(jobs.Interrupted), jobs.handle_signals():
        try:
            os.kill(os.getpid(), signal.SIGINT)
            time.sleep(1)
        finally:
            os.kill(os.getpid(), signal.SIGINT)  # a second Ctrl-C during the cleanup
            time.sleep(0.05)
            steps.append("cleanup finished")
    assert steps[-1] == "cleanup finished"


def test_a_signal_handled_inside_a_gc_callback_is_not_lost():
    """Python ignores exceptions raised in gc callbacks (Hypothesis installs one): the signal
    must be delivered again and stop the job where it can propagate."""
    import gc

    from symgrad.runtime import jobs

    armed, fired = [], []

    def callback(phase, info):
        # only the collection below: an automatic one (set off by any allocation before it)
        # would send the signal while pytest's own handler is still installed
        if phase == "start" and armed and not fired:
            fired.append(phase)
            os.kill(os.getpid(), signal.SIGINT)
            sum(range(10000))  # the handler runs here, inside the callback

    gc.callbacks.append(callback)
    try:
        with pytest.raises(jobs.Interrupted) as info, jobs.handle_signals():
            armed.append(True)
            gc.collect()
            time.sleep(120)  # the signal ends the wait as soon as it is delivered again
    finally:
        gc.callbacks.remove(callback)
    assert fired and info.value.exit_code == 130


_FORK_SIGNAL: list[int] = []  # the at-fork callback below fires once per entry here


def _signal_after_fork() -> None:
    if _FORK_SIGNAL:
        os.kill(os.getpid(), _FORK_SIGNAL.pop())
        sum(range(10000))  # the handler runs here, inside the at-fork callback


os.register_at_fork(after_in_parent=_signal_after_fork)


def test_a_signal_handled_inside_an_at_fork_callback_is_not_lost():
    """A fork runs its callbacks (logging registers one) where exceptions are ignored."""
    from symgrad.runtime import jobs

    _FORK_SIGNAL.append(signal.SIGTERM)
    with pytest.raises(jobs.Interrupted) as info, jobs.handle_signals():
        pid = os.fork()
        if pid == 0:
            os._exit(0)
        os.waitpid(pid, 0)
        time.sleep(120)  # the signal ends the wait as soon as it is delivered again
    assert not _FORK_SIGNAL and info.value.exit_code == 143


def test_a_signal_that_arrives_while_the_unraisable_hook_runs_is_delivered_again(monkeypatch):
    """An exception raised inside the unraisable hook itself would be lost as well."""
    from symgrad.runtime import jobs

    def slow_hook(_unraisable):
        os.kill(os.getpid(), signal.SIGTERM)
        sum(range(10000))  # the handler runs here, inside the hook

    class Dropping:
        def __del__(self):
            raise ValueError("an error Python can only report")

    monkeypatch.setattr(sys, "unraisablehook", slow_hook)
    with pytest.raises(jobs.Interrupted) as info, jobs.handle_signals():
        Dropping()  # its __del__ raises: the unraisable hook runs
        time.sleep(10)  # the signal ends the wait as soon as it is delivered again
    assert info.value.exit_code == 143


def _job_child(parent: int) -> int | None:
    """The job's process: a child of `parent` whose stdout is the job's stdout file."""
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            out = os.readlink(entry / "fd" / "1")
        except (OSError, IndexError, ValueError):
            continue
        if ppid == parent and out.endswith("/stdout"):
            return int(entry.name)
    return None


def _wait_for_job(run: Run, seconds: float = 60) -> int:
    """The job's pid, once it has started (polled: no timing is assumed)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and run.proc.poll() is None:
        child = _job_child(run.proc.pid)
        if child is not None:
            time.sleep(0.5)  # inside the job's work
            return child
        time.sleep(0.05)
    raise AssertionError("the job never started")


def test_a_job_killed_by_a_signal_is_reported_as_killed_not_as_an_internal_error(tmp_path):
    run = Run(tmp_path, ["report", "-o", "R", "--no-pdf", "--json"])
    child = _wait_for_job(run)
    os.kill(child, signal.SIGKILL)
    code, out, err = run.finish()
    assert code == 128 + signal.SIGKILL
    assert "killed by signal SIGKILL" in err and "internal error" not in err
    _one_clean_line(err)
    payload = json.loads(out)
    assert payload["ok"] is False and payload["error"]["kind"] == "killed"
    assert run.leftovers() == [] and run.stray_processes() == []


def test_an_interrupt_after_the_output_was_complete_says_it_is_complete(
    tmp_path, monkeypatch, capsys
):
    import threading

    from symgrad.cli import COMMANDS, Command, main

    monkeypatch.setitem(
        COMMANDS,
        "commit-then-wait",
        Command(
            "commit-then-wait",
            _commit_then_wait,
            "test",
            _commit_then_wait_arguments,
            limit=300,
            outputs=lambda a: [(a.output, "file", ())],
        ),
    )
    out = tmp_path / "out.txt"

    def interrupt_when_written() -> None:
        deadline = time.monotonic() + 120
        while not out.exists() and time.monotonic() < deadline:
            time.sleep(0.05)
        os.kill(os.getpid(), signal.SIGINT)

    threading.Thread(target=interrupt_when_written, daemon=True).start()
    code = main(["commit-then-wait", "-o", str(out)])
    err = capsys.readouterr().err
    assert code == 130
    assert "interrupted by SIGINT; the output was complete before it" in err and str(out) in err
    assert out.read_text() == "complete"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.txt"]


def _pdf_commands(tmp_path: Path) -> dict[str, tuple[list[str], list[Path]]]:
    """Commands that compile PDFs: their arguments and their outputs, in the order written."""
    sheets = tmp_path / "sheets"
    return {
        "worked": (
            ["worked", "-n", "1", "-T", "1", "-o", str(tmp_path / "x.tex"), "--pdf"],
            [tmp_path / "x.tex", tmp_path / "x.pdf"],
        ),
        "exercises": (
            ["exercises", "--seed", "3", "-o", str(sheets)],
            [sheets / f"{k}-3{s}" for s in (".tex", ".pdf") for k in ("exercises", "solutions")],
        ),
    }


@pytest.mark.parametrize("limit", [["--timeout", "none"], []], ids=["in-process", "job"])
@pytest.mark.parametrize("stop", ["after-all", "after-one"])
@pytest.mark.parametrize("command", ["worked", "exercises"])
def test_an_interrupt_after_pdfs_were_written_says_which_outputs_are_complete(
    tmp_path, monkeypatch, capsys, limit, stop, command
):
    from symgrad.cli import main
    from symgrad.runtime import files

    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "pdflatex"  # a PDF at once: the test is about the signal, not TeX
    fake.write_text("#!/bin/sh\nprintf '%%PDF-1.4 fake' > doc.pdf\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", f"{bin_dir}{os.pathsep}{os.environ['PATH']}")
    argv, outputs = _pdf_commands(tmp_path)[command]
    last = outputs[-1] if stop == "after-all" else outputs[0]
    me, record = os.getpid(), files.record_in_ledger

    def record_then_interrupt(kind, *paths):
        record(kind, *paths)
        if kind == "committed" and Path(paths[0]) == last:
            os.kill(me, signal.SIGINT)  # this process, also from inside the job
            time.sleep(120)  # stopped here (in-process) or killed with the job

    monkeypatch.setattr(files, "record_in_ledger", record_then_interrupt)
    code = main([*argv, *limit])
    err = capsys.readouterr().err
    assert code == 130, err
    assert err.count("\n") == 1 and "interrupted by SIGINT" in err, err
    written = outputs if stop == "after-all" else outputs[:1]
    named = ", ".join(map(str, written))
    if stop == "after-all":
        assert f"the output was complete before it: {named}" in err, err
    else:
        assert f"{named} had been written, " in err and "complete" not in err, err
        assert all(str(p) in err.split("had been written")[1] for p in outputs[1:]), err
    assert all(p.exists() == (p in written) for p in outputs)
    assert all(p.read_bytes() == b"%PDF-1.4 fake" for p in written if p.suffix == ".pdf")
    left = sorted(p.relative_to(tmp_path) for p in tmp_path.rglob("*") if p.is_file())
    assert left == sorted(p.relative_to(tmp_path) for p in [fake, *written])
    assert [p for p in tmp_path.rglob("*") if ".staging-" in p.name] == []


def test_an_interrupt_with_json_prints_one_json_object(tmp_path):
    run = Run(tmp_path, ["report", "-o", "R", "--no-pdf", "--json"])
    _wait_for_job(run)
    run.proc.send_signal(signal.SIGINT)
    code, out, err = run.finish()
    payload = json.loads(out)
    assert code == 130 and payload["ok"] is False
    assert payload["error"]["kind"] == "interrupted" and "SIGINT" in err
    assert run.leftovers() == [] and run.stray_processes() == []


def test_an_interrupt_while_starting_with_json_prints_one_json_object():
    code = (
        "import sys; sys.argv = ['symgrad', 'list', '--json']; "
        "from symgrad.runtime._startup import _exit_quietly; _exit_quietly(2, None)"
    )
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env={**os.environ}
    )
    payload = json.loads(proc.stdout)
    assert proc.returncode == 130 and payload["ok"] is False
    assert payload["error"]["kind"] == "interrupted" and "while starting" in proc.stderr


def _prints_and_returns(payload):
    print(f"got {payload['n']}")
    return 7


def _kills_itself(_payload):
    os.kill(os.getpid(), signal.SIGKILL)


def _raises(_payload):
    raise RuntimeError("broken inside")


def test_run_job_forks_returns_the_whole_stdout_and_tells_a_kill_from_a_crash(tmp_path, capsys):
    from symgrad.runtime import jobs

    before = set(Path(tempfile.gettempdir()).glob("symgrad-job-*"))
    done = jobs.run_job(_prints_and_returns, {"n": 3}, seconds=120)
    assert (done.finished, done.code, done.stdout) == (True, 7, b"got 3\n")
    killed = jobs.run_job(_kills_itself, None, seconds=120)
    assert killed.crashed and killed.signal == signal.SIGKILL and killed.code == 137
    crashed = jobs.run_job(_raises, None, seconds=120)
    assert crashed.crashed and crashed.signal is None and crashed.code == 1
    assert "RuntimeError: broken inside" in capsys.readouterr().err  # relayed from the job
    assert set(Path(tempfile.gettempdir()).glob("symgrad-job-*")) == before  # nothing left


_SHOW_SIGINT = "import signal, symgrad; print(signal.getsignal(signal.SIGINT).__name__)"


def test_a_program_that_imports_symgrad_keeps_its_own_signal_handlers(tmp_path):
    """Only the symgrad command installs its start-up handlers: not a script whose name ends
    in "symgrad", nor one given "-m symgrad" as its own arguments (pytest's marker option),
    nor ``python -m`` of another package that imports the library when it is imported."""
    script = tmp_path / "mysymgrad"
    script.write_text(_SHOW_SIGINT + "\n", encoding="utf-8")
    package = tmp_path / "mytool"
    package.mkdir()
    (package / "__init__.py").write_text("import symgrad\n", encoding="utf-8")
    (package / "__main__.py").write_text(_SHOW_SIGINT + "\n", encoding="utf-8")
    command = tmp_path / "symgrad"  # a file named as the console script is
    command.write_text(_SHOW_SIGINT + "\n", encoding="utf-8")
    for argv, expected in (
        ([str(script)], "default_int_handler"),
        ([str(script), "-m", "symgrad"], "default_int_handler"),
        (["-m", "mytool"], "default_int_handler"),
        (["-m", "mytool", "-m", "symgrad"], "default_int_handler"),
        ([str(command)], "_exit_quietly"),
    ):
        done = subprocess.run(
            [sys.executable, *argv], cwd=tmp_path, capture_output=True, text=True, timeout=120
        )
        assert done.stdout.strip() == expected, (argv, done.stderr)


def test_python_m_symgrad_is_the_command_however_it_is_spelled(tmp_path):
    """``python -m symgrad`` and ``python -msymgrad`` both start quietly: a SIGINT sent before
    the command's own handlers would take over ends it with one line (exit 130)."""
    for spelling in (["-m", "symgrad"], ["-msymgrad"]):
        code = (
            "import os, signal, sys; sys.argv = ['-m', 'list']; "
            f"sys.orig_argv = [sys.executable, *{spelling!r}, 'list']; import symgrad; "
            "print(signal.getsignal(signal.SIGINT).__name__)"
        )
        done = subprocess.run(
            [sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=120
        )
        assert done.stdout.strip() == "_exit_quietly", (spelling, done.stderr)
