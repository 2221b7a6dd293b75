"""Empirical families: a discrete set of values, or a histogram (piecewise uniform over bins)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

import numpy as np
from numpy.typing import NDArray

from simulation.scenario.distributions.base import Distribution, RandomSource


def _normalise(family: str, weights: tuple[float, ...], n: int, what: str) -> NDArray[np.float64]:
    w = np.asarray(weights, dtype=np.float64)
    if len(w) != n:
        raise ValueError(f"{family}: got {len(w)} weights for {n} {what}; give one weight per {what[:-1]}")
    if not np.all(np.isfinite(w)) or np.any(w < 0) or w.sum() <= 0:
        raise ValueError(f"{family}: weights must be ≥ 0 with a positive sum, got {list(weights)}")
    return w / w.sum()


@dataclass(frozen=True)
class EmpiricalDiscrete(Distribution):
    """Draws one of ``values`` with probability proportional to ``weights``."""

    family: ClassVar[str] = "empirical"
    values: tuple[float, ...]
    weights: tuple[float, ...]

    if TYPE_CHECKING:  # set once by _validate (the object is frozen): values or edges, probabilities, cumulative
        _arrays: ClassVar[tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]]

    def _validate(self) -> None:
        self._require(len(self.values) > 0, "values must not be empty")
        w = _normalise(self.family, self.weights, len(self.values), "values")
        cum = np.cumsum(w)
        cum[-1] = 1.0
        object.__setattr__(self, "_arrays", (np.asarray(self.values, dtype=np.float64), w, cum))

    def _draw(self, rng: RandomSource, size: int | None) -> Any:
        values, _, cum = self._arrays
        return values[np.searchsorted(cum, rng.random(size), side="right")]

    mean = property(lambda self: float(self._arrays[0] @ self._arrays[1]))
    variance = property(lambda self: float(((self._arrays[0] - self.mean) ** 2) @ self._arrays[1]))
    low = property(lambda self: float(self._arrays[0][self._arrays[1] > 0].min()))
    high = property(lambda self: float(self._arrays[0][self._arrays[1] > 0].max()))


@dataclass(frozen=True)
class EmpiricalHistogram(Distribution):
    """Piecewise-uniform: bin i = [bins[i], bins[i+1]) gets probability proportional to weights[i]."""

    family: ClassVar[str] = "empirical"
    bins: tuple[float, ...]
    weights: tuple[float, ...]

    if TYPE_CHECKING:  # set once by _validate (the object is frozen): values or edges, probabilities, cumulative
        _arrays: ClassVar[tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.float64]]]

    def _validate(self) -> None:
        edges = np.asarray(self.bins, dtype=np.float64)
        self._require(len(edges) >= 2 and bool(np.all(np.diff(edges) > 0)),
                      f"bins must be at least 2 strictly increasing edges, got {[self._fmt(x) for x in self.bins]}")
        w = _normalise(self.family, self.weights, len(edges) - 1, "bins")
        cum = np.concatenate(([0.0], np.cumsum(w)))
        cum[-1] = 1.0
        object.__setattr__(self, "_arrays", (edges, w, cum))

    def _draw(self, rng: RandomSource, size: int | None) -> Any:
        edges, _, cum = self._arrays
        return np.interp(rng.random(size), cum, edges)  # inverse CDF is piecewise linear

    @property
    def mean(self) -> float:
        edges, w, _ = self._arrays
        return float(w @ (edges[:-1] + edges[1:]) / 2)

    @property
    def variance(self) -> float:
        edges, w, _ = self._arrays
        left, right = edges[:-1], edges[1:]
        second = float(w @ (left * left + left * right + right * right) / 3)
        return max(second - self.mean**2, 0.0)

    low = property(lambda self: float(self._arrays[0][:-1][self._arrays[1] > 0].min()))
    high = property(lambda self: float(self._arrays[0][1:][self._arrays[1] > 0].max()))
