"""The recorder: immutable rows appended during a run, turned into tables once at the end.

Each table has a ``NamedTuple`` row type whose fields are the table's columns, in order:
call sites build rows by keyword, so a column cannot shift silently. A row is split into
typed columns as it is appended (``Columns``: numbers in arrays, text as codes), ~40 bytes a
row instead of ~200 as a tuple of Python objects, which matters at national scale;
``tables()`` turns them into pandas DataFrames after the run. Outcomes are computed from these
tables only (``simulation.outcomes.headline``), never from model internals.
"""

from __future__ import annotations

from array import array
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from simulation.model.client import BARRIER_BIT, Activity, Client, ExitReason


class SpellRow(NamedTuple):
    """A benefit spell; ``end`` NaN and reason ``censored`` while still open at the end."""

    client: int
    spell_no: int
    start: float
    end: float
    reason: int  # ExitReason's value, a category in the table
    group_at_exit: str | None
    phase_at_exit: int
    sanctioned: bool


class JobRow(NamedTuple):
    """A job after exit to work; ``end`` NaN and ``then`` "" while still running at the end."""

    client: int
    job_no: int
    start: float
    end: float
    job_type: str
    then: str  # what followed: "job" (a job-to-job move), "between" (no job, no benefit); "" while running
    via: str


class BetweenRow(NamedTuple):
    """A time between jobs without benefit; ``end`` NaN and ``then`` "" while still going at the end."""

    client: int
    start: float
    end: float
    after_job: str  # the type of the job it followed (its return rate)
    then: str  # "job", "benefit" (back on benefit) or "gone" (moved, pension, death, another income)


class WaitRow(NamedTuple):
    """A wait for a klantmanager place, a service slot or a trajectory slot (served or not)."""

    resource: str
    client: int  # -1 for urgent care demand from outside the benefit population
    kind: str
    requested: float
    started: float  # NaN when the client left the queue unserved
    served: bool
    referred: float  # when the need arose: a trajectory's referral, before its wait for budget; else = requested


class SanctionRow(NamedTuple):
    client: int
    time: float
    obligation: str
    cut_per_day: float
    cut_until: float


class PlacementRow(NamedTuple):
    client: int
    time: float
    kind: str
    by: str  # the team that placed the client; "" for a tegenprestatie


class PartTimeRow(NamedTuple):
    """A piece of part-time work on benefit with one release in force (a job is split where its
    release changes: a policy change, another group); ``until`` NaN while still open at the end.
    The benefit pays the norm less ``earnings_per_day`` − ``released_per_day`` before
    ``released_until`` and less the whole earnings after it (``outcomes.benefits``)."""

    client: int
    since: float  # when the job started (its release runs from then)
    start: float
    until: float
    earnings_per_day: float
    released_per_day: float
    released_until: float  # inf: released as long as the job lasts


class BudgetRow(NamedTuple):
    time: float
    budget: str
    amount: float
    kind: str
    client: int  # -1 for a replenishment or a cut
    item: str
    level_after: float


class Columns:
    """The rows of one table, kept column by column: numbers in typed arrays, any other value
    (text, None, a bool that may be missing) as a code into the column's distinct values.

    ``types`` gives each column's array typecode ("q" whole numbers, "d" floats, "?" bools) or
    "o" for coded values; ``frame()`` gives the DataFrame ``pd.DataFrame(rows, columns=...)``
    would give for the same rows.
    """

    def __init__(self, names: tuple[str, ...], types: str) -> None:
        self.names = names
        self.types = types
        self.arrays = [array("b" if kind == "?" else "l" if kind == "o" else kind) for kind in types]
        self.codes: list[dict[Any, int]] = [{} for _ in types]
        self._appenders = [column.append for column in self.arrays]

    def append(self, row: tuple[Any, ...]) -> None:
        for index, value in enumerate(row):
            kind = self.types[index]
            if kind == "o":
                codes = self.codes[index]
                value = codes.setdefault(value, len(codes))
            elif kind == "?":
                value = bool(value)  # a NumPy bool too
            self._appenders[index](value)

    def __len__(self) -> int:
        return len(self.arrays[0])

    def frame(self) -> pd.DataFrame:
        """The rows as a DataFrame; they move into it (the columns are empty after), so a national
        run does not hold each table twice at its end."""
        if not len(self):
            return pd.DataFrame([], columns=list(self.names))  # as from no rows: every column of type object
        columns: dict[str, Any] = {}
        for name, kind, values, codes in zip(self.names, self.types, self.arrays, self.codes):
            if kind == "o":  # Python objects, so pandas infers the column's type as it did from rows
                distinct = list(codes)
                columns[name] = [distinct[code] for code in values]
            else:
                columns[name] = np.frombuffer(values, dtype=bool if kind == "?" else kind).copy()  # writable
            del values[:]
        return pd.DataFrame(columns, columns=list(self.names))


