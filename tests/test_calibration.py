"""Calibration to published targets: the targets file, bad input, the objective on common random
numbers, recovery of a known parameter, the fit report and the calibrated scenario file.

Simulations use tests/scenarios/tiny_tilburg.yaml (200 clients, about a tenth of a second per
replication) with a one-month follow-up (the outcomes fitted here need none), serially.
"""

from __future__ import annotations

import json
import math
from pathlib import Path

import numpy as np
import pytest
from conftest import SCENARIO_DIR, TEST_SCENARIO_DIR
from environment import assert_records_environment

import simulation
from simulation.cli.calibrate import run_calibration
from simulation.errors import ScenarioError
from simulation.experiments.calibration import (
    DERIVED,
    MEASURES,
    FreeParameter,
    Objective,
    calibrate,
    load_targets,
    resolve_parameters,
    scenario_at,
    simulated_measures,
    split_params,
    targets_from_data,
)
from simulation.outcomes.definitions import OUTCOMES
from simulation.present.calibration import fit_table_markdown, write_calibrated_scenario, write_calibration
from simulation.results.calibration import calibrated_file_name

NL_TARGETS = SCENARIO_DIR / "targets" / "nl_national.yaml"
BASE = SCENARIO_DIR / "base.yaml"
TINY = TEST_SCENARIO_DIR / "tiny_tilburg.yaml"
SHORT = ["clock.follow_up=25 months"]  # the longest look-ahead of a target: re-inflow and careers at 24 months
HAZARD = "work_exit.base_rate_by_phase"
TRUE_SCALE = 1.3
REPS = 3
SEED = 1
FITTED_OUTCOMES = ("exits_to_work_pct_stock", "outflow_pct_stock")


def tiny() -> simulation.LoadedScenario:
    return simulation.load_scenario(TINY, SHORT)


def hazard_targets(values: dict[str, float] | None = None, bounds: str = "0.5:2.0") -> dict:
    values = values or {"exits_to_work_pct_stock": 12.0, "outflow_pct_stock": 24.0}
    return {"targets": [{"outcome": o, "value": v, "tolerance": 1.0, "source": "test"} for o, v in values.items()],
            "parameters": [{"key": HAZARD, "bounds": bounds, "why": "test"}]}


# ---------------------------------------------------------------- the targets file


def test_nl_national_targets_load_and_every_outcome_exists():
    targets = load_targets(NL_TARGETS)
    assert len(targets.targets) >= 5
    assert all(t.outcome in MEASURES for t in targets.targets)
    assert all(t.source and t.line for t in targets.targets)
    assert any(t.outcome in DERIVED for t in targets.targets)  # sanctions per 100 client-years
    outcomes = {t.outcome for t in targets.targets}
    assert {"outflow_pct_stock", "exits_to_work_pct_stock", "share_over_1_year", "reinflow_any_exit_12m"} <= outcomes
    # every default free parameter exists in base.yaml, is marked "assumption" there, and is valid at its bounds
    parameters = resolve_parameters(simulation.load_scenario(BASE), targets)
    assert [p.key for p in parameters] == [p.key for p in targets.parameters] and parameters
    for p in parameters:
        assert p.lo <= p.start <= p.hi
        assert "assumption" in p.why, f"{p.key}: a free parameter should be one base.yaml calls an assumption"
    from simulation.experiments.calibration import check_corners as _check_corners

    _check_corners(simulation.load_scenario(BASE), parameters)


