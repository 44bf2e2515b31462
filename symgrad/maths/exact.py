"""Exact verification of BPTT on concrete instances.

The three routes of :mod:`symgrad.routes` (sum of products, backward recursion,
forward-mode differentiation of the unrolled loss) are compared entry by entry
for the gradients with respect to W, U, b and h⁽⁰⁾.

What is being compared
    Every σ(a) and σ′(a) of the unrolled network enters as an independent
    indeterminate (an *atom*), as do the entries of W, U, b, h⁽⁰⁾, the inputs and
    the targets. Each gradient entry is then a polynomial with rational
    coefficients in the atoms, and an identity of these polynomials implies the
    identity for every differentiable activation and every value of the data.

How it is decided (``method="random"``, the default)
    All atoms are drawn uniformly from S = {1, …, 2⁶² − 1} and the routes are
    evaluated in exact integer and rational arithmetic. If two polynomials of
    degree at most D differ, the Schwartz–Zippel lemma bounds the chance that
    they agree at such a point by D/|S|; independent trials multiply. D is not
    guessed: the same routes are run on :class:`~symgrad.routes.Degree` atoms to
    bound it.

``method="symbolic"``
    The atoms are SymPy symbols and the differences are expanded to zero: a
    proof of the polynomial identity at that instance, practical for small sizes.

Kept as one module: the instance, the comparison of the routes on it and the cost model that
sets its time budget are one verification; the cost model serves only that budget.
"""

from __future__ import annotations

import math
import random
import time
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from ..errors import (
    BudgetExceededError,
    InvalidArgumentError,
    check_choice,
    check_instance,
    check_positive_int,
    check_seed,
)
from ..kernel.claims import text_of
from ..kernel.notation import as_math
from .activations import as_activation
from .rnn import LOSSES, MODELS
from .routes import (
    PARAMETER_GROUPS,
    Degree,
    Problem,
    Tabulated,
    backward_recursion,
    forward_mode,
    sum_of_products,
    unroll,
)

__all__ = [
    "BPTTInstance",
    "BPTTVerification",
    "predicted_cost",
    "predicted_seconds",
    "verify_bptt",
]

METHODS = ("random", "symbolic")
#: Atoms are drawn from {1, …, SAMPLE_SIZE}.
SAMPLE_SIZE = 2**62 - 1
#: Default time budgets in predicted seconds (the ``budget`` keyword overrides them).
DEFAULT_BUDGET = 60.0
SYMBOLIC_BUDGET = 30.0
#: Cost model, calibrated with ``benchmarks/bench_budget.py`` on this project's reference
#: machine (2 shared cores): seconds per predicted operation of one exact trial, growing
#: slowly with T as the integers grow; the symbolic route grows with expression size.
RANDOM_SECONDS_PER_OP = 2.0e-6
RANDOM_SECONDS_PER_OP_PER_STEP = 1.5e-9
RANDOM_HIDDEN_EXPONENT = -0.4  # wider layers amortise the per-operation overhead
SYMBOLIC_SECONDS_AT_720 = 0.2
SYMBOLIC_EXPONENT = 1.34
SYMBOLIC_SWELL = 0.0375


@dataclass(frozen=True)
class BPTTInstance:
    """A concrete instance: sizes, activation, model, loss.

    Examples
    --------
    >>> BPTTInstance(hidden=3, steps=6).inputs
    1
    >>> BPTTInstance(hidden=0, steps=6)
    Traceback (most recent call last):
    ...
    symgrad.errors.InvalidArgumentError: hidden=0 must be a positive integer (at least 1)
    """

    hidden: int
    steps: int
    inputs: int = 1
    activation: str = "tanh"
    model: str = "A"
    loss: str = "squared"

    def __post_init__(self) -> None:
        for name in ("hidden", "steps", "inputs"):  # NumPy integers are stored as int
            object.__setattr__(self, name, check_positive_int(name, getattr(self, name)))
        as_activation(self.activation)
        check_choice("model", self.model, MODELS)
        check_choice("loss", self.loss, LOSSES)

    @property
    def parameter_count(self) -> int:
        """Entries of W, U, b and h⁽⁰⁾."""
        n, m = self.hidden, self.inputs
        return n * n + n * m + 2 * n


