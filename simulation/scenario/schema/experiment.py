"""An experiment inside one world: invite the eligible clients on a date, let them volunteer,
randomise the volunteers (up to a cap) to arms, and hold each arm under its own groups until
the experiment ends (cal §C: the trust experiments randomised volunteers inside one city).

An arm names where its members go instead of the group their phase gives: nowhere (``null``:
the usual groups, the control), one group of ``policy.groups`` for every phase, or a group per
phase. A group already carries a handler, contacts, obligations, referrals and trajectories,
so an arm's policy is written as groups.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from pydantic import Field, field_validator, model_validator

from simulation.scenario.schema.common import PHASES, Strict
from simulation.scenario.units import Duration, Effect, NonNegativeFloat, NonNegativeInt, Probability

#: The arm every other arm is compared with; its members keep the group their phase gives.
CONTROL = "control"
#: What the clients table says of invited clients who are in no arm, and the labels outcomes add.
DECLINED, NOT_SELECTED = "declined", "not_selected"
RESERVED = (DECLINED, NOT_SELECTED, "participants", "non_participants")
ARM_GROUP_HINT = "null (the usual groups), a group name, or a mapping of each phase 1-5 to a group"


class AgeRange(Strict):
    min: NonNegativeFloat
    max: NonNegativeFloat

    @model_validator(mode="after")
    def _ordered(self) -> AgeRange:
        if self.min >= self.max:
            raise ValueError(f"min ({self.min:g}) must be below max ({self.max:g})")
        return self


class Eligibility(Strict):
    """Who is invited: on benefit on the invitation date and all of these."""

    groups: list[str] | None  # None: every group
    phases: list[int] = Field(min_length=1)
    min_time_on_benefit: Duration
    age: AgeRange

    @field_validator("phases")
    @classmethod
    def _known_phases(cls, phases: list[int]) -> list[int]:
        unknown = [p for p in phases if p not in PHASES]
        if unknown:
            raise ValueError(f"phases are 1-5, got {unknown[0]}")
        return phases


class Volunteering(Strict):
    """The chance an invited client volunteers: logistic in what it is at the invitation.

    logit = intercept + motivation_effect·(motivation − ½) + trust_effect·(trust − ½)
            + years_on_benefit_effect·years + phase_effect·(phase − 3)
    """

    intercept: Effect
    motivation_effect: Effect
    trust_effect: Effect
    years_on_benefit_effect: Effect
    phase_effect: Effect


class Arm(Strict):
    share: Probability
    group: str | dict[int, str] | None

    @field_validator("group", mode="before")
    @classmethod
    def _group_shape(cls, value: Any) -> Any:
        if value is None or isinstance(value, str):
            return value
        if isinstance(value, dict) and sorted(value) == list(PHASES) and all(isinstance(g, str) for g in value.values()):
            return value
        raise ValueError(f"must be {ARM_GROUP_HINT}")

    def phase_to_group(self) -> dict[int, str] | None:
        """The arm's groups by phase; None for the usual groups."""
        if self.group is None or isinstance(self.group, dict):
            return self.group
        return {phase: self.group for phase in PHASES}


class Experiment(Strict):
    invitation: dt.date
    end: dt.date
    eligible: Eligibility
    volunteering: Volunteering
    participants: NonNegativeInt  # the cap: volunteers beyond it are drawn out at random
    arms: dict[str, Arm]

    @model_validator(mode="after")
    def _arms_and_dates(self) -> Experiment:
        if self.end <= self.invitation:
            raise ValueError(f"end ({self.end}) must be after the invitation ({self.invitation})")
        if CONTROL not in self.arms:
            raise ValueError(f"arms must include '{CONTROL}', the arm every other arm is compared with")
        reserved = [name for name in self.arms if name in RESERVED or not name]
        if reserved:
            raise ValueError(f"'{reserved[0]}' cannot name an arm (reserved: {', '.join(RESERVED)})")
        total = sum(arm.share for arm in self.arms.values())
        if abs(total - 1.0) > 1e-6:
            raise ValueError(f"the arms' shares must add up to 1, they add up to {total:g}")
        return self
