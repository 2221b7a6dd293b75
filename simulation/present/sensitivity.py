"""The text, figures and output folder of a sensitivity analysis, in English or Dutch.

``format_sensitivity`` is the terminal table (indices per parameter, most influential first,
and the noise sentence per outcome); ``plot_indices`` the figure of one outcome;
``write_sensitivity`` the folder: indices.csv, noise.csv, design.csv, runs.csv,
plots/OUTCOME.png|svg and manifest.json, written whole or not at all.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from simulation.defaults import CONFIDENCE
from simulation.errors import ScenarioError
from simulation.experiments.sensitivity import NOTES, SensitivityResult
from simulation.outcomes.definitions import OUTCOMES
from simulation.present.plots import COLOURS, figure_bytes, plain
from simulation.results.folders import MANIFEST, staged_folder
from simulation.results.manifest import provenance

TEXT = {
    "en": {
        "sobol": "Sobol' indices", "morris": "Morris screening",
        "S1": "first order S1", "ST": "total order ST", "mu_star": "μ* (mean |elementary effect|)",
        "sigma": "σ", "share_y": "share of the output variance",
        "mu_star_x": "μ* (effect over the whole range, {unit})",
        "floor": "noise floor", "ci": "error bars: {conf:.0%} bootstrap CI",
        "noise": "replication noise is {share} of the output variance",
        "noise_detail": "{reps} replications per point",
        "crn": "{share} of one run's noise is shared by all points (common random numbers) and cancels",
        "skipped": "not analysed: {note}", "header": "{method}: {scenario}, {k} parameters, {points} points × {reps} "
                                                      "replications, seed {seed}",
        "undefined": NOTES["undefined"], "constant": NOTES["constant"],
        "parameter": "parameter",
    },
    "nl": {
        "sobol": "Sobol'-indices", "morris": "Morris-screening",
        "S1": "eerste orde S1", "ST": "totale orde ST", "mu_star": "μ* (gemiddeld |elementair effect|)",
        "sigma": "σ", "share_y": "aandeel van de variantie van de uitkomst",
        "mu_star_x": "μ* (effect over het hele bereik, {unit})", "floor": "ruisniveau",
        "ci": "foutbalken: {conf:.0%}-bootstrap-BI",
        "noise": "replicatieruis is {share} van de variantie van de uitkomst",
        "noise_detail": "{reps} replicaties per punt",
        "crn": "{share} van de ruis van één run is gemeenschappelijk voor alle punten "
               "(gemeenschappelijke toevalsgetallen) en valt weg",
        "skipped": "niet geanalyseerd: {note}", "header": "{method}: {scenario}, {k} parameters, {points} punten × "
                                                          "{reps} replicaties, seed {seed}",
        "undefined": "in sommige runs ongedefinieerd", "constant": "in elk punt gelijk",
        "parameter": "parameter",
    },
}


def words(lang: str) -> dict[str, str]:
    """The texts of ``lang``; an unknown language is bad input naming the ``lang`` argument."""
    if lang not in TEXT:
        raise ScenarioError(f"unknown language '{lang}'", argument="lang", hint="en or nl")
    return TEXT[lang]


def _percent(share: float) -> str:
    if not math.isfinite(share):
        return "unknown"
    if share == 0:
        return "0%"
    if share < 0.001:
        return "< 0.1%"
    return f"{share:.1%}" if share < 0.1 else f"{share:.0%}"


def _outcome_label(outcome: str, lang: str) -> str:
    info = OUTCOMES.get(outcome)
    if info is None:
        return outcome
    return info.label_nl if lang == "nl" else info.label


def noise_sentence(result: SensitivityResult, outcome: str, lang: str = "en") -> str:
    """E.g. "replication noise is 3.1% of the output variance", or why the outcome was not analysed."""
    w = words(lang)
    row = result.noise.set_index("outcome").loc[outcome]
    if not row["analysed"]:
        note = next((w[key] for key in ("undefined", "constant") if TEXT["en"][key] == row["note"]), row["note"])
        return w["skipped"].format(note=note)
    return w["noise"].format(share=_percent(float(row["noise_share"])))


def _main_index(result: SensitivityResult) -> str:
    """The index that ranks the parameters: ST for Sobol', μ* for Morris."""
    return "ST" if result.method == "sobol" else "mu_star"


