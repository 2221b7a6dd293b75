"""Time and the ways off the benefit: the clock, the work-exit hazard, part-time work on benefit,
other exits, jobs, and returns to the benefit after an exit."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any

from pydantic import Field, ValidationInfo, field_validator, model_validator

from simulation.scenario.bounds import MAX_EFFECT, MAX_MONEY, MONEY_REASON
from simulation.scenario.distributions import DurationDistribution, ValueDistribution
from simulation.scenario.schema.common import PHASES, JobKind, Strict, check_shares
from simulation.scenario.units import (
    Duration,
    Effect,
    Hazard,
    Multiplier,
    PositiveFloat,
    PositiveMultiplier,
    Probability,
    format_days,
)

# --- clock ------------------------------------------------------------------------------


FIRST_DATE, LAST_DATE = dt.date(1900, 1, 1), dt.date(2200, 12, 31)
"""A run lies within these dates: its tables hold pandas timestamps, which cannot go before 1677-09-21
or past 2262-04-11, and the margin leaves room for the history before the start (the same years a
norm table may name, ``services.FIRST_NORM_YEAR``)."""


class Clock(Strict):
    start: dt.date
    warmup: Duration
    horizon: Duration
    follow_up: Duration

    @field_validator("start")
    @classmethod
    def _start_in_range(cls, start: dt.date) -> dt.date:
        if not FIRST_DATE <= start <= LAST_DATE:
            raise ValueError(f"must fall between {FIRST_DATE} and {LAST_DATE}, got {start} (a run's dates become "
                             "pandas timestamps, which end in 2262)")
        return start

    @model_validator(mode="after")
    def _warmup_inside_horizon(self) -> Clock:
        if self.warmup >= self.horizon:
            raise ValueError("warmup must be shorter than horizon")
        return self

    @field_validator("horizon", "follow_up")
    @classmethod
    def _ends_in_range(cls, days: float, info: ValidationInfo) -> float:
        """The run, follow-up included, ends by LAST_DATE (blamed on the key that takes it past)."""
        start = info.data.get("start")
        before = info.data.get("horizon", 0.0) if info.field_name == "follow_up" else 0.0
        left = None if start is None else (LAST_DATE - start).days
        if left is not None and before + days > left:
            raise ValueError(f"start + horizon + follow_up must end by {LAST_DATE}, which leaves {format_days(left)} "
                             f"from {start}, got {format_days(before + days)} (a run's dates become pandas timestamps, "
                             "which end in 2262)")
        return days


# --- exits --------------------------------------------------------------------------------


class DurationBand(Strict):
    after: Duration
    multiplier: Multiplier


def check_bands(bands: list[DurationBand], key: str) -> list[DurationBand]:
    """Bands of a piecewise-constant multiplier start at 0 and increase."""
    if bands[0].after != 0 or any(b.after <= a.after for a, b in zip(bands, bands[1:])):
        raise ValueError(f"{key} must start at '0 days' and increase")
    return bands


class WorkExit(Strict):
    base_rate_by_phase: dict[int, Hazard]
    duration_bands: list[DurationBand] = Field(min_length=1)
    motivation_effect: Effect
    labour_market_by_year: dict[int, PositiveMultiplier]

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


MAX_RELEASE_EXPONENT = 2 * MAX_EFFECT
"""The largest release factor's exponent: e^40 ≈ 2 × 10^17 (base: 0.3 × €530 ÷ €100 ≈ 1.6)."""


class PartTime(Strict):
    """Part-time work while on benefit (deeltijdwerk met aanvullende bijstand): how often it starts
    (by true phase; log-linear in motivation and in the release kept, € per month / 100), how often
    it ends, how it raises the exit to work, and what it earns (€ per month, drawn per job)."""

    start_rate_by_phase: dict[int, Hazard]
    motivation_effect: Effect
    release_effect: Effect
    end_rate: Hazard
    exit_multiplier: PositiveMultiplier
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
        if earnings.mean + 10 * math.sqrt(earnings.variance) > MAX_MONEY / 12:
            raise ValueError(f"earnings_per_month must stay well below €{MAX_MONEY / 12:,.0f} a month (mean + 10 sd; "
                             f"{MONEY_REASON} in a year), got a mean of {earnings.mean:.4g}")
        return earnings

    @model_validator(mode="after")
    def _release_factor_is_a_number(self) -> PartTime:
        # the start hazard is multiplied by exp(release_effect × € kept a month ÷ €100), and a client keeps
        # at most the mean earnings: beyond MAX_RELEASE_EXPONENT the factor is no longer a useful number
        exponent = abs(self.release_effect) * self.earnings_per_month.mean / 100.0
        if exponent > MAX_RELEASE_EXPONENT:
            raise ValueError(f"release_effect × mean earnings_per_month ÷ €100 must be at most {MAX_RELEASE_EXPONENT:g} "
                             f"in size, got {exponent:.4g} (the start hazard would be multiplied by e^{exponent:.4g})")
        return self


class OtherExitRates(Strict):
    moving: Hazard
    partner_income: Hazard
    education: Hazard
    death: Hazard


class OtherExits(Strict):
    pension_age: PositiveFloat
    rates: OtherExitRates
    education_multiplier_under_27: Multiplier
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
    return_rate: Hazard
    ladder_rung: int = Field(ge=5, le=6)


class BetweenJobs(Strict):
    """After a job ends without a next one: neither job nor benefit (WW, partner income, savings)."""

    job_finding: Hazard
    #: gone for good: moving away, another income for good, death (pension age ends it too)
    leaving: Hazard
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
    motivation_stable_odds: PositiveMultiplier
    between_jobs: BetweenJobs

    @field_validator("types")
    @classmethod
    def _all_types(cls, types: dict[str, JobType]) -> dict[str, JobType]:
        missing = {"stable", "flex", "subsidised", "secondment", "basisbaan"} - set(types)
        if missing:
            raise ValueError(f"jobs.types misses {sorted(missing)}")
        return types
