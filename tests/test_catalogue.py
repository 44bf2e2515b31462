"""One test parametrised over the whole catalogue, and the registry against the files."""

import ast
from pathlib import Path

import pytest

from symgrad.catalogue import catalogue_ids, load_theorem, proofs_dir
from symgrad.errors import UnknownNameError
from symgrad.proof import Evidence, RunSettings

IDS = catalogue_ids()


def test_registry_matches_the_files_on_disk():
    files = {p.stem for p in proofs_dir().glob("*.py")}
    assert files == set(IDS)
    assert len(IDS) == len(set(IDS))


@pytest.mark.parametrize("theorem_id", IDS)
def test_every_theorem_holds(theorem_id):
    result = load_theorem(theorem_id).run(RunSettings(seed=0))
    failures = [
        (s.step.claim, s.outcome.left, s.outcome.right, s.error) for s in result.steps if not s.ok
    ]
    assert result.ok, failures


@pytest.mark.parametrize("theorem_id", IDS)
def test_every_proof_file_opens_with_statement_and_proof_and_uses_public_api(theorem_id):
    path = proofs_dir() / f"{theorem_id}.py"
    tree = ast.parse(path.read_text(encoding="utf-8"))
    doc = ast.get_docstring(tree)
    assert doc and "Statement." in doc and "Proof." in doc
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("symgrad"):
            assert all(not alias.name.startswith("_") for alias in node.names)
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
            assert not (node.attr.startswith("_") and node.value.id in {"symgrad", "bounds"})


@pytest.mark.parametrize("theorem_id", IDS)
def test_every_theorem_is_well_formed(theorem_id):
    thm = load_theorem(theorem_id)
    assert thm.id == theorem_id and thm.title and thm.statement and thm.steps
    for step in thm.steps:
        assert step.claim and step.justification
        assert isinstance(step.evidence, Evidence)


def test_unknown_id_suggests_the_closest():
    with pytest.raises(UnknownNameError, match="did you mean 'eta_decay'"):
        load_theorem("eta_decy")


def test_the_catalogue_is_found_outside_the_source_tree(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert (proofs_dir() / "catalogue.toml").is_file()
    assert Path(proofs_dir()).is_absolute()
