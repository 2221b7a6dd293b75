"""The parameter reference, read at build time from the schema and scenarios/base.yaml.

base.yaml defines every key, with the value a scenario starts from and a comment naming its
source; the schema (``simulation.scenario.schema``) gives each key's type and so its unit;
``schema/parts.py`` says whether it belongs to the place or the policy. One row per key that has
a line of its own in base.yaml (a flow mapping such as ``{dist: normal, mean: 41}`` stays one row),
one table per top-level section. Nothing here is hand-written, so the page cannot fall behind.
"""

from __future__ import annotations

import datetime as dt
import types
import typing
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from simulation.scenario import units
from simulation.scenario.schema import Scenario
from simulation.scenario.schema.parts import part_of
from simulation.scenario.yamlio import KeyPath, load_yaml

BASE = Path(__file__).resolve().parents[2] / "scenarios" / "base.yaml"

#: the unit-bearing types of ``scenario/units.py`` → how the reference names their unit
UNIT_TYPES = {
    units.Duration: "duration (e.g. 6 months)",
    units.Interval: "duration (e.g. 3 months)",
    units.MoneyAmount: "€",
    units.MoneyPerDay: "€ per period (e.g. €450 per month)",
    units.Rate: "events per period (e.g. 1500 per year)",
    units.Hazard: "hazard per person (e.g. 0.5 per year)",
    units.Probability: "probability (0–1)",
    units.NonNegativeInt: "count",
    units.NonNegativeFloat: "number ≥ 0",
    units.PositiveFloat: "number > 0",
    units.Multiplier: "multiplier (×)",
    units.PositiveMultiplier: "multiplier (×, > 0)",
    units.Effect: "log-scale effect",
    units.StaffCount: "full-time posts",
}
_BY_VALIDATOR = {id(typing.get_args(kind)[1]): name for kind, name in UNIT_TYPES.items()}
_PLAIN = {bool: "true / false", str: "text", int: "whole number", float: "number", dt.date: "date (YYYY-MM-DD)"}


@dataclass(frozen=True)
class Row:
    """One key of base.yaml as the reference shows it."""

    path: KeyPath
    value: str  # as written in base.yaml ("" for a key whose value is a block below it)
    unit: str
    source: str  # the comment on the key's line (or on the line that closes its value)
    part: str  # "place", "policy" or "" (a label)

    @property
    def key(self) -> str:
        return ".".join(str(part) for part in self.path)

    @property
    def key_in_section(self) -> str:
        """The key below its top-level section (the section's own name for a top-level value)."""
        return ".".join(str(part) for part in self.path[1:]) or str(self.path[0])


# --- the unit of a key, from the schema -----------------------------------------------------------

def _unit_of_annotation(annotation: Any, metadata: list[Any]) -> str:
    for item in metadata:
        if id(item) in _BY_VALIDATOR:
            return _BY_VALIDATOR[id(item)]
        kind = getattr(getattr(item, "func", None), "keywords", {}).get("kind")
        if kind is not None:  # a distribution spec (``distributions.fields``)
            return "distribution of durations" if kind == "duration" else "distribution"
    args = typing.get_args(annotation)
    if typing.get_origin(annotation) is typing.Annotated:
        return _unit_of_annotation(args[0], list(annotation.__metadata__))
    if typing.get_origin(annotation) is typing.Literal:
        return "one of " + ", ".join(str(a) for a in args)
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        shown = [_unit_of_annotation(a, []) for a in args if a is not type(None)]
        return " or ".join(shown) + (" or null" if type(None) in args else "")
    if typing.get_origin(annotation) is list:
        return f"list of {_unit_of_annotation(args[0], [])}"
    if typing.get_origin(annotation) is dict:
        return f"{_unit_of_annotation(args[1], [])} by {_key_name(args[0])}"
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return "mapping"
    return _PLAIN.get(annotation, getattr(annotation, "__name__", str(annotation)))


def _key_name(annotation: Any) -> str:
    base = typing.get_args(annotation)[0] if typing.get_origin(annotation) is typing.Annotated else annotation
    return "number" if base is int else "name"


