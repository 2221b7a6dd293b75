"""What the commands print: numbers, money and months written for reading; the sweep's table
showing every outcome that moved; Dutch output with no English in it; a closed pipe ending quietly.

Formatting is checked on chosen values; the commands run the tiny test scenario
(``tests/scenarios/tiny_*.yaml``, about 0.1 s a replication) in this process.
"""

from __future__ import annotations

import re
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from conftest import HANG_GUARD_S, ROOT, TEST_SCENARIO_DIR

from simulation.cli import main
from simulation.outcomes.definitions import OUTCOMES
from simulation.present.sweep_table import SWEEP_WIDTH, format_sweep
from simulation.present.tables import UNIT_WORDS, money, months_text, period_texts, quantity, with_unit

TINY_A = str(TEST_SCENARIO_DIR / "tiny_tilburg.yaml")
TINY_B = str(TEST_SCENARIO_DIR / "tiny_leeuwarden.yaml")
QUICK = ["--no-store", "--workers", "1", "--quiet"]


# --- numbers, money, months -----------------------------------------------------------------


@pytest.mark.parametrize(("value", "en", "nl"), [
    (7_234_567.0, "€7.2 million", "€ 7,2 miljoen"),
    (295_792.4, "€295,792", "€ 295.792"),
    (999_999.6, "€1.0 million", "€ 1,0 miljoen"),  # rounds to a million: said as one
    (-1_250_000.0, "−€1.2 million", "−€ 1,2 miljoen"),
    (2.5e9, "€2.5 billion", "€ 2,5 miljard"),
    (0.4, "€0", "€ 0"),
    (float("nan"), "n/a", "n.v.t."),
])
def test_money_in_words(value: float, en: str, nl: str) -> None:
    assert money(value, "en") == en and money(value, "nl") == nl


@pytest.mark.parametrize(("value", "unit", "en", "nl"), [
    (7.2e6, "€ per year", "€7.2 million per year", "€ 7,2 miljoen per jaar"),
    (15_557.0, "€", "€15,557", "€ 15.557"),
    (12.04, "%", "12.0%", "12,0%"),
    (7230.0, "clients", "7,230 clients", "7.230 klanten"),
    (169.0, "days", "169 days", "169 dagen"),
    (3.66, "per client-year", "3.7 per client-year", "3,7 per klantjaar"),
    (24.0, "per year", "24 per year", "24 per jaar"),
    (float("nan"), "%", "n/a", "n.v.t."),  # no unit after "n/a"
])
def test_every_unit_is_written(value: float, unit: str, en: str, nl: str) -> None:
    assert with_unit(value, unit, "en") == en and with_unit(value, unit, "nl") == nl


def test_every_headline_unit_is_written_in_both_languages() -> None:
    """No outcome prints a bare number: its unit is "%", money, or a word of UNIT_WORDS in each
    language (an outcome with a new unit fails here until the unit is given its words)."""
    for key, outcome in OUTCOMES.items():
        for lang in ("en", "nl"):
            value, unit = quantity(1234.5, outcome.unit, lang)
            assert value.endswith("%") or value.startswith("€") or unit in UNIT_WORDS[lang].values(), (key, lang)


@pytest.mark.parametrize(("first", "last", "en", "nl"), [
    ("2017-01", "2017-12", "2017", "2017"),
    ("2016-01", "2019-12", "2016–2019", "2016–2019"),
    ("2016-04", "2016-12", "Apr–Dec 2016", "apr–dec 2016"),
    ("2016-04", "2017-03", "Apr 2016 – Mar 2017", "apr 2016 – mrt 2017"),
    ("2018-03", "2018-03", "Mar 2018", "mrt 2018"),
])
def test_months_as_briefly_as_they_can_be_said(first: str, last: str, en: str, nl: str) -> None:
    assert months_text(first, last, "en") == en and months_text(first, last, "nl") == nl


def test_periods_of_a_run_ignore_a_last_month_of_less_than_a_day() -> None:
    """365.25-day years leave the run's last month a few hours long; it is not a month of follow-up."""
    months = pd.period_range("2016-01", "2019-01", freq="M")
    start = np.arange(len(months)) * 30.0
    monthly = pd.DataFrame({"month": months.strftime("%Y-%m"), "start": start, "time": start + 30.0,
                            "period": ["warmup"] * 12 + ["observation"] * 12 + ["follow_up"] * 13})
    monthly.loc[len(monthly) - 1, "time"] = monthly["start"].iloc[-1] + 0.75
    assert period_texts(monthly, "en") == {"warmup": "2016", "observation": "2017", "follow_up": "2018", "end": "Dec 2018"}


# --- the sweep's table ----------------------------------------------------------------------


def sweep_table(values: dict[str, list[float]], points: int, reps: int = 2) -> pd.DataFrame:
    """A tidy sweep table: per outcome, per point the mean ``values[outcome][point]`` (every replication the same)."""
    rows = [{"scenario": "s", "point": p, "k": p * 10, "scenario_hash": "h", "replication": r, "outcome": o,
             "value": v[p]} for o, v in values.items() for p in range(points) for r in range(reps)]
    tidy = pd.DataFrame(rows)
    tidy.attrs["parameters"] = ["k"]
    return tidy


