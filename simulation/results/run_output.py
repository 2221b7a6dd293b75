"""Writing one run's results to a folder: its tables as CSV or Parquet, the headline, the profile tables
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
from simulation.results.table_files import check_table_format, write_table


def write_results(result: RunResult, path: str | os.PathLike[str], overwrite: bool = False,
                  command: list[str] | None = None, table_format: str = "csv") -> Path:
    """Write every table (CSV or Parquet), the headline and the manifest; atomic at the folder level."""
    check_table_format(table_format)
    with staged_folder(path, overwrite) as staging:
        for name, filename in TABLE_FILES.items():
            table = result.tables.get(name)
            if table is not None:
                write_table(table, staging, filename, table_format, date_format="%Y-%m-%dT%H:%M:%S")
        write_table(headline(result), staging, "headline.csv", table_format)
        profile = profile_tables([(result.scenario.name, result.replication, replication_profile(result))])
        for name, filename in PROFILE_FILES.items():
            write_table(profile[name], staging, filename, table_format)
        for name, table in (experiment_tables(result) or {}).items():
            write_table(table, staging, EXPERIMENT_FILES[name], table_format)
        (staging / MANIFEST).write_text(json.dumps(manifest(result, command, table_format), indent=2, default=str))
    return Path(path)
