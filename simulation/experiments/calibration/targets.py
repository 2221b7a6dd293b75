"""The targets file: published figures to fit, and the parameters that may move to fit them.

A targets file (``scenarios/targets/nl_national.yaml``) lists published figures, each tied to a
headline outcome (``simulation.outcomes.OUTCOMES``) or a derived measure (``measures.DERIVED``),
and the parameters that may move, each with bounds. Bad input raises ScenarioError naming the
file, the key and the line, as scenario files do.
"""

from __future__ import annotations

import difflib
import hashlib
import math
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pydantic
from pydantic import BaseModel, ConfigDict, Field, field_validator

from simulation.errors import ScenarioError
from simulation.experiments.calibration.measures import MEASURES
from simulation.experiments.design import Range, parse_ranges
from simulation.scenario.loader import MISSING_HINT, RawScenario, error_from_validation
from simulation.scenario.shipped import resolve_scenario
from simulation.scenario.yamlio import KeyPath, display_path, key_str, load_yaml

RELATIVE_SCALE = 0.10  # assumption: a target without tolerance or interval is matched to ±10% of its value
TARGETS_HINT = "see the format at the top of scenarios/targets/nl_national.yaml"


def format_number(value: float) -> str:
    """A figure as the fit report writes it: whole thousands, 3 significant digits below 1, else one decimal."""
    if not math.isfinite(value):
        return "–"
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.3g}" if abs(value) < 1 else f"{value:.1f}".rstrip("0").rstrip(".")


def normal_key(text: str) -> str:
    """A dotted key with the blanks around its segments removed, as an override reads it."""
    return ".".join(s.strip() for s in text.split("."))


# ---------------------------------------------------------------- the file's schema


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False)  # a NaN target would make every loss NaN


class TargetSpec(_Strict):
    outcome: str
    value: float
    tolerance: float | None = Field(default=None, gt=0)
    interval: tuple[float, float] | None = None
    weight: float = Field(default=1.0, ge=0)
    source: str = Field(min_length=1)
    note: str = ""

    @field_validator("outcome")
    @classmethod
    def _known(cls, name: str) -> str:
        if name not in MEASURES:
            close = difflib.get_close_matches(name, list(MEASURES), n=1)
            hint = f"did you mean '{close[0]}'?" if close else "see simulation.outcomes.OUTCOMES and calibration.DERIVED"
            raise ValueError(f"not a headline outcome or derived measure ({hint})")
        return name


class ParameterSpec(_Strict):
    key: str = Field(min_length=1)
    bounds: str = Field(min_length=1)
    why: str = Field(min_length=1)


class TargetsSpec(_Strict):
    description: str = ""
    targets: list[TargetSpec] = Field(min_length=1)
    parameters: list[ParameterSpec] = []


# ---------------------------------------------------------------- validated targets


@dataclass(frozen=True)
class Target:
    """One published figure: the measure it is compared with, its value and how close is close."""

    outcome: str
    value: float
    source: str
    tolerance: float | None = None
    interval: tuple[float, float] | None = None
    weight: float = 1.0
    note: str = ""
    line: int | None = None  # where it is in the targets file

    @property
    def scale(self) -> float:
        """The divisor of the standardised error: the tolerance, or half the interval, or
        :data:`RELATIVE_SCALE` × |value| (so "within tolerance" is exactly |z| ≤ 1)."""
        if self.tolerance is not None:
            return self.tolerance
        if self.interval is not None:
            return (self.interval[1] - self.interval[0]) / 2
        return RELATIVE_SCALE * abs(self.value)

    @property
    def band(self) -> tuple[float, float]:
        """The published interval, or value ± tolerance (or ± the default relative scale)."""
        return self.interval if self.interval is not None else (self.value - self.scale, self.value + self.scale)

    @property
    def published(self) -> str:
        if self.interval is not None:
            return f"{format_number(self.value)} ({format_number(self.interval[0])}–{format_number(self.interval[1])})"
        default = "" if self.tolerance is not None else f", default {RELATIVE_SCALE:.0%}"
        return f"{format_number(self.value)} ± {format_number(self.scale)}{default}"


@dataclass(frozen=True)
class ParameterBounds:
    """A free parameter as written: key, bounds (``design.Range``), why, and where it was given
    (a targets file and line, or ``file=None``: the ``params`` argument)."""

    key: str
    range: Range
    why: str
    file: str | None = None
    line: int | None = None


