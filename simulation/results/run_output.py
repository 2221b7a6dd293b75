"""Writing one run's results to a folder: its tables as CSV, the headline, the profile tables
that plots and reports read, an experiment's arms compared (when the scenario has one), and the
manifest, atomically at the folder level."""

from __future__ import annotations

import json
import os
from pathlib import Path

from simulation.model.run import RunResult
from simulation.outcomes.experiment import experiment_tables
from simulation.outcomes.headline import headline
from simulation.outcomes.profiles import PROFILE_FILES, profile_tables, replication_profile
from simulation.results.folders import EXPERIMENT_FILES, MANIFEST, TABLE_FILES, staged_folder
from simulation.results.manifest import manifest


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
        for name, table in (experiment_tables(result) or {}).items():
            table.to_csv(staging / EXPERIMENT_FILES[name], index=False)
        (staging / MANIFEST).write_text(json.dumps(manifest(result, command), indent=2, default=str))
    return Path(path)
