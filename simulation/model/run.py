"""``run(scenario, seed)``: one replication with a fixed lifecycle (build → run → tables).

The result is plain, picklable data, so serial and parallel runs take the same path.
"""

from __future__ import annotations

import gc
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import pandas as pd

from simulation.model.world import World
from simulation.scenario import LoadedScenario, load_scenario
from simulation.version import package_version


@dataclass
class RunResult:
    """Everything one replication produced: tables (pandas) plus provenance."""

    scenario: LoadedScenario
    seed: int
    replication: int
    tables: dict[str, pd.DataFrame]
    sim_time: float
    runtime_s: float
    simpy_events: int  # how many SimPy events the run scheduled (the event log is tables['events'])
    version: str = field(default_factory=package_version)

    def __getattr__(self, name: str) -> pd.DataFrame:
        tables = self.__dict__.get("tables", {})
        if name in tables:
            return tables[name]
        if name == "headline":  # before the layered package this was a method; outcomes sit above the model
            raise AttributeError("RunResult has no 'headline': use simulation.headline(result)")
        raise AttributeError(name)


@contextmanager
def _relaxed_gc() -> Iterator[None]:
    """A run creates millions of short-lived events but few reference cycles; with the default
    thresholds the cyclic collector rescans every live client ever more often, which made run
    time grow faster than the population (bench/tilburg_scale.sh). Collect less often."""
    old = gc.get_threshold()
    gc.set_threshold(50_000, 20, 1_000)
    try:
        yield
    finally:
        gc.set_threshold(*old)


def run(scenario: LoadedScenario | str | os.PathLike[str], seed: int = 1, replication: int = 0,
        event_log: bool = True) -> RunResult:
    """Simulate one replication. Same scenario + seed + replication → identical tables."""
    if not isinstance(scenario, LoadedScenario):
        scenario = load_scenario(scenario)
    started = time.perf_counter()
    with _relaxed_gc():
        world = World(scenario.model, seed=seed, replication=replication, event_log=event_log)
        tables = world.run()
    return RunResult(scenario=scenario, seed=seed, replication=replication, tables=tables,
                     sim_time=world.env.now, runtime_s=time.perf_counter() - started,
                     simpy_events=world.events_scheduled())
