"""Place and policy (issue 12): the split of a scenario, the transplant of a policy at the same
intensity per client, ``policy_from`` in YAML, ``compare --in`` and ``--decompose``, and rates
that do not grow with the size of a place while counts do.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import ROOT, TEST_SCENARIO_DIR, meedoen
from scipy import stats

from simulation import load_scenario
from simulation.errors import ScenarioError
from simulation.experiments.comparison import compare
from simulation.experiments.decomposition import EFFECTS, effects
from simulation.outcomes.definitions import OUTCOMES, RATE_OF, is_count, sizes_differ
from simulation.outcomes.statistics import contrast, variance_ratio
from simulation.scenario import Scenario, transplant
from simulation.scenario.intensity import policy_capacities
from simulation.scenario.scaling import load_scaled
from simulation.scenario.schema.parts import LABELS, SECTIONS, part_of
from simulation.scenario.yamlio import KeyPath

SCENARIOS = ROOT / "scenarios"
TILBURG, LEEUWARDEN = SCENARIOS / "tilburg.yaml", SCENARIOS / "leeuwarden.yaml"


def leaves(data: object, prefix: KeyPath = ()) -> dict[KeyPath, object]:
    """Every leaf value of nested mappings by key path (a list is one value)."""
    if isinstance(data, dict):
        out: dict[KeyPath, object] = {}
        for key, value in data.items():
            out.update(leaves(value, prefix + (key,)))
        return out
    return {prefix: data}


def test_every_section_is_place_or_policy():
    assert set(Scenario.model_fields) - set(LABELS) == set(SECTIONS)


@pytest.fixture(scope="module")
def pair():
    tilburg, leeuwarden = load_scenario(TILBURG), load_scenario(LEEUWARDEN)
    return tilburg, leeuwarden, transplant(tilburg, leeuwarden)


def test_transplant_keeps_place_and_takes_policy(pair):
    tilburg, leeuwarden, moved = pair
    capacities = {tuple(c.key.split(".")) for c in policy_capacities(leeuwarden.model)}
    place, policy, mine = (leaves(s.raw.data) for s in (tilburg, leeuwarden, moved))
    checked = {"place": 0, "policy": 0}
    for path, value in mine.items():
        part = part_of(path)
        if part is None or tuple(str(k) for k in path) in capacities:
            continue
        expected = place[path] if part == "place" else policy[path]
        assert value == expected, f"{'.'.join(map(str, path))} should be the {part}'s"
        checked[part] += 1
    assert checked["place"] > 100 and checked["policy"] > 100
    assert moved.model.policy.groups["group3"].handler == "wijkteam"  # Leeuwarden's approach ...
    assert moved.model.population.initial_stock == 7400  # ... for Tilburg's clients


def test_transplant_keeps_the_policys_intensity_per_client(pair):
    """Every capacity and budget per client on benefit is the donor's, up to rounding to whole places."""
    tilburg, leeuwarden, moved = pair
    here, there = tilburg.model.population.initial_stock, leeuwarden.model.population.initial_stock
    donor = {c.key: c for c in policy_capacities(leeuwarden.model)}
    converted = list(policy_capacities(moved.model))
    assert [c.key for c in converted] == list(donor)
    for capacity in converted:
        original = donor[capacity.key]
        whole = capacity.kind in ("places", "target_per_year")
        # whole places round to ±0.5; other values are written with 4 decimals (1e-4) or 6 digits
        tolerance = 0.5 / here if whole else 1e-4 / here + 1e-5 * original.value / there
        assert capacity.value / here == pytest.approx(original.value / there, abs=tolerance), capacity.key
        assert (capacity.value == 0) == (original.value == 0), capacity.key
    record = moved.raw.policy_from
    assert record["factor"] == pytest.approx(here / there)
    assert record["place"] == "tilburg" and record["policy"] == "leeuwarden"


def test_policy_from_in_yaml_is_the_same_world_as_the_transplant(pair):
    tilburg, leeuwarden, moved = pair
    from_file = load_scenario(SCENARIOS / "tilburg_with_leeuwarden_policy.yaml")
    assert from_file.hash == moved.hash
    other = load_scenario(SCENARIOS / "leeuwarden_with_tilburg_policy.yaml")
    assert other.hash == transplant(leeuwarden, tilburg).hash
    # a policy key comes from the donor's file and line
    assert from_file.raw.sources[("policy", "groups", "group3", "handler")][0].endswith("leeuwarden.yaml")


def test_own_policy_keys_win_over_the_donors(tmp_path: Path):
    path = tmp_path / "mine.yaml"
    path.write_text(f"extends: {TILBURG}\npolicy_from: {LEEUWARDEN}\nklantmanagers: {{caseload: 120}}\n"
                    "policy: {groups: {group3: {review_interval: '2 years'}}}\n")
    mine = load_scenario(path)
    assert mine.model.klantmanagers.caseload == 120
    assert mine.model.policy.groups["group3"].review_interval == pytest.approx(2 * 365.25)
    assert mine.model.policy.groups["group3"].handler == "wijkteam"


