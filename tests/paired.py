"""Paired scenario comparisons on common random numbers, for the stylised-fact tests.

Replication ``i`` of every variant runs with the same seed and replication number, so the
clients, their exit luck and the arrival times are the same in both arms
(``simulation/model/rng.py``); the per-replication difference of an outcome then carries only the
policy's effect plus the noise the policy itself stirs up. The mean difference gets a
t-based confidence interval over replications (scipy.stats.t, n − 1 degrees of freedom).

Runs are cached per (variant, replication) for the whole test session, so a variant shared
by several facts (the base run) is simulated once, and run on up to two worker processes.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np

import simulation
from simulation.model.run import RunResult
from simulation.outcomes import statistics

BASE = Path(__file__).resolve().parents[1] / "scenarios" / "base.yaml"
SEED = 20240601
REPLICATIONS = 10
CONFIDENCE = 0.95

SCALE = 0.25


def small_overrides(scale: float = SCALE) -> tuple[str, ...]:
    """The base municipality at ``scale`` of its size (10,000 → 2,500 clients).

    Rates are per client, so every count that is a capacity or a flow is multiplied by
    ``scale`` (read from base.yaml itself) and the ratios that drive queueing (clients per
    caseload slot, per service or trajectory slot, per euro of budget) stay as in base:
    30 klantmanagers become 8 (1,200 slots for ~1,100 clients in groups 1-2).
    """
    model = simulation.load_scenario(BASE).model
    per_year = 365.25

    def shrink(n: int) -> int:
        return 0 if n == 0 else max(1, round(n * scale))

    overrides = [f"population.initial_stock={shrink(model.population.initial_stock)}",
                 f"inflow.applications={model.inflow.applications * per_year * scale:.4f} per year",
                 f"klantmanagers.count={shrink(model.klantmanagers.count)}"]
    for name, service in model.services.items():
        urgent = service.urgent_care.arrivals * per_year * scale
        overrides += [f"services.{name}.slots={shrink(service.slots)}",
                      f"services.{name}.staff={shrink(service.staff)}",
                      f"services.{name}.urgent_care.arrivals={urgent:.4f} per year"]
    overrides += [f"trajectories.{name}.slots={shrink(t.slots)}" for name, t in model.trajectories.items()]
    overrides += [f"budgets.{name}.annual_amount=€{b.annual_amount * per_year * scale:.2f} per year"
                  for name, b in model.budgets.items()]
    overrides += [f"klantmanagers.ring_fenced.{g}={shrink(n)}" for g, n in model.klantmanagers.ring_fenced.items()]
    return tuple(overrides)


SMALL = small_overrides()

GROUPS = ("group1", "group2", "group3")

_CACHE: dict[tuple[str, tuple[str, ...], int], RunResult] = {}


def _run_one(job: tuple[str, tuple[str, ...], int]) -> RunResult:
    path, overrides, replication = job
    shrink = SMALL if Path(path) == BASE else ()
    scenario = simulation.load_scenario(path, overrides=[*shrink, *overrides])
    result = simulation.run(scenario, seed=SEED, replication=replication, event_log=False)
    result.tables.pop("events", None)  # empty without an event log; keeps the cache lean
    return result


def runs(overrides: Sequence[str] = (), replications: int = REPLICATIONS, scenario: Path = BASE) -> list[RunResult]:
    """Replications 0..R-1 of the small base (or of ``scenario`` as it is) with ``overrides``, on seed ``SEED``."""
    key = (str(scenario), tuple(overrides))
    todo = [(*key, i) for i in range(replications) if (*key, i) not in _CACHE]
    if todo:
        workers = min(2, os.cpu_count() or 1, len(todo))
        if workers > 1:
            with ProcessPoolExecutor(max_workers=workers) as pool:
                done = list(pool.map(_run_one, todo))
        else:
            done = [_run_one(job) for job in todo]
        _CACHE.update(zip(todo, done))
    return [_CACHE[(*key, i)] for i in range(replications)]


def all_groups(path: str, value: str) -> list[str]:
    """The same override for each group, e.g. ``all_groups("obligations.job_search", "waive")``."""
    return [f"policy.groups.{group}.{path}={value}" for group in GROUPS]


@dataclass(frozen=True)
class CI:
    """Mean of per-replication values (differences) with a t-based confidence interval."""

    mean: float
    low: float
    high: float
    values: tuple[float, ...]

    def __str__(self) -> str:
        return f"{self.mean:+.4g} [{self.low:+.4g}, {self.high:+.4g}] (n={len(self.values)})"


def mean_ci(values: Sequence[float], confidence: float = CONFIDENCE) -> CI:
    """The same t-interval that ``meedoen compare`` reports (simulation.experiments.mean_ci)."""
    x = np.asarray(values, dtype=float)
    if len(x) < 2 or np.isnan(x).any():
        raise ValueError(f"need at least two finite values, got {x}")
    mean, low, high, _ = statistics.mean_ci(x, confidence)
    return CI(mean, low, high, tuple(float(v) for v in x))


def paired(a: Sequence[RunResult], b: Sequence[RunResult], outcome: Callable[[RunResult], float]) -> CI:
    """CI of the mean of outcome(b_i) − outcome(a_i) over replications i (b minus a)."""
    assert [r.replication for r in a] == [r.replication for r in b], "replications must pair up"
    return mean_ci([outcome(rb) - outcome(ra) for ra, rb in zip(a, b)])


def paired_relative(a: Sequence[RunResult], b: Sequence[RunResult], outcome: Callable[[RunResult], float]) -> CI:
    """CI of the mean relative change (outcome(b_i) − outcome(a_i)) / outcome(a_i)."""
    return mean_ci([(outcome(rb) - outcome(ra)) / outcome(ra) for ra, rb in zip(a, b)])
