"""A calibration's output folder: its tables, its manifest, and the texts the presentation layer
rendered for it (the fit report and the calibrated scenario), written whole or not at all."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from simulation.experiments.calibration import CalibrationResult
from simulation.results.folders import MANIFEST, staged_folder
from simulation.results.manifest import provenance


def calibrated_file_name(result: CalibrationResult) -> str:
    """``<name>_calibrated.yaml``: the calibrated scenario's file, beside the fit."""
    return f"{Path(result.scenario.path).stem}_calibrated.yaml"


def manifest(result: CalibrationResult, command: Sequence[str] | None = None) -> dict[str, Any]:
    """Where a calibration came from and what it found, for ``manifest.json``."""
    scenario = result.scenario
    return {
        "kind": "calibration", **provenance(list(command) if command else None), "date": result.date,
        "scenario": scenario.name, "scenario_file": scenario.path, "scenario_chain": scenario.raw.chain,
        "scenario_overrides": scenario.raw.overrides, "scenario_hash": scenario.hash,
        "simulated_hash": result.simulated.hash, "fitted_hash": result.fitted_scenario.hash, "stock": result.stock,
        "targets_file": result.targets.path, "targets_digest": result.targets.digest,
        "method": result.method, "seed": result.seed, "reps": result.reps, "check_reps": result.check_reps,
        "max_evaluations": result.max_evaluations, "evaluations": len(result.evaluations),
        "objective_start": result.objective_start, "objective": result.objective, "converged": result.converged,
        "message": result.message, "runtime_s": round(result.runtime_s, 1), "replications_run": result.computed,
        "replications_reused": result.reused, "store": result.store,
        "start": result.start, "fitted": result.fitted, "fitted_overrides": result.fitted_overrides,
        "calibrated_scenario": calibrated_file_name(result),
    }


def write_calibration_folder(result: CalibrationResult, out: str | os.PathLike[str], texts: Mapping[str, str],
                             overwrite: bool = False, command: Sequence[str] | None = None) -> Path:
    """Write fit.csv, parameters.csv, evaluations.csv, replications.csv, ``texts`` (file name →
    text, e.g. fit.md) and manifest.json into ``out``; atomic at the folder level (a new or empty folder)."""
    target = Path(out)
    with staged_folder(target, overwrite) as staging:
        result.fit.to_csv(staging / "fit.csv", index=False)
        result.parameter_table.to_csv(staging / "parameters.csv", index=False)
        result.evaluations.to_csv(staging / "evaluations.csv", index=False)
        result.replications.reset_index().to_csv(staging / "replications.csv", index=False)
        for name, text in texts.items():
            (staging / name).write_text(text, encoding="utf-8")
        (staging / MANIFEST).write_text(json.dumps(manifest(result, command), indent=2, default=str), encoding="utf-8")
    return target
