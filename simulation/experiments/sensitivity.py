"""Global sensitivity analysis: which parameters move an outcome, and by how much (SALib).

``sensitivity(scenario, params, method, n, reps)`` samples the ranges given as ``key=lo:hi``
(``simulation.experiments.design.parse_ranges``, so units work: ``"1 months:3 months"``), runs every design
point ``reps`` times through ``simulation.experiments.sweep`` (workers, Dask, the result store
and resuming all apply; every point uses the same replication seeds, i.e. common random
numbers), and analyses the replication mean per point with

- **Sobol'** (Saltelli sampling, ``SALib.sample.sobol`` / ``SALib.analyze.sobol``, first and
  total order only): S1 (the share of the output variance a parameter explains alone) and ST
  (including all its interactions), each with a bootstrap confidence interval. ``n`` is the
  base sample, a power of 2; the design has ``n × (k + 2)`` points for ``k`` parameters.
- **Morris** (``SALib.sample.morris`` / ``SALib.analyze.morris``): μ* (mean absolute
  elementary effect, in the outcome's own unit per whole range of the parameter) with its
  bootstrap interval, σ (spread of the effects: non-linearity or interactions) and μ.
  ``n`` is the number of trajectories; the design has ``n × (k + 1)`` points.

A range whose bounds are whole numbers gives whole numbers (staff, slots). For Sobol' the
uniform variable on ``[lo − ½, hi + ½)`` is rounded, so every whole number is equally likely
(as ``design.lhs_points`` does); for Morris the grid on ``[lo, hi]`` is rounded, so the
lowest and highest levels are the bounds themselves. SALib sees the continuous variable; the
model sees the whole number. Design points that coincide after rounding are run once.

Replication noise and parameter effects
---------------------------------------
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

SALib is an optional dependency (``pip install 'meedoen[sensitivity]'``), imported only when an
analysis runs.
"""

from __future__ import annotations

import json
import math
import os
import re
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from simulation.defaults import CONFIDENCE, SENSITIVITY_N, SENSITIVITY_REPS
from simulation.errors import ScenarioError
from simulation.experiments.design import Range, parse_ranges, point_overrides
from simulation.outcomes.headline import OUTCOMES

__all__ = [
    "DEFAULT_N",
    "DEFAULT_OUTCOMES",
    "DEFAULT_REPS",
    "METHODS",
    "Design",
    "SensitivityResult",
    "analyse",
    "format_sensitivity",
    "parse_params",
    "plot_indices",
    "replication_noise",
    "sample",
    "sensitivity",
]

METHODS = ("sobol", "morris")
DEFAULT_N = SENSITIVITY_N  # the reasons are in simulation/defaults.py
MIN_N = {"sobol": 16, "morris": 4}
"""Below these the bootstrap intervals (and Morris's σ) rest on too few rows to mean anything."""
DEFAULT_REPS = SENSITIVITY_REPS
MORRIS_LEVELS = 4  # SALib's default and the usual choice for a few trajectories (Saltelli et al. 2008)
RESAMPLES = 1000  # bootstrap resamples for the intervals: cheap, and steadier than SALib's default 100
DEFAULT_OUTCOMES = ("exits_to_work_pct_stock", "recidivism_12m", "share_rung_3_plus", "activation_cost_per_year")
SENSITIVITY_PURPOSE = 201
"""Spawn-key component of the design's seed; the model's streams use 1-3 and 100-101, the LHS 200."""
PARAMS_FILE = "--params"
INDEX_COLUMNS = ["outcome", "parameter", "index", "value", "conf_low", "conf_high", "noise_floor"]
NOISE_COLUMNS = ["outcome", "analysed", "points", "reps", "total_variance", "noise_variance", "noise_share",
                 "within_variance", "crn_gain", "note"]
INSTALL_HINT = "pip install 'meedoen[sensitivity]'"


def _salib() -> tuple[Any, Any, Any, Any]:
    """SALib's (sobol sampler, sobol analyser, morris sampler, morris analyser), or a clear error."""
    try:
        from SALib.analyze import morris as morris_analyze
        from SALib.analyze import sobol as sobol_analyze
        from SALib.sample import morris as morris_sample
        from SALib.sample import sobol as sobol_sample
    except ImportError:
        raise ScenarioError("needs SALib, which is not installed", file="sensitivity", hint=INSTALL_HINT) from None
    return sobol_sample, sobol_analyze, morris_sample, morris_analyze


