"""Result folders as Parquet (``--format parquet``): the same tables as CSV, with their types kept.

A run and a compare written as Parquet load back (``Results.load``, the run tables journeys and
export-log read) to the tables the CSV folders give, column for column, each at least as
informative (a date stays a date, a category a category); the report, a figure and the event-log
export are made from them; the files are the same to the byte written now or from the store
(``tests/test_experiments_cli.py`` checks every way of running); without pyarrow the command says
so in one line, exit 2, before it runs or writes anything.

These tests need pyarrow (``pip install '.[parquet]'``); without it they skip, unless
MEEDOEN_REQUIRE_PARQUET=1 (CI sets it), where they fail.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pandas as pd
import pytest
from conftest import TEST_SCENARIO_DIR, parquet_or_skip

from simulation.cli.main import main
from simulation.present import plots
from simulation.present.report import write_report
from simulation.results.collection import Results
from simulation.results.run_tables import load_run_tables
from simulation.results.table_files import write_table

TINY_A = str(TEST_SCENARIO_DIR / "tiny_tilburg.yaml")
TINY_B = str(TEST_SCENARIO_DIR / "tiny_leeuwarden.yaml")


@pytest.fixture(scope="module", autouse=True)
def _pyarrow() -> None:
    parquet_or_skip()


def quiet(argv: list[str]) -> None:
    assert main([*argv, "--quiet"] if argv[0] != "run" else argv) == 0, argv


@pytest.fixture(scope="module")
def folders(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A run and a compare, each as CSV and as Parquet; the Parquet compare twice, from the store the
    CSV compare filled and computed anew without it."""
    root = tmp_path_factory.mktemp("formats")
    compare = ["compare", TINY_A, TINY_B, "--reps", "2", "--workers", "1"]
    quiet(["run", TINY_A, "--out", str(root / "run-csv")])
    quiet(["run", TINY_A, "--format", "parquet", "--out", str(root / "run-parquet")])
    quiet([*compare, "--store", str(root / "store"), "--out", str(root / "compare-csv")])
    quiet([*compare, "--store", str(root / "store"), "--format", "parquet", "--out", str(root / "compare-parquet")])
    quiet([*compare, "--no-store", "--format", "parquet", "--out", str(root / "compare-fresh")])
    sweep = ["sweep", TINY_A, "--grid", "klantmanagers.count=1,2", "--reps", "1", "--workers", "1", "--format", "parquet",
             "--store", str(root / "sweep-store")]
    for name in ("sweep-fresh", "sweep-stored"):  # computed, then read back from the store
        quiet([*sweep, "--out", str(root / name)])
    return {path.name: path for path in root.iterdir() if not path.name.endswith("store")}


def assert_same_table(csv: pd.DataFrame, parquet: pd.DataFrame, name: str) -> None:
    """The same columns and values; each Parquet column as informative as the CSV's or more: the same
    type, a category or a date where the CSV has text, a narrower whole number, text where the CSV
    read only empty cells. The CSV keeps dates to the second and cannot tell an empty text from none."""
    assert list(csv.columns) == list(parquet.columns) and len(csv) == len(parquet), name
    for column in csv.columns:
        a, b, where = csv[column], parquet[column], f"{name}.{column} ({csv[column].dtype} → {parquet[column].dtype})"
        if pd.api.types.is_datetime64_any_dtype(b):
            assert pd.api.types.is_string_dtype(a) and (pd.to_datetime(a) == b.dt.floor("s")).all(), where
        elif isinstance(b.dtype, pd.CategoricalDtype) or pd.api.types.is_string_dtype(b):
            assert pd.api.types.is_string_dtype(a) or a.isna().all(), where  # all empty: the CSV read numbers
            assert (a.astype(object).fillna("").astype(str) == b.astype(object).fillna("").astype(str)).all(), where
        elif pd.api.types.is_integer_dtype(a) and pd.api.types.is_integer_dtype(b):
            assert a.tolist() == b.tolist(), where
        else:
            assert a.dtype == b.dtype, where
            pd.testing.assert_series_equal(a, b, check_exact=True, obj=where)


def test_a_run_loads_back_as_from_csv_with_its_types(folders: dict[str, Path]) -> None:
    csv, parquet = load_run_tables(folders["run-csv"]), load_run_tables(folders["run-parquet"])
    assert sorted(csv) == sorted(parquet)
    for name in csv:
        assert_same_table(csv[name], parquet[name], name)
    assert parquet["events"]["timestamp"].dtype.kind == "M" and parquet["events"]["activity"].dtype == "category"
    loaded = Results.load(folders["run-csv"]), Results.load(folders["run-parquet"])
    for name, table in loaded[0].tables.items():
        pd.testing.assert_frame_equal(table, loaded[1].tables[name], check_exact=True)
    pd.testing.assert_frame_equal(loaded[0].replications, loaded[1].replications, check_exact=True)


