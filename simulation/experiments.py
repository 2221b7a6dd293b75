"""Experiments: replications, paired comparisons on common random numbers, precision targets, sweeps.

``compare`` and ``sweep`` return tidy pandas DataFrames; the CLI only parses options and
prints them. Replication ``i`` of every scenario runs with the same seed and replication
number, so all scenarios see the same clients with the same luck (``simulation/rng.py``), and
the per-replication difference between two scenarios carries the policy effect with little
of the noise: the paired confidence interval is then much narrower than the unpaired one.

Each finished replication's headline outcomes are stored at once (``simulation/store.py``);
running the same experiment again reuses them, which is how an interrupted run resumes.
"""

from __future__ import annotations

import json
import math
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml
from scipy import stats

from simulation.defaults import COMPARE_REPS, CONFIDENCE, MAX_REPS, MIN_AUTO_REPS, PRECISION, SWEEP_REPS
from simulation.errors import Interrupted, ScenarioError
from simulation.execution import Execution, run_tasks
from simulation.outcomes import OUTCOMES, headline_values
from simulation.profiles import Profiles, replication_profile
from simulation.runner import model_version, run
from simulation.scenario import LoadedScenario, load_scenario
from simulation.scenario.loader import check_existing_key
from simulation.store import ResultStore, default_root



def simulate_headline(scenario: LoadedScenario, seed: int, replication: int
                      ) -> tuple[dict[str, float], dict[str, Any], float, int, str]:
    """One replication's headline outcomes and profile (for plots and reports), and the model
    version that computed them (a Dask worker may run another installation); module-level so
    worker processes can unpickle it."""
    result = run(scenario, seed=seed, replication=replication, event_log=False)
    return headline_values(result), replication_profile(result), result.runtime_s, result.simpy_events, model_version()


def simulate_monthly(scenario: LoadedScenario, seed: int, replication: int) -> pd.DataFrame:
    """One replication's monthly table (for the warm-up analysis)."""
    return run(scenario, seed=seed, replication=replication, event_log=False).tables["monthly"]


def as_scenarios(scenarios: Sequence[LoadedScenario | str | os.PathLike[str]]) -> list[LoadedScenario]:
    return [s if isinstance(s, LoadedScenario) else load_scenario(s) for s in scenarios]


def scenario_labels(scenarios: Sequence[LoadedScenario]) -> list[str]:
    """The scenarios' own names; file names where two share one; a number where even those clash."""
    labels = [s.name for s in scenarios]
    if len(set(labels)) < len(labels):
        labels = [Path(s.path).stem for s in scenarios]
    if len(set(labels)) < len(labels):
        labels = [f"{label} #{i + 1}" for i, label in enumerate(labels)]
    return labels


def scenario_record(label: str, scenario: LoadedScenario) -> dict[str, Any]:
    """What a result folder keeps of a scenario: names, file, chain, hash and the resolved data
    (the report's "what differs" table is computed from it)."""
    return {"label": label, "name": scenario.name, "file": scenario.path, "chain": scenario.raw.chain,
            "overrides": scenario.raw.overrides, "hash": scenario.hash, "resolved": json.loads(scenario.resolved_json)}


def open_store(store: bool | str | os.PathLike[str] | None) -> ResultStore:
    """``True``: the default store; a path: that folder; ``False``/``None``: keep nothing on disk."""
    root = default_root() if store is True else (None if store in (False, None) else Path(store))
    result_store = ResultStore(root, model_version())
    result_store.check_writable()
    return result_store


