"""Calibration: fit a scenario's free parameters to published targets, on common random numbers.

A targets file (``scenarios/targets/nl_national.yaml``) lists published figures, each tied to a
headline outcome (``simulation.outcomes.OUTCOMES``) or a derived measure (:data:`DERIVED`), and
the parameters that may move, each with bounds. :func:`calibrate` minimises

    J(θ) = Σ_t w_t · ((m_t(θ) − v_t) / s_t)²

where m_t(θ) is the mean of target t's outcome over replications 0..R−1 of one seed at the
parameter values θ, v_t the published value, w_t its weight and s_t its scale: the tolerance,
or half the published interval, or :data:`RELATIVE_SCALE` × |v_t| when neither is given (so a
target "within tolerance" is exactly one with |z| ≤ 1).

**Common random numbers make J deterministic.** Every evaluation runs the same seed and the
same replications, and random streams are split by purpose and by client (``simulation/rng.py``),
so the same clients arrive with the same luck at every θ: J is a fixed function of θ, with no
sampling noise between evaluations. It is not smooth, though: counts of exits move in whole
units as θ shifts event times, so J is piecewise constant on a fine scale.

**Why Nelder–Mead by default.** The problem is bounded, low-dimensional (a handful of
multipliers and probabilities), costly per evaluation (R replications), and rough at small
scales. Gradients (finite differences) would read the steps as zero or huge slopes; a
derivative-free simplex that starts with steps of a quarter of each range moves across those
steps, needs few evaluations in 1-5 dimensions and stops at a tolerance (0.5% of each range)
below the replication noise. Parameters are searched on the unit cube (each range mapped to
[0, 1]) so one tolerance fits every parameter. ``powell`` (bounded line searches, good when
parameters act on separate targets) and ``differential-evolution`` (global, but a population
per generation: needs a larger budget) are the alternatives. Whatever the method, a hard
budget of distinct simulated points stops the search, and the best point seen is the fit.

**The check.** At the fitted values, ``check_reps`` further replications (numbers R.. R+check−1,
never seen by the search) give each outcome's mean and 95% CI: the search chose θ on its own
replications' luck, so an interval from them would flatter the fit.
"""

from __future__ import annotations

import datetime
import difflib
import hashlib
import inspect
import json
import math
import os
import re
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pydantic
from pydantic import BaseModel, ConfigDict, Field, field_validator

from simulation.defaults import (
    CALIBRATION_CHECK_REPS,
    CALIBRATION_MAX_EVALUATIONS,
    CALIBRATION_METHODS,
    CALIBRATION_REPS,
    CONFIDENCE,
)
from simulation.errors import ScenarioError
from simulation.experiments.design import _BOUND_RE, _NOT_A_UNIT_RE, Range, parse_ranges
from simulation.experiments.execution import Execution
from simulation.experiments.replication import Replicator, open_store, progress_bar
from simulation.experiments.store import ResultStore
from simulation.outcomes.headline import OUTCOMES, Outcome
from simulation.outcomes.statistics import mean_ci
from simulation.scenario import LoadedScenario, load_scenario
from simulation.scenario.loader import (
    _MISSING_HINT,
    RawScenario,
    _child_key,
    check_existing_key,
    error_from_validation,
)
from simulation.scenario.scaling import load_scaled, scale_overrides
from simulation.scenario.units import UnitError, parse_duration, parse_money, parse_rate
from simulation.scenario.yamlio import KeyPath, display_path, key_str, load_yaml

# the reasons for these are in simulation/defaults.py, where the CLI reads them too
DEFAULT_REPS = CALIBRATION_REPS
DEFAULT_CHECK_REPS = CALIBRATION_CHECK_REPS
DEFAULT_MAX_EVALUATIONS = CALIBRATION_MAX_EVALUATIONS
METHODS = CALIBRATION_METHODS
DEFAULT_METHOD = METHODS[0]
RELATIVE_SCALE = 0.10  # assumption: a target without tolerance or interval is matched to ±10% of its value
SIGNIFICANT = 4  # parameter values are snapped to 4 significant digits: tidy files, repeatable points
XATOL = 0.005  # the simplex stops below 0.5% of each parameter's range ...
FATOL = 0.01  # ... when J moves by less than 0.01 (a target "within tolerance" contributes up to 1)
INITIAL_STEP = 0.25  # the first simplex spans a quarter of each range
NAN_PENALTY = 1e6  # a target whose outcome is undefined at some θ
TARGETS_HINT = "see the format at the top of scenarios/targets/nl_national.yaml"


# ---------------------------------------------------------------- measures


@dataclass(frozen=True)
class Derived:
    """A measure computed from one replication's headline outcomes, for published figures that
    are not headline outcomes themselves."""

    label: str
    unit: str
    definition: str
    compute: Callable[[pd.DataFrame], pd.Series]


DERIVED: dict[str, Derived] = {
    "sanctions_per_100_client_years": Derived(
        "Sanctions per 100 client-years", "per 100 client-years",
        "100 × sanctions_per_year ÷ average_stock (the average stock over the window approximates client-years per year)",
        lambda wide: 100.0 * wide["sanctions_per_year"] / wide["average_stock"]),
}

#: Everything a target can refer to: the headline outcomes and the derived measures.
MEASURES: dict[str, Outcome] = {**OUTCOMES, **{name: Outcome(d.label, d.label, d.unit) for name, d in DERIVED.items()}}


def measure_table(replications: pd.DataFrame) -> pd.DataFrame:
    """Tidy per-replication outcomes (``Replicator.table``) → one row per replication, one
    column per measure (headline outcomes and :data:`DERIVED`)."""
    wide = replications.pivot_table(index="replication", columns="outcome", values="value", dropna=False)
    wide = wide.reindex(columns=list(OUTCOMES)).astype(float)
    for name, derived in DERIVED.items():
        wide[name] = derived.compute(wide)
    return wide


