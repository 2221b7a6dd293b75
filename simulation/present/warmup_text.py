"""The warm-up suggestion as text: the length MSER-5 suggests, what the scenario uses now, and a
warning when the series still drift or the run is too short to judge."""

from __future__ import annotations

from typing import TYPE_CHECKING

from simulation import defaults

if TYPE_CHECKING:
    from simulation.experiments.warmup import WarmupSuggestion

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
