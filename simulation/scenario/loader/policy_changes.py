"""Policy changes name only what changes; the run needs the whole policy from each date on."""

from __future__ import annotations

import copy
from collections.abc import Mapping
from typing import Any

from simulation.scenario.loader.extends import merge
from simulation.scenario.loader.raw import RawScenario, Source, error_at, locate, subtree
from simulation.scenario.yamlio import KeyPath, key_str

Sources = dict[KeyPath, Source]


def expand_policy_changes(raw: RawScenario) -> None:
    """Make each ``policy_changes`` entry a whole policy: its keys over the policy in force before.

    A change names only what changes (``groups.group3.handler: none``), but the run needs the
    whole policy from that date. Keys the change does not name keep their file and line, so a
    bad inherited value is still reported where it was written. Running it twice changes nothing.
    The sources are split by change once, so a long list of changes costs time in proportion to it.
    """
    changes, policy = raw.data.get("policy_changes"), raw.data.get("policy")
    if not isinstance(changes, list) or not isinstance(policy, dict):
        return  # validation reports the wrong shape
    current = copy.deepcopy(policy)
    current_src = {k[1:]: v for k, v in subtree(raw.sources, ("policy",)).items()}
    written = _sources_by_change(raw.sources)
    expanded: dict[KeyPath, Sources] = {}
    for i, change in enumerate(changes):
        if not isinstance(change, dict) or not isinstance(change.get("policy"), dict):
            continue
        at = ("policy_changes", i, "policy")
        current, current_src = _expand_one(raw, change, at, current, current_src, written.get(i, {}))
        expanded[at] = current_src
    _replace_sources(raw.sources, expanded)


def _replace_sources(sources: dict[KeyPath, Source], expanded: Mapping[KeyPath, Sources]) -> None:
    """Each expanded change's keys take the sources of the whole policy it now holds."""
    for key in [k for k in sources if k[:3] in expanded]:
        del sources[key]
    sources.update({at + k: v for at, merged_src in expanded.items() for k, v in merged_src.items()})


def _sources_by_change(sources: Mapping[KeyPath, Source]) -> dict[Any, Sources]:
    """The sources of each change's ``policy`` keys as written, by the change's index, relative to it."""
    by_change: dict[Any, Sources] = {}
    for key, source in sources.items():
        if len(key) >= 3 and key[0] == "policy_changes" and key[2] == "policy":
            by_change.setdefault(key[1], {})[key[3:]] = source
    return by_change


def _expand_one(
    raw: RawScenario, change: dict[Any, Any], at: KeyPath, current: dict[Any, Any], current_src: Sources,
    partial_src: Sources,
) -> tuple[dict[Any, Any], Sources]:
    """Merge one change (at key path ``at``, its keys' sources ``partial_src``) over the policy before it;
    returns the new policy and its sources."""
    _refuse_new_groups(raw, change["policy"], current, at)
    partial_src = dict(partial_src)
    for path in _key_paths(change["policy"]):  # keys written by an override's flow mapping have none
        partial_src.setdefault(path, locate(raw, at + path))
    merged, merged_src = copy.deepcopy(current), dict(current_src)
    merge(merged, merged_src, change["policy"], partial_src)
    if () in partial_src:
        merged_src[()] = partial_src[()]
    change["policy"] = merged
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
