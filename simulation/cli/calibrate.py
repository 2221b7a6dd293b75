"""``meedoen calibrate``: check all input, calibrate, print the fit report and write the folder."""

from __future__ import annotations

import argparse
import os
from collections.abc import Sequence

from simulation.cli.text import say
from simulation.experiments.calibration import (
    DEFAULT_CHECK_REPS,
    DEFAULT_MAX_EVALUATIONS,
    DEFAULT_METHOD,
    DEFAULT_REPS,
    CalibrationResult,
    calibrate,
    load_targets,
)
from simulation.present.calibration import fit_table_markdown, write_calibration
from simulation.results.calibration import calibrated_file_name
from simulation.results.folders import check_output_dir
from simulation.scenario import load_scenario


def run_calibration(scenario: str | os.PathLike[str], targets: str | os.PathLike[str], *,
                    params: str | Sequence[str] | None = None, overrides: Sequence[str] = (), stock: int | None = None,
                    reps: int = DEFAULT_REPS, check_reps: int = DEFAULT_CHECK_REPS, seed: int = 1,
                    method: str = DEFAULT_METHOD, max_evaluations: int = DEFAULT_MAX_EVALUATIONS, workers: int = 1,
                    executor: str = "processes", scheduler: str | None = None,
                    store: bool | str | os.PathLike[str] | None = True, progress: bool | None = None,
                    out: str | os.PathLike[str] | None = None, overwrite: bool = False,
                    command: Sequence[str] | None = None, lang: str = "en") -> tuple[CalibrationResult, str]:
    """Everything ``meedoen calibrate`` does: check all input (files, keys, bounds, --out) before
    running, calibrate, write the folder; returns the result and the text to print."""
    loaded = load_scenario(scenario, overrides)
    target_spec = load_targets(targets)
    if out:
        check_output_dir(out, overwrite)
    result = calibrate(loaded, target_spec, params, reps, seed, workers, store, method, max_evaluations, progress,
                       check_reps=check_reps, stock=stock, executor=executor, scheduler=scheduler)
    text = fit_table_markdown(result, lang)
    if out:
        written = write_calibration(result, out, overwrite, command, lang)
        text += "\n" + say(lang, "calibrate_written", target=written, scenario=calibrated_file_name(result)) + "\n"
    else:
        text += "\n" + say(lang, "calibrate_hint") + "\n"
    return result, text


def calibrate_command(args: argparse.Namespace, argv: Sequence[str]) -> int:
    """Run ``meedoen calibrate`` from parsed arguments; print the fit; 0 on success."""
    _, text = run_calibration(
        args.scenario, args.targets, params=args.params, overrides=getattr(args, "overrides", ()), stock=args.stock,
        reps=args.reps, check_reps=args.check_reps, seed=getattr(args, "seed", 1), method=args.method,
        max_evaluations=args.max_evaluations, workers=getattr(args, "workers", 1),
        executor=getattr(args, "executor", "processes"), scheduler=getattr(args, "scheduler", None),
        store=False if getattr(args, "no_store", False) else (getattr(args, "store", None) or True),
        progress=False if getattr(args, "quiet", False) else None, out=getattr(args, "out", None),
        overwrite=getattr(args, "overwrite", False), command=["meedoen", *argv], lang=getattr(args, "lang", "en"))
    print(text, end="")
    return 0
