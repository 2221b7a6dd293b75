"""Budget lines (re-integratiebudget, Wmo) as SimPy Containers: replenished yearly, cut from a date.

Money is committed when a trajectory is granted and what is not used is refunded, so the level
never goes below zero and "spent" is commitments minus refunds. When a line is spent, the policy
says whether clients wait for the next replenishment (FIFO) or are refused; both are recorded.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Generator
from typing import TYPE_CHECKING

import simpy

from simulation.model.client import Client
from simulation.model.records import BudgetRow
from simulation.scenario.schema import Budget
from simulation.scenario.units import DAYS_PER_YEAR

if TYPE_CHECKING:
    from simulation.model.protocols import WorldView


class BudgetLine:
    """One budget line: its money (a Container, in euros) and the yearly replenishments and cuts."""

    def __init__(self, world: WorldView, name: str, spec: Budget) -> None:
        self.world = world
        self.name = name
        self.spec = spec
        self.annual = spec.annual_amount * DAYS_PER_YEAR  # MoneyPerDay → euros per year
        # assumption: the run starts with a full year's budget, whatever the start date
        self.container = simpy.Container(world.env, init=self.annual)
        self.spent_total = 0.0
        world.env.process(self._calendar())

    @property
    def level(self) -> float:
        return self.container.level

    def _dates(self) -> list[tuple[float, str, float]]:
        """(day, "replenish" or "cut", new annual amount of a cut) within the run, in time order."""
        calendar = self.world.calendar
        month, day = (int(x) for x in self.spec.replenish_on.split("-"))
        events: list[tuple[float, str, float]] = []
        for year in calendar.calendar_years:
            t = calendar.day_of(dt.date(year, month, day))
            if 0 < t < calendar.t_end:
                events.append((t, "replenish", 0.0))
        for cut in self.spec.cuts:
            t = calendar.day_of(cut.from_date)
            if 0 <= t < calendar.t_end:
                events.append((t, "cut", cut.annual_amount * DAYS_PER_YEAR))
        return sorted(events)

    def _calendar(self) -> Generator[simpy.Event, None, None]:
        """Replenish on the yearly date; apply cuts on their dates."""
        env = self.world.env
        for t, what, amount in self._dates():
            yield env.timeout(t - env.now)
            if what == "cut":
                yield from self._cut(amount)
            else:
                yield from self._replenish()

    def _cut(self, annual: float) -> Generator[simpy.Event, None, None]:
        """A cut to ``annual`` a year from now on, pro rata on what is left."""
        if self.annual > 0 and self.level > 0:
            yield self.container.get(self.level * (1 - min(annual / self.annual, 1.0)))
        self.annual = annual
        self._book(None, "cut", 0.0, "")

    def _replenish(self) -> Generator[simpy.Event, None, None]:
        """Back to a year's budget, or a year's budget on top of what is left (``carry_over``)."""
        target = self.annual if not self.spec.carry_over else self.level + self.annual
        if target > self.level:
            yield self.container.put(target - self.level)
        elif target < self.level:
            yield self.container.get(self.level - target)
        self._book(None, "replenish", 0.0, "")

    def _book(self, client: Client | None, kind: str, amount: float, item: str) -> None:
        self.world.recorder.budget.append(BudgetRow(time=self.world.env.now, budget=self.name, amount=amount, kind=kind,
                                                    client=client.id if client is not None else -1, item=item,
                                                    level_after=self.level))

    def committed(self, amount: float, client: Client, item: str) -> None:
        self.spent_total += amount
        self._book(client, "commit", amount, item)

    def refund(self, amount: float, client: Client, item: str) -> None:
        if amount > 0:
            self.container.put(amount)
            self.spent_total -= amount
            self._book(client, "refund", -amount, item)

    def refused(self, client: Client, item: str) -> None:
        """A grant refused because the line is spent (``when_spent: refuse``)."""
        self._book(client, "refused", 0.0, item)

    def can_afford(self, amount: float) -> bool:
        return self.level >= amount

    def spend_now(self, amount: float, client: Client, item: str) -> bool:
        """A one-off grant paid at once, or refused if the money is not there."""
        if amount > self.level:
            self.refused(client, item)
            return False
        if amount > 0:
            self.container.get(amount)
            self.committed(amount, client, item)
        return True
