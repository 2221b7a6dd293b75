"""The figures of a run or a comparison, in English or Dutch, from ``simulation.results.Results``.

Every figure shows uncertainty the way the results allow: over replications, a band or error
bar is the t-based 95% confidence interval of the mean across replications; a single run has
no such interval, so its Kaplan–Meier curves show scipy's Greenwood band and its bars none.
Figures are ``matplotlib.figure.Figure`` objects made without pyplot, so nothing global is
touched and they can be drawn in worker processes, notebooks and tests alike. Their words are
in :mod:`simulation.present.plot_text`, what they share in :mod:`simulation.present.plot_style`.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pandas as pd
from matplotlib.figure import Figure

from simulation.errors import ScenarioError
from simulation.outcomes.definitions import OUTCOMES
from simulation.outcomes.profiles import DAYS_PER_MONTH
from simulation.present.plot_style import (
    COLOURS,
    PHASE_COLOURS,
    colour,
    figure_bytes,
    grouped_bars,
    legend_below,
    legend_note,
    mean_band,
    months,
    new_figure,
    plain,
    series,
    shade_periods,
    wrap,
)
from simulation.present.plot_text import TEXT, words
from simulation.results.collection import Results
from simulation.results.folders import MANIFEST, staged_folder
from simulation.results.manifest import provenance
from simulation.scenario.units import DAYS_PER_YEAR

__all__ = ["COLOURS", "FIGURES", "TEXT", "equity_band", "exits_per_year", "figure_bytes", "figures", "km_band",
           "mean_band", "plain", "plot_budgets", "plot_equity", "plot_exits", "plot_ladder", "plot_recidivism",
           "plot_resources", "plot_stock", "plot_time_to_exit", "plot_time_to_return", "save_plots", "words"]

#: A hint in the terms of the Python API (``simulation.cli`` says it with its flags).
FIGURES_FOLDER = "choose a folder of their own for the figures"


# --- the figures -------------------------------------------------------------------------------


def plot_stock(results: Results, lang: str = "en") -> Figure:
    """Month-end stock per scenario, mean and CI band over replications."""
    w = words(lang)
    figure, axes = new_figure()
    ax = axes[0, 0]
    shade_periods(ax, results, lang)
    band = mean_band(series(results, "stock"), ["scenario", "month"])
    for label in results.labels:
        rows = band[band["scenario"] == label]
        dates = months(rows)
        ax.plot(dates, rows["mean"], color=colour(results, label), label=plain(label))
        ax.fill_between(dates, rows["low"], rows["high"], color=colour(results, label), alpha=0.25, lw=0)
    ax.set_title(w["stock"])
    ax.set_ylabel(w["stock_y"])
    ax.legend(title=legend_note(results, lang), fontsize="small", title_fontsize="small")
    return figure


def exits_per_year(results: Results) -> pd.DataFrame:
    """Per scenario, replication and reason: exits per year over the observation months."""
    table = results.series[results.series["variable"].str.startswith("exits_")
                           & (results.series["period"] == "observation")]
    table = table.assign(days=pd.PeriodIndex(table["month"].astype(str), freq="M").days_in_month)
    per_rep = table.groupby(["scenario", "replication", "variable"], sort=False).agg(
        exits=("value", "sum"), days=("days", "sum")).reset_index()
    # per year of the window's own length in days, exactly as the headline outcomes count it
    per_rep["value"] = per_rep["exits"] * DAYS_PER_YEAR / per_rep["days"]
    per_rep["reason"] = per_rep["variable"].str.removeprefix("exits_")
    return per_rep[["scenario", "replication", "reason", "value"]]


def plot_exits(results: Results, lang: str = "en") -> Figure:
    """Exits per year by reason, per scenario, with CIs."""
    w = words(lang)
    band = mean_band(exits_per_year(results), ["scenario", "reason"])
    order = [r for r in w["reasons"] if r in set(band["reason"])] + sorted(set(band["reason"]) - set(w["reasons"]))
    figure, axes = new_figure()
    ax = axes[0, 0]
    grouped_bars(ax, results, band, "reason", order, w["reasons"])
    ax.set_title(w["exits"])
    ax.set_ylabel(w["exits_y"])
    ax.legend(title=legend_note(results, lang, bars=True), fontsize="small", title_fontsize="small")
    return figure


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
    figure, axes = new_figure()
    ax = axes[0, 0]
    band = km_band(results, curve)
    for label in results.labels:
        rows = band[band["scenario"] == label]
        elapsed = rows["day"] / DAYS_PER_MONTH
        ax.step(elapsed, rows["mean"], where="post", color=colour(results, label), label=plain(label))
        ax.fill_between(elapsed, rows["low"], rows["high"], step="post", color=colour(results, label), alpha=0.25, lw=0)
    ax.set_title(w[curve])
    ax.set_xlabel(w[x_label])
    ax.set_ylabel(w[f"{curve}_y"])
    ax.set_ylim(0, 1)
    ax.legend(title=legend_note(results, lang, km=True), fontsize="small", title_fontsize="small")
    return figure


def plot_time_to_exit(results: Results, lang: str = "en") -> Figure:
    """How long spells last: the share still on benefit by months since the spell started."""
    return _plot_km(results, lang, "time_to_exit", "months_since_start")


def plot_time_to_return(results: Results, lang: str = "en") -> Figure:
    """How soon people who left for work come back: the share back on benefit by months since."""
    return _plot_km(results, lang, "time_to_return", "months_since_exit")


def plot_recidivism(results: Results, lang: str = "en") -> Figure:
    """Recidivism at 12 and 24 months, and exits to work against sustainable exits, with CIs."""
    w = words(lang)
    label_column = "label_nl" if lang == "nl" else "label"
    summary = results.summary.rename(columns={"ci_low": "low", "ci_high": "high"})
    figure, axes = new_figure(9.0, 4.5, ncols=2)
    panels = [(["recidivism_12m", "recidivism_24m"], w["pct"]),
              (["exits_to_work_per_year", "sustainable_exits_per_year"], w["per_year"])]
    for ax, (outcomes, unit) in zip(axes[0], panels, strict=True):
        names = {o: wrap(getattr(OUTCOMES[o], label_column), 28) for o in outcomes}
        grouped_bars(ax, results, summary[summary["outcome"].isin(outcomes)], "outcome", outcomes, names)
        ax.set_ylabel(unit)
        ax.tick_params(axis="x", labelrotation=0)
    axes[0, 0].legend(title=legend_note(results, lang, bars=True), fontsize="small", title_fontsize="small")
    figure.suptitle(w["recidivism"])
    return figure


def plot_ladder(results: Results, lang: str = "en") -> Figure:
    """Stacked shares of the stock on rungs 1–6 over time, mean over replications, per scenario."""
    w = words(lang)
    rungs = [f"rung_{r}" for r in range(1, 7)]
    table = series(results, [*rungs, "stock"])
    wide = table.pivot_table(index=["scenario", "replication", "month"], columns="variable", values="value",
                             sort=False)
    shares = wide[rungs].div(wide["stock"], axis=0).groupby(level=["scenario", "month"], sort=False).mean()
    figure, axes = new_figure(4.0 * len(results.labels) + 1.5, 4.5, ncols=len(results.labels), sharey=True)
    for ax, label in zip(axes[0], results.labels, strict=True):
        rows = shares.loc[label]
        dates = pd.to_datetime(rows.index.astype(str) + "-01")
        ax.stackplot(dates, rows[rungs].to_numpy().T, colors=PHASE_COLOURS,
                     labels=[f"{w['rung']} {r}" for r in range(1, 7)])
        ax.set_title(plain(label))
        ax.set_ylim(0, 1)
        ax.tick_params(axis="x", labelrotation=30)
    axes[0, 0].set_ylabel(w["share"])
    axes[0, -1].legend(loc="center left", bbox_to_anchor=(1.0, 0.5), fontsize="small", reverse=True)
    figure.suptitle(w["ladder"])
    return figure


def plot_resources(results: Results, lang: str = "en") -> Figure:
    """Per resource with capacity in some scenario: mean wait and utilisation, with CIs."""
    w = words(lang)
    table = results.resources
    # a resource nobody used in any scenario (a trajectory switched off) would be an empty row
    used = table.groupby("resource").apply(lambda rows: bool((rows["utilisation"].fillna(0) > 0).any()
                                                            or (rows["served"] > 0).any()), include_groups=False)
    order = [r for r in dict.fromkeys(table["resource"]) if used.get(r, False)]
    figure, axes = new_figure(10.0, 0.45 * len(order) + 2.0, ncols=2, sharey=True)
    for ax, column, x_label in ((axes[0, 0], "wait_mean_days", w["wait"]),
                                (axes[0, 1], "utilisation", w["utilisation"])):
        band = mean_band(table[table["resource"].isin(order)], ["scenario", "resource"], column)
        grouped_bars(ax, results, band, "resource", order, {}, horizontal=True)
        ax.set_xlabel(x_label)
    axes[0, 1].set_xlim(0, 1.05)
    legend_below(figure, axes[0, 1], legend_note(results, lang, bars=True))
    figure.suptitle(w["resources"])
    return figure


def plot_budgets(results: Results, lang: str = "en") -> Figure:
    """Each budget's month-end level over time (replenished each year), mean and CI per scenario."""
    w = words(lang)
    table = results.series[results.series["variable"].str.startswith("budget_")]
    budgets = list(dict.fromkeys(table["variable"]))
    figure, axes = new_figure(8.0, 2.6 * max(1, len(budgets)) + 0.8, nrows=max(1, len(budgets)), sharex=True)
    for ax, budget in zip(axes[:, 0], budgets, strict=False):
        shade_periods(ax, results, lang)
        band = mean_band(table[table["variable"] == budget], ["scenario", "month"])
        for label in results.labels:
            rows = band[band["scenario"] == label]
            dates = months(rows)
            ax.plot(dates, rows["mean"], color=colour(results, label), label=plain(label), drawstyle="steps-post")
            ax.fill_between(dates, rows["low"], rows["high"], color=colour(results, label), alpha=0.25, lw=0,
                            step="post")
        ax.set_title(plain(budget.removeprefix("budget_")), fontsize="medium")
        ax.set_ylabel(w["budget_y"])
    axes[0, 0].legend(title=legend_note(results, lang), fontsize="small", title_fontsize="small")
    figure.suptitle(w["budgets"])
    return figure