# --- input ----------------------------------------------------------------------------------

# a comma starts a new range only where a key and '=' follow (so "€100,000 per year" stays whole)
_NEXT_RANGE_RE = re.compile(r",(?=\s*[A-Za-z_][\w-]*(?:\s*\.\s*[\w-]+)*\s*=)")


def parse_params(params: str | Sequence[str]) -> dict[str, Range]:
    """``--params`` text(s) → key → Range. Ranges are separated by commas (or given as a list);
    a comma inside a value (``€100,000 per year``) does not split, since no ``key=`` follows it."""
    texts = [params] if isinstance(params, str) else list(params)
    parts = [part.strip() for text in texts for part in _NEXT_RANGE_RE.split(text) if part.strip()]
    if not parts:
        raise ScenarioError("give at least one parameter range", file=PARAMS_FILE,
                            hint="e.g. --params services.wijkteam.slots=20:60,sanctions.detection_probability=0.1:0.6")
    try:
        return parse_ranges(parts)
    except ScenarioError as error:
        raise replace(error, file=PARAMS_FILE, message=error.message.replace("--range", PARAMS_FILE)) from None


def _check_bounds(base: Any, ranges: Mapping[str, Range]) -> None:
    """Every key exists in the scenario (a typo gets a did-you-mean), and the scenario loads with
    all lower and with all upper bounds, so a bad bound is named as such before any run."""
    from simulation.scenario import load_scenario
    from simulation.scenario.loader import check_existing_key

    for key in ranges:
        check_existing_key(base.raw, key, PARAMS_FILE)
    for which, bound in (("lower", "lo"), ("upper", "hi")):
        overrides = [f"{key}={span.format(getattr(span, bound))}" for key, span in ranges.items()]
        try:
            load_scenario(base.path, [*base.raw.overrides, *overrides])
        except ScenarioError as error:
            if error.key not in ranges:
                raise
            text = ranges[error.key].format(getattr(ranges[error.key], bound))
            raise ScenarioError(f"the {which} bound {text!r} is not allowed: {error.message}", file=PARAMS_FILE,
                                key=error.key, hint=error.hint) from None


def _check_method(method: str) -> str:
    name = str(method).strip().lower()
    if name not in METHODS:
        import difflib

        close = difflib.get_close_matches(name, METHODS, n=1)
        hint = f"did you mean '{close[0]}'?" if close else "sobol or morris"
        raise ScenarioError(f"unknown method '{method}'", file="--method", hint=hint)
    return name


def _check_n(method: str, n: int | None) -> int:
    if n is None:
        return DEFAULT_N[method]
    if isinstance(n, bool) or not isinstance(n, (int, np.integer)):
        raise ScenarioError(f"must be a whole number, got {n!r}", file="--n")
    n = int(n)
    what = "base samples" if method == "sobol" else "trajectories"
    if n < MIN_N[method]:
        raise ScenarioError(f"{method} needs at least {MIN_N[method]} {what}, got {n}", file="--n",
                            hint=f"fewer give no meaningful confidence interval; the default is {DEFAULT_N[method]}")
    if method == "sobol" and n & (n - 1):
        low = 1 << (n.bit_length() - 1)
        raise ScenarioError(f"sobol needs a power of 2 (the Sobol' sequence is balanced only then), got {n}",
                            file="--n", hint=f"e.g. {low} or {2 * low}")
    return n


def _check_outcomes(outcomes: Sequence[str] | str | None) -> list[str]:
    if outcomes is None:
        return list(DEFAULT_OUTCOMES)
    names = [o.strip() for o in (outcomes.split(",") if isinstance(outcomes, str) else outcomes) if o.strip()]
    if not names:
        raise ScenarioError("give at least one outcome", file="--outcomes", hint="one of: " + ", ".join(OUTCOMES))
    for name in names:
        if name not in OUTCOMES:
            import difflib

            close = difflib.get_close_matches(name, list(OUTCOMES), n=1)
            hint = f"did you mean '{close[0]}'?" if close else "one of: " + ", ".join(OUTCOMES)
            raise ScenarioError(f"unknown outcome '{name}'", file="--outcomes", hint=hint)
    return list(dict.fromkeys(names))


