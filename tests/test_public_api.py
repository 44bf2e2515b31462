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
    "errata",
    "errors",
    "exact",
    "files",
    "figures",
    "gamma",
    "hypotheses",
    "enclosure",
    "limits",
    "latex",
    "linear",
    "lstm",
    "numeric",
    "parsing",
    "proof",
    "remedies",
    "report",
    "rnn",
    "routes",
    "strategies",
]


def test_package_all_lists_exactly_the_public_names():
    public = (
        {name for name in vars(symgrad) if not name.startswith("_")}
        - set(MODULES)
        - {"annotations"}
    )
    assert set(symgrad.__all__) - {"__version__"} == public - {"cli", "render"}  # subpackages


@pytest.mark.parametrize("name", MODULES)
def test_every_name_in_a_module_all_exists(name):
    module = importlib.import_module(f"symgrad.{name}")
    for item in module.__all__:
        assert hasattr(module, item), f"{name}.{item}"
