import importlib

import pytest

import symgrad

MODULES = [
    "maths.activations",
    "maths.bounds",
    "maths.bptt",
    "kernel.catalogue",
    "maths.certificates",
    "check",
    "check.balls",
    "check.budget",
    "check.calling",
    "check.comparing",
    "check.diagnosis",
    "check.instances",
    "check.mistakes",
    "check.reference",
    "check.results",
    "cli",
    "cli.documents",
    "cli.gamma",
    "cli.gradients",
    "cli.options",
    "cli.running",
    "cli.text",
    "cli.theorems",
    "kernel.claims",
    "kernel.notation",
    "kernel.text",
    "maths.dynamics",
    "maths.enclosures",
    "maths.echo_state",
    "maths.errata",
    "errors",
    "maths.exact",
    "runtime.files",
    "pytest_plugin",
    "render.exercises",
    "render.figures",
    "render.worked",
    "maths.gamma",
    "maths.gamma_cover",
    "maths.gamma_pieces",
    "maths.gamma_search",
    "maths.gated",
    "maths.hypotheses",
    "maths.certified_sup",
    "runtime.limits",
    "runtime.jobs",
    "maths.gru",
    "maths.linear",
    "maths.lstm",
    "maths.numeric",
    "maths.parsing",
    "kernel.proof",
    "kernel.runner",
    "maths.rational",
    "maths.remedies",
    "kernel",
    "maths",
    "runtime",
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
    "maths.rnn",
    "maths.routes",
    "maths.strategies",
    "maths.teacher_forcing",
    "testing",
    "maths.truncation",
    "maths.training",
]

#: Sub-packages (imported by doctest collection; they hold modules, not public names).
PACKAGES = ["kernel", "maths", "render", "runtime"]


def test_package_all_lists_exactly_the_public_names():
    # the names are imported on first use: each resolves, and nothing else is public
    for name in symgrad.__all__:
        assert getattr(symgrad, name) is not None
    public = (
        # "@py_builtins" and "@pytest_ar" appear when pytest loads the installed plugin and
        # rewrites the package's asserts
        {name for name in vars(symgrad) if not name.startswith(("_", "@"))}
        - {m.split(".")[0] for m in MODULES}
        - {"annotations"}
    )
    assert set(symgrad.__all__) - {"__version__"} == public - {"cli", *PACKAGES}  # subpackages
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


def test_the_catalogue_imports_only_the_public_api():
    # proofs/ is built from symgrad, the kernel's public names and the maths modules
    import ast
    from pathlib import Path

    from symgrad.kernel.catalogue import proofs_dir

    maths = Path(symgrad.__file__).parent / "maths"
    public = {"symgrad", "symgrad.kernel", "symgrad.maths"} | {
        f"symgrad.maths.{p.stem}" for p in maths.glob("*.py") if p.stem != "__init__"
    }
    imported = []
    for path in sorted(proofs_dir().glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                imported.append((path.name, node.module or ""))
            elif isinstance(node, ast.Import):
                imported += [(path.name, a.name) for a in node.names]
    outside = [f"{f}: {m}" for f, m in imported if m.startswith("symgrad") and m not in public]
    assert any(m == "symgrad.kernel" for _, m in imported)  # the walk sees the imports
    assert outside == []
    # and the check can fail: an internal module is not in the public set
    assert "symgrad.kernel.proof" not in public and "symgrad.runtime.jobs" not in public
