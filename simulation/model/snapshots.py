"""Monthly snapshots: one row per calendar month of the stock, those working part-time and their
summed earnings (€ a month), the ladder, the groups, every resource's capacity, use and queue, the
budgets, and the month's counts (``monthly`` table)."""

from __future__ import annotations

from collections.abc import Generator
from typing import TYPE_CHECKING, Any

import numpy as np
import simpy

from simulation.model.resources import CaseloadPool, SlotPool
from simulation.scenario.units import DAYS_PER_YEAR

if TYPE_CHECKING:
    from simulation.model.protocols import WorldView


def snapshots(world: WorldView) -> Generator[simpy.Event, None, None]:
    """At each month end a row, and the month's counts start again."""
    env, calendar = world.env, world.calendar
    month_start = 0.0
    for t, label in calendar.month_ends:
        yield env.timeout(t - env.now)
        world.recorder.monthly.append(snapshot_row(world, month_start, t, label))
        world.month.clear()
        world.retire_finished()
        month_start = t
    if month_start < calendar.t_end - 1e-9:  # a run that does not end on a month end: its partial last month
        yield env.timeout(calendar.t_end - env.now)
        label = calendar.month_label(month_start)
        world.recorder.monthly.append(snapshot_row(world, month_start, calendar.t_end, label))


def snapshot_row(world: WorldView, month_start: float, t: float, label: str) -> dict[str, Any]:
    """The row of the month that starts at ``month_start`` and ends at ``t``."""
    stale = world.on_benefit & (t - world.last_contact > DAYS_PER_YEAR)
    row: dict[str, Any] = {"month": label, "start": month_start, "time": t, "period": world.calendar.period_of(month_start),
                           "stock": world.stock, "no_contact_12m": int(stale.sum()),
                           "part_time": world.part_time.count, "part_time_earnings": world.part_time.earnings_cents / 100}
    row.update({f"rung_{r}": world.ladder.rung_counts[r] for r in range(1, 7)})
    phases = np.bincount(world.phases[world.on_benefit], minlength=6).tolist()
    row.update({f"phase_{p}": phases[p] for p in range(1, 6)})
    row.update({f"group_{g}": world.group_counts[g] for g in world.scenario.policy.groups})
    for name, pool in world.staff.pools().items():
        row.update(resource_columns(name, pool))
    for name, desk in world.services.items():
        row.update(resource_columns(name, desk.resource))
    for name, programme in world.trajectories.items():
        row.update(resource_columns(name, programme.resource))
    row.update({f"budget_{name}": line.level for name, line in world.budgets.items()})
    row.update(world.month)
    world.recorder.month_counts.update(world.month)
    return row


def resource_columns(name: str, resource: CaseloadPool | SlotPool | None) -> dict[str, float]:
    """Capacity, places in use and queue length; a team without slots has 0 of each."""
    if resource is None:
        return {f"{name}_capacity": 0, f"{name}_busy": 0, f"{name}_queue": 0}
    return {f"{name}_capacity": resource.capacity, f"{name}_busy": resource.count, f"{name}_queue": resource.queue_length}
