"""After exit: careers of jobs and times between jobs, and the return to benefit (herinstroom) that keeps history.

After an exit to work a person is in a job of a type. When the job ends, another follows at
once (a job-to-job move, ``next_job``) or a time between jobs without benefit begins (WW,
partner income, savings). That time ends in a new job, a return to benefit or leaving for
good, as competing risks: the return hazard is the last job type's ``return_rate`` times a
multiplier by time since the exit to work (``return_bands``), so returns are front-loaded and
level off (cal §A: CBS 2021 cohort, Divosa 2014). Sanctions push the job found toward short flex
work (Arni, Lalive & van Ours 2013, cal §B); motivation pulls toward stable work. Other exits
(moving, partner income, education, enforcement) come back with their own probability and delay.

Every step is sampled when the state begins (``job_length``, ``job_to_job``, ``between_end``), so
the recent leavers of the initial world (``history``) walk the same steps before the start.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from typing import TYPE_CHECKING, NamedTuple

from simulation.model.client import Activity, Client, ClientState, ExitReason
from simulation.model.intake import apply
from simulation.model.later import call_later
from simulation.model.lifecycle import end_spell
from simulation.model.records import BetweenRow, JobRow
from simulation.model.sanctions import flex_job_odds
from simulation.scenario.schema import JobKind, Return

if TYPE_CHECKING:
    from simulation.model.protocols import WorldView

INF = math.inf
#: what a time between jobs ends in
NEXT_JOB, BACK_ON_BENEFIT, GONE = "job", "benefit", "gone"


class OpenJob(NamedTuple):
    """A job still running: the first columns of its ``JobRow``."""

    client: int
    job_no: int
    start: float
    job_type: JobKind
    via: str


def draw_return(client: Client, back: Return) -> tuple[bool, float]:
    """Whether the person comes back on benefit after an other exit, and after how long (its own luck)."""
    returns = client.rng.luck.random() < back.probability
    return returns, back.delay.sample(client.rng.luck) if returns else 0.0


def banded_time(start: float, budget: float, rate: float, band_starts: list[float], multipliers: list[float],
                origin: float) -> float:
    """When a hazard ``rate`` × the multiplier of the band of (t − ``origin``) has used up ``budget``
    (a unit exponential) from ``start``: the inverse of a piecewise-constant cumulative hazard."""
    if rate <= 0.0:
        return INF
    band = max(bisect_right(band_starts, start - origin) - 1, 0)
    t = start
    while True:
        band_end = origin + band_starts[band + 1] if band + 1 < len(band_starts) else INF
        hazard = rate * multipliers[band]
        if hazard > 0.0 and t + budget / hazard <= band_end:
            return t + budget / hazard
        if band_end == INF:
            return INF
        budget -= hazard * (band_end - t)
        t = band_end
        band += 1


class JobMarket:
    """Jobs after exit to work, times between jobs, and returns to benefit after them or an other exit."""

    def __init__(self, world: WorldView) -> None:
        self.world = world
        self.spec = world.scenario.jobs
        between = self.spec.between_jobs
        self.job_finding, self.leaving = between.job_finding, between.leaving
        self.return_starts = [band.after for band in between.return_bands]
        self.return_multipliers = [band.multiplier for band in between.return_bands]
        self.open_jobs: dict[int, OpenJob] = {}
        self.open_between: dict[int, tuple[float, str]] = {}  # client → (start, type of the job before)

    # --- what each step draws (also walked before the start by ``history``) ------------------

    def job_type(self, client: Client, now: float) -> JobKind:
        """Stable or flex: motivation pulls toward stable work, a recent sanction toward flex."""
        spec = self.spec
        odds_stable = spec.base_mix.stable / max(spec.base_mix.flex, 1e-12)
        odds_stable *= spec.motivation_stable_odds ** (2.0 * (self.world.hazards.motivation(client, now) - 0.5))
        odds_stable = flex_job_odds(odds_stable, self.world.scenario.sanctions, client, now)
        p_stable = odds_stable / (1.0 + odds_stable)
        return "stable" if client.rng.luck.random() < p_stable else "flex"

    def job_length(self, client: Client, kind: JobKind) -> float:
        return self.spec.types[kind].duration.sample(client.rng.luck)

    def job_to_job(self, client: Client, kind: JobKind) -> bool:
        """Whether the end of a job of this kind is followed at once by another job."""
        return client.rng.luck.random() < self.spec.types[kind].next_job

    def between_end(self, client: Client, start: float, after: JobKind) -> tuple[str, float]:
        """How and when a time between jobs that begins at ``start`` ends: the first of a new job,
        a return to benefit (banded by time since the exit to work), leaving, or pension age."""
        luck = client.rng.luck
        budgets = (luck.exponential(), luck.exponential(), luck.exponential())
        when = start + budgets[0] / self.job_finding if self.job_finding > 0.0 else INF
        what = NEXT_JOB
        back = banded_time(start, budgets[1], self.spec.types[after].return_rate, self.return_starts,
                           self.return_multipliers, client.work_exit_time)
        if back < when:
            what, when = BACK_ON_BENEFIT, back
        leave = start + budgets[2] / self.leaving if self.leaving > 0.0 else INF
        leave = min(leave, self.world.hazards.pension_time(client))
        if leave < when:
            what, when = GONE, leave
        return what, max(when, start)

    # --- the states, as they run -------------------------------------------------------------

    def exit_to_work(self, client: Client, now: float, job_type: JobKind | None, via: str) -> None:
        """Uitstroom naar werk: close the spell and start a job, the first step of a career after benefit."""
        kind = job_type or self.job_type(client, now)
        length = self.job_length(client, kind)
        end_spell(self.world, client, now, ExitReason.WORK)
        client.work_exit_time = now
        self.open_job(client, now, now + length, kind, via)

    def open_job(self, client: Client, start: float, end: float, kind: JobKind, via: str) -> None:
        """A job from ``start`` (before now for a recent leaver of the initial world) to ``end``."""
        world = self.world
        client.state = ClientState.JOB
        client.job_type = kind
        client.job_no += 1
        if start >= world.env.now:
            world.record(client, Activity.JOB_START)
        self.open_jobs[client.id] = OpenJob(client=client.id, job_no=client.job_no, start=start, job_type=kind, via=via)
        if end < world.t_end:
            call_later(world.env, end - world.env.now, self._job_ends, client)
        else:
            world.finish(client)  # still in this job when the run ends

    def _job_ends(self, client: Client) -> None:
        world, now = self.world, self.world.env.now
        job = self.open_jobs.pop(client.id)
        moves_on = self.job_to_job(client, job.job_type)
        world.recorder.jobs.append(JobRow(client=job.client, job_no=job.job_no, start=job.start, end=now,
                                          job_type=job.job_type, then=NEXT_JOB if moves_on else "between", via=job.via))
        world.record(client, Activity.JOB_END)
        if moves_on:
            kind = self.job_type(client, now)
            self.open_job(client, now, now + self.job_length(client, kind), kind, "job to job")
        else:
            self.open_between_jobs(client, now, job.job_type, *self.between_end(client, now, job.job_type))

    def open_between_jobs(self, client: Client, start: float, after: JobKind, what: str, when: float) -> None:
        """A time between jobs from ``start`` that ends in ``what`` at ``when`` (``between_end``)."""
        world = self.world
        client.state = ClientState.BETWEEN
        self.open_between[client.id] = (start, after)
        if when < world.t_end:
            call_later(world.env, when - world.env.now, self._between_ends, client, what)
        else:
            world.finish(client)  # still between jobs when the run ends

    def _between_ends(self, client: Client, what: str) -> None:
        world, now = self.world, self.world.env.now
        start, after = self.open_between.pop(client.id)
        world.recorder.between.append(BetweenRow(client=client.id, start=start, end=now, after_job=after, then=what))
        if what == NEXT_JOB:
            kind = self.job_type(client, now)
            self.open_job(client, now, now + self.job_length(client, kind), kind, "between jobs")
        elif what == BACK_ON_BENEFIT:
            self._reenter(client)
        else:
            world.leave_model(client)
            world.record(client, Activity.LEFT_MODEL)

    def after_other_exit(self, client: Client, now: float, reason: ExitReason) -> None:
        """Moving, partner income, education, enforcement may come back; death never does."""
        spec = self.world.scenario.return_after_exit
        back = getattr(spec, reason.name.lower(), None)
        if back is None:
            self.world.leave_model(client)
            return
        returns, delay = draw_return(client, back)
        if returns:
            self.away_until(client, now + delay)
        else:
            self.world.leave_model(client)
            self.world.record(client, Activity.LEFT_MODEL)

    def away_until(self, client: Client, back: float) -> None:
        """Away after an other exit, back on benefit at ``back``."""
        world = self.world
        client.state = ClientState.AWAY
        if back < world.t_end:
            call_later(world.env, back - world.env.now, self._reenter, client)
        else:
            world.finish(client)  # comes back after the run: nothing more happens to it here

    def _reenter(self, client: Client) -> None:
        """Herinstroom: an application at the door like any other (``intake.apply``); admitted,
        a new spell for the same person, history kept (not its exit luck)."""
        if self.world.env.now >= self.world.hazards.pension_time(client):
            self.world.leave_model(client)
            return
        apply(self.world, client, client.rng.door, reentry=True)

    def close_open(self) -> None:
        """Jobs and times between jobs still going at the end are written as censored (end unknown)."""
        for job in self.open_jobs.values():
            self.world.recorder.jobs.append(JobRow(client=job.client, job_no=job.job_no, start=job.start, end=math.nan,
                                                   job_type=job.job_type, then="", via=job.via))
        for client, (start, after) in self.open_between.items():
            self.world.recorder.between.append(BetweenRow(client=client, start=start, end=math.nan, after_job=after, then=""))
        self.open_jobs.clear()
        self.open_between.clear()