def _check_reps(reps: int) -> int:
    if isinstance(reps, bool) or not isinstance(reps, (int, np.integer)) or reps < 2:
        raise ScenarioError(f"must be a whole number of at least 2, got {reps!r}", file="--reps",
                            hint="the replication noise is estimated from the spread between replications")
    return int(reps)


def _check_levels(levels: int) -> int:
    if isinstance(levels, bool) or not isinstance(levels, (int, np.integer)) or levels < 2 or levels % 2:
        raise ScenarioError(f"Morris needs an even number of levels ≥ 2, got {levels!r}", file="--levels")
    return int(levels)


def _design_seed(seed: int) -> int:
    """The design's own seed, derived like design.lhs_points's, so it never shifts a model stream
    (and never 0: SALib's Sobol' analyser treats a seed of 0 as none)."""
    if isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0:
        raise ScenarioError(f"the seed must be a whole number ≥ 0, got {seed!r}", file="--seed")
    state = np.random.SeedSequence(int(seed), spawn_key=(SENSITIVITY_PURPOSE,)).generate_state(1, np.uint32)[0]
    return int(state) + 1


# --- the design -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Design:
    """A SALib sample over ``ranges``: ``latent`` is what SALib drew and analyses (continuous),
    ``values`` what the model gets (whole numbers for integer ranges, 10 significant digits
    otherwise, exactly the numbers in ``points``' override texts)."""

    method: str
    ranges: dict[str, Range]
    n: int
    levels: int
    seed: int
    latent: np.ndarray
    values: np.ndarray

    @property
    def parameters(self) -> list[str]:
        return list(self.ranges)

    @property
    def problem(self) -> dict[str, Any]:
        return _problem(self.method, self.ranges)

    @property
    def points(self) -> list[dict[str, str]]:
        """The design points as ``--set`` texts (key → value text with the range's unit)."""
        spans = list(self.ranges.values())
        return [{key: span.format(value) for key, span, value in zip(self.ranges, spans, row, strict=True)}
                for row in self.values]


def _problem(method: str, ranges: Mapping[str, Range]) -> dict[str, Any]:
    bounds = [[r.lo - 0.5, r.hi + 0.5] if (r.integer and method == "sobol") else [r.lo, r.hi] for r in ranges.values()]
    return {"num_vars": len(ranges), "names": list(ranges), "bounds": bounds}


def _model_values(latent: np.ndarray, ranges: Mapping[str, Range]) -> np.ndarray:
    values = np.empty_like(latent, dtype=float)
    for j, span in enumerate(ranges.values()):
        column = latent[:, j]
        if span.integer:
            column = np.floor(column + 0.5)
        else:
            column = np.array([float(f"{v:.10g}") for v in column])
        values[:, j] = np.clip(column, span.lo, span.hi)  # float noise at the edges; hi + ½ rounds past hi
    return values


def sample(ranges: Mapping[str, Range], method: str = "morris", n: int | None = None, seed: int = 1,
           levels: int = MORRIS_LEVELS) -> Design:
    """The design for ``method`` over ``ranges``: same seed, same design."""
    method = _check_method(method)
    n = _check_n(method, n)
    levels = _check_levels(levels)
    if not ranges:
        raise ScenarioError("give at least one parameter range", file=PARAMS_FILE)
    for key, span in ranges.items():
        if not span.lo < span.hi:
            raise ScenarioError(f"the lower bound must be below the upper bound, got {span.lo:g}:{span.hi:g}",
                                file=PARAMS_FILE, key=key)
    sobol_sample, _, morris_sample, _ = _salib()
    problem = _problem(method, ranges)
    design_seed = _design_seed(seed)
    if method == "sobol":
        latent = sobol_sample.sample(problem, n, calc_second_order=False, scramble=True, seed=design_seed)
    else:
        latent = morris_sample.sample(problem, n, num_levels=levels, seed=design_seed)
    latent = np.asarray(latent, dtype=float)
    return Design(method, dict(ranges), n, levels, int(seed), latent, _model_values(latent, ranges))


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
    k = len(design.ranges)
    if y.ndim == 1 or y.shape[1] < 2:
        return np.full(k, math.nan)
    reps = y.shape[1]
    rounding = _rounding(y)
    floors = np.full(k, math.nan)
    if design.method == "morris":
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
    else:
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
    _, sobol_analyze, _, morris_analyze = _salib()
    floors = _noise_floors(design, y)
    seed = _design_seed(design.seed)
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


