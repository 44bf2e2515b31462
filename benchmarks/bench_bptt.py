"""Side-by-side timings for BPTT: symgrad against its peers, in one run.

1. Exact verification of the BPTT identity: the naive SymPy route (unroll,
   ``sympy.diff``, ``expand``, compare; :func:`symgrad.naive_check`) against
   symgrad's exact check at random points (:func:`symgrad.verify_bptt`), at the
   same sizes, tanh, squared error; then symgrad alone at larger sizes.
2. Numeric BPTT: symgrad's NumPy gradients against PyTorch autograd (CPU) at
   n = 256, T = 256, batch 32 (skipped with a message when torch is absent).

Run:  python benchmarks/bench_bptt.py [--naive-limit SECONDS]
A naive run still going after the limit is stopped and reported as "> limit"; the
ratio is then a lower bound.
"""

from __future__ import annotations

import argparse
import multiprocessing
import platform
import time

import numpy as np

from symgrad import BPTTInstance, bptt_gradients, naive_check, verify_bptt


def _best(fn, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def _naive_worker(n: int, T: int, queue: multiprocessing.Queue) -> None:
    result = naive_check(n, T)
    queue.put((result.ok, result.seconds))


def naive_with_limit(n: int, T: int, limit: float) -> tuple[bool | None, float]:
    """Run the naive route in a separate process; stop it after `limit` seconds."""
    ctx = multiprocessing.get_context("spawn")
    queue = ctx.Queue()
    proc = ctx.Process(target=_naive_worker, args=(n, T, queue))
    start = time.perf_counter()
    proc.start()
    proc.join(limit)
    if proc.is_alive():
        proc.terminate()
        proc.join()
        return None, time.perf_counter() - start
    ok, seconds = queue.get()
    return ok, seconds


def exact_section(naive_limit: float) -> None:
    print("== Exact verification of the BPTT identity (tanh, squared error, m = 1) ==")
    print(
        f"naive route: unroll, sympy.diff, expand, compare, for W, U, b and h0 "
        f"(stopped after {naive_limit:.0f} s)"
    )
    print(f"{'n':>3} {'T':>3} {'naive SymPy [s]':>16} {'symgrad [s]':>12} {'ratio':>12}")
    for n, T in [(2, 3), (2, 4), (3, 3), (3, 6)]:
        ok, naive = naive_with_limit(n, T, naive_limit)
        assert ok is not False, "the naive route disagrees"
        ours = _best(lambda n=n, T=T: verify_bptt(BPTTInstance(n, T), seed=0), 5)
        shown = f"{naive:>16.2f}" if ok else f"{'> ' + format(naive, '.0f'):>16}"
        ratio = f"{naive / ours:>10.0f}x" if ok else f"{'> ' + format(naive / ours, '.0f'):>10}x"
        print(f"{n:>3} {T:>3} {shown} {ours:>12.4f} {ratio:>12}")
    print(f"{'n':>3} {'T':>3} {'symgrad [s]':>12} {'target [s]':>11}")
    for n, T, target in [(4, 8, 2.0), (8, 32, 60.0), (16, 64, None)]:
        result = verify_bptt(BPTTInstance(n, T), seed=0)
        assert result.ok
        shown = f"{target:>11.0f}" if target else f"{'-':>11}"
        print(f"{n:>3} {T:>3} {result.seconds:>12.3f} {shown}")


def numeric_section() -> None:
    print("\n== Numeric BPTT, n = 256, T = 256, batch 32, float64, tanh (best of 7) ==")
    n, T, B, m = 256, 256, 32, 32
    rng = np.random.default_rng(0)
    W = rng.normal(scale=1 / np.sqrt(n), size=(n, n))
    U = rng.normal(scale=1 / np.sqrt(m), size=(n, m))
    b = np.zeros(n)
    xs, h0, ys = rng.normal(size=(T, B, m)), np.zeros((B, n)), rng.normal(size=(T, B, n))
    ours = _best(lambda: bptt_gradients(W, U, b, xs, h0, ys), 7)
    print(f"symgrad (NumPy): {ours * 1000:8.1f} ms")
    try:
        import torch
    except ImportError:
        print("PyTorch autograd: skipped (torch is not installed; `pip install torch` to compare)")
        return
    tW, tU, tb, th0 = (torch.tensor(a, requires_grad=True) for a in (W, U, b, h0))
    txs, tys = torch.tensor(xs), torch.tensor(ys)

    def torch_run() -> None:
        for p in (tW, tU, tb, th0):
            p.grad = None
        h, loss = th0, 0.0
        for t in range(T):
            h = torch.tanh(h @ tW.T + txs[t] @ tU.T + tb)
            loss = loss + 0.5 * ((h - tys[t]) ** 2).sum()
        loss.backward()

    theirs = _best(torch_run, 7)
    print(
        f"PyTorch autograd: {theirs * 1000:8.1f} ms  (torch {torch.__version__}, "
        f"{torch.get_num_threads()} threads)"
    )
    print(f"ratio PyTorch / symgrad: {theirs / ours:.2f}x")
    g = bptt_gradients(W, U, b, xs, h0, ys)
    torch_run()
    diff = float(np.max(np.abs(g.W - tW.grad.numpy())) / np.max(np.abs(g.W)))
    print(f"max relative difference of dL/dW: {diff:.1e}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--naive-limit",
        type=float,
        default=300.0,
        help="seconds after which a naive run is stopped (300)",
    )
    args = parser.parse_args()
    print(
        f"machine: {platform.machine()}, {platform.processor() or 'cpu'}, "
        f"python {platform.python_version()}, numpy {np.__version__}"
    )
    exact_section(args.naive_limit)
    numeric_section()


if __name__ == "__main__":
    main()
