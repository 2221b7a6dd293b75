"""After exit: job spells by type and the return to benefit (herinstroom) that keeps history.

A job's type decides its length and the chance that its end brings the person back on
benefit. Sanctions push the job found toward short flex work (Arni, Lalive & van Ours 2013,
calibration.md §B); motivation pulls toward stable work. Other exits (moving, partner income,
education, enforcement) come back with their own probability and delay (Divosa 2014, §A).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, NamedTuple

from simulation.model.client import Activity, Client, ClientState, ExitReason
from simulation.model.intake import apply
from simulation.model.later import call_later
from simulation.model.lifecycle import end_spell
from simulation.model.records import JobRow
from simulation.model.sanctions import flex_job_odds
from simulation.scenario.schema import JobKind, Return

if TYPE_CHECKING:
    from simulation.model.protocols import WorldView


class OpenJob(NamedTuple):
    """A job still running: the first columns of its ``JobRow``."""

    client: int
    job_no: int
    start: float
    job_type: JobKind
    via: str


def _draw_return(client: Client, back: Return) -> tuple[bool, float]:
    """Whether the person comes back on benefit, and after how long (its own luck)."""
    returns = client.rng.luck.random() < back.probability
    return returns, back.delay.sample(client.rng.luck) if returns else 0.0


class JobMarket:
    """Jobs after exit to work, and returns to benefit after a job or an other exit."""

    def __init__(self, world: WorldView) -> None:
        self.world = world
        self.spec = world.scenario.jobs
        self.open_jobs: dict[int, OpenJob] = {}

    def _job_type(self, client: Client, now: float) -> JobKind:
        """Stable or flex: motivation pulls toward stable work, a recent sanction toward flex."""
        spec = self.spec
        odds_stable = spec.base_mix.stable / max(spec.base_mix.flex, 1e-12)
        odds_stable *= spec.motivation_stable_odds ** (2.0 * (self.world.hazards.motivation(client, now) - 0.5))
        odds_stable = flex_job_odds(odds_stable, self.world.scenario.sanctions, client, now)
        p_stable = odds_stable / (1.0 + odds_stable)
        return "stable" if client.rng.luck.random() < p_stable else "flex"

    def exit_to_work(self, client: Client, now: float, job_type: JobKind | None, via: str) -> None:
        """Uitstroom naar werk: close the spell and start a job whose end may bring the client back."""
        world = self.world
        kind = job_type or self._job_type(client, now)
        length = self.spec.types[kind].duration.sample(client.rng.luck)
        end_spell(world, client, now, ExitReason.WORK)
        client.state = ClientState.JOB
        client.job_no += 1
        world.record(client, Activity.JOB_START)
        self.open_jobs[client.id] = OpenJob(client=client.id, job_no=client.job_no, start=now, job_type=kind, via=via)
        if now + length < world.t_end:
            call_later(world.env, length, self._job_ends, client)
        else:
            world.finish(client)  # still in this job when the run ends

    def _job_ends(self, client: Client) -> None:
        world, now = self.world, self.world.env.now
        job = self.open_jobs.pop(client.id)
        returns, delay = _draw_return(client, self.spec.types[job.job_type].return_to_benefit)
        world.recorder.jobs.append(JobRow(client=job.client, job_no=job.job_no, start=job.start, end=now,
                                          job_type=job.job_type, returned=returns, via=job.via))
        world.record(client, Activity.JOB_END)
        self._return_or_leave(client, now, returns, delay)

    def after_other_exit(self, client: Client, now: float, reason: ExitReason) -> None:
        """Moving, partner income, education, enforcement may come back; death never does."""
        spec = self.world.scenario.return_after_exit
        back = getattr(spec, reason.name.lower(), None)
        if back is None:
            self.world.leave_model(client)
            return
        self._return_or_leave(client, now, *_draw_return(client, back))

    def _return_or_leave(self, client: Client, now: float, returns: bool, delay: float) -> None:
        world = self.world
        if not returns:
            world.leave_model(client)
            world.record(client, Activity.LEFT_MODEL)
            return
        client.state = ClientState.AWAY
        if now + delay < world.t_end:
            call_later(world.env, delay, self._reenter, client)
        else:
            world.finish(client)  # comes back after the run: nothing more happens to it here

    def _reenter(self, client: Client) -> None:
        """Herinstroom: an application at the door like any other (``intake.apply``); admitted,
        a new spell for the same person, history kept (not its exit luck)."""
        if self.world.env.now >= self.world.hazards.pension_time(client):
            self.world.leave_model(client)
            return
        apply(self.world, client, client.rng.door, reentry=True)

    def close_open_jobs(self, t_end: float) -> None:
        """Jobs still running at the end are written as censored (end and returned unknown)."""
        for job in self.open_jobs.values():
            self.world.recorder.jobs.append(JobRow(client=job.client, job_no=job.job_no, start=job.start, end=math.nan,
                                                   job_type=job.job_type, returned=None, via=job.via))
        self.open_jobs.clear()