# --- result, text, figures, files -----------------------------------------------------------

TEXT = {
    "en": {
        "sobol": "Sobol' indices", "morris": "Morris screening",
        "S1": "first order S1", "ST": "total order ST", "mu_star": "μ* (mean |elementary effect|)",
        "sigma": "σ", "share_y": "share of the output variance",
        "mu_star_x": "μ* (effect over the whole range, {unit})",
        "floor": "noise floor", "ci": "error bars: {conf:.0%} bootstrap CI",
        "noise": "replication noise is {share} of the output variance",
        "noise_detail": "{reps} replications per point",
        "crn": "{share} of one run's noise is shared by all points (common random numbers) and cancels",
        "skipped": "not analysed: {note}", "header": "{method}: {scenario}, {k} parameters, {points} points × {reps} "
                                                      "replications, seed {seed}",
        "undefined": "undefined in some runs", "constant": "the same at every point",
        "parameter": "parameter",
    },
    "nl": {
        "sobol": "Sobol'-indices", "morris": "Morris-screening",
        "S1": "eerste orde S1", "ST": "totale orde ST", "mu_star": "μ* (gemiddeld |elementair effect|)",
        "sigma": "σ", "share_y": "aandeel van de variantie van de uitkomst",
        "mu_star_x": "μ* (effect over het hele bereik, {unit})", "floor": "ruisniveau",
        "ci": "foutbalken: {conf:.0%}-bootstrap-BI",
        "noise": "replicatieruis is {share} van de variantie van de uitkomst",
        "noise_detail": "{reps} replicaties per punt",
        "crn": "{share} van de ruis van één run is gemeenschappelijk voor alle punten "
               "(gemeenschappelijke toevalsgetallen) en valt weg",
        "skipped": "niet geanalyseerd: {note}", "header": "{method}: {scenario}, {k} parameters, {points} punten × "
                                                          "{reps} replicaties, seed {seed}",
        "undefined": "in sommige runs ongedefinieerd", "constant": "in elk punt gelijk",
        "parameter": "parameter",
    },
}


def _words(lang: str) -> dict[str, str]:
    if lang not in TEXT:
        raise ScenarioError(f"unknown language '{lang}'", file="--lang", hint="en or nl")
    return TEXT[lang]


def _percent(share: float) -> str:
    if not math.isfinite(share):
        return "unknown"
    if share == 0:
        return "0%"
    if share < 0.001:
        return "< 0.1%"
    return f"{share:.1%}" if share < 0.1 else f"{share:.0%}"


@dataclass
class SensitivityResult:
    """Everything an analysis produced. ``indices`` and ``noise`` are tidy tables; ``runs`` the
    per-point, per-replication outcomes it analysed (point indexes ``design``'s rows)."""

    scenario: str
    method: str
    design: Design
    outcomes: list[str]
    indices: pd.DataFrame
    noise: pd.DataFrame
    runs: pd.DataFrame
    reps: int
    seed: int
    meta: dict[str, Any] = field(default_factory=dict)
    folder: Path | None = None

    def noise_sentence(self, outcome: str, lang: str = "en") -> str:
        """E.g. "replication noise is 3.1% of the output variance"."""
        w = _words(lang)
        row = self.noise.set_index("outcome").loc[outcome]
        if not row["analysed"]:
            note = next((w[key] for key in ("undefined", "constant") if TEXT["en"][key] == row["note"]), row["note"])
            return w["skipped"].format(note=note)
        return w["noise"].format(share=_percent(float(row["noise_share"])))

    def figure(self, outcome: str, lang: str = "en"):
        return plot_indices(self, outcome, lang)

    def figures(self, lang: str = "en") -> Iterator[tuple[str, Any]]:
        analysed = set(self.indices["outcome"])
        for outcome in self.outcomes:
            if outcome in analysed:
                yield outcome, plot_indices(self, outcome, lang)

    def design_table(self) -> pd.DataFrame:
        """One row per design point: the parameter values as numbers (a unit in the column name)."""
        from simulation.experiments.parameter_sweep import parameter_columns

        return pd.DataFrame({"point": range(len(self.design.values)), **parameter_columns(self.design.points)})

    def write(self, path: str | os.PathLike[str], lang: str = "en", overwrite: bool = False,
              command: list[str] | None = None) -> Path:
        """indices.csv, noise.csv, design.csv, runs.csv, plots/OUTCOME.png|svg and manifest.json,
        written into a staging folder that is renamed into place only when all succeeded."""
        from simulation.present.plots import figure_bytes
        from simulation.results.output import MANIFEST, provenance, staged_folder

        _words(lang)
        files = ["indices.csv", "noise.csv", "design.csv", "runs.csv"]
        with staged_folder(path, overwrite) as staging:
            self.indices.to_csv(staging / "indices.csv", index=False)
            self.noise.to_csv(staging / "noise.csv", index=False)
            self.design_table().to_csv(staging / "design.csv", index=False)
            self.runs.to_csv(staging / "runs.csv", index=False)
            (staging / "plots").mkdir()
            for outcome, figure in self.figures(lang):
                for fmt in ("png", "svg"):
                    (staging / "plots" / f"{outcome}.{fmt}").write_bytes(figure_bytes(figure, fmt))
                    files.append(f"plots/{outcome}.{fmt}")
            manifest = {"kind": "sensitivity", **self.meta, "lang": lang, "files": [*files, MANIFEST],
                        **provenance(command)}
            (staging / MANIFEST).write_text(json.dumps(manifest, indent=2, default=str), encoding="utf-8")
        self.folder = Path(path)
        return self.folder


