"""The JSON Schema of scenario files (``meedoen schema``), checked with the ``jsonschema`` library.

Every shipped scenario fits its variant (a file that stands alone: every key; one that ``extends``
or takes ``policy_from`` another: every key optional), files the loader refuses for a wrong type,
an unknown key, a negative count, a missing unit and so on are refused by the schema too, and
forms the loader reads leniently (``enabled: yes``, a distribution changed by one parameter in a
child file) are accepted. The unit patterns are checked against the loader's own parsers.
Targets files (``scenarios/targets/``) have a format of their own and are not scenario files.
"""

from __future__ import annotations

import copy
import json
import re
import string
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml
from conftest import SCENARIO_DIR, TEST_SCENARIO_DIR
from hypothesis import example, given, settings
from hypothesis import strategies as st

from simulation.cli.main import main
from simulation.errors import ScenarioError
from simulation.present.editor_schema import scenario_json_schema
from simulation.present.editor_types import (
    BY_VALIDATOR,
    DURATION_PATTERN,
    MONEY_PATTERN,
    MONEY_PER_PERIOD_PATTERN,
    RATE_PATTERN,
)
from simulation.scenario import load_scenario, units
from simulation.scenario.schema import Scenario
from simulation.scenario.yamlio import load_yaml

BASE = SCENARIO_DIR / "base.yaml"
TILBURG = SCENARIO_DIR / "tilburg.yaml"
SCENARIO_FILES = sorted(SCENARIO_DIR.glob("*.yaml")) + sorted(TEST_SCENARIO_DIR.glob("*.yaml"))


@pytest.fixture(scope="module")
def validators() -> dict[bool, jsonschema.Draft202012Validator]:
    """The two variants (key: extends), built once, with base.yaml's notes as ``meedoen schema`` adds them."""
    return {extends: jsonschema.Draft202012Validator(scenario_json_schema(extends, BASE)) for extends in (False, True)}


def as_editor_sees(data: Any) -> Any:
    """A file's data as JSON, which is what a schema validates: dates as their text, keys as text."""
    return json.loads(json.dumps(data, default=str))


def extends_another(data: dict[str, Any]) -> bool:
    return "extends" in data or "policy_from" in data


def problems(validator: jsonschema.Draft202012Validator, data: Any) -> list[str]:
    return [f"{'.'.join(map(str, e.absolute_path)) or '(top)'}: {e.message[:200]}" for e in validator.iter_errors(data)]


def test_every_scenario_fits_its_variant(validators: dict[bool, jsonschema.Draft202012Validator]) -> None:
    """Shipped scenarios and the tests' own: base.yaml against the full variant, every file that
    extends another against the --extends variant; such a file misses keys for the full one."""
    assert len(SCENARIO_FILES) > 20
    for path in SCENARIO_FILES:
        data = as_editor_sees(load_yaml(path)[0])
        assert not problems(validators[extends_another(data)], data), (path.name, problems(validators[True], data))
    tilburg = as_editor_sees(load_yaml(TILBURG)[0])
    assert any("'clock' is a required property" in p for p in problems(validators[False], tilburg))


def test_both_variants_are_valid_schemas_for_draft_07_and_2020_12(validators: dict[bool, Any]) -> None:
    """Editors validate with draft-07 rules: the schema must be one for both drafts."""
    for validator in validators.values():
        jsonschema.Draft202012Validator.check_schema(validator.schema)
        jsonschema.Draft7Validator.check_schema(validator.schema)


def _set(data: dict[str, Any], dotted: str, value: Any) -> dict[str, Any]:
    """A deep copy of ``data`` with the key at ``dotted`` set (``None``: removed); missing mappings are made."""
    data = copy.deepcopy(data)
    *parents, last = dotted.split(".")
    node = data
    for key in parents:
        node = node.setdefault(int(key) if key.isdigit() else key, {})  # YAML's 2017: is a number
    if value is None:
        del node[last]
    else:
        node[last] = value
    return data


#: key → a value the loader refuses, in a file that stands alone and in one that extends base.yaml.
REFUSED = {
    "wrong type": ("population.initial_stock", "many"),
    "unknown key": ("klantmanagers.casload", 300),
    "negative count": ("klantmanagers.count", -3),
    "fractional count": ("services.wijkteam.slots", 2.5),
    "probability above 1": ("population.share_male", 1.2),
    "duration without a unit": ("clock.warmup", 12),
    "unknown time unit": ("clock.warmup", "12 mnths"),
    "money without a currency": ("klantmanagers.cost_per_year", "60000 per year"),
    "money per period without the period": ("klantmanagers.cost_per_year", "€60000"),
    "rate with a comma as decimal point": ("inflow.applications", "1447,5 per year"),
    "unknown distribution": ("population.age", {"dist": "gausian", "mean": 41, "sd": 11}),
    "distribution missing a parameter": ("population.age", {"dist": "gamma", "shape": 2}),
    "distribution with a parameter of another family": ("population.age", {"dist": "normal", "mean": 41, "shape": 2}),
    "duration distribution without a unit": ("population.initial_duration", {"dist": "exponential", "mean": 6}),
    "word for a number": ("sanctions.detection_probability", "half"),
    "unknown obligation mode": ("policy.groups.group1.obligations.job_search", "demand"),
    "list for a mapping": ("clock", ["2016-01-01"]),
    "empty extends": ("extends", ""),
}


