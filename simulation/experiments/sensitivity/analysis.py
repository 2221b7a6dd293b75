"""Sensitivity indices of one output (SALib), and how much of the output is replication noise.

A simulation output is ``y = f(θ) + ε``: the parameter effect plus the luck of the replication.
The indices are computed on the mean of ``R`` replications per point, which divides the noise
variance by ``R``; what remains is *estimated and reported*, not assumed away:

- The ``points × replications`` table of an outcome is split as in a two-way analysis of
  variance without repetition: point effect + replication effect + residual. With common
  random numbers replication ``r`` has the same luck at every point; that shared part (the
  replication effect) shifts every point mean alike and cannot look like a parameter effect.
  Only the residual (point-specific luck) can. Its mean square ``MS_res`` estimates, without
  bias and whatever the correlation between points, the noise part of the spread of the point
  means: ``noise_variance = MS_res / R``. Dividing by the variance of the point means gives
  the **noise share** ("replication noise is 3% of the output variance"). For Sobol' it is
  what noise does to the indices: S1 is shrunk by the factor ``1 − share`` and a parameter
  that does nothing gets an ST of at most about the share.
- ``within_variance`` is the ordinary pooled within-point variance (the noise of one run);
  ``crn_gain = within_variance / MS_res`` is how much common random numbers reduced the noise
  that matters (without them, ``MS_res`` would be about ``within_variance``).
- Per parameter, ``noise_floor`` is the index a parameter with *that much noise and no effect*
  would get, estimated from the replications of the very pairs of points the estimator
  differences: for Morris ``√(2/π)·se`` with ``se`` the noise standard error of the parameter's
  elementary effects (from the spread over replications of each step's difference), for ST
  half the mean noise variance of the differences ``f(A) − f(AB_i)`` over the output variance.
  An index whose confidence interval lies above its floor is more than noise.

A "dummy" parameter (varied in the design, applied to nothing) is not used: under common random
numbers a point that differs only in the dummy *is* the same scenario with the same seeds, so
its runs are identical and its index is exactly zero; it would show nothing about noise. The
floors above are what a dummy would show if it disturbed the randomness as a real parameter
does, and they cost no runs.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from simulation.defaults import CONFIDENCE
from simulation.experiments.sensitivity.design import Design, design_seed, salib

RESAMPLES = 1000  # bootstrap resamples for the intervals: cheap, and steadier than SALib's default 100
INDEX_COLUMNS = ["outcome", "parameter", "index", "value", "conf_low", "conf_high", "noise_floor"]


# --- noise ----------------------------------------------------------------------------------


def replication_noise(values: np.ndarray) -> dict[str, float]:
    """How much of the spread of the point means is replication noise; ``values`` is points × replications.

    Two-way decomposition without repetition: ``y[p, r] = μ + a_p + b_r + e_pr``. ``b_r`` is the
    luck replication ``r`` shares across points (common random numbers), which moves every point
    mean alike; ``MS_res = Σ e² / ((P−1)(R−1))`` estimates the point-specific luck, and
    ``MS_res / R`` its contribution to the variance of the point means (unbiased whatever the
    correlation between points). ``noise_share`` = that ÷ the variance of the point means,
    capped at 1: when the parameters do almost nothing the estimate can exceed the total by
    chance, and then the outcome is all noise at these settings (add replications or widen ranges).
    """
    y = np.asarray(values, dtype=float)
    points, reps = y.shape
    means = y.mean(axis=1)
    rounding = _rounding(y)
    total = _clean(float(np.var(means, ddof=1)), rounding) if points > 1 else math.nan
    within = _clean(float(np.var(y, axis=1, ddof=1).mean()), rounding) if reps > 1 else math.nan
    if points > 1 and reps > 1:
        residual = y - means[:, None] - y.mean(axis=0)[None, :] + y.mean()
        ms_res = _clean(float((residual ** 2).sum() / ((points - 1) * (reps - 1))), rounding)
    else:
        ms_res = math.nan
    noise = ms_res / reps
    share = min(1.0, noise / total) if total > 0 else math.nan
    gain = within / ms_res if ms_res > 0 else (math.inf if within > 0 else math.nan)
    return {"points": points, "reps": reps, "total_variance": total, "noise_variance": noise,
            "noise_share": share, "within_variance": within, "crn_gain": gain}


def _rounding(y: np.ndarray) -> float:
    """A variance this small is floating-point rounding of numbers the size of ``y``, not noise."""
    scale = float(np.nanmax(np.abs(y))) if y.size else 0.0
    return 100 * (np.finfo(float).eps * scale) ** 2


def _clean(variance: float, rounding: float) -> float:
    return 0.0 if abs(variance) <= rounding else variance


def _noise_floors(design: Design, y: np.ndarray) -> np.ndarray:
    """Per parameter: the index a parameter with its noise and no effect would get (see module doc)."""
    if y.ndim == 1 or y.shape[1] < 2:
        return np.full(len(design.ranges), math.nan)
    if design.method == "morris":
        return _morris_floors(design, y)
    return _sobol_floors(design, y)


def _morris_floors(design: Design, y: np.ndarray) -> np.ndarray:
    """√(2/π) × the noise standard error of each parameter's elementary effects."""
    k = len(design.ranges)
    reps = y.shape[1]
    rounding = _rounding(y)
    floors = np.full(k, math.nan)
    widths = np.array([r.hi - r.lo for r in design.ranges.values()])
    steps: list[list[float]] = [[] for _ in range(k)]
    size = k + 1
    for start in range(0, len(design.latent), size):
        for i in range(start, start + k):
            moved = np.abs(design.latent[i + 1] - design.latent[i])
            j = int(np.argmax(moved))
            delta = moved[j] / widths[j]  # the step as a share of the range, as SALib's elementary effects use
            noise_var = _clean(float(np.var(y[i + 1] - y[i], ddof=1)), rounding) / reps
            steps[j].append(noise_var / delta ** 2)
    for j in range(k):
        if steps[j]:
            floors[j] = math.sqrt(2 / math.pi) * math.sqrt(float(np.mean(steps[j])))
    return floors


