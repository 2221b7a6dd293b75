"""The design of a sensitivity analysis: a SALib sample over the ranges.

A range whose bounds are whole numbers gives whole numbers (staff, slots). For Sobol' the
uniform variable on ``[lo − ½, hi + ½)`` is rounded, so every whole number is equally likely
(as ``experiments.design.lhs_points`` does); for Morris the grid on ``[lo, hi]`` is rounded, so
the lowest and highest levels are the bounds themselves. SALib sees the continuous variable; the
model sees the whole number.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from simulation.errors import ScenarioError
from simulation.experiments.design import Range
from simulation.experiments.sensitivity.inputs import check_levels, check_method, check_n, whole

MORRIS_LEVELS = 4  # SALib's default and the usual choice for a few trajectories (Saltelli et al. 2008)
SENSITIVITY_PURPOSE = 201  # spawn key of the design stream: apart from the model's (model/rng.py) and the LHS (200)
"""Spawn-key component of the design's seed; the model's streams use 1-3 and 100-101, the LHS 200."""
INSTALL_HINT = "pip install 'meedoen[sensitivity]'"


def salib() -> tuple[Any, Any, Any, Any]:
    """SALib's (sobol sampler, sobol analyser, morris sampler, morris analyser), or a clear error."""
    try:
        from SALib.analyze import morris as morris_analyze
        from SALib.analyze import sobol as sobol_analyze
        from SALib.sample import morris as morris_sample
        from SALib.sample import sobol as sobol_sample
    except ImportError:
        raise ScenarioError("needs SALib, which is not installed", file="sensitivity", hint=INSTALL_HINT) from None
    return sobol_sample, sobol_analyze, morris_sample, morris_analyze


def design_seed(seed: int) -> int:
    """The design's own seed, derived like design.lhs_points's, so it never shifts a model stream
    (and never 0: SALib's Sobol' analyser treats a seed of 0 as none)."""
    if not whole(seed) or seed < 0:
        raise ScenarioError(f"the seed must be a whole number ≥ 0, got {seed!r}", argument="seed")
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
        """The design points as override texts (key → value text with the range's unit)."""
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
    method = check_method(method)
    n = check_n(method, n)
    levels = check_levels(levels)
    if not ranges:
        raise ScenarioError("give at least one parameter range", argument="params")
    for key, span in ranges.items():
        if not span.lo < span.hi:
            raise ScenarioError(f"the lower bound must be below the upper bound, got {span.lo:g}:{span.hi:g}",
                                argument="params", key=key)
    sobol_sample, _, morris_sample, _ = salib()
    problem = _problem(method, ranges)
    seed_of_design = design_seed(seed)
    if method == "sobol":
        latent = sobol_sample.sample(problem, n, calc_second_order=False, scramble=True, seed=seed_of_design)
    else:
        latent = morris_sample.sample(problem, n, num_levels=levels, seed=seed_of_design)
    latent = np.asarray(latent, dtype=float)
    return Design(method, dict(ranges), n, levels, int(seed), latent, _model_values(latent, ranges))
