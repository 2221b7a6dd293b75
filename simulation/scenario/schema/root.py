"""The whole scenario: one key per section, each section defined in its own module."""

from __future__ import annotations

from simulation.scenario.schema.capacity import CapacityChange
from simulation.scenario.schema.clock_jobs import Clock, Jobs, OtherExits, PartTime, ReturnAfterExit, WorkExit
from simulation.scenario.schema.common import Strict
from simulation.scenario.schema.experiment import Experiment
from simulation.scenario.schema.people import Assessment, Inflow, Population
from simulation.scenario.schema.policy import Attention, Ladder, Policy, PolicyChange, Sanctions
from simulation.scenario.schema.services import Benefits, Budget, Klantmanagers, PersonalBudget, Service, Trajectory


class Scenario(Strict):
    name: str
    description: str
    #: The description in Dutch, shown by ``--lang nl`` reports; optional (a Dutch report then shows none).
    description_nl: str | None = None
    clock: Clock
    population: Population
    inflow: Inflow
    assessment: Assessment
    ladder: Ladder
    attention: Attention
    work_exit: WorkExit
    part_time: PartTime
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
    experiment: Experiment | None
    capacity_changes: list[CapacityChange]
