"""Distribution specs from scenario files, as immutable objects that know their own moments.

A mapping such as ``{dist: gamma, shape: 2, scale: "3 months"}`` becomes a :class:`Gamma`
with ``.sample(rng, size=None)``, ``.mean``, ``.variance``, ``.low``, ``.high`` and ``.spec``.
Two kinds of quantity exist: ``"duration"`` (location/scale parameters are duration strings,
parsed to days; bare numbers are rejected) and ``"value"`` (dimensionless bare numbers).
Shape parameters (gamma/weibull ``shape``, lognormal ``sigma``, beta ``a``/``b``, ``weights``)
are always bare numbers.  Sampling only ever uses the ``numpy.random.Generator`` passed in.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from functools import partial
from numbers import Real
from typing import Annotated, Any, ClassVar, overload

import numpy as np
from numpy.typing import NDArray
from pydantic import PlainSerializer, PlainValidator
from scipy import special

from .units import UnitError, exact_duration, format_days, parse_duration

__all__ = [
    "KINDS", "FAMILIES", "Distribution", "Fixed", "Exponential", "Gamma", "LogNormal", "Weibull",
    "Uniform", "Triangular", "Normal", "Beta", "EmpiricalDiscrete", "EmpiricalHistogram",
    "build_distribution", "DurationDistribution", "ValueDistribution",
]

KINDS = ("duration", "value")
#: Parameters in the unit of the quantity (days for durations); all others are bare numbers.
_QUANTITY_PARAMS = frozenset({"value", "mean", "scale", "sd", "low", "high", "mode", "values", "bins"})
_LIST_PARAMS = frozenset({"values", "bins", "weights"})
#: Dataclass field -> spec parameter, where a property (mean/low/high) took the plain name.
_SPEC_NAME = {"mean_": "mean", "loc": "mean", "low_": "low", "high_": "high"}
_INF = math.inf

Sample = float | NDArray[np.float64]


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

    def _draw(self, rng: np.random.Generator, size: int | None) -> Any:
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
        return _INF

    # -- shared --------------------------------------------------------------------------
    @overload
    def sample(self, rng: np.random.Generator, size: None = None) -> float: ...
    @overload
    def sample(self, rng: np.random.Generator, size: int) -> NDArray[np.float64]: ...

    def sample(self, rng: np.random.Generator, size: int | None = None) -> Sample:
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
            as_days = self.kind == "duration" and name in _QUANTITY_PARAMS
            if isinstance(value, tuple):
                spec[name] = [exact_duration(x) if as_days else x for x in value]
            elif not math.isinf(value):
                spec[name] = exact_duration(value) if as_days else value
        return spec


@dataclass(frozen=True)
class Fixed(Distribution):
    family: ClassVar[str] = "fixed"
    value: float

    def _validate(self) -> None:
        self._require(math.isfinite(self.value), f"value must be finite, got {self.value}")

    def _draw(self, rng: np.random.Generator, size: int | None) -> Any:
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

    def _draw(self, rng: np.random.Generator, size: int | None) -> Any:
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

    def _draw(self, rng: np.random.Generator, size: int | None) -> Any:
        return rng.gamma(self.shape, self.scale, size)

    mean = property(lambda self: self.shape * self.scale)
    variance = property(lambda self: self.shape * self.scale**2)


@dataclass(frozen=True)
class LogNormal(Distribution):
    """Parametrised by its own mean and sd (not those of the underlying normal)."""

    family: ClassVar[str] = "lognormal"
    mean_: float
    sd: float

    def _validate(self) -> None:
        self._require(self.mean_ > 0, f"mean must be > 0, got {self._fmt(self.mean_)}")
        self._require(self.sd > 0, f"sd must be > 0, got {self._fmt(self.sd)} (use dist: fixed for a constant)")

    @property
    def sigma(self) -> float:
        return math.sqrt(math.log1p((self.sd / self.mean_) ** 2))

    @property
    def mu(self) -> float:
        return math.log(self.mean_) - self.sigma**2 / 2

    def _draw(self, rng: np.random.Generator, size: int | None) -> Any:
        return rng.lognormal(self.mu, self.sigma, size)

    mean = property(lambda self: self.mean_)
    variance = property(lambda self: self.sd**2)


@dataclass(frozen=True)
class Weibull(_ShapeScale):
    family: ClassVar[str] = "weibull"

    def _draw(self, rng: np.random.Generator, size: int | None) -> Any:
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

    def _draw(self, rng: np.random.Generator, size: int | None) -> Any:
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

    def _draw(self, rng: np.random.Generator, size: int | None) -> Any:
        return rng.triangular(self.low_, self.mode, self.high_, size)

    mean = property(lambda self: (self.low_ + self.mode + self.high_) / 3)
    low = property(lambda self: self.low_)
    high = property(lambda self: self.high_)

    @property
    def variance(self) -> float:
        a, c, b = self.low_, self.mode, self.high_
        return (a * a + b * b + c * c - a * b - a * c - b * c) / 18


@dataclass(frozen=True)
class Normal(Distribution):
    """Normal(mean, sd), optionally truncated to [low, high]; moments are the truncated ones."""

    family: ClassVar[str] = "normal"
    loc: float
    sd: float
    low_: float = -_INF
    high_: float = _INF

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

    def _draw(self, rng: np.random.Generator, size: int | None) -> Any:
        flip, lo, hi, p_lo, p_hi = self._trunc
        if math.isinf(lo) and math.isinf(hi):
            return rng.normal(self.loc, self.sd, size)
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

    def _draw(self, rng: np.random.Generator, size: int | None) -> Any:
        return self.low_ + (self.high_ - self.low_) * rng.beta(self.a, self.b, size)

    mean = property(lambda self: self.low_ + (self.high_ - self.low_) * self.a / (self.a + self.b))
    low = property(lambda self: self.low_)
    high = property(lambda self: self.high_)

    @property
    def variance(self) -> float:
        a, b, w = self.a, self.b, self.high_ - self.low_
        return w * w * a * b / ((a + b) ** 2 * (a + b + 1))


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

    def _validate(self) -> None:
        self._require(len(self.values) > 0, "values must not be empty")
        w = _normalise(self.family, self.weights, len(self.values), "values")
        cum = np.cumsum(w)
        cum[-1] = 1.0
        object.__setattr__(self, "_arrays", (np.asarray(self.values, dtype=np.float64), w, cum))

    def _draw(self, rng: np.random.Generator, size: int | None) -> Any:
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

    def _validate(self) -> None:
        edges = np.asarray(self.bins, dtype=np.float64)
        self._require(len(edges) >= 2 and bool(np.all(np.diff(edges) > 0)),
                      f"bins must be at least 2 strictly increasing edges, got {[self._fmt(x) for x in self.bins]}")
        w = _normalise(self.family, self.weights, len(edges) - 1, "bins")
        cum = np.concatenate(([0.0], np.cumsum(w)))
        cum[-1] = 1.0
        object.__setattr__(self, "_arrays", (edges, w, cum))

    def _draw(self, rng: np.random.Generator, size: int | None) -> Any:
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


# --- building from a spec mapping --------------------------------------------------------------

#: family -> accepted parameter sets, each (required, optional).
FAMILIES: dict[str, tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]] = {
    "fixed": ((("value",), ()),),
    "exponential": ((("mean",), ()),),
    "gamma": ((("shape", "scale"), ()), (("shape", "mean"), ())),
    "lognormal": ((("mean", "sd"), ()), (("mean", "sigma"), ())),
    "weibull": ((("shape", "scale"), ()),),
    "uniform": ((("low", "high"), ()),),
    "triangular": ((("low", "mode", "high"), ()),),
    "normal": ((("mean", "sd"), ("low", "high")),),
    "beta": ((("a", "b"), ("low", "high")),),
    "empirical": ((("values",), ("weights",)), (("bins", "weights"), ())),
}


def _forms_text(family: str) -> str:
    parts = []
    for required, optional in FAMILIES[family]:
        text = ", ".join(required)
        parts.append(text + (f" (optional: {', '.join(optional)})" if optional else ""))
    return f"{family} takes " + " or ".join(f"{{{p}}}" for p in parts)


def _check_names(family: str, names: set[str]) -> None:
    forms = FAMILIES[family]
    allowed = {n for req, opt in forms for n in (*req, *opt)}
    for name in sorted(names - allowed):
        close = difflib.get_close_matches(name, sorted(allowed), n=1)
        hint = f" (did you mean '{close[0]}'?)" if close else ""
        raise ValueError(f"{family}: unknown parameter '{name}'{hint}; {_forms_text(family)}")
    if any(set(req) <= names <= set(req) | set(opt) for req, opt in forms):
        return
    best = max(forms, key=lambda f: (len(set(f[0]) & names), -len(f[0])))
    missing = [n for n in best[0] if n not in names]
    if missing:
        raise ValueError(f"{family}: missing parameter {', '.join(repr(n) for n in missing)}; {_forms_text(family)}")
    raise ValueError(f"{family}: conflicting parameters {', '.join(sorted(names))}; {_forms_text(family)}")


def _number(family: str, name: str, raw: Any, kind: str, where: str = "") -> float:
    where = f"{family}: parameter '{where or name}'"
    if kind == "duration" and name in _QUANTITY_PARAMS:
        try:
            return parse_duration(raw)
        except UnitError as error:
            raise ValueError(f"{where}: {error}") from None
    if isinstance(raw, bool) or not isinstance(raw, Real):
        why = "has no unit" if name not in _QUANTITY_PARAMS else "is a plain number for this quantity"
        raise ValueError(f"{where} {why}, write a bare number, got {raw!r}")
    if not math.isfinite(raw):
        raise ValueError(f"{where} must be finite, got {raw!r}")
    return float(raw)


def _param(family: str, name: str, raw: Any, kind: str) -> float | tuple[float, ...]:
    if name not in _LIST_PARAMS:
        return _number(family, name, raw, kind)
    if isinstance(raw, (str, bytes)) or not isinstance(raw, Sequence) or len(raw) == 0:
        raise ValueError(f"{family}: parameter '{name}' must be a non-empty list, got {raw!r}")
    return tuple(_number(family, name, x, kind, f"{name}[{i}]") for i, x in enumerate(raw))


def build_distribution(spec: Mapping[str, Any], kind: str = "value") -> Distribution:
    """Build a distribution from a spec mapping; raises ValueError with a user-facing message."""
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, got {kind!r}")
    example = "{dist: gamma, shape: 2, scale: '3 months'}" if kind == "duration" else "{dist: beta, a: 2, b: 5}"
    if not isinstance(spec, Mapping):
        raise ValueError(f"a distribution must be a mapping like {example}, got {spec!r}")
    known = ", ".join(FAMILIES)
    if "dist" not in spec:
        raise ValueError(f"a distribution needs a 'dist' key naming its family ({known}), e.g. {example}")
    family = spec["dist"]
    if not isinstance(family, str) or family not in FAMILIES:
        close = difflib.get_close_matches(str(family).lower(), list(FAMILIES), n=1)
        hint = f"did you mean '{close[0]}'? " if close else ""
        raise ValueError(f"unknown distribution {family!r}; {hint}known: {known}")
    names = {str(k) for k in spec if k != "dist"}
    _check_names(family, names)
    p = {name: _param(family, name, spec[name], kind) for name in names}
    common: dict[str, Any] = {"kind": kind, "spec": _plain_copy(spec)}

    if kind == "duration" and family == "normal" and "low" not in p:
        raise ValueError("normal: a duration needs 'low' (e.g. low: '0 days') so it cannot go negative")
    if kind == "duration" and family == "beta" and not {"low", "high"} <= names:
        raise ValueError("beta: a duration needs 'low' and 'high', e.g. low: '0 days', high: '2 years'")
    if family == "fixed":
        return Fixed(p["value"], **common)
    if family == "exponential":
        return Exponential(p["mean"], **common)
    if family == "gamma":
        shape = p["shape"]
        if "mean" in p:
            if shape <= 0:
                raise ValueError(f"gamma: shape must be > 0, got {shape:g}")
            return Gamma(shape, p["mean"] / shape, **common)
        return Gamma(shape, p["scale"], **common)
    if family == "lognormal":
        if "sigma" in p:
            if p["sigma"] <= 0:
                raise ValueError(f"lognormal: sigma must be > 0, got {p['sigma']:g}")
            return LogNormal(p["mean"], p["mean"] * math.sqrt(math.expm1(p["sigma"] ** 2)), **common)
        return LogNormal(p["mean"], p["sd"], **common)
    if family == "weibull":
        return Weibull(p["shape"], p["scale"], **common)
    if family == "uniform":
        return Uniform(p["low"], p["high"], **common)
    if family == "triangular":
        return Triangular(p["low"], p["mode"], p["high"], **common)
    if family == "normal":
        return Normal(p["mean"], p["sd"], p.get("low", -_INF), p.get("high", _INF), **common)
    if family == "beta":
        return Beta(p["a"], p["b"], p.get("low", 0.0), p.get("high", 1.0), **common)
    if "values" in p:
        weights = p.get("weights", (1.0,) * len(p["values"]))
        return EmpiricalDiscrete(p["values"], weights, **common)
    return EmpiricalHistogram(p["bins"], p["weights"], **common)


def _plain_copy(value: Any) -> Any:
    """Deep copy into plain dicts/lists so the stored spec is independent of the caller's."""
    if isinstance(value, Mapping):
        return {str(k): _plain_copy(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain_copy(v) for v in value]
    return value


def _validate_kind(value: Any, kind: str) -> Distribution:
    """Pydantic validator: build from a spec, or pass an existing distribution of the right kind."""
    if isinstance(value, Distribution):
        if value.kind != kind:
            raise ValueError(f"expected a {kind} distribution, got a {value.kind} one")
        return value
    return build_distribution(value, kind)


def _serialize(dist: Distribution) -> dict[str, Any]:
    return _plain_copy(dist.spec)


_SPEC_IN = dict[str, Any]
#: Pydantic field types; they serialise (model_dump) back to the spec mapping.
DurationDistribution = Annotated[
    Distribution,
    PlainValidator(partial(_validate_kind, kind="duration"), json_schema_input_type=_SPEC_IN),
    PlainSerializer(_serialize, return_type=_SPEC_IN),
]
ValueDistribution = Annotated[
    Distribution,
    PlainValidator(partial(_validate_kind, kind="value"), json_schema_input_type=_SPEC_IN),
    PlainSerializer(_serialize, return_type=_SPEC_IN),
]
