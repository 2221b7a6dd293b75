"""The warm-up figure: each series' replication mean and Welch average, with the suggested
warm-up (MSER-5, ``simulation.experiments.warmup``) and the scenario's own warm-up marked."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from simulation.defaults import WELCH_WINDOW
from simulation.experiments.warmup import WarmupSuggestion, welch_moving_average
from simulation.files import save_figure

if TYPE_CHECKING:
    from matplotlib.axes import Axes

PLOT_FORMATS = {".png": "png", ".svg": "svg"}
_LABELS = {"stock": "clients on benefit", "outflow": "exits per month"}


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

