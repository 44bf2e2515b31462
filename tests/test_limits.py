"""limits: one clock (the command's deadline reaches every search) and checks with no clock."""

import math
import os
import time

import pytest

from symgrad.errors import SymgradTimeoutError
from symgrad.limits import (
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
    assert lim.attempt(lambda: 6 * 7, 0.001) == 42
    assert lim.attempt(lambda: 1 / 0, 0.001) is None  # a failed step, as in a search
    lim.check("anything")
    assert lim.total == math.inf


def test_a_job_without_a_time_limit_waits_for_its_answer():
    assert run_limited(lambda deadline: deadline == math.inf, math.inf, "no clock") is True


def test_the_deadline_variable_is_not_left_behind_by_a_command(capsys, deadline_env):
    from symgrad.cli import main

    assert main(["gamma", "tanh", "--json"]) == 0
    capsys.readouterr()
    assert DEADLINE_ENV not in os.environ
