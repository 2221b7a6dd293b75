"""Which keys of a scenario describe the *place* and which the *policy*.

A policy maker asks what another city's approach would do to *their* clients with *their*
money. To answer that, a scenario splits in two: the place (who the clients are, how many
come in, the labour market, how people respond to attention and sanctions, the calendar, the
benefit norms and the wages the city pays) and the policy (how clients are grouped and seen,
what is asked of them and how it is enforced, the teams, trajectories and budgets, and dated
changes of the policy and of capacities). A transplant (``policy_from``) keeps the place of one file and takes the
policy of another; ``INTENSITY`` lists the policy's capacities and budgets that are converted
per client on benefit, so a policy moved to a city of another size keeps its intensity.

A key is classified by the longest pattern that matches it (``*`` matches any one key), so a
section can be policy while a few keys inside it belong to the place, or the other way round.
"""

from __future__ import annotations

from typing import Literal

from simulation.scenario.yamlio import KeyPath

Part = Literal["place", "policy"]

#: Whole sections, with why each belongs where it does.
SECTIONS: dict[str, Part] = {
    "clock": "place",              # the calendar: when the run starts, warms up and is observed
    "population": "place",         # who the clients are and how many (the initial stock)
    "inflow": "place",             # how many apply and who they are (policy levers inside: below)
    "assessment": "place",         # how distance to work is read from a client's barriers (phase shares)
    "ladder": "place",             # where clients start on the participatieladder and how they drift
    "attention": "place",          # how people respond to contact (motivation, trust)
    "work_exit": "place",          # the labour market: exit-to-work hazards by phase and duration
    "part_time": "place",          # part-time work on benefit: how people take it up, keep it, earn
    "other_exits": "place",        # moving, partner income, education, death, pension age
    "return_after_exit": "place",  # who comes back after a non-work exit
    "jobs": "place",               # the jobs people find and how long they last
    "benefits": "place",           # the benefit norms (national, by household)
    "sanctions": "policy",         # monitoring and maatregelen (people's responses inside: below)
    "klantmanagers": "policy",     # how many, their caseload and priorities
    "services": "policy",          # wijkteams, netwerkconsulenten: places, staff, targets
    "trajectories": "policy",      # the reintegration catalogue the municipality buys
    "budgets": "policy",           # the money for trajectories and teams
    "personal_budget": "policy",   # a Leeuwarden 2000 instrument (seed 004)
    "policy": "policy",            # groups, handlers, obligations, referrals, reviews
    "policy_changes": "policy",    # dated changes of the policy
    "experiment": "policy",        # an experiment the municipality runs: whom it invites, its arms (cal §C)
    "capacity_changes": "policy",  # dated changes of staff, places and budgets: the municipality decides them
}

#: Keys inside a section that belong to the other part.
EXCEPTIONS: dict[KeyPath, Part] = {
    ("inflow", "work_first"): "policy",       # seed 001: a job-search period before benefit is a municipal choice
    ("inflow", "home_visit"): "policy",       # assumption: a visit at application is a municipal choice
    ("inflow", "youth_rule"): "policy",       # cal §D: how strictly the 4-week search rule for under-27s is applied
    ("klantmanagers", "cost_per_year"): "place",                 # a wage: what the city pays its staff
    ("services", "*", "cost_per_year_per_staff"): "place",       # a wage
    ("trajectories", "*", "cost_start"): "place",                # a price on the city's market
    ("trajectories", "*", "cost_per_month"): "place",            # a price on the city's market
    ("sanctions", "noncompliance_probability"): "place",         # how people behave, not what the policy does
    ("sanctions", "noncompliance_motivation_slope"): "place",    # how people behave
    ("sanctions", "effect_duration"): "place",                   # how long a sanction affects a person
    ("sanctions", "work_hazard_multiplier"): "place",            # cal §B: people's response to a sanction
    ("sanctions", "enforcement_exit_rate"): "place",             # cal §B: people's response to a sanction
    ("sanctions", "flex_job_odds"): "place",                     # cal §B: people's response to a sanction
    ("sanctions", "trust_loss"): "place",                        # people's response to a sanction
    ("sanctions", "repeat_noncompliance_factor"): "place",       # cal §B: people's response to a sanction
    ("sanctions", "threat"): "place",                            # cal §B: people's response to the rules they face
    ("experiment", "volunteering"): "place",                     # who volunteers: how people respond to an invitation
}

LABELS = ("name", "description", "description_nl")
"""Keys that name a scenario: neither place nor policy."""


def _matches(pattern: KeyPath, path: KeyPath) -> bool:
    return len(path) >= len(pattern) and all(p == "*" or p == k for p, k in zip(pattern, path, strict=False))


def part_of(path: KeyPath) -> Part | None:
    """``"place"``, ``"policy"`` or None (a label) for a key path, by its most specific pattern."""
    if not path or path[0] in LABELS:
        return None
    found = [(len(pattern), part) for pattern, part in EXCEPTIONS.items() if _matches(pattern, path)]
    if found:
        return max(found)[1]
    return SECTIONS.get(str(path[0]))


def exceptions_within(part: Part) -> list[KeyPath]:
    """The exception patterns that belong to ``part`` but sit inside a section of the other part."""
    return [pattern for pattern, p in EXCEPTIONS.items() if p == part and SECTIONS[str(pattern[0])] != part]