def equity_band(results: Results) -> pd.DataFrame:
    """Per scenario, group and measure: mean and CI over replications."""
    return mean_band(results.equity, ["scenario", "group", "measure"])


def plot_equity(results: Results, lang: str = "en") -> Figure:
    """Exits to work, recidivism and sanctions per group of clients, per scenario, with CIs."""
    w = words(lang)
    band = equity_band(results)
    measures = ["exits_to_work_per_100_client_years", "recidivism_12m", "sanctions_per_100_client_years"]
    groups = list(w["groups"])
    figure, axes = new_figure(11.0, 4.2, ncols=3, sharey=True)
    for ax, measure in zip(axes[0], measures, strict=True):
        grouped_bars(ax, results, band[band["measure"] == measure], "group", groups, w["groups"], horizontal=True)
        ax.set_title(wrap(w["measures"][measure], 30), fontsize="medium")
    legend_below(figure, axes[0, -1], legend_note(results, lang, bars=True))
    figure.suptitle(w["equity"])
    return figure


#: Every figure, in the report's order: file name → function.
FIGURES: dict[str, Callable[[Results, str], Figure]] = {
    "stock": plot_stock,
    "exits_by_reason": plot_exits,
    "time_to_exit": plot_time_to_exit,
    "time_to_return": plot_time_to_return,
    "recidivism": plot_recidivism,
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
            kind = json.loads((target / MANIFEST).read_text()).get("kind")
        except ValueError:
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