def _outcome_label(outcome: str, lang: str) -> str:
    info = OUTCOMES.get(outcome)
    if info is None:
        return outcome
    return info.label_nl if lang == "nl" else info.label


def plot_indices(result: SensitivityResult, outcome: str, lang: str = "en"):
    """Sobol': S1 and ST per parameter with CI error bars; Morris: a tornado of μ* with its CI
    (σ as a hollow marker). A black tick marks each parameter's noise floor."""
    from matplotlib.figure import Figure

    from simulation.present.plots import COLOURS, plain

    w = _words(lang)
    rows = result.indices[result.indices["outcome"] == outcome]
    if rows.empty:
        raise ScenarioError(f"no indices for outcome '{outcome}'", file="sensitivity")
    wide = {index: block.set_index("parameter") for index, block in rows.groupby("index")}
    main = "ST" if result.method == "sobol" else "mu_star"
    order = list(wide[main]["value"].sort_values(ascending=False).index)
    k = len(order)
    figure = Figure(figsize=(8.0, 2.0 + 0.55 * k), layout="constrained")
    ax = figure.subplots()
    positions = np.arange(k)
    names = [plain(name) for name in order]

    def bars(index: str, offset: float, height: float, colour: str) -> None:
        block = wide[index].reindex(order)
        error = np.vstack([(block["value"] - block["conf_low"]).clip(lower=0).fillna(0),
                           (block["conf_high"] - block["value"]).clip(lower=0).fillna(0)])
        ax.barh(positions + offset, block["value"], height, xerr=error, capsize=3, color=colour, label=w[index])

    if result.method == "sobol":
        bars("S1", -0.2, 0.4, COLOURS[0])
        bars("ST", 0.2, 0.4, COLOURS[1])
        floor_offset = 0.2
        ax.set_xlabel(w["share_y"])
        ax.axvline(0, color="black", lw=0.8)
    else:
        bars("mu_star", 0.0, 0.6, COLOURS[0])
        sigma = wide["sigma"].reindex(order)["value"]
        ax.plot(sigma, positions, linestyle="none", marker="o", markerfacecolor="none", color=COLOURS[1],
                label=w["sigma"])
        floor_offset = 0.0
        unit = OUTCOMES[outcome].unit if outcome in OUTCOMES else ""
        ax.set_xlabel(w["mu_star_x"].format(unit=unit))
        ax.set_xlim(left=0)
    floors = wide[main].reindex(order)["noise_floor"]
    if floors.notna().any():
        ax.plot(floors, positions + floor_offset, linestyle="none", marker="|", markersize=16, markeredgewidth=2,
                color="black", label=w["floor"])
    ax.set_yticks(positions, names)
    ax.invert_yaxis()  # the most influential parameter on top
    noise = result.noise_sentence(outcome, lang)
    ax.set_title(f"{plain(_outcome_label(outcome, lang))}\n{w[result.method]} — {noise}", fontsize="medium")
    confidence = result.meta.get("confidence", CONFIDENCE)
    handles, labels = ax.get_legend_handles_labels()
    figure.legend(handles, labels, loc="outside lower center", ncols=len(labels), title=w["ci"].format(conf=confidence),
                  fontsize="small", title_fontsize="small")
    return figure


