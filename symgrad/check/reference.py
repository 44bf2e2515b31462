"""The certified reference: an enclosure of the true BPTT gradient at given float inputs.

The weights, inputs and targets a user's function receives are float64 numbers, that is
exact dyadic rationals. The true gradient of L = ½ Σₜ ‖h⁽ᵗ⁾ − y⁽ᵗ⁾‖² at those exact
numbers is a real vector; :func:`enclose_gradients` computes balls guaranteed to contain
each of its entries with python-flint's ``arb`` ball arithmetic: the inputs are converted
exactly, σ and σ′ are evaluated on balls (from the SymPy expressions of the activation,
σ′ derived by SymPy; :mod:`symgrad.check.balls`), and every sum and product — the
matrix–vector products included, which ``arb_mat`` performs at C level — rounds outwards.

Carried naively, ball radii grow along the recursion by about ‖|D||W|‖ per step (the
wrapping effect), hundreds of bits over a few hundred steps. So each step starts from the
exact midpoint of the previous step's ball, and what that costs is bounded in 2-norm,
per sequence, with certified constants — λ ≥ ‖W‖₂ (:func:`spectral_norm_bound`),
γ ≥ sup|σ′| and L ≥ sup|σ″| on the range the arguments of σ are checked to stay in:

- Model A, forward: ε_t ≤ γλ ε_{t−1} + ‖rad h-ball_t‖ bounds ‖h_t − m_t‖, and
  α_t = λ ε_{t−1} bounds the error of the argument a_t;
- backward: with e_t = r_t + carry_{t+1}, δ_t = e_t ⊙ σ′(a_t), carry_t = Wᵀ δ_t,
  β_t ≤ γ(ε_t + κ_{t+1}) + ‖ẽ_t‖ (L α_t + ‖rad σ′-ball_t‖) + ‖rad δ-ball_t‖ bounds the
  error of δ_t and κ_t ≤ λ β_t + ‖rad carry-ball_t‖ that of the carried error;
- Model B likewise, with σ applied to the state before W;
- ‖Σₜ δ*_t h*_{t−1}ᵀ − Σₜ d_t m_{t−1}ᵀ‖_F ≤ Σₜ β_t(‖m_{t−1}‖ + ε_{t−1}) + ‖d_t‖ ε_{t−1},
  and similarly for U, b and h⁽⁰⁾; this bound is added to every radius.

σ′ jumps at a kink (ReLU at 0): an argument whose error bound reaches a kink makes the
pass start again with twice the precision. The bounds are evaluated in arb too, so the
whole computation is ball arithmetic; the radii that come out are far below float64's
unit roundoff relative to the gradient.

Kept as one module: the passes, the error bounds they carry and the certified constants
those bounds rest on (λ ≥ ‖W‖₂, and γ and L on the checked range) are the one argument set
out above; each bound is read beside the quantities it uses.
"""

from __future__ import annotations

import itertools
import math
import operator
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import sympy as sp
from flint import arb, arb_mat, ctx

from ..errors import InvalidArgumentError, UndecidedError
from ..maths.activations import Activation, x
from ..maths.enclosures import enclose
from .balls import arb_function

__all__ = [
    "Enclosure",
    "arb_function",
    "argument_radius",
    "enclose_gradients",
    "serve",
    "spectral_norm_bound",
]

NAMES = ("W", "U", "b", "h0")


@dataclass
class Enclosure:
    """Certified balls ``mid ± rad`` (float64 arrays) around each gradient, and the precision.

    Every true entry lies in ``[mid − rad, mid + rad]``: the radius includes the rounding
    of arb's midpoint to float64.
    """

    mid: dict[str, np.ndarray]
    rad: dict[str, np.ndarray]
    precision: int

    def widest(self) -> dict[str, float]:
        """Largest radius per parameter relative to the norm of its midpoint."""
        out = {}
        for k in NAMES:
            norm = float(np.linalg.norm(self.mid[k]))
            out[k] = float(self.rad[k].max()) / norm if norm > 0 else math.inf
        return out


