"""``python -m symgrad``: the command line."""

from .cli import main

raise SystemExit(main())
