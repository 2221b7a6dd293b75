"""One overwrite rule for every command that writes.

An output that already holds something (a non-empty file, a folder with files in it) is kept:
the command prints one ``meedoen: error:`` line naming it, exits with code 2 and touches nothing,
unless ``--overwrite`` is given, the same flag in every command; then the output is replaced
(a folder only when it holds earlier meedoen results, one with a manifest). Each case runs the
command in this process on the tiny test scenario (``tests/scenarios/tiny_tilburg.yaml``).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import TEST_SCENARIO_DIR, small_overrides

from simulation.cli import main

TINY = str(TEST_SCENARIO_DIR / "tiny_tilburg.yaml")
TARGETS = str(Path(__file__).resolve().parent.parent / "scenarios" / "targets" / "nl_national.yaml")
QUICK = ["--no-store", "--workers", "1", "--quiet"]
TWINS = str(TEST_SCENARIO_DIR / "experiment_twins.yaml")
TWINS_SMALL = [arg for text in small_overrides(TWINS, 300) for arg in ("--set", text)]
OLD = b"earlier output\n"


def salib_installed() -> bool:
    try:
        import SALib  # noqa: F401
    except ImportError:
        return False
    return True


#: command → (its arguments given the output's path and a run folder, the output's name, whether it is a folder)
COMMANDS: dict[str, tuple[Callable[[Path, Path], list[str]], str, bool]] = {
    "run --out": (lambda out, run: ["run", TINY, "--no-event-log", "--out", str(out)], "results", True),
    "compare --out": (lambda out, run: ["compare", TINY, "--reps", "2", *QUICK, "--out", str(out)], "cmp", True),
    "compare --report": (lambda out, run: ["compare", TINY, "--reps", "2", *QUICK, "--report", str(out)],
                         "report.html", False),
    "trial --out": (lambda out, run: ["trial", TWINS, *TWINS_SMALL, "--reps", "1", "--workers", "1", "--out", str(out)],
                    "trial", True),
    "sweep --out": (lambda out, run: ["sweep", TINY, "--grid", "klantmanagers.count=1,2", "--reps", "1", *QUICK,
                                      "--out", str(out)], "sweep", True),
    "warmup --plot": (lambda out, run: ["warmup", TINY, "--reps", "2", "--workers", "1", "--quiet", "--plot", str(out)],
                      "warmup.png", False),
    "calibrate --out": (lambda out, run: ["calibrate", TINY, "--targets", TARGETS, "--params",
                                          "sanctions.noncompliance_probability", "--set", "clock.follow_up=25 months",
                                          "--reps", "2", "--check-reps", "0", "--max-evaluations", "3", *QUICK,
                                          "--out", str(out)], "cal", True),
    "sensitivity --out": (lambda out, run: ["sensitivity", TINY, "--method", "morris", "--n", "4", "--reps", "2",
                                            "--params", "sanctions.detection_probability=0.1:0.9",
                                            "--outcomes", "sanctions_per_year", *QUICK, "--out", str(out)],
                          "sens", True),
    "plot --out": (lambda out, run: ["plot", str(run), "--format", "svg", "--out", str(out)], "figures", True),
    "report -o": (lambda out, run: ["report", str(run), "-o", str(out)], "report.html", False),
    "journeys -o": (lambda out, run: ["journeys", str(run), "--n", "3", "-o", str(out)], "journeys.png", False),
    "export-log -o": (lambda out, run: ["export-log", str(run), "--format", "csv", "-o", str(out)], "events.csv", False),
    "schema --out": (lambda out, run: ["schema", "--out", str(out)], "scenario.schema.json", False),
}


@pytest.fixture(scope="module")
def run_folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A run's results with its event log: what plot, report, journeys and export-log read."""
    folder = tmp_path_factory.mktemp("run") / "tiny"
    assert main(["run", TINY, "--out", str(folder)]) == 0
    return folder


@pytest.fixture(autouse=True)
def _fast_figures(monkeypatch: pytest.MonkeyPatch) -> None:
    """Figures are made but not rendered to bytes for the report and plots: these tests are about files."""
    from simulation.present import plots, report, sensitivity

    for module in (plots, sensitivity):
        monkeypatch.setattr(module, "figure_bytes", lambda figure, fmt, dpi=110: b"<svg/>", raising=False)
    monkeypatch.setattr(report, "figure_bytes", lambda figure, fmt, dpi=100: b"\x89PNG", raising=False)


def earlier_output(path: Path, folder: bool) -> dict[str, bytes]:
    """Something at the output's place: a file, or a folder of earlier results (a manifest and a file)."""
    if not folder:
        path.write_bytes(OLD)
        return {path.name: OLD}
    path.mkdir()
    (path / "manifest.json").write_text(json.dumps({"kind": "plots"}))  # earlier results ("plots": figures)
    (path / "old.txt").write_bytes(OLD)
    return {p.name: p.read_bytes() for p in path.iterdir()}


def contents(path: Path) -> dict[str, bytes]:
    if path.is_dir():
        return {p.name: p.read_bytes() for p in path.iterdir()}
    return {path.name: path.read_bytes()}


def command(case: str) -> tuple[Callable[[Path, Path], list[str]], str, bool]:
    if case.startswith("sensitivity") and not salib_installed():
        pytest.skip("sensitivity needs the optional extra meedoen[sensitivity] (SALib)")
    return COMMANDS[case]


@pytest.mark.parametrize("case", COMMANDS)
def test_an_existing_output_is_kept_without_overwrite(case: str, run_folder: Path, tmp_path: Path,
                                                      capsys: pytest.CaptureFixture[str]) -> None:
    """Exit 2 and one line naming the output and --overwrite; the output and its folder are untouched."""
    argv, name, folder = command(case)
    out = tmp_path / name
    before = earlier_output(out, folder)
    capsys.readouterr()
    assert main(argv(out, run_folder)) == 2
    printed = capsys.readouterr()
    [line] = printed.err.strip().splitlines()
    assert line.startswith(f"meedoen: error: {out}: ") and line.endswith("add --overwrite)"), line
    assert contents(out) == before
    assert [p.name for p in tmp_path.iterdir()] == [name]  # no staging folder, no probe, nothing half-written


@pytest.mark.parametrize("case", COMMANDS)
def test_overwrite_replaces_an_existing_output(case: str, run_folder: Path, tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    """The same flag in every command: with --overwrite the earlier output is replaced, wholly."""
    argv, name, folder = command(case)
    out = tmp_path / name
    earlier_output(out, folder)
    assert main([*argv(out, run_folder), "--overwrite"]) == 0, capsys.readouterr().err
    capsys.readouterr()
    if folder:
        assert not (out / "old.txt").exists() and (out / "manifest.json").is_file()
    else:
        assert out.stat().st_size > 0 and out.read_bytes() != OLD


@pytest.mark.parametrize("case", [case for case, (_, _, folder) in COMMANDS.items() if not folder])
def test_an_empty_file_is_no_output_to_keep(case: str, run_folder: Path, tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    """An empty file holds nothing to lose (``touch report.html`` before the first report)."""
    argv, name, _ = command(case)
    out = tmp_path / name
    out.touch()
    assert main(argv(out, run_folder)) == 0, capsys.readouterr().err
    capsys.readouterr()
    assert out.stat().st_size > 0
