"""The scenario schema: every key a scenario may hold, with its type and range.

There are no defaults here on purpose: ``scenarios/base.yaml`` sets every key with a comment
naming its source, and other scenarios ``extends:`` it. A key the model reads that is not in
this schema cannot exist, and a key in a file that is not in this schema is an error.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from simulation.scenario.distributions import DurationDistribution, ValueDistribution
from simulation.scenario.units import (
    Duration,
    MoneyAmount,
    MoneyPerDay,
    NonNegativeFloat,
    NonNegativeInt,
    PositiveFloat,
    Probability,
    Rate,
)

PHASES = (1, 2, 3, 4, 5)
BARRIERS = (
    "medical",
    "psychological",
    "debts",
    "addiction",
    "criminal_record",
    "care_duties",
    "language",
    "no_work_experience",
)
ObligationMode = Literal["enforce", "ask", "waive"]
UptakeKind = Literal["voluntary", "obligatory"]
JobKind = Literal["stable", "flex", "subsidised", "secondment", "basisbaan"]
TrajectoryKind = Literal[
    "rust",
    "zorg",
    "participatie",
    "toeleiding",
    "scholing",
    "werkervaringsplaats",
    "detachering",
    "work_first",
    "basisbaan",
    "coaching",
]
KLANTMANAGER = "klantmanager"
NO_HANDLER = "none"


class Strict(BaseModel):
    """Base for every section: unknown keys are errors, values are immutable after loading."""

    model_config = ConfigDict(extra="forbid", frozen=True)


def _check_shares(values: dict[str, float], what: str) -> None:
    total = sum(values.values())
    if abs(total - 1.0) > 1e-6:
        raise ValueError(f"{what} must add up to 1, they add up to {total:g}")


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


# --- population ---------------------------------------------------------------------------


class Household(Strict):
    single: Probability
    single_parent: Probability
    couple: Probability

    @model_validator(mode="after")
    def _sum_to_one(self) -> Household:
        _check_shares(self.model_dump(), "household shares")
        return self


class Education(Strict):
    low: Probability
    middle: Probability
    high: Probability

    @model_validator(mode="after")
    def _sum_to_one(self) -> Education:
        _check_shares(self.model_dump(), "education shares")
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


class Deterrence(Strict):
    enabled: bool
    deterred: Probability


class YouthRule(Strict):
    enabled: bool
    age_limit: PositiveFloat
    redirected: Probability


class Inflow(Strict):
    applications: Rate
    multiplier_by_year: dict[int, NonNegativeFloat]
    age: ValueDistribution
    barrier_probability_multiplier: NonNegativeFloat
    motivation_shift: float = Field(ge=-1, le=1)
    work_first: Deterrence
    home_visit: Deterrence
    youth_rule: YouthRule


# --- phases, ladder, attention ------------------------------------------------------------


class Assessment(Strict):
    barrier_weights: BarrierWeights
    age_45_plus_weight: NonNegativeFloat
    low_education_weight: NonNegativeFloat
    low_motivation_weight: NonNegativeFloat
    years_on_benefit_weight: NonNegativeFloat
    years_on_benefit_cap: PositiveFloat
    noise_sd: NonNegativeFloat
    phase_cutoffs: list[float] = Field(min_length=4, max_length=4)
    reassess_on_contact: bool

    @field_validator("phase_cutoffs")
    @classmethod
    def _increasing(cls, cutoffs: list[float]) -> list[float]:
        if any(b <= a for a, b in zip(cutoffs, cutoffs[1:])):
            raise ValueError("phase_cutoffs must increase strictly (4 cut-offs for 5 phases)")
        return cutoffs


class Ladder(Strict):
    initial_rung_by_phase: dict[int, list[NonNegativeFloat]]
    drift_after_no_contact: Duration
    drift_down_probability: Probability
    volunteer_work_duration: DurationDistribution
    social_activity_duration: DurationDistribution

    @field_validator("initial_rung_by_phase")
    @classmethod
    def _rungs(cls, table: dict[int, list[float]]) -> dict[int, list[float]]:
        if sorted(table) != list(PHASES):
            raise ValueError("initial_rung_by_phase needs exactly the phases 1, 2, 3, 4, 5")
        for phase, weights in table.items():
            if len(weights) != 6 or sum(weights) <= 0:
                raise ValueError(f"phase {phase}: give 6 non-negative weights (rungs 1-6), not all 0")
        return table


class Attention(Strict):
    motivation_gain_per_contact: Probability
    trust_gain_per_contact: Probability
    decay_half_life: Duration


# --- exits and jobs -----------------------------------------------------------------------


class DurationBand(Strict):
    after: Duration
    multiplier: NonNegativeFloat


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
        if bands[0].after != 0 or any(b.after <= a.after for a, b in zip(bands, bands[1:])):
            raise ValueError("duration_bands must start at '0 days' and increase")
        return bands


class OtherExitRates(Strict):
    moving: Rate
    partner_income: Rate
    education: Rate
    death: Rate


class OtherExits(Strict):
    pension_age: PositiveFloat
    rates: OtherExitRates
    education_multiplier_under_27: NonNegativeFloat


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
    return_to_benefit: Return
    ladder_rung: int = Field(ge=5, le=6)


class JobMix(Strict):
    stable: Probability
    flex: Probability

    @model_validator(mode="after")
    def _sum_to_one(self) -> JobMix:
        _check_shares(self.model_dump(), "job mix shares")
        return self


class Jobs(Strict):
    types: dict[JobKind, JobType]
    base_mix: JobMix
    motivation_stable_odds: PositiveFloat

    @field_validator("types")
    @classmethod
    def _all_types(cls, types: dict[str, JobType]) -> dict[str, JobType]:
        missing = {"stable", "flex", "subsidised", "secondment", "basisbaan"} - set(types)
        if missing:
            raise ValueError(f"jobs.types misses {sorted(missing)}")
        return types


# --- sanctions ----------------------------------------------------------------------------


class ThreatEffect(Strict):
    work_hazard_multiplier: PositiveFloat
    enforcement_exit_rate: Rate


class Threat(Strict):
    enforce: ThreatEffect
    ask: ThreatEffect
    waive: ThreatEffect


class TegenprestatieStart(Strict):
    enforce: Probability
    ask: Probability
    waive: Probability


class Sanctions(Strict):
    noncompliance_probability: Probability
    noncompliance_motivation_slope: NonNegativeFloat
    detection_probability: Probability
    benefit_cut_share: Probability
    cut_duration: Duration
    effect_duration: Duration
    work_hazard_multiplier: PositiveFloat
    enforcement_exit_rate: Rate
    flex_job_odds: PositiveFloat
    trust_loss: Probability
    repeat_noncompliance_factor: Probability
    threat: Threat
    tegenprestatie_start: TegenprestatieStart


# --- staff and services -------------------------------------------------------------------


class Klantmanagers(Strict):
    count: NonNegativeInt
    caseload: NonNegativeInt
    caseload_review: Duration
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
    staff: NonNegativeFloat
    cost_per_year_per_staff: MoneyPerDay
    service_time: DurationDistribution
    contact_interval: DurationDistribution
    attention_multiplier: NonNegativeFloat
    group_priority: dict[str, int]
    outcomes: ServiceOutcomes
    follow_up: Duration | None
    urgent_care: UrgentCare
    target: ServiceTarget


# --- trajectories and budgets ---------------------------------------------------------------


class TrajectoryEffects(Strict):
    work_hazard_multiplier: PositiveFloat
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
    lock_in_multiplier: PositiveFloat
    offer_self_exit_probability: Probability
    on_completion: TrajectoryEffects

    @field_validator("eligible_phases")
    @classmethod
    def _phases(cls, phases: list[int]) -> list[int]:
        if not phases or any(p not in PHASES for p in phases):
            raise ValueError("eligible_phases must list phases from 1 to 5")
        return phases


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


class Benefits(Strict):
    monthly_norm: dict[Literal["single", "single_parent", "couple"], MoneyPerDay]


# --- policy --------------------------------------------------------------------------------


class Obligations(Strict):
    job_search: ObligationMode
    tegenprestatie: ObligationMode


class Referral(Strict):
    probability: Probability
    uptake: UptakeKind


class Group(Strict):
    handler: str
    handler_uptake: UptakeKind
    contact_interval: DurationDistribution
    review_interval: Duration | None
    obligations: Obligations
    service_referrals: dict[str, Referral]
    trajectory_referral: Referral
    trajectories: list[str]
    personal_budget: bool


class Uptake(Strict):
    """Voluntary uptake: logistic in motivation and trust; obligatory: all but refusers."""

    voluntary_intercept: float
    voluntary_motivation_effect: float
    voluntary_trust_effect: float
    obligatory_refusal: Probability


class Policy(Strict):
    name: str
    phase_to_group: dict[int, str]
    groups: dict[str, Group]
    uptake: Uptake
    intake_assessment: bool


class PolicyChange(Strict):
    """The policy from a date on (an experiment ends, a new law starts).

    In the file a change names only the keys that change; the loader fills in the rest from
    the policy in force just before it (``expand_policy_changes``), so ``policy`` here is whole.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)
    from_date: dt.date = Field(alias="from")
    policy: Policy


