"""The world of one run: the SimPy environment, the clients, and the bookkeeping they share.

Build order follows the dependency direction scenario → model → records: ``World`` reads a
validated ``Scenario``, builds the components (hazards, sanctions, ladder, policy, part-time work,
budgets, staff, services, trajectories, jobs), keeps the stock counters that monthly snapshots read,
and runs. Components see it only as ``protocols.WorldView``; none imports this module.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import Counter

import numpy as np
import pandas as pd
import simpy

from simulation.model.budgets import BudgetLine
from simulation.model.calendar import Calendar
from simulation.model.capacity_changes import capacity_changes
from simulation.model.client import Activity, Client, ExitReason
from simulation.model.experiment import Trial
from simulation.model.hazards import Hazards
from simulation.model.history import recent_leavers
from simulation.model.inflow import arrivals
from simulation.model.intake import populate
from simulation.model.jobs import JobMarket
from simulation.model.ladder import Ladder
from simulation.model.part_time import PartTime
from simulation.model.phases import Assessor
from simulation.model.policy import PolicyRules
from simulation.model.policy_changes import policy_changes
from simulation.model.records import ClientRows, Recorder, SpellRow, client_row
from simulation.model.rng import Streams
from simulation.model.sanctions import SanctionRules
from simulation.model.services import ServiceDesk
from simulation.model.snapshots import snapshots
from simulation.model.staff import Staff
from simulation.model.trajectories import Programme
from simulation.scenario.schema import Scenario, ThreatEffect

CONTACT_ACTIVITY = {"klantmanager": Activity.CONTACT, "review": Activity.REVIEW}
#: each origin's people draw from streams keyed from here on (``World.person``); far apart, so they never meet
STREAM_KEY_BASE = {"initial": 0, "inflow": 1 << 40, "leaver": 2 << 40}


class World:
    """Everything one replication needs; ``run()`` returns the recorded tables."""

    def __init__(self, scenario: Scenario, seed: int, replication: int = 0, event_log: bool = True) -> None:
        self.scenario = scenario
        self.env = simpy.Environment()
        self.streams = Streams(seed, replication)
        self.calendar = Calendar(scenario.clock)
        self.t_end = self.calendar.t_end
        self.clients: list[Client | None] = []  # by id; None once the run is done with the person (``finish``)
        self.finished: list[Client] = []
        self.origin_counts: Counter[str] = Counter()
        self.client_rows = ClientRows()
        self.last_contact = np.full(1024, -np.inf)
        self.on_benefit = np.zeros(1024, dtype=bool)
        self.phases = np.zeros(1024, dtype=np.int8)  # each client's assessed phase, by id, for the monthly counts
        self.stock = 0
        self.group_counts: Counter[str | None] = Counter()
        self.month: Counter[str] = Counter()
        self.contact_keys: dict[str | None, tuple[str, str]] = {
            g: (f"contacts_{g}", f"social_services_contacts_{g}") for g in scenario.policy.groups}
        self.recorder = Recorder(event_log, ["klantmanager", *scenario.services, *scenario.trajectories])
        if not event_log:  # ~4 rows per client-year: skip even the call
            self.record = self._no_record  # type: ignore[method-assign]
        self.assessor = Assessor(scenario.assessment)
        self.hazards = Hazards(scenario, self.calendar, self.assessor)
        self.sanctions = SanctionRules(self)
        self.ladder = Ladder(self)
        self.rung_counts = self.ladder.rung_counts  # the same list: the ladder moves, enter/leave count
        self.policy = PolicyRules(self)
        self.part_time = PartTime(self)
        # the order of construction is the order of their SimPy processes at time 0
        self.budgets = {name: BudgetLine(self, name, spec) for name, spec in scenario.budgets.items()}
        self.staff = Staff(self)
        self.services = {name: ServiceDesk(self, name, spec) for name, spec in scenario.services.items()}
        self.trajectories = {name: Programme(self, name, spec, self.budgets[spec.budget])
                             for name, spec in scenario.trajectories.items()}
        self.jobs = JobMarket(self)
        self.trial = Trial(self, scenario.experiment) if scenario.experiment is not None else None

    @property
    def threat(self) -> dict[str | None, ThreatEffect]:
        """Each group's threat effect under the policy in force (``hazards.threat``)."""
        return self.hazards.threat

    def day_of(self, date: dt.date) -> float:
        """Simulation day of a date (``Calendar.day_of``)."""
        return self.calendar.day_of(date)

    # --- clients and stock ------------------------------------------------------------------

    def person(self, origin: str) -> Client:
        """A person not yet in the world (``add``). Its streams are keyed by its origin and its
        number among people of that origin, not by its place in the world's list: the k-th applicant
        draws the same numbers in every scenario, however many recent leavers each world starts with."""
        number = self.origin_counts[origin]
        self.origin_counts[origin] = number + 1
        key = STREAM_KEY_BASE[origin] + number
        return Client(-1, self.streams.client_streams(key), origin)

    def add(self, client: Client) -> Client:
        """Give the person its id (its place in the world's list) and room in the per-id arrays."""
        client.id = len(self.clients)
        self.clients.append(client)
        if client.id >= len(self.last_contact):
            size = len(self.last_contact)
            self.last_contact = np.concatenate([self.last_contact, np.full(size, -np.inf)])
            self.on_benefit = np.concatenate([self.on_benefit, np.zeros(size, dtype=bool)])
            self.phases = np.concatenate([self.phases, np.zeros(size, dtype=np.int8)])
        return client

    def new_client(self, origin: str) -> Client:
        return self.add(self.person(origin))

    def leave_model(self, client: Client) -> None:
        """Gone for good (deterred, no return after an exit, pension): no return is possible."""
        client.leave_model()
        self.finish(client)

    def finish(self, client: Client) -> None:
        """Nothing more happens to the person in this run (gone, or in a job or away until after
        the end): its row of the clients table is written and the object dropped at the next
        month end (``retire_finished``), once whatever else the same moment holds for it is done."""
        self.finished.append(client)

    def retire_finished(self) -> None:
        """Write the finished people's rows and drop them: at national scale most of the people a
        run creates are gone long before its end, and their objects were most of its memory."""
        for client in self.finished:
            if self.clients[client.id] is client:  # one row per person, should it be finished twice
                self.client_rows.append(client_row(client, self.t_end))
                self.clients[client.id] = None
        self.finished.clear()

    def record(self, client: Client, activity: Activity, resource: int = 0) -> None:
        """A row of the event log (replaced by a no-op when the run keeps no event log)."""
        self.recorder.event(client.id, self.env.now, activity, resource, client.phase)

    @staticmethod
    def _no_record(client: Client, activity: Activity, resource: int = 0) -> None:
        return None

    def count(self, key: str, n: int = 1) -> None:
        self.month[key] += n

    def enter_stock(self, client: Client, now: float, inflow: bool) -> None:
        self.stock += 1
        self.on_benefit[client.id] = True
        self.rung_counts[client.rung] += 1
        if client.group:
            self.group_counts[client.group] += 1
        if inflow:
            self.month["inflow_reentry" if client.spell_no > 1 else "inflow_new"] += 1

    def leave_stock(self, client: Client, now: float, reason: ExitReason) -> None:
        self.stock -= 1
        self.on_benefit[client.id] = False
        self.rung_counts[client.rung] -= 1
        self.group_counts[client.group] -= 1
        self.month["exits_" + reason.name.lower()] += 1
        self.recorder.spells.append(self._spell_row(client, now, reason))
        self.record(client, Activity.EXIT)

    @staticmethod
    def _spell_row(client: Client, end: float, reason: ExitReason) -> SpellRow:
        return SpellRow(client=client.id, spell_no=client.spell_no, start=client.spell_start, end=end, reason=int(reason),
                        group_at_exit=client.group, phase_at_exit=client.phase,
                        sanctioned=client.sanction_effect_until > client.entry_time)

    def set_group(self, client: Client, group: str) -> None:
        """Called after every (re)assessment and phase change: it also notes the phase."""
        self.phases[client.id] = client.phase
        if group == client.group:
            return
        if client.on_benefit:
            if client.group:
                self.group_counts[client.group] -= 1
            self.group_counts[group] += 1
        client.group = group
        if client.part_time is not None:  # a group with its own earnings release
            self.part_time.review(client, self.env.now)
        if client.has_klantmanager:
            self.staff.regrouped(client)

    def note_contact(self, client: Client, by: str, now: float) -> None:
        client.n_contacts += 1
        self.last_contact[client.id] = client.last_contact = now
        month = self.month
        month["contacts"] += 1
        any_key, social_services_key = self.contact_keys[client.group]
        month[any_key] += 1
        activity = CONTACT_ACTIVITY.get(by, Activity.SERVICE_CONTACT)
        if activity != Activity.SERVICE_CONTACT:
            month[social_services_key] += 1
        if self.recorder.event_log:
            code = self.recorder.resource_code(by) if activity == Activity.SERVICE_CONTACT or by == "klantmanager" else 0
            self.record(client, activity, code)

    # --- the run ---------------------------------------------------------------------------------

    def run(self) -> dict[str, pd.DataFrame]:
        recent_leavers(self, populate(self))
        self.env.process(arrivals(self))
        self.env.process(snapshots(self))
        if self.scenario.capacity_changes:  # before the policy's: on a shared date the places come first
            self.env.process(capacity_changes(self))
        if self.scenario.policy_changes:
            self.env.process(policy_changes(self))
        if self.trial is not None:  # after the policy changes: an invitation follows a change of its date
            self.env.process(self.trial.process())
        self.env.run(until=self.t_end + 1e-6)  # so the month-end snapshot at t_end is taken
        self._close_open()
        # every person's row is written and the objects dropped before the tables are built
        self.finished = [client for client in self.clients if client is not None]
        self.retire_finished()
        tables = self.recorder.tables(pd.Timestamp(self.calendar.start_date))
        tables["clients"] = self.client_rows.table(self.last_contact)
        if self.trial is not None:
            tables["invitations"] = self.trial.table()
        return tables

    def _close_open(self) -> None:
        """Spells, part-time jobs, jobs and times between jobs still going at the end: censored rows."""
        for client in self.clients:
            if client is not None and client.on_benefit:
                self.recorder.spells.append(self._spell_row(client, math.nan, ExitReason.CENSORED))
                if client.part_time is not None:
                    self.part_time.write_open(client)
        self.jobs.close_open()

    def events_scheduled(self) -> int:
        """SimPy's event counter: how many events this run scheduled (and so processed)."""
        return next(self.env._eid)  # noqa: SLF001 - SimPy keeps no public counter