# --- the terminal table -----------------------------------------------------------------------


def format_sensitivity(result: SensitivityResult, lang: str = "en") -> str:
    """Per outcome: the indices per parameter (most influential first) and the noise sentence."""
    w = words(lang)
    header = w["header"].format(method=w[result.method], scenario=result.scenario, k=len(result.design.ranges),
                                points=len(result.design.values), reps=result.reps, seed=result.seed)
    lines = [header]
    for outcome in result.outcomes:
        lines += ["", _outcome_label(outcome, lang) + f" ({outcome})"]
        rows = result.indices[result.indices["outcome"] == outcome]
        if rows.empty:
            lines.append("  " + noise_sentence(result, outcome, lang))
            continue
        text = pd.DataFrame(_table(result, rows, w)).to_string(index=False)
        lines += ["  " + line for line in text.splitlines()]
        lines.append("  " + noise_sentence(result, outcome, lang) + f" ({_noise_detail(result, outcome, w)})")
    return "\n".join(lines)


def _table(result: SensitivityResult, rows: pd.DataFrame, w: dict[str, str]) -> list[dict[str, str]]:
    """One row per parameter, most influential first: the shown indices with their CIs and the noise floor."""
    main = _main_index(result)
    shown = ("S1", "ST") if result.method == "sobol" else ("mu_star", "sigma")
    table = []
    ranked = rows[rows["index"] == main].sort_values("value", ascending=False)["parameter"]
    for parameter in ranked:
        cells = {w["parameter"]: parameter}
        for index in shown:
            row = rows[(rows["parameter"] == parameter) & (rows["index"] == index)].iloc[0]
            text = f"{row['value']:.3g}"
            if math.isfinite(row["conf_low"]):
                text += f" [{row['conf_low']:.3g}, {row['conf_high']:.3g}]"
            cells[index] = text
        floor = rows[(rows["parameter"] == parameter) & (rows["index"] == main)]["noise_floor"].iloc[0]
        cells[w["floor"]] = f"{floor:.2g}" if math.isfinite(floor) else "–"
        table.append(cells)
    return table


def _noise_detail(result: SensitivityResult, outcome: str, w: dict[str, str]) -> str:
    gain = float(result.noise.set_index("outcome").loc[outcome]["crn_gain"])
    detail = w["noise_detail"].format(reps=result.reps)
    if gain >= 1:  # inf: all of it
        detail += "; " + w["crn"].format(share=_percent(1 - 1 / gain))
    return detail


# --- figures ----------------------------------------------------------------------------------


def plot_indices(result: SensitivityResult, outcome: str, lang: str = "en") -> Figure:
    """Sobol': S1 and ST per parameter with CI error bars; Morris: a tornado of μ* with its CI
    (σ as a hollow marker). A black tick marks each parameter's noise floor."""
    w = words(lang)
    rows = result.indices[result.indices["outcome"] == outcome]
    if rows.empty:
        raise ScenarioError(f"no indices for outcome '{outcome}'", argument="outcome")
    wide = {index: block.set_index("parameter") for index, block in rows.groupby("index")}
    main = _main_index(result)
    order = list(wide[main]["value"].sort_values(ascending=False).index)
    figure = Figure(figsize=(8.0, 2.0 + 0.55 * len(order)), layout="constrained")
    ax = figure.subplots()
    positions = np.arange(len(order))
    if result.method == "sobol":
        floor_offset = _sobol_bars(ax, wide, order, positions, w)
    else:
        floor_offset = _morris_bars(ax, wide, order, positions, w, outcome)
    floors = wide[main].reindex(order)["noise_floor"]
    if floors.notna().any():
        ax.plot(floors, positions + floor_offset, linestyle="none", marker="|", markersize=16, markeredgewidth=2,
                color="black", label=w["floor"])
    ax.set_yticks(positions, [plain(name) for name in order])
    ax.invert_yaxis()  # the most influential parameter on top
    noise = noise_sentence(result, outcome, lang)
    ax.set_title(f"{plain(_outcome_label(outcome, lang))}\n{w[result.method]} — {noise}", fontsize="medium")
    confidence = result.meta.get("confidence", CONFIDENCE)
    handles, labels = ax.get_legend_handles_labels()
    figure.legend(handles, labels, loc="outside lower center", ncols=len(labels), title=w["ci"].format(conf=confidence),
                  fontsize="small", title_fontsize="small")
    return figure


