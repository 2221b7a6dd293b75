"""The trajectory catalogue: slots, waiting lists, costs, contracts, drop-out, lock-in, effects.

A referral first meets the offer effect (seed 001: offered a secondment place, half of the
'bottom of phase 4' ended their benefit themselves), then the budget (committed when granted,
the unused part refunded), then the waiting list for a slot. In the trajectory the exit
hazard is multiplied by ``lock_in_multiplier``; completion applies ``on_completion``.
"""

from __future__ import annotations

import math
from collections.abc import Generator
from typing import TYPE_CHECKING, Any

import simpy

from simulation.model.budgets import BudgetLine
from simulation.model.client import Activity, Client, ExitReason
from simulation.model.lifecycle import reschedule, spell_end
from simulation.model.phases import maybe_remove_barrier
from simulation.model.records import WaitRow
from simulation.model.resources import make_resource, request
from simulation.scenario.schema import Trajectory

if TYPE_CHECKING:
    from simulation.model.protocols import WorldView


class Programme:
    """One catalogue entry with its slots (a PriorityResource) and its budget line."""

    def __init__(self, world: WorldView, name: str, spec: Trajectory, budget: BudgetLine) -> None:
        self.world = world
        self.name = name
        self.spec = spec
        self.code = world.recorder.resource_code(name)
        self.resource = make_resource(world.env, spec.slots)
        self.budget = budget

    def _priority(self, client: Client) -> int:
        if self.spec.queue == "lowest_phase_first":
            return client.phase
        if self.spec.queue == "highest_phase_first":
            return -client.phase
        return 0

    def offer(self, client: Client) -> None:
        """A referral the client accepted: start its episode."""
        client.trajectory = self.name
        self.world.record(client, Activity.TRAJECTORY_OFFER, self.code)
        self.world.env.process(self._episode(client))

    def _episode(self, client: Client) -> Generator[simpy.Event, Any, None]:
        world, env, spec = self.world, self.world.env, self.spec
        try:
            if client.rng.trajectory.random() < spec.offer_self_exit_probability:
                # the offer effect: the client turns out to have (or finds) work of its own
                world.jobs.exit_to_work(client, env.now, job_type=None, via=f"offer:{self.name}")
                return
            planned = spec.duration.sample(client.rng.trajectory)
            fixed = 0.0 if spec.contract == "no_cure_no_pay" else spec.cost_start + spec.cost_per_month * planned
            bonus = spec.contract_bonus if spec.contract in ("no_cure_no_pay", "bonus_malus") else 0.0
            cost = fixed + bonus
            if self.budget.spec.when_spent == "refuse" and not self.budget.can_afford(cost):
                self.budget.refused(client, self.name)
                world.record(client, Activity.BUDGET_REFUSED, self.code)
                return
            if cost > 0:
                with self.budget.container.get(cost) as grant:
                    outcome = yield grant | spell_end(self.world, client)
                    if grant not in outcome:
                        return
                self.budget.committed(cost, client, self.name)
            yield from self._run(client, planned, fixed, bonus)
        finally:
            if client.trajectory == self.name:
                client.trajectory = None

    def _run(self, client: Client, planned: float, fixed: float, bonus: float) -> Generator[simpy.Event, Any, bool]:
        """Wait for a slot, then the trajectory; False if it ended early (left benefit, dropped out)."""
        world, env, spec = self.world, self.world.env, self.spec
        requested = env.now
        world.record(client, Activity.QUEUE, self.code)
        with request(self.resource, env, self._priority(client)) as slot:
            outcome = yield slot | spell_end(self.world, client)
            if slot not in outcome:
                world.record(client, Activity.TRAJECTORY_LEFT_QUEUE, self.code)
                self._wait(client, requested, math.nan, served=False)
                self.budget.refund(fixed + bonus, client, self.name)
                return False
            self._wait(client, requested, env.now, served=True)
            world.record(client, Activity.TRAJECTORY_START, self.code)
            started = env.now
            client.trajectory_multiplier = spec.lock_in_multiplier
            client.trajectory_until = math.inf
            reschedule(world, client)
            drops_out = client.rng.trajectory.random() < spec.dropout_probability
            length = planned * client.rng.trajectory.random() if drops_out else planned
            yield env.timeout(length) | spell_end(self.world, client)
            used = env.now - started
            if spec.contract != "no_cure_no_pay":  # cost_per_month is held in euros per day
                self.budget.refund(spec.cost_per_month * max(planned - used, 0.0), client, self.name)
            if not client.on_benefit:
                world.record(client, Activity.TRAJECTORY_STOPPED, self.code)
                self._settle_contract(client, bonus, cured=client.exit_reason == ExitReason.WORK)
                return False
            client.trajectory_until = -math.inf
            client.trajectory_multiplier = 1.0
            if drops_out:
                world.record(client, Activity.TRAJECTORY_DROPOUT, self.code)
                self._settle_contract(client, bonus, cured=False)
                reschedule(world, client)
                return False
        world.record(client, Activity.TRAJECTORY_END, self.code)
        self._complete(client, bonus)
        return True

    def _wait(self, client: Client, requested: float, started: float, served: bool) -> None:
        self.world.recorder.waits.append(WaitRow(resource=self.name, client=client.id, kind="trajectory",
                                                 requested=requested, started=started, served=served))

    def _complete(self, client: Client, bonus: float) -> None:
        world, env, effects = self.world, self.world.env, self.spec.on_completion
        now = env.now
        if client.rng.trajectory.random() < effects.exit_to_work_probability:
            self._settle_contract(client, bonus, cured=True)
            world.jobs.exit_to_work(client, now, job_type=effects.job_type, via=self.name)
            return
        client.trajectory_multiplier = effects.work_hazard_multiplier
        client.trajectory_until = now + effects.effect_duration
        if effects.phase_change:
            client.phase = min(5, max(1, client.phase + effects.phase_change))
            world.set_group(client, world.policy.spec.phase_to_group[client.phase])
            world.policy.assign_handler(client, now)
        if client.rung < effects.ladder_rung_min:
            world.ladder.set_rung(client, effects.ladder_rung_min)
        if effects.motivation_gain:
            world.policy.motivate(client, now, effects.motivation_gain)
        if maybe_remove_barrier(client, client.rng.trajectory, effects.barrier_removal):
            world.record(client, Activity.BARRIER_REMOVED, self.code)
        if bonus > 0:
            env.process(self._await_cure(client, bonus, now + self.spec.contract_window))
        reschedule(world, client)

    def _await_cure(self, client: Client, bonus: float, deadline: float) -> Generator[simpy.Event, None, None]:
        """No-cure-no-pay / bonus: paid only if the client leaves for work within the window."""
        env = self.world.env
        left = spell_end(self.world, client)
        yield env.timeout(max(deadline - env.now, 0.0)) | left
        cured = left.triggered and client.exit_reason == ExitReason.WORK and not client.on_benefit
        self._settle_contract(client, bonus, cured=cured)

    def _settle_contract(self, client: Client, bonus: float, cured: bool) -> None:
        if bonus > 0 and not cured:
            self.budget.refund(bonus, client, self.name)
