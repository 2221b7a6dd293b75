"""Calibration: fit a scenario's free parameters to published targets, on common random numbers.

- ``targets``: the targets file (published figures and the parameters that may move);
- ``measures``: what a target is compared with (headline outcomes and derived measures);
- ``quantities`` and ``parameters``: free parameters resolved against a scenario, and the
  scenario at a point;
- ``objective``: J(θ), deterministic on common random numbers;
- ``fit``: the search and :func:`calibrate`; ``tables``: the tables of a fit, and ``target_table``.

The fit report's text and the calibrated scenario file are ``simulation.present.calibration``;
the output folder is ``simulation.results.calibration``.
"""

from simulation.experiments.calibration.fit import (
    DEFAULT_CHECK_REPS,
    DEFAULT_MAX_EVALUATIONS,
    DEFAULT_METHOD,
    DEFAULT_REPS,
    METHODS,
    CalibrationResult,
    calibrate,
)
from simulation.experiments.calibration.measures import DERIVED, MEASURES, Derived, measure_table, simulated_measures
from simulation.experiments.calibration.objective import Evaluation, Objective, objective_value
from simulation.experiments.calibration.parameters import (
    FreeParameter,
    check_corners,
    overrides_at,
    resolve_parameters,
    scenario_at,
    split_params,
)
from simulation.experiments.calibration.tables import target_table
from simulation.experiments.calibration.targets import (
    ParameterBounds,
    Target,
    Targets,
    load_targets,
    targets_from_data,
)

__all__ = [
    "DEFAULT_CHECK_REPS",
    "DEFAULT_MAX_EVALUATIONS",
    "DEFAULT_METHOD",
    "DEFAULT_REPS",
    "DERIVED",
    "MEASURES",
    "METHODS",
    "CalibrationResult",
    "Derived",
    "Evaluation",
    "FreeParameter",
    "Objective",
    "ParameterBounds",
    "Target",
    "Targets",
    "calibrate",
    "check_corners",
    "load_targets",
    "measure_table",
    "objective_value",
    "overrides_at",
    "resolve_parameters",
    "scenario_at",
    "simulated_measures",
    "split_params",
    "target_table",
    "targets_from_data",
]