SPELL_COLUMNS = SpellRow._fields
JOB_COLUMNS = JobRow._fields
BETWEEN_COLUMNS = BetweenRow._fields
WAIT_COLUMNS = WaitRow._fields
SANCTION_COLUMNS = SanctionRow._fields
PLACEMENT_COLUMNS = PlacementRow._fields
BUDGET_COLUMNS = BudgetRow._fields
PART_TIME_COLUMNS = PartTimeRow._fields
#: from_rung 0 marks a client's first rung (at intake or in the initial stock)
RUNG_COLUMNS = ("client", "time", "from_rung", "to_rung", "phase", "on_benefit")
RUNG_DTYPES = ("int64", "float64", "int8", "int8", "int8", "bool")


class Recorder:
    """Collects what happened; the only writer of result rows."""

    def __init__(self, event_log: bool, resources: list[str]) -> None:
        self.event_log = event_log
        self.resource_names = ["", *resources]
        self._resource_code = {name: i for i, name in enumerate(self.resource_names)}
        self.ev_client = array("l")
        self.ev_time = array("d")
        self.ev_activity = array("h")
        self.ev_resource = array("h")
        self.ev_phase = array("b")
        self.spells = Columns(SPELL_COLUMNS, "qqddqoq?")
        self.jobs = Columns(JOB_COLUMNS, "qqddooo")
        self.between = Columns(BETWEEN_COLUMNS, "qddoo")
        self.waits = Columns(WAIT_COLUMNS, "oqodd?d")
        self.sanctions = Columns(SANCTION_COLUMNS, "qdodd")
        self.placements = Columns(PLACEMENT_COLUMNS, "qdoo")
        self.budget = Columns(BUDGET_COLUMNS, "dodoqod")
        self.part_time = Columns(PART_TIME_COLUMNS, "qdddddd")
        self.monthly: list[dict[str, Any]] = []
        self.month_counts: set[str] = set()  # monthly columns that count events: 0 in a month without any
        # ladder moves in typed arrays: ~3 per client-year, kept compact for national runs
        self.rung_columns: tuple[array[Any], ...] = (array("l"), array("d"), array("b"), array("b"), array("b"),
                                                     array("b"))

    def resource_code(self, name: str) -> int:
        return self._resource_code[name]

    def event(self, client: int, time: float, activity: Activity, resource: int = 0, phase: int = 0) -> None:
        """One row of the event log (case id, activity, timestamp, resource, the client's phase then)."""
        if self.event_log:
            self.ev_client.append(client)
            self.ev_time.append(time)
            self.ev_activity.append(activity)
            self.ev_resource.append(resource)
            self.ev_phase.append(phase)

    def rung_change(self, client: int, time: float, from_rung: int, to_rung: int, phase: int, on_benefit: bool) -> None:
        """A move on the participation ladder (or a first rung), for each client's path (cal §F.9)."""
        for column, value in zip(self.rung_columns, (client, time, from_rung, to_rung, phase, on_benefit)):
            column.append(value)

    def tables(self, start_date: pd.Timestamp) -> dict[str, pd.DataFrame]:
        """All rows as DataFrames; times stay in days since the start (``time`` columns)."""
        return {
            "spells": self._spells(),
            "jobs": self.jobs.frame(),
            "between": self.between.frame(),
            "waits": self.waits.frame(),
            "sanctions": self.sanctions.frame(),
            "placements": self.placements.frame(),
            "budget": self.budget.frame(),
            "part_time": self.part_time.frame(),
            "rungs": pd.DataFrame({name: pd.Series(column, dtype=dtype)
                                   for name, column, dtype in zip(RUNG_COLUMNS, self.rung_columns, RUNG_DTYPES)}),
            "monthly": self._monthly(),
            "events": self._events(start_date),
        }

    def _monthly(self) -> pd.DataFrame:
        """One row per month. A month's counts hold only what happened in it, so a count is missing
        from the months without such an event: there it is 0, a whole number like every count."""
        monthly = pd.DataFrame(self.monthly)
        counts = [column for column in monthly.columns if column in self.month_counts]
        if counts:
            monthly[counts] = monthly[counts].fillna(0).astype("int64")
        return monthly

    def _spells(self) -> pd.DataFrame:
        spells = self.spells.frame()
        spells["reason"] = pd.Categorical.from_codes(
            spells["reason"].astype(int), categories=pd.Index([r.name.lower() for r in sorted(ExitReason)])
        ) if len(spells) else pd.Series(dtype="category")
        return spells

    def _events(self, start_date: pd.Timestamp) -> pd.DataFrame:
        events = pd.DataFrame({
            "case_id": pd.Series(self.ev_client, dtype="int64"),
            "time": pd.Series(self.ev_time, dtype="float64"),
            "activity": pd.Categorical.from_codes(
                [int(a) - 1 for a in self.ev_activity], categories=pd.Index([a.name.lower() for a in Activity])
            ),
            "resource": pd.Categorical.from_codes(list(self.ev_resource), categories=pd.Index(self.resource_names)),
            "phase": pd.Series(self.ev_phase, dtype="int8"),
        })
        events.insert(2, "timestamp", start_date + pd.to_timedelta(events["time"], unit="D"))
        return events


