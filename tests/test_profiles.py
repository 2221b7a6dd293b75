"""Replication profiles (``simulation.outcomes.profiles``) and the results they make (``simulation.results.collection``).

A profile is what plots and reports read instead of the full tables, so every number in it is
held to a computation that does not use it: the headline outcomes of the same run
(``simulation.outcomes.headline``), a hand-written Kaplan–Meier estimator with Greenwood's variance,
group memberships recomputed from the client and spell tables, and utilisation recomputed from
the monthly table. Profiles must also survive the trip through a results folder unchanged.

One small Tilburg run (500 clients, 15 months plus a year of follow-up) is shared by the
module; the folder round trips use a two-scenario, two-replication comparison.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pandas as pd
import pytest
from conftest import TEST_SCENARIO_DIR, load_small, small_overrides

from simulation.experiments.comparison import compare
from simulation.model.run import run
from simulation.outcomes.headline import headline_values
from simulation.outcomes.profiles import (
    CURVES,
    DAYS_PER_MONTH,
    EQUITY_GROUPS,
    _km,
    profile_tables,
    replication_profile,
)
from simulation.present.plots import exits_per_year
from simulation.results.collection import Results, write_comparison

TINY = TEST_SCENARIO_DIR / "tiny_tilburg.yaml"
TINY_B = TEST_SCENARIO_DIR / "tiny_leeuwarden.yaml"
DAYS_PER_YEAR = 365.25
STOCK = 1_000  # enough that the wijkteam serves well over 5 cases in the window (about 17 in expectation)
SEED = 11
Z95 = 1.959963984540054  # the standard normal's 97.5% point


# --- shared runs ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def result():
    return run(load_small(TINY, stock=STOCK), seed=SEED, replication=0, event_log=False)


@pytest.fixture(scope="module")
def profile(result):
    return replication_profile(result)


@pytest.fixture(scope="module")
def headline(result):
    return headline_values(result)


@pytest.fixture(scope="module")
def window(result):
    """(start, end, follow-up end) recomputed from the monthly table and the clock."""
    monthly = result.tables["monthly"]
    observed = monthly[monthly["period"] == "observation"]
    clock = result.scenario.model.clock
    return float(observed["start"].iloc[0]), float(observed["time"].iloc[-1]), clock.horizon + clock.follow_up


@pytest.fixture(scope="module")
def comparison():
    """Two scenarios, two replications, in memory."""
    return compare([load_small(TINY, stock=300), load_small(TINY_B, stock=300)], 2, seed=4, workers=1, store=False)


# --- independent estimators ----------------------------------------------------------------------


def kaplan_meier(durations: np.ndarray, observed: np.ndarray, at: float) -> tuple[float, float]:
    """Survival at ``at`` and Greenwood's sum Σ d/(n(n−d)), by the textbook product-limit formula."""
    survival, greenwood = 1.0, 0.0
    for time in np.unique(durations[observed]):
        if time > at:
            break
        deaths = int(np.sum((durations == time) & observed))
        at_risk = int(np.sum(durations >= time))
        survival *= 1 - deaths / at_risk
        greenwood += deaths / (at_risk * (at_risk - deaths)) if at_risk > deaths else math.inf
    return survival, greenwood


def in_window(times: pd.Series, window) -> pd.Series:
    start, end, _ = window
    return (times > start) & (times <= end)


def spells_started(result, window) -> tuple[np.ndarray, np.ndarray]:
    """Durations of the spells that start in the window, censored at the end of follow-up."""
    spells = result.tables["spells"]
    started = spells[in_window(spells["start"], window)]
    ended = started["end"].notna().to_numpy()
    durations = np.where(ended, started["end"] - started["start"], window[2] - started["start"])
    return durations.astype(float), ended


def returns_after_work(result, window, keep=None) -> tuple[np.ndarray, np.ndarray]:
    """Days from each exit to work in the window to the client's next spell (or censoring)."""
    spells = result.tables["spells"]
    next_start = {(row.client, row.spell_no): row.start for row in spells.itertuples()}
    durations, observed = [], []
    for index, row in spells.iterrows():
        if row["reason"] != "work" or not (window[0] < row["end"] <= window[1]):
            continue
        if keep is not None and not keep[index]:
            continue
        back = next_start.get((row["client"], row["spell_no"] + 1))
        observed.append(back is not None)
        durations.append(back - row["end"] if back is not None else window[2] - row["end"])
    return np.array(durations, float), np.array(observed, bool)


def curve(profile, name: str) -> pd.DataFrame:
    data = profile["curves"][name]
    return pd.DataFrame({key: data[key] for key in ("day", "value", "low", "high")}, dtype=float)


