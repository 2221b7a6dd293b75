"""Journeys as tidy rows: per client, benefit stretches by phase, team episodes, trajectories,
jobs, waits and point events, all read from one run's tables.

What the event log does not say is inferred, and documented where it is (see
:func:`journey_segments`): a team episode or trajectory that the client's exit stops leaves no
closing event, so it is closed at the exit; anything still open at the end closes there.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd

from simulation.present.journeys.clock import run_clock
from simulation.present.journeys.episodes import episode_rows
from simulation.present.journeys.views import events_of, resource_kinds, spells_of
from simulation.results.run_tables import check_run_tables

#: Columns of :func:`journey_segments`, in order.
#: the jobs table's ``then`` → how a job segment's detail says it ended
JOB_ENDS = {"job": "next job", "between": "between jobs"}
SEGMENT_COLUMNS = ("client", "lane", "kind", "start", "end", "label", "phase", "spell_no", "detail")

#: Lanes: intervals ``benefit`` (one row per phase stretch), ``team``, ``trajectory``, ``job``,
#: ``wait`` (queueing for a team or trajectory); points (``end == start``) in ``event``.
LANES = ("benefit", "team", "trajectory", "job", "wait", "event")

#: Placements (``placements`` table) shown as participation; other kinds there (a team handing
#: the client back to social services) keep their own name as ``kind``.
PLACEMENTS = frozenset({"tegenprestatie", "volunteer_work", "social_activity"})

#: (times, phases) after each distinct event time of one client
PhaseChanges = tuple[np.ndarray, np.ndarray]


def journey_segments(tables: dict[str, pd.DataFrame], clients: Sequence[int]) -> pd.DataFrame:
    """Tidy timeline rows for ``clients``: columns :data:`SEGMENT_COLUMNS`, times in days.

    Lanes (``lane``) and what ``kind`` holds:

    * ``benefit``, kind ``phase``: each benefit spell (``spells``) cut where the client's phase
      changes. The phase at a moment is that of the client's last logged event up to then (of
      the last one when several share a time: an assessment logs the new phase). Before a
      spell's first event (the initial stock, before day 0) the first phase logged in the spell
      stands in, and that stretch (ending at day 0) has ``detail == "before start"``. These
      rows tile each spell exactly; an open spell ends at the run's end.
    * ``team``, kind = team (wijkteam, netwerkconsulent, homecoach, ...) and ``trajectory``,
      kind = trajectory name: ``service_start``/``trajectory_start`` to the closing event, or
      the exit, or the run's end; ``detail`` says which closed it.
    * ``job``, kind = job type: the ``jobs`` table; an open job ends at the run's end;
      ``detail`` = how it ended (``next job``, ``between jobs``, or ``open``).
    * ``wait``, kind = team or trajectory: queueing before a team or trajectory starts.
    * ``event`` (points, ``end == start``): ``sanction`` (``sanctions`` table; detail = the
      obligation), ``reentry`` (start of a spell with ``spell_no > 1``; detail = how the spell
      before ended), ``exit`` (end of a closed spell; detail = reason), ``placement``
      (``placements`` table: tegenprestatie, volunteer work, social activity; detail = which),
      ``back_to_social_services`` (a team handed the client back; not drawn).

    ``phase`` is set on benefit rows and on events during benefit; ``spell_no`` on benefit,
    re-entry and exit rows. Rows are sorted by client (in the order given), lane, start.
    """
    check_run_tables(tables)
    order = [int(c) for c in dict.fromkeys(clients)]
    end_of_run = run_clock(tables).end
    events = events_of(tables, order)
    teams, trajectories = resource_kinds(tables)
    spells = spells_of(tables)
    spells = spells[spells["client"].isin(order)]
    jobs = tables["jobs"][tables["jobs"]["client"].isin(order)]
    sanctions = tables["sanctions"][tables["sanctions"]["client"].isin(order)]
    placements = _usable_placements(tables.get("placements"))
    rows: list[dict] = []
    by_client_events = dict(tuple(events.groupby("case_id")))
    by_client_spells = dict(tuple(spells.groupby("client")))
    for client in order:
        client_events = by_client_events.get(client, events.iloc[:0])
        client_spells = by_client_spells.get(client, spells.iloc[:0])
        changes = _phase_changes(client_events)
        rows.extend(_benefit_rows(client, client_spells, changes, end_of_run))
        rows.extend(episode_rows(client, client_events, client_spells, end_of_run, teams, trajectories))
        rows.extend(_spell_points(client, client_spells, changes))
        rows.extend(_job_rows(client, jobs[jobs["client"] == client], end_of_run))
        rows.extend(_sanction_points(client, sanctions[sanctions["client"] == client], changes))
        if placements is not None:
            rows.extend(_placement_points(client, placements[placements["client"] == client], changes))
    return _tidy(rows, order)


def _tidy(rows: list[dict], order: list[int]) -> pd.DataFrame:
    """The rows as a table with fixed types, by client (in ``order``), lane, start and end."""
    table = pd.DataFrame(rows, columns=list(SEGMENT_COLUMNS))
    if table.empty:
        return table
    table["client"] = table["client"].astype(np.int64)
    table["start"] = table["start"].astype(float)
    table["end"] = table["end"].astype(float)
    table["phase"] = table["phase"].astype("Int64")
    table["spell_no"] = table["spell_no"].astype("Int64")
    rank = {client: i for i, client in enumerate(order)}
    lane_rank = {lane: i for i, lane in enumerate(LANES)}
    table = table.assign(_c=table["client"].map(rank), _l=table["lane"].map(lane_rank))
    table = table.sort_values(["_c", "_l", "start", "end"], kind="stable").drop(columns=["_c", "_l"])
    return table.reset_index(drop=True)


def _phase_changes(events: pd.DataFrame) -> PhaseChanges:
    """(time, phase) after all events at each distinct time: an assessment logs the new phase,
    and a contact logged just before it at the same moment still shows the old one."""
    last = events.drop_duplicates("time", keep="last")
    return last["time"].to_numpy(dtype=float), last["phase"].to_numpy(dtype=np.int64)


def _phase_at(changes: PhaseChanges, time: float) -> object:
    """The client's phase at ``time`` (``pd.NA`` before the first event)."""
    k = int(np.searchsorted(changes[0], time, side="right")) - 1
    return int(changes[1][k]) if k >= 0 else pd.NA


