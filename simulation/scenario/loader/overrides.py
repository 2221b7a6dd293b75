"""Overrides: ``a.b.c=value`` texts (the ``overrides`` argument of ``load_scenario``) that set one
key of the merged data each, after the ``extends`` chain is merged."""

from __future__ import annotations

import difflib
import re
from typing import Any

from simulation.errors import ScenarioError
from simulation.scenario.loader.raw import OVERRIDE_ARGUMENT, OVERRIDE_FILE, RawScenario, drop_subtree
from simulation.scenario.yamlguard import shown
from simulation.scenario.yamlio import KeyPath, key_str, load_value

_INT_TEXT = re.compile(r"-?\d+")


def parse_override(text: str) -> tuple[list[str], Any]:
    """Split ``a.b.c=value`` into key segments and a YAML-parsed value."""
    key, sep, raw_value = text.partition("=")
    key = key.strip()
    if not sep or not key:
        hint = "expected dotted.key=value"
        raise ScenarioError(f"malformed override '{text}'", argument=OVERRIDE_ARGUMENT, hint=hint)
    segments = key.split(".")
    if any(not s.strip() for s in segments):
        message = f"malformed override '{text}': empty key segment"
        raise ScenarioError(message, argument=OVERRIDE_ARGUMENT, key=key)
    try:
        value = load_value(raw_value)
    except ScenarioError as exc:  # bad YAML syntax, or a value that breaks a limit (``yamlguard``)
        syntax = exc.message.startswith("invalid YAML: ")
        message = f"cannot parse value {shown(raw_value)}: {exc.message.removeprefix('invalid YAML: ')}"
        raise ScenarioError(message if syntax else exc.message, argument=OVERRIDE_ARGUMENT, key=key) from None
    return [s.strip() for s in segments], value


def _mapping_key(container: dict[Any, Any], seg: str) -> Any:
    """Digit text names an int key where the mapping has int keys (``phase_to_group.5``)."""
    ints = seg not in container and _INT_TEXT.fullmatch(seg)
    if ints and (int(seg) in container or any(type(k) is int for k in container)):
        return int(seg)
    return seg


def child_key(container: Any, seg: str, path: KeyPath, dotted: str) -> Any:
    """The real key/index for one segment: digit text matches int keys and list indices."""
    if isinstance(container, dict):
        return _mapping_key(container, seg)
    if isinstance(container, list) and seg.isdigit() and int(seg) < len(container):
        return int(seg)
    if isinstance(container, list):
        problem = f"it is a list of {len(container)} items, '{seg}' is not an index in it"
    else:
        problem = f"it holds a {type(container).__name__}, not a mapping"
    raise ScenarioError(f"cannot set below '{key_str(path)}': {problem}", argument=OVERRIDE_ARGUMENT, key=dotted)


def apply_override(raw: RawScenario, text: str) -> None:
    """Apply one override in place; missing parents are created (validation judges them)."""
    segments, value = parse_override(text)
    dotted = ".".join(segments)
    if segments[0] == "extends":
        raise ScenarioError("extends cannot be set by an override", argument=OVERRIDE_ARGUMENT, key=dotted)
    container: Any = raw.data
    path: KeyPath = ()
    for i, seg in enumerate(segments):
        key = child_key(container, seg, path, dotted)
        path += (key,)
        if i == len(segments) - 1:
            container[key] = value
            drop_subtree(raw.sources, path)
            raw.sources[path] = (OVERRIDE_FILE, None)
            return
        child = container.get(key) if isinstance(container, dict) else container[key]
        if child is None:
            child = container[key] = {}
            raw.sources[path] = (OVERRIDE_FILE, None)
        container = child


def check_existing_key(raw: RawScenario, dotted: str, file: str) -> None:
    """A swept key must already be in the scenario: an override may add a new service or group,
    but in a sweep a new key is almost always a typo (``netwerkconsultent``), so name it."""
    container: Any = raw.data
    path: KeyPath = ()
    for seg in dotted.split("."):
        key = child_key(container, seg, path, dotted)
        if not isinstance(container, dict) or key not in container:
            where = key_str(path) or "the top level"
            names = [str(k) for k in container] if isinstance(container, dict) else []
            close = difflib.get_close_matches(seg, names, n=1)
            hint = f"did you mean '{close[0]}'?" if close else ("keys there: " + ", ".join(names[:12]) if names else None)
            raise ScenarioError(f"the scenario has no '{seg}' under {where}", file=file, key=dotted, hint=hint)
        path += (key,)
        container = container[key]
