"""Jobs with a time limit, in their own process group, that leave nothing behind.

:func:`run_job` runs a function in a forked child (called with its payload; the child never
parses a command line, so it cannot start another job). A small guardian process first
creates a private job folder; the child keeps its temporary files (TeX runs included), its
Hypothesis data and its ledger there. The child runs in its own session and process group:
on a timeout or a signal the parent kills the whole group (pdflatex included), reaps it,
removes exactly the paths the child recorded in its ledger (staging folders) and the job
folder, and reports what actually happened: whether the job finished, which outputs were
complete before the kill, or which signal killed it. If the parent itself is killed, even
by ``kill -9``, the guardian does the same cleanup. Every program started under a job folder
(pdflatex and any helper it starts) carries the folder in its environment; the guardian
kills those too, also for work done in the command's own process (:func:`private_root`),
and programs get :func:`die_with_parent` so that they never outlive whoever waits for them.

:func:`handle_signals` turns SIGINT, SIGTERM and SIGHUP into :class:`Interrupted`, so that
``finally`` blocks run and the command line can exit with ``128 + signal number``.

Kept as one module: the signal handling, the job folder, the guardian and the child follow
one protocol (who kills and who cleans up what, and in which order), which is read and
changed as a whole.
"""

from __future__ import annotations

import _thread
import contextlib
import ctypes
import os
import select
import shutil
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

from ._startup import SIGNALS, quiet_startup
from .files import JOB_ROOT_ENV, holds_bundle, ledger_entries, record_in_ledger, remove_own

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
        self.committed: list[str] = []  # outputs that were complete before the stop


class _SignalState:
    """Whether the handler may raise now, and a signal held back for later."""

    held: int | None = None
    raised = False  # one Interrupted per run: a second Ctrl-C must not cut the cleanup short
    holding = False  # inside run_job: signals are noted and acted on between steps
    #: the unraisable hook that :func:`handle_signals` replaced
    old_hook: Callable[[Any], None] = sys.__unraisablehook__


def _send_again(pid: int, signum: int) -> None:
    time.sleep(0.01)
    with contextlib.suppress(OSError):
        os.kill(pid, signum)


def _deliver_again(signum: int) -> None:
    """Send `signum` to this process again shortly, from a new thread; never waits for it.

    (The handler runs in the main thread at its next chance, not in that thread.)
    """
    _thread.start_new_thread(_send_again, (os.getpid(), signum))


def _in_hook(frame: Any) -> bool:
    """Whether `frame` runs inside :func:`_lost` (where a raised exception would be lost)."""
    while frame is not None:
        if frame.f_code is _lost.__code__:
            return True
        frame = frame.f_back
    return False


def _lost(unraisable: Any) -> None:
    """The unraisable hook inside :func:`handle_signals`.

    The signal handler ran inside a callback whose exceptions Python ignores (a gc callback,
    an at-fork callback, a ``__del__``): the signal is delivered again, to be raised where it
    can propagate; a signal handled while this runs is delivered again in turn.
    """
    if isinstance(unraisable.exc_value, Interrupted):
        _SignalState.raised = False
        _deliver_again(unraisable.exc_value.signum)
    else:
        _SignalState.old_hook(unraisable)


def _raise(signum: int, frame: Any) -> None:
    if _in_hook(frame):  # an exception raised now would be swallowed: try again later
        _deliver_again(signum)
        return
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
    old_hook = _SignalState.old_hook = sys.unraisablehook
    sys.unraisablehook = _lost
    try:
        yield
    finally:
        for s, h in old.items():
            signal.signal(s, h)
        sys.unraisablehook = old_hook
        # nothing noted here outlives the block: a later run_job must not see a stale signal
        _SignalState.held, _SignalState.raised, _SignalState.holding = None, False, False


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


class _HypothesisHome:
    """Point Hypothesis's data folder at a job folder, now or when Hypothesis is imported.

    Importing Hypothesis costs about a tenth of a second, and most commands never use it;
    so unless it is loaded already, a hook on ``sys.meta_path`` sets the folder right after
    ``hypothesis.configuration`` is imported (before anything can write there).
    """

    folder: Path | None = None

    class _Finder:
        def find_spec(self, name: str, path: Any, target: Any = None) -> Any:
            if name != "hypothesis.configuration":
                return None
            import importlib.machinery

            spec = importlib.machinery.PathFinder.find_spec(name, path)
            if spec is None or spec.loader is None:
                return None
            load = spec.loader.exec_module

            def exec_module(module: Any) -> None:
                load(module)
                if _HypothesisHome.folder is not None:
                    module.set_hypothesis_home_dir(_HypothesisHome.folder)

            spec.loader.exec_module = exec_module  # type: ignore[method-assign]
            return spec

    finder = _Finder()

    @classmethod
    def current(cls) -> Path | None:
        configuration = sys.modules.get("hypothesis.configuration")
        if configuration is not None:
            return getattr(configuration, "__hypothesis_home_directory", None)
        return cls.folder

    @classmethod
    def set(cls, folder: Path | None) -> None:
        cls.folder = folder
        configuration = sys.modules.get("hypothesis.configuration")
        if configuration is not None:
            configuration.set_hypothesis_home_dir(folder)  # type: ignore[attr-defined]
        elif folder is not None and cls.finder not in sys.meta_path:
            sys.meta_path.insert(0, cls.finder)


