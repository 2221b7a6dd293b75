"""Results of a run or a comparison, in memory or in a folder: what plots and reports read.

``meedoen run --out`` and ``meedoen compare --out`` write folders with the same profile tables
(``series.csv``, ``curves.csv``, ``resources.csv``, ``equity.csv``, or ``.parquet`` for each, see
``simulation.outcomes.profiles``) beside their own tables and a manifest that keeps each scenario's
resolved data; ``Results.load`` reads either kind back, and ``Results.from_comparison`` /
``Results.from_run`` make the same object without touching disk.
"""

from __future__ import annotations

import functools
import json
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from simulation.errors import ScenarioError
from simulation.outcomes.profiles import PROFILE_FILES, profile_tables, replication_profile
from simulation.results.folders import write_tables
from simulation.results.manifest import RESULTS_FOLDER, provenance, read_manifest
from simulation.results.table_files import read_table_file, table_file

if TYPE_CHECKING:
    from simulation.model.run import RunResult

# Hints in the terms of the Python API (``simulation.cli`` says them with its flags).
COMPARE_FOLDER = "compare the scenarios and write the comparison's folder (write_comparison)"


@dataclass
class Results:
    """One or more scenarios' replications: headline values, their summary and profile tables."""

    kind: str  # "run" (one replication) or "comparison"
    scenarios: list[dict[str, Any]]  # label, name, file, chain, overrides, hash, resolved
    replications: pd.DataFrame  # tidy: scenario, scenario_hash, replication, outcome, value
    summary: pd.DataFrame  # simulation.experiments.summarise of the above
    tables: dict[str, pd.DataFrame]  # series, curves, resources, equity
    manifest: dict[str, Any] = field(default_factory=dict)  # provenance: versions, seed, reps, command
    folder: Path | None = None

    @property
    def labels(self) -> list[str]:
        return [s["label"] for s in self.scenarios]

    @property
    def reps(self) -> int:
        return int(self.replications["replication"].nunique())

    def __getattr__(self, name: str) -> pd.DataFrame:
        tables = self.__dict__.get("tables", {})
        if name in tables:
            return tables[name]
        raise AttributeError(name)

    # --- making one ---------------------------------------------------------------------------

    @classmethod
    def from_comparison(cls, summary: pd.DataFrame) -> Results:
        """From what ``simulation.compare`` returned."""
        meta = summary.attrs
        manifest = {"kind": "comparison", **provenance(meta.get("command")), "seed": meta["seed"], "reps": meta["reps"],
                    "converged": meta.get("converged"), "scenarios": meta["scenarios"]}
        if meta.get("decomposition_worlds"):
            manifest["decomposition"] = meta["decomposition_worlds"]
        return cls("comparison", list(meta["scenarios"]), meta["replications"], summary,
                   profile_tables(meta["profiles"]), manifest)

    @classmethod
    def from_run(cls, result: RunResult) -> Results:
        """From one replication (``simulation.run``)."""
        from simulation.experiments.replication import scenario_record
        from simulation.outcomes.headline import headline as headline_table
        from simulation.outcomes.statistics import summarise
        from simulation.results.manifest import manifest as run_manifest

        record = scenario_record(result.scenario.name, result.scenario)
        headline = headline_table(result)
        replications = pd.DataFrame({"scenario": record["label"], "scenario_hash": record["hash"],
                                     "replication": result.replication, "outcome": headline["outcome"],
                                     "value": headline["value"].astype(float)})
        tables = profile_tables([(record["label"], result.replication, replication_profile(result))])
        manifest = {"kind": "run", **run_manifest(result), "scenarios": [record], "reps": 1}
        manifest.pop("resolved_scenario", None)
        return cls("run", [record], replications, summarise(replications), tables, manifest)

    @classmethod
    def load(cls, folder: str | os.PathLike[str]) -> Results:
        """Read a folder written by ``meedoen run --out`` or ``meedoen compare --out``."""
        from simulation.outcomes.statistics import summarise

        path = Path(folder)
        if not path.is_dir():
            raise ScenarioError("is not a folder of results", file=str(path), hint=RESULTS_FOLDER)
        manifest = read_manifest(path)
        kind = manifest.get("kind", "run")
        if kind == "plots":
            raise ScenarioError("holds figures, not results", file=str(path),
                                hint="give the results folder the figures were drawn from")
        if kind not in ("run", "comparison"):
            raise ScenarioError(f"holds a {kind}; plots and reports are made from run or compare results",
                                file=str(path), hint=COMPARE_FOLDER)
        missing = [name for name in PROFILE_FILES.values() if not table_file(path, name).is_file()]
        if missing:
            raise ScenarioError(f"has no {missing[0]}: written by an older meedoen", file=str(path),
                                hint="run the experiment again with this version")
        tables = {name: read_csv(table_file(path, filename)) for name, filename in PROFILE_FILES.items()}
        if kind == "comparison":
            replications = read_csv(table_file(path, "replications.csv"))
            scenarios = manifest["scenarios"]
        else:
            record = {"label": manifest["scenario"], "name": manifest["scenario"], "file": manifest["scenario_file"],
                      "chain": manifest.get("scenario_chain", []), "overrides": manifest.get("scenario_overrides", []),
                      "hash": manifest["scenario_hash"],
                      "resolved": manifest.get("resolved_scenario", {})}
            scenarios = [record]
            headline = read_csv(table_file(path, "headline.csv"))
            replications = pd.DataFrame({"scenario": record["label"], "scenario_hash": record["hash"],
                                         "replication": manifest.get("replication", 0),
                                         "outcome": headline["outcome"], "value": headline["value"].astype(float)})
            manifest = {**manifest, "kind": "run", "scenarios": scenarios, "reps": 1}
        return cls(kind, scenarios, replications, summarise(replications), tables, manifest, path)

    # --- what the report shows ----------------------------------------------------------------

    @functools.cached_property
    def decomposition(self) -> pd.DataFrame | None:
        """Policy, place and interaction effects when the comparison is a 2 × 2 (``compare --decompose``);
        computed once from the replications (the report's sections and the folder's table all read it)."""
        from simulation.experiments.decomposition import effects

        worlds = self.manifest.get("decomposition")
        if not worlds:
            return None
        return effects(self.replications, worlds["labels"], worlds["names"])

    def differences(self) -> pd.DataFrame:
        """The scenario keys whose values differ: key, then one column of value text per scenario.

        Computed from each scenario's resolved data (its files merged along ``extends``, plus
        any ``--set``), so it shows exactly what the runs were given; "—" where a key is absent.
        """
        flat = [flatten(s.get("resolved", {})) for s in self.scenarios]
        keys = sorted(set().union(*flat), key=_key_order(flat))
        rows = []
        for key in keys:
            values = [f.get(key) for f in flat]
            if len(set(values)) > 1:
                rows.append({"key": key, **{label: "—" if v is None else v for label, v in zip(self.labels, values)}})
        return pd.DataFrame(rows, columns=["key", *self.labels])


