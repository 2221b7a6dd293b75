"""Global sensitivity analysis (simulation/experiments/sensitivity/): the plumbing, the noise, bad input.

The plumbing (sampling → evaluation → analysis) is checked on functions whose indices are known,
independently of the model: Ishigami's Sobol' indices, a linear function's Morris μ*, and a
function with added noise whose noise share and floors can be computed by hand. The model test
is one small Morris analysis of a tiny scenario: a hazard of exits to work against a cost that
cannot change who finds work.
"""

from __future__ import annotations

import json
import math
import sys

import numpy as np
import pytest
from conftest import TEST_SCENARIO_DIR
from environment import assert_records_environment

from simulation.errors import ScenarioError
from simulation.experiments.design import Range
from simulation.experiments.sensitivity import (
    analyse,
    parse_params,
    replication_noise,
    sample,
    sensitivity,
)
from simulation.present.sensitivity import format_sensitivity, noise_sentence, words, write_sensitivity

TINY = TEST_SCENARIO_DIR / "tiny_tilburg.yaml"
HAZARD = "work_exit.base_rate_by_phase.3"
COST = "klantmanagers.cost_per_year"
PARAMS = f"{HAZARD}=0.05 per year:0.4 per year,{COST}=€50,000 per year:€90,000 per year"



def salib_installed() -> bool:
    try:
        import SALib  # noqa: F401
    except ImportError:
        return False
    return True


NO_SALIB = "SALib is not installed (pip install 'meedoen[sensitivity]')"
needs_salib = pytest.mark.skipif(not salib_installed(), reason=NO_SALIB)


# --- the plumbing on analytic functions -------------------------------------------------------


def ishigami(x: np.ndarray, a: float = 7.0, b: float = 0.1) -> np.ndarray:
    return np.sin(x[:, 0]) + a * np.sin(x[:, 1]) ** 2 + b * x[:, 2] ** 4 * np.sin(x[:, 0])


def ishigami_indices(a: float = 7.0, b: float = 0.1) -> dict[tuple[str, str], float]:
    """Ishigami & Homma (1990); Sobol' & Levitan (1999): the exact first and total order indices."""
    pi = math.pi
    v1 = 0.5 * (1 + b * pi ** 4 / 5) ** 2
    v2 = a ** 2 / 8
    v13 = 8 * b ** 2 * pi ** 8 / 225
    total = v1 + v2 + v13
    return {("x1", "S1"): v1 / total, ("x2", "S1"): v2 / total, ("x3", "S1"): 0.0,
            ("x1", "ST"): (v1 + v13) / total, ("x2", "ST"): v2 / total, ("x3", "ST"): v13 / total}


@needs_salib
def test_sobol_recovers_ishigami_indices_within_their_bootstrap_intervals() -> None:
    """Each estimate is within two of its own 95% half-widths (about four standard errors) of the
    exact value, and the half-widths are narrow enough for that to be a real check."""
    ranges = {name: Range(-math.pi, math.pi) for name in ("x1", "x2", "x3")}
    design = sample(ranges, "sobol", 1024, seed=1)
    assert design.values.shape == (1024 * 5, 3)
    table = analyse(design, ishigami(design.values))
    for (parameter, index), exact in ishigami_indices().items():
        row = table[(table["parameter"] == parameter) & (table["index"] == index)].iloc[0]
        half = (row["conf_high"] - row["conf_low"]) / 2
        assert 0 < half < 0.1, (parameter, index, half)
        assert abs(row["value"] - exact) <= 2 * half, (parameter, index, row["value"], exact, half)


@needs_salib
def test_morris_recovers_a_linear_function_in_the_outcomes_unit_per_range() -> None:
    """f = 5·x1 + x2 on [0, 2]²: every elementary effect of x1 is 5 × 2 = 10, of x2 is 2, of x3 0."""
    ranges = {"x1": Range(0, 2), "x2": Range(0, 2), "x3": Range(0, 2)}
    design = sample(ranges, "morris", 6, seed=3)
    assert design.values.shape == (6 * 4, 3)
    table = analyse(design, 5 * design.values[:, 0] + design.values[:, 1]).set_index(["parameter", "index"])
    assert table.loc[("x1", "mu_star"), "value"] == pytest.approx(10)
    assert table.loc[("x2", "mu_star"), "value"] == pytest.approx(2)
    assert table.loc[("x3", "mu_star"), "value"] == pytest.approx(0, abs=1e-9)
    assert table.loc[("x1", "sigma"), "value"] == pytest.approx(0, abs=1e-6)


