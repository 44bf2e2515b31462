"""The folders are layers: each imports only the layers below it.

From the top: ``cli`` → ``report`` → ``render`` → ``check`` → ``maths`` → ``kernel`` →
``runtime`` → ``errors`` (``""`` is the package's own ``__init__``, whose lazy public names
the command line and the report may use). Every ``import`` and ``from … import`` in a layer's modules (those
inside functions included) is read from the source, so a lazy import that points upwards
fails here too.
"""

import ast
from pathlib import Path

import pytest

import symgrad

PACKAGE = Path(symgrad.__file__).parent

#: the layers each layer may import (besides itself, the standard library and ``_exports``,
#: the machinery every package uses to list its public names)
BELOW = {
    "errors": set(),
    "runtime": {"errors"},
    "kernel": {"errors", "runtime"},
    "maths": {"errors", "runtime", "kernel"},
    "check": {"errors", "runtime", "kernel", "maths"},
    "render": {"errors", "runtime", "kernel", "maths", "check"},
    "report": {"errors", "runtime", "kernel", "maths", "check", "render", ""},
}
BASE = {"_exports"}


def _layer_of(module: str) -> str:
    parts = module.split(".")
    return parts[1] if len(parts) > 1 and parts[0] == "symgrad" else ""


def _imports(path: Path) -> list[str]:
    """The symgrad modules `path` imports, as absolute names."""
    package = "symgrad." + ".".join(path.relative_to(PACKAGE).with_suffix("").parts[:-1])
    return _imports_of(path.read_text(encoding="utf-8"), package.rstrip("."))


def _imports_of(source: str, package: str) -> list[str]:
    """The symgrad modules `source` (a module of `package`) imports, as absolute names."""
    out = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            out += [a.name for a in node.names if a.name.startswith("symgrad")]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                name = ".".join(base + ([node.module] if node.module else []))
            else:
                name = node.module or ""
            if name.startswith("symgrad"):
                out.append(name)
    return out


def _modules(layer: str) -> list[Path]:
    folder = PACKAGE / layer
    return sorted(folder.glob("*.py")) if folder.is_dir() else [PACKAGE / f"{layer}.py"]


@pytest.mark.parametrize("layer", sorted(BELOW))
def test_a_layer_imports_only_the_layers_below_it(layer):
    allowed = BELOW[layer] | {layer} | BASE
    upward = [
        f"{path.relative_to(PACKAGE)} imports {name}"
        for path in _modules(layer)
        for name in _imports(path)
        if _layer_of(name) not in allowed
    ]
    assert upward == []


def test_the_layer_check_sees_an_upward_import():
    """Relative imports, lazy ones included, are resolved before they are judged."""
    source = "from .claims import Claim\n\ndef f():\n    from ..maths.gamma import derive_gamma\n"
    names = _imports_of(source, "symgrad.kernel")
    assert names == ["symgrad.kernel.claims", "symgrad.maths.gamma"]
    assert [n for n in names if _layer_of(n) not in BELOW["kernel"] | {"kernel"}] == [
        "symgrad.maths.gamma"
    ]
