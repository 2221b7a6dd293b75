"""The initial world's recent past: people who left benefit before the start and are still in a job,
between jobs or away, so that returns to benefit run at their long-run level from the first day.

Without them nobody in the initial stock has left before, and re-entries build up over years
(150, 322, 369, 412 a year in Leeuwarden 2016-2019 before issue 14). The flow out of benefit in
the ``population.leavers_history`` before the start is taken to be the initial stock's own exit
flow at the start: each client's exit hazards then (``lifecycle.reschedule``), summed. A leaver
is a twin of a stock client drawn in proportion to its hazard (leavers are those with the best
chances), leaving at a uniform time in the history, to work or another exit in proportion to its
hazards. Its career after the exit is walked with the same draws the run makes (``jobs``); a
leaver still away from benefit at the start joins the world in that state, one who is back on
benefit or gone by then is dropped (the stock already holds the people on benefit).

The stock's motivation and trust already carry its past contacts (``policy.PolicyRules.past_attention``,
applied before this), so the hazards the leavers are drawn from, and the motivation the twins take, do too.
"""

from __future__ import annotations

from bisect import bisect_right
from typing import TYPE_CHECKING

import numpy as np

from simulation.model.client import Client, ExitReason
from simulation.model.hazards import pick_reason
from simulation.model.jobs import NEXT_JOB, draw_return

if TYPE_CHECKING:
    from simulation.model.protocols import WorldView

#: what a twin takes from its donor: who the person is, not where it is
INHERITED = ("birth", "male", "household", "migrant", "statushouder", "education", "barriers", "motivation",
             "motivation_base", "trust", "phase", "true_phase", "group", "rung")


def recent_leavers(world: WorldView, stock: list[Client]) -> int:
    """Add the recent leavers still away from benefit at the start; returns how many joined.

    Only their number comes from the world's ``history`` stream; each one's donor, time of leaving
    and kind of exit come from its own stream (by inversion), so the k-th leaver of two worlds whose
    policies differ a little is the same person leaving at the same time: common random numbers
    reach the re-entries of the first years too."""
    history = world.scenario.population.leavers_history
    if history <= 0.0 or not stock:
        return 0
    rates = np.array([client.rate_work + client.rate_other for client in stock])
    total = float(rates.sum())
    if total <= 0.0:
        return 0
    cumulative = (np.cumsum(rates) / total).tolist()
    joined = 0
    for _ in range(int(world.streams.history.poisson(total * history))):
        twin = world.person("leaver")
        luck = twin.rng.luck
        donor = stock[min(bisect_right(cumulative, luck.random()), len(stock) - 1)]
        left_at = -history * luck.random()
        work = luck.random() * (donor.rate_work + donor.rate_other) < donor.rate_work
        _inherit(twin, donor)
        joined += _walk_work(world, twin, left_at) if work else _walk_other(world, twin, donor, left_at)
    return joined


def _inherit(twin: Client, donor: Client) -> None:
    for name in INHERITED:
        setattr(twin, name, getattr(donor, name))
    twin.spell_no = 1  # the spell it left before the start


def _walk_work(world: WorldView, twin: Client, left_at: float) -> bool:
    """Jobs and times between jobs from the exit to the start; True when the twin joins the world."""
    jobs = world.jobs
    twin.work_exit_time = left_at
    start, kind, via = left_at, jobs.job_type(twin, left_at), "job search"
    while True:
        end = start + jobs.job_length(twin, kind)
        if end >= 0.0:
            world.add(twin)
            jobs.open_job(twin, start, end, kind, via)
            return True
        if jobs.job_to_job(twin, kind):
            start, kind, via = end, jobs.job_type(twin, end), "job to job"
            continue
        what, when = jobs.between_end(twin, end, kind)
        if when >= 0.0:
            world.add(twin)
            jobs.open_between_jobs(twin, end, kind, what, when)
            return True
        if what != NEXT_JOB:
            return False  # back on benefit (the stock holds such people) or gone before the start
        start, kind, via = when, jobs.job_type(twin, when), "between jobs"


def _walk_other(world: WorldView, twin: Client, donor: Client, left_at: float) -> bool:
    """An other exit, by reason in proportion to the donor's hazards; True when away at the start."""
    reason = pick_reason(world.hazards.other_rates(donor, 0.0), twin.rng.luck.random())
    back = getattr(world.scenario.return_after_exit, reason.name.lower(), None)
    if back is None or reason is ExitReason.DEATH:
        return False
    returns, delay = draw_return(twin, back)
    if not returns or left_at + delay < 0.0:
        return False
    world.add(twin)
    world.jobs.away_until(twin, left_at + delay)
    return True

