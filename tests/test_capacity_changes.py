"""Dated changes of capacity and budgets (``capacity_changes``): checked names, keys and dates;
more places serve those waiting at once in the line's order, fewer send nobody away; a budget's
new amount moves this year's money pro rata and the next replenishment; staff cost follows the
staff in force; scaling and transplants convert the changes as the capacities they replace."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest
from conftest import SCENARIO_DIR, assert_tables_equal, load_small

from simulation import ScenarioError, load_scenario
from simulation.model.resources import waiting_cases
from simulation.model.services import ServiceDesk
from simulation.model.staff import Staff
from simulation.model.trajectories import Programme
from simulation.model.world import World
from simulation.outcomes.headline import activation_cost, staff_cost_per_day
from simulation.outcomes.survival import window_of
from simulation.scenario import transplant
from simulation.scenario.scaling import load_scaled
from simulation.scenario.yamlio import display_path

BASE = SCENARIO_DIR / "base.yaml"
START = dt.date(2016, 1, 1)  # base's clock start; the run ends 4 years on (horizon 2 + follow-up 2)
STOCK = 800


def day(date: str) -> float:
    return float((dt.date.fromisoformat(date) - START).days)


def changed(change: str, extra: list[str] | None = None):
    """The small base with ``extra`` overrides and one dated change (a YAML flow mapping)."""
    return load_small(BASE, [*(extra or []), f"capacity_changes=[{change}]"], stock=STOCK)


def run(scenario, seed: int = 7, event_log: bool = False) -> tuple[World, dict[str, pd.DataFrame]]:
    world = World(scenario.model, seed=seed, event_log=event_log)
    return world, world.run()


def write(tmp_path: Path, text: str, name: str = "changes.yaml") -> Path:
    path = tmp_path / name
    path.write_text(f"extends: {BASE}\n{text}")
    return path


# --- validation --------------------------------------------------------------------------------


@pytest.mark.parametrize(("entry", "line", "key", "message"), [
    ("services:\n      wijkteem: {slots: 5}", 5, "capacity_changes.0.services.wijkteem", "unknown service 'wijkteem'"),
    ("trajectories:\n      coachng: {slots: 5}", 5, "capacity_changes.0.trajectories.coachng", "unknown trajectory"),
    ("budgets:\n      wmoo: {annual_amount: €1 per year}", 5, "capacity_changes.0.budgets.wmoo", "unknown budget"),
    ("services:\n      wijkteam:\n        slot: 5", 6, "capacity_changes.0.services.wijkteam.slot", "unknown key"),
    ("klantmanagers:\n      cases: 5", 5, "capacity_changes.0.klantmanagers.cases", "unknown key"),
    ("klantmanagers:\n      count: -1", 5, "capacity_changes.0.klantmanagers.count", "whole number ≥ 0"),
])
def test_a_bad_name_or_key_names_file_key_and_line(tmp_path: Path, entry: str, line: int, key: str, message: str) -> None:
    path = write(tmp_path, f"capacity_changes:\n  - from: 2016-07-01\n    {entry}\n")
    with pytest.raises(ScenarioError, match=message) as info:
        load_scenario(path)
    assert (info.value.file, info.value.key, info.value.line) == (display_path(path), key, line)


@pytest.mark.parametrize("date", ["2015-12-31", "2016-01-01", "2020-01-01", "2024-05-01"])
def test_a_date_outside_the_run_is_refused(tmp_path: Path, date: str) -> None:
    """The run is 2016-01-01 up to 2020-01-01 (horizon and follow-up): a change must fall inside."""
    path = write(tmp_path, f"capacity_changes:\n  - from: {date}\n    klantmanagers: {{count: 5}}\n")
    with pytest.raises(ScenarioError, match="outside the run") as info:
        load_scenario(path)
    assert (info.value.key, info.value.line) == ("capacity_changes.0.from", 3)


def test_the_last_day_of_the_run_is_inside(tmp_path: Path) -> None:
    path = write(tmp_path, "capacity_changes:\n  - from: 2019-12-31\n    klantmanagers: {count: 5}\n")
    assert load_scenario(path).model.capacity_changes[0].klantmanagers.count == 5


def test_changes_in_date_order_and_each_names_something() -> None:
    with pytest.raises(ScenarioError, match="later than the change before it") as info:
        load_scenario(BASE, ["capacity_changes=[{from: 2017-01-01, klantmanagers: {count: 5}},"
                             " {from: 2016-06-01, klantmanagers: {count: 6}}]"])
    assert info.value.key == "capacity_changes.1.from" and info.value.argument == "overrides"
    with pytest.raises(ScenarioError, match="names nothing to change") as info:
        load_scenario(BASE, ["capacity_changes=[{from: 2017-01-01}]"])
    assert info.value.key == "capacity_changes.0"


def test_ring_fenced_places_must_still_fit_after_a_cut() -> None:
    with pytest.raises(ScenarioError, match="ring_fenced reserves more places") as info:
        load_scenario(BASE, ["klantmanagers.ring_fenced={group2: 600}",
                             "capacity_changes=[{from: 2017-01-01, klantmanagers: {caseload: 10}}]"])
    assert info.value.key == "capacity_changes.0.klantmanagers"


def test_set_reaches_into_a_listed_change(tmp_path: Path) -> None:
    """``--set capacity_changes.0....`` changes one key of one change, as for policy_changes."""
    path = write(tmp_path, "capacity_changes:\n  - from: 2016-07-01\n    trajectories: {coaching: {slots: 40}}\n"
                           "    budgets: {wmo: {annual_amount: '€700,000 per year'}}\n")
    scenario = load_scenario(path, ["capacity_changes.0.trajectories.coaching.slots=9"])
    change = scenario.model.capacity_changes[0]
    assert change.trajectories["coaching"].slots == 9
    assert change.budgets["wmo"].annual_amount * 365.25 == pytest.approx(700_000)
    with pytest.raises(ScenarioError, match="not an index"):
        load_scenario(path, ["capacity_changes.1.trajectories.coaching.slots=9"])


# --- what happens at the date ------------------------------------------------------------------


def test_a_team_given_slots_serves_nobody_before_and_those_waiting_in_order_at_the_date(monkeypatch) -> None:
    """Wijkteam without slots until 2017-01-01, then 3: nobody (urgent care neither) is served
    before; at the date exactly the first 3 of those waiting (priority, then who asked first)."""
    when, slots = day("2017-01-01"), 3
    seen: dict[str, list] = {}
    resize = ServiceDesk.resize

    def spy(desk: ServiceDesk, n: int) -> None:
        if desk.name == "wijkteam":
            waiting = waiting_cases(desk.world.clients, desk)
            seen["waiting"] = sorted((desk.priority[c.client.group], c.requested, c.client.id) for c in waiting)
            seen["now"] = [desk.world.env.now]
        resize(desk, n)

    monkeypatch.setattr(ServiceDesk, "resize", spy)
    _, tables = run(changed(f"{{from: 2017-01-01, services: {{wijkteam: {{slots: {slots}}}}}}}", ["services.wijkteam.slots=0"]))
    team = tables["waits"][tables["waits"]["resource"] == "wijkteam"]
    assert seen["now"] == [when]
    assert len(seen["waiting"]) > slots  # a year of referrals waits: which 3 go first matters
    assert not (team["started"] < when).any()
    first = team[team["started"] == when]
    assert sorted(first["client"]) == sorted(client for _, _, client in seen["waiting"][:slots])
    assert (team.loc[team["client"] == -1, "started"] > when).any()  # urgent care starts after the date
    monthly = tables["monthly"]
    assert (monthly.loc[monthly["time"] <= when, "wijkteam_capacity"] == 0).all()
    assert (monthly.loc[monthly["time"] > when, "wijkteam_capacity"] == slots).all()


def test_a_trajectory_given_places_starts_those_waiting_at_the_date(monkeypatch) -> None:
    """Coaching without places until 2017-01-01, then 4: nobody starts before; at the date the 4
    who asked first (its queue is first come, first served) start."""
    when, slots = day("2017-01-01"), 4
    seen: dict[str, list] = {}
    resize = Programme.resize

    def spy(programme: Programme, n: int) -> None:
        waiting = waiting_cases(programme.world.clients, programme)
        seen["waiting"] = sorted((e.requested, e.client.id) for e in waiting)
        resize(programme, n)

    monkeypatch.setattr(Programme, "resize", spy)
    _, tables = run(changed(f"{{from: 2017-01-01, trajectories: {{coaching: {{slots: {slots}}}}}}}",
                            ["trajectories.coaching.slots=0"]))
    coaching = tables["waits"][tables["waits"]["resource"] == "coaching"]
    assert len(seen["waiting"]) > slots
    assert not (coaching["started"] < when).any()
    first = coaching[coaching["started"] == when]
    assert sorted(first["client"]) == sorted(client for _, client in seen["waiting"][:slots])


def test_more_klantmanagers_take_from_the_line_at_once_in_its_order(monkeypatch) -> None:
    """Caseloads from 150 to 170 (2 klantmanagers) in mid-2016: the 40 new places go at the date to
    the first 40 in line (group priority, then who asked first); the line is longer than that."""
    when = day("2016-07-01")
    seen: dict[str, list] = {}
    resize = Staff.resize

    def spy(staff: Staff, count: int | None, caseload: int | None) -> None:
        pool = staff.shared_pool
        assert pool is not None
        seen["line"] = sorted((entry[0], entry[1], entry[2], entry[3].id) for entry in pool.line if entry[3] is not None)
        resize(staff, count, caseload)

    monkeypatch.setattr(Staff, "resize", spy)
    _, tables = run(changed("{from: 2016-07-01, klantmanagers: {caseload: 170}}"))
    waits = tables["waits"]
    granted = waits[(waits["resource"] == "klantmanager") & (waits["started"] == when)]
    assert len(seen["line"]) > 40
    assert sorted(granted["client"]) == sorted(client for *_, client in seen["line"][:40])


def test_urgent_care_follows_its_new_rate() -> None:
    """The wijkteam's urgent care (50 a year) stops on 1 July 2016: none arrives after the date
    (the arrival drawn under the old rate is void)."""
    _, tables = run(changed("{from: 2016-07-01, services: {wijkteam: {urgent_care: {arrivals: 0 per year}}}}",
                            ["services.wijkteam.urgent_care.arrivals=50 per year"]))
    urgent = tables["waits"][(tables["waits"]["resource"] == "wijkteam") & (tables["waits"]["client"] == -1)]
    assert (urgent["requested"] < day("2016-07-01")).sum() > 5
    assert not (urgent["requested"] >= day("2016-07-01")).any()


def test_fewer_klantmanagers_keep_every_caseload_and_admit_nobody_until_below(monkeypatch) -> None:
    """From 2 klantmanagers (300 places, all taken) to 1 (150) in mid-2016: at the date every
    holder keeps its place; after it nobody gets a place while the caseloads are over 150 (so the
    number held only falls), and no caseload review lets a place go while it would let nobody in."""
    when = day("2016-07-01")
    at_date: dict[str, object] = {}
    grants: list[tuple[float, int, int]] = []
    reviews: list[tuple[int, int, bool]] = []
    resize, granted, review = Staff.resize, Staff._granted, Staff.caseload_review

    def spy_resize(staff: Staff, count: int | None, caseload: int | None) -> None:
        pool = staff.shared_pool
        assert pool is not None
        before = (set(staff.holding), pool.count)
        resize(staff, count, caseload)
        at_date.update(before=before, after=(set(staff.holding), pool.count), capacity=pool.capacity)

    def spy_granted(staff: Staff, client) -> None:
        granted(staff, client)
        pool = staff.holding[client]
        grants.append((staff.world.env.now, pool.count, pool.capacity))

    def spy_review(staff: Staff, client, now: float) -> bool:
        pool = staff.holding[client]
        count, capacity = pool.count, pool.capacity
        result = review(staff, client, now)
        reviews.append((count, capacity, staff.holding.get(client) is not pool))
        return result

    monkeypatch.setattr(Staff, "resize", spy_resize)
    monkeypatch.setattr(Staff, "_granted", spy_granted)
    monkeypatch.setattr(Staff, "caseload_review", spy_review)
    _, tables = run(changed("{from: 2016-07-01, klantmanagers: {count: 1}}"))
    assert at_date["capacity"] == 150
    assert at_date["before"] == at_date["after"] and at_date["before"][1] > 150  # the caseloads were over 150
    assert all(count <= capacity for t, count, capacity in grants if t >= when)
    assert any(t >= when for t, _, _ in grants)  # ... and once below, places are given again
    assert all(not released for count, capacity, released in reviews if count > capacity)
    assert any(count > capacity for count, capacity, _ in reviews)  # reviews did fall while over
    busy = tables["monthly"].set_index("time")["klantmanager_busy"]
    over = busy[(busy.index > when) & (busy > 150)]
    assert over.is_monotonic_decreasing and len(over) >= 2


@pytest.mark.parametrize("new", [480_000.0, 0.0])
def test_a_budget_change_moves_this_years_money_pro_rata_and_the_next_replenishment(new: float) -> None:
    """Reintegration €240,000 a year (the small base), changed on 1 July 2016: this year's level
    moves by (new − old) × 184/366 (2016 is a leap year), never below 0, and on 1 January 2017
    the budget is renewed at the new amount (no carry-over in base)."""
    scenario = changed(f"{{from: 2016-07-01, budgets: {{reintegration: {{annual_amount: €{new:.0f} per year}}}}}}")
    _, tables = run(scenario)
    rows = tables["budget"][tables["budget"]["budget"] == "reintegration"].reset_index(drop=True)
    at = rows.index[rows["kind"] == "change"]
    assert len(at) == 1 and rows.loc[at[0], "time"] == day("2016-07-01")
    before = rows.loc[at[0] - 1, "level_after"]
    expected = max(0.0, before + (new - 240_000.0) * 184 / 366)
    assert rows.loc[at[0], "level_after"] == pytest.approx(expected, rel=1e-12)
    assert rows.loc[at[0], "amount"] == pytest.approx(expected - before, abs=1e-6)
    renewed = rows[(rows["kind"] == "replenish") & (rows["time"] == day("2017-01-01"))]
    assert renewed["level_after"].tolist() == [pytest.approx(new)]


def test_more_money_serves_grants_waiting_for_it_at_once() -> None:
    """A reintegration budget of €2,000 a year leaves grants waiting; raised to €240,000 on
    1 July 2016, the waiting grants are committed at the date, right after the change."""
    scenario = changed("{from: 2016-07-01, budgets: {reintegration: {annual_amount: €240000 per year}}}",
                       ["budgets.reintegration.annual_amount=€2000 per year"])
    _, tables = run(scenario)
    rows = tables["budget"][tables["budget"]["budget"] == "reintegration"].reset_index(drop=True)
    change = rows.index[rows["kind"] == "change"][0]
    at_date = rows[rows["time"] == day("2016-07-01")]
    assert at_date.index[0] == change and (at_date["kind"].iloc[1:] == "commit").sum() >= 5
    earlier = rows[rows["time"] < day("2016-07-01")]
    assert earlier.loc[earlier["kind"] == "commit", "amount"].sum() <= 2000.0


def test_a_change_to_the_values_in_force_changes_nothing() -> None:
    """Resizing to the same places is no event: every table is the same as without the change."""
    plain = load_small(BASE, stock=STOCK)
    model = plain.model
    km, team = model.klantmanagers, model.services["wijkteam"]
    same = changed(f"{{from: 2016-07-01, klantmanagers: {{count: {km.count}, caseload: {km.caseload}}}, services: "
                   f"{{wijkteam: {{slots: {team.slots}, staff: {team.staff}}}}}, "
                   f"trajectories: {{coaching: {{slots: {model.trajectories['coaching'].slots}}}}}}}")
    assert_tables_equal(run(plain, event_log=True)[1], run(same, event_log=True)[1])


# --- cost, scaling, transplants ----------------------------------------------------------------


def test_staff_cost_follows_the_staff_in_force() -> None:
    """Wijkteam staff 2.4 → 10 on 1 April 2017 (in base's observation year 2017): the run is the
    same (staff cost money, slots serve), and the activation cost grows by 7.6 × €65,000 a year
    for the part of the window after the date."""
    from simulation.model.run import run as simulate

    plain = load_small(BASE, stock=STOCK)
    more = changed("{from: 2017-04-01, services: {wijkteam: {staff: 10}}}")
    old_staff = plain.model.services["wijkteam"].staff
    results = [simulate(s, seed=5, event_log=False) for s in (plain, more)]
    assert_tables_equal(results[0].tables, results[1].tables)
    window = window_of(results[0])
    extra = activation_cost(results[1], window) - activation_cost(results[0], window)
    assert extra == pytest.approx((10 - old_staff) * 65_000 / 365.25 * (window.end - day("2017-04-01")), rel=1e-9)
    steps = staff_cost_per_day(changed("{from: 2016-07-01, klantmanagers: {count: 5}}").model)
    km = plain.model.klantmanagers
    assert steps[1][0] == day("2016-07-01")
    assert steps[1][1] - steps[0][1] == pytest.approx((5 - km.count) * km.cost_per_year)


CHANGE = ("capacity_changes:\n  - from: 2016-07-01\n    klantmanagers: {count: 40, caseload: 120}\n"
          "    services: {wijkteam: {slots: 120, staff: 45, urgent_care: {arrivals: 300 per year}}}\n"
          "    trajectories: {coaching: {slots: 60}}\n    budgets: {wmo: {annual_amount: '€900,000 per year'}}\n")


def _values(change) -> tuple:
    team = change.services["wijkteam"]
    return (change.klantmanagers.count, change.klantmanagers.caseload, team.slots, team.staff,
            team.urgent_care.arrivals * 365.25, change.trajectories["coaching"].slots,
            change.budgets["wmo"].annual_amount * 365.25)


def test_load_scaled_scales_the_changes_like_the_capacities(tmp_path: Path) -> None:
    """To 1,000 clients (×0.1): counts, places, staff, urgent care and money scale; a caseload
    (clients per klantmanager) does not, nor does the date."""
    scaled = load_scaled(write(tmp_path, CHANGE), 1000).model
    change = scaled.capacity_changes[0]
    assert change.from_date == dt.date(2016, 7, 1)
    assert _values(change) == pytest.approx((4, 120, 12, 4.5, 30, 6, 90_000))
    assert scaled.klantmanagers.count == 3 and scaled.klantmanagers.caseload == 150


def test_a_transplant_carries_the_changes_at_the_same_intensity(tmp_path: Path) -> None:
    """A donor of 5,000 clients with the change, moved to base's 10,000: every changed capacity ×2."""
    donor = load_scenario(write(tmp_path, CHANGE + "population: {initial_stock: 5000}\n"))
    moved = transplant(load_scenario(BASE), donor)
    change = moved.model.capacity_changes[0]
    assert change.from_date == dt.date(2016, 7, 1)
    assert _values(change) == pytest.approx((80, 120, 240, 90, 600, 120, 1_800_000))
    keys = {item["key"] for item in moved.raw.policy_from["conversions"]}
    assert "capacity_changes.0.services.wijkteam.slots" in keys


def test_what_differs_names_a_capacity_change() -> None:
    from simulation.present.report_differs import key_words

    assert key_words("capacity_changes.0.services.wijkteam.slots", "en").startswith("Capacity change 1: Wijkteam")
    assert key_words("capacity_changes.1.from", "nl") == "Capaciteitswijziging 2: vanaf"
