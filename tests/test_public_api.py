import importlib

import pytest

import symgrad

MODULES = [
    "activations",
    "bounds",
    "bptt",
    "catalogue",
    "certificates",
    "check",
    "check.instances",
    "check.mistakes",
    "check.reference",
    "claims",
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
    "testing",
    "truncation",
    "training",
]

#: Sub-packages (imported by doctest collection; they hold modules, not public names).
PACKAGES = ["render"]


def test_package_all_lists_exactly_the_public_names():
    # the names are imported on first use: each resolves, and nothing else is public
    assert set(symgrad.__all__) - {"__version__"} == set(symgrad._EXPORTS)
    for name in symgrad.__all__:
        assert getattr(symgrad, name) is not None
    public = (
        # "@py_builtins" and "@pytest_ar" appear when pytest loads the installed plugin and
        # rewrites the package's asserts
        {name for name in vars(symgrad) if not name.startswith(("_", "@"))}
        - {m.split(".")[0] for m in MODULES}
        - {"annotations"}
    )
    assert set(symgrad.__all__) - {"__version__"} == public - {"cli", "render"}  # subpackage
    assert set(symgrad.__all__) <= set(dir(symgrad))
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        symgrad.nothing  # noqa: B018


def test_the_package_imports_without_sympy_until_a_name_is_used():
    import subprocess
    import sys

    code = "import sys, symgrad; print('sympy' in sys.modules); symgrad.derive_gamma; print('sympy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.split() == ["False", "True"]


@pytest.mark.parametrize("name", MODULES)
def test_every_name_in_a_module_all_exists(name):
    module = importlib.import_module(f"symgrad.{name}")
    for item in getattr(module, "__all__", ()):  # a package may define none
        assert hasattr(module, item), f"{name}.{item}"
