"""The one error type users see for bad input: it names the file, the key path and the line."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class ScenarioError(Exception):
    """Bad input found before (or instead of) running.

    The CLI prints ``str(error)`` and exits with code 2, never a traceback.
    """

    message: str
    file: str | None = None
    key: str | None = None
    line: int | None = None
    hint: str | None = None

    def __str__(self) -> str:
        where = self.file or "<input>"
        if self.line is not None:
            where += f":{self.line}"
        text = f"{where}: "
        if self.key:
            text += f"key '{self.key}': "
        text += self.message
        if self.hint:
            text += f" ({self.hint})"
        return text