def test_scale_and_value_parameters_resolve_against_the_scenario():
    data = {"targets": [{"outcome": "outflow_pct_stock", "value": 24, "source": "t"}],
            "parameters": [{"key": HAZARD, "bounds": "0.5:2.0", "why": "a mapping: multiplied"},
                           {"key": "sanctions.cut_duration", "bounds": "0.5:3", "why": "a quantity, plain bounds: multiplied"},
                           {"key": "jobs.types.flex.duration.mean", "bounds": "0.5 years:2 years", "why": "unit converted"},
                           {"key": "klantmanagers.caseload", "bounds": "100:300", "why": "an integer"}]}
    model = tiny().model
    flex_years = model.jobs.types["flex"].duration.mean / 365.25  # the scenario's own value, whatever it is
    rate_1 = model.work_exit.base_rate_by_phase[1] * 365.25
    hazard, cut, flex, caseload = resolve_parameters(tiny(), targets_from_data(data))
    assert (hazard.mode, hazard.start, len(hazard.leaves)) == ("scale", 1.0, 5)
    assert cut.mode == "scale" and cut.settings(2.0) == [(("sanctions", "cut_duration"), "2 month")]
    assert flex.mode == "value" and flex.start == pytest.approx(flex_years)  # months in years
    assert flex.settings(1.5) == [(("jobs", "types", "flex", "duration", "mean"), "1.5 years")]
    assert caseload.integer and caseload.snap(151.4) == 151.0 and caseload.settings(151.0)[0][1] == 151
    key, text = hazard.settings(1.5)[0]
    assert key == ("work_exit", "base_rate_by_phase", 1) and float(text.split()[0]) == pytest.approx(1.5 * rate_1)
    assert hazard.snap(1.234567) == 1.235 and hazard.snap(7) == 2.0  # 4 significant digits, within bounds
    loaded = scenario_at(tiny(), [hazard, flex], [1.5, 1.5])
    assert loaded.model.work_exit.base_rate_by_phase[1] * 365.25 == pytest.approx(1.5 * rate_1)


@pytest.mark.parametrize("text,key,line,words", [
    ("targets:\n  - outcome: exits_to_wrk_pct_stock\n    value: 12\n    source: s\n",
     "targets.0.outcome", 2, "did you mean 'exits_to_work_pct_stock'"),
    ("targets:\n  - outcome: outflow_pct_stock\n    value: 24\n    tolerence: 2\n    source: s\n",
     "targets.0.tolerence", 4, "did you mean 'tolerance'"),
    ("targets:\n  - outcome: outflow_pct_stock\n    value: 24\n", "targets.0.source", 2, "missing key 'source'"),
    ("targets:\n  - outcome: outflow_pct_stock\n    value: 24\n    tolerance: 2\n    interval: [18, 26]\n    source: s\n",
     "targets.0.tolerance", 4, "not both"),
    ("targets:\n  - outcome: outflow_pct_stock\n    value: 30\n    interval: [18, 26]\n    source: s\n",
     "targets.0.value", 3, "outside its interval"),
    ("targets:\n  - outcome: outflow_pct_stock\n    value: 24\n    interval: [26, 18]\n    source: s\n",
     "targets.0.interval", 4, "low < high"),
    ("targets:\n  - outcome: outflow_pct_stock\n    value: 24\n    weight: -1\n    source: s\n",
     "targets.0.weight", 4, "greater than or equal to 0"),
    ("targets:\n  - {outcome: outflow_pct_stock, value: 24, source: s}\n"
     "  - {outcome: outflow_pct_stock, value: 20, source: t}\n",
     "targets.1.outcome", 3, "already a target"),
    ("targets:\n  - {outcome: outflow_pct_stock, value: 24, source: s}\n"
     "parameters:\n  - key: a.b\n    bounds: '2.0:0.5'\n    why: w\n",
     "parameters.0.bounds", 5, "lower bound must be below"),
    ("targets:\n  - {outcome: outflow_pct_stock, value: 24, source: s}\n"
     "parameters:\n  - {key: a.b, bounds: '1 months:6 weeks', why: w}\n",
     "parameters.0.bounds", 4, "different units"),
    ("targets:\n  - {outcome: outflow_pct_stock, value: 24, source: s}\nparameters:\n  - {key: a.b, bounds: 'x:y', why: w}\n",
     "parameters.0.bounds", 4, "not a number"),
    ("targets: []\n", "targets", 1, "at least 1"),
    ("targets:\n  - {outcome: outflow_pct_stock, value: 24, source: s, weight: 0}\n", "targets", 1, "weight 0"),
])
def test_bad_targets_files_name_file_key_and_line(tmp_path: Path, text: str, key: str, line: int, words: str):
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ScenarioError) as caught:
        load_targets(path)
    error = caught.value
    assert (error.key, error.line) == (key, line), str(error)
    assert words in str(error) and str(path) in str(error) and "\n" not in str(error)