def _up(ball: arb) -> float:
    """A float that is certainly ≥ every point of `ball` (inf for a non-finite ball)."""
    if not ball.is_finite():
        return math.inf
    top = ball.upper()
    return (float(top.mid()) + float(top.rad())) * (1 + 2.0**-50) + 2.0**-1074


def _column_norms(M: arb_mat) -> list[arb]:
    """Balls containing the 2-norm of each column of (every matrix inside) `M`, at C level."""
    gram = M.transpose() * M
    return [
        gram[j, j].sqrt() if gram[j, j] > 0 else gram[j, j].abs_upper().sqrt()
        for j in range(M.ncols())
    ]


def _frobenius(M: arb_mat) -> arb:
    return (M.transpose() * M).trace().abs_upper().sqrt()


def _distance_norms(ball: arb_mat) -> tuple[arb_mat, list[arb]]:
    """The midpoint matrix of `ball` and, per column, a bound on ‖exact − midpoint‖₂."""
    mid = ball.mid()
    return mid, _column_norms(ball - mid)


_LAMBDA_CACHE: dict[bytes, arb] = {}


def spectral_norm_bound(W: np.ndarray, prec: int = 32, squarings: int = 5) -> arb:
    """A certified upper bound on ‖W‖₂ (an arb ball: use its top), at most n^(2⁻ᵏ⁻¹) above it.

    With A = WᵀW and k = `squarings`, A^(2ᵏ) is formed by squaring in arb; its trace is
    Σ λᵢ(A)^(2ᵏ), between ‖A‖₂^(2ᵏ) and n‖A‖₂^(2ᵏ), so ‖W‖₂ = ‖A‖₂^(1/2) ≤ trace^(2⁻ᵏ⁻¹).
    For n = 256 and k = 5 the factor is at most 2^(1/8) ≈ 1.09 (usually far less: the
    other eigenvalues of A fall short of the largest).

    Examples
    --------
    >>> W = np.array([[3.0, 0.0], [4.0, 0.0]])
    >>> 5 <= _up(spectral_norm_bound(W)) < 5 * 1.01
    True
    """
    key = W.tobytes() + str((W.shape, prec, squarings)).encode()
    if key in _LAMBDA_CACHE:
        return _LAMBDA_CACHE[key]
    n = W.shape[0]
    with ctx.workprec(prec):
        Wm = arb_mat(n, n, W.ravel().tolist())
        A = Wm.transpose() * Wm
        for _ in range(squarings):
            A = A * A
        trace = A.trace()
        bound = (
            arb(0) if trace.is_zero() else (trace.abs_upper().log() / 2 ** (squarings + 1)).exp()
        )
    if len(_LAMBDA_CACHE) > 16:
        _LAMBDA_CACHE.clear()
    _LAMBDA_CACHE[key] = bound
    return bound


@lru_cache(maxsize=256)
def _range_bound(expr: sp.Expr, radius: float, prec: int, budget: int = 2000) -> arb:
    """An upper bound on sup |expr(x)| over [−radius, radius], by branch and bound on balls.

    The interval is cut into pieces; the piece with the largest enclosure of |expr| is
    halved until that enclosure is within 0.1 % of a value |expr| takes at a point, or the
    budget of evaluations is spent. The answer is the largest enclosure left,
    so it bounds |expr| on every piece.
    """
    import heapq

    f = arb_function(expr, prec)
    best_seen = 0.0

    def piece(left: float, right: float) -> tuple[float, float, float]:
        nonlocal best_seen
        centre = (left + right) / 2
        ball = arb(centre, (right - left) / 2 * (1 + 2.0**-40) + 2.0**-1000)
        point = f(arb(centre)).abs_lower()
        best_seen = max(best_seen, float(point.lower().mid()))
        return (-_up(f(ball).abs_upper()), left, right)

    with ctx.workprec(prec):
        edges = np.linspace(-radius, radius, 65)
        heap = [piece(lo, hi) for lo, hi in itertools.pairwise(edges)]
        heapq.heapify(heap)
        for _ in range(budget):
            top, left, right = heap[0]
            if -top <= best_seen * 1.001 + 2.0**-60 or right - left < 1e-9:
                break
            heapq.heappop(heap)
            mid = (left + right) / 2
            heapq.heappush(heap, piece(left, mid))
            heapq.heappush(heap, piece(mid, right))
        return arb(-heap[0][0])


