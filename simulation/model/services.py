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
from collections.abc import Generator
from typing import TYPE_CHECKING, Any

import simpy

from simulation.model.client import Activity, Client
from simulation.model.lifecycle import reschedule, spell_end
from simulation.model.phases import maybe_remove_barrier
from simulation.model.records import PlacementRow, WaitRow
from simulation.model.resources import UNLISTED_PRIORITY, make_resource, priority_table, request
from simulation.scenario.schema import Service

if TYPE_CHECKING:
    from simulation.model.protocols import WorldView

URGENT_PRIORITY = -1  # seed 002: urgent care comes before participation (a lower priority value is served first)


class ServiceDesk:
    """One team with case slots; ``episode`` is a client's wait, service and outcome."""

    def __init__(self, world: WorldView, name: str, spec: Service) -> None:
        self.world = world
        self.name = name
        self.spec = spec
        self.priority = priority_table(spec.group_priority)
        self.code = world.recorder.resource_code(name)
        self.resource = make_resource(world.env, spec.slots)
        self.year_done = {"back": 0, "volunteer": 0}
        self.year = -1
        if spec.urgent_care.arrivals > 0 and self.resource is not None:
            world.env.process(self._urgent_arrivals())

    # --- urgent care ------------------------------------------------------------------------

    def _urgent_arrivals(self) -> Generator[simpy.Event, None, None]:
        """Urgent care demand: a Poisson stream that takes slots before participation work."""
        env, rng = self.world.env, self.world.streams.urgent_care
        rate = self.spec.urgent_care.arrivals
        while True:
            yield env.timeout(rng.exponential(1.0 / rate))
            env.process(self._urgent_case())

    def _urgent_case(self) -> Generator[simpy.Event, None, None]:
        env = self.world.env
        requested = env.now
        with request(self.resource, env, URGENT_PRIORITY) as slot:
            yield slot
            self.world.recorder.waits.append(WaitRow(resource=self.name, client=-1, kind="urgent",
                                                     requested=requested, started=env.now, served=True))
            yield env.timeout(self.spec.urgent_care.service_time.sample(self.world.streams.urgent_care))

    # --- a client's episode --------------------------------------------------------------------

    def episode(self, client: Client, assigned: bool, engaged: bool) -> Generator[simpy.Event, Any, None]:
        """Queue for a slot, then contacts until the case ends, then the outcome.

        ``assigned``: the team is the client's handler (Leeuwarden's outreach): after a case
        the client queues again after ``follow_up``. Otherwise a one-off referral.
        """
        return self._as_handler(client, engaged) if assigned else self._referral(client, engaged)

    def _referral(self, client: Client, engaged: bool) -> Generator[simpy.Event, Any, None]:
        """A one-off referral: one case, ended early if the client leaves benefit."""
        left = spell_end(self.world, client)
        client.in_service = self.name
        yield from self._case(client, left, "referral", engaged)
        if client.in_service == self.name:
            client.in_service = None

    def _as_handler(self, client: Client, engaged: bool) -> Generator[simpy.Event, Any, None]:
        """Cases one after another, ``follow_up`` apart, until the client changes handler or leaves."""
        env, policy = self.world.env, self.world.policy
        stop = client.handler_stop
        assert stop is not None, "assign_handler sets handler_stop before the episode starts"
        while (yield from self._case(client, stop, "assigned", engaged)):
            if self.spec.follow_up is None or stop.triggered:
                return
            yield env.timeout(self.spec.follow_up) | stop
            if stop.triggered:
                return
            engaged = policy.accepts(client, policy.groups[client.group].handler_uptake)

    def _case(self, client: Client, stop: simpy.Event, kind: str, engaged: bool) -> Generator[simpy.Event, Any, bool]:
        """Wait for a slot, then be served unless the door stays shut; False if the case ended early."""
        world, env = self.world, self.world.env
        requested = env.now
        world.record(client, Activity.QUEUE, self.code)
        with request(self.resource, env, self.priority.get(client.group, UNLISTED_PRIORITY)) as slot:
            outcome = yield slot | stop
            if slot not in outcome or stop.triggered:  # left at the very moment a place came free
                self._wait(client, kind, requested, math.nan, served=False)
                world.record(client, Activity.SERVICE_LEFT_QUEUE, self.code)
                return False
            self._wait(client, kind, requested, env.now, served=True)
            if not engaged:  # visited, but the door stays shut (zorgmijder)
                world.record(client, Activity.REFUSAL, self.code)
                return True
            return (yield from self._serve(client, stop))

    def _wait(self, client: Client, kind: str, requested: float, started: float, served: bool) -> None:
        self.world.recorder.waits.append(WaitRow(resource=self.name, client=client.id, kind=kind,
                                                 requested=requested, started=started, served=served))

    def _serve(self, client: Client, stop: simpy.Event) -> Generator[simpy.Event, Any, bool]:
        world, env = self.world, self.world.env
        world.record(client, Activity.SERVICE_START, self.code)
        end = env.now + self.spec.service_time.sample(client.rng.service)
        world.policy.contact(client, self.name)
        while True:
            next_contact = env.now + self.spec.contact_interval.sample(client.rng.service)
            yield env.timeout(min(next_contact, end) - env.now) | stop
            if stop.triggered:
                return False
            if env.now >= end:
                break
            world.policy.contact(client, self.name)
        world.record(client, Activity.SERVICE_END, self.code)
        self._outcome(client)
        return True

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
        if client.rung < 3 and rng.random() < outcomes.ladder_step_up:
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
