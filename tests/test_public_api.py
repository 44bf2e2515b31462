import importlib

import pytest

import symgrad

MODULES = [
    "activations",
    "bounds",
    "bptt",
    "catalogue",
    "display",
    "dynamics",
    "enclosures",
    "echo_state",
    "errata",
    "errors",
    "exact",
    "files",
    "pytest_plugin",
    "render.exercises",
    "render.figures",
    "render.worked",
    "gamma",
    "gated",
    "hypotheses",
    "certified_sup",
    "limits",
    "jobs",
    "gru",
    "latex",
    "linear",
    "lstm",
    "numeric",
    "parsing",
    "proof",
    "rational",
    "remedies",
    "render",
    "render.document",
    "render.handout",
    "render.printing",
    "render.record",
    "render.slides",
    "render.snippet",
    "render.terminal",
    "render.texmath",
    "report",
    "rnn",
    "routes",
    "strategies",
    "teacher_forcing",
    "truncation",
    "training",
]

#: Sub-packages (imported by doctest collection; they hold modules, not public names).
PACKAGES = ["render"]


def test_package_all_lists_exactly_the_public_names():
    public = (
        # "@py_builtins" and "@pytest_ar" appear when pytest loads the installed plugin and
        # rewrites the package's asserts
        {name for name in vars(symgrad) if not name.startswith(("_", "@"))}
        - {m.split(".")[0] for m in MODULES}
        - {"annotations"}
    )
    assert set(symgrad.__all__) - {"__version__"} == public - {"cli", "render"}  # subpackage


@pytest.mark.parametrize("name", MODULES)
def test_every_name_in_a_module_all_exists(name):
    module = importlib.import_module(f"symgrad.{name}")
    for item in getattr(module, "__all__", ()):  # a package may define none
        assert hasattr(module, item), f"{name}.{item}"
