"""Merged plain scenario data with, for every key path, the file and line its value came from.

Values from the ``overrides`` argument of ``load_scenario`` have no file: their source is the
label :data:`OVERRIDE_FILE`, and an error about one names the argument instead of a file (the
command line shows it as its own flag).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from simulation.errors import ScenarioError
from simulation.scenario.yamlio import KeyPath

OVERRIDE_FILE = "<overrides>"
"""Where a file name would stand (chain, sources) for values from the ``overrides`` argument (in
angle brackets, so that no file of that name can be taken for it)."""
OVERRIDE_ARGUMENT = "overrides"
"""The ``argument`` of a ScenarioError about an override: the parameter of ``load_scenario``."""

Source = tuple[str, int | None]


@dataclass
class RawScenario:
    """Merged plain data plus where every key path got its final value."""

    data: dict[Any, Any]
    sources: dict[KeyPath, Source] = field(default_factory=dict)
    chain: list[str] = field(default_factory=list)
    overrides: list[str] = field(default_factory=list)  # the override texts applied, in order
    policy_from: dict[str, Any] | None = None  # a transplant's record (``scenario/transplant.py``), JSON-able

    @property
    def provenance(self) -> str:
        """E.g. ``scenarios/base.yaml > scenarios/tilburg.yaml > overrides``, plus where a transplanted policy came from."""
        chain = " > ".join(self.chain)
        if self.policy_from is None:
            return chain
        return f"{chain}, policy from {' > '.join(self.policy_from['chain'])}"


def subtree(sources: Mapping[KeyPath, Source], path: KeyPath) -> dict[KeyPath, Source]:
    """The entries of ``sources`` at ``path`` or below it (a replaced value takes them all)."""
    return {k: v for k, v in sources.items() if k[: len(path)] == path}


def drop_subtree(sources: dict[KeyPath, Source], path: KeyPath) -> None:
    for k in subtree(sources, path):
        del sources[k]


def locate(raw: RawScenario, path: KeyPath) -> Source:
    """File and line of the longest prefix of ``path`` that has a source."""
    for n in range(len(path), 0, -1):
        if path[:n] in raw.sources:
            return raw.sources[path[:n]]
    leaf = [f for f in raw.chain if f != OVERRIDE_FILE]
    return (leaf[-1] if leaf else OVERRIDE_FILE), None


def error_at(message: str, source: Source, key: str | None = None, hint: str | None = None) -> ScenarioError:
    """A ScenarioError at a source: its file and line, or the ``overrides`` argument it came from."""
    file, line = source
    if file == OVERRIDE_FILE:
        return ScenarioError(message, key=key, line=line, hint=hint, argument=OVERRIDE_ARGUMENT)
    return ScenarioError(message, file=file, key=key, line=line, hint=hint)
