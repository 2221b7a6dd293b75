"""Scenario file -> merged plain data (``extends`` + ``--set``) -> validated model.

Scenario files inherit from each other (``extends: base.yaml``) and can be
tweaked on the command line (``--set a.b=3``). Users need to know which file and
line a bad value came from, so the merge keeps a ``sources`` map in step with
the data, and validation errors are translated back to file, key path and line.
"""

from __future__ import annotations

import copy
import difflib
import hashlib
import json
import os
import re
import types
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, TypeVar, Union, get_args, get_origin

import pydantic
import yaml

from simulation.errors import ScenarioError
from simulation.scenario.yamlio import KeyPath, display_path, key_str, load_yaml

OVERRIDE_FILE = "--set"
"""The pseudo file name for values that came from ``--set`` overrides."""

Source = tuple[str, int | None]
ModelT = TypeVar("ModelT", bound=pydantic.BaseModel)

_MISSING_HINT = "every key must be set; scenarios/base.yaml defines them all"
_INT_TEXT = re.compile(r"-?\d+")


@dataclass
class RawScenario:
    """Merged plain data plus where every key path got its final value."""

    data: dict[Any, Any]
    sources: dict[KeyPath, Source] = field(default_factory=dict)
    chain: list[str] = field(default_factory=list)
    overrides: list[str] = field(default_factory=list)  # the --set texts applied, in order

    @property
    def provenance(self) -> str:
        """E.g. ``scenarios/base.yaml > scenarios/tilburg.yaml > --set``."""
        return " > ".join(self.chain)


# ---------------------------------------------------------------- extends + merge


def _subtree(sources: Mapping[KeyPath, Source], path: KeyPath) -> dict[KeyPath, Source]:
    """The entries of ``sources`` at ``path`` or below it (a replaced value takes them all)."""
    return {k: v for k, v in sources.items() if k[: len(path)] == path}


def _drop_subtree(sources: dict[KeyPath, Source], path: KeyPath) -> None:
    for k in _subtree(sources, path):
        del sources[k]


