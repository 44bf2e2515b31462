"""Wall-clock and memory limits for derivations, without touching the caller's signals.

SymPy has no timeout and a thread cannot be stopped, so a search runs in a forked child
process (:class:`Pending`, or :func:`run_limited` for a function): the child gets a memory limit and its own SIGPROF
timer for single steps (:class:`Limiter`). Step limits count the child's CPU
time, so a busy machine slows a derivation down but never changes its path; the whole
job's limit is wall-clock: the parent only waits on a pipe until the deadline and kills
the child after it. The caller's signals and timers are never read, replaced or
cancelled. The child's standard error goes to a file, never to the terminal: a native
library that aborts (GMP's "Cannot allocate memory", say) becomes an undecided answer that
gives the reason, and what a child that finished wrote there is passed on. Where ``fork``
is unavailable the job runs in-process with deadline checks between steps only.

One clock: a command run with ``--timeout`` publishes its deadline
(:data:`DEADLINE_ENV`, a ``time.monotonic()`` value, which Linux shares between
processes); :func:`command_deadline` reads it, so every search the command starts ends by
that deadline and no search has a second, hidden limit of its own. A :class:`Limiter`
with an infinite deadline never reads the clock: a certificate check runs under one.

Kept as one module: the fork, the child's setup, the step timer it arms, its answer through
the pipe and the parent's reading of that answer are one protocol, read and changed whole.
"""

from __future__ import annotations

import contextlib
import faulthandler
import gc
import math
import os
import pickle
import select
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Generator, Iterator
from typing import Any, TypeVar

from ..errors import SymgradError, SymgradTimeoutError, UndecidedError
from ._startup import SIGNALS

__all__ = [
    "DEADLINE_ENV",
    "MEMORY_LIMIT",
    "Limiter",
    "Pending",
    "command_deadline",
    "remaining_seconds",
    "run_limited",
    "start_limited",
]

#: Environment variable holding the deadline of the running command (``time.monotonic()``).
DEADLINE_ENV = "SYMGRAD_DEADLINE"

#: Extra address space a limited job may allocate, in bytes.
MEMORY_LIMIT = 2 * 1024**3
_GRACE = 1.0  # seconds the child gets beyond its deadline to report before it is killed
_in_child = False

T = TypeVar("T")


def command_deadline() -> float | None:
    """The deadline of the running command (``time.monotonic()`` scale), or None.

    Examples
    --------
    >>> import os
    >>> os.environ.pop(DEADLINE_ENV, None) and None
    >>> command_deadline() is None
    True
    """
    raw = os.environ.get(DEADLINE_ENV)
    if not raw:
        return None
    try:
        value = float(raw)
    except ValueError:
        return None
    return value if math.isfinite(value) else None


def remaining_seconds(default: float) -> float:
    """Seconds left before the command's deadline (at least 0.001), or `default` without one.

    Examples
    --------
    >>> import os
    >>> os.environ.pop(DEADLINE_ENV, None) and None
    >>> remaining_seconds(30.0)
    30.0
    """
    deadline = command_deadline()
    if deadline is None:
        return default
    return max(0.001, deadline - time.monotonic())


class Limiter:
    """Deadline checks between steps, and per-step limits inside a limited child.

    Examples
    --------
    >>> lim = Limiter(time.monotonic() + 5)
    >>> lim.check("the first step")
    >>> with lim.step(1.0) as step:
    ...     step.value = 1 + 1
    >>> step.value
    2
    """

    def __init__(self, deadline: float, total: float | None = None) -> None:
        self.deadline = deadline
        if total is None:
            total = math.inf if deadline == math.inf else max(0.0, deadline - time.monotonic())
        self.total = total
        #: the certified covers of a derivation: a list the search appends to, or an
        #: iterator of recorded covers a certificate check consumes (None: neither)
        self.covers: Any = None

    @classmethod
    def unlimited(cls) -> Limiter:
        """A limiter that never reads the clock (for checks, whose verdict must not depend
        on time)."""
        return cls(math.inf, math.inf)

    def check(self, stage: str) -> None:
        """Raise SymgradTimeoutError when the deadline has passed before `stage`."""
        if self.deadline != math.inf and time.monotonic() > self.deadline:
            raise SymgradTimeoutError(
                f"could not decide within {self.total:.3g} s (stopped before {stage})"
            )

    def step(self, seconds: float) -> Step:
        """One bounded step of a search, run as the body of a ``with`` block.

        The block stores its answer in ``.value``; it stays None when the block fails the
        way SymPy steps fail (NotImplementedError, ValueError, TypeError, ZeroDivisionError,
        AttributeError, RecursionError) or uses up `seconds`. Past the deadline the block
        raises SymgradTimeoutError. A limiter without a deadline (a check) never reads the
        clock and lets the block run to its end.

        Examples
        --------
        >>> lim = Limiter(time.monotonic() + 5)
        >>> with lim.step(1.0) as step:
        ...     step.value = 1 + 1
        >>> step.value
        2
        >>> with lim.step(1.0) as step:
        ...     step.value = 1 / 0
        >>> step.value is None
        True
        """
        return Step(self, seconds)


