"""The calendar of one run: simulation days (0 = the start date) against dates, years and months.

The model runs in days; the scenario speaks in dates (policy changes, budget cuts, labour-market
years, yearly targets) and the monthly snapshots in calendar months. The tables are built once.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right

from simulation.scenario.schema import Clock


class Calendar:
    """Days since the start, calendar years and month ends up to ``t_end`` (horizon + follow-up)."""

    def __init__(self, clock: Clock) -> None:
        self.start_date = clock.start
        self.warmup = clock.warmup
        self.horizon = clock.horizon
        self.t_end = clock.horizon + clock.follow_up
        self.year_starts, self.calendar_years = self._years()
        self.month_ends = self._month_ends()

    def _years(self) -> tuple[list[float], list[int]]:
        """Day of each 1 January before ``t_end`` (the start counts as the first year's start)."""
        year_starts = [0.0]
        calendar_years = [self.start_date.year]
        year = self.start_date.year + 1
        while (t := self.day_of(dt.date(year, 1, 1))) < self.t_end:
            year_starts.append(t)
            calendar_years.append(year)
            year += 1
        return year_starts, calendar_years

    def _month_ends(self) -> list[tuple[float, str]]:
        """(day the month ends, "YYYY-MM") for every whole month up to ``t_end``."""
        month_ends: list[tuple[float, str]] = []
        first = dt.date(self.start_date.year, self.start_date.month, 1)
        while True:
            nxt = (first + dt.timedelta(days=32)).replace(day=1)
            t = self.day_of(nxt)
            if t > self.t_end + 1e-9:
                break
            month_ends.append((t, first.strftime("%Y-%m")))
            first = nxt
        return month_ends

    def day_of(self, date: dt.date) -> float:
        return float((date - self.start_date).days)

    def calendar_year(self, now: float) -> int:
        return self.calendar_years[bisect_right(self.year_starts, now) - 1]

    def fraction_of_year(self, now: float) -> float:
        """How far into its calendar year ``now`` is (0 on 1 January), for pro-rated targets."""
        year = self.calendar_year(now)
        jan1 = self.day_of(dt.date(year, 1, 1))
        return (now - jan1) / (self.day_of(dt.date(year + 1, 1, 1)) - jan1)

    def period_of(self, month_start: float) -> str:
        """Months belong to a period by their first day; a day's slack absorbs 365.25-day years."""
        if month_start < self.warmup - 1.0:
            return "warmup"
        return "observation" if month_start < self.horizon - 1.0 else "follow_up"

    def month_label(self, day: float) -> str:
        """"YYYY-MM" of the month that holds simulation day ``day``."""
        return (dt.datetime.combine(self.start_date, dt.time()) + dt.timedelta(days=day)).strftime("%Y-%m")