@needs_salib
def test_designs_are_reproducible_and_integer_ranges_give_every_whole_number() -> None:
    ranges = {"n": Range(1, 3, integer=True), "x": Range(0.1, 0.6)}
    first, again = sample(ranges, "sobol", 64, seed=7), sample(ranges, "sobol", 64, seed=7)
    np.testing.assert_array_equal(first.values, again.values)
    assert not np.array_equal(first.values, sample(ranges, "sobol", 64, seed=8).values)
    counts = dict(zip(*np.unique(first.values[:, 0], return_counts=True)))
    assert set(counts) == {1, 2, 3} and min(counts.values()) > 0.25 * len(first.values)  # about a third each
    assert all(p["n"] in {"1", "2", "3"} for p in first.points)
    morris = sample(ranges, "morris", 4, seed=7)
    assert set(np.unique(morris.values[:, 0])) <= {1, 2, 3}
    assert morris.values[:, 1].min() >= 0.1 and morris.values[:, 1].max() <= 0.6


def test_noise_decomposition_leaves_out_luck_shared_by_all_points() -> None:
    """y = f(point) + b(replication) + e: the common b (large, as under common random numbers)
    must not count as noise; the point-specific e, variance 1, gives Var(point mean) 1/R."""
    rng = np.random.default_rng(3)
    points, reps = 500, 4
    f = rng.normal(0, 2, points)
    shared = rng.normal(0, 5, reps)
    y = f[:, None] + shared[None, :] + rng.normal(0, 1, (points, reps))
    noise = replication_noise(y)
    assert noise["noise_variance"] == pytest.approx(1 / reps, rel=0.15)
    assert noise["noise_share"] == pytest.approx((1 / reps) / (4 + 1 / reps), abs=0.02)
    # one run's noise is mostly the shared part, which the noise share rightly leaves out
    assert noise["within_variance"] == pytest.approx(np.var(shared, ddof=1) + 1, rel=0.15)
    assert noise["crn_gain"] > 10


@needs_salib
@pytest.mark.parametrize("method, n", [("morris", 40), ("sobol", 256)])
def test_a_parameter_that_only_adds_noise_sits_at_its_noise_floor(method: str, n: int) -> None:
    """Independent noise (no common random numbers): x2 does nothing, so its μ* or ST is the
    noise alone, and its floor predicts it; for Sobol' the floor is the noise share."""
    rng = np.random.default_rng(5)
    design = sample({"x1": Range(0, 1), "x2": Range(0, 1)}, method, n, seed=2)
    y = 5 * design.values[:, [0]] + rng.normal(0, 1.0, (len(design.values), 4))
    table = analyse(design, y).set_index(["parameter", "index"])
    main = "ST" if method == "sobol" else "mu_star"
    dummy = table.loc[("x2", main)]
    assert dummy["conf_low"] <= dummy["noise_floor"] * 1.1 and dummy["noise_floor"] * 0.9 <= dummy["conf_high"]
    assert table.loc[("x1", main), "conf_low"] > 3 * table.loc[("x1", main), "noise_floor"]
    if method == "sobol":
        share = replication_noise(y)["noise_share"]
        assert dummy["noise_floor"] == pytest.approx(share, rel=0.25)
        assert share == pytest.approx(0.25 / (25 / 12 + 0.25), abs=0.03)


# --- the model ---------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tiny_morris(tmp_path_factory: pytest.TempPathFactory):
    """Morris, 4 trajectories × 3 points × 2 replications of tiny Tilburg (24 runs, a few seconds)."""
    if not salib_installed():
        pytest.skip(NO_SALIB)
    out = tmp_path_factory.mktemp("sensitivity") / "morris"
    result = sensitivity(TINY, PARAMS, "morris", n=4, reps=2, seed=1,
                         outcomes=["exits_to_work_pct_stock", "activation_cost_per_year"])
    write_sensitivity(result, out, lang="nl")
    return result, out


def test_the_exit_hazard_ranks_above_a_cost_that_cannot_move_exits(tiny_morris) -> None:
    result, _ = tiny_morris
    mu = result.indices[result.indices["index"] == "mu_star"].set_index(["outcome", "parameter"])["value"]
    assert mu["exits_to_work_pct_stock", HAZARD] > 1.0  # percentage points over the range
    # common random numbers: changing the cost changes no draw, so exits are identical to the bit
    assert mu["exits_to_work_pct_stock", COST] == 0.0
    assert mu["activation_cost_per_year", COST] > mu["activation_cost_per_year", HAZARD] > 0
    hazard = result.indices.set_index(["outcome", "parameter", "index"]).loc[("exits_to_work_pct_stock", HAZARD,
                                                                               "mu_star")]
    assert hazard["conf_low"] > hazard["noise_floor"]  # more than noise