class Step:
    """A step of a search made by :meth:`Limiter.step`; ``value`` is its answer or None."""

    def __init__(self, limiter: Limiter, seconds: float) -> None:
        self.limiter, self.seconds = limiter, seconds
        self.value: Any = None
        self._alarm: Any = None

    def __enter__(self) -> Step:
        lim = self.limiter
        if lim.deadline == math.inf:  # a check: no clock, the step runs to its end
            return self
        left = lim.deadline - time.monotonic()
        if left <= 0:
            raise SymgradTimeoutError(f"could not decide within {lim.total:.3g} s")
        if _in_child:
            self._alarm = _arm_alarm(min(self.seconds, left))
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: Any, tb: Any) -> bool:
        if self._alarm is not None:
            _disarm_alarm(self._alarm)
        if kind is None:
            return False
        if issubclass(kind, _StepTimeout):
            self.value = None
            if time.monotonic() >= self.limiter.deadline:
                raise SymgradTimeoutError(
                    f"could not decide within {self.limiter.total:.3g} s"
                ) from None
            return True
        if issubclass(kind, _FAILURES):
            self.value = None
            return True
        return False


#: how SymPy steps fail: the search goes on without that step's answer
_FAILURES = (
    NotImplementedError,
    ValueError,
    TypeError,
    ZeroDivisionError,
    AttributeError,
    RecursionError,
)


class _StepTimeout(BaseException):
    """Raised by the child's own alarm; a BaseException so SymPy's ``except Exception`` passes it."""


def _arm_alarm(seconds: float) -> Any:
    """Raise _StepTimeout after `seconds` of this process's CPU time (SIGPROF); returns what
    :func:`_disarm_alarm` restores."""

    def on_alarm(signum: int, frame: Any) -> None:
        if _closing(frame):
            return  # the step is ending: the block is done, and raising now would escape it
        # An exception raised inside a garbage-collection callback (Hypothesis installs one)
        # is printed and swallowed: re-arm the timer so the step is stopped at the next chance.
        signal.setitimer(signal.ITIMER_PROF, 0.05)
        raise _StepTimeout

    previous = signal.signal(signal.SIGPROF, on_alarm)
    signal.setitimer(signal.ITIMER_PROF, max(seconds, 0.001))
    return previous


def _disarm_alarm(previous: Any) -> None:
    signal.setitimer(signal.ITIMER_PROF, 0)
    signal.signal(signal.SIGPROF, previous)


#: where a step's alarm must not raise: the code that ends the step
_CLOSING = (Step.__exit__.__code__, _disarm_alarm.__code__)


def _closing(frame: Any) -> bool:
    while frame is not None:
        if frame.f_code in _CLOSING:
            return True
        frame = frame.f_back
    return False


def run_limited(job: Callable[[float], T], seconds: float, what: str) -> T:
    """Run ``job(deadline)`` with a wall-clock limit of `seconds` and a memory limit.

    Symgrad errors raised by the job are raised here; running out of time or memory
    becomes a :class:`~symgrad.errors.SymgradTimeoutError` or
    :class:`~symgrad.errors.UndecidedError` naming `what`.

    Examples
    --------
    >>> run_limited(lambda deadline: 6 * 7, 5.0, "the answer")
    42
    """
    return start_limited(job, seconds, what).result()


