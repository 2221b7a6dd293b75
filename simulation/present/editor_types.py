"""JSON Schema fragments for the values of a scenario file, as the loader reads them.

A quantity with a unit is text (``"6 months"``, ``"€450 per month"``, ``"1500 per year"``): its
fragment is a ``pattern`` built from the loader's own table of time units (``scenario/units.py``),
so an editor accepts every spelling the loader accepts. A distribution is a mapping whose
parameters depend on its ``dist`` (``scenario/distributions/families.py``). Plain pydantic types
are read leniently by the loader (``enabled: yes``, ``"5"`` for a number), and their fragments say
so, so that no file the loader takes is marked wrong. Only keywords that mean the same in JSON
Schema draft-07 and 2020-12 are used: editors still validate with draft-07 rules.
"""

from __future__ import annotations

from typing import Any, get_args

from simulation.scenario import units
from simulation.scenario.bounds import MAX_COUNT, MAX_EFFECT, MAX_HAZARD_PER_YEAR, MAX_MULTIPLIER, MIN_INTERVAL_DAYS
from simulation.scenario.distributions import FAMILY_TABLE, DurationDistribution, ValueDistribution
from simulation.scenario.distributions.base import QUANTITY_PARAMS
from simulation.scenario.schema.services import FIRST_NORM_YEAR, LAST_NORM_YEAR, NormYear

Fragment = dict[str, Any]

#: Distribution parameters that are lists (``scenario/distributions/spec.py``).
LIST_PARAMS = ("values", "bins", "weights")


def any_case(word: str) -> str:
    """``per`` → ``[pP][eE][rR]``: JSON Schema patterns have no flag for ignoring case."""
    return "".join(f"[{c.lower()}{c.upper()}]" if c.lower() != c.upper() else c for c in word)


def _alternatives(words: list[str]) -> str:
    return "(?:" + "|".join(any_case(w) for w in sorted(words, key=len, reverse=True)) + ")"


# The loader's grammar (scenario/units.py): "1,000.5", "1000", ".5"; ',' only between thousands.
NUMBER = r"(?:(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|\.\d+)"
TIME_UNIT = _alternatives(list(units.TIME_UNITS))
CURRENCY = _alternatives(["€", "euros", "euro", "eur"])
PER = r"(?:" + any_case("per") + r"\b|/)"
#: a number that is zero ("0", "0.0", "0,000", ".0"): no period is zero days long (the loader refuses "per 0 days")
ZERO = r"(?:[0,]+(?:\.0+)?|\.0+)(?![\d.,])"
PERIOD = rf"{PER}\s*(?:(?!{ZERO}){NUMBER})?\s*{TIME_UNIT}"
AMOUNT = rf"(?:{CURRENCY}\s*{NUMBER}|{NUMBER}\s*{CURRENCY})"
DURATION_PATTERN = rf"^\s*{NUMBER}\s*{TIME_UNIT}\s*$"
RATE_PATTERN = rf"^\s*{NUMBER}\s*{PERIOD}\s*$"
MONEY_PATTERN = rf"^\s*{AMOUNT}\s*$"
MONEY_PER_PERIOD_PATTERN = rf"^\s*{AMOUNT}\s*{PERIOD}\s*$"

UNITS_TEXT = "days, weeks, months or years (d, w, y, yr; dag/dagen, week/weken, maand/maanden, jaar/jaren)"


def _text(pattern: str, description: str) -> Fragment:
    """Text matching ``pattern``; editors of the VS Code family say ``patternErrorMessage`` instead of the pattern."""
    return {"type": "string", "pattern": pattern, "description": description,
            "patternErrorMessage": f"expected {description}"}


DURATION = _text(DURATION_PATTERN, f"a duration with its unit, e.g. '6 months', '2 weeks', '0 days': {UNITS_TEXT}")
MONEY_PER_PERIOD = _text(MONEY_PER_PERIOD_PATTERN, f"euros per period, e.g. '€450 per month', '€1,000 per year': {UNITS_TEXT}")
RATE = _text(RATE_PATTERN, "how often, e.g. '1500 per year', '2 per month', '3 per 2 years'")


