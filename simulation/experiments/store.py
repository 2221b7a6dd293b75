"""Replication results on disk, so that an interrupted compare or sweep resumes where it stopped.

One small JSON file per replication, at
``ROOT/<model version>/<scenario hash>/seed-<seed>/rep-<replication>.json``: the key is
everything that determines the numbers (the resolved scenario, the seed, the replication and
the model's source), so a stored record is only ever reused for exactly the run it came from.
A record also names the versions of NumPy, SciPy and SimPy it was made with
(``version.MODEL_LIBRARIES``: NumPy promises the same streams only on the same build); one made
under other versions is a miss, recomputed and replaced. Its ``environment`` records Python and
pandas besides those three (``version.recorded_environment``), as a manifest does; they are not
part of the key.

Each file is written to a temporary name in the same folder, flushed to disk and renamed into
place (``simulation.files.atomic_write``). A record also carries a checksum of its
own content; a file that is truncated, edited, nested past the JSON decoder's recursion limit or
not a file at all (a folder in its place) is treated as missing and recomputed, never read as valid.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import shutil
from pathlib import Path
from typing import Any

from simulation.errors import ScenarioError
from simulation.files import atomic_write, nearest_existing, probe_folder
from simulation.version import library_versions, recorded_environment

FORMAT = 2  # 2: a record also holds the replication's profile (simulation/outcomes/profiles.py)


def default_root() -> Path:
    """``$MEEDOEN_STORE``, else the user's cache folder (``$XDG_CACHE_HOME`` or ``~/.cache``)."""
    if os.environ.get("MEEDOEN_STORE"):
        return Path(os.environ["MEEDOEN_STORE"])
    cache = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(cache) / "meedoen" / "replications"


#: A record is a small JSON file (headline values and a profile, a few KB); anything much larger is
#: not one of ours, and is not read (a link to a device or a huge file must not stall or fill memory).
MAX_RECORD_BYTES = 16 * 2**20


def _checksum(record: dict[str, Any]) -> str:
    body = {key: value for key, value in record.items() if key != "checksum"}
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


def _clear(folder: Path) -> None:
    if folder.is_symlink():
        folder.unlink()
    else:
        shutil.rmtree(folder)


def _checksum_fits(record: dict[str, Any]) -> bool:
    try:
        return bool(record.get("checksum") == _checksum(record))
    except (RecursionError, ValueError):  # nested too deep to encode again: not a record of ours
        return False


def _read(path: Path) -> object:
    """A record file's JSON, or None when it is missing, not a regular file, too large or not JSON
    (truncated, or nested past the decoder's recursion limit): damage is a miss, never an error."""
    try:
        if not path.is_file() or path.stat().st_size > MAX_RECORD_BYTES:
            return None
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        return None


class ResultStore:
    """Per-replication records under ``root``; ``root=None`` keeps nothing (``store=False``)."""

    def __init__(self, root: str | os.PathLike[str] | None, model_version: str,
                 libraries: dict[str, str] | None = None) -> None:
        self.root = None if root is None else Path(root)
        self.model_version = model_version
        #: the versions of the libraries that decide the numbers (``version.MODEL_LIBRARIES``)
        self.libraries = library_versions() if libraries is None else dict(libraries)
        #: what each record also says it was made with (Python, the libraries, pandas); not part of the key
        self.environment = recorded_environment()

    def check_writable(self) -> None:
        """Fail before any work when the store cannot be written (bad input, exit code 2); creates
        nothing: the store's folders are made with its first record."""
        if self.root is None:
            return
        try:
            probe_folder(nearest_existing(self.root.absolute()))
        except OSError as exc:
            raise ScenarioError(f"cannot write replication results here ({exc.strerror or exc})",
                                file=str(self.root), argument="store",
                                hint="choose another folder, or store=False to keep nothing on disk") from None

    def path(self, scenario_hash: str, seed: int, replication: int) -> Path:
        assert self.root is not None
        return self.root / self.model_version / scenario_hash / f"seed-{seed}" / f"rep-{replication:05d}.json"

    def get(self, scenario_hash: str, seed: int, replication: int) -> dict[str, Any] | None:
        """The stored record, or None when absent, unreadable or not exactly this run's."""
        if self.root is None:
            return None
        record = _read(self.path(scenario_hash, seed, replication))
        if not isinstance(record, dict) or not _checksum_fits(record):
            return None
        wanted = {"format": FORMAT, "scenario_hash": scenario_hash, "seed": seed, "replication": replication,
                  "model_version": self.model_version, "libraries": self.libraries}
        if any(record.get(key) != value for key, value in wanted.items()):
            return None
        return record

    def put(self, scenario_hash: str, seed: int, replication: int, values: dict[str, float],
            runtime_s: float, events: int, profile: dict[str, Any] | None = None) -> dict[str, Any]:
        """Build the record and, with a root, write it atomically; returns the record as ``get`` will
        read it back (its keys sorted, JSON's types), so a replication computed now and one read
        from the store are the same data and give the same files to the byte."""
        record: dict[str, Any] = {
            "format": FORMAT, "scenario_hash": scenario_hash, "seed": seed, "replication": replication,
            "model_version": self.model_version, "libraries": self.libraries, "environment": self.environment,
            "runtime_s": runtime_s, "events": events,
            # JSON has no NaN; None stands for "undefined in this run" (e.g. no wijkteam)
            "values": {key: (None if isinstance(v, float) and math.isnan(v) else v) for key, v in values.items()},
            "profile": profile,
        }
        if self.root is not None and (damage := self.path(scenario_hash, seed, replication)).is_dir():
            _clear(damage)  # a folder in the record's place: the record replaces it
        record["checksum"] = _checksum(record)
        if self.root is not None:
            target = self.path(scenario_hash, seed, replication)
            target.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(target, lambda stream: json.dump(record, stream, sort_keys=True))
        return json.loads(json.dumps(record, sort_keys=True))  # as get() reads it back
