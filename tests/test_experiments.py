"""Experiments API: common random numbers, the statistics of a comparison, precision targets, sweeps.

The variance-reduction test is the acceptance test for common random numbers: a small policy
change (one extra netwerkconsulent) must leave most of the replication noise common to both
arms, so that the paired difference varies far less than an unpaired one would.
"""

from __future__ import annotations

import math
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import HANG_GUARD_S, SCENARIO_DIR, TEST_SCENARIO_DIR, load_small
from scipy import stats

import simulation
from simulation.errors import ScenarioError
from simulation.experiments.comparison import Precision, imprecise, next_reps
from simulation.outcomes.definitions import OUTCOMES
from simulation.outcomes.statistics import mean_ci, summarise, variance_ratio

TILBURG = SCENARIO_DIR / "tilburg.yaml"
LEEUWARDEN = SCENARIO_DIR / "leeuwarden.yaml"


def one_more_netwerkconsulent(stock: int) -> tuple[simulation.LoadedScenario, simulation.LoadedScenario]:
    """Small Tilburg, and the same with one more netwerkconsulent (and its share of case slots)."""
    base = load_small(TILBURG, stock=stock)
    team = base.model.services["netwerkconsulent"]
    per_staff = team.slots / team.staff
    extra = [f"services.netwerkconsulent.staff={team.staff + 1}",
             f"services.netwerkconsulent.slots={round(team.slots + per_staff)}"]
    return base, load_small(TILBURG, extra, stock=stock)


# --- common random numbers ------------------------------------------------------------------


@pytest.mark.slow
def test_common_random_numbers_reduce_variance_of_the_difference() -> None:
    """Acceptance: VR > 2 for exits to work under one extra netwerkconsulent.

    VR = (s²_A + s²_B) / s²_(B−A) estimates how many times more replications independent runs
    would need for the same precision of the difference. 2 is the issue's bar. The test also asks
    for 100: when it was written, a single shared stream for all of a client's policy draws gave
    VR 42 here and the per-client split about 1,300. The model has changed since: one more
    netwerkconsulent now moves hardly any exit to work into or out of the window, and at this seed
    the difference is 0 in all 8 replications (VR infinite) with the streams before issue 12 and
    with those after it. The split by kind is tested by ``test_more_draws_of_one_kind_shift_no_other_kind``.
    """
    base, more = one_more_netwerkconsulent(stock=1500)
    summary = simulation.compare([base, more], reps=8, seed=11, workers=2, store=False)
    row = summary[(summary["outcome"] == "exits_to_work_per_year") & (summary["scenario"] != summary["scenario"].iloc[0])]
    print(f"\nexits to work per year, +1 netwerkconsulent: VR {row['variance_ratio'].iloc[0]:.1f}, "
          f"difference {row['diff'].iloc[0]:+.2f} [{row['diff_low'].iloc[0]:+.2f}, {row['diff_high'].iloc[0]:+.2f}], "
          f"arm CI [{row['ci_low'].iloc[0]:.1f}, {row['ci_high'].iloc[0]:.1f}]")
    assert row["variance_ratio"].iloc[0] > 2
    assert row["variance_ratio"].iloc[0] > 100, "a policy change shifts other clients' draws"
    # the paired CI of the difference is then narrower than the CI of either arm's mean
    width_paired = float(row["diff_high"].iloc[0] - row["diff_low"].iloc[0])
    width_arm = float(row["ci_high"].iloc[0] - row["ci_low"].iloc[0])
    assert width_paired < width_arm / 2


def test_a_clients_own_draws_do_not_depend_on_policy() -> None:
    """The same client id gets the same attributes whatever the policy (its own ``luck`` stream),
    even though the two policies draw very differently for their decisions."""
    tilburg = simulation.run(load_small(TILBURG, stock=300), seed=4, replication=2, event_log=False)
    strict = load_small(TILBURG, ["sanctions.detection_probability=0.9", "sanctions.noncompliance_probability=0.5"],
                        stock=300)
    other = simulation.run(strict, seed=4, replication=2, event_log=False)
    own = ["birth", "male", "household", "migrant", "education"]
    left, right = tilburg.tables["clients"], other.tables["clients"]
    columns = [c for c in own if c in left.columns]
    assert columns, "the clients table lost its attribute columns"
    common = min(len(left), len(right))
    assert (other.tables["sanctions"].shape[0]) != tilburg.tables["sanctions"].shape[0]
    pd.testing.assert_frame_equal(left[columns].iloc[:common], right[columns].iloc[:common], check_exact=True)


