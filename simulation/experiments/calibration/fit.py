"""The fit: search the free parameters for the lowest objective, then judge the fit on fresh replications.

**Why Nelder–Mead by default.** The problem is bounded, low-dimensional (a handful of
multipliers and probabilities), costly per evaluation (R replications), and rough at small
scales (``objective``: J is piecewise constant). Gradients (finite differences) would read the
steps as zero or huge slopes; a derivative-free simplex that starts with steps of a quarter of
each range moves across those steps, needs few evaluations in 1-5 dimensions and stops at a
tolerance (0.5% of each range) below the replication noise. Parameters are searched on the unit
cube (each range mapped to [0, 1]) so one tolerance fits every parameter. ``powell`` (bounded
line searches, good when parameters act on separate targets) and ``differential-evolution``
(global, but a population per generation: needs a larger budget) are the alternatives. Whatever
the method, a hard budget of distinct simulated points stops the search, and the best point
seen is the fit.

**The check.** At the fitted values, ``check_reps`` further replications (numbers R.. R+check−1,
never seen by the search) give each outcome's mean and 95% CI: the search chose θ on its own
replications' luck, so an interval from them would flatter the fit.
"""

from __future__ import annotations

import datetime
import difflib
import inspect
import math
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from simulation.defaults import (
    CALIBRATION_CHECK_REPS,
    CALIBRATION_MAX_EVALUATIONS,
    CALIBRATION_METHODS,
    CALIBRATION_REPS,
    CONFIDENCE,
)
from simulation.errors import ScenarioError
from simulation.experiments.calibration.measures import measure_table
from simulation.experiments.calibration.objective import BudgetExhausted, Evaluation, Objective
from simulation.experiments.calibration.parameters import (
    FreeParameter,
    check_corners,
    overrides_at,
    resolve_parameters,
    scenario_at,
)
from simulation.experiments.calibration.tables import fit_table, parameter_table
from simulation.experiments.calibration.targets import Targets, load_targets
from simulation.experiments.execution import Execution
from simulation.experiments.progress import progress_bar
from simulation.scenario import LoadedScenario, load_scenario
from simulation.scenario.scaling import load_scaled
from simulation.scenario.yamlio import KeyPath

# the reasons for these are in simulation/defaults.py, where the CLI reads them too
DEFAULT_REPS = CALIBRATION_REPS
DEFAULT_CHECK_REPS = CALIBRATION_CHECK_REPS
DEFAULT_MAX_EVALUATIONS = CALIBRATION_MAX_EVALUATIONS
METHODS = CALIBRATION_METHODS
DEFAULT_METHOD = METHODS[0]
XATOL = 0.005  # the simplex stops below 0.5% of each parameter's range ...
FATOL = 0.01  # ... when J moves by less than 0.01 (a target "within tolerance" contributes up to 1)
INITIAL_STEP = 0.25  # the first simplex spans a quarter of each range


@dataclass
class CalibrationResult:
    """What :func:`calibrate` found, with the tables of the fit report."""

    scenario: LoadedScenario  # as given: the calibrated file extends its file
    simulated: LoadedScenario  # what was run (resized with ``stock``)
    fitted_scenario: LoadedScenario  # ``simulated`` at the fitted values
    targets: Targets
    parameters: tuple[FreeParameter, ...]
    start: dict[str, float]
    fitted: dict[str, float]
    objective_start: float
    objective: float
    fit: pd.DataFrame  # one row per target
    parameter_table: pd.DataFrame  # one row per parameter
    evaluations: pd.DataFrame  # one row per distinct simulated point
    replications: pd.DataFrame  # per-replication measures of the check at the fit
    method: str
    reps: int
    check_reps: int
    seed: int
    max_evaluations: int
    converged: bool
    message: str
    runtime_s: float
    computed: int
    reused: int
    store: Path | None
    stock: int | None = None
    date: str = field(default_factory=lambda: datetime.date.today().isoformat())

    @property
    def settings(self) -> list[tuple[KeyPath, Any]]:
        """(key path, value) of everything the fit sets in the scenario."""
        return [s for p in self.parameters for s in p.settings(self.fitted[p.key])]

    @property
    def fitted_overrides(self) -> list[str]:
        return overrides_at(self.parameters, [self.fitted[p.key] for p in self.parameters])


