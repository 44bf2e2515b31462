"""check_gradients against torch.autograd.gradcheck, on a correct NumPy BPTT and on planted bugs.

    nice python benchmarks/bench_check.py [--default-sizes 64] [--cap 300]
    nice python benchmarks/bench_check.py --symgrad-only [--runs 3]

Part 1 times ``symgrad.check_gradients`` on the correct NumPy implementation of
``examples/student_bptt.py`` at (n, T, m) = (64, 64, 8), (128, 128, 16), (256, 256, 32),
and ``torch.autograd.gradcheck`` on the same function wrapped for torch (float64, CPU; the
function's gradients are the backward of a custom autograd Function whose forward is the
loss): in its default mode (a finite-difference column per input entry) at the sizes of
``--default-sizes``, each run stopped after ``--cap`` seconds, and with ``fast_mode=True``
(one random projection) at every size. It prints the time ratios at the largest size both
finished. PyTorch is the benchmark's oracle only; symgrad does not depend on it.
``--symgrad-only`` times ``check_gradients`` alone, ``--runs`` times per size, with the CPU
time of this process and of the reference worker beside the wall time (on a shared
machine the CPU times say more than the wall time about an idle one).

Part 2 plants a bug of relative size 10⁻⁴, 10⁻⁶ and 10⁻⁸ — that fraction of ‖∂L/∂W‖ along
a wrong term (BPTT's ∂L/∂W with h⁽ᵗ⁾ in place of h⁽ᵗ⁻¹⁾) — and prints which of the three
checkers report it at their default tolerances, at (n, T, m) = (32, 32, 4).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "examples"))

SIZES = [(64, 64, 8), (128, 128, 16), (256, 256, 32)]
BUG_SIZE = (32, 32, 4)


def correct(W, U, b, h0, xs, targets):
    from student_bptt import bptt

    return bptt(W, U, b, h0, xs, targets)


def planted(scale: float):
    """The correct gradients with `scale`·‖∂L/∂W‖ added along a wrong term's direction."""
    from symgrad.check.mistakes import variant_gradients
    from symgrad.maths.activations import as_activation

    tanh = as_activation("tanh")

    def bptt(W, U, b, h0, xs, targets):
        out = correct(W, U, b, h0, xs, targets)
        wrong = variant_gradients(W, U, b, h0, xs, targets, tanh, "A", "state_not_previous")
        term = wrong["W"] - out["W"]
        out["W"] = out["W"] + scale * np.linalg.norm(out["W"]) * term / np.linalg.norm(term)
        return out

    return bptt


# ------------------------------------------------------------------------------- torch side
def _torch_problem(n: int, T: int, m: int, fn, seed: int = 0):
    """A float64 instance as torch leaves and the function wrapped as an autograd Function."""
    import torch

    from symgrad.maths.numeric import forward

    rng = np.random.default_rng(seed)
    W = rng.normal(size=(n, n))
    W *= 0.9 / np.linalg.norm(W, 2)
    arrays = [W, rng.normal(size=(n, m)) / np.sqrt(m), 0.5 * rng.normal(size=n)]
    arrays.append(0.5 * rng.normal(size=(2, n)))
    xs, ys = rng.normal(size=(T, 2, m)), 0.5 * rng.normal(size=(T, 2, n))

    class UserBPTT(torch.autograd.Function):
        @staticmethod
        def forward(ctx, W, U, b, h0):
            ctx.save_for_backward(W, U, b, h0)
            states = forward(W.numpy(), U.numpy(), b.numpy(), xs, h0.numpy()).states[1:]
            return torch.tensor(0.5 * float(np.sum((states - ys) ** 2)), dtype=torch.float64)

        @staticmethod
        def backward(ctx, grad):
            W, U, b, h0 = (t.detach().numpy() for t in ctx.saved_tensors)
            out = fn(W, U, b, h0, xs, ys)
            return tuple(grad * torch.from_numpy(np.asarray(out[k])) for k in ("W", "U", "b", "h0"))

    leaves = tuple(torch.tensor(a, dtype=torch.float64, requires_grad=True) for a in arrays)
    return UserBPTT.apply, leaves


def torch_gradcheck(n: int, T: int, m: int, fast: bool, fn) -> tuple[bool, float]:
    import torch

    torch.set_num_threads(2)
    f, leaves = _torch_problem(n, T, m, fn)
    start = time.perf_counter()
    ok = torch.autograd.gradcheck(f, leaves, fast_mode=fast, raise_exception=False)
    return bool(ok), time.perf_counter() - start


def _child(args: argparse.Namespace) -> None:
    """One gradcheck run, in its own process so that the cap can stop it."""
    fn = correct if args.scale is None else planted(args.scale)
    ok, seconds = torch_gradcheck(*args.size, fast=args.fast, fn=fn)
    print(json.dumps({"ok": ok, "seconds": seconds}))


def gradcheck_capped(size, fast: bool, cap: float, scale: float | None = None) -> dict:
    cmd = [sys.executable, __file__, "--child", *map(str, size)]
    cmd += ["--fast"] if fast else []
    cmd += ["--scale", repr(scale)] if scale is not None else []
    try:
        out = subprocess.run(cmd, capture_output=True, text=True, timeout=cap, check=True)
    except subprocess.TimeoutExpired:
        return {"ok": None, "seconds": None, "stopped": cap}
    return json.loads(out.stdout.strip().splitlines()[-1])


