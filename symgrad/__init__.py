"""symgrad: derive, verify and teach the mathematics of exploding and vanishing gradients.

SymPy derives each result, exact and numeric checks verify it, Hypothesis
property tests try to break it, and every step says how it is known.
"""

from __future__ import annotations

import sys as _sys

if _sys.argv[:1] == ["-m"] or _sys.argv[0].endswith("symgrad"):  # the command line starting:
    from ._startup import quiet_startup  # Ctrl-C or SIGTERM now: one line, no traceback

    quiet_startup()

from . import render  # noqa: F401  (registers the printers with the kernel)
from .activations import ACTIVATIONS, Activation, get_activation
from .bptt import (
    backward_recursion_formula,
    naive_check,
    recursion_induction,
    sum_of_products_formula,
)
from .catalogue import catalogue_ids, load_catalogue, load_theorem
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
