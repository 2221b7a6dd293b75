"""Names in a scenario that must resolve to something it defines (group → handler, referral →
service, trajectory → budget). Pydantic checks each section alone; these checks span sections."""

from __future__ import annotations

import datetime as dt

from simulation.scenario.schema.capacity import CapacityChange
from simulation.scenario.schema.common import KLANTMANAGER, NO_HANDLER, PHASES
from simulation.scenario.schema.policy import Group, Policy
from simulation.scenario.schema.root import Scenario

Problem = tuple[tuple, str]
"""(key path, message): the loader turns the key path into the file and line that is wrong."""


def reference_problems(scenario: Scenario) -> list[Problem]:
    """Every name that does not resolve, in file order, so the loader can point at the first."""
    problems = _policy_problems(scenario, scenario.policy, ("policy",))
    problems += _policy_change_problems(scenario)
    problems += capacity_change_problems(scenario)
    problems += _budget_problems(scenario)
    problems += _group_priority_problems(scenario)
    problems += _experiment_problems(scenario)
    km = scenario.klantmanagers
    if sum(km.ring_fenced.values()) > km.count * km.caseload:
        problems.append((("klantmanagers", "ring_fenced"), "reserves more slots than count × caseload"))
    return problems


def _policy_change_problems(scenario: Scenario) -> list[Problem]:
    """Each change must come after the one before it (the first after the start), and resolve."""
    problems: list[Problem] = []
    previous = scenario.clock.start
    for i, change in enumerate(scenario.policy_changes):
        where = ("policy_changes", i)
        if change.from_date <= previous:
            after = "the clock's start" if i == 0 else "the change before it"
            problems.append((where + ("from",), f"{change.from_date} must be later than {after} ({previous})"))
        previous = change.from_date  # (that a change adds no group is checked when it is expanded)
        problems += _policy_problems(scenario, change.policy, where + ("policy",))
    return problems


def capacity_change_problems(scenario: Scenario) -> list[Problem]:
    """Each capacity change falls inside the run, after the one before it, and names what exists;
    klantmanager places reserved for groups still fit in the caseloads after it."""
    problems: list[Problem] = []
    clock = scenario.clock
    previous, end = clock.start, clock.start + dt.timedelta(days=clock.horizon + clock.follow_up)
    km = scenario.klantmanagers
    count, caseload = km.count, km.caseload
    for i, change in enumerate(scenario.capacity_changes):
        where = ("capacity_changes", i)
        if not clock.start < change.from_date < end:
            problems.append((where + ("from",), f"{change.from_date} is outside the run: it must be later than the "
                                                f"clock's start ({clock.start}) and before the run ends ({end}, after "
                                                "the follow-up)"))
        elif change.from_date <= previous:
            problems.append((where + ("from",), f"{change.from_date} must be later than the change before it ({previous})"))
        previous = max(previous, change.from_date)
        problems += _unknown_names(scenario, change, where)
        if change.klantmanagers is not None:
            count = count if change.klantmanagers.count is None else change.klantmanagers.count
            caseload = caseload if change.klantmanagers.caseload is None else change.klantmanagers.caseload
            if sum(km.ring_fenced.values()) > count * caseload:
                problems.append((where + ("klantmanagers",), "klantmanagers.ring_fenced reserves more places than "
                                                              f"count × caseload from this date ({count} × {caseload})"))
    return problems


def _unknown_names(scenario: Scenario, change: CapacityChange, where: tuple) -> list[Problem]:
    """A change may resize a team, a trajectory or a budget the scenario has, not add one."""
    problems: list[Problem] = []
    for section, one, names, known in (("services", "service", change.services, scenario.services),
                                       ("trajectories", "trajectory", change.trajectories, scenario.trajectories),
                                       ("budgets", "budget", change.budgets, scenario.budgets)):
        for name in names:
            if name not in known:
                message = f"unknown {one} '{name}' ({section}: {sorted(known)}); a change resizes, it cannot add one"
                problems.append((where + (section, name), message))
    return problems


def _budget_problems(scenario: Scenario) -> list[Problem]:
    """Trajectories and the personal budget are paid from a named budget."""
    problems: list[Problem] = []
    for name, trajectory in scenario.trajectories.items():
        if trajectory.budget not in scenario.budgets:
            message = f"unknown budget '{trajectory.budget}' (budgets: {sorted(scenario.budgets)})"
            problems.append((("trajectories", name, "budget"), message))
    if scenario.personal_budget.budget not in scenario.budgets:
        problems.append((("personal_budget", "budget"), f"unknown budget '{scenario.personal_budget.budget}'"))
    return problems


