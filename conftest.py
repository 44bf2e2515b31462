"""Repository-level pytest settings: modules that are not importable as doctests."""

collect_ignore = ["symgrad/__main__.py", "benchmarks", "examples"]
