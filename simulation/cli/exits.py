"""How ``meedoen`` ends: its exit codes, one line on stderr for bad input or an interruption, and
``kill`` (SIGTERM) handled like Ctrl-C."""

from __future__ import annotations

import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from simulation.errors import Interrupted, ScenarioError

EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 130  # as a shell reports a process stopped by Ctrl-C (128 + SIGINT)


def bad_input(error: ScenarioError) -> int:
    """One line naming file, key and line (or flag); never a traceback for a user's mistake."""
    print(f"meedoen: error: {error}", file=sys.stderr)
    return EXIT_BAD_INPUT


def interrupted(error: Interrupted) -> int:
    """An experiment stopped part-way: what finished is stored, so the same command resumes."""
    store = getattr(error, "store", None)
    where = (f"the {error.done} finished replications are stored in {store}; run the same command again to continue"
             if store is not None else "nothing was stored; a new run starts from the beginning")
    print(f"meedoen: interrupted after {error.done} of {error.total} replications; {where}", file=sys.stderr)
    return EXIT_INTERRUPTED


def interrupted_before_writing() -> int:
    print("meedoen: interrupted; nothing was written", file=sys.stderr)
    return EXIT_INTERRUPTED


def _terminate_as_interrupt(signum: int, frame: object) -> None:
    """``kill`` stops an experiment as cleanly as Ctrl-C: workers stopped, a line on how to resume."""
    raise KeyboardInterrupt


@contextmanager
def sigterm_as_interrupt() -> Iterator[None]:
    """Within the block SIGTERM raises KeyboardInterrupt; the previous handler comes back after."""
    previous = signal.signal(signal.SIGTERM, _terminate_as_interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)