# ---------------------------------------------------------------- the targets file


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


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
        """The divisor of the standardised error (see the module docstring)."""
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
            return f"{_fmt(self.value)} ({_fmt(self.interval[0])}–{_fmt(self.interval[1])})"
        default = "" if self.tolerance is not None else f", default {RELATIVE_SCALE:.0%}"
        return f"{_fmt(self.value)} ± {_fmt(self.scale)}{default}"


@dataclass(frozen=True)
class ParameterBounds:
    """A free parameter as written: key, bounds (``design.Range``), why, and where it was given."""

    key: str
    range: Range
    why: str
    file: str = "--params"
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
    """Read and validate a targets file; bad input raises ScenarioError naming file, key and line."""
    data, lines = load_yaml(path)
    digest = hashlib.sha256(Path(path).read_bytes()).hexdigest()[:16]
    return targets_from_data(data, display_path(path), lines, digest)


def targets_from_data(data: Mapping[str, Any], file: str = "<targets>", lines: Mapping[KeyPath, int] | None = None,
                      digest: str = "") -> Targets:
    """Validate targets given as plain data (as a targets file would hold them)."""
    lines = dict(lines or {})
    raw = RawScenario(data=dict(data), sources={k: (file, n) for k, n in lines.items()}, chain=[file])
    try:
        spec = TargetsSpec.model_validate(raw.data)
    except pydantic.ValidationError as exc:
        error = error_from_validation(raw, TargetsSpec, exc)
        error.message = error.message.replace(_MISSING_HINT, TARGETS_HINT)
        raise error from None

    def fail(message: str, path: KeyPath, hint: str | None = None) -> ScenarioError:
        line = next((lines[path[:n]] for n in range(len(path), 0, -1) if path[:n] in lines), None)
        return ScenarioError(message, file=file, key=key_str(path), line=line, hint=hint)

    targets = [_target(t, i, lines, fail) for i, t in enumerate(spec.targets)]
    seen: dict[str, int] = {}
    for i, target in enumerate(targets):
        if target.outcome in seen:
            raise fail(f"outcome '{target.outcome}' is already a target (targets.{seen[target.outcome]})",
                       ("targets", i, "outcome"), "give each outcome once")
        seen[target.outcome] = i
    if not any(t.weight > 0 for t in targets):
        raise fail("every target has weight 0: nothing to fit", ("targets",))
    parameters = []
    for i, p in enumerate(spec.parameters):
        key = ".".join(s.strip() for s in p.key.split("."))
        if key in (q.key for q in parameters):
            raise fail(f"parameter '{key}' is given twice", ("parameters", i, "key"))
        try:
            bounds = parse_ranges([f"{key}={p.bounds}"])[key]
        except ScenarioError as error:
            raise fail(error.message, ("parameters", i, "bounds"), error.hint) from None
        parameters.append(ParameterBounds(key, bounds, p.why, file, lines.get(("parameters", i, "key"))))
    return Targets(file, tuple(targets), tuple(parameters), spec.description, digest)


def _target(spec: TargetSpec, index: int, lines: Mapping[KeyPath, int], fail: Callable[..., ScenarioError]) -> Target:
    if spec.interval is not None:
        low, high = spec.interval
        if spec.tolerance is not None:
            raise fail("give a tolerance or an interval, not both", ("targets", index, "tolerance"))
        if not low < high:
            raise fail(f"the interval must be [low, high] with low < high, got [{low}, {high}]", ("targets", index, "interval"))
        if not low <= spec.value <= high:
            raise fail(f"the value {spec.value} lies outside its interval [{low}, {high}]", ("targets", index, "value"))
    elif spec.tolerance is None and spec.value == 0:
        raise fail("a target of 0 needs a tolerance or an interval (the default scale is relative)",
                   ("targets", index, "value"))
    return Target(spec.outcome, spec.value, spec.source, spec.tolerance, spec.interval, spec.weight, spec.note,
                  lines.get(("targets", index)))


# ---------------------------------------------------------------- free parameters


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
    origin: tuple[str, int | None] = ("--params", None)

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
            return [(path, _scaled(original, value)) for path, original in self.leaves]
        number: Any = int(value) if self.integer else value
        text = f"{self.prefix}{_decimal(value, 10)}{self.suffix}" if (self.prefix or self.suffix) else number
        return [(self.leaves[0][0], text)]

    def text(self, value: float) -> str:
        """For tables: ``×1.234`` for a multiplier, else the value with its unit."""
        if self.mode == "scale":
            return f"×{_decimal(value, SIGNIFICANT)}"
        return f"{self.prefix}{_decimal(value, 10)}{self.suffix}"

    @property
    def bounds_text(self) -> str:
        return f"{self.text(self.lo)} – {self.text(self.hi)}"


def _decimal(value: float, digits: int) -> str:
    """Positional decimal with ``digits`` significant digits (our number syntax has no exponent)."""
    return format(Decimal(format(float(value), f".{digits}g")).normalize(), "f")


def _quantity(value: Any) -> tuple[str, float, str] | None:
    """``"€3,000 per year"`` → ("€", 3000.0, " per year") when the text is a quantity the
    scenario's unit parsers accept; None for other text (``exponential``, ``01-01``)."""
    if not isinstance(value, str) or _model_value(value) is None:
        return None
    match = _BOUND_RE.match(value)
    if not match or _NOT_A_UNIT_RE.match(match["suffix"]):
        return None
    return match["prefix"], float(match["num"].replace(",", "")), match["suffix"]