def read_csv(path: Path) -> pd.DataFrame:
    """A table meedoen wrote, CSV or Parquet (``table_file``): in a CSV only an empty cell is missing,
    so a scenario named "NA" or "01" stays that text (pandas would read NaN and 1)."""
    return read_table_file(path, dtype={"scenario": str}, keep_default_na=False, na_values=[""])


def flatten(data: Any, prefix: str = "") -> dict[str, str]:
    """Nested scenario data as dotted keys → value text (lists of values as compact JSON; lists
    of mappings, such as policy_changes, by index, so only the keys that differ show)."""
    if isinstance(data, dict):
        out: dict[str, str] = {}
        for key, value in data.items():
            out.update(flatten(value, f"{prefix}.{key}" if prefix else str(key)))
        return out
    if isinstance(data, list):
        return _flatten_list(data, prefix)
    return {prefix: _value_text(data)}


def _flatten_list(data: list, prefix: str) -> dict[str, str]:
    if any(isinstance(item, dict) for item in data):
        return {k: v for i, item in enumerate(data) for k, v in flatten(item, f"{prefix}.{i}").items()}
    return {prefix: json.dumps(data, ensure_ascii=False, separators=(", ", ": "), default=str)}


def _value_text(value: Any) -> str:
    """A scalar as YAML writes it: true/false, null, else its text."""
    if isinstance(value, bool):
        return "true" if value else "false"
    return "null" if value is None else str(value)


def _key_order(flat: Sequence[dict[str, str]]) -> Any:
    """Keys in the order the first scenario that has them lists them (the file's own order)."""
    order: dict[str, int] = {}
    for f in flat:
        for key in f:
            order.setdefault(key, len(order))
    return order.__getitem__


def write_comparison(summary: pd.DataFrame, path: str | os.PathLike[str], overwrite: bool = False,
                     extra_manifest: dict[str, Any] | None = None, table_format: str = "csv") -> Path:
    """A compare's folder: summary, tidy replications, profile tables (CSV or Parquet), manifest (atomic)."""
    results = Results.from_comparison(summary)
    manifest = {**results.manifest, **(extra_manifest or {})}
    tables = {"summary.csv": summary, "replications.csv": results.replications,
              **{PROFILE_FILES[name]: table for name, table in results.tables.items()}}
    if results.decomposition is not None:
        tables["decomposition.csv"] = results.decomposition
    return write_tables(path, tables, manifest, overwrite=overwrite, table_format=table_format)
