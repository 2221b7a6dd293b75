"""Warm-up analysis: MSER-5 against theory, Welch's average by hand, and real model output.

The synthetic checks use many series from one seeded Generator and test a distribution
(median, extremes) against a bound derived below, so no single lucky seed decides them.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import load_small
from scipy.signal import lfilter

import simulation
from simulation.experiments.warmup import (
    WarmupSuggestion,
    mser,
    mser_details,
    suggest_warmup,
    welch_moving_average,
)
from simulation.present.warmup import plot_warmup

BATCH = 5

# --- MSER-5: exact small case and input checks ----------------------------------------------------


def test_mser_matches_hand_computation_and_drops_incomplete_batch() -> None:
    # Batch means of the first 10 values: 10, 5, 5, 5, 5; the 11th value (1000) is an
    # incomplete batch and must be ignored. MSER(0): mean 6, squares 16+1+1+1+1 = 20, / 5^2.
    # From d = 1 on the tail is constant, MSER = 0; the first minimum is d = 1 -> 2 observations.
    series = [9, 11, 4, 6, 5, 5, 6, 4, 5, 5, 1000]
    result = mser_details(series, batch=2)
    assert result.batches == 5
    np.testing.assert_allclose(result.statistic, [0.8, 0.0, 0.0, 0.0], atol=1e-12)
    assert result.truncation == 2
    assert not result.second_half
    assert mser(series, batch=2) == 2


@pytest.mark.parametrize("series", [np.arange(9.0), [1.0, np.nan] * 10, [1.0, np.inf] * 10])
def test_mser_refuses_short_or_non_finite_series(series: object) -> None:
    with pytest.raises(ValueError):
        mser(series)


# --- MSER-5 against theory -------------------------------------------------------------------------
#
# Series y_t = 50 + A exp(-t/tau) + noise. Let s be the standard deviation of a batch mean of
# the noise and b_d the bias of batch d. Deleting one more batch at d (m batches left) changes
# MSER = SS/m^2 by about [(m-1)s^2 - b_d^2]/(m-1)^2 - s^2/m ~ (s^2 - b_d^2)/m^2, so MSER keeps
# falling while the bias exceeds s and the expected truncation is where b = s:
# t* = tau ln(A/s). The noise in SS makes the minimum wander along the flat bottom, so we
# test that the median over many series lies where the bias is between 2s and s/2,
# [tau ln(A/2s), tau ln(2A/s)], and that no series keeps data biased by more than 4s.

TAU, AMPLITUDE, SIGMA, LENGTH, SERIES = 20.0, 50.0, 5.0, 1000, 200


def band(s: float) -> tuple[float, float, float]:
    """(never below, median from, median to) for batch-mean noise s, in observations."""
    return (TAU * np.log(AMPLITUDE / (4 * s)), TAU * np.log(AMPLITUDE / (2 * s)), TAU * np.log(2 * AMPLITUDE / s))


def transient(noise: np.ndarray) -> np.ndarray:
    return 50 + AMPLITUDE * np.exp(-np.arange(noise.shape[-1]) / TAU) + noise


def test_mser_finds_exponential_transient_with_iid_noise() -> None:
    rng = np.random.default_rng(20240601)
    series = transient(rng.normal(0, SIGMA, (SERIES, LENGTH)))
    truncations = np.array([mser(row) for row in series])
    floor, low, high = band(SIGMA / np.sqrt(BATCH))  # about 34, 48 and 76 observations
    assert truncations.min() >= floor
    assert low <= np.median(truncations) <= high
    assert np.all(truncations % BATCH == 0)


def test_mser_finds_exponential_transient_with_ar1_noise() -> None:
    # AR(1) noise with marginal sd SIGMA: a batch mean of m points has variance
    # SIGMA^2/m^2 * (m + 2 sum_{h<m} (m-h) phi^h), larger than SIGMA^2/m, so t* is shorter.
    phi, burn_in = 0.5, 100
    rng = np.random.default_rng(20240602)
    shocks = rng.normal(0, SIGMA * np.sqrt(1 - phi**2), (SERIES, LENGTH + burn_in))
    noise = lfilter([1.0], [1.0, -phi], shocks, axis=1)[:, burn_in:]
    truncations = np.array([mser(row) for row in transient(noise)])
    lags = np.arange(1, BATCH)
    s = SIGMA / BATCH * np.sqrt(BATCH + 2 * np.sum((BATCH - lags) * phi**lags))  # about 3.3
    floor, low, high = band(s)  # about 26, 40 and 68 observations
    assert truncations.min() >= floor
    assert low <= np.median(truncations) <= high


def test_mser_keeps_stationary_series_whole() -> None:
    # Without bias every deletion only throws information away; MSER's minimum still wanders
    # (about a third of pure-noise series get some truncation), but the typical answer is none.
    rng = np.random.default_rng(20240603)
    truncations = np.array([mser(row) for row in rng.normal(50, SIGMA, (SERIES, 200))])
    assert np.median(truncations) == 0
    assert np.mean(truncations <= BATCH) > 0.5
    assert truncations.mean() / 200 < 0.1


def test_mser_flags_a_trend_as_too_short() -> None:
    # A series that never settles: MSER keeps falling to the end, past the first half.
    assert mser_details(np.arange(200.0)).second_half
    rng = np.random.default_rng(20240604)
    noisy = np.linspace(0, 10, 200) + rng.normal(0, 1, (50, 200))
    assert all(mser_details(row).second_half for row in noisy)
    assert all(mser(row) <= 100 for row in noisy)  # the reported truncation stays in the first half


# --- Welch's moving average -------------------------------------------------------------------------


def test_welch_moving_average_by_hand() -> None:
    y = [4, 8, 2, 6, 10, 0, 7]
    # w = 2, m = 7: i=1 one point; i=2 three points; i=3..5 five points; i=6,7 have no window.
    expected = [4, (4 + 8 + 2) / 3, (4 + 8 + 2 + 6 + 10) / 5, (8 + 2 + 6 + 10 + 0) / 5, (2 + 6 + 10 + 0 + 7) / 5,
                np.nan, np.nan]
    np.testing.assert_allclose(welch_moving_average(y, 2), expected)
    np.testing.assert_allclose(welch_moving_average(y, 0), y)


@pytest.mark.parametrize("window", [-1, 7])
def test_welch_refuses_impossible_window(window: int) -> None:
    with pytest.raises(ValueError):
        welch_moving_average([1.0] * 7, window)


# --- suggest_warmup on synthetic tables --------------------------------------------------------------


def synthetic_table(stock: np.ndarray, exits: dict[str, np.ndarray], follow_up: int = 6) -> pd.DataFrame:
    n = len(stock)
    months = pd.period_range("2016-01", periods=n + follow_up, freq="M")
    end = np.cumsum(months.days_in_month).astype(float)
    table = pd.DataFrame({
        "month": months.strftime("%Y-%m"), "start": end - months.days_in_month, "time": end,
        "period": ["warmup"] * 12 + ["observation"] * (n - 12) + ["follow_up"] * follow_up,
        # follow-up months hold absurd values: they must not enter the analysis
        "stock": np.concatenate([stock, np.full(follow_up, 1e6)]),
    })
    for name, values in exits.items():
        table[name] = np.concatenate([values, np.full(follow_up, 1e6)])
    return table


def test_suggest_warmup_on_synthetic_tables() -> None:
    rng = np.random.default_rng(20240605)
    n = 120
    decay = 100 * np.exp(-np.arange(n) / 6.0)
    tables = []
    for replication in range(4):
        exits = {"exits_work": rng.poisson(10, n).astype(float)}
        if replication:  # a reason nobody took in replication 0 has no column there: counts as zero
            exits["exits_death"] = np.where(rng.random(n) < 0.5, 1.0, np.nan)
        tables.append(synthetic_table(1000 + decay + rng.normal(0, 1, n), exits))
    result = suggest_warmup(tables)
    assert isinstance(result, WarmupSuggestion)
    assert len(result.means) == n
    assert list(result.means.columns) == ["month", "time", "period", "stock", "outflow", "stock_welch", "outflow_welch"]
    expected_outflow = np.mean([t["exits_work"].to_numpy()[:n] + t.get("exits_death", pd.Series(0.0, t.index))
                                .fillna(0).to_numpy()[:n] for t in tables], axis=0)
    np.testing.assert_allclose(result.means["outflow"], expected_outflow)
    # Mean noise sd 0.5, batch mean sd 0.22: the bias 100 exp(-t/6) falls to it near t = 37 months.
    assert 20 <= result.per_series["stock"] <= 50
    assert result.months == max(result.per_series.values())
    assert result.days == result.means["time"].iloc[result.months - 1]
    assert (result.replications, result.batches, result.configured_months) == (4, 24, 12)


def test_suggest_warmup_refuses_mismatched_months() -> None:
    stock = np.full(30, 100.0)
    exits = {"exits_work": np.ones(30)}
    other = synthetic_table(stock, exits)
    other["month"] = other["month"].str.replace("2016", "2015")
    with pytest.raises(ValueError, match="other months"):
        suggest_warmup([synthetic_table(stock, exits), other])
    with pytest.raises(ValueError, match="no monthly tables"):
        suggest_warmup([])
    with pytest.raises(ValueError, match="'rung_7'"):
        suggest_warmup([synthetic_table(stock, exits)], series=("rung_7",))


# --- real model output ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real_tables() -> list[pd.DataFrame]:
    """Three small Tilburg replications (600 clients, about a second each)."""
    scenario = load_small("scenarios/tilburg.yaml")
    return [simulation.run(scenario, seed=3, replication=i, event_log=False).tables["monthly"] for i in range(3)]


@pytest.fixture(scope="module")
def real(real_tables: list[pd.DataFrame]) -> WarmupSuggestion:
    return suggest_warmup(real_tables)


def test_real_monthly_tables_have_the_expected_periods(real_tables: list[pd.DataFrame]) -> None:
    for table in real_tables:
        periods = list(dict.fromkeys(table["period"]))
        assert periods == ["warmup", "observation", "follow_up"]


def test_suggest_warmup_on_real_model(real_tables: list[pd.DataFrame], real: WarmupSuggestion) -> None:
    analysed = real_tables[0][real_tables[0]["period"] != "follow_up"]
    assert len(real.means) == len(analysed) == 24
    assert real.means.shape == (24, 7)
    assert real.means["month"].tolist() == analysed["month"].tolist()
    assert 0 <= real.months <= len(analysed) // 2  # MSER never deletes more than half
    assert real.months % BATCH == 0
    assert real.replications == 3 and real.configured_months == 12
    expected_stock = np.mean([t.loc[t["period"] != "follow_up", "stock"] for t in real_tables], axis=0)
    np.testing.assert_allclose(real.means["stock"], expected_stock)
    assert real.means["outflow"].min() > 0


def test_plot_writes_png_and_svg_atomically(real: WarmupSuggestion, tmp_path: Path) -> None:
    pyplot_loaded = "matplotlib.pyplot" in sys.modules
    png = plot_warmup(real, tmp_path / "warmup.png", title="Tilburg (small)")
    svg = plot_warmup(real, tmp_path / "warmup.svg", window=3)
    assert png.read_bytes().startswith(b"\x89PNG")
    assert b"<svg" in svg.read_bytes()[:2000]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["warmup.png", "warmup.svg"]  # no temporary files
    assert ("matplotlib.pyplot" in sys.modules) == pyplot_loaded


def test_plot_refuses_missing_folder_and_unknown_type(real: WarmupSuggestion, tmp_path: Path) -> None:
    with pytest.raises(OSError, match="does not exist"):
        plot_warmup(real, tmp_path / "missing" / "warmup.png")
    with pytest.raises(ValueError, match=".pdf"):
        plot_warmup(real, tmp_path / "warmup.pdf")
    assert list(tmp_path.iterdir()) == []


def test_plot_failure_leaves_no_file(real: WarmupSuggestion, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from matplotlib.figure import Figure

    def broken(*args: object, **kwargs: object) -> None:
        raise RuntimeError("disk full")

    monkeypatch.setattr(Figure, "savefig", broken)
    with pytest.raises(RuntimeError, match="disk full"):
        plot_warmup(real, tmp_path / "warmup.png")
    assert list(tmp_path.iterdir()) == []
