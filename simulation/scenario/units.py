"""Parse quantities with units ("6 months", "€450 per month", "1500 per year") into model units.

The model's time unit is one DAY.  Every quantity in a scenario file that has a
unit must spell it out: a bare ``6`` is ambiguous (days? months?) and is rejected.
The pydantic ``Annotated`` types at the bottom let scenario models use these
parsers directly; errors then carry the key path of the offending field.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from numbers import Real
from typing import Annotated, Any

from pydantic import PlainSerializer, PlainValidator

from simulation.scenario.bounds import (
    INTERVAL_REASON,
    MAX_COUNT,
    MAX_EFFECT,
    MAX_HAZARD_PER_YEAR,
    MAX_MONEY,
    MAX_MULTIPLIER,
    MAX_RATE_PER_YEAR,
    MIN_INTERVAL_DAYS,
    MONEY_REASON,
)

__all__ = [
    "DAYS_PER_WEEK",
    "DAYS_PER_YEAR",
    "DAYS_PER_MONTH",
    "UnitError",
    "Money",
    "parse_duration",
    "parse_money",
    "parse_rate",
    "format_days",
    "exact_duration",
    "Duration",
    "MoneyAmount",
    "MoneyPerDay",
    "Rate",
    "Hazard",
    "Multiplier",
    "PositiveMultiplier",
    "Effect",
    "StaffCount",
    "Interval",
    "MIN_INTERVAL_DAYS",
    "Probability",
    "NonNegativeInt",
    "NonNegativeFloat",
    "PositiveFloat",
]

DAYS_PER_WEEK = 7.0
DAYS_PER_YEAR = 365.25
DAYS_PER_MONTH = DAYS_PER_YEAR / 12

#: Accepted unit spellings (lower case) -> days per unit.
TIME_UNITS: dict[str, float] = {
    **dict.fromkeys(("day", "days", "d", "dag", "dagen"), 1.0),
    **dict.fromkeys(("week", "weeks", "w", "weken"), DAYS_PER_WEEK),
    **dict.fromkeys(("month", "months", "maand", "maanden"), DAYS_PER_MONTH),
    **dict.fromkeys(("year", "years", "y", "yr", "jaar", "jaren"), DAYS_PER_YEAR),
}
_KNOWN_UNITS = "days, weeks, months, years (or d, w, y, yr; dag/dagen, week/weken, maand/maanden, jaar/jaren)"

# "1,000.5" / "1000" / "0.5" / ".5": ',' only as a thousands separator, '.' only as decimal point.
_NUM = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|\.\d+"
_NUMBER_RE = re.compile(rf"^\s*(?:{_NUM})\s*$")
_DURATION_RE = re.compile(rf"^\s*(?P<num>{_NUM})\s*(?P<unit>[^\d\s.,]+)\s*$")
_PERIOD_RE = re.compile(rf"^\s*(?P<num>{_NUM})?\s*(?P<unit>[^\d\s.,]+)\s*$")
_CURRENCY = r"€|euros|euro|eur"
_MONEY_RE = re.compile(
    rf"^\s*(?P<pre>{_CURRENCY})?\s*(?P<num>{_NUM})\s*(?P<post>{_CURRENCY})?"
    rf"\s*(?:(?:per\b|/)\s*(?P<period>.*?))?\s*$",
    re.IGNORECASE,
)
_RATE_RE = re.compile(rf"^\s*(?P<num>{_NUM})\s*(?:per\b|/)\s*(?P<period>.*?)\s*$", re.IGNORECASE)
_NEGATIVE_RE = re.compile(r"-\s*(?:€|eur\w*)?\s*[\d.]", re.IGNORECASE)


class UnitError(ValueError):
    """A quantity could not be parsed; the message is meant for the scenario author."""


def _show(value: object) -> str:
    """Describe a raw input value the way the author wrote it."""
    if value is None:
        return "nothing (null)"
    text = repr(value) if isinstance(value, str) else str(value)
    return text if len(text) <= 80 else text[:77] + "..."


def _decimal_hint(value: str) -> str:
    """Dutch-style '1,5' or '€1.000,50' is a common slip; say which separators we accept."""
    if re.search(r"\d,\d", value):
        return " (write 1.5 not 1,5: ',' only separates thousands, '.' is the decimal point)"
    return ""


def _to_number(text: str) -> float:
    return _finite(float(text.replace(",", "")), text)


def _finite(number: float, original: object) -> float:
    """Every quantity is a finite float: 400 digits, or '1 per 5e-324 days', overflow to infinity."""
    if not math.isfinite(number):
        raise UnitError(f"a quantity too large to compute with, got {_show(original)}")
    return number


def _is_bare_number(value: object) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, Real):
        return True
    return isinstance(value, str) and bool(_NUMBER_RE.match(value))


def _check_not_negative(value: object, what: str) -> None:
    if isinstance(value, Real) and not isinstance(value, bool) and value < 0:
        raise UnitError(f"{what} must not be negative, got {_show(value)}")
    if isinstance(value, str) and _NEGATIVE_RE.search(value):
        raise UnitError(f"{what} must not be negative, got {_show(value)}")


def _quantity_text(value: object, what: str, needs: str, expected: str) -> str:
    """The text of a unit-bearing quantity; a bare number, another type or a minus sign is refused."""
    if _is_bare_number(value):
        _check_not_negative(value, what)
        raise UnitError(f"{what} needs {needs}, got {_show(value)}")
    if not isinstance(value, str):
        raise UnitError(f"expected {expected}, got {_show(value)}")
    _check_not_negative(value, what)
    return value


def _unit_days(unit: str, original: object) -> float:
    try:
        return TIME_UNITS[unit.lower()]
    except KeyError:
        raise UnitError(f"unknown time unit {unit!r} in {_show(original)}; known units: {_KNOWN_UNITS}") from None


def _parse_period(text: str, original: object, example: str) -> float:
    """'month' / '2 years' -> length of the period in days (> 0)."""
    match = _PERIOD_RE.match(text)
    if not text.strip() or not match:
        raise UnitError(f"expected a period after 'per', e.g. {example!r}, got {_show(original)}")
    count = _to_number(match["num"]) if match["num"] else 1.0
    days = count * _unit_days(match["unit"], original)
    if days <= 0:
        raise UnitError(f"the period must be longer than zero, got {_show(original)}")
    return days


def parse_duration(value: object) -> float:
    """Parse '6 months' / '1.5 jaar' / '0 days' into days; bare numbers are rejected."""
    example = "e.g. '6 months'"
    value = _quantity_text(value, "a duration", f"a unit, {example}", f"a duration with a unit, {example}")
    match = _DURATION_RE.match(value)
    if not match:
        raise UnitError(f"expected a duration like '6 months' or '1.5 years', got {_show(value)}{_decimal_hint(value)}")
    return _finite(_to_number(match["num"]) * _unit_days(match["unit"], value), value)


@dataclass(frozen=True)
class Money:
    """An amount in euros, either one-off (``per_days is None``) or per period of ``per_days`` days."""

    amount: float
    per_days: float | None

    @property
    def is_one_off(self) -> bool:
        return self.per_days is None

    def per_day(self) -> float:
        """Euros per day; a one-off amount has no rate, so this raises UnitError."""
        if self.per_days is None:
            raise UnitError(f"€{self.amount:,.2f} is a one-off amount, not an amount per period")
        return _finite(self.amount / self.per_days, f"€{self.amount} per {self.per_days} days")


def parse_money(value: object) -> Money:
    """Parse '€450 per month', '1000 EUR per year', '€ 1,000 per 2 years' or one-off '€454'."""
    example = "e.g. '€450 per month'"
    value = _quantity_text(value, "money", f"a currency, {example} or '€454'", f"an amount of money, {example}")
    match = _MONEY_RE.match(value)
    if not match:
        raise UnitError(f"expected money like '€450 per month' or '€454', got {_show(value)}{_decimal_hint(value)}")
    if not (match["pre"] or match["post"]):
        raise UnitError(f"money needs a currency, {example}, got {_show(value)}")
    if match["pre"] and match["post"]:
        raise UnitError(f"give the currency once, {example}, got {_show(value)}")
    period = match["period"]
    per_days = None if period is None else _parse_period(period, value, "€450 per month")
    return Money(_to_number(match["num"]), per_days)


def parse_rate(value: object) -> float:
    """Parse '1500 per year' / '3 per 2 years' into events per day."""
    example = "e.g. '1500 per year'"
    value = _quantity_text(value, "a rate", f"'per <period>', {example}", f"a rate, {example}")
    match = _RATE_RE.match(value)
    if not match:
        raise UnitError(
            f"expected a rate like '1500 per year' or '2 per month', got {_show(value)}{_decimal_hint(value)}"
        )
    return _finite(_to_number(match["num"]) / _parse_period(match["period"], value, "1500 per year"), value)


def format_days(days: float) -> str:
    """Short human form: '12 days' below 60 days, then '6.0 months', from one year '2.0 years'."""
    if math.isnan(days):
        return "nan"
    if math.isinf(days):
        return "∞" if days > 0 else "-∞"
    size = abs(days)
    if size >= DAYS_PER_YEAR:
        return f"{days / DAYS_PER_YEAR:.1f} years"
    if size >= 60:
        return f"{days / DAYS_PER_MONTH:.1f} months"
    rounded = round(days, 1)
    text = f"{rounded:.0f}" if rounded == int(rounded) else f"{rounded:.1f}"
    return f"{text} day" if text in ("1", "-1") else f"{text} days"


def _positional(x: float) -> str:
    """Shortest exact decimal for ``x`` without an exponent (our number syntax has none)."""
    return format(Decimal(repr(float(x))), "f")


def exact_duration(days: float) -> str:
    """A duration string that parses back to exactly ``days``: 182.625 -> '182.625 days'."""
    return f"{_positional(days)} days"


def _dumper(template: str) -> Callable[[float | str], str]:
    """Serializer for a unit-bearing float; an unvalidated default string passes through."""

    def dump(value: float | str) -> str:
        return value if isinstance(value, str) else template.format(_positional(value))

    return dump


# --- pydantic field types -------------------------------------------------------------------
# Validators raise UnitError (a ValueError) so pydantic reports "Value error, <message>" at the
# field's key path; the original exception is in the error's ``ctx['error']``.


def _plain_number(value: Any, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, Real):
        raise UnitError(f"{what}, got {_show(value)}")
    try:
        number = float(value)
    except OverflowError:  # an integer beyond the float range
        raise UnitError(f"{what}, got {_show(value)} (too large)") from None
    if not math.isfinite(number):
        raise UnitError(f"{what}, got {_show(value)}")
    return number


def _validate_money_amount(value: Any) -> float:
    money = parse_money(value)
    if money.per_days is not None:
        raise UnitError(f"expected a one-off amount like '€454', not an amount per period, got {_show(value)}")
    if money.amount > MAX_MONEY:
        raise UnitError(f"must be at most €{MAX_MONEY:,.0f} ({MONEY_REASON}), got {_show(value)}")
    return money.amount


def _validate_money_per_day(value: Any) -> float:
    money = parse_money(value)
    if money.per_days is None:
        raise UnitError(f"expected an amount per period like '€450 per month', got {_show(value)}")
    if money.per_day() * DAYS_PER_YEAR > MAX_MONEY * (1 + 1e-12):
        raise UnitError(f"must be at most €{MAX_MONEY:,.0f} per year ({MONEY_REASON}), got {_show(value)}")
    return money.per_day()


def _validate_probability(value: Any) -> float:
    what = "must be a probability between 0 and 1"
    number = _plain_number(value, what)
    if not 0.0 <= number <= 1.0:
        raise UnitError(f"{what}, got {_show(value)}")
    return number


def _validate_non_negative_int(value: Any) -> int:
    what = "must be a whole number ≥ 0"
    if isinstance(value, int) and not isinstance(value, bool) and value >= 0:
        number = value
    else:
        real = _plain_number(value, what)
        if not math.isfinite(real) or real != int(real) or real < 0:
            raise UnitError(f"{what}, got {_show(value)}")
        number = int(real)
    if number > MAX_COUNT:
        raise UnitError(f"must be at most {MAX_COUNT:,} (about 5× the national bijstand stock; larger counts "
                        f"overflow inside a run), got {_show(value) if number < 10**20 else f'{len(str(number))} digits'}")
    return number


def _finite_float(what: str, accept: Callable[[float], bool]) -> Callable[[Any], float]:
    """A validator for a plain finite number that ``accept`` allows; the message says ``what``."""

    def validate(value: Any) -> float:
        number = _plain_number(value, what)
        if not math.isfinite(number) or not accept(number):
            raise UnitError(f"{what}, got {_show(value)}")
        return number

    return validate


def _bounded_rate(per_year: float, what: str) -> Callable[[Any], float]:
    """``parse_rate`` with an upper bound (events per year), saying why."""

    def validate(value: Any) -> float:
        rate = parse_rate(value)
        if rate * DAYS_PER_YEAR > per_year * (1 + 1e-12):  # the bound itself, read back through days, is allowed
            raise UnitError(f"must be at most {per_year:,.0f} per year ({what}), got {_show(value)}")
        return rate

    return validate


def _with_unit(validate: Callable[[Any], float], template: str) -> Any:
    """A float read from text with a unit, dumped (model_dump) as text that parses back exactly."""
    return Annotated[float, PlainValidator(validate, json_schema_input_type=str),
                     PlainSerializer(_dumper(template), return_type=str)]


# Unit-bearing types dump (model_dump) to strings that parse back exactly, so dumps re-validate.
Duration = _with_unit(parse_duration, "{} days")
"""Days, written with a unit ('6 months')."""
MoneyAmount = _with_unit(_validate_money_amount, "€{}")
"""One-off euros ('€454')."""
MoneyPerDay = _with_unit(_validate_money_per_day, "€{} per day")
"""Euros per day, written per period ('€450 per month')."""
Rate = _with_unit(_bounded_rate(MAX_RATE_PER_YEAR, "about 20× the national inflow"), "{} per day")
"""Events per day, written per period ('1500 per year'): a total, such as the applications."""
Hazard = _with_unit(_bounded_rate(MAX_HAZARD_PER_YEAR, "once a week; a person's hazards are far lower"),
                    "{} per day")
"""One person's events per day, written per period ('0.5 per year'): a hazard (``MAX_HAZARD_PER_YEAR``)."""
Probability = Annotated[float, PlainValidator(_validate_probability, json_schema_input_type=float)]
NonNegativeInt = Annotated[int, PlainValidator(_validate_non_negative_int, json_schema_input_type=int)]
NonNegativeFloat = Annotated[float, PlainValidator(_finite_float("must be a number ≥ 0", lambda x: x >= 0),
                                                   json_schema_input_type=float)]
