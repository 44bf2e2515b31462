"""Wall-clock timings of the catalogue commands, cold start included.

- ``symgrad verify`` over the whole catalogue with default settings (target: ≤ 8 s on an idle
  2-core machine), wall clock and the CPU time (user + sys) of it and its child processes,
  which a busy machine disturbs less than the wall clock;
- ``symgrad gamma NAME`` for every built-in activation (target: < 1 s each);
- ``derive_gamma`` in one process, first call, for every built-in activation and for every
  activation given as an expression in ``gamma_of_custom_activations`` (the figures the
  README quotes for the background derivations of ``symgrad verify``).

- ``--profile``: where that CPU time goes, in one process: the γ certificates of the
  catalogue checked one by one, then every theorem (in the order a catalogue run takes them
  up) with the CPU seconds of each and the wall seconds of each of its steps.

Each command runs as a fresh process, as a user would start it.

Run:  python benchmarks/bench_catalogue.py [--runs N] [--verify-only] [--profile]
"""

from __future__ import annotations

import argparse
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


#: what ``symgrad verify`` (whole catalogue, cold) should take on an idle 2-core machine
VERIFY_TARGET = 8.0

_PROFILE = """
import time
from symgrad.kernel.catalogue import load_catalogue
from symgrad.maths.certificates import catalogue_activations, shipped_certificate
from symgrad.maths.activations import as_activation
from symgrad.maths.gamma import derive_gamma
from symgrad.kernel.proof import RunSettings, run_cached

theorems = load_catalogue()
total = 0.0
for name, activation in catalogue_activations().items():
    start = time.process_time()
    derive_gamma(activation)
    spent = time.process_time() - start
    total += spent
    if shipped_certificate(as_activation(activation).expr) is not None:
        print(f"  certificate {name:<38} {spent:6.2f} s")
print(f"  {'all certificates':<50} {total:6.2f} s")
total = 0.0
for theorem in sorted(theorems, key=lambda t: t.stage):
    start = time.process_time()
    result = run_cached(theorem, RunSettings())
    spent = time.process_time() - start
    total += spent
    steps = " ".join(f"{s.seconds:.2f}" for s in result.steps)
    print(f"  {theorem.id:<50} {spent:6.2f} s  {result.verdict.value:<9} steps: {steps}")
print(f"  {'all theorems':<50} {total:6.2f} s")
"""


def verify_section(runs: int) -> None:
    print("== symgrad verify (whole catalogue, default settings, cold start) ==")
    timings = [timed(["verify", "--json"]) for _ in range(runs)]
    for k, (seconds, cpu) in enumerate(timings, 1):
        print(f"  run {k}: {seconds:6.2f} s wall, {cpu:6.2f} s CPU (user + sys, all processes)")
    walls = [w for w, _ in timings]
    print(f"best {min(walls):.2f} s, worst {max(walls):.2f} s (target ≤ {VERIFY_TARGET:g} s idle)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="cold runs of symgrad verify")
    parser.add_argument("--verify-only", action="store_true", help="only symgrad verify")
    parser.add_argument("--profile", action="store_true", help="only the CPU profile")
    args = parser.parse_args()
    if args.profile:
        print("== CPU seconds in one process: certificates, then each theorem ==")
        subprocess.run([sys.executable, "-c", _PROFILE], check=True)
        return
    verify_section(max(1, args.runs))
    if args.verify_only:
        return
    print("\n== symgrad gamma NAME (cold start) ==")
    for name in ACTIVATIONS:
        best = min(wall(["gamma", name]) for _ in range(3))
        print(f"  {name:<12} {best:6.2f} s")
    print("\n== derive_gamma, one process, first call ==")
    code = (
        "import importlib.util, sys, time\n"
        "from symgrad import ACTIVATIONS, derive_gamma\n"
        "from symgrad.kernel.catalogue import proofs_dir\n"
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
