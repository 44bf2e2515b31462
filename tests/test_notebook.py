"""The teaching notebook runs top to bottom in a real Jupyter kernel, in lecture order."""

import warnings
from pathlib import Path

import pytest

NOTEBOOK = Path(__file__).resolve().parent.parent / "examples" / "teaching.ipynb"


def test_teaching_notebook_executes_without_errors(tmp_path):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    nb = nbformat.read(NOTEBOOK, as_version=4)
    assert all(not cell.get("outputs") for cell in nb.cells if cell.cell_type == "code")
    client = nbclient.NotebookClient(
        nb,
        timeout=300,
        kernel_name="python3",
        # run in a folder of its own: what a kernel leaves there (Hypothesis's cache) stays out
        # of the repository
        resources={"metadata": {"path": str(tmp_path)}},
    )
    with warnings.catch_warnings():  # the Jupyter stack's own deprecation notices are not ours
        warnings.simplefilter("ignore", DeprecationWarning)
        client.execute()
    outputs = [o for cell in nb.cells if cell.cell_type == "code" for o in cell.outputs]
    assert not [o for o in outputs if o.output_type == "error"]
    text = "".join(o.get("text", "") for o in outputs if o.output_type == "stream")
    assert "True" in text and "Schwartz–Zippel" in text
    images = [o for o in outputs if "image/png" in o.get("data", {})]
    assert len(images) >= 5  # lags, η-decay, exploding, transient growth, clipping
    headings = [c.source.splitlines()[0] for c in nb.cells if c.cell_type == "markdown"]
    order = ["Motivation", "Derive", "Bound", "η-decay", "exploding", "remedy", "Exercise"]
    found = [next(i for i, h in enumerate(headings) if word in h) for word in order]
    assert found == sorted(found), headings
