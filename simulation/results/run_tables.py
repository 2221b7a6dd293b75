"""A run's tables read back from its results folder, checked for what the client journeys and the
event-log export need: an event log, spells, jobs and sanctions, with their columns."""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd

from simulation.errors import ScenarioError
from simulation.results.folders import MANIFEST, TABLE_FILES, read_table
from simulation.results.table_files import table_file

EVENT_COLUMNS = ("case_id", "time", "activity", "resource", "phase")
#: Tables a run folder must hold, with the columns read from each.
REQUIRED_COLUMNS = {
    "events": EVENT_COLUMNS,
    "spells": ("client", "spell_no", "start", "end", "reason"),
    "jobs": ("client", "job_no", "start", "end", "job_type"),
    "sanctions": ("client", "time", "obligation"),
}

# Hints in the terms of the Python API (``simulation.cli`` says them with its flags).
RUN_FOLDER = "give the folder a run's results were written to (write_results)"
WITH_EVENT_LOG = "run again with event_log=True"


def load_run_tables(folder: str | os.PathLike[str]) -> dict[str, pd.DataFrame]:
    """The tables of a run folder written by ``write_results`` (``meedoen run --out``): every table there,
    CSV or Parquet.

    Raises :class:`ScenarioError` naming the folder when it is missing, is not a run's results
    (no ``manifest.json`` and no ``events.csv``), holds no event log (a run with
    ``event_log=False``, or an empty log) or a table lacks the columns journeys need.
    """
    path = Path(folder)
    _check_run_folder(path)
    tables = {name: _read(path, name) for name, filename in TABLE_FILES.items() if table_file(path, filename).is_file()}
    for name in ("spells", "jobs", "sanctions"):
        if name not in tables:
            raise ScenarioError(f"has no {TABLE_FILES[name]}; not a complete run-results folder", file=str(path))
    check_run_tables(tables, str(path))
    return tables


def _check_run_folder(path: Path) -> None:
    """A folder, holding a run's event log."""
    if not path.exists():
        raise ScenarioError("does not exist", file=str(path), hint=RUN_FOLDER)
    if not path.is_dir():
        raise ScenarioError("is not a folder", file=str(path), hint=RUN_FOLDER)
    if table_file(path, TABLE_FILES["events"]).is_file():
        return
    if not (path / MANIFEST).is_file() and not table_file(path, TABLE_FILES["spells"]).is_file():
        raise ScenarioError("is not a run-results folder (no manifest.json, no events.csv)", file=str(path),
                            hint=RUN_FOLDER)
    raise ScenarioError("has no event log (events.csv); journeys need one", file=str(path), hint=WITH_EVENT_LOG)


def _read(path: Path, name: str) -> pd.DataFrame:
    try:
        return read_table(path, name)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
        raise ScenarioError(f"cannot read {TABLE_FILES[name]}: {exc}".splitlines()[0], file=str(path)) from None


def check_run_tables(tables: dict[str, pd.DataFrame], where: str | None = None) -> None:
    """An event log with events, and every table of :data:`REQUIRED_COLUMNS` with its columns."""
    events = tables.get("events")
    if events is None or len(events) == 0:
        raise ScenarioError("has no event log (no events); journeys need one", file=where, hint=WITH_EVENT_LOG)
    for name, columns in REQUIRED_COLUMNS.items():
        table = tables.get(name)
        if table is None:
            raise ScenarioError(f"has no {name} table", file=where)
        missing = [c for c in columns if c not in table.columns]
        if missing:
            raise ScenarioError(f"{TABLE_FILES[name]} lacks column(s) {', '.join(missing)}", file=where)
