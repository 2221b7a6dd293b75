"""meedoen: a discrete-event simulation of Dutch activation policy for people on bijstand.

The public names are imported on first use (PEP 562), so that ``meedoen --help`` or a bad
option answers at once instead of first loading pandas, SciPy and SimPy.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from simulation.errors import ScenarioError
    from simulation.experiments import compare, replicate, sweep
    from simulation.runner import RunResult, run
    from simulation.results import Results
    from simulation.scenario import LoadedScenario, load_scenario
    from simulation.scenario.scaling import load_scaled

_HOMES = {
    "ScenarioError": "simulation.errors",
    "compare": "simulation.experiments", "replicate": "simulation.experiments", "sweep": "simulation.experiments",
    "RunResult": "simulation.runner", "run": "simulation.runner",
    "LoadedScenario": "simulation.scenario", "load_scenario": "simulation.scenario",
    "load_scaled": "simulation.scenario.scaling", "Results": "simulation.results",
}

__all__ = sorted(_HOMES)


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        value = getattr(importlib.import_module(_HOMES[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'simulation' has no attribute {name!r}")
