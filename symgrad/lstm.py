"""The LSTM's cell-state Jacobian: constant error flow and its modern gate paths.

Modern cell without peepholes (column vectors, numerator layout):
f_t = σ(z^f_t), i_t = σ(z^i_t), o_t = σ(z^o_t), g_t = tanh(z^g_t) with
z^•_t = W_• h_{t−1} + U_• x_t + b_•, c_t = f_t ⊙ c_{t−1} + i_t ⊙ g_t, h_t = o_t ⊙ tanh(c_t).

Through the direct path only, ∂c_t/∂c_{t−1} = diag(f_t). The full Jacobian adds the paths
through h_{t−1} = o_{t−1} ⊙ tanh(c_{t−1}) into the gates (o_{t−1} does not depend on c_{t−1}):

∂c_t/∂c_{t−1} = diag(f_t) + [diag(c_{t−1}⊙σ′(z^f_t)) W_f + diag(g_t⊙σ′(z^i_t)) W_i
                + diag(i_t⊙tanh′(z^g_t)) W_g] diag(o_{t−1}⊙(1 − tanh² c_{t−1})).
"""

from __future__ import annotations

import numpy as np
import sympy as sp

__all__ = ["LSTMCell", "cell_jacobian_formula", "symbolic_cell"]

_GATES = ("f", "i", "o", "g")


def _sig(z: np.ndarray) -> np.ndarray:
    return 0.5 * (np.tanh(0.5 * z) + 1.0)


class LSTMCell:
    """A NumPy LSTM cell with weights W_• (n×n), U_• (n×m), b_• (n,) for • in f, i, o, g.

    Examples
    --------
    >>> cell = LSTMCell.random(2, 1, seed=0)
    >>> J = cell.cell_jacobian(np.zeros(1), np.ones(2), np.full(2, 0.5))
    >>> J.shape
    (2, 2)
    """

    def __init__(
        self, W: dict[str, np.ndarray], U: dict[str, np.ndarray], b: dict[str, np.ndarray]
    ):
        self.W, self.U, self.b = W, U, b

    @classmethod
    def random(cls, n: int, m: int, *, seed: int = 0, scale: float = 0.8) -> LSTMCell:
        rng = np.random.default_rng(seed)
        return cls(
            {k: rng.normal(scale=scale, size=(n, n)) for k in _GATES},
            {k: rng.normal(scale=scale, size=(n, m)) for k in _GATES},
            {k: rng.normal(scale=scale, size=n) for k in _GATES},
        )

    def pre(self, gate: str, h_prev: np.ndarray, x: np.ndarray) -> np.ndarray:
        return self.W[gate] @ h_prev + self.U[gate] @ x + self.b[gate]

    def cell(self, x: np.ndarray, c_prev: np.ndarray, o_prev: np.ndarray) -> np.ndarray:
        """c_t as a function of c_{t−1}, with h_{t−1} = o_{t−1} ⊙ tanh(c_{t−1})."""
        h_prev = o_prev * np.tanh(c_prev)
        f = _sig(self.pre("f", h_prev, x))
        i = _sig(self.pre("i", h_prev, x))
        g = np.tanh(self.pre("g", h_prev, x))
        return f * c_prev + i * g

    def cell_jacobian(self, x: np.ndarray, c_prev: np.ndarray, o_prev: np.ndarray) -> np.ndarray:
        """∂c_t/∂c_{t−1} by the formula of the module docstring."""
        h_prev = o_prev * np.tanh(c_prev)
        zf, zi, zg = (self.pre(k, h_prev, x) for k in ("f", "i", "g"))
        f, i, g = _sig(zf), _sig(zi), np.tanh(zg)
        dsig = lambda z: _sig(z) * (1 - _sig(z))  # noqa: E731
        gates = (
            (c_prev * dsig(zf))[:, None] * self.W["f"]
            + (g * dsig(zi))[:, None] * self.W["i"]
            + (i * (1 - g**2))[:, None] * self.W["g"]
        )
        return np.diag(f) + gates * (o_prev * (1 - np.tanh(c_prev) ** 2))[None, :]


def symbolic_cell(n: int, m: int = 1) -> tuple[sp.Matrix, sp.Matrix, dict[str, sp.Matrix]]:
    """(c_t, c_{t−1}, symbols) for a symbolic LSTM cell of size n with input size m."""

    def sym(name: str, r: int, c: int) -> sp.Matrix:
        return sp.Matrix(r, c, lambda i, j: sp.Symbol(f"{name}_{i + 1}{j + 1}", real=True))

    def vec(name: str, r: int) -> sp.Matrix:
        return sp.Matrix(r, 1, lambda i, _: sp.Symbol(f"{name}_{i + 1}", real=True))

    c_prev, o_prev, x = vec("c", n), vec("o", n), vec("x", m)
    W = {k: sym(f"W{k}", n, n) for k in _GATES}
    U = {k: sym(f"U{k}", n, m) for k in _GATES}
    b = {k: vec(f"b{k}", n) for k in _GATES}
    h_prev = o_prev.multiply_elementwise(c_prev.applyfunc(sp.tanh))
    z = {k: W[k] * h_prev + U[k] * x + b[k] for k in _GATES}
    sig = lambda v: 1 / (1 + sp.exp(-v))  # noqa: E731
    f, i, g = z["f"].applyfunc(sig), z["i"].applyfunc(sig), z["g"].applyfunc(sp.tanh)
    c_t = f.multiply_elementwise(c_prev) + i.multiply_elementwise(g)
    return (
        c_t,
        c_prev,
        {"o": o_prev, "x": x, **{f"W{k}": W[k] for k in _GATES}, **{f"z{k}": z[k] for k in _GATES}},
    )


def cell_jacobian_formula(n: int, m: int = 1) -> tuple[sp.Matrix, sp.Matrix]:
    """(Matrix.jacobian of c_t w.r.t. c_{t−1}, the closed formula) for a symbolic cell."""
    c_t, c_prev, s = symbolic_cell(n, m)
    sig = lambda v: 1 / (1 + sp.exp(-v))  # noqa: E731
    dsig = lambda v: sp.exp(-v) / (1 + sp.exp(-v)) ** 2  # noqa: E731
    zf, zi, zg = s["zf"], s["zi"], s["zg"]
    f, i, g = zf.applyfunc(sig), zi.applyfunc(sig), zg.applyfunc(sp.tanh)
    gates = (
        sp.diag(*[c_prev[k] * dsig(zf[k]) for k in range(n)]) * s["Wf"]
        + sp.diag(*[g[k] * dsig(zi[k]) for k in range(n)]) * s["Wi"]
        + sp.diag(*[i[k] * (1 - sp.tanh(zg[k]) ** 2) for k in range(n)]) * s["Wg"]
    )
    through_h = sp.diag(*[s["o"][k] * (1 - sp.tanh(c_prev[k]) ** 2) for k in range(n)])
    formula = sp.diag(*f) + gates * through_h
    return c_t.jacobian(c_prev), formula