def test_a_duplicate_yaml_key_in_a_targets_file_is_refused(tmp_path: Path):
    path = tmp_path / "dup.yaml"
    path.write_text("targets:\n  - {outcome: outflow_pct_stock, value: 24, source: s}\ntargets: []\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match="duplicate key 'targets'") as caught:
        load_targets(path)
    assert caught.value.line == 3


def write(tmp_path: Path, data: dict) -> Path:
    import yaml

    path = tmp_path / "targets.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


@pytest.mark.parametrize("parameter,words,hint", [
    ({"key": "work_exit.base_rate_by_phse", "bounds": "0.5:2.0"}, "has no 'base_rate_by_phse'",
     "did you mean 'base_rate_by_phase'?"),
    ({"key": HAZARD, "bounds": "1 months:3 months"}, "holds several values", "multiply"),
    ({"key": "sanctions.noncompliance_probability", "bounds": "1 months:3 months"}, "plain number", None),
    ({"key": "sanctions.cut_duration", "bounds": "€1:€3"}, "cannot be calibrated", None),
    ({"key": "sanctions.noncompliance_probability", "bounds": "0.5:30"}, "invalid at the bound 30", "narrow"),
    ({"key": "policy.groups.group1.handler", "bounds": "1:2"}, "cannot be calibrated", None),
])
def test_bad_parameters_name_the_key_and_line(tmp_path: Path, parameter: dict, words: str, hint: str | None):
    data = {"targets": [{"outcome": "outflow_pct_stock", "value": 24, "source": "s"}],
            "parameters": [{**parameter, "why": "w"}]}
    path = write(tmp_path, data)
    with pytest.raises(ScenarioError) as caught:
        calibrate(tiny(), path, reps=2, store=False, max_evaluations=2)
    error = caught.value
    assert words in error.message and error.key == parameter["key"] and error.file == str(path), str(error)
    assert error.line == 6  # the line of the parameter's key
    assert hint is None or hint in str(error)


def test_no_free_parameters_and_unknown_params_are_bad_input(tmp_path: Path):
    path = write(tmp_path, {"targets": [{"outcome": "outflow_pct_stock", "value": 24, "source": "s"}]})
    with pytest.raises(ScenarioError, match="no free parameters"):
        calibrate(tiny(), path, store=False)
    with pytest.raises(ScenarioError, match="not among the parameters") as caught:
        calibrate(tiny(), NL_TARGETS, params=["work_exit.motivation_effect"], store=False)
    assert caught.value.argument == "params" and "key=lo:hi" in caught.value.hint
    with pytest.raises(ScenarioError, match="lower bound must be below") as caught:
        calibrate(tiny(), NL_TARGETS, params="work_exit.motivation_effect=2:1", store=False)
    assert caught.value.argument == "params"
    with pytest.raises(ScenarioError, match="overlaps"):
        calibrate(tiny(), NL_TARGETS, params=[f"{HAZARD}=0.5:2.0", f"{HAZARD}.1=0.1 per year:0.9 per year"], store=False)
    with pytest.raises(ScenarioError, match="unknown method") as caught:
        calibrate(tiny(), NL_TARGETS, method="nelder_mead", store=False)
    assert "did you mean 'nelder-mead'" in str(caught.value)
    with pytest.raises(ScenarioError, match="resized with the world"):
        calibrate(TINY, NL_TARGETS, params="klantmanagers.count=1:3", stock=100, store=False)


def test_params_text_splits_at_commas_between_items_only():
    assert split_params("a.b, c.d=€1,000 per year:€3,000 per year,e") == ["a.b", "c.d=€1,000 per year:€3,000 per year", "e"]


def test_an_outcome_undefined_in_the_scenario_is_bad_input(tmp_path: Path):
    path = write(tmp_path, {"targets": [{"outcome": "wait_wijkteam_mean_days", "value": 30, "source": "s"}],
                            "parameters": [{"key": HAZARD, "bounds": "0.5:2.0", "why": "w"}]})
    without_teams = simulation.load_scenario(TINY, [*SHORT, "policy.groups.group2.service_referrals={}",
                                                    "policy.groups.group3.service_referrals={}"])
    with pytest.raises(ScenarioError, match="undefined") as caught:
        calibrate(without_teams, path, reps=2, check_reps=0, store=False, max_evaluations=2)
    assert caught.value.key == "targets.0.outcome" and caught.value.line == 2


# ---------------------------------------------------------------- the objective on common random numbers


def test_the_objective_is_deterministic_on_common_random_numbers():
    scenario = tiny()
    targets = targets_from_data(hazard_targets())
    parameters = resolve_parameters(scenario, targets)
    first = Objective(scenario, targets.targets, parameters, reps=2, seed=SEED, store=False)
    again = Objective(scenario, targets.targets, parameters, reps=2, seed=SEED, store=False)
    value = first([1.2])
    assert again([1.2]) == value  # a fresh objective, nothing shared: the identical float
    assert again([1.20004]) == value  # the same representable point (4 significant digits)
    assert first([1.2]) == value and first.calls == 2 and len(first.evaluations) == 1  # memoised
    assert first([1.5]) != value  # and it does depend on the parameter
    other_seed = Objective(scenario, targets.targets, parameters, reps=2, seed=SEED + 1, store=False)
    assert other_seed([1.2]) != value  # the seeds are what is held fixed


# ---------------------------------------------------------------- recovery of a known parameter


@pytest.fixture(scope="module")
def recovery() -> dict:
    """Targets made by the model itself at a hazard scale of 1.3 (same seed and replications as
    the fit), a calibration from 1.0, and the parameter's standard error from the replications."""
    scenario = tiny()
    spec = hazard_targets()
    parameters = resolve_parameters(scenario, targets_from_data(spec))
    at = {x: simulated_measures(scenario_at(scenario, parameters, [x]), REPS, SEED)
          for x in (TRUE_SCALE - 0.1, TRUE_SCALE, TRUE_SCALE + 0.1)}
    truth = at[TRUE_SCALE]
    se_parameter = min(  # delta method: SE of the outcome's mean ÷ |d outcome / d scale|
        (truth[o].std(ddof=1) / math.sqrt(REPS)) / abs((at[TRUE_SCALE + 0.1][o].mean() - at[TRUE_SCALE - 0.1][o].mean()) / 0.2)
        for o in FITTED_OUTCOMES)
    targets = targets_from_data(hazard_targets({o: float(truth[o].mean()) for o in FITTED_OUTCOMES}))
    result = calibrate(scenario, targets, reps=REPS, seed=SEED, store=False, check_reps=2, max_evaluations=30)
    return {"result": result, "se": se_parameter, "scenario": scenario}


def test_calibration_recovers_a_known_hazard_scale(recovery: dict):
    result, se = recovery["result"], recovery["se"]
    tolerance = 0.25 * se  # without CRN the fit would scatter by about se; a stuck optimiser stays at 1.0
    assert abs(1.0 - TRUE_SCALE) > 3 * tolerance, "the test could not tell the start from the truth"
    assert result.start[HAZARD] == 1.0
    assert abs(result.fitted[HAZARD] - TRUE_SCALE) < tolerance, (result.fitted, tolerance)
    assert result.objective < 1e-3 * result.objective_start
    assert result.converged and len(result.evaluations) < 30
    assert result.objective == result.evaluations["objective"].min()


def test_the_fit_report_has_every_target_and_parameter(recovery: dict):
    result = recovery["result"]
    fit = result.fit.set_index("outcome")
    assert list(fit.index) == list(FITTED_OUTCOMES)
    assert (fit["n"] == 2).all() and (fit["ci_low"] <= fit["mean"]).all() and (fit["mean"] <= fit["ci_high"]).all()
    assert (fit["search_mean"] - fit["target"]).abs().max() < 0.5  # the search's replications match the targets
    assert len(result.replications) == 2 and list(result.replications.index) == [REPS, REPS + 1]  # held out
    row = result.parameter_table.iloc[0]
    assert (row["key"], row["start"], row["lo"], row["hi"]) == (HAZARD, 1.0, 0.5, 2.0)
    text = fit_table_markdown(result)
    assert text.count("\n| ") == 1 + 2 + 1 + 1 and "exits_to_work_pct_stock" in text and f"×{row['fitted']:g}" in text


def test_the_fit_report_in_dutch_has_no_english_of_its_own(recovery: dict):
    """--lang nl: the report's own words are Dutch; the sources and reasons are quoted from the targets file."""
    result = recovery["result"]
    text = fit_table_markdown(result, "nl")
    assert text.startswith("## Kalibratie van tiny_tilburg") and "| uitkomst | gepubliceerd | bron |" in text
    quoted = {*(str(s) for s in result.fit["source"]), *(str(w) for w in result.parameter_table["why"]),
              *(str(t.published) for t in result.targets.targets)}
    for cell in sorted(quoted, key=len, reverse=True):
        text = text.replace(cell, "")
    english = ("calibration", "objective", "replications", "further", "search", "fitted", "published", "source",
               "bounds", "why free", "within tolerance", "target in", " to ", "yes", "| no |", "stopped", "budget of")
    assert [word for word in english if word in text.lower()] == [], text
    assert fit_table_markdown(result).startswith("## Calibration of tiny_tilburg")  # English stays the default


def test_the_calibrated_scenario_extends_the_original_and_carries_the_fit(recovery: dict, tmp_path: Path):
    result = recovery["result"]
    folder = tmp_path / "deep" / "er"
    folder.mkdir(parents=True)
    path = write_calibrated_scenario(result, folder)
    assert path.name == "tiny_tilburg_calibrated.yaml"
    text = path.read_text(encoding="utf-8")
    extends = json.loads(text.split("extends: ", 1)[1].splitlines()[0])
    assert not Path(extends).is_absolute() and (folder / extends).resolve() == TINY.resolve()
    assert "--set overrides in effect during calibration, NOT carried over" in text
    value_lines = [line for line in text.splitlines() if ": " in line and not line.startswith(("#", "extends"))]
    assert len(value_lines) == 5 and all("# calibrated by meedoen calibrate against <targets> (" in line
                                         and "objective" in line for line in value_lines)
    loaded = simulation.load_scenario(path, result.scenario.raw.overrides)
    assert loaded.hash == result.fitted_scenario.hash  # exactly the scenario the fit was judged on
    assert str(TINY.relative_to(TINY.parent.parent.parent)) in " ".join(loaded.raw.chain)
    scale = result.fitted[HAZARD]
    original = result.scenario.model.work_exit.base_rate_by_phase
    for phase, rate in loaded.model.work_exit.base_rate_by_phase.items():
        assert rate == pytest.approx(original[phase] * scale, rel=1e-5)


def test_the_calibration_folder_is_written_whole(recovery: dict, tmp_path: Path):
    result = recovery["result"]
    out = write_calibration(result, tmp_path / "cal", command=["meedoen", "calibrate"])
    names = {p.name for p in out.iterdir()}
    assert {"fit.csv", "fit.md", "manifest.json", "parameters.csv", "evaluations.csv", "replications.csv",
            calibrated_file_name(result)} == names
    manifest = json.loads((out / "manifest.json").read_text())
    assert manifest["kind"] == "calibration" and manifest["fitted"] == result.fitted
    assert_records_environment(manifest)
    assert manifest["fitted_hash"] == result.fitted_scenario.hash and manifest["reps"] == REPS
    assert simulation.load_scenario(out / calibrated_file_name(result), result.scenario.raw.overrides).hash == \
        result.fitted_scenario.hash
    with pytest.raises(ScenarioError, match="already holds results"):
        write_calibration(result, out)


# ---------------------------------------------------------------- the command's function


def test_run_calibration_checks_everything_before_running(tmp_path: Path):
    (tmp_path / "taken").mkdir()
    (tmp_path / "taken" / "x.txt").write_text("x")
    with pytest.raises(ScenarioError, match="already holds results"):
        run_calibration(TINY, NL_TARGETS, out=tmp_path / "taken", store=False)
    with pytest.raises(ScenarioError, match="did you mean 'caseload'"):
        run_calibration(TINY, NL_TARGETS, params="klantmanagers.casload=100:300", store=False)
    with pytest.raises(ScenarioError, match="file not found"):
        run_calibration(TINY, tmp_path / "missing.yaml", store=False)


def test_run_calibration_end_to_end_on_a_tiny_budget(tmp_path: Path):
    result, text = run_calibration(TINY, NL_TARGETS, params="sanctions.noncompliance_probability", overrides=SHORT,
                                   reps=2, check_reps=0, max_evaluations=3, store=tmp_path / "store",
                                   out=tmp_path / "out", progress=False)
    assert len(result.evaluations) == 3 and "budget" in result.message and not result.converged
    assert isinstance(result.parameters[0], FreeParameter) and result.parameters[0].mode == "value"
    assert "results written to" in text and (tmp_path / "out" / "tiny_tilburg_calibrated.yaml").is_file()
    assert set(result.fit["outcome"]) == {t.outcome for t in load_targets(NL_TARGETS).targets}
    assert np.isfinite(result.fit["mean"]).all()
    again, _ = run_calibration(TINY, NL_TARGETS, params="sanctions.noncompliance_probability", overrides=SHORT,
                               reps=2, check_reps=0, max_evaluations=3, store=tmp_path / "store", progress=False)
    assert again.reused == result.computed and again.computed == 0  # every point came from the store
    assert again.fitted == result.fitted and again.objective == result.objective


def test_every_measure_is_a_headline_outcome_or_a_documented_derived_one():
    assert set(MEASURES) == set(OUTCOMES) | set(DERIVED)
    assert all(d.definition for d in DERIVED.values())


def test_target_table_reports_the_scenario_as_it_is():
    """The validation document's table: the shipped scenario against the targets, nothing fitted;
    each row's mean and CI are those of the replications, and 'within tolerance' is the band test."""
    from simulation.experiments.calibration import load_targets, simulated_measures, target_table
    from simulation.outcomes.statistics import mean_ci
    from simulation.scenario import load_scenario

    targets = load_targets(SCENARIO_DIR / "targets" / "nl_national.yaml")
    table = target_table(TINY, targets, reps=3, store=False)
    measures = simulated_measures(load_scenario(TINY), 3, store=False)
    assert list(table["outcome"]) == [t.outcome for t in targets.targets]
    for row, target in zip(table.itertuples(), targets.targets, strict=True):
        mean, low, high, _ = mean_ci(measures[target.outcome].to_numpy(float))
        # NaN where the tiny clock cannot see an outcome (24-month re-inflow after a 1-year follow-up)
        assert (row.mean, row.ci_low, row.ci_high) == pytest.approx((mean, low, high), rel=1e-12, nan_ok=True)
        assert row.within_tolerance == (target.band[0] <= mean <= target.band[1])
        assert row.target_in_ci == (low <= target.value <= high)


def test_a_list_scaled_as_one_parameter_is_written_back_as_a_list(tmp_path: Path):
    """The phase cut-offs are one free parameter that multiplies a list: the calibrated scenario
    file writes the list (a mapping of indices would not replace it) and loads."""
    result, _ = run_calibration(TINY, NL_TARGETS, params="assessment.phase_cutoffs=0.9:1.1", overrides=SHORT, reps=2,
                                check_reps=0, max_evaluations=2, store=False, out=tmp_path / "out", progress=False)
    written = tmp_path / "out" / "tiny_tilburg_calibrated.yaml"
    text = written.read_text()
    assert "phase_cutoffs: [" in text
    fitted = result.parameters[0]
    loaded = simulation.load_scenario(written)
    base_cutoffs = simulation.load_scenario(TINY).model.assessment.phase_cutoffs
    factor = result.fitted["assessment.phase_cutoffs"]
    assert loaded.model.assessment.phase_cutoffs == pytest.approx([c * factor for c in base_cutoffs], rel=1e-3)
    assert fitted.key == "assessment.phase_cutoffs"
