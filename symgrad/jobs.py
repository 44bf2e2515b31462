"""Jobs with a time limit, in their own process group, that leave nothing behind.

:func:`run_job` runs a function in a fresh Python process (``module:function``, called
with a JSON payload; the child never parses a command line, so it cannot start another
job). The parent first creates a private job folder; the child keeps its temporary files
(TeX runs included), its Hypothesis data and its ledger there. The child runs in its own
session and process group: on a timeout or a signal the parent kills the whole group
(pdflatex included), reaps it, removes exactly the paths the child recorded in its ledger
(staging folders) and the job folder, and reports what actually happened: whether the job
finished, and which outputs were complete before the kill.

:func:`handle_signals` turns SIGINT, SIGTERM and SIGHUP into :class:`Interrupted`, so that
``finally`` blocks run and the command line can exit with ``128 + signal number``.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import pickle
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from ._startup import SIGNALS, quiet_startup
from .files import JOB_ROOT_ENV, holds_bundle, ledger_entries, remove_own

__all__ = [
    "Interrupted",
    "JobOutcome",
    "handle_signals",
    "private_root",
    "quiet_startup",
    "run_job",
]


class Interrupted(KeyboardInterrupt):
    """A SIGINT, SIGTERM or SIGHUP arrived; ``exit_code`` is ``128 + signal number``.

    A subclass of KeyboardInterrupt, because libraries (Hypothesis among them) re-raise
    that one and treat any other exception inside a test as a failure to reproduce.
    """

    def __init__(self, signum: int) -> None:
        super().__init__(signal.Signals(signum).name)
        self.signum = signum
        self.exit_code = 128 + signum
        self.name = signal.Signals(signum).name


class _SignalState:
    """Whether the handler may raise now, and a signal held back for later."""

    held: int | None = None
    raised = False  # one Interrupted per run: a second Ctrl-C must not cut the cleanup short
    holding = False  # inside run_job: signals are noted and acted on between steps


def _raise(signum: int, _frame: Any) -> None:
    if _SignalState.raised or _SignalState.holding:
        _SignalState.held = _SignalState.held or signum
        return
    _SignalState.raised = True
    raise Interrupted(signum)


@contextlib.contextmanager
def handle_signals() -> Iterator[None]:
    """Raise :class:`Interrupted` on SIGINT/SIGTERM/SIGHUP inside the block (main thread).

    Only the first signal raises; later ones are noted, so that cleanup runs to its end.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    _SignalState.held, _SignalState.raised, _SignalState.holding = None, False, False
    old = {s: signal.signal(s, _raise) for s in SIGNALS}
    old_hook = sys.unraisablehook

    def lost(unraisable: Any) -> None:
        # the handler ran inside a callback whose exceptions Python ignores (a gc callback,
        # a __del__): deliver the signal again, to be raised where it can propagate
        if isinstance(unraisable.exc_value, Interrupted):
            _SignalState.raised = False
            again = threading.Timer(0.01, os.kill, (os.getpid(), unraisable.exc_value.signum))
            again.daemon = True
            again.start()  # from a thread: the handler runs in the main thread, not in here
        else:
            old_hook(unraisable)

    sys.unraisablehook = lost
    try:
        yield
    finally:
        for s, h in old.items():
            signal.signal(s, h)
        sys.unraisablehook = old_hook
        _SignalState.holding = False


@contextlib.contextmanager
def _held_signals() -> Iterator[None]:
    """Inside the block a signal is only noted; it raises Interrupted at the end of the block.

    (With :func:`handle_signals` active; otherwise Python's own handling applies.)
    """
    outer = _SignalState.holding
    _SignalState.holding = True
    try:
        yield
    finally:
        _SignalState.holding = outer
        if not outer and _SignalState.held and not _SignalState.raised:
            _SignalState.raised = True
            raise Interrupted(_SignalState.held)


def _use_root(root: Path) -> None:
    """Send this process's temporary files and Hypothesis data into the job folder."""
    tmp = root / "tmp"
    tmp.mkdir(exist_ok=True)
    tempfile.tempdir = str(tmp)
    os.environ["TMPDIR"] = str(tmp)
    from hypothesis.configuration import set_hypothesis_home_dir

    set_hypothesis_home_dir(root / "hypothesis")


