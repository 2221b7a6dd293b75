"""Random streams: one SeedSequence per run, a separate Generator per purpose and per client.

Replication ``i`` of seed ``s`` starts from ``SeedSequence(s, spawn_key=(i, purpose, ...))``,
so a replication gives the same numbers whether it runs alone, in a pool or on a cluster.

Common random numbers across scenarios rest on splitting by purpose *and by client*
(Law & Kelton: dedicate a stream to each source of randomness):

- ``population``, ``arrivals`` and ``urgent_care`` draw the same numbers in every scenario
  that has the same initial stock, inflow and urgent-care demand;
- each client has streams of its own (``ClientStreams``): ``luck`` for what belongs to the
  person (attributes, exit-hazard budgets, the type and length of its jobs, whether it comes
  back), and one stream per kind of draw that policy makes about it (assessment noise, uptake,
  referrals, monitoring, ...; see ``Purpose``).

So the k-th draw of one kind for a client is the same number under every policy: a policy that
makes one more draw of one kind for client A (an extra review, a tegenprestatie asked) shifts
only A's later draws of that kind, not its monitoring, trajectory outcomes or luck, and nobody
else's draws (tests/test_experiments.py measures the resulting variance reduction). Draws for
events that exist under one policy only (a step down the ladder while waiting for a team, a
tegenprestatie asked at a review the other policy does not hold) cannot be paired by any stream.
"""

from __future__ import annotations

from enum import IntEnum
from typing import TYPE_CHECKING

import numpy as np


class Purpose(IntEnum):
    """Spawn-key components; fixed numbers so streams never change with code order.

    ``CLIENT_*`` members are a client's streams; ``ClientStreams`` names them in lower case
    without the prefix (``CLIENT_ASSESSMENT`` → ``client.rng.assessment``).
    """

    POPULATION = 1
    ARRIVALS = 2
    URGENT_CARE = 3
    CLIENT_LUCK = 100  # attributes, deterrence at the door, exit budgets, which other exit, jobs, return
    # 101 was the single stream of every policy draw (issue 3 to issue 12); not reused
    CLIENT_ASSESSMENT = 102  # assessor noise at each (re)assessment
    CLIENT_UPTAKE = 103  # accepts a handler, a referral or a trajectory offer
    CLIENT_REFERRAL = 104  # referred to a team or a trajectory, and to which trajectory
    CLIENT_MONITORING = 105  # violation of an enforced obligation, and its detection
    CLIENT_TEGENPRESTATIE = 106  # a tegenprestatie starts at a contact, and how long it lasts
    CLIENT_DRIFT = 107  # a step down the ladder after long without contact
    CLIENT_SERVICE = 108  # a team's case: its length and the intervals between its contacts
    CLIENT_SERVICE_OUTCOME = 109  # what a case brings: a placement and its length, a barrier, a rung, a hand-back
    CLIENT_TRAJECTORY = 110  # offer effect, planned length, drop-out, completion outcome, barrier removed
    CLIENT_CONTACT = 111  # the interval to the next klantmanager contact
    CLIENT_REVIEW = 112  # when a group's first review falls (initial stock, policy change)
    CLIENT_PERSONAL_BUDGET = 113  # the barrier a personal budget removes


#: A client's stream names → their purposes.
CLIENT_PURPOSES = {p.name.removeprefix("CLIENT_").lower(): p for p in Purpose if p.name.startswith("CLIENT_")}


def _generator(seed: int, key: tuple[int, ...]) -> np.random.Generator:
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=key)))


class ClientStreams:
    """One client's Generators, each made on first use: creating one costs ~10 µs and most
    clients never need most kinds (a client without a team case has no ``service`` stream).
    After the first use a stream is a plain slot read on the hot path."""

    __slots__ = ("_seed", "_key", "luck", "assessment", "uptake", "referral", "monitoring", "tegenprestatie",
                 "drift", "service", "service_outcome", "trajectory", "contact", "review", "personal_budget")
    luck: np.random.Generator
    assessment: np.random.Generator
    uptake: np.random.Generator
    referral: np.random.Generator
    monitoring: np.random.Generator
    tegenprestatie: np.random.Generator
    drift: np.random.Generator
    service: np.random.Generator
    service_outcome: np.random.Generator
    trajectory: np.random.Generator
    contact: np.random.Generator
    review: np.random.Generator
    personal_budget: np.random.Generator

    def __init__(self, seed: int, replication: int, client_id: int) -> None:
        self._seed = seed
        self._key = (replication, client_id)

    if not TYPE_CHECKING:  # mypy checks stream names against the annotations above

        def __getattr__(self, name: str) -> np.random.Generator:
            """Called only for a stream not made yet: make it and keep it in its slot."""
            purpose = CLIENT_PURPOSES.get(name)
            if purpose is None:
                raise AttributeError(f"'ClientStreams' has no stream '{name}'")
            replication, client_id = self._key
            generator = _generator(self._seed, (replication, int(purpose), client_id))
            setattr(self, name, generator)
            return generator


class Streams:
    """Named Generators for one replication."""

    def __init__(self, seed: int, replication: int = 0) -> None:
        self.seed = int(seed)
        self.replication = int(replication)
        self._key = (self.replication,)
        self.population = self._generator(Purpose.POPULATION)
        self.arrivals = self._generator(Purpose.ARRIVALS)
        self.urgent_care = self._generator(Purpose.URGENT_CARE)

    def _generator(self, *key: int) -> np.random.Generator:
        return _generator(self.seed, self._key + tuple(int(k) for k in key))

    def client_streams(self, client_id: int) -> ClientStreams:
        """The client's streams: the same for a client id in every scenario."""
        return ClientStreams(self.seed, self.replication, client_id)