@dataclass
class _Constants:
    """Certified upper bounds that carry a midpoint's error from one step to the next."""

    lam: arb  # ≥ ‖W‖₂
    gamma: arb  # ≥ sup |σ′| on [−radius, radius]
    lip: arb  # ≥ sup |σ″| there, between kinks
    radius: float  # every argument of σ is checked to lie in [−radius, radius]
    kinks: tuple[float, ...]


def enclose_gradients(
    W: np.ndarray,
    U: np.ndarray,
    b: np.ndarray,
    h0: np.ndarray,
    xs: np.ndarray,
    targets: np.ndarray,
    activation: Activation,
    model: str,
    prec: int = 64,
    radius: float | None = None,
) -> Enclosure:
    """Balls around ∂L/∂W, ∂L/∂U, ∂L/∂b, ∂L/∂h⁽⁰⁾ at these exact float inputs.

    Shapes as in :func:`symgrad.maths.numeric.bptt_gradients`: W (n, n), U (n, m), b (n,),
    h0 (B, n), xs (T, B, m), targets (T, B, n). Each step is evaluated in ball arithmetic
    at `prec` bits from the exact midpoint of the previous step's ball; the error made by
    continuing from a midpoint instead of the ball is bounded in 2-norm and carried along
    (see the module docstring), and added to every radius. `radius`, if given, is the
    range [−radius, radius] the arguments of σ are expected in (:func:`argument_radius`,
    computed once by the caller); the pass checks it in ball arithmetic either way.

    Examples
    --------
    >>> from symgrad.maths.activations import as_activation
    >>> rng = np.random.default_rng(0)
    >>> W, U, b = 0.3 * rng.normal(size=(2, 2)), rng.normal(size=(2, 1)), rng.normal(size=2)
    >>> h0, xs, ys = rng.normal(size=(1, 2)), rng.normal(size=(3, 1, 1)), rng.normal(size=(3, 1, 2))
    >>> enc = enclose_gradients(W, U, b, h0, xs, ys, as_activation("tanh"), "A")
    >>> from symgrad.maths.numeric import bptt_gradients
    >>> g = bptt_gradients(W, U, b, xs, h0, ys).W
    >>> bool(np.all(np.abs(g - enc.mid["W"]) < 1e-14)), float(enc.rad["W"].max()) < 1e-15
    (True, True)
    """
    _T, B, m = xs.shape
    n = W.shape[0]
    lam = spectral_norm_bound(W)
    if radius is None:
        radius = argument_radius(W, U, b, h0, xs, activation, model)
    const = _Constants(
        lam,
        _range_bound(activation.derivative, radius, prec),
        # σ′ is Lipschitz with constant sup|σ″| between its jumps (the kinks, checked
        # separately); DiracDelta terms of σ″ sit where σ′ is continuous, and carry no slope
        _range_bound(
            activation.second_derivative.replace(sp.DiracDelta, lambda *a: 0), radius, prec
        ),
        radius,
        tuple(float(k.at) for k in activation.kinks),
    )
    growth = _up(const.gamma * lam)  # the carried errors grow by at most this per step
    bits = xs.shape[0] * math.log2(growth) if growth > 1 else 0.0
    if bits > 8:  # keep about 2⁻⁵⁶ of headroom after T steps of growth
        prec += 64 * math.ceil(bits / 64)
    near = 0.0
    for _ in range(4):
        try:
            with ctx.workprec(prec):
                grads, errors = _passes(W, U, b, h0, xs, targets, activation, model, prec, const)
            break
        except _NearKink as exc:  # more bits shrink the carried errors
            near, prec = exc.at, 2 * prec
    else:
        raise UndecidedError(
            f"an argument of σ lies within rounding distance of its kink at {near:g}; the "
            "reference cannot tell which side σ′ is taken on (draw another instance)"
        )
    mids, rads = {}, {}
    for name, values, shape in (
        ("W", grads[0], (n, n)),
        ("U", grads[1], (n, m)),
        ("b", grads[2], (n,)),
        ("h0", grads[3], (B, n)),
    ):
        mids[name], rads[name] = _to_float(values, shape)
        rads[name] = rads[name] + errors[name] * (1 + 2.0**-50)
    return Enclosure(mids, rads, prec)