def test_more_draws_of_one_kind_shift_no_other_kind() -> None:
    """Streams per purpose (rng.py): asking many more tegenprestaties changes how many
    tegenprestatie draws each client makes and nothing else, so every sanction and every spell
    stays where it was. With one shared stream for all policy draws the extra draws shift the
    monitoring draws after them and the sanctions differ (tried: most rows move).

    Placements here last beyond the run and nobody drifts, so a placement adds no event: an
    event that re-books the hazards moves exits a little (the rates are held between events).
    """
    quiet = ["ladder.volunteer_work_duration={dist: fixed, value: 50 years}", "ladder.drift_after_no_contact=100 years"]
    base = load_small(TILBURG, quiet, stock=400)
    more = load_small(TILBURG, [*quiet, "sanctions.tegenprestatie_start.ask=0.5"], stock=400)
    left, right = (simulation.run(s, seed=5, replication=1, event_log=False).tables for s in (base, more))
    assert len(right["placements"]) > 2 * len(left["placements"]), "the variant asks no more tegenprestaties"
    assert len(left["sanctions"]) > 20, "too few sanctions to tell"
    for name in ("sanctions", "spells"):
        pd.testing.assert_frame_equal(left[name], right[name], check_exact=True)


# --- statistics -----------------------------------------------------------------------------


def test_mean_ci_is_the_t_interval() -> None:
    rng = np.random.default_rng(1)
    values = rng.normal(10, 2, size=12)
    mean, low, high, n = mean_ci(values)
    expected = stats.t.interval(0.95, len(values) - 1, loc=values.mean(), scale=stats.sem(values))
    assert n == 12 and mean == pytest.approx(values.mean())
    assert (low, high) == pytest.approx(expected, rel=1e-12)
    assert mean_ci(np.array([np.nan, 3.0, np.nan, 5.0]))[3] == 2  # undefined replications are left out
    assert math.isnan(mean_ci(np.array([1.0]))[1])


def test_variance_ratio_is_one_for_independent_and_large_for_correlated_runs() -> None:
    """Independent equal-variance arms: the ratio's expectation is about 1. Each sample variance
    has relative SD sqrt(2/(n−1)) ≈ 0.022 at n = 4000, so the ratio's relative SD is about
    0.03 and [0.85, 1.15] is a 5σ band. Common noise with a small own part: far above 1."""
    rng = np.random.default_rng(2)
    a, b = rng.normal(0, 1, 4000), rng.normal(0, 1, 4000)
    assert 0.85 < variance_ratio(a, b) < 1.15
    common = rng.normal(0, 1, 4000)
    assert variance_ratio(common, common + rng.normal(0.1, 0.05, 4000)) > 100
    whole = rng.integers(0, 100, 50).astype(float)  # exact arithmetic: the paired difference has no spread
    assert variance_ratio(whole, whole + 1.0) == math.inf
    assert math.isnan(variance_ratio(np.ones(5), np.ones(5)))


def synthetic_replications(rng: np.random.Generator, n: int) -> pd.DataFrame:
    rows = []
    for rep in range(n):
        shared = rng.normal(0, 1)
        for scenario, shift in (("A", 0.0), ("B", 1.0)):
            for k, outcome in enumerate(OUTCOMES):
                value = 100 + k + shift + 5 * shared + rng.normal(0, 0.5)
                rows.append((scenario, "h" + scenario, rep, outcome, value))
    return pd.DataFrame(rows, columns=["scenario", "scenario_hash", "replication", "outcome", "value"])


