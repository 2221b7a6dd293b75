"""SimPy resources that scale to caseloads of thousands: caseload places, case slots, trajectory slots.

SimPy's ``PriorityResource`` keeps its queue sorted by re-sorting and its holders in a list;
with thousands of clients both become the hot spot. ``QueueResource`` gives the same order
and the same behaviour in logarithmic or constant time. A team with no slots is ``None``,
and a request to it is never granted (``request``).
"""

from __future__ import annotations

from bisect import insort_right
from collections.abc import Mapping
from typing import Any

import simpy
from simpy.resources.resource import PriorityRequest

UNLISTED_PRIORITY = 1_000  # groups a team's group_priority does not list queue last


def priority_table(group_priority: Mapping[str, int]) -> dict[str | None, int]:
    """A team's queue priority by group (lower first), keyed so that any client's group looks up."""
    return {group: rank for group, rank in group_priority.items()}


class _InsertionQueue(list[PriorityRequest]):
    """SimPy's SortedQueue re-sorts the whole queue on every request (a key call per waiting
    client); inserting by bisection gives the same order (stable: FIFO among equal keys)."""

    def __init__(self, maxlen: int | None = None) -> None:
        super().__init__()
        self.maxlen = maxlen

    def append(self, item: PriorityRequest) -> None:
        insort_right(self, item, key=_request_key)


def _request_key(request: PriorityRequest) -> Any:
    return request.key


class _Users(dict[simpy.Event, None]):
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

    # simpy types PutQueue as its SortedQueue; ours is a list with the same interface
    PutQueue = _InsertionQueue  # type: ignore[assignment]

    def __init__(self, env: simpy.Environment, capacity: int = 1) -> None:
        super().__init__(env, capacity)
        self.users = _Users()  # type: ignore[assignment]  # simpy types users as a list; same interface

    @property
    def queue_length(self) -> int:
        return len(self.queue)


def make_resource(env: simpy.Environment, capacity: int) -> QueueResource | None:
    """SimPy needs capacity > 0; a team with no slots is represented by None (never serves)."""
    return QueueResource(env, capacity=capacity) if capacity > 0 else None


class NeverGranted(simpy.Event):
    """The request to a team without slots: never granted, usable in ``with`` like a real one."""

    def __enter__(self) -> NeverGranted:
        return self

    def __exit__(self, *exc: object) -> None:
        return None


def request(resource: QueueResource | None, env: simpy.Environment, priority: int) -> PriorityRequest | NeverGranted:
    """A request for a place at ``priority`` (lower first), or one never granted if there are no places."""
    return resource.request(priority=priority) if resource is not None else NeverGranted(env)
