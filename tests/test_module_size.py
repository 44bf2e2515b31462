"""Modules have one job each: a long module says in its docstring why it is one module.

A module of more than :data:`LIMIT` lines either gets split where it does two things, or its
docstring carries a paragraph starting with :data:`MARKER` that gives the reason (one
printer per output format side by side, one function per figure, one protocol, ...).
"""

import ast
from pathlib import Path

import symgrad

PACKAGE = Path(symgrad.__file__).parent
LIMIT = 450
MARKER = "Kept as one module:"


def _unexplained(sources: dict[str, str]) -> list[str]:
    """The modules of `sources` (name → text) longer than LIMIT lines without the reason."""
    out = []
    for name, text in sorted(sources.items()):
        if len(text.splitlines()) <= LIMIT:
            continue
        doc = ast.get_docstring(ast.parse(text)) or ""
        if not any(line.startswith(MARKER) for line in doc.splitlines()):
            out.append(f"{name}: {len(text.splitlines())} lines")
    return out


def _package_sources() -> dict[str, str]:
    return {
        str(path.relative_to(PACKAGE)): path.read_text(encoding="utf-8")
        for path in sorted(PACKAGE.rglob("*.py"))
    }


def test_every_module_over_the_limit_says_why_it_is_one_module():
    sources = _package_sources()
    assert "maths/gamma.py" in sources and len(sources) > 40  # the walk sees the package
    assert _unexplained(sources) == []


def test_the_size_check_flags_a_long_module_without_its_reason():
    body = "x = 1\n" * LIMIT
    short = '"""A short module."""\n' + "x = 1\n" * (LIMIT - 1)
    long = '"""A long module."""\n' + body
    # the marker must start a line of the docstring, not appear inside a sentence
    mentioned = f'"""A long module; see "{MARKER}" elsewhere."""\n' + body
    explained = f'"""A long module.\n\n{MARKER} one job in many small parts.\n"""\n' + body
    assert _unexplained({"short.py": short, "explained.py": explained}) == []
    assert _unexplained({"long.py": long, "mentioned.py": mentioned}) == [
        f"long.py: {LIMIT + 1} lines",
        f"mentioned.py: {LIMIT + 1} lines",
    ]
