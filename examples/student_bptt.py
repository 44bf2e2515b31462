"""Backpropagation through time for h(t) = tanh(W h(t-1) + U x(t) + b), written by hand.

Check it with:  symgrad check examples/student_bptt.py:bptt -n 8 -T 10

Shapes (B sequences in a batch, rows as examples): W (n, n), U (n, m), b (n,), h0 (B, n),
xs (T, B, m), targets (T, B, n). The loss is L = sum over t and the batch of
1/2 * ||h(t) - y(t)||^2.
"""

import numpy as np


def bptt(W, U, b, h0, xs, targets):
    T = xs.shape[0]
    # forward pass: keep every state, h[0] = h0
    h = [h0]
    for t in range(T):
        a = h[-1] @ W.T + xs[t] @ U.T + b
        h.append(np.tanh(a))
    # backward pass: dh is dL/dh(t), carried from the later steps
    dW, dU, db = np.zeros_like(W), np.zeros_like(U), np.zeros_like(b)
    dh = np.zeros_like(h0)
    for t in range(T, 0, -1):
        dh = dh + (h[t] - targets[t - 1])  # this step's own loss
        da = dh * (1 - h[t] ** 2)  # tanh'(a(t)) = 1 - tanh(a(t))^2 = 1 - h(t)^2
        dW += da.T @ h[t - 1]
        dU += da.T @ xs[t - 1]
        db += da.sum(axis=0)
        dh = da @ W  # on to h(t-1): the transpose of J = diag(tanh'(a)) W, in row form
    return {"W": dW, "U": dU, "b": db, "h0": dh}
