"""The LSTM's state (c, h), its 2n × 2n Jacobian, and the cell-to-cell partial.

Modern cell without peepholes (column vectors, numerator layout: J_ij = ∂new_i/∂old_j):
f = σ(z^f), i = σ(z^i), o = σ(z^o), g = tanh(z^g) with z^• = W_• h_{t−1} + U_• x_t + b_•,
c_t = f ⊙ c_{t−1} + i ⊙ g, h_t = o ⊙ tanh(c_t). The state is s_t = (c_t, h_t); its Jacobian

    ∂s_t/∂s_{t−1} = [[A, B], [C, D]],   A = ∂c_t/∂c_{t−1} = diag(f),
    B = ∂c_t/∂h_{t−1} = diag(c_{t−1}⊙σ′(z^f))W_f + diag(g⊙σ′(z^i))W_i + diag(i⊙tanh′(z^g))W_g,
    C = ∂h_t/∂c_{t−1} = diag(o⊙tanh′(c_t)) A,
    D = ∂h_t/∂h_{t−1} = diag(tanh(c_t)⊙σ′(z^o))W_o + diag(o⊙tanh′(c_t)) B,

and ∂s_t/∂s_{t−q} is the product of q such matrices, the latest on the left.

The *cell-to-cell partial* (:meth:`LSTMCell.cell_partial`) is the derivative of c_t with
respect to c_{t−1} when h_{t−1} = o_{t−1} ⊙ tanh(c_{t−1}) is expanded and o_{t−1} (hence
h_{t−2} and x_{t−1}) is held fixed: diag(f) + B diag(o_{t−1}⊙tanh′(c_{t−1})). It is a partial,
not a state Jacobian: o_{t−1} itself depends on h_{t−2}, so products of these partials are not
∂c_t/∂c_{t−q}; the c-block of the product of state Jacobians is.
"""

from __future__ import annotations

import numpy as np
import sympy as sp

from .activations import logistic
from .gated import GatedCell, gate_symbols, logistic_array

__all__ = ["LSTMCell", "cell_partial_formula", "state_jacobian_formula", "symbolic_step"]

_GATES = ("f", "i", "o", "g")
#: the state vectors of the symbolic cell: key → the name of its symbols
_STATES = {"c": "c", "h": "h", "o_prev": "o"}


class LSTMCell(GatedCell):
    """A NumPy LSTM cell with weights W_• (n×n), U_• (n×m), b_• (n,) for • in f, i, o, g.

    Examples
    --------
    >>> cell = LSTMCell.random(2, 1, seed=0)
    >>> cell.state_jacobian(np.zeros(1), np.ones(2), np.full(2, 0.5)).shape
    (4, 4)
    """

    gates = _GATES

    def pre(self, gate: str, h_prev: np.ndarray, x: np.ndarray) -> np.ndarray:
        return self.W[gate] @ h_prev + self.U[gate] @ x + self.b[gate]

    def step(
        self, x: np.ndarray, c_prev: np.ndarray, h_prev: np.ndarray
    ) -> tuple[np.ndarray, np.ndarray]:
        """(c_t, h_t) from (c_{t−1}, h_{t−1}) and the input x_t."""
        f, i, o = (logistic_array(self.pre(k, h_prev, x)) for k in ("f", "i", "o"))
        g = np.tanh(self.pre("g", h_prev, x))
        c = f * c_prev + i * g
        return c, o * np.tanh(c)

    def state_jacobian(self, x: np.ndarray, c_prev: np.ndarray, h_prev: np.ndarray) -> np.ndarray:
        """∂(c_t, h_t)/∂(c_{t−1}, h_{t−1}), 2n × 2n, by the block formula of the module."""
        zf, zi, zo, zg = (self.pre(k, h_prev, x) for k in _GATES)
        f, i, o, g = logistic_array(zf), logistic_array(zi), logistic_array(zo), np.tanh(zg)
        c = f * c_prev + i * g
        A = np.diag(f)
        B = self._gate_paths(c_prev, zf, zi, zg)
        out = o * (1 - np.tanh(c) ** 2)
        C = out[:, None] * A
        D = (np.tanh(c) * _dsig(zo))[:, None] * self.W["o"] + out[:, None] * B
        return np.block([[A, B], [C, D]])

    def _gate_paths(self, c_prev, zf, zi, zg) -> np.ndarray:
        i, g = logistic_array(zi), np.tanh(zg)
        return (
            (c_prev * _dsig(zf))[:, None] * self.W["f"]
            + (g * _dsig(zi))[:, None] * self.W["i"]
            + (i * (1 - g**2))[:, None] * self.W["g"]
        )

    def cell(self, x: np.ndarray, c_prev: np.ndarray, o_prev: np.ndarray) -> np.ndarray:
        """c_t as a function of c_{t−1} alone, with h_{t−1} = o_{t−1} ⊙ tanh(c_{t−1}), o_{t−1} fixed."""
        return self.step(x, c_prev, o_prev * np.tanh(c_prev))[0]

    def cell_partial(self, x: np.ndarray, c_prev: np.ndarray, o_prev: np.ndarray) -> np.ndarray:
        """The cell-to-cell partial ∂c_t/∂c_{t−1} with o_{t−1} fixed (not a state Jacobian)."""
        h_prev = o_prev * np.tanh(c_prev)
        zf, zi, zg = (self.pre(k, h_prev, x) for k in ("f", "i", "g"))
        through_h = o_prev * (1 - np.tanh(c_prev) ** 2)
        return (
            np.diag(logistic_array(zf)) + self._gate_paths(c_prev, zf, zi, zg) * through_h[None, :]
        )


