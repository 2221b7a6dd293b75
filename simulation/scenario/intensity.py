"""A policy's capacities and budgets, and their conversion per 1,000 clients on benefit.

Leeuwarden's 200 wijkteam places serve 6,000 clients; moved to Tilburg's 7,400 they would be
thinner spread. A policy keeps its *intensity* when every capacity and budget is converted per
client: value × (clients here ÷ clients there), with clients = the initial stock on benefit.
The same list resizes a whole scenario (``scaling.py``), so the two can never disagree about
what scales; it holds the capacities of dated changes (``capacity_changes``) too, converted as
the ones they replace. Each entry says its unit; whole-number capacities are rounded, and a capacity
that exists is never rounded away to 0.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Literal

from simulation.scenario.schema import CapacityChange, Scenario
from simulation.scenario.units import DAYS_PER_YEAR

Kind = Literal["places", "staff", "per_year", "money_per_year", "target_per_year"]
PER_CLIENTS = 1000
"""Intensities are shown per this many clients on benefit (issue 12: "per 1,000 clients")."""


@dataclass(frozen=True)
class Capacity:
    """One capacity or budget of a policy: its key, its value in the unit people write, its kind."""

    key: str
    value: float
    kind: Kind

    def converted(self, factor: float) -> float:
        """The value for a place ``factor`` times as large; places stay whole and an existing one stays."""
        value = self.value * factor
        if self.kind == "places":
            return 0 if self.value == 0 else max(1, round(value))
        if self.kind == "target_per_year":
            return round(value)
        return value

    def per_clients(self, clients: int) -> float:
        """The value per :data:`PER_CLIENTS` clients on benefit."""
        return self.value * PER_CLIENTS / clients if clients else float("nan")

    def text(self, value: float) -> str:
        """``value`` as a scenario file writes it (an override's right-hand side)."""
        if self.kind in ("places", "target_per_year"):
            return str(int(value))
        if self.kind == "staff":
            return yaml_float(f"{value:.6g}")
        if self.kind == "per_year":
            return f"{value:.4f} per year"
        return f"€{value:.2f} per year"


def yaml_float(text: str) -> str:
    """A float's text as YAML reads it back as a float: PyYAML (YAML 1.1) reads ``3e+306`` as a string,
    so the mantissa gets a point (``3.0e+306``); text without an exponent is a float already."""
    mantissa, exponent, power = text.partition("e")
    return f"{mantissa}.0e{power}" if exponent and "." not in mantissa else text


def policy_capacities(model: Scenario) -> Iterator[Capacity]:
    """Every capacity and budget of the policy sections, in file order."""
    yield Capacity("klantmanagers.count", model.klantmanagers.count, "places")
    for group, n in model.klantmanagers.ring_fenced.items():
        yield Capacity(f"klantmanagers.ring_fenced.{group}", n, "places")
    for name, service in model.services.items():
        yield Capacity(f"services.{name}.slots", service.slots, "places")
        yield Capacity(f"services.{name}.staff", service.staff, "staff")  # staff is what the team costs
        # the team's other work (urgent care for residents) grows with the city, so it travels per client
        yield Capacity(f"services.{name}.urgent_care.arrivals", service.urgent_care.arrivals * DAYS_PER_YEAR, "per_year")
        target = service.target
        yield Capacity(f"services.{name}.target.back_to_social_services_per_year",
                       target.back_to_social_services_per_year, "target_per_year")
        yield Capacity(f"services.{name}.target.volunteer_placements_per_year",
                       target.volunteer_placements_per_year, "target_per_year")
    for name, trajectory in model.trajectories.items():
        yield Capacity(f"trajectories.{name}.slots", trajectory.slots, "places")
    for name, budget in model.budgets.items():
        yield Capacity(f"budgets.{name}.annual_amount", budget.annual_amount * DAYS_PER_YEAR, "money_per_year")
        for i, cut in enumerate(budget.cuts):
            yield Capacity(f"budgets.{name}.cuts.{i}.annual_amount", cut.annual_amount * DAYS_PER_YEAR, "money_per_year")
    if model.experiment is not None:  # an experiment's cap on participants: a sample of the city's clients
        yield Capacity("experiment.participants", model.experiment.participants, "places")
    for i, change in enumerate(model.capacity_changes):
        yield from _changed_capacities(f"capacity_changes.{i}", change)


def _changed_capacities(at: str, change: CapacityChange) -> Iterator[Capacity]:
    """The capacities a dated change sets, converted as the ones they replace (a caseload is per
    klantmanager, so it stays, as ``klantmanagers.caseload`` does)."""
    settings: list[tuple[str, float | None, Kind]] = []
    if change.klantmanagers is not None:
        settings.append(("klantmanagers.count", change.klantmanagers.count, "places"))
    for name, service in change.services.items():
        urgent = service.urgent_care.arrivals if service.urgent_care is not None else None
        settings += [(f"services.{name}.slots", service.slots, "places"),
                     (f"services.{name}.staff", service.staff, "staff"),
                     (f"services.{name}.urgent_care.arrivals", _per_year(urgent), "per_year")]
    settings += [(f"trajectories.{name}.slots", t.slots, "places") for name, t in change.trajectories.items()]
    settings += [(f"budgets.{name}.annual_amount", _per_year(b.annual_amount), "money_per_year")
                 for name, b in change.budgets.items()]
    for key, value, kind in settings:
        if value is not None:  # only what the change names
            yield Capacity(f"{at}.{key}", value, kind)


def _per_year(per_day: float | None) -> float | None:
    return None if per_day is None else per_day * DAYS_PER_YEAR


def scaled_overrides(model: Scenario, factor: float) -> list[str]:
    """Overrides that convert every policy capacity of ``model`` by ``factor``."""
    return [f"{c.key}={c.text(c.converted(factor))}" for c in policy_capacities(model)]
