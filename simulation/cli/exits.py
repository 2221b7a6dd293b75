"""How ``meedoen`` ends: its exit codes, one line on stderr for bad input or an interruption, and
``kill`` (SIGTERM) handled like Ctrl-C."""

from __future__ import annotations

import os
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from simulation.errors import Interrupted, ScenarioError

EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 130  # as a shell reports a process stopped by Ctrl-C (128 + SIGINT)
EXIT_OUTPUT_CLOSED = 141  # as a shell reports a process whose reader went away (128 + SIGPIPE), e.g. `| head`


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


def output_closed() -> int:
    """The reader of stdout is gone (``meedoen run ... | head``): stop quietly, no traceback, and
    point stdout at nothing so Python's flush at exit does not fail again."""
    try:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    except (OSError, ValueError):  # stdout is not a file descriptor (e.g. captured by a test)
        pass
    return EXIT_OUTPUT_CLOSED


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
