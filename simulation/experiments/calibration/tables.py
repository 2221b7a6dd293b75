"""The tables of a fit: per target, the published value against the simulated mean and its CI;
per parameter, its bounds, start and fitted value. ``target_table`` is the same per-target table
for a scenario as it is, with nothing fitted."""

from __future__ import annotations

import math
import os
from collections.abc import Sequence
from typing import Any

import pandas as pd

from simulation.defaults import CALIBRATION_CHECK_REPS, CONFIDENCE
from simulation.experiments.calibration.measures import MEASURES, simulated_measures
from simulation.experiments.calibration.objective import Evaluation
from simulation.experiments.calibration.parameters import FreeParameter
from simulation.experiments.calibration.targets import Target, Targets, load_targets
from simulation.outcomes.statistics import mean_ci
from simulation.scenario import LoadedScenario, load_scenario


def target_rows(targets: Sequence[Target], check: pd.DataFrame, confidence: float) -> list[dict[str, Any]]:
    """Per target: the published value and band, the simulated mean with its CI, z, and whether it is met."""
    rows = []
    for t in targets:
        mean, low, high, n = mean_ci(check[t.outcome].to_numpy(float), confidence)
        band = t.band
        rows.append({
            "outcome": t.outcome, "label": MEASURES[t.outcome].label, "unit": MEASURES[t.outcome].unit,
            "target": t.value, "published": t.published, "band_low": band[0], "band_high": band[1], "scale": t.scale,
            "weight": t.weight, "source": t.source, "note": t.note, "mean": mean, "ci_low": low, "ci_high": high,
            "n": n, "z": (mean - t.value) / t.scale if math.isfinite(mean) else math.nan,
            "target_in_ci": bool(low <= t.value <= high) if math.isfinite(low) else False,
            "within_tolerance": bool(band[0] <= mean <= band[1]) if math.isfinite(mean) else False,
        })
    return rows


def fit_table(targets: Sequence[Target], start: Evaluation, best: Evaluation, check: pd.DataFrame,
               confidence: float) -> pd.DataFrame:
    rows = target_rows(targets, check, confidence)
    for row in rows:
        row.update(start_mean=start.means[row["outcome"]], search_mean=best.means[row["outcome"]])
    return pd.DataFrame(rows)


def parameter_table(parameters: Sequence[FreeParameter], start: Sequence[float], fitted: Sequence[float]) -> pd.DataFrame:
    rows = []
    for p, s, f in zip(parameters, start, fitted, strict=True):
        at_bound = "lower" if f <= p.lo else "upper" if f >= p.hi else ""
        rows.append({"key": p.key, "mode": p.mode, "lo": p.lo, "hi": p.hi, "bounds": p.bounds_text, "start": s,
                     "fitted": f, "start_text": p.text(s), "fitted_text": p.text(f), "at_bound": at_bound, "why": p.why})
    return pd.DataFrame(rows)


def target_table(scenario: LoadedScenario | str | os.PathLike[str], targets: Targets | str | os.PathLike[str],
                 reps: int = CALIBRATION_CHECK_REPS, seed: int = 1, workers: int = 1,
                 store: bool | str | os.PathLike[str] | None = True, confidence: float = CONFIDENCE) -> pd.DataFrame:
    """A scenario as it is (nothing fitted) against published targets: the same columns as a fit."""
    loaded = scenario if isinstance(scenario, LoadedScenario) else load_scenario(scenario)
    chosen = targets if isinstance(targets, Targets) else load_targets(targets)
    measures = simulated_measures(loaded, reps, seed, workers, store)
    return pd.DataFrame(target_rows(chosen.targets, measures, confidence))
