"""The recorder: immutable rows appended during a run, turned into tables once at the end.

Rows are plain tuples in lists (and the event log in typed arrays) because they are written
on the hot path; ``tables()`` turns them into pandas DataFrames after the run. Outcomes are
computed from these tables only (``simulation.outcomes.headline``), never from model internals.
"""

from __future__ import annotations

from array import array

import pandas as pd

from simulation.model.client import Activity, ExitReason

SPELL_COLUMNS = ("client", "spell_no", "start", "end", "reason", "group_at_exit", "phase_at_exit", "sanctioned")
JOB_COLUMNS = ("client", "job_no", "start", "end", "job_type", "returned", "via")
WAIT_COLUMNS = ("resource", "client", "kind", "requested", "started", "served")
SANCTION_COLUMNS = ("client", "time", "obligation", "cut_per_day", "cut_until")
PLACEMENT_COLUMNS = ("client", "time", "kind", "by")
BUDGET_COLUMNS = ("time", "budget", "amount", "kind", "client", "item", "level_after")
#: from_rung 0 marks a client's first rung (at intake or in the initial stock)
RUNG_COLUMNS = ("client", "time", "from_rung", "to_rung", "phase", "on_benefit")


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
        self.spells: list[tuple] = []
        self.jobs: list[tuple] = []
        self.waits: list[tuple] = []
        self.sanctions: list[tuple] = []
        self.placements: list[tuple] = []
        self.budget: list[tuple] = []
        self.monthly: list[dict] = []
        # ladder moves in typed arrays: ~3 per client-year, kept compact for national runs
        self.rung_columns = (array("l"), array("d"), array("b"), array("b"), array("b"), array("b"))

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
        spells = pd.DataFrame(self.spells, columns=SPELL_COLUMNS)
        spells["reason"] = pd.Categorical.from_codes(
            spells["reason"].astype(int), categories=[r.name.lower() for r in sorted(ExitReason)]
        ) if len(spells) else pd.Series(dtype="category")
        events = pd.DataFrame({
            "case_id": pd.Series(self.ev_client, dtype="int64"),
            "time": pd.Series(self.ev_time, dtype="float64"),
            "activity": pd.Categorical.from_codes(
                [int(a) - 1 for a in self.ev_activity], categories=[a.name.lower() for a in Activity]
            ),
            "resource": pd.Categorical.from_codes(list(self.ev_resource), categories=self.resource_names),
            "phase": pd.Series(self.ev_phase, dtype="int8"),
        })
        events.insert(2, "timestamp", start_date + pd.to_timedelta(events["time"], unit="D"))
        return {
            "spells": spells,
            "jobs": pd.DataFrame(self.jobs, columns=JOB_COLUMNS),
            "waits": pd.DataFrame(self.waits, columns=WAIT_COLUMNS),
            "sanctions": pd.DataFrame(self.sanctions, columns=SANCTION_COLUMNS),
            "placements": pd.DataFrame(self.placements, columns=PLACEMENT_COLUMNS),
            "budget": pd.DataFrame(self.budget, columns=BUDGET_COLUMNS),
            "rungs": pd.DataFrame({
                name: pd.Series(column, dtype=dtype) for name, column, dtype in
                zip(RUNG_COLUMNS, self.rung_columns, ("int64", "float64", "int8", "int8", "int8", "bool"))}),
            "monthly": pd.DataFrame(self.monthly),
            "events": events,
        }
