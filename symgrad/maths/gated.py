"""Parameters shared by the gated cells (LSTM, GRU): one weight set per gate."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, ClassVar, Self

import numpy as np
import sympy as sp

__all__ = ["GatedCell", "gate_symbols", "largest_gap_to_symbolic", "logistic_array"]


def logistic_array(z: np.ndarray) -> np.ndarray:
    """The logistic sigmoid of every entry, as the gates compute it: (tanh(z/2) + 1)/2,
    which neither overflows nor loses the small values at large |z|.

    Examples
    --------
    >>> logistic_array(np.array([0.0, -800.0])).tolist()
    [0.5, 0.0]
    """
    return 0.5 * (np.tanh(0.5 * z) + 1.0)


def gate_symbols(
    n: int, m: int, gates: Sequence[str], states: dict[str, str]
) -> dict[str, sp.Matrix]:
    """Real symbols of a gated cell: each state vector (its key → its symbols' name, n × 1),
    the input x (m × 1), and for each gate k its ``Wk`` (n × n), ``Uk`` (n × m), ``bk`` (n × 1).

    Examples
    --------
    >>> s = gate_symbols(2, 1, ("z",), {"h": "h"})
    >>> list(s), s["Wz"][0, 1], s["h"][1]
    (['h', 'x', 'Wz', 'Uz', 'bz'], Wz_12, h_2)
    """

    def sym(name: str, r: int, c: int) -> sp.Matrix:
        return sp.Matrix(r, c, lambda i, j: sp.Symbol(f"{name}_{i + 1}{j + 1}", real=True))

    def vec(name: str, r: int) -> sp.Matrix:
        return sp.Matrix(r, 1, lambda i, _: sp.Symbol(f"{name}_{i + 1}", real=True))

    out = {key: vec(name, n) for key, name in states.items()}
    out["x"] = vec("x", m)
    for k in gates:
        out[f"W{k}"], out[f"U{k}"], out[f"b{k}"] = (
            sym(f"W{k}", n, n),
            sym(f"U{k}", n, m),
            vec(f"b{k}", n),
        )
    return out


class GatedCell:
    """W (n×n), U (n×m) and b (n,) for each gate named in ``gates``.

    Examples
    --------
    >>> class Two(GatedCell):
    ...     gates = ("a", "b")
    >>> sorted(Two.random(3, 2).W)
    ['a', 'b']
    """

    gates: ClassVar[tuple[str, ...]] = ()

    def __init__(
        self, W: dict[str, np.ndarray], U: dict[str, np.ndarray], b: dict[str, np.ndarray]
    ):
        self.W, self.U, self.b = W, U, b

    @classmethod
    def random(cls, n: int, m: int, *, seed: int = 0, scale: float = 0.8) -> Self:
        """Gaussian weights with standard deviation `scale`, reproducible by `seed`."""
        rng = np.random.default_rng(seed)
        return cls(
            {k: rng.normal(scale=scale, size=(n, n)) for k in cls.gates},
            {k: rng.normal(scale=scale, size=(n, m)) for k in cls.gates},
            {k: rng.normal(scale=scale, size=n) for k in cls.gates},
        )


def largest_gap_to_symbolic(
    cls: type[GatedCell],
    new: sp.Matrix,
    groups: Sequence[str],
    sym: dict[str, sp.Matrix],
    point: Callable[[np.random.Generator], dict[str, np.ndarray]],
    numeric: Callable[[Any, dict[str, np.ndarray]], tuple[np.ndarray, np.ndarray]],
    *,
    size: tuple[int, int] = (2, 2),
    seeds: Sequence[int] = (0, 1, 2),
    scale: float = 0.8,
) -> float:
    """Largest |difference| between random NumPy cells and the cell written symbolically.

    `new` is the symbolic step in the state symbols ``sym[g]`` for g in `groups`; it and
    its ``Matrix.jacobian`` are compiled to NumPy with the inputs ``sym["x"]`` and every
    gate's ``W``, ``U``, ``b`` as arguments. For each seed a cell of `size` (n, m) is drawn,
    `point(rng)` gives the state groups and ``"x"``, and `numeric(cell, values)` gives the
    NumPy (step, state Jacobian) to compare.

    Examples
    --------
    >>> from symgrad.maths.gru import GRUCell, symbolic_step
    >>> h_t, sym = symbolic_step(1, 1)
    >>> gap = largest_gap_to_symbolic(
    ...     GRUCell, h_t, ("h",), sym,
    ...     lambda rng: {"x": rng.normal(size=1), "h": rng.normal(size=1)},
    ...     lambda cell, v: (cell.step(v["x"], v["h"]), cell.state_jacobian(v["x"], v["h"])),
    ...     size=(1, 1),
    ... )
    >>> gap < 1e-12
    True
    """
    state = sp.Matrix([s for g in groups for s in sym[g]])
    weights = [s for k in cls.gates for p in "WUb" for s in sym[f"{p}{k}"]]
    args = [*state, *sym["x"], *weights]
    step = sp.lambdify(args, list(new), "numpy")
    jac = sp.lambdify(args, new.jacobian(state).tolist(), "numpy")
    worst = 0.0
    for seed in seeds:
        cell = cls.random(*size, seed=seed, scale=scale)
        values = point(np.random.default_rng(100 + seed))
        flat = [v for g in groups for v in values[g]] + list(values["x"])
        flat += [w for k in cls.gates for w in (*cell.W[k].ravel(), *cell.U[k].ravel(), *cell.b[k])]
        got_step, got_jac = numeric(cell, values)
        for got, want in ((got_step, step(*flat)), (got_jac, jac(*flat))):
            gap = np.abs(np.asarray(got, dtype=float) - np.array(want, dtype=float))
            worst = max(worst, float(np.max(gap)))
    return worst