def _model_value(text: str) -> tuple[str, float] | None:
    """(kind, value in model units) of a duration, rate or money text; None if it is none of them."""
    for kind, parse in (("duration", parse_duration), ("rate", parse_rate), ("money", parse_money)):
        try:
            parsed = parse(text)
        except UnitError:
            continue
        if kind == "money":
            return ("money", parsed.amount) if parsed.is_one_off else ("money per day", parsed.per_day())
        return kind, float(parsed)
    return None


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _scaled(original: Any, factor: float) -> Any:
    if isinstance(original, int):
        return round(original * factor)
    if isinstance(original, float):
        return float(_decimal(original * factor, 6))
    prefix, number, suffix = _quantity(original)  # type: ignore[misc]
    return f"{prefix}{_decimal(number * factor, 6)}{suffix}"


def _leaves(node: Any, path: KeyPath) -> list[tuple[KeyPath, Any]]:
    """Numbers and quantities at or under ``node`` (other text, booleans and dates are left alone)."""
    if isinstance(node, dict):
        return [leaf for key, child in node.items() for leaf in _leaves(child, path + (key,))]
    if isinstance(node, list):
        return [leaf for i, child in enumerate(node) for leaf in _leaves(child, path + (i,))]
    return [(path, node)] if _is_number(node) or _quantity(node) is not None else []


def resolve_parameters(scenario: LoadedScenario, targets: Targets, params: str | Sequence[str] | None = None,
                       scaled: bool = False) -> list[FreeParameter]:
    """The free parameters: all those of the targets file, or those ``params`` names (a key of
    the file, or ``key=lo:hi``), each checked against the scenario (key exists, bounds fit it)."""
    requested = _requested(targets, params)
    resized = {o.partition("=")[0] for o in scale_overrides(scenario.path, 1)} if scaled else set()
    resolved = [_resolve(scenario, bounds, resized) for bounds in requested]
    for i, a in enumerate(resolved):
        for b in resolved[i + 1:]:
            paths_a, paths_b = {p for p, _ in a.leaves}, {p for p, _ in b.leaves}
            if any(x[:len(y)] == y or y[:len(x)] == x for x in paths_a for y in paths_b):
                raise ScenarioError(f"overlaps '{a.key}': both would set the same values", file=b.origin[0],
                                    key=b.key, line=b.origin[1], hint="keep one of them")
    return resolved


def split_params(text: str) -> list[str]:
    """``--params a.b,c.d=1 months:3 months`` → items; a comma between digits (``€1,000``) stays."""
    return [item.strip() for item in re.split(r",(?!\d{3}(?:\D|$))", text) if item.strip()]


def _requested(targets: Targets, params: str | Sequence[str] | None) -> list[ParameterBounds]:
    if params is None:
        requested = list(targets.parameters)
    else:
        items = split_params(params) if isinstance(params, str) else list(params)
        known = {p.key: p for p in targets.parameters}
        requested = []
        for item in items:
            key = ".".join(s.strip() for s in item.partition("=")[0].split("."))
            if "=" in item:
                try:
                    bounds = parse_ranges([item])[key]
                except ScenarioError as error:
                    raise ScenarioError(error.message, file="--params", key=error.key, hint=error.hint) from None
                requested.append(ParameterBounds(key, bounds, "given with --params"))
            elif key in known:
                requested.append(known[key])
            else:
                listed = ", ".join(known) or "none"
                raise ScenarioError(f"not among the parameters of {targets.path}", file="--params", key=key,
                                    hint=f"give bounds as key=lo:hi, or one of: {listed}")
            if [p.key for p in requested].count(key) > 1:
                raise ScenarioError("parameter given twice", file="--params", key=key)
    if not requested:
        raise ScenarioError("no free parameters to fit", file=targets.path if params is None else "--params",
                            key="parameters", hint="list them under parameters: in the targets file, or give --params key=lo:hi")
    return requested


def _resolve(scenario: LoadedScenario, bounds: ParameterBounds, resized: set[str]) -> FreeParameter:
    key, span, origin = bounds.key, bounds.range, (bounds.file, bounds.line)

    def fail(message: str, hint: str | None = None) -> ScenarioError:
        return ScenarioError(message, file=origin[0], key=key, line=origin[1], hint=hint)

    try:
        check_existing_key(scenario.raw, key, origin[0])
    except ScenarioError as error:
        raise fail(error.message, error.hint) from None
    if any(r == key or r.startswith(key + ".") or key.startswith(r + ".") for r in resized):
        raise fail("is resized with the world (--stock); calibrate it at full size", "leave out --stock")
    node: Any = scenario.raw.data
    path: KeyPath = ()
    for segment in key.split("."):
        child = _child_key(node, segment, path, key)
        path, node = path + (child,), node[child]
    plain = not (span.prefix.strip() or span.suffix.strip())
    base = {"key": key, "lo": span.lo, "hi": span.hi, "why": bounds.why, "origin": origin}
    if isinstance(node, (dict, list)) or (plain and _quantity(node) is not None):
        if not plain:
            raise fail(f"holds several values; bounds with a unit ({span.text}) need a key with one value",
                       "plain bounds such as 0.5:2.0 multiply every value under it")
        leaves = tuple(_leaves(node, path))
        if not leaves:
            raise fail("has no numbers or quantities under it to multiply")
        return FreeParameter(mode="scale", start=min(max(1.0, span.lo), span.hi), leaves=leaves, **base)
    if _is_number(node):
        if not plain:
            raise fail(f"the scenario's value is a plain number ({node}); give plain bounds, e.g. 0.01:0.15")
        return FreeParameter(mode="value", start=min(max(float(node), span.lo), span.hi), leaves=((path, node),),
                             integer=isinstance(node, int), **base)
    current = _in_bound_units(node, span)
    if current is None:
        raise fail(f"cannot be calibrated with bounds {span.text}: the scenario's value is {node!r}",
                   "bounds need the value's kind of unit (a duration, rate or amount), or plain bounds to multiply it")
    return FreeParameter(mode="value", start=min(max(current, span.lo), span.hi), leaves=((path, node),),
                         prefix=span.prefix, suffix=span.suffix, **base)


