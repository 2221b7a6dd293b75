"""Inflow (instroom): applications as a Poisson process whose rate may change per calendar year.

Per year the number of applications is Poisson and their times uniform within the year: an
exact, batched way to sample a piecewise-constant-rate Poisson process. At the door, the
youth rule, Work First and home visits deter a share (seed 001: inflow −30%); the decision
uses the applicant's own stream, so the same applicants are deterred in comparable scenarios.
Re-entries pass the same door (``intake.apply``, from ``jobs``).
"""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING

import numpy as np
import simpy

from simulation.model.intake import apply
from simulation.model.population import PersonDrawer, applicant

if TYPE_CHECKING:
    from simulation.model.protocols import WorldView


def arrival_times(world: WorldView) -> np.ndarray:
    """Application times for the whole run, per calendar year at that year's rate."""
    spec = world.scenario.inflow
    rng = world.streams.arrivals
    calendar = world.calendar
    times = []
    edges = [*calendar.year_starts, calendar.t_end]
    for i, year in enumerate(calendar.calendar_years):
        lo, hi = edges[i], min(edges[i + 1], calendar.t_end)
        if hi <= lo:
            continue
        rate = spec.applications * spec.multiplier_by_year.get(year, 1.0)
        n = rng.poisson(rate * (hi - lo))
        times.append(np.sort(rng.uniform(lo, hi, size=n)))
    return np.concatenate(times) if times else np.zeros(0)


def arrivals(world: WorldView) -> Generator[simpy.Event, None, None]:
    """Each applicant at the door (``intake.apply``): redirected, deterred or admitted."""
    env = world.env
    drawer = PersonDrawer(world)
    for t in arrival_times(world).tolist():
        yield env.timeout(t - env.now)
        client = applicant(world, drawer, env.now)
        apply(world, client, client.rng.luck)
