"""The ``symgrad`` command line: the command table and ``main``.

The commands are declared here, in :data:`COMMANDS`; what they do is in one module per group
(:mod:`.gradients`: ``bptt``, ``check``; :mod:`.theorems`: ``list``, ``show``, ``verify``;
:mod:`.gamma`: ``gamma``, ``certify``, ``check-certificate``; :mod:`.documents`:
``report``, ``latex``, ``plot``, ``worked``, ``exercises``). :mod:`.options` holds the
declaration type and the option types, :mod:`.running` runs a command (here or as a job),
and :mod:`.text` holds what every command prints (JSON, terminal text, one-line errors).

Every ``--json`` output is one strict JSON object with a top-level boolean ``"ok"``.
Every subcommand is declared once in :data:`COMMANDS` (its options, default time limit and
output destinations) and run by one generic runner: destinations are checked before any
work; a command with a time limit runs as a job of :mod:`symgrad.runtime.jobs` (own process
group, killed and cleaned up at the limit or on a signal). Exit codes: see
:data:`EXIT_CODES`.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Collection, Sequence

from .. import __version__
from ..errors import SymgradError
from ..runtime.jobs import Interrupted, handle_signals
from . import documents, gamma, gradients, theorems
from .options import Command, _dash_positional, _Parser, _seconds
from .running import _run
from .text import _error_kind, _fail, _one_line, _print_json_error, _quiet_stdout, _say

__all__ = ["COMMANDS", "EXIT_CODES", "Command", "main", "register"]


COMMANDS: dict[str, Command] = {}


def register(command: Command) -> None:
    """Add (or replace) a subcommand of the command line."""
    COMMANDS[command.name] = command


for _command in (
    Command(
        "bptt",
        gradients._cmd_bptt,
        "derive BPTT's sum of products and verify it exactly on an instance",
        gradients._args_bptt,
        "Derive the BPTT sum of products for symbolic T, prove the backward recursion "
        "equal to it for every T, and verify both against the direct derivative of the "
        "unrolled loss, exactly, for the gradients w.r.t. W, U, b and h(0).",
        limit=300,
    ),
    Command(
        "list",
        theorems._cmd_list,
        "list the catalogue of theorems with their evidence levels",
        theorems._args_list,
    ),
    Command(
        "show",
        theorems._cmd_show,
        "show one theorem's statement and derivation",
        theorems._args_show,
        limit=300,
    ),
    Command(
        "verify",
        theorems._cmd_verify,
        "run every check of the catalogue (or of the ids given)",
        theorems._args_verify,
        "Run every step's check and print a table with each theorem's verdict: holds, "
        "refuted (a false claim, as intended), FAILED (exit 1) or undecided (a search gave no "
        "answer in time; exit 2). γ comes from the catalogue's checked certificates: no "
        "search, and no check depends on the clock.",
        limit=300,
    ),
    Command(
        "gamma",
        gamma._cmd_gamma,
        "derive γ = sup|σ′| for an activation written in x",
        gamma._args_gamma,
        "Derive γ = sup|σ′(x)| for an expression in x (or a built-in name), with where it is "
        "reached and a certificate if one exists. An expression that begins with '-' may "
        "follow '--' or stand alone.",
        limit=60,
        outputs=gamma._outputs_gamma,
        dash_positional=True,
        stopped="could not decide",
    ),
    Command(
        "certify",
        gamma._cmd_certify,
        "search γ for every activation of the catalogue and write checked certificates",
        gamma._args_certify,
        "Search γ = sup|σ′| for every σ the catalogue rests on (or the names given) and write "
        "one certificate per σ (JSON: format version, hash of σ, result, certified covers), "
        "each checked before it is written. 'symgrad verify' checks them; it never searches.",
        limit=900,
        stopped="could not certify every σ",
    ),
    Command(
        "check-certificate",
        gamma._cmd_check_certificate,
        "check a γ certificate (no search, no clock)",
        gamma._args_check_certificate,
        "Check a certificate written by 'symgrad gamma --certificate' or 'symgrad certify': "
        "its digest, the hash of σ, and the derivation re-run with every enclosure checked "
        "from its recorded boxes. Exit 0 when it holds, 1 when it is rejected (with why).",
        limit=300,
        stopped="could not finish the check",
    ),
    Command(
        "report",
        documents._cmd_report,
        "verify everything and write the teaching bundle (main job)",
        documents._args_report,
        "Verify the whole catalogue and write three documents as .tex and .pdf (when pdflatex "
        "is installed): DIR/handout (for students), DIR/slides (Beamer) and DIR/derivations "
        "(the full verification record), the web site DIR/site/ (open DIR/site/index.html), "
        "DIR/figures/ and DIR/results.json. The bundle "
        "is built in a "
        "staging folder and replaces DIR as a whole; an existing DIR must be empty or an "
        "earlier report whose files nobody changed or added to (otherwise nothing is "
        "written and the files that would be lost are listed).",
        limit=900,
        outputs=documents._outputs_report,
    ),
    Command(
        "latex",
        documents._cmd_latex,
        "write the derivations as LaTeX (and PDF)",
        documents._args_latex,
        limit=900,
        outputs=documents._outputs_latex,
    ),
    Command(
        "plot",
        documents._cmd_plot,
        "draw one figure to a .png, .pdf or .svg file",
        documents._args_plot,
        limit=300,
        outputs=documents._outputs_plot,
    ),
    Command(
        "worked",
        documents._cmd_worked,
        "a worked example of BPTT for chosen n and T (LaTeX)",
        documents._args_worked,
        "Write dL/dW term by term (products of Jacobians, the backward recursion unrolled) "
        "for the sizes asked, verified against the direct derivative before it is written.",
        limit=300,
        outputs=documents._outputs_worked,
    ),
    Command(
        "check",
        gradients._cmd_check,
        "check a BPTT implementation against certified gradients",
        gradients._args_check,
        "Call FUNCTION(W, U, b, h0, xs, targets) from MODULE (a .py file or a module in the "
        "current folder) on random, saturated and long-memory instances, compare the "
        "gradients it returns with certified enclosures of the true ones, and on a failure "
        "say where it is and which classic BPTT mistake it matches. Exit 1 when a gradient "
        "is wrong; 2 when the reference cannot decide (undecided), when the function cannot "
        "be imported, raises, exits, returns the wrong "
        "shapes or changes its inputs, or when the sizes are predicted to take longer than "
        "the time limit (a day without one). What the function prints goes to stderr.",
        limit=300,
        runs_user_code=True,
    ),
    Command(
        "exercises",
        documents._cmd_exercises,
        "an exercise sheet and its verified solutions",
        documents._args_exercises,
        "Write DIR/exercises-S.tex and DIR/solutions-S.tex (and PDFs when pdflatex is "
        "installed); the parameters are drawn from the seed S and every solution is computed "
        "and checked by the package.",
        limit=300,
        outputs=documents._outputs_exercises,
    ),
):
    register(_command)


EXIT_CODES = (
    "Exit codes: 0 done, every theorem holds (or, for a false claim, is refuted); 1 a check "
    "FAILED (a claim found false); 2 undecided (a search gave no answer within the time "
    "limit or its budget: nothing was found false), bad input, usage, or an output that "
    "cannot be written (one line on stderr); "
    "3 internal error (a bug: one line, --debug shows the traceback); 130/143/129 stopped "
    "by SIGINT/SIGTERM/SIGHUP (the job's processes and temporary files are removed); "
    "128 + N the job was killed from outside by signal N (137: SIGKILL)."
)


def _build_parser(
    only: Collection[str] | None = None,
) -> tuple[argparse.ArgumentParser, dict[str, argparse.ArgumentParser]]:
    """The parser; with `only`, the other commands are listed but get no arguments.

    Some commands' arguments name choices from modules that load SymPy; filling in only
    the command given keeps the start of every other command fast.
    """
    parser = _Parser(
        prog="symgrad",
        description=(
            "Derive, verify and teach the mathematics of exploding and vanishing gradients "
            "in recurrent networks."
        ),
        epilog=EXIT_CODES
        + " Default time limits (--timeout): "
        + ", ".join(f"{c.name} {c.limit:g} s" for c in COMMANDS.values() if c.limit)
        + ".",
        allow_abbrev=False,
    )
    parser.add_argument("--version", action="version", version=f"symgrad {__version__}")
    parser.add_argument("--debug", action="store_true", help="show tracebacks for errors")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    subparsers = {}
    for cmd in COMMANDS.values():
        p = sub.add_parser(cmd.name, help=cmd.help, description=cmd.description, allow_abbrev=False)
        subparsers[cmd.name] = p
        if only is not None and cmd.name not in only:
            continue
        cmd.arguments(p)
        if cmd.limit is not None:
            p.add_argument(
                "--timeout",
                type=_seconds,
                default=cmd.limit,
                metavar="SECONDS",
                help=f"stop the job after SECONDS (default {cmd.limit:g}; 'none' or 0: no "
                "limit); a stopped job leaves nothing behind",
            )
        p.set_defaults(command=cmd.name)
    return parser, subparsers


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line; return the exit code (see :data:`EXIT_CODES`)."""
    name = ""
    given = list(sys.argv[1:] if argv is None else argv)
    as_json = "--json" in given[: given.index("--") if "--" in given else len(given)]
    settings = argparse.Namespace(json=as_json)
    _Parser.json_errors = as_json
    try:
        with handle_signals():
            named = next((a for a in given if a in COMMANDS), None)
            parser, subparsers = _build_parser(None if named is None else {named})
            raw = _dash_positional(given, subparsers, COMMANDS)
            args = parser.parse_args(raw)
            if args.command is None:
                parser.print_help()
                if as_json:
                    _print_json_error("", "usage", "no command given (see 'symgrad --help')")
                return 2
            cmd = COMMANDS[name := args.command]
            settings = args
            try:
                return _run(cmd, args)
            except SymgradError as exc:  # a destination that cannot work
                if args.debug:
                    raise
                return _fail(name, args, _error_kind(exc), _one_line(exc))
            except BrokenPipeError:  # the job's output piped into a reader that stopped early
                _quiet_stdout()
                return 0
            except OSError as exc:  # writing the job's output to stdout failed
                _quiet_stdout()
                _say(name, f"error: could not write the output: {exc.strerror or exc}")
                return 2
    except Interrupted as exc:
        committed = getattr(exc, "committed", [])
        missing = [p for p in getattr(exc, "expected", []) if p not in committed]
        done = f"; the output was complete before it: {', '.join(committed)}" if committed else ""
        if committed and missing:
            done = f"; {', '.join(committed)} had been written, {', '.join(missing)} not"
        return _fail(
            name,
            settings,
            "interrupted",
            f"interrupted by {exc.name}{done}; the job was stopped and its temporary files "
            f"removed (exit {exc.exit_code})",
            prefix="",
            code=exc.exit_code,
        )
    finally:
        _Parser.json_errors = False