# --- headline agreement --------------------------------------------------------------------------


def test_time_to_return_at_twelve_months_is_the_headline_recidivism(profile, headline):
    returns = curve(profile, "time_to_return")
    assert returns["day"][12] == DAYS_PER_YEAR  # grid point 12 is exactly a year
    assert not math.isnan(headline["recidivism_12m"]) and headline["recidivism_12m"] > 0
    assert 100 * returns["value"][12] == pytest.approx(headline["recidivism_12m"], rel=1e-12)


def test_time_to_return_at_twenty_four_months_agrees_with_headline_where_defined(profile, headline):
    value = curve(profile, "time_to_return")["value"][24]
    if math.isnan(headline["recidivism_24m"]):
        assert math.isnan(value)  # both undefined: nobody is followed for two years
    else:
        assert 100 * value == pytest.approx(headline["recidivism_24m"], rel=1e-12)


def test_exits_per_year_counts_the_exits_of_the_observation_months(result, window):
    """The figure's exits per year: (exits by reason in the window) per year of the window's days."""
    per_year = exits_per_year(Results.from_run(result)).set_index("reason")["value"]
    spells = result.tables["spells"]
    exits = spells[in_window(spells["end"], window) & (spells["reason"] != "censored")]
    years = (window[1] - window[0]) / DAYS_PER_YEAR
    counts = exits["reason"].value_counts()
    assert counts.get("work", 0) > 10
    for reason, value in per_year.items():
        assert value * years == pytest.approx(counts.get(reason, 0), abs=1e-9), reason


def test_exits_per_year_for_work_is_the_headline(result, headline):
    per_year = exits_per_year(Results.from_run(result)).set_index("reason")["value"]
    assert per_year["work"] == pytest.approx(headline["exits_to_work_per_year"], rel=1e-9)


def test_equity_group_all_is_the_whole_population(profile, headline, result, window):
    equity = pd.DataFrame(profile["equity"]).set_index(["group", "measure"])["value"]
    assert equity[("all", "share_of_client_years")] == pytest.approx(100.0, rel=1e-12)
    assert equity[("all", "recidivism_12m")] == pytest.approx(headline["recidivism_12m"], rel=1e-12)
    # per 100 client-years: the headline's counts over the exposure; exposure ≈ average stock × years
    years = (window[1] - window[0]) / DAYS_PER_YEAR
    exits = headline["exits_to_work_per_year"] * years
    sanctions = headline["sanctions_per_year"] * years
    exposure = 100 * exits / equity[("all", "exits_to_work_per_100_client_years")]
    assert 100 * sanctions / exposure == pytest.approx(equity[("all", "sanctions_per_100_client_years")], rel=1e-9)
    assert exposure == pytest.approx(headline["average_stock"] * years, rel=0.02)


def test_equity_groups_recomputed_from_clients_and_spells(result, profile, window):
    """Membership, exposure, exits, sanctions and recidivism per group, from the raw tables."""
    start, end, follow_up_end = window
    spells, clients = result.tables["spells"], result.tables["clients"].set_index("client")
    # ages in clients.csv are at the end of the run; the groups use the age at the end of the window
    age_at_window_end = spells["client"].map(clients["age_at_end"]) - (follow_up_end - end) / DAYS_PER_YEAR
    members = {
        "all": pd.Series(True, index=spells.index),
        "age_45_plus": age_at_window_end >= 45,
        "migrant": spells["client"].map(clients["migrant"]).astype(bool),
        "single_parent": spells["client"].map(clients["household"]) == "single_parent",
        "phase_4_5": spells["phase_at_exit"].isin([4, 5]),
    }
    assert list(members) == list(EQUITY_GROUPS)
    exposure = pd.Series([max(0.0, min(e if not math.isnan(e) else math.inf, end) - max(s, start)) / DAYS_PER_YEAR
                          for s, e in zip(spells["start"], spells["end"], strict=True)], index=spells.index)
    to_work = in_window(spells["end"], window) & (spells["reason"] == "work")
    # a sanction belongs to the spell the client was on at the time (start <= t <= end)
    sanctions = result.tables["sanctions"]
    sanctions = sanctions[in_window(sanctions["time"], window)]
    per_spell = pd.Series(0, index=spells.index)
    for sanction in sanctions.itertuples():
        own = spells[(spells["client"] == sanction.client) & (spells["start"] <= sanction.time)
                     & (spells["end"].isna() | (spells["end"] >= sanction.time))]
        assert len(own) == 1, f"sanction at {sanction.time} of client {sanction.client} is not on one spell"
        per_spell[own.index[0]] += 1
    assert per_spell.sum() > 5
    equity = pd.DataFrame(profile["equity"]).set_index(["group", "measure"])["value"]
    total = exposure.sum()
    for group, member in members.items():
        years = exposure[member].sum()
        share = 100 * years / total
        if group != "all":
            assert 3 < share < 97, f"{group}: a degenerate group ({share:.1f}%) would test nothing"
        assert equity[(group, "share_of_client_years")] == pytest.approx(share, rel=1e-9), group
        assert equity[(group, "exits_to_work_per_100_client_years")] == pytest.approx(
            100 * to_work[member].sum() / years, rel=1e-9), group
        assert equity[(group, "sanctions_per_100_client_years")] == pytest.approx(
            100 * per_spell[member].sum() / years, rel=1e-9), group
        durations, observed = returns_after_work(result, window, keep=member)
        survival, _ = kaplan_meier(durations, observed, DAYS_PER_YEAR)
        recidivism = equity[(group, "recidivism_12m")]
        if len(durations) and durations.max() >= DAYS_PER_YEAR:
            assert recidivism == pytest.approx(100 * (1 - survival), abs=1e-9), group
        else:
            assert recidivism is None, group


