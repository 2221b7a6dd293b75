"""Outcome definitions: pure functions from a run's tables to numbers. Defined here and nowhere else.

Statistics cover the observation window (after warm-up, up to the horizon). Recidivism and
re-inflow follow exits from that window into the follow-up period; spells still open at the
end are right-censored and handled by Kaplan–Meier (scipy.stats.ecdf), never counted as
"did not return".
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from simulation.scenario.units import DAYS_PER_YEAR

if TYPE_CHECKING:
    from simulation.model.run import RunResult



@dataclass(frozen=True)
class Outcome:
    label: str
    label_nl: str
    unit: str


OUTCOMES: dict[str, Outcome] = {
    "average_stock": Outcome("Average stock on benefit", "Gemiddeld bestand", "clients"),
    "exits_to_work_per_year": Outcome("Exits to work per year", "Uitstroom naar werk per jaar", "per year"),
    "exits_to_work_pct_stock": Outcome("Exits to work, % of average stock", "Uitstroom naar werk, % van bestand", "%"),
    "outflow_pct_stock": Outcome("All exits (excl. pension), % of average stock", "Totale uitstroom (excl. AOW), % van bestand", "%"),
    "work_share_of_outflow": Outcome("Share of exits that are to work", "Aandeel uitstroom naar werk", "%"),
    "sustainable_exits_per_year": Outcome("Sustainable exits to work per year (no return in 12 months)", "Duurzame uitstroom naar werk per jaar", "per year"),
    "recidivism_12m": Outcome("Recidivism 12 months after exit to work", "Herinstroom binnen 12 maanden na werk", "%"),
    "recidivism_24m": Outcome("Recidivism 24 months after exit to work", "Herinstroom binnen 24 maanden na werk", "%"),
    "reinflow_any_exit_12m": Outcome("Re-inflow 12 months after any exit", "Herinstroom binnen 12 maanden na elke uitstroom", "%"),
    "share_over_1_year": Outcome("Share of stock on benefit over 1 year", "Aandeel bestand langer dan 1 jaar", "%"),
    "share_rung_3_plus": Outcome("Share on participation ladder rung ≥ 3", "Aandeel op trede ≥ 3 participatieladder", "%"),
    "volunteer_placements_per_year": Outcome("Volunteer placements per year", "Plaatsingen vrijwilligerswerk per jaar", "per year"),
    "social_activity_starts_per_year": Outcome("Social-activity starts per year", "Starts sociale activiteit per jaar", "per year"),
    "back_to_social_services_per_year": Outcome("Returned by teams to social services per year", "Terug naar Sociale Zaken per jaar", "per year"),
    "share_no_contact_12m": Outcome("Share without contact for over 12 months", "Aandeel zonder contact > 12 maanden", "%"),
    "contacts_per_client_year": Outcome("Contacts per client-year", "Contacten per klantjaar", "per client-year"),
    "wait_wijkteam_mean_days": Outcome("Wijkteam wait, mean", "Wachttijd wijkteam, gemiddeld", "days"),
    "wait_wijkteam_p90_days": Outcome("Wijkteam wait, 90th percentile", "Wachttijd wijkteam, p90", "days"),
    "wait_trajectory_mean_days": Outcome("Trajectory wait, mean", "Wachttijd traject, gemiddeld", "days"),
    "wait_trajectory_p90_days": Outcome("Trajectory wait, 90th percentile", "Wachttijd traject, p90", "days"),
    "sanctions_per_year": Outcome("Sanctions per year", "Maatregelen per jaar", "per year"),
    "activation_cost_per_year": Outcome("Activation cost per year (staff, trajectories, budgets)", "Activeringskosten per jaar", "€ per year"),
    "cost_per_sustainable_exit": Outcome("Activation cost per sustainable exit", "Kosten per duurzame uitstroom", "€"),
}


@dataclass(frozen=True)
class Window:
    """The observation window and the end of follow-up, in days since the start."""

    start: float
    end: float
    follow_up_end: float

    @property
    def years(self) -> float:
        return (self.end - self.start) / DAYS_PER_YEAR

    def contains(self, times: pd.Series) -> pd.Series:
        return (times > self.start) & (times <= self.end)


def window_of(result: RunResult) -> Window:
    """The observation window snapped to the calendar months the monthly table calls observation."""
    clock = result.scenario.model.clock
    observed = observation_months(result.tables["monthly"])
    if observed.empty:
        return Window(clock.warmup, clock.horizon, clock.horizon + clock.follow_up)
    return Window(float(observed["start"].iloc[0]), float(observed["time"].iloc[-1]), clock.horizon + clock.follow_up)


def observation_months(monthly: pd.DataFrame) -> pd.DataFrame:
    return monthly[monthly["period"] == "observation"]


def kaplan_meier(durations: np.ndarray, observed: np.ndarray) -> Any:
    """The Kaplan–Meier survival function (scipy's ``EmpiricalDistributionFunction``) of right-censored durations."""
    from scipy import stats  # imported here: scipy.stats costs a second at CLI start-up

    return stats.ecdf(stats.CensoredData(uncensored=durations[observed], right=durations[~observed])).sf


def kaplan_meier_failure(durations: np.ndarray, observed: np.ndarray, at: float) -> float:
    """1 − S(at) by Kaplan–Meier; NaN when nobody is still under observation at ``at``."""
    if len(durations) == 0 or np.max(durations) < at:
        return float("nan")
    return float(1.0 - kaplan_meier(durations, observed).evaluate(at))


def return_times(spells: pd.DataFrame, window: Window, reasons: tuple[str, ...],
                 among: pd.Series | None = None) -> tuple[np.ndarray, np.ndarray]:
    """Time from each exit in the window (for the given reasons) to the next spell, or censoring;
    ``among`` (a boolean Series aligned with ``spells``) keeps only some spells' exits."""
    ordered = spells.sort_values(["client", "spell_no"])
    next_start = ordered.groupby("client")["start"].shift(-1)
    exits = ordered["reason"].isin(reasons) & window.contains(ordered["end"])
    if among is not None:
        exits &= among.reindex(ordered.index).fillna(False).astype(bool)
    end = ordered.loc[exits, "end"].to_numpy()
    back = next_start[exits].to_numpy()
    observed = ~np.isnan(back)
    durations = np.where(observed, back - end, window.follow_up_end - end)
    return durations, observed


def _exits(spells: pd.DataFrame, window: Window) -> pd.DataFrame:
    return spells[window.contains(spells["end"]) & (spells["reason"] != "censored")]


def _waits(waits: pd.DataFrame, window: Window, resources: list[str] | None, kind: str | None) -> np.ndarray:
    served = waits[waits["served"] & window.contains(waits["started"])]
    if resources is not None:
        served = served[served["resource"].isin(resources)]
    if kind is not None:
        served = served[served["kind"] == kind]
    else:
        served = served[served["kind"] != "urgent"]
    return (served["started"] - served["requested"]).to_numpy()


def _mean_p90(values: np.ndarray) -> tuple[float, float]:
    if len(values) == 0:
        return float("nan"), float("nan")
    return float(np.mean(values)), float(np.quantile(values, 0.9))


def share_over_duration(spells: pd.DataFrame, at: float, days: float) -> float:
    """Share of the stock at time ``at`` whose current spell is longer than ``days``."""
    end = spells["end"].fillna(np.inf)
    open_at = spells[(spells["start"] <= at) & (end > at)]
    return float(((at - open_at["start"]) > days).mean()) if len(open_at) else float("nan")


def activation_cost(result: RunResult, window: Window) -> float:
    """Staff, trajectory and budget spending in the window (benefits themselves excluded)."""
    spec = result.scenario.model
    staff_per_day = spec.klantmanagers.count * spec.klantmanagers.cost_per_year
    staff_per_day += sum(s.staff * s.cost_per_year_per_staff for s in spec.services.values())
    budget = result.tables["budget"]
    spent = budget[window.contains(budget["time"]) & budget["kind"].isin(["commit", "refund"])]["amount"].sum()
    return float(staff_per_day * (window.end - window.start) + spent)


def contacts_per_client_year(monthly: pd.DataFrame, group: str | None = None) -> float:
    """Contacts in the window ÷ client-years on benefit (month-end stock × month length)."""
    days = monthly["time"] - monthly["start"]
    observed = monthly["period"] == "observation"
    stock = monthly["stock"] if group is None else monthly[f"group_{group}"]
    column = "contacts" if group is None else f"contacts_{group}"
    contacts = monthly[column].fillna(0)[observed].sum() if column in monthly else 0.0
    exposure = float((stock * days)[observed].sum() / DAYS_PER_YEAR)
    return float(contacts / exposure) if exposure > 0 else float("nan")


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
    average_stock = float(months["stock"].mean())
    exits = _exits(spells, window)
    work = int((exits["reason"] == "work").sum())
    outflow = int((exits["reason"] != "pension").sum())
    per_year = 1.0 / window.years
    durations, observed = return_times(spells, window, ("work",))
    recid12 = kaplan_meier_failure(durations, observed, DAYS_PER_YEAR)
    recid24 = kaplan_meier_failure(durations, observed, 2 * DAYS_PER_YEAR)
    any_d, any_o = return_times(spells, window, ("work", "moving", "partner_income", "education", "enforcement"))
    placements = tables["placements"]
    in_window = placements[window.contains(placements["time"])]
    wijkteam_mean, wijkteam_p90 = _mean_p90(_waits(tables["waits"], window, ["wijkteam"], None))
    trajectory_mean, trajectory_p90 = _mean_p90(_waits(tables["waits"], window, None, "trajectory"))
    sanctions = tables["sanctions"]
    sustainable = work * per_year * (1.0 - recid12) if not np.isnan(recid12) else float("nan")
    cost = activation_cost(result, window) * per_year
    rungs = months[[f"rung_{r}" for r in range(3, 7)]].sum(axis=1)
    return {
        "average_stock": average_stock,
        "exits_to_work_per_year": work * per_year,
        "exits_to_work_pct_stock": 100.0 * work * per_year / average_stock,
        "outflow_pct_stock": 100.0 * outflow * per_year / average_stock,
        "work_share_of_outflow": 100.0 * work / outflow if outflow else float("nan"),
        "sustainable_exits_per_year": sustainable,
        "recidivism_12m": 100.0 * recid12,
        "recidivism_24m": 100.0 * recid24,
        "reinflow_any_exit_12m": 100.0 * kaplan_meier_failure(any_d, any_o, DAYS_PER_YEAR),
        "share_over_1_year": 100.0 * share_over_duration(spells, window.end, DAYS_PER_YEAR),
        "share_rung_3_plus": 100.0 * float((rungs / months["stock"]).mean()),
        "volunteer_placements_per_year": int((in_window["kind"] == "volunteer_work").sum()) * per_year,
        "social_activity_starts_per_year": int((in_window["kind"] == "social_activity").sum()) * per_year,
        "back_to_social_services_per_year": int((in_window["kind"] == "back_to_social_services").sum()) * per_year,
        "share_no_contact_12m": 100.0 * float((months["no_contact_12m"] / months["stock"]).mean()),
        "contacts_per_client_year": contacts_per_client_year(monthly),
        "wait_wijkteam_mean_days": wijkteam_mean,
        "wait_wijkteam_p90_days": wijkteam_p90,
        "wait_trajectory_mean_days": trajectory_mean,
        "wait_trajectory_p90_days": trajectory_p90,
        "sanctions_per_year": int(window.contains(sanctions["time"]).sum()) * per_year,
        "activation_cost_per_year": cost,
        "cost_per_sustainable_exit": cost / sustainable if sustainable and sustainable > 0 else float("nan"),
    }
