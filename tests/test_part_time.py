"""Part-time work on benefit (simulation/model/part_time.py): its hazards, earnings, release and the
benefit it saves (simulation/outcomes/benefits.py).

Most checks use a world with constant rates, where theory gives the answer: nobody leaves (or
everyone leaves to work at one rate), every client starts part-time work at rate s and ends it
at rate e whatever its phase and motivation, so each client's state is a two-state Markov chain
whose stationary share is s / (s + e), and the number of starts and ends are Poisson counts on
the time spent in each state. Tolerances are 4 standard deviations of those binomial and Poisson
counts. The benefit is checked on hand-made tables.
"""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest
from conftest import SCENARIO_DIR, load_small

from simulation import headline, load_scenario, run
from simulation.model.run import RunResult
from simulation.outcomes import statistics
from simulation.outcomes.benefits import benefits_paid
from simulation.outcomes.survival import window_of
from simulation.scenario.schema import Benefits

BASE = SCENARIO_DIR / "base.yaml"
DAYS_PER_YEAR = 365.25
DAYS_PER_MONTH = DAYS_PER_YEAR / 12
START, END = 0.5, 1.5  # part-time starts and ends per year in the constant world: stationary share 0.25
SIGMAS = 4.0


def constant_world(clients: int, work_rate: float = 0.0, exit_multiplier: float = 1.0) -> list[str]:
    """Overrides of base for a closed world of ``clients`` aged about 30 (no pension), without other
    exits, sanctions or trajectories, whose exit to work (``work_rate`` a year for everyone, times
    ``exit_multiplier`` while working part-time) and part-time hazards are the same for all."""
    phases = ", ".join(f'{p}: "{{}} per year"' for p in range(1, 6))
    groups = [f"policy.groups.group{g}.trajectory_referral.probability=0" for g in (1, 2, 3)]
    return [
        f"population.initial_stock={clients}", "inflow.applications=0 per year",
        "population.age={dist: normal, mean: 30, sd: 1, low: 29, high: 31}",
        "work_exit.base_rate_by_phase={" + phases.format(*[work_rate] * 5) + "}",
        "work_exit.duration_bands=[{after: 0 days, multiplier: 1.0}]", "work_exit.motivation_effect=0",
        'other_exits.rates={moving: "0 per year", partner_income: "0 per year", education: "0 per year", '
        'death: "0 per year"}',
        "sanctions.noncompliance_probability=0",
        *(f'sanctions.threat.{mode}={{work_hazard_multiplier: 1.0, enforcement_exit_rate: "0 per year"}}'
          for mode in ("enforce", "ask", "waive")),
        *groups,
        "part_time.start_rate_by_phase={" + phases.format(*[START] * 5) + "}",
        f"part_time.end_rate={END} per year", "part_time.motivation_effect=0", "part_time.release_effect=0",
        f"part_time.exit_multiplier={exit_multiplier}",
    ]


def part_time_days(pieces: pd.DataFrame, lo: float, hi: float) -> float:
    """Days worked part-time in [lo, hi)."""
    until = pieces["until"].fillna(np.inf)
    return float(np.clip(np.minimum(until, hi) - np.maximum(pieces["start"], lo), 0, None).sum())


def within(observed: float, expected: float, sd: float) -> bool:
    return abs(observed - expected) <= SIGMAS * sd


# ------------------------------------------------------------------ the steady state


@pytest.fixture(scope="module")
def closed() -> RunResult:
    return run(load_scenario(BASE, constant_world(4000)), seed=3)


def test_share_with_earnings_is_start_over_start_plus_end_with_constant_rates(closed: RunResult) -> None:
    """Every client is a two-state chain started in its stationary state (the initial stock's jobs),
    so the share working at any month end is binomial(N, s / (s + e)) / N; a mean of month ends is
    no more variable than one of them."""
    p = START / (START + END)
    months = closed.tables["monthly"]
    observed = months[months["period"] == "observation"]
    share = float((observed["part_time"] / observed["stock"]).mean())
    assert (observed["stock"] == 4000).all()  # nobody leaves
    assert within(share, p, math.sqrt(p * (1 - p) / 4000)), share
    values = headline(closed).set_index("outcome")["value"]
    assert values["share_with_earnings"] == pytest.approx(100 * share, rel=1e-12)


def test_starts_and_ends_come_at_their_rates(closed: RunResult) -> None:
    """Starts per year not working ≈ s and ends per year working ≈ e (Poisson counts); each month
    end's count of workers is the number of pieces of work open then."""
    pieces, t_end = closed.tables["part_time"], window_of(closed).follow_up_end
    working = part_time_days(pieces, 0.0, t_end)
    idle = 4000 * t_end - working
    starts = int((pieces["since"] >= 0).sum())  # no policy change: one piece per job
    ends = int(pieces["until"].notna().sum())
    assert within(starts, START * idle / DAYS_PER_YEAR, math.sqrt(START * idle / DAYS_PER_YEAR))
    assert within(ends, END * working / DAYS_PER_YEAR, math.sqrt(END * working / DAYS_PER_YEAR))
    months = closed.tables["monthly"]
    until = pieces["until"].fillna(np.inf)
    open_at = [int(((pieces["start"] <= t) & (until > t)).sum()) for t in months["time"]]
    assert months["part_time"].tolist() == open_at
    assert int(months["part_time_starts"].sum()) == starts and int(months["part_time_ends"].sum()) == ends
    events = closed.tables["events"]["activity"].astype(str)
    assert (events == "part_time_start").sum() == starts and (events == "part_time_end").sum() == ends


