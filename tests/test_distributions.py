"""Distribution specs: samples must match the moments the objects claim, and bad specs must explain themselves.

Moment checks use n = 200,000 draws from ``default_rng(12345)``:

* mean: the sample mean has standard error sqrt(variance / n); we allow 4 SE.
* variance: for i.i.d. draws, Var(s²) ≈ (μ4 − σ⁴) / n = σ⁴ (κ + 2) / n, where κ is the excess
  kurtosis (μ4/σ⁴ − 3).  So SE(s²)/σ² = sqrt((κ + 2) / n), and we allow 5 of those.  κ comes from
  an independent reference (scipy.stats, or computed directly for the empirical forms), which also
  cross-checks the closed-form ``.mean`` / ``.variance``.
"""

from __future__ import annotations

import math
import pickle
from typing import Any

import numpy as np
import pytest
from pydantic import BaseModel, ValidationError
from scipy import stats

from simulation.scenario.distributions import (
    Distribution,
    DurationDistribution,
    Gamma,
    ValueDistribution,
    build_distribution,
)
from simulation.scenario.units import DAYS_PER_MONTH, DAYS_PER_WEEK, DAYS_PER_YEAR

N = 200_000
SEED = 12345
M, W, Y = DAYS_PER_MONTH, DAYS_PER_WEEK, DAYS_PER_YEAR


def _lognorm(mean: float, sd: float) -> Any:
    sigma = math.sqrt(math.log(1 + (sd / mean) ** 2))
    return stats.lognorm(s=sigma, scale=mean * math.exp(-sigma**2 / 2))


def _discrete_moments(values: list[float], weights: list[float]) -> tuple[float, float, float]:
    """Mean, variance and excess kurtosis of a finite discrete distribution."""
    v, w = np.asarray(values, float), np.asarray(weights, float) / sum(weights)
    mean = float(v @ w)
    var = float(((v - mean) ** 2) @ w)
    return mean, var, float(((v - mean) ** 4) @ w) / var**2 - 3


def _scipy_moments(ref: Any) -> tuple[float, float, float]:
    mean, var, kurt = ref.stats(moments="mvk")
    return float(mean), float(var), float(kurt)


