"""meedoen: a discrete-event simulation of Dutch activation policy for people on bijstand."""

from simulation.errors import ScenarioError
from simulation.runner import RunResult, run
from simulation.scenario import LoadedScenario, load_scenario

__all__ = ["LoadedScenario", "RunResult", "ScenarioError", "load_scenario", "run"]
