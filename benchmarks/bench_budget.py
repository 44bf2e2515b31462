"""Calibrate the cost model behind the budgets of :func:`symgrad.verify_bptt`.

For a set of small sizes this measures the wall-clock time of ``verify_bptt``
(random points, 2 trials; and the symbolic route) and prints it beside
:func:`symgrad.maths.exact.predicted_seconds`, with the ratio measured/predicted. The
constants in ``symgrad/maths/exact.py`` (``RANDOM_SECONDS_PER_OP`` …) were set from these
runs; the tests require the ratio to stay within [1/4, 4] on the small sizes.

Run:  python benchmarks/bench_budget.py [--symbolic]
"""

from __future__ import annotations

import argparse
import time

from symgrad.maths.exact import BPTTInstance, predicted_cost, predicted_seconds, verify_bptt

RANDOM_SIZES = [(1, 50), (1, 100), (1, 200), (1, 400), (2, 50), (2, 100), (2, 200), (3, 100),
                (4, 60), (6, 30), (8, 20)]  # fmt: skip
SYMBOLIC_SIZES = [(1, 5), (1, 10), (1, 20), (1, 30), (2, 3), (2, 5), (2, 8), (3, 3), (3, 4)]


def measure(n: int, T: int, method: str) -> tuple[float, float]:
    inst = BPTTInstance(n, T)
    start = time.perf_counter()
    verify_bptt(inst, method=method, seed=1, budget=1e9)
    return time.perf_counter() - start, predicted_seconds(inst, method)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--symbolic", action="store_true", help="also time the symbolic route")
    args = parser.parse_args()
    rows = [("random", n, T) for n, T in RANDOM_SIZES]
    if args.symbolic:
        rows += [("symbolic", n, T) for n, T in SYMBOLIC_SIZES]
    print(
        f"{'method':9} {'n':>3} {'T':>4} {'cost':>10} {'measured s':>11} {'predicted s':>12} ratio"
    )
    for method, n, T in rows:
        measured, predicted = measure(n, T, method)
        cost = predicted_cost(BPTTInstance(n, T))
        print(f"{method:9} {n:3d} {T:4d} {cost:10d} {measured:11.3f} {predicted:12.3f} "
              f"{measured / predicted:5.2f}")  # fmt: skip


if __name__ == "__main__":
    main()
