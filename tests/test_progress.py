"""Progress when stderr is not a terminal: a plain line every few seconds, so a long command in a
pipe or a log file shows it is alive and how long it still needs.

The line logic is checked with a clock the test moves (no wall-clock timing); the commands run
the tiny test scenario with ``MEEDOEN_PROGRESS_INTERVAL=0`` (a line for every replication).
"""

from __future__ import annotations

import io
import re

import pytest
from conftest import TEST_SCENARIO_DIR

from simulation.cli import main
from simulation.experiments.progress import (
    INTERVAL_ENV,
    INTERVAL_S,
    ProgressLines,
    ProgressStyle,
    duration_text,
    interval_s,
    progress_bar,
    progress_style,
)

TINY_A = str(TEST_SCENARIO_DIR / "tiny_tilburg.yaml")
TINY_B = str(TEST_SCENARIO_DIR / "tiny_leeuwarden.yaml")
QUICK = ["--no-store", "--workers", "1"]


class Clock:
    """A clock the test sets."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def lines_of(total: int, done: int, lang: str, steps: list[float], interval: float = 10.0) -> list[str]:
    """The lines printed when a unit finishes after each of ``steps`` seconds, and at the close."""
    clock, stream = Clock(), io.StringIO()
    progress = ProgressLines(total, done, UNITS[lang], ProgressStyle("compare", lang), interval, stream, clock)
    for step in steps:
        clock.now += step
        progress.update()
    progress.close()
    return stream.getvalue().splitlines()


UNITS = {"en": "replications", "nl": "replicaties"}


def test_a_line_at_most_every_interval_with_the_time_left() -> None:
    """Units every 4 s: lines after 12 s (3 done) and 24 s (6 done); time left = the pace × units left."""
    assert lines_of(8, 0, "en", [4.0] * 8) == [
        "compare: 3/8 replications done, 12s elapsed, about 20s left",
        "compare: 6/8 replications done, 24s elapsed, about 8s left",
        "compare: 8/8 replications done in 32s",
    ]


def test_the_pace_counts_only_the_units_run_now() -> None:
    """Replications reused from the store took no time: 2 of 10 stored, 2 run in 60 s → 6 left take 3 min."""
    assert lines_of(10, 2, "en", [30.0, 30.0], interval=45.0)[0] == \
        "compare: 4/10 replications done, 1m00s elapsed, about 3m00s left"


def test_dutch_lines() -> None:
    assert lines_of(3, 0, "nl", [70.0, 70.0, 70.0], interval=60.0) == [
        "compare: 1/3 replicaties klaar, 1m10s verstreken, nog ongeveer 2m20s",
        "compare: 2/3 replicaties klaar, 2m20s verstreken, nog ongeveer 1m10s",
        "compare: 3/3 replicaties klaar in 3m30s",
    ]


def test_a_short_run_prints_nothing_and_an_interrupted_one_no_last_line() -> None:
    assert lines_of(5, 0, "en", [1.0] * 5) == []  # done within the interval: a log needs no progress
    assert lines_of(5, 0, "en", [11.0, 11.0]) == ["compare: 1/5 replications done, 11s elapsed, about 44s left",
                                                  "compare: 2/5 replications done, 22s elapsed, about 33s left"]


@pytest.mark.parametrize(("seconds", "en", "nl"), [(0.4, "0s", "0s"), (59.4, "59s", "59s"), (65, "1m05s", "1m05s"),
                                                   (3599, "59m59s", "59m59s"), (7380, "2h03m", "2u03m")])
def test_durations(seconds: float, en: str, nl: str) -> None:
    assert duration_text(seconds, "en") == en and duration_text(seconds, "nl") == nl


def test_the_interval_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(INTERVAL_ENV, raising=False)
    assert interval_s() == INTERVAL_S
    for text, seconds in (("0", 0.0), ("2.5", 2.5), ("soon", INTERVAL_S), ("-1", INTERVAL_S)):
        monkeypatch.setenv(INTERVAL_ENV, text)
        assert interval_s() == seconds


def test_lines_only_when_stderr_is_no_terminal_and_progress_is_not_off(monkeypatch: pytest.MonkeyPatch) -> None:
    """progress=None: lines on a pipe (a bar on a terminal); False: nothing; the style names the command."""
    with progress_style("sweep", "nl"):
        lines = progress_bar(4, 0, "sweep", None)
        assert isinstance(lines, ProgressLines) and lines.units == "replicaties" and lines.style.command == "sweep"
    assert not isinstance(progress_bar(4, 0, "replications", False), ProgressLines)
    assert progress_bar(4, 0, "replications", None).style == ProgressStyle()  # outside a command: the defaults


@pytest.mark.parametrize(("argv", "pattern"), [
    (["compare", TINY_A, TINY_B, "--reps", "2", *QUICK, "--lang", "nl"],
     r"compare: (\d)/4 replicaties klaar, \d+s verstreken(, nog ongeveer \d+s)?"),
    (["sweep", TINY_A, "--grid", "klantmanagers.count=1,2", "--reps", "2", *QUICK],
     r"sweep: (\d)/4 replications done, \d+s elapsed(, about \d+s left)?"),
    (["warmup", TINY_A, "--reps", "2", "--workers", "1", "--plot", "{tmp}/warmup.png"],
     r"warmup: (\d)/2 replications done, \d+s elapsed(, about \d+s left)?"),
])
def test_commands_print_progress_lines_when_stderr_is_a_pipe(argv: list[str], pattern: str, tmp_path,
                                                             monkeypatch: pytest.MonkeyPatch,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    """One line per finished replication at interval 0 (counting up), then the closing line; --quiet: none."""
    monkeypatch.setenv(INTERVAL_ENV, "0")
    argv = [arg.replace("{tmp}", str(tmp_path)) for arg in argv]
    assert main(argv) == 0
    err = capsys.readouterr().err.splitlines()
    progress = [line for line in err if re.fullmatch(pattern, line)]
    total = int(pattern.split("/")[1][0])
    assert [int(line.split(" ")[1].split("/")[0]) for line in progress] == list(range(1, total))
    assert re.fullmatch(r"\w+: (\d)/\1 \w+ (done|klaar) in \d+s", err[-1]), err
    assert main([*argv, "--quiet", "--overwrite"]) == 0
    assert capsys.readouterr().err == ""


def test_a_function_is_told_every_finished_replication_and_what_was_stored_before(tmp_path) -> None:
    """progress=function (the web app's bar): called with (done, total) at the start and per replication;
    a repeated comparison starts at total, every replication reused from the store."""
    from simulation.experiments.comparison import compare

    calls: list[tuple[int, int]] = []
    compare([TINY_A, TINY_B], 2, workers=1, store=tmp_path, progress=lambda done, total: calls.append((done, total)))
    assert calls == [(0, 4), (1, 4), (2, 4), (3, 4), (4, 4)]
    calls.clear()
    compare([TINY_A, TINY_B], 3, workers=1, store=tmp_path, progress=lambda done, total: calls.append((done, total)))
    assert calls == [(4, 6), (5, 6), (6, 6)]
