"""Scenario files inherit from each other (``extends: base.yaml``): load the tree, merge it deeply,
and keep the ``sources`` map in step so every value still knows its file and line."""

from __future__ import annotations

from collections.abc import Mapping
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


def _check_parent(parent: Path, stack: list[tuple[Path, str]], where: tuple[str, str, int | None]) -> None:
    """A parent must exist and must not be one of the files being loaded (a cycle)."""
    file, key, line = where
    resolved = parent.resolve()
    seen = [r for r, _ in stack]
    if resolved in seen:
        names = [f for _, f in stack[seen.index(resolved):]] + [display_path(parent)]
        raise ScenarioError(f"extends cycle: {' > '.join(names)}", file=file, key=key, line=line)
    if not parent.exists():
        message = f"extends a file that does not exist: {display_path(parent)}"
        raise ScenarioError(message, file=file, key=key, line=line)


def load_tree(path: Path, stack: list[tuple[Path, str]]) -> RawScenario:
    """Load ``path`` and, recursively, everything it extends (``stack`` = the files being loaded)."""
    file = display_path(path)
    data, lines = load_yaml(path)
    parents = _parents(data, lines, file)
    sources: dict[KeyPath, Source] = {k: (file, n) for k, n in lines.items() if k[0] != "extends"}
    stack = stack + [(path.resolve(), file)]
    merged = RawScenario(data={})
    for rel, key, line in parents:
        parent = path.parent / rel
        _check_parent(parent, stack, (file, key, line))
        loaded = load_tree(parent, stack)
        merge(merged.data, merged.sources, loaded.data, loaded.sources)
        merged.chain += [f for f in loaded.chain if f not in merged.chain]
    merge(merged.data, merged.sources, data, sources)
    merged.chain.append(file)
    return merged