class Replicator:
    """Runs (scenario, replication) pairs not yet known, stores each as it finishes, keeps them all."""

    def __init__(self, scenarios: Sequence[LoadedScenario], labels: Sequence[str], seed: int,
                 execution: Execution, store: ResultStore, progress: bool | None = False,
                 description: str = "replications") -> None:
        self.scenarios, self.labels, self.seed = list(scenarios), list(labels), int(seed)
        self.execution, self.store, self.progress, self.description = execution, store, progress, description
        self.records: dict[tuple[int, int], dict[str, Any]] = {}
        self.computed = 0
        self.reused = 0

    def ensure(self, replications: int) -> None:
        """Make sure replications 0..n-1 of every scenario are known."""
        missing = []
        for index, scenario in enumerate(self.scenarios):
            for replication in range(replications):
                if (index, replication) in self.records:
                    continue
                record = self.store.get(scenario.hash, self.seed, replication)
                if record is not None:
                    self.records[index, replication] = record
                    self.reused += 1
                else:
                    missing.append(((index, replication), (scenario, self.seed, replication)))
        total = len(self.scenarios) * replications
        bar = _progress_bar(total, total - len(missing), self.description, self.progress)
        try:
            for (index, replication), (values, profile, runtime_s, events, version) in run_tasks(
                    simulate_headline, missing, self.execution):
                if version != self.store.model_version:
                    raise ScenarioError(f"a worker runs meedoen {version}, this machine {self.store.model_version}; "
                                        "results would not be comparable", file="--scheduler",
                                        hint="install the same meedoen source on every Dask worker")
                self.records[index, replication] = self.store.put(self.scenarios[index].hash, self.seed,
                                                                  replication, values, runtime_s, events, profile)
                self.computed += 1
                bar.update()
        except KeyboardInterrupt:
            done = sum(1 for (_, r) in self.records if r < replications)
            raise Interrupted(done, total, self.store.root) from None
        finally:
            bar.close()

    def table(self, replications: int) -> pd.DataFrame:
        """Tidy: scenario, scenario_hash, replication, outcome, value (NaN where undefined)."""
        rows = []
        for index, scenario in enumerate(self.scenarios):
            for replication in range(replications):
                values = self.records[index, replication]["values"]
                rows += [(self.labels[index], scenario.hash, replication, outcome,
                          np.nan if values.get(outcome) is None else float(values[outcome])) for outcome in OUTCOMES]
        return pd.DataFrame(rows, columns=["scenario", "scenario_hash", "replication", "outcome", "value"])

    def profiles(self, replications: int) -> Profiles:
        """(scenario label, replication, profile) for replications 0..n-1 of every scenario."""
        return Profiles((self.labels[index], replication, self.records[index, replication]["profile"])
                        for index in range(len(self.scenarios)) for replication in range(replications))


def _progress_bar(total: int, done: int, description: str, enabled: bool | None) -> Any:
    """tqdm with an ETA on stderr; ``enabled=None`` shows it only on a terminal."""
    from tqdm.auto import tqdm

    return tqdm(total=total, initial=done, desc=description, unit="run", disable=None if enabled is None else not enabled,
                dynamic_ncols=True, leave=False)


# --- statistics ---------------------------------------------------------------------------


def mean_ci(values: np.ndarray, confidence: float = CONFIDENCE) -> tuple[float, float, float, int]:
    """Mean, t-interval lower and upper bound, and n, over the finite values."""
    values = values[np.isfinite(values)]
    n = len(values)
    if n == 0:
        return math.nan, math.nan, math.nan, 0
    mean = float(values.mean())
    if n == 1:
        return mean, math.nan, math.nan, 1
    half = float(stats.t.ppf(0.5 + confidence / 2, n - 1) * values.std(ddof=1) / math.sqrt(n))
    return mean, mean - half, mean + half, n


def variance_ratio(first: np.ndarray, other: np.ndarray) -> float:
    """Var of the unpaired difference ÷ var of the paired one: how much common random numbers gained.

    Var(mean B − mean A) is (s²_A + s²_B)/n for independent runs and s²_(B−A)/n for paired
    runs; the ratio is how many times more replications independent runs would need.
    """
    both = np.isfinite(first) & np.isfinite(other)
    if both.sum() < 2:
        return math.nan
    a, b = first[both], other[both]
    paired = float(np.var(b - a, ddof=1))
    unpaired = float(np.var(a, ddof=1) + np.var(b, ddof=1))
    if paired == 0.0:
        return math.inf if unpaired > 0 else math.nan
    return unpaired / paired