# --- Kaplan–Meier curves -------------------------------------------------------------------------


@pytest.mark.parametrize("name", list(CURVES))
def test_curve_agrees_with_hand_written_kaplan_meier_and_greenwood(result, profile, window, name):
    durations, observed = (spells_started(result, window) if name == "time_to_exit"
                           else returns_after_work(result, window))
    assert profile["curves"][name]["n"] == len(durations)
    assert observed.sum() > 10 and (~observed).sum() > 10  # events and censoring both present
    table = curve(profile, name)
    assert len(table) == CURVES[name] + 1
    assert table["day"].to_numpy() == pytest.approx(np.arange(CURVES[name] + 1) * DAYS_PER_MONTH)
    checked = 0
    for row in table.itertuples():
        if row.day > durations.max():
            continue
        survival, greenwood = kaplan_meier(durations, observed, row.day)
        half = Z95 * survival * math.sqrt(greenwood)
        low, high = max(0.0, survival - half), min(1.0, survival + half)
        if name == "time_to_return":  # a failure curve: the share back on benefit
            survival, low, high = 1 - survival, 1 - high, 1 - low
        assert row.value == pytest.approx(survival, abs=1e-12), row.day
        if 0 < survival < 1:
            assert row.low == pytest.approx(low, abs=1e-9) and row.high == pytest.approx(high, abs=1e-9), row.day
            assert row.low <= row.value <= row.high
            checked += 1
    assert checked >= 6


@pytest.mark.parametrize("name", list(CURVES))
def test_curve_is_undefined_past_the_longest_follow_up(result, profile, window, name):
    durations, _ = (spells_started(result, window) if name == "time_to_exit" else returns_after_work(result, window))
    table = curve(profile, name)
    beyond = table["day"] > durations.max()
    assert table.loc[~beyond, "value"].notna().all()
    if name == "time_to_exit":  # 36 months on the grid, at most 24 of follow-up in this run
        assert beyond.sum() >= 10
    assert table.loc[beyond, ["value", "low", "high"]].isna().all().all()
    assert table["value"].dropna().between(0, 1).all()
    monotone = np.diff(table["value"].dropna().to_numpy())
    assert (monotone <= 1e-15).all() if name == "time_to_exit" else (monotone >= -1e-15).all()


def test_kaplan_meier_on_a_textbook_example():
    """Five spells (days): exits at 10, 40, 70; censored at 40 and 100."""
    durations = np.array([10.0, 40.0, 40.0, 70.0, 100.0])
    observed = np.array([True, True, False, True, False])
    survival = _km(durations, observed, 4, failure=False)
    assert survival["n"] == 5
    assert survival["value"][:4] == pytest.approx([1.0, 0.8, 0.8 * 3 / 4, 0.8 * 3 / 4 * 1 / 2])
    assert survival["value"][4] is None  # 4 months = 121.75 days > 100, the last time at risk
    se = 0.8 * math.sqrt(1 / (5 * 4))
    assert survival["low"][1] == pytest.approx(0.8 - Z95 * se) and survival["high"][1] == 1.0
    failure = _km(durations, observed, 4, failure=True)
    assert failure["value"][:4] == pytest.approx([0.0, 0.2, 0.4, 0.7])
    assert failure["high"][1] == pytest.approx(0.2 + Z95 * se) and failure["low"][1] == 0.0
    empty = _km(np.array([]), np.array([], bool), 3, failure=True)
    assert empty["n"] == 0 and empty["value"] == [None] * 4 and empty["low"] == [None] * 4


