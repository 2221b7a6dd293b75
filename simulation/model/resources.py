"""Places that scale to caseloads of thousands: caseload places, case slots, trajectory slots.

SimPy's ``PriorityResource`` keeps its queue sorted by re-sorting and its holders in a list,
and costs a few events per request; with thousands of clients waiting it was the hot spot.
``SlotPool`` (team and trajectory slots) and ``CaseloadPool`` (klantmanager caseloads,
``staff``) hold places without SimPy events at all, in the order a PriorityResource serves
(priority, then first come). A team or trajectory with no slots has no pool (``None``): its
line never moves, until a dated change gives it places (``capacity_changes``).
"""

from __future__ import annotations

import math
from bisect import bisect_left, insort_right
from collections.abc import Callable, Mapping
from heapq import heappop, heappush
from itertools import count
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from simulation.model.client import Client

INF = math.inf

UNLISTED_PRIORITY = 1_000  # groups a team's group_priority does not list queue last


def priority_table(group_priority: Mapping[str, int]) -> dict[str | None, int]:
    """A team's queue priority by group (lower first), keyed so that any client's group looks up."""
    return {group: rank for group, rank in group_priority.items()}


def waiting_cases(clients: list[Client | None], desk: object) -> list[Any]:
    """The cases (team cases, enrolments) of ``desk`` waiting for a place, in client order: a
    team or trajectory that had no places keeps no line, so its first places look them up."""
    return [case for client in clients if client is not None and client.cases
            for case in client.cases if case.desk is desk and case.state == "waiting"]


def join_waiting(pool: SlotPool, clients: list[Client | None], desk: object, priority: Callable[[Any], int]) -> None:
    """The cases of a team or trajectory that had no places join its new line, in the order it would
    have held them: priority, then who asked first, then client number (``waiting_cases`` order)."""
    for case in sorted(waiting_cases(clients, desk), key=lambda case: (priority(case), case.requested)):
        if case.state == "waiting":  # (a grant's contact may have ended a later case of the same client)
            case.entry = pool.request(case, priority(case), case.requested)


class SlotPool:
    """Places without SimPy events: a place is granted at once when free, and a place given up
    goes at once to the first in line (lower priority first, then first come, first served, as
    SimPy's PriorityResource orders its queue). ``on_grant(holder)`` is called for every grant;
    a holder who leaves the line is crossed out (``cancel``) and skipped when it reaches the front.
    A team's case slots are one; ``CaseloadPool`` adds what caseload reviews need.
    """

    __slots__ = ("capacity", "count", "line", "waiting", "on_grant", "_order")

    def __init__(self, capacity: int, on_grant: Callable[[Any], None]) -> None:
        self.capacity = capacity
        self.count = 0
        self.line: list[list] = []  # heap of [priority, requested, order, holder]
        self.waiting = 0
        self.on_grant = on_grant
        self._order = count()

    @property
    def queue_length(self) -> int:
        return self.waiting

    def request(self, holder: Any, priority: int, now: float) -> list | None:
        """Granted at once (None), or the holder's entry in the line (to ``cancel`` it)."""
        if self.count < self.capacity:
            self.count += 1
            self.on_grant(holder)
            return None
        entry = [priority, now, next(self._order), holder]
        heappush(self.line, entry)
        self.waiting += 1
        return entry

    def cancel(self, entry: list) -> None:
        entry[3] = None
        self.waiting -= 1

    def first_in_line(self) -> list | None:
        """The entry at the front of the line, dropping crossed-out ones."""
        line = self.line
        while line and line[0][3] is None:
            heappop(line)
        return line[0] if line else None

    def release(self) -> None:
        """A place is given up: the first in line gets it."""
        self.count -= 1
        while self.count < self.capacity and (entry := self.first_in_line()) is not None:
            heappop(self.line)
            self.waiting -= 1
            self.count += 1
            self.on_grant(entry[3])

    def resize(self, capacity: int) -> None:
        """A dated change of capacity (``capacity_changes``): more places go at once to those in
        line, in its order; with fewer nobody loses a place, and nobody new gets one until fewer
        than ``capacity`` are in use."""
        self.capacity = capacity
        while self.count < capacity and (entry := self.first_in_line()) is not None:
            heappop(self.line)
            self.waiting -= 1
            self.count += 1
            self.on_grant(entry[3])


