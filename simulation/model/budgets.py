"""Budget lines (re-integratiebudget, Wmo): replenished yearly, cut or changed from a date.

Money is committed when a trajectory is granted and what is not used is refunded, so the level
never goes below zero and "spent" is commitments minus refunds. When a line is spent, the policy
says whether clients wait for the next replenishment (first come, first served: a grant that
does not fit holds up the ones behind it, as a SimPy Container's queue does) or are refused; both
are recorded. The waiting list is plain data with callbacks (no SimPy events per client), so
thousands waiting cost nothing per event.
"""

from __future__ import annotations

import datetime as dt
from collections import deque
from collections.abc import Callable, Generator
from typing import TYPE_CHECKING, Any

import simpy

from simulation.model.client import Client
from simulation.model.records import BudgetRow
from simulation.scenario.schema import Budget
from simulation.scenario.units import DAYS_PER_YEAR

if TYPE_CHECKING:
    from simulation.model.protocols import WorldView


class BudgetLine:
    """One budget line: its money (in euros), the line of grants waiting for it, and the yearly
    replenishments and cuts."""

    def __init__(self, world: WorldView, name: str, spec: Budget) -> None:
        self.world = world
        self.name = name
        self.spec = spec
        self.annual = spec.annual_amount * DAYS_PER_YEAR  # MoneyPerDay → euros per year
        # assumption: the run starts with a full year's budget, whatever the start date
        self.level = self.annual
        self.waiting: deque[list[Any]] = deque()  # [amount, holder, on_grant]; holder None: crossed out
        self.spent_total = 0.0
        world.env.process(self._calendar())

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
                self._cut(amount)
            else:
                self._replenish()

    def _cut(self, annual: float) -> None:
        """A cut to ``annual`` a year from now on, pro rata on what is left."""
        if self.annual > 0 and self.level > 0:
            self.level -= self.level * (1 - min(annual / self.annual, 1.0))
        self.annual = annual
        self._book(None, "cut", 0.0, "")

    def change_annual(self, annual: float) -> None:
        """A dated change of the yearly amount (``capacity_changes``): the next replenishment is
        ``annual``, and this budget year's money changes by the difference times the share of the
        budget year still to come (never below 0), as if the year's budget had been set pro rata;
        grants waiting for money are served if they now fit. Booked as a "change" of that size."""
        before = self.level
        self.level = max(0.0, self.level + (annual - self.annual) * self._year_to_come())
        self.annual = annual
        self._book(None, "change", self.level - before, "")
        self._serve()

    def _year_to_come(self) -> float:
        """The share of the current budget year (from one replenishment date to the next) still to come."""
        calendar, now = self.world.calendar, self.world.env.now
        month, day = (int(x) for x in self.spec.replenish_on.split("-"))
        year = (calendar.start_date + dt.timedelta(days=now)).year
        dates = [calendar.day_of(dt.date(y, month, day)) for y in (year - 1, year, year + 1)]
        last = max(t for t in dates if t <= now)
        following = min(t for t in dates if t > now)
        return (following - now) / (following - last)

    def _replenish(self) -> None:
        """Back to a year's budget, or a year's budget on top of what is left (``carry_over``)."""
        self.level = self.annual if not self.spec.carry_over else self.level + self.annual
        self._book(None, "replenish", 0.0, "")
        self._serve()

    # --- grants that wait for money ----------------------------------------------------------

    def request(self, amount: float, holder: Any, on_grant: Callable[[Any], None]) -> list[Any] | None:
        """Take ``amount`` now (None) if nobody waits before and it is there; else join the line and
        get the entry to ``cancel``: ``on_grant(holder)`` is called when the money is taken."""
        if not self._first_waiting() and self.level >= amount:
            self.level -= amount
            return None
        entry = [amount, holder, on_grant]
        self.waiting.append(entry)
        return entry

    @staticmethod
    def cancel(entry: list[Any]) -> None:
        entry[1] = None

    def _first_waiting(self) -> list[Any] | None:
        waiting = self.waiting
        while waiting and waiting[0][1] is None:
            waiting.popleft()
        return waiting[0] if waiting else None

    def _serve(self) -> None:
        """Money came in: grants at the front of the line take it while it lasts."""
        while (entry := self._first_waiting()) is not None and self.level >= entry[0]:
            self.waiting.popleft()
            self.level -= entry[0]
            entry[2](entry[1])

    @property
    def queue_length(self) -> int:
        return sum(entry[1] is not None for entry in self.waiting)

    def _book(self, client: Client | None, kind: str, amount: float, item: str) -> None:
        self.world.recorder.budget.append(BudgetRow(time=self.world.env.now, budget=self.name, amount=amount, kind=kind,
                                                    client=client.id if client is not None else -1, item=item,
                                                    level_after=self.level))

    def committed(self, amount: float, client: Client, item: str) -> None:
        self.spent_total += amount
        self._book(client, "commit", amount, item)

    def refund(self, amount: float, client: Client, item: str) -> None:
        """Money not used comes back; it is booked before the grants it lets through."""
        if amount > 0:
            self.level += amount
            self.spent_total -= amount
            self._book(client, "refund", -amount, item)
            self._serve()

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
            self.level -= amount
            self.committed(amount, client, item)
        return True
