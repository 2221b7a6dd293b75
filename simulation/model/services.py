"""The service teams (wijkteam, netwerkconsulenten, homecoaches): case slots, cases, outcomes.

Case slots are shared with urgent care demand from outside the benefit population, which
always goes first (seed 002: urgent care comes before participation). A team is either a
client's handler (Leeuwarden's outreach: after a case the client queues again) or takes a
one-off referral. A case is contacts until its service time is over, then an outcome:
a placement, a barrier removed, a step up the ladder, or a hand-back to Sociale Zaken, pushed
by yearly targets while the team is behind. Every wait is recorded, served or not.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING

from simulation.model.client import Activity, Client
from simulation.model.later import call_later
from simulation.model.lifecycle import reschedule
from simulation.model.phases import maybe_remove_barrier
from simulation.model.records import PlacementRow, WaitRow
from simulation.model.resources import UNLISTED_PRIORITY, SlotPool, join_waiting, priority_table
from simulation.scenario.schema import Service

if TYPE_CHECKING:
    from simulation.model.protocols import WorldView

URGENT_PRIORITY = -1  # seed 002: urgent care comes before participation (a lower priority value is served first)


class Case:
    """One episode with a team: in line for a slot, served (contacts until the service time is
    over), then over; an assigned case queues again after ``follow_up``. ``version`` tells a
    pending timer whether it is still the case's current one. Urgent care from outside the
    benefit population is a case without a client."""

    __slots__ = ("desk", "client", "kind", "engaged", "requested", "entry", "end", "state", "version")

    def __init__(self, desk: ServiceDesk, client: Client | None, kind: str, engaged: bool) -> None:
        self.desk = desk
        self.client = client
        self.kind = kind  # "assigned", "referral" or "urgent"
        self.engaged = engaged
        self.requested = 0.0
        self.entry: list | None = None  # its place in the line while waiting
        self.end = math.inf
        self.state = "new"  # waiting, serving, closing, follow_up, over
        self.version = 0


class ServiceDesk:
    """One team with case slots; ``start`` begins a client's case (``Case``).

    Nothing here is a SimPy process: slots are a ``SlotPool``, and a case's contacts, its end,
    follow-ups and urgent care are timers with callbacks.
    """

    def __init__(self, world: WorldView, name: str, spec: Service) -> None:
        self.world = world
        self.name = name
        self.spec = spec
        self.priority = priority_table(spec.group_priority)
        self.code = world.recorder.resource_code(name)
        self.resource = SlotPool(spec.slots, self._granted) if spec.slots > 0 else None
        self.year_done = {"back": 0, "volunteer": 0}
        self.year = -1
        self.urgent_rate = spec.urgent_care.arrivals  # changed by ``capacity_changes``
        self.urgent_version = 0  # an arrival drawn under an earlier rate is void
        if self.urgent_rate > 0 and self.resource is not None:
            self._next_urgent_arrival()

    def _after(self, delay: float, case: Case, step: Callable[[Case], None]) -> None:
        """Call ``step(case)`` after ``delay`` unless the case has moved on by then."""
        case.version += 1
        call_later(self.world.env, delay, self._due, case, case.version, step)

    @staticmethod
    def _due(case: Case, version: int, step: Callable[[Case], None]) -> None:
        if version == case.version:
            step(case)

    # --- urgent care ------------------------------------------------------------------------

    def _next_urgent_arrival(self) -> None:
        """Urgent care demand: a Poisson stream that takes slots before participation work."""
        rng = self.world.streams.urgent_care
        call_later(self.world.env, rng.exponential(1.0 / self.urgent_rate), self._urgent_arrival, self.urgent_version)

    def _urgent_arrival(self, version: int) -> None:
        if version != self.urgent_version:
            return
        self._next_urgent_arrival()
        case = Case(self, None, "urgent", engaged=True)
        case.requested = self.world.env.now
        case.state = "waiting"
        assert self.resource is not None, "urgent care comes only to a team with slots"
        case.entry = self.resource.request(case, URGENT_PRIORITY, case.requested)

    # --- dated changes (``capacity_changes``) -------------------------------------------------

    def resize(self, slots: int) -> None:
        """More slots go at once to those in line, in its order; with fewer, no case is cut short
        and nobody new is served until fewer than ``slots`` are in use. A team that had no slots
        gets a line: the clients who waited for it join it in the order it would have held them
        (priority, then who asked first, then client number)."""
        if self.resource is not None:
            self.resource.resize(slots)
            return
        if slots <= 0:
            return
        self.resource = SlotPool(slots, self._granted)
        join_waiting(self.resource, self.world.clients, self, self._priority)
        if self.urgent_rate > 0:
            self._next_urgent_arrival()

    def set_urgent_rate(self, rate: float) -> None:
        """Urgent care arrives at ``rate`` from now on: a new arrival is drawn (a Poisson stream has
        no memory), the one drawn under the old rate is void."""
        self.urgent_rate = rate
        self.urgent_version += 1
        if rate > 0 and self.resource is not None:
            self._next_urgent_arrival()

    def _priority(self, case: Case) -> int:
        assert case.client is not None
        return self.priority.get(case.client.group, UNLISTED_PRIORITY)

    # --- a client's case --------------------------------------------------------------------------

    def start(self, client: Client, assigned: bool, engaged: bool) -> None:
        """Queue for a slot, then contacts until the case ends, then the outcome.

        ``assigned``: the team is the client's handler (Leeuwarden's outreach): after a case
        the client queues again after ``follow_up``. Otherwise a one-off referral, ended early
        if the client leaves benefit.
        """
        case = Case(self, client, "assigned" if assigned else "referral", engaged)
        if client.cases is None:
            client.cases = []
        client.cases.append(case)
        if assigned:
            client.handler_case = case
        else:
            client.in_service = self.name
        self._after(0.0, case, self._queue)  # after what the client is in the middle of (a contact, a review)

    def _queue(self, case: Case) -> None:
        client = case.client
        assert client is not None
        case.requested = self.world.env.now
        case.state = "waiting"
        self.world.record(client, Activity.QUEUE, self.code)
        if self.resource is not None:  # a team without slots never serves: the wait lasts until the case stops
            case.entry = self.resource.request(case, self.priority.get(client.group, UNLISTED_PRIORITY), case.requested)

    def _granted(self, case: Case) -> None:
        now = self.world.env.now
        case.entry = None
        client = case.client
        self._wait(case, now, served=True)
        if client is None:  # urgent care: served, then the slot is free again
            case.state = "serving"
            self._after(self.spec.urgent_care.service_time.sample(self.world.streams.urgent_care), case,
                        self._urgent_done)
            return
        if not case.engaged:  # visited, but the door stays shut (zorgmijder)
            self.world.record(client, Activity.REFUSAL, self.code)
            self._release_slot()
            self._completed(case)
            return
        case.state = "serving"
        self.world.record(client, Activity.SERVICE_START, self.code)
        case.end = now + self.spec.service_time.sample(client.rng.service)
        self.world.policy.contact(client, self.name)
        if case.state == "serving":  # the contact did not end the case (a new handler, a hand-back)
            self._next_contact(case)

    def _urgent_done(self, case: Case) -> None:
        case.state = "over"
        self._release_slot()

    def _next_contact(self, case: Case) -> None:
        client = case.client
        assert client is not None
        now = self.world.env.now
        next_contact = now + self.spec.contact_interval.sample(client.rng.service)
        self._after(min(next_contact, case.end) - now, case, self._contact_due)

    def _contact_due(self, case: Case) -> None:
        client = case.client
        assert client is not None
        if self.world.env.now >= case.end:
            case.state = "closing"
            self.world.record(client, Activity.SERVICE_END, self.code)
            self._outcome(client)
            self._release_slot()
            self._completed(case)
            return
        self.world.policy.contact(client, self.name)
        if case.state == "serving":
            self._next_contact(case)

    def _release_slot(self) -> None:
        assert self.resource is not None
        self.resource.release()

    def _completed(self, case: Case) -> None:
        """A case served (or refused at the door): an assigned case follows up, if the team does."""
        if case.state == "over" or case.kind == "referral" or self.spec.follow_up is None:
            self._forget(case)
            return
        case.state = "follow_up"
        self._after(self.spec.follow_up, case, self._follow_up)

    def _follow_up(self, case: Case) -> None:
        client = case.client
        assert client is not None
        policy = self.world.policy
        case.engaged = policy.accepts(client, policy.groups[client.group].handler_uptake)
        self._queue(case)

    def stop(self, case: Case) -> None:
        """The case ends early: the client changed handler (an assigned case) or left benefit."""
        state, case.state = case.state, "over"
        case.version += 1
        if state == "waiting":
            if case.entry is not None:
                assert self.resource is not None
                self.resource.cancel(case.entry)
                case.entry = None
            self._wait(case, math.nan, served=False)
            assert case.client is not None
            self.world.record(case.client, Activity.SERVICE_LEFT_QUEUE, self.code)
        elif state == "serving":
            self._release_slot()
        if state != "closing":  # a closing case is forgotten when its outcome is done
            self._forget(case)

    def _forget(self, case: Case) -> None:
        case.state = "over"
        client = case.client
        assert client is not None and client.cases is not None
        client.cases.remove(case)
        if client.handler_case is case:
            client.handler_case = None
        if case.kind == "referral" and client.in_service == self.name:
            client.in_service = None

    def _wait(self, case: Case, started: float, served: bool) -> None:
        client = case.client.id if case.client is not None else -1
        self.world.recorder.waits.append(WaitRow(resource=self.name, client=client, kind=case.kind,
                                                 requested=case.requested, started=started, served=served,
                                                 referred=case.requested))

    # --- the outcome of a case ---------------------------------------------------------------------

    def _pressure(self, what: str, target: int) -> float:
        """A yearly target (Leeuwarden 2017, seed 002) pushes effort while the team is behind."""
        if target <= 0:
            return 1.0
        fraction = self.world.calendar.fraction_of_year(self.world.env.now)
        behind = self.year_done[what] < target * fraction
        return 1.0 + self.spec.target.pressure if behind else 1.0

    def _outcome(self, client: Client) -> None:
        world, rng, now = self.world, client.rng.service_outcome, self.world.env.now
        year = world.calendar.calendar_year(now)
        if year != self.year:
            self.year, self.year_done = year, {"back": 0, "volunteer": 0}
        outcomes, target = self.spec.outcomes, self.spec.target
        p_volunteer = min(1.0, outcomes.volunteer_work * self._pressure("volunteer", target.volunteer_placements_per_year))
        draw = rng.random()
        if draw < p_volunteer:
            self.year_done["volunteer"] += 1
            world.ladder.place(client, "volunteer_work", self.name, rng)
        elif draw < p_volunteer + outcomes.social_activity:
            world.ladder.place(client, "social_activity", self.name, rng)
        if maybe_remove_barrier(client, rng, outcomes.barrier_removal):
            world.record(client, Activity.BARRIER_REMOVED, self.code)
        # care and contact: isolated → social contacts → organised activity
        step_up = rng.random()  # drawn whatever the rung, so a client's later outcome draws do not depend on it
        if client.rung < 3 and step_up < outcomes.ladder_step_up:
            world.ladder.set_rung(client, client.rung + 1)
        p_back = min(1.0, outcomes.back_to_social_services * self._pressure("back", target.back_to_social_services_per_year))
        if rng.random() < p_back:
            self.year_done["back"] += 1
            self._hand_back(client)
        reschedule(world, client)

    def _hand_back(self, client: Client) -> None:
        """The team hands the client back to Sociale Zaken, ready for steps toward work (seed 002)."""
        world, now = self.world, self.world.env.now
        world.count("back_to_social_services")
        world.recorder.placements.append(PlacementRow(client=client.id, time=now, kind="back_to_social_services",
                                                      by=self.name))
        world.record(client, Activity.BACK_TO_SOCIAL_SERVICES, self.code)
        client.handler_override = "klantmanager"
        world.policy.assign_handler(client, now)
