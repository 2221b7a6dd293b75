"""The happy paths of the ``meedoen`` command, run as users run it (a subprocess).

``validate`` accepts every shipped scenario; ``run`` prints the headline table in English or
Dutch and, with ``--out``, writes the tables, event log and manifest that later analysis
reads. Runs use a 300-client municipality over one year so each takes about a second.
Error paths are in ``test_validation.py``.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pandas as pd
import pytest
from conftest import meedoen

from simulation import load_scenario
from simulation.outcomes.definitions import OUTCOMES
from simulation.version import package_version

REPO = Path(__file__).resolve().parent.parent
SCENARIOS = sorted((REPO / "scenarios").glob("*.yaml"))
BASE = REPO / "scenarios" / "base.yaml"
OVERRIDES = [
    "population.initial_stock=300",
    "inflow.applications=60 per year",
    "clock.horizon=1 year",
    "clock.warmup=3 months",
    "clock.follow_up=6 months",
]
SMALL = tuple(arg for override in OVERRIDES for arg in ("--set", override))
"""A small, short run: the full base scenario would take minutes."""

EN_LABELS = ("Average stock on benefit", "Exits to work per year", "Sanctions per year")
NL_LABELS = ("Gemiddeld bestand", "Uitstroom naar werk per jaar", "Maatregelen per jaar")
TABLES = ("monthly.csv", "clients.csv", "spells.csv", "events.csv", "headline.csv", "manifest.json")
MANIFEST_KEYS = {"seed", "scenario_hash", "version", "resolved_scenario", "runtime_s", "git_commit"}



def ok(proc: subprocess.CompletedProcess[str]) -> str:
    """stdout of a command that must succeed quietly (nothing on stderr)."""
    assert proc.returncode == 0, f"exit code {proc.returncode}, stderr:\n{proc.stderr}"
    assert proc.stderr == "", proc.stderr
    return proc.stdout


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[subprocess.CompletedProcess[str], Path]]:
    """The happy-path commands, started in parallel since each pays ~1.5 s just to start.

    Keys: ``validate:<file>`` for each shipped scenario, ``en`` (a run with ``--out``),
    ``nl`` (Dutch labels, no ``--out``) and ``version``. Values: the process and its --out.
    """
    out = tmp_path_factory.mktemp("run") / "results"
    jobs: dict[str, tuple[str, ...]] = {f"validate:{path.name}": ("validate", str(path)) for path in SCENARIOS}
    jobs["en"] = ("run", str(BASE), "--seed", "7", *SMALL, "--out", str(out))
    jobs["nl"] = ("run", str(BASE), *SMALL, "--lang", "nl", "--no-event-log")
    jobs["version"] = ("--version",)
    with ThreadPoolExecutor(max_workers=max(2, 2 * (os.cpu_count() or 1))) as pool:
        futures = {key: pool.submit(meedoen, *argv) for key, argv in jobs.items()}
        return {key: (future.result(), out) for key, future in futures.items()}


@pytest.mark.parametrize("path", SCENARIOS, ids=[p.name for p in SCENARIOS])
def test_validate_accepts_every_shipped_scenario(results: dict, path: Path) -> None:
    """A scenario shipped in scenarios/ that does not validate is broken for every user."""
    proc, _ = results[f"validate:{path.name}"]
    stdout = ok(proc)
    assert stdout.startswith(f"{path}: valid (")
    assert load_scenario(path).hash in stdout  # the same hash a script would see


def test_run_prints_english_headline(results: dict) -> None:
    """The default table is in English, with the seed and scenario hash to identify the run."""
    proc, out = results["en"]
    stdout = ok(proc)
    assert stdout.startswith("meedoen run: base (seed 7, replication 0, hash ")
    for label in EN_LABELS:
        assert f"  {label}  " in stdout
    assert not any(label in stdout for label in NL_LABELS)
    assert f"results written to {out}/" in stdout


def test_run_prints_dutch_headline(results: dict) -> None:
    """--lang nl is for Dutch policy readers: the same table with Dutch labels."""
    proc, _ = results["nl"]
    stdout = ok(proc)
    for label in NL_LABELS:
        assert f"  {label}  " in stdout
    assert not any(f"  {label}  " in stdout for label in EN_LABELS)
    assert "(met --out MAP worden" in stdout  # nothing saved, and the user is told how to save


def headline_lines(stdout: str) -> list[str]:
    """The headline table's lines: between the blank line after the header and the next blank line."""
    return stdout.split("\n\n")[1].splitlines()


