"""Client journeys: the timelines of a few sampled clients, as tidy rows and as a picture.

Everything here reads one run's tables (``result.tables`` of :func:`simulation.run`, or the
CSVs of a run folder through :func:`load_run_tables`); nothing runs the model. The run's clock
is read from the tables themselves: day 0 is the start date (``events.timestamp - time``), the
warm-up and the observation window come from the ``period`` column of the monthly table, and
the end of the run is the last month's end.

What the event log does not say is inferred, and documented where it is (see
:func:`journey_segments`): a team episode or trajectory that the client's exit stops leaves no
closing event, so it is closed at the exit; anything still open at the end closes there.
"""

from __future__ import annotations

import math
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from simulation.errors import ScenarioError
from simulation.results.output import MANIFEST, TABLE_FILES, read_table

if TYPE_CHECKING:
    from matplotlib.figure import Figure

#: Columns of :func:`journey_segments`, in order.
SEGMENT_COLUMNS = ("client", "lane", "kind", "start", "end", "label", "phase", "spell_no", "detail")

#: Lanes: intervals ``benefit`` (one row per phase stretch), ``team``, ``trajectory``, ``job``,
#: ``wait`` (queueing for a team or trajectory); points (``end == start``) in ``event``.
LANES = ("benefit", "team", "trajectory", "job", "wait", "event")

TEAM_ACTIVITIES = frozenset({"service_start", "service_end", "service_contact", "service_left_queue", "referral"})
TRAJECTORY_ACTIVITIES = frozenset({"trajectory_offer", "trajectory_start", "trajectory_end", "trajectory_dropout"})
#: Placements (``placements`` table) shown as participation; other kinds there (a team handing
#: the client back to social services) keep their own name as ``kind``.
PLACEMENTS = frozenset({"tegenprestatie", "volunteer_work", "social_activity"})
EVENT_COLUMNS = ("case_id", "time", "activity", "resource", "phase")
REQUIRED_COLUMNS = {
    "events": EVENT_COLUMNS,
    "spells": ("client", "spell_no", "start", "end", "reason"),
    "jobs": ("client", "job_no", "start", "end", "job_type"),
    "sanctions": ("client", "time", "obligation"),
}

TEXT = {
    "en": {
        "client": "client", "phase": "phase", "not_assessed": "not assessed", "job": "job",
        "trajectory": "trajectory", "waiting": "waiting (team / trajectory)", "sanction": "sanction",
        "reentry": "re-entry", "exit_work": "exit to work", "exit_other": "other exit",
        "placement": "participation placement", "since": "since", "before": "on benefit before start",
        "warmup": "warm-up", "follow_up": "follow-up", "title": "Client journeys",
        "sampled": "{k} sampled clients, seed {seed}", "of": "of {total} on benefit in the run",
        "years": "years since start",
    },
    "nl": {
        "client": "cliënt", "phase": "fase", "not_assessed": "niet gediagnosticeerd", "job": "baan",
        "trajectory": "traject", "waiting": "wachten (team / traject)", "sanction": "maatregel",
        "reentry": "herinstroom", "exit_work": "uitstroom naar werk", "exit_other": "andere uitstroom",
        "placement": "participatieplek", "since": "sinds", "before": "al in de bijstand vóór de start",
        "warmup": "inloopperiode", "follow_up": "naloopperiode", "title": "Klantreizen",
        "sampled": "{k} cliënten getrokken, seed {seed}", "of": "van {total} in de bijstand tijdens de run",
        "years": "jaren sinds de start",
    },
}
HOUSEHOLD = {
    "en": {"single": "single", "single_parent": "single parent", "couple": "couple"},
    "nl": {"single": "alleenstaand", "single_parent": "eenoudergezin", "couple": "paar"},
}
EXIT_REASON = {
    "en": {"work": "work", "moving": "moving", "partner_income": "partner income", "education": "education",
           "death": "death", "pension": "pension", "enforcement": "enforcement"},
    "nl": {"work": "werk", "moving": "verhuizing", "partner_income": "inkomen partner", "education": "opleiding",
           "death": "overlijden", "pension": "AOW", "enforcement": "handhaving"},
}
JOB_TYPE = {
    "en": {"stable": "stable", "flex": "flex", "subsidised": "subsidised", "secondment": "secondment",
           "basisbaan": "basisbaan"},
    "nl": {"stable": "vast", "flex": "flex", "subsidised": "gesubsidieerd", "secondment": "detachering",
           "basisbaan": "basisbaan"},
}
TEAM_COLOURS = {"wijkteam": "#e66101", "netwerkconsulent": "#7b3294", "homecoach": "#d01c8b"}
EXTRA_TEAM_COLOURS = ("#b35806", "#c51b7d", "#542788")
TRAJECTORY_COLOURS = ("#1b9e77", "#a6761d", "#e6ab02", "#66a61e", "#e7298a", "#7570b3", "#666666", "#17becf",
                      "#bcbd22", "#8c564b")