def test_earnings_follow_their_distribution_and_the_release_its_rule(closed: RunResult) -> None:
    """Earnings are drawn per job (truncated normal, mean €530: cal §A); base's release keeps 25%
    up to €200 a month for 6 months from the start of the job."""
    pieces = closed.tables["part_time"]
    monthly = pieces["earnings_per_day"] * DAYS_PER_MONTH
    spec = closed.scenario.model.part_time.earnings_per_month
    assert within(float(monthly.mean()), spec.mean, spec.std / math.sqrt(len(monthly)))
    assert monthly.between(spec.low, spec.high).all()
    release = closed.scenario.model.policy.earnings_release
    kept = np.minimum(release.share * pieces["earnings_per_day"], release.cap)
    np.testing.assert_allclose(pieces["released_per_day"], kept, rtol=1e-12)
    np.testing.assert_allclose(pieces["released_until"], pieces["since"] + release.duration, rtol=1e-12)


# ------------------------------------------------------------------ part-time work grows into work


@pytest.mark.parametrize("multiplier", [1.0, 3.0])
def test_part_time_workers_exit_to_work_at_the_higher_rate(multiplier: float) -> None:
    """Same seed, exit_multiplier 1 or 3: the exit-to-work rate while working part-time over the
    rate while not is the multiplier (log rate ratio within 4 sd of two Poisson counts)."""
    result = run(load_scenario(BASE, constant_world(3000, work_rate=0.3, exit_multiplier=multiplier)), seed=5)
    spells, pieces = result.tables["spells"], result.tables["part_time"]
    t_end = window_of(result).follow_up_end
    work = spells[spells["reason"] == "work"]
    from_part_time = work.merge(pieces, left_on=["client", "end"], right_on=["client", "until"])
    k_part, k_other = len(from_part_time), len(work) - len(from_part_time)
    on_benefit = float(np.clip(spells["end"].fillna(t_end) - spells["start"].clip(lower=0.0), 0, None).sum())
    working = part_time_days(pieces, 0.0, t_end)
    ratio = (k_part / working) / (k_other / (on_benefit - working))
    assert k_part > 200 and k_other > 200
    assert abs(math.log(ratio) - math.log(multiplier)) <= SIGMAS * math.sqrt(1 / k_part + 1 / k_other), ratio


# ------------------------------------------------------------------ the release as policy


def share_with_earnings(extra: list[str], replications: int = 3) -> np.ndarray:
    return np.array([headline(run(load_small(BASE, extra, stock=1000), seed=9, replication=r, event_log=False))
                     .set_index("outcome")["value"]["share_with_earnings"] for r in range(replications)])


def test_a_higher_release_share_raises_the_share_with_earnings() -> None:
    """Keep 50% instead of 25% (no cap, no limit in both): more start part-time work (cal §C)."""
    unlimited = ["policy.earnings_release.cap=null", "policy.earnings_release.duration=null"]
    low = share_with_earnings([*unlimited, "policy.earnings_release.share=0.25"])
    high = share_with_earnings([*unlimited, "policy.earnings_release.share=0.5"])
    mean, ci_low, _, _ = statistics.mean_ci(high - low)
    assert ci_low > 0, (mean, high, low)


def test_a_change_of_release_at_a_date_applies_from_that_date() -> None:
    """Jobs open at the date are split there; pieces before it keep base's release (25% up to €200
    for 6 months), pieces from it keep 50% without cap or limit, and more start work after it."""
    change = "policy_changes=[{from: 2016-07-01, policy: {earnings_release: {share: 0.5, cap: null, duration: null}}}]"
    changed, plain = (run(load_small(BASE, extra, stock=800), seed=4, event_log=False) for extra in ([change], []))
    when = float((dt.date(2016, 7, 1) - dt.date(2016, 1, 1)).days)
    pieces = changed.tables["part_time"]
    before, after = pieces[pieces["start"] < when], pieces[pieces["start"] >= when]
    base = changed.scenario.model.policy.earnings_release
    np.testing.assert_allclose(before["released_per_day"], np.minimum(0.25 * before["earnings_per_day"], base.cap))
    np.testing.assert_allclose(before["released_until"], before["since"] + base.duration)
    np.testing.assert_allclose(after["released_per_day"], 0.5 * after["earnings_per_day"])
    assert np.isinf(after["released_until"]).all()
    split = before[before["until"] == when]  # the jobs running at the date: each goes on in a piece from then
    assert len(split) > 10
    assert sorted(zip(split["client"], split["since"])) == sorted(
        zip(*after.loc[after["since"] < when, ["client", "since"]].to_numpy().T))
    months = [t.tables["monthly"] for t in (changed, plain)]
    starts = [m.loc[(m["start"] >= when) & (m["start"] < when + DAYS_PER_YEAR), "part_time_starts"].sum() for m in months]
    assert starts[0] > starts[1]
    assert (months[0].loc[months[0]["time"] <= when, "part_time_starts"].to_numpy()
            == months[1].loc[months[1]["time"] <= when, "part_time_starts"].to_numpy()).all()


