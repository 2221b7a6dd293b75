"""The clock of a run, read from its tables alone: day 0's date, the end of the warm-up, of the
observation window and of the run."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

#: Tables and the time columns that say how far a run went.
TIME_COLUMNS = (("events", ("time",)), ("spells", ("start", "end")), ("jobs", ("start", "end")), ("sanctions", ("time",)))


@dataclass(frozen=True)
class RunClock:
    """Day 0's date, and the warm-up end, observation end (horizon) and run end in days."""

    start: pd.Timestamp | None
    warmup: float
    horizon: float
    end: float


def run_clock(tables: dict[str, pd.DataFrame]) -> RunClock:
    """The clock of the run these tables came from, read from the tables alone.

    Day 0 is the start date (``events.timestamp - time``). The warm-up ends at the first month
    not labelled ``warmup``; the observation window ends at the first ``follow_up`` month; the
    run ends at the last month's end (else the last time in any table). Without a monthly table
    the whole run counts as observation window.
    """
    end = _last_time(tables)
    warmup, horizon = 0.0, end
    monthly = tables.get("monthly")
    if monthly is not None and len(monthly) and {"start", "time", "period"} <= set(monthly.columns):
        end = max(end, float(monthly["time"].max()))
        period = monthly["period"].astype(str)
        after = monthly.loc[period != "warmup", "start"]
        warmup = float(after.min()) if len(after) else end
        follow = monthly.loc[period == "follow_up", "start"]
        horizon = float(follow.min()) if len(follow) else end
    return RunClock(start=_start_date(tables.get("events")), warmup=warmup, horizon=horizon, end=end)


def _start_date(events: pd.DataFrame | None) -> pd.Timestamp | None:
    """The date of day 0, from the first logged event's timestamp and time (None without one)."""
    if events is None or not len(events) or "timestamp" not in events.columns:
        return None
    first = events.iloc[0]
    stamp = pd.to_datetime(first["timestamp"], errors="coerce")
    if pd.isna(stamp):
        return None
    return (stamp - pd.to_timedelta(float(first["time"]), unit="D")).round("s")


def _last_time(tables: dict[str, pd.DataFrame]) -> float:
    """The latest time in any table of :data:`TIME_COLUMNS` (0 when they are all empty)."""
    last = [0.0]
    for name, columns in TIME_COLUMNS:
        table = tables.get(name)
        if table is None or not len(table):
            continue
        for column in (c for c in columns if c in table.columns):
            value = pd.to_numeric(table[column], errors="coerce").max()
            if not pd.isna(value):
                last.append(float(value))
    return max(last)
