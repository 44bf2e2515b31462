"""γ = sup_x |σ′(x)| for any activation, derived rather than looked up — or refused.

First the hypotheses are checked (:mod:`symgrad.hypotheses`): σ real-valued,
defined and continuous on all of ℝ, differentiable except at finitely many
points. Whatever breaks them is refused with the hypothesis and the place.

Then ℝ is cut at the kinks of σ (branch points of ``Abs``/``sign``/``Max``/
``Min``/``Piecewise``) and at the zeros of bases of fractional powers. On each
open piece σ′ is analytic, so |σ′| reaches its supremum at a critical point
(σ″ = 0) or approaches it at an end of the piece; at a kink the value σ′ takes
there is a candidate too. Ends are decided by SymPy limits: an infinite limit
(or an oscillation without bound, ``AccumBounds(-oo, oo)``) proves σ′
unbounded; a limit SymPy cannot take is a refusal, never a sample. Critical
points are solved exactly when SymPy returns a finite set (over one period when
σ′ is periodic). Otherwise sup |σ′| on the piece is enclosed with python-flint
``arb`` interval arithmetic (:mod:`symgrad.enclosure`): a *certified* interval
over the window |x| ≤ 64·2⁴⁰ (or one period), with SymPy's limits beyond it;
such a γ is labelled ``checked`` with its enclosure. A γ is never a sampled
maximum.

Every search runs in a child process with a wall-clock limit (the ``seconds``
keyword; by default what is left of the running command's ``--timeout``, else
:data:`DEFAULT_SECONDS`) and a memory limit, so it ends with an answer or a clear
"could not decide within N s" (an undecided answer, never a wrong one); the caller's
own ``signal.alarm``/SIGALRM handler is left untouched.

Search and check. The search records what it found: for every certified enclosure the
tree of boxes with the formula that bounded each (:mod:`symgrad.certified_sup`). A
:mod:`symgrad.certificates` certificate stores that record with the result; checking it
re-runs the derivation's exact steps with no clock at all and replaces each branch and
bound by a re-verification of its recorded cover. The catalogue's activations have
certificates shipped beside the theorems: :func:`derive_gamma` checks one when it exists
(a stale or edited one is rejected, never trusted) and searches only otherwise.

When γ has a closed form, symgrad looks for a certificate: γ − σ′(x) and
γ + σ′(x) written as expressions SymPy knows to be non-negative.

This module answers a request for γ: from a shipped certificate when there is one
(:mod:`symgrad.maths.certificates`), else by a search (:mod:`symgrad.maths.gamma_search`,
which concludes from the candidates of each piece, :mod:`symgrad.maths.gamma_pieces`, and
the certified boxes of :mod:`symgrad.maths.gamma_cover`), with the answers cached and slow
searches started in the background.
"""

from __future__ import annotations

import atexit
import contextlib
import math
from collections.abc import Callable, Iterable
from typing import Any

import sympy as sp

from ..errors import InvalidArgumentError
from ..kernel.claims import text_of
from ..kernel.notation import loads_as_written
from ..runtime.limits import Pending, remaining_seconds
from .activations import Activation, as_activation
from .certificates import check_certificate, shipped_certificate
from .gamma_search import DEFAULT_SECONDS, GammaResult, start_search

__all__ = ["DEFAULT_SECONDS", "GammaResult", "derive_gamma", "prefetch_gammas"]


def derive_gamma(
    activation: Activation | sp.Expr | str, *, seconds: float | None = None
) -> GammaResult:
    """Derive γ = sup |σ′| for an activation, a SymPy expression in x, or a written string.

    When a certificate for σ ships with the catalogue, it is checked (no clock, no search)
    and its result returned; a rejected certificate raises
    :class:`~symgrad.errors.CertificateError`. Otherwise γ is searched for, within
    `seconds` (default: what is left of the running command's ``--timeout``, else
    :data:`DEFAULT_SECONDS`).

    Raises :class:`~symgrad.errors.HypothesisError` when σ is not real-valued,
    defined and continuous on ℝ, :class:`~symgrad.errors.UndecidedError` when
    the answer could not be decided, and
    :class:`~symgrad.errors.SymgradTimeoutError` after `seconds` (both undecided
    answers, never wrong ones).

    Examples
    --------
    >>> r = derive_gamma("1/(1 + exp(-x))")
    >>> r.exact, r.attained, r.argmax, r.evidence
    (1/4, True, [Eq(x, 0)], 'proved')
    >>> derive_gamma("exp(x)").bounded
    False
    >>> derive_gamma("softplus").attained
    False
    >>> derive_gamma("log(x)")
    Traceback (most recent call last):
    ...
    symgrad.errors.HypothesisError: σ = log(x) is not defined on all of ℝ: ...
    """
    if seconds is not None:
        if isinstance(seconds, bool) or not isinstance(seconds, (int, float)):
            raise InvalidArgumentError(f"seconds={seconds!r} must be a number of seconds")
        if not (math.isfinite(seconds) and 0 < seconds <= 86400):
            raise InvalidArgumentError(f"seconds={seconds!r} must be positive and at most 86400")
    act = as_activation(activation)
    if act in _CACHE:
        return _CACHE[act]
    pending = _PENDING.pop(act, None)
    if pending is None:
        shipped = _shipped(act)
        if shipped is not None:  # a check runs to its end: no clock decides it
            result = check_certificate(shipped, act.expr)
            _CACHE[act] = result
            return result
        pending = start_search(
            act, remaining_seconds(DEFAULT_SECONDS) if seconds is None else seconds
        )
    result = pending.result()
    if len(_CACHE) > 256:
        _CACHE.clear()
    _CACHE[act] = result
    return result


def prefetch_gammas(activations: Iterable[Activation | sp.Expr | str]) -> Callable[[], None]:
    """Start deriving γ for each activation in the background (one process each).

    A later :func:`derive_gamma` of the same activation collects the answer instead of
    starting again; a theorem's ``prepare`` calls this for the γ it rests on, so that the
    work overlaps the rest of a catalogue run. A shipped certificate is checked in the
    background instead of a search, with no limit but the command's own. Returns a function
    that waits until every one of them has answered; errors surface at the later
    :func:`derive_gamma`, never at the wait.

    Examples
    --------
    >>> wait = prefetch_gammas(["sigmoid"])
    >>> wait()
    >>> derive_gamma("sigmoid").exact
    1/4
    """
    started = []
    for activation in activations:
        act = as_activation(activation)
        if act not in _CACHE and act not in _PENDING:
            shipped = _shipped(act)
            if shipped is None:
                _PENDING[act] = start_search(act, remaining_seconds(DEFAULT_SECONDS))
            else:
                _PENDING[act] = _start_check(act, shipped)
        if act in _PENDING:
            started.append(_PENDING[act])

    def wait() -> None:
        for pending in started:
            with contextlib.suppress(Exception):  # kept by the Pending: derive_gamma raises it
                pending.result()

    return wait


def _start_check(act: Activation, path: Any) -> Pending:
    pending = Pending(
        remaining_seconds(math.inf),
        f"the certificate of γ for σ = {text_of(act.expr)}",
        loads_as_written,
    )
    if pending.here:  # the forked child: the check, with no clock of its own
        with pending.answering():
            pending.value = check_certificate(path, act.expr)
    return pending


def _shipped(act: Activation) -> Any:
    return shipped_certificate(act.expr)


_CACHE: dict[Activation, GammaResult] = {}
_PENDING: dict[Activation, Pending] = {}


@atexit.register
def _cancel_pending() -> None:  # no derivation outlives the process that asked for it
    while _PENDING:
        _PENDING.popitem()[1].cancel()
