"""The report's "what differs": every scenario setting that differs, in plain words with units.

Rows come from :meth:`Results.differences` (the keys whose values differ in the resolved scenario
files); each key is read as a subject and a setting by the phrase tables of ``report_keys`` and
its values are said by ``report_values`` from the resolved data itself, so ``null`` becomes
"never" or "none" as the setting means. A value that cannot matter is marked: the settings of a
team with no places, referrals to such a team, a trajectory that is not offered.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from simulation.present.report_keys import (
    ATTRIBUTES,
    BUDGET_NAMES,
    DIST_FIELDS,
    ENTITIES,
    NAMES,
    SECTIONS,
    TEAM_NAMES,
    WORDS_NL,
)
from simulation.present.report_values import ABSENT, WORDS, say
from simulation.results.collection import Results

#: Labels, not settings: the scenario's name is the column, its description is shown above the table.
SKIPPED = {"name", "description", "description_nl", "policy.name"}

NOTES = {
    "en": {"team": "no effect: team ‘{0}’ has no places", "referral": "never served: team ‘{0}’ has no places",
           "not_offered": "no effect: the trajectory is not offered", "no_places": "no effect: the trajectory has no places"},
    "nl": {"team": "geen effect: team ‘{0}’ heeft geen plaatsen", "referral": "nooit geholpen: team ‘{0}’ heeft geen plaatsen",
           "not_offered": "geen effect: het traject wordt niet aangeboden",
           "no_places": "geen effect: het traject heeft geen plaatsen"},
}
_SUBJECTS = {
    "en": {"group": "Group {0}", "named_group": "Group ‘{0}’", "team": "Team ‘{0}’", "trajectory": "Trajectory ‘{0}’",
           "budget": "Budget ‘{0}’", "change": "Policy change {0}", "capacity_change": "Capacity change {0}"},
    "nl": {"group": "Groep {0}", "named_group": "Groep ‘{0}’", "team": "Team ‘{0}’", "trajectory": "Traject ‘{0}’",
           "budget": "Budget ‘{0}’", "change": "Beleidswijziging {0}", "capacity_change": "Capaciteitswijziging {0}"},
}


@dataclass
class Cell:
    text: str
    note: str = ""  # why this value cannot matter, or ""


@dataclass
class DifferenceRow:
    subject: str  # "Group 3 (phases 4 and 5)", "Wijkteam", "Inflow"
    setting: str  # "reviewed by social services"
    cells: list[Cell] = field(default_factory=list)  # one per scenario, in the order of the labels


def descriptions(results: Results, lang: str) -> list[tuple[str, str]]:
    """Each scenario's description in the report's language; a Dutch report leaves out what has no Dutch one."""
    key = "description_nl" if lang == "nl" else "description"
    shown = [(s["label"], s.get("resolved", {}).get(key)) for s in results.scenarios]
    return [(label, text) for label, text in shown if text]


def difference_rows(results: Results, lang: str) -> list[DifferenceRow]:
    """One row per differing setting, grouped by subject, the place (population, inflow) first."""
    resolved = [s.get("resolved", {}) for s in results.scenarios]
    phases = _phases_of_groups(resolved)
    keyed = []
    keys = [key for key in results.differences()["key"] if key not in SKIPPED and not key.endswith(".policy.name")]
    for key in keys:
        parts = key.split(".")
        subject, setting, kind, position = _describe(parts, lang, phases)
        cells = [_cell(parts, data, kind, lang) for data in resolved]
        keyed.append(((_section_rank(parts[0]), subject, position), DifferenceRow(subject, setting, cells)))
    first: dict[str, tuple[int, int]] = {}  # subjects in the order their first key comes, within their section
    for (rank, subject, _), _row in keyed:
        first.setdefault(subject, (rank, len(first)))
    keyed.sort(key=lambda item: (*first[item[0][1]], item[0][2]))
    return [row for _, row in keyed]


def _section_rank(section: str) -> int:
    order = list(SECTIONS)
    return order.index(section) if section in order else len(order)


def _cell(parts: list[str], data: dict[str, Any], kind: str, lang: str) -> Cell:
    value = lookup(data, parts)
    if value is ABSENT:
        return Cell("—")
    return Cell(say(value, kind, lang), _note(parts, data, lang))


def lookup(data: Any, parts: list[str]) -> Any:
    """The value at a dotted key in resolved scenario data (list items by index), or ABSENT."""
    for part in parts:
        if isinstance(data, dict) and part in data:
            data = data[part]
        elif isinstance(data, list) and part.isdigit() and int(part) < len(data):
            data = data[int(part)]
        else:
            return ABSENT
    return data


# --- subject and setting --------------------------------------------------------------------------


Described = tuple[str, str, str, int]  # subject, setting, kind of value, position of the setting in its table


def key_words(key: str, lang: str) -> str:
    """A dotted scenario key in plain words: "services.wijkteam.slots" → "Wijkteam: places"."""
    subject, setting, _, _ = _describe(key.split("."), lang, {})
    return f"{subject}: {setting}" if setting else subject


def _describe(parts: list[str], lang: str, phases: dict[str, Any]) -> Described:
    """Subject, setting and kind of value of a key; a policy change is its number and the policy key's."""
    if parts[0] in ("policy_changes", "capacity_changes") and len(parts) > 2 and parts[1].isdigit():
        return _policy_change(parts, lang, phases)
    if parts[0] == "policy" and parts[1:2] != ["groups"] and len(parts) > 1:
        return _in_section("policy", parts[1:], lang)
    for prefix, entity in ENTITIES.items():
        n = len(prefix)
        if tuple(parts[:n]) == prefix and len(parts) > n + 1:
            return (_entity_subject(entity, parts[n], lang, phases), *_setting(entity, parts[n + 1:], lang))
    return _in_section(parts[0], parts[1:], lang)


