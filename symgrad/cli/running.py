"""Running a command: in this process, or as a job with one deadline.

:func:`_run` checks the destinations, then runs a quick command here (:func:`_guarded`: every
failure one line and an exit code) or a limited one as a job of :mod:`symgrad.runtime.jobs`,
whose child calls :func:`_job`; a job stopped at its limit, by a signal or by the system is
reported in one line, with what it had written.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
from collections.abc import Callable

from ..errors import SymgradError
from ..runtime.jobs import Interrupted, private_root, run_job
from .options import Command, _check_examples_cost
from .text import _error_kind, _fail, _one_line, _quiet_stdout, _say


def _guarded(
    name: str, handler: Callable[[argparse.Namespace], int], args: argparse.Namespace
) -> int:
    """Run a handler in this process: every failure is one line on stderr and an exit code."""
    try:
        code = int(handler(args))
        sys.stdout.flush()
        return code
    except SymgradError as exc:
        if args.debug:
            raise
        _fail(name, args, _error_kind(exc), _one_line(exc))
        return 2
    except BrokenPipeError:  # output piped into a reader that stopped early
        _quiet_stdout()
        return 0
    except MemoryError:
        if args.debug:
            raise
        _fail(name, args, "memory", "the job ran out of memory; choose a smaller job")
        return 2
    except OSError as exc:  # e.g. a full disk or device
        if args.debug:
            raise
        _quiet_stdout()
        where = f" ({exc.filename})" if exc.filename else ""
        _fail(name, args, "output", f"could not write the output{where}: {exc.strerror or exc}")
        return 2
    except Exception as exc:
        if args.debug:
            raise
        _fail(
            name,
            args,
            "internal",
            f"{type(exc).__name__}: {_one_line(exc)} (a bug; --debug shows the traceback)",
            prefix="internal error",
        )
        return 3


def _signal_name(signum: int) -> str:
    import signal

    try:
        return signal.Signals(signum).name
    except ValueError:
        return str(signum)


def _job(payload: tuple[str, Callable[..., int], argparse.Namespace]) -> int:
    """The child's side of a limited job (a fork of this process): call the handler."""
    name, handler, args = payload
    try:
        return _guarded(name, handler, args)
    except Interrupted as exc:
        return exc.exit_code


def _run(cmd: Command, args: argparse.Namespace) -> int:
    """Check the destinations, then run the command here or as a limited job."""
    from ..runtime.files import JOB_ROOT_ENV, check_destination

    expected = [
        str(check_destination(path, kind=kind))
        for path, kind, _names in (cmd.outputs(args) if cmd.outputs else [])
    ]
    limit = getattr(args, "timeout", None)
    if getattr(args, "examples", None) is not None and limit is not None:
        _check_examples_cost(args, limit)
    inside = bool(os.environ.get(JOB_ROOT_ENV))
    if inside or (limit is None and not cmd.runs_user_code):  # no limit, or inside a job
        try:
            with private_root():
                return _guarded(cmd.name, cmd.handler, args)
        except Interrupted as exc:
            exc.expected = expected  # type: ignore[attr-defined]
            raise
    from ..runtime.limits import DEADLINE_ENV

    # one clock: every search the job starts ends by the command's own deadline (a little
    # before it, so that an undecided answer is reported rather than cut off)
    before = os.environ.get(DEADLINE_ENV)
    if limit is not None:
        os.environ[DEADLINE_ENV] = repr(time.monotonic() + max(limit - min(1.0, limit / 10), 0.0))
    payload = (cmd.name, cmd.handler, args)
    try:  # the job inherits the deadline; this process keeps its own environment
        outcome = run_job(_job, payload, seconds=math.inf if limit is None else limit)
    except Interrupted as exc:
        exc.expected = expected  # type: ignore[attr-defined]
        raise
    finally:
        if before is None:
            os.environ.pop(DEADLINE_ENV, None)
        else:
            os.environ[DEADLINE_ENV] = before
    if outcome.finished:
        sys.stdout.write(outcome.stdout.decode("utf-8", "replace"))
        sys.stdout.flush()
        return outcome.code if outcome.code is not None else 3
    if outcome.crashed and outcome.signal:  # killed from outside, or by the OOM killer
        written = f"; {', '.join(outcome.committed)} had been written" if outcome.committed else ""
        return _fail(
            cmd.name,
            args,
            "killed",
            f"the job was killed by signal {_signal_name(outcome.signal)} before it "
            f"finished (from outside symgrad, or by the system when memory ran out){written}; "
            "its temporary files were removed",
            code=outcome.code if outcome.code is not None else 3,
        )
    if outcome.crashed and cmd.runs_user_code and not args.debug:  # that code ended it
        return _fail(
            cmd.name,
            args,
            "invalid-input",
            f"the code under check ended the process (exit status {outcome.code}, as "
            "os._exit does) before the check could finish; a module or function under "
            "check must return its result instead",
        )
    if outcome.crashed:  # with --debug, the child has printed its traceback
        if not args.debug:
            _fail(
                cmd.name,
                args,
                "internal",
                f"the job ended without an answer (exit status {outcome.code})",
                prefix="internal error",
            )
        return 3
    if outcome.committed and set(expected) <= set(outcome.committed):
        message = (
            f"the time limit of {limit:g} s was reached after the output was "
            f"complete: {', '.join(outcome.committed)} (the summary was not printed)"
        )
        _say(cmd.name, message)
        if getattr(args, "json", False):
            print(json.dumps({"ok": True, "files": outcome.committed, "note": message}, indent=2))
        return 0
    if outcome.committed:
        missing = [p for p in expected if p not in outcome.committed]
        return _fail(
            cmd.name,
            args,
            "timeout",
            f"the time limit of {limit:g} s was reached while the outputs were put in "
            f"place: {', '.join(outcome.committed)} written, {', '.join(missing)} not",
        )
    return _fail(
        cmd.name,
        args,
        "timeout",
        f"{cmd.stopped} within the time limit of {limit:g} s; the job was "
        "stopped and nothing was written (raise --timeout, or 'none' for no limit)",
    )
