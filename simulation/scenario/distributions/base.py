"""The base of every distribution: a frozen, picklable object that knows its moments and its spec.

Two kinds of quantity exist: ``"duration"`` (location/scale parameters are duration strings,
parsed to days; bare numbers are rejected) and ``"value"`` (dimensionless bare numbers).
Sampling only ever uses the ``numpy.random.Generator`` passed in.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, fields
from typing import Any, ClassVar, Protocol, overload

import numpy as np
from numpy.typing import NDArray

from simulation.scenario.units import exact_duration, format_days

KINDS = ("duration", "value")
#: Parameters in the unit of the quantity (days for durations); all others are bare numbers.
QUANTITY_PARAMS = frozenset({"value", "mean", "scale", "sd", "low", "high", "mode", "values", "bins"})
#: Dataclass field -> spec parameter, where a property (mean/low/high) took the plain name.
_SPEC_NAME = {"mean_": "mean", "loc": "mean", "low_": "low", "high_": "high"}
INF = math.inf

Sample = float | NDArray[np.float64]


class RandomSource(Protocol):
    """What a distribution draws from: a NumPy Generator, or a client's counter-based stream
    (``simulation.model.counter_rng``), which offers the same methods (by inversion)."""

    def random(self, size: Any = None) -> Any: ...
    def uniform(self, low: float = 0.0, high: float = 1.0, size: Any = None) -> Any: ...
    def integers(self, low: int, high: int | None = None, size: Any = None) -> Any: ...
    def exponential(self, scale: float = 1.0, size: Any = None) -> Any: ...
    def normal(self, loc: float = 0.0, scale: float = 1.0, size: Any = None) -> Any: ...
    def lognormal(self, mean: float = 0.0, sigma: float = 1.0, size: Any = None) -> Any: ...
    def gamma(self, shape: float, scale: float = 1.0, size: Any = None) -> Any: ...
    def beta(self, a: float, b: float, size: Any = None) -> Any: ...
    def weibull(self, a: float, size: Any = None) -> Any: ...
    def triangular(self, left: float, mode: float, right: float, size: Any = None) -> Any: ...


@dataclass(frozen=True)
class Distribution:
    """Base class: a frozen, picklable distribution over floats (days for kind 'duration')."""

    family: ClassVar[str] = ""
    kind: str = field(default="value", kw_only=True)
    spec: dict[str, Any] = field(default_factory=dict, compare=False, repr=False, kw_only=True)

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise ValueError(f"kind must be one of {', '.join(KINDS)}, got {self.kind!r}")
        for f in fields(self):  # coerce so that equality, hashing and repr are uniform
            value = getattr(self, f.name)
            if f.name in ("kind", "spec"):
                continue
            value = tuple(map(float, value)) if isinstance(value, (list, tuple)) else float(value)
            if any(math.isnan(x) for x in (value if isinstance(value, tuple) else (value,))):
                raise ValueError(f"{self.family}: {f.name} must be a number, got nan")
            object.__setattr__(self, f.name, value)
        self._validate()
        if not self.spec:
            object.__setattr__(self, "spec", self._canonical_spec())

    # -- to override ---------------------------------------------------------------------
    def _validate(self) -> None:
        """Raise ValueError naming the bad parameter."""

    def _draw(self, rng: RandomSource, size: int | None) -> Any:
        raise NotImplementedError

    @property
    def mean(self) -> float:
        raise NotImplementedError

    @property
    def variance(self) -> float:
        raise NotImplementedError

    @property
    def low(self) -> float:
        return 0.0

    @property
    def high(self) -> float:
        return INF

    # -- shared --------------------------------------------------------------------------
    @overload
    def sample(self, rng: RandomSource, size: None = None) -> float: ...
    @overload
    def sample(self, rng: RandomSource, size: int) -> NDArray[np.float64]: ...

    def sample(self, rng: RandomSource, size: int | None = None) -> Sample:
        """One float if ``size`` is None, else an ndarray of ``size`` floats."""
        draws = self._draw(rng, size)
        if size is None:
            return float(draws)
        return np.asarray(draws, dtype=np.float64)

    @property
    def std(self) -> float:
        return math.sqrt(self.variance)

    def _fmt(self, x: float) -> str:
        return format_days(x) if self.kind == "duration" else f"{x:g}"

    def _require(self, ok: bool, message: str) -> None:
        if not ok:
            raise ValueError(f"{self.family}: {message}")

    def _canonical_spec(self) -> dict[str, Any]:
        """A spec that rebuilds this object (used when it was constructed directly)."""
        spec: dict[str, Any] = {"dist": self.family}
        for f in fields(self):
            if f.name in ("kind", "spec"):
                continue
            name, value = _SPEC_NAME.get(f.name, f.name), getattr(self, f.name)
            as_days = self.kind == "duration" and name in QUANTITY_PARAMS
            if isinstance(value, tuple):
                spec[name] = [exact_duration(x) if as_days else x for x in value]
            elif not math.isinf(value):
                spec[name] = exact_duration(value) if as_days else value
        return spec
