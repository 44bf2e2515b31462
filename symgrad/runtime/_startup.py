"""Quiet signals while the command line starts (imports only the standard library's core).

Until :func:`symgrad.runtime.jobs.handle_signals` takes over, nothing has been created, so a
SIGINT, SIGTERM or SIGHUP ends the process at once with one line and ``128 + signal``.
"""

import os
import signal

SIGNALS = tuple(
    getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name)
)


def _exit_quietly(signum, _frame):
    import sys

    name = signal.Signals(signum).name
    message = f"interrupted by {name} while starting; nothing was done"
    os.write(2, f"symgrad: {message}\n".encode())
    argv = sys.argv[1:]
    if "--json" in (argv[: argv.index("--")] if "--" in argv else argv):
        error = f'{{"kind": "interrupted", "message": "{message}"}}'
        os.write(1, f'{{"ok": false, "command": null, "error": {error}}}\n'.encode())
    os._exit(128 + signum)


def quiet_startup() -> None:
    """Install the start-up handlers (main thread only)."""
    import threading

    if threading.current_thread() is threading.main_thread():
        for s in SIGNALS:
            signal.signal(s, _exit_quietly)
