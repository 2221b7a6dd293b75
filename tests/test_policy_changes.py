"""Dated policy changes (``policy_changes``): a change names only what changes, the run is the
same as without it until the date, and from the date on everyone on benefit follows the new
policy (groups, handlers, obligations and their threat)."""

from __future__ import annotations

import copy
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import load_small

from simulation import load_scenario
from simulation.model.world import World
from simulation.scenario.loader import expand_policy_changes, load_raw, locate
from simulation.scenario.yamlio import display_path

REPO = Path(__file__).resolve().parent.parent
BASE = REPO / "scenarios" / "base.yaml"
BAD = Path(__file__).resolve().parent / "bad_scenarios"
ARMS = ("exemption", "intensive", "earnings")
CHANGE_DATE = "2016-07-01"  # half-way through base's warm-up year; the small run lasts 2 years + follow-up


def with_change(policy: str, when: str = CHANGE_DATE, extra: list[str] | None = None):
    """The small base with one dated change, written as ``--set`` of a YAML flow mapping."""
    return load_small(BASE, [f"policy_changes=[{{from: {when}, policy: {policy}}}]", *(extra or [])], stock=800)


def run(scenario, event_log: bool = True) -> tuple[World, dict[str, pd.DataFrame]]:
    world = World(scenario.model, seed=7, event_log=event_log)
    return world, world.run()


@pytest.mark.parametrize("arm", ARMS)
def test_experiment_arms_end_in_the_controls_policy(arm: str) -> None:
    """After December 2019 each Tilburg arm is back under the control's policy, key for key:
    this fails when tilburg.yaml (or base.yaml) changes and an arm's revert is not updated."""
    after = load_scenario(REPO / "scenarios" / f"tilburg_experiment_{arm}.yaml").model.policy_changes
    control = load_scenario(REPO / "scenarios" / "tilburg_experiment_control.yaml").model.policy
    assert [str(change.from_date) for change in after] == ["2020-01-01"]
    assert after[0].policy.model_dump(exclude={"name"}) == control.model_dump(exclude={"name"})


def test_a_change_keeps_what_it_does_not_name_and_changes_accumulate() -> None:
    scenario = load_scenario(BASE, [
        "policy_changes=[{from: 2016-07-01, policy: {groups: {group3: {handler: klantmanager}}}},"
        " {from: 2017-01-01, policy: {groups: {group1: {review_interval: 6 months}}}}]"])
    policy, first, second = scenario.model.policy, *(c.policy for c in scenario.model.policy_changes)
    assert first.groups["group3"].handler == "klantmanager" and policy.groups["group3"].handler == "none"
    assert first.groups["group3"].obligations == policy.groups["group3"].obligations
    assert first.groups["group1"] == policy.groups["group1"]
    assert second.groups["group3"].handler == "klantmanager"  # the first change still holds
    assert second.groups["group1"].review_interval == pytest.approx(365.25 / 2)


def test_expansion_is_idempotent() -> None:
    """A results folder keeps the expanded data; expanding it again must change nothing."""
    raw = load_raw(REPO / "scenarios" / "tilburg_experiment_intensive.yaml")
    data, sources = copy.deepcopy(raw.data), dict(raw.sources)
    expand_policy_changes(raw)
    assert raw.data == data and raw.sources == sources


def test_an_inherited_key_keeps_its_file_and_line() -> None:
    path = BAD / "policy_change_inherited_bad.yaml"
    raw = load_raw(path)
    copied = ("policy_changes", 0, "policy", "groups", "group2", "handler")
    assert locate(raw, copied) == (display_path(path), 8)
    named = ("policy_changes", 0, "policy", "groups", "group3", "handler")
    assert locate(raw, named) == (display_path(path), 13)
    untouched = ("policy_changes", 0, "policy", "uptake", "obligatory_refusal")
    assert locate(raw, untouched)[0] == display_path(BASE)


def test_each_of_many_changes_keeps_its_own_lines_and_inherits_the_one_before(tmp_path: Path) -> None:
    """Changes are expanded in one pass over the sources: with 400 of them, every change still
    reports its own key at its own line and takes over what the change before it set."""
    lines = [f"extends: {BASE}", "policy_changes:"]
    for i in range(400):
        months = 3 + i % 9
        lines += [f"  - from: {date(2017, 1, 1) + timedelta(days=i)}", "    policy:",
                  "      groups:", f"        group{1 + i % 2}:", f'          review_interval: "{months} months"']
    path = tmp_path / "many.yaml"
    path.write_text("\n".join(lines) + "\n")
    raw = load_raw(path)
    for i in (0, 1, 250, 399):
        group = f"group{1 + i % 2}"
        own = ("policy_changes", i, "policy", "groups", group, "review_interval")
        assert locate(raw, own) == (display_path(path), 7 + 5 * i)
        assert raw.data["policy_changes"][i]["policy"]["groups"][group]["review_interval"] == f"{3 + i % 9} months"
        if i:
            other = f"group{2 - i % 2}"  # set by the change before, at that change's line
            inherited = ("policy_changes", i, "policy", "groups", other, "review_interval")
            assert locate(raw, inherited) == (display_path(path), 7 + 5 * (i - 1))
            assert raw.data["policy_changes"][i]["policy"]["groups"][other]["review_interval"] == f"{3 + (i - 1) % 9} months"