def _merge(
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
            _merge(base[key], base_src, value, over_src, path)
            if path in over_src:  # the latest file that mentions a mapping owns its key line
                base_src[path] = over_src[path]
        else:
            base[key] = value
            _drop_subtree(base_src, path)
            base_src.update(_subtree(over_src, path))


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


def _load_tree(path: Path, stack: list[tuple[Path, str]]) -> RawScenario:
    """Load ``path`` and, recursively, everything it extends (``stack`` = the files being loaded)."""
    file = display_path(path)
    data, lines = load_yaml(path)
    parents = _parents(data, lines, file)
    sources: dict[KeyPath, Source] = {k: (file, n) for k, n in lines.items() if k[0] != "extends"}
    stack = stack + [(path.resolve(), file)]
    merged = RawScenario(data={})
    for rel, key, line in parents:
        parent = path.parent / rel
        resolved = parent.resolve()
        seen = [r for r, _ in stack]
        if resolved in seen:
            names = [f for _, f in stack[seen.index(resolved):]] + [display_path(parent)]
            raise ScenarioError(f"extends cycle: {' > '.join(names)}", file=file, key=key, line=line)
        if not parent.exists():
            message = f"extends a file that does not exist: {display_path(parent)}"
            raise ScenarioError(message, file=file, key=key, line=line)
        loaded = _load_tree(parent, stack)
        _merge(merged.data, merged.sources, loaded.data, loaded.sources)
        merged.chain += [f for f in loaded.chain if f not in merged.chain]
    _merge(merged.data, merged.sources, data, sources)
    merged.chain.append(file)
    return merged


# ---------------------------------------------------------------- --set overrides


def parse_override(text: str) -> tuple[list[str], Any]:
    """Split ``a.b.c=value`` into key segments and a YAML-parsed value."""
    key, sep, raw_value = text.partition("=")
    key = key.strip()
    if not sep or not key:
        hint = "expected dotted.key=value"
        raise ScenarioError(f"malformed override '{text}'", file=OVERRIDE_FILE, hint=hint)
    segments = key.split(".")
    if any(not s.strip() for s in segments):
        message = f"malformed override '{text}': empty key segment"
        raise ScenarioError(message, file=OVERRIDE_FILE, key=key)
    try:
        value = yaml.safe_load(raw_value)
    except yaml.YAMLError as exc:
        message = f"cannot parse value {raw_value!r}: {getattr(exc, 'problem', None) or exc}"
        raise ScenarioError(message, file=OVERRIDE_FILE, key=key) from None
    return [s.strip() for s in segments], value


def _child_key(container: Any, seg: str, path: KeyPath, dotted: str) -> Any:
    """The real key/index for one segment: digit text matches int keys and list indices."""
    if isinstance(container, dict):
        ints = seg not in container and _INT_TEXT.fullmatch(seg)
        if ints and (int(seg) in container or any(type(k) is int for k in container)):
            return int(seg)
        return seg
    if isinstance(container, list) and seg.isdigit() and int(seg) < len(container):
        return int(seg)
    if isinstance(container, list):
        problem = f"it is a list of {len(container)} items, '{seg}' is not an index in it"
    else:
        problem = f"it holds a {type(container).__name__}, not a mapping"
    raise ScenarioError(f"cannot set below '{key_str(path)}': {problem}", file=OVERRIDE_FILE, key=dotted)


def apply_override(raw: RawScenario, text: str) -> None:
    """Apply one ``--set`` in place; missing parents are created (validation judges them)."""
    segments, value = parse_override(text)
    dotted = ".".join(segments)
    if segments[0] == "extends":
        raise ScenarioError("extends cannot be set with --set", file=OVERRIDE_FILE, key=dotted)
    container: Any = raw.data
    path: KeyPath = ()
    for i, seg in enumerate(segments):
        key = _child_key(container, seg, path, dotted)
        path += (key,)
        if i == len(segments) - 1:
            container[key] = value
            _drop_subtree(raw.sources, path)
            raw.sources[path] = (OVERRIDE_FILE, None)
            return
        child = container.get(key) if isinstance(container, dict) else container[key]
        if child is None:
            child = container[key] = {}
            raw.sources[path] = (OVERRIDE_FILE, None)
        container = child


def check_existing_key(raw: RawScenario, dotted: str, file: str) -> None:
    """A swept key must already be in the scenario: ``--set`` may add a new service or group,
    but in a sweep a new key is almost always a typo (``netwerkconsultent``), so name it."""
    container: Any = raw.data
    path: KeyPath = ()
    for seg in dotted.split("."):
        key = _child_key(container, seg, path, dotted)
        if not isinstance(container, dict) or key not in container:
            where = key_str(path) or "the top level"
            names = [str(k) for k in container] if isinstance(container, dict) else []
            close = difflib.get_close_matches(seg, names, n=1)
            hint = f"did you mean '{close[0]}'?" if close else ("keys there: " + ", ".join(names[:12]) if names else None)
            raise ScenarioError(f"the scenario has no '{seg}' under {where}", file=file, key=dotted, hint=hint)
        path += (key,)
        container = container[key]


def load_raw(path: str | os.PathLike[str], overrides: Sequence[str] = ()) -> RawScenario:
    """Load a scenario file with its ``extends`` chain resolved and ``--set`` overrides applied."""
    raw = _load_tree(Path(path), [])
    for text in overrides:
        apply_override(raw, text)
    if overrides:
        raw.chain.append(OVERRIDE_FILE)
        raw.overrides = list(overrides)
    expand_policy_changes(raw)
    return raw


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
    current_src = {k[1:]: v for k, v in _subtree(raw.sources, ("policy",)).items()}
    for i, change in enumerate(changes):
        if not isinstance(change, dict) or not isinstance(change.get("policy"), dict):
            continue
        at: KeyPath = ("policy_changes", i, "policy")
        new_groups = _new_groups(change["policy"], current)
        if new_groups:
            file, line = locate(raw, at + ("groups", new_groups[0]))
            message = f"a policy change cannot add a group (groups: {sorted(current['groups'])})"
            hint = "the run counts clients per group, so the groups stay those of the policy"
            raise ScenarioError(message, file=file, key=key_str(at + ("groups", new_groups[0])), line=line, hint=hint)
        partial_src = {k[len(at):]: v for k, v in _subtree(raw.sources, at).items()}
        for path in _key_paths(change["policy"]):  # keys written by a --set flow mapping have none
            partial_src.setdefault(path, locate(raw, at + path))
        merged, merged_src = copy.deepcopy(current), dict(current_src)
        _merge(merged, merged_src, change["policy"], partial_src)
        if () in partial_src:
            merged_src[()] = partial_src[()]
        change["policy"] = merged
        _drop_subtree(raw.sources, at)
        raw.sources.update({at + k: v for k, v in merged_src.items()})
        current, current_src = merged, merged_src


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


# ---------------------------------------------------------------- hashing


def _canonical(value: Any) -> Any:
    """JSON-ready copy; non-string keys (``1:``) become their text so keys can be sorted."""
    if isinstance(value, dict):
        return {str(k): _canonical(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_canonical(v) for v in value]
    if isinstance(value, (set, frozenset)):  # YAML !!set: order must not depend on hashing
        return sorted((_canonical(v) for v in value), key=canonical_json)
    return value


def canonical_json(data: Any) -> str:
    """One stable text per content (sorted keys, no whitespace), so equal scenarios hash equal.

    Dates become ISO text; anything else unusual falls back to ``str``.
    """
    return json.dumps(
        _canonical(data), sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str
    )


def scenario_hash(data: Any) -> str:
    """Short sha256 of :func:`canonical_json`, to tag results with the scenario that made them."""
    return hashlib.sha256(canonical_json(data).encode("utf-8")).hexdigest()[:16]


# ---------------------------------------------------------------- validation


def _find_key(container: Mapping[Any, Any], part: Any) -> tuple[bool, Any]:
    """Match a pydantic loc part to a real key (pydantic may show ``1`` or ``'1'``)."""
    if part in container:
        return True, part
    matches = [key for key in container if str(key) == str(part)]
    return bool(matches), matches[0] if matches else None


def _data_path(data: Any, loc: Sequence[Any]) -> KeyPath:
    """Keep the loc parts that are real keys/indices; drop pydantic's internal ones (union tags...)."""
    path: list[Any] = []
    node = data
    for i, part in enumerate(loc):
        if part == "[key]":
            continue
        if isinstance(node, dict):
            found, key = _find_key(node, part)
            if found:
                path.append(key)
                node = node[key]
            elif i == len(loc) - 1:  # a missing key
                path.append(part)
                node = None
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            path.append(part)
            node = node[part]
    return tuple(path)


def _expand(tp: Any) -> list[Any]:
    """Unwrap Annotated/Optional/Union into the candidate types."""
    origin = get_origin(tp)
    if origin is Annotated:
        return _expand(get_args(tp)[0])
    if origin is Union or origin is types.UnionType:
        return [t for arg in get_args(tp) for t in _expand(arg)]
    return [tp]


def _field_names(model: type[pydantic.BaseModel]) -> dict[str, Any]:
    """Input key -> annotation; an alias replaces the field name as the key users write."""
    out: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        alias = info.validation_alias if isinstance(info.validation_alias, str) else info.alias
        out[alias or name] = info.annotation
    return out


def _allowed_keys(model: type[pydantic.BaseModel], parent: KeyPath) -> list[str]:
    """Field names of the model level at ``parent``, walking sub-models, dicts and lists."""
    current: list[Any] = [model]
    for part in parent:
        nxt: list[Any] = []
        for tp in (t for c in current for t in _expand(c)):
            args = get_args(tp)
            if isinstance(tp, type) and issubclass(tp, pydantic.BaseModel):
                nxt += [ann for name, ann in _field_names(tp).items() if name == str(part)]
            elif get_origin(tp) in (dict, Mapping) and len(args) == 2:
                nxt.append(args[1])  # step through a catalogue key
            elif get_origin(tp) in (list, Sequence) and args:
                nxt.append(args[0])
        current = nxt
    names: dict[str, None] = {}
    for tp in (t for c in current for t in _expand(c)):
        if isinstance(tp, type) and issubclass(tp, pydantic.BaseModel):
            names.update(dict.fromkeys(_field_names(tp)))
    return list(names)


def _got(kind: str, value: Any) -> str:
    """`` (got ...)`` naming the bad input, unless it would only be noise."""
    if isinstance(value, (dict, list)):  # only worth saying when the shape itself is wrong
        shape = "a mapping" if isinstance(value, dict) else "a list"
        return f" (got {shape})" if kind.endswith("_type") else ""
    text = repr(value)
    return f" (got {text if len(text) <= 60 else text[:57] + '...'})"


def locate(raw: RawScenario, path: KeyPath) -> Source:
    """File and line of the longest prefix of ``path`` that has a source."""
    for n in range(len(path), 0, -1):
        if path[:n] in raw.sources:
            return raw.sources[path[:n]]
    leaf = [f for f in raw.chain if f != OVERRIDE_FILE]
    return (leaf[-1] if leaf else OVERRIDE_FILE), None


def error_from_validation(
    raw: RawScenario, model: type[pydantic.BaseModel], exc: pydantic.ValidationError
) -> ScenarioError:
    """Translate pydantic's first error into one ScenarioError with file, key path and line."""
    errors = exc.errors()
    first = errors[0]
    path = _data_path(raw.data, first["loc"])
    kind = first["type"]
    hint: str | None = None
    if kind == "missing":
        message = f"missing key '{path[-1] if path else '?'}' ({_MISSING_HINT})"
        file, line = locate(raw, path[:-1])
    elif kind == "extra_forbidden":
        message = "unknown key"
        allowed = _allowed_keys(model, path[:-1])
        close = difflib.get_close_matches(str(path[-1]), allowed, n=1) if path else []
        if close:
            hint = f"did you mean '{close[0]}'?"
        elif allowed and len(allowed) <= 12:
            hint = "allowed keys: " + ", ".join(allowed)
        file, line = locate(raw, path)
    else:
        message = re.sub(r"^(Value error|Assertion failed), ", "", first["msg"])
        if "[key]" in first["loc"]:
            message = f"bad key name: {message}"
        if "got " not in message:  # unit and range messages already quote the value
            message += _got(kind, first.get("input"))
        file, line = locate(raw, path)
    if len(errors) > 1:
        more = len(errors) - 1
        message += f" (and {more} more problem{'s' if more > 1 else ''}; fix this one first)"
    return ScenarioError(message, file=file, key=key_str(path) or None, line=line, hint=hint)


def validate(
    raw: RawScenario, model: type[ModelT], *, context: dict[str, Any] | None = None
) -> ModelT:
    """Validate merged data against ``model``; the first problem becomes one ScenarioError."""
    try:
        return model.model_validate(raw.data, context=context)
    except pydantic.ValidationError as exc:
        raise error_from_validation(raw, model, exc) from None


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
