"""A whole sensitivity analysis: check the input, sample the design, run every distinct point
``reps`` times through ``experiments.sweep`` (common random numbers, store, workers), analyse each
outcome and estimate its replication noise."""

from __future__ import annotations

import math
import os
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from simulation.defaults import CONFIDENCE, SENSITIVITY_REPS
from simulation.experiments.design import Range, point_overrides
from simulation.experiments.parameter_sweep import parameter_columns, sweep
from simulation.experiments.replication import scenario_record
from simulation.experiments.sensitivity.analysis import INDEX_COLUMNS, RESAMPLES, analyse, replication_noise
from simulation.experiments.sensitivity.design import MORRIS_LEVELS, Design, design_seed, salib, sample
from simulation.experiments.sensitivity.inputs import (
    check_bounds,
    check_confidence,
    check_levels,
    check_method,
    check_n,
    check_outcomes,
    check_reps,
    parse_params,
)
from simulation.scenario import LoadedScenario, load_scenario

DEFAULT_REPS = SENSITIVITY_REPS
NOISE_COLUMNS = ["outcome", "analysed", "points", "reps", "total_variance", "noise_variance", "noise_share",
                 "within_variance", "crn_gain", "note"]
#: Why an outcome was not analysed (the ``note`` of noise.csv; ``present.sensitivity`` translates them).
NOTES = {"undefined": "undefined in some runs", "constant": "the same at every point"}


@dataclass
class SensitivityResult:
    """Everything an analysis produced. ``indices`` and ``noise`` are tidy tables; ``runs`` the
    per-point, per-replication outcomes it analysed (point indexes ``design``'s rows); ``folder``
    where it was written, once it was."""

    scenario: str
    method: str
    design: Design
    outcomes: list[str]
    indices: pd.DataFrame
    noise: pd.DataFrame
    runs: pd.DataFrame
    reps: int
    seed: int
    meta: dict[str, Any] = field(default_factory=dict)
    folder: Path | None = None

    def design_table(self) -> pd.DataFrame:
        """One row per design point: the parameter values as numbers (a unit in the column name)."""
        return pd.DataFrame({"point": range(len(self.design.values)), **parameter_columns(self.design.points)})


def sensitivity(scenario: LoadedScenario | str | os.PathLike[str], params: str | Sequence[str] | Mapping[str, Range],
                method: str = "morris", n: int | None = None, reps: int = DEFAULT_REPS, seed: int = 1, *,
                outcomes: Sequence[str] | str | None = None, levels: int = MORRIS_LEVELS,
                confidence: float = CONFIDENCE, resamples: int = RESAMPLES, workers: int = 1,
                executor: str = "processes", scheduler: str | None = None,
                store: bool | str | os.PathLike[str] | None = True, progress: bool | None = False,
                on_design: Callable[[Design, int], None] | None = None) -> SensitivityResult:
    """A global sensitivity analysis of ``scenario`` (a LoadedScenario or a file) over ``params``.

    Every input is checked before anything runs (method, ``n``, ``reps``, outcomes, each
    ``key=lo:hi`` and that the key exists in the scenario, every design point loads, SALib is
    installed); the design points run ``reps`` times through ``experiments.sweep``; the indices
    and the noise table are computed. ``on_design(design, distinct_points)`` is called once the
    design is known, before the runs: the place to announce them, or to check an output folder.
    Writing the folder is ``simulation.present.sensitivity.write_sensitivity``.
    """
    started = time.perf_counter()
    method = check_method(method)
    n = check_n(method, n)
    reps = check_reps(reps)
    levels = check_levels(levels)
    chosen = check_outcomes(outcomes)
    check_confidence(confidence)
    ranges = dict(params) if isinstance(params, Mapping) else parse_params(params)
    base = scenario if isinstance(scenario, LoadedScenario) else load_scenario(scenario)
    check_bounds(base, ranges)
    salib()

    design = sample(ranges, method, n, seed, levels)
    unique, which = _unique_points(design.points)
    if on_design is not None:
        on_design(design, len(unique))
    tidy = sweep(base, unique, reps, seed, workers=workers, executor=executor, scheduler=scheduler, store=store,
                 progress=progress)
    wanted = tidy[tidy["outcome"].isin(chosen)]
    indices, noise_rows = _analyse_outcomes(design, wanted, chosen, which, len(unique), reps, confidence, resamples)
    meta = {**_design_meta(design, reps, confidence, resamples), "outcomes": chosen, "points": len(which),
            "distinct_points": len(unique), "computed": tidy.attrs.get("computed"), "reused": tidy.attrs.get("reused"),
            "store": tidy.attrs.get("store"), "salib_version": _salib_version(),
            "noise_share": {row["outcome"]: _finite(row.get("noise_share")) for row in noise_rows},
            "runtime_s": round(time.perf_counter() - started, 3), "scenario": scenario_record(base.name, base)}
    noise_table = pd.DataFrame(noise_rows).reindex(columns=NOISE_COLUMNS)
    return SensitivityResult(base.name, method, design, chosen, indices, noise_table, _runs_table(tidy, wanted, which),
                             reps, seed, meta)