class CaseloadPool(SlotPool):
    """The caseload places of one pool (shared, or ring-fenced for a group) and the line for them.

    Holders without a review set are kept by priority and, within it, in ``REVIEW_BINS`` bins by
    where in the review cycle their reviews fall, each bin sorted by (phase in the cycle, order),
    so that the one whose review comes first is found by bisection in the first bin that holds
    any, and a place is taken or given up in logarithmic time, whatever the size of the
    caseload. A holder whose review is set (``set_review``) leaves its bin until the review is
    over (``clear_review``): at national scale most outranked holders have one set, and stepping
    over them took a tenth of the run. ``add`` and ``remove`` keep the index; granting and
    handing on are ``SlotPool``'s.
    """

    __slots__ = ("review", "holders", "by_priority")
    # a fixed number: bins that grew with the caseload (16 holders a bin) made a 100,000-client run
    # 17% slower, as a priority with few holders then leaves thousands of bins to step over
    REVIEW_BINS = 256

    def __init__(self, capacity: int, review: float, on_grant: Callable[[Any], None]) -> None:
        super().__init__(capacity, on_grant)
        self.review = review
        self.holders: dict[Client, tuple[float, int, float, int, int]] = {}  # → since, priority, phase, order, bin
        # per priority, per bin: (phase, order, holder) in order; (phase, order) is unique (order is)
        self.by_priority: dict[int, list[list[tuple[float, int, Client]]]] = {}

    def _bin(self, phase: float) -> int:
        return min(int(phase / self.review * self.REVIEW_BINS), self.REVIEW_BINS - 1)

    def add(self, client: Client, since: float, priority: int, order: int) -> None:
        phase = math.fmod(since, self.review)
        where = self._bin(phase)
        self.holders[client] = (since, priority, phase, order, where)
        if priority not in self.by_priority:
            self.by_priority[priority] = [[] for _ in range(self.REVIEW_BINS)]
        if client.caseload_review_at == INF:
            self._into_bin(client)

    def remove(self, client: Client) -> tuple[float, int, float, int, int]:
        self._out_of_bin(client)
        return self.holders.pop(client)

    def _into_bin(self, client: Client) -> None:
        _, priority, phase, order, where = self.holders[client]
        insort_right(self.by_priority[priority][where], (phase, order, client))

    def _out_of_bin(self, client: Client) -> None:
        """Out of its bin, if it is in one (not while its review is set)."""
        _, priority, phase, order, where = self.holders[client]
        in_bin = self.by_priority[priority][where]
        index = bisect_left(in_bin, (phase, order))
        if index < len(in_bin) and in_bin[index][2] is client:
            del in_bin[index]

    def set_review(self, client: Client, now: float) -> None:
        """The holder's next review is where it gives its place up if still outranked."""
        client.caseload_review_at = self.next_review(client, now)
        self._out_of_bin(client)

    def clear_review(self, client: Client) -> None:
        client.caseload_review_at = INF
        self._into_bin(client)

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

    def _first_reviewed(self, bins: list[list[tuple[float, int, Client]]], in_cycle: float) -> Client | None:
        """Among one priority's holders without a review set, the one whose review cycle comes
        round first after ``in_cycle``: bins in cycle order from ``in_cycle``'s, the first bin's
        earlier part last (its reviews come round only after a whole cycle)."""
        start = self._bin(in_cycle)
        first_bin = bins[start]
        index = bisect_left(first_bin, (in_cycle,))  # the first at or after ``in_cycle``
        if index < len(first_bin):
            return first_bin[index][2]
        for k in range(1, self.REVIEW_BINS):
            if in_bin := bins[(start + k) % self.REVIEW_BINS]:
                return in_bin[0][2]
        if first_bin and first_bin[0][0] < in_cycle:  # the first bin's earlier part, a whole cycle on
            return first_bin[0][2]
        return None
