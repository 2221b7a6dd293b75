"""Validation against the schema, with pydantic's first error translated back to the file, key
path and line users wrote (or the override that set the value)."""

from __future__ import annotations

import difflib
import re
import types
from collections.abc import Mapping, Sequence
from typing import Annotated, Any, TypeVar, Union, get_args, get_origin

import pydantic
from pydantic_core import ErrorDetails

from simulation.errors import ScenarioError
from simulation.scenario.loader.raw import RawScenario, error_at, locate
from simulation.scenario.yamlio import KeyPath, key_str

ModelT = TypeVar("ModelT", bound=pydantic.BaseModel)

MISSING_HINT = "every key must be set; scenarios/base.yaml defines them all"


def validate(
    raw: RawScenario, model: type[ModelT], *, context: dict[str, Any] | None = None
) -> ModelT:
    """Validate merged data against ``model``; the first problem becomes one ScenarioError."""
    try:
        return model.model_validate(raw.data, context=context)
    except pydantic.ValidationError as exc:
        raise error_from_validation(raw, model, exc) from None


def error_from_validation(
    raw: RawScenario, model: type[pydantic.BaseModel], exc: pydantic.ValidationError
) -> ScenarioError:
    """Translate pydantic's first error into one ScenarioError with file, key path and line."""
    errors = exc.errors()
    first = errors[0]
    path = _data_path(raw.data, first["loc"])
    if first["type"] == "missing":
        message, hint, at = f"missing key '{path[-1] if path else '?'}' ({MISSING_HINT})", None, path[:-1]
    elif first["type"] == "extra_forbidden":
        message, hint, at = "unknown key", _unknown_key_hint(model, path), path
    else:
        message, hint, at = _value_message(first), None, path
    if len(errors) > 1:
        more = len(errors) - 1
        message += f" (and {more} more problem{'s' if more > 1 else ''}; fix this one first)"
    return error_at(message, locate(raw, at), key=key_str(path) or None, hint=hint)


def _unknown_key_hint(model: type[pydantic.BaseModel], path: KeyPath) -> str | None:
    """The closest allowed key, or all of them when there are few."""
    allowed = _allowed_keys(model, path[:-1])
    close = difflib.get_close_matches(str(path[-1]), allowed, n=1) if path else []
    if close:
        return f"did you mean '{close[0]}'?"
    if allowed and len(allowed) <= 12:
        return "allowed keys: " + ", ".join(allowed)
    return None


def _value_message(error: ErrorDetails) -> str:
    """Pydantic's message without its prefix, quoting the bad value unless it already does."""
    message = re.sub(r"^(Value error|Assertion failed), ", "", error["msg"])
    if "[key]" in error["loc"]:
        message = f"bad key name: {message}"
    if "got " not in message:  # unit and range messages already quote the value
        message += _got(error["type"], error.get("input"))
    return message


def _got(kind: str, value: Any) -> str:
    """`` (got ...)`` naming the bad input, unless it would only be noise."""
    if isinstance(value, (dict, list)):  # only worth saying when the shape itself is wrong
        shape = "a mapping" if isinstance(value, dict) else "a list"
        return f" (got {shape})" if kind.endswith("_type") else ""
    text = repr(value)
    return f" (got {text if len(text) <= 60 else text[:57] + '...'})"


# ---------------------------------------------------------------- from pydantic's loc to key paths


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


# ---------------------------------------------------------------- the keys allowed at a level


def _expand(tp: Any) -> list[Any]:
    """Unwrap Annotated/Optional/Union into the candidate types."""
    origin = get_origin(tp)
    if origin is Annotated:
        return _expand(get_args(tp)[0])
    if origin is Union or origin is types.UnionType:
        return [t for arg in get_args(tp) for t in _expand(arg)]
    return [tp]


def _is_model(tp: Any) -> bool:
    return isinstance(tp, type) and issubclass(tp, pydantic.BaseModel)


def _field_names(model: type[pydantic.BaseModel]) -> dict[str, Any]:
    """Input key -> annotation; an alias replaces the field name as the key users write."""
    out: dict[str, Any] = {}
    for name, info in model.model_fields.items():
        alias = info.validation_alias if isinstance(info.validation_alias, str) else info.alias
        out[alias or name] = info.annotation
    return out


def _children(tp: Any, part: Any) -> list[Any]:
    """The annotations one key below a type: a model's field, a catalogue's values, a list's items."""
    args = get_args(tp)
    if _is_model(tp):
        return [ann for name, ann in _field_names(tp).items() if name == str(part)]
    if get_origin(tp) in (dict, Mapping) and len(args) == 2:
        return [args[1]]  # step through a catalogue key
    if get_origin(tp) in (list, Sequence) and args:
        return [args[0]]
    return []


def _allowed_keys(model: type[pydantic.BaseModel], parent: KeyPath) -> list[str]:
    """Field names of the model level at ``parent``, walking sub-models, dicts and lists."""
    current: list[Any] = [model]
    for part in parent:
        current = [child for c in current for tp in _expand(c) for child in _children(tp, part)]
    names: dict[str, None] = {}
    for tp in (t for c in current for t in _expand(c)):
        if _is_model(tp):
            names.update(dict.fromkeys(_field_names(tp)))
    return list(names)
