"""What the policy asks of clients and how it treats them: groups and their handlers, obligations,
sanctions and the threat of them, attention, the participation ladder, and changes of policy."""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import ConfigDict, Field, field_validator

from simulation.scenario.distributions import DurationDistribution
from simulation.scenario.schema.common import PHASES, ObligationMode, Strict, UptakeKind, check_interval_mean
from simulation.scenario.units import (
    Duration,
    Effect,
    Hazard,
    Interval,
    MoneyPerDay,
    NonNegativeFloat,
    PositiveMultiplier,
    Probability,
    format_days,
)

# --- groups and obligations -------------------------------------------------------------------


class Obligations(Strict):
    job_search: ObligationMode
    tegenprestatie: ObligationMode


class Referral(Strict):
    probability: Probability
    uptake: UptakeKind


class EarningsRelease(Strict):
    """Inkomstenvrijlating: the share of part-time earnings a client keeps on top of the partial
    benefit, at most ``cap`` (per period; None: no cap), for at most ``duration`` from the start of
    the job (None: as long as it lasts)."""

    share: Probability
    cap: MoneyPerDay | None
    duration: Duration | None


class Group(Strict):
    handler: str
    handler_uptake: UptakeKind
    contact_interval: DurationDistribution
    review_interval: Interval | None
    obligations: Obligations
    service_referrals: dict[str, Referral]
    trajectory_referral: Referral
    trajectories: list[str]
    personal_budget: bool
    #: the group's own release (an experiment arm's); None, or not given: the policy's ``earnings_release``
    earnings_release: EarningsRelease | None = None

    @field_validator("contact_interval")
    @classmethod
    def _contacts_apart(cls, interval: Any) -> Any:
        return check_interval_mean(interval)


class Uptake(Strict):
    """Voluntary uptake: logistic in motivation and trust; obligatory: all but refusers."""

    voluntary_intercept: Effect
    voluntary_motivation_effect: Effect
    voluntary_trust_effect: Effect
    obligatory_refusal: Probability


class Policy(Strict):
    name: str
    phase_to_group: dict[int, str]
    groups: dict[str, Group]
    uptake: Uptake
    intake_assessment: bool
    earnings_release: EarningsRelease

    def release_of(self, group: str) -> EarningsRelease:
        """The earnings release a group's clients have: the group's own, else the policy's."""
        return self.groups[group].earnings_release or self.earnings_release


class PolicyChange(Strict):
    """The policy from a date on (an experiment ends, a new law starts).

    In the file a change names only the keys that change; the loader fills in the rest from
    the policy in force just before it (``expand_policy_changes``), so ``policy`` here is whole.
    """

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)
    from_date: dt.date = Field(alias="from")
    policy: Policy


# --- sanctions ----------------------------------------------------------------------------


class ThreatEffect(Strict):
    work_hazard_multiplier: PositiveMultiplier
    enforcement_exit_rate: Hazard


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
    work_hazard_multiplier: PositiveMultiplier
    enforcement_exit_rate: Hazard
    flex_job_odds: PositiveMultiplier
    trust_loss: Probability
    repeat_noncompliance_factor: Probability
    threat: Threat
    tegenprestatie_start: TegenprestatieStart


# --- attention and the ladder -----------------------------------------------------------------


class Attention(Strict):
    motivation_gain_per_contact: Probability
    trust_gain_per_contact: Probability
    decay_half_life: Duration

    @field_validator("decay_half_life")
    @classmethod
    def _at_least_a_day(cls, days: float) -> float:
        # a client's hazards are looked at again every half-life while the gain decays: a shorter one
        # never moves the clock on (and a gain gone within hours is no lasting effect of attention)
        if days < 1.0:
            raise ValueError(f"must be at least 1 day, got {format_days(days)} (for no lasting effect of contacts, "
                             "set motivation_gain_per_contact to 0)")
        return days


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