def _dsig(z: np.ndarray) -> np.ndarray:
    """σ′(z) = σ(z)(1 − σ(z)) for the logistic σ."""
    s = logistic_array(z)
    return s * (1 - s)


def symbolic_step(
    n: int, m: int = 1, h_prev: sp.Matrix | None = None
) -> tuple[sp.Matrix, sp.Matrix, dict[str, sp.Matrix]]:
    """(c_t, h_t, symbols) of one symbolic LSTM step written directly from its definition."""
    s = gate_symbols(n, m, _GATES, _STATES)
    h = s["h"] if h_prev is None else h_prev
    z = {k: s[f"W{k}"] * h + s[f"U{k}"] * s["x"] + s[f"b{k}"] for k in _GATES}
    f, i, o = (z[k].applyfunc(logistic) for k in ("f", "i", "o"))
    g = z["g"].applyfunc(sp.tanh)
    c_t = f.multiply_elementwise(s["c"]) + i.multiply_elementwise(g)
    h_t = o.multiply_elementwise(c_t.applyfunc(sp.tanh))
    return c_t, h_t, {**s, **{f"z{k}": z[k] for k in _GATES}}


def _gate_paths_formula(s: dict[str, sp.Matrix], n: int) -> sp.Matrix:
    dsig = lambda v: sp.exp(-v) / (1 + sp.exp(-v)) ** 2  # noqa: E731
    zf, zi, zg = s["zf"], s["zi"], s["zg"]
    return (
        sp.diag(*[s["c"][k] * dsig(zf[k]) for k in range(n)]) * s["Wf"]
        + sp.diag(*[sp.tanh(zg[k]) * dsig(zi[k]) for k in range(n)]) * s["Wi"]
        + sp.diag(*[logistic(zi[k]) * (1 - sp.tanh(zg[k]) ** 2) for k in range(n)]) * s["Wg"]
    )


def state_jacobian_formula(n: int, m: int = 1) -> tuple[sp.Matrix, sp.Matrix]:
    """(SymPy's jacobian of (c_t, h_t) w.r.t. (c_{t−1}, h_{t−1}), the block formula), 2n × 2n.

    The first is derived by differentiating the step as written; the second is assembled
    from the blocks A, B, C, D of the module docstring.

    Examples
    --------
    >>> direct, formula = state_jacobian_formula(1)
    >>> direct.shape == formula.shape == (2, 2)
    True
    """
    c_t, h_t, s = symbolic_step(n, m)
    direct = sp.Matrix.vstack(c_t, h_t).jacobian(sp.Matrix.vstack(s["c"], s["h"]))
    dsig = lambda v: sp.exp(-v) / (1 + sp.exp(-v)) ** 2  # noqa: E731
    A = sp.diag(*[logistic(s["zf"][k]) for k in range(n)])
    B = _gate_paths_formula(s, n)
    out = sp.diag(*[logistic(s["zo"][k]) * (1 - sp.tanh(c_t[k]) ** 2) for k in range(n)])
    C = out * A
    D = sp.diag(*[sp.tanh(c_t[k]) * dsig(s["zo"][k]) for k in range(n)]) * s["Wo"] + out * B
    return direct, sp.Matrix(sp.BlockMatrix([[A, B], [C, D]]))


def cell_partial_formula(n: int, m: int = 1) -> tuple[sp.Matrix, sp.Matrix]:
    """(SymPy's jacobian of c_t w.r.t. c_{t−1} with o_{t−1} fixed, the closed formula)."""
    s = gate_symbols(n, m, _GATES, _STATES)
    h_prev = s["o_prev"].multiply_elementwise(s["c"].applyfunc(sp.tanh))
    c_t, _, s = symbolic_step(n, m, h_prev=h_prev)
    A = sp.diag(*[logistic(s["zf"][k]) for k in range(n)])
    through_h = sp.diag(*[s["o_prev"][k] * (1 - sp.tanh(s["c"][k]) ** 2) for k in range(n)])
    return c_t.jacobian(s["c"]), A + _gate_paths_formula(s, n) * through_h