def _step(annotation: Any, key: Any) -> tuple[Any, list[Any]]:
    """The annotation (and metadata) of ``key`` inside a value of type ``annotation``."""
    if typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        models = [a for a in typing.get_args(annotation) if isinstance(a, type) and issubclass(a, BaseModel)]
        containers = [a for a in typing.get_args(annotation) if typing.get_origin(a) in (dict, list)]
        annotation = (models or containers or [annotation])[0]
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        field = annotation.model_fields.get(str(key))
        return (field.annotation, list(field.metadata)) if field is not None else (None, [])
    if typing.get_origin(annotation) is dict:
        return typing.get_args(annotation)[1], []
    if typing.get_origin(annotation) is list:
        return typing.get_args(annotation)[0], []
    return None, []


def unit_of(path: KeyPath) -> str:
    """The unit (or kind of value) of a key path, from the schema's annotations."""
    annotation: Any = Scenario
    metadata: list[Any] = []
    for key in path:
        annotation, metadata = _step(annotation, key)
        if annotation is None:
            return ""  # a key inside a distribution spec or a free mapping: its parent says it
    return _unit_of_annotation(annotation, metadata)


# --- values and comments, from the text of base.yaml -----------------------------------------------

def split_comment(line: str) -> tuple[str, str]:
    """(code, comment) of a YAML line: the first ``#`` outside quotes that follows a space."""
    quote = ""
    for index, char in enumerate(line):
        if quote:
            quote = "" if char == quote else quote
        elif char in "'\"":
            quote = char
        elif char == "#" and (index == 0 or line[index - 1] in " \t"):
            return line[:index].rstrip(), line[index + 1:].strip()
    return line.rstrip(), ""


def _statement(lines: list[str], start: int) -> tuple[str, str]:
    """Value and comment of the key on line ``start`` (0-based), following a flow collection that
    spans lines to the line that closes it (its comment may be there)."""
    code, comment = split_comment(lines[start])
    value = code.split(":", 1)[1].strip() if ":" in code else code.lstrip("- ").strip()
    depth, index = value.count("{") + value.count("[") - value.count("}") - value.count("]"), start
    while depth > 0 and index + 1 < len(lines):
        index += 1
        more, more_comment = split_comment(lines[index])
        value += " " + more.strip()
        comment = comment or more_comment
        depth += more.count("{") + more.count("[") - more.count("}") - more.count("]")
    return value, comment


def section_notes(lines: list[str], line: int) -> str:
    """The full-line comments right above a top-level key (1-based ``line``): its explanation."""
    notes: list[str] = []
    index = line - 2
    while index >= 0 and lines[index].startswith("#"):
        notes.insert(0, lines[index].lstrip("#").strip())
        index -= 1
    return " ".join(notes)


def rows(path: Path = BASE) -> list[Row]:
    """Every key of base.yaml that has a line of its own, in the file's order."""
    _, key_lines = load_yaml(path)
    lines = path.read_text(encoding="utf-8").splitlines()
    found = []
    for key_path, line in sorted(key_lines.items(), key=lambda item: item[1]):
        if not key_path or isinstance(key_path[-1], int) and not lines[line - 1].lstrip().startswith("- "):
            continue  # an item of a flow list (``[0.05, 0.15, ...]``) is part of its key's row
        if len(key_path) > 1 and key_lines.get(key_path[:-1]) == line:
            continue  # inside a flow mapping on its parent's line
        value, comment = _statement(lines, line - 1)
        if len(key_path) == 1 and not value:
            continue  # a section's own line: its heading says it
        found.append(Row(key_path, value, unit_of(key_path), comment, part_of(key_path) or ""))
    return found


def sections(path: Path = BASE) -> dict[str, list[Row]]:
    """The rows by top-level key, in the file's order."""
    grouped: dict[str, list[Row]] = {}
    for row in rows(path):
        grouped.setdefault(str(row.path[0]), []).append(row)
    return grouped
