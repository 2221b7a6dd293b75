"""Time and the ways off the benefit: the clock, the work-exit hazard, part-time work on benefit,
other exits, jobs, and returns to the benefit after an exit."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import Field, field_validator, model_validator

from simulation.scenario.distributions import DurationDistribution, ValueDistribution
from simulation.scenario.schema.common import PHASES, JobKind, Strict, check_shares
from simulation.scenario.units import Duration, NonNegativeFloat, PositiveFloat, Probability, Rate

# --- clock ------------------------------------------------------------------------------


class Clock(Strict):
    start: dt.date
    warmup: Duration
    horizon: Duration
    follow_up: Duration

    @model_validator(mode="after")
    def _warmup_inside_horizon(self) -> Clock:
        if self.warmup >= self.horizon:
            raise ValueError("warmup must be shorter than horizon")
        return self


# --- exits --------------------------------------------------------------------------------


class DurationBand(Strict):
    after: Duration
    multiplier: NonNegativeFloat


def check_bands(bands: list[DurationBand], key: str) -> list[DurationBand]:
    """Bands of a piecewise-constant multiplier start at 0 and increase."""
    if bands[0].after != 0 or any(b.after <= a.after for a, b in zip(bands, bands[1:])):
        raise ValueError(f"{key} must start at '0 days' and increase")
    return bands


class WorkExit(Strict):
    base_rate_by_phase: dict[int, Rate]
    duration_bands: list[DurationBand] = Field(min_length=1)
    motivation_effect: float
    labour_market_by_year: dict[int, PositiveFloat]

    @field_validator("base_rate_by_phase")
    @classmethod
    def _all_phases(cls, table: dict[int, float]) -> dict[int, float]:
        if sorted(table) != list(PHASES):
            raise ValueError("base_rate_by_phase needs exactly the phases 1, 2, 3, 4, 5")
        return table

    @field_validator("duration_bands")
    @classmethod
    def _bands_start_at_zero(cls, bands: list[DurationBand]) -> list[DurationBand]:
        return check_bands(bands, "duration_bands")


class PartTime(Strict):
    """Part-time work while on benefit (deeltijdwerk met aanvullende bijstand): how often it starts
    (by true phase; log-linear in motivation and in the release kept, € per month / 100), how often
    it ends, how it raises the exit to work, and what it earns (€ per month, drawn per job)."""

    start_rate_by_phase: dict[int, Rate]
    motivation_effect: float
    release_effect: float
    end_rate: Rate
    exit_multiplier: PositiveFloat
    earnings_per_month: ValueDistribution

    @field_validator("start_rate_by_phase")
    @classmethod
    def _all_phases(cls, table: dict[int, float]) -> dict[int, float]:
        if sorted(table) != list(PHASES):
            raise ValueError("start_rate_by_phase needs exactly the phases 1, 2, 3, 4, 5")
        return table

    @field_validator("earnings_per_month")
    @classmethod
    def _not_negative(cls, earnings: Any) -> Any:
        if earnings.low < 0:
            raise ValueError("earnings_per_month cannot go below 0: give a distribution that stays ≥ 0 "
                             "(e.g. normal with low: 0, gamma, lognormal)")
        return earnings


class OtherExitRates(Strict):
    moving: Rate
    partner_income: Rate
    education: Rate
    death: Rate


class OtherExits(Strict):
    pension_age: PositiveFloat
    rates: OtherExitRates
    education_multiplier_under_27: NonNegativeFloat
    #: multipliers of every other exit (not enforcement) by time on benefit, like work_exit.duration_bands
    duration_bands: list[DurationBand] = Field(min_length=1)

    @field_validator("duration_bands")
    @classmethod
    def _bands_start_at_zero(cls, bands: list[DurationBand]) -> list[DurationBand]:
        return check_bands(bands, "duration_bands")


# --- returns and jobs ---------------------------------------------------------------------


class Return(Strict):
    probability: Probability
    delay: DurationDistribution


class ReturnAfterExit(Strict):
    moving: Return
    partner_income: Return
    education: Return
    enforcement: Return


class JobType(Strict):
    duration: DurationDistribution
    #: the job's end is followed at once by another job (a job-to-job move)
    next_job: Probability
    #: between jobs after a job of this type: the hazard of coming back on benefit, before ``return_bands``
    return_rate: Rate
    ladder_rung: int = Field(ge=5, le=6)


class BetweenJobs(Strict):
    """After a job ends without a next one: neither job nor benefit (WW, partner income, savings)."""

    job_finding: Rate
    #: gone for good: moving away, another income for good, death (pension age ends it too)
    leaving: Rate
    #: multipliers of the job type's return_rate by time since the exit to work
    return_bands: list[DurationBand] = Field(min_length=1)

    @field_validator("return_bands")
    @classmethod
    def _bands_start_at_zero(cls, bands: list[DurationBand]) -> list[DurationBand]:
        return check_bands(bands, "return_bands")


class JobMix(Strict):
    stable: Probability
    flex: Probability

    @model_validator(mode="after")
    def _sum_to_one(self) -> JobMix:
        check_shares(self.model_dump(), "job mix shares")
        return self


class Jobs(Strict):
    types: dict[JobKind, JobType]
    base_mix: JobMix
    motivation_stable_odds: PositiveFloat
    between_jobs: BetweenJobs

    @field_validator("types")
    @classmethod
    def _all_types(cls, types: dict[str, JobType]) -> dict[str, JobType]:
        missing = {"stable", "flex", "subsidised", "secondment", "basisbaan"} - set(types)
        if missing:
            raise ValueError(f"jobs.types misses {sorted(missing)}")
        return types
