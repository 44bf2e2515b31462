"""The GRU's state Jacobian, its additive path, and a bound on ‖∂h_t/∂h_{t−1} − I‖₂.

Convention (column vectors, numerator layout J_ij = ∂h_t,i/∂h_{t−1},j), following Chung
et al. (2014):

    z = σ(W_z h + U_z x + b_z)              update gate
    r = σ(W_r h + U_r x + b_r)              reset gate
    g = tanh(W_h (r ⊙ h) + U_h x + b_h)     candidate (reset applied before W_h, as in Cho et al.)
    h' = (1 − z) ⊙ h + z ⊙ g

PyTorch and d2l write h' = z ⊙ h + (1 − z) ⊙ g: their z is this module's 1 − z. PyTorch
also applies the reset after the product, r ⊙ (W_hn h + b_hn). With σ′ = σ(1 − σ):

    ∂h'/∂h = diag(1 − z) + diag((g − h) ⊙ σ′(a_z)) W_z
             + diag(z ⊙ (1 − g²)) W_h [diag(r) + diag(h ⊙ σ′(a_r)) W_r]
           = I + diag(z) M,
    M = −I + diag((g − h) ⊙ (1 − z)) W_z + diag(1 − g²) W_h [diag(r) + diag(h ⊙ r ⊙ (1 − r)) W_r].

So the Jacobian is the identity plus a term scaled row by row by the update gate: the
additive path through (1 − z). If ‖h‖_∞ ≤ 1 (true along a trajectory from h₀ ∈ [−1, 1]ⁿ,
since h' is a convex combination of h and g) and every z_k ≤ z_max, then
‖M‖₂ ≤ K = 1 + 2‖W_z‖₂ + ‖W_h‖₂(1 + ‖W_r‖₂/4), hence ‖∂h'/∂h − I‖₂ ≤ z_max·K.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
import sympy as sp

from .activations import logistic
from .gated import GatedCell, gate_symbols, logistic_array

__all__ = [
    "GRUCell",
    "additive_form",
    "jacobian_bound_constant",
    "state_jacobian_formula",
    "symbolic_step",
]

_GATES = ("z", "r", "h")


class GRUCell(GatedCell):
    """A NumPy GRU cell (this module's convention) with W_•, U_•, b_• for • in z, r, h.

    Examples
    --------
    >>> cell = GRUCell.random(3, 2, seed=0)
    >>> cell.state_jacobian(np.zeros(2), np.full(3, 0.5)).shape
    (3, 3)
    """

    gates = _GATES

    def _parts(self, x: np.ndarray, h: np.ndarray) -> tuple[np.ndarray, ...]:
        z = logistic_array(self.W["z"] @ h + self.U["z"] @ x + self.b["z"])
        r = logistic_array(self.W["r"] @ h + self.U["r"] @ x + self.b["r"])
        cand = np.tanh(self.W["h"] @ (r * h) + self.U["h"] @ x + self.b["h"])
        return z, r, cand

    def step(self, x: np.ndarray, h: np.ndarray) -> np.ndarray:
        """h_t from h_{t−1} = h and the input x_t."""
        z, _, cand = self._parts(x, h)
        return (1 - z) * h + z * cand

    def gate(self, x: np.ndarray, h: np.ndarray) -> np.ndarray:
        """The update gate z at this step."""
        return self._parts(x, h)[0]

    def state_jacobian(self, x: np.ndarray, h: np.ndarray) -> np.ndarray:
        """∂h_t/∂h_{t−1} = I + diag(z) M (the formula of the module docstring)."""
        z, r, cand = self._parts(x, h)
        n = len(h)
        reset = np.diag(r) + (h * r * (1 - r))[:, None] * self.W["r"]
        M = (
            -np.eye(n)
            + ((cand - h) * (1 - z))[:, None] * self.W["z"]
            + (1 - cand**2)[:, None] * (self.W["h"] @ reset)
        )
        return np.eye(n) + z[:, None] * M


def jacobian_bound_constant(W: dict[str, Any]) -> float:
    """K = 1 + 2‖W_z‖₂ + ‖W_h‖₂(1 + ‖W_r‖₂/4), so ‖∂h_t/∂h_{t−1} − I‖₂ ≤ z_max·K when ‖h‖_∞ ≤ 1.

    Examples
    --------
    >>> jacobian_bound_constant({k: np.zeros((2, 2)) for k in "zrh"})
    1.0
    """
    norm = lambda a: float(np.linalg.norm(np.asarray(a, dtype=float), 2))  # noqa: E731
    return 1 + 2 * norm(W["z"]) + norm(W["h"]) * (1 + norm(W["r"]) / 4)


def symbolic_step(n: int, m: int = 1) -> tuple[sp.Matrix, dict[str, sp.Matrix]]:
    """(h_t, symbols): one symbolic GRU step written directly from its definition."""
    s = gate_symbols(n, m, _GATES, {"h": "h"})
    h, x = s["h"], s["x"]
    z = (s["Wz"] * h + s["Uz"] * x + s["bz"]).applyfunc(logistic)
    r = (s["Wr"] * h + s["Ur"] * x + s["br"]).applyfunc(logistic)
    cand = (s["Wh"] * r.multiply_elementwise(h) + s["Uh"] * x + s["bh"]).applyfunc(sp.tanh)
    ones = sp.ones(n, 1)
    h_t = (ones - z).multiply_elementwise(h) + z.multiply_elementwise(cand)
    return h_t, {**s, "z": z, "r": r, "cand": cand}


def state_jacobian_formula(n: int, m: int = 1) -> tuple[sp.Matrix, sp.Matrix]:
    """(SymPy's jacobian of the step, the first closed formula of the module docstring).

    Examples
    --------
    >>> direct, formula = state_jacobian_formula(1)
    >>> direct.shape
    (1, 1)
    """
    h_t, s = symbolic_step(n, m)
    z, r, cand, h = s["z"], s["r"], s["cand"], s["h"]
    a_z = s["Wz"] * h + s["Uz"] * s["x"] + s["bz"]
    a_r = s["Wr"] * h + s["Ur"] * s["x"] + s["br"]
    dsig = lambda v: sp.exp(-v) / (1 + sp.exp(-v)) ** 2  # noqa: E731
    formula = (
        sp.diag(*[1 - z[k] for k in range(n)])
        + sp.diag(*[(cand[k] - h[k]) * dsig(a_z[k]) for k in range(n)]) * s["Wz"]
        + sp.diag(*[z[k] * (1 - cand[k] ** 2) for k in range(n)])
        * s["Wh"]
        * (sp.diag(*r) + sp.diag(*[h[k] * dsig(a_r[k]) for k in range(n)]) * s["Wr"])
    )
    return h_t.jacobian(h), formula


def additive_form(n: int, m: int = 1) -> tuple[sp.Matrix, sp.Matrix, sp.Matrix]:
    """(SymPy's jacobian − I, diag(z) M, M) with M written in gate values (σ′ = σ(1 − σ))."""
    h_t, s = symbolic_step(n, m)
    z, r, cand, h = s["z"], s["r"], s["cand"], s["h"]
    reset = sp.diag(*r) + sp.diag(*[h[k] * r[k] * (1 - r[k]) for k in range(n)]) * s["Wr"]
    M = (
        -sp.eye(n)
        + sp.diag(*[(cand[k] - h[k]) * (1 - z[k]) for k in range(n)]) * s["Wz"]
        + sp.diag(*[1 - cand[k] ** 2 for k in range(n)]) * s["Wh"] * reset
    )
    return h_t.jacobian(h) - sp.eye(n), sp.diag(*z) * M, M


def lambdified_step(
    n: int, m: int = 1, backend: dict[str, Callable[..., Any]] | None = None
) -> tuple[Callable[..., Any], Callable[..., Any], Sequence[sp.Symbol]]:
    """(step, jacobian, argument symbols) as callables from SymPy's step and its jacobian.

    `backend` maps ``exp`` and ``tanh`` to the functions to use (e.g. arb's, for certified
    balls); the expressions contain only integer constants, so no float enters.
    """
    h_t, s = symbolic_step(n, m)
    names = ["h", "x", *[f"{p}{k}" for k in _GATES for p in ("W", "U", "b")]]
    args = [sym for name in names for sym in s[name]]
    modules = [backend] if backend else ["numpy"]
    step = sp.lambdify(args, list(h_t), modules=modules)
    jac = sp.lambdify(args, h_t.jacobian(s["h"]).tolist(), modules=modules)
    return step, jac, args
