"""A client's benefit spell as competing risks, sampled as events (no daily ticking).

Each risk (exit to work, other exits, starting or ending part-time work: ``part_time``) holds a
unit-exponential "budget" drawn from the client's own streams when the spell starts; the hazard
(``hazards.Hazards``, ``part_time.PartTime.rate``) uses it up at its current rate, and the exit
(or the change of part-time work, with a fresh budget) happens when it is spent. Hazards are
piecewise constant: whenever something that changes them happens (a contact, a sanction, a
trajectory, a duration band edge, a new labour-market year) the spent part is booked and the next
event time recomputed. One timer per client is pending at any moment (``client.Timer``); a stale
timer is recognised by its version number.

The pending timer is moved only when the new due time is earlier: a later due time leaves it
where it is, and when it fires early it is re-armed for the due time (``_fire``). So each
change that makes the next event later costs nothing, and one that makes it earlier leaves one
stale timer behind; klantmanager contacts and caseload reviews are candidates of the same timer.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING

from simulation.model.client import Client, ClientState, ExitReason, Timer
from simulation.model.hazards import pick_reason
from simulation.model.later import call_later
from simulation.scenario.schema import KLANTMANAGER

if TYPE_CHECKING:
    from simulation.model.protocols import WorldView

INF = math.inf
#: a timer set for ``when`` fires at ``now + (when - now)``, which floating point may put a hair earlier
DUE_SLACK = 1e-9


def reschedule(world: WorldView, client: Client) -> None:
    """Book the hazard spent since the last change and set what the client's timer is due for.

    The run's hottest function (once per contact, exit, review and hazard change): kept to locals
    and comparisons where it can.
    """
    if not client.on_benefit:
        return
    now = world.env.now
    _book(client, now)
    hazards = world.hazards
    rate_work, next_change = hazards.work_rate(client, now)
    rate_other, turns_27 = hazards.other_rate(client, now)
    client.rate_work, client.rate_other = rate_work, rate_other
    client.rate_part = world.part_time.rate(client)  # after work_rate: it brings true phase and motivation up to date
    if turns_27 < next_change:
        next_change = turns_27
    if client.placement_until < next_change:
        next_change = client.placement_until
    if abs(client.motivation - client.motivation_base) > 0.01 and now + hazards.half_life < next_change:
        next_change = now + hazards.half_life
    kind, when = _earliest(world, client, now, next_change)
    client.timer_kind = kind
    client.due = when
    if when < client.timer_at:
        _arm(world, client, when, now)


def _book(client: Client, now: float) -> None:
    """Spend each risk's budget at its rate since the last change."""
    spent_for = now - client.rate_time
    if spent_for > 0.0:
        client.e_work = max(client.e_work - client.rate_work * spent_for, 0.0)
        client.e_other = max(client.e_other - client.rate_other * spent_for, 0.0)
        client.e_part = max(client.e_part - client.rate_part * spent_for, 0.0)
    client.rate_time = now


def _earliest(world: WorldView, client: Client, now: float, next_change: float) -> tuple[Timer, float]:
    """The first of the candidates (never before ``now``); among equal times the first in Timer order."""
    rate_work, rate_other = client.rate_work, client.rate_other
    kind, when = Timer.WORK, now + client.e_work / rate_work if rate_work > 0.0 else INF
    if rate_other > 0.0 and (other := now + client.e_other / rate_other) < when:
        kind, when = Timer.OTHER, other
    if (pension := client.birth + world.hazards.pension_days) < when:
        kind, when = Timer.PENSION, pension
    kind, when = _earliest_planned(world, client, kind, when, next_change)
    if client.rate_part > 0.0 and (part := now + client.e_part / client.rate_part) < when:
        kind, when = Timer.PART_TIME, part
    return kind, max(when, now)


def _earliest_planned(world: WorldView, client: Client, kind: Timer, when: float,
                      next_change: float) -> tuple[Timer, float]:
    """``_earliest`` for the timers that come after the exits in Timer order."""
    if not client.has_klantmanager and client.next_review < when:
        kind, when = Timer.REVIEW, client.next_review
    if (drift := world.ladder.next_drift(client)) < when:
        kind, when = Timer.DRIFT, drift
    if next_change < when:
        kind, when = Timer.CHANGE, next_change
    if client.next_contact < when:
        kind, when = Timer.CONTACT, client.next_contact
    if client.caseload_review_at < when:
        kind, when = Timer.CASELOAD, client.caseload_review_at
    return kind, when