def predicted_cost(instance: BPTTInstance) -> int:
    """Predicted elementary operations of one exact trial (forward mode dominates).

    Examples
    --------
    >>> predicted_cost(BPTTInstance(2, 2)) > 0
    True
    """
    n, m, T, P = instance.hidden, instance.inputs, instance.steps, instance.parameter_count
    forward = T * n * (n + m + 2) * 2 * P
    backward = T * T * n * (n + m + 2)
    return 2 * (forward + 2 * backward)


def predicted_seconds(instance: BPTTInstance, method: str = "random", trials: int = 2) -> float:
    """Predicted wall-clock seconds of :func:`verify_bptt` (calibrated cost model).

    Random points: cost × (a + b·T)·n^-0.4 per trial (the exact integers grow with T;
    wider layers amortise the overhead of each operation).
    Symbolic: c·(cost/720)^1.34 · exp(0.0375·(n − 1)·T²), the expansion swelling with
    n and T. ``benchmarks/bench_budget.py`` measures both; the tests check the
    prediction is within a factor of 4 of the measured time on small sizes.

    Examples
    --------
    >>> 0 < predicted_seconds(BPTTInstance(2, 3)) < 1
    True
    """
    check_choice("method", method, METHODS)
    cost = predicted_cost(instance)
    n, T = instance.hidden, instance.steps
    if method == "random":
        per_op = (
            RANDOM_SECONDS_PER_OP + RANDOM_SECONDS_PER_OP_PER_STEP * T
        ) * n**RANDOM_HIDDEN_EXPONENT
        return cost * per_op * max(trials, 1) / 2
    swell = min(SYMBOLIC_SWELL * (n - 1) * T * T, 700.0)
    return SYMBOLIC_SECONDS_AT_720 * (cost / 720) ** SYMBOLIC_EXPONENT * math.exp(swell)


@dataclass
class Mismatch:
    """One gradient entry on which two routes disagree: the two values, as SymPy numbers or
    expressions."""

    group: str
    row: int
    col: int
    left: Any
    right: Any

    def to_dict(self) -> dict[str, Any]:
        return {
            "group": self.group,
            "row": self.row,
            "col": self.col,
            "left": text_of(self.left),
            "right": text_of(self.right),
        }


@dataclass
class Comparison:
    """One pair of routes compared over all gradient entries."""

    left: str
    right: str
    entries: int
    mismatches: list[Mismatch] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.mismatches


