"""Statistics shared by experiments and reports: t-intervals, paired differences, variance reduction,
and the Welch interval of two independent samples (arms of one experiment in one run)."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pandas as pd
from scipy import stats

from simulation.defaults import CONFIDENCE
from simulation.outcomes.definitions import OUTCOMES


def mean_ci(values: np.ndarray, confidence: float = CONFIDENCE) -> tuple[float, float, float, int]:
    """Mean, t-interval lower and upper bound, and n, over the finite values."""
    values = values[np.isfinite(values)]
    n = len(values)
    if n == 0:
        return math.nan, math.nan, math.nan, 0
    mean = float(values.mean())
    if n == 1:
        return mean, math.nan, math.nan, 1
    half = float(stats.t.ppf(0.5 + confidence / 2, n - 1) * values.std(ddof=1) / math.sqrt(n))
    return mean, mean - half, mean + half, n


def welch_interval(first: np.ndarray, other: np.ndarray, confidence: float = CONFIDENCE) -> tuple[float, float, float]:
    """Difference of means ``other − first`` of two independent samples, with a Welch t-interval
    (unequal variances, Welch–Satterthwaite degrees of freedom), over the finite values."""
    a, b = first[np.isfinite(first)], other[np.isfinite(other)]
    if len(a) == 0 or len(b) == 0:
        return math.nan, math.nan, math.nan
    diff = float(b.mean() - a.mean())
    if len(a) < 2 or len(b) < 2:
        return diff, math.nan, math.nan
    va, vb = float(a.var(ddof=1)) / len(a), float(b.var(ddof=1)) / len(b)
    if va + vb == 0.0:
        return diff, diff, diff
    df = (va + vb) ** 2 / (va * va / (len(a) - 1) + vb * vb / (len(b) - 1))
    half = float(stats.t.ppf(0.5 + confidence / 2, df) * math.sqrt(va + vb))
    return diff, diff - half, diff + half


def variance_ratio(first: np.ndarray, other: np.ndarray) -> float:
    """Var of the unpaired difference ÷ var of the paired one: how much common random numbers gained.

    Var(mean B − mean A) is (s²_A + s²_B)/n for independent runs and s²_(B−A)/n for paired
    runs; the ratio is how many times more replications independent runs would need.
    """
    both = np.isfinite(first) & np.isfinite(other)
    if both.sum() < 2:
        return math.nan
    a, b = first[both], other[both]
    paired = float(np.var(b - a, ddof=1))
    unpaired = float(np.var(a, ddof=1) + np.var(b, ddof=1))
    if paired == 0.0:
        return math.inf if unpaired > 0 else math.nan
    return unpaired / paired


def summarise(replications: pd.DataFrame, confidence: float = CONFIDENCE) -> pd.DataFrame:
    """One row per scenario and outcome: mean and CI, and the paired difference from the first scenario."""
    labels = list(dict.fromkeys(replications["scenario"]))
    wide = replications.pivot_table(index=["outcome", "replication"], columns="scenario", values="value",
                                    dropna=False, sort=False)
    rows = []
    for outcome in OUTCOMES:
        block = wide.loc[outcome]
        first = block[labels[0]].to_numpy(float)
        for label in labels:
            values = block[label].to_numpy(float)
            mean, low, high, n = mean_ci(values, confidence)
            row = {"scenario": label, "outcome": outcome, "label": OUTCOMES[outcome].label,
                   "label_nl": OUTCOMES[outcome].label_nl, "unit": OUTCOMES[outcome].unit,
                   "n": n, "mean": mean, "ci_low": low, "ci_high": high}
            if label == labels[0]:
                row.update(diff=math.nan, diff_low=math.nan, diff_high=math.nan, variance_ratio=math.nan)
            else:
                both = np.isfinite(first) & np.isfinite(values)
                diff, diff_low, diff_high, _ = mean_ci(values[both] - first[both], confidence)
                row.update(diff=diff, diff_low=diff_low, diff_high=diff_high,
                           variance_ratio=variance_ratio(first, values))
            rows.append(row)
    return pd.DataFrame(rows)


def contrast(columns: Sequence[np.ndarray], weights: Sequence[float], confidence: float = CONFIDENCE
             ) -> tuple[float, float, float, float, int]:
    """A paired contrast Σ wᵢ·xᵢ over replications: mean, t-interval, variance-reduction ratio, n.

    ``columns`` hold one outcome's per-replication values in each world, replication *i* of every
    world on the same seed. The ratio is Var(Σ wᵢ·x̄ᵢ) for independent runs, Σ wᵢ²·s²ᵢ, over the
    paired variance s²(Σ wᵢ·xᵢ): a difference of two worlds gives :func:`variance_ratio`, and the
    interaction of a 2 × 2 (weights +1, −1, −1, +1) the same for a difference of differences.
    """
    stacked = np.vstack([np.asarray(c, float) for c in columns])
    usable = np.isfinite(stacked).all(axis=0)
    values = np.asarray(weights, float) @ stacked[:, usable]
    mean, low, high, n = mean_ci(values, confidence)
    if n < 2:
        return mean, low, high, math.nan, n
    paired = float(np.var(values, ddof=1))
    unpaired = float(sum(w * w * np.var(row, ddof=1) for w, row in zip(weights, stacked[:, usable], strict=True)))
    if paired == 0.0:
        return mean, low, high, (math.inf if unpaired > 0 else math.nan), n
    return mean, low, high, unpaired / paired, n
