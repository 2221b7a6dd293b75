"""Client journeys (simulation.present.journeys): sampled timelines agree with the run's own tables.

One tiny Tilburg run (200 clients, 15 months plus a year of follow-up, under a second) is
shared by the module; its tables are checked in memory and after a round trip through a
results folder. Each check compares the journey rows with an independent source: spells,
jobs and sanctions tables against rows built partly from the event log, and the event log's
phase against the benefit rows built from it.
"""

from __future__ import annotations

import math
import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import TEST_SCENARIO_DIR

from simulation import ScenarioError, load_scenario, run
from simulation.present.journeys import (
    SEGMENT_COLUMNS,
    client_strata,
    journey_segments,
    plot_journeys,
    run_clock,
    sample_clients,
    save_figure,
)
from simulation.results.run_output import write_results
from simulation.results.run_tables import load_run_tables

TINY = TEST_SCENARIO_DIR / "tiny_tilburg.yaml"
EPS = 1e-9


@pytest.fixture(scope="module")
def result():
    return run(load_scenario(TINY), seed=1)


@pytest.fixture(scope="module")
def tables(result) -> dict[str, pd.DataFrame]:
    return result.tables


@pytest.fixture(scope="module")
def folder(result, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_results(result, tmp_path_factory.mktemp("journeys") / "run")


@pytest.fixture(scope="module")
def sample(tables) -> list[int]:
    """Forty clients, stratified: plenty of phase changes, jobs, sanctions, teams, trajectories."""
    return sample_clients(tables, 40, seed=5)


@pytest.fixture(scope="module")
def segments(tables, sample) -> pd.DataFrame:
    return journey_segments(tables, sample)


def _events(tables: dict[str, pd.DataFrame], client: int) -> pd.DataFrame:
    events = tables["events"]
    mine = events[events["case_id"] == client]
    return pd.DataFrame({"time": mine["time"].to_numpy(float), "activity": mine["activity"].astype(str).to_numpy(),
                         "resource": mine["resource"].astype(str).to_numpy(), "phase": mine["phase"].to_numpy(int)})


def _spell_end(spell, end_of_run: float) -> float:
    return end_of_run if pd.isna(spell.end) else float(spell.end)


# --- segments -------------------------------------------------------------------------------


def test_segments_have_the_documented_columns_and_cover_every_sampled_client(segments, sample):
    assert tuple(segments.columns) == SEGMENT_COLUMNS
    assert list(dict.fromkeys(segments["client"])) == sample  # in the order given
    assert (segments["end"] >= segments["start"]).all()
    points = segments[segments["lane"] == "event"]
    assert (points["end"] == points["start"]).all()


def test_benefit_segments_tile_each_spell_exactly(tables, segments, sample):
    end_of_run = run_clock(tables).end
    spells = tables["spells"][tables["spells"]["client"].isin(sample)]
    benefit = segments[segments["lane"] == "benefit"]
    assert len(spells) > len(sample) - 1  # every sampled client has a spell, some several
    for spell in spells.itertuples(index=False):
        rows = benefit[(benefit["client"] == spell.client) & (benefit["spell_no"] == spell.spell_no)]
        rows = rows.sort_values("start")
        assert len(rows), f"client {spell.client} spell {spell.spell_no} has no benefit rows"
        starts, ends = rows["start"].to_numpy(), rows["end"].to_numpy()
        assert starts[0] == spell.start
        assert ends[-1] == _spell_end(spell, end_of_run)
        np.testing.assert_array_equal(starts[1:], ends[:-1])  # no gaps, no overlaps
        assert (ends > starts).all()
    # and nothing outside the spells
    keys = set(zip(spells["client"], spells["spell_no"]))
    assert set(zip(benefit["client"], benefit["spell_no"])) == keys
    total = sum(_spell_end(s, end_of_run) - s.start for s in spells.itertuples(index=False))
    assert (benefit["end"] - benefit["start"]).sum() == pytest.approx(total, rel=1e-12)


def test_phase_segments_show_the_event_logs_phase(tables, segments, sample):
    """At every logged moment inside a benefit row, the client's phase (after all events at that
    moment) is the row's phase; neighbouring rows differ, except where a row is cut at day 0."""
    benefit = segments[segments["lane"] == "benefit"]
    changes = 0
    for client in sample:
        events = _events(tables, client).drop_duplicates("time", keep="last")
        rows = benefit[benefit["client"] == client].sort_values("start")
        for row in rows.itertuples(index=False):
            inside = events[(events["time"] >= row.start) & (events["time"] < row.end)]
            assert (inside["phase"] == row.phase).all(), (client, row)
            if row.detail != "before start":
                assert len(inside), f"client {client}: a phase row {row.start}-{row.end} with no event in it"
                assert inside["time"].iloc[0] == row.start  # a row starts where its phase was logged
        for (a, b) in zip(rows.itertuples(index=False), list(rows.itertuples(index=False))[1:]):
            if a.end == b.start and a.spell_no == b.spell_no and a.end != 0.0:
                assert a.phase != b.phase
                changes += 1
    assert changes > 5  # the sample really has phase changes to check (since issue 14 phases change rarely)
    assert set(benefit["phase"]) <= {1, 2, 3, 4, 5}  # everyone on benefit is assessed at once
    assert (benefit["label"] == "phase " + benefit["phase"].astype(str)).all()


def test_job_segments_match_the_jobs_table_and_the_event_log(tables, segments, sample):
    end_of_run = run_clock(tables).end
    jobs = tables["jobs"][tables["jobs"]["client"].isin(sample)]
    rows = segments[segments["lane"] == "job"]
    assert len(jobs) >= 3
    expected = sorted((int(j.client), float(j.start), _spell_end(j, end_of_run), str(j.job_type))
                      for j in jobs.itertuples(index=False))
    got = sorted((int(r.client), r.start, r.end, r.kind) for r in rows.itertuples(index=False))
    assert got == expected
    events = tables["events"]
    starts = events[(events["activity"] == "job_start") & events["case_id"].isin(sample)]
    # a recent leaver's job that began before the start has no job_start in the run's event log
    assert sorted(zip(starts["case_id"], starts["time"])) == sorted((c, s) for c, s, _, _ in got if s >= 0.0)
    assert set(rows.loc[rows["end"] == end_of_run, "detail"]) <= {"open"}


def test_sanction_markers_match_the_sanctions_table_and_the_event_log(tables, segments, sample):
    sanctions = tables["sanctions"][tables["sanctions"]["client"].isin(sample)]
    rows = segments[(segments["lane"] == "event") & (segments["kind"] == "sanction")]
    assert len(sanctions) >= 1  # the sample is stratified: a sanctioned client is in it
    assert sorted(zip(rows["client"], rows["start"], rows["detail"])) == \
        sorted(zip(sanctions["client"], sanctions["time"], sanctions["obligation"]))
    events = tables["events"]
    logged = events[(events["activity"] == "sanction") & events["case_id"].isin(sample)]
    assert sorted(zip(logged["case_id"], logged["time"])) == sorted(zip(rows["client"], rows["start"]))


def test_reentry_and_exit_points_follow_the_spells(tables, segments, sample):
    spells = tables["spells"][tables["spells"]["client"].isin(sample)]
    points = segments[segments["lane"] == "event"]
    reentry = points[points["kind"] == "reentry"]
    later = spells[spells["spell_no"] > 1]
    assert len(later) >= 1  # someone who went to work and came back is sampled
    assert sorted(zip(reentry["client"], reentry["start"], reentry["spell_no"])) == \
        sorted(zip(later["client"], later["start"], later["spell_no"]))
    exits = points[points["kind"] == "exit"]
    closed = spells[spells["end"].notna()]
    assert sorted(zip(exits["client"], exits["start"], exits["detail"])) == \
        sorted(zip(closed["client"], closed["end"], closed["reason"].astype(str)))
    assert "work" in set(reentry["detail"])  # the stratum: a spell after a spell that ended in work


def test_team_and_trajectory_episodes_follow_the_event_log(tables, segments, sample):
    """Every start is one episode; it ends at its closing event, else inside its spell (exit or
    run end); trajectory rows carry the trajectory's name."""
    model = load_scenario(TINY).model
    end_of_run = run_clock(tables).end
    spells = tables["spells"]
    counted = {"team": 0, "trajectory": 0}
    for client in sample:
        events = _events(tables, client)
        for lane, opens, closes in (("team", "service_start", {"service_end"}),
                                    ("trajectory", "trajectory_start", {"trajectory_end", "trajectory_dropout"})):
            rows = segments[(segments["client"] == client) & (segments["lane"] == lane)].sort_values("start")
            started = events[events["activity"] == opens]
            assert sorted(zip(rows["start"], rows["kind"])) == sorted(zip(started["time"], started["resource"]))
            counted[lane] += len(rows)
            for row in rows.itertuples(index=False):
                same = events[(events["resource"] == row.kind) & (events["time"] >= row.start)]
                closing = same[same["activity"].isin(closes)]
                mine = spells[(spells["client"] == client) & (spells["start"] <= row.start)].iloc[-1]
                spell_end = _spell_end(mine, end_of_run)
                assert row.end <= spell_end + EPS  # never past the spell it ran in
                if len(closing) and closing["time"].iloc[0] <= spell_end:
                    assert row.end == closing["time"].iloc[0] and row.detail in closes
                else:
                    assert row.end == spell_end and row.detail in {"exit", "end of run"}
    assert counted["team"] >= 1 and counted["trajectory"] >= 3
    trajectories = segments.loc[segments["lane"] == "trajectory", "kind"]
    assert set(trajectories) <= set(model.trajectories)
    teams = segments.loc[segments["lane"] == "team", "kind"]
    assert set(teams) <= set(model.services)


def test_an_open_spell_and_an_unknown_client(tables):
    """An open spell ends at the run's end; a client without spells or events gives no rows."""
    clock = run_clock(tables)
    spells = tables["spells"]
    open_client = int(spells.loc[spells["end"].isna(), "client"].iloc[0])
    rows = journey_segments(tables, [open_client, 10**9])
    assert set(rows["client"]) == {open_client}
    assert rows.loc[rows["lane"] == "benefit", "end"].max() == clock.end
    assert clock.warmup == pytest.approx(load_scenario(TINY).model.clock.warmup, abs=1.0)
    assert clock.start == pd.Timestamp("2016-01-01")


# --- sampling -------------------------------------------------------------------------------


def test_sampling_is_reproducible_and_uses_no_global_state(tables):
    first = sample_clients(tables, 12, seed=7)
    np.random.seed(123)
    state = np.random.get_state()[1].copy()
    assert sample_clients(tables, 12, seed=7) == first
    np.testing.assert_array_equal(np.random.get_state()[1], state)
    assert len(first) == len(set(first)) == 12 and first == sorted(first)
    assert any(sample_clients(tables, 12, seed=s) != first for s in range(8, 12))


def test_sampling_is_stratified(tables):
    strata = client_strata(tables)
    assert all(strata.values()), {k: len(v) for k, v in strata.items()}  # the run has each kind
    for seed in range(5):
        picked = set(sample_clients(tables, 4, seed=seed))
        for name, members in strata.items():
            assert picked & set(members), f"seed {seed}: no {name} client in {sorted(picked)}"


def test_the_only_sanctioned_client_is_always_sampled(tables):
    lonely = dict(tables)
    lonely["sanctions"] = tables["sanctions"].iloc[[-1]]
    who = int(lonely["sanctions"]["client"].iloc[0])
    assert all(who in sample_clients(lonely, 2, seed=seed) for seed in range(6))
    without = dict(tables)
    without["sanctions"] = tables["sanctions"].iloc[:0]
    assert client_strata(without)["sanctioned"] == []
    assert len(sample_clients(without, 5, seed=0)) == 5  # a stratum nobody is in is skipped


def test_sampling_prefers_clients_active_in_the_observation_window(tables):
    clock = run_clock(tables)
    events = tables["events"]
    active = set(events.loc[(events["time"] >= clock.warmup) & (events["time"] < clock.horizon), "case_id"])
    assert set(sample_clients(tables, 30, seed=2)) <= active


def test_sampling_more_clients_than_there_are(tables):
    everyone = sorted(set(tables["spells"]["client"]))
    assert sample_clients(tables, 10_000, seed=0) == everyone
    assert sample_clients(tables, 0) == []


# --- the picture ------------------------------------------------------------------------------


def test_plot_has_one_labelled_row_per_client_and_saves_png(tables, tmp_path):
    figure = plot_journeys(tables, n=12, seed=1)
    ax = figure.axes[0]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    chosen = sample_clients(tables, 12, seed=1)
    assert [label.split(" (")[0] for label in labels] == [f"client {c}" for c in chosen]
    households = {"single", "single parent", "couple"}
    assert all(any(h in label for h in households) for label in labels)
    legend = [t.get_text() for t in ax.get_legend().get_texts()]
    assert {"phase 1", "phase 2", "phase 3", "sanction", "re-entry", "exit to work"} <= set(legend)
    target = save_figure(figure, tmp_path / "journeys.png")
    data = target.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000


def test_plot_in_dutch(tables, tmp_path):
    figure = plot_journeys(tables, n=6, seed=1, lang="nl", title="Tilburg")
    ax = figure.axes[0]
    labels = [t.get_text() for t in ax.get_yticklabels()]
    assert len(labels) == 6 and all(label.startswith("cliënt ") for label in labels)
    legend = {t.get_text() for t in ax.get_legend().get_texts()}
    assert "fase 1" in legend and "maatregel" in legend and "phase 1" not in legend
    assert ax.get_title(loc="left") == "Tilburg"
    save_figure(figure, tmp_path / "reizen.png")
    with pytest.raises(ValueError, match="lang"):
        plot_journeys(tables, n=2, lang="de")


def _only(tables: dict[str, pd.DataFrame], clients: list[int]) -> dict[str, pd.DataFrame]:
    """The run's tables cut down to ``clients`` (the monthly table, which has none, kept)."""
    out = {}
    for name, table in tables.items():
        key = "case_id" if name == "events" else "client"
        out[name] = table[table[key].isin(clients)] if key in table.columns else table
    return out


def test_plot_with_more_clients_than_exist_and_named_clients(tables):
    few = sorted(set(tables["spells"]["client"]))[:7]
    small = _only(tables, few)
    figure = plot_journeys(small, n=50)
    assert [t.get_text().split(" (")[0] for t in figure.axes[0].get_yticklabels()] == [f"client {c}" for c in few]
    named = plot_journeys(tables, clients=[few[3], few[0], few[3]])
    assert [t.get_text().split(" (")[0] for t in named.axes[0].get_yticklabels()] == \
        [f"client {few[3]}", f"client {few[0]}"]
    with pytest.raises(ScenarioError, match="at most"):
        plot_journeys(tables, n=10_000)  # all 285 would not fit one readable picture


# --- reading a results folder ------------------------------------------------------------------


def test_folder_round_trip_gives_the_same_journeys(tables, folder, sample):
    loaded = load_run_tables(folder)
    assert {"events", "spells", "jobs", "sanctions", "clients", "monthly"} <= set(loaded)
    assert sample_clients(loaded, 40, seed=5) == sample
    assert run_clock(loaded) == run_clock(tables)
    pd.testing.assert_frame_equal(journey_segments(loaded, sample), journey_segments(tables, sample),
                                  check_exact=False, rtol=1e-12)


def test_folder_without_event_log_is_a_scenario_error(folder, tmp_path):
    copy = tmp_path / "no-events"
    shutil.copytree(folder, copy)
    (copy / "events.csv").unlink()
    with pytest.raises(ScenarioError) as error:
        load_run_tables(copy)
    assert str(copy) in str(error.value) and "event_log=True" in str(error.value)
    (copy / "events.csv").write_text("case_id,time,timestamp,activity,resource,phase\n")
    with pytest.raises(ScenarioError, match="no event"):
        load_run_tables(copy)


@pytest.mark.parametrize("make", ["missing", "empty", "file", "other"])
def test_not_a_results_folder_is_a_scenario_error(tmp_path, make):
    target = tmp_path / "x"
    if make == "empty":
        target.mkdir()
    elif make == "file":
        target.write_text("hello")
    elif make == "other":
        target.mkdir()
        (target / "notes.txt").write_text("hello")
    with pytest.raises(ScenarioError) as error:
        load_run_tables(target)
    assert str(target) in str(error.value)
    assert "\n" not in str(error.value)


def test_tables_of_a_run_without_event_log_are_refused(tables):
    without = dict(tables)
    without["events"] = tables["events"].iloc[:0]
    for call in (lambda: journey_segments(without, [0]), lambda: sample_clients(without, 3),
                 lambda: plot_journeys(without, n=3)):
        with pytest.raises(ScenarioError, match="event log"):
            call()
    assert math.isfinite(run_clock(without).end)
