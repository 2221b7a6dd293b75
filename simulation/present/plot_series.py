"""The figures over time: the stock on benefit, the participation ladder, the budgets left.

Each marks its three periods (:mod:`simulation.present.plot_time`). When the compared
scenarios differ in size (:mod:`simulation.present.plot_scale`), the stock gets one panel per
scenario with its own scale and the budgets are shown per 1,000 clients on benefit; the figure
says so under its panels.
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from matplotlib.figure import Figure

from simulation.present.plot_format import money_axis, number_axis, share_axis
from simulation.present.plot_scale import per_thousand, size_note, sizes_differ
from simulation.present.plot_style import (
    RUNG_COLOURS,
    colour,
    finish,
    legend_note,
    mean_band,
    months,
    new_figure,
    plain,
    series,
    wrap,
)
from simulation.present.plot_text import words
from simulation.present.plot_time import mark_periods, year_axis
from simulation.results.collection import Results

#: Wrap the rungs' names in the legend at this many characters.
RUNG_WIDTH = 26


def _lines(ax: Any, results: Results, band: pd.DataFrame, labels: list[str], steps: bool = False) -> None:
    """Per scenario in ``labels``: its mean as a line and its CI as a band."""
    for label in labels:
        rows = band[band["scenario"] == label]
        dates = months(rows)
        ax.plot(dates, rows["mean"], color=colour(results, label), label=plain(label),
                drawstyle="steps-post" if steps else "default")
        ax.fill_between(dates, rows["low"], rows["high"], color=colour(results, label),
                        alpha=0.25, lw=0, step="post" if steps else None)


def plot_stock(results: Results, lang: str = "en") -> Figure:
    """Month-end stock per scenario, mean and CI band over replications; a panel per scenario
    when their sizes differ (one axis would show the size, not the course)."""
    w = words(lang)
    band = mean_band(series(results, "stock"), ["scenario", "month"])
    split = sizes_differ(results)
    panels = [[label] for label in results.labels] if split else [list(results.labels)]
    figure, axes = new_figure(8.0, 2.4 * len(panels) + 1.8, nrows=len(panels), sharex=True)
    for row, (ax, labels) in enumerate(zip(axes[:, 0], panels, strict=True)):
        mark_periods(ax, results, lang, names=row == 0, label=labels[0] if split else None)
        _lines(ax, results, band, labels)
        ax.set_ylabel(w["stock_y"])
        number_axis(ax.yaxis, lang)
        if split:
            ax.set_title(plain(labels[0]), fontsize="medium")
    year_axis(axes[-1, 0])
    return finish(figure, w["stock"], list(axes[:, 0]), legend_note(results, lang),
                  size_note(results, lang, "panels") if split else None)


def plot_ladder(results: Results, lang: str = "en") -> Figure:
    """Stacked shares of the stock on rungs 1–6 over time, mean over replications, a panel per scenario."""
    w = words(lang)
    rungs = [f"rung_{r}" for r in range(1, 7)]
    table = series(results, [*rungs, "stock"])
    wide = table.pivot_table(index=["scenario", "replication", "month"], columns="variable", values="value",
                             sort=False)
    shares = wide[rungs].div(wide["stock"], axis=0).groupby(level=["scenario", "month"], sort=False).mean()
    names = [wrap(name, RUNG_WIDTH) for name in w["rungs"].values()]
    figure, axes = new_figure(9.0, 2.3 * len(results.labels) + 1.6, nrows=len(results.labels), sharex=True,
                              sharey=True)
    for row, (ax, label) in enumerate(zip(axes[:, 0], results.labels, strict=True)):
        rows = shares.loc[label]
        dates = pd.to_datetime(rows.index.astype(str) + "-01")
        # each month's shares held until the next month starts, the last one to the end of the run
        ends = dates.append(pd.DatetimeIndex([dates[-1] + pd.offsets.MonthBegin(1)]))
        values = rows[rungs].to_numpy().T
        ax.stackplot(ends, [[*v, v[-1]] for v in values], colors=RUNG_COLOURS, labels=names, step="post")
        mark_periods(ax, results, lang, names=row == 0, shade=False, label=label)
        ax.set_title(plain(label), fontsize="medium")
        ax.set_ylim(0, 1)
        ax.set_ylabel(w["share"])
        share_axis(ax.yaxis)
    year_axis(axes[-1, 0])
    figure.suptitle(w["ladder"])
    handles, labels = axes[0, 0].get_legend_handles_labels()
    figure.legend(handles[::-1], labels[::-1], loc="outside right center", fontsize="small",
                  title=w["rung"], title_fontsize="small")  # rung 6 on top, as in the stack
    return figure


def plot_budgets(results: Results, lang: str = "en") -> Figure:
    """Each budget's month-end level over time (replenished each year), mean and CI per scenario;
    per 1,000 clients on benefit when the scenarios differ in size."""
    w = words(lang)
    table = results.series[results.series["variable"].str.startswith("budget_")]
    split = sizes_differ(results)
    if split:
        table = per_thousand(results, table)
    budgets = list(dict.fromkeys(table["variable"]))
    figure, axes = new_figure(8.0, 2.6 * max(1, len(budgets)) + 1.6, nrows=max(1, len(budgets)), sharex=True)
    for row, (ax, budget) in enumerate(zip(axes[:, 0], budgets, strict=False)):
        mark_periods(ax, results, lang, names=row == 0)
        _lines(ax, results, mean_band(table[table["variable"] == budget], ["scenario", "month"]), results.labels,
               steps=True)
        name = budget.removeprefix("budget_")
        ax.set_title(plain(w["budget_names"].get(name, name.replace("_", " "))), fontsize="medium")
        ax.set_ylabel(w["budget_y_rate" if split else "budget_y"])
        money_axis(ax.yaxis, lang)
    year_axis(axes[-1, 0])
    return finish(figure, w["budgets"], axes[0, 0], legend_note(results, lang),
                  size_note(results, lang, "rates") if split else None)
