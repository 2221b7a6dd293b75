"""The text of a calibration: the fit report and the target table as Markdown, and the calibrated
scenario file (a scenario that extends the original and sets the fitted keys, with a comment
saying where each value came from). ``write_calibration`` renders them and hands them to the
results layer, which writes the folder."""

from __future__ import annotations

import json
import math
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

#: The fit report's own words in English and Dutch; sources and reasons are shown as the targets file says them.
TEXT = {
    "en": {"title": "## Calibration of {name} ({path}) against {targets}",
           "fit": "| outcome | published | source | start | fitted mean (95% CI) | z | target in CI | within tolerance |",
           "parameters": "| parameter | bounds | start | fitted | why free |",
           "lower": " (at the lower bound)", "upper": " (at the upper bound)", "weight": " (weight {weight})",
           "to": "to", "yes": "yes", "no": "no",
           "held_out": "{n} further replications (never seen by the search)",
           "search": "the search's {n} replications", "resized": ", world resized to {n} clients",
           "summary": "Objective {start} at the start → **{fit}** at the fit ({method}, {points} points × {reps} "
                      "replications of seed {seed} on common random numbers{size}; {message}). Means and 95% CIs at "
                      "the fit are from {check}; {seconds} s, {computed} replications run, {reused} reused."},
    "nl": {"title": "## Kalibratie van {name} ({path}) op {targets}",
           "fit": "| uitkomst | gepubliceerd | bron | start | gemiddelde bij de fit (95%-BI) | z | doel in BI | "
                  "binnen tolerantie |",
           "parameters": "| parameter | grenzen | start | gefit | waarom vrij |",
           "lower": " (op de ondergrens)", "upper": " (op de bovengrens)", "weight": " (gewicht {weight})",
           "to": "tot", "yes": "ja", "no": "nee",
           "held_out": "{n} extra replicaties (door de zoektocht nooit gezien)",
           "search": "de {n} replicaties van de zoektocht", "resized": ", wereld geschaald naar {n} klanten",
           "summary": "Doelfunctie {start} bij de start → **{fit}** bij de fit ({method}, {points} punten × {reps} "
                      "replicaties van seed {seed} op gemeenschappelijke toevalsgetallen{size}; {message}). "
                      "Gemiddelden en 95%-BI's bij de fit komen uit {check}; {seconds} s, {computed} replicaties "
                      "gedraaid, {reused} hergebruikt.",
           "converged": "de zoektocht is geconvergeerd", "not_converged": "de zoektocht is niet geconvergeerd",
           "budget": "gestopt bij het budget van {n} evaluaties; het beste punt is de fit"},
}


def _fmt(value: float, lang: str = "en") -> str:
    """A figure as the fit report writes it (``format_number``), with Dutch digits in Dutch."""
    text = format_number(value)
    return text.replace(",", "_").replace(".", ",").replace("_", ".") if lang == "nl" else text


def _cell(text: Any) -> str:
    return str(text).replace("|", "\\|").replace("\n", " ")


def _yes(flag: bool, emphasise: bool = False, lang: str = "en") -> str:
    word = TEXT[lang]["yes" if flag else "no"]
    return f"**{word}**" if emphasise and not flag else word


# ---------------------------------------------------------------- Markdown


def target_table_markdown(table: pd.DataFrame) -> str:
    """``target_table`` as Markdown: published value and source against the simulated mean and CI."""
    lines = ["| outcome | published | source | simulated mean (95% CI) | z | target in CI | CI misses it by | "
             "within tolerance |", "|---|---|---|---|---|---|---|---|"]
    for row in table.itertuples():
        lines.append(f"| {row.outcome} | {row.published} | {_cell(row.source)} | {_fmt(row.mean)} ({_fmt(row.ci_low)} "
                     f"to {_fmt(row.ci_high)}) | {row.z:+.2f} | {_yes(row.target_in_ci)} | {_miss(row)} | "
                     f"{_yes(row.within_tolerance, True)} |")
    return "\n".join(lines) + "\n"


def _miss(row: Any) -> str:
    """How far the CI's nearer end lies from the target when the CI leaves it out (the simulation's
    own uncertainty cannot explain the gap); "" when the target is inside."""
    if row.target_in_ci or not math.isfinite(row.ci_low):
        return ""
    gap = row.ci_low - row.target if row.ci_low > row.target else row.ci_high - row.target
    return f"{gap:+.3g}"