@dataclass(frozen=True)
class Targets:
    """A validated targets file."""

    path: str
    targets: tuple[Target, ...]
    parameters: tuple[ParameterBounds, ...] = ()
    description: str = ""
    digest: str = ""


def load_targets(path: str | os.PathLike[str]) -> Targets:
    """Read and validate a targets file (a path, or the name of a shipped one: ``nl_national``); bad
    input raises ScenarioError naming file, key and line."""
    path = resolve_scenario(path, targets=True)
    data, lines = load_yaml(path)
    digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()[:16]
    return targets_from_data(data, display_path(path), lines, digest)


@dataclass(frozen=True)
class _Where:
    """A targets file and its line numbers, to point an error at the nearest line of a key."""

    file: str
    lines: Mapping[KeyPath, int]

    def fail(self, message: str, path: KeyPath, hint: str | None = None) -> ScenarioError:
        line = next((self.lines[path[:n]] for n in range(len(path), 0, -1) if path[:n] in self.lines), None)
        return ScenarioError(message, file=self.file, key=key_str(path), line=line, hint=hint)


def targets_from_data(data: Mapping[str, Any], file: str = "<targets>", lines: Mapping[KeyPath, int] | None = None,
                      digest: str = "") -> Targets:
    """Validate targets given as plain data (as a targets file would hold them)."""
    where = _Where(file, dict(lines or {}))
    spec = _validated(data, where)
    targets = [_target(t, i, where) for i, t in enumerate(spec.targets)]
    _check_targets(targets, where)
    return Targets(file, tuple(targets), tuple(_parameters(spec.parameters, where)), spec.description, digest)


def _validated(data: Mapping[str, Any], where: _Where) -> TargetsSpec:
    raw = RawScenario(data=dict(data), sources={k: (where.file, n) for k, n in where.lines.items()}, chain=[where.file])
    try:
        return TargetsSpec.model_validate(raw.data)
    except pydantic.ValidationError as exc:
        error = error_from_validation(raw, TargetsSpec, exc)
        error.message = error.message.replace(MISSING_HINT, TARGETS_HINT)
        raise error from None


def _target(spec: TargetSpec, index: int, where: _Where) -> Target:
    if spec.interval is not None:
        low, high = spec.interval
        if spec.tolerance is not None:
            raise where.fail("give a tolerance or an interval, not both", ("targets", index, "tolerance"))
        if not low < high:
            raise where.fail(f"the interval must be [low, high] with low < high, got [{low}, {high}]",
                             ("targets", index, "interval"))
        if not low <= spec.value <= high:
            raise where.fail(f"the value {spec.value} lies outside its interval [{low}, {high}]",
                             ("targets", index, "value"))
    elif spec.tolerance is None and spec.value == 0:
        raise where.fail("a target of 0 needs a tolerance or an interval (the default scale is relative)",
                         ("targets", index, "value"))
    return Target(spec.outcome, spec.value, spec.source, spec.tolerance, spec.interval, spec.weight, spec.note,
                  where.lines.get(("targets", index)))


def _check_targets(targets: Sequence[Target], where: _Where) -> None:
    """Each outcome once, and something to fit."""
    seen: dict[str, int] = {}
    for i, target in enumerate(targets):
        if target.outcome in seen:
            raise where.fail(f"outcome '{target.outcome}' is already a target (targets.{seen[target.outcome]})",
                             ("targets", i, "outcome"), "give each outcome once")
        seen[target.outcome] = i
    if not any(t.weight > 0 for t in targets):
        raise where.fail("every target has weight 0: nothing to fit", ("targets",))


def _parameters(specs: Sequence[ParameterSpec], where: _Where) -> list[ParameterBounds]:
    parameters: list[ParameterBounds] = []
    for i, p in enumerate(specs):
        key = normal_key(p.key)
        if key in (q.key for q in parameters):
            raise where.fail(f"parameter '{key}' is given twice", ("parameters", i, "key"))
        try:
            bounds = parse_ranges([f"{key}={p.bounds}"])[key]
        except ScenarioError as error:
            raise where.fail(error.message, ("parameters", i, "bounds"), error.hint) from None
        parameters.append(ParameterBounds(key, bounds, p.why, where.file, where.lines.get(("parameters", i, "key"))))
    return parameters
