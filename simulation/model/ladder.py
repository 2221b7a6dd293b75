"""The participation ladder (participatieladder, rungs 1-6) and placements on it.

Rung 1 is isolation, 2 social contacts outside the home, 3 organised activities, 4 unpaid
work (volunteer work, a tegenprestatie), 5 paid work with support, 6 paid work. A client
starts on a rung drawn by phase; services, trajectories and placements move it up, and a
placement that ends or a long time without contact (rungs 2-3) moves it down again.
Every move is a row of the ``rungs`` table (calibration.md §F.9).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from simulation.model.client import Activity, Client
from simulation.model.population import category, cumulative_shares
from simulation.model.records import PlacementRow
from simulation.scenario.distributions import Distribution, RandomSource

if TYPE_CHECKING:
    from simulation.model.protocols import WorldView

RUNGS = 6  # the participatieladder has six rungs (calibration.md §E; model.md)


class Ladder:
    """Rung moves and their counts among clients on benefit (the monthly ``rung_*`` columns)."""

    def __init__(self, world: WorldView) -> None:
        self.world = world
        self.spec = world.scenario.ladder
        self.rung_counts = [0] * (RUNGS + 1)  # index 0 unused
        self.initial_rung_cumulative = {
            phase: cumulative_shares((np.asarray(weights, dtype=float) / sum(weights)).tolist())
            for phase, weights in self.spec.initial_rung_by_phase.items()}
        spec = self.spec
        #: kind → (rung it lifts the client to, how long it lasts, its event-log activity)
        self.placements: dict[str, tuple[int, Distribution, Activity]] = {
            "volunteer_work": (4, spec.volunteer_work_duration, Activity.VOLUNTEER_WORK_START),
            "tegenprestatie": (4, spec.volunteer_work_duration, Activity.TEGENPRESTATIE_START),
            "social_activity": (3, spec.social_activity_duration, Activity.SOCIAL_ACTIVITY_START),
        }

    def initial_rung(self, phase: int, rng: RandomSource) -> int:
        """The rung a client starts on, drawn from the phase's weights."""
        return 1 + category(self.initial_rung_cumulative[phase], rng.random())

    def set_rung(self, client: Client, rung: int, first: bool = False) -> None:
        """Move the client on the ladder; ``first`` for the rung it starts with (from_rung 0)."""
        if client.on_benefit:
            self.rung_counts[client.rung] -= 1
            self.rung_counts[rung] += 1
        if first or rung != client.rung:
            self.world.recorder.rung_change(client.id, self.world.env.now, 0 if first else client.rung, rung,
                                            client.phase, client.on_benefit)
        client.rung = rung

    def place(self, client: Client, kind: str, by: str, rng: RandomSource) -> None:
        """Volunteer work or a tegenprestatie (rung 4), or a social-activity start (rung 3),
        for a while; when it ends the client steps down a rung (``end_placement``)."""
        world = self.world
        rung, duration, activity = self.placements[kind]
        now = world.env.now
        world.recorder.placements.append(PlacementRow(client=client.id, time=now, kind=kind, by=by))
        world.count(kind)
        world.record(client, activity, world.recorder.resource_code(by))
        if client.rung < rung:
            self.set_rung(client, rung)
        client.placement_rung = rung
        client.placement_until = now + duration.sample(rng)

    def end_placement(self, client: Client) -> None:
        client.placement_until = math.inf
        if client.rung == client.placement_rung and client.rung > 1:
            self.set_rung(client, client.rung - 1)

    def next_drift(self, client: Client) -> float:
        """Without contact for ``drift_after_no_contact`` a client may slide down the ladder (rungs 2-3)."""
        if client.rung <= 1 or client.rung >= 4:
            return math.inf
        reference = client.last_contact if client.last_contact > client.drift_ref else client.drift_ref
        return reference + self.spec.drift_after_no_contact

    def drift(self, client: Client, now: float) -> None:
        """The drift timer fired: a step down with ``drift_down_probability``."""
        client.drift_ref = now
        if client.rng.drift.random() < self.spec.drift_down_probability:
            self.set_rung(client, client.rung - 1)
            self.world.record(client, Activity.LADDER_DRIFT)
