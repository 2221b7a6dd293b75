"""Benefits paid (outcomes/benefits.py) and the norm table behind them (benefits.monthly_norm).

The benefit paid is checked against a hand computation in plain Python from the norms as written
in scenarios/base.yaml (per month × 12 / 365.25 a day), against the norms' ratio when only the
household changes, and on small hand-made tables for the sanction cut and the year boundary.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from conftest import SCENARIO_DIR, assert_tables_equal, load_small

from simulation import ScenarioError, load_scenario, run
from simulation.model.run import RunResult
from simulation.outcomes.benefits import benefits_paid, benefits_paid_in, year_pieces
from simulation.outcomes.headline import activation_cost, headline_values
from simulation.outcomes.survival import Window, window_of
from simulation.scenario.schema import Benefits
from simulation.scenario.units import parse_money

BASE = SCENARIO_DIR / "base.yaml"
DAYS_PER_MONTH = 365.25 / 12
START = dt.date(2016, 1, 1)
JAN_2017 = float((dt.date(2017, 1, 1) - START).days)  # day 366: 2016 is a leap year


def written_norms() -> dict[int, dict[str, float]]:
    """The monthly norms exactly as base.yaml writes them, parsed here without the schema."""
    raw = yaml.safe_load(BASE.read_text(encoding="utf-8"))["benefits"]["monthly_norm"]
    return {year: {h: parse_money(text).amount for h, text in row.items()} for year, row in raw.items()}


# ------------------------------------------------------------------ the norm table


def test_base_lists_a_norm_for_every_year_the_shipped_scenarios_simulate() -> None:
    """No shipped scenario falls back on a neighbouring year: each simulated year is listed."""
    norms = written_norms()
    for path in sorted(SCENARIO_DIR.glob("*.yaml")):
        clock = load_scenario(path).model.clock
        end = clock.start + dt.timedelta(days=math.ceil(clock.horizon + clock.follow_up) - 1)  # the last day
        missing = [y for y in range(clock.start.year, end.year + 1) if y not in norms]
        assert not missing, f"{path.name}: no norm for {missing}"


def test_household_norms_keep_the_legal_ratios() -> None:
    """Single 70% of the couple norm; single parent 90% under the Abw/WWB, 70% from 2015 (base.yaml's note)."""
    for year, row in written_norms().items():
        assert row["single"] == pytest.approx(0.7 * row["couple"], abs=0.01), year
        parent = 0.9 if year < 2015 else 0.7
        assert row["single_parent"] == pytest.approx(parent * row["couple"], abs=0.01), year


def test_a_year_not_listed_takes_the_nearest_earlier_year_and_before_the_first_the_first() -> None:
    norms = Benefits.model_validate({"monthly_norm": {
        2018: {"single": "€700 per month", "single_parent": "€700 per month", "couple": "€1,000 per month"},
        2016: {"single": "€600 per month", "single_parent": "€600 per month", "couple": "€900 per month"},
    }})
    month = {year: norms.per_day(year, "couple") * DAYS_PER_MONTH for year in (2010, 2016, 2017, 2018, 2030)}
    assert month == pytest.approx({2010: 900, 2016: 900, 2017: 900, 2018: 1000, 2030: 1000})


# ------------------------------------------------------------------ hand-made tables


def tables(spells: list[tuple[int, float, float]], households: dict[int, str],
           sanctions: tuple[tuple[int, float, float, float], ...] = ()) -> dict[str, pd.DataFrame]:
    """Minimal run tables: spells (client, start, end; NaN = open), households, and sanctions
    (client, time, cut per day, cut until)."""
    return {
        "spells": pd.DataFrame(spells, columns=["client", "start", "end"]),
        "clients": pd.DataFrame({"client": list(households), "household": list(households.values())}),
        "sanctions": pd.DataFrame(sanctions, columns=["client", "time", "cut_per_day", "cut_until"]),
    }


NORMS = Benefits.model_validate({"monthly_norm": {
    2016: {"single": "€700 per month", "single_parent": "€800 per month", "couple": "€1,000 per month"},
    2017: {"single": "€710 per month", "single_parent": "€810 per month", "couple": "€1,100 per month"},
}})


def paid(t: dict[str, pd.DataFrame], start: float, end: float) -> float:
    return benefits_paid(t, NORMS, START, start, end)


def test_a_year_boundary_switches_the_norm() -> None:
    """A spell across 1 January 2017 pays the 2016 norm before it and the 2017 norm after it."""
    t = tables([(0, 300.0, 400.0)], {0: "couple"})
    expected = (JAN_2017 - 300) * 1000 / DAYS_PER_MONTH + (400 - JAN_2017) * 1100 / DAYS_PER_MONTH
    assert paid(t, 0, 1000) == pytest.approx(expected, rel=1e-12)
    assert year_pieces(START, 300, 400) == [(2016, 300, JAN_2017), (2017, JAN_2017, 400)]


def test_an_open_spell_runs_on_and_the_interval_clips_every_spell() -> None:
    t = tables([(0, -50.0, 20.0), (1, 10.0, math.nan)], {0: "single", 1: "single_parent"})
    expected = 10 * 700 / DAYS_PER_MONTH + 20 * 800 / DAYS_PER_MONTH  # [10, 30): client 0 until 20, client 1 all
    assert paid(t, 10, 30) == pytest.approx(expected, rel=1e-12)


@pytest.mark.parametrize(("sanction", "end", "cut_days"), [
    ((0, 50.0, 10.0, 80.0), 1000.0, 30.0),   # a month's cut inside the spell
    ((0, 180.0, 10.0, 210.0), 1000.0, 20.0),  # the spell ends first (exit at 200): no benefit, nothing to cut
    ((0, 90.0, 10.0, 130.0), 100.0, 10.0),    # the interval ends first
])
def test_a_sanction_reduces_the_benefit_by_exactly_its_cut(sanction: tuple[int, float, float, float], end: float,
                                                           cut_days: float) -> None:
    spell = [(0, 0.0, 200.0)]
    without = paid(tables(spell, {0: "single"}), 0, end)
    with_cut = paid(tables(spell, {0: "single"}, (sanction,)), 0, end)
    assert without - with_cut == pytest.approx(sanction[2] * cut_days, rel=1e-12)


def test_a_new_sanction_replaces_the_running_cut_and_a_later_spell_is_not_cut() -> None:
    """The second maatregel (day 60) ends the first's cut (as the client's cut date is overwritten);
    a cut never reaches into the client's next spell."""
    spells = [(0, 0.0, 100.0), (0, 150.0, 300.0)]
    cuts = ((0, 50.0, 10.0, 80.0), (0, 60.0, 20.0, 90.0), (0, 95.0, 5.0, 160.0))
    drop = paid(tables(spells, {0: "single"}), 0, 1000) - paid(tables(spells, {0: "single"}, cuts), 0, 1000)
    assert drop == pytest.approx(10 * 10 + 30 * 20 + 5 * 5, rel=1e-12)


# ------------------------------------------------------------------ a tiny run


@pytest.fixture(scope="module")
def tiny() -> RunResult:
    """Base, 300 clients, four calendar years (2016-2019); sanctions made frequent enough to find some."""
    return run(load_small(BASE, ["sanctions.noncompliance_probability=0.2"], stock=300), seed=11)


def hand_paid(result: RunResult, clients: list[int], start: float, end: float) -> float:
    """Benefit paid to ``clients`` in [start, end), in plain Python: per spell, day spans per
    calendar year × the written monthly norm × 12 / 365.25, less each sanction's cut until it ends,
    the spell ends or the next sanction comes."""
    norms, t = written_norms(), result.tables
    household = dict(zip(t["clients"]["client"], t["clients"]["household"]))
    total = 0.0
    for client in clients:
        spells = [(s, e if e == e else math.inf) for s, e in
                  t["spells"].loc[t["spells"]["client"] == client, ["start", "end"]].itertuples(index=False)]
        for s, e in spells:
            at = max(s, start)
            while at < min(e, end):
                day = START + dt.timedelta(days=math.floor(at))
                next_jan = float((dt.date(day.year + 1, 1, 1) - START).days)
                stop = min(e, end, next_jan)
                total += (stop - at) * norms[day.year][household[client]] * 12 / 365.25
                at = stop
        cuts = sorted(t["sanctions"].loc[t["sanctions"]["client"] == client,
                                         ["time", "cut_per_day", "cut_until"]].itertuples(index=False))
        for i, (time, per_day, until) in enumerate(cuts):
            spell_end = max(e for s, e in spells if s <= time)
            stop = min(until, spell_end, cuts[i + 1][0] if i + 1 < len(cuts) else math.inf)
            total -= max(0.0, min(stop, end) - max(time, start)) * per_day
    return total


def test_benefit_paid_in_a_tiny_run_equals_a_hand_computation(tiny: RunResult) -> None:
    t = tiny.tables
    spells, sanctions, clients = t["spells"], t["sanctions"], t["clients"]
    crosses = spells[(spells["start"] < JAN_2017) & (spells["end"] > JAN_2017)]["client"]
    picked = {
        "sanctioned twice": sanctions["client"].value_counts().index[0],
        "across 1 January 2017": crosses.iloc[0],
        "still open": spells.loc[spells["end"].isna(), "client"].iloc[0],
        "couple": clients.loc[clients["household"] == "couple", "client"].iloc[0],
        "single parent": clients.loc[clients["household"] == "single_parent", "client"].iloc[0],
    }
    assert (sanctions["client"] == picked["sanctioned twice"]).sum() >= 2
    subset = {name: table[table["client"].isin(picked.values())] for name, table in t.items()
              if name in ("spells", "clients", "sanctions")}
    window = window_of(tiny)
    for start, end in ((window.start, window.end), (0.0, window.follow_up_end), (100.0, 500.0)):
        spec = tiny.scenario.model
        mine = benefits_paid(subset, spec.benefits, spec.clock.start, start, end)
        # one client may stand for two cases (sanctioned twice and still open): each counted once
        assert mine == pytest.approx(hand_paid(tiny, list(dict.fromkeys(picked.values())), start, end), rel=1e-9)


def test_sanction_cuts_use_the_norm_of_the_year_they_are_imposed(tiny: RunResult) -> None:
    """Each maatregel cuts benefit_cut_share × the norm in force on its day, so the cut per day
    switches with the calendar year (the run spans 2016-2019)."""
    t, spec = tiny.tables, tiny.scenario.model
    household = t["sanctions"]["client"].map(t["clients"].set_index("client")["household"])
    years = [(START + dt.timedelta(days=math.floor(x))).year for x in t["sanctions"]["time"]]
    assert len(set(years)) >= 3
    norms = written_norms()
    expected = [spec.sanctions.benefit_cut_share * norms[y][h] * 12 / 365.25 for y, h in zip(years, household)]
    np.testing.assert_allclose(t["sanctions"]["cut_per_day"], expected, rtol=1e-12)


def test_all_single_against_all_couple_gives_the_ratio_of_the_norms() -> None:
    """Household changes nothing but the norm, so with one seed the two worlds hold the same spells
    and sanctions; every cut is a share of the norm too, so the ratio of benefits paid is the
    couple/single ratio of the norms, 1/0.7, up to the rounding of the written norms to cents
    (at most €0.005 on €612, a relative 1e-5). Part-time earnings are the same in both worlds and
    not a share of the norm, so the ratio is taken before they are netted."""
    def world(single: float) -> RunResult:
        shares = f"{{single: {single}, single_parent: 0.0, couple: {1 - single}}}"
        return run(load_small(BASE, [f"population.household={shares}"], stock=300), seed=5)

    def before_earnings(result: RunResult) -> float:
        spec = result.scenario.model
        tables = {name: table for name, table in result.tables.items() if name != "part_time"}
        return benefits_paid(tables, spec.benefits, spec.clock.start, 0.0, window_of(result).follow_up_end)

    singles, couples = world(1.0), world(0.0)
    for name in ("spells", "sanctions", "part_time"):
        assert_tables_equal({name: singles.tables[name].drop(columns=["cut_per_day"], errors="ignore")},
                            {name: couples.tables[name].drop(columns=["cut_per_day"], errors="ignore")})
    assert len(singles.tables["part_time"]) > 0
    assert before_earnings(couples) / before_earnings(singles) == pytest.approx(1 / 0.7, rel=1e-4)


def test_headline_business_case(tiny: RunResult) -> None:
    """Benefits per year over the window; net cost adds the activation cost; the follow-up version
    spans window and follow-up, and the run goes on paying through the follow-up."""
    values = headline_values(tiny)
    window = window_of(tiny)
    longer = Window(window.start, window.follow_up_end, window.follow_up_end)
    paid = benefits_paid_in(tiny, window.start, window.end)
    assert values["benefits_paid_per_year"] == pytest.approx(paid / window.years, rel=1e-12)
    assert values["net_cost_per_year"] == pytest.approx(paid / window.years + values["activation_cost_per_year"],
                                                        rel=1e-12)
    total = benefits_paid_in(tiny, longer.start, longer.end) + activation_cost(tiny, longer)
    assert values["net_cost_incl_follow_up_per_year"] == pytest.approx(total / longer.years, rel=1e-12)
    follow_up = benefits_paid_in(tiny, window.end, window.follow_up_end)
    assert follow_up > 0.5 * paid * (window.follow_up_end - window.end) / (window.end - window.start)


# ------------------------------------------------------------------ bad input


def write(tmp_path: Path, body: str) -> Path:
    path = tmp_path / "norms.yaml"
    path.write_text(f"extends: {BASE.as_posix()}\nbenefits:\n  monthly_norm:\n    {body}\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(("body", "key", "says"), [
    ('2030: {single: "€900 per month", couple: "€1,300 per month"}',
     "benefits.monthly_norm.2030.single_parent", "missing key 'single_parent'"),
    ('217: {single: "€900 per month", single_parent: "€900 per month", couple: "€1,300 per month"}',
     "benefits.monthly_norm.217", "a year must be a calendar year like 2017"),
    ('next: {single: "€900 per month", single_parent: "€900 per month", couple: "€1,300 per month"}',
     "benefits.monthly_norm.next", "a year must be a calendar year like 2017"),
    ('2017: {single: "900", single_parent: "€900 per month", couple: "€1,300 per month"}',
     "benefits.monthly_norm.2017.single", "money needs a currency"),
    ('2017: {single: "€900", single_parent: "€900 per month", couple: "€1,300 per month"}',
     "benefits.monthly_norm.2017.single", "expected an amount per period"),
    ('2017: {single: "€900 per month", single_parnet: "€900 per month", couple: "€1,300 per month"}',
     "benefits.monthly_norm.2017.single_parnet", "did you mean 'single_parent'"),
])
def test_bad_norms_give_one_clean_error_naming_file_key_and_line(tmp_path: Path, body: str, key: str,
                                                                 says: str) -> None:
    path = write(tmp_path, body)
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    error = caught.value
    assert (error.file, error.key, error.line) == (str(path), key, 4), str(error)
    assert says in str(error)


def test_a_norm_table_without_years_is_refused(tmp_path: Path) -> None:
    """A stand-alone scenario (no extends to inherit years from) with an empty table."""
    text = re.sub(r"  monthly_norm:\n(    \d{4}: .*\n)+", "  monthly_norm: {}\n", BASE.read_text(encoding="utf-8"))
    path = tmp_path / "empty.yaml"
    path.write_text(text, encoding="utf-8")
    line = text.splitlines().index("  monthly_norm: {}") + 1
    with pytest.raises(ScenarioError) as caught:
        load_scenario(path)
    assert (caught.value.key, caught.value.line) == ("benefits.monthly_norm", line), str(caught.value)
    assert "at least one year" in str(caught.value)
