"""The same BPTT with one classic mistake in it: find it with symgrad.

symgrad check examples/student_bptt_buggy.py:bptt -n 8 -T 10
"""

import numpy as np


def bptt(W, U, b, h0, xs, targets):
    T = xs.shape[0]
    h = [h0]
    for t in range(T):
        a = h[-1] @ W.T + xs[t] @ U.T + b
        h.append(np.tanh(a))
    dW, dU, db = np.zeros_like(W), np.zeros_like(U), np.zeros_like(b)
    dh = np.zeros_like(h0)
    for t in range(T, 0, -1):
        dh = dh + (h[t] - targets[t - 1])
        da = dh * (1 - np.tanh(h[t]) ** 2)  # tanh' of the state, not of the pre-activation
        dW += da.T @ h[t - 1]
        dU += da.T @ xs[t - 1]
        db += da.sum(axis=0)
        dh = da @ W
    return {"W": dW, "U": dU, "b": db, "h0": dh}
