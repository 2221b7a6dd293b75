"""Team episodes, trajectories and the waits before them, read from one client's event log.

An episode opened by ``service_start`` / ``trajectory_start`` closes at the first closing event
of the same resource (``service_end``; ``trajectory_end`` or ``trajectory_dropout``), else at
the end of the spell it ran in (the exit stops it without a log line), else at the run's end. A
team wait runs from ``queue`` to ``service_start``, ``service_left_queue`` or a ``refusal`` at
the door; a trajectory wait from ``trajectory_offer`` (budget and slot) to ``trajectory_start``
or ``budget_refused``; either is cut at the spell's end.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class Episodes:
    """How one kind of resource opens and closes its episodes and the waits before them."""

    lane: str
    opens: str
    closes: frozenset[str]
    wait_opens: str
    wait_closes: frozenset[str]


TEAM = Episodes("team", "service_start", frozenset({"service_end"}), "queue",
                frozenset({"service_start", "service_left_queue", "refusal"}))
TRAJECTORY = Episodes("trajectory", "trajectory_start", frozenset({"trajectory_end", "trajectory_dropout"}),
                      "trajectory_offer", frozenset({"trajectory_start", "budget_refused"}))


def episode_rows(client: int, events: pd.DataFrame, spells: pd.DataFrame, end_of_run: float,
                 teams: set[str], trajectories: set[str]) -> list[dict]:
    """Rows of the ``team``, ``trajectory`` and ``wait`` lanes of one client, per resource."""
    rows = []
    for resource, group in events[events["resource"].isin(teams | trajectories)].groupby("resource", sort=True):
        kind = TEAM if resource in teams else TRAJECTORY
        times, activities = group["time"].to_numpy(dtype=float), list(group["activity"])
        for lane, opens, closes in (("wait", kind.wait_opens, kind.wait_closes), (kind.lane, kind.opens, kind.closes)):
            for since, until, how in _intervals(times, activities, opens, closes):
                rows.extend(_interval(client, lane, str(resource), since, until, how, spells, end_of_run))
    return rows


def _intervals(times: Iterable[float], activities: Iterable[str], opens: str,
               closes: frozenset[str]) -> Iterator[tuple[float, float, str]]:
    """(since, until, closing activity) from each ``opens`` to the next ``closes`` or ``opens``;
    one still open at the end runs to infinity, closed by "end of run"."""
    since: float | None = None
    for time, activity in zip(times, activities):
        if since is not None and (activity in closes or activity == opens):
            yield since, time, activity
            since = None
        if activity == opens:
            since = time
    if since is not None:
        yield since, math.inf, "end of run"


def _spell_end_after(spells: pd.DataFrame, time: float, end_of_run: float) -> float:
    """End of the spell running at ``time`` (the run's end for an open spell, ``time`` itself
    when the client is not on benefit then)."""
    for spell in spells.itertuples(index=False):
        end = end_of_run if math.isnan(spell.end) else float(spell.end)
        if spell.start <= time <= end:
            return end
    return time


def _interval(client: int, lane: str, resource: str, since: float, until: float, how: str, spells: pd.DataFrame,
              end_of_run: float) -> list[dict]:
    """One team, trajectory or wait row, cut at the end of the spell it began in; a wait cut to
    nothing (a trajectory offer answered by an exit at once) gives no row."""
    limit = _spell_end_after(spells, since, end_of_run)
    if until > limit:
        until, how = limit, "exit" if limit < end_of_run else "end of run"
    if lane == "wait" and until <= since:
        return []
    label = f"waiting for {resource}" if lane == "wait" else resource
    return [{"client": client, "lane": lane, "kind": resource, "start": since, "end": until, "label": label,
             "phase": pd.NA, "spell_no": pd.NA, "detail": how}]