JOB_COLOURS = {"stable": "#006d2c", "flex": "#41ab5d", "subsidised": "#a1d99b", "secondment": "#238b45",
               "basisbaan": "#74c476"}
PHASE_CMAP = "Blues"
#: Rows one picture holds (about 85 inches tall); more are refused rather than drawn unreadably.
MAX_ROWS = 200  # assumption: beyond ~200 rows a timeline figure is no longer readable


# --- reading a run folder ---------------------------------------------------------------------


def load_run_tables(folder: str | os.PathLike[str]) -> dict[str, pd.DataFrame]:
    """The tables of a run folder written by ``meedoen run --out`` (every CSV that is there).

    Raises :class:`ScenarioError` naming the folder when it is missing, is not a run's results
    (no ``manifest.json`` and no ``events.csv``), holds no event log (run with
    ``--no-event-log``, or an empty one) or a table lacks the columns journeys need.
    """
    path = Path(folder)
    if not path.exists():
        raise ScenarioError("does not exist", file=str(path), hint="give the folder of `meedoen run --out`")
    if not path.is_dir():
        raise ScenarioError("is not a folder", file=str(path), hint="give the folder of `meedoen run --out`")
    events_file = path / TABLE_FILES["events"]
    if not events_file.is_file():
        if not (path / MANIFEST).is_file() and not (path / TABLE_FILES["spells"]).is_file():
            raise ScenarioError("is not a run-results folder (no manifest.json, no events.csv)", file=str(path),
                                hint="give the folder of `meedoen run --out`")
        raise ScenarioError("has no event log (events.csv); journeys need one", file=str(path),
                            hint="run again without --no-event-log")
    tables: dict[str, pd.DataFrame] = {}
    for name, filename in TABLE_FILES.items():
        if (path / filename).is_file():
            try:
                tables[name] = read_table(path, name)
            except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as exc:
                raise ScenarioError(f"cannot read {filename}: {exc}".splitlines()[0], file=str(path)) from None
    for name in ("spells", "jobs", "sanctions"):
        if name not in tables:
            raise ScenarioError(f"has no {TABLE_FILES[name]}; not a complete run-results folder", file=str(path))
    _check_tables(tables, str(path))
    return tables


def _check_tables(tables: dict[str, pd.DataFrame], where: str | None = None) -> None:
    events = tables.get("events")
    if events is None or len(events) == 0:
        raise ScenarioError("has no event log (no events); journeys need one", file=where,
                            hint="run again without --no-event-log")
    for name, columns in REQUIRED_COLUMNS.items():
        table = tables.get(name)
        if table is None:
            raise ScenarioError(f"has no {name} table", file=where)
        missing = [c for c in columns if c not in table.columns]
        if missing:
            raise ScenarioError(f"{TABLE_FILES[name]} lacks column(s) {', '.join(missing)}", file=where)


# --- the run's clock ---------------------------------------------------------------------------


@dataclass(frozen=True)
class RunClock:
    """Day 0's date, and the warm-up end, observation end (horizon) and run end in days."""

    start: pd.Timestamp | None
    warmup: float
    horizon: float
    end: float


def run_clock(tables: dict[str, pd.DataFrame]) -> RunClock:
    """The clock of the run these tables came from, read from the tables alone.

    The warm-up ends at the first month not labelled ``warmup``; the observation window ends at
    the first ``follow_up`` month; the run ends at the last month's end (else the last time in
    any table). Without a monthly table the whole run counts as observation window.
    """
    events = tables.get("events")
    start = None
    if events is not None and len(events) and "timestamp" in events.columns:
        first = events.iloc[0]
        stamp = pd.to_datetime(first["timestamp"], errors="coerce")
        if not pd.isna(stamp):
            start = (stamp - pd.to_timedelta(float(first["time"]), unit="D")).round("s")
    last = [0.0]
    for name, columns in (("events", ("time",)), ("spells", ("start", "end")), ("jobs", ("start", "end")),
                          ("sanctions", ("time",))):
        table = tables.get(name)
        if table is not None and len(table):
            for column in columns:
                if column in table.columns:
                    value = pd.to_numeric(table[column], errors="coerce").max()
                    if not pd.isna(value):
                        last.append(float(value))
    end = max(last)
    warmup, horizon = 0.0, end
    monthly = tables.get("monthly")
    if monthly is not None and len(monthly) and {"start", "time", "period"} <= set(monthly.columns):
        end = max(end, float(monthly["time"].max()))
        period = monthly["period"].astype(str)
        after = monthly.loc[period != "warmup", "start"]
        warmup = float(after.min()) if len(after) else end
        follow = monthly.loc[period == "follow_up", "start"]
        horizon = float(follow.min()) if len(follow) else end
    return RunClock(start=start, warmup=warmup, horizon=horizon, end=end)


