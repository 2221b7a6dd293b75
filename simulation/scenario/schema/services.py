"""What the municipality can offer: klantmanagers, services with limited slots (wijkteam,
netwerkconsulenten), the trajectory catalogue, and the budgets that pay for them."""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from typing import Annotated, Any, Literal

from pydantic import ConfigDict, Field, PlainValidator, field_validator, model_validator

from simulation.scenario.distributions import DurationDistribution
from simulation.scenario.schema.common import PHASES, JobKind, Strict, TrajectoryKind, check_interval_mean
from simulation.scenario.units import (
    Duration,
    Interval,
    MoneyAmount,
    MoneyPerDay,
    Multiplier,
    NonNegativeFloat,
    NonNegativeInt,
    PositiveMultiplier,
    Probability,
    Rate,
    StaffCount,
)

# --- staff and services -------------------------------------------------------------------


class Klantmanagers(Strict):
    count: NonNegativeInt
    caseload: NonNegativeInt
    caseload_review: Interval
    cost_per_year: MoneyPerDay
    group_priority: dict[str, int]
    ring_fenced: dict[str, NonNegativeInt]


class UrgentCare(Strict):
    arrivals: Rate
    service_time: DurationDistribution


class ServiceOutcomes(Strict):
    volunteer_work: Probability
    social_activity: Probability
    back_to_social_services: Probability
    barrier_removal: Probability
    ladder_step_up: Probability

    @model_validator(mode="after")
    def _placements_exclusive(self) -> ServiceOutcomes:
        if self.volunteer_work + self.social_activity > 1 + 1e-9:
            raise ValueError("volunteer_work + social_activity is one placement: at most 1 together")
        return self


class ServiceTarget(Strict):
    back_to_social_services_per_year: NonNegativeInt
    volunteer_placements_per_year: NonNegativeInt
    pressure: NonNegativeFloat


class Service(Strict):
    """A team with limited case slots: wijkteam, netwerkconsulenten, homecoaches."""

    slots: NonNegativeInt
    staff: StaffCount
    cost_per_year_per_staff: MoneyPerDay
    service_time: DurationDistribution
    contact_interval: DurationDistribution
    attention_multiplier: Multiplier
    group_priority: dict[str, int]
    outcomes: ServiceOutcomes
    follow_up: Duration | None
    urgent_care: UrgentCare
    target: ServiceTarget

    @field_validator("contact_interval")
    @classmethod
    def _contacts_apart(cls, interval: Any) -> Any:
        return check_interval_mean(interval)


# --- trajectories ---------------------------------------------------------------------------


class TrajectoryEffects(Strict):
    work_hazard_multiplier: PositiveMultiplier
    effect_duration: Duration
    phase_change: int = Field(ge=-4, le=4)
    ladder_rung_min: int = Field(ge=1, le=6)
    motivation_gain: Probability
    barrier_removal: Probability
    exit_to_work_probability: Probability
    job_type: JobKind


class Trajectory(Strict):
    kind: TrajectoryKind
    enabled: bool
    eligible_phases: list[int]
    slots: NonNegativeInt
    queue: Literal["fifo", "lowest_phase_first", "highest_phase_first"]
    duration: DurationDistribution
    cost_start: MoneyAmount
    cost_per_month: MoneyPerDay
    contract: Literal["fixed_price", "no_cure_no_pay", "bonus_malus"]
    contract_bonus: MoneyAmount
    contract_window: Duration
    budget: str
    dropout_probability: Probability
    lock_in_multiplier: PositiveMultiplier
    offer_self_exit_probability: Probability
    on_completion: TrajectoryEffects

    @field_validator("eligible_phases")
    @classmethod
    def _phases(cls, phases: list[int]) -> list[int]:
        if not phases or any(p not in PHASES for p in phases):
            raise ValueError("eligible_phases must list phases from 1 to 5")
        return phases


# --- budgets --------------------------------------------------------------------------------


class BudgetCut(Strict):
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)
    from_date: dt.date = Field(alias="from")
    annual_amount: MoneyPerDay


class Budget(Strict):
    annual_amount: MoneyPerDay
    replenish_on: str = Field(pattern=r"^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$")
    carry_over: bool
    cuts: list[BudgetCut]
    when_spent: Literal["wait", "refuse"]


class PersonalBudget(Strict):
    amount: MoneyAmount
    period: Duration
    budget: str
    motivation_gain: Probability
    barrier_removal: Probability


HouseholdKind = Literal["single", "single_parent", "couple"]


class HouseholdNorms(Strict):
    """The bijstand norm of one calendar year per household type (stored per day, written per month)."""

    single: MoneyPerDay
    single_parent: MoneyPerDay
    couple: MoneyPerDay


FIRST_NORM_YEAR, LAST_NORM_YEAR = 1900, 2200
"""Years a norm table may name: a guard against typos like 217 for 2017, not a domain limit."""


def _norm_year(value: object) -> int:
    """A calendar year as a key (YAML gives an int; a JSON dump gives its text)."""
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not FIRST_NORM_YEAR <= value <= LAST_NORM_YEAR:
        raise ValueError(f"a year must be a calendar year like 2017 (from {FIRST_NORM_YEAR} to {LAST_NORM_YEAR}), "
                         f"got {value!r}")
    return value


NormYear = Annotated[int, PlainValidator(_norm_year, json_schema_input_type=int)]


class Benefits(Strict):
    """The bijstand norms by calendar year. A year not listed takes the nearest earlier listed year;
    a year before the first listed one takes the first (``norms_in``)."""

    monthly_norm: dict[NormYear, HouseholdNorms]

    @field_validator("monthly_norm")
    @classmethod
    def _years(cls, norms: dict[int, HouseholdNorms]) -> dict[int, HouseholdNorms]:
        if not norms:
            raise ValueError("list the norms of at least one year, e.g. 2017: {single: ..., single_parent: ..., couple: ...}")
        return dict(sorted(norms.items()))

    def norms_in(self, year: int) -> HouseholdNorms:
        """The norms in force in ``year``: the nearest listed year at or before it, else the first."""
        years = list(self.monthly_norm)
        at = bisect_right(years, year) - 1
        return self.monthly_norm[years[max(at, 0)]]

    def per_day(self, year: int, household: HouseholdKind) -> float:
        """Euros per day of benefit for a household in ``year`` (the norm × 12 / 365.25)."""
        return float(getattr(self.norms_in(year), household))
