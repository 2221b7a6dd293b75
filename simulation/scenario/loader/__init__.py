"""Scenario file -> merged plain data (``extends`` + overrides) -> validated model.

Scenario files inherit from each other (``extends: base.yaml``) and can be tweaked by overrides
(``a.b=3``, the ``overrides`` argument of ``load_scenario``). Users need to know which file and
line a bad value came from, so the merge keeps a ``sources`` map in step with the data, and
validation errors are translated back to file, key path and line (or the override).

Modules: ``raw`` (the merged data and its sources), ``extends`` (loading and merging the chain),
``overrides``, ``policy_changes`` (expanding each change to a whole policy), ``hashing``,
``validation`` (pydantic errors to file and line) and ``load`` (the steps in order). Every name
other layers use is re-exported here.
"""

from __future__ import annotations

from simulation.scenario.loader.extends import load_tree, merge
from simulation.scenario.loader.hashing import canonical_json, scenario_hash
from simulation.scenario.loader.load import load_raw, load_scenario_file
from simulation.scenario.loader.overrides import apply_override, check_existing_key, child_key, parse_override
from simulation.scenario.loader.policy_changes import expand_policy_changes
from simulation.scenario.loader.raw import OVERRIDE_ARGUMENT, OVERRIDE_FILE, RawScenario, Source, error_at, locate
from simulation.scenario.loader.validation import MISSING_HINT, ModelT, error_from_validation, validate

__all__ = [
    "OVERRIDE_ARGUMENT", "OVERRIDE_FILE", "RawScenario", "Source", "ModelT", "MISSING_HINT", "child_key",
    "apply_override", "canonical_json", "check_existing_key", "error_at", "error_from_validation",
    "expand_policy_changes", "load_raw", "load_scenario_file", "load_tree", "locate", "merge",
    "parse_override", "scenario_hash", "validate",
]
