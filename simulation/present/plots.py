"""The figures of a run or a comparison, in English or Dutch, from ``simulation.results.Results``.

Every figure shows uncertainty the way the results allow: over replications, a band or error
bar is the t-based 95% confidence interval of the mean across replications; a single run has
no such interval, so its Kaplan–Meier curves show scipy's Greenwood band and its bars none.
Figures are ``matplotlib.figure.Figure`` objects made without pyplot, so nothing global is
touched and they can be drawn in worker processes, notebooks and tests alike. Each has its title
above and its legend below the panels (never over the data), money in € with thousands
separators, and counts per 1,000 clients on benefit or a panel per scenario when the compared
scenarios differ in size. Their words are in :mod:`simulation.present.plot_text`; the figures
over time in :mod:`~simulation.present.plot_series`, the bar figures in
:mod:`~simulation.present.plot_bars`, what they share in :mod:`~simulation.present.plot_style`.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure

from simulation.errors import ScenarioError
from simulation.outcomes.profiles import DAYS_PER_MONTH
from simulation.present.plot_bars import (
    equity_band,
    exits_per_year,
    plot_careers,
    plot_equity,
    plot_exits,
    plot_recidivism,
    plot_resources,
)
from simulation.present.plot_format import share_axis
from simulation.present.plot_series import plot_budgets, plot_ladder, plot_stock
from simulation.present.plot_style import COLOURS, colour, figure_bytes, finish, legend_note, mean_band, new_figure, plain
from simulation.present.plot_text import TEXT, words
from simulation.results.collection import Results
from simulation.results.folders import MANIFEST, staged_folder
from simulation.results.manifest import provenance, read_manifest

__all__ = ["COLOURS", "FIGURES", "TEXT", "equity_band", "exits_per_year", "figure_bytes", "figures", "km_band",
           "mean_band", "plain", "plot_budgets", "plot_careers", "plot_equity", "plot_exits", "plot_ladder", "plot_recidivism",
           "plot_resources", "plot_stock", "plot_time_to_exit", "plot_time_to_return", "save_plots", "words"]

#: A hint in the terms of the Python API (``simulation.cli`` says it with its flags).
FIGURES_FOLDER = "choose a folder of their own for the figures"


def km_band(results: Results, curve: str) -> pd.DataFrame:
    """Per scenario and day: the Kaplan–Meier value, with the CI over replications (or Greenwood for one)."""
    table = results.curves[results.curves["curve"] == curve]
    if results.reps > 1:
        # only days every replication still observes: a mean over fewer would be biased
        defined = table.groupby(["scenario", "day"], sort=False)["value"].transform("count")
        wanted = table.groupby("scenario")["replication"].transform("nunique")
        return mean_band(table[defined == wanted], ["scenario", "day"])
    return table.rename(columns={"value": "mean"})[["scenario", "day", "mean", "low", "high"]].dropna(subset=["mean"])


def _plot_km(results: Results, lang: str, curve: str, x_label: str) -> Figure:
    w = words(lang)
    figure, axes = new_figure(8.0, 5.0)
    ax = axes[0, 0]
    band = km_band(results, curve)
    for label in results.labels:
        rows = band[band["scenario"] == label]
        elapsed = rows["day"] / DAYS_PER_MONTH
        ax.step(elapsed, rows["mean"], where="post", color=colour(results, label), label=plain(label))
        ax.fill_between(elapsed, rows["low"], rows["high"], step="post", color=colour(results, label), alpha=0.25, lw=0)
    ax.set_xlabel(w[x_label])
    ax.set_ylabel(w[f"{curve}_y"])
    ax.set_ylim(0, 1)
    share_axis(ax.yaxis)
    return finish(figure, w[curve], ax, legend_note(results, lang, km=True))


def plot_time_to_exit(results: Results, lang: str = "en") -> Figure:
    """How long spells last: the share still on benefit by months since the spell started."""
    return _plot_km(results, lang, "time_to_exit", "months_since_start")


def plot_time_to_return(results: Results, lang: str = "en") -> Figure:
    """How soon people who left for work come back: the share back on benefit by months since."""
    return _plot_km(results, lang, "time_to_return", "months_since_exit")


#: Every figure, in the report's order: file name → function.
FIGURES: dict[str, Callable[[Results, str], Figure]] = {
    "stock": plot_stock,
    "exits_by_reason": plot_exits,
    "time_to_exit": plot_time_to_exit,
    "time_to_return": plot_time_to_return,
    "recidivism": plot_recidivism,
    "careers": plot_careers,
    "ladder": plot_ladder,
    "resources": plot_resources,
    "budgets": plot_budgets,
    "equity": plot_equity,
}


def figures(results: Results, lang: str = "en") -> Iterator[tuple[str, Figure]]:
    words(lang)
    for name, make in FIGURES.items():
        yield name, make(results, lang)


def save_plots(results: Results, folder: str | os.PathLike[str], lang: str = "en",
               formats: Sequence[str] = ("png", "svg"), overwrite: bool = False) -> list[Path]:
    """Write every figure in every format into ``folder`` (new, or replaced with ``overwrite``), atomically."""
    target = Path(folder)
    if (target / MANIFEST).is_file():
        try:
            kind = read_manifest(target).get("kind")
        except ScenarioError:  # damaged: not known to be figures, so not written over
            kind = None
        if kind != "plots":
            raise ScenarioError("holds results, not figures; figures are never written over results", file=str(target),
                                hint=FIGURES_FOLDER)
    formats = list(dict.fromkeys(formats))
    written = []
    with staged_folder(folder, overwrite) as staging:
        for name, figure in figures(results, lang):
            for fmt in formats:
                (staging / f"{name}.{fmt}").write_bytes(figure_bytes(figure, fmt))
                written.append(Path(folder) / f"{name}.{fmt}")
        source = str(results.folder) if results.folder else None
        (staging / MANIFEST).write_text(json.dumps({"kind": "plots", "from": source, "lang": lang,
                                                    "files": [p.name for p in written], **provenance()}, indent=2))
    return written
