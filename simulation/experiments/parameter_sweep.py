"""Parameter sweeps: every design point (``design.py``) run on the same replication seeds, one tidy table."""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import replace
from typing import Any

import pandas as pd

from simulation.defaults import SWEEP_REPS
from simulation.errors import ScenarioError
from simulation.experiments.design import point_overrides
from simulation.experiments.execution import Execution
from simulation.experiments.replication import Replicator, open_store
from simulation.scenario import LoadedScenario, load_scenario
from simulation.scenario.loader import OVERRIDE_ARGUMENT, check_existing_key
from simulation.scenario.yamlio import load_value


def sweep(scenario: LoadedScenario | str | os.PathLike[str], points: Sequence[dict[str, str]], reps: int = SWEEP_REPS,
          seed: int = 1, *, workers: int = 1, executor: str = "processes", scheduler: str | None = None,
          store: bool | str | os.PathLike[str] | None = True, progress: bool | None = False) -> pd.DataFrame:
    """Run every design point (a dict of override key → value text, ``design.py``) ``reps`` times.

    Returns one tidy row per point, replication and outcome: scenario, point, one column per
    parameter, replication, outcome, value. Every point is validated before anything runs.
    All points share replication seeds, so differences between points are paired too.
    """
    base = scenario if isinstance(scenario, LoadedScenario) else load_scenario(scenario)
    _check_design(base, points, reps)
    loaded = [_load_point(base, point) for point in points]
    execution = Execution(workers=workers, executor=executor, scheduler=scheduler)
    labels = [f"point {i}" for i in range(len(points))]
    replicator = Replicator(loaded, labels, seed, execution, open_store(store), progress, "sweep")
    replicator.ensure(reps)
    table = replicator.table(reps)
    parameters = parameter_columns(points)
    point_index = table["scenario"].map({label: i for i, label in enumerate(labels)})
    columns = {"scenario": base.name, "point": point_index}
    for column, values in parameters.items():
        columns[column] = point_index.map(dict(enumerate(values)))
    tidy = pd.DataFrame(columns).join(table[["scenario_hash", "replication", "outcome", "value"]])
    tidy.attrs.update(reps=reps, seed=seed, computed=replicator.computed, reused=replicator.reused,
                      store=replicator.store.root, parameters=list(parameters))
    return tidy


def _load_point(base: LoadedScenario, point: dict[str, str]) -> LoadedScenario:
    """The scenario at one design point; a value it refuses is the design's, not a ``--set``'s."""
    try:
        return load_scenario(base.path, [*base.raw.overrides, *point_overrides(point)])
    except ScenarioError as error:
        if error.argument != OVERRIDE_ARGUMENT:
            raise
        raise replace(error, argument="points") from None


def _check_design(base: LoadedScenario, points: Sequence[dict[str, str]], reps: int) -> None:
    """Bad input before any run: no points, a bad number of replications, a key the scenario lacks."""
    if not points:
        raise ScenarioError("the design has no points", argument="points",
                            hint="e.g. grid_points(parse_grid([...])) or lhs_points(parse_ranges([...]), n, seed)")
    if isinstance(reps, bool) or not isinstance(reps, int) or reps < 1:
        raise ScenarioError(f"must be a whole number of at least 1, got {reps!r}", argument="reps")
    for key in points[0]:
        try:
            check_existing_key(base.raw, key, "points")
        except ScenarioError as error:
            raise replace(error, file=None, argument="points") from None


def parameter_columns(points: Sequence[dict[str, str]]) -> dict[str, list[Any]]:
    """Sweep parameters as table columns: numbers as numbers; ``30 days`` style values as numbers
    in a column named ``key [days]`` when every point uses the same unit; other text as text."""
    columns: dict[str, list[Any]] = {}
    for key in points[0]:
        name, values = _column(key, [point[key] for point in points])
        columns[name] = values
    return columns


def _column(key: str, texts: list[str]) -> tuple[str, list[Any]]:
    """One parameter's column name and values (see ``parameter_columns``)."""
    parsed = [load_value(text) for text in texts]
    if all(_is_number(value) for value in parsed):
        return key, parsed
    split = [_number_and_unit(text) for text in texts]
    units = {unit for _, unit in split}
    if all(number is not None for number, _ in split) and len(units) == 1:
        return f"{key} [{units.pop()}]", [number for number, _ in split]
    return key, texts


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _number_and_unit(text: str) -> tuple[float | None, str]:
    """``"30 days"`` → (30.0, "days"); ``"€250000 per year"`` → (250000.0, "€ per year")."""
    match = re.fullmatch(r"\s*(€?)\s*([-+]?\d+(?:\.\d*)?(?:[eE][-+]?\d+)?)\s*(.*?)\s*", text)
    if not match:
        return None, ""
    prefix, number, suffix = match.groups()
    return float(number), " ".join(part for part in (prefix, suffix) if part)
