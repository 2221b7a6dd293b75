"""Numbers and quantities in a scenario, as a free parameter reads and writes them.

A value of a scenario is a plain number or a text with a unit (``"€3,000 per year"``,
``"9 months"``, ``"0.45 per year"``); a parameter either sets one value in the unit of its bounds
or multiplies every number and quantity under a key. Texts written back keep their unit and use
positional decimals: the scenario's number syntax (and PyYAML) has no exponent.
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

from simulation.experiments.design import BOUND_RE, NOT_A_UNIT_RE, Range
from simulation.scenario.units import UnitError, parse_duration, parse_money, parse_rate
from simulation.scenario.yamlio import KeyPath


def decimal_text(value: float, digits: int) -> str:
    """Positional decimal with ``digits`` significant digits (our number syntax has no exponent)."""
    return format(Decimal(format(float(value), f".{digits}g")).normalize(), "f")


def quantity(value: Any) -> tuple[str, float, str] | None:
    """``"€3,000 per year"`` → ("€", 3000.0, " per year") when the text is a quantity the
    scenario's unit parsers accept; None for other text (``exponential``, ``01-01``)."""
    if not isinstance(value, str) or model_value(value) is None:
        return None
    match = BOUND_RE.match(value)
    if not match or NOT_A_UNIT_RE.match(match["suffix"]):
        return None
    return match["prefix"], float(match["num"].replace(",", "")), match["suffix"]


def model_value(text: str) -> tuple[str, float] | None:
    """(kind, value in model units) of a duration, rate or money text; None if it is none of them."""
    for kind, parse in (("duration", parse_duration), ("rate", parse_rate)):
        try:
            return kind, float(parse(text))
        except UnitError:
            continue
    try:
        money = parse_money(text)
    except UnitError:
        return None
    return ("money", money.amount) if money.is_one_off else ("money per day", money.per_day())


def is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def scale_value(original: Any, factor: float) -> Any:
    """A number or quantity multiplied by ``factor``: whole numbers stay whole, units stay."""
    if isinstance(original, int):
        return round(original * factor)
    if isinstance(original, float):
        return float(decimal_text(original * factor, 6))
    prefix, number, suffix = quantity(original)  # type: ignore[misc]  # only leaves() values come here
    return f"{prefix}{decimal_text(number * factor, 6)}{suffix}"


def leaves(node: Any, path: KeyPath) -> list[tuple[KeyPath, Any]]:
    """Numbers and quantities at or under ``node`` (other text, booleans and dates are left alone)."""
    if isinstance(node, dict):
        return [leaf for key, child in node.items() for leaf in leaves(child, path + (key,))]
    if isinstance(node, list):
        return [leaf for i, child in enumerate(node) for leaf in leaves(child, path + (i,))]
    return [(path, node)] if is_number(node) or quantity(node) is not None else []


def in_bound_units(value: Any, span: Range) -> float | None:
    """The scenario's quantity expressed in the unit of the bounds (``1 year`` → 12 for months)."""
    mine, unit = model_value(value) if isinstance(value, str) else None, model_value(f"{span.prefix}1{span.suffix}")
    if mine is None or unit is None or mine[0] != unit[0] or unit[1] == 0:
        return None
    return mine[1] / unit[1]


def yaml_scalar(value: Any) -> str:
    """YAML text of a scalar: strings quoted, floats positional (PyYAML reads ``1e-05`` as text)."""
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, float):
        text = format(Decimal(repr(value)), "f")
        return text if "." in text else text + ".0"
    return repr(value)
