"""Parameters shared by the gated cells (LSTM, GRU): one weight set per gate."""

from __future__ import annotations

from typing import ClassVar, Self

import numpy as np

__all__ = ["GatedCell"]


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