def summarise(replications: pd.DataFrame, confidence: float = CONFIDENCE) -> pd.DataFrame:
    """One row per scenario and outcome: mean and CI, and the paired difference from the first scenario."""
    labels = list(dict.fromkeys(replications["scenario"]))
    wide = replications.pivot_table(index=["outcome", "replication"], columns="scenario", values="value",
                                    dropna=False, sort=False)
    rows = []
    for outcome in OUTCOMES:
        block = wide.loc[outcome]
        first = block[labels[0]].to_numpy(float)
        for label in labels:
            values = block[label].to_numpy(float)
            mean, low, high, n = mean_ci(values, confidence)
            row = {"scenario": label, "outcome": outcome, "label": OUTCOMES[outcome].label,
                   "label_nl": OUTCOMES[outcome].label_nl, "unit": OUTCOMES[outcome].unit,
                   "n": n, "mean": mean, "ci_low": low, "ci_high": high}
            if label == labels[0]:
                row.update(diff=math.nan, diff_low=math.nan, diff_high=math.nan, variance_ratio=math.nan)
            else:
                both = np.isfinite(first) & np.isfinite(values)
                diff, diff_low, diff_high, _ = mean_ci(values[both] - first[both], confidence)
                row.update(diff=diff, diff_low=diff_low, diff_high=diff_high,
                           variance_ratio=variance_ratio(first, values))
            rows.append(row)
    return pd.DataFrame(rows)


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


# --- the public API -----------------------------------------------------------------------


@dataclass(frozen=True)
class Precision:
    """``--reps auto``: grow until every CI half-width is within ``target`` × |mean|, or ``max_reps``."""

    target: float = PRECISION
    max_reps: int = MAX_REPS
    outcomes: tuple[str, ...] | None = None

    def __post_init__(self) -> None:
        if not 0 < self.target < 1:
            raise ScenarioError(f"must be between 0 and 1 (a fraction of the mean), got {self.target}",
                                file="--precision", hint="e.g. --precision 0.05 for ±5%")
        if self.max_reps < 2:
            raise ScenarioError(f"must be at least 2, got {self.max_reps}", file="--max-reps")
        unknown = [o for o in self.outcomes or () if o not in OUTCOMES]
        if unknown:
            raise ScenarioError(f"unknown outcome '{unknown[0]}'", file="--precision-on",
                                hint="one of: " + ", ".join(OUTCOMES))


def compare(scenarios: Sequence[LoadedScenario | str | os.PathLike[str]], reps: int | str = COMPARE_REPS, seed: int = 1, *,
            precision: Precision | float | None = None, workers: int = 1, executor: str = "processes",
            scheduler: str | None = None, store: bool | str | os.PathLike[str] | None = True,
            progress: bool | None = False, confidence: float = CONFIDENCE) -> pd.DataFrame:
    """Paired comparison: per scenario and headline outcome, the mean with its CI, and the
    difference from the first scenario with a paired CI and the variance-reduction ratio.

    ``reps="auto"`` adds replications until ``precision`` is met. The per-replication values
    are in ``result.attrs["replications"]`` (tidy), with ``reps``, ``seed``, ``converged``
    (for auto) and provenance alongside.
    """
    loaded = as_scenarios(scenarios)
    if not loaded:
        raise ScenarioError("give at least one scenario file", file="compare")
    execution = Execution(workers=workers, executor=executor, scheduler=scheduler)
    auto = reps == "auto"
    if auto:
        precision = precision if isinstance(precision, Precision) else Precision(PRECISION if precision is None else precision)
    elif not isinstance(reps, int) or isinstance(reps, bool) or reps < 2:
        raise ScenarioError(f"must be a whole number of at least 2 (for a confidence interval) or 'auto', got {reps!r}",
                            file="--reps")
    replicator = Replicator(loaded, scenario_labels(loaded), seed, execution, open_store(store), progress)
    converged = None
    if auto:
        assert isinstance(precision, Precision)
        n = min(precision.max_reps, max(MIN_AUTO_REPS, workers))
        while True:
            replicator.ensure(n)
            summary = summarise(replicator.table(n), confidence)
            converged = imprecise(summary, precision.target, precision.outcomes).empty
            if converged or n >= precision.max_reps:
                break
            n = next_reps(summary, precision.target, n, precision.max_reps, workers, precision.outcomes)
    else:
        n = int(reps)
        replicator.ensure(n)
        summary = summarise(replicator.table(n), confidence)
    summary.attrs.update(replications=replicator.table(n), profiles=replicator.profiles(n), reps=n, seed=seed,
                         converged=converged, precision=precision if auto else None, computed=replicator.computed,
                         reused=replicator.reused, store=replicator.store.root,
                         scenarios=[scenario_record(label, s) for label, s in zip(replicator.labels, loaded, strict=True)])
    return summary


