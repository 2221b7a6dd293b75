"""Scenario files: YAML with ``extends:``, overrides (``a.b=3``), and strict validation."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from simulation.errors import ScenarioError
from simulation.scenario.loader import (
    RawScenario,
    canonical_json,
    error_at,
    expand_policy_changes,
    load_raw,
    locate,
    scenario_hash,
    validate,
)
from simulation.scenario.loader.extends import Where
from simulation.scenario.schema import Scenario, reference_problems
from simulation.scenario.shipped import resolve_scenario
from simulation.scenario.transplant import transplant_raw
from simulation.scenario.yamlio import display_path, key_str

__all__ = ["LoadedScenario", "Scenario", "ScenarioError", "load_scenario", "resolve_scenario", "transplant"]


@dataclass(frozen=True)
class LoadedScenario:
    """A validated scenario with where it came from: the resolved data, its hash, its chain."""

    model: Scenario
    raw: RawScenario
    path: str

    @property
    def hash(self) -> str:
        return scenario_hash(self.raw.data)

    @property
    def resolved_json(self) -> str:
        return canonical_json(self.raw.data)

    @property
    def name(self) -> str:
        return self.model.name


def load_scenario(path: str | os.PathLike[str], overrides: Sequence[str] = ()) -> LoadedScenario:
    """Read, merge, override and validate a scenario: a file, or the name of a shipped one (``tilburg``,
    ``scenario/shipped.py``); raises ScenarioError naming file, key and line (or ``argument="overrides"``
    when the bad value came from ``overrides``)."""
    file = resolve_scenario(path)
    raw = load_raw(file, overrides, _policy_from_file)
    return _checked(raw, str(file))


def _checked(raw: RawScenario, path: str) -> LoadedScenario:
    """Validate merged data and check its references (a group's handler names a service, ...)."""
    model = validate(raw, Scenario)
    problems = reference_problems(model)
    if problems:
        key_path, message = problems[0]
        more = f" (and {len(problems) - 1} more problems; fix this one first)" if len(problems) > 1 else ""
        raise error_at(message + more, locate(raw, key_path), key=key_str(key_path))
    return LoadedScenario(model=model, raw=raw, path=path)


_DONORS: list[str] = []
"""The ``policy_from`` files being loaded, to refuse a cycle (a takes its policy from b, b from a)."""


def _policy_from_file(place: RawScenario, donor_path: Path, where: Where) -> RawScenario:
    """The ``policy_from`` of a file: the donor loaded in full, then transplanted into ``place``."""
    file, key, line = where
    resolved = str(donor_path.resolve())
    if resolved in _DONORS:
        raise ScenarioError(f"policy_from cycle through {display_path(donor_path)}", file=file, key=key, line=line)
    _DONORS.append(resolved)
    try:
        donor = load_scenario(donor_path)
    finally:
        _DONORS.pop()
    return transplant_raw(place, donor.raw, display_path(donor_path))


def transplant(place: LoadedScenario, policy: LoadedScenario) -> LoadedScenario:
    """The place (clients, inflow, labour market, prices) of ``place`` under the policy of ``policy``,
    with the policy's capacities and budgets converted per client on benefit (``schema/parts.py``)."""
    if place.hash == policy.hash:
        return place
    raw = transplant_raw(place.raw, policy.raw, policy.path)
    expand_policy_changes(raw)
    return _checked(raw, f"{place.path} + policy of {policy.path}")


def scenario_from_resolved(data: dict, label: str) -> LoadedScenario:
    """A scenario from the resolved data a results folder keeps (to rerun one of its replications)."""
    raw = RawScenario(data=data, chain=[f"{label} (resolved, from a results folder)"])
    return LoadedScenario(model=validate(raw, Scenario), raw=raw, path=label)
