"""meedoen: a discrete-event simulation of Dutch activation policy for people on bijstand."""

from simulation.errors import ScenarioError
from simulation.experiments import compare, replicate, sweep
from simulation.runner import RunResult, run
from simulation.scenario import LoadedScenario, load_scenario

__all__ = ["LoadedScenario", "RunResult", "ScenarioError", "compare", "load_scenario", "replicate", "run", "sweep"]
