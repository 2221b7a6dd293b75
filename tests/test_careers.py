"""Careers after exit (jobs, times between jobs, returns), other exits by duration, and the
initial world's recent leavers (issue 14, items 1, 3 and 4)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from conftest import load_small
from scipy import integrate

import simulation
from simulation.model.jobs import BACK_ON_BENEFIT, GONE, NEXT_JOB, banded_time
from simulation.model.world import World
from simulation.scenario.units import DAYS_PER_YEAR

BASE = "scenarios/base.yaml"
MONTH = DAYS_PER_YEAR / 12
ALL_JOB_TYPES = ("stable", "flex", "subsidised", "secondment", "basisbaan")


def test_banded_time_inverts_a_piecewise_constant_hazard() -> None:
    """Rate 2/day with multipliers 1, 0.5, 0 after 0, 1 and 3 days from an origin 1 day before the start."""
    starts, multipliers = [0.0, 1.0, 3.0], [1.0, 0.5, 0.0]
    # from day 0 (1 day after the origin: in the second band, hazard 1/day): budget 1.5 → 1.5 days
    assert banded_time(0.0, 1.5, 2.0, starts, multipliers, origin=-1.0) == pytest.approx(1.5)
    # from the origin: 1 day at hazard 2 spends 2, then hazard 1: budget 3 → 2 days
    assert banded_time(-1.0, 3.0, 2.0, starts, multipliers, origin=-1.0) == pytest.approx(1.0)
    # the last band has no hazard: a budget beyond what the bands can spend is never used up
    assert banded_time(-1.0, 4.5, 2.0, starts, multipliers, origin=-1.0) == math.inf
    assert banded_time(0.0, 1.0, 0.0, starts, multipliers, origin=0.0) == math.inf


def _world(extra: list[str]) -> World:
    world = World(load_small(BASE, extra, stock=200).model, seed=5)
    world.run()  # the world's components as a run leaves them; draws below use fresh people
    return world


def test_between_jobs_ends_as_competing_risks_with_front_loaded_returns() -> None:
    """The share of times between jobs that end in a return to benefit within 3, 9 and 24 months
    matches the competing-risks integral of the scenario's rates (tolerance: 4 binomial sd)."""
    job, leave, back = 0.5 / DAYS_PER_YEAR, 0.15 / DAYS_PER_YEAR, 1.5 / DAYS_PER_YEAR
    bands = [0.0, 182.625, 365.25]
    multipliers = [1.0, 0.5, 0.25]
    extra = ["jobs.between_jobs.job_finding=0.5 per year", "jobs.between_jobs.leaving=0.15 per year",
             "jobs.types.flex.return_rate=1.5 per year", "other_exits.pension_age=200",
             'jobs.between_jobs.return_bands=[{after: "0 days", multiplier: 1}, {after: "182.625 days", multiplier: 0.5},'
             ' {after: "365.25 days", multiplier: 0.25}]']
    world = _world(extra)
    n = 20000
    ends = []
    for _ in range(n):
        person = world.person("leaver")
        person.birth = -30 * DAYS_PER_YEAR
        person.work_exit_time = 0.0
        ends.append(world.jobs.between_end(person, 0.0, "flex"))

    def hazard_back(t: float) -> float:
        return back * multipliers[int(np.searchsorted(bands, t, side="right")) - 1]

    def survival(t: float) -> float:
        spent = integrate.quad(hazard_back, 0.0, t, points=bands[1:], limit=200)[0]
        return math.exp(-(job + leave) * t - spent)

    for months in (3, 9, 24):
        horizon = months * MONTH
        expected = integrate.quad(lambda t: hazard_back(t) * survival(t), 0.0, horizon, points=bands[1:], limit=200)[0]
        observed = np.mean([what == BACK_ON_BENEFIT and when <= horizon for what, when in ends])
        assert abs(observed - expected) < 4 * math.sqrt(expected * (1 - expected) / n), (months, observed, expected)
    assert {what for what, _ in ends} == {NEXT_JOB, BACK_ON_BENEFIT, GONE}


def _careers(extra: list[str], seed: int = 2) -> dict[str, float]:
    result = simulation.run(load_small(BASE, extra, stock=1500), seed=seed, event_log=False)
    return simulation.headline(result).set_index("outcome")["value"].to_dict()


