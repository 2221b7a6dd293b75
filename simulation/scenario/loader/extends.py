"""Scenario files inherit from each other (``extends: base.yaml``): load the tree, merge it deeply,
and keep the ``sources`` map in step so every value still knows its file and line. A parent is
looked for beside the file that names it, then among the shipped scenarios (``scenario/shipped.py``)."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from simulation.errors import ScenarioError
from simulation.scenario.loader.raw import RawScenario, Source, drop_subtree, error_at, subtree
from simulation.scenario.shipped import resolve_scenario
from simulation.scenario.yamlfile import FileProblem, check_file
from simulation.scenario.yamlguard import shown
from simulation.scenario.yamlio import KeyPath, display_path, key_str, load_yaml, same_key


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
        if key not in base:
            _refuse_same_key(base, base_src, key, over_src, path)
        if isinstance(value, dict) and isinstance(base.get(key), dict) and "dist" not in value:
            merge(base[key], base_src, value, over_src, path)
            if path in over_src:  # the latest file that mentions a mapping owns its key line
                base_src[path] = over_src[path]
        else:
            base[key] = value
            drop_subtree(base_src, path)
            base_src.update(subtree(over_src, path))


def _refuse_same_key(
    base: Mapping[Any, Any], base_src: Mapping[KeyPath, Source], key: Any, over_src: Mapping[KeyPath, Source],
    path: KeyPath,
) -> None:
    """A child's ``"1":`` over a parent's ``1:`` would not replace it: validation would get both and
    keep one of them silently. Refuse it where the child wrote it."""
    same = same_key(key)
    if isinstance(key, str) and same == key:
        return
    for existing in base:
        if same_key(existing) == same:
            first_file, first_line = base_src.get(path[:-1] + (existing,), (None, None))
            first = f"{first_file}:{first_line}" if first_line is not None else str(first_file)
            written = shown(existing) if isinstance(existing, str) else existing
            message = f"duplicate key {shown(str(key))} (first in {first} as {written}; both name one key)"
            source = over_src.get(path)
            if source is None:
                raise ScenarioError(message, key=key_str(path))
            raise error_at(message, source, key=key_str(path))


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


def _name(path: Path) -> str:
    """A target's name for a message: as written, cut when absurdly long."""
    name = display_path(path)
    return name if len(name) <= 200 else name[:197] + "..."


def _identity(path: Path) -> Path:
    """The file behind ``path``, to recognise a cycle (a path that cannot be resolved stands for itself)."""
    try:
        return path.resolve()
    except (OSError, RuntimeError, ValueError):  # a symlink loop, a name too long, a null byte
        return Path(os.path.abspath(path))


def _target_error(problem: FileProblem, target: Path, where: Where) -> ScenarioError:
    """A target that is no scenario file, reported at the ``extends`` or ``policy_from`` line naming it."""
    file, key, line = where
    verb = "take the policy from" if key == "policy_from" else "extend"
    inside = f" (its line {problem.line})" if problem.line is not None else ""
    return ScenarioError(f"cannot {verb} {_name(target)}: {problem.message}{inside}", file=file, key=key, line=line)


def _located(rel: str, folder: Path, stack: list[tuple[Path, str]], where: Where) -> Path:
    """The parent (or policy donor) a file names: beside the file, else a shipped scenario of that name
    (``scenario/shipped.py``). It must be an existing regular file and must not be one of the files
    being loaded (a cycle)."""
    file, key, line = where
    verb = "takes its policy from" if key == "policy_from" else "extends"
    parent = folder / rel
    try:
        parent = resolve_scenario(rel, relative_to=folder)
        check_file(parent, display_path(parent))
    except FileProblem as problem:
        if problem.message == "file not found":
            message = f"{verb} a file that does not exist: {_name(parent)}"
            raise ScenarioError(message, file=file, key=key, line=line, hint=problem.hint) from None
        raise _target_error(problem, parent, where) from None
    resolved = _identity(parent)
    seen = [r for r, _ in stack]
    if resolved in seen:
        names = [f for _, f in stack[seen.index(resolved):]] + [display_path(parent)]
        raise ScenarioError(f"{key} cycle: {' > '.join(names)}", file=file, key=key, line=line)
    return parent


@contextmanager
def _reported_at(target: Path, where: Where) -> Iterator[None]:
    """Loading a parent or donor: a problem with the target file as a whole is reported where it is named."""
    try:
        yield
    except FileProblem as problem:
        if problem.file != display_path(target):
            raise
        raise _target_error(problem, target, where) from None


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
    stack = stack + [(_identity(path), file)]
    merged = RawScenario(data={})
    for rel, key, line in parents:
        parent = _located(rel, path.parent, stack, (file, key, line))
        with _reported_at(parent, (file, key, line)):
            loaded = load_tree(parent, stack, transplanter)
        merge(merged.data, merged.sources, loaded.data, loaded.sources)
        merged.chain += [f for f in loaded.chain if f not in merged.chain]
        merged.policy_from = loaded.policy_from or merged.policy_from
    merge(merged.data, merged.sources, data, sources)
    merged.chain.append(file)
    if donor is not None:
        if transplanter is None:
            raise ScenarioError("policy_from is not allowed here", file=file, key="policy_from", line=donor[2])
        target = _located(donor[0], path.parent, stack, (file, donor[1], donor[2]))
        with _reported_at(target, (file, donor[1], donor[2])):
            merged = transplanter(merged, target, (file, donor[1], donor[2]))
        merge(merged.data, merged.sources, data, sources)
    return merged