@dataclass
class BPTTVerification:
    """The outcome of :func:`verify_bptt`, with its guarantee spelled out."""

    instance: BPTTInstance
    method: str
    comparisons: list[Comparison]
    seconds: float
    seed: int | None = None
    trials: int = 0
    degree_bound: int | None = None
    failure_probability: float | None = None

    @property
    def ok(self) -> bool:
        return all(c.ok for c in self.comparisons)

    @property
    def guarantee(self) -> str:
        """What a pass means, in words."""
        act = self.instance.activation
        common = (
            "σ(a) and σ′(a) enter as independent indeterminates, so the identity holds for "
            f"every differentiable activation ({act} included) and all parameter and data values"
        )
        if self.method == "symbolic":
            return f"polynomial identity proved by expansion at this instance; {common}"
        return (
            f"polynomial identity in the atoms checked at {self.trials} independent random exact "
            f"points from {{1..2^62-1}}; degree ≤ {self.degree_bound}, so a false identity "
            f"passes with probability ≤ {self.failure_probability:.3g} (Schwartz–Zippel); {common}"
        )

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready summary (with the top-level ``ok``)."""
        inst = self.instance
        return {
            "ok": self.ok,
            "instance": {
                "hidden": inst.hidden,
                "steps": inst.steps,
                "inputs": inst.inputs,
                "activation": inst.activation,
                "model": inst.model,
                "loss": inst.loss,
            },
            "method": self.method,
            "guarantee": self.guarantee,
            "seed": self.seed,
            "trials": self.trials,
            "degree_bound": self.degree_bound,
            "failure_probability": self.failure_probability,
            "gradients": list(PARAMETER_GROUPS),
            "comparisons": [
                {
                    "routes": [c.left, c.right],
                    "entries": c.entries,
                    "ok": c.ok,
                    "mismatches": [m.to_dict() for m in c.mismatches[:5]],
                }
                for c in self.comparisons
            ],
            "seconds": round(self.seconds, 4),
        }


def _atom_problem(inst: BPTTInstance, draw: Any) -> Problem:
    """An instance whose every quantity is a fresh atom produced by ``draw(name)``."""
    n, m, T = inst.hidden, inst.inputs, inst.steps
    s = [[draw(f"s_{t}_{i}") for i in range(n)] for t in range(T + 1)]
    d = [[draw(f"d_{t}_{i}") for i in range(n)] for t in range(T + 1)]
    return Problem(
        model=inst.model,
        W=[[draw(f"W_{i}_{j}") for j in range(n)] for i in range(n)],
        U=[[draw(f"U_{i}_{j}") for j in range(m)] for i in range(n)],
        b=[draw(f"b_{i}") for i in range(n)],
        h0=[draw(f"h0_{i}") for i in range(n)],
        xs=[[draw(f"x_{t}_{j}") for j in range(m)] for t in range(1, T + 1)],
        ys=[[draw(f"y_{t}_{i}") for i in range(n)] for t in range(1, T + 1)],
        sigma=Tabulated(s, d),
        loss=inst.loss,
    )


ROUTES = {
    "sum of products": lambda p: sum_of_products(unroll(p)[1]),
    "backward recursion": lambda p: backward_recursion(unroll(p)[1]),
    "forward mode (direct derivative)": forward_mode,
}


def _compare(results: dict[str, dict], left: str, right: str, equal: Any) -> Comparison:
    comp = Comparison(left, right, 0)
    for group in PARAMETER_GROUPS:
        for i, (row_a, row_b) in enumerate(
            zip(results[left][group], results[right][group], strict=True)
        ):
            for j, (a, b) in enumerate(zip(row_a, row_b, strict=True)):
                comp.entries += 1
                if not equal(a, b):
                    comp.mismatches.append(Mismatch(group, i, j, as_math(a), as_math(b)))
    return comp


def _compare_all(results: dict[str, dict], equal: Any) -> list[Comparison]:
    direct = "forward mode (direct derivative)"
    return [
        _compare(results, "sum of products", direct, equal),
        _compare(results, "backward recursion", direct, equal),
    ]


def degree_bound(instance: BPTTInstance) -> int:
    """A rigorous bound on the degree of every gradient polynomial of every route."""
    problem = _atom_problem(instance, lambda _name: Degree(1))
    worst = 0
    for route in ROUTES.values():
        for rows in route(problem).values():
            for row in rows:
                for entry in row:
                    worst = max(worst, Degree.of(entry))
    return worst


def verify_bptt(
    instance: BPTTInstance,
    *,
    method: str = "random",
    trials: int = 2,
    seed: int | None = None,
    budget: float | None = None,
) -> BPTTVerification:
    """Check that BPTT's sum of products and recursion equal the direct derivative.

    Parameters
    ----------
    instance : BPTTInstance
        Sizes, activation, model and loss.
    method : {"random", "symbolic"}
        Exact evaluation at random integer points (fast; probabilistic with a
        stated bound) or SymPy expansion (a proof at this instance; small sizes).
    trials : int
        Independent random points (``method="random"``).
    seed : int, optional
        Seed of the random points; drawn and reported when omitted.
    budget : float, optional
        Largest predicted running time accepted, in seconds (see
        :func:`predicted_seconds`); default 60 s (random) or 30 s (symbolic).

    Examples
    --------
    >>> result = verify_bptt(BPTTInstance(hidden=2, steps=3), seed=1)
    >>> result.ok, result.degree_bound
    (True, 7)
    >>> verify_bptt(BPTTInstance(hidden=1, steps=2), method="symbolic").ok
    True
    """
    check_instance("instance", instance, BPTTInstance, "e.g. BPTTInstance(hidden=2, steps=3)")
    check_choice("method", method, METHODS)
    trials = check_positive_int("trials", trials, maximum=64)
    if seed is not None:
        seed = check_seed("seed", seed)
    limit = _budget(budget, method)
    seconds = predicted_seconds(instance, method, trials)
    if seconds > limit:
        raise BudgetExceededError(_budget_message(instance, method, trials, seconds, limit))
    start = time.perf_counter()
    if method == "symbolic":
        comparisons = _symbolic(instance)
        return BPTTVerification(instance, method, comparisons, time.perf_counter() - start)
    if seed is None:
        seed = random.SystemRandom().randrange(2**32)
    rng = random.Random(seed)
    comparisons: list[Comparison] = []
    for _ in range(trials):
        problem = _atom_problem(instance, lambda _name: rng.randint(1, SAMPLE_SIZE))
        results = {name: route(problem) for name, route in ROUTES.items()}
        trial = _compare_all(results, lambda a, b: a == b)
        if not comparisons:
            comparisons = trial
        else:
            for total, new in zip(comparisons, trial, strict=True):
                total.entries += new.entries
                total.mismatches.extend(new.mismatches)
    bound = degree_bound(instance)
    probability = float((Fraction(bound, SAMPLE_SIZE)) ** trials)
    return BPTTVerification(
        instance,
        method,
        comparisons,
        time.perf_counter() - start,
        seed=seed,
        trials=trials,
        degree_bound=bound,
        failure_probability=probability,
    )


def _symbolic(instance: BPTTInstance) -> list[Comparison]:
    import sympy as sp

    problem = _atom_problem(instance, sp.Symbol)
    results = {name: route(problem) for name, route in ROUTES.items()}
    return _compare_all(results, lambda a, b: sp.expand(a - b) == 0)


def _budget(budget: object, method: str) -> float:
    if budget is None:
        return SYMBOLIC_BUDGET if method == "symbolic" else DEFAULT_BUDGET
    if isinstance(budget, bool) or not isinstance(budget, (int, float)):
        raise InvalidArgumentError(f"budget={budget!r} must be a number of seconds")
    if not (math.isfinite(budget) and budget > 0):
        raise InvalidArgumentError(
            f"budget={budget!r} must be a positive, finite number of seconds"
        )
    return float(budget)


def _budget_message(
    instance: BPTTInstance, method: str, trials: int, seconds: float, limit: float
) -> str:
    """Say what fits: the largest T at this n found by bisection (the cost grows with T)."""

    def fits(steps: int) -> bool:
        return predicted_seconds(_with_steps(instance, steps), method, trials) <= limit

    lo = _largest(fits, instance.steps)
    if lo >= 1:
        fit = _with_steps(instance, lo)
        hint = f"steps={lo} fits at hidden={instance.hidden}"
    else:  # not even one step: reduce the hidden size instead

        def fits_hidden(hidden: int) -> bool:
            sized = BPTTInstance(hidden, instance.steps, instance.inputs, instance.activation,
                                 instance.model, instance.loss)  # fmt: skip
            return predicted_seconds(sized, method, trials) <= limit

        small = _largest(fits_hidden, instance.hidden)
        if small >= 1:
            fit = BPTTInstance(small, instance.steps, instance.inputs, instance.activation,
                               instance.model, instance.loss)  # fmt: skip
            hint = f"hidden={small} fits at steps={instance.steps}"
        else:
            fit = BPTTInstance(1, 1, instance.inputs, instance.activation, instance.model,
                               instance.loss)  # fmt: skip
            hint = "hidden=1, steps=1 fits"
    hint += f" (about {predicted_seconds(fit, method, trials):.2g} s)"
    return (
        f"hidden={instance.hidden}, steps={instance.steps}, inputs={instance.inputs}, "
        f"method={method}: predicted about {seconds:.3g} s, over the budget of {limit:g} s "
        f"(budget=SECONDS in Python changes it); {hint}"
    )


def _largest(fits: Any, top: int) -> int:
    """The largest k in 0..top-1 with fits(k) (fits grows false with k), by bisection."""
    lo, hi = 0, top  # fits(0) is taken as true, fits(top) is false
    while hi - lo > 1:
        mid = (lo + hi) // 2
        lo, hi = (mid, hi) if fits(mid) else (lo, mid)
    return lo


def _with_steps(instance: BPTTInstance, steps: int) -> BPTTInstance:
    return BPTTInstance(
        instance.hidden, steps, instance.inputs, instance.activation, instance.model, instance.loss
    )
