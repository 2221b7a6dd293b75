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
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

from simulation.errors import ScenarioError
from simulation.files import publish
from simulation.outcomes.profiles import PROFILE_FILES, profile_tables, replication_profile
from simulation.model.run import RunResult
from simulation.outcomes.headline import headline
from simulation.version import model_version, package_version

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
    "rungs": "rungs.csv",
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
    """Fail early (before a run) when the folder cannot be written or already holds something.

    ``--overwrite`` only ever replaces an earlier meedoen result (a folder with a manifest);
    the working folder, its ancestors and folders holding other files are never replaced.
    """
    target = Path(path)
    resolved = target.resolve()
    if resolved == Path.cwd().resolve() or resolved in Path.cwd().resolve().parents:
        raise ScenarioError("is the current folder or one of its parents; results need a folder of their own",
                            file=str(target), hint="choose a new folder, e.g. --out results/run1")
    if target.exists() and not target.is_dir():
        raise ScenarioError("exists and is not a folder", file=str(target), hint="choose another --out")
    if target.is_dir() and any(target.iterdir()):
        if not overwrite:
            raise ScenarioError("already holds results; not overwriting them", file=str(target),
                                hint="choose another --out, or add --overwrite")
        if not (target / MANIFEST).is_file():
            raise ScenarioError("holds files that are not meedoen results; --overwrite only replaces earlier results",
                                file=str(target), hint="choose another --out")
    existing = resolved.parent
    while not existing.exists():
        existing = existing.parent
    if not existing.is_dir():
        raise ScenarioError(f"cannot create it: {existing} is a file, not a folder", file=str(target),
                            hint="choose another --out")
    try:
        resolved.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=resolved.parent, prefix=".meedoen-probe-"):
            pass
    except OSError as exc:
        raise ScenarioError(f"cannot write here ({exc.strerror or exc})", file=str(target),
                            hint="choose another --out") from None
    return target


def manifest(result: RunResult, command: list[str] | None = None) -> dict:
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


@contextmanager
def staged_folder(path: str | os.PathLike[str], overwrite: bool = False) -> Iterator[Path]:
    """Yield a temporary folder beside ``path``; rename it into place only if the block succeeds.

    A crash, Ctrl-C or bad input inside the block leaves neither a half-written target nor
    the staging folder behind.
    """
    target = check_output_dir(path, overwrite)
    staging = Path(tempfile.mkdtemp(dir=target.resolve().parent, prefix=f".{target.name}.partial-"))
    try:
        yield staging
        publish(staging, folder=True)
        if target.exists():
            shutil.rmtree(target)
        staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def provenance(command: list[str] | None = None) -> dict:
    """Who made a result folder: package version, source commit, Python, command line."""
    return {"package": "meedoen", "version": package_version(), "model_version": model_version(),
            "git_commit": git_commit(), "python": platform.python_version(), "command": command}


def write_results(result: RunResult, path: str | os.PathLike[str], overwrite: bool = False,
                  command: list[str] | None = None) -> Path:
    """Write every table, the headline and the manifest; atomic at the folder level."""
    with staged_folder(path, overwrite) as staging:
        for name, filename in TABLE_FILES.items():
            table = result.tables.get(name)
            if table is not None:
                table.to_csv(staging / filename, index=False, date_format="%Y-%m-%dT%H:%M:%S")
        headline(result).to_csv(staging / "headline.csv", index=False)
        profile = profile_tables([(result.scenario.name, result.replication, replication_profile(result))])
        for name, filename in PROFILE_FILES.items():
            profile[name].to_csv(staging / filename, index=False)
        (staging / MANIFEST).write_text(json.dumps(manifest(result, command), indent=2, default=str))
    return Path(path)


def write_tables(path: str | os.PathLike[str], tables: dict[str, pd.DataFrame], manifest_data: dict,
                 overwrite: bool = False) -> Path:
    """Write CSV tables (file name → table) and a manifest; atomic at the folder level."""
    with staged_folder(path, overwrite) as staging:
        for filename, table in tables.items():
            table.to_csv(staging / filename, index=False)
        (staging / MANIFEST).write_text(json.dumps(manifest_data, indent=2, default=str))
    return Path(path)


def check_file_target(path: str | os.PathLike[str], suffixes: tuple[str, ...]) -> Path:
    """A file we will write later (a plot): right suffix, and its folder exists and is writable."""
    target = Path(path)
    if target.suffix.lower() not in suffixes:
        raise ScenarioError(f"must end in {' or '.join(suffixes)}", file=str(target))
    folder = target.resolve().parent
    if not folder.is_dir():
        raise ScenarioError(f"folder {folder} does not exist", file=str(target), hint="create it first")
    if target.is_dir():
        raise ScenarioError("is a folder, not a file name", file=str(target))
    try:
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".meedoen-probe-"):
            pass
    except OSError as exc:
        raise ScenarioError(f"cannot write here ({exc.strerror or exc})", file=str(target)) from None
    return target


def read_table(path: str | os.PathLike[str], name: str) -> pd.DataFrame:
    return pd.read_csv(Path(path) / TABLE_FILES.get(name, f"{name}.csv"))
