"""Scenario values as a reader says them, in English or Dutch: "1,300 per year", "every 12 months",
"never", "25%", "no places" — never ``null``, ``None`` or ``0.25`` where a share is meant.

Each value is formatted by its *kind*, which the phrase table of "what differs" names per key
(``report_keys``); a key it does not know gets :func:`generic`, which reads the value itself.
"""

from __future__ import annotations

import math
import re
from typing import Any

from simulation.scenario.units import DAYS_PER_MONTH, DAYS_PER_WEEK, DAYS_PER_YEAR, TIME_UNITS

#: A value the scenario does not set at all (a team or group only one of them has).
ABSENT = object()

_PERIODS = {1.0: "day", DAYS_PER_WEEK: "week", DAYS_PER_MONTH: "month", DAYS_PER_YEAR: "year"}
_UNIT = {unit: _PERIODS[days] for unit, days in TIME_UNITS.items()}
_PERIOD_WORDS = {
    "en": {"day": ("day", "days"), "week": ("week", "weeks"), "month": ("month", "months"), "year": ("year", "years")},
    "nl": {"day": ("dag", "dagen"), "week": ("week", "weken"), "month": ("maand", "maanden"), "year": ("jaar", "jaar")},
}
#: "every …" in Dutch agrees with the noun: "elk jaar" (het jaar), "elke maand" (de maand).
_EVERY_NL = {"day": "elke", "week": "elke", "month": "elke", "year": "elk"}
_NUMBER = r"(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?|\.\d+"
_QUANTITY = re.compile(rf"^\s*(?P<money>€)?\s*(?P<num>{_NUMBER})\s*(?P<rest>.*?)\s*$")
_PER = re.compile(r"^(?:per\b|/)\s*(?P<unit>\S+)$", re.IGNORECASE)

WORDS = {
    "en": {"none": "none", "never": "never", "yes": "yes", "no": "no", "per": "per", "and": "and",
           "every": "every", "after": "after", "no_follow_up": "none: one case only", "places": "{n} places",
           "place": "1 place", "no_places": "no places", "fte": "{n} FTE", "clients": "{n} clients",
           "offered": "offered", "not_offered": "not offered", "phase": "phase {n}", "phases": "phases {n}",
           "extra": "+{n}", "times": "× {n}", "on_average": "{v} on average",
           "from": "from {v}", "to": "up to {v}", "group": "group {n}"},
    "nl": {"none": "geen", "never": "nooit", "yes": "ja", "no": "nee", "per": "per", "and": "en",
           "every": "elke", "after": "na", "no_follow_up": "geen: één keer", "places": "{n} plaatsen",
           "place": "1 plaats", "no_places": "geen plaatsen", "fte": "{n} fte", "clients": "{n} klanten",
           "offered": "aangeboden", "not_offered": "niet aangeboden", "phase": "fase {n}", "phases": "fasen {n}",
           "extra": "+{n}", "times": "× {n}", "on_average": "gemiddeld {v}",
           "from": "vanaf {v}", "to": "tot {v}", "group": "groep {n}"},
}

#: The words of the scenario schema's fixed choices (and the shipped teams' own names stay as they are).
CHOICES = {
    "en": {"voluntary": "voluntary", "obligatory": "obligatory", "ask": "asked, not enforced",
           "enforce": "enforced (with sanctions)", "waive": "not asked", "wait": "clients wait for the new year",
           "refuse": "no more referrals until the new year", "fifo": "first come, first served",
           "lowest_phase_first": "closest to work first", "highest_phase_first": "furthest from work first",
           "fixed_price": "fixed price", "no_cure_no_pay": "no cure, no pay", "bonus_malus": "bonus/malus",
           "stable": "stable job", "flex": "flexible job", "subsidised": "subsidised job", "secondment": "secondment",
           "basisbaan": "basisbaan", "exponential": "exponential", "fixed": "fixed", "uniform": "uniform",
           "normal": "normal", "lognormal": "lognormal", "empirical": "from a table", "beta": "beta",
           "reintegration": "reintegration budget", "wmo": "Wmo budget"},
    "nl": {"voluntary": "vrijwillig", "obligatory": "verplicht", "ask": "gevraagd, niet afgedwongen",
           "enforce": "afgedwongen (met maatregelen)", "waive": "niet gevraagd", "wait": "klanten wachten op het nieuwe jaar",
           "refuse": "geen verwijzingen meer tot het nieuwe jaar", "fifo": "wie het eerst komt",
           "lowest_phase_first": "dichtst bij werk eerst", "highest_phase_first": "verst van werk eerst",
           "fixed_price": "vaste prijs", "no_cure_no_pay": "no cure, no pay", "bonus_malus": "bonus/malus",
           "stable": "vaste baan", "flex": "flexbaan", "subsidised": "gesubsidieerde baan", "secondment": "detachering",
           "basisbaan": "basisbaan", "exponential": "exponentieel", "fixed": "vast", "uniform": "uniform",
           "normal": "normaal", "lognormal": "lognormaal", "empirical": "uit een tabel", "beta": "bèta",
           "reintegration": "re-integratiebudget", "wmo": "Wmo-budget"},
}
#: Who guides a group: nobody, a klantmanager, or a team (the wijkteam by name, others as ‘name’).
HANDLERS = {
    "en": {"none": "nobody (no klantmanager)", "klantmanager": "a klantmanager", "wijkteam": "the wijkteam"},
    "nl": {"none": "niemand (geen klantmanager)", "klantmanager": "een klantmanager", "wijkteam": "het wijkteam"},
}


