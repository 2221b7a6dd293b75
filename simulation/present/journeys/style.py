"""The colours of a journey picture: phases on a blue scale, a fixed colour per known team, and
trajectories and jobs from their own palettes."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pandas as pd

from simulation.present.journeys.views import resource_kinds

TEAM_COLOURS = {"wijkteam": "#e66101", "netwerkconsulent": "#7b3294", "homecoach": "#d01c8b"}
EXTRA_TEAM_COLOURS = ("#b35806", "#c51b7d", "#542788")
TRAJECTORY_COLOURS = ("#1b9e77", "#a6761d", "#e6ab02", "#66a61e", "#e7298a", "#7570b3", "#666666", "#17becf",
                      "#bcbd22", "#8c564b")
JOB_COLOURS = {"stable": "#006d2c", "flex": "#41ab5d", "subsidised": "#a1d99b", "secondment": "#238b45",
               "basisbaan": "#74c476"}
OTHER_JOB_COLOUR = "#31a354"
PHASE_CMAP = "Blues"

#: A colour as matplotlib takes it: a name or hex text, or RGBA (what a colormap gives)
Colour = str | tuple[float, float, float, float]


@dataclass(frozen=True)
class Colours:
    """Colour by phase (0 = not assessed), by team and by trajectory; ``lane`` holds both."""

    phase: dict[int, Colour]
    team: dict[str, str]
    trajectory: dict[str, str]
    lane: dict[str, str]
    team_names: set[str]


def colours(tables: dict[str, pd.DataFrame], segments: pd.DataFrame) -> Colours:
    """The colours of the teams and trajectories these segments show (sorted by name)."""
    from matplotlib import colormaps

    cmap = colormaps[PHASE_CMAP]
    phase_colour: dict[int, Colour] = {p: cmap(0.25 + 0.17 * (p - 1)) for p in range(1, 6)}
    phase_colour[0] = "#d9d9d9"
    teams = segments.loc[segments["lane"] == "team", "kind"].tolist() + \
        segments.loc[(segments["lane"] == "wait"), "kind"].tolist()
    team_names, trajectory_names = resource_kinds(tables)
    team_colour = _colour_map([t for t in teams if t in team_names], TEAM_COLOURS, EXTRA_TEAM_COLOURS)
    trajectory_colour = _colour_map(segments.loc[segments["lane"].isin(["trajectory", "wait"]), "kind"]
                                    .loc[lambda s: s.isin(trajectory_names)], {}, TRAJECTORY_COLOURS)
    return Colours(phase_colour, team_colour, trajectory_colour, {**trajectory_colour, **team_colour}, team_names)


def _colour_map(names: Iterable[str], fixed: dict[str, str], palette: Sequence[str]) -> dict[str, str]:
    colours, spare = {}, iter(palette)
    for name in sorted(set(names)):
        colours[name] = fixed.get(name) or next(spare, "#999999")
    return colours
