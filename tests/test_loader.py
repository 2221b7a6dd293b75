"""Scenario loading: extends + deep merge, --set, and errors that name file, key and line.

Uses a toy pydantic model (the real schema lives elsewhere) shaped like the real
one: extra keys forbidden, no defaults.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, model_validator

from simulation.errors import ScenarioError
from simulation.scenario import yamlfile
from simulation.scenario.loader import (
    OVERRIDE_FILE,
    RawScenario,
    canonical_json,
    load_raw,
    load_scenario_file,
    parse_override,
    scenario_hash,
    validate,
)
from simulation.scenario.yamlio import display_path, load_yaml

FIX = Path(__file__).parent / "loader_fixtures"


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Arm(Strict):
    probability: float = Field(ge=0, le=1)
    label: str


class Policy(Strict):
    waiting_weeks: int
    phase_to_group: dict[int, str]


class Toy(Strict):
    name: str
    seed: int
    policy: Policy
    arms: dict[str, Arm]
    horizons: list[int]


def fx(name: str) -> str:
    """Display name of a fixture, as it appears in error messages."""
    return display_path(FIX / name)


def line_of(name: str, text: str, occurrence: int = 1) -> int:
    """1-based line of the n-th line of a fixture containing ``text``."""
    hits = [i for i, line in enumerate((FIX / name).read_text().splitlines(), 1) if text in line]
    return hits[occurrence - 1]


def error_of(path: Path | str, overrides: tuple[str, ...] = ()) -> ScenarioError:
    with pytest.raises(ScenarioError) as info:
        load_scenario_file(path, Toy, overrides)
    return info.value


# ------------------------------------------------------------------ yamlio


def test_load_yaml_records_lines_at_every_depth() -> None:
    data, lines = load_yaml(FIX / "base.yaml")
    assert data["policy"]["phase_to_group"] == {1: "intake", 2: "coaching"}  # int keys kept
    assert lines[("name",)] == line_of("base.yaml", "name:")
    assert lines[("policy", "waiting_weeks")] == line_of("base.yaml", "waiting_weeks")
    assert lines[("policy", "phase_to_group", 2)] == line_of("base.yaml", "2: coaching")
    assert lines[("arms", "treat", "probability")] == line_of("base.yaml", "probability", 2)
    assert lines[("horizons", 1)] == line_of("base.yaml", "horizons")


def test_yaml_aliases_do_not_share_objects(tmp_path: Path) -> None:
    (tmp_path / "a.yaml").write_text("x: &m {k: 1}\ny: *m\nz:\n  <<: *m\n  j: 2\n")
    data, lines = load_yaml(tmp_path / "a.yaml")
    assert data == {"x": {"k": 1}, "y": {"k": 1}, "z": {"k": 1, "j": 2}}
    assert data["x"] is not data["y"]
    assert lines[("z", "j")] == 5 and lines[("z", "k")] == 1


def test_duplicate_key_names_both_lines() -> None:
    err = error_of(FIX / "duplicate.yaml")
    first = line_of("duplicate.yaml", "waiting_weeks", 1)
    second = line_of("duplicate.yaml", "waiting_weeks", 2)
    assert err.file == fx("duplicate.yaml")
    assert err.key == "policy.waiting_weeks"
    assert err.line == second
    assert f"duplicate key 'waiting_weeks' (first at line {first})" in str(err)


def test_malformed_yaml_names_line() -> None:
    err = error_of(FIX / "malformed.yaml")
    assert err.file == fx("malformed.yaml")
    assert err.line == line_of("malformed.yaml", "phase_to_group")
    assert err.message.startswith("invalid YAML: ")
    assert "expected <block end>" in err.message


@pytest.mark.parametrize(
    ("content", "line"),
    [
        (b"a: 1\nb:\n\tc: 2\n", 3),  # tab indentation
        (b"a: 1\n---\nb: 2\n", 2),  # two documents
        (b"a: 1\nb: \x07\n", 2),  # control character
        (b"a: 1\nb: \xff\n", 2),  # not UTF-8
        (b"a: 1\nb: [1, {c: 2, c: 3}]\n", 2),  # duplicate inside a list item
    ],
)
def test_bad_yaml_always_a_scenario_error_with_line(tmp_path: Path, content: bytes, line: int) -> None:
    (tmp_path / "s.yaml").write_bytes(content)
    err = error_of(tmp_path / "s.yaml")
    assert err.line == line and err.file == display_path(tmp_path / "s.yaml")


def test_empty_file() -> None:
    err = error_of(FIX / "empty.yaml")
    assert err.file == fx("empty.yaml") and "empty" in err.message


def test_top_level_list() -> None:
    err = error_of(FIX / "toplist.yaml")
    assert "top level must be a mapping" in err.message and "list" in err.message


def test_missing_file_and_directory(tmp_path: Path) -> None:
    err = error_of(tmp_path / "nope.yaml")
    assert err.message == "file not found" and err.file == display_path(tmp_path / "nope.yaml")
    assert "directory" in error_of(tmp_path).message


def test_unreadable_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "secret.yaml"
    path.write_text("a: 1\n")

    def deny(name: str) -> int:
        raise PermissionError(13, "Permission denied", name)

    monkeypatch.setattr(yamlfile, "_open_for_reading", deny)  # works even when tests run as root
    err = error_of(path)
    assert err.message == "cannot read file: Permission denied"


def test_a_file_larger_than_the_cap_is_refused_unparsed(tmp_path: Path) -> None:
    """Reading stops at the cap: a file of the cap's size loads, one byte more is refused unparsed."""
    path = tmp_path / "big.yaml"
    path.write_bytes(b"a: 1\n#" + b"x" * (yamlfile.MAX_BYTES - 7) + b"\n")
    assert path.stat().st_size == yamlfile.MAX_BYTES
    assert load_yaml(path)[0] == {"a": 1}
    path.write_bytes(path.read_bytes() + b"\n")
    err = error_of(path)
    assert err.message.startswith("larger than 1 MiB") and err.line is None


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("a: &x [1, 2]\nb: [" + ", ".join(["*x"] * 3000) + "]\n", 3000 * [[1, 2]]),  # 9,000 copies: within budget
        ("a: " + "[" * 31 + "]" * 31 + "\n", None),  # 32 levels with the top mapping: allowed
        ("a: " + "9" * 4300 + "\n", int("9" * 4300)),  # as many digits as Python prints
        ("a: {1: x, 2: y}\nb:\n  <<: {1: z, 3: w}\n  1: v\n", None),  # a written key wins over a merged one
    ],
    ids=["aliases-within-budget", "depth-at-limit", "4300-digits", "merge-same-key"],
)
def test_limits_leave_room_for_what_a_scenario_may_write(tmp_path: Path, text: str, value: object) -> None:
    """The loader's limits refuse hostile files, not reasonable ones: just inside each limit loads."""
    (tmp_path / "s.yaml").write_text(text)
    data, _ = load_yaml(tmp_path / "s.yaml")
    if value is not None:
        assert data[list(data)[-1]] == value


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        ("a: &x [1, 2, 3]\nb: [" + ", ".join(["*x"] * 2501) + "]\n", 2, "YAML aliases repeat more than 10,000"),
        ("a: " + "[" * 32 + "]" * 32 + "\n", 1, "nested deeper than 32 levels"),
        ("a: " + "9" * 4301 + "\n", 1, "a whole number with more than 4,300 digits"),
        ("a: {1: x, 2: y}\nb:\n  <<: {'1': z}\n  1: v\n", 3, "duplicate key '1' (first at line 4 as 1"),
        ("a:\n  1.0: x\n  1: y\n", 3, "duplicate key '1' (first at line 2 as 1.0"),
        ("a:\n  ' 01': x\n  1: y\n", 3, "duplicate key '1' (first at line 2 as ' 01'"),
        ("a: !!binary aGk=\n", 1, "YAML tag '!!binary' is not allowed"),
    ],
    ids=["aliases-over-budget", "depth-over-limit", "4301-digits", "merged-key-of-another-type", "float-key",
         "padded-text-key", "binary-tag"],
)
def test_limits_refuse_just_past_them(tmp_path: Path, text: str, line: int, message: str) -> None:
    (tmp_path / "s.yaml").write_text(text)
    err = error_of(tmp_path / "s.yaml")
    assert err.line == line and message in err.message, err