# (id, spec, kind, reference (mean, variance, excess kurtosis))
CASES: list[tuple[str, dict[str, Any], str, tuple[float, float, float]]] = [
    ("fixed-value", {"dist": "fixed", "value": 3.5}, "value", (3.5, 0.0, 0.0)),
    ("fixed-duration", {"dist": "fixed", "value": "6 months"}, "duration", (6 * M, 0.0, 0.0)),
    ("exponential-value", {"dist": "exponential", "mean": 2.5}, "value", _scipy_moments(stats.expon(scale=2.5))),
    ("exponential-duration", {"dist": "exponential", "mean": "2 weeks"}, "duration",
     _scipy_moments(stats.expon(scale=2 * W))),
    ("gamma-scale", {"dist": "gamma", "shape": 2, "scale": "3 months"}, "duration",
     _scipy_moments(stats.gamma(2, scale=3 * M))),
    ("gamma-mean", {"dist": "gamma", "shape": 0.7, "mean": 4}, "value",
     _scipy_moments(stats.gamma(0.7, scale=4 / 0.7))),
    ("lognormal-sd", {"dist": "lognormal", "mean": "1 year", "sd": "6 months"}, "duration",
     _scipy_moments(_lognorm(Y, 6 * M))),
    ("lognormal-sigma", {"dist": "lognormal", "mean": 5, "sigma": 0.4}, "value",
     _scipy_moments(_lognorm(5, 5 * math.sqrt(math.expm1(0.4**2))))),
    ("weibull", {"dist": "weibull", "shape": 1.5, "scale": "8 months"}, "duration",
     _scipy_moments(stats.weibull_min(1.5, scale=8 * M))),
    ("weibull-value", {"dist": "weibull", "shape": 0.8, "scale": 2}, "value",
     _scipy_moments(stats.weibull_min(0.8, scale=2))),
    ("uniform", {"dist": "uniform", "low": "1 month", "high": "1 year"}, "duration",
     _scipy_moments(stats.uniform(M, Y - M))),
    ("uniform-value", {"dist": "uniform", "low": -1, "high": 2}, "value", _scipy_moments(stats.uniform(-1, 3))),
    ("triangular", {"dist": "triangular", "low": "1 week", "mode": "1 month", "high": "6 months"}, "duration",
     _scipy_moments(stats.triang((M - W) / (6 * M - W), loc=W, scale=6 * M - W))),
    ("normal", {"dist": "normal", "mean": 0.5, "sd": 2}, "value", _scipy_moments(stats.norm(0.5, 2))),
    ("normal-truncated-both", {"dist": "normal", "mean": 0.5, "sd": 0.2, "low": 0, "high": 1}, "value",
     _scipy_moments(stats.truncnorm(-2.5, 2.5, loc=0.5, scale=0.2))),
    ("normal-truncated-tail", {"dist": "normal", "mean": 0, "sd": 1, "low": 3}, "value",
     _scipy_moments(stats.truncnorm(3, np.inf))),
    ("normal-truncated-upper", {"dist": "normal", "mean": 0, "sd": 1, "high": -1}, "value",
     _scipy_moments(stats.truncnorm(-np.inf, -1))),
    ("normal-duration", {"dist": "normal", "mean": "1 month", "sd": "2 months", "low": "0 days"}, "duration",
     _scipy_moments(stats.truncnorm(-0.5, np.inf, loc=M, scale=2 * M))),
    ("beta", {"dist": "beta", "a": 2, "b": 5}, "value", _scipy_moments(stats.beta(2, 5))),
    ("beta-scaled", {"dist": "beta", "a": 0.5, "b": 0.5, "low": -2, "high": 3}, "value",
     _scipy_moments(stats.beta(0.5, 0.5, loc=-2, scale=5))),
    ("beta-duration", {"dist": "beta", "a": 3, "b": 2, "low": "1 month", "high": "2 years"}, "duration",
     _scipy_moments(stats.beta(3, 2, loc=M, scale=2 * Y - M))),
    ("empirical-values", {"dist": "empirical", "values": [1, 2, 5, 10], "weights": [4, 3, 2, 1]}, "value",
     _discrete_moments([1, 2, 5, 10], [4, 3, 2, 1])),
    ("empirical-values-unweighted", {"dist": "empirical", "values": [0.2, 0.4, 0.9]}, "value",
     _discrete_moments([0.2, 0.4, 0.9], [1, 1, 1])),
    ("empirical-values-duration", {"dist": "empirical", "values": ["1 week", "3 months", "1 year"],
                                   "weights": [0.5, 0.3, 0.2]}, "duration",
     _discrete_moments([W, 3 * M, Y], [0.5, 0.3, 0.2])),
    ("empirical-bins", {"dist": "empirical", "bins": [0, 1, 3, 10], "weights": [5, 0, 2]}, "value",
     _scipy_moments(stats.rv_histogram((np.array([5, 0, 2]), np.array([0, 1, 3, 10])), density=False))),
    ("empirical-bins-duration", {"dist": "empirical", "bins": ["0 days", "6 months", "1 year", "5 years"],
                                 "weights": [50, 30, 20]}, "duration",
     _scipy_moments(stats.rv_histogram((np.array([50, 30, 20]), np.array([0, 6 * M, Y, 5 * Y])), density=False))),
]
IDS = [case[0] for case in CASES]


@pytest.fixture(scope="module")
def draws() -> dict[str, tuple[Distribution, np.ndarray]]:
    """Build each case once and draw N samples (shared by the checks below, to keep the file fast)."""
    out = {}
    for name, spec, kind, _ in CASES:
        dist = build_distribution(spec, kind)
        out[name] = (dist, dist.sample(np.random.default_rng(SEED), N))
    return out


@pytest.mark.parametrize(("name", "spec", "kind", "reference"), CASES, ids=IDS)
def test_moments_match_reference(name: str, spec: dict[str, Any], kind: str,
                                 reference: tuple[float, float, float]) -> None:
    """The closed-form .mean/.variance agree with an independent reference implementation."""
    dist = build_distribution(spec, kind)
    ref_mean, ref_var, _ = reference
    assert dist.mean == pytest.approx(ref_mean, rel=1e-6, abs=1e-12)
    assert dist.variance == pytest.approx(ref_var, rel=1e-6, abs=1e-12)