def argument_radius(
    W: np.ndarray,
    U: np.ndarray,
    b: np.ndarray,
    h0: np.ndarray,
    xs: np.ndarray,
    activation: Activation,
    model: str,
) -> float:
    """A power of two, about twice the largest 2-norm of an argument of σ in float64.

    Every argument a_i satisfies |a_i| ≤ ‖a‖₂; :func:`enclose_gradients` checks in ball
    arithmetic that each argument stays in [−radius, radius], so this float estimate
    only chooses the range on which sup|σ′| and sup|σ″| are bounded.

    Examples
    --------
    >>> from symgrad.maths.activations import as_activation
    >>> W, U, b = np.zeros((2, 2)), np.ones((2, 1)), np.zeros(2)
    >>> xs, h0 = 3 * np.ones((1, 1, 1)), np.zeros((1, 2))
    >>> argument_radius(W, U, b, h0, xs, as_activation("tanh"), "A")  # ‖(3, 3)‖ ≈ 4.24
    16.0
    """
    from ..maths.numeric import forward

    fp = forward(W, U, b, xs, h0, activation, model)
    args = fp.states[:-1] @ W.T + (xs @ U.T + b) if model == "A" else fp.states[:-1]
    return 2.0 ** math.ceil(math.log2(2 * float(np.linalg.norm(args, axis=-1).max()) + 1.0))