def replicate(scenarios: Sequence[LoadedScenario | str | os.PathLike[str]], reps: int, seed: int = 1,
              **options: Any) -> pd.DataFrame:
    """The tidy per-replication table (scenario, scenario_hash, replication, outcome, value)."""
    return compare(scenarios, reps, seed, **options).attrs["replications"]


def sweep(scenario: LoadedScenario | str | os.PathLike[str], points: Sequence[dict[str, str]], reps: int = SWEEP_REPS,
          seed: int = 1, *, workers: int = 1, executor: str = "processes", scheduler: str | None = None,
          store: bool | str | os.PathLike[str] | None = True, progress: bool | None = False) -> pd.DataFrame:
    """Run every design point (a dict of ``--set`` key → value text) ``reps`` times.

    Returns one tidy row per point, replication and outcome: scenario, point, one column per
    parameter, replication, outcome, value. Every point is validated before anything runs.
    All points share replication seeds, so differences between points are paired too.
    """
    from simulation.design import point_overrides

    base = scenario if isinstance(scenario, LoadedScenario) else load_scenario(scenario)
    if not points:
        raise ScenarioError("the design has no points", file="sweep", hint="give --grid or --lhs with --range")
    if isinstance(reps, bool) or not isinstance(reps, int) or reps < 1:
        raise ScenarioError(f"must be a whole number of at least 1, got {reps!r}", file="--reps")
    for key in points[0]:
        check_existing_key(base.raw, key, "sweep")
    loaded = [load_scenario(base.path, [*base.raw.overrides, *point_overrides(point)]) for point in points]
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


def parameter_columns(points: Sequence[dict[str, str]]) -> dict[str, list[Any]]:
    """Sweep parameters as table columns: numbers as numbers; ``30 days`` style values as numbers
    in a column named ``key [days]`` when every point uses the same unit; other text as text."""
    columns: dict[str, list[Any]] = {}
    for key in points[0]:
        texts = [point[key] for point in points]
        parsed = [yaml.safe_load(text) for text in texts]
        if all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in parsed):
            columns[key] = parsed
            continue
        split = [_number_and_unit(text) for text in texts]
        units = {unit for _, unit in split}
        if all(number is not None for number, _ in split) and len(units) == 1:
            columns[f"{key} [{units.pop()}]"] = [number for number, _ in split]
        else:
            columns[key] = texts
    return columns


def _number_and_unit(text: str) -> tuple[float | None, str]:
    """``"30 days"`` → (30.0, "days"); ``"€250000 per year"`` → (250000.0, "€ per year")."""
    match = re.fullmatch(r"\s*(€?)\s*([-+]?\d+(?:\.\d*)?(?:[eE][-+]?\d+)?)\s*(.*?)\s*", text)
    if not match:
        return None, ""
    prefix, number, suffix = match.groups()
    return float(number), " ".join(part for part in (prefix, suffix) if part)


def monthly_series(scenario: LoadedScenario, reps: int, seed: int, execution: Execution,
                   progress: bool | None = False) -> list[pd.DataFrame]:
    """The monthly table of each of ``reps`` replications (not stored: the warm-up study is quick)."""
    tasks = [(replication, (scenario, seed, replication)) for replication in range(reps)]
    bar = _progress_bar(reps, 0, "warm-up runs", progress)
    tables: dict[int, pd.DataFrame] = {}
    try:
        for replication, monthly in run_tasks(simulate_monthly, tasks, execution):
            tables[replication] = monthly
            bar.update()
    except KeyboardInterrupt:
        raise Interrupted(len(tables), reps, None) from None
    finally:
        bar.close()
    return [tables[r] for r in range(reps)]