def _bars(ax: Axes, block: pd.DataFrame, positions: np.ndarray, offset: float, height: float, colour: str,
          label: str) -> None:
    error = np.vstack([(block["value"] - block["conf_low"]).clip(lower=0).fillna(0),
                       (block["conf_high"] - block["value"]).clip(lower=0).fillna(0)])
    ax.barh(positions + offset, block["value"], height, xerr=error, capsize=3, color=colour, label=label)


def _sobol_bars(ax: Axes, wide: dict[Any, pd.DataFrame], order: list[str], positions: np.ndarray,
                w: dict[str, str]) -> float:
    """S1 and ST side by side; the offset of the noise-floor ticks (on ST)."""
    _bars(ax, wide["S1"].reindex(order), positions, -0.2, 0.4, COLOURS[0], w["S1"])
    _bars(ax, wide["ST"].reindex(order), positions, 0.2, 0.4, COLOURS[1], w["ST"])
    ax.set_xlabel(w["share_y"])
    ax.axvline(0, color="black", lw=0.8)
    return 0.2


def _morris_bars(ax: Axes, wide: dict[Any, pd.DataFrame], order: list[str], positions: np.ndarray,
                 w: dict[str, str], outcome: str) -> float:
    """μ* with its CI and σ as hollow markers; the offset of the noise-floor ticks."""
    _bars(ax, wide["mu_star"].reindex(order), positions, 0.0, 0.6, COLOURS[0], w["mu_star"])
    sigma = wide["sigma"].reindex(order)["value"]
    ax.plot(sigma, positions, linestyle="none", marker="o", markerfacecolor="none", color=COLOURS[1],
            label=w["sigma"])
    unit = OUTCOMES[outcome].unit if outcome in OUTCOMES else ""
    ax.set_xlabel(w["mu_star_x"].format(unit=unit))
    ax.set_xlim(left=0)
    return 0.0


def figures(result: SensitivityResult, lang: str = "en") -> Iterator[tuple[str, Figure]]:
    """(outcome, figure) for every analysed outcome, in the result's order."""
    analysed = set(result.indices["outcome"])
    for outcome in result.outcomes:
        if outcome in analysed:
            yield outcome, plot_indices(result, outcome, lang)


# --- the folder -------------------------------------------------------------------------------


def write_sensitivity(result: SensitivityResult, path: str | os.PathLike[str], lang: str = "en",
                      overwrite: bool = False, command: list[str] | None = None) -> Path:
    """indices.csv, noise.csv, design.csv, runs.csv, plots/OUTCOME.png|svg and manifest.json,
    written into a staging folder that is renamed into place only when all succeeded."""
    words(lang)
    files = ["indices.csv", "noise.csv", "design.csv", "runs.csv"]
    with staged_folder(path, overwrite) as staging:
        result.indices.to_csv(staging / "indices.csv", index=False)
        result.noise.to_csv(staging / "noise.csv", index=False)
        result.design_table().to_csv(staging / "design.csv", index=False)
        result.runs.to_csv(staging / "runs.csv", index=False)
        (staging / "plots").mkdir()
        for outcome, figure in figures(result, lang):
            for fmt in ("png", "svg"):
                (staging / "plots" / f"{outcome}.{fmt}").write_bytes(figure_bytes(figure, fmt))
                files.append(f"plots/{outcome}.{fmt}")
        manifest = {"kind": "sensitivity", **result.meta, "lang": lang, "files": [*files, MANIFEST],
                    **provenance(command)}
        (staging / MANIFEST).write_text(json.dumps(manifest, indent=2, default=str), encoding="utf-8")
    result.folder = Path(path)
    return result.folder