def _group_priority_problems(scenario: Scenario) -> list[Problem]:
    """Klantmanagers and services rank and reserve slots for groups the policy defines."""
    groups = scenario.policy.groups
    problems: list[Problem] = []
    for section in ("group_priority", "ring_fenced"):
        for group in getattr(scenario.klantmanagers, section):
            if group not in groups:
                problems.append((("klantmanagers", section, group), f"unknown group (groups: {sorted(groups)})"))
    for name, service in scenario.services.items():
        for group in service.group_priority:
            if group not in groups:
                problems.append((("services", name, "group_priority", group), f"unknown group (groups: {sorted(groups)})"))
    return problems


def _experiment_problems(scenario: Scenario) -> list[Problem]:
    """The experiment's groups exist, and it invites while the run is on."""
    experiment = scenario.experiment
    if experiment is None:
        return []
    clock = scenario.clock
    problems: list[Problem] = []
    run_end = clock.start + dt.timedelta(days=clock.horizon + clock.follow_up)
    if not clock.start <= experiment.invitation < run_end:
        problems.append((("experiment", "invitation"), f"{experiment.invitation} is not within the run "
                         f"({clock.start} to {run_end:%Y-%m-%d})"))
    return problems + _experiment_group_problems(scenario) + _arm_priority_problems(scenario)


def _arm_groups(scenario: Scenario) -> list[str]:
    assert scenario.experiment is not None
    return sorted({group for arm in scenario.experiment.arms.values() for group in (arm.phase_to_group() or {}).values()})


def _arm_priority_problems(scenario: Scenario) -> list[Problem]:
    """A queue that ranks the usual groups (those phases give) ranks the arms' groups too: an unlisted
    group queues after every listed one, so an arm's members would wait behind control (a confound)."""
    arm_groups, usual = _arm_groups(scenario), set(scenario.policy.phase_to_group.values())
    queues: list[tuple[tuple, dict[str, int]]] = [(("klantmanagers", "group_priority"),
                                                   scenario.klantmanagers.group_priority)]
    queues += [(("services", name, "group_priority"), service.group_priority)
               for name, service in scenario.services.items() if service.slots > 0]  # no places: nobody is served
    problems: list[Problem] = []
    for where, ranks in queues:
        missing = [group for group in arm_groups if group not in ranks]
        if missing and usual & set(ranks):
            problems.append((where, f"gives no priority to the experiment's group '{missing[0]}' "
                                    "(unlisted, its members would queue after everyone else)"))
    return problems


def _experiment_group_problems(scenario: Scenario) -> list[Problem]:
    """Groups the experiment invites or puts its arms in are groups of the policy."""
    assert scenario.experiment is not None
    experiment, groups = scenario.experiment, scenario.policy.groups
    problems: list[Problem] = []
    for group in experiment.eligible.groups or []:
        if group not in groups:
            problems.append((("experiment", "eligible", "groups"), f"unknown group '{group}' (groups: {sorted(groups)})"))
    for name, arm in experiment.arms.items():
        for phase, group in (arm.phase_to_group() or {}).items():
            if group not in groups:
                where = ("experiment", "arms", name, "group") + ((phase,) if isinstance(arm.group, dict) else ())
                problems.append((where, f"unknown group '{group}' (groups: {sorted(groups)})"))
    return problems


def _policy_problems(scenario: Scenario, policy: Policy, at: tuple) -> list[Problem]:
    """Names in one policy that must resolve: phases to groups, groups to handlers and referrals."""
    problems: list[Problem] = []
    if sorted(policy.phase_to_group) != list(PHASES):
        problems.append((at + ("phase_to_group",), "must map each of the phases 1-5 to a group"))
    for phase, group in policy.phase_to_group.items():
        if group not in policy.groups:
            problems.append((at + ("phase_to_group", phase), f"unknown group '{group}' (groups: {sorted(policy.groups)})"))
    for name, group_spec in policy.groups.items():
        problems += _group_problems(scenario, group_spec, at + ("groups", name))
    return problems


def _group_problems(scenario: Scenario, group: Group, where: tuple) -> list[Problem]:
    """One group's handler, service referrals and trajectories must exist."""
    problems: list[Problem] = []
    handlers = {KLANTMANAGER, NO_HANDLER, *scenario.services}
    if group.handler not in handlers:
        problems.append((where + ("handler",), f"'{group.handler}' is not one of {sorted(handlers)}"))
    for service in group.service_referrals:
        if service not in scenario.services:
            problems.append((where + ("service_referrals", service), f"unknown service (services: {sorted(scenario.services)})"))
    for trajectory in group.trajectories:
        if trajectory not in scenario.trajectories:
            message = f"unknown trajectory '{trajectory}' (catalogue: {sorted(scenario.trajectories)})"
            problems.append((where + ("trajectories",), message))
    return problems
