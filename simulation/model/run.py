"""``run(scenario, seed)``: one replication with a fixed lifecycle (build → run → tables).

The result is plain, picklable data, so serial and parallel runs take the same path.
"""

from __future__ import annotations

import gc
import os
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

import pandas as pd

from simulation.model.rng import check_seed
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


class _CollectorPause:
    """The cyclic garbage collector stays off while a run is in progress in this process.

    A run creates millions of short-lived events but no reference cycles (the world's own
    components aside, which live as long as the run): tests/test_determinism.py checks that a
    run leaves nothing for the collector, so memory does not grow without it. With it on, its
    passes rescanned every live client ever more often and took 8-15% of a run for nothing
    (bench/events.py). Runs may overlap (Dask runs replications in threads): the collector is
    switched on again, if it was on, when the last of them ends.
    """

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._runs = 0
        self._was_enabled = True

    @contextmanager
    def __call__(self) -> Iterator[None]:
        with self._lock:
            if self._runs == 0:
                self._was_enabled = gc.isenabled()
                gc.disable()
            self._runs += 1
        try:
            yield
        finally:
            with self._lock:
                self._runs -= 1
                if self._runs == 0 and self._was_enabled:
                    gc.enable()


_no_cyclic_gc = _CollectorPause()


def run(scenario: LoadedScenario | str | os.PathLike[str], seed: int = 1, replication: int = 0,
        event_log: bool = True) -> RunResult:
    """Simulate one replication. Same scenario + seed + replication → identical tables."""
    check_seed(seed, replication)
    if not isinstance(scenario, LoadedScenario):
        scenario = load_scenario(scenario)
    started = time.perf_counter()
    with _no_cyclic_gc():
        world = World(scenario.model, seed=seed, replication=replication, event_log=event_log)
        tables = world.run()
    return RunResult(scenario=scenario, seed=seed, replication=replication, tables=tables,
                     sim_time=world.env.now, runtime_s=time.perf_counter() - started,
                     simpy_events=world.events_scheduled())
