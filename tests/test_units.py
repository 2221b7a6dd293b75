"""Table tests for unit parsing: every accepted spelling and every rejection the author may hit."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from simulation.scenario.units import (
    DAYS_PER_MONTH,
    DAYS_PER_WEEK,
    DAYS_PER_YEAR,
    Duration,
    Money,
    MoneyAmount,
    MoneyPerDay,
    NonNegativeFloat,
    NonNegativeInt,
    PositiveFloat,
    Probability,
    Rate,
    UnitError,
    exact_duration,
    format_days,
    parse_duration,
    parse_money,
    parse_rate,
)

M, Y, W = DAYS_PER_MONTH, DAYS_PER_YEAR, DAYS_PER_WEEK

ACCEPTED: list[tuple[Callable[[Any], Any], Any, Any]] = [
    # durations -> days
    (parse_duration, "6 months", 6 * M),
    (parse_duration, "1.5 years", 1.5 * Y),
    (parse_duration, "0 days", 0.0),
    (parse_duration, "1 day", 1.0),
    (parse_duration, "12 d", 12.0),
    (parse_duration, "2 weeks", 2 * W),
    (parse_duration, "3w", 3 * W),
    (parse_duration, "1 month", M),
    (parse_duration, "2 yr", 2 * Y),
    (parse_duration, "1 y", Y),
    (parse_duration, "  4   MONTHS ", 4 * M),
    (parse_duration, "6months", 6 * M),
    (parse_duration, ".5 year", 0.5 * Y),
    (parse_duration, "1,000 days", 1000.0),
    (parse_duration, "3 dagen", 3.0),
    (parse_duration, "1 dag", 1.0),
    (parse_duration, "2 weken", 2 * W),
    (parse_duration, "1 maand", M),
    (parse_duration, "18 maanden", 18 * M),
    (parse_duration, "1 jaar", Y),
    (parse_duration, "2 jaren", 2 * Y),
    # money
    (parse_money, "€450 per month", Money(450.0, M)),
    (parse_money, "€ 1,000 per 2 years", Money(1000.0, 2 * Y)),
    (parse_money, "€2,400 per year", Money(2400.0, Y)),
    (parse_money, "€454", Money(454.0, None)),
    (parse_money, "1000 EUR per year", Money(1000.0, Y)),
    (parse_money, "450 euro per month", Money(450.0, M)),
    (parse_money, "€12.50 per week", Money(12.5, W)),
    (parse_money, "€450 per maand", Money(450.0, M)),
    (parse_money, "€450/month", Money(450.0, M)),
    (parse_money, "€0", Money(0.0, None)),
    # rates -> per day
    (parse_rate, "1500 per year", 1500 / Y),
    (parse_rate, "2 per month", 2 / M),
    (parse_rate, "0.5 per week", 0.5 / W),
    (parse_rate, "3 per 2 years", 3 / (2 * Y)),
    (parse_rate, "1,500 per jaar", 1500 / Y),
    (parse_rate, "0 per year", 0.0),
]


@pytest.mark.parametrize(("parse", "text", "expected"), ACCEPTED, ids=[repr(row[1]) for row in ACCEPTED])
def test_accepted(parse: Callable[[Any], Any], text: Any, expected: Any) -> None:
    """Each documented spelling parses to the right number of days / euros / events per day."""
    got = parse(text)
    if isinstance(expected, Money):
        assert got.amount == pytest.approx(expected.amount)
        assert got.per_days == (None if expected.per_days is None else pytest.approx(expected.per_days))
    else:
        assert got == pytest.approx(expected)


REJECTED: list[tuple[Callable[[Any], Any], Any, list[str]]] = [
    (parse_duration, 6, ["needs a unit", "6 months"]),
    (parse_duration, 6.5, ["needs a unit"]),
    (parse_duration, "6", ["needs a unit"]),
    (parse_duration, "-3 days", ["negative"]),
    (parse_duration, -3, ["negative"]),
    (parse_duration, "6 fortnights", ["unknown time unit", "fortnights", "months", "jaar"]),
    (parse_duration, True, ["duration", "True"]),
    (parse_duration, None, ["duration", "null"]),
    (parse_duration, [6, "months"], ["duration"]),
    (parse_duration, "", ["expected a duration"]),
    (parse_duration, "months", ["expected a duration"]),
    (parse_duration, "1,5 jaar", ["decimal point"]),
    (parse_duration, "6 months 2 days", ["expected a duration"]),
    (parse_money, 450, ["needs a currency", "€450 per month"]),
    (parse_money, "450 per month", ["needs a currency"]),
    (parse_money, "-€450 per month", ["negative"]),
    (parse_money, "€-450", ["negative"]),
    (parse_money, "€450 per fortnight", ["unknown time unit", "fortnight"]),
    (parse_money, "€450 per 0 months", ["longer than zero"]),
    (parse_money, "€450 per", ["period"]),
    (parse_money, "€450 EUR", ["currency once"]),
    (parse_money, "€1.000,50", ["decimal point"]),
    (parse_money, None, ["money"]),
    (parse_rate, 1500, ["per <period>", "1500 per year"]),
    (parse_rate, "1500", ["per <period>"]),
    (parse_rate, "-2 per month", ["negative"]),
    (parse_rate, "2 per lightyear", ["unknown time unit"]),
    (parse_rate, "per year", ["expected a rate"]),
    (parse_rate, False, ["rate"]),
]


@pytest.mark.parametrize(("parse", "value", "words"), REJECTED, ids=[repr(row[1]) for row in REJECTED])
def test_rejected(parse: Callable[[Any], Any], value: Any, words: list[str]) -> None:
    """Bad input raises UnitError (a ValueError) whose message names the problem and shows an example."""
    with pytest.raises(UnitError) as info:
        parse(value)
    assert isinstance(info.value, ValueError)
    for word in words:
        assert word in str(info.value)


def test_money_per_day() -> None:
    """Per-period money converts to per day; a one-off amount has no daily rate."""
    assert parse_money("€365.25 per year").per_day() == pytest.approx(1.0)
    with pytest.raises(UnitError, match="one-off"):
        parse_money("€454").per_day()


@pytest.mark.parametrize(
    ("days", "text"),
    [(12, "12 days"), (1, "1 day"), (0.5, "0.5 days"), (6 * M, "6.0 months"), (2 * Y, "2.0 years"),
     (Y, "1.0 years"), (59, "59 days"), (math.inf, "∞")],
)
def test_format_days(days: float, text: str) -> None:
    """Messages and tables show durations in the unit a person would use."""
    assert format_days(days) == text


@given(st.floats(min_value=0, max_value=1e12, allow_nan=False))
def test_exact_duration_round_trips(days: float) -> None:
    """Dumped durations (manifests, model_dump) parse back to exactly the same float."""
    assert parse_duration(exact_duration(days)) == days


@given(st.floats(min_value=0, max_value=1e6, allow_nan=False), st.sampled_from(["days", "weeks", "months", "years"]))
def test_duration_scales_linearly(number: float, unit: str) -> None:
    """'<x> <unit>' is x times '1 <unit>' for any number we can print."""
    text = format(number, "f")
    assert parse_duration(f"{text} {unit}") == pytest.approx(float(text) * parse_duration(f"1 {unit}"))


class Model(BaseModel):
    """A tiny scenario section using every annotated type."""

    wait: Duration
    grant: MoneyAmount
    benefit: MoneyPerDay
    inflow: Rate
    p: Probability
    n: NonNegativeInt
    w: NonNegativeFloat
    s: PositiveFloat


GOOD: dict[str, Any] = {
    "wait": "6 months", "grant": "€454", "benefit": "€450 per month", "inflow": "1500 per year",
    "p": 0.3, "n": 4, "w": 0, "s": 2.5,
}


def test_pydantic_types_accept_and_convert() -> None:
    """Fields hold model units (days, euros, per day) and dump back to strings that re-validate."""
    model = Model(**GOOD)
    assert model.wait == pytest.approx(6 * M)
    assert model.grant == 454.0
    assert model.benefit == pytest.approx(450 / M)
    assert model.inflow == pytest.approx(1500 / Y)
    assert (model.p, model.n, model.w, model.s) == (0.3, 4, 0.0, 2.5)
    assert type(model.n) is int
    assert Model(**{**GOOD, "n": 4.0}).n == 4
    assert Model.model_validate(model.model_dump()) == model


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("wait", 6, ["needs a unit"]),
        ("grant", "€450 per month", ["one-off"]),
        ("benefit", "€454", ["per period"]),
        ("inflow", 1500, ["per <period>"]),
        ("p", 1.3, ["must be a probability between 0 and 1, got 1.3"]),
        ("p", True, ["probability"]),
        ("p", "0.3", ["probability"]),
        ("p", math.nan, ["probability"]),
        ("n", 2.5, ["whole number ≥ 0"]),
        ("n", -1, ["whole number ≥ 0"]),
        ("n", True, ["whole number"]),
        ("w", -0.1, ["≥ 0"]),
        ("w", False, ["number"]),
        ("s", 0, ["> 0"]),
        ("s", True, ["> 0"]),
    ],
)
def test_pydantic_types_report_field(field: str, value: Any, words: list[str]) -> None:
    """A bad value is reported at its own key with our message, so the loader can point at the line."""
    with pytest.raises(ValidationError) as info:
        Model(**{**GOOD, field: value})
    errors = info.value.errors()
    assert len(errors) == 1
    assert errors[0]["loc"] == (field,)
    for word in words:
        assert word in errors[0]["msg"]