def test_error_text_escapes_control_characters() -> None:
    """Whatever part of a message quotes the user, the printed line holds no raw control character."""
    err = ScenarioError("unknown value '\x1b[2J'\nnext", file="a\u202eb.yaml", key="k\x07", line=3, hint="\r")
    assert str(err) == "a\\u202eb.yaml:3: key 'k\\x07': unknown value '\\x1b[2J'\\nnext (\\r)"
    assert str(ScenarioError("café: €5 — ok")) == "<input>: café: €5 — ok"  # printable text stays as written


# ------------------------------------------------------------------ extends


def test_extends_deep_merges_and_keeps_siblings() -> None:
    raw = load_raw(FIX / "child.yaml")
    assert "extends" not in raw.data
    assert raw.data["name"] == "child"
    assert raw.data["policy"] == {"waiting_weeks": 8, "phase_to_group": {1: "intake", 2: "coaching"}}
    assert raw.chain == [fx("base.yaml"), fx("child.yaml")]
    assert raw.sources[("policy", "waiting_weeks")] == (fx("child.yaml"), 4)
    assert raw.sources[("policy", "phase_to_group", 1)] == (
        fx("base.yaml"),
        line_of("base.yaml", "1: intake"),
    )


def test_list_replaced_not_merged() -> None:
    raw = load_raw(FIX / "child.yaml")
    assert raw.data["horizons"] == [104]
    # the base's item lines are gone; the child's list owns the subtree
    assert raw.sources[("horizons", 0)] == (fx("child.yaml"), line_of("child.yaml", "horizons"))
    assert ("horizons", 2) not in raw.sources