def _arm(world: WorldView, client: Client, when: float, now: float) -> None:
    """Push the client's timer for ``when``; a timer pending for later becomes stale (its version)."""
    client.timer_version += 1
    if when < world.t_end:
        client.timer_at = when
        call_later(world.env, when - now, _fire, world, client, client.timer_version)
    else:
        client.timer_at = INF


def _fire(world: WorldView, client: Client, version: int) -> None:
    if version != client.timer_version or not client.on_benefit:
        return  # superseded by an earlier timer, or the client already left
    client.timer_at = INF
    now = world.env.now
    if client.due > now + DUE_SLACK:  # the due time moved later since this timer was set
        _arm(world, client, client.due, now)
    elif _ON_TIMER[client.timer_kind](world, client, now):
        reschedule(world, client)


# --- what each timer does; True when the client is still on benefit and needs a new timer --------

def _work_due(world: WorldView, client: Client, now: float) -> bool:
    world.jobs.exit_to_work(client, now, job_type=None, via="job search")
    return False


def _other_due(world: WorldView, client: Client, now: float) -> bool:
    """Which other exit: drawn in proportion to the rates now."""
    reason = pick_reason(world.hazards.other_rates(client, now), client.rng.luck.random())
    end_spell(world, client, now, reason)
    world.jobs.after_other_exit(client, now, reason)
    return False


def _pension_due(world: WorldView, client: Client, now: float) -> bool:
    end_spell(world, client, now, ExitReason.PENSION)
    world.leave_model(client)
    return False


def _review_due(world: WorldView, client: Client, now: float) -> bool:
    world.policy.contact(client, "review")
    interval = world.policy.groups[client.group].review_interval
    client.next_review = now + interval if interval is not None else INF
    return True


def _drift_due(world: WorldView, client: Client, now: float) -> bool:
    world.ladder.drift(client, now)
    return True


def _change_due(world: WorldView, client: Client, now: float) -> bool:
    if now >= client.placement_until:
        world.ladder.end_placement(client)
    return True


def _contact_due(world: WorldView, client: Client, now: float) -> bool:
    return world.staff.contact_due(client, now)


def _caseload_due(world: WorldView, client: Client, now: float) -> bool:
    return world.staff.caseload_review(client, now)


def _part_time_due(world: WorldView, client: Client, now: float) -> bool:
    _book(client, now)  # the other risks' budgets at the rates of the old state, before it changes
    world.part_time.toggle(client, now)
    return True


_ON_TIMER: dict[Timer, Callable[[WorldView, Client, float], bool]] = {
    Timer.WORK: _work_due, Timer.OTHER: _other_due, Timer.PENSION: _pension_due,
    Timer.REVIEW: _review_due, Timer.DRIFT: _drift_due, Timer.CHANGE: _change_due,
    Timer.CONTACT: _contact_due, Timer.CASELOAD: _caseload_due, Timer.PART_TIME: _part_time_due,
}


# --- the spell ---------------------------------------------------------------------------------

def start_spell(world: WorldView, client: Client, now: float, elapsed: float = 0.0, inflow: bool = True) -> None:
    """The client (re-)enters benefit; its history (phase aside) is kept across spells."""
    client.on_benefit = True
    client.state = ClientState.BENEFIT
    client.spell_no += 1
    client.spell_start = now - elapsed
    client.entry_time = now
    client.e_work = float(client.rng.luck.exponential())
    client.e_other = float(client.rng.luck.exponential())
    client.e_part = float(client.rng.part_time.exponential())  # its own stream: luck's draws stay as they were
    client.rate_work = client.rate_other = client.rate_part = 0.0
    client.rate_time = now
    client.exit_reason = ExitReason.CENSORED
    client.timer_at = INF
    client.placement_until = INF
    client.trajectory_until = -INF  # a trajectory ends with the spell it was part of
    client.trajectory_multiplier = 1.0
    world.enter_stock(client, now, inflow)


def end_spell(world: WorldView, client: Client, now: float, reason: ExitReason) -> None:
    """Close the spell, stop everything waiting on the client, book the exit."""
    client.on_benefit = False
    client.exit_reason = reason
    client.timer_version += 1
    client.timer_at = INF
    if client.part_time is not None:  # the job ends with the spell (or becomes the work it leaves for)
        world.part_time.stop(client, now)
    world.leave_stock(client, now, reason)
    if client.handler == KLANTMANAGER:
        world.staff.leave(client)
    for case in list(client.cases or ()):  # the cases with teams and trajectories
        case.desk.stop(case)
    client.handler = None
    client.handler_override = None