def _in_bound_units(value: Any, span: Range) -> float | None:
    """The scenario's quantity expressed in the unit of the bounds (``1 year`` → 12 for months)."""
    mine, unit = _model_value(value) if isinstance(value, str) else None, _model_value(f"{span.prefix}1{span.suffix}")
    if mine is None or unit is None or mine[0] != unit[0] or unit[1] == 0:
        return None
    return mine[1] / unit[1]


def overrides_at(parameters: Sequence[FreeParameter], values: Sequence[float]) -> list[str]:
    """``--set`` texts that put every parameter at its value (strings quoted as YAML)."""
    return [f"{key_str(path)}={_yaml_scalar(setting)}" for p, v in zip(parameters, values, strict=True)
            for path, setting in p.settings(v)]


def scenario_at(scenario: LoadedScenario, parameters: Sequence[FreeParameter], values: Sequence[float]) -> LoadedScenario:
    """The scenario with its own ``--set`` overrides and then the parameters at ``values``."""
    return load_scenario(scenario.path, [*scenario.raw.overrides, *overrides_at(parameters, values)])


def _yaml_scalar(value: Any) -> str:
    """YAML text of a scalar: strings quoted, floats positional (PyYAML reads ``1e-05`` as text)."""
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, float):
        text = format(Decimal(repr(value)), "f")
        return text if "." in text else text + ".0"
    return repr(value)


def _check_corners(scenario: LoadedScenario, parameters: Sequence[FreeParameter]) -> None:
    """Each parameter at each bound (the others at their start) must give a valid scenario."""
    starts = [p.start for p in parameters]
    for i, p in enumerate(parameters):
        for bound in (p.lo, p.hi):
            values = [*starts[:i], p.snap(bound), *starts[i + 1:]]
            try:
                scenario_at(scenario, parameters, values)
            except ScenarioError as error:
                raise ScenarioError(f"the scenario is invalid at the bound {p.text(bound)}: {error}",
                                    file=p.origin[0], key=p.key, line=p.origin[1], hint="narrow the bounds") from None


# ---------------------------------------------------------------- the objective


class BudgetExhausted(Exception):
    """The search wants a new point after ``max_evaluations`` distinct points were simulated."""


@dataclass
class Evaluation:
    """One simulated point: values, per-replication measures, their means and J."""

    values: tuple[float, ...]
    measures: pd.DataFrame
    means: dict[str, float]
    objective: float
    replicator: Replicator


def objective_value(targets: Sequence[Target], means: Mapping[str, float]) -> float:
    """J = Σ w ((mean − value) / scale)²; an undefined mean costs NAN_PENALTY × weight."""
    total = 0.0
    for t in targets:
        mean = means.get(t.outcome, math.nan)
        total += t.weight * (NAN_PENALTY if not math.isfinite(mean) else ((mean - t.value) / t.scale) ** 2)
    return total


class Objective:
    """J(θ) on replications 0..reps−1 of ``seed`` at every θ (common random numbers), memoised.

    Calling it twice with the same values gives the identical float: the point maps to one
    scenario (hash), and a scenario's replications depend only on (seed, replication).
    """

    def __init__(self, scenario: LoadedScenario, targets: Sequence[Target], parameters: Sequence[FreeParameter],
                 reps: int = DEFAULT_REPS, seed: int = 1, execution: Execution | None = None,
                 store: ResultStore | bool | str | os.PathLike[str] | None = False,
                 max_evaluations: int | None = None, on_evaluation: Callable[[Evaluation], None] | None = None) -> None:
        self.scenario, self.targets, self.parameters = scenario, list(targets), list(parameters)
        self.reps, self.seed, self.execution = int(reps), int(seed), execution or Execution()
        self.store = store if isinstance(store, ResultStore) else open_store(store)
        self.max_evaluations, self.on_evaluation = max_evaluations, on_evaluation
        self.evaluations: dict[tuple[float, ...], Evaluation] = {}
        self.calls = 0

    def point(self, values: Sequence[float]) -> tuple[float, ...]:
        return tuple(p.snap(v) for p, v in zip(self.parameters, values, strict=True))

    def evaluate(self, values: Sequence[float]) -> Evaluation:
        """Simulate (or recall) the point nearest ``values``."""
        self.calls += 1
        point = self.point(values)
        if point in self.evaluations:
            return self.evaluations[point]
        if self.max_evaluations is not None and len(self.evaluations) >= self.max_evaluations:
            raise BudgetExhausted
        replicator = Replicator([scenario_at(self.scenario, self.parameters, point)], ["calibration point"],
                                self.seed, self.execution, self.store)
        replicator.ensure(self.reps)
        measures = measure_table(replicator.table(self.reps))
        means = {name: _mean(measures[name].to_numpy()) for name in MEASURES}
        evaluation = Evaluation(point, measures, means, objective_value(self.targets, means), replicator)
        self.evaluations[point] = evaluation
        if self.on_evaluation:
            self.on_evaluation(evaluation)
        return evaluation

    def __call__(self, values: Sequence[float]) -> float:
        return self.evaluate(values).objective

    def on_unit_cube(self, x: Sequence[float]) -> float:
        """J at the point whose parameters sit at fractions ``x`` of their ranges."""
        return self(tuple(p.from_unit(u) for p, u in zip(self.parameters, np.clip(x, 0.0, 1.0), strict=True)))

    def best(self) -> Evaluation:
        """The lowest J simulated so far (the first, among ties)."""
        return min(self.evaluations.values(), key=lambda e: e.objective)

    def trace(self) -> pd.DataFrame:
        """One row per distinct simulated point, in order: values, J and the targets' means."""
        rows = []
        for n, evaluation in enumerate(self.evaluations.values()):
            row: dict[str, Any] = {"evaluation": n}
            row.update({p.key: v for p, v in zip(self.parameters, evaluation.values, strict=True)})
            row["objective"] = evaluation.objective
            row.update({f"mean {t.outcome}": evaluation.means[t.outcome] for t in self.targets})
            rows.append(row)
        return pd.DataFrame(rows)


