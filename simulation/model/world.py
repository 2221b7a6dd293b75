"""The world of one run: the SimPy environment, the clients, and the bookkeeping they share.

Build order follows the dependency direction scenario → model → records: ``World`` reads a
validated ``Scenario``, owns the components (staff, trajectories, budgets, jobs, policy),
keeps the stock counters that monthly snapshots read, and writes rows to the ``Recorder``.
"""

from __future__ import annotations

import datetime as dt
import math
from bisect import bisect_right
from collections import Counter
from collections.abc import Generator

import numpy as np
import pandas as pd
import simpy

from simulation.model import lifecycle
from simulation.model.budgets import BudgetLine
from simulation.model.client import BARRIER_BIT, OTHER_EXIT_REASONS, Activity, Client, ExitReason
from simulation.model.inflow import arrivals
from simulation.model.jobs import JobMarket
from simulation.model.phases import Assessor
from simulation.model.policy import PolicyRules
from simulation.model.population import initial_rung, initial_stock
from simulation.model.records import Recorder
from simulation.model.rng import Streams
from simulation.model.staff import Staff
from simulation.model.trajectories import Programme
from simulation.scenario.schema import Policy, Scenario, ThreatEffect
from simulation.scenario.units import DAYS_PER_YEAR

CONTACT_ACTIVITY = {"klantmanager": Activity.CONTACT, "review": Activity.REVIEW}


