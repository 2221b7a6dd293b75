"""What a target is compared with: the headline outcomes, and measures derived from them, per
replication of a scenario."""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from simulation.experiments.execution import Execution
from simulation.experiments.replication import Replicator, open_store
from simulation.outcomes.definitions import OUTCOMES, Outcome
from simulation.scenario import LoadedScenario


@dataclass(frozen=True)
class Derived:
    """A measure computed from one replication's headline outcomes, for published figures that
    are not headline outcomes themselves."""

    label: str
    unit: str
    definition: str
    compute: Callable[[pd.DataFrame], pd.Series]


DERIVED: dict[str, Derived] = {
    "sanctions_per_100_client_years": Derived(
        "Sanctions per 100 client-years", "per 100 client-years",
        "100 × sanctions_per_year ÷ average_stock (the average stock over the window approximates client-years per year)",
        lambda wide: 100.0 * wide["sanctions_per_year"] / wide["average_stock"]),
}

#: Everything a target can refer to: the headline outcomes and the derived measures.
MEASURES: dict[str, Outcome] = {**OUTCOMES, **{name: Outcome(d.label, d.label, d.unit) for name, d in DERIVED.items()}}


def measure_table(replications: pd.DataFrame) -> pd.DataFrame:
    """Tidy per-replication outcomes (``Replicator.table``) → one row per replication, one
    column per measure (headline outcomes and :data:`DERIVED`)."""
    wide = replications.pivot_table(index="replication", columns="outcome", values="value", dropna=False)
    wide = wide.reindex(columns=list(OUTCOMES)).astype(float)
    for name, derived in DERIVED.items():
        wide[name] = derived.compute(wide)
    return wide


def simulated_measures(scenario: LoadedScenario, reps: int, seed: int = 1, workers: int = 1,
                       store: bool | str | os.PathLike[str] | None = False, first: int = 0) -> pd.DataFrame:
    """Measures (headline outcomes and DERIVED) of replications ``first``..``first+reps−1``, one row each."""
    replicator = Replicator([scenario], ["scenario"], seed, Execution(workers=workers), open_store(store))
    replicator.ensure(first + reps)
    return measure_table(replicator.table(first + reps)).loc[first:]
