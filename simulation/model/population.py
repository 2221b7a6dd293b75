"""Synthetic clients: the initial stock (drawn in batches) and applicants (drawn one by one).

Defaults in ``scenarios/base.yaml`` reproduce "Who the clients are" in domain.md (seed 000:
mean age 41, small majority male, more than half single, one in three of migrant origin,
medical and psychological barriers most common) and the CBS duration profile (calibration.md §A).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from simulation.model.client import BARRIER_BIT, EDUCATION, HOUSEHOLDS, Client
from simulation.scenario.schema import BARRIERS
from simulation.scenario.units import DAYS_PER_YEAR

if TYPE_CHECKING:
    from simulation.model.protocols import WorldView

MIN_AGE = 18.0


def _barrier_masks(world: WorldView, draws: np.ndarray, migrant: np.ndarray,
                   statushouder: np.ndarray, multiplier: float) -> np.ndarray:
    """One column of uniforms per barrier; a barrier is present when its uniform is below its share."""
    spec = world.scenario.population
    masks = np.zeros(len(draws), dtype=np.int64)
    for column, name in enumerate(BARRIERS):
        p = np.full(len(draws), getattr(spec.barriers, name) * multiplier)
        if name == "language":  # the language barrier is a migrant's (seed 002: statushouders mostly face language only)
            p = np.where(migrant, p, 0.0)
            p = np.where(statushouder, spec.language_barrier_statushouder, p)
        masks |= np.where(draws[:, column] < np.clip(p, 0.0, 1.0), BARRIER_BIT[name], 0)
    return masks


def categorical(shares: list[float], uniforms: np.ndarray) -> np.ndarray:
    """Index of the category each uniform falls in (faster than Generator.choice for small n)."""
    return np.minimum(np.searchsorted(np.cumsum(shares), uniforms, side="right"), len(shares) - 1)


def _attributes(world: WorldView, n: int, rng: np.random.Generator, ages: np.ndarray,
                barrier_multiplier: float, motivation_shift: float) -> dict[str, np.ndarray]:
    spec = world.scenario.population
    pension_age = world.scenario.other_exits.pension_age
    draws = rng.random((n, 5 + len(BARRIERS)))
    migrant = draws[:, 0] < spec.migrant_background
    statushouder = migrant & (draws[:, 1] < spec.statushouder_share_of_migrants)
    return {
        "age": np.clip(ages, MIN_AGE, pension_age - 1e-3),
        "male": draws[:, 2] < spec.share_male,
        "household": categorical([getattr(spec.household, h) for h in HOUSEHOLDS], draws[:, 3]),
        "education": categorical([getattr(spec.education, e) for e in EDUCATION], draws[:, 4]),
        "migrant": migrant,
        "statushouder": statushouder,
        "barriers": _barrier_masks(world, draws[:, 5:], migrant, statushouder, barrier_multiplier),
        "motivation": np.clip(spec.motivation.sample(rng, n) + motivation_shift, 0.0, 1.0),
        "trust": np.clip(spec.trust.sample(rng, n), 0.0, 1.0),
    }


def _apply(client: Client, attrs: dict[str, np.ndarray], i: int, now: float) -> None:
    client.birth = now - float(attrs["age"][i]) * DAYS_PER_YEAR
    client.male = bool(attrs["male"][i])
    client.household = HOUSEHOLDS[int(attrs["household"][i])]
    client.education = EDUCATION[int(attrs["education"][i])]
    client.migrant = bool(attrs["migrant"][i])
    client.statushouder = bool(attrs["statushouder"][i])
    client.barriers = int(attrs["barriers"][i])
    client.motivation = client.motivation_base = float(attrs["motivation"][i])
    client.trust = float(attrs["trust"][i])


def initial_stock(world: WorldView) -> list[tuple[Client, float, float]]:
    """The clients on benefit at the start, with (elapsed spell length, days since last contact)."""
    spec = world.scenario.population
    rng = world.streams.population
    n = spec.initial_stock
    attrs = _attributes(world, n, rng, spec.age.sample(rng, n), 1.0, 0.0)
    elapsed = spec.initial_duration.sample(rng, n)
    # nobody has been on benefit longer than since turning 18
    elapsed = np.minimum(elapsed, (attrs["age"] - MIN_AGE) * DAYS_PER_YEAR)
    since_contact = spec.time_since_last_contact.sample(rng, n)
    stock = []
    for i in range(n):
        client = world.new_client("initial")
        _apply(client, attrs, i, 0.0)
        stock.append((client, float(elapsed[i]), float(since_contact[i])))
    return stock


def applicant(world: WorldView, now: float) -> Client:
    """A new applicant, drawn from the client's own stream (common random numbers)."""
    spec = world.scenario.inflow
    client = world.new_client("inflow")
    rng = client.rng.luck
    attrs = _attributes(world, 1, rng, spec.age.sample(rng, 1), spec.barrier_probability_multiplier,
                        spec.motivation_shift)
    _apply(client, attrs, 0, now)
    return client
