"""From a scenario file and overrides to validated data: the steps of loading, in their order."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from simulation.scenario.loader.extends import Transplanter, load_tree
from simulation.scenario.loader.overrides import apply_override
from simulation.scenario.loader.policy_changes import expand_policy_changes
from simulation.scenario.loader.raw import OVERRIDE_FILE, RawScenario
from simulation.scenario.loader.validation import ModelT, validate


def load_raw(path: str | os.PathLike[str], overrides: Sequence[str] = (), transplanter: Transplanter | None = None
             ) -> RawScenario:
    """Load a scenario file with its ``extends`` chain (and ``policy_from``, given a transplanter) resolved
    and the overrides applied."""
    raw = load_tree(Path(path), [], transplanter)
    for text in overrides:
        apply_override(raw, text)
    if overrides:
        raw.chain.append(OVERRIDE_FILE)
        raw.overrides = list(overrides)
    _drop_stale_translation(raw)
    expand_policy_changes(raw)
    return raw


def _drop_stale_translation(raw: RawScenario) -> None:
    """A ``description_nl`` translates the ``description`` of its own file: one inherited from a
    parent whose ``description`` a later file (or override) replaced describes another scenario."""
    translated, described = raw.sources.get(("description_nl",)), raw.sources.get(("description",))
    if translated is None or described is None:
        return
    order = {file: i for i, file in enumerate(raw.chain)}
    if order.get(described[0], -1) > order.get(translated[0], -1):
        raw.data.pop("description_nl", None)
        del raw.sources[("description_nl",)]


def load_scenario_file(
    path: str | os.PathLike[str],
    model: type[ModelT],
    overrides: Sequence[str] = (),
    *,
    context: dict[str, Any] | None = None,
) -> tuple[ModelT, RawScenario]:
    """``load_raw`` + ``validate``: the one call the CLI needs."""
    raw = load_raw(path, overrides)
    return validate(raw, model, context=context), raw