def format_sensitivity(result: SensitivityResult, lang: str = "en") -> str:
    """Per outcome: the indices per parameter (most influential first) and the noise sentence."""
    w = _words(lang)
    header = w["header"].format(method=w[result.method], scenario=result.scenario, k=len(result.design.ranges),
                                points=len(result.design.values), reps=result.reps, seed=result.seed)
    lines = [header]
    main = "ST" if result.method == "sobol" else "mu_star"
    shown = ("S1", "ST") if result.method == "sobol" else ("mu_star", "sigma")
    for outcome in result.outcomes:
        lines += ["", _outcome_label(outcome, lang) + f" ({outcome})"]
        rows = result.indices[result.indices["outcome"] == outcome]
        if rows.empty:
            lines.append("  " + result.noise_sentence(outcome, lang))
            continue
        table = []
        ranked = rows[rows["index"] == main].sort_values("value", ascending=False)["parameter"]
        for parameter in ranked:
            cells = {w["parameter"]: parameter}
            for index in shown:
                row = rows[(rows["parameter"] == parameter) & (rows["index"] == index)].iloc[0]
                text = f"{row['value']:.3g}"
                if math.isfinite(row["conf_low"]):
                    text += f" [{row['conf_low']:.3g}, {row['conf_high']:.3g}]"
                cells[index] = text
            floor = rows[(rows["parameter"] == parameter) & (rows["index"] == main)]["noise_floor"].iloc[0]
            cells[w["floor"]] = f"{floor:.2g}" if math.isfinite(floor) else "–"
            table.append(cells)
        text = pd.DataFrame(table).to_string(index=False)
        lines += ["  " + line for line in text.splitlines()]
        noise_row = result.noise.set_index("outcome").loc[outcome]
        gain = float(noise_row["crn_gain"])
        detail = w["noise_detail"].format(reps=result.reps)
        if gain >= 1:  # inf: all of it
            detail += "; " + w["crn"].format(share=_percent(1 - 1 / gain))
        lines.append("  " + result.noise_sentence(outcome, lang) + f" ({detail})")
    return "\n".join(lines)


# --- the whole analysis ---------------------------------------------------------------------


def _unique_points(points: list[dict[str, str]]) -> tuple[list[dict[str, str]], np.ndarray]:
    """Distinct points (in first-seen order) and, per design point, its distinct point's index."""
    seen: dict[tuple[str, ...], int] = {}
    unique: list[dict[str, str]] = []
    index = np.empty(len(points), dtype=int)
    for i, point in enumerate(points):
        key = tuple(point_overrides(point))
        if key not in seen:
            seen[key] = len(unique)
            unique.append(point)
        index[i] = seen[key]
    return unique, index


