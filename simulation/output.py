"""Writing a run's results to a folder: tables as CSV, a manifest, nothing half-written.

Files go to a temporary folder beside the target, which is renamed into place at the end; a
target that already holds results is refused unless the caller allows overwriting.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
import tempfile
from pathlib import Path

import pandas as pd

from simulation.errors import ScenarioError
from simulation.runner import RunResult

MANIFEST = "manifest.json"
TABLE_FILES = {
    "monthly": "monthly.csv",
    "clients": "clients.csv",
    "spells": "spells.csv",
    "jobs": "jobs.csv",
    "waits": "waits.csv",
    "sanctions": "sanctions.csv",
    "placements": "placements.csv",
    "budget": "budget.csv",
    "events": "events.csv",
}


def git_commit() -> str | None:
    """The commit of the source tree the package runs from, if it is a git checkout."""
    here = Path(__file__).resolve().parent
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], cwd=here, capture_output=True, text=True, timeout=5)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None if out.returncode == 0 else None


def check_output_dir(path: str | os.PathLike[str], overwrite: bool) -> Path:
    """Fail early (before a run) when the folder cannot be written or already holds results."""
    target = Path(path)
    if target.exists() and not target.is_dir():
        raise ScenarioError("exists and is not a folder", file=str(target), hint="choose another --out")
    if target.is_dir() and any(target.iterdir()) and not overwrite:
        raise ScenarioError("already holds results; not overwriting them", file=str(target),
                            hint="choose another --out, or add --overwrite")
    parent = target.resolve().parent
    probe_parent = parent
    while not probe_parent.exists():
        probe_parent = probe_parent.parent
    if not os.access(probe_parent, os.W_OK | os.X_OK):
        raise ScenarioError("cannot write here (permission denied)", file=str(target), hint="choose another --out")
    try:
        parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=parent, prefix=".meedoen-probe-"):
            pass
    except OSError as exc:
        raise ScenarioError(f"cannot write here ({exc.strerror or exc})", file=str(target),
                            hint="choose another --out") from None
    return target


def manifest(result: RunResult, command: list[str] | None = None) -> dict:
    scenario = result.scenario
    return {
        "scenario": scenario.name,
        "scenario_file": scenario.path,
        "scenario_chain": scenario.raw.chain,
        "scenario_hash": scenario.hash,
        "resolved_scenario": json.loads(scenario.resolved_json),
        "seed": result.seed,
        "replication": result.replication,
        "package": "meedoen",
        "version": result.version,
        "git_commit": git_commit(),
        "python": platform.python_version(),
        "runtime_s": round(result.runtime_s, 3),
        "sim_time_days": result.sim_time,
        "simpy_events": result.events,
        "command": command,
        "files": {name: TABLE_FILES[name] for name in TABLE_FILES if name in result.tables},
    }


def write_results(result: RunResult, path: str | os.PathLike[str], overwrite: bool = False,
                  command: list[str] | None = None) -> Path:
    """Write every table, the headline and the manifest; atomic at the folder level."""
    target = check_output_dir(path, overwrite)
    staging = Path(tempfile.mkdtemp(dir=target.resolve().parent, prefix=f".{target.name}.partial-"))
    try:
        for name, filename in TABLE_FILES.items():
            table = result.tables.get(name)
            if table is not None:
                table.to_csv(staging / filename, index=False, date_format="%Y-%m-%dT%H:%M:%S")
        result.headline().to_csv(staging / "headline.csv", index=False)
        (staging / MANIFEST).write_text(json.dumps(manifest(result, command), indent=2, default=str))
        if target.exists():
            shutil.rmtree(target)
        staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return target


def read_table(path: str | os.PathLike[str], name: str) -> pd.DataFrame:
    return pd.read_csv(Path(path) / TABLE_FILES.get(name, f"{name}.csv"))
