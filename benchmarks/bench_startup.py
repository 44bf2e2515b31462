"""Cold start of the quick commands: wall-clock and CPU time of fresh processes.

Each run is ``symgrad ARGS`` in a new process, as a user would start it (Python's start-up,
the imports and the work included). Printed per command: the minimum and the median
wall-clock time over the runs, the minimum and the median CPU time of the process and its
children (which a busy machine changes far less than the wall clock), the median wall-clock
time with ``--timeout none`` (the work done in the command's own process, without the job
that gives it a time limit), and the load average when the runs began, since a busy machine
makes every figure larger. On a shared machine the minimum is the better estimate of the
time on an idle one.

Python's bytecode caches are written and used (``PYTHONDONTWRITEBYTECODE`` is dropped for
the runs), as they are for an installed package: the first run of each command, not
counted, writes them and fills the operating system's file cache.

Run:  python benchmarks/bench_startup.py [--runs N] [--tree DIR]     (target: < 0.6 s)

``--tree DIR`` measures the symgrad package found in DIR (e.g. an older checkout,
``git archive REV | tar -x -C DIR``) instead of the installed one.
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
ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
CWD: str | None = None  # with --tree: that folder (python -m looks in the current one first)


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
        [sys.executable, "-m", "symgrad", *args],
        capture_output=True,
        text=True,
        check=False,
        env=ENV,
        cwd=CWD,
    )
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"symgrad {' '.join(args)} failed:\n{proc.stdout}\n{proc.stderr}")
    return seconds, _children_cpu() - cpu


def sympy_import(runs: int) -> list[float]:
    """Wall-clock seconds of fresh ``python -c "import sympy"`` processes: the floor under
    every command that needs SymPy."""
    out = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import sympy"], check=True, env=ENV, cwd=CWD)
        out.append(time.perf_counter() - start)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="fresh processes per command (7)")
    parser.add_argument("--tree", help="measure the symgrad package in this folder instead")
    global CWD
    options = parser.parse_args()
    runs = options.runs
    if options.tree:
        CWD = ENV["PYTHONPATH"] = os.path.abspath(options.tree)
        # that tree's bytecode caches go elsewhere: the folder measured is left as it was
        ENV["PYTHONPYCACHEPREFIX"] = os.path.join(os.path.abspath(options.tree), ".pycache")
    where = subprocess.run(
        [sys.executable, "-c", "import symgrad; print(symgrad.__file__)"],
        capture_output=True,
        text=True,
        check=True,
        env=ENV,
        cwd=CWD,
    ).stdout.strip()
    print(f"symgrad from {where}")
    print(f"load average at start: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
    floor = sympy_import(runs)
    print(
        f"python -c 'import sympy': {min(floor):.2f}s min, {statistics.median(floor):.2f}s median"
    )
    print(
        f"{'command':<34} {'wall min':>8} {'median':>7} {'CPU min':>8} {'median':>7} {'no job':>7}"
    )
    for args in COMMANDS:
        cold(args)  # writes the bytecode caches, fills the operating system's file cache
        both = [timed(args) for _ in range(runs)]
        times, cpus = [w for w, _ in both], [c for _, c in both]
        inline = (
            f"{statistics.median(cold([*args, '--timeout', 'none']) for _ in range(runs)):6.2f}s"
            if args[0] in LIMITED
            else "      -"
        )
        mark = "" if min(times) < TARGET else f"  (above {TARGET} s)"
        print(
            f"symgrad {' '.join(args):<26} {min(times):7.2f}s {statistics.median(times):6.2f}s "
            f"{min(cpus):7.2f}s {statistics.median(cpus):6.2f}s {inline}{mark}"
        )


if __name__ == "__main__":
    main()
