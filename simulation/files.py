"""Writing files so that a reader never sees half of one: temporary name, flush, rename.

``tempfile`` creates private files and folders (0600 / 0700); results are meant to be shared
like any other file the user writes, so the final permissions follow the user's umask.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import IO, Any


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def publish(path: Path, folder: bool = False) -> None:
    """Give a file or folder made by ``tempfile`` the permissions a plain ``open``/``mkdir`` would."""
    os.chmod(path, (0o777 if folder else 0o666) & ~_umask())


def nearest_existing(path: Path) -> Path:
    """``path`` itself if it exists, else its nearest ancestor that does (OSError for a name too long)."""
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def probe_folder(folder: Path) -> None:
    """Raise OSError unless a folder can be made in ``folder``; what the probe makes is removed at once,
    so checking a place before a run leaves nothing behind (the folders of a result are made when it is written)."""
    with tempfile.TemporaryDirectory(dir=folder, prefix=".meedoen-probe-"):
        pass


def save_figure(figure: Any, target: Path, fmt: str, **options: Any) -> None:
    """A matplotlib figure written atomically: never half a picture under the name."""
    atomic_write(target, lambda stream: figure.savefig(stream, format=fmt, **options), binary=True)


def atomic_write(target: Path, write: Callable[[IO[Any]], None], binary: bool = False) -> None:
    """Call ``write(stream)`` on a temporary file beside ``target``, sync it, rename it into place.

    Text is always UTF-8, whatever the locale (a report's "−" and "€" must survive a latin-1 system).

    ``os.replace`` is atomic, so a kill at any moment leaves either the old file or the new one,
    never a half-written one; the temporary file is removed when writing fails.
    """
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with (os.fdopen(handle, "wb") if binary else os.fdopen(handle, "w", encoding="utf-8")) as stream:
            write(stream)
            stream.flush()
            os.fsync(stream.fileno())
        publish(Path(temporary))
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