def test_multi_level_extends_relative_to_each_file() -> None:
    model, raw = load_scenario_file(FIX / "sub" / "grandchild.yaml", Toy)
    assert raw.chain == [fx("base.yaml"), fx("child.yaml"), fx("sub/grandchild.yaml")]
    assert raw.provenance == " > ".join(raw.chain)
    assert model.arms["treat"].probability == 0.75
    assert model.arms["treat"].label == "treatment arm"
    assert model.policy.waiting_weeks == 8
    assert model.horizons == [104]


def test_extends_list_applied_in_order() -> None:
    raw = load_raw(FIX / "multi.yaml")
    assert raw.chain == [fx("base.yaml"), fx("extra.yaml"), fx("multi.yaml")]
    assert raw.data["seed"] == 99
    assert raw.data["policy"]["phase_to_group"] == {1: "intake", 2: "coaching", 3: "placement"}
    assert raw.sources[("seed",)][0] == fx("extra.yaml")
    validate(raw, Toy)


def test_extends_cycle_names_both_files() -> None:
    err = error_of(FIX / "cycle_a.yaml")
    assert "extends cycle" in err.message
    assert "cycle_a.yaml > " in err.message and "cycle_b.yaml > " in err.message
    assert err.message.endswith("cycle_a.yaml")
    assert err.file == fx("cycle_b.yaml")
    assert err.key == "extends"
    assert err.line == line_of("cycle_b.yaml", "extends")


def test_missing_parent_names_child_and_path() -> None:
    err = error_of(FIX / "missing_parent.yaml")
    assert err.file == fx("missing_parent.yaml")
    assert err.line == line_of("missing_parent.yaml", "extends:")
    assert fx("nowhere.yaml") in err.message


# ------------------------------------------------------------------ --set


@pytest.mark.parametrize(
    ("text", "segments", "value"),
    [
        ("seed=3", ["seed"], 3),
        ("a.b=6 months", ["a", "b"], "6 months"),
        ('a.b="6 months"', ["a", "b"], "6 months"),
        ("a.b=[1, 2]", ["a", "b"], [1, 2]),
        ("a.b=0.5", ["a", "b"], 0.5),
        ("a.b=x=y", ["a", "b"], "x=y"),
    ],
)
def test_parse_override(text: str, segments: list[str], value: object) -> None:
    assert parse_override(text) == (segments, value)


def test_overrides_applied_with_types_and_sources() -> None:
    raw = load_raw(
        FIX / "child.yaml",
        ["seed=7", "name=six months later", "horizons=[1, 2]", "arms.treat.probability=0.1",
         "policy.phase_to_group.2=placement", "policy.phase_to_group.9=exit"],
    )
    assert raw.data["seed"] == 7
    assert raw.data["name"] == "six months later"
    assert raw.data["horizons"] == [1, 2]
    assert raw.data["arms"]["treat"] == {"probability": 0.1, "label": "treatment arm"}
    assert raw.data["policy"]["phase_to_group"] == {1: "intake", 2: "placement", 9: "exit"}
    assert raw.sources[("arms", "treat", "probability")] == (OVERRIDE_FILE, None)
    assert raw.sources[("policy", "phase_to_group", 9)] == (OVERRIDE_FILE, None)
    assert ("horizons", 0) not in raw.sources
    assert raw.chain[-1] == OVERRIDE_FILE == "<overrides>"
    validate(raw, Toy)


def test_override_creates_missing_parent_then_schema_rejects_it() -> None:
    err = error_of(FIX / "child.yaml", ("polcy.waiting_weeks=3",))
    assert err.argument == "overrides" and err.file is None and err.line is None
    assert err.key == "polcy" and err.message == "unknown key"
    assert err.hint == "did you mean 'policy'?"


@pytest.mark.parametrize("text", ["seed", "=3", ".seed=3", "a..b=1"])
def test_malformed_override(text: str) -> None:
    err = error_of(FIX / "child.yaml", (text,))
    assert err.argument == "overrides" and err.file is None and "malformed override" in err.message


