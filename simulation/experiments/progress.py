"""Progress of an experiment, on stderr: a bar with an ETA on a terminal, and a plain line every
few seconds when stderr goes to a file or a pipe (a bar there is only control characters, and a
command that prints nothing for minutes looks hung).

The command line says which command is running and in which language (``progress_style``); the
library's functions only say how much there is to do and when a unit is done. A program with a
screen of its own (the web app) passes a function instead, called with (done, total).
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from typing import IO, Any, TypeAlias

#: Seconds between two progress lines (assumption: often enough to show a long run is alive,
#: rarely enough for a log file to stay readable).
INTERVAL_S = 10.0
#: Overrides the interval (seconds; 0 prints a line for every finished unit, as the tests do).
INTERVAL_ENV = "MEEDOEN_PROGRESS_INTERVAL"

#: What the units of each kind of progress are called.
UNITS = {
    "replications": {"en": "replications", "nl": "replicaties"},
    "sweep": {"en": "replications", "nl": "replicaties"},
    "warm-up runs": {"en": "replications", "nl": "replicaties"},
    "calibration points": {"en": "calibration points", "nl": "kalibratiepunten"},
}
LINES = {
    "en": {"running": "{command}: {done}/{total} {units} done, {elapsed} elapsed",
           "left": ", about {left} left", "finished": "{command}: {done}/{total} {units} done in {elapsed}",
           "hours": "h"},
    "nl": {"running": "{command}: {done}/{total} {units} klaar, {elapsed} verstreken",
           "left": ", nog ongeveer {left}", "finished": "{command}: {done}/{total} {units} klaar in {elapsed}",
           "hours": "u"},
}


#: A function called with (units done, units in all): at the start (the units already stored count as
#: done) and each time a unit finishes.
ProgressCallback: TypeAlias = Callable[[int, int], None]
#: The ``progress`` argument of the experiments: False (nothing), True (a bar), None (a bar on a
#: terminal, plain lines otherwise) or a :data:`ProgressCallback`.
Progress: TypeAlias = bool | None | ProgressCallback


@dataclass(frozen=True)
class ProgressStyle:
    """Who reports progress (the command) and in which language."""

    command: str = "meedoen"
    lang: str = "en"


DEFAULT_STYLE = ProgressStyle()
_STYLE: ContextVar[ProgressStyle | None] = ContextVar("progress_style", default=None)


@contextmanager
def progress_style(command: str, lang: str = "en") -> Iterator[None]:
    """Within the block, progress is reported as ``command`` in ``lang`` ("en" or "nl")."""
    token = _STYLE.set(ProgressStyle(command, lang if lang in LINES else "en"))
    try:
        yield
    finally:
        _STYLE.reset(token)


def interval_s() -> float:
    """Seconds between progress lines: ``$MEEDOEN_PROGRESS_INTERVAL`` when it is a number ≥ 0."""
    try:
        value = float(os.environ.get(INTERVAL_ENV, INTERVAL_S))
    except ValueError:
        return INTERVAL_S
    return value if value >= 0 else INTERVAL_S


def duration_text(seconds: float, lang: str = "en") -> str:
    """``45s``, ``1m05s``, ``2h03m`` (Dutch ``2u03m``): short enough for a progress line."""
    whole = max(0, round(seconds))
    if whole < 60:
        return f"{whole}s"
    minutes, secs = divmod(whole, 60)
    if minutes < 60:
        return f"{minutes}m{secs:02d}s"
    hours, minutes = divmod(minutes, 60)
    return f"{hours}{LINES[lang]['hours']}{minutes:02d}m"


class ProgressLines:
    """Progress as plain lines: one at most every ``interval`` seconds while units finish, with
    the time left estimated from the units done in this run; a last one when all are done."""

    def __init__(self, total: int, done: int, units: str, style: ProgressStyle, interval: float,
                 stream: IO[str] | None = None, clock: Callable[[], float] = time.monotonic) -> None:
        self.total, self.done, self.initial, self.units, self.style = total, done, done, units, style
        self.interval, self.stream, self.clock = interval, stream, clock
        self.started = self.last = clock()
        self.printed = 0

    def update(self, n: int = 1) -> None:
        self.done += n
        now = self.clock()
        if now - self.last >= self.interval and self.done < self.total:
            self._print(self.line(now))
            self.last = now

    def line(self, now: float) -> str:
        """``compare: 12/40 replications done, 1m05s elapsed, about 2m10s left``."""
        lang, elapsed = self.style.lang, now - self.started
        words = LINES[lang]
        text = words["running"].format(command=self.style.command, done=self.done, total=self.total, units=self.units,
                                       elapsed=duration_text(elapsed, lang))
        ran = self.done - self.initial
        if ran > 0:
            text += words["left"].format(left=duration_text(elapsed / ran * (self.total - self.done), lang))
        return text

    def close(self) -> None:
        """The last line, when all units are done and the run was long enough to report on."""
        now = self.clock()
        if self.done >= self.total > self.initial and (self.printed or now - self.started >= self.interval):
            self._print(LINES[self.style.lang]["finished"].format(
                command=self.style.command, done=self.done, total=self.total, units=self.units,
                elapsed=duration_text(now - self.started, self.style.lang)))

    def _print(self, text: str) -> None:
        print(text, file=self.stream or sys.stderr, flush=True)
        self.printed += 1


class ProgressCalls:
    """Progress as calls of a function with (done, total), for a program that draws its own bar."""

    def __init__(self, total: int, done: int, callback: ProgressCallback) -> None:
        self.total, self.done, self.callback = total, done, callback
        callback(done, total)

    def update(self, n: int = 1) -> None:
        self.done += n
        self.callback(self.done, self.total)

    def close(self) -> None:
        """Nothing to end: the last update said all was done."""


def progress_bar(total: int, done: int, description: str, enabled: Progress) -> Any:
    """Something with ``update()`` and ``close()``: nothing when ``enabled`` is False, tqdm with an
    ETA when True, and when None tqdm on a terminal or :class:`ProgressLines` when stderr is not one;
    a function is called with (done, total) instead (:class:`ProgressCalls`)."""
    if callable(enabled):
        return ProgressCalls(total, done, enabled)
    style = _STYLE.get() or DEFAULT_STYLE
    units = UNITS.get(description, {}).get(style.lang, description)
    if enabled is None and not _is_terminal(sys.stderr):
        return ProgressLines(total, done, units, style, interval_s())
    from tqdm.auto import tqdm

    return tqdm(total=total, initial=done, desc=f"{style.command}: {units}", unit="run", disable=enabled is False,
                dynamic_ncols=True, leave=False)


def _is_terminal(stream: IO[str]) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # replaced or closed
        return False
