"""The warm-up suggestion as people read it: a text (the length MSER-5 suggests, what the scenario
uses now, a warning when the series still drift or the run is too short to judge) and a figure
(each series' replication mean and Welch average, the suggested and the scenario's own warm-up marked)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from simulation import defaults
from simulation.defaults import WELCH_WINDOW
from simulation.experiments.warmup import WarmupSuggestion, welch_moving_average
from simulation.files import save_figure

if TYPE_CHECKING:
    from matplotlib.axes import Axes

PLOT_FORMATS = {".png": "png", ".svg": "svg"}
_LABELS = {"stock": "clients on benefit", "outflow": "exits per month"}


#: How to ask for a longer run, in scenario terms (the command line says it with its --set).
LONGER_RUN = "a longer run, e.g. clock.horizon: 6 years"


def format_warmup(suggestion: WarmupSuggestion, configured_days: float, longer_run: str = LONGER_RUN) -> str:
    """The suggestion, per series, against the scenario's ``clock.warmup`` of ``configured_days``."""
    per_series = ", ".join(f"{name} {months} months" for name, months in suggestion.per_series.items())
    lines = [f"suggested warm-up: {suggestion.months} months ({suggestion.days:.0f} days), the largest MSER-5 "
             f"truncation over the replication mean of each series ({per_series}; {suggestion.replications} replications)",
             f"the scenario now uses clock.warmup = {configured_days:.0f} days"]
    if suggestion.unreliable:
        lines.append(f"warning: {', '.join(suggestion.unreliable_series)} still drift(s) in the second half of the run, "
                     "so MSER-5 cannot settle; try a longer run (a larger clock.horizon)")
    elif suggestion.batches < defaults.MSER_MIN_BATCHES:
        lines.append(f"warning: only {suggestion.batches} batches of 5 months before follow-up; MSER-5 needs about "
                     f"{defaults.MSER_MIN_BATCHES} to tell a transient from noise; try {longer_run}")
    return "\n".join(lines)


def plot_warmup(suggestion: WarmupSuggestion, path: str | os.PathLike[str], window: int = WELCH_WINDOW,
                title: str | None = None) -> Path:
    """Plot each series' replication mean and Welch average with the suggested warm-up marked.

    The file (PNG or SVG, by suffix) is written beside its target and renamed into place, so
    an interrupted run never leaves half a picture under the real name.
    """
    # Figure without pyplot: no global figure registry or backend switch for the caller; imported
    # here so that importing the package stays light.
    from matplotlib.figure import Figure

    target = Path(path)
    fmt = PLOT_FORMATS.get(target.suffix.lower())
    if fmt is None:
        raise ValueError(f"{target}: unknown picture type {target.suffix!r}; use .png or .svg")
    if not target.parent.is_dir():
        raise FileNotFoundError(f"{target}: folder {target.parent} does not exist")
    means = suggestion.means
    x = np.arange(1, len(means) + 1)  # month i ends at i months since the start
    names = suggestion.series
    figure = Figure(figsize=(8, 2.6 * len(names) + 0.6), layout="constrained")
    axes = figure.subplots(len(names), 1, sharex=True, squeeze=False)[:, 0]
    smooth = min(window, len(means) - 1)
    for ax, name in zip(axes, names):
        ax.plot(x, means[name], color="0.6", linewidth=1, label=f"mean of {suggestion.replications} replications")
        ax.plot(x, welch_moving_average(means[name].to_numpy(), smooth), color="C0", linewidth=2,
                label=f"Welch moving average (w={smooth})")
        _mark(ax, suggestion)
        ax.set_ylabel(_LABELS.get(name, name))
        ax.grid(alpha=0.3)
    axes[0].legend(loc="best", fontsize="small")
    axes[-1].set_xlabel(f"months since start ({means['month'].iloc[0]})")
    axes[-1].set_xlim(0, len(means))
    figure.suptitle(title or "Warm-up (MSER-5)")
    save_figure(figure, target, fmt)
    return target


def _mark(ax: Axes, suggestion: WarmupSuggestion) -> None:
    ax.axvline(suggestion.months, color="C3", linestyle="--")
    label = f"warm-up {suggestion.months} months"
    if suggestion.unreliable:
        label += " (unreliable)"
    ax.text(suggestion.months, 0.97, f" {label}", color="C3", va="top",
            transform=ax.get_xaxis_transform(), fontsize="small")
    if suggestion.configured_months:
        ax.axvline(suggestion.configured_months, color="0.3", linestyle=":", linewidth=1)
        ax.text(suggestion.configured_months, 0.03, " scenario warm-up", color="0.3",
                transform=ax.get_xaxis_transform(), fontsize="small")