@contextlib.contextmanager
def private_root() -> Iterator[Path]:
    """A job folder for work done in this process; removed (exactly) at the end.

    Temporary files and Hypothesis data go there, never into the current directory.
    """
    from hypothesis import configuration

    before = tempfile.tempdir, os.environ.get("TMPDIR")
    home = getattr(configuration, "__hypothesis_home_directory", None)
    root = None
    try:
        with _held_signals():
            root = Path(tempfile.mkdtemp(prefix="symgrad-job-"))
        _use_root(root)
        yield root
    finally:
        configuration.set_hypothesis_home_dir(home)
        tempfile.tempdir = before[0]
        if before[1] is None:
            os.environ.pop("TMPDIR", None)
        else:
            os.environ["TMPDIR"] = before[1]
        if root is not None:
            shutil.rmtree(root, ignore_errors=True)


@dataclass
class JobOutcome:
    """What happened to a job.

    ``finished``: the function returned (``code`` is its exit code, ``stdout`` what it
    printed). ``timed_out``: the limit was reached first. ``committed``: outputs that
    were complete and in place (possibly before a kill). ``crashed``: the child ended
    without an answer and without a timeout (``code`` is its exit status).
    """

    code: int | None
    finished: bool
    timed_out: bool
    stdout: bytes = b""
    committed: list[str] = field(default_factory=list)
    crashed: bool = False


def _set_subreaper() -> None:
    """Adopt orphaned descendants (Linux), so killed grandchildren are reaped, not zombies."""
    with contextlib.suppress(OSError, AttributeError):
        ctypes.CDLL(None, use_errno=True).prctl(36, 1, 0, 0, 0)  # PR_SET_CHILD_SUBREAPER


def _group_members(pgid: int) -> list[int]:
    """Processes in group `pgid` (Linux /proc; elsewhere an empty list)."""
    found = []
    if not Path("/proc/self/stat").is_file():
        return found
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[2]) == pgid:
            found.append(int(entry.name))
    return found


