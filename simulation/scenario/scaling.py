"""Smaller (or larger) versions of a scenario that keep its pressure: for notebooks, tests and trials.

A municipality of 7,000 clients takes seconds per replication; a student changing a policy, or
a test checking an invariant, wants the same world at a few hundred clients. Scaling only the
initial stock would leave staff and budgets idle; here inflow, staff, slots, urgent care and
budgets (and staff, which is what teams cost) are scaled by the same factor (read from the
file's own values), so queues and budgets stay about as tight as in the full scenario.
"""

from __future__ import annotations

import os

from simulation.scenario.units import DAYS_PER_YEAR


def scale_overrides(path: str | os.PathLike[str], initial_stock: int) -> list[str]:
    """Overrides (for ``load_scenario``) that resize the scenario at ``path`` to ``initial_stock`` clients."""
    from simulation.scenario import load_scenario

    model = load_scenario(path).model
    scale = initial_stock / model.population.initial_stock if model.population.initial_stock else 1.0

    def shrink(n: int) -> int:
        return 0 if n == 0 else max(1, round(n * scale))

    overrides = [
        f"population.initial_stock={initial_stock}",
        f"inflow.applications={model.inflow.applications * DAYS_PER_YEAR * scale:.4f} per year",
        f"klantmanagers.count={shrink(model.klantmanagers.count)}",
    ]
    for name, service in model.services.items():
        overrides.append(f"services.{name}.slots={shrink(service.slots)}")
        overrides.append(f"services.{name}.staff={service.staff * scale:.6g}")  # staff is what the team costs
        overrides.append(f"services.{name}.urgent_care.arrivals="
                         f"{service.urgent_care.arrivals * DAYS_PER_YEAR * scale:.4f} per year")
    for name, trajectory in model.trajectories.items():
        overrides.append(f"trajectories.{name}.slots={shrink(trajectory.slots)}")
    for name, budget in model.budgets.items():
        overrides.append(f"budgets.{name}.annual_amount=€{budget.annual_amount * DAYS_PER_YEAR * scale:.2f} per year")
    for group, n in model.klantmanagers.ring_fenced.items():
        overrides.append(f"klantmanagers.ring_fenced.{group}={shrink(n)}")
    return overrides


def load_scaled(path: str | os.PathLike[str], initial_stock: int, overrides: list[str] | None = None):
    """The scenario at ``path`` resized to ``initial_stock`` clients, then ``overrides`` applied."""
    from simulation.scenario import load_scenario

    return load_scenario(path, [*scale_overrides(path, initial_stock), *(overrides or [])])
