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
from simulation.scenario.schema import Budget
from simulation.scenario.units import DAYS_PER_YEAR

if TYPE_CHECKING:
    from simulation.model.world import World


class BudgetLine:
    def __init__(self, world: World, name: str, spec: Budget) -> None:
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

    def _calendar(self) -> Generator[simpy.Event, None, None]:
        """Replenish on the yearly date; apply cuts on their dates (pro rata on what is left)."""
        world, env = self.world, self.world.env
        month, day = (int(x) for x in self.spec.replenish_on.split("-"))
        events: list[tuple[float, str, float]] = []
        for year in world.calendar_years:
            t = world.day_of(dt.date(year, month, day))
            if 0 < t < world.t_end:
                events.append((t, "replenish", 0.0))
        for cut in self.spec.cuts:
            t = world.day_of(cut.from_date)
            if 0 <= t < world.t_end:
                events.append((t, "cut", cut.annual_amount * DAYS_PER_YEAR))
        for t, what, amount in sorted(events):
            yield env.timeout(t - env.now)
            if what == "cut":
                if self.annual > 0 and self.level > 0:
                    yield self.container.get(self.level * (1 - min(amount / self.annual, 1.0)))
                self.annual = amount
                self._book(None, "cut", 0.0, "")
            else:
                target = self.annual if not self.spec.carry_over else self.level + self.annual
                if target > self.level:
                    yield self.container.put(target - self.level)
                elif target < self.level:
                    yield self.container.get(self.level - target)
                self._book(None, "replenish", 0.0, "")

    def _book(self, client: Client | None, kind: str, amount: float, item: str) -> None:
        self.world.recorder.budget.append((self.world.env.now, self.name, amount, kind,
                                           client.id if client is not None else -1, item, self.level))

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
