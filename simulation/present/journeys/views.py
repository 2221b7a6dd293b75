"""The tables of a run as the journeys read them: plain types, sorted, and which resources are
teams and which trajectories."""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

TEAM_ACTIVITIES = frozenset({"service_start", "service_end", "service_contact", "service_left_queue", "referral"})
TRAJECTORY_ACTIVITIES = frozenset({"trajectory_offer", "trajectory_start", "trajectory_end", "trajectory_dropout"})


def text(series: pd.Series) -> pd.Series:
    """Categorical or CSV column as plain strings, missing as ""."""
    values = series.astype(object)
    return values.where(values.notna(), "").astype(str)


def events_of(tables: dict[str, pd.DataFrame], clients: Iterable[int] | None = None) -> pd.DataFrame:
    """The event log (of ``clients`` only, if given) with plain types, by client and time."""
    events = tables["events"]
    if clients is not None:
        events = events[events["case_id"].isin(list(clients))]
    out = pd.DataFrame({
        "case_id": events["case_id"].to_numpy(dtype=np.int64),
        "time": events["time"].to_numpy(dtype=float),
        "activity": text(events["activity"]).to_numpy(),
        "resource": text(events["resource"]).to_numpy(),
        "phase": events["phase"].to_numpy(dtype=np.int64),
    })
    # the log is written in time order; a stable sort keeps same-time events in logged order
    return out.sort_values(["case_id", "time"], kind="stable").reset_index(drop=True)


def spells_of(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Benefit spells by client and number; an open spell's end is NaN."""
    spells = tables["spells"].copy()
    spells["reason"] = text(spells["reason"])
    spells["start"] = spells["start"].astype(float)
    spells["end"] = pd.to_numeric(spells["end"], errors="coerce").astype(float)
    return spells.sort_values(["client", "spell_no"], kind="stable").reset_index(drop=True)


def resource_kinds(tables: dict[str, pd.DataFrame]) -> tuple[set[str], set[str]]:
    """Which resources are teams (service desks) and which are trajectories, by what they log."""
    pairs = tables["events"][["activity", "resource"]].drop_duplicates()
    activity, resource = text(pairs["activity"]), text(pairs["resource"])
    teams = set(resource[activity.isin(TEAM_ACTIVITIES)]) - {"", "klantmanager"}
    trajectories = set(resource[activity.isin(TRAJECTORY_ACTIVITIES)]) - {""}
    return teams, trajectories