@pytest.mark.parametrize("text, message", [
    ("policy_from: nowhere.yaml\n", "takes its policy from a file that does not exist"),
    ("policy_from: [a.yaml]\n", "policy_from must be the path of one scenario file"),
    ("policy_from: cycle.yaml\n", "cycle"),
])
def test_bad_policy_from_names_file_key_and_line(tmp_path: Path, text: str, message: str):
    (tmp_path / "cycle.yaml").write_text(f"extends: {TILBURG}\npolicy_from: bad.yaml\n")
    bad = tmp_path / "bad.yaml"
    bad.write_text(f"extends: {TILBURG}\n{text}")
    with pytest.raises(ScenarioError) as caught:
        load_scenario(bad)
    error = caught.value
    assert message in error.message
    assert error.key == "policy_from" and error.line is not None and error.file is not None


def test_contrasts_of_a_known_table():
    """The effects are the right differences of the four worlds, with paired CIs and VRs."""
    rng = np.random.default_rng(5)
    n, labels = 8, ["aa", "ab", "bb", "ba"]
    luck = rng.normal(0, 5, n)  # shared by all worlds: common random numbers
    means = {"aa": 10.0, "ab": 12.0, "bb": 7.0, "ba": 6.0}
    columns = {label: means[label] + luck + rng.normal(0, 0.1, n) for label in labels}
    rows = [{"scenario": label, "scenario_hash": label, "replication": i, "outcome": outcome, "value": columns[label][i]}
            for outcome in OUTCOMES for label in labels for i in range(n)]
    table = effects(pd.DataFrame(rows), labels, {"a": "A", "b": "B"})
    first = table[table["outcome"] == next(iter(OUTCOMES))].set_index(["effect", "held"])
    expected = {("policy", "A"): columns["ab"] - columns["aa"], ("policy", "B"): columns["bb"] - columns["ba"],
                ("place", "A"): columns["ba"] - columns["aa"], ("place", "B"): columns["bb"] - columns["ab"],
                ("interaction", ""): (columns["bb"] - columns["ba"]) - (columns["ab"] - columns["aa"])}
    assert len(expected) == len(EFFECTS)
    for key, diff in expected.items():
        row = first.loc[key]
        half = stats.t.ppf(0.975, n - 1) * diff.std(ddof=1) / math.sqrt(n)
        assert row["diff"] == pytest.approx(diff.mean())
        assert row["diff_high"] - row["diff_low"] == pytest.approx(2 * half)
    assert first.loc[("policy", "A"), "variance_ratio"] == pytest.approx(variance_ratio(columns["aa"], columns["ab"]))
    assert first.loc[("policy", "A"), "variance_ratio"] > 100  # the shared luck cancels
    _, _, _, ratio, _ = contrast([columns[label] for label in labels], (1, -1, 1, -1))
    assert ratio == pytest.approx(first.loc[("interaction", ""), "variance_ratio"])


SIZES = (1000, 2000)
SIZE_REPS = 8


@pytest.mark.slow
def test_rates_do_not_grow_with_the_place_while_counts_do():
    """One policy in two places of different sizes (base at 1,000 and 2,000 clients, everything per
    client the same): every rate outcome equal within its CI, every count about doubled.

    The two places hold different people, so the difference is tested unpaired (Welch); with
    several outcomes at once each interval is widened by Bonferroni so the test as a whole errs
    one time in twenty. Each count must be its rate times the size (the count of the larger place
    minus the size ratio times that of the smaller is zero within chance), and must visibly grow
    wherever the growth is beyond three standard errors of the noise (rare events may not).
    """
    small, large = (load_scaled(SCENARIOS / "base.yaml", n) for n in SIZES)
    summary = compare([small, large], SIZE_REPS, seed=11, workers=2, store=False)
    table = summary.attrs["replications"].pivot_table(index=["outcome", "replication"], columns="scenario",
                                                      values="value", sort=False)
    labels = [record["label"] for record in summary.attrs["scenarios"]]
    rates = [r for r in RATE_OF.values() if r in OUTCOMES]
    confidence = 1 - 0.05 / len(rates)
    for rate in rates:
        x, y = (table.loc[rate][label].to_numpy(float) for label in labels)
        test = stats.ttest_ind(y, x, equal_var=False)
        low, high = test.confidence_interval(confidence)
        assert low <= 0 <= high, f"{rate}: {x.mean():.3g} vs {y.mean():.3g} differ beyond chance"
    stocks = summary[summary["outcome"] == "average_stock"]["mean"].tolist()
    ratio = stocks[1] / stocks[0]
    grew = 0
    for count in RATE_OF:
        x, y = (table.loc[count][label].to_numpy(float) for label in labels)
        # a count is its rate times the size: y − ratio·x is zero within chance (Bonferroni as above)
        low, high = stats.ttest_ind(y, ratio * x, equal_var=False).confidence_interval(1 - 0.05 / len(RATE_OF))
        assert low <= 0 <= high, f"{count}: {y.mean():.3g} is not {ratio:.2f} × {x.mean():.3g}"
        # and where the doubling is well beyond the noise (3 standard errors), the count does grow
        error = math.sqrt(x.var(ddof=1) / len(x) + y.var(ddof=1) / len(y))
        if x.mean() * (ratio - 1) > 3 * error:
            low, _ = stats.ttest_ind(y, x, equal_var=False).confidence_interval(0.95)
            assert low > 0, f"{count} should grow with the place"
            grew += 1
    assert grew >= 4  # exits, sustainable exits, activation cost, benefits and net cost at least
    assert sizes_differ(stocks) and all(is_count(c) for c in RATE_OF)