def test_override_below_scalar_is_an_error() -> None:
    err = error_of(FIX / "child.yaml", ("seed.x=1",))
    assert err.argument == "overrides" and err.file is None and err.key == "seed.x"


# ------------------------------------------------------------------ validation


def test_unknown_key_did_you_mean() -> None:
    err = error_of(FIX / "typo.yaml")
    assert err.message == "unknown key"
    assert err.hint == "did you mean 'waiting_weeks'?"
    assert err.key == "policy.waitng_weeks"
    assert err.file == fx("typo.yaml")
    assert err.line == line_of("typo.yaml", "waitng_weeks")
    assert str(err) == (
        f"{fx('typo.yaml')}:3: key 'policy.waitng_weeks': unknown key (did you mean 'waiting_weeks'?)"
    )


def test_unknown_key_inside_dict_of_models() -> None:
    err = error_of(FIX / "child.yaml", ("arms.treat.probabilty=0.3",))
    assert err.key == "arms.treat.probabilty" and err.hint == "did you mean 'probability'?"


def test_wrong_type_names_line() -> None:
    err = error_of(FIX / "wrong_type.yaml")
    assert err.key == "seed"
    assert err.file == fx("wrong_type.yaml")
    assert err.line == line_of("wrong_type.yaml", "seed:")
    assert "valid integer" in err.message and "'twelve'" in err.message


def test_constraint_violation_names_line() -> None:
    err = error_of(FIX / "bad_probability.yaml")
    assert err.key == "arms.treat.probability"
    assert err.line == line_of("bad_probability.yaml", "probability")
    assert "less than or equal to 1" in err.message and "1.5" in err.message


def test_missing_key_message_and_more_problems() -> None:
    err = error_of(FIX / "no_base.yaml")
    assert err.key == "policy.waiting_weeks"
    assert err.file == fx("no_base.yaml")
    assert err.line == line_of("no_base.yaml", "policy:")  # the parent's line
    assert err.message.startswith(
        "missing key 'waiting_weeks' (every key must be set; scenarios/base.yaml defines them all)"
    )
    assert err.message.endswith(" (and 1 more problem; fix this one first)")


def test_missing_top_level_key_points_at_leaf_file(tmp_path: Path) -> None:
    (tmp_path / "s.yaml").write_text("name: x\nseed: 1\npolicy: {waiting_weeks: 1, phase_to_group: {}}\narms: {}\n")
    err = error_of(tmp_path / "s.yaml")
    assert err.key == "horizons" and err.line is None
    assert err.file == display_path(tmp_path / "s.yaml")
    assert "more problem" not in err.message


def test_value_from_set_reported_as_set() -> None:
    """The library names the ``overrides`` argument; the command line shows it as --set."""
    err = error_of(FIX / "child.yaml", ("arms.control.probability=2",))
    assert err.argument == "overrides" and err.file is None and err.line is None
    assert err.key == "arms.control.probability"
    assert str(err).startswith("argument 'overrides': key 'arms.control.probability': ")


def test_context_passed_to_model() -> None:
    seen: list[object] = []

    class WithContext(Toy):
        @model_validator(mode="after")
        def _grab(self, info: ValidationInfo) -> WithContext:
            seen.append(info.context)
            return self

    validate(load_raw(FIX / "child.yaml"), WithContext, context={"k": 1})
    assert seen == [{"k": 1}]


# ------------------------------------------------------------------ hashing


def test_canonical_hash_stable_under_key_order() -> None:
    a = {"b": 1, "a": {"y": [1, 2], "x": {2: "two", 1: "one"}}}
    b = {"a": {"x": {1: "one", 2: "two"}, "y": [1, 2]}, "b": 1}
    assert canonical_json(a) == canonical_json(b)
    assert scenario_hash(a) == scenario_hash(b)
    assert len(scenario_hash(a)) == 16
    changed = {"a": {"x": {1: "one", 2: "two"}, "y": [1, 3]}, "b": 1}
    assert scenario_hash(changed) != scenario_hash(a)


def test_hash_of_file_and_reordered_copy_agree(tmp_path: Path) -> None:
    lines = (FIX / "base.yaml").read_text().splitlines(keepends=True)
    (tmp_path / "base.yaml").write_text("".join(lines[0:1] + lines[15:] + lines[1:15]))
    original = load_raw(FIX / "base.yaml")
    reordered = load_raw(tmp_path / "base.yaml")
    assert list(original.data) != list(reordered.data)
    assert scenario_hash(original.data) == scenario_hash(reordered.data)
    assert scenario_hash(load_raw(FIX / "base.yaml", ["seed=2"]).data) != scenario_hash(original.data)


def test_raw_scenario_is_plain_dataclass() -> None:
    raw = RawScenario(data={"a": 1})
    assert raw.sources == {} and raw.chain == []
