"""The scenario schema: every key a scenario may hold, with its type and range.

There are no defaults here on purpose: ``scenarios/base.yaml`` sets every key with a comment
naming its source, and other scenarios ``extends:`` it (the one exception: the entries of
``capacity_changes`` name only what changes, so their keys are optional). A key the model reads that is not in
this schema cannot exist, and a key in a file that is not in this schema is an error.

One module per part of the file: ``common`` (the strict base and fixed names), ``people``
(population, inflow, assessment), ``services`` (klantmanagers, services, trajectories, budgets),
``policy`` (groups, obligations, sanctions, attention, ladder, policy changes), ``experiment``
(an experiment inside the world: invitation, volunteering, arms), ``capacity`` (dated changes of
capacity and budgets), ``clock_jobs``
(clock, exits, jobs, returns), ``root`` (the whole scenario) and ``references`` (names that
must resolve across sections). Every name is re-exported here.
"""

from __future__ import annotations

from simulation.scenario.schema.capacity import (
    BudgetChange,
    CapacityChange,
    KlantmanagersChange,
    ServiceChange,
    TrajectoryChange,
    UrgentCareChange,
)
from simulation.scenario.schema.clock_jobs import (
    BetweenJobs,
    Clock,
    DurationBand,
    JobMix,
    Jobs,
    JobType,
    OtherExitRates,
    OtherExits,
    PartTime,
    Return,
    ReturnAfterExit,
    WorkExit,
)
from simulation.scenario.schema.common import (
    BARRIERS,
    KLANTMANAGER,
    NO_HANDLER,
    PHASES,
    JobKind,
    ObligationMode,
    Strict,
    TrajectoryKind,
    UptakeKind,
)
from simulation.scenario.schema.experiment import CONTROL, AgeRange, Arm, Eligibility, Experiment, Volunteering
from simulation.scenario.schema.people import (
    Assessment,
    BarrierShares,
    BarrierWeights,
    Deterrence,
    Education,
    Household,
    Inflow,
    Population,
    YouthRule,
)
from simulation.scenario.schema.policy import (
    Attention,
    EarningsRelease,
    Group,
    Ladder,
    Obligations,
    Policy,
    PolicyChange,
    Referral,
    Sanctions,
    TegenprestatieStart,
    Threat,
    ThreatEffect,
    Uptake,
)
from simulation.scenario.schema.references import reference_problems
from simulation.scenario.schema.root import Scenario
from simulation.scenario.schema.services import (
    Benefits,
    Budget,
    BudgetCut,
    HouseholdNorms,
    Klantmanagers,
    PersonalBudget,
    Service,
    ServiceOutcomes,
    ServiceTarget,
    Trajectory,
    TrajectoryEffects,
    UrgentCare,
)

__all__ = [
    "BARRIERS", "KLANTMANAGER", "NO_HANDLER", "PHASES",
    "JobKind", "ObligationMode", "TrajectoryKind", "UptakeKind", "Strict",
    "Assessment", "BarrierShares", "BarrierWeights", "Deterrence", "Education", "Household", "Inflow", "Population",
    "YouthRule",
    "Benefits", "Budget", "BudgetCut", "HouseholdNorms", "Klantmanagers", "PersonalBudget", "Service", "ServiceOutcomes",
    "ServiceTarget", "Trajectory", "TrajectoryEffects", "UrgentCare",
    "Attention", "EarningsRelease", "Group", "Ladder", "Obligations", "Policy", "PolicyChange", "Referral", "Sanctions",
    "TegenprestatieStart", "Threat", "ThreatEffect", "Uptake",
    "BetweenJobs", "Clock", "DurationBand", "JobMix", "JobType", "Jobs", "OtherExitRates", "OtherExits", "PartTime", "Return",
    "ReturnAfterExit", "WorkExit",
    "CONTROL", "AgeRange", "Arm", "Eligibility", "Experiment", "Volunteering",
    "BudgetChange", "CapacityChange", "KlantmanagersChange", "ServiceChange", "TrajectoryChange", "UrgentCareChange",
    "Scenario", "reference_problems",
]
