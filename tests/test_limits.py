"""limits: one clock (the command's deadline reaches every search) and checks with no clock."""

import math
import os
import signal
import time

import pytest

from symgrad.errors import SymgradTimeoutError, UndecidedError
from symgrad.runtime.limits import (
    DEADLINE_ENV,
    Limiter,
    command_deadline,
    remaining_seconds,
    run_limited,
)


@pytest.fixture
def deadline_env(monkeypatch):
    monkeypatch.delenv(DEADLINE_ENV, raising=False)
    return monkeypatch


def test_without_a_command_deadline_a_search_gets_the_default(deadline_env):
    assert command_deadline() is None and remaining_seconds(30.0) == 30.0


def test_a_command_deadline_bounds_every_search(deadline_env):
    deadline_env.setenv(DEADLINE_ENV, repr(time.monotonic() + 5.0))
    left = remaining_seconds(30.0)
    assert 0 < left <= 5.0
    deadline_env.setenv(DEADLINE_ENV, repr(time.monotonic() - 1.0))  # already passed
    assert remaining_seconds(30.0) == 0.001


def test_a_malformed_deadline_is_ignored_not_trusted(deadline_env):
    for bad in ("soon", "nan", "inf", ""):
        deadline_env.setenv(DEADLINE_ENV, bad)
        assert command_deadline() is None


def test_a_search_past_the_command_deadline_is_undecided(deadline_env):
    from symgrad import derive_gamma

    deadline_env.setenv(DEADLINE_ENV, repr(time.monotonic() + 0.05))
    with pytest.raises(SymgradTimeoutError, match="could not decide"):
        derive_gamma("x/2 + Abs(x)*tanh(x)/9")


def test_an_unlimited_limiter_never_reads_the_clock(monkeypatch):
    lim = Limiter.unlimited()

    def no_clock():
        raise AssertionError("the clock was read")

    monkeypatch.setattr(time, "monotonic", no_clock)
    with lim.step(0.001) as step:
        step.value = 6 * 7
    assert step.value == 42
    with lim.step(0.001) as step:
        step.value = 1 / 0
    assert step.value is None  # a failed step, as in a search
    lim.check("anything")
    assert lim.total == math.inf


def test_a_job_without_a_time_limit_waits_for_its_answer():
    assert run_limited(lambda deadline: deadline == math.inf, math.inf, "no clock") is True


def test_the_deadline_variable_is_not_left_behind_by_a_command(capsys, deadline_env):
    from symgrad.cli import main

    assert main(["gamma", "tanh", "--json"]) == 0
    capsys.readouterr()
    assert DEADLINE_ENV not in os.environ


def _abort_like_gmp(deadline):
    os.write(2, b"GNU MP: Cannot reallocate memory (old_size=16 new_size=4294967304)\n")
    os.abort()


def test_a_native_abort_for_memory_is_undecided_for_memory_and_nothing_reaches_stderr(capfd):
    with pytest.raises(UndecidedError) as info:
        run_limited(_abort_like_gmp, 30.0, "the job")
    assert "ran out of memory" in str(info.value)
    captured = capfd.readouterr()
    assert "GNU MP" not in captured.err + captured.out


def test_a_real_allocation_beyond_the_memory_limit_is_undecided_for_memory(capfd):
    # 2³⁵ bits are 4 GiB, beyond the child's 2 GiB: GMP aborts (or flint raises MemoryError)
    import flint

    with pytest.raises(UndecidedError, match="ran out of memory"):
        run_limited(lambda deadline: int((flint.fmpz(1) << 2**35) % 7), 60.0, "a huge power")
    captured = capfd.readouterr()
    assert "GNU MP" not in captured.err + captured.out


def test_a_child_killed_by_a_signal_is_undecided_and_says_which_signal():
    def segfault(deadline):
        os.kill(os.getpid(), signal.SIGSEGV)

    with pytest.raises(UndecidedError, match=r"stopped without an answer \(killed by SIGSEGV"):
        run_limited(segfault, 30.0, "the job")


def test_what_a_finished_child_wrote_on_stderr_is_passed_on(capfd):
    def warn(deadline):
        os.write(2, b"a warning\n")
        return 1

    assert run_limited(warn, 30.0, "the job") == 1
    assert "a warning" in capfd.readouterr().err


def test_gamma_whose_search_aborts_for_memory_exits_2_with_the_reason_and_no_raw_line(
    capfd, monkeypatch
):
    from symgrad.cli import main
    from symgrad.maths import gamma_search

    monkeypatch.setattr(gamma_search, "_derive", lambda *args, **kwargs: _abort_like_gmp(0.0))
    assert main(["gamma", "tanh(x) + x/1234567"]) == 2
    captured = capfd.readouterr()
    assert "ran out of memory" in captured.err
    assert "GNU MP" not in captured.err + captured.out and "Traceback" not in captured.err


def _spin_in_steps(deadline):
    """Inside a limited child: a step that overruns its share gives None, the search goes
    on, and a step begun after the deadline raises."""
    lim = Limiter(deadline)
    with lim.step(0.05) as step:
        while True:  # CPU time: the step's alarm stops it
            pass
    answers = [step.value]
    with lim.step(5.0) as step:
        step.value = "next"
    answers.append(step.value)
    try:
        with Limiter(time.monotonic() - 1, 1.0).step(5.0) as step:
            step.value = "too late"
    except SymgradTimeoutError:
        answers.append("timed out")
    return answers


def test_a_step_over_its_share_gives_none_and_one_past_the_deadline_raises():
    assert run_limited(_spin_in_steps, 60.0, "steps") == [None, "next", "timed out"]


def _alarm_as_the_step_ends(deadline):
    """Inside a limited child: the step's alarm fires while the step is being closed."""
    real = signal.setitimer

    def late(which, seconds, interval=0.0):
        if which == signal.ITIMER_PROF and seconds == 0:  # disarming: the alarm fires now
            signal.raise_signal(signal.SIGPROF)
        return real(which, seconds, interval)

    signal.setitimer = late
    try:
        with Limiter(deadline).step(5.0) as step:
            step.value = "done"
    finally:
        signal.setitimer = real
    return step.value, signal.getsignal(signal.SIGPROF) == signal.SIG_DFL


def test_an_alarm_that_fires_as_a_step_ends_stays_inside_the_step():
    # the block's answer is kept, and the alarm's handler is gone afterwards
    assert run_limited(_alarm_as_the_step_ends, 60.0, "a step") == ("done", True)


def _stop_signals_are_default(_deadline):
    return [signal.getsignal(s) == signal.SIG_DFL for s in (signal.SIGTERM, signal.SIGHUP)]


def test_a_forked_computation_ends_at_once_on_a_stop_signal_in_any_of_its_code():
    """Between the fork and its block the child runs the caller's code: a stop signal there
    must end it, never raise into the parent's frames (which it shares until then)."""
    from symgrad.runtime.jobs import handle_signals

    with handle_signals():  # the parent turns stop signals into exceptions
        assert run_limited(_stop_signals_are_default, 60.0, "signals") == [True, True]


def test_the_computation_block_belongs_to_the_forked_side_only():
    from symgrad.runtime.limits import Pending

    pending = Pending(60.0, "one")
    if pending.here:
        with pending.answering():
            pending.value = 1
    with pytest.raises(RuntimeError, match=r"pending\.here"), pending.answering():
        pass
    assert pending.result() == 1
