"""A replication's profile: the fixed-size summaries behind the plots and the report.

A compare stores only this per replication, not the full tables (a Tilburg run's tables are
tens of megabytes; its profile is tens of kilobytes), so plots and reports never rerun the
model. Everything here is plain JSON data: monthly series, Kaplan–Meier curves on a fixed grid
(with scipy's Greenwood band, which is what a single run can show), waits and utilisation per
resource, and outcomes by group of clients (the equity table, ``equity.py``). ``profile_tables``
turns the profiles of many replications into tidy tables, one row per value.
"""

from __future__ import annotations

import math
import re
import warnings
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from simulation.defaults import CONFIDENCE
from simulation.outcomes.careers import career_shares
from simulation.outcomes.equity import EQUITY_GROUPS as EQUITY_GROUPS
from simulation.outcomes.equity import equity_values
from simulation.outcomes.survival import Window, kaplan_meier, observation_months, return_times, window_of
from simulation.scenario.units import DAYS_PER_YEAR

if TYPE_CHECKING:
    from simulation.model.run import RunResult

DAYS_PER_MONTH = DAYS_PER_YEAR / 12

#: Monthly columns a profile keeps: stock and flows, ladder rungs, resources, budgets, activity, part-time work.
MONTHLY_COLUMNS = re.compile(r"stock|inflow_(new|reentry)|exits_\w+|rung_\d|\w+_(capacity|busy|queue)|budget_\w+"
                             r"|sanctions|contacts|volunteer_work|social_activity|tegenprestatie|part_time\w*")

#: Kaplan–Meier curves: what is followed, from which event, for how many months.
CURVES = {
    # every benefit spell that starts in the observation window, until it ends (any reason);
    # assumption: 3 years shows where cal §A's 83% "over a year" comes from
    "time_to_exit": 36,
    # every exit to work in the window, until the next benefit spell (a failure curve);
    # 24 months: the longest recidivism the headline reports (recidivism_24m)
    "time_to_return": 24,
}

def _plain(value: Any) -> Any:
    """JSON has no NaN: None stands for 'undefined'."""
    if isinstance(value, (float, np.floating)):
        return None if not math.isfinite(value) else float(value)
    if isinstance(value, np.integer):
        return int(value)
    return value


def replication_profile(result: RunResult) -> dict[str, Any]:
    """Everything the plots and report need from one replication, as plain data."""
    window = window_of(result)
    return {
        "monthly": _monthly(result.tables["monthly"]),
        "curves": _curves(result.tables["spells"], window),
        "resources": _resources(result.tables["waits"], result.tables["monthly"], window),
        "equity": _equity(result, window),
        "careers": [{"months": months, "state": state, "value": _plain(value)}
                    for (months, state), value in career_shares(result.tables, window).items()],
    }


def _monthly(monthly: pd.DataFrame) -> dict[str, Any]:
    kept = [c for c in monthly.columns if MONTHLY_COLUMNS.fullmatch(c)]
    return {"month": monthly["month"].astype(str).tolist(), "period": monthly["period"].astype(str).tolist(),
            "columns": {c: [_plain(v) for v in monthly[c].to_numpy(float)] for c in kept}}


def _km(durations: np.ndarray, observed: np.ndarray, months: int, failure: bool) -> dict[str, list]:
    """Kaplan–Meier on a monthly grid with the Greenwood band; NaN past the last time at risk."""
    grid = np.arange(months + 1) * DAYS_PER_MONTH
    empty = {"day": grid.tolist(), "value": [None] * len(grid), "low": [None] * len(grid),
             "high": [None] * len(grid), "n": int(len(durations))}
    if len(durations) == 0:
        return empty
    fitted = kaplan_meier(durations, observed)
    value = fitted.evaluate(grid)
    with np.errstate(all="ignore"), warnings.catch_warnings():
        # Greenwood's interval is undefined where the curve reaches 0; scipy says so, and NaN is right
        warnings.filterwarnings("ignore", message="The confidence interval is undefined")
        band = fitted.confidence_interval(CONFIDENCE)
        low, high = band.low.evaluate(grid), band.high.evaluate(grid)
    beyond = grid > durations.max()
    if failure:
        value, low, high = 1 - value, 1 - high, 1 - low
    curves = {}
    for name, values in (("value", value), ("low", low), ("high", high)):
        values = np.where(beyond, np.nan, values)
        curves[name] = [_plain(v) for v in values]
    return {"day": grid.tolist(), **curves, "n": int(len(durations))}


def _curves(spells: pd.DataFrame, window: Window) -> dict[str, Any]:
    started = spells[window.contains(spells["start"])]
    ended = started["end"].notna()
    durations = np.where(ended, started["end"] - started["start"], window.follow_up_end - started["start"])
    exits = _km(durations.astype(float), ended.to_numpy(), CURVES["time_to_exit"], failure=False)
    back, observed = return_times(spells, window, ("work",))
    returns = _km(back.astype(float), observed, CURVES["time_to_return"], failure=True)
    return {"time_to_exit": exits, "time_to_return": returns}


