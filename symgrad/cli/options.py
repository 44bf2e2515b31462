"""What a command is declared with: :class:`Command`, the parser, and the option types.

The option types (``--timeout``, integers, ``--title``) read only ASCII digits and printable
text and refuse anything else with ``name=value`` and what is allowed; the option groups
(``--json``, ``--seed``, the sizes of an RNN, ...) are shared by the commands' modules.
"""

from __future__ import annotations

import argparse
import math
import re
import unicodedata
from collections.abc import Callable, Collection
from dataclasses import dataclass
from typing import NoReturn

from .text import _duration, _print_json_error


class _Parser(argparse.ArgumentParser):
    """An ArgumentParser whose usage errors are one line (and with --json, a JSON object)."""

    json_errors = False  # set by main() when --json was given

    def error(self, message: str) -> NoReturn:
        line = f"{message} (see '{self.prog} --help')"
        if _Parser.json_errors:
            _print_json_error(self.prog.removeprefix("symgrad").strip(), "usage", line)
        self.exit(2, f"{self.prog}: error: {line}\n")


@dataclass(frozen=True)
class Command:
    """One subcommand of the command line.

    ``handler`` is a module-level function (a job imports it by name in a fresh process);
    ``arguments`` adds its options to the parser; ``limit`` is the default time limit in
    seconds (``None``: a quick command that runs in this process, without ``--timeout``);
    ``outputs`` returns the destinations ``(path, "file"|"dir", names)`` that
    are checked before anything runs; ``dash_positional`` names a positional argument that
    may begin with ``-`` (an expression such as ``-x**2``).
    """

    name: str
    handler: Callable[[argparse.Namespace], int]
    help: str
    arguments: Callable[[argparse.ArgumentParser], None]
    description: str | None = None
    limit: float | None = None
    outputs: Callable[[argparse.Namespace], list[tuple[str, str, Collection[str]]]] | None = None
    dash_positional: bool = False
    stopped: str = "could not finish"
    # it runs code that is not the package's: always as a job (also with no limit), so that
    # a signal stops it at once, and a job that ends without an answer is that code's doing
    runs_user_code: bool = False


def _seconds(text: str) -> float | None:
    """``--timeout`` values: positive seconds up to 10⁶, or 0/none/off for no limit.

    Only the ASCII digits 0-9 and one decimal point are read (no exponent, no ``_``, no
    digits of other scripts).
    """
    if text.strip().lower() in ("0", "none", "off"):
        return None
    if not _DECIMAL.fullmatch(text):
        raise argparse.ArgumentTypeError(
            f"timeout={text!r} is not a number of seconds written with the ASCII digits 0-9 "
            "(use e.g. 30 or 2.5, or 'none' for no limit)"
        )
    value = float(text)
    if not (math.isfinite(value) and 0 < value <= MAX_LIMIT):
        raise argparse.ArgumentTypeError(
            f"timeout={text!r} must be a positive number of seconds up to {MAX_LIMIT:g} "
            "(or 'none' for no limit)"
        )
    return value


_DECIMAL = re.compile(r"[0-9]{1,12}(\.[0-9]{0,12})?|\.[0-9]{1,12}")


_INTEGER = re.compile(r"-?[0-9]+")


#: the seconds one Hypothesis example of one property-based step takes, on average, over the
#: catalogue (measured: 7.4 s for 50 examples of 49 steps on a busy 2-core machine)
SECONDS_PER_EXAMPLE = 0.003


def _integer(
    name: str, *, minimum: int | None = None, maximum: int | None = None
) -> Callable[[str], int]:
    """An argparse type: an integer written with the ASCII digits 0-9 (and an optional '-')."""

    def parse(text: str) -> int:
        if not _INTEGER.fullmatch(text):
            raise argparse.ArgumentTypeError(
                f"{name}={text!r} must be an integer written with the ASCII digits 0-9 "
                "(e.g. 3; no spaces, '_' or digits of other scripts)"
            )
        digits = len(text.lstrip("-").lstrip("0"))
        too_large = maximum is not None and (digits > 30 or int(text) > maximum)
        if digits > 30 and maximum is None:
            raise argparse.ArgumentTypeError(f"{name}={text[:12]}… has more than 30 digits")
        if too_large:
            raise argparse.ArgumentTypeError(
                f"{name}={text if digits <= 30 else text[:12] + '…'} must be at most {maximum}"
            )
        value = int(text)
        if minimum is not None and value < minimum:
            raise argparse.ArgumentTypeError(f"{name}={value} must be at least {minimum}")
        return value

    parse.__name__ = name
    return parse


