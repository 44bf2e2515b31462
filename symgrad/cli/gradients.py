"""``bptt`` and ``check``: BPTT derived and verified, and other people's BPTT checked."""

from __future__ import annotations

import argparse
import contextlib
import os
import sys
import time
from collections.abc import Iterator

from .options import _SEED, CHECK_BUDGET, _ActivationNames, _integer, _json, _sizes
from .text import _emit, _pretty_without_units


def _cmd_bptt(args: argparse.Namespace) -> int:
    from ..kernel.claims import text_of
    from ..maths.exact import BPTTInstance, verify_bptt

    instance = BPTTInstance(
        hidden=args.hidden,
        steps=args.steps,
        inputs=args.inputs,
        activation=args.activation,
        model=args.model,
        loss=args.loss,
    )
    result = verify_bptt(instance, method=args.method, trials=args.trials, seed=args.seed)
    from ..maths.bptt import (
        backward_recursion_formula,
        recursion_induction,
        sum_of_products_formula,
    )
    from ..maths.rnn import MODELS

    start = time.perf_counter()
    induction = recursion_induction(args.model)
    holds = [step.holds() for step in induction]
    induction_ok = all(holds)
    induction_seconds = time.perf_counter() - start
    formula = sum_of_products_formula(args.model)
    recursion = backward_recursion_formula(args.model)
    payload = result.to_dict()
    payload["ok"] = result.ok and induction_ok
    import sympy as sp

    from ..kernel.claims import Claim
    from ..kernel.notation import AtTime, Cdots, Partial
    from ..render.printing import claim_json

    k, t = sp.symbols("k t", integer=True)
    J = sp.IndexedBase("J", commutative=False)
    order = Claim(
        "numerator layout:",
        sp.Eq(Partial(AtTime("h", k), AtTime("h", t)), J[k] * Cdots() * J[t + 1]),
        ", latest factor on the left",
    )
    payload["model"] = claim_json(MODELS[args.model])
    payload["general_form"] = {
        "sum_of_products": claim_json(formula),
        "backward_recursion": claim_json(recursion),
        "order": claim_json(order),
        "recursion_equals_sum_for_all_T": induction_ok,
        "induction_steps": [
            {"justification": s.justification, "checked_by": s.how, "holds": ok}
            for s, ok in zip(induction, holds, strict=True)
        ],
        "seconds": round(induction_seconds, 4),
    }

    def text() -> str:
        lines = [
            f"BPTT, Model {args.model}: {text_of(MODELS[args.model])}",
            f"σ = {instance.activation}, n = {instance.hidden}, m = {instance.inputs}, "
            f"T = {instance.steps}, loss = {instance.loss}",
            "",
            "General form (symbolic T; numerator layout, latest Jacobian on the left):",
            _pretty_without_units(formula),
            "",
            f"Backward recursion: {text_of(recursion.lhs)} = {text_of(recursion.rhs)}",
            f"Sum of products = recursion for every T, by induction on T − t: "
            f"{sum(holds)}/{len(induction)} steps checked by SymPy",
            "",
            "Exact check of the instance (gradients w.r.t. W, U, b, h⁽⁰⁾):",
        ]
        for c in result.comparisons:
            mark = "✓" if c.ok else f"✗ {len(c.mismatches)} mismatches"
            lines.append(f"  {c.left} = {c.right}: {c.entries} entries {mark}")
            for m in c.mismatches[:3]:
                lines.append(f"    {m.group}[{m.row},{m.col}]  {c.left}: {text_of(m.left)}")
                lines.append(f"    {' ' * len(m.group)}        {c.right}: {text_of(m.right)}")
        lines += [
            "",
            f"Verdict: {'holds' if payload['ok'] else 'FAILED'}",
            f"Method: {result.method}"
            + (f" (seed {result.seed})" if result.seed is not None else ""),
            f"Guarantee: {result.guarantee}",
            f"Time: {result.seconds:.3f} s exact check, {induction_seconds:.3f} s induction",
        ]
        return "\n".join(lines)

    return _emit(payload, args.json, text())


@contextlib.contextmanager
def _stdout_to_stderr() -> Iterator[None]:
    """Inside the block, whatever is written to stdout (file descriptor 1) goes to stderr.

    At the descriptor, so that writes from C and from subprocesses follow too; descriptor 1
    is restored afterwards even if the code inside closed or replaced it.
    """
    with contextlib.suppress(OSError, ValueError):
        sys.stdout.flush()
    saved, stream = os.dup(1), sys.stdout
    try:
        os.dup2(2, 1)
        sys.stdout = sys.stderr  # Python's prints: never held in the buffer of stdout
        yield
    finally:
        with contextlib.suppress(OSError, ValueError):
            sys.stderr.flush()
        sys.stdout = stream
        os.dup2(saved, 1)
        os.close(saved)


def _cmd_check(args: argparse.Namespace) -> int:
    from ..check import check_budget, check_gradients, load_function

    limit = getattr(args, "timeout", None)
    budget = CHECK_BUDGET if limit is None else limit
    # refused before the code under check is even imported
    check_budget(args.hidden, args.steps, args.inputs, budget)
    with _stdout_to_stderr():  # the code under check may print: stdout keeps only the result
        result = check_gradients(
            load_function(args.function),
            hidden=args.hidden,
            steps=args.steps,
            inputs=args.inputs,
            activation=args.activation,
            model=args.model,
            seed=args.seed,
        )
    payload = {"function": args.function, **result.to_dict()}
    return _emit(payload, args.json, result.report())


def _args_bptt(p: argparse.ArgumentParser) -> None:
    _sizes(p)
    activation = p.add_argument(
        "--activation",
        default="tanh",
        metavar="NAME",
        help="one of %(names)s (tanh)",
    )
    activation.names = _ActivationNames()  # type: ignore[attr-defined]  # read by %(names)s
    p.add_argument("--model", default="A", metavar="A|B", help="A: h=σ(Wh+Ux+b); B: x=Wσ(x)+Uu+b")
    p.add_argument(
        "--loss", default="squared", metavar="squared|generic", help="step loss (squared)"
    )
    p.add_argument(
        "--method",
        default="random",
        metavar="random|symbolic",
        help="random exact points (fast) or SymPy expansion (small sizes)",
    )
    p.add_argument(
        "--trials",
        type=_integer("trials", minimum=1, maximum=64),
        default=2,
        help="independent random points (2; at most 64)",
    )
    p.add_argument("--seed", type=_SEED, default=None, help="seed of the random points")
    _json(p)


def _args_check(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "function", metavar="MODULE:FUNCTION", help="e.g. student_bptt.py:bptt or mypkg.rnn:bptt"
    )
    _sizes(p)
    p.add_argument("--activation", default="tanh", metavar="NAME", help="σ (tanh)")
    p.add_argument("--model", default="A", metavar="A|B", help="A: h=σ(Wh+Ux+b); B: x=Wσ(x)+Uu+b")
    p.add_argument("--seed", type=_SEED, default=0, help="seed of the instances (0)")
    _json(p)
