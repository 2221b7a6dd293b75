"""Read a scenario file's text, refusing what is not one before it can hang or fill the memory.

A path may name a directory, a device (``/dev/zero`` never ends), a named pipe (reading one waits
for a writer forever), a symlink loop or a file of gigabytes. We look at the file before opening
it, open it without blocking, look again at what was opened (it may have been swapped), and read
at most :data:`MAX_BYTES`. Every refusal is a :class:`FileProblem`: a problem with the file as a
whole, which ``extends`` and ``policy_from`` report at their own line (``loader/extends.py``).
"""

from __future__ import annotations

import errno
import os
import stat
from dataclasses import dataclass

from simulation.errors import ScenarioError

MAX_BYTES = 1 << 20
"""1 MiB: twenty times the largest shipped scenario (base.yaml, ~47 KB), and parsed in seconds."""

_KINDS = ((stat.S_ISDIR, "a directory"), (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
          (stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISSOCK, "a socket"))
_BOMS = ((b"\xff\xfe\x00\x00", "UTF-32"), (b"\x00\x00\xfe\xff", "UTF-32"), (b"\xff\xfe", "UTF-16"),
         (b"\xfe\xff", "UTF-16"))


@dataclass
class FileProblem(ScenarioError):
    """The file cannot be a scenario at all (missing, not a regular file, unreadable, not text,
    not a mapping); its ``message`` reads after the file's name ("a directory, not a YAML file")."""


def _not_regular(mode: int) -> str | None:
    """What the file is when it is not a regular file, or None."""
    if stat.S_ISREG(mode):
        return None
    return next((name for test, name in _KINDS if test(mode)), "not a regular file")


def _oserror(exc: OSError, file: str) -> FileProblem:
    if exc.errno in (errno.ENOENT, errno.ENOTDIR):
        return FileProblem("file not found", file=file)
    reason = "a symbolic link loop" if exc.errno == errno.ELOOP else (exc.strerror or str(exc))
    return FileProblem(f"cannot read file: {reason}", file=file)


def check_file(path: str | os.PathLike[str], file: str) -> None:
    """Refuse, without opening it, a path that is not an existing regular file (or cannot be)."""
    name = os.fspath(path)
    if "\0" in name:
        raise FileProblem("the file name contains a null byte", file=file)
    try:
        mode = os.stat(name).st_mode
    except OSError as exc:
        raise _oserror(exc, file) from None
    kind = _not_regular(mode)
    if kind is not None:
        raise FileProblem(f"{kind}, not a YAML file", file=file)


def _open_for_reading(name: str) -> int:
    """A descriptor open for reading that never waits (a named pipe without a writer opens at once)."""
    return os.open(name, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))


def read_bytes(path: str | os.PathLike[str], file: str) -> bytes:
    """The bytes of a regular file of at most MAX_BYTES, or a FileProblem saying why not."""
    check_file(path, file)
    try:
        fd = _open_for_reading(os.fspath(path))
    except OSError as exc:
        raise _oserror(exc, file) from None
    try:
        kind = _not_regular(os.fstat(fd).st_mode)  # swapped for something else since the check?
        if kind is not None:
            raise FileProblem(f"{kind}, not a YAML file", file=file)
        chunks, size = [], 0
        while size <= MAX_BYTES and (chunk := os.read(fd, MAX_BYTES + 1 - size)):
            chunks.append(chunk)
            size += len(chunk)
    except OSError as exc:
        raise _oserror(exc, file) from None
    finally:
        os.close(fd)
    if size > MAX_BYTES:
        raise FileProblem(f"larger than {MAX_BYTES >> 20} MiB; a scenario file is a few dozen KB", file=file)
    return b"".join(chunks)


def decode(raw: bytes, file: str) -> str:
    """UTF-8 text (a BOM allowed); a binary file or another encoding is a FileProblem."""
    for bom, encoding in _BOMS:
        if raw.startswith(bom):
            raise FileProblem(f"{encoding} text; save it as UTF-8", file=file)
    if b"\0" in raw:
        line = raw[: raw.index(b"\0")].count(b"\n") + 1
        raise FileProblem("a binary file (it holds NUL bytes), not YAML text", file=file, line=line)
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise FileProblem("file is not valid UTF-8 text", file=file, line=line) from None


def read_text(path: str | os.PathLike[str], file: str) -> str:
    """The text of a scenario file, read within bounded time and memory."""
    return decode(read_bytes(path, file), file)
