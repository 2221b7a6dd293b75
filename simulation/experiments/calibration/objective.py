"""The objective: how far a scenario's simulated measures are from the published targets.

    J(θ) = Σ_t w_t · ((m_t(θ) − v_t) / s_t)²

where m_t(θ) is the mean of target t's measure over replications 0..R−1 of one seed at the
parameter values θ, v_t the published value, w_t its weight and s_t its scale
(``Target.scale``: the tolerance, or half the published interval, or a default share of |v_t|,
so a target "within tolerance" is exactly one with |z| ≤ 1).

**Common random numbers make J deterministic.** Every evaluation runs the same seed and the
same replications, and random streams are split by purpose and by client (``simulation.model.rng``),
so the same clients arrive with the same luck at every θ: J is a fixed function of θ, with no
sampling noise between evaluations. It is not smooth, though: counts of exits move in whole
units as θ shifts event times, so J is piecewise constant on a fine scale.
"""

from __future__ import annotations

import math
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from simulation.defaults import CALIBRATION_REPS
from simulation.experiments.calibration.measures import MEASURES, measure_table
from simulation.experiments.calibration.parameters import FreeParameter, scenario_at
from simulation.experiments.calibration.targets import Target
from simulation.experiments.execution import Execution
from simulation.experiments.replication import Replicator, open_store
from simulation.experiments.store import ResultStore
from simulation.scenario import LoadedScenario

NAN_PENALTY = 1e6  # a target whose outcome is undefined at some θ


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
                 reps: int = CALIBRATION_REPS, seed: int = 1, execution: Execution | None = None,
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
