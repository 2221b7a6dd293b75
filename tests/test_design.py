"""Sweep designs: parsing grids and ranges, the factorial and Latin-hypercube points, and that
every point goes through the real loader unchanged."""

from __future__ import annotations

import math
import warnings

import numpy as np
import pytest
from conftest import SCENARIO_DIR

import simulation
from simulation.errors import ScenarioError
from simulation.experiments.design import (
    LHS_PURPOSE,
    Range,
    grid_points,
    lhs_points,
    parse_grid,
    parse_ranges,
    point_label,
    point_overrides,
)
from simulation.model.rng import Purpose
from simulation.scenario.units import DAYS_PER_MONTH, parse_money

TILBURG = SCENARIO_DIR / "tilburg.yaml"


# ---------------------------------------------------------------- grid


def test_grid_keeps_value_texts_with_units() -> None:
    grid = parse_grid(["a.b=30 days, 2 months", " c . d = 1,2,3", "e=€250000 per year"])
    assert grid == {"a.b": ["30 days", "2 months"], "c.d": ["1", "2", "3"], "e": ["€250000 per year"]}


def test_grid_is_the_full_factorial_in_stable_order() -> None:
    grid = parse_grid(["a=1,2", "b=x,y,z", "c=30 days,60 days"])
    points = grid_points(grid)
    assert len(points) == 2 * 3 * 2
    assert len({tuple(p.items()) for p in points}) == len(points)  # all distinct
    assert points[0] == {"a": "1", "b": "x", "c": "30 days"}
    assert points[1] == {"a": "1", "b": "x", "c": "60 days"}  # the last key varies fastest
    assert [p["a"] for p in points] == ["1"] * 6 + ["2"] * 6  # the first key varies slowest
    assert grid_points(parse_grid(["a=1,2", "b=x,y,z", "c=30 days,60 days"])) == points


def test_grid_of_no_keys_is_one_empty_point() -> None:
    assert grid_points({}) == [{}]


@pytest.mark.parametrize(
    ("text", "key", "words"),
    [
        ("services.wijkteam.slots", "services.wijkteam.slots", "no '='"),
        ("=1,2", None, "key before '=' is empty"),
        ("  =1,2", None, "key before '=' is empty"),
        ("a..b=1,2", "a..b", "empty key segment"),
        ("a.b=", "a.b", "no values"),
        ("a.b=   ", "a.b", "no values"),
        ("a.b=1,,2", "a.b", "empty value"),
        ("a.b=1,2,", "a.b", "empty value"),
        ("a.b=1, 2,1", "a.b", "value given twice: 1"),
        ("a.b=[1,2", "a.b", "cannot parse value '[1'"),  # the comma splits the list
        ("a.b={x", "a.b", "cannot parse value"),
    ],
)
def test_grid_rejects_bad_text_naming_the_key(text: str, key: str | None, words: str) -> None:
    assert_rejected(parse_grid, text, "grid", key, words)


def assert_rejected(parse, text: str, argument: str, key: str | None, words: str) -> None:  # noqa: ANN001
    """One ScenarioError naming the API argument, the key and what is wrong."""
    with pytest.raises(ScenarioError) as info:
        parse([text])
    assert (info.value.argument, info.value.key) == (argument, key)
    assert words in info.value.message


def test_grid_rejects_a_key_given_twice() -> None:
    with pytest.raises(ScenarioError) as info:
        parse_grid(["a.b=1,2", "c=3", "a . b=4"])
    assert (info.value.argument, info.value.key) == ("grid", "a.b")
    assert "twice" in str(info.value)


# ---------------------------------------------------------------- ranges


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("services.wijkteam.slots=20:60", Range(20, 60, "", "", integer=True)),
        ("sanctions.detection_probability=0.1:0.6", Range(0.1, 0.6, "", "", integer=False)),
        ("x=0:.5", Range(0.0, 0.5, "", "", integer=False)),
        ("x=1:2.0", Range(1, 2, "", "", integer=False)),  # one decimal point makes it continuous
        ("x=-2:3", Range(-2, 3, "", "", integer=True)),
        ("x=3 months:12 months", Range(3, 12, "", " months", integer=True)),
        ("x=1.5 months : 3 months", Range(1.5, 3, "", " months", integer=False)),
        ("x=€100000 per year:€400000 per year", Range(1e5, 4e5, "€", " per year", integer=True)),
        ("x=€100,000 per year:€400,000 per year", Range(1e5, 4e5, "€", " per year", integer=True)),
        ("x=3 per 2 years:5 per 2 years", Range(3, 5, "", " per 2 years", integer=True)),
    ],
)
def test_range_keeps_units_and_detects_integers(text: str, expected: Range) -> None:
    (parsed,) = parse_ranges([text]).values()
    assert parsed == expected