def _use_root(root: Path) -> None:
    """Send this process's temporary files and Hypothesis data into the job folder."""
    tmp = root / "tmp"
    tmp.mkdir(exist_ok=True)
    tempfile.tempdir = str(tmp)
    os.environ["TMPDIR"] = str(tmp)
    _HypothesisHome.set(root / "hypothesis")


@contextlib.contextmanager
def private_root() -> Iterator[Path]:
    """A job folder for work done in this process; removed (exactly) at the end.

    Temporary files and Hypothesis data go there, never into the current directory. A
    guardian process removes the folder if this process is killed before it can.
    """
    before = tempfile.tempdir, os.environ.get("TMPDIR"), os.environ.get(JOB_ROOT_ENV)
    home = _HypothesisHome.current()
    guard = None
    try:
        with _held_signals():
            guard = _Guardian()
        os.environ[JOB_ROOT_ENV] = str(guard.root)  # paths created are noted in its ledger
        _use_root(guard.root)
        yield guard.root
    except Interrupted as exc:
        if guard is not None:
            entries = ledger_entries(guard.root)
            exc.committed = list(dict.fromkeys(f[1] for f in entries if f[0] == "committed"))
        raise
    finally:
        _HypothesisHome.set(home)
        tempfile.tempdir = before[0]
        for name, value in (("TMPDIR", before[1]), (JOB_ROOT_ENV, before[2])):
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        if guard is not None:
            if sys.exc_info()[0] is not None:  # stopped early: no program outlives the folder
                _kill_started_under(guard.root, 60)
            shutil.rmtree(guard.root, ignore_errors=True)
            guard.release()


@dataclass
class JobOutcome:
    """What happened to a job.

    ``finished``: the function returned (``code`` is its exit code, ``stdout`` what it
    printed). ``timed_out``: the limit was reached first. ``committed``: outputs that
    were complete and in place (possibly before a kill). ``crashed``: the child ended
    without an answer and without a timeout (``code`` is its exit status); ``signal`` is the
    signal that killed it, if one did (``code`` is then ``128 + signal``).
    """

    code: int | None
    finished: bool
    timed_out: bool
    stdout: bytes = b""
    committed: list[str] = field(default_factory=list)
    crashed: bool = False
    signal: int | None = None


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


def die_with_parent() -> Callable[[], None] | None:
    """A ``preexec_fn`` for :mod:`subprocess`: the program gets SIGKILL when this process ends.

    Even on ``kill -9`` of this process (Linux ``PR_SET_PDEATHSIG``; the kernel ties it to
    the thread that starts the program, which must wait for it). None where unavailable.
    Programs such a program starts in turn are killed by the job folder's guardian
    (:func:`_kill_started_under`).
    """
    try:
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    parent = os.getpid()

    def preexec() -> None:  # pragma: no cover - runs in the forked child
        prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
        if os.getppid() != parent:  # the parent died before the line above
            os.kill(os.getpid(), signal.SIGKILL)

    return preexec


def _started_under(root: Path) -> list[int]:
    """Programs started under the job folder `root`: their environment names it (Linux).

    A program inherits the environment of the process that starts it, so pdflatex and any
    helper it starts carry ``SYMGRAD_JOB_ROOT=root``; forked Python processes do not show
    it (``/proc/PID/environ`` holds the environment of the last ``exec``).
    """
    needle = b"\0" + f"{JOB_ROOT_ENV}={root}".encode("utf-8", "surrogateescape") + b"\0"
    found = []
    with contextlib.suppress(OSError):
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit() or int(entry.name) == os.getpid():
                continue
            try:
                environ = (entry / "environ").read_bytes()
            except OSError:  # gone, or another user's
                continue
            if needle in b"\0" + environ + b"\0":
                found.append(int(entry.name))
    return found


def _kill_started_under(root: Path, seconds: float) -> None:
    """Kill every program started under `root`, again until none is left (or `seconds`)."""
    deadline = time.monotonic() + seconds
    while True:
        alive = [pid for pid in _started_under(root) if _alive(pid)]
        if not alive or time.monotonic() > deadline:
            return
        for pid in alive:
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.kill(pid, signal.SIGKILL)
        time.sleep(0.05)


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