def test_the_sweep_shows_every_outcome_that_differs_and_names_the_rest() -> None:
    """Cost moves (shown), sanctions move in the 3rd decimal (shown, with the decimals to see it),
    stock does not move (named on the last line), recidivism is undefined at one point (shown)."""
    nan = float("nan")
    tidy = sweep_table({"activation_cost_per_year": [1e5, 2e5, 3e5], "sanctions_per_year": [3.0, 3.004, 3.0],
                        "average_stock": [200.0] * 3, "recidivism_24m": [nan, 20.0, 21.0],
                        "wait_wijkteam_mean_days": [nan] * 3, "exits_to_work_pct_stock": [10.0] * 3}, points=3)
    text = format_sweep(tidy, ["exits_to_work_pct_stock"], "en")
    rows = {line.split("  ")[0]: line.split() for line in text.splitlines() if "  " in line}
    assert rows["k"][-3:] == ["0", "10", "20"]
    assert rows["Activation cost per year (staff, trajectories, budgets) (€)"][-3:] == ["100,000", "200,000", "300,000"]
    assert rows["Sanctions per year"][-3:] == ["3.000", "3.004", "3.000"]
    assert rows["Recidivism 24 months after exit to work (%)"][-3:] == ["n/a", "20.0", "21.0"]
    assert "Exits to work, % of average stock (%)" in rows  # asked for: shown though it does not move
    assert "Average stock on benefit" not in rows
    same = text.split("the same at every point: ")[1].replace("\n", " ")
    assert same == "Average stock on benefit; Wijkteam wait, mean"


def test_a_wide_sweep_is_printed_in_blocks_of_points() -> None:
    tidy = sweep_table({"activation_cost_per_year": [1e5 * (p + 1) for p in range(25)]}, points=25)
    text = format_sweep(tidy, [], "nl")
    assert max(len(line) for line in text.splitlines()) <= SWEEP_WIDTH
    points = [cell for line in text.splitlines() if line.startswith("punt ") for cell in line.split()[1:]]
    assert points == [str(p) for p in range(25)]  # each point once, in order
    assert text.startswith("gemiddelden over 2 replicaties")


def test_sweeping_staff_shows_the_cost_it_moves(capsys: pytest.CaptureFixture[str]) -> None:
    """The README's old example: netwerkconsulent staff moves only the cost, and now the table says so."""
    assert main(["sweep", TINY_A, "--grid", "services.netwerkconsulent.staff=1,3", "--reps", "1", *QUICK]) == 0
    out = capsys.readouterr().out
    cost = next(line for line in out.splitlines() if line.startswith("Activation cost per year"))
    assert len(set(cost.split()[-2:])) == 2
    same = out.split("the same at every point: ")[1].split("\n\n")[0].replace("\n", " ")
    assert "Sanctions per year" in same and "Exits to work per year" in same


# --- Dutch output ---------------------------------------------------------------------------

#: English that must not appear in what a Dutch command prints (words, and phrases of today's English output).
ENGLISH = ("written to", "results", "report", "replications", "replication ", "scenarios", "each", "paired on",
           "common random numbers", "reused", "from the store", "observation window", "warm-up", "followed",
           "per year", "days", "clients", "million", "means with", "confidence", "difference", "variance",
           "add --out", "to save", "n/a", " to ", "points", "the same", "done", "elapsed", "left", "events in")


def english_in(text: str) -> list[str]:
    """The English words in ``text``; file names (``replications.csv``) are names, not English."""
    text = re.sub(r"\S+\.(csv|json|html|png|yaml)\b", "", text.lower())
    return [word for word in ENGLISH if word in text]


@pytest.mark.parametrize("argv", [
    ["run", TINY_A, "--set", "population.initial_stock=150", "--out", "{tmp}/run"],
    ["compare", TINY_A, TINY_B, "--reps", "2", *QUICK[:-1], "--out", "{tmp}/cmp", "--report", "{tmp}/rapport.html"],
    ["sweep", TINY_A, "--grid", "services.netwerkconsulent.slots=1,3", "--reps", "2", *QUICK[:-1], "--out", "{tmp}/sw"],
], ids=["run", "compare", "sweep"])
def test_dutch_output_holds_no_english(argv: list[str], tmp_path, monkeypatch: pytest.MonkeyPatch,
                                       capsys: pytest.CaptureFixture[str]) -> None:
    """With --lang nl, stdout and stderr (progress lines included) hold none of the English words."""
    monkeypatch.setenv("MEEDOEN_PROGRESS_INTERVAL", "0")
    argv = [arg.replace("{tmp}", str(tmp_path)) for arg in argv]
    assert main([*argv, "--lang", "nl"]) == 0
    printed = capsys.readouterr()
    assert english_in(printed.out) == [], printed.out
    assert english_in(printed.err) == [], printed.err
    assert main([*argv, "--lang", "en", "--overwrite"]) == 0  # the same command in English has them
    assert len(english_in(capsys.readouterr().out)) >= 5


# --- a closed pipe --------------------------------------------------------------------------


def test_a_reader_that_goes_away_ends_the_command_quietly() -> None:
    """``meedoen run ... | head -1``: the reader closes the pipe first; no traceback, exit code 141."""
    proc = subprocess.Popen([sys.executable, "-m", "simulation", "run", TINY_A], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # before the program writes anything: it starts in about a second
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=HANG_GUARD_S) == 141, err
    assert "Traceback" not in err and err == ""