def test_a_group_release_overrides_the_policys_and_null_takes_it() -> None:
    """Group 3 keeps 50% without cap or limit (an experiment arm): its workers' pieces say so, the
    others keep base's; a group set to null is the same run as base."""
    group3 = "policy.groups.group3.earnings_release={share: 0.5, cap: null, duration: null}"
    own = run(load_small(BASE, [group3], stock=600), seed=2, event_log=False).tables["part_time"]
    half = np.isclose(own["released_per_day"], 0.5 * own["earnings_per_day"]) & np.isinf(own["released_until"])
    assert half.sum() > 5 and (~half).sum() > 5
    same = run(load_small(BASE, ["policy.groups.group1.earnings_release=null"], stock=600), seed=2, event_log=False)
    plain = run(load_small(BASE, [], stock=600), seed=2, event_log=False)
    pd.testing.assert_frame_equal(same.tables["part_time"], plain.tables["part_time"])


# ------------------------------------------------------------------ the benefit paid


NORMS = Benefits.model_validate({"monthly_norm": {
    2016: {"single": "€900 per month", "single_parent": "€900 per month", "couple": "€1,200 per month"}}})
PER_DAY = 900 / DAYS_PER_MONTH


def paid(part_time: list[tuple[float, float, float, float, float, float]],
         sanctions: tuple[tuple[float, float, float], ...] = ()) -> float:
    """Benefit paid in [0, 300) to one single client on benefit in [0, 400), with part-time pieces
    (since, start, until, earnings, released a day, released until) and sanctions (time, cut, until)."""
    tables = {
        "spells": pd.DataFrame({"client": [0], "start": [0.0], "end": [400.0]}),
        "clients": pd.DataFrame({"client": [0], "household": ["single"]}),
        "sanctions": pd.DataFrame([(0, *s) for s in sanctions], columns=["client", "time", "cut_per_day", "cut_until"]),
        "part_time": pd.DataFrame([(0, *p) for p in part_time], columns=[
            "client", "since", "start", "until", "earnings_per_day", "released_per_day", "released_until"]),
    }
    return benefits_paid(tables, NORMS, dt.date(2016, 1, 1), 0.0, 300.0)


@pytest.mark.parametrize(("pieces", "drop"), [
    ([(10.0, 10.0, 250.0, 20.0, 5.0, 100.0)], 15.0 * 90 + 20.0 * 150),  # released for 90 days, then all of it
    ([(10.0, 10.0, math.nan, 20.0, 5.0, math.inf)], 15.0 * 290),  # open, released throughout: up to the interval's end
    ([(10.0, 10.0, 60.0, 20.0, 5.0, 100.0), (10.0, 60.0, 250.0, 20.0, 10.0, math.inf)],
     15.0 * 50 + 10.0 * 190),  # a policy change at day 60: another release from then on
    ([(-30.0, -30.0, 50.0, 20.0, 5.0, 100.0)], 15.0 * 50),  # started before the interval
    ([(10.0, 10.0, 50.0, 2 * PER_DAY, 0.0, 10.0)], PER_DAY * 40),  # earning more than the norm: the benefit is 0, not less
])
def test_benefit_paid_falls_by_exactly_earnings_less_released(pieces: list, drop: float) -> None:
    assert paid([]) - paid(pieces) == pytest.approx(drop, rel=1e-12)


def test_during_a_full_cut_nothing_is_left_to_deduct() -> None:
    """A maatregel cutting the whole norm for days 20-50 leaves no benefit for the earnings to reduce;
    a cut of half the norm (€14.79 a day) leaves room for earnings of 10 a day net, not for 20."""
    full, half = ((20.0, PER_DAY, 50.0),), ((20.0, PER_DAY / 2, 50.0),)
    small, large = [(10.0, 10.0, 250.0, 12.0, 2.0, math.inf)], [(10.0, 10.0, 250.0, 20.0, 0.0, math.inf)]
    assert paid([], full) - paid(small, full) == pytest.approx(10.0 * (240 - 30), rel=1e-12)
    assert paid([], half) - paid(small, half) == pytest.approx(10.0 * 240, rel=1e-12)
    assert paid([], half) - paid(large, half) == pytest.approx(20.0 * 210 + PER_DAY / 2 * 30, rel=1e-12)