def _kill_group(proc: subprocess.Popen[bytes]) -> None:
    """Kill the job's process group and reap every member this process can wait for."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    if not Path("/proc").is_dir():
        return
    for pid in _group_members(proc.pid):  # orphans adopted as subreaper: reap by pid
        with contextlib.suppress(ChildProcessError, OSError):
            os.waitpid(pid, 0)


def _cleanup(root: Path) -> list[str]:
    """Undo what the killed child left: exactly the paths in its ledger; then the job folder."""
    committed = []
    for fields in reversed(ledger_entries(root)):
        kind, paths = fields[0], fields[1:]
        if kind == "restore" and len(paths) == 2:
            backup, final = map(Path, paths)
            if backup.exists() and not final.exists():
                os.rename(backup, final)
            else:
                remove_own(backup)
        elif kind == "stage" and paths:
            if not any(f[0] == "foreign" and f[1:] == paths for f in ledger_entries(root)):
                remove_own(paths[0])
        elif kind == "parent" and paths:
            with contextlib.suppress(OSError):
                os.rmdir(paths[0])
        elif kind == "committed" and paths:
            committed.append(paths[0])
        elif kind == "committing" and len(paths) == 2 and holds_bundle(*paths):
            committed.append(paths[0])  # killed between the swap and its record
    shutil.rmtree(root, ignore_errors=True)
    return list(dict.fromkeys(committed[::-1]))


def _relay(stream: Any, sink: TextIO) -> None:
    if hasattr(signal, "pthread_sigmask"):  # signals go to the main thread only
        signal.pthread_sigmask(signal.SIG_BLOCK, SIGNALS)
    with contextlib.suppress(OSError, ValueError):
        for chunk in iter(lambda: stream.read1(4096), b""):
            with contextlib.suppress(OSError, ValueError):
                sink.write(chunk.decode("utf-8", "replace"))
                sink.flush()


def run_job(
    target: str, payload: Any, *, seconds: float, stderr: TextIO | None = None
) -> JobOutcome:
    """Call ``target`` (``"module:function"``) with `payload` in a child; stop it after `seconds`.

    `payload` is pickled (the child must be able to import what it holds). The child's
    stderr is relayed live to `stderr`; its stdout is kept and returned whole (never half a
    result). Raises :class:`Interrupted` (after killing the job and cleaning
    up) when a signal arrives inside :func:`handle_signals`.
    """
    sink = stderr if stderr is not None else sys.stderr
    _set_subreaper()
    with _held_signals():  # a signal stops the wait below; never a step of setup or cleanup
        root = Path(tempfile.mkdtemp(prefix="symgrad-job-"))
        proc = relay = None
        timed_out = False
        try:
            spec = {"target": target, "payload": payload}
            (root / "payload.pickle").write_bytes(pickle.dumps(spec))
            package_parent = str(Path(__file__).resolve().parent.parent)
            code = (
                f"import sys; sys.path.insert(0, {package_parent!r}); "
                "from symgrad.jobs import _child_main; raise SystemExit(_child_main())"
            )
            env = {**os.environ, JOB_ROOT_ENV: str(root), "TMPDIR": str(root / "tmp")}
            with open(root / "stdout", "wb") as out:
                proc = subprocess.Popen(
                    [sys.executable, "-c", code],
                    stdin=subprocess.DEVNULL,
                    stdout=out,
                    stderr=subprocess.PIPE,
                    env=env,
                    start_new_session=True,
                )
            relay = threading.Thread(target=_relay, args=(proc.stderr, sink), daemon=True)
            relay.start()
            deadline = time.monotonic() + seconds
            while _SignalState.held is None:
                left = deadline - time.monotonic()
                if left <= 0:
                    timed_out = True
                    break
                try:
                    proc.wait(timeout=min(left, 0.1))
                    break
                except subprocess.TimeoutExpired:
                    continue
        finally:
            if proc is not None and proc.poll() is None:
                _kill_group(proc)
            elif proc is not None and _group_members(proc.pid):
                _kill_group(proc)  # it finished, but left processes in its group
            if relay is not None:
                relay.join(timeout=5)
                with contextlib.suppress(OSError):
                    proc.stderr.close()
            done = [f for f in ledger_entries(root) if f[0] == "done"]
            stdout = b""
            with contextlib.suppress(OSError):
                stdout = (root / "stdout").read_bytes()
            committed = _cleanup(root)
    if done:
        return JobOutcome(int(done[-1][1]), True, timed_out, stdout, committed)
    if not timed_out:  # it ended without recording an answer (a crash, the OOM killer)
        status = proc.returncode if proc.returncode >= 0 else 128 - proc.returncode
        return JobOutcome(status, False, False, b"", committed, crashed=True)
    return JobOutcome(None, False, timed_out, b"", committed)


def _alive(pid: int) -> bool:
    """Whether `pid` runs (not gone, not a zombie); True where this cannot be told."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    except (OSError, IndexError):
        return True
    return state not in ("Z", "X")


def _child_main() -> int:
    """Entry point of the child process: run the payload's target, record the end."""
    from .files import _record

    root = Path(os.environ[JOB_ROOT_ENV])
    parent = os.getppid()
    with contextlib.suppress(OSError, AttributeError):  # die with the parent
        ctypes.CDLL(None).prctl(1, signal.SIGTERM, 0, 0, 0)  # PR_SET_PDEATHSIG
    spec = pickle.loads((root / "payload.pickle").read_bytes())  # written by our parent
    _use_root(root)
    module, _, name = spec["target"].partition(":")
    import importlib

    func: Callable[[Any], int] = getattr(importlib.import_module(module), name)
    try:
        with handle_signals():
            code = int(func(spec["payload"]))
            with contextlib.suppress(OSError, ValueError):
                sys.stdout.flush()
            _record("done", str(code))
    finally:
        if _SignalState.raised:  # a signal: did the parent die (PR_SET_PDEATHSIG)?
            for _ in range(100):  # the kernel may first hand us to another of its threads
                if os.getppid() != parent or not _alive(parent):
                    shutil.rmtree(root, ignore_errors=True)  # nobody else will
                    break
                time.sleep(0.02)
    return code
