"""What every figure shares: colours per scenario and per ladder rung, the mean and confidence
band over replications, grouped bars, legend notes, one legend under the panels and the title
above them, and figures made without pyplot (so nothing global is touched)."""

from __future__ import annotations

import io
import textwrap
from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd
from matplotlib import colormaps
from matplotlib.figure import Figure

from simulation.defaults import CONFIDENCE
from simulation.present.plot_text import words
from simulation.results.collection import Results

COLOURS = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"]
#: Rungs 1-6 of the participation ladder: viridis from its dark end to 0.85, short of its pale
#: yellow, so the lightest rung stands 1.7:1 against white (the old rung 1 was 1.1:1, nearly
#: white) and each rung at least 1.45:1 against its neighbour: the order reads in greyscale too.
RUNG_COLOURS = [colormaps["viridis"](x) for x in np.linspace(0.0, 0.85, 6)]
#: Inches a character of a tick label takes at the default 10 pt (DejaVu Sans: about 0.55 em,
#: rounded up), to wrap category names to the width of their group of bars.
INCH_PER_CHARACTER = 0.085


def mean_band(table: pd.DataFrame, keys: Sequence[str], value: str = "value") -> pd.DataFrame:
    """Per group: mean, t-based CI over replications (NaN with one), and n; NaN values are left out."""
    from scipy import stats

    grouped = table.dropna(subset=[value]).groupby(list(keys), sort=False)[value]
    out = grouped.agg(mean="mean", sd="std", n="count").reset_index()
    half = stats.t.ppf(0.5 + CONFIDENCE / 2, np.maximum(out["n"] - 1, 1)) * out["sd"] / np.sqrt(out["n"])
    out["low"] = np.where(out["n"] > 1, out["mean"] - half, np.nan)
    out["high"] = np.where(out["n"] > 1, out["mean"] + half, np.nan)
    return out


def months(table: pd.DataFrame) -> pd.Series:
    """The ``month`` column (``2016-01``) as the first day of each month."""
    return pd.to_datetime(table["month"].astype(str) + "-01")


def series(results: Results, variable: str | Sequence[str]) -> pd.DataFrame:
    names = [variable] if isinstance(variable, str) else list(variable)
    return results.series[results.series["variable"].isin(names)]


def legend_note(results: Results, lang: str, km: bool = False, bars: bool = False) -> str:
    """What the bands or error bars mean: a CI over replications, Greenwood's for one run, or none."""
    if results.reps > 1:
        return words(lang)["bars_reps" if bars else "band_reps"].format(n=results.reps)
    return words(lang)["band_single"] if km else words(lang)["single"]


def legend_below(figure: Figure, ax: Any, title: str) -> None:
    """One legend under the panels, where it cannot cover a bar or a line; its entries are those
    of ``ax``, or of every panel in ``ax`` when it is a list (each name once)."""
    handles, labels = [], []
    for panel in ax if isinstance(ax, list) else [ax]:
        for handle, label in zip(*panel.get_legend_handles_labels(), strict=True):
            if label not in labels:
                handles.append(handle)
                labels.append(label)
    figure.legend(handles, labels, loc="outside lower center", ncols=min(4, len(labels)), title=title,
                  fontsize="small", title_fontsize="small")


def finish(figure: Figure, title: str, ax: Any, legend_title: str, note: str | None = None) -> Figure:
    """The title above the panels, ``ax``'s legend under them, and a note (why the panels are
    split or show rates) in the legend's title, where the layout keeps room for it."""
    figure.suptitle(title)
    if note:
        legend_title = f"{wrap(plain(note), 110)}\n{legend_title}"
    legend_below(figure, ax, legend_title)
    return figure


def plain(text: str) -> str:
    """A name as matplotlib should draw it: literally (a '$' would start mathematical notation)."""
    return str(text).replace("$", r"\$")


def colour(results: Results, label: str) -> str:
    """A scenario's colour, the same in every figure."""
    return COLOURS[results.labels.index(label) % len(COLOURS)]


def new_figure(width: float = 8.0, height: float = 4.5, ncols: int = 1, nrows: int = 1, **options: Any) -> tuple[Figure, Any]:
    """A figure of ``nrows`` × ``ncols`` panels (always a 2-D array of axes)."""
    figure = Figure(figsize=(width, height), layout="constrained")
    axes = figure.subplots(nrows, ncols, squeeze=False, **options)
    return figure, axes


def grouped_bars(ax: Any, results: Results, band: pd.DataFrame, category: str, order: Sequence[str],
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
        bar(offset, rows["mean"], width, color=colour(results, label), label=plain(label),
            **({"xerr": error} if horizontal else {"yerr": error}), capsize=2)
    ticks = [plain(names.get(c, c)) for c in order]
    if horizontal:
        ax.set_yticks(positions, ticks)
        ax.invert_yaxis()
    else:  # horizontal text, wrapped to its group's width: rotated labels run into each other's boxes
        room = ax.get_position().width * ax.figure.get_figwidth() / max(1, len(order))
        ax.set_xticks(positions, [wrap(t, max(6, int(room / INCH_PER_CHARACTER))) for t in ticks])


def wrap(text: str, width: int) -> str:
    """``text`` on lines of at most ``width`` characters (a longer word keeps its own line)."""
    return "\n".join(textwrap.wrap(text, width, break_long_words=False, break_on_hyphens=False)) or text


def figure_bytes(figure: Figure, fmt: str, dpi: int = 110) -> bytes:
    """The figure as a file's bytes; an SVG carries no date, so the same figure gives the same bytes."""
    buffer = io.BytesIO()
    figure.savefig(buffer, format=fmt, dpi=dpi, metadata={"Date": None} if fmt == "svg" else None)
    return buffer.getvalue()
