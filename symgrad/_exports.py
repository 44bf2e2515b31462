"""Public names imported on first use, listed once per package.

A package writes its public names once, as the imports of an ``if TYPE_CHECKING:`` block:
type checkers and editors read those imports, and :func:`lazy_exports` reads the same block
from the package's source to build the package's ``__getattr__``, ``__dir__`` and
``__all__``. Nothing is imported until a name is used, so ``import symgrad`` stays fast and
the command line starts without loading SymPy.
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from typing import Any


def _table(path: str) -> dict[str, tuple[str, str]]:
    """Public name → (relative module, attribute) from the ``TYPE_CHECKING`` block of `path`."""
    import ast

    with open(path, encoding="utf-8") as fh:
        tree = ast.parse(fh.read(), path)
    table: dict[str, tuple[str, str]] = {}
    for node in tree.body:
        test = node.test if isinstance(node, ast.If) else None
        name = test.attr if isinstance(test, ast.Attribute) else getattr(test, "id", None)
        if name != "TYPE_CHECKING":
            continue
        for stmt in node.body:
            if isinstance(stmt, ast.ImportFrom):
                module = "." * stmt.level + (stmt.module or "")
                for alias in stmt.names:
                    table[alias.asname or alias.name] = (module, alias.name)
    return table


def lazy_exports(
    package: str,
    path: str,
    namespace: dict[str, Any],
    extra: tuple[str, ...] = (),
) -> tuple[Callable[[str], object], Callable[[], list[str]]]:
    """``__getattr__`` and ``__dir__`` for `package`, whose ``__init__`` is at `path`.

    Parameters
    ----------
    package : str
        The package's dotted name (its ``__name__``).
    path : str
        Its ``__init__.py`` (its ``__file__``); the ``TYPE_CHECKING`` imports there are the
        public names.
    namespace : dict
        The package's globals: a name, once imported, is stored there.
    extra : tuple of str
        Public names defined directly in the package (such as ``__version__``).

    Returns
    -------
    tuple
        ``(__getattr__, __dir__)``; ``__all__`` is served by ``__getattr__``.

    Examples
    --------
    >>> import symgrad
    >>> "derive_gamma" in symgrad.__all__ and "__version__" in symgrad.__all__
    True
    """
    cache: dict[str, Any] = {}

    def table() -> dict[str, tuple[str, str]]:
        if "names" not in cache:
            cache["names"] = _table(path)
        return cache["names"]

    def __getattr__(name: str) -> object:
        if name == "__all__":
            names = sorted([*table(), *extra])
            namespace["__all__"] = names
            return names
        if name.startswith("__") or name not in table():
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        module, attribute = table()[name]
        value = getattr(import_module(module, package), attribute)
        namespace[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted(set(namespace) | set(table()))

    return __getattr__, __dir__
