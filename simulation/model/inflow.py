"""Inflow (instroom): applications as a Poisson process whose rate may change per calendar year.

Per year the number of applications is Poisson and their times uniform within the year: an
exact, batched way to sample a piecewise-constant-rate Poisson process. At the door, the
youth rule, Work First and home visits deter a share (seed 001: inflow −30%); the decision
uses the applicant's own stream, so the same applicants are deterred in comparable scenarios.
"""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING

import numpy as np
import simpy

from simulation.model.client import Activity
from simulation.model.intake import admit, deter
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
    """Each applicant at the door: redirected (youth rule), deterred (Work First, home visit) or admitted."""
    spec = world.scenario.inflow
    env = world.env
    drawer = PersonDrawer(world)
    for t in arrival_times(world).tolist():
        yield env.timeout(t - env.now)
        client = applicant(world, drawer, env.now)
        world.count("applications")
        world.record(client, Activity.APPLICATION)
        rng = client.rng.luck
        draws = (rng.random(), rng.random(), rng.random())
        if spec.youth_rule.enabled and client.age(env.now) < spec.youth_rule.age_limit and draws[0] < spec.youth_rule.redirected:
            deter(world, client, Activity.REDIRECTED_YOUTH)
        elif spec.work_first.enabled and draws[1] < spec.work_first.deterred:
            deter(world, client, Activity.DETERRED_WORK_FIRST)
        elif spec.home_visit.enabled and draws[2] < spec.home_visit.deterred:
            deter(world, client, Activity.DETERRED_HOME_VISIT)
        else:
            admit(world, client)
