"""Staff as SimPy resources: klantmanager caseloads and the service teams.

Klantmanagers: a caseload slot is a ``PriorityResource`` place held for as long as the client
is in a group handled by klantmanagers; groups queue by priority, and slots can be ring-fenced
for a group (calibration.md §F.8: without ring-fencing attention goes to the best prospects).
Services (wijkteam, netwerkconsulenten, homecoaches): case slots shared with urgent care
demand from outside the benefit population, which always goes first (seed 002: urgent care
comes before participation). Every wait is recorded, served or not.
"""

from __future__ import annotations

import math
from bisect import insort_right
from collections.abc import Generator
from functools import partial
from typing import TYPE_CHECKING

import simpy

from simulation.model.client import Activity, Client
from simulation.model.lifecycle import reschedule
from simulation.model.phases import maybe_remove_barrier
from simulation.scenario.schema import Service

if TYPE_CHECKING:
    from simulation.model.world import World

URGENT_PRIORITY = -1
UNLISTED_PRIORITY = 1_000  # groups a team's group_priority does not list queue last


class _InsertionQueue(list):
    """SimPy's SortedQueue re-sorts the whole queue on every request (a key call per waiting
    client); inserting by bisection gives the same order (stable: FIFO among equal keys)."""

    def __init__(self, maxlen: int | None = None) -> None:
        super().__init__()
        self.maxlen = maxlen

    def append(self, item: simpy.resources.resource.PriorityRequest) -> None:
        insort_right(self, item, key=_request_key)


def _request_key(request: simpy.resources.resource.PriorityRequest) -> tuple:
    return request.key


class _Users(dict):
    """The holders of a resource's places. SimPy keeps them in a list and removes a releasing
    holder by linear search; a caseload of thousands makes that the hot spot. An insertion-
    ordered dict gives the same ``append``/``remove``/``len``/iteration in constant time."""

    def append(self, request: simpy.Event) -> None:
        self[request] = None

    def remove(self, request: simpy.Event) -> None:
        try:
            del self[request]
        except KeyError:
            raise ValueError(request) from None  # what SimPy expects from list.remove


class QueueResource(simpy.PriorityResource):
    """A PriorityResource whose queue and holders scale to thousands of clients."""

    PutQueue = _InsertionQueue

    def __init__(self, env: simpy.Environment, capacity: int = 1) -> None:
        super().__init__(env, capacity)
        self.users = _Users()  # type: ignore[assignment]


def make_resource(env: simpy.Environment, capacity: int) -> QueueResource | None:
    """SimPy needs capacity > 0; a team with no slots is represented by None (never serves)."""
    return QueueResource(env, capacity=capacity) if capacity > 0 else None


class _NeverGranted(simpy.Event):
    """The request to a team without slots: never granted, usable in ``with`` like a real one."""

    def __enter__(self) -> _NeverGranted:
        return self

    def __exit__(self, *exc: object) -> None:
        return None


def _request(resource: simpy.PriorityResource | None, env: simpy.Environment, priority: int) -> simpy.Event:
    return resource.request(priority=priority) if resource is not None else _NeverGranted(env)


class ServiceDesk:
    """One team with case slots; ``episode`` is a client's wait, service and outcome."""

    def __init__(self, world: World, name: str, spec: Service) -> None:
        self.world = world
        self.name = name
        self.spec = spec
        self.code = world.recorder.resource_code(name)
        self.resource = make_resource(world.env, spec.slots)
        self.year_done = {"back": 0, "volunteer": 0}
        self.year = -1
        if spec.urgent_care.arrivals > 0 and self.resource is not None:
            world.env.process(self._urgent_arrivals())

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
        with self.resource.request(priority=URGENT_PRIORITY) as request:
            yield request
            self.world.recorder.waits.append((self.name, -1, "urgent", requested, env.now, True))
            yield env.timeout(self.spec.urgent_care.service_time.sample(self.world.streams.urgent_care))

    def episode(self, client: Client, assigned: bool, engaged: bool) -> Generator[simpy.Event, None, None]:
        """Queue for a slot, then contacts until the case ends, then the outcome.

        ``assigned``: the team is the client's handler (Leeuwarden's outreach): after a case
        the client queues again after ``follow_up``. Otherwise a one-off referral.
        """
        world, env = self.world, self.world.env
        stop = client.handler_stop if assigned else client.left
        kind = "assigned" if assigned else "referral"
        while True:
            if not assigned:
                client.in_service = self.name
            requested = env.now
            world.record(client, Activity.QUEUE, self.code)
            priority = self.spec.group_priority.get(client.group, UNLISTED_PRIORITY)
            with _request(self.resource, env, priority) as request:
                outcome = yield request | stop
                if request not in outcome or stop.triggered:  # left at the very moment a place came free
                    world.recorder.waits.append((self.name, client.id, kind, requested, math.nan, False))
                    world.record(client, Activity.SERVICE_LEFT_QUEUE, self.code)
                    break
                world.recorder.waits.append((self.name, client.id, kind, requested, env.now, True))
                if not engaged:  # visited, but the door stays shut (zorgmijder)
                    world.record(client, Activity.REFUSAL, self.code)
                else:
                    finished = yield from self._serve(client, stop)
                    if not finished:
                        break
            if not assigned or self.spec.follow_up is None or stop.triggered:
                break
            yield env.timeout(self.spec.follow_up) | stop
            if stop.triggered:
                break
            engaged = world.policy.accepts(client, world.policy.spec.groups[client.group].handler_uptake)
        if not assigned and client.in_service == self.name:
            client.in_service = None

    def _serve(self, client: Client, stop: simpy.Event) -> Generator[simpy.Event, None, bool]:
        world, env = self.world, self.world.env
        world.record(client, Activity.SERVICE_START, self.code)
        end = env.now + self.spec.service_time.sample(client.decisions)
        world.policy.contact(client, self.name)
        while True:
            next_contact = env.now + self.spec.contact_interval.sample(client.decisions)
            yield env.timeout(min(next_contact, end) - env.now) | stop
            if stop.triggered:
                return False
            if env.now >= end:
                break
            world.policy.contact(client, self.name)
        world.record(client, Activity.SERVICE_END, self.code)
        self._outcome(client)
        return True

    def _pressure(self, what: str, target: int) -> float:
        """A yearly target (Leeuwarden 2017, seed 002) pushes effort while the team is behind."""
        if target <= 0:
            return 1.0
        fraction = self.world.fraction_of_year(self.world.env.now)
        behind = self.year_done[what] < target * fraction
        return 1.0 + self.spec.target.pressure if behind else 1.0

    def _outcome(self, client: Client) -> None:
        world, rng, now = self.world, client.decisions, self.world.env.now
        year = world.calendar_year(now)
        if year != self.year:
            self.year, self.year_done = year, {"back": 0, "volunteer": 0}
        outcomes, target = self.spec.outcomes, self.spec.target
        p_volunteer = min(1.0, outcomes.volunteer_work * self._pressure("volunteer", target.volunteer_placements_per_year))
        draw = rng.random()
        if draw < p_volunteer:
            self.year_done["volunteer"] += 1
            world.place(client, "volunteer_work", self.name, rng)
        elif draw < p_volunteer + outcomes.social_activity:
            world.place(client, "social_activity", self.name, rng)
        maybe_remove_barrier(world, client, rng, outcomes.barrier_removal, self.code)
        if client.rung < 3 and rng.random() < outcomes.ladder_step_up:  # care and contact: isolated → social contacts → organised activity
            world.set_rung(client, client.rung + 1)
        p_back = min(1.0, outcomes.back_to_social_services * self._pressure("back", target.back_to_social_services_per_year))
        if rng.random() < p_back:
            self.year_done["back"] += 1
            world.back_to_social_services(client, self.name)
        reschedule(world, client)


