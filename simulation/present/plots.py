"""The figures of a run or a comparison, in English or Dutch, from ``simulation.results.Results``.

Every figure shows uncertainty the way the results allow: over replications, a band or error
bar is the t-based 95% confidence interval of the mean across replications; a single run has
no such interval, so its Kaplan–Meier curves show scipy's Greenwood band and its bars none.
Figures are ``matplotlib.figure.Figure`` objects made without pyplot, so nothing global is
touched and they can be drawn in worker processes, notebooks and tests alike.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from simulation.defaults import CONFIDENCE
from simulation.outcomes.headline import OUTCOMES
from simulation.outcomes.profiles import DAYS_PER_MONTH
from simulation.results.collection import Results
from simulation.scenario.units import DAYS_PER_YEAR

COLOURS = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"]
PHASE_COLOURS = ["#f2f0f7", "#cbc9e2", "#9e9ac8", "#756bb1", "#54278f", "#2d004b"]

TEXT = {
    "en": {
        "stock": "Stock on benefit", "stock_y": "clients on benefit (month end)",
        "exits": "Exits per year by reason (observation window)", "exits_y": "exits per year",
        "time_to_exit": "Time to exit: share still on benefit (Kaplan–Meier)", "time_to_exit_y": "share still on benefit",
        "time_to_return": "Time to return after an exit to work (Kaplan–Meier)",
        "time_to_return_y": "share back on benefit", "months_since_start": "months since the spell started",
        "months_since_exit": "months since the exit to work",
        "recidivism": "Recidivism and sustainable outflow", "pct": "%", "per_year": "per year",
        "ladder": "Participation ladder: share of the stock on each rung", "rung": "rung", "share": "share of stock",
        "resources": "Waiting time and utilisation per resource", "wait": "mean wait (days)",
        "utilisation": "utilisation (busy ÷ capacity)",
        "budgets": "Budget left through the year", "budget_y": "€ left in the budget",
        "equity": "Outcomes by group of clients (observation window)",
        "warmup": "warm-up", "follow_up": "follow-up", "band_reps": "band: 95% CI over {n} replications",
        "bars_reps": "error bars: 95% CI over {n} replications",
        "band_single": "band: 95% Greenwood CI (one run)", "single": "one replication: no confidence interval",
        "month": "month",
        "reasons": {"work": "work", "moving": "moving", "partner_income": "partner's income", "education": "education",
                    "death": "death", "enforcement": "enforcement", "pension": "pension (AOW)"},
        "groups": {"all": "all clients", "age_45_plus": "aged 45+", "migrant": "migrant background",
                   "single_parent": "single parents", "phase_4_5": "phase 4–5"},
        "measures": {"share_of_client_years": "share of client-years (%)",
                     "exits_to_work_per_100_client_years": "exits to work per 100 client-years",
                     "recidivism_12m": "recidivism within 12 months (%)",
                     "sanctions_per_100_client_years": "sanctions per 100 client-years"},
    },
    "nl": {
        "stock": "Bijstandsbestand", "stock_y": "uitkeringen (einde maand)",
        "exits": "Uitstroom per jaar naar reden (waarnemingsperiode)", "exits_y": "uitstroom per jaar",
        "time_to_exit": "Duur tot uitstroom: aandeel nog in de bijstand (Kaplan–Meier)",
        "time_to_exit_y": "aandeel nog in de bijstand",
        "time_to_return": "Herinstroom na uitstroom naar werk (Kaplan–Meier)",
        "time_to_return_y": "aandeel terug in de bijstand", "months_since_start": "maanden sinds instroom",
        "months_since_exit": "maanden sinds uitstroom naar werk",
        "recidivism": "Herinstroom en duurzame uitstroom", "pct": "%", "per_year": "per jaar",
        "ladder": "Participatieladder: aandeel van het bestand per trede", "rung": "trede", "share": "aandeel bestand",
        "resources": "Wachttijd en bezetting per voorziening", "wait": "gemiddelde wachttijd (dagen)",
        "utilisation": "bezetting (bezet ÷ capaciteit)",
        "budgets": "Resterend budget door het jaar", "budget_y": "€ resterend budget",
        "equity": "Uitkomsten per groep klanten (waarnemingsperiode)",
        "warmup": "inloopperiode", "follow_up": "naloopperiode", "band_reps": "band: 95%-BI over {n} replicaties",
        "bars_reps": "foutbalken: 95%-BI over {n} replicaties",
        "band_single": "band: 95%-Greenwood-BI (één run)", "single": "één replicatie: geen betrouwbaarheidsinterval",
        "month": "maand",
        "reasons": {"work": "werk", "moving": "verhuizing", "partner_income": "inkomen partner", "education": "opleiding",
                    "death": "overlijden", "enforcement": "handhaving", "pension": "AOW"},
        "groups": {"all": "alle klanten", "age_45_plus": "45 jaar en ouder", "migrant": "migratieachtergrond",
                   "single_parent": "alleenstaande ouders", "phase_4_5": "fase 4–5"},
        "measures": {"share_of_client_years": "aandeel klantjaren (%)",
                     "exits_to_work_per_100_client_years": "uitstroom naar werk per 100 klantjaren",
                     "recidivism_12m": "herinstroom binnen 12 maanden (%)",
                     "sanctions_per_100_client_years": "maatregelen per 100 klantjaren"},
    },
}


def words(lang: str) -> dict:
    if lang not in TEXT:
        from simulation.errors import ScenarioError

        raise ScenarioError(f"unknown language '{lang}'", file="--lang", hint="en or nl")
    return TEXT[lang]


# --- statistics over replications --------------------------------------------------------------


def mean_band(table: pd.DataFrame, keys: Sequence[str], value: str = "value") -> pd.DataFrame:
    """Per group: mean, t-based CI over replications (NaN with one), and n; NaN values are left out."""
    from scipy import stats

    grouped = table.dropna(subset=[value]).groupby(list(keys), sort=False)[value]
    out = grouped.agg(mean="mean", sd="std", n="count").reset_index()
    half = stats.t.ppf(0.5 + CONFIDENCE / 2, np.maximum(out["n"] - 1, 1)) * out["sd"] / np.sqrt(out["n"])
    out["low"] = np.where(out["n"] > 1, out["mean"] - half, np.nan)
    out["high"] = np.where(out["n"] > 1, out["mean"] + half, np.nan)
    return out


def _months(table: pd.DataFrame) -> pd.Series:
    return pd.to_datetime(table["month"].astype(str) + "-01")


def _series(results: Results, variable: str | Sequence[str]) -> pd.DataFrame:
    names = [variable] if isinstance(variable, str) else list(variable)
    return results.series[results.series["variable"].isin(names)]


def _shade_periods(ax, results: Results, lang: str) -> None:
    """Grey out warm-up and follow-up months: the headline outcomes only count the window between."""
    first = results.series[results.series["variable"] == "stock"]
    months = first.drop_duplicates("month")[["month", "period"]]
    dates = _months(months)
    for period, alpha in (("warmup", 0.12), ("follow_up", 0.06)):
        inside = dates[(months["period"] == period).to_numpy()]
        if len(inside):
            ax.axvspan(inside.min() - pd.Timedelta(days=31), inside.max(), color="grey", alpha=alpha, lw=0,
                       label=words(lang)[period])


def _legend_note(results: Results, lang: str, km: bool = False, bars: bool = False) -> str:
    if results.reps > 1:
        return words(lang)["bars_reps" if bars else "band_reps"].format(n=results.reps)
    return words(lang)["band_single"] if km else words(lang)["single"]


def _legend_below(figure: Figure, ax, title: str) -> None:
    """One legend under the panels, where it cannot cover a bar."""
    handles, labels = ax.get_legend_handles_labels()
    figure.legend(handles, labels, loc="outside lower center", ncols=min(4, len(labels)), title=title,
                  fontsize="small", title_fontsize="small")


def plain(text: str) -> str:
    """A name as matplotlib should draw it: literally (a '$' would start mathematical notation)."""
    return str(text).replace("$", r"\$")


def _colour(results: Results, label: str) -> str:
    return COLOURS[results.labels.index(label) % len(COLOURS)]


def _figure(width: float = 8.0, height: float = 4.5, ncols: int = 1, nrows: int = 1, **options):
    figure = Figure(figsize=(width, height), layout="constrained")
    axes = figure.subplots(nrows, ncols, squeeze=False, **options)
    return figure, axes


# --- the figures -------------------------------------------------------------------------------


def plot_stock(results: Results, lang: str = "en") -> Figure:
    """Month-end stock per scenario, mean and CI band over replications."""
    w = words(lang)
    figure, axes = _figure()
    ax = axes[0, 0]
    _shade_periods(ax, results, lang)
    band = mean_band(_series(results, "stock"), ["scenario", "month"])
    for label in results.labels:
        rows = band[band["scenario"] == label]
        dates = _months(rows)
        ax.plot(dates, rows["mean"], color=_colour(results, label), label=plain(label))
        ax.fill_between(dates, rows["low"], rows["high"], color=_colour(results, label), alpha=0.25, lw=0)
    ax.set_title(w["stock"])
    ax.set_ylabel(w["stock_y"])
    ax.legend(title=_legend_note(results, lang), fontsize="small", title_fontsize="small")
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


def _grouped_bars(ax, results: Results, band: pd.DataFrame, category: str, order: Sequence[str],
                  names: dict[str, str], horizontal: bool = False) -> None:
    """One bar per scenario within each category, with CI error bars when there are replications."""
    width = 0.8 / max(1, len(results.labels))
    positions = np.arange(len(order))
    for i, label in enumerate(results.labels):
        rows = band[band["scenario"] == label].set_index(category).reindex(order)
        offset = positions - 0.4 + width * (i + 0.5)
        error = None
        if results.reps > 1:
            error = np.vstack([(rows["mean"] - rows["low"]).fillna(0), (rows["high"] - rows["mean"]).fillna(0)])
        bar = ax.barh if horizontal else ax.bar
        # an undefined value draws no bar (NaN), never a bar of height zero
        bar(offset, rows["mean"], width, color=_colour(results, label), label=plain(label),
            **({"xerr": error} if horizontal else {"yerr": error}), capsize=2)
    ticks = [plain(names.get(c, c)) for c in order]
    if horizontal:
        ax.set_yticks(positions, ticks)
        ax.invert_yaxis()
    else:
        ax.set_xticks(positions, ticks, rotation=20, ha="right")


def plot_exits(results: Results, lang: str = "en") -> Figure:
    """Exits per year by reason, per scenario, with CIs."""
    w = words(lang)
    band = mean_band(exits_per_year(results), ["scenario", "reason"])
    order = [r for r in w["reasons"] if r in set(band["reason"])] + sorted(set(band["reason"]) - set(w["reasons"]))
    figure, axes = _figure()
    ax = axes[0, 0]
    _grouped_bars(ax, results, band, "reason", order, w["reasons"])
    ax.set_title(w["exits"])
    ax.set_ylabel(w["exits_y"])
    ax.legend(title=_legend_note(results, lang, bars=True), fontsize="small", title_fontsize="small")
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
    figure, axes = _figure()
    ax = axes[0, 0]
    band = km_band(results, curve)
    for label in results.labels:
        rows = band[band["scenario"] == label]
        months = rows["day"] / DAYS_PER_MONTH
        ax.step(months, rows["mean"], where="post", color=_colour(results, label), label=plain(label))
        ax.fill_between(months, rows["low"], rows["high"], step="post", color=_colour(results, label), alpha=0.25, lw=0)
    ax.set_title(w[curve])
    ax.set_xlabel(w[x_label])
    ax.set_ylabel(w[f"{curve}_y"])
    ax.set_ylim(0, 1)
    ax.legend(title=_legend_note(results, lang, km=True), fontsize="small", title_fontsize="small")
    return figure


def plot_time_to_exit(results: Results, lang: str = "en") -> Figure:
    return _plot_km(results, lang, "time_to_exit", "months_since_start")


def plot_time_to_return(results: Results, lang: str = "en") -> Figure:
    return _plot_km(results, lang, "time_to_return", "months_since_exit")


def plot_recidivism(results: Results, lang: str = "en") -> Figure:
    """Recidivism at 12 and 24 months, and exits to work against sustainable exits, with CIs."""
    w = words(lang)
    label_column = "label_nl" if lang == "nl" else "label"
    summary = results.summary.rename(columns={"ci_low": "low", "ci_high": "high"})
    figure, axes = _figure(9.0, 4.5, ncols=2)
    panels = [(["recidivism_12m", "recidivism_24m"], w["pct"]),
              (["exits_to_work_per_year", "sustainable_exits_per_year"], w["per_year"])]
    for ax, (outcomes, unit) in zip(axes[0], panels, strict=True):
        names = {o: _wrap(getattr(OUTCOMES[o], label_column), 28) for o in outcomes}
        _grouped_bars(ax, results, summary[summary["outcome"].isin(outcomes)], "outcome", outcomes, names)
        ax.set_ylabel(unit)
        ax.tick_params(axis="x", labelrotation=0)
    axes[0, 0].legend(title=_legend_note(results, lang, bars=True), fontsize="small", title_fontsize="small")
    figure.suptitle(w["recidivism"])
    return figure


def _wrap(text: str, width: int) -> str:
    import textwrap

    return "\n".join(textwrap.wrap(text, width))


def plot_ladder(results: Results, lang: str = "en") -> Figure:
    """Stacked shares of the stock on rungs 1–6 over time, mean over replications, per scenario."""
    w = words(lang)
    rungs = [f"rung_{r}" for r in range(1, 7)]
    table = _series(results, [*rungs, "stock"])
    wide = table.pivot_table(index=["scenario", "replication", "month"], columns="variable", values="value",
                             sort=False)
    shares = wide[rungs].div(wide["stock"], axis=0).groupby(level=["scenario", "month"], sort=False).mean()
    figure, axes = _figure(4.0 * len(results.labels) + 1.5, 4.5, ncols=len(results.labels), sharey=True)
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
    figure, axes = _figure(10.0, 0.45 * len(order) + 2.0, ncols=2, sharey=True)
    for ax, column, x_label in ((axes[0, 0], "wait_mean_days", w["wait"]),
                                (axes[0, 1], "utilisation", w["utilisation"])):
        band = mean_band(table[table["resource"].isin(order)], ["scenario", "resource"], column)
        _grouped_bars(ax, results, band, "resource", order, {}, horizontal=True)
        ax.set_xlabel(x_label)
    axes[0, 1].set_xlim(0, 1.05)
    _legend_below(figure, axes[0, 1], _legend_note(results, lang, bars=True))
    figure.suptitle(w["resources"])
    return figure


def plot_budgets(results: Results, lang: str = "en") -> Figure:
    """Each budget's month-end level over time (replenished each year), mean and CI per scenario."""
    w = words(lang)
    table = results.series[results.series["variable"].str.startswith("budget_")]
    budgets = list(dict.fromkeys(table["variable"]))
    figure, axes = _figure(8.0, 2.6 * max(1, len(budgets)) + 0.8, nrows=max(1, len(budgets)), sharex=True)
    for ax, budget in zip(axes[:, 0], budgets, strict=False):
        _shade_periods(ax, results, lang)
        band = mean_band(table[table["variable"] == budget], ["scenario", "month"])
        for label in results.labels:
            rows = band[band["scenario"] == label]
            dates = _months(rows)
            ax.plot(dates, rows["mean"], color=_colour(results, label), label=plain(label), drawstyle="steps-post")
            ax.fill_between(dates, rows["low"], rows["high"], color=_colour(results, label), alpha=0.25, lw=0,
                            step="post")
        ax.set_title(plain(budget.removeprefix("budget_")), fontsize="medium")
        ax.set_ylabel(w["budget_y"])
    axes[0, 0].legend(title=_legend_note(results, lang), fontsize="small", title_fontsize="small")
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
    figure, axes = _figure(11.0, 4.2, ncols=3, sharey=True)
    for ax, measure in zip(axes[0], measures, strict=True):
        _grouped_bars(ax, results, band[band["measure"] == measure], "group", groups, w["groups"], horizontal=True)
        ax.set_title(_wrap(w["measures"][measure], 30), fontsize="medium")
    _legend_below(figure, axes[0, -1], _legend_note(results, lang, bars=True))
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


def figure_bytes(figure: Figure, fmt: str, dpi: int = 110) -> bytes:
    buffer = io.BytesIO()
    figure.savefig(buffer, format=fmt, dpi=dpi, metadata={"Date": None} if fmt == "svg" else None)
    return buffer.getvalue()


def save_plots(results: Results, folder: str | os.PathLike[str], lang: str = "en",
               formats: Sequence[str] = ("png", "svg"), overwrite: bool = False) -> list[Path]:
    """Write every figure in every format into ``folder`` (new, or replaced with ``overwrite``), atomically."""
    import json

    from simulation.errors import ScenarioError
    from simulation.results.output import MANIFEST, provenance, staged_folder

    target = Path(folder)
    if (target / MANIFEST).is_file():
        try:
            kind = json.loads((target / MANIFEST).read_text()).get("kind")
        except ValueError:
            kind = None
        if kind != "plots":
            raise ScenarioError("holds results, not figures; figures are never written over results", file=str(target),
                                hint="leave out --out (figures go to RESULTS_DIR/plots) or choose a new folder")
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