def distribution(kind: str, named: bool = True) -> Fragment:
    """A distribution spec of ``kind`` ("duration" or "value"): ``dist`` names the family, whose
    accepted parameter sets (``FAMILY_TABLE``) each become one branch. Not ``named``: ``dist`` may be
    left out, as in a file that extends another, where such a mapping changes the inherited spec's parameters."""
    names = sorted({n for family in FAMILY_TABLE.values() for req, opt in family.forms for n in (*req, *opt)})
    families = [{"if": {"properties": {"dist": {"const": name}}, "required": ["dist"]},
                 "then": {"anyOf": [_form(family.duration_needs if kind == "duration" else (), req, opt)
                                    for req, opt in family.forms]}}
                for name, family in FAMILY_TABLE.items()]
    return {"type": "object", "properties": {"dist": {"enum": list(FAMILY_TABLE), "description": "the family"},
                                             **{name: _parameter(name, kind) for name in names}},
            **({"required": ["dist"]} if named else {}), "additionalProperties": False, "allOf": families}


def _form(needs: tuple[str, ...], required: tuple[str, ...], optional: tuple[str, ...]) -> Fragment:
    """One accepted parameter set: these required, nothing outside required + optional."""
    return {"required": sorted({*required, *needs}), "propertyNames": {"enum": ["dist", *required, *optional]}}


def _parameter(name: str, kind: str) -> Fragment:
    """A parameter's values: a duration's location and scale carry a unit, every other one is a bare number."""
    value: Fragment = {"$ref": "#/$defs/duration"} if kind == "duration" and name in QUANTITY_PARAMS else {"type": "number"}
    return {"type": "array", "items": value, "minItems": 1} if name in LIST_PARAMS else value


#: Value types used in many places, written once in the schema's ``$defs`` and referred to by name.
DEFINITIONS: dict[str, Fragment] = {
    "duration": DURATION,
    "interval": {**DURATION, "description": DURATION["description"] + f"; at least {MIN_INTERVAL_DAYS:g} day"},
    "money": _text(MONEY_PATTERN, "an amount of euros, e.g. '€454' or '1,000 EUR'"),
    "money_per_period": MONEY_PER_PERIOD,
    "rate": RATE,
    "hazard": {**RATE, "description": f"how often for one person, e.g. '0.5 per year' (at most {MAX_HAZARD_PER_YEAR:g} "
                                      "per year)"},
    **{f"{kind}_distribution{suffix}": {**distribution(kind, named=not suffix),
                                        "description": f"a distribution of a {kind}, e.g. {example}"}
       for kind, example in (("duration", "{dist: gamma, shape: 2, scale: '3 months'}"),
                             ("value", "{dist: beta, a: 2, b: 5}"))
       for suffix in ("", "_change")},
}
#: In a mapping that ``extends`` merges over its parent's: the definition that takes a partial value.
CHANGE_OF = {"#/$defs/duration_distribution": "#/$defs/duration_distribution_change",
             "#/$defs/value_distribution": "#/$defs/value_distribution_change"}


#: Marks a reference to a definition while pydantic generates the schema (pydantic resolves every
#: ``$ref`` it meets as one of its own); ``editor_schema`` turns it into the ``$ref``.
REFERENCE = "x-definition"


def _defined(name: str) -> Fragment:
    """A reference to a definition, with its description beside it (``allOf``: draft-07 ignores keys beside a ``$ref``)."""
    return {"description": DEFINITIONS[name]["description"], "allOf": [{REFERENCE: name}]}


def _number(description: str, **bounds: float) -> Fragment:
    return {"type": "number", **bounds, "description": description}


