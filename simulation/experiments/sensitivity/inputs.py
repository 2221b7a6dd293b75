"""The input of a sensitivity analysis, checked before anything runs: the ranges (``key=lo:hi``,
units allowed, each key in the scenario and each bound valid in it), the method and its sample
size, replications, outcomes. Errors name the Python API argument at fault (``params``, ``n``)."""

from __future__ import annotations

import difflib
import re
from collections.abc import Mapping, Sequence
from dataclasses import replace
from typing import Any

import numpy as np

from simulation.defaults import SENSITIVITY_N
from simulation.errors import ScenarioError
from simulation.experiments.design import Range, parse_ranges
from simulation.outcomes.definitions import OUTCOMES
from simulation.scenario import LoadedScenario, load_scenario
from simulation.scenario.loader import check_existing_key

METHODS = ("sobol", "morris")
DEFAULT_N = SENSITIVITY_N  # the reasons are in simulation/defaults.py
MIN_N = {"sobol": 16, "morris": 4}
"""Below these the bootstrap intervals (and Morris's σ) rest on too few rows to mean anything."""
DEFAULT_OUTCOMES = ("exits_to_work_pct_stock", "recidivism_12m", "share_rung_3_plus", "activation_cost_per_year")


def whole(value: Any) -> bool:
    """A whole number (a numpy one too), not a bool."""
    return not isinstance(value, bool) and isinstance(value, (int, np.integer))


# a comma starts a new range only where a key and '=' follow (so "€100,000 per year" stays whole)
_NEXT_RANGE_RE = re.compile(r",(?=\s*[A-Za-z_][\w-]*(?:\s*\.\s*[\w-]+)*\s*=)")


def _as_params(error: ScenarioError) -> ScenarioError:
    """An error about a range, as one about the ``params`` argument."""
    return replace(error, file=None, argument="params")


def parse_params(params: str | Sequence[str]) -> dict[str, Range]:
    """``params`` text(s) → key → Range. Ranges are separated by commas (or given as a list);
    a comma inside a value (``€100,000 per year``) does not split, since no ``key=`` follows it."""
    texts = [params] if isinstance(params, str) else list(params)
    parts = [part.strip() for text in texts for part in _NEXT_RANGE_RE.split(text) if part.strip()]
    if not parts:
        raise ScenarioError("give at least one parameter range", argument="params",
                            hint="e.g. params=services.wijkteam.slots=20:60,sanctions.detection_probability=0.1:0.6")
    try:
        return parse_ranges(parts)
    except ScenarioError as error:
        raise _as_params(error) from None


def check_bounds(base: LoadedScenario, ranges: Mapping[str, Range]) -> None:
    """Every key exists in the scenario (a typo gets a did-you-mean), and the scenario loads with
    all lower and with all upper bounds, so a bad bound is named as such before any run."""
    for key in ranges:
        try:
            check_existing_key(base.raw, key, "params")
        except ScenarioError as error:
            raise _as_params(error) from None
    for which, bound in (("lower", "lo"), ("upper", "hi")):
        overrides = [f"{key}={span.format(getattr(span, bound))}" for key, span in ranges.items()]
        try:
            load_scenario(base.path, [*base.raw.overrides, *overrides])
        except ScenarioError as error:
            at = error.key
            if at is None or at not in ranges:
                raise
            text = ranges[at].format(getattr(ranges[at], bound))
            raise ScenarioError(f"the {which} bound {text!r} is not allowed: {error.message}", argument="params",
                                key=at, hint=error.hint) from None


def check_method(method: str) -> str:
    name = str(method).strip().lower()
    if name not in METHODS:
        close = difflib.get_close_matches(name, METHODS, n=1)
        hint = f"did you mean '{close[0]}'?" if close else "sobol or morris"
        raise ScenarioError(f"unknown method '{method}'", argument="method", hint=hint)
    return name


def check_n(method: str, n: int | None) -> int:
    if n is None:
        return DEFAULT_N[method]
    if not whole(n):
        raise ScenarioError(f"must be a whole number, got {n!r}", argument="n")
    n = int(n)
    what = "base samples" if method == "sobol" else "trajectories"
    if n < MIN_N[method]:
        raise ScenarioError(f"{method} needs at least {MIN_N[method]} {what}, got {n}", argument="n",
                            hint=f"fewer give no meaningful confidence interval; the default is {DEFAULT_N[method]}")
    if method == "sobol" and n & (n - 1):
        low = 1 << (n.bit_length() - 1)
        raise ScenarioError(f"sobol needs a power of 2 (the Sobol' sequence is balanced only then), got {n}",
                            argument="n", hint=f"e.g. {low} or {2 * low}")
    return n


def check_outcomes(outcomes: Sequence[str] | str | None) -> list[str]:
    if outcomes is None:
        return list(DEFAULT_OUTCOMES)
    names = [o.strip() for o in (outcomes.split(",") if isinstance(outcomes, str) else outcomes) if o.strip()]
    if not names:
        raise ScenarioError("give at least one outcome", argument="outcomes", hint="one of: " + ", ".join(OUTCOMES))
    for name in names:
        if name not in OUTCOMES:
            close = difflib.get_close_matches(name, list(OUTCOMES), n=1)
            hint = f"did you mean '{close[0]}'?" if close else "one of: " + ", ".join(OUTCOMES)
            raise ScenarioError(f"unknown outcome '{name}'", argument="outcomes", hint=hint)
    return list(dict.fromkeys(names))


def check_reps(reps: int) -> int:
    if not whole(reps) or reps < 2:
        raise ScenarioError(f"must be a whole number of at least 2, got {reps!r}", argument="reps",
                            hint="the replication noise is estimated from the spread between replications")
    return int(reps)


def check_levels(levels: int) -> int:
    if not whole(levels) or levels < 2 or levels % 2:
        raise ScenarioError(f"Morris needs an even number of levels ≥ 2, got {levels!r}", argument="levels")
    return int(levels)


def check_confidence(confidence: float) -> float:
    if not 0 < confidence < 1:
        raise ScenarioError(f"must be between 0 and 1, got {confidence}", argument="confidence")
    return confidence
