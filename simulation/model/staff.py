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
from heapq import heappop, heappush
from itertools import count
from typing import TYPE_CHECKING

from simulation.model.client import Activity, Client
from simulation.model.lifecycle import reschedule
from simulation.model.records import WaitRow
from simulation.model.resources import UNLISTED_PRIORITY, priority_table

if TYPE_CHECKING:
    from simulation.model.protocols import WorldView

INF = math.inf


class CaseloadPool:
    """The places of one pool (shared, or ring-fenced for a group) and the line for them.

    The line is a heap of ``[priority, requested, order, client]`` (lower priority first, then
    first come, first served); a client who leaves the line is crossed out (client ``None``)
    and dropped when it reaches the front. Holders are kept by priority and, within it, in
    ``REVIEW_BINS`` bins by where in the review cycle their reviews fall, so that the holder
    whose review comes first is found by looking at a few bins, and a place is taken or given
    up in constant time, whatever the size of the caseload.
    """

    __slots__ = ("capacity", "review", "holders", "by_priority", "line", "waiting")
    REVIEW_BINS = 256

    def __init__(self, capacity: int, review: float) -> None:
        self.capacity = capacity
        self.review = review
        self.holders: dict[Client, tuple[float, int, float, int, int]] = {}  # → since, priority, phase, order, bin
        self.by_priority: dict[int, list[dict[Client, None]]] = {}
        self.line: list[list] = []
        self.waiting = 0

    @property
    def count(self) -> int:
        return len(self.holders)

    @property
    def queue_length(self) -> int:
        return self.waiting

    def first_in_line(self) -> list | None:
        """The entry at the front of the line, dropping crossed-out ones."""
        line = self.line
        while line and line[0][3] is None:
            heappop(line)
        return line[0] if line else None

    def _bin(self, phase: float) -> int:
        return min(int(phase / self.review * self.REVIEW_BINS), self.REVIEW_BINS - 1)

    def add(self, client: Client, since: float, priority: int, order: int) -> None:
        phase = math.fmod(since, self.review)
        where = self._bin(phase)
        self.holders[client] = (since, priority, phase, order, where)
        bins = self.by_priority.get(priority)
        if bins is None:
            bins = self.by_priority[priority] = [{} for _ in range(self.REVIEW_BINS)]
        bins[where][client] = None

    def remove(self, client: Client) -> tuple[float, int, float, int, int]:
        held = self.holders.pop(client)
        del self.by_priority[held[1]][held[4]][client]
        return held

    def next_review(self, client: Client, now: float) -> float:
        """The holder's first review after ``now``: every ``review`` days since it got the place."""
        since = self.holders[client][0]
        return since + self.review * (math.floor((now - since) / self.review) + 1)

    def first_outranked(self, priority: int, now: float) -> Client | None:
        """Of the holders outranked by ``priority`` and without a review set, the one reviewed first."""
        first, first_at = None, INF
        in_cycle = math.fmod(now, self.review)
        for rank, bins in self.by_priority.items():
            if rank > priority and (holder := self._first_reviewed(bins, in_cycle)) is not None:
                at = self.next_review(holder, now)
                if at < first_at:
                    first, first_at = holder, at
        return first

    def _first_reviewed(self, bins: list[dict[Client, None]], in_cycle: float) -> Client | None:
        """Among one priority's holders without a review set, the one whose review cycle comes
        round first after ``in_cycle``: bins in cycle order from ``in_cycle``'s, the first bin's
        earlier part last (its reviews come round only after a whole cycle)."""
        start = self._bin(in_cycle)
        passes = [(start, True)] + [((start + k) % self.REVIEW_BINS, None) for k in range(1, self.REVIEW_BINS)]
        for where, later in [*passes, (start, False)]:
            best, best_key = None, (INF, 0)
            for holder in bins[where]:
                _, _, phase, order, _ = self.holders[holder]
                if holder.caseload_review_at != INF or (later is not None and (phase >= in_cycle) != later):
                    continue
                if (phase, order) < best_key:
                    best, best_key = holder, (phase, order)
            if best is not None:
                return best
        return None