def _passes(W, U, b, h0, xs, targets, activation, model, prec, const):  # type: ignore[no-untyped-def]
    """The forward and backward passes from midpoints, with the carried error bounds.

    Per sequence j, ε is a bound on ‖true state − midpoint‖₂, α on the error of σ's
    argument, β on that of δ and κ on that of the carried error (see the module docstring).
    """
    T, B, m = xs.shape
    n = W.shape[0]
    f = arb_function(activation.expr, prec)
    fp = arb_function(activation.derivative, prec)
    via_sigma = _slope_from_value(activation, prec)  # σ′ = g(σ), e.g. 1 − σ² for tanh
    lam, gam, lip = const.lam, const.gamma, const.lip
    limit = arb(const.radius)
    Wm = arb_mat(n, n, W.ravel().tolist())
    Wt = Wm.transpose()
    Um = arb_mat(n, m, U.ravel().tolist())
    bias = _column_block(np.broadcast_to(b, (B, n)))
    state = _column_block(h0)  # exact
    eps = [arb(0)] * B
    feeds, feed_err, slopes, slope_rad, arg_err, residuals = [], [], [], [], [], []
    for t in range(T):
        drive = Um * _column_block(xs[t]) + bias  # contains U x⁽ᵗ⁾ + b, at C level
        if model == "A":
            arg_ball = Wm * state + drive  # contains W m + U x + b exactly (m is exact)
            alpha = [lam * e for e in eps]
            feeds.append(state)
            feed_err.append(eps)
            values = list(map(f, arg_ball.entries()))
            state, rho = _distance_norms(_mat(n, B, values))
            eps = [gam * lam * eps[j] + rho[j] for j in range(B)]
        else:
            arg_ball = state
            alpha = eps
            values = list(map(f, state.entries()))
            squashed, rho = _distance_norms(_mat(n, B, values))
            phi = [gam * eps[j] + rho[j] for j in range(B)]
            feeds.append(squashed)
            feed_err.append(phi)
            state, rho = _distance_norms(Wm * squashed + drive)
            eps = [lam * phi[j] + rho[j] for j in range(B)]
        args = arg_ball.entries()
        for j, size in enumerate(_column_norms(arg_ball)):
            if not size + alpha[j] < limit:
                raise InvalidArgumentError(  # never for the radius chosen above
                    f"an argument of σ left the checked range [−{const.radius:g}, {const.radius:g}]"
                )
        if const.kinks:
            _check_kinks(args, alpha, B, const)
        slope = list(map(via_sigma, values)) if via_sigma else list(map(fp, args))
        s_mid, s_rho = _distance_norms(_mat(n, B, slope))
        slopes.append(s_mid.entries())
        slope_rad.append(s_rho)
        arg_err.append(alpha)
        residuals.append((state - _column_block(targets[t]), eps))
    # backward: e_t = r_t + carry_{t+1}; A: δ_t = e_t ⊙ σ′(a_t), carry_t = Wᵀ δ_t;
    # B: δ_t = e_t, carry_t = (Wᵀ δ_t) ⊙ σ′(x_{t−1})
    carried = arb_mat(n, B)
    kappa = [arb(0)] * B
    deltas: list[arb_mat] = [carried] * T
    betas: list[list[arb]] = [[]] * T
    for t in range(T - 1, -1, -1):
        r, state_err = residuals[t]
        e_ball = r + carried  # contains r̃ + c̃ exactly
        e_size = _column_norms(e_ball)  # ≥ ‖·‖_∞ as well
        if model == "A":
            prod = list(map(operator.mul, e_ball.entries(), slopes[t]))  # both n·B long
            d, rho = _distance_norms(_mat(n, B, prod))
            beta = [
                gam * (state_err[j] + kappa[j])
                + e_size[j] * (lip * arg_err[t][j] + slope_rad[t][j])
                + rho[j]
                for j in range(B)
            ]
            carried, rho = _distance_norms(Wt * d)
            kappa = [lam * beta[j] + rho[j] for j in range(B)]
        else:
            d, rho = _distance_norms(e_ball)
            beta = [state_err[j] + kappa[j] + rho[j] for j in range(B)]
            back = Wt * d
            back_size = _column_norms(back)
            prod = list(map(operator.mul, back.entries(), slopes[t]))
            carried, rho = _distance_norms(_mat(n, B, prod))
            kappa = [
                gam * lam * beta[j]
                + back_size[j] * (lip * arg_err[t][j] + slope_rad[t][j])
                + rho[j]
                for j in range(B)
            ]
        deltas[t] = d
        betas[t] = beta
    cols = T * B
    delta_rows = [None] * (n * cols)  # Δ is (n, T·B): column t·B + j is sequence j at step t
    feed_rows = []
    for t in range(T):
        d = deltas[t].entries()  # row-major (n, B)
        for i in range(n):
            start = i * cols + t * B
            delta_rows[start : start + B] = d[i * B : (i + 1) * B]
        feed_rows.extend(feeds[t].transpose().entries())
    Delta = arb_mat(n, cols, delta_rows)
    Feeds = arb_mat(cols, n, feed_rows)
    X = arb_mat(cols, m, xs.reshape(cols, m).ravel().tolist())
    grads = (
        (Delta * Feeds).entries(),
        (Delta * X).entries(),
        (Delta * arb_mat(cols, 1, [1] * cols)).entries(),
        carried.transpose().entries(),
    )
    # ‖Σ δ* h*ᵀ − Σ d mᵀ‖_F ≤ Σ (β ‖m‖ + β err(m) + ‖d‖ err(m)), over steps and sequences
    eW, eU, eb = arb(0), arb(0), arb(0)
    for t in range(T):
        f_size, d_size = _column_norms(feeds[t]), _column_norms(deltas[t])
        for j in range(B):
            beta, ferr = betas[t][j], feed_err[t][j]
            eW += beta * (f_size[j] + ferr) + d_size[j] * ferr
            eU += beta * _norm_of(xs[t, j])
            eb += beta
    errors = {"W": _up(eW), "U": _up(eU), "b": _up(eb), "h0": max(_up(k) for k in kappa)}
    return grads, errors


def _norm_of(v: np.ndarray) -> arb:
    """An upper bound on ‖v‖₂ of a float vector: NumPy's value, widened by its rounding."""
    return arb(float(np.linalg.norm(v))) * (1 + arb((len(v) + 4) * 2.0**-52))