#: Each unit and distribution type of ``scenario/units.py`` and ``scenario/distributions`` → its fragment
#: (the bounds are those of ``scenario/bounds.py``).
TYPE_FRAGMENTS: dict[Any, Fragment] = {
    units.Duration: _defined("duration"),
    units.Interval: _defined("interval"),
    units.MoneyAmount: _defined("money"),
    units.MoneyPerDay: _defined("money_per_period"),
    units.Rate: _defined("rate"),
    units.Hazard: _defined("hazard"),
    DurationDistribution: _defined("duration_distribution"),
    ValueDistribution: _defined("value_distribution"),
    units.Probability: _number("a probability, from 0 to 1", minimum=0, maximum=1),
    units.NonNegativeInt: {"type": "integer", "minimum": 0, "maximum": MAX_COUNT, "description": "a whole number ≥ 0"},
    units.NonNegativeFloat: _number("a number ≥ 0", minimum=0),
    units.PositiveFloat: _number("a number > 0", exclusiveMinimum=0),
    units.Multiplier: _number(f"a multiplier, from 0 to {MAX_MULTIPLIER:g}", minimum=0, maximum=MAX_MULTIPLIER),
    units.PositiveMultiplier: _number(f"a multiplier above 0, at most {MAX_MULTIPLIER:g}", exclusiveMinimum=0,
                                      maximum=MAX_MULTIPLIER),
    units.Effect: _number(f"an effect on the log scale, from -{MAX_EFFECT:g} to {MAX_EFFECT:g}", minimum=-MAX_EFFECT,
                          maximum=MAX_EFFECT),
    units.StaffCount: _number("staff in full-time posts (fractions allowed)", minimum=0, maximum=MAX_COUNT),
    # a key of benefits.monthly_norm: pydantic makes the pattern the keys' (a key is text in JSON)
    NormYear: {"type": ["integer", "string"], "minimum": FIRST_NORM_YEAR, "maximum": LAST_NORM_YEAR,
               "pattern": r"^\s*\d+\s*$", "description": "a calendar year"},
}


def validator_of(field_type: Any) -> Any:
    """The function that validates an ``Annotated`` field type (its ``PlainValidator``): it names the
    type inside pydantic's core schema."""
    return next(m.func for m in get_args(field_type)[1:] if hasattr(m, "func"))


#: Validator function → fragment, for every unit and distribution type.
BY_VALIDATOR: dict[Any, Fragment] = {validator_of(t): f for t, f in TYPE_FRAGMENTS.items()}

# --- plain types, read leniently ---------------------------------------------------------------------
# The loader validates plain fields in pydantic's lax mode: a bool from yes/no/on/off (YAML 1.1's
# booleans, strings to a YAML 1.2 editor), numbers from numeric text, a date from its text.

BOOL_TEXT = "^(?:" + "|".join(any_case(w) for w in ("true", "false", "yes", "no", "on", "off", "t", "f", "y", "n",
                                                     "1", "0")) + ")$"
INT_TEXT = r"^\s*[+-]?\d[\d_]*(?:\.0*)?\s*$"
FLOAT_TEXT = r"^\s*[+-]?(?:\d[\d_]*(?:\.[\d_]*)?|\.\d[\d_]*)(?:[eE][+-]?\d+)?\s*$"
DATE_TEXT = r"^\s*(?:\d{4}-\d{2}-\d{2}(?:[Tt ].*)?|[+-]?\d+(?:\.0*)?)\s*$"
SECONDS_PER_DAY = 86400


def lax_bool() -> Fragment:
    return {"type": ["boolean", "integer", "string"], "minimum": 0, "maximum": 1, "pattern": BOOL_TEXT,
            "description": "true or false", "patternErrorMessage": "expected true or false"}


def lax_number(fragment: Fragment, integer: bool) -> Fragment:
    """A plain number with its bounds; also its text, and true/false where 1 and 0 are in bounds."""
    low, high = fragment.get("minimum", fragment.get("exclusiveMinimum")), fragment.get("maximum")
    kinds = ["integer" if integer else "number", "string"]
    if (low is None or low <= 0) and (high is None or high >= 1):
        kinds.append("boolean")
    return {**fragment, "type": kinds, "pattern": INT_TEXT if integer else FLOAT_TEXT,
            "patternErrorMessage": f"expected {'a whole number' if integer else 'a number'}"}


def lax_date() -> Fragment:
    """A date as text (2017-01-01), or as seconds since 1970 at midnight."""
    return {"type": ["string", "integer"], "pattern": DATE_TEXT, "multipleOf": SECONDS_PER_DAY,
            "description": "a date, e.g. 2017-01-01", "patternErrorMessage": "expected a date, e.g. 2017-01-01"}