class Pending:
    """A limited computation in a forked process; :meth:`result` waits for its answer.

    Making one forks: the computation is the body of :meth:`answering`, run where
    :attr:`here` is true, which is the forked child (or this process, when forking is not
    possible or this is such a child already). The child gets a memory limit; its answer or
    its error comes back through a pipe, and it ends with the block::

        pending = Pending(30.0, "γ of σ = tanh(x)")
        if pending.here:
            with pending.answering():
                pending.value = search(pending.deadline)
        ...
        gamma = pending.result()  # in the caller: the value, or the error raised

    Examples
    --------
    >>> def start() -> Pending:
    ...     pending = Pending(5.0, "the answer")
    ...     if pending.here:
    ...         with pending.answering():
    ...             pending.value = 6 * 7
    ...     return pending
    >>> start().result()
    42
    """

    def __init__(
        self, seconds: float, what: str, loads: Callable[[bytes], Any] = pickle.loads
    ) -> None:
        self.seconds, self.what = seconds, what
        #: how the answer is read back from the child's bytes (the mathematics passes one that
        #: rebuilds its objects as they were written, unevaluated)
        self._loads = loads
        #: what the block computed (set it inside :meth:`answering`)
        self.value: Any = None
        self._done: tuple[str, Any] | None = None
        self._pipe: int | None = None  # in the forked child: where the answer goes
        #: whether the computation runs in this process (the child, or no fork at all)
        self.here = True
        if _in_child or not hasattr(os, "fork"):
            self.deadline = time.monotonic() + seconds
            return
        self._deadline = time.monotonic() + seconds + _GRACE
        read_end, write_end = os.pipe()
        self._stderr = tempfile.TemporaryFile()  # noqa: SIM115 (closed by _drain)
        # the child dies with this process (even on kill -9) when forked from the main thread
        # (the kernel ties that to the forking thread, which must outlive the child)
        with_parent = threading.current_thread() is threading.main_thread()
        parent = os.getpid()
        pid = os.fork()
        if pid == 0:  # the child: set up, then the caller's block computes the answer
            os.close(read_end)
            _enter_child(self._stderr.fileno(), parent if with_parent else None)
            self._pipe = write_end
            self.deadline = time.monotonic() + seconds
            return
        os.close(write_end)
        self.here = False
        self._pid, self._fd = pid, read_end

    @contextlib.contextmanager
    def answering(self) -> Iterator[Pending]:
        """The computation: its block sets :attr:`value` (where :attr:`here` is true).

        In the forked child the answer, or the error, goes to the parent and the child ends
        with the block. A symgrad error is the answer's error; running out of step time or
        memory, or SymPy failing, is an undecided answer naming the computation.
        """
        if not self.here:
            raise RuntimeError("answering() belongs where pending.here is true (the child)")
        if self._pipe is None:  # in this process: the answer is kept for result()
            self._done = yield from self._outcome()
            return
        code = 0
        try:
            kind, payload = yield from self._outcome()
            if kind == "raise":  # an error crosses the pipe as its class and message
                kind, payload = "error", (_picklable(type(payload)), str(payload))
            with os.fdopen(self._pipe, "wb") as pipe:
                pipe.write(pickle.dumps((kind, payload)))
        except BaseException:
            code = 1
        finally:
            os._exit(code)

    def _outcome(self) -> Generator[Pending, None, tuple[str, Any]]:
        """Run the block (the one ``yield``): ``("ok", value)``, or ``("raise", error)`` with
        what it raised as the answer's error; an interrupt or an exit passes through."""
        try:
            yield self
        except BaseException as exc:
            error = _as_undecided(exc, self.seconds, self.what)
            if error is None:
                raise
            return ("raise", error)
        return ("ok", self.value)

    def result(self) -> Any:
        """The computation's value; its error, a timeout or an undecided answer are raised."""
        if self._done is None:
            try:
                data = _read_until(self._fd, self._deadline)
            finally:
                os.close(self._fd)
                status = _reap(self._pid)
                stderr = _drain(self._stderr)
            self._done = _decode(data, self.seconds, self.what, stderr, status, self._loads)
            if self._done[0] == "ok" and stderr:
                sys.stderr.write(stderr)
        kind, payload = self._done
        if kind == "raise":
            raise payload
        return payload

    def cancel(self) -> None:
        """Stop the computation if it still runs (its answer is no longer wanted)."""
        if self._done is None:
            with contextlib.suppress(OSError):
                os.kill(self._pid, signal.SIGKILL)
            with contextlib.suppress(OSError):
                os.close(self._fd)
            _reap(self._pid)
            _drain(self._stderr)
            self._done = ("raise", UndecidedError(f"{self.what}: cancelled"))


def start_limited(job: Callable[[float], T], seconds: float, what: str) -> Pending:
    """Start ``job(deadline)`` as :func:`run_limited` does, without waiting for it.

    Several jobs started this way run side by side (one forked process each) while the
    caller goes on; ``.result()`` collects each one. (The package's own searches use
    :class:`Pending` directly, with the computation written where it is started.)

    Examples
    --------
    >>> start_limited(lambda deadline: 6 * 7, 5.0, "the answer").result()
    42
    """
    pending = Pending(seconds, what)
    if pending.here:
        with pending.answering():
            pending.value = job(pending.deadline)
    return pending


#: What native libraries print on standard error when an allocation fails before aborting.
_OUT_OF_MEMORY = ("cannot allocate memory", "cannot reallocate memory", "out of memory")


