"""Where people who left for work are 6, 12, 18 and 24 months later: in a job, back on benefit, or neither.

The published counterpart is the CBS follow-up of the 2021 cohort that left bijstand for an
employee job (cal §A): 82% in a job at 6 months; at 18 months 72% in a job, 9% back on (full or
partial) bijstand, 19% neither. Each exit to work in the observation window is looked at
``months`` later (a month is a twelfth of a year): on benefit when a later spell of the person
covers that day, in a job when a job does, otherwise neither (between jobs, away after another
exit, or gone). The window's follow-up (``clock.follow_up``) must reach 24 months for the last
point; an exit whose look-ahead falls past the end of the run is left out of that point.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from simulation.outcomes.survival import Window
from simulation.scenario.units import DAYS_PER_YEAR

CAREER_MONTHS = (6, 12, 18, 24)
CAREER_STATES = ("job", "benefit", "neither")


def _covered(exits: pd.DataFrame, at: np.ndarray, periods: pd.DataFrame, after: np.ndarray) -> np.ndarray:
    """For each exit: does a period of the same client that starts after the exit cover its day ``at``?"""
    if periods.empty or exits.empty:
        return np.zeros(len(exits), dtype=bool)
    joined = exits[["client"]].assign(row=np.arange(len(exits)), at=at, after=after).merge(
        periods[["client", "start", "end"]], on="client")
    end = joined["end"].fillna(np.inf)
    hit = (joined["start"] >= joined["after"]) & (joined["start"] <= joined["at"]) & (joined["at"] < end)
    covered = np.zeros(len(exits), dtype=bool)
    covered[joined.loc[hit, "row"].to_numpy()] = True
    return covered


def career_shares(tables: dict[str, pd.DataFrame], window: Window) -> dict[tuple[int, str], float]:
    """(months, state) → % of the window's exits to work in that state then (NaN without exits)."""
    spells = tables["spells"]
    exits = spells[(spells["reason"] == "work") & window.contains(spells["end"])].reset_index(drop=True)
    when = exits["end"].to_numpy(float)
    shares: dict[tuple[int, str], float] = {}
    for months in CAREER_MONTHS:
        at = when + months * DAYS_PER_YEAR / 12
        seen = at <= window.follow_up_end
        on_benefit = _covered(exits, at, spells, when)[seen]
        in_job = _covered(exits, at, tables["jobs"], when)[seen] & ~on_benefit
        n = int(seen.sum())
        for state, count in (("job", in_job.sum()), ("benefit", on_benefit.sum()),
                             ("neither", n - in_job.sum() - on_benefit.sum())):
            shares[months, state] = 100.0 * float(count) / n if n else float("nan")
    return shares


#: Bands of time on benefit for the leavers of the window (issue 14: < 6 months, 6-12, 1-3 years, ≥ 3 years)
LEAVER_BANDS = ((0.0, 0.5, "< 6 months"), (0.5, 1.0, "6-12 months"), (1.0, 3.0, "1-3 years"), (3.0, math.inf, "≥ 3 years"))


def leaver_duration_shares(spells: pd.DataFrame, window: Window) -> dict[str, float]:
    """% of the window's exits (any reason but pension) by how long the spell that ended had lasted."""
    exits = spells[window.contains(spells["end"]) & (spells["reason"] != "pension")]
    years = ((exits["end"] - exits["start"]) / DAYS_PER_YEAR).to_numpy(float)
    if len(years) == 0:
        return {label: float("nan") for _, _, label in LEAVER_BANDS}
    return {label: 100.0 * float(((years >= low) & (years < high)).mean()) for low, high, label in LEAVER_BANDS}
