"""A client's benefit spell as competing risks, sampled as events (no daily ticking).

Each risk (exit to work, other exits) holds a unit-exponential "budget" drawn from the
client's own stream when the spell starts; the hazard uses it up at its current rate, and
the exit happens when it is spent. Hazards are piecewise constant: whenever something that
changes them happens (a contact, a sanction, a trajectory, a duration band edge, a new
labour-market year) the spent part is booked and the next event time recomputed. One timer
per client is pending at any moment; a stale timer is recognised by its version number.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from functools import partial
from typing import TYPE_CHECKING

import simpy

from simulation.model.client import OTHER_EXIT_REASONS, Client, ExitReason
from simulation.scenario.units import DAYS_PER_YEAR

if TYPE_CHECKING:
    from simulation.model.world import World
    from simulation.scenario.schema import Policy

WORK, OTHER, PENSION, REVIEW, DRIFT, CHANGE = range(6)
INF = math.inf
STRICTNESS = {"waive": 0, "ask": 1, "enforce": 2}
#: other_exits.education_multiplier_under_27 applies below this age: the under-27 line of the youth rule (cal §D)
EDUCATION_AGE_LIMIT = 27 * DAYS_PER_YEAR


def current_motivation(world: World, client: Client, now: float) -> float:
    """Motivation gained from attention decays back to the client's own level (half-life)."""
    gap = client.motivation - client.motivation_base
    if gap != 0.0 and now > client.motivation_time:
        client.motivation = client.motivation_base + gap * 0.5 ** ((now - client.motivation_time) / world.half_life)
    client.motivation_time = now
    return client.motivation


def strictest_mode(policy: Policy, group: str) -> str:
    obligations = policy.groups[group].obligations
    return max(obligations.job_search, obligations.tegenprestatie, key=STRICTNESS.__getitem__)


def _work_rate(world: World, client: Client, now: float) -> tuple[float, float]:
    """Exit-to-work hazard per day now, and the next time it changes by itself."""
    spec = world.scenario.work_exit
    # the small margin keeps a band edge that floating point puts at ``now`` from firing twice
    duration = now - client.spell_start + 1e-7
    band = bisect_right(world.band_starts, duration) - 1
    next_change = client.spell_start + world.band_starts[band + 1] if band + 1 < len(world.band_starts) else INF
    year_index = bisect_right(world.year_starts, now) - 1
    next_change = min(next_change, world.labour_market_changes[year_index])
    client.true_phase = world.assessor.true_phase(client, now)
    rate = world.base_work_rate[client.true_phase] * world.band_multipliers[band] * world.labour_market[year_index]
    rate *= math.exp(spec.motivation_effect * (current_motivation(world, client, now) - 0.5))
    rate *= world.threat[client.group].work_hazard_multiplier
    if now < client.sanction_effect_until:
        rate *= world.scenario.sanctions.work_hazard_multiplier
        next_change = min(next_change, client.sanction_effect_until)
    if now < client.trajectory_until:
        rate *= client.trajectory_multiplier
        next_change = min(next_change, client.trajectory_until)
    return rate, next_change


def other_rates(world: World, client: Client, now: float) -> list[tuple[ExitReason, float]]:
    """Hazards per day of each exit other than work and pension."""
    rates = list(world.other_rates)
    if now - client.birth < EDUCATION_AGE_LIMIT:
        index = OTHER_EXIT_REASONS.index(ExitReason.EDUCATION)
        rates[index] *= world.scenario.other_exits.education_multiplier_under_27
    pairs = list(zip(OTHER_EXIT_REASONS, rates))
    pairs.append((ExitReason.ENFORCEMENT, _enforcement_rate(world, client, now)))
    return pairs


def _enforcement_rate(world: World, client: Client, now: float) -> float:
    rate = world.threat[client.group].enforcement_exit_rate
    if now < client.sanction_effect_until:
        rate += world.scenario.sanctions.enforcement_exit_rate
    return rate


