"""Families with a closed form: fixed, exponential, gamma, lognormal, weibull, uniform, triangular."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np

from simulation.scenario.distributions.base import Distribution, RandomSource


@dataclass(frozen=True)
class Fixed(Distribution):
    family: ClassVar[str] = "fixed"
    value: float

    def _validate(self) -> None:
        self._require(math.isfinite(self.value), f"value must be finite, got {self.value}")

    def _draw(self, rng: RandomSource, size: int | None) -> Any:
        return self.value if size is None else np.full(size, self.value)

    mean = property(lambda self: self.value)
    variance = property(lambda self: 0.0)
    low = property(lambda self: self.value)
    high = property(lambda self: self.value)


@dataclass(frozen=True)
class Exponential(Distribution):
    family: ClassVar[str] = "exponential"
    mean_: float

    def _validate(self) -> None:
        self._require(self.mean_ > 0, f"mean must be > 0, got {self._fmt(self.mean_)}")

    def _draw(self, rng: RandomSource, size: int | None) -> Any:
        return rng.exponential(self.mean_, size)

    mean = property(lambda self: self.mean_)
    variance = property(lambda self: self.mean_**2)


@dataclass(frozen=True)
class _ShapeScale(Distribution):
    """Families with a positive shape and a positive scale (gamma, weibull)."""

    shape: float
    scale: float

    def _validate(self) -> None:
        self._require(self.shape > 0, f"shape must be > 0, got {self.shape:g}")
        self._require(self.scale > 0, f"scale must be > 0, got {self._fmt(self.scale)}")


@dataclass(frozen=True)
class Gamma(_ShapeScale):
    family: ClassVar[str] = "gamma"

    def _draw(self, rng: RandomSource, size: int | None) -> Any:
        return rng.gamma(self.shape, self.scale, size)

    mean = property(lambda self: self.shape * self.scale)
    variance = property(lambda self: self.shape * self.scale**2)


MAX_LOGNORMAL_CV = 100.0
"""A lognormal's largest sd ÷ mean: its underlying normal then has σ ≈ 3, and a draw 8 σ out is still a
float; observed durations and amounts have a coefficient of variation of a few at most."""


@dataclass(frozen=True)
class LogNormal(Distribution):
    """Parametrised by its own mean and sd (not those of the underlying normal)."""

    family: ClassVar[str] = "lognormal"
    mean_: float
    sd: float

    def _validate(self) -> None:
        self._require(self.mean_ > 0, f"mean must be > 0, got {self._fmt(self.mean_)}")
        self._require(self.sd > 0, f"sd must be > 0, got {self._fmt(self.sd)} (use dist: fixed for a constant)")
        self._require(self.sd / self.mean_ <= MAX_LOGNORMAL_CV,
                      f"sd must be at most {MAX_LOGNORMAL_CV:g} × the mean, got {self._fmt(self.sd)} for a mean of "
                      f"{self._fmt(self.mean_)} (a wider lognormal's draws overflow a float)")

    @property
    def sigma(self) -> float:
        return math.sqrt(math.log1p((self.sd / self.mean_) ** 2))

    @property
    def mu(self) -> float:
        return math.log(self.mean_) - self.sigma**2 / 2

    def _draw(self, rng: RandomSource, size: int | None) -> Any:
        return rng.lognormal(self.mu, self.sigma, size)

    mean = property(lambda self: self.mean_)
    variance = property(lambda self: self.sd**2)


@dataclass(frozen=True)
class Weibull(_ShapeScale):
    family: ClassVar[str] = "weibull"

    def _draw(self, rng: RandomSource, size: int | None) -> Any:
        return self.scale * rng.weibull(self.shape, size)

    @property
    def mean(self) -> float:
        return self.scale * math.exp(math.lgamma(1 + 1 / self.shape))

    @property
    def variance(self) -> float:
        g1, g2 = math.lgamma(1 + 1 / self.shape), math.lgamma(1 + 2 / self.shape)
        return self.scale**2 * (math.exp(g2) - math.exp(2 * g1))


@dataclass(frozen=True)
class Uniform(Distribution):
    family: ClassVar[str] = "uniform"
    low_: float
    high_: float

    def _validate(self) -> None:
        self._require(self.low_ < self.high_, f"low must be < high, got low={self._fmt(self.low_)}, "
                      f"high={self._fmt(self.high_)}")

    def _draw(self, rng: RandomSource, size: int | None) -> Any:
        return rng.uniform(self.low_, self.high_, size)

    mean = property(lambda self: (self.low_ + self.high_) / 2)
    variance = property(lambda self: (self.high_ - self.low_) ** 2 / 12)
    low = property(lambda self: self.low_)
    high = property(lambda self: self.high_)


@dataclass(frozen=True)
class Triangular(Distribution):
    family: ClassVar[str] = "triangular"
    low_: float
    mode: float
    high_: float

    def _validate(self) -> None:
        a, c, b = self.low_, self.mode, self.high_
        self._require(a < b and a <= c <= b, f"need low ≤ mode ≤ high and low < high, got low={self._fmt(a)}, "
                      f"mode={self._fmt(c)}, high={self._fmt(b)}")

    def _draw(self, rng: RandomSource, size: int | None) -> Any:
        return rng.triangular(self.low_, self.mode, self.high_, size)

    mean = property(lambda self: (self.low_ + self.mode + self.high_) / 3)
    low = property(lambda self: self.low_)
    high = property(lambda self: self.high_)

    @property
    def variance(self) -> float:
        a, c, b = self.low_, self.mode, self.high_
        return (a * a + b * b + c * c - a * b - a * c - b * c) / 18