# --- resources and monthly series ----------------------------------------------------------------


def test_utilisation_is_busy_over_capacity_in_the_observation_months(result, profile):
    monthly = result.tables["monthly"]
    observed = monthly[monthly["period"] == "observation"]
    resources = {row["resource"]: row for row in profile["resources"]}
    expected = {c.removesuffix("_capacity") for c in monthly.columns if c.endswith("_capacity")}
    assert set(resources) == expected
    busy_somewhere = 0
    for name, row in resources.items():
        capacity = observed[f"{name}_capacity"].sum()
        if capacity == 0:
            assert row["utilisation"] is None
            continue
        assert row["utilisation"] == pytest.approx(observed[f"{name}_busy"].sum() / capacity, rel=1e-12)
        assert 0 <= row["utilisation"] <= 1
        busy_somewhere += row["utilisation"] > 0
    assert busy_somewhere >= 3


def test_waits_per_resource(result, profile, headline, window):
    waits = result.tables["waits"]
    served = waits[waits["served"] & in_window(waits["started"], window) & (waits["kind"] != "urgent")]
    for row in profile["resources"]:
        own = served[served["resource"] == row["resource"]]
        assert row["served"] == len(own)
        if len(own):
            waited = own["started"] - own["requested"]
            assert row["wait_mean_days"] == pytest.approx(waited.mean(), rel=1e-12)
            assert row["wait_p90_days"] == pytest.approx(np.quantile(waited, 0.9), rel=1e-12)
        else:
            assert row["wait_mean_days"] is None and row["wait_p90_days"] is None
    wijkteam = next(r for r in profile["resources"] if r["resource"] == "wijkteam")
    assert wijkteam["served"] > 5
    assert wijkteam["wait_mean_days"] == pytest.approx(headline["wait_wijkteam_mean_days"], rel=1e-12)
    assert wijkteam["wait_p90_days"] == pytest.approx(headline["wait_wijkteam_p90_days"], rel=1e-12)


def test_monthly_series_are_the_monthly_table(result, profile):
    monthly = result.tables["monthly"]
    kept = profile["monthly"]["columns"]
    assert profile["monthly"]["month"] == monthly["month"].astype(str).tolist()
    assert profile["monthly"]["period"] == monthly["period"].tolist()
    for column in ("stock", "rung_1", "rung_6", "exits_work", "wijkteam_busy", "wijkteam_capacity", "sanctions"):
        expected = [None if math.isnan(v) else v for v in monthly[column].astype(float)]  # JSON: NaN is None
        assert kept[column] == expected, column
    assert any(c.startswith("budget_") for c in kept)
    assert "no_contact_12m" not in kept and "month" not in kept


def test_profile_is_plain_json(profile):
    """The store keeps profiles as JSON: no NaN (None stands for undefined), no numpy types."""
    text = json.dumps(profile, allow_nan=False)
    assert json.loads(text) == profile


# --- tidy tables and folders ---------------------------------------------------------------------


def test_profile_tables_are_tidy(comparison):
    profiles = comparison.attrs["profiles"]
    tables = profile_tables(profiles)
    assert {(label, rep) for label, rep, _ in profiles} == {(label, rep) for label in ("tiny_tilburg", "tiny_leeuwarden")
                                                           for rep in (0, 1)}
    for label, replication, prof in profiles:  # noqa: B007 - both are read by the query string (@label)
        series = tables["series"].query("scenario == @label and replication == @replication")
        columns = prof["monthly"]["columns"]
        assert len(series) == len(columns) * len(prof["monthly"]["month"])
        stock = series[series["variable"] == "stock"]["value"].tolist()
        assert stock == columns["stock"]
        curves = tables["curves"].query("scenario == @label and replication == @replication")
        assert len(curves) == sum(n + 1 for n in CURVES.values())
        equity = tables["equity"].query("scenario == @label and replication == @replication")
        assert len(equity) == len(prof["equity"])
    assert list(tables["series"].columns[:2]) == ["scenario", "replication"]
    empty = profile_tables([])
    assert all(table.empty for table in empty.values())
    assert list(empty["curves"].columns) == ["scenario", "replication", "curve", "day", "value", "low", "high", "n"]


def reversed_keys(data):
    """The same data with every mapping's keys in reverse order (lists keep theirs)."""
    if isinstance(data, dict):
        return {key: reversed_keys(data[key]) for key in reversed(list(data))}
    return [reversed_keys(item) for item in data] if isinstance(data, list) else data


