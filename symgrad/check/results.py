"""What a check of someone's BPTT returns: per-parameter errors, the diagnosis, the report.

:class:`GradientCheck` is the result of :func:`symgrad.check.check_gradients`: a
:class:`ParameterCheck` per returned gradient (its certified largest error and verdict), the
tolerance and its reasoning, the guarantee of the reference, and on a failure a
:class:`Diagnosis` (where it appears and which classic mistake it matches).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["Diagnosis", "GradientCheck", "ParameterCheck"]

NAMES = ("W", "U", "b", "h0")
SYMBOLS = {"W": "∂L/∂W", "U": "∂L/∂U", "b": "∂L/∂b", "h0": "∂L/∂h⁽⁰⁾"}

GUARANTEE = (
    "The reference is an enclosure of the true gradient at the very float inputs the "
    "function received, computed in arb ball arithmetic (python-flint): the inputs are "
    "converted exactly, σ and σ′ are evaluated on balls, every sum and product (the "
    "matrix–vector products included, at C level) rounds outwards, and the error of "
    "continuing each step from the midpoint of the previous ball is bounded with certified "
    "constants (an upper bound on ‖W‖₂, sup|σ′| and sup|σ″| on the range reached, the "
    "distance to every kink) and added to the radii. Each reported error is an upper bound."
)


@dataclass
class ParameterCheck:
    """The largest error of one returned gradient over every instance, and its verdict.

    ``error`` is a certified upper bound of max_ij |G_ij − R_ij| / ‖R‖_F (G returned, R the
    true gradient) on the instance where it is largest compared with that instance's
    ``tolerance``; ``ok`` is None when the balls were too wide to decide.
    """

    name: str
    error: float
    error_lower: float
    instance: str
    index: tuple[int, ...]
    ok: bool | None
    tolerance: float = 0.0
    zero: bool = False  # the true gradient is 0 to within its balls

    def to_dict(self) -> dict[str, Any]:
        return {
            "parameter": self.name,
            "max_relative_error": self.error,
            "max_relative_error_lower_bound": self.error_lower,
            "worst_instance": self.instance,
            "worst_entry": list(self.index),
            "tolerance": self.tolerance,
            "ok": self.ok,
        }


@dataclass
class Diagnosis:
    """Where a failure sits and which classic mistake, if any, the output coincides with."""

    parameters: list[str]
    smallest_steps: int | None
    lag: int | None
    lag_limit: int
    mistake: str | None = None
    description: str | None = None
    agreement: float | None = None
    message: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {
            "parameters": self.parameters,
            "smallest_steps": self.smallest_steps,
            "lag": self.lag,
            "lags_tried": self.lag_limit,
            "mistake": self.mistake,
            "description": self.description,
            "agreement": self.agreement,
            "message": self.message,
        }


@dataclass
class GradientCheck:
    """The outcome of :func:`check_gradients`; ``ok`` is True when every gradient passed."""

    ok: bool
    sizes: dict[str, Any]
    tolerance: float
    tolerance_reason: str
    parameters: list[ParameterCheck]
    instances: list[dict[str, Any]]
    guarantee: str = GUARANTEE
    diagnosis: Diagnosis | None = None
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def verdict(self) -> str:
        """The verdict: correct, FAILED (an error certainly above its tolerance) or undecided."""
        if self.ok:
            return "correct"
        return "FAILED" if any(p.ok is False for p in self.parameters) else "undecided"

    def to_dict(self) -> dict[str, Any]:
        return {
            "ok": self.ok,
            "verdict": self.verdict,
            "sizes": self.sizes,
            "tolerance": self.tolerance,
            "tolerance_reason": self.tolerance_reason,
            "parameters": [p.to_dict() for p in self.parameters],
            "instances": self.instances,
            "guarantee": self.guarantee,
            "diagnosis": self.diagnosis.to_dict() if self.diagnosis else None,
            "notes": self.notes,
            "seconds": round(self.seconds, 3),
        }

    def report(self) -> str:
        """The result as text for a terminal."""
        s = self.sizes
        lines = [
            f"BPTT check: Model {s['model']}, σ = {s['activation']}, n = {s['hidden']}, "
            f"m = {s['inputs']}, T = {s['steps']}, seed {s['seed']}",
            "instances: " + "; ".join(f"{i['kind']} (B = {i['batch']})" for i in self.instances),
            f"tolerance: {self.tolerance:.1e} relative to each gradient's norm (what float64 "
            "rounding can explain at this size), widened where the terms are larger than "
            "their sum",
            "",
        ]
        for p in self.parameters:
            mark = {True: "ok", False: "FAILED", None: "undecided"}[p.ok]
            if p.zero:  # the true gradient is 0 there: relative numbers mean nothing
                lines.append(
                    f"  {SYMBOLS[p.name]:<10} is 0 on the {p.instance} instance; yours is "
                    f"{'within' if p.ok else 'not within'} the tolerance of it  {mark}"
                )
                continue
            where = f"  (worst: {p.instance}, entry {list(p.index)})" if p.ok is False else ""
            lines.append(
                f"  {SYMBOLS[p.name]:<10} max relative error ≤ {p.error:.1e}  "
                f"(tolerance {p.tolerance:.1e})  {mark}{where}"
            )
        lines.append("")
        if self.diagnosis is not None:
            lines += ["Diagnosis:", *("  " + ln for ln in self.diagnosis.message.splitlines()), ""]
        lines += [f"note: {n}" for n in self.notes]
        if self.verdict == "undecided":
            lines.append(
                "note: the certified bounds of an error straddle its tolerance even with the "
                "reference at the most bits tried; nothing is wrong that could be shown"
            )
        lines.append(f"Verdict: {self.verdict} ({self.seconds:.2f} s)")
        return "\n".join(lines)

    __str__ = report
