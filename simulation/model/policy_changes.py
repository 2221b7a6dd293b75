"""Dated policy changes (``policy_changes``): from each date the new policy applies to all."""

from __future__ import annotations

import math
from collections.abc import Generator
from typing import TYPE_CHECKING

import simpy

from simulation.model.client import Client
from simulation.model.lifecycle import reschedule
from simulation.model.resources import UNLISTED_PRIORITY
from simulation.model.sanctions import threat_table
from simulation.scenario.schema import Policy

if TYPE_CHECKING:
    from simulation.model.protocols import WorldView


def policy_changes(world: WorldView) -> Generator[simpy.Event, None, None]:
    """At each change's date, after what was already due then (the previous month's snapshot),
    the new policy applies (``apply_policy``)."""
    env = world.env
    for change in world.scenario.policy_changes:
        yield env.timeout(world.calendar.day_of(change.from_date) - env.now)
        yield env.timeout(0)
        apply_policy(world, change.policy)


def apply_policy(world: WorldView, policy: Policy) -> None:
    """Everyone on benefit is regrouped and handed to the new group's handler (in group-priority
    order, as at the start, so freed caseload places go to the best prospects); obligations and
    their threat apply at once. A contact already planned keeps its date and the one after it
    follows the new interval; a yearly review later than the new interval allows is moved
    to a uniformly drawn time within it, so a whole group is not reviewed on one day. Part-time
    work goes on under the new earnings release from now (its limit still counted from the job's start).
    """
    now = world.env.now
    world.policy.adopt(policy)
    world.hazards.threat = threat_table(world.scenario.sanctions, policy)
    world.part_time.adopt(policy)
    stock = [client for client in world.clients if client is not None and client.on_benefit]
    for client in stock:
        world.set_group(client, world.policy.group_of(client))  # an experiment's arm keeps its groups
        world.part_time.review(client, now)  # the earnings release in force from now
    hand_over(world, stock, now)


def hand_over(world: WorldView, stock: list[Client], now: float) -> None:
    """Regrouped clients go to their group's handler in group-priority order (as at the start, so
    freed caseload places go to the best prospects); a review later than the new group's interval
    allows is drawn within it, so a whole group is not reviewed on one day."""
    priority = world.staff.priority
    for client in sorted(stock, key=lambda c: priority.get(c.group, UNLISTED_PRIORITY)):
        world.policy.assign_handler(client, now)
        interval = world.policy.groups[client.group].review_interval
        if interval is None:
            client.next_review = math.inf
        elif client.next_review > now + interval:
            client.next_review = now + float(client.rng.review.uniform(0.0, interval))
        reschedule(world, client)
