"""Replications: run (scenario, replication) pairs, store each as it finishes, reuse what is stored.

Replication ``i`` of every scenario runs with the same seed and replication number, so all
scenarios see the same clients with the same luck (``simulation/model/rng.py``). Each finished
replication's headline outcomes and profile are stored at once (``store.py``); running the same
experiment again reuses them, which is how an interrupted run resumes.
"""

from __future__ import annotations

import json
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from simulation.errors import Interrupted, ScenarioError
from simulation.experiments.execution import Execution, run_tasks
from simulation.experiments.progress import Progress, progress_bar
from simulation.experiments.store import ResultStore, default_root
from simulation.model.rng import check_replications, check_seed
from simulation.model.run import run
from simulation.outcomes.definitions import OUTCOMES
from simulation.outcomes.headline import headline_values
from simulation.outcomes.profiles import Profiles, replication_profile
from simulation.scenario import LoadedScenario, load_scenario
from simulation.version import environment, library_versions, model_version


def simulate_headline(scenario: LoadedScenario, seed: int, replication: int
                      ) -> tuple[dict[str, float], dict[str, Any], float, int, str]:
    """One replication's headline outcomes and profile (for plots and reports), and the model and
    library versions that computed them (a Dask worker may run another installation); module-level
    so worker processes can unpickle it."""
    result = run(scenario, seed=seed, replication=replication, event_log=False)
    return (headline_values(result), replication_profile(result), result.runtime_s, result.simpy_events,
            environment(model_version(), library_versions()))


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
            "overrides": scenario.raw.overrides, "hash": scenario.hash, "resolved": json.loads(scenario.resolved_json),
            "policy_from": scenario.raw.policy_from}


def open_store(store: bool | str | os.PathLike[str] | None) -> ResultStore:
    """``True``: the default store; a path: that folder; ``False``/``None``: keep nothing on disk."""
    root = default_root() if store is True else (None if store is None or isinstance(store, bool) else Path(store))
    result_store = ResultStore(root, model_version())
    result_store.check_writable()
    return result_store


class Replicator:
    """Runs (scenario, replication) pairs not yet known, stores each as it finishes, keeps them all."""

    def __init__(self, scenarios: Sequence[LoadedScenario], labels: Sequence[str], seed: int,
                 execution: Execution, store: ResultStore, progress: Progress = False,
                 description: str = "replications") -> None:
        check_seed(seed)
        self.scenarios, self.labels, self.seed = list(scenarios), list(labels), int(seed)
        self.execution, self.store, self.progress, self.description = execution, store, progress, description
        self.records: dict[tuple[int, int], dict[str, Any]] = {}
        self.computed = 0
        self.reused = 0

    def ensure(self, replications: int) -> None:
        """Make sure replications 0..n-1 of every scenario are known."""
        check_replications(replications)
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
        bar = progress_bar(total, total - len(missing), self.description, self.progress)
        try:
            for (index, replication), (values, profile, runtime_s, events, version) in run_tasks(
                    simulate_headline, missing, self.execution):
                if version != environment(self.store.model_version, self.store.libraries):
                    here = environment(self.store.model_version, self.store.libraries)
                    raise ScenarioError(f"a worker runs meedoen {version}, this machine {here}; "
                                        "results would not be comparable", argument="scheduler",
                                        hint="install the same meedoen source, numpy, scipy and simpy on every "
                                             "Dask worker")
                self.records[index, replication] = self.store.put(self.scenarios[index].hash, self.seed,
                                                                  replication, values, runtime_s, events, profile)
                self.computed += 1
                bar.update()
        except KeyboardInterrupt:
            raise Interrupted(self.finished(replications), total, self.store.root) from None
        finally:
            bar.close()

    def finished(self, replications: int) -> int:
        """How many of replications 0..n-1 are done: known here, or in the store already (an interrupt
        can land after a record is written and before it is counted; the message must say what is stored)."""
        return sum(1 for index, scenario in enumerate(self.scenarios) for replication in range(replications)
                   if (index, replication) in self.records
                   or self.store.get(scenario.hash, self.seed, replication) is not None)

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


def monthly_series(scenario: LoadedScenario, reps: int, seed: int, execution: Execution,
                   progress: bool | None = False) -> list[pd.DataFrame]:
    """The monthly table of each of ``reps`` replications (not stored: the warm-up study is quick)."""
    check_seed(seed)
    check_replications(reps)
    tasks = [(replication, (scenario, seed, replication)) for replication in range(reps)]
    bar = progress_bar(reps, 0, "warm-up runs", progress)
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
