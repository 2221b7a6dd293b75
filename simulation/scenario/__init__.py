"""Scenario files: YAML with ``extends:``, overrides (``a.b=3``), and strict validation."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass

from simulation.errors import ScenarioError
from simulation.scenario.loader import RawScenario, canonical_json, error_at, load_raw, locate, scenario_hash, validate
from simulation.scenario.schema import Scenario, reference_problems
from simulation.scenario.yamlio import key_str

__all__ = ["LoadedScenario", "Scenario", "ScenarioError", "load_scenario"]


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
    """Read, merge, override and validate a scenario; raises ScenarioError naming file, key and line
    (or ``argument="overrides"`` when the bad value came from ``overrides``)."""
    raw = load_raw(path, overrides)
    model = validate(raw, Scenario)
    problems = reference_problems(model)
    if problems:
        key_path, message = problems[0]
        more = f" (and {len(problems) - 1} more problems; fix this one first)" if len(problems) > 1 else ""
        raise error_at(message + more, locate(raw, key_path), key=key_str(key_path))
    return LoadedScenario(model=model, raw=raw, path=str(path))


def scenario_from_resolved(data: dict, label: str) -> LoadedScenario:
    """A scenario from the resolved data a results folder keeps (to rerun one of its replications)."""
    raw = RawScenario(data=data, chain=[f"{label} (resolved, from a results folder)"])
    return LoadedScenario(model=validate(raw, Scenario), raw=raw, path=label)