class World:
    """Everything one replication needs; ``run()`` returns the recorded tables."""

    def __init__(self, scenario: Scenario, seed: int, replication: int = 0, event_log: bool = True) -> None:
        self.scenario = scenario
        self.env = simpy.Environment()
        self.streams = Streams(seed, replication)
        clock = scenario.clock
        self.start_date = clock.start
        self.warmup = clock.warmup
        self.horizon = clock.horizon
        self.t_end = clock.horizon + clock.follow_up
        self._calendar()
        self._hazard_tables()
        self.half_life = scenario.attention.decay_half_life
        self.clients: list[Client] = []
        self.last_contact = np.full(1024, -np.inf)
        self.on_benefit = np.zeros(1024, dtype=bool)
        self.stock = 0
        self.rung_counts = [0] * 7
        self.group_counts: Counter[str] = Counter()
        self.month: Counter[str] = Counter()
        self.contact_keys = {g: (f"contacts_{g}", f"social_services_contacts_{g}") for g in scenario.policy.groups}
        resources = ["klantmanager", *scenario.services, *scenario.trajectories]
        self.recorder = Recorder(event_log, resources)
        self.assessor = Assessor(scenario.assessment)
        self.policy = PolicyRules(self)
        self.budgets = {name: BudgetLine(self, name, spec) for name, spec in scenario.budgets.items()}
        self.staff = Staff(self)
        self.trajectories = {name: Programme(self, name, spec) for name, spec in scenario.trajectories.items()}
        self.jobs = JobMarket(self)

    # --- calendar -------------------------------------------------------------------------

    def _calendar(self) -> None:
        start = self.start_date
        self.year_starts = [0.0]
        self.calendar_years = [start.year]
        year = start.year + 1
        while (t := self.day_of(dt.date(year, 1, 1))) < self.t_end:
            self.year_starts.append(t)
            self.calendar_years.append(year)
            year += 1
        self.month_ends: list[tuple[float, str]] = []
        first = dt.date(start.year, start.month, 1)
        while True:
            nxt = (first + dt.timedelta(days=32)).replace(day=1)
            t = self.day_of(nxt)
            if t > self.t_end + 1e-9:
                break
            self.month_ends.append((t, first.strftime("%Y-%m")))
            first = nxt

    def day_of(self, date: dt.date) -> float:
        return float((date - self.start_date).days)

    def calendar_year(self, now: float) -> int:
        return self.calendar_years[bisect_right(self.year_starts, now) - 1]

    def fraction_of_year(self, now: float) -> float:
        """How far into its calendar year ``now`` is (0 on 1 January), for pro-rated targets."""
        year = self.calendar_year(now)
        jan1 = self.day_of(dt.date(year, 1, 1))
        return (now - jan1) / (self.day_of(dt.date(year + 1, 1, 1)) - jan1)

    # --- hazard tables (built once, read on the hot path) -------------------------------------

    def _hazard_tables(self) -> None:
        spec = self.scenario
        self.base_work_rate = dict(spec.work_exit.base_rate_by_phase)
        self.band_starts = [band.after for band in spec.work_exit.duration_bands]
        self.band_multipliers = [band.multiplier for band in spec.work_exit.duration_bands]
        by_year = spec.work_exit.labour_market_by_year
        self.labour_market = [by_year.get(year, 1.0) for year in self.calendar_years]
        self.labour_market_changes = []
        for i, value in enumerate(self.labour_market):
            later = [self.year_starts[j] for j in range(i + 1, len(self.labour_market)) if self.labour_market[j] != value]
            self.labour_market_changes.append(later[0] if later else math.inf)
        rates = spec.other_exits.rates
        self.other_rates = tuple(getattr(rates, reason.name.lower()) for reason in OTHER_EXIT_REASONS)
        self.other_rate_adult = sum(self.other_rates)
        self.other_rate_young = self.other_rate_adult + rates.education * (spec.other_exits.education_multiplier_under_27 - 1.0)
        self.threat = self._threat_table(spec.policy)

    def _threat_table(self, policy: Policy) -> dict[str, ThreatEffect]:
        """Each group's threat effect: that of its strictest obligation (calibration.md §B)."""
        threat = self.scenario.sanctions.threat
        return {group: getattr(threat, lifecycle.strictest_mode(policy, group)) for group in policy.groups}

    def pension_time(self, client: Client) -> float:
        return client.birth + self.scenario.other_exits.pension_age * DAYS_PER_YEAR

    def next_drift(self, client: Client) -> float:
        """Without contact for ``drift_after_no_contact`` a client may slide down the ladder (rungs 2-3)."""
        if client.rung <= 1 or client.rung >= 4:
            return math.inf
        reference = max(self.last_contact[client.id], client.drift_ref)
        return reference + self.scenario.ladder.drift_after_no_contact

    # --- clients and stock ------------------------------------------------------------------

    def new_client(self, origin: str) -> Client:
        client = Client(len(self.clients), *self.streams.client_streams(len(self.clients)), origin)
        self.clients.append(client)
        if client.id >= len(self.last_contact):
            size = len(self.last_contact)
            self.last_contact = np.concatenate([self.last_contact, np.full(size, -np.inf)])
            self.on_benefit = np.concatenate([self.on_benefit, np.zeros(size, dtype=bool)])
        return client

    def record(self, client: Client, activity: Activity, resource: int = 0) -> None:
        self.recorder.event(client.id, self.env.now, activity, resource, client.phase)

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
        sanctioned = client.sanction_effect_until > client.entry_time
        self.recorder.spells.append((client.id, client.spell_no, client.spell_start, now, int(reason),
                                     client.group, client.phase, sanctioned))
        self.record(client, Activity.EXIT)

    def set_rung(self, client: Client, rung: int, first: bool = False) -> None:
        """Move the client on the ladder; ``first`` for the rung it starts with (from_rung 0)."""
        if client.on_benefit:
            self.rung_counts[client.rung] -= 1
            self.rung_counts[rung] += 1
        if first or rung != client.rung:
            self.recorder.rung_change(client.id, self.env.now, 0 if first else client.rung, rung, client.phase,
                                      client.on_benefit)
        client.rung = rung

    def set_group(self, client: Client, group: str) -> None:
        if client.on_benefit and group != client.group:
            if client.group:
                self.group_counts[client.group] -= 1
            self.group_counts[group] += 1
        client.group = group

    def note_contact(self, client: Client, by: str, now: float) -> None:
        client.n_contacts += 1
        self.last_contact[client.id] = now
        self.month["contacts"] += 1
        any_key, social_services_key = self.contact_keys[client.group]
        self.month[any_key] += 1
        activity = CONTACT_ACTIVITY.get(by, Activity.SERVICE_CONTACT)
        if activity != Activity.SERVICE_CONTACT:
            self.month[social_services_key] += 1
        code = self.recorder.resource_code(by) if activity == Activity.SERVICE_CONTACT or by == "klantmanager" else 0
        self.record(client, activity, code)

    # --- intake ---------------------------------------------------------------------------------

    def deter(self, client: Client, activity: Activity) -> None:
        client.leave_model()
        self.count("deterred")
        self.record(client, activity)

    def admit(self, client: Client) -> None:
        lifecycle.start_spell(self, client, self.env.now)
        self.intake(client, reentry=False)

    def intake(self, client: Client, reentry: bool) -> None:
        """Intake: assessment, group and handler; a contact when the policy holds an intake talk."""
        now = self.env.now
        self.record(client, Activity.BENEFIT_START)
        self.policy.assess_and_route(client, now)
        if not reentry:
            self.set_rung(client, initial_rung(self, client.true_phase, client.luck), first=True)
        if self.policy.spec.intake_assessment:
            self.note_contact(client, "review", now)
        lifecycle.reschedule(self, client)

    def _populate(self) -> None:
        """The initial stock: assessed first, then handed to handlers in group-priority order,
        so that free caseload places go to the best prospects (not to the lowest client ids)."""
        stock = initial_stock(self)
        for client, elapsed, since_contact in stock:
            lifecycle.start_spell(self, client, 0.0, elapsed, inflow=False)
            self.last_contact[client.id] = -since_contact
            self.policy.assess_and_route(client, 0.0, route=False)
            self.set_rung(client, initial_rung(self, client.true_phase, client.luck), first=True)
        priority = self.scenario.klantmanagers.group_priority
        for client, _, since_contact in sorted(stock, key=lambda item: priority.get(item[0].group, 1_000)):
            self.policy.assign_handler(client, 0.0)
            interval = self.policy.spec.groups[client.group].review_interval
            if interval is not None:
                due = interval - since_contact
                client.next_review = due if due > 0 else float(client.decisions.uniform(0.0, interval))
            lifecycle.reschedule(self, client)

    def _policy_changes(self) -> Generator[simpy.Event, None, None]:
        """Dated policy changes (``policy_changes``): from each date the new policy applies to all.

        Everyone on benefit is regrouped and handed to the new group's handler (in group-priority
        order, as at the start, so freed caseload places go to the best prospects); obligations and
        their threat apply at once. A contact already planned keeps its date and the one after it
        follows the new interval; a yearly review later than the new interval allows is moved
        to a uniformly drawn time within it, so a whole group is not reviewed on one day.
        """
        priority = self.scenario.klantmanagers.group_priority
        for change in self.scenario.policy_changes:
            yield self.env.timeout(self.day_of(change.from_date) - self.env.now)
            yield self.env.timeout(0)  # after what was already due then: the previous month's snapshot
            now = self.env.now
            self.policy.spec = change.policy
            self.threat = self._threat_table(change.policy)
            stock = [client for client in self.clients if client.on_benefit]
            for client in stock:
                self.set_group(client, change.policy.phase_to_group[client.phase])
            for client in sorted(stock, key=lambda c: priority.get(c.group, 1_000)):
                self.policy.assign_handler(client, now)
                interval = change.policy.groups[client.group].review_interval
                if interval is None:
                    client.next_review = math.inf
                elif client.next_review > now + interval:
                    client.next_review = now + float(client.decisions.uniform(0.0, interval))
                lifecycle.reschedule(self, client)

    # --- what services and sanctions do ------------------------------------------------------

    def impose_sanction(self, client: Client, now: float, obligation: str) -> None:
        """Maatregel: a benefit cut for a while, a higher exit hazard, less trust (calibration.md §B)."""
        spec = self.scenario.sanctions
        cut_per_day = spec.benefit_cut_share * self.scenario.benefits.monthly_norm[client.household]
        client.sanction_cut_until = now + spec.cut_duration
        client.sanction_effect_until = now + spec.effect_duration
        client.trust *= 1.0 - spec.trust_loss
        client.noncompliance_factor *= spec.repeat_noncompliance_factor
        client.n_sanctions += 1
        self.recorder.sanctions.append((client.id, now, obligation, cut_per_day, client.sanction_cut_until))
        self.count("sanctions")
        self.record(client, Activity.SANCTION)

    def place(self, client: Client, kind: str, by: str, rng: np.random.Generator) -> None:
        """Volunteer work or a tegenprestatie (rung 4), or a social-activity start (rung 3),
        for a while; when it ends the client steps down a rung (``end_placement``)."""
        ladder = self.scenario.ladder
        rung, duration, activity = {
            "volunteer_work": (4, ladder.volunteer_work_duration, Activity.VOLUNTEER_WORK_START),
            "tegenprestatie": (4, ladder.volunteer_work_duration, Activity.TEGENPRESTATIE_START),
            "social_activity": (3, ladder.social_activity_duration, Activity.SOCIAL_ACTIVITY_START),
        }[kind]
        now = self.env.now
        self.recorder.placements.append((client.id, now, kind, by))
        self.count(kind)
        self.record(client, activity, self.recorder.resource_code(by))
        if client.rung < rung:
            self.set_rung(client, rung)
        client.placement_rung = rung
        client.placement_until = now + duration.sample(rng)

    def end_placement(self, client: Client) -> None:
        client.placement_until = math.inf
        if client.rung == client.placement_rung and client.rung > 1:
            self.set_rung(client, client.rung - 1)

    def back_to_social_services(self, client: Client, by: str) -> None:
        """The team hands the client back to Sociale Zaken, ready for steps toward work (seed 002)."""
        self.count("back_to_social_services")
        self.recorder.placements.append((client.id, self.env.now, "back_to_social_services", by))
        self.record(client, Activity.BACK_TO_SOCIAL_SERVICES, self.recorder.resource_code(by))
        client.handler_override = "klantmanager"
        self.policy.assign_handler(client, self.env.now)

    def ladder_drift(self, client: Client, now: float) -> None:
        client.drift_ref = now
        if client.decisions.random() < self.scenario.ladder.drift_down_probability:
            self.set_rung(client, client.rung - 1)
            self.record(client, Activity.LADDER_DRIFT)

    # --- monthly snapshot and the run ----------------------------------------------------------

    def _snapshots(self) -> Generator[simpy.Event, None, None]:
        env = self.env
        month_start = 0.0
        for t, label in self.month_ends:
            yield env.timeout(t - env.now)
            self.recorder.monthly.append(self._snapshot_row(month_start, t, label))
            self.month = Counter()
            month_start = t
        if month_start < self.t_end - 1e-9:  # a run that does not end on a month end: its partial last month
            yield env.timeout(self.t_end - env.now)
            label = (pd.Timestamp(self.start_date) + pd.Timedelta(days=month_start)).strftime("%Y-%m")
            self.recorder.monthly.append(self._snapshot_row(month_start, self.t_end, label))

    def period_of(self, month_start: float) -> str:
        """Months belong to a period by their first day; a day's slack absorbs 365.25-day years."""
        if month_start < self.warmup - 1.0:
            return "warmup"
        return "observation" if month_start < self.horizon - 1.0 else "follow_up"

    def _snapshot_row(self, month_start: float, t: float, label: str) -> dict:
        period = self.period_of(month_start)
        stale = self.on_benefit & (t - self.last_contact > DAYS_PER_YEAR)
        row = {"month": label, "start": month_start, "time": t, "period": period, "stock": self.stock,
               "no_contact_12m": int(stale.sum())}
        row.update({f"rung_{r}": self.rung_counts[r] for r in range(1, 7)})
        row.update({f"group_{g}": self.group_counts[g] for g in self.scenario.policy.groups})
        for name, pool in self.staff.pools().items():
            row.update(self._resource_columns(name, pool))
        for name, desk in self.staff.services.items():
            row.update(self._resource_columns(name, desk.resource))
        for name, programme in self.trajectories.items():
            row.update(self._resource_columns(name, programme.resource))
        row.update({f"budget_{name}": line.level for name, line in self.budgets.items()})
        row.update(self.month)
        return row

    @staticmethod
    def _resource_columns(name: str, resource: simpy.PriorityResource | None) -> dict[str, int]:
        if resource is None:
            return {f"{name}_capacity": 0, f"{name}_busy": 0, f"{name}_queue": 0}
        return {f"{name}_capacity": resource.capacity, f"{name}_busy": resource.count,
                f"{name}_queue": len(resource.queue)}

    def run(self) -> dict[str, pd.DataFrame]:
        self._populate()
        self.env.process(arrivals(self))
        self.env.process(self._snapshots())
        if self.scenario.policy_changes:
            self.env.process(self._policy_changes())
        self.env.run(until=self.t_end + 1e-6)  # so the month-end snapshot at t_end is taken
        for client in self.clients:
            if client.on_benefit:
                self.recorder.spells.append((client.id, client.spell_no, client.spell_start, math.nan,
                                             int(ExitReason.CENSORED), client.group, client.phase,
                                             client.sanction_effect_until > client.entry_time))
        self.jobs.close_open_jobs(self.t_end)
        tables = self.recorder.tables(pd.Timestamp(self.start_date))
        tables["clients"] = self._client_table()
        return tables

    def events_scheduled(self) -> int:
        """SimPy's event counter: how many events this run scheduled (and so processed)."""
        return next(self.env._eid)  # noqa: SLF001 - SimPy keeps no public counter

    def _client_table(self) -> pd.DataFrame:
        rows = []
        for c in self.clients:
            row = {"client": c.id, "origin": c.origin, "state": c.state, "age_at_end": c.age(self.t_end),
                   "male": c.male, "household": c.household, "migrant": c.migrant, "statushouder": c.statushouder,
                   "education": c.education, "motivation": c.motivation, "trust": c.trust, "phase": c.phase,
                   "true_phase": c.true_phase, "group": c.group, "rung": c.rung, "spells": c.spell_no,
                   "jobs": c.job_no, "contacts": c.n_contacts, "sanctions": c.n_sanctions,
                   "last_contact": self.last_contact[c.id]}
            row.update({f"barrier_{name}": bool(c.barriers & bit) for name, bit in BARRIER_BIT.items()})
            rows.append(row)
        return pd.DataFrame(rows)
