"""The trajectory-wait headline counts the wait for budget (issue 14): from the referral to the start.

A world whose reintegration and Wmo budgets are empty for its first three months (cut to nothing at the
start, a year's money from 1 April) and whose trajectories have slots to spare: whoever was
referred before April waited for the budget until April at least. The bound comes from the event
log (each start's offer), not from the waits table the headline reads.
"""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from conftest import SCENARIO_DIR, load_small

import simulation
from simulation.outcomes.headline import headline_values
from simulation.scenario import load_scenario

START = dt.date(2016, 1, 1)  # base.yaml's clock.start
MONEY = dt.date(2016, 4, 1)
MONEY_DAY = float((MONEY - START).days)


def empty_until_april() -> list[str]:
    base = load_scenario(SCENARIO_DIR / "base.yaml").model
    spare_slots = [f"trajectories.{name}.slots=5000" for name, t in base.trajectories.items() if t.enabled]
    return ["clock.warmup=0 days", "clock.horizon=1 year",
            "budgets.reintegration.cuts=[{from: 2016-01-01, annual_amount: '€0 per year'},"
            " {from: 2016-04-01, annual_amount: '€3,000,000 per year'}]",
            "budgets.reintegration.replenish_on=04-01",
            # the participation and care trajectories draw on the Wmo budget: empty it too
            "budgets.wmo.cuts=[{from: 2016-01-01, annual_amount: '€0 per year'},"
            " {from: 2016-04-01, annual_amount: '€3,000,000 per year'}]",
            "budgets.wmo.replenish_on=04-01", *spare_slots]


@pytest.fixture(scope="module")
def result() -> simulation.RunResult:
    return simulation.run(load_small(SCENARIO_DIR / "base.yaml", empty_until_april(), stock=600), seed=4)


def budget_wait_bound(events: pd.DataFrame) -> tuple[float, int]:
    """Σ over trajectory starts of max(0, April − the offer before it), and the number of starts."""
    log = events[events["activity"].isin(["trajectory_offer", "trajectory_start"])].sort_values(["case_id", "time"],
                                                                                             kind="stable")
    total, starts, offered = 0.0, 0, {}
    for client, time, activity in zip(log["case_id"], log["time"], log["activity"].astype(str)):
        if activity == "trajectory_offer":
            offered[client] = time
        else:
            total += max(0.0, MONEY_DAY - offered[client])
            starts += 1
    return total, starts


def test_the_trajectory_wait_includes_the_wait_for_budget(result: simulation.RunResult) -> None:
    bound, starts = budget_wait_bound(result.tables["events"])
    waited = bound / MONEY_DAY  # at least this many clients' worth of waiting until April
    assert starts > 20 and waited > 5, "the world must have starts and clients referred before the money came"
    headline = headline_values(result)
    assert headline["wait_trajectory_mean_days"] >= bound / starts
    # the part before the line for a slot: with slots to spare, the wait is nearly all budget
    assert headline["wait_trajectory_budget_mean_days"] >= bound / starts
    assert headline["wait_trajectory_budget_mean_days"] <= headline["wait_trajectory_mean_days"]
    trajectory_starts = result.tables["events"]["activity"].astype(str).eq("trajectory_start")
    assert not (result.tables["events"].loc[trajectory_starts, "time"] < MONEY_DAY).any(), "no money, no start"
