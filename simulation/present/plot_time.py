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
#: At most this many years labelled on a time axis (a four-character year every ~0.6 inch).
MOST_YEARS = 12
#: How grey the months outside the window are (the warm-up darker: it is the model settling in).
SHADE = {"warmup": 0.14, "follow_up": 0.07}
#: A label's width per character, in inches, at the "small" font (8.3 pt; DejaVu Sans averages
#: about 0.55 em a character, with room to spare): to wrap, or leave out, a name that would not
#: fit its period (a warm-up of two months).
INCH_PER_CHARACTER = 0.07


def month_periods(results: Results, label: str | None = None) -> pd.DataFrame:
    """One row per month of scenario ``label``'s run (by default the first scenario's):
    ``month`` (its first day as a date) and ``period``."""
    stock = results.series[(results.series["variable"] == "stock")
                           & (results.series["scenario"] == (label or results.labels[0]))]
    rows = stock.drop_duplicates("month")[["month", "period"]]
    return pd.DataFrame({"month": pd.to_datetime(rows["month"].astype(str) + "-01").to_numpy(),
                         "period": rows["period"].to_numpy()})


def windows_differ(results: Results) -> bool:
    """True when the scenarios' runs do not share one calendar of periods (another start or horizon)."""
    first = month_periods(results)
    return any(not month_periods(results, label).equals(first) for label in results.labels[1:])


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


def period_name(period: str, start: pd.Timestamp, end: pd.Timestamp, lang: str, whose: str = "") -> str:
    """"warm-up", "observation window 2017", "follow-up"; ``whose`` names the scenario when
    the scenarios' windows differ and only the first one's is marked."""
    if period == "observation":
        name = words(lang)["observation"].format(span=span_text(start, end - pd.offsets.MonthBegin(1)))
        return f"{name} ({whose})" if whose else name
    return words(lang)[period]


def mark_periods(ax: Any, results: Results, lang: str, names: bool = True, shade: bool = True,
                 label: str | None = None) -> None:
    """Shade warm-up and follow-up (or, over a filled area, not), draw the window's edges, and
    (``names``) name each period above ``ax``; the x-axis spans the runs' months exactly. A panel
    of one scenario (``label``) marks its own periods; a panel of several whose windows differ
    marks the first scenario's, and names it."""
    spans = period_spans(results, label)
    if not spans:
        return
    differ = windows_differ(results)
    _draw_periods(ax, spans, shade)
    ax.set_xlim(*_all_months(results))  # panels may share the x-axis
    if names or (label is not None and differ):  # a panel of its own calendar names it
        whose = results.labels[0].replace("$", r"\$") if label is None and differ else ""
        _name_periods(ax, spans, lang, whose)


def _draw_periods(ax: Any, spans: list[tuple[str, pd.Timestamp, pd.Timestamp]], shade: bool) -> None:
    for period, start, end in spans:
        if shade and period in SHADE:
            ax.axvspan(start, end, color="grey", alpha=SHADE[period], lw=0)
        if period == "observation":
            for edge in (start, end):
                ax.axvline(edge, color="0.3" if shade else "white", lw=1.0, ls="--")


def _all_months(results: Results) -> tuple[pd.Timestamp, pd.Timestamp]:
    """From the first day of the earliest run to the day after the latest run's last month."""
    every = [spans for spans in (period_spans(results, label) for label in results.labels) if spans]
    return min(spans[0][1] for spans in every), max(spans[-1][2] for spans in every)


def _name_periods(ax: Any, spans: list[tuple[str, pd.Timestamp, pd.Timestamp]], lang: str, whose: str) -> None:
    """The periods' names as tick labels of a second x-axis on top (no tick marks), one per
    period in its middle; a name wider than its period is left out (the shading still shows it)."""
    first, last = ax.get_xlim()
    width = ax.get_position().width * ax.figure.get_figwidth()  # inches, before the layout widens it
    positions, names = [], []
    for period, start, end in spans:
        room = (mdates.date2num(end) - mdates.date2num(start)) / (last - first) * width
        name = _fitted(period_name(period, start, end, lang, whose), room)
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
    """A labelled tick on 1 January (of every year, or every few in a long run: at most
    :data:`MOST_YEARS` labels), unlabelled ones each quarter: never crowded, never rotated."""
    first, last = ax.get_xlim()
    years = (last - first) / 365.25
    ax.xaxis.set_major_locator(mdates.YearLocator(base=max(1, math.ceil(years / MOST_YEARS))))
    ax.xaxis.set_major_formatter(mdates.DateFormatter("%Y"))
    ax.xaxis.set_minor_locator(mdates.MonthLocator(bymonth=(1, 4, 7, 10)))