def _decode(
    data: bytes | None,
    seconds: float,
    what: str,
    stderr: str = "",
    status: int | None = None,
    loads: Callable[[bytes], Any] = pickle.loads,
) -> tuple[str, Any]:
    if data is None:
        return ("raise", SymgradTimeoutError(f"{what}: could not decide within {seconds:.3g} s"))
    try:
        kind, payload = loads(data)
    except Exception:  # a child that died before reporting (a native library aborted, say)
        return ("raise", UndecidedError(f"{what}: {_death(stderr, status)}"))
    if kind == "ok":
        return ("ok", payload)
    cls, message = payload
    return ("raise", cls(message))


def _death(stderr: str, status: int | None) -> str:
    """Why a child ended without an answer, from its exit status and its standard error."""
    if any(words in stderr.lower() for words in _OUT_OF_MEMORY):
        return (
            f"ran out of memory (limit {MEMORY_LIMIT // 1024**3} GB beyond the start; "
            "a native library could not allocate more and aborted)"
        )
    how = ""
    if status is not None and os.WIFSIGNALED(status):
        how = f" (killed by {signal.Signals(os.WTERMSIG(status)).name})"
    elif status is not None and os.WIFEXITED(status) and os.WEXITSTATUS(status):
        how = f" (exit status {os.WEXITSTATUS(status)})"
    return f"the derivation stopped without an answer{how}"


def _drain(file: Any) -> str:
    """The text a child wrote on its standard error (at most 64 KiB); the file is closed."""
    with contextlib.suppress(OSError, ValueError), file:
        file.seek(0)
        return file.read(1 << 16).decode("utf-8", "replace")
    return ""


def _enter_child(stderr_fd: int, parent: int | None) -> None:
    """Set up a forked child: stderr to its file, tied to the parent, SIGINT default, the
    parent's gc hooks dropped, a memory limit. Ends the child if any of that fails."""
    global _in_child
    _in_child = True
    try:
        os.dup2(stderr_fd, 2)  # never the terminal: the parent reads it after the child ends
        faulthandler.disable()  # its dumps go to a copy of the terminal, not to fd 2
        if parent is not None:
            with contextlib.suppress(OSError, AttributeError):
                import ctypes

                ctypes.CDLL(None).prctl(1, signal.SIGKILL, 0, 0, 0)  # PR_SET_PDEATHSIG
            if os.getppid() != parent:  # the parent died before the line above
                os._exit(1)
        for signum in SIGNALS:  # a stop signal ends the child at once, in any of its code
            signal.signal(signum, signal.SIG_DFL)
        gc.callbacks.clear()  # the parent's hooks (e.g. Hypothesis's timing) have no use here
        _limit_memory()
    except BaseException:
        os._exit(1)


def _picklable(cls: type) -> type:
    return cls if cls.__module__ == "symgrad.errors" else UndecidedError


def _as_undecided(exc: BaseException, seconds: float, what: str) -> SymgradError | None:
    """The answer's error for `exc` raised by a computation; None for one that must pass
    (an interrupt, an exit)."""
    if isinstance(exc, SymgradError):
        return exc
    if isinstance(exc, _StepTimeout):
        return SymgradTimeoutError(f"{what}: could not decide within {seconds:.3g} s")
    if isinstance(exc, MemoryError):
        return UndecidedError(
            f"{what}: ran out of memory (limit {MEMORY_LIMIT // 1024**3} GB beyond the start)"
        )
    if isinstance(exc, RecursionError):
        return UndecidedError(f"{what}: the expression is nested too deeply to analyse")
    if isinstance(exc, Exception):  # SymPy failing inside a step: undecided, not a crash
        return UndecidedError(
            f"{what}: could not be decided (SymPy failed: {type(exc).__name__}: {exc})"
        )
    return None


def _limit_memory() -> None:
    try:
        import resource

        with open("/proc/self/statm") as f:
            used = int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        _soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        want = used + MEMORY_LIMIT
        if hard != resource.RLIM_INFINITY:
            want = min(want, hard)
        resource.setrlimit(resource.RLIMIT_AS, (want, hard))
    except (ImportError, OSError, ValueError):
        pass


def _read_until(fd: int, deadline: float) -> bytes | None:
    chunks = []
    while True:
        left = None if deadline == math.inf else deadline - time.monotonic()
        if left is not None and left <= 0:
            return None
        ready, _, _ = select.select([fd], [], [], left)
        if not ready:
            return None
        chunk = os.read(fd, 1 << 16)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)


def _reap(pid: int) -> int | None:
    """Wait for the child (killing it if it still runs); its wait status, if known."""
    try:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done == 0:
            os.kill(pid, signal.SIGKILL)
            _, status = os.waitpid(pid, 0)
        return status
    except (ChildProcessError, ProcessLookupError):
        return None