@pytest.mark.parametrize(("name", "spec", "kind", "reference"), CASES, ids=IDS)
def test_samples_match_moments(draws: dict[str, tuple[Distribution, np.ndarray]], name: str, spec: dict[str, Any],
                               kind: str, reference: tuple[float, float, float]) -> None:
    """Sample mean within 4 SE and sample variance within 5 SE(s²) of what the object claims."""
    dist, x = draws[name]
    assert x.shape == (N,) and x.dtype == np.float64
    if dist.variance == 0:
        assert np.all(x == dist.mean)
        return
    se_mean = math.sqrt(dist.variance / N)
    assert abs(x.mean() - dist.mean) < 4 * se_mean
    excess_kurtosis = reference[2]
    rel_se_var = math.sqrt((excess_kurtosis + 2) / N)
    assert abs(x.var(ddof=1) / dist.variance - 1) < 5 * rel_se_var


@pytest.mark.parametrize("name", IDS)
def test_samples_within_support(draws: dict[str, tuple[Distribution, np.ndarray]], name: str) -> None:
    """Every draw lies in [low, high]; durations are never negative."""
    dist, x = draws[name]
    assert dist.low <= x.min() and x.max() <= dist.high
    if dist.kind == "duration":
        assert dist.low >= 0


@pytest.mark.parametrize(("name", "spec", "kind", "reference"), CASES, ids=IDS)
def test_reproducible_picklable_and_shapes(name: str, spec: dict[str, Any], kind: str,
                                           reference: tuple[float, float, float]) -> None:
    """Same seed gives the same draws (also after pickling, as worker processes do); scalar vs batch types."""
    dist = build_distribution(spec, kind)
    first = dist.sample(np.random.default_rng(SEED), 1000)
    again = dist.sample(np.random.default_rng(SEED), 1000)
    np.testing.assert_array_equal(first, again)

    copy = pickle.loads(pickle.dumps(dist))
    assert copy == dist and hash(copy) == hash(dist)
    assert copy.spec == spec and copy.kind == kind
    np.testing.assert_array_equal(copy.sample(np.random.default_rng(SEED), 1000), first)

    rng = np.random.default_rng(SEED)
    one = dist.sample(rng)
    assert type(one) is float
    assert dist.sample(rng, 7).shape == (7,)
    assert dist.sample(rng, 0).shape == (0,)
    assert build_distribution(dist.spec, kind) == dist


def test_global_random_state_untouched() -> None:
    """Sampling draws only from the generator passed in, never numpy's global state."""
    before = np.random.get_state()[1].copy()
    for _, spec, kind, _ in CASES:
        build_distribution(spec, kind).sample(np.random.default_rng(1), 10)
    np.testing.assert_array_equal(np.random.get_state()[1], before)


def test_spec_is_a_copy_and_direct_construction_has_a_spec() -> None:
    """Manifests get the spec as written; objects built in code get an equivalent, rebuildable spec."""
    spec: dict[str, Any] = {"dist": "empirical", "values": ["1 day", "2 days"]}
    dist = build_distribution(spec, "duration")
    spec["values"].append("3 days")
    assert dist.spec == {"dist": "empirical", "values": ["1 day", "2 days"]}

    direct = Gamma(2.0, 30.0, kind="duration")
    assert direct.spec == {"dist": "gamma", "shape": 2.0, "scale": "30.0 days"}
    assert build_distribution(direct.spec, "duration") == direct


