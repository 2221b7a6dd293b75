"""Time axes of the figures: a tick per year, and the three periods of a run marked and named.

The headline outcomes count only the observation window; warm-up (before) and follow-up
(after) are shaded grey, the window's edges drawn as dashed lines, and each period named above
the panel ("warm-up", "observation window 2017", "follow-up"), so a reader sees which months a
number in the report is about.
"""

from __future__ import annotations

import math
from typing import Any

import matplotlib.dates as mdates
import pandas as pd

from simulation.present.plot_style import wrap
from simulation.present.plot_text import words
from simulation.results.collection import Results

PERIODS = ("warmup", "observation", "follow_up")
#: How grey the months outside the window are (the warm-up darker: it is the model settling in).
SHADE = {"warmup": 0.14, "follow_up": 0.07}
#: A label's width per character, in inches, at the "small" font (8.3 pt; DejaVu Sans averages
#: about 0.55 em a character, with room to spare): to wrap, or leave out, a name that would not
#: fit its period (a warm-up of two months).
INCH_PER_CHARACTER = 0.07


def month_periods(results: Results, label: str | None = None) -> pd.DataFrame:
    """One row per month of the run: ``month`` (its first day as a date) and ``period``."""
    stock = results.series[results.series["variable"] == "stock"]
    if label is not None:
        stock = stock[stock["scenario"] == label]
    rows = stock.drop_duplicates("month")[["month", "period"]]
    return pd.DataFrame({"month": pd.to_datetime(rows["month"].astype(str) + "-01").to_numpy(),
                         "period": rows["period"].to_numpy()})


def span_text(first: pd.Timestamp, last: pd.Timestamp) -> str:
    """The months ``first`` to ``last`` (first days) in few characters: 2017, 2017–2018, 2017-03 – 2018-02."""
    if first.month == 1 and last.month == 12:
        return str(first.year) if first.year == last.year else f"{first.year}–{last.year}"
    return f"{first:%Y-%m} – {last:%Y-%m}"


def period_spans(results: Results, label: str | None = None) -> list[tuple[str, pd.Timestamp, pd.Timestamp]]:
    """(period, start, end) of each period present: start is the first day of its first month,
    end the first day after its last month."""
    table = month_periods(results, label)
    spans = []
    for period in PERIODS:
        months = table.loc[table["period"] == period, "month"]
        if len(months):
            spans.append((period, months.min(), months.max() + pd.offsets.MonthBegin(1)))
    return spans


def period_name(period: str, start: pd.Timestamp, end: pd.Timestamp, lang: str) -> str:
    if period == "observation":
        return words(lang)["observation"].format(span=span_text(start, end - pd.offsets.MonthBegin(1)))
    return words(lang)[period]


def mark_periods(ax: Any, results: Results, lang: str, names: bool = True, shade: bool = True,
                 label: str | None = None) -> None:
    """Shade warm-up and follow-up (or, over a filled area, not), draw the window's edges, and
    (``names``) name each period above ``ax``; the x-axis spans the run's months exactly."""
    spans = period_spans(results, label)
    if not spans:
        return
    for period, start, end in spans:
        if shade and period in SHADE:
            ax.axvspan(start, end, color="grey", alpha=SHADE[period], lw=0)
        if period == "observation":
            for edge in (start, end):
                ax.axvline(edge, color="0.3" if shade else "white", lw=1.0, ls="--")
    ax.set_xlim(spans[0][1], spans[-1][2])
    if names:
        _name_periods(ax, spans, lang)


def _name_periods(ax: Any, spans: list[tuple[str, pd.Timestamp, pd.Timestamp]], lang: str) -> None:
    """The periods' names as tick labels of a second x-axis on top (no tick marks), one per
    period in its middle; a name wider than its period is left out (the shading still shows it)."""
    first, last = spans[0][1], spans[-1][2]
    width = ax.get_position().width * ax.figure.get_figwidth()  # inches, before the layout widens it
    positions, names = [], []
    for period, start, end in spans:
        room = (end - start) / (last - first) * width
        name = _fitted(period_name(period, start, end, lang), room)
        if name:
            positions.append(mdates.date2num(start + (end - start) / 2))
            names.append(name)
    top = ax.secondary_xaxis("top")
    top.set_xticks(positions, names, fontsize="small", color="0.25")
    top.tick_params(axis="x", length=0, pad=2)


def _fitted(name: str, room: float) -> str | None:
    """``name`` on one line, or on two, if it fits ``room`` inches; else None."""
    for lines in (1, 2):
        text = wrap(name, math.ceil(len(name) / lines)) if lines > 1 else name
        if max(len(line) for line in text.split("\n")) * INCH_PER_CHARACTER <= room:
            return text
    return None


def year_axis(ax: Any) -> None:
    """A labelled tick on each 1 January, unlabelled ones each quarter: never crowded, never rotated."""
    ax.xaxis.set_major_locator(mdates.YearLocator())
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    ax.xaxis.set_minor_locator(mdates.MonthLocator(bymonth=(1, 4, 7, 10)))
