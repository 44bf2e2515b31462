"""Public Hypothesis strategies for recurrent-network mathematics.

Every strategy *constructs* its objects from drawn parameters (angles,
singular values, eigenvalues) instead of filtering random arrays, so it never
wastes examples, and it shrinks towards simple cases (identity rotations,
equal singular values, zero off-diagonal coupling). Each docstring states what
is guaranteed and to what accuracy; ``tests/test_strategies.py`` checks it.

Examples
--------
>>> from hypothesis import given
>>> @given(matrices_with_spectral_norm(3, norm=0.5))
... def test_contracts(W):
...     assert np.linalg.norm(W, 2) <= 0.5 + 1e-12
>>> test_contracts()
"""

from __future__ import annotations

import math

import numpy as np
from hypothesis import strategies as st

from .activations import ACTIVATIONS, Activation
from .errors import InvalidArgumentError, check_positive_int

__all__ = [
    "activations",
    "matrices_with_spectral_norm",
    "matrices_with_spectral_radius",
    "orthogonal_matrices",
    "preactivation_trajectories",
    "rnn_parameters",
]

_ANGLE = st.floats(-math.pi, math.pi, allow_nan=False, allow_infinity=False)


def _check_nonnegative(name: str, value: float) -> float:
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or not math.isfinite(value)
        or value < 0
    ):
        raise InvalidArgumentError(f"{name}={value!r} must be a finite number ≥ 0")
    return float(value)


def _rotation(n: int, angles: list[float]) -> np.ndarray:
    """The product of Givens rotations in planes (i, j), i < j, with the given angles."""
    Q = np.eye(n)
    k = 0
    for i in range(n):
        for j in range(i + 1, n):
            c, s = math.cos(angles[k]), math.sin(angles[k])
            G = np.eye(n)
            G[i, i] = G[j, j] = c
            G[i, j], G[j, i] = -s, s
            Q = Q @ G
            k += 1
    return Q


def orthogonal_matrices(n: int) -> st.SearchStrategy[np.ndarray]:
    """n×n orthogonal matrices as products of n(n−1)/2 Givens rotations.

    Guarantee: ‖QᵀQ − I‖₂ ≤ 1e-12 (rounding only); determinant +1. Shrinks
    towards the identity.
    """
    check_positive_int("n", n, maximum=64)
    count = n * (n - 1) // 2
    return st.lists(_ANGLE, min_size=count, max_size=count).map(lambda a: _rotation(n, a))


def matrices_with_spectral_norm(
    n: int, *, norm: float, min_ratio: float = 0.0
) -> st.SearchStrategy[np.ndarray]:
    """n×n matrices P·diag(s)·Qᵀ with largest singular value exactly `norm`.

    The other singular values are drawn from [min_ratio·norm, norm]. P and Q
    are :func:`orthogonal_matrices`. Guarantee: |‖A‖₂ − norm| ≤ 1e-12·max(1, norm).
    """
    check_positive_int("n", n, maximum=64)
    norm = _check_nonnegative("norm", norm)
    min_ratio = _check_nonnegative("min_ratio", min_ratio)
    if min_ratio > 1:
        raise InvalidArgumentError(f"min_ratio={min_ratio} must lie in [0, 1]")
    ratios = st.lists(st.floats(min_ratio, 1.0), min_size=n - 1, max_size=n - 1)

    def build(P: np.ndarray, Q: np.ndarray, rest: list[float]) -> np.ndarray:
        s = np.array([1.0, *rest]) * norm
        return (P * s) @ Q.T

    return st.builds(build, orthogonal_matrices(n), orthogonal_matrices(n), ratios)


