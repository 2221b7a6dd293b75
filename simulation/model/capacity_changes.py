"""Dated changes of capacity and budgets (``capacity_changes``): from each date the keys a change
names take their new values; the rest stay as they were.

What happens at the date, and why:

- **More places** (klantmanagers' caseload places, a team's slots, a trajectory's places): those
  waiting are served at once, in the order of the line (priority, then who asked first), as
  when a place is given up. A team or trajectory that had no places gets a line then, with its
  waiting clients in that order.
- **Fewer places**: nobody is sent away. Caseloads, cases and trajectories run their course
  and the places run down as people leave; nobody new is admitted until fewer than the new
  number are in use (a klantmanager's outranked holder keeps its place while the caseloads are
  over the new size, since giving it up would let nobody in).
- **Staff** (a team's ``staff``, the klantmanager ``count``): what they cost follows the new
  number from the date (``outcomes.headline.activation_cost``); a team's staff does not limit
  its cases, its slots do.
- **Urgent care arrivals**: the stream follows the new rate from the date.
- **A budget's yearly amount**: the next replenishment is the new amount; the money of the
  current budget year changes by (new − old) × the share of the budget year still to come,
  never below 0, and grants waiting for money are served if they now fit
  (``budgets.BudgetLine.change_annual``).
"""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING

import simpy

from simulation.scenario.schema import CapacityChange
from simulation.scenario.units import DAYS_PER_YEAR

if TYPE_CHECKING:
    from simulation.model.protocols import WorldView


def capacity_changes(world: WorldView) -> Generator[simpy.Event, None, None]:
    """At each change's date, after what was already due then (the previous month's snapshot, a
    yearly replenishment), the change applies (``apply_capacity``)."""
    env = world.env
    for change in world.scenario.capacity_changes:
        yield env.timeout(world.calendar.day_of(change.from_date) - env.now)
        yield env.timeout(0)
        apply_capacity(world, change)


def apply_capacity(world: WorldView, change: CapacityChange) -> None:
    """Klantmanagers, then teams, trajectories and budgets, each in the order the change names them."""
    if change.klantmanagers is not None:
        world.staff.resize(change.klantmanagers.count, change.klantmanagers.caseload)
    for name, service in change.services.items():
        desk = world.services[name]
        if service.urgent_care is not None and service.urgent_care.arrivals is not None:
            desk.set_urgent_rate(service.urgent_care.arrivals)  # before the slots: a team given slots starts its stream
        if service.slots is not None:
            desk.resize(service.slots)
    for name, trajectory in change.trajectories.items():
        if trajectory.slots is not None:
            world.trajectories[name].resize(trajectory.slots)
    for name, budget in change.budgets.items():
        if budget.annual_amount is not None:
            world.budgets[name].change_annual(budget.annual_amount * DAYS_PER_YEAR)  # MoneyPerDay → euros per year
