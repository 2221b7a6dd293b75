"""``run(scenario, seed)``: one replication with a fixed lifecycle (build → run → tables).

The result is plain, picklable data, so serial and parallel runs take the same path.
"""

from __future__ import annotations

import gc
import hashlib
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pandas as pd

from simulation.model import World
from simulation.version import package_version
from simulation.scenario import LoadedScenario, load_scenario


#: Modules outside the model: they drive experiments or read and show results, and computing a
#: replication never imports them (tests/test_experiments.py checks), so editing them cannot
#: change a stored number; they stay out of the model version (a new figure, or a change to the
#: calibration driver, does not throw away stored replications).
OUTSIDE_THE_MODEL = frozenset({"cli.py", "tables.py", "plots.py", "report.py", "journeys.py", "eventlog.py",
                               "results.py", "sensitivity.py", "calibration.py"})


@cache
def model_version() -> str:
    """The package version plus a digest of the model's source files.

    Stored replication results are keyed by this, so an edited model (even without a version
    bump, as in an editable install) never reuses numbers an older model produced.
    """
    digest = hashlib.sha256()
    root = Path(__file__).resolve().parent
    for source in sorted(root.rglob("*.py")):
        if source.relative_to(root).as_posix() in OUTSIDE_THE_MODEL:
            continue
        digest.update(source.relative_to(root).as_posix().encode())
        digest.update(source.read_bytes())
    return f"{package_version()}+{digest.hexdigest()[:12]}"


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
        raise AttributeError(name)

    def headline(self) -> pd.DataFrame:
        """The headline outcomes (see ``simulation.outcomes``)."""
        from simulation.outcomes import headline

        return headline(self)


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
