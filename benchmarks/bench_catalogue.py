"""Wall-clock timings of the catalogue commands, cold start included.

- ``symgrad verify`` over the whole catalogue with default settings (target: ≤ 15 s), wall
  clock and the CPU time of it and its child processes;
- ``symgrad gamma NAME`` for every built-in activation (target: < 1 s each);
- ``derive_gamma`` in one process, first call, for every built-in activation and for every
  activation given as an expression in ``gamma_of_custom_activations`` (the figures the
  README quotes for the background derivations of ``symgrad verify``).

Each command runs as a fresh process, as a user would start it.

Run:  python benchmarks/bench_catalogue.py
"""

from __future__ import annotations

import resource
import subprocess
import sys
import time

from symgrad import ACTIVATIONS


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed(args: list[str]) -> tuple[float, float]:
    """Wall-clock seconds of ``symgrad ARGS`` and the CPU seconds of it and its children."""
    cpu, start = _children_cpu(), time.perf_counter()
    proc = subprocess.run(
        [sys.executable, "-m", "symgrad", *args], capture_output=True, text=True, check=False
    )
    seconds = time.perf_counter() - start
    if proc.returncode != 0:
        raise SystemExit(f"symgrad {' '.join(args)} failed:\n{proc.stdout}\n{proc.stderr}")
    return seconds, _children_cpu() - cpu


def wall(args: list[str]) -> float:
    return timed(args)[0]


def main() -> None:
    print("== symgrad verify (whole catalogue, default settings, cold start) ==")
    runs = [timed(["verify"]) for _ in range(3)]
    walls, cpus = [w for w, _ in runs], [c for _, c in runs]
    print(f"best {min(walls):.2f} s, worst {max(walls):.2f} s over 3 runs (target ≤ 15 s)")
    print(f"CPU over all processes: {min(cpus):.1f}–{max(cpus):.1f} s")
    print("\n== symgrad gamma NAME (cold start) ==")
    for name in ACTIVATIONS:
        best = min(wall(["gamma", name]) for _ in range(3))
        print(f"  {name:<12} {best:6.2f} s")
    print("\n== derive_gamma, one process, first call ==")
    code = (
        "import importlib.util, sys, time\n"
        "from symgrad import ACTIVATIONS, derive_gamma\n"
        "from symgrad.catalogue import proofs_dir\n"
        "path = proofs_dir() / 'gamma_of_custom_activations.py'\n"
        "spec = importlib.util.spec_from_file_location('custom', path)\n"
        "mod = importlib.util.module_from_spec(spec); spec.loader.exec_module(mod)\n"
        "cases = {**ACTIVATIONS, **mod.EXPRESSIONS}\n"
        "for name, act in cases.items():\n"
        "    start = time.perf_counter(); derive_gamma(act)\n"
        "    print(f'  {name:<14} {time.perf_counter() - start:6.2f} s')\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


if __name__ == "__main__":
    main()
