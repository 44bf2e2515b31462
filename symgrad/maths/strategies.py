"""Public Hypothesis strategies for recurrent-network mathematics.

Every strategy *constructs* its objects from drawn parameters (angles,
singular values, eigenvalues) instead of filtering random arrays, so it never
wastes examples, and it shrinks towards simple cases (identity rotations,
equal singular values, zero off-diagonal coupling). Each docstring states what
is guaranteed and to what accuracy; ``tests/test_strategies.py`` checks it.

Sizes go up to 64 (hidden units) and 10 000 (steps). Hypothesis draws at most a
few thousand numbers per example, so large objects are built from a drawn seed
of a NumPy generator instead of entry by entry (stated in each docstring); seed
0 gives the simplest object (the identity, all zeros), so shrinking still ends
there. Sizes may be Python or NumPy integers.

:func:`activations` derives γ of every activation it can draw when the strategy
is built, so a test that calls :func:`symgrad.maths.bounds.gamma_of` on a drawn
activation finds it cached and stays within Hypothesis's default deadline.

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
import operator
from collections.abc import Iterable

import numpy as np
import sympy as sp
from hypothesis import strategies as st

from ..errors import InvalidArgumentError, check_positive_int
from .activations import ACTIVATIONS, Activation

__all__ = [
    "activations",
    "matrices_with_spectral_norm",
    "matrices_with_spectral_radius",
    "orthogonal_matrices",
    "preactivation_trajectories",
    "rnn_parameters",
]

_ANGLE = st.floats(-math.pi, math.pi, allow_nan=False, allow_infinity=False)
#: Above this many numbers per object, objects come from a drawn NumPy seed.
_DRAWN_LIMIT = 256
_SEED = st.integers(0, 2**32 - 1)


def _size(name: str, value: object, maximum: int) -> int:
    """A positive int (Python or NumPy integer) up to `maximum`."""
    if not isinstance(value, bool) and isinstance(value, np.integer):
        value = operator.index(value)
    return check_positive_int(name, value, maximum=maximum)


def _check_nonnegative(name: str, value: float) -> float:
    if isinstance(value, np.floating | np.integer) and not isinstance(value, bool):
        value = float(value)
    if (
        isinstance(value, bool)
        or not isinstance(value, (int, float))
        or not math.isfinite(value)
        or value < 0
    ):
        raise InvalidArgumentError(f"{name}={value!r} must be a finite number ≥ 0")
    return float(value)


def _uniform_arrays(shape: tuple[int, ...], bound: float) -> st.SearchStrategy[np.ndarray]:
    """Arrays of `shape` with entries in [−bound, bound].

    Up to 256 entries each is drawn (and shrinks towards 0); larger arrays are drawn
    uniformly by a NumPy generator from a drawn seed, seed 0 giving all zeros.
    """
    size = math.prod(shape)
    if size <= _DRAWN_LIMIT:
        values = st.floats(-bound, bound, allow_nan=False, allow_infinity=False)
        return st.lists(values, min_size=size, max_size=size).map(
            lambda v: np.array(v, dtype=float).reshape(shape)
        )

    def build(seed: int) -> np.ndarray:
        if seed == 0:
            return np.zeros(shape)
        return np.random.default_rng(seed).uniform(-bound, bound, size=shape)

    return _SEED.map(build)


def _rotation(n: int, angles: list[float]) -> np.ndarray:
    """The product of Givens rotations in planes (i, j), i < j, with the given angles."""
    Q = np.eye(n)
    k = 0
    for i in range(n):
        for j in range(i + 1, n):
            c, s = math.cos(angles[k]), math.sin(angles[k])
            Q[:, [i, j]] = Q[:, [i, j]] @ np.array([[c, -s], [s, c]])  # Q ← Q·G(i, j)
            k += 1
    return Q


def _seeded_rotation(n: int, seed: int) -> np.ndarray:
    """A Haar-distributed rotation from a NumPy seed (QR with signs fixed); seed 0 is I."""
    if seed == 0:
        return np.eye(n)
    Q, R = np.linalg.qr(np.random.default_rng(seed).normal(size=(n, n)))
    Q = Q * np.sign(np.diag(R))
    if np.linalg.det(Q) < 0:
        Q[:, 0] = -Q[:, 0]
    return Q


#: Largest n whose rotations are drawn angle by angle (66 angles).
_GIVENS_LIMIT = 12


def orthogonal_matrices(n: int) -> st.SearchStrategy[np.ndarray]:
    """n×n orthogonal matrices with determinant +1, for 1 ≤ n ≤ 64.

    Up to n = 12 they are products of n(n−1)/2 Givens rotations with drawn angles;
    above, rotations drawn uniformly (Haar measure) by a NumPy generator from a drawn
    seed. Guarantee: ‖QᵀQ − I‖₂ ≤ 1e-12 (rounding only); determinant +1. Shrinks
    towards the identity.
    """
    n = _size("n", n, 64)
    if n > _GIVENS_LIMIT:
        return _SEED.map(lambda seed: _seeded_rotation(n, seed))
    count = n * (n - 1) // 2
    return st.lists(_ANGLE, min_size=count, max_size=count).map(lambda a: _rotation(n, a))


def matrices_with_spectral_norm(
    n: int, *, norm: float, min_ratio: float = 0.0
) -> st.SearchStrategy[np.ndarray]:
    """n×n matrices P·diag(s)·Qᵀ with largest singular value exactly `norm`.

    The other singular values are drawn from [min_ratio·norm, norm]. P and Q
    are :func:`orthogonal_matrices`. Guarantee: |‖A‖₂ − norm| ≤ 1e-12·max(1, norm).
    """
    n = _size("n", n, 64)
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
    entries above the blocks are drawn from [−max_coupling, max_coupling] (from a
    seeded generator when there are more than 256) and control the non-normality
    (0 gives a normal matrix). Q is :func:`orthogonal_matrices`.
    Guarantee: the eigenvalues of T are known exactly; those of the returned
    matrix agree up to rounding amplified by non-normality, so trust the
    construction rather than a computed eigenvalue.
    """
    n = _size("n", n, 64)
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
        free = [
            (row, col)
            for row in range(n)
            for col in range(row + 1, n)
            if T[row, col] == 0 and not (col == row + 1 and T[col, row] != 0)
        ]
        if free and max_coupling > 0:
            values = draw(_uniform_arrays((len(free),), max_coupling))
            for (row, col), value in zip(free, values, strict=True):
                T[row, col] = value
        Q = draw(orthogonal_matrices(n))
        return Q @ T @ Q.T

    return build()