class Staff:
    """Klantmanager caseload pools and the service desks."""

    def __init__(self, world: World) -> None:
        self.world = world
        spec = world.scenario.klantmanagers
        self.klantmanager_code = world.recorder.resource_code("klantmanager")
        reserved = sum(spec.ring_fenced.values())
        self.shared_pool = make_resource(world.env, spec.count * spec.caseload - reserved)
        self.ring_fenced = {group: make_resource(world.env, n) for group, n in spec.ring_fenced.items() if n > 0}
        self.services = {name: ServiceDesk(world, name, s) for name, s in world.scenario.services.items()}

    def pools(self) -> dict[str, simpy.PriorityResource | None]:
        return {"klantmanager": self.shared_pool, **{f"klantmanager_{g}": r for g, r in self.ring_fenced.items()}}

    def klantmanager_episode(self, client: Client) -> Generator[simpy.Event, None, None]:
        """Hold a caseload place and be contacted at the group's interval until the handler changes.

        At every caseload review a holder gives its place up when a client of a higher-priority
        group is waiting (calibration.md §F.8: scarce attention goes to the best prospects), and
        queues again itself.
        """
        world, env = self.world, self.world.env
        spec = world.scenario.klantmanagers
        stop = client.handler_stop
        while not stop.triggered:
            pool = self.ring_fenced.get(client.group, self.shared_pool)
            requested = env.now
            priority = spec.group_priority.get(client.group, UNLISTED_PRIORITY)
            with _request(pool, env, priority) as request:
                outcome = yield request | stop
                if request not in outcome or stop.triggered:  # left at the very moment a place came free
                    world.recorder.waits.append(("klantmanager", client.id, "caseload", requested, math.nan, False))
                    return
                world.recorder.waits.append(("klantmanager", client.id, "caseload", requested, env.now, True))
                client.has_klantmanager = True
                reschedule(world, client)
                holding = env.event()  # ends this holder's contact timers when the place is given up
                self._next_contact(client, holding)
                while not stop.triggered and not self._outranked(pool, client):
                    yield env.timeout(spec.caseload_review) | stop
                holding.succeed()
                client.has_klantmanager = False
                if not stop.triggered:
                    world.record(client, Activity.CASELOAD_RELEASED, self.klantmanager_code)
                    reschedule(world, client)

    def _outranked(self, pool: QueueResource | None, client: Client) -> bool:
        """Someone of a strictly higher-priority group waits for this pool."""
        if pool is None or not pool.queue:
            return False
        mine = self.world.scenario.klantmanagers.group_priority.get(client.group, UNLISTED_PRIORITY)
        return pool.queue[0].priority < mine

    def _next_contact(self, client: Client, stop: simpy.Event) -> None:
        world = self.world
        interval = world.policy.spec.groups[client.group].contact_interval.sample(client.decisions)
        if world.env.now + interval < world.t_end:
            world.env.timeout(interval).callbacks.append(partial(self._contact_due, client, stop))

    def _contact_due(self, client: Client, stop: simpy.Event, _event: simpy.Event) -> None:
        if stop.triggered:
            return
        self.world.policy.contact(client, "klantmanager")
        if not stop.triggered:
            self._next_contact(client, stop)
