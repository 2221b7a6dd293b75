"""Scenarios of different sizes in one figure. A city of 7,200 clients has more exits, sanctions
and budget than one of 5,800 under the same policy; drawn on one axis, the difference in size
reads as a difference in policy (issue 12). When the compared scenarios' average stock differs
by more than :data:`SIZE_DIFFERENCE`, figures of counts show them per 1,000 clients on benefit
(each replication divided by its own average stock) or give each scenario a panel with its own
scale, and say which in a note."""

from __future__ import annotations

import pandas as pd

from simulation.outcomes.definitions import SIZE_DIFFERENCE
from simulation.outcomes.definitions import sizes_differ as stocks_differ
from simulation.present.plot_format import grouped
from simulation.present.plot_text import words
from simulation.results.collection import Results
from simulation.scenario.intensity import PER_CLIENTS

__all__ = ["SIZE_DIFFERENCE", "PER_CLIENTS", "average_stocks", "sizes", "sizes_differ", "per_thousand", "size_note"]



def average_stocks(results: Results) -> pd.Series:
    """Per (scenario, replication): the average stock on benefit over the observation window."""
    rows = results.replications[results.replications["outcome"] == "average_stock"]
    return rows.set_index(["scenario", "replication"])["value"]


def sizes(results: Results) -> dict[str, float]:
    """Per scenario: its average stock, the mean over replications."""
    means = average_stocks(results).groupby(level="scenario", sort=False).mean()
    return {label: float(means[label]) for label in results.labels if label in means.index}


def sizes_differ(results: Results) -> bool:
    """True when the largest scenario's average stock exceeds the smallest's by more than :data:`SIZE_DIFFERENCE`."""
    return stocks_differ(list(sizes(results).values()))


def per_thousand(results: Results, table: pd.DataFrame, value: str = "value") -> pd.DataFrame:
    """``table`` (with scenario and replication columns) with ``value`` per 1,000 clients on
    benefit: divided by that replication's average stock, times 1,000."""
    stock = average_stocks(results)
    keys = pd.MultiIndex.from_frame(table[["scenario", "replication"]])
    divisor = stock.reindex(keys).to_numpy() / PER_CLIENTS
    return table.assign(**{value: table[value].to_numpy() / divisor})


def size_note(results: Results, lang: str, how: str) -> str:
    """The sentence a figure carries when sizes differ; ``how`` is "rates" or "panels"."""
    shown = "; ".join(f"{label} {grouped(stock, 0, lang)}" for label, stock in sizes(results).items())
    return words(lang)[f"sizes_{how}"].format(sizes=shown)
