"""Where a result folder came from: the manifest of a run and the provenance every folder records
(package and model version, source commit, Python and library versions, command line), and
reading a manifest back with every key its readers use checked."""

from __future__ import annotations

import json
import os
import platform
import subprocess
from pathlib import Path
from typing import Any

from simulation.defaults import MAX_SEED
from simulation.errors import ScenarioError
from simulation.model.run import RunResult
from simulation.results.folders import MANIFEST, TABLE_FILES
from simulation.results.table_files import table_name
from simulation.version import RECORDED_LIBRARIES, library_versions, model_version, package_version


def git_commit() -> str | None:
    """The commit of the source tree the package runs from, if it is a git checkout."""
    here = Path(__file__).resolve().parent
    try:
        out = subprocess.run(["git", "rev-parse", "HEAD"], cwd=here, capture_output=True, text=True, timeout=5)
    except (OSError, subprocess.SubprocessError):
        return None
    return out.stdout.strip() or None if out.returncode == 0 else None


def provenance(command: list[str] | None = None) -> dict:
    """Who made a result folder: package version, source commit, Python and the libraries that
    decide or hold the numbers (numpy, scipy, simpy, pandas), command line."""
    return {"package": "meedoen", "version": package_version(), "model_version": model_version(),
            "git_commit": git_commit(), "python": platform.python_version(),
            "libraries": library_versions(RECORDED_LIBRARIES), "command": command}


def manifest(result: RunResult, command: list[str] | None = None, table_format: str = "csv") -> dict:
    """A run folder's manifest: the scenario (resolved, so it can be run again), seed, provenance and
    its tables' files (``table_format``: CSV or Parquet)."""
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
        "format": table_format,
        "files": {name: table_name(TABLE_FILES[name], table_format) for name in TABLE_FILES if name in result.tables},
    }


# --- reading a manifest back ------------------------------------------------------------------
# A folder may have been edited or damaged by hand: every key a reader of the folder uses (plots,
# report, journeys, export-log) is checked here, so a bad manifest is one line of bad input, never
# a traceback from deep inside a reader.

RESULTS_FOLDER = "give a folder written by write_results or write_comparison"
Spec = Any  # a type (or tuple of types) for a value, a dict of key → (spec, required) for an object, a list [spec]
NUMBER = (int, float)
POLICY_FROM = {"chain": ([str], True), "policy": (str, True), "place": (str, True), "factor": (NUMBER, True),
               "place_clients": (NUMBER, True), "policy_clients": (NUMBER, True),
               "conversions": ([{"key": (str, True), "kind": (str, True), "there": (NUMBER, True),
                                 "per_1000": (NUMBER, True), "here": (NUMBER, True)}], True)}
SCENARIO_RECORD = {"label": (str, True), "name": (str, True), "hash": (str, True), "file": (str, False),
                   "chain": ([str], False), "overrides": ([str], False), "resolved": (dict, False),
                   "policy_from": (POLICY_FROM, False)}
PROVENANCE = {"command": ([str], False), "seed": (int, False), "replication": (int, False), "reps": (int, False),
              "libraries": (dict, False)}
RUN = {**PROVENANCE, "scenario": (str, True), "scenario_file": (str, True), "scenario_hash": (str, True),
       "scenario_chain": ([str], False), "scenario_overrides": ([str], False), "resolved_scenario": (dict, False)}
COMPARISON = {**PROVENANCE, "seed": (int, True), "scenarios": ([SCENARIO_RECORD], True),
              "decomposition": ({"labels": ([str], True), "names": ({"a": (str, True), "b": (str, True)}, True)}, False)}


def read_manifest(folder: str | os.PathLike[str], required: bool = True) -> dict[str, Any]:
    """A results folder's manifest, checked to hold what its readers use (``ScenarioError`` if not);
    ``{}`` for a folder without one unless ``required``.

    A run's manifest (``kind`` "run", or none) needs its scenario; a comparison's its seed and
    scenario records; other kinds (plots, sweep, ...) only say what they are.
    """
    path = Path(folder) / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        if not required:
            return {}
        raise ScenarioError(f"has no {MANIFEST}; not a meedoen results folder", file=str(folder),
                            hint=RESULTS_FOLDER) from None
    except OSError as exc:
        raise ScenarioError(f"has no readable {MANIFEST} ({exc.strerror or exc}); not a meedoen results folder",
                            file=str(folder), hint=RESULTS_FOLDER) from None
    except (ValueError, RecursionError):  # RecursionError: nested beyond what the decoder follows
        raise ScenarioError("is not valid JSON (damaged or edited?)", file=str(path), hint=RESULTS_FOLDER) from None
    if not isinstance(manifest, dict):
        raise ScenarioError(f"must hold a JSON object of keys, not {_kind_of(manifest)}", file=str(path),
                            hint=RESULTS_FOLDER)
    kind = manifest.get("kind", "run")
    spec = {"run": RUN, "comparison": COMPARISON}.get(kind, {}) if isinstance(kind, str) else {}
    problem = _problem(manifest, {"kind": (str, False), **spec}, ())
    if problem is not None:
        key, message = problem
        raise ScenarioError(message, file=str(path), key=key or None, hint=RESULTS_FOLDER)
    return manifest


def _kind_of(value: object) -> str:
    names = {dict: "an object", list: "a list", str: "a string", bool: "true or false", type(None): "null"}
    return names.get(type(value), "a number")


def _problem(value: object, spec: Spec, at: tuple[str, ...]) -> tuple[str, str] | None:
    """The first place where ``value`` does not fit ``spec``: (dotted key, what is wrong), or None."""
    if isinstance(spec, list):
        if not isinstance(value, list):
            return ".".join(at), f"must be a list, not {_kind_of(value)}"
        return next((p for i, item in enumerate(value) if (p := _problem(item, spec[0], (*at, str(i))))), None)
    if isinstance(spec, dict):
        return _object_problem(value, spec, at)
    return _value_problem(value, spec, ".".join(at))


def _value_problem(value: object, spec: type | tuple[type, ...], where: str) -> tuple[str, str] | None:
    """A plain value of the wrong type; a whole number (a seed, a replication, a count) outside 0..MAX_SEED."""
    if isinstance(value, bool) or not isinstance(value, spec):
        names = {int: "a whole number", str: "a string", dict: "an object"}
        expected = names.get(spec, "a number") if isinstance(spec, type) else "a number"
        return where, f"must be {expected}, not {_kind_of(value)}"
    if spec is int and isinstance(value, int) and not 0 <= value <= MAX_SEED:
        return where, f"must be a whole number from 0 to {MAX_SEED}, not {value}"
    return None


def _object_problem(value: object, spec: dict[str, tuple[Spec, bool]], at: tuple[str, ...]) -> tuple[str, str] | None:
    """A required key missing, or the first key whose value does not fit (null is "not given" for an optional key)."""
    if not isinstance(value, dict):
        return ".".join(at), f"must be an object of keys, not {_kind_of(value)}"
    for key, (inner, required) in spec.items():
        if required and key not in value:
            return ".".join(at), f"misses the key '{key}'"
        if value.get(key) is not None or required:
            found = _problem(value[key], inner, (*at, key))
            if found is not None:
                return found
    return None
