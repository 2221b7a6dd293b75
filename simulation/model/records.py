"""The recorder: immutable rows appended during a run, turned into tables once at the end.

Each table has a ``NamedTuple`` row type whose fields are the table's columns, in order:
call sites build rows by keyword, so a column cannot shift silently. Rows are kept in lists
(the event log and the ladder moves in typed arrays) because they are written on the hot path;
``tables()`` turns them into pandas DataFrames after the run. Outcomes are computed from these
tables only (``simulation.outcomes.headline``), never from model internals.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable
from typing import Any, NamedTuple

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
    """A job after exit to work; ``end`` NaN and ``returned`` None while still running."""

    client: int
    job_no: int
    start: float
    end: float
    job_type: str
    returned: bool | None
    via: str


class WaitRow(NamedTuple):
    """A wait for a klantmanager place, a service slot or a trajectory slot (served or not)."""

    resource: str
    client: int  # -1 for urgent care demand from outside the benefit population
    kind: str
    requested: float
    started: float  # NaN when the client left the queue unserved
    served: bool


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


class BudgetRow(NamedTuple):
    time: float
    budget: str
    amount: float
    kind: str
    client: int  # -1 for a replenishment or a cut
    item: str
    level_after: float


SPELL_COLUMNS = SpellRow._fields
JOB_COLUMNS = JobRow._fields
WAIT_COLUMNS = WaitRow._fields
SANCTION_COLUMNS = SanctionRow._fields
PLACEMENT_COLUMNS = PlacementRow._fields
BUDGET_COLUMNS = BudgetRow._fields
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
        self.spells: list[SpellRow] = []
        self.jobs: list[JobRow] = []
        self.waits: list[WaitRow] = []
        self.sanctions: list[SanctionRow] = []
        self.placements: list[PlacementRow] = []
        self.budget: list[BudgetRow] = []
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
            "jobs": pd.DataFrame(self.jobs, columns=JOB_COLUMNS),
            "waits": pd.DataFrame(self.waits, columns=WAIT_COLUMNS),
            "sanctions": pd.DataFrame(self.sanctions, columns=SANCTION_COLUMNS),
            "placements": pd.DataFrame(self.placements, columns=PLACEMENT_COLUMNS),
            "budget": pd.DataFrame(self.budget, columns=BUDGET_COLUMNS),
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
        spells = pd.DataFrame(self.spells, columns=SPELL_COLUMNS)
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


def client_table(clients: Iterable[Client], last_contact: Any, t_end: float) -> pd.DataFrame:
    """One row per person at the end of the run; an unset group is written as "" (as clients.csv always has)."""
    rows = []
    for c in clients:
        row = {"client": c.id, "origin": c.origin, "state": c.state.value, "age_at_end": c.age(t_end),
               "male": c.male, "household": c.household, "migrant": c.migrant, "statushouder": c.statushouder,
               "education": c.education, "motivation": c.motivation, "trust": c.trust, "phase": c.phase,
               "true_phase": c.true_phase, "group": c.group if c.group is not None else "", "rung": c.rung,
               "spells": c.spell_no, "jobs": c.job_no, "contacts": c.n_contacts, "sanctions": c.n_sanctions,
               "last_contact": last_contact[c.id]}
        row.update({f"barrier_{name}": bool(c.barriers & bit) for name, bit in BARRIER_BIT.items()})
        rows.append(row)
    return pd.DataFrame(rows)
