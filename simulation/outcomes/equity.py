"""Outcomes by group of clients, the equity table: does the policy reach older clients, clients
with a migrant background, single parents and clients in phase 4–5 as it reaches all?

Each group's exposure, exits to work, recidivism and sanctions are counted within the
observation window; recidivism is Kaplan–Meier, as in the headline (``survival.py``).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from simulation.outcomes.survival import Window, kaplan_meier_failure, return_times
from simulation.scenario.units import DAYS_PER_YEAR

if TYPE_CHECKING:
    from simulation.model.run import RunResult

#: Groups of the equity table; membership is decided per benefit spell (see ``spell_groups``).
EQUITY_GROUPS = ("all", "age_45_plus", "migrant", "single_parent", "phase_4_5")
EQUITY_MEASURES = ("share_of_client_years", "exits_to_work_per_100_client_years", "recidivism_12m",
                   "sanctions_per_100_client_years")


def spell_groups(result: RunResult, window: Window) -> pd.DataFrame:
    """For each benefit spell, which equity groups it belongs to (index aligned with spells).

    Age is the age at the end of the observation window; migrant background and household
    are the person's; phase 4–5 is the phase when the spell ended (or at the end of the run).
    """
    spells, clients = result.tables["spells"], result.tables["clients"].set_index("client")
    years_after_window = (window.follow_up_end - window.end) / DAYS_PER_YEAR
    person = spells["client"]
    return pd.DataFrame({
        "all": True,
        "age_45_plus": (person.map(clients["age_at_end"]) - years_after_window >= 45).to_numpy(),
        "migrant": person.map(clients["migrant"]).astype(bool).to_numpy(),
        "single_parent": (person.map(clients["household"]) == "single_parent").to_numpy(),
        "phase_4_5": (spells["phase_at_exit"] >= 4).to_numpy(),
    }, index=spells.index)


def equity_values(result: RunResult, window: Window) -> list[tuple[str, str, float]]:
    """(group, measure, value) for every group and measure in table order: exposure, exits to work,
    recidivism and sanctions, all within the window; NaN where a group has no exposure."""
    spells = result.tables["spells"]
    groups = spell_groups(result, window)
    end = spells["end"].fillna(np.inf)
    exposure = (end.clip(upper=window.end) - spells["start"].clip(lower=window.start)).clip(lower=0) / DAYS_PER_YEAR
    to_work = window.contains(spells["end"]) & (spells["reason"] == "work")
    sanctions = _sanctions_per_spell(result.tables["sanctions"], spells, window)
    total_years = float(exposure.sum())
    rows: list[tuple[str, str, float]] = []
    for group in EQUITY_GROUPS:
        member = groups[group]
        years = float(exposure[member].sum())
        durations, observed = return_times(spells, window, ("work",), among=member)
        values = {
            "share_of_client_years": 100 * years / total_years if total_years else math.nan,
            "exits_to_work_per_100_client_years": 100 * float(to_work[member].sum()) / years if years else math.nan,
            "recidivism_12m": 100 * kaplan_meier_failure(durations, observed, DAYS_PER_YEAR),
            "sanctions_per_100_client_years": 100 * float(sanctions[member].sum()) / years if years else math.nan,
        }
        rows += [(group, measure, values[measure]) for measure in EQUITY_MEASURES]
    return rows


def _sanctions_per_spell(sanctions: pd.DataFrame, spells: pd.DataFrame, window: Window) -> pd.Series:
    """How many of each spell's sanctions fall in the window (a sanction belongs to the spell it falls in)."""
    counts = pd.Series(0, index=spells.index, dtype=float)
    inside = sanctions[window.contains(sanctions["time"])]
    if inside.empty or spells.empty:
        return counts
    starts = spells[["client", "start"]].assign(spell=spells.index).sort_values("start")
    matched = pd.merge_asof(inside[["client", "time"]].sort_values("time"), starts, left_on="time",
                            right_on="start", by="client", direction="backward")
    per_spell = matched["spell"].dropna().astype(int).value_counts()
    counts.loc[per_spell.index] = per_spell.to_numpy(float)
    return counts