# --- normalised views of the tables --------------------------------------------------------------


def _text(series: pd.Series) -> pd.Series:
    """Categorical or CSV column as plain strings, missing as ""."""
    values = series.astype(object)
    return values.where(values.notna(), "").astype(str)


def _events(tables: dict[str, pd.DataFrame], clients: Iterable[int] | None = None) -> pd.DataFrame:
    events = tables["events"]
    if clients is not None:
        events = events[events["case_id"].isin(list(clients))]
    out = pd.DataFrame({
        "case_id": events["case_id"].to_numpy(dtype=np.int64),
        "time": events["time"].to_numpy(dtype=float),
        "activity": _text(events["activity"]).to_numpy(),
        "resource": _text(events["resource"]).to_numpy(),
        "phase": events["phase"].to_numpy(dtype=np.int64),
    })
    # the log is written in time order; a stable sort keeps same-time events in logged order
    return out.sort_values(["case_id", "time"], kind="stable").reset_index(drop=True)


def _spells(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    spells = tables["spells"].copy()
    spells["reason"] = _text(spells["reason"])
    spells["start"] = spells["start"].astype(float)
    spells["end"] = pd.to_numeric(spells["end"], errors="coerce").astype(float)
    return spells.sort_values(["client", "spell_no"], kind="stable").reset_index(drop=True)


def _resource_kinds(tables: dict[str, pd.DataFrame]) -> tuple[set[str], set[str]]:
    """Which resources are teams (service desks) and which are trajectories, by what they log."""
    pairs = tables["events"][["activity", "resource"]].drop_duplicates()
    activity, resource = _text(pairs["activity"]), _text(pairs["resource"])
    teams = set(resource[activity.isin(TEAM_ACTIVITIES)]) - {"", "klantmanager"}
    trajectories = set(resource[activity.isin(TRAJECTORY_ACTIVITIES)]) - {""}
    return teams, trajectories


# --- sampling ----------------------------------------------------------------------------------


def client_strata(tables: dict[str, pd.DataFrame]) -> dict[str, list[int]]:
    """Clients with something worth showing, by kind (sorted ids, a client may be in several).

    ``reentry_after_work``: a benefit spell after a spell that ended in work; ``sanctioned``: a
    row in the sanctions table; ``trajectory``: a ``trajectory_start``; ``wijkteam``: a
    ``service_start`` by the wijkteam.
    """
    spells = _spells(tables)
    previous = spells.groupby("client")["reason"].shift()
    reentry = spells.loc[(spells["spell_no"] > 1) & (previous == "work"), "client"]
    events = tables["events"]
    activity, resource = events["activity"], events["resource"]
    return {
        "reentry_after_work": sorted(set(reentry.astype(int))),
        "sanctioned": sorted(set(tables["sanctions"]["client"].astype(int))),
        "trajectory": sorted(set(events.loc[activity == "trajectory_start", "case_id"].astype(int))),
        "wijkteam": sorted(set(events.loc[(activity == "service_start") & (resource == "wijkteam"),
                                          "case_id"].astype(int))),
    }


def sample_clients(tables: dict[str, pd.DataFrame], n: int, seed: int = 0) -> list[int]:
    """``n`` clients to show, reproducibly (``np.random.default_rng(seed)``), sorted by id.

    The rule:

    1. Only clients with a benefit spell count. *Preferred* are those with at least one event in
       the observation window (warm-up end to horizon, see :func:`run_clock`); the others are
       used only when the preferred ones run out.
    2. Strata, in this order: someone who went to work and came back (a spell after a spell
       that ended in work), someone sanctioned, someone with a trajectory, someone with a
       wijkteam episode (:func:`client_strata`). For each stratum not yet covered by an earlier
       pick, one client is drawn at random from it (preferred clients first), while fewer than
       ``n`` are picked. A stratum nobody belongs to is skipped.
    3. The rest are drawn at random, without replacement, from the remaining preferred clients,
       then from the other clients with a spell.

    Fewer than ``n`` come back when the run has fewer clients with a spell. Same tables, ``n``
    and ``seed`` give the same list; the global random state is never used.
    """
    _check_tables(tables)
    if n <= 0:
        return []
    rng = np.random.default_rng(seed)
    clock = run_clock(tables)
    spells = _spells(tables)
    with_spell = set(spells["client"].astype(int))
    events = tables["events"]
    times = events["time"].to_numpy(dtype=float)
    in_window = (times >= clock.warmup) & (times < clock.horizon)
    preferred = set(events.loc[in_window, "case_id"].astype(int)) & with_spell
    others = with_spell - preferred
    chosen: list[int] = []

    def draw(pool: set[int]) -> int | None:
        candidates = sorted(pool - set(chosen))
        return int(rng.choice(candidates)) if candidates else None

    strata = client_strata(tables)
    for members in strata.values():
        if len(chosen) >= n:
            break
        members_set = set(members) & with_spell
        if not members_set or members_set & set(chosen):
            continue
        pick = draw(members_set & preferred)
        if pick is None:
            pick = draw(members_set & others)
        if pick is not None:
            chosen.append(pick)
    for pool in (preferred, others):
        rest = sorted(pool - set(chosen))
        take = min(n - len(chosen), len(rest))
        if take > 0:
            chosen.extend(int(c) for c in rng.choice(rest, size=take, replace=False))
    return sorted(chosen)


# --- segments ----------------------------------------------------------------------------------


def _phase_changes(events: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """(time, phase) after all events at each distinct time: an assessment logs the new phase,
    and a contact logged just before it at the same moment still shows the old one."""
    last = events.drop_duplicates("time", keep="last")
    return last["time"].to_numpy(dtype=float), last["phase"].to_numpy(dtype=np.int64)


def _benefit_rows(client: int, spells: pd.DataFrame, events: pd.DataFrame, end_of_run: float) -> list[dict]:
    rows = []
    times, phases = _phase_changes(events)
    for spell in spells.itertuples(index=False):
        start = float(spell.start)
        end = end_of_run if math.isnan(spell.end) else float(spell.end)
        inside = (times >= start) & (times < end) if end > start else (times == start)
        t, p = times[inside], phases[inside]
        # before the first event of a spell (the initial stock before day 0) the first phase
        # known in the spell stands in; a spell without events has phase 0 (unknown)
        cuts = [start]
        values = [int(p[0]) if len(p) else 0]
        for time, phase in zip(t, p):
            if phase != values[-1]:
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
        for a, b, phase in zip(cuts[:-1], cuts[1:], values):
            rows.append({"client": client, "lane": "benefit", "kind": "phase", "start": a, "end": b,
                         "label": f"phase {phase}" if phase else "not assessed", "phase": phase,
                         "spell_no": int(spell.spell_no), "detail": "before start" if b <= 0.0 else ""})
    return rows


def _spell_end_after(spells: pd.DataFrame, time: float, end_of_run: float) -> float:
    """End of the spell running at ``time`` (the run's end for an open spell, ``time`` itself
    when the client is not on benefit then)."""
    for spell in spells.itertuples(index=False):
        end = end_of_run if math.isnan(spell.end) else float(spell.end)
        if spell.start <= time <= end:
            return end
    return time


def _episode_rows(client: int, events: pd.DataFrame, spells: pd.DataFrame, end_of_run: float,
                  teams: set[str], trajectories: set[str]) -> list[dict]:
    """Team episodes, trajectories and the waits before them, per resource.

    An episode opened by ``service_start`` / ``trajectory_start`` closes at the first closing
    event of the same resource (``service_end``; ``trajectory_end`` or ``trajectory_dropout``),
    else at the end of the spell it ran in (the exit stops it without a log line), else at the
    run's end. A team wait runs from ``queue`` to ``service_start``, ``service_left_queue`` or a
    ``refusal`` at the door; a trajectory wait from ``trajectory_offer`` (budget and slot) to
    ``trajectory_start`` or ``budget_refused``; either is cut at the spell's end.
    """
    rows = []
    for resource, group in events[events["resource"].isin(teams | trajectories)].groupby("resource", sort=True):
        is_team = resource in teams
        lane = "team" if is_team else "trajectory"
        opens = "service_start" if is_team else "trajectory_start"
        closes = {"service_end"} if is_team else {"trajectory_end", "trajectory_dropout"}
        wait_opens = "queue" if is_team else "trajectory_offer"
        wait_closes = {"service_start", "service_left_queue", "refusal"} if is_team else {"trajectory_start",
                                                                                          "budget_refused"}
        episode: float | None = None
        wait: float | None = None
        for time, activity in zip(group["time"].to_numpy(dtype=float), group["activity"]):
            if wait is not None and (activity in wait_closes or activity == wait_opens):
                rows.extend(_interval(client, "wait", resource, wait, time, activity, spells, end_of_run))
                wait = None
            if activity == wait_opens:
                wait = time
            if episode is not None and (activity in closes or activity == opens):
                rows.extend(_interval(client, lane, resource, episode, time, activity, spells, end_of_run))
                episode = None
            if activity == opens:
                episode = time
        if wait is not None:
            rows.extend(_interval(client, "wait", resource, wait, math.inf, "end of run", spells, end_of_run))
        if episode is not None:
            rows.extend(_interval(client, lane, resource, episode, math.inf, "end of run", spells, end_of_run))
    return rows


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


def _point(client: int, kind: str, time: float, label: str, detail: str = "", phase: object = pd.NA,
           spell_no: object = pd.NA) -> dict:
    return {"client": client, "lane": "event", "kind": kind, "start": time, "end": time, "label": label,
            "phase": phase, "spell_no": spell_no, "detail": detail}


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
      ``detail`` = how it ended (``returned``, ``no return`` or ``open``).
    * ``wait``, kind = team or trajectory: queueing before a team or trajectory starts.
    * ``event`` (points, ``end == start``): ``sanction`` (``sanctions`` table; detail = the
      obligation), ``reentry`` (start of a spell with ``spell_no > 1``; detail = how the spell
      before ended), ``exit`` (end of a closed spell; detail = reason), ``placement``
      (``placements`` table: tegenprestatie, volunteer work, social activity; detail = which),
      ``back_to_social_services`` (a team handed the client back; not drawn).

    ``phase`` is set on benefit rows and on events during benefit; ``spell_no`` on benefit,
    re-entry and exit rows. Rows are sorted by client (in the order given), lane, start.
    """
    _check_tables(tables)
    order = [int(c) for c in dict.fromkeys(clients)]
    end_of_run = run_clock(tables).end
    events = _events(tables, order)
    teams, trajectories = _resource_kinds(tables)
    spells = _spells(tables)
    spells = spells[spells["client"].isin(order)]
    jobs = tables["jobs"][tables["jobs"]["client"].isin(order)]
    sanctions = tables["sanctions"][tables["sanctions"]["client"].isin(order)]
    placements = tables.get("placements")
    rows: list[dict] = []
    by_client_events = dict(tuple(events.groupby("case_id")))
    by_client_spells = dict(tuple(spells.groupby("client")))
    empty_events = events.iloc[:0]
    for client in order:
        client_events = by_client_events.get(client, empty_events)
        client_spells = by_client_spells.get(client, spells.iloc[:0])
        changes = _phase_changes(client_events)

        def phase_at(time: float, changes: tuple[np.ndarray, np.ndarray] = changes) -> object:
            k = int(np.searchsorted(changes[0], time, side="right")) - 1
            return int(changes[1][k]) if k >= 0 else pd.NA

        rows.extend(_benefit_rows(client, client_spells, client_events, end_of_run))
        rows.extend(_episode_rows(client, client_events, client_spells, end_of_run, teams, trajectories))
        reasons = list(client_spells["reason"])
        for i, spell in enumerate(client_spells.itertuples(index=False)):
            if spell.spell_no > 1:
                before = reasons[i - 1] if i > 0 else ""
                rows.append(_point(client, "reentry", float(spell.start), f"re-entry (spell {spell.spell_no})",
                                   before, phase_at(float(spell.start)), int(spell.spell_no)))
            if not math.isnan(spell.end):
                rows.append(_point(client, "exit", float(spell.end), f"exit: {spell.reason}", spell.reason,
                                   phase_at(float(spell.end)), int(spell.spell_no)))
        for job in jobs[jobs["client"] == client].itertuples(index=False):
            end = pd.to_numeric(job.end, errors="coerce")
            if pd.isna(end):
                how, end = "open", end_of_run
            else:
                returned = getattr(job, "returned", None)
                how = "returned" if _truthy(returned) else "no return"
            rows.append({"client": client, "lane": "job", "kind": str(job.job_type), "start": float(job.start),
                         "end": float(end), "label": f"{job.job_type} job", "phase": pd.NA, "spell_no": pd.NA,
                         "detail": how})
        for sanction in sanctions[sanctions["client"] == client].itertuples(index=False):
            rows.append(_point(client, "sanction", float(sanction.time), f"sanction ({sanction.obligation})",
                               str(sanction.obligation), phase_at(float(sanction.time))))
        if placements is not None and {"client", "time", "kind"} <= set(placements.columns):
            for placement in placements[placements["client"] == client].itertuples(index=False):
                kind = str(placement.kind)
                rows.append(_point(client, "placement" if kind in PLACEMENTS else kind, float(placement.time),
                                   kind.replace("_", " "), kind, phase_at(float(placement.time))))
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


def _truthy(value: object) -> bool:
    if isinstance(value, str):
        return value.strip().lower() == "true"
    return bool(value) if value is not None and not pd.isna(value) else False


# --- the picture -------------------------------------------------------------------------------


def _row_label(client: int, info: pd.DataFrame, lang: str, since: float | None, clock: RunClock) -> str:
    text = TEXT[lang]
    parts = []
    if client in info.index:
        row = info.loc[client]
        age = row.get("age_at_end")
        if age is not None and not pd.isna(age):
            parts.append(str(int(age)))
        household = row.get("household")
        if household is not None and not pd.isna(household):
            parts.append(HOUSEHOLD[lang].get(str(household), str(household)))
    if since is not None:
        if clock.start is not None:
            parts.append(f"{text['since']} {(clock.start + pd.to_timedelta(since, unit='D')).year}")
        else:
            parts.append(f"{text['since']} {since / 365.25:.1f}")
    label = f"{text['client']} {client}"
    return f"{label} ({', '.join(parts)})" if parts else label


def _colour_map(names: Iterable[str], fixed: dict[str, str], palette: Sequence[str]) -> dict[str, str]:
    colours, spare = {}, iter(palette)
    for name in sorted(set(names)):
        colours[name] = fixed.get(name) or next(spare, "#999999")
    return colours


def plot_journeys(tables: dict[str, pd.DataFrame], n: int = 20, seed: int = 0, lang: str = "en",
                  title: str | None = None, *, clients: Sequence[int] | None = None) -> Figure:
    """One row per client: benefit coloured by phase, with teams, trajectories, jobs and events.

    Clients come from :func:`sample_clients` (``n``, ``seed``) unless ``clients`` names them.
    Time runs in calendar dates from the run's start (years since start when the tables carry
    no timestamps) to its end; the warm-up is shaded and the end of the observation window
    marked. Per row: the benefit bar in the middle (colour = phase 1-5), jobs in the same place
    in green, team episodes in a thin bar above, trajectories in a thin bar below, waiting as a
    dotted line in those lanes; markers for sanctions (red x), re-entry (triangle), exit to work
    (star) and other exits (bar). ``lang`` "nl" gives Dutch labels. More than :data:`MAX_ROWS`
    clients is a :class:`ScenarioError`; fewer clients in the run than ``n`` draws them all. Returns a
    :class:`matplotlib.figure.Figure` (no pyplot state); save it with :func:`save_figure`.
    """
    from matplotlib import colormaps
    from matplotlib.figure import Figure
    from matplotlib.lines import Line2D
    from matplotlib.patches import Patch

    if lang not in TEXT:
        raise ValueError(f"lang must be one of {', '.join(TEXT)}, got {lang!r}")
    text = TEXT[lang]
    _check_tables(tables)
    chosen = [int(c) for c in dict.fromkeys(clients)] if clients is not None else sample_clients(tables, n, seed)
    if len(chosen) > MAX_ROWS:
        raise ScenarioError(f"{len(chosen)} clients to draw; a journey plot shows at most {MAX_ROWS}",
                            hint="ask for fewer clients")
    clock = run_clock(tables)
    segments = journey_segments(tables, chosen)
    info = tables["clients"].set_index("client") if "clients" in tables else pd.DataFrame()
    dates = clock.start is not None

    def x(days: np.ndarray | float) -> np.ndarray | float:
        if dates:
            from matplotlib.dates import date2num
            return date2num(clock.start) + np.asarray(days, dtype=float)
        return np.asarray(days, dtype=float) / 365.25

    def width(days: np.ndarray | float) -> np.ndarray | float:
        return np.asarray(days, dtype=float) if dates else np.asarray(days, dtype=float) / 365.25

    rows = max(len(chosen), 1)
    figure = Figure(figsize=(13, 1.6 + 0.42 * rows), layout="constrained")
    ax = figure.subplots()
    cmap = colormaps[PHASE_CMAP]
    phase_colour = {p: cmap(0.25 + 0.17 * (p - 1)) for p in range(1, 6)}
    phase_colour[0] = "#d9d9d9"
    teams = segments.loc[segments["lane"] == "team", "kind"].tolist() + \
        segments.loc[(segments["lane"] == "wait"), "kind"].tolist()
    team_names, trajectory_names = _resource_kinds(tables)
    team_colour = _colour_map([t for t in teams if t in team_names], TEAM_COLOURS, EXTRA_TEAM_COLOURS)
    trajectory_colour = _colour_map(segments.loc[segments["lane"].isin(["trajectory", "wait"]), "kind"]
                                    .loc[lambda s: s.isin(trajectory_names)], {}, TRAJECTORY_COLOURS)
    lane_colour = {**trajectory_colour, **team_colour}
    y_of = {client: i for i, client in enumerate(chosen)}
    labels = []
    left, right = 0.0, clock.end
    by_client = dict(tuple(segments.groupby("client", sort=False)))
    for client in chosen:
        mine = by_client.get(client, segments.iloc[:0])
        y = y_of[client]
        benefit = mine[mine["lane"] == "benefit"]
        first = benefit["start"].min() if len(benefit) else math.nan
        labels.append(_row_label(client, info, lang, float(first) if first < left else None, clock))
        visible = benefit[benefit["end"] > left]
        if len(visible):
            starts = np.maximum(visible["start"].to_numpy(), left)
            ax.broken_barh(list(zip(x(starts), width(visible["end"].to_numpy() - starts))), (y - 0.25, 0.5),
                           facecolors=[phase_colour[int(p)] for p in visible["phase"]], edgecolor="none")
        if len(benefit) and first < left:
            ax.plot(x(left), y, marker="<", color="0.2", markersize=5, linestyle="none", clip_on=False)
        for lane, offset in (("team", -0.37), ("trajectory", 0.37)):
            part = mine[mine["lane"] == lane]
            if len(part):
                ax.broken_barh(list(zip(x(part["start"].to_numpy()), width((part["end"] - part["start"]).to_numpy()))),
                               (y + offset - 0.08, 0.16), facecolors=[lane_colour[k] for k in part["kind"]],
                               edgecolor="none")
        for wait in mine[mine["lane"] == "wait"].itertuples(index=False):
            offset = -0.37 if wait.kind in team_names else 0.37
            ax.plot([x(wait.start), x(wait.end)], [y + offset] * 2, linestyle=":", linewidth=1.4,
                    color=lane_colour.get(wait.kind, "0.5"))
        jobs = mine[mine["lane"] == "job"]
        if len(jobs):
            ax.broken_barh(list(zip(x(jobs["start"].to_numpy()), width((jobs["end"] - jobs["start"]).to_numpy()))),
                           (y - 0.25, 0.5), facecolors=[JOB_COLOURS.get(k, "#31a354") for k in jobs["kind"]],
                           edgecolor="white", linewidth=0.5, hatch="///")
        points = mine[mine["lane"] == "event"]
        for kind, style in (("placement", {"marker": "D", "color": "none", "markeredgecolor": "0.15",
                                           "markersize": 5}),
                            ("reentry", {"marker": "^", "color": "black", "markersize": 7}),
                            ("sanction", {"marker": "x", "color": "#d7191c", "markersize": 8, "markeredgewidth": 2})):
            part = points[points["kind"] == kind]
            if len(part):
                ax.plot(x(part["start"].to_numpy()), [y] * len(part), linestyle="none", **style)
        exits = points[points["kind"] == "exit"]
        work = exits[exits["detail"] == "work"]
        other = exits[exits["detail"] != "work"]
        if len(work):
            ax.plot(x(work["start"].to_numpy()), [y] * len(work), linestyle="none", marker="*", markersize=11,
                    color="#00a651", markeredgecolor="black", markeredgewidth=0.6)
        for exit_ in other.itertuples(index=False):
            ax.plot(x(exit_.start), y, linestyle="none", marker="|", markersize=12, markeredgewidth=2, color="0.2")
            ax.annotate(EXIT_REASON[lang].get(exit_.detail, exit_.detail), (x(exit_.start), y), xytext=(4, 0),
                        textcoords="offset points", va="center", fontsize=7, color="0.2")

    # the clock: warm-up shaded, end of observation window marked
    if clock.warmup > left:
        ax.axvspan(x(left), x(clock.warmup), color="0.93", zorder=0)
        ax.text(x((left + clock.warmup) / 2), 1.0, text["warmup"], ha="center", va="bottom", fontsize=8,
                color="0.35", transform=ax.get_xaxis_transform())
    if left < clock.horizon < clock.end:
        ax.axvline(x(clock.horizon), color="0.4", linestyle="--", linewidth=1, zorder=0)
        ax.text(x(clock.horizon), 1.0, f" {text['follow_up']} →", ha="left", va="bottom", fontsize=8, color="0.35",
                transform=ax.get_xaxis_transform())
    ax.set_ylim(rows - 0.45, -0.55)
    ax.set_xlim(x(left), x(right))
    ax.set_yticks(range(len(chosen)), labels, fontsize=8)
    ax.tick_params(axis="y", length=0)
    for spine in ("top", "right", "left"):
        ax.spines[spine].set_visible(False)
    if dates:
        from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
        locator = AutoDateLocator()
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(ConciseDateFormatter(locator))
    else:
        ax.set_xlabel(text["years"])
    ax.grid(axis="x", alpha=0.3)

    # legend: phases, teams, trajectories, jobs, markers (only what is on the picture)
    # the whole phase scale, so pictures of different samples read alike; "not assessed" only if drawn
    shown_phases = sorted({1, 2, 3, 4, 5} | ({0} & {int(p) for p in segments.loc[segments["lane"] == "benefit",
                                                                                 "phase"]}))
    handles = [Patch(facecolor=phase_colour[p], label=f"{text['phase']} {p}" if p else text["not_assessed"])
               for p in shown_phases]
    handles += [Patch(facecolor=c, label=name) for name, c in team_colour.items()]
    handles += [Patch(facecolor=c, label=f"{text['trajectory']}: {name}") for name, c in trajectory_colour.items()]
    job_kinds = sorted(set(segments.loc[segments["lane"] == "job", "kind"]))
    handles += [Patch(facecolor=JOB_COLOURS.get(k, "#31a354"), hatch="///", edgecolor="white",
                      label=f"{text['job']} ({JOB_TYPE[lang].get(k, k)})") for k in job_kinds]
    kinds = set(segments.loc[segments["lane"] == "event", "kind"])
    exit_details = set(segments.loc[(segments["lane"] == "event") & (segments["kind"] == "exit"), "detail"])
    markers = [
        (len(segments[segments["lane"] == "wait"]) > 0,
         Line2D([], [], color="0.4", linestyle=":", linewidth=1.4, label=text["waiting"])),
        ("sanction" in kinds, Line2D([], [], color="#d7191c", marker="x", linestyle="none", markersize=8,
                                     markeredgewidth=2, label=text["sanction"])),
        ("reentry" in kinds, Line2D([], [], color="black", marker="^", linestyle="none", label=text["reentry"])),
        ("work" in exit_details, Line2D([], [], color="#00a651", marker="*", markersize=11, markeredgecolor="black",
                                        markeredgewidth=0.6, linestyle="none", label=text["exit_work"])),
        (bool(exit_details - {"work"}), Line2D([], [], color="0.2", marker="|", markersize=12, markeredgewidth=2,
                                               linestyle="none", label=text["exit_other"])),
        ("placement" in kinds, Line2D([], [], color="none", marker="D", markeredgecolor="0.15", linestyle="none",
                                      label=text["placement"])),
        (any(segments.loc[segments["lane"] == "benefit", "start"] < left),
         Line2D([], [], color="0.2", marker="<", linestyle="none", label=text["before"])),
    ]
    handles += [handle for show, handle in markers if show]
    ax.legend(handles=handles, loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
    total = int(_spells(tables)["client"].nunique())
    subtitle = f"{text['sampled'].format(k=len(chosen), seed=seed)} {text['of'].format(total=total)}" \
        if clients is None else ""
    ax.set_title(title or text["title"], loc="left", fontsize=12, pad=16)
    if subtitle:
        figure.suptitle(subtitle, x=0.99, ha="right", fontsize=8, color="0.35")
    return figure


def save_figure(figure: Figure, path: str | os.PathLike[str], dpi: int = 130) -> Path:
    """Write ``figure`` as PNG or SVG (by suffix) atomically: never half a picture under the name."""
    from simulation.files import save_figure as save_atomically

    target = Path(path)
    fmt = {".png": "png", ".svg": "svg", ".pdf": "pdf"}.get(target.suffix.lower())
    if fmt is None:
        raise ScenarioError("must end in .png, .svg or .pdf", file=str(target))
    save_atomically(figure, target, fmt, dpi=dpi)
    return target
