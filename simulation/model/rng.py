"""Random streams: one SeedSequence per run, a separate Generator per purpose and per client.

Replication ``i`` of seed ``s`` starts from ``SeedSequence(s, spawn_key=(i, purpose, ...))``,
so a replication gives the same numbers whether it runs alone, in a pool or on a cluster.

Common random numbers across scenarios rest on splitting by purpose *and by client*:

- ``population``, ``arrivals`` and ``urgent_care`` draw the same numbers in every scenario
  that has the same initial stock, inflow and urgent-care demand;
- each client has two streams of its own. ``luck`` holds what belongs to the person: its
  attributes, its exit-hazard budgets (luck in job search), the type and length of its jobs
  and whether it comes back. ``decisions`` holds the draws that policy makes about it:
  assessment noise, uptake, monitoring, referrals, service and trajectory outcomes.

A policy that makes one more draw for client A therefore shifts only A's later decisions;
no other client's draws and none of A's own luck move (tests/test_experiments.py measures
the resulting variance reduction).
"""

from __future__ import annotations

from enum import IntEnum

import numpy as np


class Purpose(IntEnum):
    """Spawn-key components; fixed numbers so streams never change with code order."""

    POPULATION = 1
    ARRIVALS = 2
    URGENT_CARE = 3
    CLIENT_LUCK = 100
    CLIENT_DECISIONS = 101


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
        sequence = np.random.SeedSequence(self.seed, spawn_key=self._key + tuple(int(k) for k in key))
        return np.random.Generator(np.random.PCG64(sequence))

    def client_streams(self, client_id: int) -> tuple[np.random.Generator, np.random.Generator]:
        """The client's ``luck`` and ``decisions`` streams: the same for a client id in every scenario."""
        return self._generator(Purpose.CLIENT_LUCK, client_id), self._generator(Purpose.CLIENT_DECISIONS, client_id)