def test_range_formats_values_with_its_unit() -> None:
    money = parse_ranges(["x=€100,000 per year:€400,000 per year"])["x"]
    assert money.format(250000) == "€250000 per year"
    assert money.text == "€100000 per year:€400000 per year"
    months = parse_ranges(["x=1.5 months:3 months"])["x"]
    assert months.format(2.25) == "2.25 months"
    assert Range(0, 1).format(1e-5) == "0.00001"  # YAML 1.1 reads '1e-05' as a string


@pytest.mark.parametrize(
    ("text", "key", "words"),
    [
        ("services.wijkteam.slots", "services.wijkteam.slots", "no '='"),
        ("=1:2", None, "key before '=' is empty"),
        ("a..b=1:2", "a..b", "empty key segment"),
        ("a=", "a", "one ':'"),
        ("a=1", "a", "one ':'"),
        ("a=1:2:3", "a", "one ':'"),
        ("a=:3", "a", "one ':'"),
        ("a=3:", "a", "one ':'"),
        ("a=x:y", "a", "'x' is not a number"),
        ("a=1:many", "a", "'many' is not a number"),
        ("a=months:3 months", "a", "not a number"),
        ("a=1,5:2,5", "a", "'1,5' is not a number"),  # Dutch decimal comma
        ("a=1e-3:1e-2", "a", "not a number"),  # no exponents: YAML 1.1 reads them as text
        ("a=1.2.3:4.5.6", "a", "not a number"),
        ("a=5:5", "a", "lower bound must be below"),
        ("a=6:5", "a", "lower bound must be below"),
        ("a=0.6:0.1", "a", "lower bound must be below"),
        ("a=3 months:1 year", "a", "different units"),
        ("a=3 months:12", "a", "different units"),
        ("a=€1 per year:1 per year", "a", "different units"),
    ],
)
def test_range_rejects_bad_text_naming_the_key(text: str, key: str | None, words: str) -> None:
    assert_rejected(parse_ranges, text, "ranges", key, words)


def test_range_rejects_a_key_given_twice() -> None:
    with pytest.raises(ScenarioError) as info:
        parse_ranges(["a=1:2", "a=3:4"])
    assert (info.value.argument, info.value.key) == ("ranges", "a")


# ---------------------------------------------------------------- Latin hypercube

FLOATS = parse_ranges(["p=0.1:0.6", "t=1.5 months:3 months", "m=€100000.0 per year:€400000.0 per year"])


def _numbers(points: list[dict[str, str]], key: str, span: Range) -> np.ndarray:
    """Read the numbers back out of the override texts (so the text itself is what is tested)."""
    texts = [p[key].removeprefix(span.prefix).removesuffix(span.suffix) for p in points]
    return np.array([float(t) for t in texts])


def test_lhs_design_stream_is_not_a_model_stream() -> None:
    assert LHS_PURPOSE not in {int(p) for p in Purpose}


def test_lhs_is_reproducible_and_depends_on_the_seed() -> None:
    first = lhs_points(FLOATS, 8, seed=7)
    assert lhs_points(FLOATS, 8, seed=7) == first
    assert lhs_points(FLOATS, 8, seed=8) != first
    assert len(first) == 8
    assert all(list(p) == ["p", "t", "m"] for p in first)


def test_lhs_draws_no_deprecation_warning() -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        lhs_points(FLOATS, 3, seed=1)


@pytest.mark.parametrize(("n", "seed"), [(1, 0), (5, 1), (10, 2), (37, 3)])
def test_lhs_puts_one_point_in_each_stratum_of_each_float_range(n: int, seed: int) -> None:
    points = lhs_points(FLOATS, n, seed)
    for key, span in FLOATS.items():
        values = _numbers(points, key, span)
        assert np.all((values >= span.lo) & (values <= span.hi))
        strata = np.floor((values - span.lo) / (span.hi - span.lo) * n).astype(int)
        assert sorted(strata) == list(range(n)), key


def test_lhs_integer_ranges_give_whole_numbers_each_equally_often() -> None:
    ranges = parse_ranges(["staff=3:6", "slots=20:60"])
    points = lhs_points(ranges, 4, seed=5)
    staff = [p["staff"] for p in points]
    assert sorted(staff) == ["3", "4", "5", "6"]  # n = number of integers: each exactly once
    for seed in range(20):
        for point in lhs_points(ranges, 9, seed):
            assert 3 <= int(point["staff"]) <= 6
            assert 20 <= int(point["slots"]) <= 60


