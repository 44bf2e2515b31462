"""Figures for teaching, drawn with matplotlib (Agg backend, no display needed).

=====================  ===========================================================
name                   what it shows
=====================  ===========================================================
``jacobian_norms``     ‖∂h⁽ᵏ⁾/∂h⁽ᵗ⁾‖₂ against the lag for several λ₁, tanh and sigmoid,
                       with the η^(k−t) envelope (log scale)
``transient_growth``   ‖W^k‖₂ for a non-normal W with ρ = 0.9 beside a normal W with the
                       same spectrum
``activations``        σ and σ′ of every built-in activation, γ marked
``error_surface``      the single unit's loss against w: the wall, a full gradient step
                       and a clipped step
=====================  ===========================================================
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from .errors import InvalidArgumentError, unknown_name

__all__ = ["FIGURES", "Figure", "render_figure"]


@dataclass(frozen=True)
class Figure:
    """A named figure: its caption and the function that draws it on a matplotlib Figure."""

    name: str
    caption: str
    draw: Callable


def _jacobian_norms(fig) -> None:
    from .bounds import gamma_of
    from .numeric import jacobian_norms

    rng = np.random.default_rng(0)
    n, T = 16, 60
    axes = fig.subplots(1, 2, sharey=True)
    for ax, act in zip(axes, ("tanh", "sigmoid"), strict=True):
        gamma = gamma_of(act)
        base = rng.normal(size=(n, n))
        base /= np.linalg.norm(base, 2)
        U = rng.normal(size=(n, 4))
        xs = rng.normal(size=(T, 1, 4))
        lags = np.arange(T + 1)
        for c, color in ((0.5, "C0"), (0.9, "C1"), (1.5, "C2"), (3.0, "C3")):
            lam = c / gamma
            norms = jacobian_norms(base * lam, U, np.zeros(n), xs, np.zeros((1, n)), act)
            ax.semilogy(lags, norms, color=color, label=f"λ₁ = {lam:g} (η = {c:g})")
            if c < 1:
                ax.semilogy(lags, c**lags, color=color, ls="--", lw=0.8)
        ax.set_title(f"{act} (γ = {gamma:g}); dashed: η^(k−t)")
        ax.set_xlabel("lag k − t")
        ax.grid(True, which="both", alpha=0.3)
    axes[0].set_ylabel("‖∂h⁽ᵏ⁾/∂h⁽ᵗ⁾‖₂")
    axes[0].legend(fontsize=8)


def _transient(fig) -> None:
    from .linear import power_norms

    ax = fig.subplots()
    k = np.arange(101)
    for c, color in ((1.0, "C0"), (10.0, "C3")):
        W = np.array([[0.9, c], [0.0, 0.9]])
        ax.semilogy(
            k, power_norms(W, 100), color=color, label=f"non-normal [[0.9, {c:g}], [0, 0.9]]"
        )
    ax.semilogy(
        k,
        power_norms(np.diag([0.9, 0.9]), 100),
        color="k",
        ls="--",
        label="normal diag(0.9, 0.9): ‖W^k‖ = 0.9^k",
    )
    ax.axhline(1.0, color="grey", lw=0.8)
    ax.set_xlabel("k")
    ax.set_ylabel("‖W^k‖₂")
    ax.set_title("Same spectrum (ρ = 0.9), different transients")
    ax.legend(fontsize=8)
    ax.grid(True, which="both", alpha=0.3)


def _activations(fig) -> None:
    from .activations import ACTIVATIONS
    from .bounds import gamma_of

    rows = -(-len(ACTIVATIONS) // 4)
    axes = fig.subplots(rows, 4, sharex=True).ravel()
    for ax in axes[len(ACTIVATIONS) :]:
        ax.set_visible(False)
    xs = np.linspace(-4, 4, 801)
    for ax, act in zip(axes, ACTIVATIONS.values(), strict=False):
        f, fp = act.numpy_functions()
        gamma = gamma_of(act)
        ax.plot(xs, f(xs), label="σ")
        ax.plot(xs, fp(xs), label="σ′")
        ax.axhline(gamma, color="C3", ls=":", lw=1, label=f"γ = {gamma:g}")
        ax.set_title(act.name, fontsize=9)
        ax.set_ylim(-1.6, 2.2)
        ax.grid(True, alpha=0.3)
    axes[0].legend(fontsize=7, loc="upper left")


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


def _error_surface(fig) -> None:
    from .remedies import clip_by_global_norm

    ax = fig.subplots()
    b, x0, lo, hi = -2.5, 0.5, 3.0, 7.0
    w = np.linspace(lo, hi, 4001)
    E, _ = _unit_loss(w, b, x0)
    ax.plot(w, E, color="k", lw=1)
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
        (clipped, "C2", "clipped step"),
    ):
        x_end = float(np.clip(target[0], lo, hi))
        y_end = float(_unit_loss(np.array([x_end]), b, x0)[0][0])
        ax.annotate(
            "",
            xy=(x_end, y_end),
            xytext=(start[0], e0[0]),
            arrowprops={"arrowstyle": "->", "color": color, "lw": 1.5},
        )
        note = f"{label}: Δw = {target[0] - start[0]:+.3g}"
        if x_end != target[0]:
            note += f" (lands at w = {target[0]:.3g}, off the plot)"
        ax.plot([], [], color=color, label=note)
    ax.plot(
        start,
        e0,
        "o",
        color="k",
        ms=4,
        label=f"start: w = {start[0]:.4f}, |dE/dw| = {abs(g0[0]):.3g}",
    )
    ax.set_xlim(lo, hi)
    ax.set_xlabel("w")
    ax.set_ylabel("E₅₀ = (σ(x₅₀) − 0.7)²")
    ax.set_title("Single unit x_t = wσ(x_{t−1}) − 2.5, x₀ = 0.5: the wall (learning rate 0.02)")
    ax.legend(fontsize=8)
    ax.grid(True, alpha=0.3)


FIGURES: dict[str, Figure] = {
    f.name: f
    for f in (
        Figure(
            "jacobian_norms",
            "Norm of the Jacobian over a lag for tanh and sigmoid networks "
            "(n = 16, random W rescaled to λ₁ = η/γ); dashed lines are the η^(k−t) bounds.",
            _jacobian_norms,
        ),
        Figure(
            "transient_growth",
            "Transient growth of ‖W^k‖₂ for non-normal W with spectral "
            "radius 0.9, beside a normal W with the same eigenvalues.",
            _transient,
        ),
        Figure(
            "activations",
            "The built-in activations σ, their derivatives σ′ and γ = sup|σ′|.",
            _activations,
        ),
        Figure(
            "error_surface",
            "The single unit's loss as a function of w: a steep wall where "
            "the gradient explodes; a full gradient step overshoots, a clipped one does not.",
            _error_surface,
        ),
    )
}


def render_figure(name: str, path: str | Path) -> Path:
    """Draw figure `name` and save it to `path` (.png or .pdf), atomically.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> out = render_figure("transient_growth", pathlib.Path(tempfile.mkdtemp()) / "t.png")
    >>> out.stat().st_size > 0
    True
    """
    import matplotlib

    matplotlib.use("Agg")
    from matplotlib.figure import Figure as MplFigure

    from .files import write_atomic

    if name not in FIGURES:
        raise unknown_name("figure", name, FIGURES)
    path = Path(path)
    if path.suffix.lower() not in (".png", ".pdf"):
        raise InvalidArgumentError(f"path={str(path)!r} must end in .png or .pdf")
    fig = MplFigure(figsize=(9, 6.5) if name == "activations" else (9, 4.2), layout="constrained")
    FIGURES[name].draw(fig)
    import io

    buffer = io.BytesIO()
    fig.savefig(buffer, format=path.suffix[1:].lower(), dpi=130)
    write_atomic(path, buffer.getvalue())
    return path
