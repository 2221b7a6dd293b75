"""The model's own scheduling and bookkeeping parts, against what they stand in for.

Issue 13 replaced SimPy Timeouts, Containers and PriorityResources on the hot path with plain
calls and lines (``later.call_later``, ``budgets.BudgetLine``, ``resources.SlotPool``) and drops
people the run is done with (``World.finish``). Each must behave as what it replaced: the same
order of events, first come first served, and the same clients table as keeping everyone.
"""

from __future__ import annotations

import pytest
import simpy
from conftest import SCENARIO_DIR, assert_tables_equal, load_small

from simulation.model.later import call_later
from simulation.model.world import World

SEED = 11


def test_call_later_keeps_simpy_order_among_timeouts() -> None:
    """Calls and Timeouts due at the same time run in the order they were scheduled, as
    Timeouts among themselves do; earlier times first; SimPy's event counter counts calls."""
    env = simpy.Environment()
    order: list[str] = []
    call_later(env, 1.0, order.append, "call 1")
    env.timeout(1.0).callbacks.append(lambda _: order.append("timeout"))
    call_later(env, 1.0, order.append, "call 2")
    call_later(env, 0.5, order.append, "earlier")

    def process() -> simpy.events.ProcessGenerator:
        yield env.timeout(1.0)
        order.append("process")

    env.process(process())
    before = next(env._eid)  # noqa: SLF001 - the counter the benchmarks read
    env.run()
    assert order == ["earlier", "call 1", "timeout", "call 2", "process"]
    assert env.now == 1.0
    assert before >= 4  # the three calls and the Timeout took event ids


def test_a_call_scheduled_by_a_call_at_delay_zero_runs_after_what_is_already_due() -> None:
    env = simpy.Environment()
    order: list[str] = []

    def first() -> None:
        order.append("first")
        call_later(env, 0.0, order.append, "scheduled by first")

    call_later(env, 2.0, first)
    call_later(env, 2.0, order.append, "second")
    env.run()
    assert order == ["first", "second", "scheduled by first"]


@pytest.fixture(scope="module")
def world() -> World:
    return World(load_small(SCENARIO_DIR / "base.yaml", stock=50).model, seed=SEED, event_log=False)


def test_budget_line_serves_first_come_first_served(world: World) -> None:
    """A grant that does not fit holds up those behind it (as a SimPy Container's queue), a
    crossed-out grant is skipped, and money coming in serves the front of the line."""
    line = next(iter(world.budgets.values()))
    client = world.new_client("inflow")
    granted: list[str] = []
    line.level = 100.0
    assert line.request(80.0, "a", granted.append) is None  # fits and nobody waits: taken now
    assert line.level == pytest.approx(20.0)
    line.request(50.0, "b", granted.append)
    cancelled = line.request(5.0, "c", granted.append)
    line.request(10.0, "d", granted.append)  # would fit, but "b" is first
    assert granted == [] and line.level == pytest.approx(20.0) and line.queue_length == 3
    assert cancelled is not None
    line.cancel(cancelled)
    line.refund(35.0, client, "test")  # 55: "b" takes 50, "c" is crossed out, "d" needs 10 of 5
    assert granted == ["b"] and line.level == pytest.approx(5.0) and line.queue_length == 1
    line.refund(5.0, client, "test")
    assert granted == ["b", "d"] and line.level == pytest.approx(0.0) and line.queue_length == 0
    assert line.request(0.0, "e", granted.append) is None  # nothing waits: a free grant goes at once


@pytest.mark.parametrize("name", ["base.yaml", "tilburg.yaml", "leeuwarden_2000_actieve_wijk.yaml"])
def test_dropping_finished_people_keeps_every_table(name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """People the run is done with are written out at month ends and dropped; a person changed
    after that would be written wrong. Against a run that keeps everyone to the end, every
    table (the clients table above all) must be identical, and people must have been dropped."""
    scenario = load_small(SCENARIO_DIR / name, stock=400).model
    dropping = World(scenario, seed=SEED)
    dropped_before_end: list[int] = []
    original = World.retire_finished

    def counting(self: World) -> None:
        if self is dropping and self.env.now < self.t_end:
            dropped_before_end.append(len(self.finished))
        original(self)

    monkeypatch.setattr(World, "retire_finished", counting)
    tables = dropping.run()
    assert sum(dropped_before_end) > 100, "too few people were dropped during the run for the check to mean much"

    keeping = World(scenario, seed=SEED)
    monkeypatch.setattr(keeping, "finish", lambda client: None)
    monkeypatch.setattr(keeping, "leave_model", lambda client: client.leave_model())
    assert_tables_equal(tables, keeping.run())