def test_a_change_cannot_add_a_group() -> None:
    from simulation import ScenarioError

    with pytest.raises(ScenarioError, match="cannot add a group") as info:
        load_scenario(BASE, ["policy_changes=[{from: 2016-07-01, policy: {groups: {group4: {handler: none}}}}]"])
    assert info.value.key == "policy_changes.0.policy.groups.group4"
    assert info.value.argument == "overrides" and info.value.file is None


def test_run_is_identical_until_the_change_and_follows_it_after() -> None:
    """Same seed, same clients: every event before the date is the same with or without the
    change; after it group 3 (handler none → klantmanager every month) is seen far more."""
    changed = with_change("{groups: {group3: {handler: klantmanager, contact_interval: {dist: exponential, mean: 1 month}}}}",
                          extra=["klantmanagers.count=20"])
    plain = load_small(BASE, ["klantmanagers.count=20"], stock=800)
    world, tables = run(changed)
    _, reference = run(plain)
    when = world.day_of(changed.model.policy_changes[0].from_date)
    before = tables["events"][tables["events"]["time"] < when].reset_index(drop=True)
    reference_before = reference["events"][reference["events"]["time"] < when].reset_index(drop=True)
    pd.testing.assert_frame_equal(before, reference_before)
    months_before = tables["monthly"]["month"] < "2016-07"
    # a column of an event only the changed policy has after the date is 0 before it; the rest are equal
    mine, theirs = tables["monthly"][months_before], reference["monthly"][months_before]
    extra = [c for c in mine.columns if c not in theirs.columns]
    assert not [c for c in theirs.columns if c not in mine.columns]
    assert (mine[extra] == 0).all().all(), extra
    pd.testing.assert_frame_equal(mine[list(theirs.columns)], theirs, check_dtype=False)
    after = ~months_before
    contacts, reference_contacts = (t["monthly"].loc[after, "contacts_group3"].sum() for t in (tables, reference))
    # group 3 is ~55% of 800 clients; monthly contact gives ≈ 4,000 a year against a yearly review's ≈ 450
    assert contacts > 4 * reference_contacts
    assert world.policy.spec is changed.model.policy_changes[0].policy


def test_regrouping_keeps_group_counts_and_threat_in_step() -> None:
    """Phase 3 moves from group 2 to group 3 and every obligation is waived: the monthly group
    counts still add up to the stock, group 2 empties at once, and the threat follows."""
    scenario = with_change("{phase_to_group: {1: group1, 2: group1, 3: group3, 4: group3, 5: group3}, groups: {"
                           + ", ".join(f"group{i}: {{obligations: {{job_search: waive, tegenprestatie: waive}}}}"
                                       for i in (1, 2, 3)) + "}}")
    world, tables = run(scenario, event_log=False)
    monthly = tables["monthly"]
    groups = monthly[[c for c in monthly.columns if c.startswith("group_")]].sum(axis=1)
    assert (groups == monthly["stock"]).all()
    after = monthly["month"] >= "2016-07"
    assert (monthly.loc[after, "group_group2"] == 0).all()
    assert (monthly.loc[~after, "group_group2"] > 0).all()
    waive = scenario.model.sanctions.threat.waive
    assert all(effect == waive for effect in world.threat.values())
    sanctions = tables["sanctions"]["time"].to_numpy()
    assert np.all(sanctions < world.day_of(scenario.model.policy_changes[0].from_date))  # nothing enforced after


def test_what_differs_lists_changed_keys_of_a_policy_change_not_the_whole_list() -> None:
    """The report's "what differs" table flattens ``policy_changes`` by index: the arms' dated
    change shows as its own keys (the date kept as text), not one cell of JSON."""
    from simulation.results.collection import flatten

    control, intensive = (flatten(load_raw(REPO / "scenarios" / f"tilburg_experiment_{name}.yaml").data)
                          for name in ("control", "intensive"))
    differs = {key for key in set(control) | set(intensive) if control.get(key) != intensive.get(key)}
    assert "policy_changes.0.from" in differs and intensive["policy_changes.0.from"] == "2020-01-01"
    assert "policy_changes.0.policy.groups.group3.handler" in differs
    assert all(len(value) < 200 for value in intensive.values())
