"""Run symgrad's catalogue from pytest: ``pytest --symgrad``.

Installed with symgrad, this plugin is registered through the ``pytest11`` entry point
and does nothing unless ``--symgrad`` is given. With it, every theorem of the catalogue
becomes one test item, ``symgrad::<theorem id>``, beside the project's own tests: the
usual progress, ``-k`` selection, ``-x``, ``--junitxml`` and summaries all apply. A
theorem passes when every step's check holds; a failure report lists each step with its
evidence level and what its check found (counterexamples, left and right sides). A theorem
that is *undecided* (a search ran out of time, memory or budget; nothing was found false)
is skipped with the reason, never reported as a failed assertion.

Options: ``--symgrad-ids ID,ID`` (a subset), ``--symgrad-seed S`` (seed of the property
steps, 0), ``--symgrad-examples N`` (Hypothesis examples per property step). The marker
``symgrad`` selects the items (``-m symgrad``) or skips them (``-m "not symgrad"``).
Without an installation, load it with ``pytest -p symgrad.pytest_plugin --symgrad``.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

__all__ = ["CatalogueCollector", "TheoremFailure", "TheoremItem"]


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("symgrad", "symgrad's catalogue of theorems")
    group.addoption(
        "--symgrad",
        action="store_true",
        default=False,
        help="collect symgrad's catalogue of theorems as test items (one per theorem)",
    )
    group.addoption("--symgrad-ids", default=None, metavar="ID,ID", help="only these theorem ids")
    group.addoption(
        "--symgrad-seed", type=int, default=0, metavar="S", help="seed of the property steps (0)"
    )
    group.addoption(
        "--symgrad-examples",
        type=int,
        default=None,
        metavar="N",
        help="Hypothesis examples per property step (default: each step's own)",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "symgrad: a theorem of symgrad's catalogue")


class TheoremFailure(Exception):
    """A theorem whose steps did not all hold; carries the run for the report."""

    def __init__(self, result: Any) -> None:
        super().__init__(result.theorem.id)
        self.result = result


class TheoremItem(pytest.Item):
    """One theorem of the catalogue, run as a test."""

    def __init__(self, *, theorem_id: str, settings: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.theorem_id = theorem_id
        self.settings = settings
        self.add_marker(pytest.mark.symgrad)

    def runtest(self) -> None:
        from .kernel.catalogue import load_theorem
        from .kernel.proof import Verdict

        result = load_theorem(self.theorem_id).run(self.settings)
        if result.verdict is Verdict.UNDECIDED:
            reasons = [f"{s.step.claim}: {s.undecided}" for s in result.steps if s.undecided]
            pytest.skip(f"undecided (no answer, nothing found false): {'; '.join(reasons)}")
        if not result.ok:
            raise TheoremFailure(result)

    def repr_failure(self, excinfo: pytest.ExceptionInfo[BaseException], style: Any = None) -> Any:
        if isinstance(excinfo.value, TheoremFailure):
            from .render.terminal import results_lines

            result = excinfo.value.result
            failed = sum(not s.ok for s in result.steps)
            head = (
                f"theorem {result.theorem.id} — {result.theorem.title}: "
                f"{failed} of {len(result.steps)} steps failed"
            )
            return "\n".join([head, *results_lines(result)])
        return super().repr_failure(excinfo)

    def reportinfo(self) -> tuple[Path, int | None, str]:
        from .kernel.catalogue import proofs_dir

        return proofs_dir() / f"{self.theorem_id}.py", None, f"theorem {self.theorem_id}"


class CatalogueCollector(pytest.Collector):
    """The catalogue as a collector: one :class:`TheoremItem` per theorem id."""

    def __init__(self, *, ids: list[str], settings: Any, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.ids = ids
        self.settings = settings

    def collect(self) -> Iterator[TheoremItem]:
        for tid in self.ids:
            yield TheoremItem.from_parent(self, name=tid, theorem_id=tid, settings=self.settings)


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(
    session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
) -> None:
    if not config.getoption("symgrad"):
        return
    from .errors import SymgradError, unknown_name
    from .kernel.catalogue import catalogue_ids
    from .kernel.proof import RunSettings

    raw = config.getoption("symgrad_ids")
    ids = catalogue_ids() if not raw else [s.strip() for s in raw.split(",") if s.strip()]
    known = catalogue_ids()
    try:
        for tid in ids:
            if tid not in known:
                raise unknown_name("theorem", tid, known)
        settings = RunSettings(
            examples=config.getoption("symgrad_examples"), seed=config.getoption("symgrad_seed")
        )
    except SymgradError as exc:
        raise pytest.UsageError(f"--symgrad: {exc}") from None
    collector = CatalogueCollector.from_parent(session, name="symgrad", ids=ids, settings=settings)
    items.extend(collector.collect())