def _policy_change(parts: list[str], lang: str, phases: dict[str, Any]) -> Described:
    """``policy_changes.0.policy.groups.group1.handler``: "Policy change 1: Group 1", then the policy key's
    setting; ``capacity_changes.0.services.wijkteam.slots``: "Capacity change 1: Wijkteam", then the team's."""
    change = _SUBJECTS[lang]["change" if parts[0] == "policy_changes" else "capacity_change"].format(int(parts[1]) + 1)
    rest = parts[2:]
    if rest == ["from"]:
        return change, ("from" if lang == "en" else "vanaf"), "date", -1
    subject, setting, kind, position = _describe(rest, lang, phases)
    return f"{change}: {subject}", setting, kind, position


def _in_section(section: str, rest: list[str], lang: str) -> Described:
    subject = SECTIONS[section][lang == "nl"] if section in SECTIONS else _words([section], lang).capitalize()
    if not rest:  # the whole section is the value (an empty list of policy changes)
        en, nl, kind = ATTRIBUTES.get(section, {}).get("", ("", "", "generic"))
        return subject, nl if lang == "nl" else en, kind, 0
    return (subject, *_setting(section, rest, lang))


def _setting(table: str, rest: list[str], lang: str) -> tuple[str, str, int]:
    """The phrase of a setting inside its subject, the kind of its value, and its place in the table."""
    entries = ATTRIBUTES.get(table, {})
    found = _match(entries, rest)
    if found is not None:
        (en, nl, kind), names, position = found
        return (nl if lang == "nl" else en).format(*(_name(n, lang) for n in names)), kind, position
    if rest[-1] in DIST_FIELDS and len(rest) > 1:
        field_of = _distribution_field(entries, rest, lang)
        if field_of is not None:
            return field_of
    return _words(rest, lang), "generic", len(entries)


def _distribution_field(entries: dict[str, tuple[str, str, str]], rest: list[str], lang: str) -> tuple[str, str, int] | None:
    """One field of a distribution (``service_time.mean``): its phrase, qualified, and the field's form of value."""
    found = _match(entries, rest[:-1])
    if found is None or found[0][2] != "dist":
        return None
    (en, nl, _), names, position = found
    qualifier_en, qualifier_nl, form = DIST_FIELDS[rest[-1]]
    phrase = (nl if lang == "nl" else en).format(*(_name(n, lang) for n in names))
    kind = form or ("choice" if rest[-1] == "dist" else "generic")
    return phrase + (qualifier_nl if lang == "nl" else qualifier_en), kind, position


