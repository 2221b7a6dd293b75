"""The text of a calibration: the fit report and the target table as Markdown, and the calibrated
scenario file (a scenario that extends the original and sets the fitted keys, with a comment
saying where each value came from). ``write_calibration`` renders them and hands them to the
results layer, which writes the folder."""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import IO, Any

import pandas as pd

from simulation.experiments.calibration import CalibrationResult, Target
from simulation.experiments.calibration.quantities import yaml_scalar
from simulation.experiments.calibration.targets import format_number
from simulation.files import atomic_write
from simulation.results.calibration import calibrated_file_name, write_calibration_folder

_fmt = format_number


def _cell(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _yes(flag: bool, emphasise: bool = False) -> str:
    return "yes" if flag else "**no**" if emphasise else "no"


# ---------------------------------------------------------------- Markdown


def target_table_markdown(table: pd.DataFrame) -> str:
    """``target_table`` as Markdown: published value and source against the simulated mean and CI."""
    lines = ["| outcome | published | source | simulated mean (95% CI) | z | target in CI | within tolerance |",
             "|---|---|---|---|---|---|---|"]
    for row in table.itertuples():
        lines.append(f"| {row.outcome} | {row.published} | {_cell(row.source)} | {_fmt(row.mean)} ({_fmt(row.ci_low)} "
                     f"to {_fmt(row.ci_high)}) | {row.z:+.2f} | {_yes(row.target_in_ci)} | "
                     f"{_yes(row.within_tolerance, True)} |")
    return "\n".join(lines) + "\n"


def fit_table_markdown(result: CalibrationResult) -> str:
    """The fit report as Markdown: a summary line, the targets table and the parameters table."""
    lines = [
        f"## Calibration of {result.scenario.name} ({result.scenario.path}) against {result.targets.path}", "",
        _fit_summary(result), "",
        "| outcome | published | source | start | fitted mean (95% CI) | z | target in CI | within tolerance |",
        "|---|---|---|---|---|---|---|---|",
    ]
    targets = {t.outcome: t for t in result.targets.targets}
    lines += [_fit_row(row, targets[row.outcome]) for row in result.fit.itertuples()]
    lines += ["", "| parameter | bounds | start | fitted | why free |", "|---|---|---|---|---|"]
    for row in result.parameter_table.itertuples():
        bound = f" (at the {row.at_bound} bound)" if row.at_bound else ""
        lines.append(f"| {row.key} | {row.bounds} | {row.start_text} | **{row.fitted_text}**{bound} | {_cell(row.why)} |")
    return "\n".join(lines) + "\n"


def _fit_summary(result: CalibrationResult) -> str:
    check = (f"{result.check_reps} further replications (never seen by the search)" if result.check_reps
             else f"the search's {result.reps} replications")
    size = f", world resized to {result.stock:,} clients" if result.stock else ""
    return (f"Objective {_fmt(result.objective_start)} at the start → **{_fmt(result.objective)}** at the fit "
            f"({result.method}, {len(result.evaluations)} points × {result.reps} replications of seed {result.seed} on "
            f"common random numbers{size}; {result.message}). Means and 95% CIs at the fit are from {check}; "
            f"{result.runtime_s:.0f} s, {result.computed} replications run, {result.reused} reused.")


def _fit_row(row: Any, target: Target) -> str:
    weight = "" if row.weight == 1 else f" (weight {_fmt(row.weight)})"
    return (f"| {row.outcome}{weight} | {target.published} | {_cell(row.source)} | {_fmt(row.start_mean)} | "
            f"{_fmt(row.mean)} ({_fmt(row.ci_low)} to {_fmt(row.ci_high)}) | {row.z:+.2f} | "
            f"{_yes(row.target_in_ci)} | {_yes(row.within_tolerance, True)} |")


# ---------------------------------------------------------------- the calibrated scenario file


def calibrated_scenario_text(result: CalibrationResult, folder: str | os.PathLike[str]) -> str:
    """A scenario file, to be written in ``folder``, that extends the original and sets the fitted keys."""
    original = Path(result.scenario.path).resolve()
    try:
        extends = Path(os.path.relpath(original, Path(folder).resolve())).as_posix()
    except ValueError:  # another drive: no relative path exists
        extends = original.as_posix()
    stamp = (f"calibrated by meedoen calibrate against {result.targets.path} "
             f"({result.date}, objective {_fmt(result.objective)})")
    tree: dict[Any, Any] = {}
    for path, value in result.settings:
        node = tree
        for part in path[:-1]:
            node = node.setdefault(part, {})
        node[path[-1]] = value
    body = _emit(tree, 0, stamp)
    return "\n".join([*_header(result), f"extends: {json.dumps(extends)}", "", *body]) + "\n"


def _header(result: CalibrationResult) -> list[str]:
    header = [(f"# Calibration of {Path(result.scenario.path).name} by meedoen calibrate: targets from calibration.md "
               f"rows (cal §A/§B) in {result.targets.path}."),
              (f"# {result.date}: objective {_fmt(result.objective_start)} → {_fmt(result.objective)} ({result.method}, "
               f"{len(result.evaluations)} points × {result.reps} replications, seed {result.seed}); fit.md beside it "
               "has the fit.")]
    if result.stock:
        header.append(f"# Simulated at {result.stock:,} clients (load_scaled); the fitted keys are per-client rates and shares.")
    if result.scenario.raw.overrides:
        header.append("# --set overrides in effect during calibration, NOT carried over here: "
                      + "; ".join(result.scenario.raw.overrides))
    return header


def _emit(tree: Mapping[Any, Any], depth: int, stamp: str) -> list[str]:
    lines = []
    for key, value in tree.items():
        name = str(key) if isinstance(key, int) or re.fullmatch(r"[A-Za-z_][\w-]*", str(key)) else json.dumps(str(key))
        if isinstance(value, dict):
            lines += [f"{'  ' * depth}{name}:", *_emit(value, depth + 1, stamp)]
        else:
            lines.append(f"{'  ' * depth}{name}: {yaml_scalar(value)}  # {stamp}")
    return lines


# ---------------------------------------------------------------- files


def write_calibrated_scenario(result: CalibrationResult, path: str | os.PathLike[str]) -> Path:
    """Write the calibrated scenario file (atomically); ``path`` may be a folder."""
    target = Path(path)
    if target.is_dir():
        target = target / calibrated_file_name(result)
    text = calibrated_scenario_text(result, target.parent)

    def write(stream: IO[Any]) -> None:
        stream.write(text)

    atomic_write(target, write)
    return target


def write_calibration(result: CalibrationResult, out: str | os.PathLike[str], overwrite: bool = False,
                      command: Sequence[str] | None = None) -> Path:
    """Write fit.csv, parameters.csv, evaluations.csv, replications.csv, fit.md, manifest.json and
    ``<name>_calibrated.yaml`` into ``out``; atomic at the folder level (a new or empty folder)."""
    texts = {"fit.md": fit_table_markdown(result),
             calibrated_file_name(result): calibrated_scenario_text(result, Path(out))}
    return write_calibration_folder(result, out, texts, overwrite, command)
