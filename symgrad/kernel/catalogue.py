"""The catalogue of theorems: one file per theorem in ``proofs/``, listed in a registry.

The registry ``proofs/catalogue.toml`` gives the order in which theorems are
shown and run. Each listed id names ``proofs/<id>.py``, which defines
``THEOREM`` using symgrad's public API only. The folder ships inside the wheel
(as ``symgrad/proofs``), so an installed symgrad finds it from any directory.

Each entry of the registry also carries the theorem's title, number of steps and evidence
levels, and a digest of its proof file, so that listing the catalogue
(:func:`catalogue_index`) needs neither SymPy nor the proofs: a theorem whose file no longer
matches its digest is loaded instead. The tests compare these fields with the theorems.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import tomllib
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import InvalidArgumentError, unknown_name

if TYPE_CHECKING:  # only for annotations: `list` reads the registry without loading SymPy
    from .proof import Theorem

__all__ = [
    "IndexEntry",
    "catalogue_ids",
    "catalogue_index",
    "index_entry",
    "load_catalogue",
    "load_theorem",
    "proofs_dir",
]


def proofs_dir() -> Path:
    """The folder holding the catalogue (installed copy first, then the source tree)."""
    here = Path(__file__).resolve().parent.parent  # the symgrad package
    for candidate in (here / "proofs", here.parent / "proofs"):
        if (candidate / "catalogue.toml").is_file():
            return candidate
    raise FileNotFoundError("the proofs/ catalogue was not found beside the symgrad package")


@cache
def _entries() -> tuple[dict[str, Any], ...]:
    data = tomllib.loads((proofs_dir() / "catalogue.toml").read_text(encoding="utf-8"))
    return tuple(data["theorem"])


@cache
def _registry() -> tuple[tuple[str, str], ...]:
    return tuple((entry["id"], entry["section"]) for entry in _entries())


@dataclass(frozen=True)
class IndexEntry:
    """What the catalogue lists about one theorem, without loading it."""

    id: str
    section: str
    title: str
    steps: int
    evidence: tuple[str, ...]


def index_entry(theorem: Theorem, section: str) -> IndexEntry:
    """The index entry of a loaded theorem (what its registry entry must say)."""
    return IndexEntry(
        theorem.id, section, theorem.title, len(theorem.steps), tuple(theorem.evidence_levels)
    )


def _digest(theorem_id: str) -> str:
    """A digest of the theorem's proof file (its first 16 hexadecimal digits of SHA-256)."""
    data = (proofs_dir() / f"{theorem_id}.py").read_bytes()
    return hashlib.sha256(data).hexdigest()[:16]


def _index_toml(theorem: Theorem) -> str:
    """The lines of the theorem's registry entry after ``section``, as they must read."""
    return "\n".join(
        [
            f"title = {json.dumps(theorem.title, ensure_ascii=False)}",
            f"steps = {len(theorem.steps)}",
            f"evidence = {json.dumps(theorem.evidence_levels)}",
            f'source = "{_digest(theorem.id)}"',
        ]
    )


def _write_index(path: Path | None = None) -> None:
    """Rewrite the index fields of every entry of the registry from the loaded theorems.

    For maintainers, after a proof changed:
    ``python -c "from symgrad.kernel.catalogue import _write_index; _write_index()"``.
    Only the lines ``title``, ``steps``, ``evidence`` and ``source`` change.
    """
    path = path or proofs_dir() / "catalogue.toml"
    fields = ("title = ", "steps = ", "evidence = ", "source = ")
    lines, theorem_id = [], None
    for line in path.read_text(encoding="utf-8").split("\n"):
        if line.startswith(fields):
            continue
        lines.append(line)
        if line.startswith("id = "):
            theorem_id = tomllib.loads(line)["id"]
        elif line.startswith("section = ") and theorem_id is not None:
            lines.append(_index_toml(load_theorem(theorem_id)))
            theorem_id = None
    staged = path.with_name(path.name + ".new")
    staged.write_text("\n".join(lines), encoding="utf-8")
    staged.replace(path)


def catalogue_index(ids: list[str] | None = None) -> list[IndexEntry]:
    """Id, section, title, number of steps and evidence levels of every theorem, in order
    (or of the theorems `ids` only).

    Read from the registry; a theorem whose entry lacks one of these fields, or whose proof
    file has changed since the entry was written (its ``source`` digest), is loaded.

    Examples
    --------
    >>> entry = catalogue_index()[0]
    >>> entry.id == catalogue_ids()[0] and entry.steps > 0
    True
    """
    index = []
    wanted = None if ids is None else set(ids)
    for entry in _entries():
        if wanted is not None and entry["id"] not in wanted:
            continue
        fields = entry.get("title"), entry.get("steps"), entry.get("evidence")
        if None in fields or entry.get("source") != _digest(entry["id"]):
            index.append(index_entry(load_theorem(entry["id"]), entry["section"]))
        else:
            title, steps, evidence = fields
            index.append(IndexEntry(entry["id"], entry["section"], title, steps, tuple(evidence)))
    return index


def catalogue_ids() -> list[str]:
    """Theorem ids in catalogue order.

    Examples
    --------
    >>> "one_step_bound" in catalogue_ids()
    True
    """
    return [tid for tid, _ in _registry()]


def sections() -> dict[str, str]:
    """Theorem id → section name."""
    return dict(_registry())


@cache
def load_theorem(theorem_id: str) -> Theorem:
    """Load one theorem by id; an unknown id suggests the closest ids."""
    if not isinstance(theorem_id, str):
        raise InvalidArgumentError(f"theorem id={theorem_id!r} must be a string")
    ids = catalogue_ids()
    if theorem_id not in ids:
        raise unknown_name("theorem", theorem_id, ids)
    path = proofs_dir() / f"{theorem_id}.py"
    spec = importlib.util.spec_from_file_location(f"symgrad_catalogue.{theorem_id}", path)
    if spec is None or spec.loader is None:
        raise FileNotFoundError(f"theorem {theorem_id!r}: {path} cannot be loaded")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    theorem = module.THEOREM
    if theorem.id != theorem_id:
        raise ValueError(
            f"{path.name} defines id {theorem.id!r}; the file name requires {theorem_id!r}"
        )
    return theorem


def load_catalogue(ids: list[str] | None = None) -> list[Theorem]:
    """The theorems with the given ids (all, in catalogue order, when None)."""
    return [load_theorem(tid) for tid in (catalogue_ids() if ids is None else ids)]
