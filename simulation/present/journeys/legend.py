"""The legend of a journey picture: the whole phase scale, then only what is on the picture
(teams, trajectories, job types, markers)."""

from __future__ import annotations

from typing import Any

import pandas as pd

from simulation.present.journeys.labels import JOB_TYPE, TEXT
from simulation.present.journeys.style import JOB_COLOURS, OTHER_JOB_COLOUR, Colours


def legend_handles(segments: pd.DataFrame, colours: Colours, lang: str, left: float) -> list[Any]:
    """Phases, teams, trajectories, jobs and markers, in that order."""
    from matplotlib.patches import Patch

    text = TEXT[lang]
    lane = segments["lane"]
    # the whole phase scale, so pictures of different samples read alike; "not assessed" only if drawn
    shown_phases = sorted({1, 2, 3, 4, 5} | ({0} & {int(p) for p in segments.loc[lane == "benefit", "phase"]}))
    handles: list[Any] = [Patch(facecolor=colours.phase[p], label=f"{text['phase']} {p}" if p else text["not_assessed"])
                          for p in shown_phases]
    handles += [Patch(facecolor=c, label=name) for name, c in colours.team.items()]
    handles += [Patch(facecolor=c, label=f"{text['trajectory']}: {name}") for name, c in colours.trajectory.items()]
    job_kinds = sorted(set(segments.loc[lane == "job", "kind"]))
    handles += [Patch(facecolor=JOB_COLOURS.get(k, OTHER_JOB_COLOUR), hatch="///", edgecolor="white",
                      label=f"{text['job']} ({JOB_TYPE[lang].get(k, k)})") for k in job_kinds]
    return handles + _markers(segments, text, left)


def _markers(segments: pd.DataFrame, text: dict[str, str], left: float) -> list[Any]:
    """The line and marker entries of what the picture shows."""
    from matplotlib.lines import Line2D

    lane = segments["lane"]
    kinds = set(segments.loc[lane == "event", "kind"])
    exit_details = set(segments.loc[(lane == "event") & (segments["kind"] == "exit"), "detail"])
    markers = [
        (len(segments[lane == "wait"]) > 0,
         Line2D([], [], color="0.4", linestyle=":", linewidth=1.4, label=text["waiting"])),
        ("sanction" in kinds, Line2D([], [], color="#d7191c", marker="x", linestyle="none", markersize=8,
                                     markeredgewidth=2, label=text["sanction"])),
        ("reentry" in kinds, Line2D([], [], color="black", marker="^", linestyle="none", label=text["reentry"])),
        ("work" in exit_details, Line2D([], [], color="#00a651", marker="*", markersize=11, markeredgecolor="black",
                                        markeredgewidth=0.6, linestyle="none", label=text["exit_work"])),
        (bool(exit_details - {"work"}), Line2D([], [], color="0.2", marker="|", markersize=12, markeredgewidth=2,
                                               linestyle="none", label=text["exit_other"])),
        ("placement" in kinds, Line2D([], [], color="none", marker="D", markeredgecolor="0.15", linestyle="none",
                                      label=text["placement"])),
        (any(segments.loc[lane == "benefit", "start"] < left),
         Line2D([], [], color="0.2", marker="<", linestyle="none", label=text["before"])),
    ]
    return [handle for show, handle in markers if show]
