"""meedoen: a discrete-event simulation of Dutch activation policy for people on bijstand.

The public names are imported on first use (PEP 562), so that ``meedoen --help`` or a bad
option answers at once instead of first loading pandas, SciPy and SimPy. The package is built
in layers (``docs/architecture.md``): scenario → model → outcomes → experiments → results →
present → cli; these names are the ones a user needs from each.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from simulation.errors import ScenarioError
    from simulation.experiments.comparison import compare, replicate
    from simulation.experiments.parameter_sweep import sweep
    from simulation.model.run import RunResult, run
    from simulation.outcomes.headline import headline
    from simulation.present import plots, report
    from simulation.results.collection import Results
    from simulation.scenario import LoadedScenario, load_scenario, transplant
    from simulation.scenario.scaling import load_scaled

#: public name → the module that holds it (for ``plots`` and ``report``: the module itself)
_HOMES = {
    "ScenarioError": "simulation.errors",
    "LoadedScenario": "simulation.scenario", "load_scenario": "simulation.scenario",
    "load_scaled": "simulation.scenario.scaling",
    "transplant": "simulation.scenario",
    "shipped_files": "simulation.scenario.shipped",
    "RunResult": "simulation.model.run", "run": "simulation.model.run",
    "headline": "simulation.outcomes.headline",
    "compare": "simulation.experiments.comparison", "replicate": "simulation.experiments.comparison",
    "sweep": "simulation.experiments.parameter_sweep",
    "Results": "simulation.results.collection",
    "plots": "simulation.present.plots", "report": "simulation.present.report",
}
_MODULES = frozenset({"plots", "report"})

__all__ = sorted(_HOMES)


def __getattr__(name: str) -> Any:
    if name in _HOMES:
        module = importlib.import_module(_HOMES[name])
        value = module if name in _MODULES else getattr(module, name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'simulation' has no attribute {name!r}")