def _refused_by_loader(data: dict[str, Any], folder: Path) -> bool:
    path = folder / "scenario.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    try:
        load_scenario(path)
    except ScenarioError:
        return True
    return False


@pytest.mark.parametrize("case", list(REFUSED))
def test_what_the_loader_refuses_the_schema_refuses(case: str, tmp_path: Path,
                                                    validators: dict[bool, jsonschema.Draft202012Validator]) -> None:
    """Each bad value in base.yaml (the full variant) and in a file extending base.yaml (the other)."""
    key, value = REFUSED[case]
    (tmp_path / "base.yaml").write_bytes(BASE.read_bytes())
    for extends, data in ((False, load_yaml(BASE)[0]), (True, {"extends": "base.yaml", "name": "child"})):
        bad = _set(data, key, value)
        assert _refused_by_loader(bad, tmp_path), f"{case}: the loader took it (extends={extends})"
        assert problems(validators[extends], as_editor_sees(bad)), f"{case}: the schema took it (extends={extends})"


def test_a_missing_key_is_refused_only_where_nothing_is_inherited(validators: dict[bool, Any]) -> None:
    base = load_yaml(BASE)[0]
    for key in ("clock", "population.age", "policy.groups.group1.handler"):
        assert problems(validators[False], as_editor_sees(_set(base, key, None))), key
    child = {"extends": "base.yaml", "policy": {"groups": {"group1": {"contact_interval": {"mean": "2 months"}}}}}
    assert not problems(validators[True], child)


def _leaves(data: Any, path: tuple[Any, ...] = ()) -> list[tuple[tuple[Any, ...], Any]]:
    """Every value base.yaml sets where ``extends`` merges (mappings; a list or a distribution is one value)."""
    if not isinstance(data, dict) or "dist" in data:
        return [(path, data)]
    return [leaf for key, value in data.items() for leaf in _leaves(value, (*path, key))]


def test_a_file_extending_base_may_set_any_one_value_alone(validators: dict[bool, Any]) -> None:
    """Each of base.yaml's values, set alone in a file that extends it, fits the --extends variant: no
    key is required at any depth where the loader merges (sections, catalogue entries, year tables)."""
    leaves = _leaves(load_yaml(BASE)[0])
    assert len(leaves) > 500
    for path, value in leaves:
        child: dict[Any, Any] = {"extends": "base.yaml"}
        node = child
        for key in path[:-1]:
            node = node.setdefault(key, {})
        node[path[-1]] = value
        assert not problems(validators[True], as_editor_sees(child)), (path, problems(validators[True], child))


#: key → a value the loader takes although a strict reading would not, in a file extending base.yaml.
TAKEN = {
    "yes for true (YAML 1.1, a string to a YAML 1.2 editor)": ("inflow.work_first.enabled", "yes"),
    "off for false": ("population.past_contacts", "off"),
    "a number as text": ("assessment.noise_persistence", "0.8"),
    "a whole number as text": ("jobs.types.stable.ladder_rung", "6"),
    "a date and midnight": ("clock.start", "2016-01-01T00:00:00"),
    "a unit in capitals, no space": ("clock.warmup", "12MONTHS"),
    "Dutch units": ("clock.follow_up", "2 jaar"),
    "thousands separators and euro after": ("klantmanagers.cost_per_year", "60,000.50 EUR / 1 jaar"),
    "a distribution changed by one parameter": ("population.age", {"sd": 12}),
    "one norm of a year's table": ("benefits.monthly_norm.2017.single", "€1,000 per month"),
    "from_date for from": ("policy_changes", [{"from_date": "2016-06-01", "policy": {"groups": {"group3": {
        "handler": "none"}}}}]),
    "extends as a list": ("extends", ["base.yaml"]),
}


@pytest.mark.parametrize("case", list(TAKEN))
def test_what_the_loader_takes_the_schema_takes(case: str, tmp_path: Path,
                                                validators: dict[bool, jsonschema.Draft202012Validator]) -> None:
    key, value = TAKEN[case]
    (tmp_path / "base.yaml").write_bytes(BASE.read_bytes())
    data = _set({"extends": "base.yaml", "name": "child"}, key, value)
    assert not _refused_by_loader(data, tmp_path), f"{case}: the loader refused it"
    assert not problems(validators[True], as_editor_sees(data)), problems(validators[True], as_editor_sees(data))


