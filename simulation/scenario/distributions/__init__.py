"""Distribution specs from scenario files, as immutable objects that know their own moments.

A mapping such as ``{dist: gamma, shape: 2, scale: "3 months"}`` becomes a :class:`Gamma`
with ``.sample(rng, size=None)``, ``.mean``, ``.variance``, ``.low``, ``.high`` and ``.spec``.
Two kinds of quantity exist: ``"duration"`` (location/scale parameters are duration strings,
parsed to days; bare numbers are rejected) and ``"value"`` (dimensionless bare numbers).
Shape parameters (gamma/weibull ``shape``, lognormal ``sigma``, beta ``a``/``b``, ``weights``)
are always bare numbers.  Sampling only ever uses the ``numpy.random.Generator`` passed in.

Modules: ``base`` (the base class), ``parametric``, ``bounded`` and ``empirical`` (the families),
``families`` (the table from ``dist:`` name to parameter sets and builder), ``spec`` (reading a
spec mapping) and ``fields`` (the pydantic field types). Every public name is re-exported here.
"""

from __future__ import annotations

from simulation.scenario.distributions.base import KINDS, Distribution, RandomSource
from simulation.scenario.distributions.bounded import Beta, Normal
from simulation.scenario.distributions.empirical import EmpiricalDiscrete, EmpiricalHistogram
from simulation.scenario.distributions.families import FAMILIES, FAMILY_TABLE, Family
from simulation.scenario.distributions.fields import DurationDistribution, ValueDistribution
from simulation.scenario.distributions.parametric import Exponential, Fixed, Gamma, LogNormal, Triangular, Uniform, Weibull
from simulation.scenario.distributions.spec import build_distribution

__all__ = [
    "KINDS", "FAMILIES", "FAMILY_TABLE", "Family", "Distribution", "Fixed", "Exponential", "Gamma", "LogNormal",
    "Weibull", "Uniform", "Triangular", "Normal", "Beta", "EmpiricalDiscrete", "EmpiricalHistogram",
    "build_distribution", "DurationDistribution", "ValueDistribution", "RandomSource",
]
