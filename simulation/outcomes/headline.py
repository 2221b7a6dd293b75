"""Headline outcomes: pure functions from a run's tables to numbers.

Statistics cover the observation window (after warm-up, up to the horizon); the outcomes are
defined in ``definitions.py`` and the survival estimates (recidivism, re-inflow) come from
``survival.py``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from simulation.outcomes.benefits import benefits_paid_in
from simulation.outcomes.careers import career_shares
from simulation.outcomes.definitions import OUTCOMES
from simulation.outcomes.survival import (
    Window,
    kaplan_meier_failure,
    observation_months,
    return_times,
    window_of,
)
from simulation.scenario.units import DAYS_PER_YEAR

if TYPE_CHECKING:
    from simulation.model.run import RunResult
    from simulation.scenario.schema import Scenario



def _exits(spells: pd.DataFrame, window: Window) -> pd.DataFrame:
    return spells[window.contains(spells["end"]) & (spells["reason"] != "censored")]


def _waits(waits: pd.DataFrame, window: Window, resources: list[str] | None, kind: str | None,
           until: str = "started") -> np.ndarray:
    """Served waits that started in the window, from the referral (``referred``: for a trajectory
    its wait for budget included) to ``until`` (the start; ``requested``: the part before the
    line for a slot, i.e. the wait for budget)."""
    served = waits[waits["served"] & window.contains(waits["started"])]
    if resources is not None:
        served = served[served["resource"].isin(resources)]
    if kind is not None:
        served = served[served["kind"] == kind]
    else:
        served = served[served["kind"] != "urgent"]
    return (served[until] - served["referred"]).to_numpy()


def _mean_p90(values: np.ndarray) -> tuple[float, float]:
    if len(values) == 0:
        return float("nan"), float("nan")
    return float(np.mean(values)), float(np.quantile(values, 0.9))


def _trajectory_waits(waits: pd.DataFrame, window: Window) -> dict[str, float]:
    """From the referral to the start (the wait for budget included), and the wait for budget alone."""
    total_mean, total_p90 = _mean_p90(_waits(waits, window, None, "trajectory"))
    budget_mean, budget_p90 = _mean_p90(_waits(waits, window, None, "trajectory", until="requested"))
    return {"wait_trajectory_mean_days": total_mean, "wait_trajectory_p90_days": total_p90,
            "wait_trajectory_budget_mean_days": budget_mean, "wait_trajectory_budget_p90_days": budget_p90}


def share_over_duration(spells: pd.DataFrame, at: float, days: float) -> float:
    """Share of the stock at time ``at`` whose current spell is longer than ``days``."""
    end = spells["end"].fillna(np.inf)
    open_at = spells[(spells["start"] <= at) & (end > at)]
    return float(((at - open_at["start"]) > days).mean()) if len(open_at) else float("nan")


def staff_cost_per_day(spec: Scenario) -> list[tuple[float, float]]:
    """(from day, staff cost per day from then on): klantmanagers and team staff at their yearly
    cost, from the start and from each capacity change that changes a count (``capacity_changes``)."""
    klantmanagers = spec.klantmanagers.count
    staff = {name: service.staff for name, service in spec.services.items()}

    def per_day() -> float:
        cost = klantmanagers * spec.klantmanagers.cost_per_year
        return cost + sum(staff[name] * s.cost_per_year_per_staff for name, s in spec.services.items())

    steps = [(-np.inf, per_day())]
    for change in spec.capacity_changes:
        if change.klantmanagers is not None and change.klantmanagers.count is not None:
            klantmanagers = change.klantmanagers.count
        staff.update({name: s.staff for name, s in change.services.items() if s.staff is not None})
        steps.append((float((change.from_date - spec.clock.start).days), per_day()))
    return steps


def activation_cost(result: RunResult, window: Window) -> float:
    """Staff, trajectory and budget spending in the window (benefits themselves excluded); staff
    at the numbers in force on each day."""
    steps = staff_cost_per_day(result.scenario.model)
    ends = [start for start, _ in steps[1:]] + [np.inf]
    staff = 0.0
    for (start, per_day), end in zip(steps, ends, strict=True):
        if end > window.start and start < window.end:
            staff += per_day * (min(end, window.end) - max(start, window.start))
    budget = result.tables["budget"]
    spent = budget[window.contains(budget["time"]) & budget["kind"].isin(["commit", "refund"])]["amount"].sum()
    return float(staff + spent)


def _divisor(stock: float) -> float:
    """A mean stock to divide by; NaN for an empty one (a rate per client of nobody is undefined, not an error)."""
    return stock if stock > 0 else float("nan")


def business_case(result: RunResult, window: Window, activation_per_year: float, average_stock: float
                  ) -> dict[str, float]:
    """Benefits paid and net cost (benefits + activation) per year: over the observation window, and
    over the window and the follow-up together (the whole world runs on through the follow-up:
    inflow, staff and budgets, so both kinds of spending go on); each also per client-year on benefit."""
    paid = benefits_paid_in(result, window.start, window.end) / window.years
    longer = Window(window.start, window.follow_up_end, window.follow_up_end)
    total = (benefits_paid_in(result, longer.start, longer.end) + activation_cost(result, longer)) / longer.years
    monthly = result.tables["monthly"]
    stock_longer = _divisor(float(monthly[monthly["period"].isin(["observation", "follow_up"])]["stock"].mean()))
    return {
        "benefits_paid_per_year": paid,
        "benefits_paid_per_client_year": paid / average_stock,
        "net_cost_per_year": paid + activation_per_year,
        "net_cost_per_client_year": (paid + activation_per_year) / average_stock,
        "net_cost_incl_follow_up_per_year": total,
        "net_cost_incl_follow_up_per_client_year": total / stock_longer,
    }


def part_time_work(months: pd.DataFrame) -> dict[str, float]:
    """The share of the stock with part-time earnings (mean of the month ends, %) and the mean
    monthly earnings of those with earnings (over every month end's workers, €); NaN without them."""
    if "part_time" not in months or not len(months):
        return {"share_with_earnings": float("nan"), "mean_monthly_earnings": float("nan")}
    working = float(months["part_time"].sum())
    return {"share_with_earnings": 100.0 * float((months["part_time"] / months["stock"]).mean()),
            "mean_monthly_earnings": float(months["part_time_earnings"].sum()) / working if working else float("nan")}


def contacts_per_client_year(monthly: pd.DataFrame, group: str | None = None) -> float:
    """Contacts in the window ÷ client-years on benefit (month-end stock × month length)."""
    days = monthly["time"] - monthly["start"]
    observed = monthly["period"] == "observation"
    stock = monthly["stock"] if group is None else monthly[f"group_{group}"]
    column = "contacts" if group is None else f"contacts_{group}"
    contacts = monthly[column].fillna(0)[observed].sum() if column in monthly else 0.0
    exposure = float((stock * days)[observed].sum() / DAYS_PER_YEAR)
    return float(contacts / exposure) if exposure > 0 else float("nan")


def _after_exit(tables: dict[str, pd.DataFrame], window: Window) -> dict[str, float]:
    """Re-inflow after any exit (cal §A, Divosa 2014) and where leavers to work are later (cal §A, CBS 2021)."""
    durations, observed = return_times(tables["spells"], window, ("work", "moving", "partner_income", "education",
                                                                  "enforcement"))
    careers = career_shares(tables, window)
    return {
        "reinflow_any_exit_6m": 100.0 * kaplan_meier_failure(durations, observed, DAYS_PER_YEAR / 2),
        "reinflow_any_exit_12m": 100.0 * kaplan_meier_failure(durations, observed, DAYS_PER_YEAR),
        "reinflow_any_exit_24m": 100.0 * kaplan_meier_failure(durations, observed, 2 * DAYS_PER_YEAR),
        "after_work_in_job_6m": careers[6, "job"],
        "after_work_in_job_18m": careers[18, "job"],
        "after_work_on_benefit_18m": careers[18, "benefit"],
        "after_work_neither_18m": careers[18, "neither"],
    }


def _flows(spells: pd.DataFrame, window: Window, average_stock: float) -> dict[str, float]:
    """Inflow (new and returning) and the stock's yearly change, both per average stock (cal §A,
    CBS 82662NED), and the share of entries that come within 12 months of the person's last exit."""
    entries = spells[window.contains(spells["start"])]
    ended = int(_exits(spells, window).shape[0])
    ordered = spells.sort_values(["client", "spell_no"])
    previous_end = ordered.groupby("client")["end"].shift()
    quick = (ordered["start"] - previous_end <= DAYS_PER_YEAR).reindex(entries.index).fillna(False).astype(bool)
    per_year = 100.0 / window.years / average_stock
    return {
        "inflow_pct_stock": len(entries) * per_year,
        "stock_change_pct_per_year": (len(entries) - ended) * per_year,
        "reinflow_share_of_inflow": 100.0 * float(quick.mean()) if len(entries) else float("nan"),
    }


def headline(result: RunResult) -> pd.DataFrame:
    """The headline table: one row per outcome with English and Dutch labels."""
    values = headline_values(result)
    rows = [{"outcome": key, "label": OUTCOMES[key].label, "label_nl": OUTCOMES[key].label_nl,
             "value": values[key], "unit": OUTCOMES[key].unit} for key in OUTCOMES]
    return pd.DataFrame(rows)


def headline_values(result: RunResult) -> dict[str, float]:
    tables = result.tables
    window = window_of(result)
    spells, monthly = tables["spells"], tables["monthly"]
    months = observation_months(monthly)
    stock = _divisor(average_stock := float(months["stock"].mean()))  # NaN for nobody: rates per client undefined
    exits = _exits(spells, window)
    work = int((exits["reason"] == "work").sum())
    outflow = int((exits["reason"] != "pension").sum())
    per_year = 1.0 / window.years
    durations, observed = return_times(spells, window, ("work",))
    recid12 = kaplan_meier_failure(durations, observed, DAYS_PER_YEAR)
    recid24 = kaplan_meier_failure(durations, observed, 2 * DAYS_PER_YEAR)
    placements = tables["placements"]
    in_window = placements[window.contains(placements["time"])]
    wijkteam_mean, wijkteam_p90 = _mean_p90(_waits(tables["waits"], window, ["wijkteam"], None))
    sanctions = tables["sanctions"]
    sustainable = work * per_year * (1.0 - recid12) if not np.isnan(recid12) else float("nan")
    cost = activation_cost(result, window) * per_year
    rungs = months[[f"rung_{r}" for r in range(3, 7)]].sum(axis=1)
    counts = {kind: int((in_window["kind"] == kind).sum()) * per_year
              for kind in ("volunteer_work", "social_activity", "back_to_social_services")}
    sanctions_per_year = int(window.contains(sanctions["time"]).sum()) * per_year
    per_1000 = 1000.0 / stock
    return {
        "average_stock": average_stock,
        "exits_to_work_per_year": work * per_year,
        "exits_to_work_pct_stock": 100.0 * work * per_year / stock,
        "outflow_pct_stock": 100.0 * outflow * per_year / stock,
        "work_share_of_outflow": 100.0 * work / outflow if outflow else float("nan"),
        "sustainable_exits_per_year": sustainable,
        "sustainable_exits_per_1000": sustainable * per_1000,
        "recidivism_12m": 100.0 * recid12,
        "recidivism_24m": 100.0 * recid24,
        **_after_exit(tables, window),
        "share_under_6_months": 100.0 * (1.0 - share_over_duration(spells, window.end, DAYS_PER_YEAR / 2)),
        "share_over_1_year": 100.0 * share_over_duration(spells, window.end, DAYS_PER_YEAR),
        "share_over_5_years": 100.0 * share_over_duration(spells, window.end, 5 * DAYS_PER_YEAR),
        **_flows(spells, window, stock),
        "share_phase_4_5": 100.0 * float(((months["phase_4"] + months["phase_5"]) / months["stock"]).mean()),
        "share_rung_3_plus": 100.0 * float((rungs / months["stock"]).mean()),
        **part_time_work(months),
        "volunteer_placements_per_year": counts["volunteer_work"],
        "social_activity_starts_per_year": counts["social_activity"],
        "back_to_social_services_per_year": counts["back_to_social_services"],
        "volunteer_placements_per_1000": counts["volunteer_work"] * per_1000,
        "social_activity_starts_per_1000": counts["social_activity"] * per_1000,
        "back_to_social_services_per_1000": counts["back_to_social_services"] * per_1000,
        "share_no_contact_12m": 100.0 * float((months["no_contact_12m"] / months["stock"]).mean()),
        "contacts_per_client_year": contacts_per_client_year(monthly),
        "wait_wijkteam_mean_days": wijkteam_mean,
        "wait_wijkteam_p90_days": wijkteam_p90,
        **_trajectory_waits(tables["waits"], window),
        "sanctions_per_year": sanctions_per_year,
        "sanctions_per_1000": sanctions_per_year * per_1000,
        "activation_cost_per_year": cost,
        "activation_cost_per_client_year": cost / stock,
        "cost_per_sustainable_exit": cost / sustainable if sustainable and sustainable > 0 else float("nan"),
        **business_case(result, window, cost, stock),
    }
