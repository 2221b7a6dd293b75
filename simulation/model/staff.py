"""Klantmanagers: caseload places held as SimPy resources, contacts at the group's interval.

A caseload slot is a place held for as long as the client is in a group handled by
klantmanagers; groups queue by priority, and slots can be ring-fenced for a group
(calibration.md §F.8: without ring-fencing attention goes to the best prospects). Every wait
is recorded, served or not. The service teams are ``services.ServiceDesk``.
"""

from __future__ import annotations

import math
from collections.abc import Generator
from functools import partial
from typing import TYPE_CHECKING, Any

import simpy

from simulation.model.client import Activity, Client
from simulation.model.lifecycle import reschedule
from simulation.model.records import WaitRow
from simulation.model.resources import UNLISTED_PRIORITY, QueueResource, make_resource, priority_table, request

if TYPE_CHECKING:
    from simulation.model.protocols import WorldView

class Staff:
    """Klantmanager caseload pools: one shared, and one per ring-fenced group."""

    def __init__(self, world: WorldView) -> None:
        self.world = world
        spec = world.scenario.klantmanagers
        self.spec = spec
        self.priority = priority_table(spec.group_priority)
        self.klantmanager_code = world.recorder.resource_code("klantmanager")
        reserved = sum(spec.ring_fenced.values())
        self.shared_pool = make_resource(world.env, spec.count * spec.caseload - reserved)
        self.ring_fenced: dict[str | None, QueueResource | None] = {
            group: make_resource(world.env, n) for group, n in spec.ring_fenced.items() if n > 0}

    def pools(self) -> dict[str, QueueResource | None]:
        return {"klantmanager": self.shared_pool, **{f"klantmanager_{g}": r for g, r in self.ring_fenced.items()}}

    def klantmanager_episode(self, client: Client) -> Generator[simpy.Event, Any, None]:
        """Hold a caseload place and be contacted at the group's interval until the handler changes.

        At every caseload review a holder gives its place up when a client of a higher-priority
        group is waiting (calibration.md §F.8: scarce attention goes to the best prospects), and
        queues again itself.
        """
        world, env = self.world, self.world.env
        stop = client.handler_stop
        assert stop is not None, "assign_handler sets handler_stop before the episode starts"
        while not stop.triggered:
            pool = self.ring_fenced.get(client.group, self.shared_pool)
            requested = env.now
            with request(pool, env, self.priority.get(client.group, UNLISTED_PRIORITY)) as place:
                outcome = yield place | stop
                if place not in outcome or stop.triggered:  # left at the very moment a place came free
                    self._wait(client, requested, math.nan, served=False)
                    return
                self._wait(client, requested, env.now, served=True)
                client.has_klantmanager = True
                reschedule(world, client)
                holding = env.event()  # ends this holder's contact timers when the place is given up
                self._next_contact(client, holding)
                while not stop.triggered and not self._outranked(pool, client):
                    yield env.timeout(self.spec.caseload_review) | stop
                holding.succeed()
                client.has_klantmanager = False
                if not stop.triggered:
                    world.record(client, Activity.CASELOAD_RELEASED, self.klantmanager_code)
                    reschedule(world, client)

    def _wait(self, client: Client, requested: float, started: float, served: bool) -> None:
        self.world.recorder.waits.append(WaitRow(resource="klantmanager", client=client.id, kind="caseload",
                                                 requested=requested, started=started, served=served))

    def _outranked(self, pool: QueueResource | None, client: Client) -> bool:
        """Someone of a strictly higher-priority group waits for this pool."""
        if pool is None or not pool.queue:
            return False
        mine = self.priority.get(client.group, UNLISTED_PRIORITY)
        return bool(pool.queue[0].priority < mine)

    def _next_contact(self, client: Client, stop: simpy.Event) -> None:
        world = self.world
        interval = world.policy.groups[client.group].contact_interval.sample(client.rng.contact)
        if world.env.now + interval < world.t_end:
            world.env.timeout(interval).callbacks.append(partial(self._contact_due, client, stop))

    def _contact_due(self, client: Client, stop: simpy.Event, _event: simpy.Event) -> None:
        if stop.triggered:
            return
        self.world.policy.contact(client, "klantmanager")
        if not stop.triggered:
            self._next_contact(client, stop)
