"""The commands that read results folders as users run them: journeys and export-log.

A run folder gives its own event log; a compare folder keeps no event log, so replication 0 of
the chosen scenario is rerun with the folder's seed, which must reproduce that replication's
numbers exactly. Bad input is one ``meedoen: error:`` line, exit code 2, nothing written.
"""

from __future__ import annotations

import json
import platform
import shutil
import xml.etree.ElementTree as ElementTree
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pandas as pd
import pytest
from conftest import HANG_GUARD_S, TEST_SCENARIO_DIR, meedoen

import simulation
from simulation.outcomes.headline import headline_values

TILBURG = str(TEST_SCENARIO_DIR / "tiny_tilburg.yaml")
LEEUWARDEN = str(TEST_SCENARIO_DIR / "tiny_leeuwarden.yaml")
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def folders(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("results")
    made = {"run": root / "run", "compare": root / "compare", "no_log": root / "no_log"}
    assert meedoen("run", TILBURG, "--seed", "3", "--out", str(made["run"])).returncode == 0
    assert meedoen("run", TILBURG, "--no-event-log", "--out", str(made["no_log"])).returncode == 0
    done = meedoen("compare", TILBURG, LEEUWARDEN, "--reps", "2", "--seed", "5", "--no-store", "--workers", "1",
                   "--quiet", "--out", str(made["compare"]))
    assert done.returncode == 0, done.stderr
    return made


def test_journeys_of_a_run_folder(folders, tmp_path):
    target = tmp_path / "journeys.png"
    done = meedoen("journeys", str(folders["run"]), "--n", "8", "-o", str(target), "--lang", "nl")
    assert done.returncode == 0, done.stderr
    assert target.read_bytes()[:8] == PNG_SIGNATURE
    assert "8 klanten" in done.stdout  # --lang nl: the line is Dutch too


def test_journeys_of_a_compare_folder_rerun_the_stored_replication(folders, tmp_path):
    """The rerun used for a compare folder's event log is exactly its replication 0."""
    target = tmp_path / "journeys.svg"
    done = meedoen("journeys", str(folders["compare"]), "--scenario", "tiny_leeuwarden", "--n", "5", "-o", str(target))
    assert done.returncode == 0, done.stderr
    ElementTree.parse(target)  # a well-formed SVG
    manifest = json.loads((folders["compare"] / "manifest.json").read_text())
    record = next(s for s in manifest["scenarios"] if s["label"] == "tiny_leeuwarden")
    rerun = simulation.run(simulation.scenario.scenario_from_resolved(record["resolved"], "x"), seed=5, replication=0)
    assert simulation.scenario.scenario_from_resolved(record["resolved"], "x").hash == record["hash"]
    stored = pd.read_csv(folders["compare"] / "replications.csv")
    stored = stored[(stored["scenario"] == "tiny_leeuwarden") & (stored["replication"] == 0)]
    again = headline_values(rerun)
    for row in stored.itertuples():
        if pd.notna(row.value):
            assert again[row.outcome] == pytest.approx(row.value, rel=1e-12, abs=1e-12), row.outcome


@pytest.mark.parametrize("fmt, suffix", [("csv", ".csv"), ("ocel", ".jsonocel"), ("xes", ".xes")])
def test_export_log_writes_every_event(folders, tmp_path, fmt, suffix):
    target = tmp_path / f"events{suffix}"
    done = meedoen("export-log", str(folders["run"]), "--format", fmt, "-o", str(target))
    assert done.returncode == 0, done.stderr
    events = pd.read_csv(folders["run"] / "events.csv")
    if fmt == "csv":
        assert len(pd.read_csv(target)) == len(events)
    elif fmt == "ocel":
        assert len(json.loads(target.read_text())["events"]) == len(events)
    else:
        namespace_free = [e for e in ElementTree.parse(target).iter() if e.tag.endswith("event")]
        assert len(namespace_free) == len(events)


@pytest.mark.parametrize("name, args", [
    ("no event log", ["journeys", "{no_log}", "-o", "{tmp}/j.png"]),
    ("unknown scenario", ["journeys", "{compare}", "--scenario", "nope", "-o", "{tmp}/j.png"]),
    ("scenario for a run", ["journeys", "{run}", "--scenario", "x", "-o", "{tmp}/j.png"]),
    ("too many clients", ["journeys", "{run}", "--n", "5000", "-o", "{tmp}/j.png"]),
    ("wrong suffix", ["journeys", "{run}", "-o", "{tmp}/j.gif"]),
    ("missing folder", ["journeys", "{tmp}/nothing", "-o", "{tmp}/j.png"]),
    ("export wrong suffix", ["export-log", "{run}", "--format", "xes", "-o", "{tmp}/e.csv"]),
    ("export unwritable", ["export-log", "{run}", "--format", "csv", "-o", "/proc/e.csv"]),
    ("export no log", ["export-log", "{no_log}", "--format", "csv", "-o", "{tmp}/e.csv"]),
])
def test_bad_input_is_one_line_exit_2_and_nothing_written(folders, tmp_path, name, args):
    filled = [a.format(tmp=tmp_path, **{k: str(v) for k, v in folders.items()}) for a in args]
    done = meedoen(*filled)
    assert done.returncode == 2, (name, done.stdout, done.stderr)
    lines = [line for line in done.stderr.splitlines() if line.startswith("meedoen: error:")]
    assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
    assert list(tmp_path.iterdir()) == []


DAMAGED_MANIFESTS = {
    "a list": "[1, 2]",
    "a string": '"results"',
    "null": "null",
    "no keys": "{}",
    "nested past the recursion limit": "[" * 100_000 + "]" * 100_000,
    "a scenario record without its label": None,  # the compare folder's own manifest, one key taken out
    "a negative seed": None,
}


@pytest.fixture(scope="module")
def damaged(folders, tmp_path_factory) -> dict[tuple[str, str], Path]:
    """Copies of the run and compare folders, each with one kind of damaged manifest.json."""
    root = tmp_path_factory.mktemp("damaged")
    made = {}
    for kind in ("run", "compare"):
        for name, text in DAMAGED_MANIFESTS.items():
            folder = root / f"{kind}-{len(made)}"
            shutil.copytree(folders[kind], folder)
            if text is None:
                manifest = json.loads((folder / "manifest.json").read_text())
                if name == "a negative seed":
                    manifest["seed"] = -4
                elif kind == "compare":
                    del manifest["scenarios"][0]["label"]
                else:
                    del manifest["scenario"]
                text = json.dumps(manifest)
            (folder / "manifest.json").write_text(text)
            made[kind, name] = folder
    return made


DAMAGED_CASES = [(command, kind, name) for command in ("report", "export-log") for kind in ("run", "compare")
                 for name in DAMAGED_MANIFESTS] + [("plot", "compare", "a list"), ("plot", "run", "no keys")]


@pytest.fixture(scope="module")
def damaged_runs(damaged, tmp_path_factory) -> dict[tuple[str, str, str], tuple]:
    """Every damaged-manifest command at once (each pays ~1.5 s to start): (process, its output folder, the
    damaged folder's files before)."""
    def run(case: tuple[str, str, str]) -> tuple:
        command, kind, name = case
        out = tmp_path_factory.mktemp("out")
        folder = damaged[kind, name]
        before = sorted(p.name for p in folder.iterdir())
        target = {"report": ["-o", str(out / "r.html")], "export-log": ["--format", "csv", "-o", str(out / "e.csv")],
                  "plot": ["--out", str(out / "plots")]}[command]
        return meedoen(command, str(folder), *target), out, before

    with ThreadPoolExecutor(max_workers=4) as pool:
        return dict(zip(DAMAGED_CASES, pool.map(run, DAMAGED_CASES), strict=True))


@pytest.mark.parametrize("case", DAMAGED_CASES, ids=["-".join(case) for case in DAMAGED_CASES])
def test_a_damaged_manifest_is_one_line_exit_2_and_nothing_written(damaged, damaged_runs, case):
    """report, export-log and plot read a folder's manifest.json: a list, a string, null, JSON nested
    past the decoder's limit or a missing key is one line naming the file, never a traceback."""
    done, out, before = damaged_runs[case]
    folder = damaged[case[1], case[2]]
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert done.stderr.startswith(f"meedoen: error: {folder / 'manifest.json'}: ") and done.stderr.count("\n") == 1, \
        done.stderr
    assert list(out.iterdir()) == [] and sorted(p.name for p in folder.iterdir()) == before


def test_manifest_records_the_library_versions(folders):
    """numpy promises the same streams only on the same build: a folder says which versions made it."""
    from importlib.metadata import version

    for kind in ("run", "compare"):
        manifest = json.loads((folders[kind] / "manifest.json").read_text())
        assert manifest["libraries"] == {name: version(name) for name in ("numpy", "scipy", "simpy", "pandas")}
        assert manifest["python"] == platform.python_version()


def test_report_is_utf8_whatever_the_locale(folders, tmp_path):
    """A report is full of "−", "€" and "≥"; under the C locale Python's default text encoding
    is ASCII, and the report must still be written (as UTF-8, as its <meta charset> says)."""
    import os
    import subprocess
    import sys

    target = tmp_path / "rapport.html"
    env = {**os.environ, "LC_ALL": "C", "LANG": "C", "PYTHONUTF8": "0", "PYTHONIOENCODING": "utf-8"}
    done = subprocess.run([sys.executable, "-m", "simulation", "report", str(folders["compare"]), "-o", str(target),
                           "--lang", "nl"], capture_output=True, text=True, env=env, timeout=HANG_GUARD_S)
    assert done.returncode == 0, done.stderr
    html = target.read_bytes().decode("utf-8")
    assert '<meta charset="utf-8">' in html and "\u2212" in html and "\u2265" in html
