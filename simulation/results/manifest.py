"""Where a result folder came from: the manifest of a run and the provenance every folder records
(package and model version, source commit, Python, command line)."""

from __future__ import annotations

import json
import platform
import subprocess
from pathlib import Path

from simulation.model.run import RunResult
from simulation.results.folders import TABLE_FILES
from simulation.version import model_version, package_version


def git_commit() -> str | None:
    """The commit of the source tree the package runs from, if it is a git checkout."""
    here = Path(__file__).resolve().parent
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], cwd=here, capture_output=True, text=True, timeout=5)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None if out.returncode == 0 else None


def provenance(command: list[str] | None = None) -> dict:
    """Who made a result folder: package version, source commit, Python, command line."""
    return {"package": "meedoen", "version": package_version(), "model_version": model_version(),
            "git_commit": git_commit(), "python": platform.python_version(), "command": command}


def manifest(result: RunResult, command: list[str] | None = None) -> dict:
    """A run folder's manifest: the scenario (resolved, so it can be run again), seed and provenance."""
    scenario = result.scenario
    return {
        "kind": "run",
        "scenario": scenario.name,
        "scenario_file": scenario.path,
        "scenario_chain": scenario.raw.chain,
        "scenario_overrides": scenario.raw.overrides,
        "scenario_hash": scenario.hash,
        "resolved_scenario": json.loads(scenario.resolved_json),
        "seed": result.seed,
        "replication": result.replication,
        **provenance(command),
        "version": result.version,
        "runtime_s": round(result.runtime_s, 3),
        "sim_time_days": result.sim_time,
        "simpy_events": result.simpy_events,
        "files": {name: TABLE_FILES[name] for name in TABLE_FILES if name in result.tables},
    }