def plain_number(value: float, lang: str) -> str:
    """1,300 or 0.42 (1.300 or 0,42 in Dutch): thousands grouped, a fraction to three significant digits
    (52.7, 1.22, 0.162; a scaled scenario's 52.7027 would read as fifty thousand in Dutch), no trailing zeros."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        value = int(value)
    if isinstance(value, int):
        text = f"{value:,}"
    else:
        decimals = max(0, 2 - math.floor(math.log10(abs(value))))
        text = f"{value:,.{decimals}f}"
        text = text.rstrip("0").rstrip(".") if "." in text else text
    text = text.replace("-", "−")
    return text.replace(",", "_").replace(".", ",").replace("_", ".") if lang == "nl" else text


def _quantity(text: str) -> tuple[bool, float, str | None, str | None] | None:
    """``"€1,500 per year"`` → (money, 1500.0, None, "year"); ``"3 months"`` → (False, 3.0, "month", None)."""
    match = _QUANTITY.match(text)
    if not match:
        return None
    number = float(match["num"].replace(",", ""))
    rest = match["rest"]
    per = _PER.match(rest)
    if per and per["unit"].lower() in _UNIT:
        return bool(match["money"]), number, None, _UNIT[per["unit"].lower()]
    if rest.lower() in _UNIT:
        return bool(match["money"]), number, _UNIT[rest.lower()], None
    if not rest:
        return bool(match["money"]), number, None, None
    return None


def _period(number: float, unit: str, lang: str) -> str:
    one, many = _PERIOD_WORDS[lang][unit]
    return f"{plain_number(number, lang)} {one if number == 1 else many}"


def quantity(value: Any, lang: str) -> str | None:
    """A duration, rate or amount of money in the reader's words, or None if it is none of those."""
    if not isinstance(value, str):
        return None
    parsed = _quantity(value)
    if parsed is None:
        return None
    money, number, unit, per = parsed
    shown = ("€" if money else "") + plain_number(number, lang)
    if unit:
        return _period(number, unit, lang)
    if per:
        return f"{shown} {WORDS[lang]['per']} {_PERIOD_WORDS[lang][per][0]}"
    return shown


def every(value: Any, lang: str) -> str:
    """An interval: "every 12 months" / "elke 12 maanden", "every year" / "elk jaar"; null is "never"."""
    w = WORDS[lang]
    parsed = _quantity(value) if isinstance(value, str) else None
    if value is None:
        return w["never"]
    if parsed is None or parsed[2] is None:
        return generic(value, lang)
    number, unit = parsed[1], parsed[2]
    if number == 1:
        one = _PERIOD_WORDS[lang][unit][0]
        return f"{_EVERY_NL[unit]} {one}" if lang == "nl" else f"every {one}"
    return f"{w['every']} {_period(number, unit, lang)}"


def share(value: Any, lang: str) -> str:
    """A probability or share as a percentage: 0.25 → 25%, 0.035 → 3.5% (3,5%)."""
    if not isinstance(value, int | float) or isinstance(value, bool):
        return generic(value, lang)
    return f"{plain_number(round(100 * value, 2), lang)}%"


def _count(value: Any, lang: str) -> str:
    """How many items a list has: 0 is "none"."""
    number = len(value) if isinstance(value, list) else value
    if not isinstance(number, int) or isinstance(number, bool):
        return generic(value, lang)
    return WORDS[lang]["none"] if number == 0 else plain_number(number, lang)


def _names(value: Any, lang: str) -> str:
    if not value:
        return WORDS[lang]["none"]
    items = [str(item) for item in value]
    return ("; " if any("," in item for item in items) else ", ").join(items)  # Dutch decimals: 0,22; 0,18


def _phases(value: Any, lang: str) -> str:
    if not isinstance(value, list) or not value:
        return generic(value, lang)
    w = WORDS[lang]
    numbers = [str(p) for p in value]
    joined = numbers[0] if len(numbers) == 1 else f"{', '.join(numbers[:-1])} {w['and']} {numbers[-1]}"
    return (w["phase"] if len(numbers) == 1 else w["phases"]).format(n=joined)


