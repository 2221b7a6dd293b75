"""``run(scenario, seed)``: one replication with a fixed lifecycle (build → run → tables).

The result is plain, picklable data, so serial and parallel runs take the same path.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from importlib.metadata import PackageNotFoundError, version

import pandas as pd

from simulation.model import World
from simulation.scenario import LoadedScenario, load_scenario


def package_version() -> str:
    try:
        return version("meedoen")
    except PackageNotFoundError:  # running from a source tree that is not installed
        return "0+unknown"


@dataclass
class RunResult:
    """Everything one replication produced: tables (pandas) plus provenance."""

    scenario: LoadedScenario
    seed: int
    replication: int
    tables: dict[str, pd.DataFrame]
    sim_time: float
    runtime_s: float
    events: int
    version: str = field(default_factory=package_version)

    def __getattr__(self, name: str) -> pd.DataFrame:
        tables = self.__dict__.get("tables", {})
        if name in tables:
            return tables[name]
        raise AttributeError(name)

    def headline(self) -> pd.DataFrame:
        """The headline outcomes (see ``simulation.outcomes``)."""
        from simulation.outcomes import headline

        return headline(self)


def run(scenario: LoadedScenario | str | os.PathLike[str], seed: int = 1, replication: int = 0,
        event_log: bool = True) -> RunResult:
    """Simulate one replication. Same scenario + seed + replication → identical tables."""
    if not isinstance(scenario, LoadedScenario):
        scenario = load_scenario(scenario)
    started = time.perf_counter()
    world = World(scenario.model, seed=seed, replication=replication, event_log=event_log)
    tables = world.run()
    return RunResult(scenario=scenario, seed=seed, replication=replication, tables=tables,
                     sim_time=world.env.now, runtime_s=time.perf_counter() - started,
                     events=world.events_scheduled())
