"""Cold start of the quick commands: the median wall-clock time of fresh processes.

Each run is ``symgrad ARGS`` in a new process, as a user would start it (Python's start-up,
the imports and the work included). Printed: the median wall-clock time and its range over
the runs, the median CPU time of the process and its children (which a busy machine changes
far less than the wall clock), the median with ``--timeout none`` (the work done in the
command's own process, without the job that gives it a time limit), and the load average
when the runs began, since a busy machine makes every wall-clock figure larger.

Run:  python benchmarks/bench_startup.py [--runs N]      (target: median < 0.6 s)
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import time

COMMANDS = [
    ["bptt", "-n", "3", "-T", "6"],
    ["gamma", "tanh"],
    ["list"],
    ["show", "bptt_sum_of_products"],
]
LIMITED = {"bptt", "gamma", "show"}  # the commands that run as a job by default
TARGET = 0.6


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def cold(args: list[str]) -> float:
    """Wall-clock seconds of one fresh ``symgrad ARGS`` process (which must succeed)."""
    return timed(args)[0]


def timed(args: list[str]) -> tuple[float, float]:
    """Wall-clock and CPU seconds of one fresh ``symgrad ARGS`` process and its children."""
    cpu, start = _children_cpu(), time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "symgrad", *args], capture_output=True, text=True, check=False
    )
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"symgrad {' '.join(args)} failed:\n{proc.stdout}\n{proc.stderr}")
    return seconds, _children_cpu() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="fresh processes per command (7)")
    runs = parser.parse_args().runs
    print(f"load average at start: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    print(f"{'command':<34} {'median':>7} {'range':>13} {'CPU':>6} {'no job':>7}")
    for args in COMMANDS:
        cold(args)  # the first run also fills the operating system's file cache
        both = [timed(args) for _ in range(runs)]
        times, cpus = [w for w, _ in both], [c for _, c in both]
        inline = (
            f"{statistics.median(cold([*args, '--timeout', 'none']) for _ in range(runs)):6.2f}s"
            if args[0] in LIMITED
            else "      -"
        )
        mark = "" if statistics.median(times) < TARGET else f"  (above {TARGET} s)"
        print(
            f"symgrad {' '.join(args):<26} {statistics.median(times):6.2f}s "
            f"{min(times):5.2f}–{max(times):5.2f}s {statistics.median(cpus):5.2f}s {inline}{mark}"
        )


if __name__ == "__main__":
    main()
