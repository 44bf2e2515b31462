"""Following an activation through ``symgrad gamma``: calls go down the layers, never back.

The path is traced as it runs (``sys.setprofile``): every call from one symgrad module to
another is an edge. No edge may point to a higher layer (``cli`` → ``report`` → ``render`` →
``check`` → ``maths`` → ``kernel`` → ``runtime`` → ``errors``), and no two modules may call
each other (a cycle: one of them hands the other a closure, or they share a job). Calls made
while a module is being imported do not count: they are the import system's, not the path's;
nor does a method calling another method of the same object (a printer's ``_print`` finding
the ``_print_X`` of its class, wherever that class was written). The catalogue's proofs are a
layer of their own above the package: they use its public API, and the kernel calls their
checks.
"""

import sys

import pytest

from symgrad.cli import main
from symgrad.runtime import limits

ORDER = ["proofs", "cli", "report", "render", "check", "maths", "kernel", "runtime", "errors"]


def _layer(module: str) -> int:
    if module.startswith("symgrad_catalogue."):
        return 0
    parts = module.split(".")
    return ORDER.index(parts[1]) if len(parts) > 1 and parts[1] in ORDER else -1


def _ours(frame) -> bool:
    return frame.f_globals.get("__name__", "").startswith(("symgrad.", "symgrad_catalogue."))


def _same_object(frame, caller) -> bool:
    """Whether `frame` is a method of the object whose method `caller` is running."""
    here, there = frame.f_code.co_varnames[:1], caller.f_code.co_varnames[:1]
    if here != ("self",) or there != ("self",):
        return False
    return frame.f_locals.get("self") is caller.f_locals.get("self")


def _importing(frame) -> bool:
    while frame is not None:
        code, name = frame.f_code, frame.f_globals.get("__name__", "")
        if code.co_filename.startswith("<frozen importlib") or (
            code.co_name == "<module>" and name.startswith("symgrad")
        ):
            return True
        frame = frame.f_back
    return False


def _edges(argv: list[str]) -> dict[tuple[str, str], set[str]]:
    edges: dict[tuple[str, str], set[str]] = {}

    def profile(frame, event, _arg):
        callee = frame.f_globals.get("__name__", "")
        if event != "call" or not _ours(frame):
            return
        caller = frame.f_back
        while caller is not None and not _ours(caller):
            caller = caller.f_back
        if caller is None or caller.f_globals["__name__"] == callee or _importing(frame):
            return
        if _same_object(frame, caller):
            return
        key = (caller.f_globals["__name__"], callee)
        edges.setdefault(key, set()).add(f"{caller.f_code.co_name} → {frame.f_code.co_name}")

    sys.setprofile(profile)
    try:
        code = main(argv)
    finally:
        sys.setprofile(None)
    assert code == 0
    return edges


@pytest.mark.parametrize(
    "expression",
    ["tanh", "x/(2 + abs(x))", "max(x, x/4) + tanh(x)/8"],
    ids=["shipped certificate", "searched", "searched with a kink"],
)
def test_gamma_follows_the_activation_down_the_layers(monkeypatch, capsys, expression):
    monkeypatch.setattr(limits, "_in_child", True)  # the search runs here, where it is traced
    edges = _edges(["gamma", expression, "--timeout", "none"])
    capsys.readouterr()
    upward = {k: v for k, v in edges.items() if _layer(k[1]) < _layer(k[0])}
    both_ways = {k: v for k, v in edges.items() if (k[1], k[0]) in edges}
    assert any(k[1].startswith("symgrad.maths.") for k in edges)  # the trace saw the maths
    assert upward == {} and both_ways == {}


def test_the_trace_sees_a_call_back_up_into_the_command_line(monkeypatch, capsys):
    """The negative control: a search step that calls the command line's code is seen."""
    from symgrad.cli import text

    original = limits.Limiter.check

    def check_with_callback(self, stage):
        text._finite(stage)  # from inside the search: maths → cli, upwards
        return original(self, stage)

    monkeypatch.setattr(limits.Limiter, "check", check_with_callback)
    monkeypatch.setattr(limits, "_in_child", True)
    # an expression no other test derives (a derived γ is cached, and then not searched)
    edges = _edges(["gamma", "x/(3 + abs(x))", "--timeout", "none"])
    capsys.readouterr()
    assert any(b == "symgrad.cli.text" and _layer(a) > _layer(b) for a, b in edges)


#: callers that run code handed to them on purpose: the kernel runs each theorem's checks and
#: the properties and strategies a check gives it; the checker calls the function under test
RUNNERS = {"symgrad.kernel.proof", "symgrad.check.calling"}

#: the calls back between maths modules that remain on the report's path (a function built
#: in one module and called in the other, where data could travel instead): none, and
#: this set may only shrink
HANDED_BACK: set[tuple[str, str]] = set()


@pytest.mark.slow
def test_the_report_path_calls_down_but_for_the_runners(monkeypatch, capsys, tmp_path):
    """`symgrad report` on two theorems (one that holds, and the errata, which run their
    backing theorems): every upward or two-way call is made by a runner of handed-down code
    (the kernel running checks, the checker calling the function under test) or is listed in
    HANDED_BACK (none is), each of which is still there. ``--timeout none`` keeps
    the job in this process, where the trace can follow it (a limited job is a fork)."""
    from symgrad import report

    monkeypatch.setattr(limits, "_in_child", True)
    whole = report.load_catalogue
    monkeypatch.setattr(
        report, "load_catalogue", lambda ids=None: whole(ids or ["one_step_bound", "seed_errata"])
    )
    edges = _edges(["report", "-o", str(tmp_path / "r"), "--no-pdf", "--timeout", "none"])
    capsys.readouterr()
    crossing = {
        k
        for k in edges
        if (_layer(k[1]) < _layer(k[0]) or (k[1], k[0]) in edges)
        and k[0] not in RUNNERS
        and not (k[1] in RUNNERS and k[0].startswith("symgrad_catalogue."))
    }
    assert any(k[1].startswith("symgrad.render.") for k in edges)  # the documents were traced
    assert crossing == HANDED_BACK