INVALID: list[tuple[Any, str, list[str]]] = [
    ({"dist": "gama", "shape": 2, "scale": 1}, "value", ["unknown distribution 'gama'", "did you mean 'gamma'",
                                                          "lognormal"]),
    ({"shape": 2, "scale": 1}, "value", ["'dist'", "gamma"]),
    ("6 months", "duration", ["mapping", "dist: gamma"]),
    (6, "value", ["mapping"]),
    ({"dist": "gamma", "shape": 2}, "value", ["missing parameter 'scale'", "shape, scale"]),
    ({"dist": "triangular", "low": 0, "high": 1}, "value", ["missing parameter 'mode'"]),
    ({"dist": "gamma", "shape": 2, "scale": 1, "loc": 3}, "value", ["unknown parameter 'loc'", "shape, scale"]),
    ({"dist": "gamma", "shape": 2, "scael": 1}, "value", ["unknown parameter 'scael'", "did you mean 'scale'"]),
    ({"dist": "gamma", "shape": 2, "scale": 1, "mean": 2}, "value", ["conflicting parameters"]),
    ({"dist": "empirical", "values": [1], "bins": [0, 1], "weights": [1]}, "value", ["conflicting parameters"]),
    ({"dist": "exponential", "mean": 30}, "duration", ["'mean'", "needs a unit", "6 months"]),
    ({"dist": "empirical", "values": ["1 day", 2]}, "duration", ["'values[1]'", "needs a unit"]),
    ({"dist": "beta", "a": 2, "b": "5"}, "value", ["'b'", "bare number"]),
    ({"dist": "uniform", "low": 0, "high": "1 year"}, "value", ["'high'", "bare number"]),
    ({"dist": "gamma", "shape": "2 months", "scale": "1 month"}, "duration", ["'shape'", "no unit"]),
    ({"dist": "gamma", "shape": True, "scale": 1}, "value", ["'shape'"]),
    ({"dist": "gamma", "shape": 2, "scale": -1}, "value", ["scale must be > 0"]),
    ({"dist": "gamma", "shape": 2, "scale": "0 days"}, "duration", ["scale must be > 0"]),
    ({"dist": "gamma", "shape": 0, "mean": 1}, "value", ["shape must be > 0"]),
    ({"dist": "weibull", "shape": -1, "scale": 1}, "value", ["shape must be > 0"]),
    ({"dist": "exponential", "mean": "-3 days"}, "duration", ["negative"]),
    ({"dist": "lognormal", "mean": 1, "sd": -1}, "value", ["sd must be > 0"]),
    ({"dist": "lognormal", "mean": 1, "sigma": 0}, "value", ["sigma must be > 0"]),
    ({"dist": "normal", "mean": 1, "sd": -0.5}, "value", ["sd must be > 0"]),
    ({"dist": "normal", "mean": 0, "sd": 1, "low": 1, "high": 1}, "value", ["low must be < high"]),
    ({"dist": "normal", "mean": 0, "sd": 1, "low": 50, "high": 60}, "value", ["no probability"]),
    ({"dist": "normal", "mean": "1 month", "sd": "1 week"}, "duration", ["needs 'low'"]),
    ({"dist": "normal", "mean": math.nan, "sd": 1}, "value", ["finite"]),
    ({"dist": "uniform", "low": 2, "high": 1}, "value", ["low must be < high"]),
    ({"dist": "triangular", "low": 0, "mode": 2, "high": 1}, "value", ["mode"]),
    ({"dist": "beta", "a": 0, "b": 1}, "value", ["a and b must be > 0"]),
    ({"dist": "beta", "a": 1, "b": 1}, "duration", ["needs 'low' and 'high'"]),
    ({"dist": "empirical", "values": [1, 2, 3], "weights": [1, 2]}, "value", ["2 weights for 3 values"]),
    ({"dist": "empirical", "values": [1, 2], "weights": [1, -1]}, "value", ["weights must be ≥ 0"]),
    ({"dist": "empirical", "values": [1, 2], "weights": [0, 0]}, "value", ["positive sum"]),
    ({"dist": "empirical", "values": []}, "value", ["non-empty list"]),
    ({"dist": "empirical", "values": "1 day"}, "duration", ["non-empty list"]),
    ({"dist": "empirical", "bins": [0, 1, 2], "weights": [1]}, "value", ["1 weights for 2 bins"]),
    ({"dist": "empirical", "bins": [0, 2, 1], "weights": [1, 1]}, "value", ["strictly increasing"]),
    ({"dist": "empirical", "bins": [0, 1]}, "value", ["missing parameter 'weights'"]),
    ({"dist": "fixed", "value": 1}, "weeks", ["kind must be one of"]),
]


