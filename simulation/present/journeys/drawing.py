"""The journey picture: one row per client, drawn lane by lane (benefit, team, trajectory, job,
wait, event) on a calendar axis with the warm-up shaded and the end of the window marked."""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from simulation.errors import ScenarioError
from simulation.present.journeys.clock import RunClock, run_clock
from simulation.present.journeys.labels import EXIT_REASON, TEXT, row_label
from simulation.present.journeys.legend import legend_handles
from simulation.present.journeys.sampling import sample_clients
from simulation.present.journeys.segments import journey_segments
from simulation.present.journeys.style import JOB_COLOURS, OTHER_JOB_COLOUR, Colours, colours
from simulation.present.journeys.views import spells_of
from simulation.results.run_tables import check_run_tables

if TYPE_CHECKING:
    from matplotlib.axes import Axes
    from matplotlib.figure import Figure

#: Rows one picture holds (about 85 inches tall); more are refused rather than drawn unreadably.
MAX_ROWS = 200  # assumption: beyond ~200 rows a timeline figure is no longer readable
#: Where the thin team and trajectory bars sit, above and below a row's benefit bar.
TEAM_OFFSET, TRAJECTORY_OFFSET = -0.37, 0.37
#: The order lanes are drawn in (later ones on top where they overlap).
DRAW_ORDER = ("benefit", "team", "trajectory", "wait", "job", "event")
#: Point events drawn as plain markers (exits have their own).
EVENT_MARKERS: tuple[tuple[str, dict[str, Any]], ...] = (
    ("placement", {"marker": "D", "color": "none", "markeredgecolor": "0.15", "markersize": 5}),
    ("reentry", {"marker": "^", "color": "black", "markersize": 7}),
    ("sanction", {"marker": "x", "color": "#d7191c", "markersize": 8, "markeredgewidth": 2}),
)


@dataclass(frozen=True)
class Picture:
    """The axes, the run's clock and the colours every lane is drawn with."""

    ax: Axes
    clock: RunClock
    colours: Colours
    lang: str

    @property
    def dates(self) -> bool:
        return self.clock.start is not None

    def x(self, days: Any) -> Any:
        """Days since the start as the axis reads them: a date, or years since the start."""
        if self.dates:
            from matplotlib.dates import date2num
            return date2num(self.clock.start) + np.asarray(days, dtype=float)
        return np.asarray(days, dtype=float) / 365.25

    def width(self, days: Any) -> Any:
        return np.asarray(days, dtype=float) if self.dates else np.asarray(days, dtype=float) / 365.25

    def bars(self, part: pd.DataFrame) -> list[tuple[Any, Any]]:
        """(x, width) of each row of ``part`` for ``broken_barh``."""
        return list(zip(self.x(part["start"].to_numpy()), self.width((part["end"] - part["start"]).to_numpy())))