def _benefit_rows(client: int, spells: pd.DataFrame, changes: PhaseChanges, end_of_run: float) -> list[dict]:
    """Each spell cut into stretches of one phase (see :func:`journey_segments`)."""
    rows = []
    for spell in spells.itertuples(index=False):
        end = end_of_run if math.isnan(spell.end) else float(spell.end)
        cuts, values = _phase_stretches(float(spell.start), end, changes)
        for a, b, phase in zip(cuts[:-1], cuts[1:], values):
            rows.append({"client": client, "lane": "benefit", "kind": "phase", "start": a, "end": b,
                         "label": f"phase {phase}" if phase else "not assessed", "phase": phase,
                         "spell_no": int(spell.spell_no), "detail": "before start" if b <= 0.0 else ""})
    return rows


def _phase_stretches(start: float, end: float, changes: PhaseChanges) -> tuple[list[float], list[int]]:
    """The times a spell from ``start`` to ``end`` is cut at (both ends included) and the phase
    of each stretch between them."""
    times, phases = changes
    inside = (times >= start) & (times < end) if end > start else (times == start)
    t, p = times[inside], phases[inside]
    # before the first event of a spell (the initial stock before day 0) the first phase
    # known in the spell stands in; a spell without events has phase 0 (unknown)
    cuts = [start]
    values = [int(p[0]) if len(p) else 0]
    for time, phase in zip(t, p):
        if phase == values[-1]:
            continue
        if time > cuts[-1]:
            cuts.append(float(time))
            values.append(int(phase))
        else:
            values[-1] = int(phase)
    if start < 0.0 < end and 0.0 not in cuts:  # mark the part before the run started
        k = int(np.searchsorted(cuts, 0.0))
        cuts.insert(k, 0.0)
        values.insert(k, values[k - 1])
    cuts.append(end)
    return cuts, values


def _point(client: int, kind: str, time: float, label: str, detail: str = "", phase: object = pd.NA,
           spell_no: object = pd.NA) -> dict:
    return {"client": client, "lane": "event", "kind": kind, "start": time, "end": time, "label": label,
            "phase": phase, "spell_no": spell_no, "detail": detail}


def _spell_points(client: int, spells: pd.DataFrame, changes: PhaseChanges) -> list[dict]:
    """A re-entry at the start of every spell after the first, an exit at the end of every closed one."""
    rows = []
    reasons = list(spells["reason"])
    for i, spell in enumerate(spells.itertuples(index=False)):
        if spell.spell_no > 1:
            before = reasons[i - 1] if i > 0 else ""
            rows.append(_point(client, "reentry", float(spell.start), f"re-entry (spell {spell.spell_no})",
                               before, _phase_at(changes, float(spell.start)), int(spell.spell_no)))
        if not math.isnan(spell.end):
            rows.append(_point(client, "exit", float(spell.end), f"exit: {spell.reason}", spell.reason,
                               _phase_at(changes, float(spell.end)), int(spell.spell_no)))
    return rows


def _job_rows(client: int, jobs: pd.DataFrame, end_of_run: float) -> list[dict]:
    """Each job, open ones to the end of the run; ``detail`` says how it ended."""
    rows = []
    for job in jobs.itertuples(index=False):
        end = pd.to_numeric(job.end, errors="coerce")
        if pd.isna(end):
            how, end = "open", end_of_run
        else:
            how = JOB_ENDS.get(str(getattr(job, "then", "")), "ended")
        rows.append({"client": client, "lane": "job", "kind": str(job.job_type), "start": float(job.start),
                     "end": float(end), "label": f"{job.job_type} job", "phase": pd.NA, "spell_no": pd.NA,
                     "detail": how})
    return rows


def _sanction_points(client: int, sanctions: pd.DataFrame, changes: PhaseChanges) -> list[dict]:
    return [_point(client, "sanction", float(sanction.time), f"sanction ({sanction.obligation})",
                   str(sanction.obligation), _phase_at(changes, float(sanction.time)))
            for sanction in sanctions.itertuples(index=False)]


def _usable_placements(placements: pd.DataFrame | None) -> pd.DataFrame | None:
    """The placements table if it has the columns the journeys read."""
    if placements is not None and {"client", "time", "kind"} <= set(placements.columns):
        return placements
    return None


def _placement_points(client: int, placements: pd.DataFrame, changes: PhaseChanges) -> list[dict]:
    rows = []
    for placement in placements.itertuples(index=False):
        kind = str(placement.kind)
        rows.append(_point(client, "placement" if kind in PLACEMENTS else kind, float(placement.time),
                           kind.replace("_", " "), kind, _phase_at(changes, float(placement.time))))
    return rows

