"""Who is on the benefit: the starting population, the inflow of applicants, and the assessment
that places each client in a phase."""

from __future__ import annotations

from pydantic import Field, field_validator, model_validator

from simulation.scenario.distributions import DurationDistribution, ValueDistribution
from simulation.scenario.schema.common import Strict, check_shares
from simulation.scenario.units import (
    DAYS_PER_YEAR,
    Duration,
    Multiplier,
    NonNegativeFloat,
    NonNegativeInt,
    PositiveFloat,
    Probability,
    Rate,
    format_days,
)

# --- population ---------------------------------------------------------------------------

MAX_LEAVERS_HISTORY_YEARS = 50
"""A working life: who left benefit longer ago than this (at 18 or later) is past pension age."""


class Household(Strict):
    single: Probability
    single_parent: Probability
    couple: Probability

    @model_validator(mode="after")
    def _sum_to_one(self) -> Household:
        check_shares(self.model_dump(), "household shares")
        return self


class Education(Strict):
    low: Probability
    middle: Probability
    high: Probability

    @model_validator(mode="after")
    def _sum_to_one(self) -> Education:
        check_shares(self.model_dump(), "education shares")
        return self


class BarrierShares(Strict):
    medical: Probability
    psychological: Probability
    debts: Probability
    addiction: Probability
    criminal_record: Probability
    care_duties: Probability
    language: Probability
    no_work_experience: Probability


class BarrierWeights(Strict):
    medical: NonNegativeFloat
    psychological: NonNegativeFloat
    debts: NonNegativeFloat
    addiction: NonNegativeFloat
    criminal_record: NonNegativeFloat
    care_duties: NonNegativeFloat
    language: NonNegativeFloat
    no_work_experience: NonNegativeFloat


class Population(Strict):
    initial_stock: NonNegativeInt
    age: ValueDistribution
    share_male: Probability
    household: Household
    migrant_background: Probability
    statushouder_share_of_migrants: Probability
    education: Education
    barriers: BarrierShares
    language_barrier_statushouder: Probability
    motivation: ValueDistribution
    trust: ValueDistribution
    initial_duration: DurationDistribution
    time_since_last_contact: DurationDistribution
    #: how far back the recent leavers of the initial world go (``model/history.py``); "0 days": none
    leavers_history: Duration
    #: the initial stock's motivation and trust carry its past contacts under the policy in force at
    #: the start (``PolicyRules.past_attention``); false: it starts without them
    past_contacts: bool

    @field_validator("leavers_history")
    @classmethod
    def _within_a_working_life(cls, days: float) -> float:
        if days > MAX_LEAVERS_HISTORY_YEARS * DAYS_PER_YEAR:
            raise ValueError(f"must be at most {MAX_LEAVERS_HISTORY_YEARS} years, got {format_days(days)} (who left "
                             "longer ago is past pension age; the recent leavers grow with the history's length)")
        return days


# --- inflow -------------------------------------------------------------------------------


class Deterrence(Strict):
    enabled: bool
    deterred: Probability


class YouthRule(Strict):
    enabled: bool
    age_limit: PositiveFloat
    redirected: Probability


class Inflow(Strict):
    applications: Rate
    multiplier_by_year: dict[int, Multiplier]
    age: ValueDistribution
    barrier_probability_multiplier: Multiplier
    motivation_shift: float = Field(ge=-1, le=1)
    work_first: Deterrence
    home_visit: Deterrence
    youth_rule: YouthRule


# --- assessment ---------------------------------------------------------------------------


class Assessment(Strict):
    barrier_weights: BarrierWeights
    age_45_plus_weight: NonNegativeFloat
    low_education_weight: NonNegativeFloat
    low_motivation_weight: NonNegativeFloat
    years_on_benefit_weight: NonNegativeFloat
    years_on_benefit_cap: PositiveFloat
    noise_sd: NonNegativeFloat
    noise_persistence: float = Field(ge=0, le=1)
    reassessment_margin: NonNegativeFloat
    phase_cutoffs: list[float] = Field(min_length=4, max_length=4)
    reassess_on_contact: bool

    @field_validator("phase_cutoffs")
    @classmethod
    def _increasing(cls, cutoffs: list[float]) -> list[float]:
        if any(b <= a for a, b in zip(cutoffs, cutoffs[1:])):
            raise ValueError("phase_cutoffs must increase strictly (4 cut-offs for 5 phases)")
        return cutoffs