def _sobol_floors(design: Design, y: np.ndarray) -> np.ndarray:
    """Half the mean noise variance of the differences f(A) − f(AB_i), over the output variance."""
    k = len(design.ranges)
    reps = y.shape[1]
    rounding = _rounding(y)
    floors = np.full(k, math.nan)
    size = k + 2
    means = y.mean(axis=1)
    a, b = means[0::size], means[size - 1::size]
    variance = _clean(float(np.var(np.r_[a, b])), rounding)
    for j in range(k):
        differences = y[0::size] - y[j + 1::size]
        noise_var = np.where(np.var(differences, axis=1, ddof=1) <= rounding, 0.0,
                             np.var(differences, axis=1, ddof=1)) / reps
        floors[j] = 0.5 * float(noise_var.mean()) / variance if variance > 0 else math.nan
    return floors


# --- the analysis ---------------------------------------------------------------------------


def analyse(design: Design, y: np.ndarray, outcome: str = "y", *, confidence: float = CONFIDENCE,
            resamples: int = RESAMPLES) -> pd.DataFrame:
    """Sensitivity indices of one output: tidy rows (outcome, parameter, index, value, conf_low,
    conf_high, noise_floor). ``y`` has one value per design point, or points × replications
    (then the replication mean is analysed and the noise floors are estimated)."""
    y = np.asarray(y, dtype=float)
    if y.shape[0] != len(design.latent):
        raise ValueError(f"{y.shape[0]} outputs for {len(design.latent)} design points")
    means = y if y.ndim == 1 else y.mean(axis=1)
    _, sobol_analyze, _, morris_analyze = salib()
    floors = _noise_floors(design, y)
    seed = design_seed(design.seed)
    rows = []
    if design.method == "sobol":
        result = sobol_analyze.analyze(design.problem, means, calc_second_order=False, num_resamples=resamples,
                                       conf_level=confidence, seed=seed)
        for j, name in enumerate(design.parameters):
            for index in ("S1", "ST"):
                value, conf = float(result[index][j]), float(result[f"{index}_conf"][j])
                rows.append((outcome, name, index, value, value - conf, value + conf,
                             floors[j] if index == "ST" else math.nan))
    else:
        result = morris_analyze.analyze(design.problem, design.latent, means, num_resamples=resamples,
                                        conf_level=confidence, num_levels=design.levels, seed=seed)
        for j, name in enumerate(design.parameters):
            value, conf = float(result["mu_star"][j]), float(result["mu_star_conf"][j])
            rows.append((outcome, name, "mu_star", value, value - conf, value + conf, floors[j]))
            rows.append((outcome, name, "sigma", float(result["sigma"][j]), math.nan, math.nan, math.nan))
            rows.append((outcome, name, "mu", float(result["mu"][j]), math.nan, math.nan, math.nan))
    return pd.DataFrame(rows, columns=INDEX_COLUMNS)