def test_states_after_an_exit_to_work_follow_the_job_rules() -> None:
    """Jobs of exactly one year: everyone who left for work is in a job 6 months later; at 18 months
    all are in a job when each job leads to the next, and none are when none does and nobody finds
    work or returns from between jobs."""
    fixed_year = [f'jobs.types.{kind}.duration={{dist: fixed, value: "1 year"}}' for kind in ALL_JOB_TYPES]
    chained = _careers([*fixed_year, *(f"jobs.types.{kind}.next_job=1" for kind in ALL_JOB_TYPES)])
    assert chained["after_work_in_job_6m"] == 100.0 and chained["after_work_in_job_18m"] == 100.0
    stuck = _careers([*fixed_year, *(f"jobs.types.{kind}.next_job=0" for kind in ALL_JOB_TYPES),
                      *(f"jobs.types.{kind}.return_rate=0 per year" for kind in ALL_JOB_TYPES),
                      "jobs.between_jobs.job_finding=0 per year"])
    assert stuck["after_work_in_job_6m"] == 100.0
    assert stuck["after_work_in_job_18m"] == 0.0 and stuck["after_work_on_benefit_18m"] == 0.0
    assert stuck["after_work_neither_18m"] == 100.0


def test_other_exits_follow_their_duration_bands() -> None:
    """With the other exits' multiplier 0 after a year on benefit, no spell ends by moving, partner
    income, education or death after a year; with the base's flat bands many do."""
    cut = ['other_exits.duration_bands=[{after: "0 days", multiplier: 1}, {after: "1 year", multiplier: 0}]']
    reasons = ["moving", "partner_income", "education", "death"]
    for extra, some in (([], True), (cut, False)):
        spells = simulation.run(load_small(BASE, extra, stock=1500), seed=4, event_log=False).tables["spells"]
        late = spells["reason"].isin(reasons) & (spells["end"] - spells["start"] > DAYS_PER_YEAR + 1e-6)
        assert bool(late.sum() > 20) is some, (extra, int(late.sum()))


def _reentries_by_year(history: str, seeds: range) -> np.ndarray:
    """Re-entries per calendar year (rows: seeds) of base over 4 years."""
    extra = [f"population.leavers_history={history}", "clock.horizon=4 years", "clock.follow_up=0 days"]
    years = []
    for seed in seeds:
        monthly = simulation.run(load_small(BASE, extra, stock=3000), seed=seed, event_log=False).tables["monthly"]
        years.append(monthly.groupby(monthly["month"].astype(str).str[:4])["inflow_reentry"].sum().to_numpy()[:4])
    return np.array(years, dtype=float)


def test_recent_leavers_bring_reentries_near_their_long_run_level_from_the_first_year() -> None:
    """Without the initial world's recent leavers (history 0 days) the first year's re-entries fall
    short of the fourth year's by more than the replication spread; with them the shortfall is at
    most half as large. (Not nil: the leavers' flow is the stock's exit hazard at the start, and exits
    still climb in the first months while trajectories and teams, empty at the start, fill.)"""
    seeds = range(1, 5)
    with_history = _reentries_by_year('"10 years"', seeds)
    without = _reentries_by_year('"0 days"', seeds)
    short_with = with_history[:, 3] - with_history[:, 0]
    short_without = without[:, 3] - without[:, 0]
    assert short_without.mean() > 3 * short_without.std(ddof=1) / math.sqrt(len(seeds)), short_without
    assert short_with.mean() < 0.5 * short_without.mean(), (short_with, short_without)


def test_applicants_draw_the_same_numbers_however_many_leavers_a_world_starts_with() -> None:
    """Streams are keyed by origin and number: the k-th applicant is the same person in a world
    with 10 years of recent leavers as in one with 2."""
    def applicants(history: str) -> object:
        clients = simulation.run(load_small(BASE, [f"population.leavers_history={history}"], stock=800), seed=3,
                                 event_log=False).tables["clients"]
        inflow = clients[clients["origin"] == "inflow"]
        return inflow[["male", "household", "education", "migrant"]].head(200).reset_index(drop=True)

    ten, two = applicants('"10 years"'), applicants('"2 years"')
    assert len(ten) == 200
    assert ten.equals(two)