def _mean(values: np.ndarray) -> float:
    finite = values[np.isfinite(values)]
    return float(finite.mean()) if len(finite) else math.nan


def simulated_measures(scenario: LoadedScenario, reps: int, seed: int = 1, workers: int = 1,
                       store: bool | str | os.PathLike[str] | None = False, first: int = 0) -> pd.DataFrame:
    """Measures (headline outcomes and DERIVED) of replications ``first``..``first+reps−1``, one row each."""
    replicator = Replicator([scenario], ["scenario"], seed, Execution(workers=workers), open_store(store))
    replicator.ensure(first + reps)
    return measure_table(replicator.table(first + reps)).loc[first:]


def _search(objective: Objective, method: str, max_evaluations: int, seed: int) -> tuple[bool, str]:
    """Run the optimiser on the unit cube from the start values; (converged, message)."""
    from scipy import optimize

    d = len(objective.parameters)
    x0 = np.array([p.to_unit(p.start) for p in objective.parameters])
    bounds = [(0.0, 1.0)] * d
    try:
        if method == "nelder-mead":
            simplex = [x0] + [x0 + np.eye(d)[i] * (INITIAL_STEP if x0[i] + INITIAL_STEP <= 1 else -INITIAL_STEP)
                              for i in range(d)]
            result = optimize.minimize(objective.on_unit_cube, x0, method="Nelder-Mead", bounds=bounds,
                                       options={"initial_simplex": np.array(simplex), "xatol": XATOL, "fatol": FATOL,
                                                "maxfev": 50 * max_evaluations})
        elif method == "powell":
            result = optimize.minimize(objective.on_unit_cube, x0, method="Powell", bounds=bounds,
                                       options={"xtol": XATOL, "ftol": 1e-3, "maxfev": 50 * max_evaluations})
        else:
            popsize = max(2, min(8, max_evaluations // (3 * d)))
            keyword = "rng" if "rng" in inspect.signature(optimize.differential_evolution).parameters else "seed"
            result = optimize.differential_evolution(
                objective.on_unit_cube, bounds, x0=x0, popsize=popsize, init="latinhypercube", polish=False,
                maxiter=max(1, max_evaluations // (popsize * d) - 1), tol=0.01, **{keyword: seed})
    except BudgetExhausted:
        return False, f"stopped at the budget of {max_evaluations} evaluations; the best point seen is the fit"
    return bool(result.success), str(result.message)


# ---------------------------------------------------------------- calibrate


@dataclass
class CalibrationResult:
    """What :func:`calibrate` found, with the tables of the fit report."""

    scenario: LoadedScenario  # as given: the calibrated file extends its file
    simulated: LoadedScenario  # what was run (resized with ``stock``)
    fitted_scenario: LoadedScenario  # ``simulated`` at the fitted values
    targets: Targets
    parameters: tuple[FreeParameter, ...]
    start: dict[str, float]
    fitted: dict[str, float]
    objective_start: float
    objective: float
    fit: pd.DataFrame  # one row per target
    parameter_table: pd.DataFrame  # one row per parameter
    evaluations: pd.DataFrame  # one row per distinct simulated point
    replications: pd.DataFrame  # per-replication measures of the check at the fit
    method: str
    reps: int
    check_reps: int
    seed: int
    max_evaluations: int
    converged: bool
    message: str
    runtime_s: float
    computed: int
    reused: int
    store: Path | None
    stock: int | None = None
    date: str = field(default_factory=lambda: datetime.date.today().isoformat())

    @property
    def settings(self) -> list[tuple[KeyPath, Any]]:
        """(key path, value) of everything the fit sets in the scenario."""
        return [s for p in self.parameters for s in p.settings(self.fitted[p.key])]

    @property
    def fitted_overrides(self) -> list[str]:
        return overrides_at(self.parameters, [self.fitted[p.key] for p in self.parameters])


def calibrate(scenario: LoadedScenario | str | os.PathLike[str], targets: Targets | str | os.PathLike[str],
              params: str | Sequence[str] | None = None, reps: int = DEFAULT_REPS, seed: int = 1, workers: int = 1,
              store: bool | str | os.PathLike[str] | None = True, method: str = DEFAULT_METHOD,
              max_evaluations: int = DEFAULT_MAX_EVALUATIONS, progress: bool | None = False, *,
              check_reps: int = DEFAULT_CHECK_REPS, stock: int | None = None, executor: str = "processes",
              scheduler: str | None = None, confidence: float = CONFIDENCE) -> CalibrationResult:
    """Fit the free parameters of ``scenario`` to ``targets`` (see the module docstring).

    ``params``: keys of the targets file's ``parameters`` and/or ``key=lo:hi`` texts (default:
    all of the file's). ``stock``: simulate a world resized to that many clients
    (``load_scaled``; percentages and rates keep their meaning, only the noise grows).
    Everything is checked before the first replication runs.
    """
    began = time.perf_counter()
    _check_options(reps, check_reps, method, max_evaluations)
    targets = targets if isinstance(targets, Targets) else load_targets(targets)
    original = scenario if isinstance(scenario, LoadedScenario) else load_scenario(scenario)
    simulated = original if stock is None else load_scaled(original.path, int(stock), original.raw.overrides)
    parameters = resolve_parameters(simulated, targets, params, scaled=stock is not None)
    _check_corners(simulated, parameters)
    bar = progress_bar(max_evaluations, 0, "calibration points", progress)
    objective = Objective(simulated, targets.targets, parameters, reps, seed,
                          Execution(workers=workers, executor=executor, scheduler=scheduler), store,
                          max_evaluations, lambda _: bar.update())
    try:
        start = objective.evaluate([p.start for p in parameters])
        _check_defined(targets, start)
        converged, message = _search(objective, method, max_evaluations, seed)
    finally:
        bar.close()
    best = objective.best()
    fitted_scenario = scenario_at(simulated, parameters, best.values)
    check = _check_replications(best, reps, check_reps)
    records = [e.replicator for e in objective.evaluations.values()]
    return CalibrationResult(
        scenario=original, simulated=simulated, fitted_scenario=fitted_scenario, targets=targets,
        parameters=tuple(parameters), start={p.key: v for p, v in zip(parameters, start.values, strict=True)},
        fitted={p.key: v for p, v in zip(parameters, best.values, strict=True)}, objective_start=start.objective,
        objective=best.objective, fit=_fit_table(targets.targets, start, best, check, confidence),
        parameter_table=_parameter_table(parameters, start.values, best.values), evaluations=objective.trace(),
        replications=check, method=method, reps=reps, check_reps=check_reps, seed=seed,
        max_evaluations=max_evaluations, converged=converged, message=message,
        runtime_s=time.perf_counter() - began, computed=sum(r.computed for r in records),
        reused=sum(r.reused for r in records), store=objective.store.root, stock=stock)


def _check_options(reps: int, check_reps: int, method: str, max_evaluations: int) -> None:
    for value, name, least in ((reps, "--reps", 1), (check_reps, "--check-reps", 0), (max_evaluations, "--max-evaluations", 2)):
        if isinstance(value, bool) or not isinstance(value, int) or value < least:
            raise ScenarioError(f"must be a whole number of at least {least}, got {value!r}", file=name)
    if check_reps == 1 or (check_reps == 0 and reps < 2):
        raise ScenarioError("a confidence interval needs at least 2 replications", file="--check-reps",
                            hint="give 0 (judge the fit on the search's replications, then --reps ≥ 2) or at least 2")
    if method not in METHODS:
        close = difflib.get_close_matches(str(method), METHODS, n=1)
        raise ScenarioError(f"unknown method '{method}'", file="--method",
                            hint=f"did you mean '{close[0]}'?" if close else "one of: " + ", ".join(METHODS))


def _check_defined(targets: Targets, start: Evaluation) -> None:
    for i, t in enumerate(targets.targets):
        if t.weight > 0 and not math.isfinite(start.means[t.outcome]):
            raise ScenarioError("this outcome is undefined in the scenario (no replication has a value)",
                                file=targets.path, key=f"targets.{i}.outcome", line=t.line,
                                hint="give it weight 0, or a scenario that has what it measures")


def _check_replications(best: Evaluation, reps: int, check_reps: int) -> pd.DataFrame:
    """Measures of the replications that judge the fit: held-out ones, or the search's when none."""
    if check_reps == 0:
        return best.measures
    best.replicator.ensure(reps + check_reps)
    return measure_table(best.replicator.table(reps + check_reps)).loc[reps:]


def _target_rows(targets: Sequence[Target], check: pd.DataFrame, confidence: float) -> list[dict[str, Any]]:
    """Per target: the published value and band, the simulated mean with its CI, z, and whether it is met."""
    rows = []
    for t in targets:
        mean, low, high, n = mean_ci(check[t.outcome].to_numpy(float), confidence)
        band = t.band
        rows.append({
            "outcome": t.outcome, "label": MEASURES[t.outcome].label, "unit": MEASURES[t.outcome].unit,
            "target": t.value, "published": t.published, "band_low": band[0], "band_high": band[1], "scale": t.scale,
            "weight": t.weight, "source": t.source, "note": t.note, "mean": mean, "ci_low": low, "ci_high": high,
            "n": n, "z": (mean - t.value) / t.scale if math.isfinite(mean) else math.nan,
            "target_in_ci": bool(low <= t.value <= high) if math.isfinite(low) else False,
            "within_tolerance": bool(band[0] <= mean <= band[1]) if math.isfinite(mean) else False,
        })
    return rows


def _fit_table(targets: Sequence[Target], start: Evaluation, best: Evaluation, check: pd.DataFrame,
               confidence: float) -> pd.DataFrame:
    rows = _target_rows(targets, check, confidence)
    for row in rows:
        row.update(start_mean=start.means[row["outcome"]], search_mean=best.means[row["outcome"]])
    return pd.DataFrame(rows)


def target_table(scenario: LoadedScenario | str | os.PathLike[str], targets: Targets | str | os.PathLike[str],
                 reps: int = DEFAULT_CHECK_REPS, seed: int = 1, workers: int = 1,
                 store: bool | str | os.PathLike[str] | None = True, confidence: float = CONFIDENCE) -> pd.DataFrame:
    """A scenario as it is (nothing fitted) against published targets: the same columns as a fit."""
    loaded = scenario if isinstance(scenario, LoadedScenario) else load_scenario(scenario)
    chosen = targets if isinstance(targets, Targets) else load_targets(targets)
    measures = simulated_measures(loaded, reps, seed, workers, store)
    return pd.DataFrame(_target_rows(chosen.targets, measures, confidence))


def target_table_markdown(table: pd.DataFrame) -> str:
    """``target_table`` as Markdown: published value and source against the simulated mean and CI."""
    lines = ["| outcome | published | source | simulated mean (95% CI) | z | target in CI | within tolerance |",
             "|---|---|---|---|---|---|---|"]
    for row in table.itertuples():
        lines.append(f"| {row.outcome} | {row.published} | {_cell(row.source)} | {_fmt(row.mean)} ({_fmt(row.ci_low)} "
                     f"to {_fmt(row.ci_high)}) | {row.z:+.2f} | {'yes' if row.target_in_ci else 'no'} | "
                     f"{'yes' if row.within_tolerance else '**no**'} |")
    return "\n".join(lines) + "\n"


def _parameter_table(parameters: Sequence[FreeParameter], start: Sequence[float], fitted: Sequence[float]) -> pd.DataFrame:
    rows = []
    for p, s, f in zip(parameters, start, fitted, strict=True):
        at_bound = "lower" if f <= p.lo else "upper" if f >= p.hi else ""
        rows.append({"key": p.key, "mode": p.mode, "lo": p.lo, "hi": p.hi, "bounds": p.bounds_text, "start": s,
                     "fitted": f, "start_text": p.text(s), "fitted_text": p.text(f), "at_bound": at_bound, "why": p.why})
    return pd.DataFrame(rows)


# ---------------------------------------------------------------- reports and files


def _fmt(value: float) -> str:
    if not math.isfinite(value):
        return "–"
    return f"{value:,.0f}" if abs(value) >= 1000 else f"{value:.3g}" if abs(value) < 1 else f"{value:.1f}".rstrip("0").rstrip(".")


def _cell(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def fit_table_markdown(result: CalibrationResult) -> str:
    """The fit report as Markdown: a summary line, the targets table and the parameters table."""
    check = (f"{result.check_reps} further replications (never seen by the search)" if result.check_reps
             else f"the search's {result.reps} replications")
    size = f", world resized to {result.stock:,} clients" if result.stock else ""
    lines = [
        f"## Calibration of {result.scenario.name} ({result.scenario.path}) against {result.targets.path}", "",
        (f"Objective {_fmt(result.objective_start)} at the start → **{_fmt(result.objective)}** at the fit "
         f"({result.method}, {len(result.evaluations)} points × {result.reps} replications of seed {result.seed} on "
         f"common random numbers{size}; {result.message}). Means and 95% CIs at the fit are from {check}; "
         f"{result.runtime_s:.0f} s, {result.computed} replications run, {result.reused} reused."), "",
        "| outcome | published | source | start | fitted mean (95% CI) | z | target in CI | within tolerance |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for row in result.fit.itertuples():
        target = next(t for t in result.targets.targets if t.outcome == row.outcome)
        weight = "" if row.weight == 1 else f" (weight {_fmt(row.weight)})"
        lines.append(f"| {row.outcome}{weight} | {target.published} | {_cell(row.source)} | {_fmt(row.start_mean)} | "
                     f"{_fmt(row.mean)} ({_fmt(row.ci_low)} to {_fmt(row.ci_high)}) | {row.z:+.2f} | "
                     f"{'yes' if row.target_in_ci else 'no'} | {'yes' if row.within_tolerance else '**no**'} |")
    lines += ["", "| parameter | bounds | start | fitted | why free |", "|---|---|---|---|---|"]
    for row in result.parameter_table.itertuples():
        bound = f" (at the {row.at_bound} bound)" if row.at_bound else ""
        lines.append(f"| {row.key} | {row.bounds} | {row.start_text} | **{row.fitted_text}**{bound} | {_cell(row.why)} |")
    return "\n".join(lines) + "\n"


def calibrated_scenario_text(result: CalibrationResult, folder: str | os.PathLike[str]) -> str:
    """A scenario file, to be written in ``folder``, that extends the original and sets the fitted keys."""
    original = Path(result.scenario.path).resolve()
    try:
        extends = Path(os.path.relpath(original, Path(folder).resolve())).as_posix()
    except ValueError:  # another drive: no relative path exists
        extends = original.as_posix()
    stamp = (f"calibrated by meedoen calibrate against {result.targets.path} "
             f"({result.date}, objective {_fmt(result.objective)})")
    header = [(f"# Calibration of {Path(result.scenario.path).name} by meedoen calibrate: targets from calibration.md "
               f"rows (cal §A/§B) in {result.targets.path}."),
              (f"# {result.date}: objective {_fmt(result.objective_start)} → {_fmt(result.objective)} ({result.method}, "
               f"{len(result.evaluations)} points × {result.reps} replications, seed {result.seed}); fit.md beside it "
               "has the fit.")]
    if result.stock:
        header.append(f"# Simulated at {result.stock:,} clients (load_scaled); the fitted keys are per-client rates and shares.")
    if result.scenario.raw.overrides:
        header.append("# --set overrides in effect during calibration, NOT carried over here: "
                      + "; ".join(result.scenario.raw.overrides))
    tree: dict[Any, Any] = {}
    for path, value in result.settings:
        node = tree
        for part in path[:-1]:
            node = node.setdefault(part, {})
        node[path[-1]] = value
    body = _emit(tree, 0, stamp)
    return "\n".join([*header, f"extends: {json.dumps(extends)}", "", *body]) + "\n"


def _emit(tree: Mapping[Any, Any], depth: int, stamp: str) -> list[str]:
    lines = []
    for key, value in tree.items():
        name = str(key) if isinstance(key, int) or re.fullmatch(r"[A-Za-z_][\w-]*", str(key)) else json.dumps(str(key))
        if isinstance(value, dict):
            lines += [f"{'  ' * depth}{name}:", *_emit(value, depth + 1, stamp)]
        else:
            lines.append(f"{'  ' * depth}{name}: {_yaml_scalar(value)}  # {stamp}")
    return lines


def calibrated_file_name(result: CalibrationResult) -> str:
    return f"{Path(result.scenario.path).stem}_calibrated.yaml"


def write_calibrated_scenario(result: CalibrationResult, path: str | os.PathLike[str]) -> Path:
    """Write the calibrated scenario file (atomically); ``path`` may be a folder."""
    from simulation.files import atomic_write

    target = Path(path)
    if target.is_dir():
        target = target / calibrated_file_name(result)
    text = calibrated_scenario_text(result, target.parent)
    atomic_write(target, lambda stream: stream.write(text))
    return target


def manifest(result: CalibrationResult, command: Sequence[str] | None = None) -> dict[str, Any]:
    from simulation.results.output import provenance

    scenario = result.scenario
    return {
        "kind": "calibration", **provenance(list(command) if command else None), "date": result.date,
        "scenario": scenario.name, "scenario_file": scenario.path, "scenario_chain": scenario.raw.chain,
        "scenario_overrides": scenario.raw.overrides, "scenario_hash": scenario.hash,
        "simulated_hash": result.simulated.hash, "fitted_hash": result.fitted_scenario.hash, "stock": result.stock,
        "targets_file": result.targets.path, "targets_digest": result.targets.digest,
        "method": result.method, "seed": result.seed, "reps": result.reps, "check_reps": result.check_reps,
        "max_evaluations": result.max_evaluations, "evaluations": len(result.evaluations),
        "objective_start": result.objective_start, "objective": result.objective, "converged": result.converged,
        "message": result.message, "runtime_s": round(result.runtime_s, 1), "replications_run": result.computed,
        "replications_reused": result.reused, "store": result.store,
        "start": result.start, "fitted": result.fitted, "fitted_overrides": result.fitted_overrides,
        "calibrated_scenario": calibrated_file_name(result),
    }


def write_calibration(result: CalibrationResult, out: str | os.PathLike[str], overwrite: bool = False,
                      command: Sequence[str] | None = None) -> Path:
    """Write fit.csv, parameters.csv, evaluations.csv, replications.csv, fit.md, manifest.json and
    ``<name>_calibrated.yaml`` into ``out``; atomic at the folder level (a new or empty folder)."""
    from simulation.results.output import MANIFEST, staged_folder

    target = Path(out)
    with staged_folder(target, overwrite) as staging:
        result.fit.to_csv(staging / "fit.csv", index=False)
        result.parameter_table.to_csv(staging / "parameters.csv", index=False)
        result.evaluations.to_csv(staging / "evaluations.csv", index=False)
        result.replications.reset_index().to_csv(staging / "replications.csv", index=False)
        (staging / "fit.md").write_text(fit_table_markdown(result), encoding="utf-8")
        (staging / calibrated_file_name(result)).write_text(calibrated_scenario_text(result, target), encoding="utf-8")
        (staging / MANIFEST).write_text(json.dumps(manifest(result, command), indent=2, default=str), encoding="utf-8")
    return target


# ---------------------------------------------------------------- the command


def run_calibration(scenario: str | os.PathLike[str], targets: str | os.PathLike[str], *,
                    params: str | Sequence[str] | None = None, overrides: Sequence[str] = (), stock: int | None = None,
                    reps: int = DEFAULT_REPS, check_reps: int = DEFAULT_CHECK_REPS, seed: int = 1,
                    method: str = DEFAULT_METHOD, max_evaluations: int = DEFAULT_MAX_EVALUATIONS, workers: int = 1,
                    executor: str = "processes", scheduler: str | None = None,
                    store: bool | str | os.PathLike[str] | None = True, progress: bool | None = None,
                    out: str | os.PathLike[str] | None = None, overwrite: bool = False,
                    command: Sequence[str] | None = None) -> tuple[CalibrationResult, str]:
    """Everything ``meedoen calibrate`` does: check all input (files, keys, bounds, --out) before
    running, calibrate, write the folder; returns the result and the text to print."""
    from simulation.results.output import check_output_dir

    loaded = load_scenario(scenario, overrides)
    target_spec = load_targets(targets)
    if out:
        check_output_dir(out, overwrite)
    result = calibrate(loaded, target_spec, params, reps, seed, workers, store, method, max_evaluations, progress,
                       check_reps=check_reps, stock=stock, executor=executor, scheduler=scheduler)
    text = fit_table_markdown(result)
    if out:
        written = write_calibration(result, out, overwrite, command)
        text += (f"\nresults written to {written}/ (fit.md, fit.csv, parameters.csv, evaluations.csv, replications.csv, "
                 f"manifest.json, {calibrated_file_name(result)})\n")
    else:
        text += "\n(add --out DIR for the tables, the manifest and the calibrated scenario file)\n"
    return result, text


def main(args: Any, argv: Sequence[str]) -> int:
    """Run ``meedoen calibrate`` from parsed arguments; print the fit; 0 on success."""
    _, text = run_calibration(
        args.scenario, args.targets, params=args.params, overrides=getattr(args, "overrides", ()), stock=args.stock,
        reps=args.reps, check_reps=args.check_reps, seed=getattr(args, "seed", 1), method=args.method,
        max_evaluations=args.max_evaluations, workers=getattr(args, "workers", 1),
        executor=getattr(args, "executor", "processes"), scheduler=getattr(args, "scheduler", None),
        store=False if getattr(args, "no_store", False) else (getattr(args, "store", None) or True),
        progress=False if getattr(args, "quiet", False) else None, out=getattr(args, "out", None),
        overwrite=getattr(args, "overwrite", False), command=["meedoen", *argv])
    print(text, end="")
    return 0
