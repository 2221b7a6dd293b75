"""The tables of a results folder as files: CSV (the default) or Parquet, written and read back.

Parquet keeps each column's type (dates as dates, categories, whole numbers, true/false) and is a
fraction of the size; it needs pyarrow (``pip install 'meedoen[parquet]'``). A folder's tables are
all of one format, recorded in its manifest (``format``); readers take either, by the files there.
Parquet files are the same to the byte for the same tables: no time is written, the writer's name
holds only pyarrow's version, and a table's ``attrs`` (where an experiment keeps how many
replications came from the store) are left out.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from simulation.errors import ScenarioError

TableFormat = Literal["csv", "parquet"]
TABLE_FORMATS: tuple[TableFormat, ...] = ("csv", "parquet")
INSTALL_HINT = "pip install 'meedoen[parquet]'"
#: zstd: smaller than pyarrow's default (snappy) at about the same speed, and as widely read.
COMPRESSION = "zstd"


def check_table_format(table_format: str) -> TableFormat:
    """``table_format`` is one meedoen writes, and for Parquet pyarrow is installed; else a ScenarioError
    naming the argument (before anything runs or is written)."""
    if table_format not in TABLE_FORMATS:
        raise ScenarioError(f"unknown table format '{table_format}'", argument="table_format",
                            hint=" or ".join(TABLE_FORMATS))
    if table_format == "parquet":
        _pyarrow(_no_pyarrow_to_write())
    return table_format


def _no_pyarrow_to_write() -> ScenarioError:
    return ScenarioError("Parquet needs pyarrow, which is not installed", argument="table_format", hint=INSTALL_HINT)


def _pyarrow(missing: ScenarioError) -> tuple[Any, Any]:
    """``pyarrow`` and ``pyarrow.parquet``, or ``missing`` raised."""
    try:
        import pyarrow
        import pyarrow.parquet
    except ImportError:
        raise missing from None
    return pyarrow, pyarrow.parquet


def table_name(csv_name: str, table_format: str) -> str:
    """A table's file name in a folder of ``table_format``: ``series.csv`` or ``series.parquet``."""
    return csv_name if table_format == "csv" else csv_name.removesuffix(".csv") + ".parquet"


def table_file(folder: str | os.PathLike[str], csv_name: str) -> Path:
    """The file of a table in a results folder, whichever format the folder holds (the CSV name when
    neither is there, for the message that it is missing)."""
    csv, parquet = Path(folder) / csv_name, Path(folder) / table_name(csv_name, "parquet")
    return parquet if parquet.is_file() and not csv.is_file() else csv


def write_table(table: pd.DataFrame, folder: Path, csv_name: str, table_format: str, **csv_options: Any) -> None:
    """One table into ``folder`` (a staging folder: the whole folder is renamed into place)."""
    if table_format == "csv":
        table.to_csv(folder / csv_name, index=False, **csv_options)
        return
    pyarrow, parquet = _pyarrow(_no_pyarrow_to_write())
    plain = table.copy(deep=False)
    plain.attrs = {}  # pyarrow would keep them in the file's metadata
    arrow = pyarrow.Table.from_pandas(plain, preserve_index=False)
    parquet.write_table(arrow, folder / table_name(csv_name, "parquet"), compression=COMPRESSION)


def read_table_file(path: Path, **csv_options: Any) -> pd.DataFrame:
    """A table meedoen wrote, CSV (read with ``csv_options``) or Parquet (its types as written)."""
    if path.suffix != ".parquet":
        return pd.read_csv(path, **csv_options)
    _pyarrow(ScenarioError("holds Parquet tables; reading them needs pyarrow, which is not installed",
                           file=str(path.parent), hint=INSTALL_HINT))
    try:
        return pd.read_parquet(path, engine="pyarrow")
    except (OSError, ValueError) as error:  # pyarrow's ArrowInvalid is a ValueError
        first = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise ScenarioError(f"cannot read {path.name}: {first}", file=str(path.parent)) from None