def _unique_points(points: list[dict[str, str]]) -> tuple[list[dict[str, str]], np.ndarray]:
    """Distinct points (in first-seen order) and, per design point, its distinct point's index."""
    seen: dict[tuple[str, ...], int] = {}
    unique: list[dict[str, str]] = []
    index = np.empty(len(points), dtype=int)
    for i, point in enumerate(points):
        key = tuple(point_overrides(point))
        if key not in seen:
            seen[key] = len(unique)
            unique.append(point)
        index[i] = seen[key]
    return unique, index


def _analyse_outcomes(design: Design, wanted: pd.DataFrame, chosen: Sequence[str], which: np.ndarray, distinct: int,
                      reps: int, confidence: float, resamples: int) -> tuple[pd.DataFrame, list[dict[str, Any]]]:
    """The indices of every outcome that varies, and a noise row for each outcome."""
    cube = wanted.pivot_table(index=["outcome", "point"], columns="replication", values="value", dropna=False,
                              sort=True, aggfunc="first")
    index_tables, noise_rows = [], []
    for outcome in chosen:
        y = cube.loc[outcome].reindex(range(distinct)).to_numpy(float)[which]
        row = _noise_row(outcome, y, reps)
        noise_rows.append(row)
        if row["analysed"]:
            index_tables.append(analyse(design, y, outcome, confidence=confidence, resamples=resamples))
    indices = pd.concat(index_tables, ignore_index=True) if index_tables else pd.DataFrame(columns=INDEX_COLUMNS)
    return indices, noise_rows


def _noise_row(outcome: str, y: np.ndarray, reps: int) -> dict[str, Any]:
    """The noise of one outcome, or why it is not analysed (undefined somewhere, or constant)."""
    noise = replication_noise(y) if np.isfinite(y).all() else None
    if noise is None:
        return {"outcome": outcome, "analysed": False, "points": len(y), "reps": reps, "note": NOTES["undefined"]}
    if not noise["total_variance"] > 0:
        return {"outcome": outcome, "analysed": False, **noise, "note": NOTES["constant"]}
    return {"outcome": outcome, "analysed": True, **noise, "note": ""}


def _runs_table(tidy: pd.DataFrame, wanted: pd.DataFrame, which: np.ndarray) -> pd.DataFrame:
    """Per design point (coinciding points repeated), replication and outcome: the value analysed."""
    hashes = tidy.drop_duplicates("point").set_index("point")["scenario_hash"]
    runs = wanted.assign(unique=wanted["point"])[["unique", "replication", "outcome", "value"]]
    runs = (pd.DataFrame({"point": range(len(which)), "unique": which})
            .merge(runs, on="unique").sort_values(["point", "outcome", "replication"], kind="stable"))
    runs.insert(1, "scenario_hash", runs["unique"].map(hashes))
    return runs.drop(columns="unique").reset_index(drop=True)


def _design_meta(design: Design, reps: int, confidence: float, resamples: int) -> dict[str, Any]:
    return {"method": design.method, "n": design.n, "levels": design.levels if design.method == "morris" else None,
            "reps": reps, "seed": design.seed, "design_seed": design_seed(design.seed), "confidence": confidence,
            "resamples": resamples,
            "parameters": {key: {"range": span.text, "integer": span.integer} for key, span in design.ranges.items()}}


def _finite(value: Any) -> float | None:
    """A number for the manifest: JSON has no NaN."""
    return float(value) if value is not None and math.isfinite(value) else None


def _salib_version() -> str | None:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("SALib")
    except PackageNotFoundError:
        return None