def test_summary_pairs_by_replication() -> None:
    table = synthetic_replications(np.random.default_rng(3), 30)
    summary = summarise(table)
    assert len(summary) == 2 * len(OUTCOMES)
    first = summary[summary["scenario"] == "A"]
    assert first["diff"].isna().all() and first["variance_ratio"].isna().all()
    row = summary[(summary["scenario"] == "B") & (summary["outcome"] == "average_stock")].iloc[0]
    a = table[(table["scenario"] == "A") & (table["outcome"] == "average_stock")]["value"].to_numpy()
    b = table[(table["scenario"] == "B") & (table["outcome"] == "average_stock")]["value"].to_numpy()
    assert row["diff"] == pytest.approx((b - a).mean())
    assert row["diff_low"] < 1.0 < row["diff_high"]  # the true shift, at these seeds
    assert row["variance_ratio"] > 20  # shared noise sd 5 against own noise sd 0.5: expected ≈ 100


def test_next_reps_follows_the_square_root_rule_and_respects_the_cap() -> None:
    summary = summarise(synthetic_replications(np.random.default_rng(4), 10))
    # half-width ≈ t·s/√10 with s ≈ 5 around means ≈ 100-120: a 1% target needs ~ (h/1)² × 10 reps
    worst = imprecise(summary, 0.01)
    assert not worst.empty
    proposed = next_reps(summary, 0.01, 10, 1000, workers=2)
    assert 10 < proposed <= 20 and proposed % 2 == 0  # at most double, whole rounds of workers
    assert next_reps(summary, 0.01, 10, 12, workers=1) == 12
    assert imprecise(summary, 0.5).empty


def test_precision_must_be_a_fraction() -> None:
    for bad in (0.0, 1.0, -0.1, 2.0):
        with pytest.raises(ScenarioError, match="between 0 and 1"):
            Precision(bad)
    with pytest.raises(ScenarioError, match="unknown outcome"):
        Precision(0.1, outcomes=("exits_to_wrk",))


def test_reps_auto_stops_when_precise_or_at_the_cap() -> None:
    scenario = load_small(TILBURG, stock=300)
    chosen = ("average_stock", "share_over_1_year")
    summary = simulation.compare([scenario], reps="auto", seed=2, store=False,
                                 precision=Precision(0.02, max_reps=40, outcomes=chosen))
    assert summary.attrs["converged"] is True
    rows = summary[summary["outcome"].isin(chosen)]
    assert ((rows["ci_high"] - rows["ci_low"]) / 2 <= 0.02 * rows["mean"].abs()).all()
    capped = simulation.compare([scenario], reps="auto", seed=2, store=False,
                                precision=Precision(0.0001, max_reps=6, outcomes=("exits_to_work_per_year",)))
    assert capped.attrs["converged"] is False and capped.attrs["reps"] == 6


def test_compare_reuses_what_it_has_already_run(tmp_path) -> None:
    scenario = load_small(TILBURG, stock=200)
    first = simulation.compare([scenario], reps=3, seed=9, store=tmp_path)
    again = simulation.compare([scenario], reps=4, seed=9, store=tmp_path)
    assert (first.attrs["computed"], again.attrs["computed"], again.attrs["reused"]) == (3, 1, 3)
    pd.testing.assert_frame_equal(first.attrs["replications"],
                                  again.attrs["replications"].query("replication < 3").reset_index(drop=True),
                                  check_exact=True)


def test_results_from_another_model_version_are_refused(tmp_path) -> None:
    """A Dask worker with another installation would compute other numbers under our key."""
    from simulation.experiments.execution import Execution
    from simulation.experiments.replication import Replicator
    from simulation.experiments.store import ResultStore

    scenario = load_small(TILBURG, stock=100)
    store = ResultStore(tmp_path, model_version="0.0.0+elsewhere")
    replicator = Replicator([scenario], ["tilburg"], 1, Execution(), store)
    with pytest.raises(ScenarioError, match="a worker runs meedoen"):
        replicator.ensure(1)
    assert not list(tmp_path.rglob("*.json"))


# --- sweeps ---------------------------------------------------------------------------------