def test_every_unit_and_distribution_type_has_its_fragment() -> None:
    """A new unit type in scenario/units.py must get a fragment (else pydantic's plain input type, too loose)."""
    found: list[Any] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "function-plain":
                found.append(node["function"]["function"])
            for key, value in node.items():
                if key != "serialization":  # how a value is written back, not read
                    walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(Scenario.__pydantic_core_schema__)
    assert found and all(function in BY_VALIDATOR for function in found), [f for f in found if f not in BY_VALIDATOR]


def test_descriptions_carry_the_schema_text_the_unit_and_base_yaml(validators: dict[bool, Any]) -> None:
    population = validators[False].schema["properties"]["population"]["properties"]
    text = population["leavers_history"]["description"]
    assert "recent leavers" in text and "'6 months'" in text and 'base.yaml: "10 years" — recent leavers' in text
    assert population["share_male"]["description"].endswith('base.yaml: 0.52 — seed 000: "a small majority male"')


# --- the unit patterns against the loader's parsers ------------------------------------------------

PATTERNS = {"duration": (DURATION_PATTERN, units.parse_duration), "rate": (RATE_PATTERN, units.parse_rate),
            "money": (MONEY_PATTERN, units.parse_money), "money per period": (MONEY_PER_PERIOD_PATTERN, units.parse_money)}
WORDS = ["day", "Days", "d", "dagen", "WEEK", "w", "weken", "month", "maand", "maanden", "years", "y", "yr", "jaar",
         "jaren", "mnd", "hours", "per", "/", "€", "EUR", "euros", "Euro", "per year", "/month", "per 2 years", ""]
#: Text near the grammar: numbers in several spellings, words and units in any order (ASCII digits:
#: a pattern's \d is [0-9] to an editor, while Python's parsers also read other scripts' digits).
NEAR = st.lists(st.one_of(st.sampled_from(WORDS), st.from_regex(r"\A[-+]?[0-9.,]{1,9}\Z"), st.sampled_from([" ", ""])),
                max_size=6).map("".join)
#: What a value in a YAML file can hold: no line breaks or tabs inside it (the parsers' ``.`` stops at a
#: line break where a pattern's ``\s`` does not), and the euro sign.
PRINTABLE = "".join(c for c in string.printable if c not in "\t\n\r\x0b\x0c") + "€"


def _parses(parse: Any, text: str, name: str) -> bool:
    try:
        value = parse(text)
    except units.UnitError:
        return False
    if name.startswith("money"):  # one-off money and money per period are two types, with a pattern each
        return value.is_one_off == (name == "money")
    return True


@pytest.mark.parametrize("name", list(PATTERNS))
@settings(max_examples=200)
@given(text=NEAR)
@example(text="0/0day")  # a period of zero days: the loader refuses it, and the pattern did not (found by Hypothesis)
def test_a_pattern_matches_what_the_loader_parses(name: str, text: str) -> None:
    pattern, parse = PATTERNS[name]
    assert bool(re.search(pattern, text)) == _parses(parse, text, name), text


@pytest.mark.parametrize("name", list(PATTERNS))
@settings(max_examples=100)
@given(data=st.data())
def test_what_a_pattern_matches_the_loader_parses(name: str, data: st.DataObject) -> None:
    pattern, parse = PATTERNS[name]
    text = data.draw(st.from_regex(pattern, alphabet=PRINTABLE))
    try:
        parse(text)
    except units.UnitError as error:
        assert "too large" in str(error) or "longer than zero" in str(error), (text, str(error))


# --- the command ------------------------------------------------------------------------------------


def test_schema_command_prints_or_writes_and_keeps_an_existing_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                                                    ) -> None:
    assert main(["schema", "--extends"]) == 0
    printed = json.loads(capsys.readouterr().out)
    assert printed["$schema"] == "https://json-schema.org/draft/2020-12/schema" and "required" not in printed
    target = tmp_path / "scenario.schema.json"
    assert main(["schema", "--out", str(target)]) == 0
    written = json.loads(target.read_text(encoding="utf-8"))
    assert "clock" in written["required"] and "base.yaml: 2016-01-01" in json.dumps(written, ensure_ascii=False)
    capsys.readouterr()
    before = target.read_bytes()
    for argv, words in ((["schema", "--out", str(target)], "already exists"),
                        (["schema", "--out", str(tmp_path / "schema.yaml")], "must end in .json"),
                        (["schema", "--out", str(tmp_path / "no" / "schema.json")], "does not exist")):
        assert main(argv) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and words in err, err
    assert target.read_bytes() == before and sorted(p.name for p in tmp_path.iterdir()) == ["scenario.schema.json"]
    assert main(["schema", "--extends", "--out", str(target), "--overwrite"]) == 0
    assert "required" not in json.loads(target.read_text(encoding="utf-8"))