def _check_examples_cost(args: argparse.Namespace, limit: float) -> None:
    """Refuse ``--examples`` whose predicted time exceeds the time limit, before any work."""
    from ..errors import BudgetExceededError
    from ..kernel.catalogue import load_catalogue
    from ..kernel.proof import Evidence

    theorems = load_catalogue(getattr(args, "ids", None) or None)
    kinds = (Evidence.TESTED, Evidence.CITED, Evidence.REFUTED)
    steps = sum(1 for t in theorems for s in t.steps if s.evidence in kinds)
    per_example = steps * SECONDS_PER_EXAMPLE
    seconds = args.examples * per_example
    if steps and seconds > limit:
        fit = max(1, int(limit / per_example))
        raise BudgetExceededError(
            f"examples={args.examples} would take about {_duration(seconds)} ({steps} "
            f"property-based steps, about {SECONDS_PER_EXAMPLE * 1000:g} ms per example each), "
            f"more than the time limit of {limit:g} s; about {fit} examples fit "
            "(or raise --timeout)"
        )


def _title(text: str) -> str:
    """``--title``: one line of printable text (no control or format characters)."""
    bad = [c for c in text if unicodedata.category(c) in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp")]
    if bad:
        raise argparse.ArgumentTypeError(
            f"title contains the control character {bad[0]!r}; use one line of printable text"
        )
    if len(text) > 300:
        raise argparse.ArgumentTypeError(f"title has {len(text)} characters; at most 300")
    return text


#: the most Hypothesis examples per property step on the command line (as in the API)
MAX_EXAMPLES = 100_000


_SEED = _integer("seed", minimum=0, maximum=2**63 - 1)


_EXAMPLES = _integer("examples", minimum=1, maximum=MAX_EXAMPLES)


def _paper(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--paper", choices=["a4", "letter"], default="a4", help="paper size of the documents (a4)"
    )


def _json(p: argparse.ArgumentParser) -> None:
    p.add_argument("--json", action="store_true", help="print one JSON object")


def _seed(p: argparse.ArgumentParser) -> None:
    p.add_argument("--seed", type=_SEED, default=0, help="seed of the property tests (0)")


def _ids(p: argparse.ArgumentParser) -> None:
    p.add_argument("ids", nargs="*", metavar="ID", help="theorem ids (default: all)")


def _sizes(p: argparse.ArgumentParser) -> None:
    """--hidden, --steps and --inputs: the sizes of an RNN instance (bptt, check)."""
    p.add_argument(
        "--hidden", "-n", type=_integer("hidden"), required=True, metavar="N", help="hidden units n"
    )
    p.add_argument(
        "--steps", "-T", type=_integer("steps"), required=True, metavar="T", help="time steps T"
    )
    p.add_argument(
        "--inputs", "-m", type=_integer("inputs"), default=1, metavar="M", help="input size m (1)"
    )


class _ActivationNames:
    """The built-in activations' names, looked up only when a help text shows them.

    (They come from :mod:`symgrad.maths.activations`, which loads SymPy: a command that does not
    print its help need not load it before its job starts.)
    """

    def __str__(self) -> str:
        from ..maths.activations import ACTIVATIONS

        return ", ".join(ACTIVATIONS)


MAX_LIMIT = 1e6


#: Without a time limit, `check` still refuses sizes predicted to take longer than this.
CHECK_BUDGET = 86400.0


def _dash_positional(
    raw: list[str],
    subparsers: dict[str, argparse.ArgumentParser],
    commands: dict[str, Command],
) -> list[str]:
    """Move one positional that begins with '-' (e.g. ``-x**2``) behind a ``--``."""
    names = [i for i, a in enumerate(raw) if a in commands]
    if not names or not commands[raw[names[0]]].dash_positional:
        return raw
    at = names[0]
    actions = subparsers[raw[at]]._option_string_actions
    i = at + 1
    while i < len(raw):
        token = raw[i]
        if token == "--":
            return raw
        key = token.split("=", 1)[0]
        if key in actions:
            if "=" not in token and actions[key].nargs != 0:
                i += 1  # skip the option's value
        elif token.startswith("-") and not token.startswith("--") and len(token) > 1:
            return [*raw[:i], *raw[i + 1 :], "--", token]
        i += 1
    return raw
