"""symgrad: derive, verify and teach the mathematics of exploding and vanishing gradients.

SymPy derives each result, exact and numeric checks verify it, Hypothesis
property tests try to break it, and every step says how it is known.
"""

from __future__ import annotations

import os as _os
import sys as _sys
import typing as _typing

from ._exports import lazy_exports as _lazy_exports


def _started_as_command() -> bool:
    """Whether this process is the symgrad command: its console script (a file named
    ``symgrad``), or ``python -m symgrad``; never a program that imports the library."""
    if _sys.argv[:1] == ["-m"]:  # runpy importing the package of ``python -m NAME args``
        command = list(getattr(_sys, "orig_argv", []))
        given = command[-len(_sys.argv)] if len(command) >= len(_sys.argv) else ""
        name = given[2:] if given.startswith("-m") else given  # also ``-mNAME``
        return name in ("symgrad", "symgrad.__main__")
    return bool(_sys.argv) and _os.path.basename(_sys.argv[0]) == "symgrad"


if _started_as_command():  # the command line starting: Ctrl-C or SIGTERM now gives one line
    from .runtime._startup import quiet_startup  # and no traceback

    quiet_startup()

#: The public names are the imports below, written once: type checkers read them, and
#: ``lazy_exports`` reads the same lines to import each name on first use (``import symgrad``
#: is fast, and the command line starts without loading SymPy).
__getattr__, __dir__ = _lazy_exports(
    __name__,
    __file__,
    globals(),
    extra=("__version__",),
)

if _typing.TYPE_CHECKING:  # the public names (run by type checkers only)
    from .check import (
        check_gradients,
    )
    from .errors import (
        BudgetExceededError,
        InvalidArgumentError,
        ParseError,
        SymgradError,
        SymgradTimeoutError,
        TeXError,
        UnknownNameError,
    )
    from .kernel.catalogue import (
        catalogue_ids,
        load_catalogue,
        load_theorem,
    )
    from .kernel.proof import (
        Evidence,
        Outcome,
        RunSettings,
        Step,
        Theorem,
        TheoremResult,
        check_identities,
        check_property,
        find_counterexample,
        is_zero,
    )
    from .kernel.runner import run_theorems
    from .maths.activations import (
        ACTIVATIONS,
        Activation,
        as_activation,
    )
    from .maths.bptt import (
        backward_recursion_formula,
        naive_check,
        recursion_induction,
        sum_of_products_formula,
    )
    from .maths.exact import (
        BPTTInstance,
        BPTTVerification,
        verify_bptt,
    )
    from .maths.gamma import (
        GammaResult,
        derive_gamma,
        prefetch_gammas,
    )
    from .maths.numeric import (
        bptt_gradients,
        forward,
        jacobian_norms,
    )
    from .maths.parsing import (
        parse_expression,
    )
    from .maths.rnn import (
        SymbolicRNN,
        jacobian_entry,
    )


__version__ = "0.1.0"
