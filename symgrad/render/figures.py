"""Figures for teaching, drawn with matplotlib (Agg backend, no display needed).

Every label is matplotlib mathtext, every panel has axis labels and its own legend, and a
bound is drawn dashed in the colour of the curve it bounds. Each figure's caption says
what to see.

=====================  ===========================================================
name                   what it shows
=====================  ===========================================================
``jacobian_norms``     ‖∂h⁽ᵏ⁾/∂h⁽ᵗ⁾‖₂ against the lag: vanishing under η < 1 beside an
                       exploding and a saturating network with the same η = 3
``transient_growth``   ‖Wᵏ‖₂ for non-normal W with ρ = 0.9 beside a normal W
``activations``        σ and σ′ of every built-in activation, with γ
``error_surface``      the single unit's loss against w: the wall, a full gradient step
                       and a clipped step
``gradient_lags``      a trained network's per-lag shares of ∂L/∂W (adding problem)
``clipping_training``  loss and gradient norm while training, with and without clipping
``bifurcation``        the single unit's fixed points against its bias b, with the two
                       saddle-node points that bound the bistable range
=====================  ===========================================================

Each figure also has a version for slides (``render_figure(..., slides=True)``): at most four
panels and larger text, legible on a projector.

Kept as one module: one drawing function per figure of the table above, beside the registry
that names them and the style they share; a new figure is one function and one entry.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
import sympy as sp

from ..errors import InvalidArgumentError, unknown_name
from ..kernel.claims import Claim
from ..kernel.notation import (
    AtTime,
    Chain,
    Decimal,
    Norm,
    Partial,
    Plus,
    Prime,
    Size,
    Sup,
    Times,
    Transposed,
)

__all__ = ["FIGURES", "Figure", "draw_figure", "figure_ref", "render_figure"]

_NORM = r"\Vert\partial h^{(k)}/\partial h^{(t)}\Vert_2"


@dataclass(frozen=True)
class Figure:
    """A named figure: its caption (what to see) and the function that draws it."""

    name: str
    caption: Claim
    draw: Callable[[Any], None]
    size: tuple[float, float] = (9.0, 4.2)
    #: the slide version, when it draws something else than `draw` (e.g. fewer panels)
    slides_draw: Callable[[Any], None] | None = None
    slides_caption: Claim | str = ""
    slides_size: tuple[float, float] = (9.0, 4.6)


def _sci(value: float, digits: int = 2) -> str:
    """A number as mathtext: 0.02, 3.4 or 1.2 × 10⁵ (never 1.2e+05)."""
    if value == 0 or 1e-3 <= abs(value) < 1e4:
        return f"{value:.{digits + 1}g}"
    mantissa, exponent = f"{value:.{digits - 1}e}".split("e")
    return rf"{mantissa}\times10^{{{int(exponent)}}}"


def _orthogonal(n: int, rng: np.random.Generator) -> np.ndarray:
    Q, R = np.linalg.qr(rng.normal(size=(n, n)))
    return Q * np.sign(np.diag(R))


def _jacobian_norms(fig: Any) -> None:
    from ..maths.bounds import gamma_of
    from ..maths.numeric import jacobian_norms

    rng = np.random.default_rng(0)
    n, T = 16, 60
    left, right = fig.subplots(1, 2)
    Q = _orthogonal(n, rng)
    U = rng.normal(size=(n, 4))
    lags = np.arange(T + 1)
    xs = rng.normal(size=(T, 1, 4))
    for act, eta, color in (("tanh", 0.5, "C0"), ("tanh", 0.9, "C1"), ("sigmoid", 0.8, "C2")):
        gamma = gamma_of(act)
        lam = eta / gamma
        norms = jacobian_norms(Q * lam, U, np.zeros(n), xs, np.zeros((1, n)), act)
        left.semilogy(
            lags, norms, color=color, label=rf"{act}, $\lambda_1 = {lam:g}$, $\eta = {eta:g}$"
        )
        left.semilogy(
            lags,
            eta**lags,
            color=color,
            ls="--",
            lw=1,
            label=rf"bound $\eta^{{k-t}} = {eta:g}^{{k-t}}$",
        )
    left.set_title(r"Vanishing: $\eta = \lambda_1\gamma < 1$")
    T2 = 30
    lags2 = np.arange(T2 + 1)
    for scale, color, what in ((0.1, "C3", "small inputs"), (3.0, "C4", "large inputs")):
        inputs = np.random.default_rng(0)  # the same input pattern, at two scales
        xs2 = scale * inputs.normal(size=(T2, 1, 4))
        h0 = 0.01 * inputs.normal(size=(1, n))
        norms = jacobian_norms(3.0 * Q, U, np.zeros(n), xs2, h0, "tanh")
        right.semilogy(lags2, norms, color=color, label=rf"tanh, $\lambda_1 = 3$, {what}")
    right.semilogy(
        lags2, 3.0**lags2, color="C3", ls="--", lw=1, label=r"bound $3^{k-t}$ (both curves)"
    )
    right.axhline(1.0, color="grey", lw=0.8)
    right.set_title(r"$\eta = 3 > 1$: explodes or vanishes")
    for ax in (left, right):
        ax.set_xlabel(r"lag $k - t$")
        ax.set_ylabel(rf"${_NORM}$")
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=7, loc="lower left" if ax is left else "upper left")


def _transient(fig: Any) -> None:
    from ..maths.linear import power_norms

    ax = fig.subplots()
    k = np.arange(101)
    for c, color in ((1.0, "C0"), (10.0, "C3")):
        W = np.array([[0.9, c], [0.0, 0.9]])
        ax.semilogy(
            k,
            power_norms(W, 100),
            color=color,
            label=rf"non-normal: $W = 0.9I + {'' if c == 1 else f'{c:g}'}\,e_1e_2^{{\top}}$",
        )
    ax.semilogy(
        k,
        power_norms(np.diag([0.9, 0.9]), 100),
        color="k",
        label=r"normal: $W = 0.9I$, $\Vert W^k\Vert_2 = 0.9^k$",
    )
    ax.axhline(1.0, color="grey", lw=0.8, ls=":", label=r"$\Vert W^k\Vert_2 = 1$")
    ax.set_xlabel(r"power $k$")
    ax.set_ylabel(r"$\Vert W^k\Vert_2$")
    ax.set_title(r"Same eigenvalues ($\rho(W) = 0.9$), different transients")
    ax.legend(fontsize=8)
    ax.grid(True, which="both", alpha=0.3)


#: The activations of the slide version of ``activations`` (a projector shows four panels).
SLIDE_ACTIVATIONS = ("tanh", "sigmoid", "relu", "softplus")


def _activations(fig: Any, names: tuple[str, ...] | None = None) -> None:
    from ..maths.activations import ACTIVATIONS
    from ..maths.gamma import derive_gamma

    shown = [ACTIVATIONS[n] for n in names] if names else list(ACTIVATIONS.values())
    cols = 2 if names else 4
    rows = -(-len(shown) // cols)
    axes = fig.subplots(rows, cols).ravel()
    for ax in axes[len(shown) :]:
        fig.delaxes(ax)
    xs = np.linspace(-4, 4, 801)
    for ax, act in zip(axes, shown, strict=False):
        f, fp = act.numpy_functions()
        result = derive_gamma(act)
        gamma = sp.latex(result.exact) if result.exact is not None else f"{result.gamma:.4g}"
        note = "" if result.attained else " (not attained)"
        ax.plot(xs, f(xs), color="C0", label=r"$\sigma(x)$")
        ax.plot(xs, fp(xs), color="C1", label=r"$\sigma'(x)$")
        ax.axhline(
            result.gamma,
            color="C1",
            ls="--",
            lw=1,
            label=rf"$\gamma = \sup|\sigma'| = {gamma}${note}",
        )
        ax.set_title(act.title[0].upper() + act.title[1:], fontsize=9)
        ax.set_ylim(-1.6, 2.4)
        ax.grid(True, alpha=0.3)
        ax.legend(fontsize=6, loc="upper left")
        ax.set_xlabel(r"$x$", fontsize=8, labelpad=0)
        ax.set_ylabel(r"$\sigma$, $\sigma'$", fontsize=8)


def _slide_activations(fig: Any) -> None:
    _activations(fig, SLIDE_ACTIVATIONS)


def _bifurcation_data(w: float = 5.0) -> dict[str, Any]:
    """The fixed points x* = wσ(x*) + b as the curve b(x) = x − wσ(x), and the fold points."""
    from ..maths.dynamics import bistability_interval

    sig = lambda z: 0.5 * (np.tanh(0.5 * z) + 1)  # noqa: E731
    x = np.linspace(-7.0, 7.0, 4001)
    b = x - w * sig(x)
    gain = w * sig(x) * (1 - sig(x))  # |∂x_t/∂x_{t−1}| at the fixed point
    lo, hi = (float(v) for v in bistability_interval(int(w)))
    # the folds: where wσ′(x) = 1, i.e. σ(x) = (1 ± √(1 − 4/w))/2
    s = (1 + np.array([1.0, -1.0]) * np.sqrt(1 - 4 / w)) / 2
    fold_x = np.log(s / (1 - s))
    return {"x": x, "b": b, "stable": gain < 1, "folds": (fold_x, fold_x - w * s), "b12": (lo, hi)}


def _bifurcation(fig: Any) -> None:
    d = _bifurcation_data()
    ax = fig.subplots()
    x, b, stable = d["x"], d["b"], d["stable"]
    for mask, style, label in (
        (stable, "-", r"stable fixed point ($5\sigma'(x^*) < 1$)"),
        (~stable, "--", r"unstable fixed point ($5\sigma'(x^*) > 1$)"),
    ):
        ax.plot(np.where(mask, b, np.nan), x, style, color="C0", lw=1.8, label=label)
    lo, hi = d["b12"]
    ax.axvspan(lo, hi, color="C1", alpha=0.15, label="two stable fixed points")
    fold_x, fold_b = d["folds"]
    ax.plot(
        fold_b,
        fold_x,
        "o",
        color="C3",
        ms=6,
        label=rf"saddle-node points $b_2 = {lo:.3f}$, $b_1 = {hi:.3f}$",
    )
    ax.set_xlim(-4.5, -0.5)
    ax.set_ylim(-6, 6)
    ax.set_xlabel(r"bias $b$")
    ax.set_ylabel(r"fixed point $x^*$")
    ax.set_title(r"Single unit $x_t = 5\,\sigma(x_{t-1}) + b$: fixed points against $b$")
    ax.grid(True, alpha=0.3)
    ax.legend(fontsize=8, loc="upper left")


def _unit_loss(w: np.ndarray, b: float, x0: float, T: int = 50) -> tuple[np.ndarray, np.ndarray]:
    """E = (σ(x_T) − 0.7)² for x_t = wσ(x_{t−1}) + b, and dE/dw by forward differentiation."""
    sig = lambda z: 0.5 * (np.tanh(0.5 * z) + 1)  # noqa: E731
    x = np.full_like(w, x0)
    dx = np.zeros_like(w)
    for _ in range(T):
        s = sig(x)
        dx = s + w * s * (1 - s) * dx
        x = w * s + b
    s = sig(x)
    return (s - 0.7) ** 2, 2 * (s - 0.7) * s * (1 - s) * dx


def _error_surface(fig: Any) -> None:
    from ..maths.remedies import clip_by_global_norm

    ax = fig.subplots()
    b, x0, lo, hi = -2.5, 0.5, 3.0, 7.0
    w = np.linspace(lo, hi, 4001)
    E, _ = _unit_loss(w, b, x0)
    ax.plot(w, E, color="k", lw=1, label=r"loss $E(w)$")
    wall = w[np.argmax(np.abs(np.gradient(E, w)))]
    near = np.linspace(wall - 0.05, wall, 2001)  # just before the wall: large, finite gradient
    _, g_near = _unit_loss(near, b, x0)
    start = near[np.argmax(np.abs(g_near) * (np.abs(g_near) < 1e3))][None]
    e0, g0 = _unit_loss(start, b, x0)
    lr = 0.02
    full = start - lr * g0
    clipped = start - lr * clip_by_global_norm({"w": g0}, 1.0)["w"]
    for target, color, label in (
        (full, "C3", "full gradient step"),
        (clipped, "C2", r"clipped step ($\tau = 1$)"),
    ):
        x_end = float(np.clip(target[0], lo, hi))
        y_end = float(_unit_loss(np.array([x_end]), b, x0)[0][0])
        ax.annotate(
            "",
            xy=(x_end, y_end),
            xytext=(start[0], e0[0]),
            arrowprops={"arrowstyle": "->", "color": color, "lw": 1.5},
        )
        note = rf"{label}: $\Delta w = {_sci(float(target[0] - start[0]))}$"
        if x_end != target[0]:
            note += rf" (lands at $w = {_sci(float(target[0]))}$, off the plot)"
        ax.plot([], [], color=color, label=note)
    ax.plot(
        start,
        e0,
        "o",
        color="k",
        ms=4,
        label=rf"start: $w = {start[0]:.4f}$, $|dE/dw| = {_sci(abs(float(g0[0])))}$",
    )
    ax.set_xlim(lo, hi)
    ax.set_xlabel(r"recurrent weight $w$")
    ax.set_ylabel(r"$E = (\sigma(x_{50}) - 0.7)^2$")
    ax.set_title(
        r"Single unit $x_t = w\,\sigma(x_{t-1}) - 2.5$, $x_0 = 0.5$: the wall "
        r"(learning rate $0.02$)"
    )
    ax.legend(fontsize=8)
    ax.grid(True, alpha=0.3)


@lru_cache(maxsize=1)
def _training_runs() -> dict[str, Any]:
    """The runs both training figures use (seeded, about two seconds in all)."""
    from ..maths.training import train

    common = {"hidden": 16, "steps": 12, "learning_rate": 0.3, "seed": 0}
    profiles = {
        sn: train(**common, iterations=10, spectral_norm=sn).first_lag_norms
        for sn in (0.5, 1.0, 3.0)
    }
    runs = {
        "reference": train(**common, iterations=1500, spectral_norm=1.0),
        "exploding": train(**common, iterations=1500, spectral_norm=2.0),
        "clipped": train(**common, iterations=1500, spectral_norm=2.0, clip=1.0),
    }
    return {"profiles": profiles, "runs": runs, "steps": common["steps"]}


def _gradient_lags(fig: Any) -> None:
    data = _training_runs()
    ax = fig.subplots()
    lags = np.arange(data["steps"] - 1)  # the last step reads h⁽⁰⁾ = 0: its share is 0
    for (sn, profile), color, what in zip(
        data["profiles"].items(),
        ("C0", "C1", "C3"),
        ("vanishing", "in between", "exploding"),
        strict=True,
    ):
        share = profile[: len(lags)] / profile[0]
        ax.semilogy(lags, share, "o-", color=color, ms=3, label=rf"$\lambda_1 = {sn:g}$ ({what})")
    ax.axhline(1.0, color="grey", lw=0.8, ls=":", label="share of the last step")
    ax.set_xlabel(r"lag $T - t$ (steps back from the output)")
    ax.set_ylabel(r"$\Vert\delta_t\,h^{(t-1)\top}\Vert_F$ relative to lag 0")
    ax.set_title(
        r"Share of step $t$ in $\partial L/\partial W$ (tanh RNN, adding problem, $T = 12$)"
    )
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)


def _clipping_training(fig: Any) -> None:
    from ..maths.training import BASELINE_LOSS

    data = _training_runs()
    loss_ax, norm_ax = fig.subplots(1, 2)
    styles = {
        "reference": ("C0", r"$\lambda_1 = 1$, no clipping"),
        "exploding": ("C3", r"$\lambda_1 = 2$, no clipping"),
        "clipped": ("C2", r"$\lambda_1 = 2$, clipped at $\tau = 1$"),
    }
    top = 1e3
    for key, run in data["runs"].items():
        color, label = styles[key]
        it = np.arange(len(run.losses))
        losses = np.nan_to_num(run.losses, nan=np.inf)
        smooth = np.convolve(np.minimum(losses, top), np.ones(25) / 25, mode="valid")
        loss_ax.semilogy(it[: len(smooth)] + 12, smooth, color=color, label=label)
        norm_ax.semilogy(it, np.minimum(run.grad_norms, top), color=color, lw=0.6, label=label)
        gone = np.flatnonzero(~(losses < top))
        if len(gone):
            loss_ax.annotate(
                rf"loss $> 10^3$ from iteration {gone[0]} on",
                xy=(gone[0], top),
                xytext=(300, 30),
                color=color,
                fontsize=8,
                arrowprops={"arrowstyle": "->", "color": color},
            )
    loss_ax.axhline(BASELINE_LOSS, color="k", ls=":", lw=1, label=r"predict the mean: $L = 1/12$")
    loss_ax.set_ylim(5e-3, 2 * top)
    norm_ax.set_ylim(1e-3, 2 * top)
    loss_ax.set_title("Training loss (mean of 25 batches)")
    loss_ax.set_ylabel(r"$L = \frac{1}{2}\,\mathrm{mean}\,(\hat y - y)^2$")
    norm_ax.axhline(1.0, color="C2", ls="--", lw=1, label=r"clipping threshold $\tau = 1$")
    norm_ax.set_title(r"Gradient norm before clipping (cut at $10^3$)")
    norm_ax.set_ylabel(r"$\Vert\hat g\Vert_2$ (all parameters)")
    for ax in (loss_ax, norm_ax):
        ax.set_xlabel("SGD iteration")
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=7, loc="center right" if ax is loss_ax else "upper right")


# the symbols of the captions
_t, _k, _n, _T, _W, _L, _w, _b, _x = sp.symbols("t k n T W L w b x")
_ETA, _GAMMA, _LAMBDA, _RHO, _TAU = sp.symbols("eta gamma lambda_1 rho tau")
_B1, _B2, _X_STAR = sp.symbols("b_1 b_2 x^*")
_SIGMA = sp.Function("sigma")
_X = sp.IndexedBase("x")
_ETA_IS = Chain(_ETA, "=", Times(_LAMBDA, _GAMMA), "<", 1)
_GAMMA_IS = Chain(_GAMMA, "=", Sup(sp.Abs(Prime("sigma", _x)), _x))
_ACTIVATIONS_SEE = Claim(
    "(dashed, in the colour of",
    Prime("sigma", _x),
    "). See:",
    Prime("sigma", _x),
    "never rises above its dashed line; the sigmoid's",
    _GAMMA,
    "is",
    sp.Rational(1, 4),
    ", so a sigmoid network vanishes for every",
    _LAMBDA < 4,
    "; for softplus",
    sp.Eq(_GAMMA, 1),
    "is approached but never reached.",
)

FIGURES: dict[str, Figure] = {
    f.name: f
    for f in (
        Figure(
            "jacobian_norms",
            Claim(
                "Norm of the Jacobian over a lag,",
                Norm(Partial(AtTime("h", _k), AtTime("h", _t)), 2),
                ", in a tanh or sigmoid network with",
                sp.Eq(_n, 16),
                "and",
                _W,
                "a multiple of a random orthogonal matrix. See: on the left, with",
                _ETA_IS,
                ", every curve stays below its dashed bound",
                _ETA ** (_k - _t),
                "and vanishes exponentially — even the sigmoid network with",
                Chain(_LAMBDA, "=", Decimal("3.2"), ">", 1),
                ". Right: with",
                sp.Eq(_ETA, 3),
                "the bound allows growth; small inputs keep the state near 0, where",
                Chain(Prime("sigma", _x), "~", _GAMMA),
                ", and the norm explodes, while large inputs saturate the units and the same",
                _W,
                "gives vanishing:",
                Chain(Times(_LAMBDA, _GAMMA), ">", 1),
                "is necessary for explosion, not sufficient.",
            ),
            _jacobian_norms,
        ),
        Figure(
            "transient_growth",
            Claim(
                Norm(_W**_k, 2),
                "for two non-normal",
                Size(2, 2),
                "matrices with both eigenvalues",
                Decimal("0.9"),
                ", beside the normal matrix",
                Times(Decimal("0.9"), sp.Symbol("I")),
                "with the same eigenvalues. See: the spectral radius",
                Chain(_RHO, "=", Decimal("0.9"), "<", 1),
                "decides the limit (every curve eventually decays), but a non-normal",
                _W,
                "grows first — to",
                Decimal("3.91"),
                "at",
                sp.Eq(_k, 9),
                "for",
                _W,
                "with rows",
                sp.Tuple(Decimal("0.9"), 1),
                "and",
                sp.Tuple(0, Decimal("0.9")),
                ", and to about",
                sp.Integer(39),
                "for coupling 10 — so",
                _RHO < 1,
                "does not prevent exploding gradients over moderate lags.",
            ),
            _transient,
        ),
        Figure(
            "activations",
            Claim(
                "The built-in activations",
                _SIGMA(_x),
                "(blue), their derivatives",
                Prime("sigma", _x),
                "(orange) and",
                _GAMMA_IS,
                _ACTIVATIONS_SEE,
            ),
            _activations,
            (10.0, 9.0),
            slides_draw=_slide_activations,
            slides_caption=Claim(
                "Four of the built-in activations:",
                _SIGMA(_x),
                "(blue),",
                Prime("sigma", _x),
                "(orange) and",
                _GAMMA_IS,
                _ACTIVATIONS_SEE,
            ),
            slides_size=(9.0, 5.2),
        ),
        Figure(
            "error_surface",
            Claim(
                "The loss of a single sigmoid unit after 50 steps as a function of its "
                "recurrent weight",
                _w,
                ". See: near",
                Chain(_w, "~", Decimal("4.82")),
                "the loss jumps (a bifurcation of the dynamics), where the gradient is huge; a "
                "full gradient step there throws",
                _w,
                "far away, while the clipped step (norm at most",
                _TAU,
                ") moves a little and stays in the valley.",
            ),
            _error_surface,
        ),
        Figure(
            "gradient_lags",
            Claim(
                "How far back the gradient reaches in a tanh RNN (",
                sp.Eq(_n, 16),
                ") on the adding problem (",
                sp.Eq(_T, 12),
                "), at the start of training: the norm of each step's share",
                Times(sp.Symbol("delta_t"), Transposed(AtTime("h", _t - 1))),
                "of",
                Partial(_L, _W),
                ", relative to the last step's, against the lag. See: with",
                sp.Eq(_LAMBDA, Decimal("0.5")),
                "the share falls by a factor of about",
                sp.Pow(10, 4, evaluate=False),
                "over 10 steps (vanishing: what the network saw 10 steps before the output "
                "hardly changes",
                _W,
                "), with",
                sp.Eq(_LAMBDA, 1),
                "it falls slowly, and with",
                sp.Eq(_LAMBDA, 3),
                "it grows with the lag (exploding).",
            ),
            _gradient_lags,
        ),
        Figure(
            "clipping_training",
            Claim(
                "Plain SGD (learning rate 0.3, batch 32) on the adding problem with",
                sp.Eq(_T, 12),
                ". See: started at",
                sp.Eq(_LAMBDA, 2),
                "without clipping, the gradient norm explodes and the loss leaves the plot "
                "(red); the same start with the gradient clipped at",
                sp.Eq(_TAU, 1),
                "trains below the baseline",
                sp.Rational(1, 12),
                "of predicting the mean (green), like the well-scaled",
                sp.Eq(_LAMBDA, 1),
                "(blue).",
            ),
            _clipping_training,
        ),
        Figure(
            "bifurcation",
            Claim(
                "The fixed points",
                _X_STAR,
                "of the single sigmoid unit",
                sp.Eq(_X[_t], Plus(Times(5, _SIGMA(_X[_t - 1])), _b), evaluate=False),
                "against the bias",
                _b,
                "(after Pascanu et al., 2013, Fig. 3): solid where the fixed point attracts (",
                Chain(Times(5, Prime("sigma", _X_STAR)), "<", 1),
                "), dashed where it repels. The labels are Pascanu et al.'s: as",
                _b,
                "decreases, the lower attractor appears at",
                _B1,
                "and the upper one vanishes at",
                _B2,
                ". See: for",
                _b,
                "between the two saddle-node points",
                Chain(_B2, "~", Decimal("-2.656")),
                "and",
                Chain(_B1, "~", Decimal("-2.344")),
                "two stable fixed points coexist; at",
                _B2,
                "and",
                _B1,
                "a stable and the unstable fixed point meet and vanish. A parameter change "
                "that crosses one of them sends the state to the other branch: the loss "
                "jumps, and its gradient is huge there — the wall of the next figure.",
            ),
            _bifurcation,
        ),
    )
}


def render_figure(name: str, path: str | Path, *, slides: bool = False) -> Path:
    """Draw figure `name` and save it to `path` (.png, .pdf or .svg), atomically.

    `slides` draws the version for slides (at most four panels, larger text). An unknown
    name is refused with the closest known names.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> out = render_figure("transient_growth", pathlib.Path(tempfile.mkdtemp()) / "t.png")
    >>> out.stat().st_size > 0
    True
    >>> render_figure("activation", "a.png")
    Traceback (most recent call last):
    ...
    symgrad.errors.UnknownNameError: figure='activation' is not known; did you mean 'activations'...
    """
    if name not in FIGURES:
        raise unknown_name("figure", name, FIGURES)
    path = Path(path)
    if path.suffix.lower() not in (".png", ".pdf", ".svg"):
        raise InvalidArgumentError(f"path={str(path)!r} must end in .png, .pdf or .svg")
    from ..runtime.files import write_atomic

    fig = draw_figure(name, slides=slides)
    buffer = io.BytesIO()
    fig.savefig(buffer, format=path.suffix[1:].lower(), dpi=130)
    write_atomic(path, buffer.getvalue())
    return path


def figure_ref(name: str, folder: str = "figures") -> Any:
    """How a document refers to figure `name` drawn into `folder` by :func:`render_figure`.

    The figure is `folder`/NAME.pdf, its slide version `folder`/NAME-slides.pdf.

    Examples
    --------
    >>> figure_ref("bifurcation").slides_path
    'figures/bifurcation-slides.pdf'
    """
    from .document import FigureRef

    if name not in FIGURES:
        raise unknown_name("figure", name, FIGURES)
    spec = FIGURES[name]
    return FigureRef(
        name,
        f"{folder}/{name}.pdf",
        spec.caption,
        slides_path=f"{folder}/{name}-slides.pdf",
        slides_caption=spec.slides_caption,
    )


#: Smallest font sizes (points) of the slide versions, so text is legible on a projector.
SLIDE_FONTS = {"legend": 10.5, "title": 12.0, "label": 12.0, "ticks": 10.5}


def draw_figure(name: str, *, slides: bool = False) -> Any:
    """Draw figure `name` on a new matplotlib Figure and return it.

    `slides` draws the version for slides: its own drawing when the figure has one (fewer
    panels), and no text smaller than :data:`SLIDE_FONTS`. The Figure is not attached to
    pyplot, so no display is needed and the caller's pyplot backend (e.g. Jupyter's inline
    backend) is left alone.
    """
    from matplotlib.figure import Figure as MplFigure

    if name not in FIGURES:
        raise unknown_name("figure", name, FIGURES)
    spec = FIGURES[name]
    if not slides:
        fig = MplFigure(figsize=spec.size, layout="constrained")
        spec.draw(fig)
        return fig
    fig = MplFigure(figsize=spec.slides_size, layout="constrained")
    (spec.slides_draw or spec.draw)(fig)
    for ax in fig.axes:
        _at_least(ax.title, SLIDE_FONTS["title"])
        _at_least(ax.xaxis.label, SLIDE_FONTS["label"])
        _at_least(ax.yaxis.label, SLIDE_FONTS["label"])
        for tick in ax.get_xticklabels() + ax.get_yticklabels():
            _at_least(tick, SLIDE_FONTS["ticks"])
        ax.tick_params(labelsize=max(SLIDE_FONTS["ticks"], 1))
        legend = ax.get_legend()
        if legend is not None:
            for text in legend.get_texts():
                _at_least(text, SLIDE_FONTS["legend"])
        for text in ax.texts:
            _at_least(text, SLIDE_FONTS["legend"])
    return fig


def _at_least(text: Any, size: float) -> None:
    if text.get_fontsize() < size:
        text.set_fontsize(size)
