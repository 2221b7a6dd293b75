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

A client's policy streams are seeded from one SeedSequence per client (``CLIENT_POLICY``): its
output words, four per kind in the order of the kinds' numbers, seed each kind's PCG64 on first
use. Hashing once per client instead of once per stream keeps a run's cost down (a client that is
assessed, contacted and monitored needs six streams or more).

So the k-th draw of one kind for a client is the same number under every policy: a policy that
makes one more draw of one kind for client A (an extra review, a tegenprestatie asked) shifts
only A's later draws of that kind, not its monitoring, trajectory outcomes or luck, and nobody
else's draws (tests/test_experiments.py). With one stream for all of a client's policy draws, a
review under one policy that the other does not hold shifted every later draw of that client.

What no stream can pair are events that happen under one policy only: a step down the ladder
while waiting for a team, a tegenprestatie asked at a review the other policy does not hold, a
case with another team. Their noise is part of the policy effect itself, which is why the
share of clients on rung 3 or higher pairs less sharply than exits between very different
policies (Tilburg's against Leeuwarden's in either city, 30 replications: variance-reduction
ratio 3.5-4 for the ladder share against 20-30 for exits to work).
"""

from __future__ import annotations

from enum import IntEnum
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.random.bit_generator import ISeedSequence


class Purpose(IntEnum):
    """Spawn-key components and a client's kinds; fixed numbers so streams never change with code order.

    ``CLIENT_*`` members other than ``CLIENT_POLICY`` are a client's streams; ``ClientStreams``
    names them in lower case without the prefix (``CLIENT_ASSESSMENT`` → ``client.rng.assessment``).
    A new kind takes the next number: the words of the kinds before it stay where they are.
    """

    POPULATION = 1
    ARRIVALS = 2
    URGENT_CARE = 3
    CLIENT_LUCK = 100  # attributes, deterrence at the door, exit budgets, which other exit, jobs, return
    CLIENT_POLICY = 101  # the seed of the kinds below (until issue 12: one stream for every policy draw)
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
CLIENT_PURPOSES = {p.name.removeprefix("CLIENT_").lower(): p for p in Purpose
                   if p.name.startswith("CLIENT_") and p is not Purpose.CLIENT_POLICY}
FIRST_KIND = Purpose.CLIENT_ASSESSMENT  # the policy kinds are numbered on from here
WORDS_PER_KIND = 4  # what PCG64 takes from a seed sequence: a 128-bit state and a 128-bit increment
POLICY_WORDS = WORDS_PER_KIND * (max(Purpose) - FIRST_KIND + 1)


def _generator(seed: int, key: tuple[int, ...]) -> np.random.Generator:
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=key)))


class _Words(ISeedSequence):
    """A seed for one PCG64: four words already drawn from a client's policy SeedSequence.

    NumPy's bit generators take any ``ISeedSequence`` as a seed sequence (its documented
    interface); PCG64 asks it for four uint64 words.
    """

    __slots__ = ("words",)

    def __init__(self, words: np.ndarray) -> None:
        self.words = words

    def generate_state(self, n_words: int, dtype: Any = np.uint32) -> np.ndarray:
        if n_words != WORDS_PER_KIND or dtype is not np.uint64:  # PCG64 asks for exactly this
            raise ValueError(f"a kind's seed is {WORDS_PER_KIND} uint64 words, not {n_words} × {dtype}")
        return self.words


class ClientStreams:
    """One client's Generators, each made on first use: most clients never need most kinds (a
    client without a team case has no ``service`` stream). The client's policy seed words cost
    ~15 µs once, a kind's Generator ~2 µs; after its first use a stream is a plain slot read."""

    __slots__ = ("_seed", "_replication", "_client", "_policy_words",
                 "luck", "assessment", "uptake", "referral", "monitoring", "tegenprestatie", "drift",
                 "service", "service_outcome", "trajectory", "contact", "review", "personal_budget")
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
        self._replication = replication
        self._client = client_id
        self._policy_words: np.ndarray | None = None

    def _make(self, purpose: Purpose) -> np.random.Generator:
        if purpose is Purpose.CLIENT_LUCK:
            return _generator(self._seed, (self._replication, int(purpose), self._client))
        if self._policy_words is None:  # a prefix of the sequence's output: adding a kind moves no other
            sequence = np.random.SeedSequence(self._seed, spawn_key=(self._replication, int(Purpose.CLIENT_POLICY),
                                                                     self._client))
            self._policy_words = sequence.generate_state(POLICY_WORDS, np.uint64)
        start = WORDS_PER_KIND * (purpose - FIRST_KIND)
        seed = _Words(self._policy_words[start:start + WORDS_PER_KIND])
        return np.random.Generator(np.random.PCG64(seed))  # type: ignore[arg-type]  # the stubs name only SeedSequence

    if not TYPE_CHECKING:  # so mypy checks stream names against the annotations above

        def __getattr__(self, name: str) -> np.random.Generator:
            """Called only for a stream not made yet: make it and keep it in its slot."""
            purpose = CLIENT_PURPOSES.get(name)
            if purpose is None:
                raise AttributeError(f"'ClientStreams' has no stream '{name}'")
            generator = self._make(purpose)
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
