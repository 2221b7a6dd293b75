"""Scenario files inherit from each other (``extends: base.yaml``): load the tree, merge it deeply,
and keep the ``sources`` map in step so every value still knows its file and line."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from simulation.errors import ScenarioError
from simulation.scenario.loader.raw import RawScenario, Source, drop_subtree, subtree
from simulation.scenario.yamlio import KeyPath, display_path, load_yaml


def merge(
    base: dict[Any, Any],
    base_src: dict[KeyPath, Source],
    over: Mapping[Any, Any],
    over_src: Mapping[KeyPath, Source],
    prefix: KeyPath = (),
) -> None:
    """Deep-merge ``over`` into ``base`` in place: mappings key by key, anything else replaces.

    A distribution spec (a mapping with ``dist``) is one value: it replaces the parent's whole,
    so a child can change the family (``{dist: fixed, value: 30}`` over a normal).
    """
    for key, value in over.items():
        path = prefix + (key,)
        if isinstance(value, dict) and isinstance(base.get(key), dict) and "dist" not in value:
            merge(base[key], base_src, value, over_src, path)
            if path in over_src:  # the latest file that mentions a mapping owns its key line
                base_src[path] = over_src[path]
        else:
            base[key] = value
            drop_subtree(base_src, path)
            base_src.update(subtree(over_src, path))


def _parents(
    data: dict[Any, Any], lines: Mapping[KeyPath, int], file: str
) -> list[tuple[str, str, int | None]]:
    """The ``extends`` entries of one file as (relative path, key path, line)."""
    if "extends" not in data:
        return []
    value = data.pop("extends")
    line = lines.get(("extends",))
    items = [value] if isinstance(value, str) else value
    if not isinstance(items, list):
        items = [None]  # reported below as not a path
    out: list[tuple[str, str, int | None]] = []
    for i, item in enumerate(items):
        key = "extends" if isinstance(value, str) or len(items) == 1 else f"extends.{i}"
        item_line = lines.get(("extends", i), line)
        if not isinstance(item, str) or not item.strip():
            problem = "extends must be a file path or a list of file paths"
            raise ScenarioError(problem, file=file, key=key, line=item_line)
        out.append((item, key, item_line))
    return out


Where = tuple[str, str, int | None]
"""The file, key and line of an ``extends`` or ``policy_from`` entry (for its error messages)."""
Transplanter = Callable[[RawScenario, Path, Where], RawScenario]
"""Puts the scenario loaded so far under the policy of another file (``scenario/transplant.py``)."""


def _policy_from(data: dict[Any, Any], lines: Mapping[KeyPath, int], file: str) -> Where | None:
    """The ``policy_from`` entry of one file as (relative path, key, line), or None."""
    if "policy_from" not in data:
        return None
    value = data.pop("policy_from")
    line = lines.get(("policy_from",))
    if not isinstance(value, str) or not value.strip():
        raise ScenarioError("policy_from must be the path of one scenario file", file=file, key="policy_from", line=line)
    return value, "policy_from", line


def _check_parent(parent: Path, stack: list[tuple[Path, str]], where: Where) -> None:
    """A parent (or policy donor) must exist and must not be one of the files being loaded (a cycle)."""
    file, key, line = where
    verb = "takes its policy from" if key == "policy_from" else "extends"
    resolved = parent.resolve()
    seen = [r for r, _ in stack]
    if resolved in seen:
        names = [f for _, f in stack[seen.index(resolved):]] + [display_path(parent)]
        raise ScenarioError(f"{key} cycle: {' > '.join(names)}", file=file, key=key, line=line)
    if not parent.exists():
        message = f"{verb} a file that does not exist: {display_path(parent)}"
        raise ScenarioError(message, file=file, key=key, line=line)


def load_tree(path: Path, stack: list[tuple[Path, str]], transplanter: Transplanter | None = None) -> RawScenario:
    """Load ``path`` and, recursively, everything it extends (``stack`` = the files being loaded).

    A file's ``policy_from`` is applied after its own keys are merged, and its own keys are merged
    again afterwards, so that what the file itself says about the policy wins over the donor's.
    """
    file = display_path(path)
    data, lines = load_yaml(path)
    parents = _parents(data, lines, file)
    donor = _policy_from(data, lines, file)
    sources: dict[KeyPath, Source] = {k: (file, n) for k, n in lines.items() if k[0] not in ("extends", "policy_from")}
    stack = stack + [(path.resolve(), file)]
    merged = RawScenario(data={})
    for rel, key, line in parents:
        parent = path.parent / rel
        _check_parent(parent, stack, (file, key, line))
        loaded = load_tree(parent, stack, transplanter)
        merge(merged.data, merged.sources, loaded.data, loaded.sources)
        merged.chain += [f for f in loaded.chain if f not in merged.chain]
        merged.policy_from = loaded.policy_from or merged.policy_from
    merge(merged.data, merged.sources, data, sources)
    merged.chain.append(file)
    if donor is not None:
        if transplanter is None:
            raise ScenarioError("policy_from is not allowed here", file=file, key="policy_from", line=donor[2])
        target = path.parent / donor[0]
        _check_parent(target, stack, (file, donor[1], donor[2]))
        merged = transplanter(merged, target, (file, donor[1], donor[2]))
        merge(merged.data, merged.sources, data, sources)
    return merged
