"""The family table: for each ``dist:`` name, the parameter sets a file may give and how the
parsed parameters become a distribution object. One entry per family, no chain of branches."""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from simulation.scenario.distributions.base import INF, Distribution
from simulation.scenario.distributions.bounded import Beta, Normal
from simulation.scenario.distributions.empirical import EmpiricalDiscrete, EmpiricalHistogram
from simulation.scenario.distributions.parametric import Exponential, Fixed, Gamma, LogNormal, Triangular, Uniform, Weibull

Form = tuple[tuple[str, ...], tuple[str, ...]]
"""One accepted parameter set: (required names, optional names)."""
Params = dict[str, Any]
"""Parsed parameters: floats (days for duration quantities), tuples for list parameters."""
Common = dict[str, Any]
"""Keyword arguments every distribution takes: ``kind`` and the ``spec`` it was built from."""


@dataclass(frozen=True)
class Family:
    """How one family is written in a scenario file and built from its parsed parameters."""

    forms: tuple[Form, ...]
    build: Callable[[Params, Common], Distribution]
    duration_needs: tuple[str, ...] = ()
    """Parameters a duration must give, so that it cannot go negative (with the message why)."""
    duration_message: str = ""


def _gamma(p: Params, common: Common) -> Gamma:
    shape = p["shape"]
    if "mean" in p:
        if shape <= 0:
            raise ValueError(f"gamma: shape must be > 0, got {shape:g}")
        return Gamma(shape, p["mean"] / shape, **common)
    return Gamma(shape, p["scale"], **common)


def _lognormal(p: Params, common: Common) -> LogNormal:
    if "sigma" in p:
        if p["sigma"] <= 0:
            raise ValueError(f"lognormal: sigma must be > 0, got {p['sigma']:g}")
        return LogNormal(p["mean"], p["mean"] * math.sqrt(math.expm1(p["sigma"] ** 2)), **common)
    return LogNormal(p["mean"], p["sd"], **common)


def _empirical(p: Params, common: Common) -> Distribution:
    if "values" in p:
        weights = p.get("weights", (1.0,) * len(p["values"]))
        return EmpiricalDiscrete(p["values"], weights, **common)
    return EmpiricalHistogram(p["bins"], p["weights"], **common)


FAMILY_TABLE: dict[str, Family] = {
    "fixed": Family(((("value",), ()),), lambda p, common: Fixed(p["value"], **common)),
    "exponential": Family(((("mean",), ()),), lambda p, common: Exponential(p["mean"], **common)),
    "gamma": Family(((("shape", "scale"), ()), (("shape", "mean"), ())), _gamma),
    "lognormal": Family(((("mean", "sd"), ()), (("mean", "sigma"), ())), _lognormal),
    "weibull": Family(((("shape", "scale"), ()),), lambda p, common: Weibull(p["shape"], p["scale"], **common)),
    "uniform": Family(((("low", "high"), ()),), lambda p, common: Uniform(p["low"], p["high"], **common)),
    "triangular": Family(((("low", "mode", "high"), ()),),
                         lambda p, common: Triangular(p["low"], p["mode"], p["high"], **common)),
    "normal": Family(
        ((("mean", "sd"), ("low", "high")),),
        lambda p, common: Normal(p["mean"], p["sd"], p.get("low", -INF), p.get("high", INF), **common),
        duration_needs=("low",),
        duration_message="normal: a duration needs 'low' (e.g. low: '0 days') so it cannot go negative",
    ),
    "beta": Family(
        ((("a", "b"), ("low", "high")),),
        lambda p, common: Beta(p["a"], p["b"], p.get("low", 0.0), p.get("high", 1.0), **common),
        duration_needs=("low", "high"),
        duration_message="beta: a duration needs 'low' and 'high', e.g. low: '0 days', high: '2 years'",
    ),
    "empirical": Family(((("values",), ("weights",)), (("bins", "weights"), ())), _empirical),
}

#: family -> accepted parameter sets, each (required, optional).
FAMILIES: dict[str, tuple[Form, ...]] = {name: family.forms for name, family in FAMILY_TABLE.items()}