def test_lhs_integer_bounds_are_not_half_as_likely() -> None:
    """Rounding plain [lo, hi] would give 3 and 6 half the share of 4 and 5; we stretch first."""
    counts = {k: 0 for k in ("3", "4", "5", "6")}
    for seed in range(400):
        (point,) = lhs_points({"staff": Range(3, 6, integer=True)}, 1, seed)
        counts[point["staff"]] += 1
    assert all(70 <= c <= 130 for c in counts.values()), counts  # 100 each expected, sd ≈ 8.7


@pytest.mark.parametrize("n", [0, -1, 2.5, True])
def test_lhs_rejects_fewer_than_one_point(n: object) -> None:
    with pytest.raises(ScenarioError) as info:
        lhs_points(FLOATS, n, seed=1)  # type: ignore[arg-type]
    assert info.value.argument == "n"


def test_lhs_rejects_no_ranges_and_a_bad_seed() -> None:
    with pytest.raises(ScenarioError, match="at least one range") as info:
        lhs_points({}, 3, seed=1)
    assert info.value.argument == "ranges"
    with pytest.raises(ScenarioError) as info:
        lhs_points(FLOATS, 3, seed=-1)
    assert info.value.argument == "seed"


# ---------------------------------------------------------------- points as overrides


def test_point_overrides_and_label() -> None:
    point = {"services.wijkteam.slots": "40", "policy.groups.group3.review_interval": "6 months"}
    assert point_overrides(point) == [
        "services.wijkteam.slots=40",
        "policy.groups.group3.review_interval=6 months",
    ]
    assert point_label(point) == "services.wijkteam.slots=40, policy.groups.group3.review_interval=6 months"


def test_every_grid_point_loads_and_shows_its_values() -> None:
    grid = parse_grid([
        "services.netwerkconsulent.staff=3,6",
        "services.netwerkconsulent.service_time.mean=1 months, 2.5 months",
        "budgets.reintegration.annual_amount=€100000 per year,€2500000 per year",
    ])
    points = grid_points(grid)
    seen = set()
    for point in points:
        model = simulation.load_scenario(TILBURG, point_overrides(point)).model
        service = model.services["netwerkconsulent"]
        mean_months = service.service_time.mean / DAYS_PER_MONTH
        annual = parse_money(point["budgets.reintegration.annual_amount"])
        assert service.staff == float(point["services.netwerkconsulent.staff"])
        assert math.isclose(mean_months, float(point["services.netwerkconsulent.service_time.mean"].split()[0]))
        assert math.isclose(model.budgets["reintegration"].annual_amount, annual.per_day())
        seen.add((service.staff, round(mean_months, 9), model.budgets["reintegration"].annual_amount))
    assert len(seen) == len(points) == 8


def test_every_lhs_point_loads_and_shows_its_values() -> None:
    ranges = parse_ranges([
        "services.netwerkconsulent.staff=3:6",
        "services.netwerkconsulent.slots=20:60",
        "services.netwerkconsulent.service_time.mean=1.0 months:3.0 months",
        "sanctions.detection_probability=0.1:0.6",
    ])
    for point in lhs_points(ranges, 5, seed=11):
        model = simulation.load_scenario(TILBURG, point_overrides(point)).model
        service = model.services["netwerkconsulent"]
        assert service.staff == int(point["services.netwerkconsulent.staff"])
        assert service.slots == int(point["services.netwerkconsulent.slots"])
        months = float(point["services.netwerkconsulent.service_time.mean"].removesuffix(" months"))
        assert math.isclose(service.service_time.mean, months * DAYS_PER_MONTH)
        assert 1.0 <= months <= 3.0
        assert model.sanctions.detection_probability == float(point["sanctions.detection_probability"])


def test_a_misspelt_key_is_caught_by_the_loader() -> None:
    (point,) = grid_points(parse_grid(["services.netwerkconsulent.stafff=5"]))
    with pytest.raises(ScenarioError) as info:
        simulation.load_scenario(TILBURG, point_overrides(point))
    assert info.value.argument == "overrides" and info.value.file is None
    assert info.value.key == "services.netwerkconsulent.stafff"
    assert info.value.hint == "did you mean 'staff'?"


def test_a_value_of_the_wrong_kind_is_caught_by_the_loader() -> None:
    (point,) = lhs_points(parse_ranges(["services.netwerkconsulent.service_time.mean=1:3"]), 1, seed=0)
    with pytest.raises(ScenarioError, match="needs a unit"):  # a duration without a unit
        simulation.load_scenario(TILBURG, point_overrides(point))
