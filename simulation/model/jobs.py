"""After exit: job spells by type and the return to benefit (herinstroom) that keeps history.

A job's type decides its length and the chance that its end brings the person back on
benefit. Sanctions push the job found toward short flex work (Arni, Lalive & van Ours 2013,
calibration.md §B); motivation pulls toward stable work. Other exits (moving, partner income,
education, enforcement) come back with their own probability and delay (Divosa 2014, §A).
"""

from __future__ import annotations

import math
from functools import partial
from typing import TYPE_CHECKING

import simpy

from simulation.model.client import Activity, Client, ExitReason
from simulation.model.lifecycle import current_motivation, end_spell, start_spell
from simulation.scenario.schema import Return

if TYPE_CHECKING:
    from simulation.model.world import World


def _draw_return(client: Client, back: Return) -> tuple[bool, float]:
    """Whether the person comes back on benefit, and after how long (its own luck)."""
    returns = client.luck.random() < back.probability
    return returns, back.delay.sample(client.luck) if returns else 0.0


class JobMarket:
    def __init__(self, world: World) -> None:
        self.world = world
        self.spec = world.scenario.jobs
        self.open_jobs: dict[int, tuple[int, int, float, str, str]] = {}

    def _job_type(self, client: Client, now: float) -> str:
        spec = self.spec
        odds_stable = spec.base_mix.stable / max(spec.base_mix.flex, 1e-12)
        odds_stable *= spec.motivation_stable_odds ** (2.0 * (current_motivation(self.world, client, now) - 0.5))
        if now < client.sanction_effect_until:
            odds_stable /= self.world.scenario.sanctions.flex_job_odds
        p_stable = odds_stable / (1.0 + odds_stable)
        return "stable" if client.luck.random() < p_stable else "flex"

    def exit_to_work(self, client: Client, now: float, job_type: str | None, via: str) -> None:
        """Uitstroom naar werk: close the spell and start a job whose end may bring the client back."""
        world = self.world
        kind = job_type or self._job_type(client, now)
        length = self.spec.types[kind].duration.sample(client.luck)
        end_spell(world, client, now, ExitReason.WORK)
        client.state = "job"
        client.job_no += 1
        world.record(client, Activity.JOB_START)
        self.open_jobs[client.id] = (client.id, client.job_no, now, kind, via)
        if now + length < world.t_end:
            world.env.timeout(length).callbacks.append(partial(self._job_ends, client))

    def _job_ends(self, client: Client, _event: simpy.Event) -> None:
        world, now = self.world, self.world.env.now
        client_id, job_no, start, kind, via = self.open_jobs.pop(client.id)
        returns, delay = _draw_return(client, self.spec.types[kind].return_to_benefit)
        world.recorder.jobs.append((client_id, job_no, start, now, kind, returns, via))
        world.record(client, Activity.JOB_END)
        self._return_or_leave(client, now, returns, delay)

    def after_other_exit(self, client: Client, now: float, reason: ExitReason) -> None:
        """Moving, partner income, education, enforcement may come back; death never does."""
        spec = self.world.scenario.return_after_exit
        back = getattr(spec, reason.name.lower(), None)
        if back is None:
            client.leave_model()
            return
        self._return_or_leave(client, now, *_draw_return(client, back))

    def _return_or_leave(self, client: Client, now: float, returns: bool, delay: float) -> None:
        world = self.world
        if not returns:
            client.leave_model()
            world.record(client, Activity.LEFT_MODEL)
            return
        client.state = "away"
        if now + delay < world.t_end:
            world.env.timeout(delay).callbacks.append(partial(self._reenter, client))

    def _reenter(self, client: Client, _event: simpy.Event) -> None:
        """Herinstroom: a new spell for the same person, history kept (not its exit luck)."""
        if self.world.env.now >= self.world.pension_time(client):
            client.leave_model()
            return
        start_spell(self.world, client, self.world.env.now)
        self.world.intake(client, reentry=True)

    def close_open_jobs(self, t_end: float) -> None:
        """Jobs still running at the end are written as censored (end and returned unknown)."""
        for client_id, job_no, start, kind, via in self.open_jobs.values():
            self.world.recorder.jobs.append((client_id, job_no, start, math.nan, kind, None, via))
        self.open_jobs.clear()