# --- the whole scenario ---------------------------------------------------------------------


class Scenario(Strict):
    name: str
    description: str
    clock: Clock
    population: Population
    inflow: Inflow
    assessment: Assessment
    ladder: Ladder
    attention: Attention
    work_exit: WorkExit
    other_exits: OtherExits
    return_after_exit: ReturnAfterExit
    jobs: Jobs
    sanctions: Sanctions
    klantmanagers: Klantmanagers
    services: dict[str, Service]
    trajectories: dict[str, Trajectory]
    budgets: dict[str, Budget]
    personal_budget: PersonalBudget
    benefits: Benefits
    policy: Policy
    policy_changes: list[PolicyChange]


def reference_problems(scenario: Scenario) -> list[tuple[tuple, str]]:
    """Names that must resolve (group → handler, referral → service, trajectory → budget).

    Returns (key path, message) pairs so the loader can point at the line that is wrong.
    """
    policy = scenario.policy
    problems = _policy_problems(scenario, policy, ("policy",))
    previous = scenario.clock.start
    for i, change in enumerate(scenario.policy_changes):
        where = ("policy_changes", i)
        if change.from_date <= previous:
            after = "the clock's start" if i == 0 else "the change before it"
            problems.append((where + ("from",), f"{change.from_date} must be later than {after} ({previous})"))
        previous = change.from_date  # (that a change adds no group is checked when it is expanded)
        problems += _policy_problems(scenario, change.policy, where + ("policy",))
    for name, trajectory in scenario.trajectories.items():
        if trajectory.budget not in scenario.budgets:
            problems.append((("trajectories", name, "budget"), f"unknown budget '{trajectory.budget}' (budgets: {sorted(scenario.budgets)})"))
    if scenario.personal_budget.budget not in scenario.budgets:
        problems.append((("personal_budget", "budget"), f"unknown budget '{scenario.personal_budget.budget}'"))
    for section in ("group_priority", "ring_fenced"):
        for group in getattr(scenario.klantmanagers, section):
            if group not in policy.groups:
                problems.append((("klantmanagers", section, group), f"unknown group (groups: {sorted(policy.groups)})"))
    for name, service in scenario.services.items():
        for group in service.group_priority:
            if group not in policy.groups:
                problems.append((("services", name, "group_priority", group), f"unknown group (groups: {sorted(policy.groups)})"))
    km = scenario.klantmanagers
    if sum(km.ring_fenced.values()) > km.count * km.caseload:
        problems.append((("klantmanagers", "ring_fenced"), "reserves more slots than count × caseload"))
    return problems