def sensitivity(scenario: Any, params: str | Sequence[str] | Mapping[str, Range], method: str = "morris",
                n: int | None = None, reps: int = DEFAULT_REPS, seed: int = 1, *,
                outcomes: Sequence[str] | str | None = None, levels: int = MORRIS_LEVELS,
                confidence: float = CONFIDENCE, resamples: int = RESAMPLES, workers: int = 1,
                executor: str = "processes", scheduler: str | None = None,
                store: bool | str | os.PathLike[str] | None = True, progress: bool | None = False,
                out: str | os.PathLike[str] | None = None, overwrite: bool = False, lang: str = "en",
                command: list[str] | None = None,
                on_design: Callable[[Design, int], None] | None = None) -> SensitivityResult:
    """A global sensitivity analysis of ``scenario`` (a LoadedScenario or a file) over ``params``.

    Everything the CLI needs: every input is checked before anything runs (method, ``n``,
    ``reps``, outcomes, language, each ``key=lo:hi`` and that the key exists in the scenario,
    every design point loads, the ``out`` folder can be written, SALib is installed); the design
    points run ``reps`` times through ``experiments.sweep`` (common random numbers, store,
    workers); the indices and the noise table are computed; with ``out`` the folder is written.
    ``on_design(design, distinct_points)`` is called once the design is known, before the runs
    (the CLI can print how many runs are coming).
    """
    from simulation.experiments.parameter_sweep import sweep
    from simulation.experiments.replication import scenario_record
    from simulation.results.output import check_output_dir
    from simulation.scenario import LoadedScenario, load_scenario

    started = time.perf_counter()
    method = _check_method(method)
    n = _check_n(method, n)
    reps = _check_reps(reps)
    levels = _check_levels(levels)
    chosen = _check_outcomes(outcomes)
    _words(lang)
    if not 0 < confidence < 1:
        raise ScenarioError(f"must be between 0 and 1, got {confidence}", file="--confidence")
    ranges = dict(params) if isinstance(params, Mapping) else parse_params(params)
    base = scenario if isinstance(scenario, LoadedScenario) else load_scenario(scenario)
    _check_bounds(base, ranges)
    if out is not None:
        check_output_dir(out, overwrite)
    _salib()

    design = sample(ranges, method, n, seed, levels)
    unique, which = _unique_points(design.points)
    if on_design is not None:
        on_design(design, len(unique))
    tidy = sweep(base, unique, reps, seed, workers=workers, executor=executor, scheduler=scheduler, store=store,
                 progress=progress)

    wanted = tidy[tidy["outcome"].isin(chosen)]
    cube = wanted.pivot_table(index=["outcome", "point"], columns="replication", values="value", dropna=False,
                              sort=True, aggfunc="first")
    hashes = tidy.drop_duplicates("point").set_index("point")["scenario_hash"]
    index_tables, noise_rows = [], []
    w = _words("en")
    for outcome in chosen:
        y = cube.loc[outcome].reindex(range(len(unique))).to_numpy(float)[which]
        noise = replication_noise(y) if np.isfinite(y).all() else None
        if noise is None:
            noise_rows.append({"outcome": outcome, "analysed": False, "points": len(y), "reps": reps,
                               "note": w["undefined"]})
        elif not noise["total_variance"] > 0:
            noise_rows.append({"outcome": outcome, "analysed": False, **noise, "note": w["constant"]})
        else:
            noise_rows.append({"outcome": outcome, "analysed": True, **noise, "note": ""})
            index_tables.append(analyse(design, y, outcome, confidence=confidence, resamples=resamples))
    indices = pd.concat(index_tables, ignore_index=True) if index_tables else pd.DataFrame(columns=INDEX_COLUMNS)
    noise_table = pd.DataFrame(noise_rows).reindex(columns=NOISE_COLUMNS)

    runs = wanted.assign(unique=wanted["point"])[["unique", "replication", "outcome", "value"]]
    runs = (pd.DataFrame({"point": range(len(which)), "unique": which})
            .merge(runs, on="unique").sort_values(["point", "outcome", "replication"], kind="stable"))
    runs.insert(1, "scenario_hash", runs["unique"].map(hashes))
    runs = runs.drop(columns="unique").reset_index(drop=True)

    meta = {"method": method, "n": n, "levels": levels if method == "morris" else None, "reps": reps, "seed": seed,
            "design_seed": _design_seed(seed), "confidence": confidence, "resamples": resamples,
            "parameters": {key: {"range": span.text, "integer": span.integer} for key, span in ranges.items()},
            "outcomes": chosen, "points": len(which), "distinct_points": len(unique),
            "computed": tidy.attrs.get("computed"), "reused": tidy.attrs.get("reused"),
            "store": tidy.attrs.get("store"), "salib_version": _salib_version(),
            "noise_share": {row["outcome"]: _finite(row.get("noise_share")) for row in noise_rows},
            "runtime_s": round(time.perf_counter() - started, 3),
            "scenario": scenario_record(base.name, base)}
    result = SensitivityResult(base.name, method, design, chosen, indices, noise_table, runs, reps, seed, meta)
    if out is not None:
        result.write(out, lang, overwrite, command)
    return result


def _finite(value: Any) -> float | None:
    """A number for the manifest: JSON has no NaN."""
    return float(value) if value is not None and math.isfinite(value) else None


def _salib_version() -> str | None:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version("SALib")
    except PackageNotFoundError:
        return None
