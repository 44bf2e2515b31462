"""One verdict on every machine: ``symgrad verify --json`` idle, beside busy loops, pinned.

Runs the same ``symgrad verify --json`` (whole catalogue, or the ids given) in up to three
situations and compares every theorem's and every step's verdict:

- ``idle``: as it is;
- ``busy``: beside two CPU-bound loops (``python3 -c 'while True: pass'``), one per core
  of a 2-core machine;
- ``pinned``: pinned to core 0 with ``taskset -c 0``, beside three busy loops pinned to
  the same core (a slow laptop during a lecture), where ``taskset`` exists.

The verdicts must be identical; the wall-clock seconds of each run are printed (they
differ, and may). The busy loops are started by this script and stopped by their process
ids when it ends. Exit status 0 when every run gives ``ok: true`` and the same verdicts.

Run:  python benchmarks/verdicts_under_load.py [--seed S] [--scenarios idle,busy,pinned] [ID ...]
"""

from __future__ import annotations

import argparse
import contextlib
import json
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator, Sequence

SCENARIOS = ("idle", "busy", "pinned")
_LOOP = [sys.executable, "-c", "while True: pass"]


@contextlib.contextmanager
def busy_loops(count: int, pin: str | None = None) -> Iterator[None]:
    """`count` CPU-bound loops (pinned to the cores `pin` names, if given), stopped at the end."""
    prefix = ["taskset", "-c", pin] if pin else []
    loops = [subprocess.Popen([*prefix, *_LOOP]) for _ in range(count)]
    try:
        time.sleep(0.5)  # let them take the cores before the measured run starts
        yield
    finally:
        for proc in loops:
            proc.kill()
        for proc in loops:
            proc.wait()


def verify(ids: Sequence[str], seed: int, pin: str | None = None) -> tuple[dict, float, int]:
    """``symgrad verify --json`` as a fresh process: its JSON, wall-clock seconds, exit code."""
    prefix = ["taskset", "-c", pin] if pin else []
    command = [*prefix, sys.executable, "-m", "symgrad", "verify", "--json", "--seed", str(seed)]
    start = time.perf_counter()
    proc = subprocess.run([*command, *ids], capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    try:
        payload = json.loads(proc.stdout)
    except json.JSONDecodeError:
        payload = {"ok": False, "theorems": [], "error": proc.stderr.strip()[-500:]}
    return payload, seconds, proc.returncode


def verdicts(payload: dict) -> dict[str, list[str]]:
    """theorem id → [its verdict, then each step's verdict]."""
    return {
        t["id"]: [t["verdict"], *(s["verdict"] for s in t["steps"])]
        for t in payload.get("theorems", [])
    }


def run(
    scenarios: Sequence[str], ids: Sequence[str] = (), seed: int = 0, say=print
) -> dict[str, tuple[dict[str, list[str]], float, int, bool]]:
    """Each scenario's verdicts, seconds, exit code and ok flag."""
    out = {}
    for name in scenarios:
        if name == "pinned" and shutil.which("taskset") is None:
            say("pinned: skipped (taskset is not installed)")
            continue
        if name == "idle":
            payload, seconds, code = verify(ids, seed)
        elif name == "busy":
            with busy_loops(2):
                payload, seconds, code = verify(ids, seed)
        else:
            with busy_loops(3, pin="0"):
                payload, seconds, code = verify(ids, seed, pin="0")
        out[name] = (verdicts(payload), seconds, code, payload.get("ok") is True)
        counts = payload.get("verdicts", {})
        say(f"{name:<7} {seconds:7.1f} s  exit {code}  ok={payload.get('ok')}  {counts}")
        if "error" in payload:
            say(f"        {payload['error']}")
    return out


def differences(results: dict[str, tuple[dict[str, list[str]], float, int, bool]]) -> list[str]:
    """Every theorem whose verdicts differ between the scenarios (empty: one verdict)."""
    if not results:
        return []
    names = list(results)
    first = results[names[0]][0]
    out = []
    for name in names[1:]:
        other = results[name][0]
        for tid in sorted(set(first) | set(other)):
            if first.get(tid) != other.get(tid):
                out.append(f"{tid}: {names[0]} {first.get(tid)} vs {name} {other.get(tid)}")
    return out


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("ids", nargs="*", help="theorem ids (default: the whole catalogue)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--scenarios", default=",".join(SCENARIOS))
    args = parser.parse_args(argv)
    scenarios = [s for s in args.scenarios.split(",") if s]
    unknown = [s for s in scenarios if s not in SCENARIOS]
    if unknown:
        parser.error(f"unknown scenario {unknown[0]!r}; choose from {', '.join(SCENARIOS)}")
    results = run(scenarios, args.ids, args.seed)
    diff = differences(results)
    for line in diff:
        print(f"DIFFERENT: {line}")
    every_ok = all(ok for _, _, _, ok in results.values())
    print("one verdict everywhere" if not diff and every_ok else "verdicts differ or failed")
    return 0 if not diff and every_ok else 1


if __name__ == "__main__":
    sys.exit(main())
