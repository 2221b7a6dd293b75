"""Warm-up analysis: how long the start-up transient lasts, from monthly tables already run.

The model starts with a stock drawn from a steady-state profile but with empty histories
(nobody has exited yet, so nobody can re-enter), so early months are biased. MSER-5 (White
1997; Hoad, Robinson & Davies 2010) picks the truncation that minimises the marginal standard
error of the remaining mean; Welch's moving average (Law & Kelton) is the picture to check it
by eye. Pure analysis: nothing here runs the model, and the plot is ``simulation.present.warmup``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from simulation.defaults import MSER_BATCH, WELCH_WINDOW

#: Months the statistics are allowed to see: follow-up only serves recidivism and is left out.
ANALYSED_PERIODS = ("warmup", "observation")
EXIT_PREFIX = "exits_"


@dataclass(frozen=True)
class MserResult:
    """MSER-5 on one series: the truncation and what it was chosen from."""

    truncation: int
    """Observations to delete from the start (a multiple of ``batch``)."""
    batch: int
    batches: int
    """Number of complete batch means ``k`` the statistic was computed on."""
    statistic: np.ndarray = field(repr=False)
    """MSER(d) for d = 0 .. k-2, in batch units."""
    second_half: bool
    """The overall minimum lies past k/2: the series is too short to trust the truncation.

    It cannot fire for k <= 4 (no d beyond k/2 is computed), and it also fires on pure
    noise (measured: almost half the series of 12 batches, a quarter of those of 50), where
    the last few MSER(d) rest on very few batch means; read it together with ``batches``.
    """


def mser_details(series: Sequence[float] | np.ndarray, batch: int = MSER_BATCH) -> MserResult:
    """MSER-``batch`` truncation of ``series``, with the statistic and the second-half flag.

    MSER(d) = sum_{j>d} (Y_j - mean_{j>d})^2 / (k-d)^2 over batch means Y_1..Y_k. It is
    computed for d <= k-2 only: with one batch left the sum is zero by construction, so the
    minimum would always sit at the very end. The truncation is the argmin over d <= k/2, as
    the standard rule asks; ``second_half`` says the unrestricted minimum lay beyond that.
    """
    values = np.asarray(series, dtype=float)
    if values.ndim != 1:
        raise ValueError(f"expected a one-dimensional series, got shape {values.shape}")
    if not np.all(np.isfinite(values)):
        raise ValueError("series holds NaN or infinite values")
    if batch < 1:
        raise ValueError(f"batch must be at least 1, got {batch}")
    k = len(values) // batch
    if k < 2:
        raise ValueError(f"series of {len(values)} observations is shorter than 2 batches of {batch}")
    means = values[: k * batch].reshape(k, batch).mean(axis=1)
    statistic = _marginal_errors(means)
    overall = int(np.argmin(statistic))
    allowed = k // 2  # d <= k/2
    best = int(np.argmin(statistic[: allowed + 1]))
    return MserResult(truncation=best * batch, batch=batch, batches=k, statistic=statistic,
                      second_half=overall > allowed)


def _marginal_errors(means: np.ndarray) -> np.ndarray:
    """MSER(d) for d = 0 .. k-2 from suffix sums, one pass instead of k."""
    centred = means - means.mean()  # keeps sum-of-squares minus square-of-sum from cancelling
    remaining = np.arange(len(means), 1, -1)  # k-d for d = 0 .. k-2
    total = np.cumsum(centred[::-1])[::-1][:-1]
    squares = np.cumsum((centred**2)[::-1])[::-1][:-1]
    deviations = np.maximum(squares - total**2 / remaining, 0.0)
    return deviations / remaining**2


def mser(series: Sequence[float] | np.ndarray, batch: int = MSER_BATCH) -> int:
    """MSER-``batch`` truncation point, in original observations (see :func:`mser_details`)."""
    return mser_details(series, batch).truncation


def welch_moving_average(mean_series: Sequence[float] | np.ndarray, window: int) -> np.ndarray:
    """Welch's moving average of an across-replication mean series (Law & Kelton).

    Point i (1-based) averages the 2w+1 points centred on it; for i <= w the window shrinks
    to the 2i-1 points that fit, so the start of the transient is not smeared away. The last
    w points have no symmetric window and are NaN, keeping the result aligned with the input.
    """
    values = np.asarray(mean_series, dtype=float)
    if values.ndim != 1:
        raise ValueError(f"expected a one-dimensional series, got shape {values.shape}")
    if window < 0:
        raise ValueError(f"window must be 0 or more, got {window}")
    m = len(values)
    if m - window < 1:
        raise ValueError(f"window {window} leaves no points of a series of {m}")
    cumulative = np.concatenate([[0.0], np.cumsum(values)])
    centre = np.arange(m - window)  # 0-based i-1
    half = np.minimum(centre, window)
    smoothed = np.full(m, np.nan)
    smoothed[: m - window] = (cumulative[centre + half + 1] - cumulative[centre - half]) / (2 * half + 1)
    return smoothed


@dataclass(frozen=True)
class WarmupSuggestion:
    """A suggested warm-up, per-series evidence, and the mean series it came from."""

    months: int
    days: float
    """Days since the start at the end of the last truncated month; 0 for no warm-up."""
    per_series: dict[str, int]
    """MSER truncation of each series, in months."""
    unreliable: bool
    """Some series had its MSER minimum in the second half: a longer horizon is needed."""
    unreliable_series: tuple[str, ...]
    replications: int
    batches: int
    """Batch means MSER saw per series; with 4 or fewer the second-half check cannot fire."""
    configured_months: int
    """Months the scenario itself labels warm-up, for comparison."""
    window: int
    means: pd.DataFrame = field(repr=False)
    """Per month: month, time, period, each series' mean and its Welch average (``<name>_welch``)."""

    @property
    def series(self) -> tuple[str, ...]:
        """The analysed series, in the order given."""
        return tuple(self.per_series)