def calibrate(scenario: LoadedScenario | str | os.PathLike[str], targets: Targets | str | os.PathLike[str],
              params: str | Sequence[str] | None = None, reps: int = DEFAULT_REPS, seed: int = 1, workers: int = 1,
              store: bool | str | os.PathLike[str] | None = True, method: str = DEFAULT_METHOD,
              max_evaluations: int = DEFAULT_MAX_EVALUATIONS, progress: bool | None = False, *,
              check_reps: int = DEFAULT_CHECK_REPS, stock: int | None = None, executor: str = "processes",
              scheduler: str | None = None, confidence: float = CONFIDENCE) -> CalibrationResult:
    """Fit the free parameters of ``scenario`` to ``targets`` (see ``objective`` and this module).

    ``params``: keys of the targets file's ``parameters`` and/or ``key=lo:hi`` texts (default:
    all of the file's). ``stock``: simulate a world resized to that many clients
    (``load_scaled``; percentages and rates keep their meaning, only the noise grows).
    Everything is checked before the first replication runs.
    """
    began = time.perf_counter()
    _check_options(reps, check_reps, method, max_evaluations)
    targets = targets if isinstance(targets, Targets) else load_targets(targets)
    original = scenario if isinstance(scenario, LoadedScenario) else load_scenario(scenario)
    simulated = original if stock is None else load_scaled(original.path, int(stock), original.raw.overrides)
    parameters = resolve_parameters(simulated, targets, params, scaled=stock is not None)
    check_corners(simulated, parameters)
    bar = progress_bar(max_evaluations, 0, "calibration points", progress)
    objective = Objective(simulated, targets.targets, parameters, reps, seed,
                          Execution(workers=workers, executor=executor, scheduler=scheduler), store,
                          max_evaluations, lambda _: bar.update())
    try:
        start = objective.evaluate([p.start for p in parameters])
        _check_defined(targets, start)
        converged, message = _search(objective, method, max_evaluations, seed)
    finally:
        bar.close()
    best = objective.best()
    fitted_scenario = scenario_at(simulated, parameters, best.values)
    check = _check_replications(best, reps, check_reps)
    records = [e.replicator for e in objective.evaluations.values()]
    return CalibrationResult(
        scenario=original, simulated=simulated, fitted_scenario=fitted_scenario,
        targets=targets, parameters=tuple(parameters), start=_by_key(parameters, start.values),
        fitted=_by_key(parameters, best.values), objective_start=start.objective,
        objective=best.objective, fit=fit_table(targets.targets, start, best, check, confidence),
        parameter_table=parameter_table(parameters, start.values, best.values), evaluations=objective.trace(),
        replications=check, method=method, reps=reps, check_reps=check_reps, seed=seed,
        max_evaluations=max_evaluations, converged=converged, message=message,
        runtime_s=time.perf_counter() - began, computed=sum(r.computed for r in records),
        reused=sum(r.reused for r in records), store=objective.store.root, stock=stock)


def _by_key(parameters: Sequence[FreeParameter], values: Sequence[float]) -> dict[str, float]:
    return {p.key: v for p, v in zip(parameters, values, strict=True)}


# ---------------------------------------------------------------- checks