def test_a_compare_loads_back_as_from_csv(folders: dict[str, Path]) -> None:
    csv, parquet = Results.load(folders["compare-csv"]), Results.load(folders["compare-parquet"])
    assert sorted(csv.tables) == sorted(parquet.tables)
    for name, table in csv.tables.items():
        pd.testing.assert_frame_equal(table, parquet.tables[name], check_exact=True)
    for name in ("replications", "summary"):
        pd.testing.assert_frame_equal(getattr(csv, name), getattr(parquet, name), check_exact=True)


def test_the_manifest_records_the_format(folders: dict[str, Path]) -> None:
    manifests = {name: json.loads((folder / "manifest.json").read_text()) for name, folder in folders.items()
                 if (folder / "manifest.json").is_file()}
    assert {name: m["format"] for name, m in manifests.items()} == {
        "run-csv": "csv", "run-parquet": "parquet", "compare-csv": "csv", "compare-parquet": "parquet",
        "compare-fresh": "parquet", "sweep-fresh": "parquet", "sweep-stored": "parquet"}
    assert manifests["run-parquet"]["files"]["events"] == "events.parquet"
    assert (folders["run-parquet"] / "events.parquet").is_file() and not any(folders["run-parquet"].glob("*.csv"))


@pytest.mark.parametrize("kind", ["compare", "sweep"])
def test_the_files_are_the_same_to_the_byte_from_the_store_or_computed_anew(folders: dict[str, Path], kind: str) -> None:
    """A sweep's table keeps in its attrs how many replications were reused: they must not reach the file."""
    stored, fresh = folders[{"compare": "compare-parquet", "sweep": "sweep-stored"}[kind]], folders[f"{kind}-fresh"]
    names = sorted(p.name for p in stored.iterdir())
    assert f"{kind}.parquet" in names or "summary.parquet" in names
    assert names == sorted(p.name for p in fresh.iterdir())
    assert [n for n in names if (stored / n).read_bytes() != (fresh / n).read_bytes()] == []


def test_a_tables_attrs_and_the_time_do_not_reach_the_file(tmp_path: Path) -> None:
    """An experiment's table keeps in ``attrs`` how many replications were reused (pyarrow would store
    them, when they are JSON); written at another moment with other attrs, the bytes are the same."""
    written = []
    for reused in (0, 4):
        table = pd.DataFrame({"scenario": ["a", "b"], "value": [1.5, 2.0]})
        table.attrs = {"computed": 4 - reused, "reused": reused}
        folder = tmp_path / str(reused)
        folder.mkdir()
        write_table(table, folder, "sweep.csv", "parquet")
        written.append((folder / "sweep.parquet").read_bytes())
    assert written[0] == written[1]


def test_report_figures_and_event_log_from_parquet_folders(folders: dict[str, Path], tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    """The report of a Parquet compare folder reads as the CSV folder's (its provenance aside; its figures
    drawn but not rendered to bytes), a figure is drawn, and a run's event log exports to the same CSV."""
    from simulation.present import report

    monkeypatch.setattr(report, "figure_bytes", lambda figure, fmt, dpi=100: b"\x89PNG", raising=False)
    pages = {}
    for kind in ("csv", "parquet"):
        results = Results.load(folders[f"compare-{kind}"])
        results.manifest = {**results.manifest, "command": None}
        results.folder = None
        pages[kind] = write_report(results, tmp_path / f"{kind}.html", "en").read_text(encoding="utf-8")
    assert pages["csv"] == pages["parquet"]
    assert plots.plot_stock(Results.load(folders["compare-parquet"])).axes
    for kind in ("csv", "parquet"):
        assert main(["export-log", str(folders[f"run-{kind}"]), "--format", "csv", "-o", str(tmp_path / f"{kind}.csv")]) == 0
    assert (tmp_path / "csv.csv").read_bytes() == (tmp_path / "parquet.csv").read_bytes()


@pytest.mark.parametrize("command", [["run", TINY_A], ["compare", TINY_A, TINY_B, "--reps", "2", "--workers", "1"],
                                     ["sweep", TINY_A, "--grid", "klantmanagers.count=1,2", "--reps", "1"]],
                         ids=["run", "compare", "sweep"])
def test_without_pyarrow_one_line_exit_2_and_nothing_written(command: list[str], tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    for name in ("pyarrow", "pyarrow.parquet"):
        monkeypatch.setitem(sys.modules, name, None)  # None in sys.modules makes the import fail
    assert main([*command, "--format", "parquet", "--out", str(tmp_path / "out")]) == 2
    captured = capsys.readouterr()
    assert captured.err.count("\n") == 1 and "--format: Parquet needs pyarrow" in captured.err, captured.err
    assert "pip install 'meedoen[parquet]'" in captured.err and captured.out == ""
    assert list(tmp_path.iterdir()) == []


def test_reading_a_parquet_folder_without_pyarrow_is_one_line(folders: dict[str, Path], tmp_path: Path,
                                                              monkeypatch: pytest.MonkeyPatch,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    for name in ("pyarrow", "pyarrow.parquet"):
        monkeypatch.setitem(sys.modules, name, None)
    assert main(["report", str(folders["compare-parquet"]), "-o", str(tmp_path / "r.html")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "reading them needs pyarrow" in err and "meedoen[parquet]" in err, err
    assert list(tmp_path.iterdir()) == []