def matrices_with_spectral_radius(
    n: int, *, radius: float, max_coupling: float = 1.0
) -> st.SearchStrategy[np.ndarray]:
    """Real n×n matrices Q·T·Qᵀ with spectral radius exactly `radius` by construction.

    T is a real Schur form: 1×1 blocks (real eigenvalues) and 2×2 blocks
    r·[[cos θ, −sin θ], [sin θ, cos θ]] (complex pairs r·e^{±iθ}), with the
    first block of modulus `radius` and every other modulus in [0, radius];
    entries above the blocks are drawn from [−max_coupling, max_coupling] and
    control the non-normality (0 gives a normal matrix). Q is orthogonal.
    Guarantee: the eigenvalues of T are known exactly; those of the returned
    matrix agree up to rounding amplified by non-normality, so trust the
    construction rather than a computed eigenvalue.
    """
    check_positive_int("n", n, maximum=64)
    radius = _check_nonnegative("radius", radius)
    max_coupling = _check_nonnegative("max_coupling", max_coupling)

    @st.composite
    def build(draw: st.DrawFn) -> np.ndarray:
        T = np.zeros((n, n))
        i = 0
        first = True
        while i < n:
            pair = i + 1 < n and draw(st.booleans())
            r = radius if first else radius * draw(st.floats(0.0, 1.0))
            sign = 1.0 if draw(st.booleans()) else -1.0
            if pair:
                theta = draw(st.floats(0.05, math.pi - 0.05))
                c, s = math.cos(theta), math.sin(theta)
                T[i : i + 2, i : i + 2] = r * np.array([[c, -s], [s, c]])
                i += 2
            else:
                T[i, i] = sign * r
                i += 1
            first = False
        coupling = st.floats(-max_coupling, max_coupling) if max_coupling > 0 else st.just(0.0)
        for row in range(n):
            for col in range(row + 1, n):
                if T[row, col] == 0 and not (col == row + 1 and T[col, row] != 0):
                    T[row, col] = draw(coupling)
        Q = draw(orthogonal_matrices(n))
        return Q @ T @ Q.T

    return build()


def activations(names: list[str] | None = None) -> st.SearchStrategy[Activation]:
    """Built-in activations (all of them, or those named)."""
    chosen = list(ACTIVATIONS) if names is None else names
    for name in chosen:
        if name not in ACTIVATIONS:
            from .errors import unknown_name

            raise unknown_name("activation", name, ACTIVATIONS)
    return st.sampled_from([ACTIVATIONS[name] for name in chosen])


def rnn_parameters(
    n: int, m: int = 1, *, spectral_norm: float | None = None, scale: float = 1.0
) -> st.SearchStrategy[dict[str, np.ndarray]]:
    """Dicts with W (n×n), U (n×m) and b (n,) for an RNN.

    With `spectral_norm`, ‖W‖₂ equals it (see :func:`matrices_with_spectral_norm`);
    otherwise W has entries in [−scale, scale]. U and b have entries in [−scale, scale].
    """
    check_positive_int("n", n, maximum=64)
    check_positive_int("m", m, maximum=64)
    scale = _check_nonnegative("scale", scale)
    entries = st.floats(-scale, scale, allow_nan=False, allow_infinity=False)

    def array(shape: tuple[int, ...]) -> st.SearchStrategy[np.ndarray]:
        return st.lists(entries, min_size=math.prod(shape), max_size=math.prod(shape)).map(
            lambda v: np.array(v, dtype=float).reshape(shape)
        )

    W = (
        matrices_with_spectral_norm(n, norm=spectral_norm)
        if spectral_norm is not None
        else array((n, n))
    )
    return st.fixed_dictionaries({"W": W, "U": array((n, m)), "b": array((n,))})


def preactivation_trajectories(
    n: int, steps: int, *, bound: float = 5.0
) -> st.SearchStrategy[np.ndarray]:
    """Arrays of shape (steps, n) of pre-activations in [−bound, bound].

    They stand for the a⁽ᵗ⁾ (Model A) or x_{t−1} (Model B) at which σ′ is
    evaluated along a trajectory; any such values are reachable by some input
    sequence when U has full row rank, so bounds over them are bounds over runs.
    """
    check_positive_int("n", n, maximum=64)
    check_positive_int("steps", steps, maximum=10_000)
    bound = _check_nonnegative("bound", bound)
    values = st.floats(-bound, bound, allow_nan=False, allow_infinity=False)
    return st.lists(values, min_size=n * steps, max_size=n * steps).map(
        lambda v: np.array(v, dtype=float).reshape(steps, n)
    )
