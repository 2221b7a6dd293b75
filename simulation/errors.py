"""What users see when something stops a run: bad input (naming file, key path and line), or an
interruption of an experiment (saying how to resume)."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

_UNSAFE = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
"""Characters that would break the one line or act on the terminal: control characters (ESC starts
escape codes that recolour or clear the screen), line separators and bidirectional overrides."""


def escaped(text: str) -> str:
    """``text`` with every unsafe character written as Python writes it in a string (``\\x1b``)."""
    return _UNSAFE.sub(lambda m: repr(m[0])[1:-1] if unicodedata.category(m[0]) == "Cc"
                       else f"\\u{ord(m[0]):04x}", text)


@dataclass
class ScenarioError(Exception):
    """Bad input found before (or instead of) running.

    The CLI prints ``str(error)`` and exits with code 2, never a traceback. Library code names
    what is wrong in its own terms: a scenario file, key and line, or ``argument``, the Python API
    argument at fault (``reps``, ``precision``); only the CLI turns an argument into its
    ``--flag`` (``simulation.cli``).
    """

    message: str
    file: str | None = None
    key: str | None = None
    line: int | None = None
    hint: str | None = None
    argument: str | None = None

    def __str__(self) -> str:
        where = self.file or (f"argument '{self.argument}'" if self.argument else "<input>")
        if self.line is not None:
            where += f":{self.line}"
        text = f"{where}: "
        if self.key:
            text += f"key '{self.key}': "
        text += self.message
        if self.hint:
            text += f" ({self.hint})"
        return escaped(text)  # file names, keys and values are the user's text, quoted as they are


class Interrupted(Exception):
    """Ctrl-C or SIGTERM during an experiment; what finished is stored and will be reused."""

    def __init__(self, done: int, total: int, store: Path | None) -> None:
        super().__init__(f"interrupted after {done} of {total} replications")
        self.done, self.total, self.store = done, total, store
