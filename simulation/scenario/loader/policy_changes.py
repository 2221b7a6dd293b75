"""Policy changes name only what changes; the run needs the whole policy from each date on."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from simulation.scenario.loader.extends import merge
from simulation.scenario.loader.raw import RawScenario, Source, drop_subtree, error_at, locate, subtree
from simulation.scenario.yamlio import KeyPath, key_str

Sources = dict[KeyPath, Source]


def expand_policy_changes(raw: RawScenario) -> None:
    """Make each ``policy_changes`` entry a whole policy: its keys over the policy in force before.

    A change names only what changes (``groups.group3.handler: none``), but the run needs the
    whole policy from that date. Keys the change does not name keep their file and line, so a
    bad inherited value is still reported where it was written. Running it twice changes nothing.
    """
    changes, policy = raw.data.get("policy_changes"), raw.data.get("policy")
    if not isinstance(changes, list) or not isinstance(policy, dict):
        return  # validation reports the wrong shape
    current = copy.deepcopy(policy)
    current_src = {k[1:]: v for k, v in subtree(raw.sources, ("policy",)).items()}
    for i, change in enumerate(changes):
        if not isinstance(change, dict) or not isinstance(change.get("policy"), dict):
            continue
        current, current_src = _expand_one(raw, change, ("policy_changes", i, "policy"), current, current_src)


def _expand_one(
    raw: RawScenario, change: dict[Any, Any], at: KeyPath, current: dict[Any, Any], current_src: Sources
) -> tuple[dict[Any, Any], Sources]:
    """Merge one change (at key path ``at``) over the policy before it; returns the new policy."""
    _refuse_new_groups(raw, change["policy"], current, at)
    partial_src = {k[len(at):]: v for k, v in subtree(raw.sources, at).items()}
    for path in _key_paths(change["policy"]):  # keys written by an override's flow mapping have none
        partial_src.setdefault(path, locate(raw, at + path))
    merged, merged_src = copy.deepcopy(current), dict(current_src)
    merge(merged, merged_src, change["policy"], partial_src)
    if () in partial_src:
        merged_src[()] = partial_src[()]
    change["policy"] = merged
    drop_subtree(raw.sources, at)
    raw.sources.update({at + k: v for k, v in merged_src.items()})
    return merged, merged_src


def _refuse_new_groups(raw: RawScenario, change: Mapping[Any, Any], current: Mapping[Any, Any], at: KeyPath) -> None:
    """The run counts clients per group, so a change may alter groups but not add one."""
    new_groups = _new_groups(change, current)
    if new_groups:
        where = at + ("groups", new_groups[0])
        message = f"a policy change cannot add a group (groups: {sorted(current['groups'])})"
        hint = "the run counts clients per group, so the groups stay those of the policy"
        raise error_at(message, locate(raw, where), key=key_str(where), hint=hint)


def _key_paths(data: Mapping[Any, Any], prefix: KeyPath = ()) -> list[KeyPath]:
    """Every key path in nested mappings (``()`` for the top), so each gets a source."""
    paths = [prefix]
    for key, value in data.items():
        if isinstance(value, dict):
            paths += _key_paths(value, prefix + (key,))
        else:
            paths.append(prefix + (key,))
    return paths


def _new_groups(change: Mapping[Any, Any], policy: Mapping[Any, Any]) -> list[Any]:
    groups, known = change.get("groups"), policy.get("groups")
    if not isinstance(groups, dict) or not isinstance(known, dict):
        return []
    return [name for name in groups if name not in known]