#: clients.csv's columns and their ``Columns`` types ("o": text)
CLIENT_COLUMNS: tuple[str, ...] = (
    "client", "origin", "state", "age_at_end", "male", "household", "migrant", "statushouder", "education",
    "motivation", "trust", "phase", "true_phase", "group", "rung", "spells", "jobs", "contacts", "sanctions",
    "experiment_arm", *(f"barrier_{name}" for name in BARRIER_BIT),
)
CLIENT_TYPES = "qood?o??oddqqoqqqqqo" + "?" * len(BARRIER_BIT)


def client_row(client: Client, t_end: float) -> tuple[Any, ...]:
    """The client's row of ``clients.csv`` (``CLIENT_COLUMNS``) as it stands at the end of the run."""
    c = client
    barriers = c.barriers
    return (c.id, c.origin, c.state.value, c.age(t_end), c.male, c.household, c.migrant, c.statushouder, c.education,
            c.motivation, c.trust, c.phase, c.true_phase, c.group or "",  # an unset group is written as ""
            c.rung, c.spell_no, c.job_no, c.n_contacts, c.n_sanctions,
            c.experiment_arm,  # "" not invited, "declined", "not_selected" (a volunteer over the cap), or the arm
            *(bool(barriers & bit) for bit in BARRIER_BIT.values()))


class ClientRows(Columns):
    """Rows of people the run is done with (``World.finish``), written when they are dropped:
    at national scale most people ever created are gone long before the end."""

    def __init__(self) -> None:
        super().__init__(CLIENT_COLUMNS, CLIENT_TYPES)

    def table(self, last_contact: Any) -> pd.DataFrame:
        """One row per person, in order of client id, with the day of each one's last contact."""
        frame = self.frame()
        if len(frame):
            frame = frame.take(np.argsort(frame["client"].to_numpy(), kind="stable")).reset_index(drop=True)
        clients = frame["client"].to_numpy(dtype=np.int64)  # whole numbers even when there is no row (an empty world)
        frame.insert(len(frame.columns) - len(BARRIER_BIT), "last_contact", last_contact[clients])
        return frame