def _resources(waits: pd.DataFrame, monthly: pd.DataFrame, window: Window) -> list[dict[str, Any]]:
    """Per resource: client waits served in the window (mean, p90, count), mean utilisation."""
    months = observation_months(monthly)
    served = waits[waits["served"] & window.contains(waits["started"]) & (waits["kind"] != "urgent")]
    rows = []
    for resource in sorted(c[: -len("_capacity")] for c in monthly.columns if c.endswith("_capacity")):
        capacity = months[f"{resource}_capacity"].to_numpy(float)
        busy = months[f"{resource}_busy"].to_numpy(float)
        waited = (served.loc[served["resource"] == resource, "started"]
                  - served.loc[served["resource"] == resource, "requested"]).to_numpy(float)
        rows.append({
            "resource": resource,
            "utilisation": _plain(busy.sum() / capacity.sum()) if capacity.sum() > 0 else None,
            "served": int(len(waited)),
            "wait_mean_days": _plain(waited.mean()) if len(waited) else None,
            "wait_p90_days": _plain(np.quantile(waited, 0.9)) if len(waited) else None,
        })
    return rows


def _equity(result: RunResult, window: Window) -> list[dict[str, Any]]:
    """The equity table's rows (``equity.py``) as plain data."""
    return [{"group": group, "measure": measure, "value": _plain(value)}
            for group, measure, value in equity_values(result, window)]


class Profiles(tuple):
    """(scenario label, replication, profile) triples, never changed once made.

    They ride along in ``summary.attrs``, which pandas deep-copies on every operation on the
    summary; sharing this immutable data instead keeps those operations cheap.
    """

    def __deepcopy__(self, memo: dict) -> Profiles:
        return self


# --- many replications as tidy tables ----------------------------------------------------------


def profile_tables(profiles: Iterable[tuple[str, int, dict[str, Any]]]) -> dict[str, pd.DataFrame]:
    """Tidy tables from (scenario label, replication, profile) triples:

    ``series`` (scenario, replication, month, period, variable, value), ``curves`` (scenario,
    replication, curve, day, value, low, high, n), ``resources`` (scenario, replication,
    resource, utilisation, served, wait_mean_days, wait_p90_days) and ``equity`` (scenario,
    replication, group, measure, value) and ``careers`` (scenario, replication, months, state,
    value: % of exits to work in a job, back on benefit or neither that many months later).

    Rows and columns come in a fixed order, whatever the order of the profile's mappings: a
    profile read back from the store has its keys sorted (JSON), a fresh one the model's order,
    and the tables must be the same to the byte either way. Variables and curves go by name,
    columns as listed here.
    """
    series, curves, resources, equity, careers = [], [], [], [], []
    for label, replication, profile in profiles:
        key: dict[str, Any] = {"scenario": label, "replication": replication}
        monthly = profile["monthly"]
        frame = pd.DataFrame({name: monthly["columns"][name] for name in sorted(monthly["columns"])}, dtype=float)
        frame.insert(0, "period", monthly["period"])
        frame.insert(0, "month", monthly["month"])
        long = frame.melt(id_vars=["month", "period"], var_name="variable", value_name="value")
        series.append(long.assign(**key))
        for name, curve in sorted(profile["curves"].items()):
            curves.append(pd.DataFrame({"curve": name, "day": curve["day"], "value": curve["value"],
                                        "low": curve["low"], "high": curve["high"], "n": curve["n"]},
                                       ).assign(**key))
        resources.append(pd.DataFrame(profile["resources"]).assign(**key))
        equity.append(pd.DataFrame(profile["equity"]).assign(**key))
        careers.append(pd.DataFrame(profile.get("careers", [])).assign(**key))

    def tidy(frames: list[pd.DataFrame], columns: list[str]) -> pd.DataFrame:
        if not frames:
            return pd.DataFrame(columns=["scenario", "replication", *columns])
        table = pd.concat(frames, ignore_index=True)
        return table.reindex(columns=["scenario", "replication", *columns]).infer_objects()

    return {
        "series": tidy(series, ["month", "period", "variable", "value"]),
        "curves": tidy(curves, ["curve", "day", "value", "low", "high", "n"]),
        "resources": tidy(resources, ["resource", "utilisation", "served", "wait_mean_days", "wait_p90_days"]),
        "equity": tidy(equity, ["group", "measure", "value"]),
        "careers": tidy(careers, ["months", "state", "value"]),
    }


PROFILE_FILES = {"series": "series.csv", "curves": "curves.csv", "resources": "resources.csv", "equity": "equity.csv",
                 "careers": "careers.csv"}
