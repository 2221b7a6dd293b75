"""Smaller (or larger) versions of a scenario that keep its pressure: for notebooks, tests and trials.

A municipality of 7,000 clients takes seconds per replication; a student changing a policy, or
a test checking an invariant, wants the same world at a few hundred clients. Scaling only the
initial stock would leave staff and budgets idle; here the inflow and every capacity and budget
of the policy (``intensity.py``: staff, places, urgent care, team targets, budgets) are scaled by
the same factor (read from the file's own values), so queues and budgets stay about as tight as
in the full scenario. The new size is a count of clients like ``population.initial_stock`` (at most
``units.MAX_COUNT``); every number is written as text the loader reads back as a number.
"""

from __future__ import annotations

import os
from numbers import Integral

from simulation.errors import ScenarioError
from simulation.scenario.bounds import MAX_COUNT
from simulation.scenario.intensity import scaled_overrides
from simulation.scenario.units import DAYS_PER_YEAR


def scale_overrides(path: str | os.PathLike[str], initial_stock: int) -> list[str]:
    """Overrides (for ``load_scenario``) that resize the scenario at ``path`` to ``initial_stock`` clients."""
    from simulation.scenario import load_scenario

    if isinstance(initial_stock, bool) or not isinstance(initial_stock, Integral) or not 1 <= initial_stock <= MAX_COUNT:
        shown = repr(initial_stock)
        raise ScenarioError(f"must be a whole number from 1 to {MAX_COUNT:,} (a count of clients), got "
                            f"{shown if len(shown) <= 20 else f'{len(shown)} digits'}", argument="initial_stock")
    model = load_scenario(path).model
    scale = initial_stock / model.population.initial_stock if model.population.initial_stock else 1.0

    overrides = [
        f"population.initial_stock={initial_stock}",
        f"inflow.applications={model.inflow.applications * DAYS_PER_YEAR * scale:.4f} per year",
        *scaled_overrides(model, scale),
    ]
    return overrides


def load_scaled(path: str | os.PathLike[str], initial_stock: int, overrides: list[str] | None = None):
    """The scenario at ``path`` resized to ``initial_stock`` clients, then ``overrides`` applied."""
    from simulation.scenario import load_scenario

    return load_scenario(path, [*scale_overrides(path, initial_stock), *(overrides or [])])
