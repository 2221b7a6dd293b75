"""The bar figures: exits by reason, recidivism and exits to work, where leavers to work are later,
waiting and utilisation per resource, outcomes by group of clients. Counts become rates per 1,000 clients on benefit when
the compared scenarios differ in size (:mod:`simulation.present.plot_scale`), and say so."""

from __future__ import annotations

import pandas as pd
from matplotlib.figure import Figure

from simulation.present.plot_format import number_axis, share_axis
from simulation.present.plot_scale import per_thousand, size_note, sizes_differ
from simulation.present.plot_style import finish, grouped_bars, legend_note, mean_band, new_figure, wrap
from simulation.present.plot_text import words
from simulation.results.collection import Results
from simulation.scenario.units import DAYS_PER_YEAR

#: Wrap resource names (left of their bars) at this many characters.
RESOURCE_WIDTH = 24


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
    """Exits per year by reason, per scenario, with CIs (per 1,000 clients when sizes differ)."""
    w = words(lang)
    split = sizes_differ(results)
    table = exits_per_year(results)
    band = mean_band(per_thousand(results, table) if split else table, ["scenario", "reason"])
    order = [r for r in w["reasons"] if r in set(band["reason"])] + sorted(set(band["reason"]) - set(w["reasons"]))
    figure, axes = new_figure(9.0, 5.0)
    ax = axes[0, 0]
    grouped_bars(ax, results, band, "reason", order, w["reasons"])
    ax.set_ylabel(w["exits_y_rate" if split else "exits_y"])
    number_axis(ax.yaxis, lang)
    return finish(figure, w["exits"], ax, legend_note(results, lang, bars=True),
                  size_note(results, lang, "rates") if split else None)


def _work_band(results: Results, split: bool) -> pd.DataFrame:
    """Exits to work and sustainable exits per year: the summary, or per 1,000 clients per replication."""
    outcomes = ["exits_to_work_per_year", "sustainable_exits_per_year"]
    if not split:
        summary = results.summary.rename(columns={"ci_low": "low", "ci_high": "high"})
        return summary[summary["outcome"].isin(outcomes)]
    rows = results.replications[results.replications["outcome"].isin(outcomes)]
    return mean_band(per_thousand(results, rows), ["scenario", "outcome"])


def plot_recidivism(results: Results, lang: str = "en") -> Figure:
    """Recidivism at 12 and 24 months, and exits to work against sustainable exits, with CIs."""
    w = words(lang)
    split = sizes_differ(results)
    summary = results.summary.rename(columns={"ci_low": "low", "ci_high": "high"})
    figure, axes = new_figure(9.0, 5.0, ncols=2)
    recidivism = ["recidivism_12m", "recidivism_24m"]
    grouped_bars(axes[0, 0], results, summary[summary["outcome"].isin(recidivism)], "outcome", recidivism,
                 {"recidivism_12m": w["within_12"], "recidivism_24m": w["within_24"]})
    axes[0, 0].set_title(wrap(w["recidivism_panel"], 40), fontsize="medium")
    share_axis(axes[0, 0].yaxis, 100)
    work = ["exits_to_work_per_year", "sustainable_exits_per_year"]
    grouped_bars(axes[0, 1], results, _work_band(results, split), "outcome", work,
                 {"exits_to_work_per_year": w["all_work"], "sustainable_exits_per_year": w["sustainable"]})
    axes[0, 1].set_title(wrap(w["work_panel_rate" if split else "work_panel"], 40), fontsize="medium")
    number_axis(axes[0, 1].yaxis, lang)
    return finish(figure, w["recidivism"], axes[0, 0], legend_note(results, lang, bars=True),
                  size_note(results, lang, "rates") if split else None)


def resource_name(results: Results, resource: str, lang: str) -> str:
    """A resource as a reader knows it: its Dutch name explained, or its trajectory kind's."""
    w = words(lang)
    if resource in w["resources_names"]:
        return str(w["resources_names"][resource])
    name = resource.replace("_", " ")
    for scenario in results.scenarios:
        kind = scenario.get("resolved", {}).get("trajectories", {}).get(resource, {}).get("kind")
        if kind in w["kinds"] and kind != resource:
            return f"{name} ({w['kinds'][kind]})"
    return name


def plot_resources(results: Results, lang: str = "en") -> Figure:
    """Per resource with capacity in some scenario: mean wait and utilisation, with CIs."""
    w = words(lang)
    table = results.resources
    # a resource nobody used in any scenario (a trajectory switched off) would be an empty row
    used = table.groupby("resource").apply(lambda rows: bool((rows["utilisation"].fillna(0) > 0).any()
                                                            or (rows["served"] > 0).any()), include_groups=False)
    order = [r for r in dict.fromkeys(table["resource"]) if used.get(r, False)]
    names = {r: wrap(resource_name(results, r, lang), RESOURCE_WIDTH) for r in order}
    figure, axes = new_figure(10.0, 0.55 * len(order) + 2.4, ncols=2, sharey=True)
    for ax, column, x_label in ((axes[0, 0], "wait_mean_days", w["wait"]),
                                (axes[0, 1], "utilisation", w["utilisation"])):
        band = mean_band(table[table["resource"].isin(order)], ["scenario", "resource"], column)
        grouped_bars(ax, results, band, "resource", order, names, horizontal=True)
        ax.set_xlabel(x_label)
    number_axis(axes[0, 0].xaxis, lang)
    axes[0, 1].set_xlim(0, 1.05)
    share_axis(axes[0, 1].xaxis)
    return finish(figure, w["resources"], axes[0, 1], legend_note(results, lang, bars=True))


def equity_band(results: Results) -> pd.DataFrame:
    """Per scenario, group and measure: mean and CI over replications."""
    return mean_band(results.equity, ["scenario", "group", "measure"])


def plot_equity(results: Results, lang: str = "en") -> Figure:
    """Exits to work, recidivism and sanctions per group of clients, per scenario, with CIs."""
    w = words(lang)
    band = equity_band(results)
    measures = ["exits_to_work_per_100_client_years", "recidivism_12m", "sanctions_per_100_client_years"]
    groups = list(w["groups"])
    figure, axes = new_figure(11.0, 4.6, ncols=3, sharey=True)
    for ax, measure in zip(axes[0], measures, strict=True):
        grouped_bars(ax, results, band[band["measure"] == measure], "group", groups, w["groups"], horizontal=True)
        ax.set_title(wrap(w["measures"][measure], 30), fontsize="medium")
        number_axis(ax.xaxis, lang)
    return finish(figure, w["equity"], axes[0, -1], legend_note(results, lang, bars=True))


def plot_careers(results: Results, lang: str = "en") -> Figure:
    """Of the exits to work in the window: the share in a job, back on benefit and neither, 6 to 24
    months later, per scenario, with CIs (cal §A: the CBS 2021 cohort gives 6 and 18 months)."""
    w = words(lang)
    table = results.careers.assign(months=results.careers["months"].astype(int).astype(str))
    band = mean_band(table, ["scenario", "state", "months"])
    months = [str(m) for m in sorted(table["months"].astype(int).unique())]
    figure, axes = new_figure(11.0, 4.2, ncols=len(w["career_states"]), sharey=True)
    for ax, (state, title) in zip(axes[0], w["career_states"].items(), strict=True):
        grouped_bars(ax, results, band[band["state"] == state], "months", months, {})
        ax.set_title(title, fontsize="medium")
        ax.set_xlabel(w["months_after_exit"])
    axes[0, 0].set_ylabel(w["pct_of_exits_to_work"])
    return finish(figure, w["careers"], axes[0, -1], legend_note(results, lang, bars=True))
