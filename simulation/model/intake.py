"""Intake: the door (deterred or admitted), the assessment, the group and the handler.

Also the initial stock, which goes through the same assessment but is handed to handlers in
group-priority order, so that free caseload places go to the best prospects; part of it already
works part-time (``part_time.PartTime.initial``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from simulation.model.client import Activity, Client
from simulation.model.lifecycle import reschedule, start_spell
from simulation.model.population import initial_stock
from simulation.model.resources import UNLISTED_PRIORITY

if TYPE_CHECKING:
    from simulation.model.protocols import WorldView


def deter(world: WorldView, client: Client, activity: Activity) -> None:
    """Turned away at the door (youth rule, Work First, home visit): gone for good."""
    world.leave_model(client)
    world.count("deterred")
    world.record(client, activity)


def admit(world: WorldView, client: Client) -> None:
    start_spell(world, client, world.env.now)
    intake(world, client, reentry=False)


def intake(world: WorldView, client: Client, reentry: bool) -> None:
    """Intake: assessment, group and handler; a contact when the policy holds an intake talk."""
    now = world.env.now
    world.record(client, Activity.BENEFIT_START)
    world.policy.assess_and_route(client, now)
    if not reentry:
        world.ladder.set_rung(client, world.ladder.initial_rung(client.true_phase, client.rng.luck), first=True)
    if world.policy.spec.intake_assessment:
        world.note_contact(client, "review", now)
    reschedule(world, client)


def populate(world: WorldView) -> None:
    """The initial stock: assessed first, then handed to handlers in group-priority order,
    so that free caseload places go to the best prospects (not to the lowest client ids)."""
    stock = initial_stock(world)
    for client, elapsed, since_contact in stock:
        start_spell(world, client, 0.0, elapsed, inflow=False)
        world.last_contact[client.id] = client.last_contact = -since_contact
        world.policy.assess_and_route(client, 0.0, route=False)
        world.ladder.set_rung(client, world.ladder.initial_rung(client.true_phase, client.rng.luck), first=True)
        world.part_time.initial(client, 0.0)
    priority = world.staff.priority
    for client, _, since_contact in sorted(stock, key=lambda item: priority.get(item[0].group, UNLISTED_PRIORITY)):
        world.policy.assign_handler(client, 0.0)
        interval = world.policy.groups[client.group].review_interval
        if interval is not None:
            due = interval - since_contact
            client.next_review = due if due > 0 else float(client.rng.review.uniform(0.0, interval))
        reschedule(world, client)
