"""Hypothesis profiles and shared fixtures.

Profiles (choose with ``pytest --hypothesis-profile=NAME``):

``fast``
    The default: derandomised, 40 examples per property, no deadline.
``ci``
    Same as ``fast``; Hypothesis selects it itself when the ``CI`` variable is set.
``thorough``
    Random seeds, 10× the examples (400 per property).
"""

from __future__ import annotations

import os

import pytest
from hypothesis import HealthCheck, settings

_common = {"deadline": None, "suppress_health_check": [HealthCheck.too_slow]}
settings.register_profile("fast", max_examples=40, derandomize=True, **_common)
settings.register_profile("ci", max_examples=40, derandomize=True, **_common)
settings.register_profile("thorough", max_examples=400, derandomize=False, **_common)
settings.load_profile("ci" if os.environ.get("CI") else "fast")


@pytest.fixture(autouse=True)
def _searches_are_not_timed_in_tests(monkeypatch):
    """A γ search called without ``seconds`` gets 600 s here, not the API's 30 s.

    Tests check answers, not speed: on a busy machine a search that takes 3 s alone may take
    far longer, and running out of time would be *undecided*, not a wrong answer. Tests that
    are about the limit pass ``seconds=`` themselves.
    """
    from symgrad.maths import gamma, gamma_search

    monkeypatch.setattr(gamma, "DEFAULT_SECONDS", 600.0)
    monkeypatch.setattr(gamma_search, "DEFAULT_SECONDS", 600.0)
