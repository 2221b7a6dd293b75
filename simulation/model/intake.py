"""Intake: the door (deterred or admitted, for new applicants and re-entries alike), the
assessment, the group and the handler.

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
    from simulation.scenario.distributions import RandomSource


def apply(world: WorldView, client: Client, rng: RandomSource, reentry: bool = False) -> None:
    """An application at the door, new or a re-entry (herinstroom): redirected (youth rule, by
    age), deterred (Work First, home visit) or admitted through intake.

    ``rng`` is the applicant's own stream: ``luck`` for a first application (as always), a
    stream of its own for a re-entry, so that passing the door again shifts no other draw. Three
    numbers per application whatever the rules, so the same applicants are deterred in
    comparable scenarios."""
    world.count("applications")
    world.record(client, Activity.APPLICATION)
    spec = world.scenario.inflow
    draws = (rng.random(), rng.random(), rng.random())
    now = world.env.now
    if spec.youth_rule.enabled and client.age(now) < spec.youth_rule.age_limit and draws[0] < spec.youth_rule.redirected:
        deter(world, client, Activity.REDIRECTED_YOUTH)
    elif spec.work_first.enabled and draws[1] < spec.work_first.deterred:
        deter(world, client, Activity.DETERRED_WORK_FIRST)
    elif spec.home_visit.enabled and draws[2] < spec.home_visit.deterred:
        deter(world, client, Activity.DETERRED_HOME_VISIT)
    else:
        start_spell(world, client, now)
        intake(world, client, reentry)


def deter(world: WorldView, client: Client, activity: Activity) -> None:
    """Turned away at the door (youth rule, Work First, home visit): gone for good."""
    world.leave_model(client)
    world.count("deterred")
    world.record(client, activity)


def intake(world: WorldView, client: Client, reentry: bool) -> None:
    """Intake: assessment, group and handler; a contact when the policy holds an intake talk."""
    now = world.env.now
    world.record(client, Activity.BENEFIT_START)
    world.policy.assess_and_route(client, now)
    if not reentry:
        world.ladder.set_rung(client, world.ladder.initial_rung(client.true_phase, client.rng.luck), first=True)
    elif client.origin == "leaver" and client.spell_no == 2:  # a recent leaver's first spell in the run
        world.ladder.set_rung(client, client.rung, first=True)  # starts its ladder path (rungs table)
    if world.policy.spec.intake_assessment:
        world.note_contact(client, "review", now)
    reschedule(world, client)


def populate(world: WorldView) -> list[Client]:
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
    for client, elapsed, since_contact in sorted(stock, key=lambda item: priority.get(item[0].group, UNLISTED_PRIORITY)):
        world.policy.assign_handler(client, 0.0)
        if world.scenario.population.past_contacts:
            world.policy.past_attention(client, elapsed)
        interval = world.policy.groups[client.group].review_interval
        if interval is not None:
            due = interval - since_contact
            client.next_review = due if due > 0 else float(client.rng.review.uniform(0.0, interval))
        reschedule(world, client)
    return [client for client, _, _ in stock]