def _check_options(reps: int, check_reps: int, method: str, max_evaluations: int) -> None:
    for value, name, least in ((reps, "reps", 1), (check_reps, "check_reps", 0), (max_evaluations, "max_evaluations", 2)):
        if isinstance(value, bool) or not isinstance(value, int) or value < least:
            raise ScenarioError(f"must be a whole number of at least {least}, got {value!r}", argument=name)
    if check_reps == 1 or (check_reps == 0 and reps < 2):
        raise ScenarioError("a confidence interval needs at least 2 replications", argument="check_reps",
                            hint="give 0 (judge the fit on the search's replications, then at least reps=2) or at least 2")
    _check_method(method)


def _check_method(method: str) -> None:
    if method not in METHODS:
        close = difflib.get_close_matches(str(method), METHODS, n=1)
        raise ScenarioError(f"unknown method '{method}'", argument="method",
                            hint=f"did you mean '{close[0]}'?" if close else "one of: " + ", ".join(METHODS))


def _check_defined(targets: Targets, start: Evaluation) -> None:
    for i, t in enumerate(targets.targets):
        if t.weight > 0 and not math.isfinite(start.means[t.outcome]):
            raise ScenarioError("this outcome is undefined in the scenario (no replication has a value)",
                                file=targets.path, key=f"targets.{i}.outcome", line=t.line,
                                hint="give it weight 0, or a scenario that has what it measures")


def _check_replications(best: Evaluation, reps: int, check_reps: int) -> pd.DataFrame:
    """Measures of the replications that judge the fit: held-out ones, or the search's when none."""
    if check_reps == 0:
        return best.measures
    best.replicator.ensure(reps + check_reps)
    return measure_table(best.replicator.table(reps + check_reps)).loc[reps:]


# ---------------------------------------------------------------- the search


def _search(objective: Objective, method: str, max_evaluations: int, seed: int) -> tuple[bool, str]:
    """Run the optimiser on the unit cube from the start values; (converged, message)."""
    x0 = np.array([p.to_unit(p.start) for p in objective.parameters])
    try:
        result = _SEARCHES[method](objective.on_unit_cube, x0, max_evaluations, seed)
    except BudgetExhausted:
        return False, f"stopped at the budget of {max_evaluations} evaluations; the best point seen is the fit"
    return bool(result.success), str(result.message)


def _nelder_mead(f: Callable[[Sequence[float]], float], x0: np.ndarray, max_evaluations: int, seed: int) -> Any:
    from scipy import optimize

    d = len(x0)
    simplex = [x0] + [x0 + np.eye(d)[i] * (INITIAL_STEP if x0[i] + INITIAL_STEP <= 1 else -INITIAL_STEP)
                      for i in range(d)]
    return optimize.minimize(f, x0, method="Nelder-Mead", bounds=[(0.0, 1.0)] * d,
                             options={"initial_simplex": np.array(simplex), "xatol": XATOL, "fatol": FATOL,
                                      "maxfev": 50 * max_evaluations})


def _powell(f: Callable[[Sequence[float]], float], x0: np.ndarray, max_evaluations: int, seed: int) -> Any:
    from scipy import optimize

    return optimize.minimize(f, x0, method="Powell", bounds=[(0.0, 1.0)] * len(x0),
                             options={"xtol": XATOL, "ftol": 1e-3, "maxfev": 50 * max_evaluations})


def _differential_evolution(f: Callable[[Sequence[float]], float], x0: np.ndarray, max_evaluations: int,
                            seed: int) -> Any:
    from scipy import optimize

    d = len(x0)
    popsize = max(2, min(8, max_evaluations // (3 * d)))
    keyword = "rng" if "rng" in inspect.signature(optimize.differential_evolution).parameters else "seed"
    return optimize.differential_evolution(
        f, [(0.0, 1.0)] * d, x0=x0, popsize=popsize, init="latinhypercube", polish=False,
        maxiter=max(1, max_evaluations // (popsize * d) - 1), tol=0.01, **{keyword: seed})


_SEARCHES: dict[str, Callable[[Callable[[Sequence[float]], float], np.ndarray, int, int], Any]] = {
    "nelder-mead": _nelder_mead, "powell": _powell, "differential-evolution": _differential_evolution}
