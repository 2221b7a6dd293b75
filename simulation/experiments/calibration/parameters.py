"""Free parameters: which scenario values a calibration may move, within which bounds.

A parameter is given as a key with bounds (``key=lo:hi``, in a targets file or the ``params``
argument) and resolved against a scenario: bounds with a unit set the key's single value in that
unit; plain bounds on a mapping, or on a value with a unit, multiply every number and quantity
under the key, so one multiplier moves, say, the exit hazard of every phase.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from simulation.errors import ScenarioError
from simulation.experiments.calibration.quantities import (
    decimal_text,
    in_bound_units,
    is_number,
    leaves,
    quantity,
    scale_value,
    yaml_scalar,
)
from simulation.experiments.calibration.targets import ParameterBounds, Targets, normal_key
from simulation.experiments.design import parse_ranges
from simulation.scenario import LoadedScenario, load_scenario
from simulation.scenario.loader import check_existing_key, child_key
from simulation.scenario.scaling import scale_overrides
from simulation.scenario.yamlio import KeyPath, key_str

SIGNIFICANT = 4  # parameter values are snapped to 4 significant digits: tidy files, repeatable points
GIVEN_AS_ARGUMENT = "given with --params"  # the "why" of a parameter given as key=lo:hi: output text, kept to the byte
Origin = tuple[str | None, int | None]  # (targets file, line), or (None, None): the params argument


def origin_error(origin: Origin, key: str, message: str, hint: str | None = None) -> ScenarioError:
    """An error about a parameter, naming where it was given: its targets file and line, or ``params``."""
    file, line = origin
    return ScenarioError(message, file=file, key=key, line=line, hint=hint, argument=None if file else "params")


@dataclass(frozen=True)
class FreeParameter:
    """A parameter resolved against a scenario.

    ``mode="value"`` sets the key's single value (bounds in its own unit); ``mode="scale"``
    multiplies every number and quantity under the key (plain bounds on a mapping or on a
    value with a unit), so one multiplier moves, say, the exit hazard of every phase.
    """

    key: str
    lo: float
    hi: float
    mode: str
    start: float
    why: str
    leaves: tuple[tuple[KeyPath, Any], ...]  # the scenario's values it sets (value mode: one)
    prefix: str = ""
    suffix: str = ""
    integer: bool = False
    origin: Origin = (None, None)

    def snap(self, value: float) -> float:
        """The representable value nearest ``value``: within bounds, 4 significant digits (or whole)."""
        value = min(max(float(value), self.lo), self.hi)
        return float(round(value)) if self.integer else float(f"{value:.{SIGNIFICANT}g}")

    def from_unit(self, u: float) -> float:
        return self.snap(self.lo + float(u) * (self.hi - self.lo))

    def to_unit(self, value: float) -> float:
        return (value - self.lo) / (self.hi - self.lo)

    def settings(self, value: float) -> list[tuple[KeyPath, Any]]:
        """(key path, scenario value) for every value this parameter sets at ``value``."""
        if self.mode == "scale":
            return [(path, scale_value(original, value)) for path, original in self.leaves]
        number: Any = int(value) if self.integer else value
        text = f"{self.prefix}{decimal_text(value, 10)}{self.suffix}" if (self.prefix or self.suffix) else number
        return [(self.leaves[0][0], text)]

    def text(self, value: float) -> str:
        """For tables: ``×1.234`` for a multiplier, else the value with its unit."""
        if self.mode == "scale":
            return f"×{decimal_text(value, SIGNIFICANT)}"
        return f"{self.prefix}{decimal_text(value, 10)}{self.suffix}"

    @property
    def bounds_text(self) -> str:
        return f"{self.text(self.lo)} – {self.text(self.hi)}"


# ---------------------------------------------------------------- which parameters


def resolve_parameters(scenario: LoadedScenario, targets: Targets, params: str | Sequence[str] | None = None,
                       scaled: bool = False) -> list[FreeParameter]:
    """The free parameters: all those of the targets file, or those ``params`` names (a key of
    the file, or ``key=lo:hi``), each checked against the scenario (key exists, bounds fit it)."""
    requested = _requested(targets, params)
    resized = {o.partition("=")[0] for o in scale_overrides(scenario.path, 1)} if scaled else set()
    resolved = [_resolve(scenario, bounds, resized) for bounds in requested]
    _check_overlaps(resolved)
    return resolved


def _check_overlaps(parameters: Sequence[FreeParameter]) -> None:
    for i, a in enumerate(parameters):
        for b in parameters[i + 1:]:
            paths_a, paths_b = {p for p, _ in a.leaves}, {p for p, _ in b.leaves}
            if any(x[:len(y)] == y or y[:len(x)] == x for x in paths_a for y in paths_b):
                raise origin_error(b.origin, b.key, f"overlaps '{a.key}': both would set the same values",
                                   "keep one of them")


def split_params(text: str) -> list[str]:
    """``"a.b,c.d=1 months:3 months"`` → items; a comma between digits (``€1,000``) stays."""
    return [item.strip() for item in re.split(r",(?!\d{3}(?:\D|$))", text) if item.strip()]


def _requested(targets: Targets, params: str | Sequence[str] | None) -> list[ParameterBounds]:
    if params is None:
        requested = list(targets.parameters)
    else:
        known = {p.key: p for p in targets.parameters}
        requested = []
        for item in split_params(params) if isinstance(params, str) else list(params):
            requested.append(_requested_item(item, known, targets.path))
            if [p.key for p in requested].count(requested[-1].key) > 1:
                raise ScenarioError("parameter given twice", argument="params", key=requested[-1].key)
    if not requested:
        raise ScenarioError("no free parameters to fit", file=targets.path if params is None else None,
                            argument=None if params is None else "params", key="parameters",
                            hint="list them under parameters: in the targets file, or give params=key=lo:hi")
    return requested


def _requested_item(item: str, known: Mapping[str, ParameterBounds], path: str) -> ParameterBounds:
    """One item of ``params``: ``key=lo:hi``, or a key of the targets file."""
    key = normal_key(item.partition("=")[0])
    if "=" in item:
        try:
            bounds = parse_ranges([item])[key]
        except ScenarioError as error:
            raise ScenarioError(error.message, argument="params", key=error.key, hint=error.hint) from None
        return ParameterBounds(key, bounds, GIVEN_AS_ARGUMENT)
    if key in known:
        return known[key]
    raise ScenarioError(f"not among the parameters of {path}", argument="params", key=key,
                        hint=f"give bounds as key=lo:hi, or one of: {', '.join(known) or 'none'}")


# ---------------------------------------------------------------- against the scenario


def _resolve(scenario: LoadedScenario, bounds: ParameterBounds, resized: set[str]) -> FreeParameter:
    span, origin = bounds.range, (bounds.file, bounds.line)
    path, node = _located(scenario, bounds, resized)
    plain = not (span.prefix.strip() or span.suffix.strip())
    if isinstance(node, (dict, list)) or (plain and quantity(node) is not None):
        if not plain:
            raise origin_error(origin, bounds.key,
                               f"holds several values; bounds with a unit ({span.text}) need a key with one value",
                               "plain bounds such as 0.5:2.0 multiply every value under it")
        found = tuple(leaves(node, path))
        if not found:
            raise origin_error(origin, bounds.key, "has no numbers or quantities under it to multiply")
        return _parameter(bounds, "scale", min(max(1.0, span.lo), span.hi), found)
    if is_number(node):
        if not plain:
            raise origin_error(origin, bounds.key,
                               f"the scenario's value is a plain number ({node}); give plain bounds, e.g. 0.01:0.15")
        return _parameter(bounds, "value", min(max(float(node), span.lo), span.hi), ((path, node),),
                          integer=isinstance(node, int))
    current = in_bound_units(node, span)
    if current is None:
        message = f"cannot be calibrated with bounds {span.text}: the scenario's value is {node!r}"
        hint = "bounds need the value's kind of unit (a duration, rate or amount), or plain bounds to multiply it"
        raise origin_error(origin, bounds.key, message, hint)
    return _parameter(bounds, "value", min(max(current, span.lo), span.hi), ((path, node),), span.prefix, span.suffix)


def _located(scenario: LoadedScenario, bounds: ParameterBounds, resized: set[str]) -> tuple[KeyPath, Any]:
    """The key path and the scenario's value of a parameter's key, which must exist and not be resized."""
    key, origin = bounds.key, (bounds.file, bounds.line)
    try:
        check_existing_key(scenario.raw, key, bounds.file or "params")
    except ScenarioError as error:
        raise origin_error(origin, key, error.message, error.hint) from None
    if any(r == key or r.startswith(key + ".") or key.startswith(r + ".") for r in resized):
        raise origin_error(origin, key, "is resized with the world when stock is given; calibrate it at full size",
                           "calibrate without stock")
    node: Any = scenario.raw.data
    path: KeyPath = ()
    for segment in key.split("."):
        child = child_key(node, segment, path, key)
        path, node = path + (child,), node[child]
    return path, node


def _parameter(bounds: ParameterBounds, mode: str, start: float, found: tuple[tuple[KeyPath, Any], ...],
               prefix: str = "", suffix: str = "", integer: bool = False) -> FreeParameter:
    span = bounds.range
    return FreeParameter(bounds.key, span.lo, span.hi, mode, start, bounds.why, found, prefix, suffix, integer,
                         (bounds.file, bounds.line))


# ---------------------------------------------------------------- a point in the scenario


def overrides_at(parameters: Sequence[FreeParameter], values: Sequence[float]) -> list[str]:
    """Override texts (``key=value``) that put every parameter at its value (strings quoted as YAML)."""
    return [f"{key_str(path)}={yaml_scalar(setting)}" for p, v in zip(parameters, values, strict=True)
            for path, setting in p.settings(v)]


def scenario_at(scenario: LoadedScenario, parameters: Sequence[FreeParameter], values: Sequence[float]) -> LoadedScenario:
    """The scenario with its own overrides and then the parameters at ``values``."""
    return load_scenario(scenario.path, [*scenario.raw.overrides, *overrides_at(parameters, values)])


def check_corners(scenario: LoadedScenario, parameters: Sequence[FreeParameter]) -> None:
    """Each parameter at each bound (the others at their start) must give a valid scenario."""
    starts = [p.start for p in parameters]
    for i, p in enumerate(parameters):
        for bound in (p.lo, p.hi):
            values = [*starts[:i], p.snap(bound), *starts[i + 1:]]
            try:
                scenario_at(scenario, parameters, values)
            except ScenarioError as error:
                raise origin_error(p.origin, p.key, f"the scenario is invalid at the bound {p.text(bound)}: {error}",
                                   "narrow the bounds") from None
