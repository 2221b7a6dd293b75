"""Survival after exits: the observation window, and times to return with right-censoring.

Recidivism and re-inflow follow exits from the observation window into the follow-up period;
spells still open at the end are right-censored and handled by Kaplan–Meier (scipy.stats.ecdf),
never counted as "did not return".
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
    end = ordered.loc[exits, "end"].to_numpy(dtype=float)  # as float even when no row gives the type (an empty world)
    back = next_start[exits].to_numpy(dtype=float)
    observed = ~np.isnan(back)
    durations = np.where(observed, back - end, window.follow_up_end - end)
    return durations, observed
