"""Result folders on disk: checked before a run, written to a staging folder beside the target
and renamed into place at the end, so nothing half-written ever carries the target's name.

A target that already holds results is refused unless the caller allows overwriting, and even
then only a folder of earlier meedoen results (one with a manifest) is ever replaced.
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pandas as pd

from simulation.errors import ScenarioError
from simulation.files import nearest_existing, probe_folder, publish
from simulation.results.table_files import check_table_format, read_table_file, table_file, write_table

#: The file that marks a folder as meedoen results and says where they came from.
MANIFEST = "manifest.json"
#: A run's tables (``RunResult.tables``) → their file names in a run folder (``.parquet`` for Parquet).
TABLE_FILES = {
    "monthly": "monthly.csv",
    "clients": "clients.csv",
    "spells": "spells.csv",
    "jobs": "jobs.csv",
    "between": "between.csv",
    "waits": "waits.csv",
    "sanctions": "sanctions.csv",
    "placements": "placements.csv",
    "budget": "budget.csv",
    "part_time": "part_time.csv",
    "rungs": "rungs.csv",
    "events": "events.csv",
    "invitations": "invitations.csv",  # only a run with an experiment has it
}
#: A run with an experiment also gets these (``outcomes/experiment.py``): tidy values and their summary.
EXPERIMENT_FILES = {"measures": "experiment.csv", "summary": "experiment_summary.csv"}

# Hints in the terms of the Python API (``simulation.cli`` says them with its flags).
ANOTHER_FOLDER = "choose another folder"
ANOTHER_FOLDER_OR_OVERWRITE = "choose another folder, or overwrite=True"
NEW_FOLDER = "choose a new folder, e.g. results/run1"
ANOTHER_FILE_OR_OVERWRITE = "choose another file name, or overwrite=True"


def check_output_dir(path: str | os.PathLike[str], overwrite: bool) -> Path:
    """Fail early (before a run) when the folder cannot be written or already holds something.

    ``overwrite`` only ever replaces an earlier meedoen result (a folder with a manifest);
    the working folder, its ancestors and folders holding other files are never replaced.
    """
    target = Path(path)
    _refuse_working_folder(target)
    _refuse_occupied(target, overwrite)
    _check_writable(target)
    return target


def _refuse_working_folder(target: Path) -> None:
    resolved, here = target.resolve(), Path.cwd().resolve()
    if resolved == here or resolved in here.parents:
        raise ScenarioError("is the current folder or one of its parents; results need a folder of their own",
                            file=str(target), hint=NEW_FOLDER)


def _refuse_occupied(target: Path, overwrite: bool) -> None:
    """A file in the way, or a folder with something in it that may not be replaced."""
    if target.exists() and not target.is_dir():
        raise ScenarioError("exists and is not a folder", file=str(target), hint=ANOTHER_FOLDER)
    if not (target.is_dir() and any(target.iterdir())):
        return
    if not overwrite:
        raise ScenarioError("already holds results; not overwriting them", file=str(target),
                            hint=ANOTHER_FOLDER_OR_OVERWRITE)
    if not (target / MANIFEST).is_file():
        raise ScenarioError("holds files that are not meedoen results; overwrite=True only replaces earlier results",
                            file=str(target), hint=ANOTHER_FOLDER)


def _check_writable(target: Path) -> None:
    """The nearest existing ancestor is a folder, and a probe can be made in it; nothing is created
    (the missing folders are made when the results are written, ``staged_folder``)."""
    check_can_write(target, target.resolve().parent, ANOTHER_FOLDER)


def check_can_write(target: Path, start: Path, hint: str) -> None:
    """The nearest existing folder at or above ``start`` is a folder a probe can be made in; a
    problem is named at ``target``, the path the user gave."""
    try:
        existing = nearest_existing(start)
        if not existing.is_dir():
            raise ScenarioError(f"cannot create it: {existing} is a file, not a folder", file=str(target), hint=hint)
        probe_folder(existing)
    except OSError as exc:
        raise ScenarioError(f"cannot write here ({exc.strerror or exc})", file=str(target), hint=hint) from None


@contextmanager
def staged_folder(path: str | os.PathLike[str], overwrite: bool = False) -> Iterator[Path]:
    """Yield a temporary folder beside ``path``; rename it into place only if the block succeeds.

    A crash, Ctrl-C or bad input inside the block leaves neither a half-written target nor
    the staging folder behind.
    """
    target = check_output_dir(path, overwrite)
    target.resolve().parent.mkdir(parents=True, exist_ok=True)
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


def write_tables(path: str | os.PathLike[str], tables: dict[str, pd.DataFrame], manifest_data: dict,
                 overwrite: bool = False, table_format: str = "csv") -> Path:
    """Write tables (CSV file name → table) as CSV or Parquet and a manifest that records the format;
    atomic at the folder level."""
    check_table_format(table_format)
    with staged_folder(path, overwrite) as staging:
        for filename, table in tables.items():
            write_table(table, staging, filename, table_format)
        manifest_data = {**manifest_data, "format": table_format}
        (staging / MANIFEST).write_text(json.dumps(manifest_data, indent=2, default=str))
    return Path(path)


def check_file_target(path: str | os.PathLike[str], suffixes: tuple[str, ...], overwrite: bool = False) -> Path:
    """A file we will write later (a plot, a report): right suffix, its folder exists and is
    writable, and it does not hold something already unless ``overwrite`` (an empty file is
    replaced: there is nothing in it to lose)."""
    target = Path(path)
    if target.suffix.lower() not in suffixes:
        raise ScenarioError(f"must end in {' or '.join(suffixes)}", file=str(target))
    folder = target.resolve().parent
    if not folder.is_dir():
        raise ScenarioError(f"folder {folder} does not exist", file=str(target), hint="create it first")
    if target.is_dir():
        raise ScenarioError("is a folder, not a file name", file=str(target))
    if not overwrite and target.exists() and target.stat().st_size > 0:
        raise ScenarioError("already exists; not overwriting it", file=str(target), hint=ANOTHER_FILE_OR_OVERWRITE)
    try:
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".meedoen-probe-"):
            pass
    except OSError as exc:
        raise ScenarioError(f"cannot write here ({exc.strerror or exc})", file=str(target)) from None
    return target


def read_table(path: str | os.PathLike[str], name: str) -> pd.DataFrame:
    """One of a run folder's tables, by its name in ``TABLE_FILES`` (else ``name.csv``), CSV or Parquet."""
    return read_table_file(table_file(path, TABLE_FILES.get(name, f"{name}.csv")))