def test_profile_tables_do_not_follow_the_order_of_a_profiles_keys(comparison):
    """A profile read back from the store has its keys sorted (JSON), a fresh one the model's order:
    the tables, as written to CSV, are the same to the byte whatever the order of the keys."""
    profiles = comparison.attrs["profiles"]
    reordered = [(label, replication, reversed_keys(prof)) for label, replication, prof in profiles]
    assert list(reordered[0][2]["monthly"]["columns"]) != list(profiles[0][2]["monthly"]["columns"])
    tables, other = profile_tables(profiles), profile_tables(reordered)
    for name, table in tables.items():
        assert other[name].to_csv(index=False) == table.to_csv(index=False), name


def assert_same_results(loaded: Results, memory: Results) -> None:
    assert loaded.kind == memory.kind
    assert loaded.labels == memory.labels
    assert loaded.reps == memory.reps
    pd.testing.assert_frame_equal(loaded.summary, memory.summary, check_exact=False, rtol=1e-12, atol=0)
    assert sorted(loaded.tables) == sorted(memory.tables)
    for name in memory.tables:
        left = loaded.tables[name].reset_index(drop=True)
        right = memory.tables[name].reset_index(drop=True)
        assert list(left.columns) == list(right.columns), name
        for column in right.columns:
            if pd.api.types.is_numeric_dtype(right[column]) and not pd.api.types.is_bool_dtype(right[column]):
                np.testing.assert_allclose(left[column].to_numpy(float), right[column].to_numpy(float),
                                           rtol=1e-12, equal_nan=True, err_msg=f"{name}.{column}")
            else:
                assert left[column].astype(str).tolist() == right[column].astype(str).tolist(), f"{name}.{column}"
    pd.testing.assert_frame_equal(loaded.differences(), memory.differences())


def test_run_folder_loads_back_to_the_same_results(result, tmp_path, capsys):
    """``meedoen run --out`` then ``Results.load``: the numbers ``Results.from_run`` gives in memory."""
    from simulation.cli.main import main

    overrides = [arg for o in small_overrides(TINY, STOCK) for arg in ("--set", o)]
    folder = tmp_path / "run"
    assert main(["run", str(TINY), *overrides, "--seed", str(SEED), "--out", str(folder), "--no-event-log"]) == 0
    capsys.readouterr()
    loaded = Results.load(folder)
    memory = Results.from_run(result)
    assert loaded.folder == folder and memory.folder is None
    assert_same_results(loaded, memory)
    headline = headline_values(result)
    means = loaded.summary.set_index("outcome")["mean"]
    assert means["recidivism_12m"] == pytest.approx(headline["recidivism_12m"], rel=1e-12)
    assert loaded.summary["ci_low"].isna().all()  # one replication: no interval
    assert loaded.scenarios[0]["hash"] == result.scenario.hash
    assert loaded.manifest["seed"] == SEED


def test_run_folder_remembers_its_overrides(result, tmp_path):
    from simulation.results.run_output import write_results

    assert result.scenario.raw.overrides  # load_small's overrides
    loaded = Results.load(write_results(result, tmp_path / "run"))
    assert loaded.scenarios[0]["overrides"] == Results.from_run(result).scenarios[0]["overrides"]


def test_compare_folder_loads_back_to_the_same_results(comparison, tmp_path):
    folder = write_comparison(comparison, tmp_path / "cmp")
    loaded = Results.load(folder)
    memory = Results.from_comparison(comparison)
    assert_same_results(loaded, memory)
    # the summary as compare computed it, not only as Results recomputes it
    columns = ["scenario", "outcome", "mean", "ci_low", "ci_high", "diff", "diff_low", "diff_high"]
    pd.testing.assert_frame_equal(loaded.summary[columns], comparison[columns], check_exact=False, rtol=1e-12)
    assert [s["hash"] for s in loaded.scenarios] == [s["hash"] for s in comparison.attrs["scenarios"]]
    assert set(loaded.differences()["key"]) >= {"name", "description", "policy.groups.group3.handler"}


def test_compare_folder_keeps_scenario_names_that_look_like_numbers_or_na(tmp_path):
    scenarios = [load_small(TINY, ["name='01'"], stock=200), load_small(TINY, ["name=NA"], stock=200)]
    summary = compare(scenarios, 2, seed=1, workers=1, store=False)
    loaded = Results.load(write_comparison(summary, tmp_path / "cmp"))
    assert loaded.labels == ["01", "NA"]
    assert list(dict.fromkeys(loaded.summary["scenario"])) == ["01", "NA"]
    assert set(loaded.series["scenario"]) == {"01", "NA"}
