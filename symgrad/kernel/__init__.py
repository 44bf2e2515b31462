"""The kernel: claims, steps, theorems, verdicts, the catalogue and errors.

Everything a theorem in ``proofs/`` is built from, apart from the mathematics itself
(:mod:`symgrad.maths`): the notation a claim is written in (:mod:`.notation`), the claim
(:mod:`.claims`) and its one-line text (:mod:`.text`), the step, outcome
and theorem types and the four verdicts (:mod:`.proof`), the catalogue's loader
(:mod:`.catalogue`) and the errors and argument checks every layer raises
(:mod:`symgrad.errors`). The γ certificates are mathematics (:mod:`symgrad.maths.certificates`).

The kernel imports no mathematics and no command line: the mathematics imports the kernel.
A catalogue run forks its workers through :mod:`symgrad.runtime.limits` (below the kernel).
A theorem printed whole (``str(theorem)``, and Jupyter's ``_repr_markdown_``) is kernel text
(:mod:`.plain`); the kernel imports no renderer and none registers itself with it.

The names below are the kernel's public API (imported on first use).

Examples
--------
>>> from symgrad.kernel import Verdict, check_holds
>>> Verdict.HOLDS.value
'holds'
"""

from __future__ import annotations

import typing as _typing

from .._exports import lazy_exports as _lazy_exports

__getattr__, __dir__ = _lazy_exports(__name__, __file__, globals())

if _typing.TYPE_CHECKING:  # the public names (run by type checkers only)
    from ..errors import (
        BudgetExceededError,
        CertificateError,
        CheckFailedError,
        HypothesisError,
        ImplementationError,
        InvalidArgumentError,
        InvalidTypeError,
        ParseError,
        SearchExhaustedError,
        SymgradError,
        SymgradTimeoutError,
        TeXError,
        UndecidedError,
        UnknownNameError,
        check_holds,
    )
    from .catalogue import (
        catalogue_ids,
        catalogue_index,
        load_catalogue,
        load_theorem,
        proofs_dir,
    )
    from .claims import Claim, scientific, text_of
    from .notation import (
        RELATIONS,
        AtTime,
        Ball,
        Cdots,
        Chain,
        Decimal,
        Diag,
        Grad,
        MaxOver,
        Norm,
        OneSided,
        Op,
        OrderedProduct,
        Over,
        Partial,
        Plus,
        Prime,
        Size,
        SumOver,
        Sup,
        Tends,
        Times,
        Transposed,
        as_math,
        decimal_parts,
        loads_as_written,
        named,
        power_of_ten,
        subscript,
        superscript,
    )
    from .proof import (
        Evidence,
        Outcome,
        RunSettings,
        Step,
        Theorem,
        TheoremResult,
        Verdict,
        check_identities,
        check_property,
        find_counterexample,
        is_zero,
    )
    from .runner import run_cached, run_theorems