def _match(table: dict[str, tuple[str, str, str]], rest: list[str]) -> tuple[tuple[str, str, str], list[str], int] | None:
    """The entry whose pattern matches ``rest`` (``*`` matches one name), the names it matched, its position."""
    for position, (pattern, entry) in enumerate(table.items()):
        pieces = pattern.split(".")
        if len(pieces) == len(rest) and all(p in ("*", r) for p, r in zip(pieces, rest, strict=True)):
            return entry, [r for p, r in zip(pieces, rest, strict=True) if p == "*"], position
    return None


def _name(name: str, lang: str) -> str:
    """A name standing for ``*``: in words if it has some, "group 3" for group3, a number as it is."""
    if name in NAMES:
        return NAMES[name][lang == "nl"]
    if re.fullmatch(r"group\d+", name):
        return WORDS[lang]["group"].format(n=name.removeprefix("group"))
    return name if name.isdigit() else f"‘{name}’"


def _entity_subject(entity: str, name: str, lang: str, phases: dict[str, Any]) -> str:
    subjects = _SUBJECTS[lang]
    if entity == "group":
        number = re.fullmatch(r"group(\d+)", name)
        text = subjects["group"].format(number[1]) if number else subjects["named_group"].format(name)
        return text + (f" ({say(phases[name], 'phases', lang)})" if name in phases else "")
    if entity == "team" and name in TEAM_NAMES:
        return TEAM_NAMES[name][lang == "nl"]
    if entity == "budget" and name in BUDGET_NAMES:
        return BUDGET_NAMES[name][lang == "nl"]
    return subjects[entity].format(name)


def _words(parts: list[str], lang: str) -> str:
    """A key path the tables do not know, as words: ``detection_probability`` → "detection probability"."""
    words = " ".join(parts).replace("_", " ").split()
    if lang == "nl":
        words = [WORDS_NL.get(word, word) for word in words]
    return " ".join(words)


def _phases_of_groups(resolved: list[dict[str, Any]]) -> dict[str, Any]:
    """Per group, the phases that lead to it, where every scenario that has the group agrees."""
    seen: dict[str, set[tuple[int, ...]]] = {}
    for data in resolved:
        table = data.get("policy", {}).get("phase_to_group", {})
        groups: dict[str, list[int]] = {}
        for phase, group in table.items():
            groups.setdefault(group, []).append(int(phase))
        for group, numbers in groups.items():
            seen.setdefault(group, set()).add(tuple(sorted(numbers)))
    return {group: list(next(iter(found))) for group, found in seen.items() if len(found) == 1}


# --- values that cannot matter ------------------------------------------------------------------


def _note(parts: list[str], data: dict[str, Any], lang: str) -> str:
    """Why this scenario's value cannot change anything, or "" (a policy change's key as its policy's)."""
    if parts[0] == "policy_changes" and len(parts) > 3 and parts[2] == "policy":
        parts = parts[2:]
    for rule in (_team_without_places, _referral_to_team_without_places, _trajectory_not_used):
        note = rule(parts, data)
        if note:
            key, name = note
            return NOTES[lang][key].format(name)
    return ""


_TEAM_COSTS = ("slots", "staff", "cost_per_year_per_staff")  # a team with no places still costs its staff


def _team_without_places(parts: list[str], data: dict[str, Any]) -> tuple[str, str] | None:
    if parts[0] == "services" and len(parts) > 2 and parts[2] not in _TEAM_COSTS:
        if lookup(data, ["services", parts[1], "slots"]) == 0:
            return "team", parts[1]
    return None


def _referral_to_team_without_places(parts: list[str], data: dict[str, Any]) -> tuple[str, str] | None:
    if parts[:2] == ["policy", "groups"] and len(parts) > 5 and parts[3] == "service_referrals":
        if lookup(data, ["services", parts[4], "slots"]) == 0:
            return "referral", parts[4]
    return None


def _trajectory_not_used(parts: list[str], data: dict[str, Any]) -> tuple[str, str] | None:
    if parts[0] != "trajectories" or len(parts) < 3:
        return None
    if parts[2] != "enabled" and lookup(data, ["trajectories", parts[1], "enabled"]) is False:
        return "not_offered", parts[1]
    if parts[2] not in ("slots", "enabled") and lookup(data, ["trajectories", parts[1], "slots"]) == 0:
        return "no_places", parts[1]
    return None
