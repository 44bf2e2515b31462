"""One run of the catalogue shared by the document tests (it takes seconds; run it once)."""

from functools import lru_cache

from symgrad.kernel.catalogue import load_catalogue
from symgrad.kernel.proof import RunSettings, run_theorems


@lru_cache(maxsize=1)
def catalogue_results():
    """Every theorem of the catalogue after its checks ran (10 examples per property)."""
    return tuple(run_theorems(load_catalogue(), RunSettings(examples=10)))