def suggest_warmup(monthly_tables: Sequence[pd.DataFrame], series: Sequence[str] = ("stock", "outflow"),
                   batch: int = MSER_BATCH, window: int = WELCH_WINDOW) -> WarmupSuggestion:
    """Suggest a warm-up from replications' monthly tables: MSER-5 on the replication means.

    Only warm-up and observation months are used. ``outflow`` is the sum of the ``exits_*``
    columns; other names are taken from the table as they are. The suggestion is the longest
    truncation over the series, since every reported statistic must be past its transient.
    """
    if not monthly_tables:
        raise ValueError("no monthly tables given")
    means = _mean_series(monthly_tables, tuple(series))
    results = {}
    for name in series:
        try:
            results[name] = mser_details(means[name].to_numpy(), batch)
        except ValueError as error:
            raise ValueError(f"series {name!r}: {error}") from None
        means[f"{name}_welch"] = welch_moving_average(means[name].to_numpy(), min(window, len(means) - 1))
    months = max(result.truncation for result in results.values())
    return WarmupSuggestion(
        months=months,
        days=float(means["time"].iloc[months - 1]) if months else 0.0,
        per_series={name: result.truncation for name, result in results.items()},
        unreliable=any(result.second_half for result in results.values()),
        unreliable_series=tuple(name for name, result in results.items() if result.second_half),
        replications=len(monthly_tables),
        batches=next(iter(results.values())).batches,
        configured_months=int((means["period"] == "warmup").sum()),
        window=window,
        means=means,
    )


def _mean_series(tables: Sequence[pd.DataFrame], series: tuple[str, ...]) -> pd.DataFrame:
    """Replication means per month; the tables must describe the same months."""
    first = _analysed(tables[0])
    stacked = []
    for number, table in enumerate(tables):
        months = _analysed(table)
        if not months["month"].reset_index(drop=True).equals(first["month"].reset_index(drop=True)):
            raise ValueError(f"replication {number} covers other months than replication 0")
        stacked.append(np.column_stack([_column(months, name) for name in series]))
    means = first[["month", "time", "period"]].reset_index(drop=True)
    average = np.mean(stacked, axis=0)
    for position, name in enumerate(series):
        means[name] = average[:, position]
    return means


def _analysed(table: pd.DataFrame) -> pd.DataFrame:
    return table[table["period"].isin(ANALYSED_PERIODS)]


def _column(table: pd.DataFrame, name: str) -> np.ndarray:
    # Exit counts are only written for months with an exit of that reason (NaN otherwise),
    # and a reason no client took in a replication has no column at all: both mean zero.
    if name == "outflow":
        exits = [column for column in table.columns if column.startswith(EXIT_PREFIX)]
        return table[exits].fillna(0).sum(axis=1).to_numpy(dtype=float)
    if name not in table.columns:
        raise ValueError(f"monthly table has no column {name!r}")
    return table[name].fillna(0).to_numpy(dtype=float)
