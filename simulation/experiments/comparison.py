"""Paired comparisons on common random numbers, with a fixed number of replications or until precise.

``compare`` returns a tidy pandas DataFrame; the CLI only parses options and prints it. The
per-replication difference between two scenarios carries the policy effect with little of the
noise (common random numbers, ``simulation/model/rng.py``): the paired confidence interval is
then much narrower than the unpaired one.
"""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from simulation.defaults import COMPARE_REPS, CONFIDENCE, MAX_REPS, MIN_AUTO_REPS, PRECISION
from simulation.errors import ScenarioError
from simulation.experiments.execution import Execution
from simulation.experiments.progress import Progress
from simulation.experiments.replication import Replicator, as_scenarios, open_store, scenario_labels, scenario_record
from simulation.outcomes.definitions import OUTCOMES
from simulation.outcomes.statistics import summarise
from simulation.scenario import LoadedScenario


def imprecise(summary: pd.DataFrame, precision: float, outcomes: Sequence[str] | None = None) -> pd.DataFrame:
    """Rows whose CI half-width exceeds ``precision`` × |mean|.

    An outcome that is undefined (no wijkteam in this scenario) or the same in every
    replication (no spread, nothing to estimate) cannot miss the target.
    """
    rows = summary if outcomes is None else summary[summary["outcome"].isin(outcomes)]
    half = (rows["ci_high"] - rows["ci_low"]) / 2
    defined = np.isfinite(rows["mean"]) & (half > 0)
    return rows[defined & ~(half <= precision * rows["mean"].abs())]


def next_reps(summary: pd.DataFrame, precision: float, current: int, cap: int, workers: int,
              outcomes: Sequence[str] | None = None) -> int:
    """How many replications to have next: the estimate n·(h/(p·|mean|))², at most double, whole rounds."""
    rows = imprecise(summary, precision, outcomes)
    half = (rows["ci_high"] - rows["ci_low"]) / 2
    needed = float((current * (half / (precision * rows["mean"].abs())) ** 2).max())
    target = min(max(current + 1, math.ceil(needed)), 2 * current)
    target = workers * math.ceil(target / workers)  # keep every worker busy
    return min(cap, target)


@dataclass(frozen=True)
class Precision:
    """``reps="auto"``: grow until every CI half-width is within ``target`` × |mean|, or ``max_reps``."""

    target: float = PRECISION
    max_reps: int = MAX_REPS
    outcomes: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        if not 0 < self.target < 1:
            raise ScenarioError(f"must be between 0 and 1 (a fraction of the mean), got {self.target}",
                                argument="precision", hint="e.g. precision=0.05 for ±5%")
        if self.max_reps < 2:
            raise ScenarioError(f"must be at least 2, got {self.max_reps}", argument="max_reps")
        unknown = [o for o in self.outcomes or () if o not in OUTCOMES]
        if unknown:
            raise ScenarioError(f"unknown outcome '{unknown[0]}'", argument="outcomes",
                                hint="one of: " + ", ".join(OUTCOMES))


def compare(scenarios: Sequence[LoadedScenario | str | os.PathLike[str]], reps: int | str = COMPARE_REPS, seed: int = 1, *,
            precision: Precision | float | None = None, workers: int = 1, executor: str = "processes",
            scheduler: str | None = None, store: bool | str | os.PathLike[str] | None = True,
            progress: Progress = False, confidence: float = CONFIDENCE) -> pd.DataFrame:
    """Paired comparison: per scenario and headline outcome, the mean with its CI, and the
    difference from the first scenario with a paired CI and the variance-reduction ratio.

    ``reps="auto"`` adds replications until ``precision`` is met. ``progress``: False, True (a bar),
    None (a bar on a terminal) or a function called with (done, total) replications. The per-replication values
    are in ``result.attrs["replications"]`` (tidy), with ``reps``, ``seed``, ``converged``
    (for auto) and provenance alongside.
    """
    loaded = as_scenarios(scenarios)
    if not loaded:
        raise ScenarioError("give at least one scenario file", argument="scenarios")
    execution = Execution(workers=workers, executor=executor, scheduler=scheduler)
    target = _auto_precision(reps, precision)
    replicator = Replicator(loaded, scenario_labels(loaded), seed, execution, open_store(store), progress)
    converged = None
    if target is not None:
        n, summary, converged = _until_precise(replicator, target, workers, confidence)
    else:
        n = int(reps)
        replicator.ensure(n)
        summary = summarise(replicator.table(n), confidence)
    summary.attrs.update(replications=replicator.table(n), profiles=replicator.profiles(n), reps=n, seed=seed,
                         converged=converged, precision=target, computed=replicator.computed,
                         reused=replicator.reused, store=replicator.store.root,
                         scenarios=[scenario_record(label, s) for label, s in zip(replicator.labels, loaded, strict=True)])
    return summary


def _auto_precision(reps: int | str, precision: Precision | float | None) -> Precision | None:
    """The precision to reach with ``reps="auto"``; None for a fixed number, checked here."""
    if reps == "auto":
        return precision if isinstance(precision, Precision) else Precision(PRECISION if precision is None else precision)
    if not isinstance(reps, int) or isinstance(reps, bool) or reps < 2:
        raise ScenarioError(f"must be a whole number of at least 2 (for a confidence interval) or 'auto', got {reps!r}",
                            argument="reps")
    return None


def _until_precise(replicator: Replicator, precision: Precision, workers: int, confidence: float
                   ) -> tuple[int, pd.DataFrame, bool]:
    """Add rounds of replications until ``precision`` is met or ``max_reps`` reached: (reps, summary, converged)."""
    n = min(precision.max_reps, max(MIN_AUTO_REPS, workers))
    while True:
        replicator.ensure(n)
        summary = summarise(replicator.table(n), confidence)
        converged = imprecise(summary, precision.target, precision.outcomes).empty
        if converged or n >= precision.max_reps:
            return n, summary, converged
        n = next_reps(summary, precision.target, n, precision.max_reps, workers, precision.outcomes)


def replicate(scenarios: Sequence[LoadedScenario | str | os.PathLike[str]], reps: int, seed: int = 1,
              **options: Any) -> pd.DataFrame:
    """The tidy per-replication table (scenario, scenario_hash, replication, outcome, value)."""
    return compare(scenarios, reps, seed, **options).attrs["replications"]
