"""The trajectory catalogue: slots, waiting lists, costs, contracts, drop-out, lock-in, effects.

A referral first meets the offer effect (seed 001: offered a secondment place, half of the
'bottom of phase 4' ended their benefit themselves), then the budget (committed when granted,
the unused part refunded), then the waiting list for a slot. In the trajectory the exit
hazard is multiplied by ``lock_in_multiplier``; completion applies ``on_completion``.

An enrolment is plain data moved on by callbacks, like a team's case (``services.Case``): the
budget line and the slots call it when they grant, a timer (``later.call_later``) when the
trajectory or a contract's window is over, and ``stop`` when the client leaves benefit (it is
among the client's ``cases``). Thousands waiting for a slot cost no SimPy process or event.
Places can change at a date (``resize``, from ``capacity_changes``).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from simulation.model.budgets import BudgetLine
from simulation.model.client import Activity, Client, ExitReason
from simulation.model.later import call_later
from simulation.model.lifecycle import reschedule
from simulation.model.phases import maybe_remove_barrier
from simulation.model.records import WaitRow
from simulation.model.resources import SlotPool, join_waiting
from simulation.scenario.schema import Trajectory

if TYPE_CHECKING:
    from simulation.model.protocols import WorldView


class Enrolment:
    """One client's way through a trajectory. ``state``: "offered" (the offer's effect comes
    next), "funding" (waiting for the budget), "waiting" (for a slot), "running", "window"
    (completed, a contract's bonus depends on work within its window), "over". ``entry`` is the
    place in the budget's or the slots' line; ``version`` tells a pending timer whether it is
    still current. ``referred``: when the client accepted the referral (its wait starts there,
    the wait for budget included); ``requested``: when it joined the line for a slot."""

    __slots__ = ("desk", "client", "state", "planned", "fixed", "bonus", "referred", "requested", "started",
                 "drops_out", "entry", "version")

    def __init__(self, desk: Programme, client: Client) -> None:
        self.desk = desk  # ``lifecycle.end_spell`` stops every case of a client through its desk
        self.client = client
        self.state = "offered"
        self.planned = 0.0
        self.fixed = 0.0
        self.bonus = 0.0
        self.referred = desk.world.env.now
        self.requested = math.nan
        self.started = math.nan
        self.drops_out = False
        self.entry: list[Any] | None = None
        self.version = 0


class Programme:
    """One catalogue entry with its slots (``SlotPool``; None without slots) and its budget line."""

    def __init__(self, world: WorldView, name: str, spec: Trajectory, budget: BudgetLine) -> None:
        self.world = world
        self.name = name
        self.spec = spec
        self.code = world.recorder.resource_code(name)
        self.resource = SlotPool(spec.slots, self._granted) if spec.slots > 0 else None
        self.budget = budget

    def resize(self, slots: int) -> None:
        """A dated change of places (``capacity_changes``): more go at once to those in line, in
        its order; with fewer no trajectory is cut short and nobody new starts until fewer than
        ``slots`` run. A trajectory that had no places gets a line: the clients who waited for it
        join it in the order of its ``queue`` rule (on their phase now), then who asked first, then
        client number."""
        if self.resource is not None:
            self.resource.resize(slots)
            return
        if slots <= 0:
            return
        self.resource = SlotPool(slots, self._granted)
        join_waiting(self.resource, self.world.clients, self, lambda enrolment: self._priority(enrolment.client))

    def _priority(self, client: Client) -> int:
        if self.spec.queue == "lowest_phase_first":
            return client.phase
        if self.spec.queue == "highest_phase_first":
            return -client.phase
        return 0

    def offer(self, client: Client) -> None:
        """A referral the client accepted: the offer takes effect once the contact that made it is over."""
        enrolment = Enrolment(self, client)
        client.trajectory = enrolment  # closed to other referrals until it lets go (``_let_go``)
        self.world.record(client, Activity.TRAJECTORY_OFFER, self.code)
        if client.cases is None:
            client.cases = []
        client.cases.append(enrolment)
        call_later(self.world.env, 0.0, self._offered, enrolment)

    def _offered(self, enrolment: Enrolment) -> None:
        """The offer effect, the trajectory's plan and cost, then the budget."""
        if enrolment.state != "offered":
            return  # the client left benefit in the meantime
        world, spec, client = self.world, self.spec, enrolment.client
        if client.rng.trajectory.random() < spec.offer_self_exit_probability:
            # the offer effect: the client turns out to have (or finds) work of its own
            self._over(enrolment)
            world.jobs.exit_to_work(client, world.env.now, job_type=None, via=f"offer:{self.name}")
            return
        planned = spec.duration.sample(client.rng.trajectory)
        fixed = 0.0 if spec.contract == "no_cure_no_pay" else spec.cost_start + spec.cost_per_month * planned
        bonus = spec.contract_bonus if spec.contract in ("no_cure_no_pay", "bonus_malus") else 0.0
        enrolment.planned, enrolment.fixed, enrolment.bonus = planned, fixed, bonus
        cost = fixed + bonus
        if self.budget.spec.when_spent == "refuse" and not self.budget.can_afford(cost):
            self.budget.refused(client, self.name)
            world.record(client, Activity.BUDGET_REFUSED, self.code)
            self._over(enrolment)
            return
        if cost <= 0:
            self._queue(enrolment)
            return
        enrolment.state = "funding"
        enrolment.entry = self.budget.request(cost, enrolment, self._funded)
        if enrolment.entry is None:
            self._funded(enrolment)

    def _funded(self, enrolment: Enrolment) -> None:
        enrolment.entry = None
        self.budget.committed(enrolment.fixed + enrolment.bonus, enrolment.client, self.name)
        self._queue(enrolment)

    def _queue(self, enrolment: Enrolment) -> None:
        """Wait for a slot (for ever if there are none)."""
        enrolment.state = "waiting"
        enrolment.requested = now = self.world.env.now
        self.world.record(enrolment.client, Activity.QUEUE, self.code)
        if self.resource is not None:
            enrolment.entry = self.resource.request(enrolment, self._priority(enrolment.client), now)

    def _granted(self, enrolment: Enrolment) -> None:
        """A slot: the trajectory runs its planned length, or less for a drop-out."""
        world, spec, client = self.world, self.spec, enrolment.client
        now = world.env.now
        enrolment.entry = None
        enrolment.state = "running"
        self._wait(enrolment, now, served=True)
        world.record(client, Activity.TRAJECTORY_START, self.code)
        enrolment.started = now
        client.trajectory_multiplier = spec.lock_in_multiplier
        client.trajectory_until = math.inf
        reschedule(world, client)
        enrolment.drops_out = client.rng.trajectory.random() < spec.dropout_probability
        length = enrolment.planned * client.rng.trajectory.random() if enrolment.drops_out else enrolment.planned
        enrolment.version += 1
        call_later(world.env, length, self._ends, enrolment, enrolment.version)

    def _ends(self, enrolment: Enrolment, version: int) -> None:
        """The trajectory's time is over (the client is still on benefit: else ``stop`` ended it)."""
        if version != enrolment.version or enrolment.state != "running":
            return
        world, client = self.world, enrolment.client
        self._refund_unused(enrolment)
        client.trajectory_until = -math.inf
        client.trajectory_multiplier = 1.0
        # the end is logged before the slot goes to the next in line, whose start it logs
        world.record(client, Activity.TRAJECTORY_DROPOUT if enrolment.drops_out else Activity.TRAJECTORY_END, self.code)
        self._release_slot()
        if enrolment.drops_out:
            self._settle_contract(client, enrolment.bonus, cured=False)
            self._over(enrolment)
            reschedule(world, client)
            return
        self._complete(enrolment)

    def stop(self, enrolment: Enrolment) -> None:
        """The client left benefit: what it was waiting for is given up, a running trajectory ends."""
        state = enrolment.state
        client = enrolment.client
        if state == "funding":
            assert enrolment.entry is not None
            self.budget.cancel(enrolment.entry)
        elif state == "waiting":
            if enrolment.entry is not None:
                assert self.resource is not None
                self.resource.cancel(enrolment.entry)
            self.world.record(client, Activity.TRAJECTORY_LEFT_QUEUE, self.code)
            self._wait(enrolment, math.nan, served=False)
            self.budget.refund(enrolment.fixed + enrolment.bonus, client, self.name)
        elif state == "running":
            self._refund_unused(enrolment)
            self.world.record(client, Activity.TRAJECTORY_STOPPED, self.code)
            self._release_slot()
            self._settle_contract(client, enrolment.bonus, cured=client.exit_reason == ExitReason.WORK)
        elif state == "window":  # left benefit within the contract's window: cured if for work
            self._settle_contract(client, enrolment.bonus, cured=client.exit_reason == ExitReason.WORK)
        self._over(enrolment)

    def _over(self, enrolment: Enrolment) -> None:
        """Done with the enrolment."""
        enrolment.state = "over"
        enrolment.entry = None
        enrolment.version += 1
        client = enrolment.client
        if client.cases is not None and enrolment in client.cases:
            client.cases.remove(enrolment)
        self._let_go(enrolment)

    @staticmethod
    def _let_go(enrolment: Enrolment) -> None:
        """The client is open to a new referral; during a contract's window it may already be in
        another trajectory, which this leaves alone."""
        if enrolment.client.trajectory is enrolment:
            enrolment.client.trajectory = None

    def _release_slot(self) -> None:
        assert self.resource is not None, "only a trajectory with slots runs"
        self.resource.release()

    def _refund_unused(self, enrolment: Enrolment) -> None:
        if self.spec.contract != "no_cure_no_pay":  # cost_per_month is held in euros per day
            used = self.world.env.now - enrolment.started
            self.budget.refund(self.spec.cost_per_month * max(enrolment.planned - used, 0.0), enrolment.client, self.name)

    def _wait(self, enrolment: Enrolment, started: float, served: bool) -> None:
        self.world.recorder.waits.append(WaitRow(resource=self.name, client=enrolment.client.id, kind="trajectory",
                                                 requested=enrolment.requested, started=started, served=served,
                                                 referred=enrolment.referred))

    def _complete(self, enrolment: Enrolment) -> None:
        world, effects, client, bonus = self.world, self.spec.on_completion, enrolment.client, enrolment.bonus
        now = world.env.now
        if bonus > 0:  # no-cure-no-pay / bonus: paid only if the client leaves for work within the window
            enrolment.state = "window"
            enrolment.version += 1
            call_later(world.env, self.spec.contract_window, self._window_over, enrolment, enrolment.version)
        else:
            self._over(enrolment)
        self._let_go(enrolment)  # open to a new referral as soon as the trajectory is over
        if client.rng.trajectory.random() < effects.exit_to_work_probability:
            world.jobs.exit_to_work(client, now, job_type=effects.job_type, via=self.name)  # cures a bonus contract
            return
        client.trajectory_multiplier = effects.work_hazard_multiplier
        client.trajectory_until = now + effects.effect_duration
        if effects.phase_change:
            client.phase = min(5, max(1, client.phase + effects.phase_change))
            world.set_group(client, world.policy.group_of(client))
            world.policy.assign_handler(client, now)
        if client.rung < effects.ladder_rung_min:
            world.ladder.set_rung(client, effects.ladder_rung_min)
        if effects.motivation_gain:
            world.policy.motivate(client, now, effects.motivation_gain)
        if maybe_remove_barrier(client, client.rng.trajectory, effects.barrier_removal):
            world.record(client, Activity.BARRIER_REMOVED, self.code)
        reschedule(world, client)

    def _window_over(self, enrolment: Enrolment, version: int) -> None:
        """The contract's window passed without an exit to work: the bonus comes back."""
        if version != enrolment.version or enrolment.state != "window":
            return
        self._settle_contract(enrolment.client, enrolment.bonus, cured=False)
        self._over(enrolment)

    def _settle_contract(self, client: Client, bonus: float, cured: bool) -> None:
        if bonus > 0 and not cured:
            self.budget.refund(bonus, client, self.name)