def test_the_noise_share_is_reported_and_between_0_and_1(tiny_morris) -> None:
    result, _ = tiny_morris
    noise = result.noise.set_index("outcome")
    for outcome in ("exits_to_work_pct_stock", "activation_cost_per_year"):
        row = noise.loc[outcome]
        assert row["analysed"] and row["reps"] == 2 and row["points"] == 12
        assert 0 < row["noise_share"] < 1
        assert row["noise_variance"] <= row["within_variance"] / 2  # the shared luck is left out
    sentence = noise_sentence(result, "exits_to_work_pct_stock")
    assert sentence.startswith("replication noise is ") and sentence.endswith("% of the output variance")
    text = format_sensitivity(result)
    assert HAZARD in text and "replication noise is" in text
    assert "replicatieruis is" in format_sensitivity(result, "nl")


def test_the_output_folder_holds_tables_plots_and_a_manifest(tiny_morris) -> None:
    import pandas as pd

    _, out = tiny_morris
    files = {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file()}
    assert {"indices.csv", "noise.csv", "design.csv", "runs.csv", "manifest.json",
            "plots/exits_to_work_pct_stock.png", "plots/exits_to_work_pct_stock.svg",
            "plots/activation_cost_per_year.png"} <= files
    assert not list(out.parent.glob(".*partial*"))  # the staging folder is gone
    indices = pd.read_csv(out / "indices.csv")
    assert list(indices.columns) == ["outcome", "parameter", "index", "value", "conf_low", "conf_high", "noise_floor"]
    assert len(indices) == 2 * 2 * 3  # outcomes × parameters × (mu_star, sigma, mu)
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["kind"] == "sensitivity" and manifest["method"] == "morris" and manifest["lang"] == "nl"
    assert_records_environment(manifest)
    assert manifest["parameters"][COST]["range"] == "€50000 per year:€90000 per year"
    assert manifest["points"] == 12 and manifest["reps"] == 2
    assert set(manifest["files"]) == files
    runs = pd.read_csv(out / "runs.csv")
    assert len(runs) == 12 * 2 * 2  # points × replications × outcomes
    design = pd.read_csv(out / "design.csv")
    assert f"{COST} [€ per year]" in design.columns and f"{HAZARD} [per year]" in design.columns


# --- bad input ---------------------------------------------------------------------------------


def bad(**changes) -> ScenarioError:
    options = {"scenario": TINY, "params": PARAMS, "method": "morris", "n": 4, "reps": 2, "store": False}
    options.update(changes)
    with pytest.raises(ScenarioError) as caught:
        sensitivity(**options)
    return caught.value


def test_bad_input_is_refused_before_anything_runs() -> None:
    error = bad(method="sobel")
    assert error.argument == "method" and "did you mean 'sobol'" in str(error)
    error = bad(method="morris", n=2)
    assert error.argument == "n" and "at least 4 trajectories" in str(error)
    error = bad(method="sobol", n=8)
    assert error.argument == "n" and "at least 16" in str(error)
    error = bad(method="sobol", n=48)
    assert error.argument == "n" and "power of 2" in str(error) and "32 or 64" in str(error)
    error = bad(params=f"{HAZARD}=0.4 per year:0.05 per year")
    assert error.argument == "params" and error.key == HAZARD and "lower bound" in str(error)
    error = bad(params="klantmanagers.count=3:3")
    assert error.argument == "params" and "lower bound" in str(error)
    error = bad(params="sanctions.detection_probability=0.5:1.5")
    assert error.argument == "params" and "upper bound '1.5'" in str(error) and "probability" in str(error)
    error = bad(params="work_exit.motivaton_effect=0.5:2")
    assert error.argument == "params" and "did you mean 'motivation_effect'" in str(error)
    error = bad(params="work_exit.motivation_effect=1 months:2 years")
    assert "different units" in str(error)
    error = bad(outcomes=["exits_to_work_pct"])
    assert error.argument == "outcomes" and "did you mean" in str(error)
    error = bad(reps=1)
    assert error.argument == "reps"
    with pytest.raises(ScenarioError) as caught:
        words("de")
    assert caught.value.argument == "lang"
    with pytest.raises(ScenarioError, match="lower bound"):
        sample({"x": Range(2.0, 1.0)}, "morris", 4)


def test_missing_salib_gives_the_install_hint(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in [m for m in sys.modules if m == "SALib" or m.startswith("SALib.")] + ["SALib"]:
        monkeypatch.setitem(sys.modules, name, None)  # None in sys.modules makes the import fail
    error = bad()
    assert "SALib" in str(error) and "pip install 'meedoen[sensitivity]'" in str(error)


def test_params_split_on_commas_only_before_a_new_key() -> None:
    ranges = parse_params(f"{COST}=€100,000 per year:€200,000 per year, services.wijkteam.slots=20:60")
    assert list(ranges) == [COST, "services.wijkteam.slots"]
    assert ranges[COST].lo == 100000 and ranges[COST].suffix == " per year"
    assert ranges["services.wijkteam.slots"].integer
    assert parse_params(["a.b=1:2", "c=0.1:0.2"]).keys() == {"a.b", "c"}
    with pytest.raises(ScenarioError) as caught:
        parse_params(" , ")
    assert caught.value.argument == "params"