def test_grid_sweep_gives_one_tidy_row_per_point_replication_and_outcome() -> None:
    from simulation.experiments.design import grid_points, parse_grid

    scenario = load_small(TILBURG, stock=200)
    points = grid_points(parse_grid(["services.netwerkconsulent.staff=1,3", "sanctions.detection_probability=0.1,0.5"]))
    tidy = simulation.sweep(scenario, points, reps=2, seed=3, store=False)
    assert list(tidy.columns) == ["scenario", "point", "services.netwerkconsulent.staff",
                                  "sanctions.detection_probability", "scenario_hash", "replication", "outcome", "value"]
    assert len(tidy) == 4 * 2 * len(OUTCOMES)
    per_point = tidy.drop_duplicates("point")
    assert sorted(zip(per_point["services.netwerkconsulent.staff"], per_point["sanctions.detection_probability"])) == \
        [(1, 0.1), (1, 0.5), (3, 0.1), (3, 0.5)]
    assert per_point["scenario_hash"].is_unique


def test_lhs_sweep_with_units_gets_a_numeric_column() -> None:
    from simulation.experiments.design import lhs_points, parse_ranges

    scenario = load_small(TILBURG, stock=200)
    ranges = parse_ranges(["services.netwerkconsulent.service_time.mean=1 months:3 months"])
    tidy = simulation.sweep(scenario, lhs_points(ranges, 3, seed=5), reps=1, seed=3, store=False)
    column = "services.netwerkconsulent.service_time.mean [months]"
    values = tidy.drop_duplicates("point")[column]
    assert values.between(1, 3).all() and values.is_unique
    means = [simulation.load_scenario(TILBURG, [f"services.netwerkconsulent.service_time.mean={v} months"])
             .model.services["netwerkconsulent"].service_time.mean for v in values]
    assert means == pytest.approx([v * 365.25 / 12 for v in values])


def test_sweep_rejects_a_key_the_scenario_does_not_have() -> None:
    scenario = load_small(TILBURG, stock=200)
    with pytest.raises(ScenarioError, match="netwerkconsultent") as caught:
        simulation.sweep(scenario, [{"services.netwerkconsultent.staff": "3"}], reps=1, store=False)
    assert "did you mean 'netwerkconsulent'" in str(caught.value)


def test_modules_left_out_of_the_model_version_cannot_change_a_number():
    """The model version digests the layers in version.MODEL_LAYERS (and the root modules they
    import), so editing a figure or an experiment driver keeps stored replications; that is only
    safe if computing a replication, its headline values and its profile never imports a module
    outside them. Checked in a fresh interpreter, where nothing else has imported anything."""
    code = (
        "import sys\n"
        "from simulation.model.run import run\n"
        "from simulation.outcomes.headline import headline_values\n"
        "from simulation.outcomes.profiles import replication_profile\n"
        "from simulation.scenario import load_scenario\n"
        f"result = run(load_scenario({str(TEST_SCENARIO_DIR / 'tiny_tilburg.yaml')!r}), 1, 0, event_log=False)\n"
        "headline_values(result), replication_profile(result)\n"
        "from simulation.version import MODEL_FOUNDATION, MODEL_LAYERS\n"
        "inside = {'simulation', 'simulation.version'} | {'simulation.' + n.removesuffix('.py') for n in MODEL_FOUNDATION}\n"
        "loaded = [m for m in sys.modules if m.startswith('simulation.') and m not in inside\n"
        "          and m.split('.')[1] not in MODEL_LAYERS]\n"
        "print(','.join(sorted(loaded)))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=HANG_GUARD_S)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "", f"the model's run path imports {done.stdout.strip()}"


def test_the_model_version_digests_exactly_the_model_layers():
    """A rule by folder: every module of scenario/, model/ and outcomes/ is in the digest, and no
    module of another layer is."""
    from simulation.version import MODEL_LAYERS, model_sources

    root = Path(simulation.__file__).parent
    digested = {source.relative_to(root).as_posix() for source in model_sources()}
    for source in root.rglob("*.py"):
        relative = source.relative_to(root).as_posix()
        layer = relative.split("/")[0]
        if layer in MODEL_LAYERS:
            assert relative in digested, relative
        elif "/" in relative:
            assert relative not in digested, relative
