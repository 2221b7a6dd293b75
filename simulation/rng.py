"""Random streams: one SeedSequence per run, a separate Generator per purpose and per client.

Replication ``i`` of seed ``s`` starts from ``SeedSequence(s, spawn_key=(i,))``, so a
replication gives the same numbers whether it runs alone, in a pool or on a cluster.
Draws that belong to a client (its attributes, its luck in job search, the length of its
jobs) come from that client's own stream, so a policy that changes how often *something
else* draws does not shift them: the basis for common random numbers across scenarios.
"""

from __future__ import annotations

from enum import IntEnum

import numpy as np


class Purpose(IntEnum):
    """Spawn-key components; fixed numbers so streams never change with code order."""

    POPULATION = 1
    ARRIVALS = 2
    URGENT_CARE = 3
    DECISIONS = 4
    SERVICES = 5
    TRAJECTORIES = 6
    CLIENT_LUCK = 100


class Streams:
    """Named Generators for one replication."""

    def __init__(self, seed: int, replication: int = 0) -> None:
        self.seed = int(seed)
        self.replication = int(replication)
        self._key = (self.replication,)
        self.population = self._generator(Purpose.POPULATION)
        self.arrivals = self._generator(Purpose.ARRIVALS)
        self.urgent_care = self._generator(Purpose.URGENT_CARE)
        self.decisions = self._generator(Purpose.DECISIONS)
        self.services = self._generator(Purpose.SERVICES)
        self.trajectories = self._generator(Purpose.TRAJECTORIES)

    def _generator(self, *key: int) -> np.random.Generator:
        sequence = np.random.SeedSequence(self.seed, spawn_key=self._key + tuple(int(k) for k in key))
        return np.random.Generator(np.random.PCG64(sequence))

    def client_luck(self, client_id: int) -> np.random.Generator:
        """The client's own stream: identical for the same client id in every scenario."""
        return self._generator(Purpose.CLIENT_LUCK, client_id)