def _relay(fd: int, sink: TextIO) -> None:
    if hasattr(signal, "pthread_sigmask"):  # signals go to the main thread only
        signal.pthread_sigmask(signal.SIG_BLOCK, SIGNALS)
    with contextlib.suppress(OSError, ValueError), os.fdopen(fd, "rb", buffering=0) as stream:
        for chunk in iter(lambda: stream.read(4096), b""):
            with contextlib.suppress(OSError, ValueError):
                sink.write(chunk.decode("utf-8", "replace"))
                sink.flush()


class _Guardian:
    """A small process that removes a job folder if the process that made it is killed.

    It is forked first and creates the folder itself, so no moment exists at which the folder
    exists and nobody would remove it. It then waits on a pipe whose only writer is this
    process: a byte means "done, the folder is mine to clean"; end of file means this
    process died (``kill -9`` included). Then the guardian kills the job's process group
    (if the job was started), undoes what the ledger lists and removes the folder. It runs
    in its own session, so a Ctrl-C on the terminal does not reach it.
    """

    def __init__(self) -> None:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(OSError, ValueError, AttributeError):
                stream.flush()
        life_r, self._life = os.pipe()
        back_r, back_w = os.pipe()
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the guardian's side (covered by the process tests)
            code = 0
            try:
                os.close(self._life)
                os.close(back_r)
                code = _guard(life_r, back_w)
            finally:
                os._exit(code)
        self.pid = pid
        os.close(life_r)
        os.close(back_w)
        with os.fdopen(back_r, "rb") as back:
            answer = back.read().decode("utf-8", "surrogateescape")
        if not answer:
            self.release()
            raise OSError("could not create a temporary folder for the job")
        self.root = Path(answer)

    def watch(self, pid: int) -> None:
        """Tell the guardian which process group to kill if this process dies."""
        os.write(self._life, f"{pid}\n".encode())

    def release(self) -> None:
        """This process cleaned up itself: let the guardian go, and reap it."""
        with contextlib.suppress(OSError):
            os.write(self._life, b"done\n")
        with contextlib.suppress(OSError):
            os.close(self._life)
        with contextlib.suppress(ChildProcessError, OSError):
            os.waitpid(self.pid, 0)


def _guard(life: int, back: int) -> int:  # pragma: no cover - runs in the guardian
    for s in SIGNALS:
        signal.signal(s, signal.SIG_IGN)
    os.setsid()
    null = os.open(os.devnull, os.O_RDWR)
    for fd in (0, 1, 2):  # hold no pipe of the caller open
        os.dup2(null, fd)
    os.close(null)
    try:
        root = Path(tempfile.mkdtemp(prefix="symgrad-job-"))
    except OSError:
        os.close(back)
        return 1
    with contextlib.suppress(OSError):  # the owner may be gone already: clean up below
        os.write(back, os.fsencode(root))
    with contextlib.suppress(OSError):
        os.close(back)
    text = b""
    with os.fdopen(life, "rb", buffering=0) as pipe:
        for chunk in iter(lambda: pipe.read(64), b""):
            text += chunk
            if b"done\n" in text:
                return 0  # the owner cleaned up itself
    # end of file without "done": the owner died
    for line in text.decode().split():
        if line.isdigit():
            with contextlib.suppress(ProcessLookupError, PermissionError):
                os.killpg(int(line), signal.SIGKILL)
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline and any(_alive(m) for m in _group_members(int(line))):
                time.sleep(0.05)
    _kill_started_under(root, 60)  # pdflatex and its helpers, wherever their group
    _cleanup(root)
    return 0


def _wait(pid: int, seconds: float) -> int | None:
    """Wait up to `seconds` for child `pid`; its wait status, or None if it still runs."""
    done, status = os.waitpid(pid, os.WNOHANG)
    if done:
        return status
    try:
        fd = os.pidfd_open(pid)
    except (AttributeError, OSError):
        time.sleep(min(seconds, 0.02))
    else:
        try:
            select.select([fd], [], [], seconds)
        finally:
            os.close(fd)
    done, status = os.waitpid(pid, os.WNOHANG)
    return status if done else None


def _kill_group(pid: int) -> int:
    """Kill the job's process group, reap every member this process can wait for; the status."""
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(pid, signal.SIGKILL)
    try:
        _, status = os.waitpid(pid, 0)
    except ChildProcessError:
        status = 0
    for member in _group_members(pid):  # orphans adopted as subreaper: reap by pid
        with contextlib.suppress(ChildProcessError, OSError):
            os.waitpid(member, 0)
    return status