def _slope_from_value(activation: Activation, prec: int) -> Callable[[arb], arb] | None:
    """g with σ′(x) = g(σ(x)) when σ′ is written in σ alone (1 − tanh(x)² for tanh), else None.

    The identity is SymPy's substitution of σ's expression by a symbol, which must remove x
    entirely; g on the ball of σ(a) then contains σ′(a), and σ is not evaluated twice.

    Examples
    --------
    >>> from symgrad.maths.activations import as_activation
    >>> _slope_from_value(as_activation("tanh"), 64) is not None
    True
    >>> _slope_from_value(as_activation("relu"), 64) is None
    True
    """
    value = sp.Dummy("value")
    written = activation.derivative.subs(activation.expr, value)
    if x in written.free_symbols or value not in written.free_symbols:
        return None
    g = sp.expand(written.subs(value, x))
    if g.is_polynomial(x):
        return _horner(g, prec)
    return arb_function(g, prec)


@lru_cache(maxsize=64)
def _horner(g: sp.Expr, prec: int) -> Callable[[arb], arb]:
    """A polynomial in x evaluated on a ball by Horner's scheme (coefficients enclosed once).

    Each step is a ball product and sum, so the result contains g at every point of the
    ball; it costs one Python call per entry instead of one per node of the expression.

    Examples
    --------
    >>> h = _horner(1 - x**2, 64)
    >>> h(arb(0.5)) == arb(0.75)
    True
    """
    with ctx.workprec(prec):
        coeffs = [enclose(c, prec) for c in sp.Poly(g, x).all_coeffs()]
    top, rest = coeffs[0], [(c, c.is_zero()) for c in coeffs[1:]]

    def call(a: arb) -> arb:
        out = top
        for c, zero in rest:
            out = out * a if zero else out * a + c
        return out

    return call


def _check_kinks(args: list[arb], alpha: list[arb], B: int, const: _Constants) -> None:
    """σ′ jumps at a kink: every argument must stay farther from it than its error bound."""
    for k in const.kinks:
        for idx, a in enumerate(args):
            reach = alpha[idx % B]
            if reach == 0:  # the argument is exact: σ′ there is the value the ball gives
                continue
            if not abs(a - k) > reach:
                raise _NearKink(k)


class _NearKink(Exception):
    """An argument of σ lies too close to a kink for the error bound at this precision."""

    def __init__(self, at: float) -> None:
        super().__init__(at)
        self.at = at


def _column_block(rows: np.ndarray) -> arb_mat:
    """An (n, B) arb matrix from a (B, n) float array (exact: floats are dyadic)."""
    n = rows.shape[1]
    return arb_mat(n, rows.shape[0], np.ascontiguousarray(rows.T).ravel().tolist())


def _mat(rows: int, cols: int, values: list[arb]) -> arb_mat:
    return arb_mat(rows, cols, values)


def _to_float(values: list[arb], shape: tuple[int, ...]) -> tuple[np.ndarray, np.ndarray]:
    """Midpoints rounded to float64 and radii widened to cover that rounding (upwards)."""
    mid = np.array([float(v.mid()) for v in values], dtype=float)
    rad = np.array([float(v.rad()) for v in values], dtype=float)
    rad = np.where(np.isfinite(rad) & np.isfinite(mid), rad, np.inf)
    # float() rounds to nearest: add one ulp of each, and the smallest subnormal, so that
    # [mid − rad, mid + rad] still contains the true value
    rad = (rad + np.abs(mid) * 2.0**-52) * (1 + 2.0**-50) + 2.0**-1074
    return mid.reshape(shape), rad.reshape(shape)


def serve() -> None:
    """Worker entry point: read pickled (arrays, activation, model, radius) tasks from stdin, write
    the enclosures (or the exception each raised) to stdout, pickled, in the same order."""
    import pickle
    import sys

    tasks = pickle.loads(sys.stdin.buffer.read())  # written by the checker that started us
    results: list[object] = []
    for arrays, activation, model, radius in tasks:
        try:
            results.append(enclose_gradients(*arrays, activation, model, radius=radius))
        except Exception as exc:  # sent back and raised in the checker
            results.append(exc)
    sys.stdout.buffer.write(pickle.dumps(results))
    sys.stdout.buffer.flush()