def plot_journeys(tables: dict[str, pd.DataFrame], n: int = 20, seed: int = 0, lang: str = "en",
                  title: str | None = None, *, clients: Sequence[int] | None = None) -> Figure:
    """One row per client: benefit coloured by phase, with teams, trajectories, jobs and events.

    Clients come from :func:`sample_clients` (``n``, ``seed``) unless ``clients`` names them.
    Time runs in calendar dates from the run's start (years since start when the tables carry
    no timestamps) to its end; the warm-up is shaded and the end of the observation window
    marked. Per row: the benefit bar in the middle (colour = phase 1-5), jobs in the same place
    in green, team episodes in a thin bar above, trajectories in a thin bar below, waiting as a
    dotted line in those lanes; markers for sanctions (red x), re-entry (triangle), exit to work
    (star) and other exits (bar). ``lang`` "nl" gives Dutch labels. More than :data:`MAX_ROWS`
    clients is a :class:`ScenarioError`; fewer clients in the run than ``n`` draws them all. Returns a
    :class:`matplotlib.figure.Figure` (no pyplot state); save it with :func:`save_figure`.
    """
    from matplotlib.figure import Figure

    if lang not in TEXT:
        raise ValueError(f"lang must be one of {', '.join(TEXT)}, got {lang!r}")
    check_run_tables(tables)
    chosen = [int(c) for c in dict.fromkeys(clients)] if clients is not None else sample_clients(tables, n, seed)
    if len(chosen) > MAX_ROWS:
        raise ScenarioError(f"{len(chosen)} clients to draw; a journey plot shows at most {MAX_ROWS}",
                            hint="ask for fewer clients")
    segments = journey_segments(tables, chosen)
    figure = Figure(figsize=(13, 1.6 + 0.42 * max(len(chosen), 1)), layout="constrained")
    picture = Picture(figure.subplots(), run_clock(tables), colours(tables, segments), lang)
    labels = _draw_rows(picture, segments, chosen, tables)
    _draw_clock(picture)
    _draw_axes(picture, labels)
    picture.ax.legend(handles=legend_handles(segments, picture.colours, lang, 0.0), loc="upper left",
                      bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
    _titles(figure, picture, title, seed, len(chosen), tables, clients is None)
    return figure


def _draw_rows(picture: Picture, segments: pd.DataFrame, chosen: list[int], tables: dict[str, pd.DataFrame]) -> list[str]:
    """Every client's lanes, row ``i`` for the ``i``-th client; returns the row labels."""
    info = tables["clients"].set_index("client") if "clients" in tables else pd.DataFrame()
    by_client = dict(tuple(segments.groupby("client", sort=False)))
    labels = []
    for y, client in enumerate(chosen):
        mine = by_client.get(client, segments.iloc[:0])
        starts = mine.loc[mine["lane"] == "benefit", "start"]
        first = float(starts.min()) if len(starts) else None
        labels.append(row_label(client, info, picture.lang, first if first is not None and first < 0.0 else None,
                                picture.clock))
        for lane in DRAW_ORDER:
            LANE_DRAWERS[lane](picture, mine[mine["lane"] == lane], y)
    return labels


def _draw_benefit(picture: Picture, benefit: pd.DataFrame, y: int) -> None:
    """The benefit bar, coloured by phase, from the run's start; a marker if it began before."""
    left = 0.0
    visible = benefit[benefit["end"] > left]
    if len(visible):
        starts = np.maximum(visible["start"].to_numpy(), left)
        picture.ax.broken_barh(list(zip(picture.x(starts), picture.width(visible["end"].to_numpy() - starts))),
                               (y - 0.25, 0.5), facecolors=[picture.colours.phase[int(p)] for p in visible["phase"]],
                               edgecolor="none")
    if len(benefit) and benefit["start"].min() < left:
        picture.ax.plot(picture.x(left), y, marker="<", color="0.2", markersize=5, linestyle="none", clip_on=False)


def _draw_band(picture: Picture, part: pd.DataFrame, y: float) -> None:
    """Thin bars of team episodes or trajectories, centred on ``y``, in each one's colour."""
    if len(part):
        picture.ax.broken_barh(picture.bars(part), (y - 0.08, 0.16),
                               facecolors=[picture.colours.lane[k] for k in part["kind"]], edgecolor="none")


def _draw_team(picture: Picture, part: pd.DataFrame, y: int) -> None:
    _draw_band(picture, part, y + TEAM_OFFSET)


def _draw_trajectory(picture: Picture, part: pd.DataFrame, y: int) -> None:
    _draw_band(picture, part, y + TRAJECTORY_OFFSET)


def _draw_job(picture: Picture, jobs: pd.DataFrame, y: int) -> None:
    """Jobs over the benefit bar, hatched, green by job type."""
    if len(jobs):
        picture.ax.broken_barh(picture.bars(jobs), (y - 0.25, 0.5),
                               facecolors=[JOB_COLOURS.get(k, OTHER_JOB_COLOUR) for k in jobs["kind"]],
                               edgecolor="white", linewidth=0.5, hatch="///")


def _draw_wait(picture: Picture, waits: pd.DataFrame, y: int) -> None:
    """A dotted line in the team or trajectory lane the client waits for."""
    for wait in waits.itertuples(index=False):
        offset = TEAM_OFFSET if wait.kind in picture.colours.team_names else TRAJECTORY_OFFSET
        picture.ax.plot([picture.x(wait.start), picture.x(wait.end)], [y + offset] * 2, linestyle=":", linewidth=1.4,
                        color=picture.colours.lane.get(str(wait.kind), "0.5"))


def _draw_event(picture: Picture, points: pd.DataFrame, y: int) -> None:
    """Markers: placements, re-entries, sanctions; a star for an exit to work, a bar and the
    reason for any other exit."""
    ax, x = picture.ax, picture.x
    for kind, style in EVENT_MARKERS:
        part = points[points["kind"] == kind]
        if len(part):
            ax.plot(x(part["start"].to_numpy()), [y] * len(part), linestyle="none", **style)
    exits = points[points["kind"] == "exit"]
    work = exits[exits["detail"] == "work"]
    if len(work):
        ax.plot(x(work["start"].to_numpy()), [y] * len(work), linestyle="none", marker="*", markersize=11,
                color="#00a651", markeredgecolor="black", markeredgewidth=0.6)
    for exit_ in exits[exits["detail"] != "work"].itertuples(index=False):
        detail = str(exit_.detail)
        ax.plot(x(exit_.start), y, linestyle="none", marker="|", markersize=12, markeredgewidth=2, color="0.2")
        ax.annotate(EXIT_REASON[picture.lang].get(detail, detail), (x(exit_.start), y), xytext=(4, 0),
                    textcoords="offset points", va="center", fontsize=7, color="0.2")


#: One drawing function per lane of :data:`LANES`.
LANE_DRAWERS: dict[str, Callable[[Picture, pd.DataFrame, int], None]] = {
    "benefit": _draw_benefit, "team": _draw_team, "trajectory": _draw_trajectory, "job": _draw_job,
    "wait": _draw_wait, "event": _draw_event,
}


def _draw_clock(picture: Picture) -> None:
    """The warm-up shaded, the end of the observation window marked."""
    ax, x, clock, text, left = picture.ax, picture.x, picture.clock, TEXT[picture.lang], 0.0
    if clock.warmup > left:
        ax.axvspan(x(left), x(clock.warmup), color="0.93", zorder=0)
        ax.text(x((left + clock.warmup) / 2), 1.0, text["warmup"], ha="center", va="bottom", fontsize=8,
                color="0.35", transform=ax.get_xaxis_transform())
    if left < clock.horizon < clock.end:
        ax.axvline(x(clock.horizon), color="0.4", linestyle="--", linewidth=1, zorder=0)
        ax.text(x(clock.horizon), 1.0, f" {text['follow_up']} →", ha="left", va="bottom", fontsize=8, color="0.35",
                transform=ax.get_xaxis_transform())


def _draw_axes(picture: Picture, labels: list[str]) -> None:
    """One tick per client row; dates (or years since the start) along the bottom."""
    ax = picture.ax
    ax.set_ylim(max(len(labels), 1) - 0.45, -0.55)
    ax.set_xlim(picture.x(0.0), picture.x(picture.clock.end))
    ax.set_yticks(range(len(labels)), labels, fontsize=8)
    ax.tick_params(axis="y", length=0)
    for spine in ("top", "right", "left"):
        ax.spines[spine].set_visible(False)
    if picture.dates:
        from matplotlib.dates import AutoDateLocator, ConciseDateFormatter
        locator = AutoDateLocator()
        ax.xaxis.set_major_locator(locator)
        ax.xaxis.set_major_formatter(ConciseDateFormatter(locator))
    else:
        ax.set_xlabel(TEXT[picture.lang]["years"])
    ax.grid(axis="x", alpha=0.3)


def _titles(figure: Figure, picture: Picture, title: str | None, seed: int, shown: int,
            tables: dict[str, pd.DataFrame], sampled: bool) -> None:
    """The title, and for a sample how many of how many clients it shows."""
    text = TEXT[picture.lang]
    total = int(spells_of(tables)["client"].nunique())
    subtitle = f"{text['sampled'].format(k=shown, seed=seed)} {text['of'].format(total=total)}" if sampled else ""
    picture.ax.set_title(title or text["title"], loc="left", fontsize=12, pad=16)
    if subtitle:
        figure.suptitle(subtitle, x=0.99, ha="right", fontsize=8, color="0.35")


def save_figure(figure: Figure, path: str | os.PathLike[str], dpi: int = 130) -> Path:
    """Write ``figure`` as PNG, SVG or PDF (by suffix) atomically: never half a picture under the name."""
    from simulation.files import save_figure as save_atomically

    target = Path(path)
    fmt = {".png": "png", ".svg": "svg", ".pdf": "pdf"}.get(target.suffix.lower())
    if fmt is None:
        raise ScenarioError("must end in .png, .svg or .pdf", file=str(target))
    save_atomically(figure, target, fmt, dpi=dpi)
    return target
