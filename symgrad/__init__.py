"""symgrad: derive, verify and teach the mathematics of exploding and vanishing gradients.

SymPy derives each result, exact and numeric checks verify it, Hypothesis
property tests try to break it, and every step says how it is known.
"""

from __future__ import annotations

import sys as _sys
import typing as _typing
from importlib import import_module as _import_module

if _sys.argv[:1] == ["-m"] or _sys.argv[0].endswith("symgrad"):  # the command line starting:
    from ._startup import quiet_startup  # Ctrl-C or SIGTERM now: one line, no traceback

    quiet_startup()

#: Public name → the module that defines it; imported on first use (``import symgrad`` is
#: fast, and the command line starts without loading SymPy).
_EXPORTS: dict[str, str] = {
    "ACTIVATIONS": "activations",
    "Activation": "activations",
    "BPTTInstance": "exact",
    "BPTTVerification": "exact",
    "BudgetExceededError": "errors",
    "Evidence": "proof",
    "GammaResult": "gamma",
    "InvalidArgumentError": "errors",
    "Outcome": "proof",
    "ParseError": "errors",
    "RunSettings": "proof",
    "Step": "proof",
    "SymbolicRNN": "rnn",
    "SymgradError": "errors",
    "SymgradTimeoutError": "errors",
    "TeXError": "errors",
    "Theorem": "proof",
    "TheoremResult": "proof",
    "UnknownNameError": "errors",
    "backward_recursion_formula": "bptt",
    "bptt_gradients": "numeric",
    "catalogue_ids": "catalogue",
    "check_gradients": "check",
    "check_identities": "proof",
    "check_property": "proof",
    "derive_gamma": "gamma",
    "find_counterexample": "proof",
    "forward": "numeric",
    "get_activation": "activations",
    "is_zero": "rnn",
    "jacobian_entry": "rnn",
    "jacobian_norms": "numeric",
    "load_catalogue": "catalogue",
    "load_theorem": "catalogue",
    "naive_check": "bptt",
    "parse_expression": "parsing",
    "prefetch_gammas": "gamma",
    "recursion_induction": "bptt",
    "run_theorems": "proof",
    "sum_of_products_formula": "bptt",
    "verify_bptt": "exact",
}


def __getattr__(name: str) -> object:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'symgrad' has no attribute {name!r}")
    _import_module(".render", __name__)  # registers the printers with the kernel
    value = getattr(_import_module(f".{module}", __name__), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))


if _typing.TYPE_CHECKING:  # the same names, eagerly, for type checkers and editors
    from .activations import ACTIVATIONS, Activation, get_activation
    from .bptt import (
        backward_recursion_formula,
        naive_check,
        recursion_induction,
        sum_of_products_formula,
    )
    from .catalogue import catalogue_ids, load_catalogue, load_theorem
    from .check import check_gradients
    from .errors import (
        BudgetExceededError,
        InvalidArgumentError,
        ParseError,
        SymgradError,
        SymgradTimeoutError,
        TeXError,
        UnknownNameError,
    )
    from .exact import BPTTInstance, BPTTVerification, verify_bptt
    from .gamma import GammaResult, derive_gamma, prefetch_gammas
    from .numeric import bptt_gradients, forward, jacobian_norms
    from .parsing import parse_expression
    from .proof import (
        Evidence,
        Outcome,
        RunSettings,
        Step,
        Theorem,
        TheoremResult,
        check_identities,
        check_property,
        find_counterexample,
        run_theorems,
    )
    from .rnn import SymbolicRNN, is_zero, jacobian_entry


__version__ = "0.1.0"

__all__ = [
    "ACTIVATIONS",
    "Activation",
    "BPTTInstance",
    "BPTTVerification",
    "BudgetExceededError",
    "Evidence",
    "GammaResult",
    "InvalidArgumentError",
    "Outcome",
    "ParseError",
    "RunSettings",
    "Step",
    "SymbolicRNN",
    "SymgradError",
    "SymgradTimeoutError",
    "TeXError",
    "Theorem",
    "TheoremResult",
    "UnknownNameError",
    "__version__",
    "backward_recursion_formula",
    "bptt_gradients",
    "catalogue_ids",
    "check_gradients",
    "check_identities",
    "check_property",
    "derive_gamma",
    "find_counterexample",
    "forward",
    "get_activation",
    "is_zero",
    "jacobian_entry",
    "jacobian_norms",
    "load_catalogue",
    "load_theorem",
    "naive_check",
    "parse_expression",
    "prefetch_gammas",
    "recursion_induction",
    "run_theorems",
    "sum_of_products_formula",
    "verify_bptt",
]
