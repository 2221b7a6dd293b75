"""Families on an interval: the (optionally truncated) normal and the scaled beta."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
from scipy import special

from simulation.scenario.distributions.base import INF, Distribution, RandomSource


@dataclass(frozen=True)
class Normal(Distribution):
    """Normal(mean, sd), optionally truncated to [low, high]; moments are the truncated ones."""

    family: ClassVar[str] = "normal"
    loc: float
    sd: float
    low_: float = -INF
    high_: float = INF

    if TYPE_CHECKING:  # set once by _validate (the object is frozen)
        _trunc: ClassVar[tuple[bool, float, float, float, float]]  # flipped?, z-interval, its CDF values
        _moments: ClassVar[tuple[float, float]]  # the truncated mean and variance

    def _validate(self) -> None:
        self._require(self.sd > 0, f"sd must be > 0, got {self._fmt(self.sd)} (use dist: fixed for a constant)")
        self._require(self.low_ < self.high_, f"low must be < high, got low={self._fmt(self.low_)}, "
                      f"high={self._fmt(self.high_)}")
        a, b = (self.low_ - self.loc) / self.sd, (self.high_ - self.loc) / self.sd
        flip = a > 0  # sample the mirrored interval so the CDF is evaluated in its accurate (lower) tail
        lo, hi = (-b, -a) if flip else (a, b)
        p_lo, p_hi = float(special.ndtr(lo)), float(special.ndtr(hi))
        self._require(p_hi - p_lo > 1e-12 * p_hi > 0,
                      f"[low, high] = [{self._fmt(self.low_)}, {self._fmt(self.high_)}] has "
                      f"almost no probability under a normal with mean {self._fmt(self.loc)}, sd {self._fmt(self.sd)}")
        if math.isinf(a) and math.isinf(b):
            mean, var = self.loc, self.sd**2
        else:
            from scipy.stats import truncnorm  # build time only

            m, v = truncnorm.stats(a, b, loc=self.loc, scale=self.sd, moments="mv")
            mean, var = float(m), float(v)
        object.__setattr__(self, "_trunc", (flip, lo, hi, p_lo, p_hi))
        object.__setattr__(self, "_moments", (mean, var))

    def _draw(self, rng: RandomSource, size: int | None) -> Any:
        flip, lo, hi, p_lo, p_hi = self._trunc
        if math.isinf(lo) and math.isinf(hi):
            return rng.normal(self.loc, self.sd, size)
        if size is None:  # one draw on a client's stream: plain floats, no array machinery
            z = min(max(float(special.ndtri(rng.uniform(p_lo, p_hi))), lo), hi)
        else:
            z = np.clip(special.ndtri(rng.uniform(p_lo, p_hi, size)), lo, hi)
        return self.loc + self.sd * (-z if flip else z)

    mean = property(lambda self: self._moments[0])
    variance = property(lambda self: self._moments[1])
    low = property(lambda self: self.low_)
    high = property(lambda self: self.high_)


@dataclass(frozen=True)
class Beta(Distribution):
    """Beta(a, b) scaled to [low, high] (default [0, 1])."""

    family: ClassVar[str] = "beta"
    a: float
    b: float
    low_: float = 0.0
    high_: float = 1.0

    def _validate(self) -> None:
        self._require(self.a > 0 and self.b > 0, f"a and b must be > 0, got a={self.a:g}, b={self.b:g}")
        self._require(self.low_ < self.high_, f"low must be < high, got low={self._fmt(self.low_)}, "
                      f"high={self._fmt(self.high_)}")

    def _draw(self, rng: RandomSource, size: int | None) -> Any:
        return self.low_ + (self.high_ - self.low_) * rng.beta(self.a, self.b, size)

    mean = property(lambda self: self.low_ + (self.high_ - self.low_) * self.a / (self.a + self.b))
    low = property(lambda self: self.low_)
    high = property(lambda self: self.high_)

    @property
    def variance(self) -> float:
        a, b, w = self.a, self.b, self.high_ - self.low_
        return w * w * a * b / ((a + b) ** 2 * (a + b + 1))
