"""The initial stock's past contacts (``PolicyRules.past_attention``): what they leave in motivation
and trust is the contact process's long-run level, so the stock does not drift up as the run's
contacts raise it."""

from __future__ import annotations

import math

import numpy as np
import pytest
from conftest import load_small

from simulation.model.client import Client
from simulation.model.world import World
from simulation.scenario.schema import KLANTMANAGER

BASE = "scenarios/base.yaml"
HALF_LIFE = "6 months"


def _world(interval: str, *more: str) -> World:
    """Base with a strong attention effect, so the shape of the contact process matters."""
    extra = [f"policy.groups.group1.contact_interval={interval}", "attention.motivation_gain_per_contact=0.2",
             "attention.trust_gain_per_contact=0.05", f"attention.decay_half_life={HALF_LIFE}", *more]
    return World(load_small(BASE, extra, stock=20).model, seed=3)


def _with_a_klantmanager(world: World, base: float) -> Client:
    client = world.new_client("initial")
    client.group, client.handler, client.has_klantmanager = "group1", KLANTMANAGER, True
    client.motivation = client.motivation_base = base
    client.motivation_time, client.trust = 0.0, 0.5
    return client


@pytest.mark.parametrize("interval", ['{dist: fixed, value: "2 months"}', '{dist: exponential, mean: "2 months"}',
                                      '{dist: gamma, shape: 2, mean: "3 months"}'])
def test_past_attention_is_the_contact_process_long_run_mean(interval: str) -> None:
    """Simulate the contacts themselves with the model's own rules (``attend`` at each contact, decay
    between) for 4,000 spells of 12 half-lives and a uniform part of an interval (so that the end is a
    random point of the contact cycle also when the intervals are fixed), and read motivation then.
    Its mean is the formula's within 4 standard errors. (With the fixed-interval formula for every
    shape the exponential case is off by 0.025, about 20 standard errors.)"""
    world = _world(interval)
    spell = 12 * world.hazards.half_life
    rng = np.random.default_rng(11)
    spec = world.policy.groups["group1"].contact_interval
    ends, trusts = [], []
    for _ in range(4000):
        client = _with_a_klantmanager(world, base=0.3)
        end = spell + rng.uniform(0.0, spec.mean)
        for when in np.cumsum(spec.sample(rng, int(3 * end / spec.mean) + 10)):
            if when >= end:
                break
            world.policy.attend(client, float(when), 1.0)
        ends.append(world.hazards.motivation(client, end))
        trusts.append(client.trust)
    history = _with_a_klantmanager(world, base=0.3)
    world.policy.past_attention(history, spell)
    simulated = np.array(ends)
    assert abs(history.motivation - simulated.mean()) < 4 * simulated.std(ddof=1) / math.sqrt(len(ends))
    if spec.variance == 0.0:  # the same number of contacts, give or take the last one
        one_contact = 0.05 * (1.0 - float(np.mean(trusts)))
        assert abs(history.trust - float(np.mean(trusts))) < one_contact + 1e-9


def test_without_a_past_there_is_nothing_to_add() -> None:
    """No spell before the start, or no contacts (no handler, no reviews): motivation and trust stay."""
    world = _world('{dist: exponential, mean: "2 months"}', "policy.groups.group3.review_interval=null")
    client = _with_a_klantmanager(world, base=0.3)
    world.policy.past_attention(client, 0.0)
    assert (client.motivation, client.trust) == (0.3, 0.5)
    client.group, client.handler, client.has_klantmanager = "group3", "none", False
    world.policy.past_attention(client, 3650.0)
    assert (client.motivation, client.trust) == (0.3, 0.5)


def _stock_motivation(with_past: bool, seed: int) -> tuple[float, float]:
    """Mean motivation of those on benefit at the start and, averaged, at 12, 18 and 24 months."""
    extra = ["clock.horizon=2 years", f"population.past_contacts={str(with_past).lower()}"]
    world = World(load_small(BASE, extra, stock=1500).model, seed=seed, event_log=False)
    means: list[float] = []

    def probe(env):  # type: ignore[no-untyped-def]
        for when in (0.0, 1.0, 1.5, 2.0):
            yield env.timeout(when * 365.25 - env.now)
            on = [c for c in world.clients if c is not None and c.on_benefit]
            means.append(float(np.mean([world.hazards.motivation(c, env.now) for c in on])))

    world.env.process(probe(world.env))
    world.run()
    return means[0], float(np.mean(means[1:]))


def test_the_stock_starts_at_its_long_run_motivation() -> None:
    """Without the past contacts (``population.past_contacts: false``) the stock's mean motivation
    climbs after the start by more than 3 standard errors of the seeds' spread; with them what is
    left is under a quarter of that climb."""
    climb_without, climb_with = [], []
    for seed in (1, 2, 3):
        start, later = _stock_motivation(False, seed)
        climb_without.append(later - start)
        start, later = _stock_motivation(True, seed)
        climb_with.append(later - start)
    without = np.array(climb_without)
    assert without.mean() > 3 * without.std(ddof=1) / math.sqrt(len(without)), without
    assert abs(np.mean(climb_with)) < 0.25 * without.mean(), (climb_with, climb_without)
