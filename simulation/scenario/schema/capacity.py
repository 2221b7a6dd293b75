"""Dated changes of capacity and budgets (``capacity_changes``): more klantmanagers, places or
staff for a team, places in a trajectory, or a budget line's yearly amount, from a date on.

Unlike every other section, the keys of a change are optional: a change names only what changes
(``services: {wijkteam: {slots: 120}}``) and everything it does not name stays as it was, so
there is nothing for ``scenarios/base.yaml`` to set (its ``capacity_changes`` is ``[]``). What
happens at the date is the model's (``model/capacity_changes.py``); names that must exist
(a team, a trajectory, a budget) and dates inside the run are checked in ``references``.
"""

from __future__ import annotations

import datetime as dt

from pydantic import ConfigDict, Field, model_validator

from simulation.scenario.schema.common import Strict
from simulation.scenario.units import MoneyPerDay, NonNegativeInt, Rate, StaffCount


class KlantmanagersChange(Strict):
    count: NonNegativeInt | None = None
    caseload: NonNegativeInt | None = None


class UrgentCareChange(Strict):
    arrivals: Rate | None = None


class ServiceChange(Strict):
    slots: NonNegativeInt | None = None
    staff: StaffCount | None = None
    urgent_care: UrgentCareChange | None = None


class TrajectoryChange(Strict):
    slots: NonNegativeInt | None = None


class BudgetChange(Strict):
    annual_amount: MoneyPerDay | None = None


class CapacityChange(Strict):
    """The capacities and budgets that change on one date; what a change does not name stays."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)
    from_date: dt.date = Field(alias="from")
    klantmanagers: KlantmanagersChange | None = None
    services: dict[str, ServiceChange] = Field(default_factory=dict)
    trajectories: dict[str, TrajectoryChange] = Field(default_factory=dict)
    budgets: dict[str, BudgetChange] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _names_something(self) -> CapacityChange:
        if self.klantmanagers is None and not (self.services or self.trajectories or self.budgets):
            raise ValueError("a capacity change names nothing to change: give klantmanagers, services, "
                             "trajectories or budgets")
        return self