def test_compare_in_place_runs_every_policy_in_one_place(tmp_path: Path):
    tiny_a, tiny_b = TEST_SCENARIO_DIR / "tiny_tilburg.yaml", TEST_SCENARIO_DIR / "tiny_leeuwarden.yaml"
    done = meedoen("compare", str(tiny_a), str(tiny_b), "--in", "tiny_tilburg", "--reps", "2", "--workers", "1",
                   "--no-store", "--out", str(tmp_path / "out"))
    assert done.returncode == 0, done.stderr
    assert "tiny_tilburg_with_tiny_leeuwarden_policy" in done.stdout
    assert "per 1,000 clients" in done.stdout  # the conversion is shown
    summary = pd.read_csv(tmp_path / "out" / "summary.csv")
    stock = summary[summary["outcome"] == "average_stock"]["mean"]
    assert not sizes_differ(stock.tolist())  # one place, so one size


def test_compare_decompose_writes_the_effects(tmp_path: Path):
    tiny_a, tiny_b = TEST_SCENARIO_DIR / "tiny_tilburg.yaml", TEST_SCENARIO_DIR / "tiny_leeuwarden.yaml"
    done = meedoen("compare", str(tiny_a), str(tiny_b), "--decompose", "--reps", "2", "--workers", "1",
                   "--no-store", "--out", str(tmp_path / "out"))
    assert done.returncode == 0, done.stderr
    assert "Policy effect" in done.stdout and "Place effect" in done.stdout
    table = pd.read_csv(tmp_path / "out" / "decomposition.csv")
    assert set(table["effect"]) == {"policy", "place", "interaction"}
    assert len(table) == len(OUTCOMES) * len(EFFECTS)


@pytest.mark.parametrize("extra, flag", [(["--in", "nowhere"], "--in"), (["--decompose", "--in", "tiny_tilburg"], "--in")])
def test_compare_place_options_refuse_bad_input(tmp_path: Path, extra: list[str], flag: str):
    tiny_a, tiny_b = TEST_SCENARIO_DIR / "tiny_tilburg.yaml", TEST_SCENARIO_DIR / "tiny_leeuwarden.yaml"
    done = meedoen("compare", str(tiny_a), str(tiny_b), *extra, "--reps", "2", "--no-store",
                   "--out", str(tmp_path / "out"))
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert flag in done.stderr and not (tmp_path / "out").exists()


def test_decompose_takes_exactly_two_scenarios(tmp_path: Path):
    tiny = TEST_SCENARIO_DIR / "tiny_tilburg.yaml"
    done = meedoen("compare", str(tiny), str(tiny), str(tiny), "--decompose", "--reps", "2", "--no-store")
    assert done.returncode == 2 and "exactly two" in done.stderr and "Traceback" not in done.stderr


@pytest.fixture(scope="module")
def decomposition_pages():
    """The report of a decomposition of the two tiny cities (different sizes), in English and Dutch."""
    from simulation.experiments.decomposition import decompose
    from simulation.present.report import render_report
    from simulation.results.collection import Results

    tiny_a = TEST_SCENARIO_DIR / "tiny_tilburg.yaml"
    bigger_b = load_scenario(TEST_SCENARIO_DIR / "tiny_leeuwarden.yaml", ["population.initial_stock=300"])
    results = Results.from_comparison(decompose([tiny_a, bigger_b], 3, seed=2, workers=1, store=False))
    return {lang: render_report(results, lang) for lang in ("en", "nl")}


def test_a_decomposition_report_shows_policy_place_and_the_business_case(decomposition_pages):
    from html_page import Page, section, sections
    from test_report_sections import ENGLISH

    page = Page(decomposition_pages["en"])
    ids = sections(page)
    assert ids.index("summary") < ids.index("place-policy") < ids.index("business-case") < ids.index("technical")
    assert ids[-1] == "technical"
    brief = section(page, "summary").text()
    assert "In tiny_tilburg: the tiny_leeuwarden policy instead of the tiny_tilburg policy" in brief
    assert "In tiny_leeuwarden: the tiny_leeuwarden policy" in brief
    place = section(page, "place-policy")
    assert len(place.all("table")) == 4  # policy effects, place effects, and the two conversions
    assert "VR" not in place.text() and "VR" in section(page, "technical").text()
    case = section(page, "business-case").text()
    assert case.count("approach costs") + case.count("approach saves") == 2
    dutch = Page(decomposition_pages["nl"]).root.visible_text(skip_classes=frozenset({"code"}))
    found = [w for w in ENGLISH if re.search(rf"(?<![\w‘]){re.escape(w)}(?![\w’])", dutch, re.IGNORECASE)]
    assert not found, found