# ------------------------------------------------------------------------------ symgrad side
def symgrad_check(size, fn) -> tuple[bool, float, object]:
    from symgrad import check_gradients

    n, T, m = size
    start = time.perf_counter()
    result = check_gradients(fn, hidden=n, steps=T, inputs=m)
    return result.ok, time.perf_counter() - start, result


def symgrad_only(runs: int) -> None:
    """check_gradients alone at every size: wall time and CPU time (here, and in the worker)."""
    import resource

    print("| n | T | m | wall | CPU, this process | CPU, reference worker | load |")
    print("|---|---|---|---|---|---|---|")
    for size in SIZES:
        for _ in range(runs):
            cpu = time.process_time()
            before = resource.getrusage(resource.RUSAGE_CHILDREN)
            ok, seconds, result = symgrad_check(size, correct)
            after = resource.getrusage(resource.RUSAGE_CHILDREN)
            assert ok, result.report()
            child = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
            print(
                f"| {size[0]} | {size[1]} | {size[2]} | {seconds:.2f} s | "
                f"{time.process_time() - cpu:.2f} s | {child:.2f} s | {os.getloadavg()[0]:.1f} |",
                flush=True,
            )


def machine() -> str:
    model = "?"
    with open("/proc/cpuinfo") as info:
        for line in info:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    import torch

    return (
        f"{os.cpu_count()} cores ({model}), Python {platform.python_version()}, NumPy "
        f"{np.__version__}, PyTorch {torch.__version__}, load average {load:.1f} at the start"
    )


def _fmt(seconds) -> str:
    return "—" if seconds is None else f"{seconds:.2f} s"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--default-sizes", default="64", help="n of the default gradcheck runs")
    parser.add_argument("--cap", type=float, default=300.0, help="seconds per gradcheck run")
    parser.add_argument("--child", nargs=3, type=int, dest="size", default=None)
    parser.add_argument("--fast", action="store_true")
    parser.add_argument("--scale", type=float, default=None)
    parser.add_argument("--symgrad-only", action="store_true", help="time check_gradients alone")
    parser.add_argument("--runs", type=int, default=1, help="runs per size with --symgrad-only")
    args = parser.parse_args()
    if args.size is not None:
        _child(args)
        return
    if args.symgrad_only:
        symgrad_only(args.runs)
        return
    default_n = {int(v) for v in args.default_sizes.split(",") if v}
    print(machine())
    print()
    print("| n | T | m | symgrad check_gradients | gradcheck default | gradcheck fast_mode |")
    print("|---|---|---|---|---|---|")
    rows = []
    for size in SIZES:
        ok, seconds, result = symgrad_check(size, correct)
        assert ok, result.report()
        slow = gradcheck_capped(size, False, args.cap) if size[0] in default_n else None
        fast = gradcheck_capped(size, True, args.cap)
        rows.append((size, seconds, slow, fast))
        slow_text = (
            "not run"
            if slow is None
            else f"> {args.cap:g} s (stopped)"
            if slow["seconds"] is None
            else f"{slow['seconds']:.2f} s ({'pass' if slow['ok'] else 'FAIL'})"
        )
        fast_text = f"{_fmt(fast['seconds'])} ({'pass' if fast['ok'] else 'FAIL'})"
        print(
            f"| {size[0]} | {size[1]} | {size[2]} | {seconds:.2f} s (pass) | {slow_text} | {fast_text} |"
        )
    common = [r for r in rows if r[2] is not None and r[2]["seconds"] is not None]
    print()
    if common:
        size, seconds, slow, fast = common[-1]
        print(
            f"largest size where default gradcheck finished: n = {size[0]}: default gradcheck / "
            f"symgrad = {slow['seconds'] / seconds:.0f}×, symgrad / fast_mode = "
            f"{seconds / fast['seconds']:.1f}×"
        )
    size, seconds, _, fast = rows[-1]
    print(f"at n = {size[0]}: symgrad / fast_mode = {seconds / fast['seconds']:.1f}×")
    print()
    print(f"Planted bugs in ∂L/∂W at (n, T, m) = {BUG_SIZE}, reported at default tolerances:")
    print("| relative size | symgrad | gradcheck default | gradcheck fast_mode |")
    print("|---|---|---|---|")
    for scale in (1e-4, 1e-6, 1e-8):
        ok, _, result = symgrad_check(BUG_SIZE, planted(scale))
        slow = gradcheck_capped(BUG_SIZE, False, args.cap, scale)
        fast = gradcheck_capped(BUG_SIZE, True, args.cap, scale)

        def said(entry):
            return "stopped" if entry["ok"] is None else ("passes" if entry["ok"] else "reports it")

        mine = "passes" if ok else "reports it"
        if not ok and result.diagnosis is not None:
            mine += f" (∂L/∂W, error {result.parameters[0].error:.0e})"
        print(f"| 1e{int(np.log10(scale))} | {mine} | {said(slow)} | {said(fast)} |")


if __name__ == "__main__":
    main()
