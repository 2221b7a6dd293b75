"""Part-time work while on benefit (deeltijdwerk met aanvullende bijstand; cal §A: 8% of the stock
earns each month, ≈ €530 on average; cal §C: a larger earnings release and support raise it).

Starting and ending part-time work are one more competing risk of the spell, in the
unit-exponential scheme of ``lifecycle`` (the client's one timer, ``Timer.PART_TIME``): while not
working the risk is a start, while working an end. The start hazard is the true phase's rate ×
exp(motivation_effect × (motivation − 0.5)) × exp(release_effect × kept / €100), where

- motivation is what support leaves behind: every contact moves it up and it decays back with the
  attention half-life (``hazards.motivation``), so a client seen often (intensive guidance) starts
  part-time work more often, and the effect fades when the contacts stop (cal §C, §F.6);
- ``kept`` is what the release in force for the client's group would let it keep per month at the
  mean earnings, averaged over a job's first year (a 6-month release counts half).

The end hazard is constant; an exit ends the job with the spell. Earnings (€ per month) are drawn
when a job starts and stay fixed. While working part-time the exit-to-work hazard is multiplied by
``exit_multiplier`` (``hazards.work_rate``): part-time work can grow into an exit.

The model records the facts, not the benefit paid: one ``PartTimeRow`` per piece of a job with one
release in force (a policy change or a move to a group with its own release starts a new piece),
and at each month end the number working and their summed earnings (``snapshots``).
``outcomes.benefits`` nets earnings less release from the norm.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from simulation.model.client import Activity, Client
from simulation.model.records import PartTimeRow
from simulation.scenario.schema import EarningsRelease, Policy
from simulation.scenario.units import DAYS_PER_MONTH, DAYS_PER_YEAR

if TYPE_CHECKING:
    from simulation.model.protocols import WorldView

INF = math.inf
#: the release effect is per this many euros a month kept
RELEASE_UNIT = 100.0


def kept_per_month(release: EarningsRelease, earnings: float) -> float:
    """Euros a month the release lets a client keep of ``earnings`` a month, averaged over the
    first year of a job (a release for 6 months counts half)."""
    kept = release.share * earnings
    if release.cap is not None:
        kept = min(kept, release.cap * DAYS_PER_MONTH)
    if release.duration is not None:
        kept *= min(release.duration, DAYS_PER_YEAR) / DAYS_PER_YEAR
    return kept


def released_per_day(release: EarningsRelease, earnings_per_day: float) -> float:
    """Euros a day of the earnings the release lets the client keep while it runs."""
    kept = release.share * earnings_per_day
    return min(kept, release.cap) if release.cap is not None else kept


class Job:
    """A part-time job on benefit: its earnings (€ a month, whole cents), when it started, and the
    release in force for its current piece and since when."""

    __slots__ = ("earnings", "since", "piece_start", "release")

    def __init__(self, earnings: float, since: float, release: EarningsRelease) -> None:
        self.earnings = earnings
        self.since = since
        self.piece_start = since
        self.release = release


class PartTime:
    """Hazards, earnings and records of part-time work; ``count`` and ``earnings_cents`` are the
    number working and their summed monthly earnings now (read by the monthly snapshot)."""

    def __init__(self, world: WorldView) -> None:
        spec = world.scenario.part_time
        self.world = world
        self.start_by_phase = dict(spec.start_rate_by_phase)
        self.motivation_effect = spec.motivation_effect
        self.release_effect = spec.release_effect
        self.end_rate = spec.end_rate
        self.earnings = spec.earnings_per_month
        self.count = 0
        self.earnings_cents = 0
        self.adopt(world.scenario.policy)

    def adopt(self, policy: Policy) -> None:
        """The release of each group under ``policy`` and the start-hazard factor it gives."""
        self.release_of: dict[str | None, EarningsRelease] = {g: policy.release_of(g) for g in policy.groups}
        mean = self.earnings.mean
        self.release_factor = {g: math.exp(self.release_effect * kept_per_month(release, mean) / RELEASE_UNIT)
                               for g, release in self.release_of.items()}

    def rate(self, client: Client) -> float:
        """The hazard per day of starting (not working) or ending (working) part-time work, with the
        true phase and motivation ``hazards.work_rate`` has just brought up to date (per event)."""
        if client.part_time is not None:
            return self.end_rate
        rate = self.start_by_phase[client.true_phase]
        if rate == 0.0:
            return 0.0
        return rate * self.release_factor[client.group] * math.exp(self.motivation_effect * (client.motivation - 0.5))

    # --- a job starts, changes release, ends ---------------------------------------------------

    def toggle(self, client: Client, now: float) -> None:
        """The hazard budget is spent: a job starts or ends; a fresh budget for the next change."""
        client.e_part = float(client.rng.part_time.exponential())
        if client.part_time is not None:
            self.stop(client, now)
            self.world.count("part_time_ends")
            self.world.record(client, Activity.PART_TIME_END)
        else:
            self.start(client, now)
            self.world.count("part_time_starts")
            self.world.record(client, Activity.PART_TIME_START)

    def start(self, client: Client, since: float) -> None:
        """A job that started at ``since`` (before now only for the initial stock), its earnings drawn."""
        cents = round(100.0 * max(self.earnings.sample(client.rng.part_time), 0.0))
        client.part_time = Job(cents / 100.0, since, self.release_of[client.group])
        self.count += 1
        self.earnings_cents += cents

    def review(self, client: Client, now: float) -> None:
        """After a change of group or policy: a new piece of the job if its release changed."""
        job = client.part_time
        if job is not None and self.release_of[client.group] != job.release:
            self._write(client, job, now)
            job.piece_start = now
            job.release = self.release_of[client.group]

    def stop(self, client: Client, now: float) -> None:
        """The job ends (its own end or the spell's): its last piece is written."""
        job = client.part_time
        self._write(client, job, now)
        client.part_time = None
        self.count -= 1
        self.earnings_cents -= round(100.0 * job.earnings)

    def write_open(self, client: Client) -> None:
        """A job still running at the end of the run: its last piece, open (``until`` NaN)."""
        self._write(client, client.part_time, math.nan)

    def _write(self, client: Client, job: Job, until: float) -> None:
        release = job.release
        per_day = job.earnings / DAYS_PER_MONTH
        self.world.recorder.part_time.append(PartTimeRow(
            client=client.id, since=job.since, start=job.piece_start, until=until, earnings_per_day=per_day,
            released_per_day=released_per_day(release, per_day),
            released_until=job.since + release.duration if release.duration is not None else INF))

    # --- the initial stock ---------------------------------------------------------------------

    def initial(self, client: Client, now: float) -> None:
        """A client of the initial stock works part-time with the steady-state chance of its own
        hazards, start / (start + end); its job started an exponential time (at the end rate) ago,
        not before its spell (a Markov chain in equilibrium, seen backwards)."""
        start, end = self.rate(client), self.end_rate
        if start <= 0.0:
            return
        rng = client.rng.part_time
        if rng.random() * (start + end) >= start:
            return
        ago = float(rng.exponential()) / end if end > 0.0 else INF
        self.start(client, max(now - ago, client.spell_start))