def _count_or_none(template: str, none: str) -> Any:
    def show(value: Any, lang: str) -> str:
        if isinstance(value, int | float) and not isinstance(value, bool):
            if value == 0:
                return WORDS[lang][none]
            if template == "places" and value == 1:
                return WORDS[lang]["place"]
            return WORDS[lang][template].format(n=plain_number(value, lang))
        return generic(value, lang)
    return show


def _rate_or_none(value: Any, lang: str) -> str:
    """A yearly number or rate where 0 means there is none (a target, urgent-care arrivals)."""
    parsed = _quantity(value) if isinstance(value, str) else None
    if value == 0 or (parsed is not None and parsed[1] == 0):
        return WORDS[lang]["none"]
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f"{plain_number(value, lang)} {WORDS[lang]['per']} {_PERIOD_WORDS[lang]['year'][0]}"
    return generic(value, lang)


def _extra(value: Any, lang: str) -> str:
    if not isinstance(value, int | float) or isinstance(value, bool):
        return generic(value, lang)
    return WORDS[lang]["none"] if value == 0 else WORDS[lang]["extra"].format(n=share(value, lang))


def _after(value: Any, lang: str) -> str:
    if value is None:
        return WORDS[lang]["no_follow_up"]
    return f"{WORDS[lang]['after']} {generic(value, lang)}"


def _choice(value: Any, lang: str) -> str:
    return CHOICES[lang].get(value, str(value)) if isinstance(value, str) else generic(value, lang)


def _handler(value: Any, lang: str) -> str:
    if not isinstance(value, str):
        return generic(value, lang)
    return HANDLERS[lang].get(value, f"team ‘{value}’")


def _group(value: Any, lang: str) -> str:
    match = re.fullmatch(r"group(\d+)", str(value))
    return WORDS[lang]["group"].format(n=match[1]) if match else f"‘{value}’"


_MONTHS = {
    "en": ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December"),
    "nl": ("januari", "februari", "maart", "april", "mei", "juni", "juli", "augustus", "september", "oktober",
           "november", "december"),
}


def _date(value: Any, lang: str) -> str:
    """2016-01-01 → 1 January 2016 (1 januari 2016); 01-01 (a day of every year) → 1 January."""
    match = re.fullmatch(r"(?:(\d{4})-)?(\d{2})-(\d{2})", str(value))
    if not match or not 1 <= int(match[2]) <= 12:
        return generic(value, lang)
    day = f"{int(match[3])} {_MONTHS[lang][int(match[2]) - 1]}"
    return f"{day} {match[1]}" if match[1] else day


def _offered(value: Any, lang: str) -> str:
    return WORDS[lang]["offered" if value else "not_offered"] if isinstance(value, bool) else generic(value, lang)


def _times(value: Any, lang: str) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return WORDS[lang]["times"].format(n=plain_number(value, lang))
    return generic(value, lang)


def generic(value: Any, lang: str) -> str:
    """Any value read by its type: yes/no, none, a number, a quantity with its unit, a list, or text."""
    if isinstance(value, str):
        return quantity(value, lang) or CHOICES[lang].get(value, value)
    if isinstance(value, list):
        return _names([generic(item, lang) for item in value], lang)
    if isinstance(value, dict):
        return "; ".join(f"{key}: {generic(item, lang)}" for key, item in value.items()) or WORDS[lang]["none"]
    return _scalar(value, lang)


def _scalar(value: Any, lang: str) -> str:
    """None, a yes/no or a number."""
    w = WORDS[lang]
    if value is None or isinstance(value, bool):
        return w["none" if value is None else "yes" if value else "no"]
    if isinstance(value, int | float) and math.isfinite(value):
        return plain_number(value, lang)
    return str(value)


def _framed(word: str) -> Any:
    """A distribution's field: "2 months on average", "from 4 months", "up to 9 months"."""
    def show(value: Any, lang: str) -> str:
        return WORDS[lang][word].format(v=generic(value, lang))
    return show


#: How each kind of value is said. The phrase table names a kind per key.
KINDS = {
    "generic": generic, "count": _count, "every": every, "after": _after, "share": share, "choice": _choice, "handler": _handler,
    "names": _names, "phases": _phases, "date": _date, "group": _group, "offered": _offered, "times": _times, "extra": _extra,
    "places": _count_or_none("places", "no_places"), "fte": _count_or_none("fte", "none"),
    "clients": _count_or_none("clients", "none"), "per_year": _rate_or_none,
    "on_average": _framed("on_average"), "from": _framed("from"), "to": _framed("to"),
}


def say(value: Any, kind: str, lang: str) -> str:
    """``value`` in words of ``kind``; a value the scenario does not have is a dash."""
    if value is ABSENT:
        return "—"
    return KINDS[kind](value, lang)