@pytest.mark.parametrize(("spec", "kind", "words"), INVALID, ids=[str(row[0])[:60] for row in INVALID])
def test_invalid_specs_explain_themselves(spec: Any, kind: str, words: list[str]) -> None:
    """Each mistake raises ValueError naming the family/parameter and what would be accepted."""
    with pytest.raises(ValueError) as info:
        build_distribution(spec, kind)
    for word in words:
        assert word in str(info.value), str(info.value)


class Section(BaseModel):
    """A scenario section using both pydantic distribution types."""

    duration: DurationDistribution
    trust: ValueDistribution


def test_pydantic_types() -> None:
    """Specs validate into objects, errors carry the field's key path, and dumps give back the spec."""
    spec_d = {"dist": "gamma", "shape": 2, "scale": "3 months"}
    spec_v = {"dist": "beta", "a": 2, "b": 5}
    section = Section(duration=spec_d, trust=spec_v)
    assert isinstance(section.duration, Gamma) and section.duration.mean == pytest.approx(6 * M)
    assert section.model_dump() == {"duration": spec_d, "trust": spec_v}
    assert Section.model_validate(section.model_dump()) == section
    assert Section(duration=section.duration, trust=section.trust) == section  # instances pass through

    with pytest.raises(ValidationError) as info:
        Section(duration={"dist": "gamma", "shape": 2, "scale": 90}, trust=spec_v)
    (error,) = info.value.errors()
    assert error["loc"] == ("duration",) and "needs a unit" in error["msg"]

    with pytest.raises(ValidationError) as info:
        Section(duration=spec_d, trust=section.duration)  # a duration distribution where a value one belongs
    (error,) = info.value.errors()
    assert error["loc"] == ("trust",) and "expected a value distribution" in error["msg"]


# --- the same distributions drawn from a client's counter-based stream (simulation/model/counter_rng.py) ---

N_COUNTER = 20_000  # one scalar draw at a time, as the model draws for a client


@pytest.mark.parametrize(("name", "spec", "kind", "reference"), CASES, ids=IDS)
def test_counter_stream_samples_match_moments(name: str, spec: dict[str, Any], kind: str,
                                              reference: tuple[float, float, float]) -> None:
    """A client's stream gives every family by inversion of its own uniforms: one draw at a time
    (the model's path) the sample mean is within 4 SE and the variance within 5 SE(s²) of what
    the object claims, every draw is in [low, high], and a batch equals the same draws one by one."""
    from simulation.model.counter_rng import CounterStream, run_key

    dist = build_distribution(spec, kind)
    stream = CounterStream(run_key(SEED, 0), client=7, purpose=100)
    x = np.array([dist.sample(stream) for _ in range(N_COUNTER)])
    assert dist.low <= x.min() and x.max() <= dist.high
    batch = dist.sample(CounterStream(run_key(SEED, 0), client=7, purpose=100), 50)
    np.testing.assert_allclose(batch, x[:50], rtol=1e-12)
    if dist.variance == 0:
        assert np.all(x == dist.mean)
        return
    assert abs(x.mean() - dist.mean) < 4 * math.sqrt(dist.variance / N_COUNTER)
    assert abs(x.var(ddof=1) / dist.variance - 1) < 5 * math.sqrt((reference[2] + 2) / N_COUNTER)


def test_counter_stream_uniforms_and_integers() -> None:
    """Uniforms pass a Kolmogorov–Smirnov test and have no lag-1 correlation beyond 4 SE;
    integers(n) is uniform on 0..n-1 (chi-square) and stays in range."""
    from simulation.model.counter_rng import CounterStream, run_key

    stream = CounterStream(run_key(3, 1), client=12, purpose=102)
    u = np.array([stream.random() for _ in range(N_COUNTER)])
    assert 0.0 < u.min() and u.max() < 1.0
    assert stats.kstest(u, "uniform").pvalue > 1e-3
    assert abs(np.corrcoef(u[:-1], u[1:])[0, 1]) < 4 / math.sqrt(N_COUNTER)
    k = np.array([stream.integers(6) for _ in range(12_000)])
    assert k.min() == 0 and k.max() == 5
    assert stats.chisquare(np.bincount(k, minlength=6)).pvalue > 1e-3
