"""Klantmanagers: caseload places, the line for them, and contacts at the group's interval.

A caseload place is held for as long as the client is in a group handled by klantmanagers;
groups queue by priority, and places can be ring-fenced for a group (calibration.md §F.8:
without ring-fencing attention goes to the best prospects). Every wait is recorded, served or not.

Nothing here is a SimPy process or event: a free place is granted at once, a place given up
goes at once to the first in line, and the contacts and caseload reviews are candidates of the
client's single timer (``lifecycle``). A caseload review happens only when it can matter: when
someone of a higher-priority group joins the line, the outranked holder whose review comes
first is given one, exactly when a holder reviewed every ``caseload_review`` would first find
itself outranked. The service teams are ``services.ServiceDesk``.
"""

from __future__ import annotations

import math
from itertools import count
from typing import TYPE_CHECKING

from simulation.model.client import Activity, Client
from simulation.model.lifecycle import reschedule
from simulation.model.records import WaitRow
from simulation.model.resources import UNLISTED_PRIORITY, CaseloadPool, priority_table

if TYPE_CHECKING:
    from simulation.model.protocols import WorldView

INF = math.inf


class Staff:
    """Klantmanager caseload pools: one shared, and one per ring-fenced group."""

    def __init__(self, world: WorldView) -> None:
        self.world = world
        spec = world.scenario.klantmanagers
        self.spec = spec
        self.klantmanagers, self.caseload = spec.count, spec.caseload  # in force now (``resize``)
        self.priority = priority_table(spec.group_priority)
        self.klantmanager_code = world.recorder.resource_code("klantmanager")
        reserved = sum(spec.ring_fenced.values())
        self.shared_pool = self._pool(spec.count * spec.caseload - reserved)
        self.ring_fenced: dict[str | None, CaseloadPool | None] = {
            group: self._pool(n) for group, n in spec.ring_fenced.items() if n > 0}
        self.holding: dict[Client, CaseloadPool] = {}
        # client → (its pool, its entry in the line or None, when it joined the line)
        self.in_line: dict[Client, tuple[CaseloadPool | None, list | None, float]] = {}
        self._order = count()

    def _pool(self, capacity: int) -> CaseloadPool | None:
        """A pool without places is None: a request to it is never granted."""
        return CaseloadPool(capacity, self.spec.caseload_review, self._granted) if capacity > 0 else None

    def pools(self) -> dict[str, CaseloadPool | None]:
        return {"klantmanager": self.shared_pool, **{f"klantmanager_{g}": r for g, r in self.ring_fenced.items()}}

    def _priority_of(self, client: Client) -> int:
        return self.priority.get(client.group, UNLISTED_PRIORITY)

    # --- joining and leaving ----------------------------------------------------------------------

    def join(self, client: Client) -> None:
        """The client's handler became the klantmanager: a place now if one is free, else the line."""
        now = self.world.env.now
        pool = self.ring_fenced.get(client.group, self.shared_pool)
        self.in_line[client] = (pool, None, now)
        if pool is None:  # a pool without places never serves: the wait lasts until the client leaves
            return
        priority = self._priority_of(client)
        entry = pool.request(client, priority, now)  # granted at once: ``_granted`` took it out of the line
        if entry is not None:
            self.in_line[client] = (pool, entry, now)
            self._review_outranked(pool, priority, now)

    def leave(self, client: Client) -> None:
        """The client's handler changed or its spell ended: its place goes to the first in line."""
        pool = self.holding.pop(client, None)
        if pool is not None:
            pool.remove(client)
            self._release(client)
            pool.release()
            return
        waiting = self.in_line.pop(client, None)
        if waiting is None:
            return
        pool, entry, requested = waiting
        if pool is not None and entry is not None:
            pool.cancel(entry)
        self._wait(client, requested, math.nan, served=False)

    def _granted(self, client: Client) -> None:
        """A pool gives the client a place (at once, or when one is given up)."""
        pool, _, requested = self.in_line.pop(client)
        assert pool is not None, "only a pool with places grants"
        now = self.world.env.now
        pool.add(client, now, self._priority_of(client), next(self._order))
        self.holding[client] = pool
        self._wait(client, requested, now, served=True)
        client.has_klantmanager = True
        client.next_contact = now + self._contact_interval(client)
        reschedule(self.world, client)

    def _release(self, client: Client) -> None:
        client.has_klantmanager = False
        client.next_contact = INF
        client.caseload_review_at = INF

    def _wait(self, client: Client, requested: float, started: float, served: bool) -> None:
        self.world.recorder.waits.append(WaitRow(resource="klantmanager", client=client.id, kind="caseload",
                                                 requested=requested, started=started, served=served,
                                                 referred=requested))

    def resize(self, count: int | None, caseload: int | None) -> None:
        """A dated change of klantmanagers (``capacity_changes``; None: unchanged): the shared pool
        holds the places ``count`` × ``caseload`` gives beyond the ring-fenced ones. With more,
        those in line get places at once in its order (priority, then who asked first); with
        fewer, nobody loses a place and nobody new gets one until the caseloads are below the new size."""
        self.klantmanagers = self.klantmanagers if count is None else count
        self.caseload = self.caseload if caseload is None else caseload
        capacity = self.klantmanagers * self.caseload - sum(self.spec.ring_fenced.values())
        if self.shared_pool is not None:
            self.shared_pool.resize(capacity)
            return
        if capacity <= 0:
            return
        pool = self.shared_pool = CaseloadPool(capacity, self.spec.caseload_review, self._granted)
        # those who waited while the pool had no places: in the order its line would have held them
        waiting = [(self._priority_of(client), requested, n, client)
                   for n, (client, (in_pool, _, requested)) in enumerate(self.in_line.items()) if in_pool is None]
        for priority, requested, _, client in sorted(waiting, key=lambda w: w[:3]):
            self.in_line[client] = (pool, None, requested)
            entry = pool.request(client, priority, requested)  # granted at once: ``_granted`` takes it out of the line
            if entry is not None:
                self.in_line[client] = (pool, entry, requested)

    # --- caseload reviews (calibration.md §F.8: scarce attention goes to the best prospects) -------

    def _review_outranked(self, pool: CaseloadPool, priority: int, now: float) -> None:
        """Someone of ``priority`` joined the line: the outranked holder whose review comes first
        (and has none set yet) gets its review set, where it gives its place up if still outranked."""
        holder = pool.first_outranked(priority, now)
        if holder is not None:
            pool.set_review(holder, now)
            reschedule(self.world, holder)

    def regrouped(self, client: Client) -> None:
        """A holder's group changed: it is kept under its new priority, and if that is outranked
        now, it gets a review like any outranked holder."""
        pool = self.holding.get(client)
        if pool is None:
            return
        priority = self._priority_of(client)
        if priority != pool.holders[client][1]:
            since, _, _, order, _ = pool.remove(client)
            pool.add(client, since, priority, order)
        front = pool.first_in_line()
        if front is not None and front[0] < priority and client.caseload_review_at == INF:
            pool.set_review(client, self.world.env.now)
            reschedule(self.world, client)

    def caseload_review(self, client: Client, now: float) -> bool:
        """The review: an outranked holder gives its place up and joins the line again."""
        pool = self.holding[client]
        pool.clear_review(client)
        front = pool.first_in_line()
        if front is None or front[0] >= self._priority_of(client):
            return True  # the higher-priority client got a place (or left) in the meantime
        if pool.count > pool.capacity:  # over capacity after a cut: giving the place up would let nobody in,
            pool.set_review(client, now + 0.5 * pool.review)  # so the holder keeps it until its next review
            return True  # (the first after half a cycle: ``now`` is a review time, up to rounding)
        self.leave(client)
        self.world.record(client, Activity.CASELOAD_RELEASED, self.klantmanager_code)
        self.join(client)
        return True

    # --- contacts ------------------------------------------------------------------------------------

    def _contact_interval(self, client: Client) -> float:
        return self.world.policy.groups[client.group].contact_interval.sample(client.rng.contact)

    def contact_due(self, client: Client, now: float) -> bool:
        """The klantmanager's contact; the next follows at the group's interval while the place is held."""
        client.next_contact = INF
        self.world.policy.contact(client, "klantmanager", then_reschedule=False)
        if client.has_klantmanager:
            client.next_contact = now + self._contact_interval(client)
        return True

