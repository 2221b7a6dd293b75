"""An experiment inside one world, over replications: each arm against control, paired per replication.

Each replication is one world in which the volunteers were randomised, so an arm and control
share its labour market, teams, budgets and random luck: their difference is paired within the
replication, and its t-interval over replications is the experiment's answer
(``outcomes/experiment.py``). One replication (``meedoen run``) gives intervals over the members.
"""

from __future__ import annotations

import os
from typing import NamedTuple

import pandas as pd

from simulation.errors import ScenarioError
from simulation.experiments.execution import Execution, run_tasks
from simulation.model.rng import check_replications, check_seed
from simulation.model.run import run
from simulation.outcomes.experiment import experiment_measures, experiment_summary
from simulation.scenario import LoadedScenario, load_scenario


class ExperimentRuns(NamedTuple):
    measures: pd.DataFrame  # tidy: replication, arm, measure, value
    summary: pd.DataFrame  # per arm and measure: mean and CI, difference from the reference and CI


def simulate_experiment(scenario: LoadedScenario, seed: int, replication: int) -> pd.DataFrame:
    """One replication's experiment measures; module-level so worker processes can unpickle it."""
    return experiment_measures(run(scenario, seed=seed, replication=replication, event_log=False))


def replicate_experiment(scenario: LoadedScenario | str | os.PathLike[str], reps: int, seed: int = 1,
                         execution: Execution | None = None) -> ExperimentRuns:
    """Replications 0..reps-1 of a scenario with an experiment, and their summary."""
    if not isinstance(scenario, LoadedScenario):
        scenario = load_scenario(scenario)
    if scenario.model.experiment is None:
        raise ScenarioError("has no experiment", file=scenario.path, key="experiment",
                            hint="give the scenario an experiment (see scenarios/tilburg_experiment.yaml)")
    if reps < 1:
        raise ScenarioError(f"must be at least 1, got {reps}", argument="reps")
    check_seed(seed)
    check_replications(reps)
    tasks = [(replication, (scenario, seed, replication)) for replication in range(reps)]
    found = dict(run_tasks(simulate_experiment, tasks, execution or Execution()))
    measures = pd.concat([found[replication] for replication in range(reps)], ignore_index=True)
    return ExperimentRuns(measures, experiment_summary(measures))
