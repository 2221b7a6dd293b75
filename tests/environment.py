"""What every results folder's manifest and every store record says of the software that made it:
Python and the NumPy, SciPy, SimPy and pandas versions (``simulation.version.RECORDED_LIBRARIES``).
The tests that write each kind of folder (run, compare, sweep, trial, calibrate, sensitivity, plot)
check it with :func:`assert_records_environment`."""

from __future__ import annotations

import platform
from importlib.metadata import version
from typing import Any

LIBRARIES = ("numpy", "scipy", "simpy", "pandas")


def assert_records_environment(manifest: dict[str, Any]) -> None:
    """A manifest names this Python and these libraries' installed versions."""
    assert manifest["python"] == platform.python_version(), manifest.get("python")
    assert manifest["libraries"] == {name: version(name) for name in LIBRARIES}, manifest.get("libraries")


def assert_record_environment(record: dict[str, Any]) -> None:
    """A store record names the same, under ``environment``."""
    assert record["environment"] == {"python": platform.python_version(), **{n: version(n) for n in LIBRARIES}}