def _other_rate(world: World, client: Client, now: float) -> tuple[float, float]:
    """Total of ``other_rates`` without building the list, and when turning 27 changes it."""
    turns_27 = client.birth + EDUCATION_AGE_LIMIT
    young = now < turns_27
    total = world.other_rate_young if young else world.other_rate_adult
    return total + _enforcement_rate(world, client, now), turns_27 if young else INF


def reschedule(world: World, client: Client) -> None:
    """Book the hazard spent since the last change and set the client's single pending timer."""
    if not client.on_benefit:
        return
    now = world.env.now
    spent_for = now - client.rate_time
    if spent_for > 0.0:
        client.e_work = max(client.e_work - client.rate_work * spent_for, 0.0)
        client.e_other = max(client.e_other - client.rate_other * spent_for, 0.0)
    client.rate_time = now
    client.rate_work, next_change = _work_rate(world, client, now)
    client.rate_other, turns_27 = _other_rate(world, client, now)
    next_change = min(next_change, turns_27)
    if abs(client.motivation - client.motivation_base) > 0.01:
        next_change = min(next_change, now + world.half_life)
    next_change = min(next_change, client.placement_until)
    candidates = (
        now + client.e_work / client.rate_work if client.rate_work > 0.0 else INF,
        now + client.e_other / client.rate_other if client.rate_other > 0.0 else INF,
        world.pension_time(client),
        INF if client.has_klantmanager else client.next_review,
        world.next_drift(client),
        next_change,
    )
    kind = min(range(6), key=candidates.__getitem__)
    when = max(candidates[kind], now)
    client.timer_version += 1
    client.timer_kind = kind
    if when < world.t_end:
        timer = world.env.timeout(when - now)
        timer.callbacks.append(partial(_fire, world, client, client.timer_version))


def _fire(world: World, client: Client, version: int, _event: simpy.Event) -> None:
    if version != client.timer_version or not client.on_benefit:
        return  # superseded by a later reschedule, or the client already left
    now = world.env.now
    kind = client.timer_kind
    if kind == WORK:
        world.jobs.exit_to_work(client, now, job_type=None, via="job search")
        return
    if kind == OTHER:
        pairs = other_rates(world, client, now)
        total = sum(rate for _, rate in pairs)
        pick = client.luck.random() * total
        for reason, rate in pairs:
            pick -= rate
            if pick <= 0.0:
                break
        end_spell(world, client, now, reason)
        world.jobs.after_other_exit(client, now, reason)
        return
    if kind == PENSION:
        end_spell(world, client, now, ExitReason.PENSION)
        client.leave_model()
        return
    if kind == REVIEW:
        world.policy.contact(client, "review")
        group = world.policy.spec.groups[client.group]
        client.next_review = now + group.review_interval if group.review_interval is not None else INF
    elif kind == DRIFT:
        world.ladder_drift(client, now)
    elif kind == CHANGE and now >= client.placement_until:
        world.end_placement(client)
    reschedule(world, client)


def start_spell(world: World, client: Client, now: float, elapsed: float = 0.0, inflow: bool = True) -> None:
    """The client (re-)enters benefit; its history (phase aside) is kept across spells."""
    client.on_benefit = True
    client.state = "benefit"
    client.spell_no += 1
    client.spell_start = now - elapsed
    client.entry_time = now
    client.e_work = float(client.luck.exponential())
    client.e_other = float(client.luck.exponential())
    client.rate_work = client.rate_other = 0.0
    client.rate_time = now
    client.exit_reason = ExitReason.CENSORED
    client.left = world.env.event()
    client.placement_until = INF
    client.trajectory_until = -INF  # a trajectory ends with the spell it was part of
    client.trajectory_multiplier = 1.0
    world.enter_stock(client, now, inflow)


def end_spell(world: World, client: Client, now: float, reason: ExitReason) -> None:
    """Close the spell, stop everything waiting on the client, book the exit."""
    client.on_benefit = False
    client.exit_reason = reason
    client.timer_version += 1
    world.leave_stock(client, now, reason)
    for event in (client.left, client.handler_stop):
        if event is not None and not event.triggered:
            event.succeed()
    client.has_klantmanager = False
    client.handler = ""
    client.handler_override = None