PositiveFloat = Annotated[float, PlainValidator(_finite_float("must be a number > 0", lambda x: x > 0),
                                                json_schema_input_type=float)]

Multiplier = Annotated[float, PlainValidator(
    _finite_float(f"must be a finite number from 0 to {MAX_MULTIPLIER:g} (a multiplier; a hundredfold is far beyond any "
                  "measured effect)", lambda x: 0 <= x <= MAX_MULTIPLIER), json_schema_input_type=float)]
PositiveMultiplier = Annotated[float, PlainValidator(
    _finite_float(f"must be a finite number above 0, at most {MAX_MULTIPLIER:g} (a multiplier; a hundredfold is far "
                  "beyond any measured effect)", lambda x: 0 < x <= MAX_MULTIPLIER), json_schema_input_type=float)]
Effect = Annotated[float, PlainValidator(
    _finite_float(f"must be a finite number from -{MAX_EFFECT:g} to {MAX_EFFECT:g} (a log-scale effect; "
                  f"exp({MAX_EFFECT:g} × ½) is already ≈ 22,000×)", lambda x: -MAX_EFFECT <= x <= MAX_EFFECT),
    json_schema_input_type=float)]
StaffCount = Annotated[float, PlainValidator(
    _finite_float(f"must be a finite number from 0 to {MAX_COUNT:,} (staff, in full-time posts)", lambda x: 0 <= x <= MAX_COUNT),
    json_schema_input_type=float)]
"""Staff in full-time posts (fractions allowed), at most ``MAX_COUNT`` like every count."""


def _validate_interval(value: Any) -> float:
    days = parse_duration(value)
    if days < MIN_INTERVAL_DAYS:
        raise UnitError(f"must be at least {format_days(MIN_INTERVAL_DAYS)} ({INTERVAL_REASON}), got {_show(value)}")
    return days


Interval = _with_unit(_validate_interval, "{} days")
"""Days between recurring events, written with a unit ('3 months'), at least ``MIN_INTERVAL_DAYS``."""
