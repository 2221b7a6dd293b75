"""Replication results on disk, so that an interrupted compare or sweep resumes where it stopped.

One small JSON file per replication, at
``ROOT/<model version>/<scenario hash>/seed-<seed>/rep-<replication>.json``: the key is
everything that determines the numbers (the resolved scenario, the seed, the replication and
the model's source), so a stored record is only ever reused for exactly the run it came from.

Each file is written to a temporary name in the same folder, flushed to disk and renamed into
place (``simulation.files.atomic_write``). A record also carries a checksum of its
own content; a file that is truncated or edited is treated as missing and recomputed, never
read as valid.
"""

from __future__ import annotations

import hashlib
import json
import math
import os
import tempfile
from pathlib import Path
from typing import Any

from simulation.errors import ScenarioError
from simulation.files import atomic_write

FORMAT = 2  # 2: a record also holds the replication's profile (simulation/outcomes/profiles.py)


def default_root() -> Path:
    """``$MEEDOEN_STORE``, else the user's cache folder (``$XDG_CACHE_HOME`` or ``~/.cache``)."""
    if os.environ.get("MEEDOEN_STORE"):
        return Path(os.environ["MEEDOEN_STORE"])
    cache = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(cache) / "meedoen" / "replications"


def _checksum(record: dict[str, Any]) -> str:
    body = {key: value for key, value in record.items() if key != "checksum"}
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()


class ResultStore:
    """Per-replication records under ``root``; ``root=None`` keeps nothing (``store=False``)."""

    def __init__(self, root: str | os.PathLike[str] | None, model_version: str) -> None:
        self.root = None if root is None else Path(root)
        self.model_version = model_version

    def check_writable(self) -> None:
        """Fail before any work when the store cannot be written (bad input, exit code 2)."""
        if self.root is None:
            return
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            with tempfile.NamedTemporaryFile(dir=self.root, prefix=".probe-"):
                pass
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
        try:
            record = json.loads(self.path(scenario_hash, seed, replication).read_text())
        except (OSError, ValueError):
            return None
        if not isinstance(record, dict) or record.get("checksum") != _checksum(record):
            return None
        wanted = {"format": FORMAT, "scenario_hash": scenario_hash, "seed": seed, "replication": replication,
                  "model_version": self.model_version}
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
            "model_version": self.model_version, "runtime_s": runtime_s, "events": events,
            # JSON has no NaN; None stands for "undefined in this run" (e.g. no wijkteam)
            "values": {key: (None if isinstance(v, float) and math.isnan(v) else v) for key, v in values.items()},
            "profile": profile,
        }
        record["checksum"] = _checksum(record)
        if self.root is not None:
            target = self.path(scenario_hash, seed, replication)
            target.parent.mkdir(parents=True, exist_ok=True)
            atomic_write(target, lambda stream: json.dump(record, stream, sort_keys=True))
        return json.loads(json.dumps(record, sort_keys=True))  # as get() reads it back
