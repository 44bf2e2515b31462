"""Side-by-side timings for BPTT: symgrad against its peers, in one run.

1. Exact verification of the BPTT identity: the naive SymPy route (unroll,
   ``sympy.diff``, ``expand``, compare; :func:`symgrad.naive_check`) against
   symgrad's exact check at random points (:func:`symgrad.verify_bptt`), at the
   same sizes, tanh, squared error; then symgrad alone at larger sizes.
2. Numeric BPTT: symgrad's NumPy gradients against PyTorch autograd (CPU) at
   n = 256, T = 256, batch 32 (skipped with a message when torch is absent).

Run:  python benchmarks/bench_bptt.py [--full]
``--full`` adds the naive route at (n=4, T=6), which takes minutes.
"""

from __future__ import annotations

import argparse
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


def exact_section(full: bool) -> None:
    print("== Exact verification of the BPTT identity (tanh, squared error, m = 1) ==")
    pairs = [(2, 4), (3, 6)] + ([(4, 6)] if full else [])
    print(f"{'n':>3} {'T':>3} {'naive SymPy [s]':>16} {'symgrad [s]':>12} {'ratio':>10}")
    for n, T in pairs:
        naive = naive_check(n, T)
        assert naive.ok
        ours = _best(lambda n=n, T=T: verify_bptt(BPTTInstance(n, T), seed=0), 5)
        print(f"{n:>3} {T:>3} {naive.seconds:>16.2f} {ours:>12.4f} {naive.seconds / ours:>9.0f}x")
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
    print(f"PyTorch autograd: {theirs * 1000:8.1f} ms  (torch {torch.__version__}, "
          f"{torch.get_num_threads()} threads)")
    print(f"ratio PyTorch / symgrad: {theirs / ours:.2f}x")
    g = bptt_gradients(W, U, b, xs, h0, ys)
    torch_run()
    diff = float(np.max(np.abs(g.W - tW.grad.numpy())) / np.max(np.abs(g.W)))
    print(f"max relative difference of dL/dW: {diff:.1e}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="also the naive route at n=4, T=6")
    args = parser.parse_args()
    print(f"machine: {platform.machine()}, {platform.processor() or 'cpu'}, "
          f"python {platform.python_version()}, numpy {np.__version__}")
    exact_section(args.full)
    numeric_section()


if __name__ == "__main__":
    main()