def activations(
    names: str | sp.Expr | Activation | Iterable[str | sp.Expr | Activation] | None = None,
) -> st.SearchStrategy[Activation]:
    """Activations: every built-in, or those given (names, expressions in x, Activations).

    A single name or expression may be passed on its own (``activations("tanh")``,
    ``activations(sp.tanh(x))``), resolved as everywhere else in symgrad.
    Each entry is resolved and γ derived when the strategy is built (an error for an
    unknown name or a bad expression is raised here, not when drawing), so a test
    that calls :func:`symgrad.maths.bounds.gamma_of` on a drawn activation finds γ cached.

    Examples
    --------
    >>> strategy = activations(["tanh", "x/(2 + abs(x))"])
    >>> sorted(a.name for a in strategy.elements)
    ['tanh', 'x/(Abs(x) + 2)']
    """
    from .activations import as_activation
    from .gamma import derive_gamma

    if names is None:
        chosen = list(ACTIVATIONS.values())
    elif isinstance(names, str | Activation | sp.Expr):
        chosen = [as_activation(names)]
    else:
        try:
            entries = list(names)
        except TypeError:
            raise InvalidArgumentError(
                f"names={names!r} must be a name, an expression in x, an Activation or a "
                "list of them"
            ) from None
        if not entries:
            raise InvalidArgumentError(
                "names=[] must contain at least one activation (or pass None for every built-in)"
            )
        chosen = [as_activation(entry) for entry in entries]
    for act in chosen:  # both cached: later calls inside a timed test are instant
        derive_gamma(act)
        act.numpy_functions()
    return st.sampled_from(chosen)


def rnn_parameters(
    n: int, m: int = 1, *, spectral_norm: float | None = None, scale: float = 1.0
) -> st.SearchStrategy[dict[str, np.ndarray]]:
    """Dicts with W (n×n), U (n×m) and b (n,) for an RNN.

    With `spectral_norm`, ‖W‖₂ equals it (see :func:`matrices_with_spectral_norm`);
    otherwise W has entries in [−scale, scale]. U and b have entries in [−scale, scale]
    (arrays of more than 256 entries come from a drawn NumPy seed).
    """
    n = _size("n", n, 64)
    m = _size("m", m, 64)
    scale = _check_nonnegative("scale", scale)
    W = (
        matrices_with_spectral_norm(n, norm=spectral_norm)
        if spectral_norm is not None
        else _uniform_arrays((n, n), scale)
    )
    return st.fixed_dictionaries(
        {"W": W, "U": _uniform_arrays((n, m), scale), "b": _uniform_arrays((n,), scale)}
    )


def preactivation_trajectories(
    n: int, steps: int, *, bound: float = 5.0
) -> st.SearchStrategy[np.ndarray]:
    """Arrays of shape (steps, n) of pre-activations in [−bound, bound].

    They stand for the a⁽ᵗ⁾ (Model A) or x_{t−1} (Model B) at which σ′ is
    evaluated along a trajectory; any such values are reachable by some input
    sequence when U has full row rank, so bounds over them are bounds over runs.
    Up to 256 numbers each is drawn; longer trajectories are uniform from a drawn
    NumPy seed (seed 0: all zeros, where σ′ of tanh and sigmoid is largest).
    """
    n = _size("n", n, 64)
    steps = _size("steps", steps, 10_000)
    bound = _check_nonnegative("bound", bound)
    return _uniform_arrays((steps, n), bound)