def _policy_problems(scenario: Scenario, policy: Policy, at: tuple) -> list[tuple[tuple, str]]:
    """Names in one policy that must resolve: phases to groups, groups to handlers and referrals."""
    problems: list[tuple[tuple, str]] = []
    if sorted(policy.phase_to_group) != list(PHASES):
        problems.append((at + ("phase_to_group",), "must map each of the phases 1-5 to a group"))
    for phase, group in policy.phase_to_group.items():
        if group not in policy.groups:
            problems.append((at + ("phase_to_group", phase), f"unknown group '{group}' (groups: {sorted(policy.groups)})"))
    handlers = {KLANTMANAGER, NO_HANDLER, *scenario.services}
    for name, group in policy.groups.items():
        where = at + ("groups", name)
        if group.handler not in handlers:
            problems.append((where + ("handler",), f"'{group.handler}' is not one of {sorted(handlers)}"))
        for service in group.service_referrals:
            if service not in scenario.services:
                problems.append((where + ("service_referrals", service), f"unknown service (services: {sorted(scenario.services)})"))
        for trajectory in group.trajectories:
            if trajectory not in scenario.trajectories:
                problems.append((where + ("trajectories",), f"unknown trajectory '{trajectory}' (catalogue: {sorted(scenario.trajectories)})"))
    return problems