def run_job(
    target: Callable[[Any], int],
    payload: Any,
    *,
    seconds: float,
    stderr: TextIO | None = None,
) -> JobOutcome:
    """Call `target` with `payload` in a forked child; stop it after `seconds`.

    The child is a fork of this process (nothing is re-imported, nothing is pickled). Its stderr is relayed live
    to `stderr`; its stdout is kept and returned whole (never half a result). Raises
    :class:`Interrupted` (after killing the job and cleaning up) when a signal arrives
    inside :func:`handle_signals`. If this process is killed, a guardian process kills
    the job and removes what it left.
    """
    sink = stderr if stderr is not None else sys.stderr
    _set_subreaper()
    committed: list[str] = []
    try:
        return _run_job(target, payload, seconds, sink, committed)
    except Interrupted as exc:
        exc.committed = committed
        raise


def _run_job(
    target: Callable[[Any], int],
    payload: Any,
    seconds: float,
    sink: TextIO,
    committed: list[str],
) -> JobOutcome:
    with _held_signals():  # a signal stops the wait below; never a step of setup or cleanup
        guard = _Guardian()
        root = guard.root
        pid = relay = None
        status: int | None = None
        timed_out = False
        try:
            read_err, write_err = os.pipe()
            out = os.open(root / "stdout", os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            pid = os.fork()
            if pid == 0:  # pragma: no cover - the child's side (covered by the process tests)
                os._exit(_child(root, target, payload, out, write_err, read_err, guard))
            guard.watch(pid)
            os.close(out)
            os.close(write_err)
            relay = threading.Thread(target=_relay, args=(read_err, sink), daemon=True)
            relay.start()
            deadline = time.monotonic() + seconds
            while _SignalState.held is None:
                left = deadline - time.monotonic()
                if left <= 0:
                    timed_out = True
                    break
                status = _wait(pid, min(left, 0.1))
                if status is not None:
                    break
        finally:
            if pid is not None and (status is None or _group_members(pid)):
                # still running, or it finished but left processes in its group
                killed = _kill_group(pid)
                status = killed if status is None else status
                _kill_started_under(root, 60)  # programs that left the group
            if relay is not None:
                relay.join(timeout=5)
            done = [f for f in ledger_entries(root) if f[0] == "done"]
            stdout = b""
            with contextlib.suppress(OSError):
                stdout = (root / "stdout").read_bytes()
            committed += _cleanup(root)
            guard.release()
    if done:
        return JobOutcome(int(done[-1][1]), True, timed_out, stdout, committed)
    if not timed_out:  # it ended without recording an answer (a crash, a kill, the OOM killer)
        code = os.waitstatus_to_exitcode(status) if status is not None else 1
        signum = -code if code < 0 else None
        return JobOutcome(
            128 + signum if signum else code, False, False, b"", committed, True, signum
        )
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


def _child(
    root: Path,
    target: Callable[[Any], int],
    payload: Any,
    out: int,
    write_err: int,
    read_err: int,
    guard: _Guardian,
) -> int:  # pragma: no cover - runs in the forked child
    """The forked child: its own session, stdout to a file, stderr to the pipe; run `target`."""
    code = 1
    try:
        parent = os.getppid()
        os.setsid()
        with contextlib.suppress(OSError, AttributeError):  # die with the parent
            ctypes.CDLL(None).prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
        if os.getppid() != parent:  # the parent died before the line above
            return 1
        # the guardian learns this group from here too, before its pipe can close: the
        # parent may be stopped (and killed) before it tells the guardian itself
        with contextlib.suppress(OSError):
            os.write(guard._life, f"{os.getpid()}\n".encode())
        os.close(guard._life)
        os.close(read_err)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.dup2(out, 1)
        os.dup2(write_err, 2)
        for fd in (null, out, write_err):
            os.close(fd)
        # the streams on the new descriptors (the parent's may be objects in memory)
        sys.stdout = open(1, "w", encoding="utf-8", closefd=False)  # noqa: SIM115
        sys.stderr = open(2, "w", encoding="utf-8", errors="backslashreplace", closefd=False)  # noqa: SIM115
        sys.stderr.reconfigure(line_buffering=True)
        os.environ[JOB_ROOT_ENV] = str(root)
        _SignalState.held, _SignalState.raised, _SignalState.holding = None, False, False
        _use_root(root)
        with handle_signals():
            code = int(target(payload))
            with contextlib.suppress(OSError, ValueError):
                sys.stdout.flush()
            record_in_ledger("done", str(code))
    except BaseException:
        import traceback

        with contextlib.suppress(BaseException):
            traceback.print_exc()
        code = 1
    finally:
        for stream in (sys.stdout, sys.stderr):
            with contextlib.suppress(BaseException):
                stream.flush()
    return code