def fit_table_markdown(result: CalibrationResult, lang: str = "en") -> str:
    """The fit report as Markdown: a summary line, the targets table and the parameters table."""
    text = TEXT[lang]
    lines = [text["title"].format(name=result.scenario.name, path=result.scenario.path, targets=result.targets.path), "",
             _fit_summary(result, lang), "", text["fit"], "|---|---|---|---|---|---|---|---|"]
    targets = {t.outcome: t for t in result.targets.targets}
    lines += [_fit_row(row, targets[row.outcome], lang) for row in result.fit.itertuples()]
    lines += ["", text["parameters"], "|---|---|---|---|---|"]
    for row in result.parameter_table.itertuples():
        bound = text[row.at_bound] if row.at_bound else ""
        lines.append(f"| {row.key} | {row.bounds} | {row.start_text} | **{row.fitted_text}**{bound} | {_cell(row.why)} |")
    return "\n".join(lines) + "\n"


def _fit_summary(result: CalibrationResult, lang: str = "en") -> str:
    text = TEXT[lang]
    check = text["held_out" if result.check_reps else "search"].format(n=result.check_reps or result.reps)
    size = text["resized"].format(n=_fmt(result.stock, lang)) if result.stock else ""
    return text["summary"].format(
        start=_fmt(result.objective_start, lang), fit=_fmt(result.objective, lang), method=result.method,
        points=len(result.evaluations), reps=result.reps, seed=result.seed, size=size, check=check,
        message=_message(result, lang), seconds=f"{result.runtime_s:.0f}", computed=result.computed, reused=result.reused)


def _message(result: CalibrationResult, lang: str) -> str:
    """The optimiser's word on how the search ended; in Dutch said in our words (scipy speaks English)."""
    if lang == "en":
        return result.message
    if result.converged:
        return TEXT[lang]["converged"]
    if len(result.evaluations) >= result.max_evaluations:
        return TEXT[lang]["budget"].format(n=result.max_evaluations)
    return TEXT[lang]["not_converged"]


def _fit_row(row: Any, target: Target, lang: str = "en") -> str:
    text = TEXT[lang]
    weight = "" if row.weight == 1 else text["weight"].format(weight=_fmt(row.weight, lang))
    return (f"| {row.outcome}{weight} | {target.published} | {_cell(row.source)} | {_fmt(row.start_mean, lang)} | "
            f"{_fmt(row.mean, lang)} ({_fmt(row.ci_low, lang)} {text['to']} {_fmt(row.ci_high, lang)}) | "
            f"{_z(row.z, lang)} | {_yes(row.target_in_ci, lang=lang)} | {_yes(row.within_tolerance, True, lang)} |")


def _z(z: float, lang: str) -> str:
    text = f"{z:+.2f}"
    return text.replace(".", ",") if lang == "nl" else text


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
        if _whole_list(value):  # every element of a list (a list scaled as one parameter): written as a list
            items = ", ".join(yaml_scalar(value[i]) for i in range(len(value)))
            lines.append(f"{'  ' * depth}{name}: [{items}]  # {stamp}")
        elif isinstance(value, dict):
            lines += [f"{'  ' * depth}{name}:", *_emit(value, depth + 1, stamp)]
        else:
            lines.append(f"{'  ' * depth}{name}: {yaml_scalar(value)}  # {stamp}")
    return lines


def _whole_list(value: Any) -> bool:
    """Settings for the elements 0..n-1 of a list, each a plain value: the list itself (a mapping of
    indices would not replace the list a scenario extends)."""
    return (isinstance(value, dict) and bool(value) and all(isinstance(k, int) for k in value)
            and sorted(value) == list(range(len(value))) and not any(isinstance(v, dict) for v in value.values()))


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
                      command: Sequence[str] | None = None, lang: str = "en") -> Path:
    """Write fit.csv, parameters.csv, evaluations.csv, replications.csv, fit.md (in ``lang``), manifest.json
    and ``<name>_calibrated.yaml`` into ``out``; atomic at the folder level (a new or empty folder)."""
    texts = {"fit.md": fit_table_markdown(result, lang),
             calibrated_file_name(result): calibrated_scenario_text(result, Path(out))}
    return write_calibration_folder(result, out, texts, overwrite, command)