class Staff:
    """Klantmanager caseload pools: one shared, and one per ring-fenced group."""

    def __init__(self, world: WorldView) -> None:
        self.world = world
        spec = world.scenario.klantmanagers
        self.spec = spec
        self.priority = priority_table(spec.group_priority)
        self.klantmanager_code = world.recorder.resource_code("klantmanager")
        reserved = sum(spec.ring_fenced.values())
        self.shared_pool = _pool(spec.count * spec.caseload - reserved, spec.caseload_review)
        self.ring_fenced: dict[str | None, CaseloadPool | None] = {
            group: _pool(n, spec.caseload_review) for group, n in spec.ring_fenced.items() if n > 0}
        self.holding: dict[Client, CaseloadPool] = {}
        self.in_line: dict[Client, tuple[CaseloadPool | None, list]] = {}
        self._order = count()

    def pools(self) -> dict[str, CaseloadPool | None]:
        return {"klantmanager": self.shared_pool, **{f"klantmanager_{g}": r for g, r in self.ring_fenced.items()}}

    def _priority_of(self, client: Client) -> int:
        return self.priority.get(client.group, UNLISTED_PRIORITY)

    # --- joining and leaving ----------------------------------------------------------------------

    def join(self, client: Client) -> None:
        """The client's handler became the klantmanager: a place now if one is free, else the line."""
        now = self.world.env.now
        pool = self.ring_fenced.get(client.group, self.shared_pool)
        priority = self._priority_of(client)
        entry = [priority, now, next(self._order), client]
        if pool is not None and len(pool.holders) < pool.capacity:
            self._grant(pool, client, now, now)
            return
        self.in_line[client] = (pool, entry)
        if pool is not None:  # a pool without places never serves: the wait lasts until the client leaves
            heappush(pool.line, entry)
            pool.waiting += 1
            self._review_outranked(pool, priority, now)

    def leave(self, client: Client) -> None:
        """The client's handler changed or its spell ended: its place goes to the first in line."""
        pool = self.holding.pop(client, None)
        if pool is not None:
            pool.remove(client)
            self._release(client)
            self._hand_on(pool)
            return
        pool, entry = self.in_line.pop(client, (None, None))
        if entry is None:
            return
        if pool is not None:
            entry[3] = None
            pool.waiting -= 1
        self._wait(client, entry[1], math.nan, served=False)

    def _grant(self, pool: CaseloadPool, client: Client, now: float, requested: float) -> None:
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

    def _hand_on(self, pool: CaseloadPool) -> None:
        """Free places go to the first in line (crossed-out entries are skipped)."""
        now = self.world.env.now
        while len(pool.holders) < pool.capacity and (entry := pool.first_in_line()) is not None:
            heappop(pool.line)
            pool.waiting -= 1
            client = entry[3]
            del self.in_line[client]
            self._grant(pool, client, now, entry[1])

    def _wait(self, client: Client, requested: float, started: float, served: bool) -> None:
        self.world.recorder.waits.append(WaitRow(resource="klantmanager", client=client.id, kind="caseload",
                                                 requested=requested, started=started, served=served))

    # --- caseload reviews (calibration.md §F.8: scarce attention goes to the best prospects) -------

    def _review_outranked(self, pool: CaseloadPool, priority: int, now: float) -> None:
        """Someone of ``priority`` joined the line: the outranked holder whose review comes first
        (and has none set yet) gets its review set, where it gives its place up if still outranked."""
        holder = pool.first_outranked(priority, now)
        if holder is not None:
            holder.caseload_review_at = pool.next_review(holder, now)
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
            client.caseload_review_at = pool.next_review(client, self.world.env.now)
            reschedule(self.world, client)

    def caseload_review(self, client: Client, now: float) -> bool:
        """The review: an outranked holder gives its place up and joins the line again."""
        client.caseload_review_at = INF
        pool = self.holding[client]
        front = pool.first_in_line()
        if front is None or front[0] >= self._priority_of(client):
            return True  # the higher-priority client got a place (or left) in the meantime
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


def _pool(capacity: int, review: float) -> CaseloadPool | None:
    """A pool without places is None: a request to it is never granted."""
    return CaseloadPool(capacity, review) if capacity > 0 else None