@pytest.mark.parametrize(("key", "window", "money", "units"), [
    ("en", "observation window Apr–Dec 2016 (warm-up Jan–Mar 2016; exits followed until Jun 2017); ",
     r"€[\d,]+(\.\d million)? per year", ("clients", "per year", "days", "per client-year")),
    ("nl", "observatieperiode apr–dec 2016 (opwarmperiode jan–mrt 2016; uitstroom gevolgd tot en met jun 2017); ",
     r"€ [\d.]+(,\d miljoen)? per jaar", ("klanten", "per jaar", "dagen", "per klantjaar")),
])
def test_run_says_the_window_in_months_and_every_outcome_with_its_unit(results: dict, key: str, window: str,
                                                                       money: str, units: tuple[str, ...]) -> None:
    """The window of this run (start 2016-01-01, 3 months warm-up, horizon 1 year, 6 months follow-up)
    in calendar months, not days since a date; each value followed by its unit, money in euros."""
    proc, _ = results[key]
    stdout = ok(proc)
    assert stdout.splitlines()[1].startswith(window)
    lines = headline_lines(stdout)
    assert len(lines) == len(OUTCOMES)
    value = r"−?[\d.,]+"
    unit = "|".join(re.escape(u) for u in units)
    for line in lines:
        assert re.search(rf"  ({value}%|{value} ({unit})|{money}|€ ?[\d.,]+|n/a|n\.v\.t\.)$", line), line
    cost = next(line for line in lines if "cost per year" in line or "kosten per jaar" in line)
    assert re.search(rf"  {money}$", cost), cost


def test_run_out_writes_every_table(results: dict) -> None:
    """Later analysis reads these files; an empty or missing one breaks it."""
    proc, out = results["en"]
    ok(proc)
    for name in TABLES:
        assert (out / name).is_file() and (out / name).stat().st_size > 0, name
    assert not [p.name for p in out.parent.iterdir() if p != out]  # staging folder renamed, not left
    events = pd.read_csv(out / "events.csv")
    assert {"case_id", "activity", "timestamp", "resource"} <= set(events.columns)  # process-mining form
    assert len(events) > 0
    pd.to_datetime(events["timestamp"], format="%Y-%m-%dT%H:%M:%S")  # ISO timestamps, all of them
    headline = pd.read_csv(out / "headline.csv")
    assert {"label", "label_nl", "value", "unit"} <= set(headline.columns)
    assert "Uitstroom naar werk per jaar" in set(headline["label_nl"])
    assert len(pd.read_csv(out / "monthly.csv")) >= 12  # one row per month of a one-year run


def test_monthly_counts_are_whole_numbers_and_zero_in_a_month_without_events(results: dict) -> None:
    """A month in which nobody died has 0 deaths, not an empty cell: spreadsheets and plots read
    an empty cell as unknown (an average over months would skip it). Only the amounts of money
    (budget levels, summed part-time earnings) and the month's start and end days are fractional."""
    proc, out = results["en"]
    ok(proc)
    text = (out / "monthly.csv").read_text()
    assert ",," not in text and not any(line.endswith(",") for line in text.splitlines())
    monthly = pd.read_csv(out / "monthly.csv")
    fractional = {"start", "time", "part_time_earnings", *(c for c in monthly if c.startswith("budget_"))}
    counts = [c for c in monthly if c not in fractional | {"month", "period"}]
    assert all(pd.api.types.is_integer_dtype(monthly[c]) for c in counts), monthly[counts].dtypes
    assert (monthly[[c for c in counts if c.startswith("exits_")]] == 0).any().all()  # a month without each exit
    spells = pd.read_csv(out / "spells.csv")
    for reason in ("work", "moving", "death"):  # the zeros hide nothing: every exit is counted in its month
        assert monthly[f"exits_{reason}"].sum() == (spells["reason"] == reason).sum()


def test_manifest_identifies_the_run(results: dict) -> None:
    """The manifest must let anyone rerun exactly this run: seed, scenario as resolved, version."""
    proc, out = results["en"]
    ok(proc)
    manifest = json.loads((out / "manifest.json").read_text())
    assert MANIFEST_KEYS <= set(manifest)
    loaded = load_scenario(BASE, overrides=OVERRIDES)
    assert manifest["seed"] == 7
    assert manifest["scenario_hash"] == loaded.hash
    assert manifest["resolved_scenario"] == json.loads(loaded.resolved_json)
    assert manifest["resolved_scenario"]["population"]["initial_stock"] == 300
    assert manifest["version"] == package_version()
    assert manifest["runtime_s"] >= 0
    assert manifest["git_commit"] is None or len(manifest["git_commit"]) == 40


def test_overwrite_replaces_earlier_results(results: dict, tmp_path: Path) -> None:
    """--overwrite swaps in a whole new result folder: nothing of the old one survives."""
    _, first = results["en"]
    out = tmp_path / "results"
    shutil.copytree(first, out)
    (out / "stale.txt").write_text("from an older run\n")
    proc = meedoen("run", str(BASE), "--seed", "8", *SMALL, "--no-event-log", "--out", str(out), "--overwrite")
    ok(proc)
    assert not (out / "stale.txt").exists()
    assert pd.read_csv(out / "events.csv").empty  # --no-event-log: the old run's log is gone
    assert json.loads((out / "manifest.json").read_text())["seed"] == 8
    assert sorted(p.name for p in tmp_path.iterdir()) == ["results"]  # no .partial left beside it


def test_version(results: dict) -> None:
    """--version names the installed package version."""
    proc, _ = results["version"]
    assert ok(proc).strip() == f"meedoen {package_version()}"
