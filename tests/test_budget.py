"""Budgets are calibrated predictions of time: refusals are instant and suggestions fit."""

import re
import time

import pytest

from symgrad.errors import BudgetExceededError, InvalidArgumentError
from symgrad.maths.exact import BPTTInstance, predicted_seconds, verify_bptt
from symgrad.maths.rnn import MAX_SYMBOLS, SymbolicRNN

#: measured/predicted must lie in [1/8, 4]: never more than 4× slower than predicted (what
#: a budget must guarantee), at most 8× faster (the model errs on the safe side, more so when
#: SymPy's caches are warm). The measure is CPU time of this process, so a busy machine
#: (other jobs on the same cores) does not move it; the model was calibrated on an idle
#: machine, where CPU and wall time agree.
FACTOR = 4
SAFE_SIDE = 8


@pytest.mark.parametrize(
    ("n", "T", "method"), [(1, 60, "random"), (2, 40, "random"), (1, 8, "symbolic")]
)
def test_predicted_time_is_within_a_stated_factor_of_the_measured_time(n, T, method):
    inst = BPTTInstance(n, T)
    start = time.process_time()
    verify_bptt(inst, method=method, seed=3, budget=1e6)
    measured = time.process_time() - start
    predicted = predicted_seconds(inst, method)
    assert predicted / SAFE_SIDE <= measured <= predicted * FACTOR, (measured, predicted)


@pytest.mark.parametrize(
    ("n", "T", "method"), [(2, 10_000_000, "random"), (1, 1576, "random"), (1, 60, "symbolic")]
)
def test_refusing_an_oversized_job_is_immediate(n, T, method):
    start = time.process_time()
    with pytest.raises(BudgetExceededError, match="fits") as info:
        verify_bptt(BPTTInstance(n, T), method=method)
    assert time.process_time() - start < 0.5
    assert "predicted about" in str(info.value)


@pytest.mark.parametrize(
    ("n", "T", "method"), [(2, 10_000_000, "random"), (1, 60, "symbolic"), (40, 200, "random")]
)
def test_the_suggested_size_fits_and_one_more_step_does_not(n, T, method):
    with pytest.raises(BudgetExceededError) as info:
        verify_bptt(BPTTInstance(n, T), method=method)
    steps = int(re.search(r"steps=(\d+) fits", str(info.value)).group(1))
    limit = 30.0 if method == "symbolic" else 60.0
    assert predicted_seconds(BPTTInstance(n, steps), method) <= limit
    assert predicted_seconds(BPTTInstance(n, steps + 1), method) > limit


def test_a_small_budget_refuses_and_a_large_one_accepts():
    inst = BPTTInstance(2, 30)
    with pytest.raises(BudgetExceededError):
        verify_bptt(inst, budget=predicted_seconds(inst) / 2)
    assert verify_bptt(inst, seed=1, budget=predicted_seconds(inst) * 2).ok


@pytest.mark.parametrize("bad", [0, -1, float("inf"), float("nan"), "60", True])
def test_budget_must_be_positive_seconds(bad):
    with pytest.raises(InvalidArgumentError):
        verify_bptt(BPTTInstance(1, 2), budget=bad)


def test_a_huge_symbolic_network_is_refused_before_it_allocates():
    start = time.perf_counter()
    with pytest.raises(BudgetExceededError, match=r"hidden=\d+ fits") as info:
        SymbolicRNN(hidden=3000)
    assert time.perf_counter() - start < 0.5
    fit = int(re.search(r"hidden=(\d+) fits", str(info.value)).group(1))
    assert fit * fit + 2 * fit <= MAX_SYMBOLS < (fit + 1) ** 2 + 2 * (fit + 1)
