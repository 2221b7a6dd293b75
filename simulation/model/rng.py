"""Random streams: one SeedSequence per run, a separate Generator per purpose, a stream per client and kind.

Replication ``i`` of seed ``s`` starts from ``SeedSequence(s, spawn_key=(i, purpose, ...))``
for the run's own streams, and its clients' streams are keyed by ``(s, i)``, so a replication
gives the same numbers whether it runs alone, in a pool or on a cluster.

Common random numbers across scenarios rest on splitting by purpose *and by client*
(Law & Kelton: dedicate a stream to each source of randomness):

- ``population``, ``arrivals`` and ``urgent_care`` draw the same numbers in every scenario
  that has the same initial stock, inflow and urgent-care demand (``randomisation`` the same
  for the same volunteers and arms);
- each client has streams of its own (``ClientStreams``): ``luck`` for what belongs to the
  person (attributes, exit-hazard budgets, the type and length of its jobs, whether it comes
  back), and one stream per kind of draw that policy makes about it (assessment noise, uptake,
  referrals, monitoring, ...; see ``Purpose``).

A client's streams are counter-based (``counter_rng``): the k-th number of a stream is a keyed
hash of (client, purpose, k) under the run's seed and replication, so a stream costs a counter,
not a Generator (until issue 13 each was a NumPy PCG64 seeded through a SeedSequence: ~0.9 KB and
7-28 µs apiece, more memory than the client itself at national scale).

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
ratio 3.5-4 for the ladder share against 20-30 for exits to work, measured with the NumPy
streams before issue 13; bench/crn.py measures a small policy change).
"""

from __future__ import annotations

from enum import IntEnum
from numbers import Integral
from typing import TYPE_CHECKING, Any

import numpy as np

from simulation.defaults import MAX_REPLICATIONS, MAX_SEED
from simulation.errors import ScenarioError
from simulation.model.counter_rng import CounterStream, run_key


class Purpose(IntEnum):
    """Spawn-key components and a client's kinds; fixed numbers so streams never change with code order.

    ``CLIENT_*`` members other than ``CLIENT_POLICY`` are a client's streams; ``ClientStreams``
    names them in lower case without the prefix (``CLIENT_ASSESSMENT`` → ``client.rng.assessment``),
    except those in ``ONCE_PURPOSES``, read once through ``client.rng.once(purpose)``.
    A new kind takes the next number; a client's stream of each kind is keyed by its number.
    """

    POPULATION = 1
    ARRIVALS = 2
    URGENT_CARE = 3
    HISTORY = 4  # the recent leavers of the initial world: how many, whose twins, when they left (``history``)
    RANDOMISATION = 5  # an experiment: which volunteers take part (over the cap) and their arms
    CLIENT_LUCK = 100  # attributes, deterrence at the first door, exit budgets, which other exit, jobs, return
    CLIENT_POLICY = 101  # until issue 12 one stream for every policy draw; unused since (numbers stay fixed)
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
    CLIENT_VOLUNTEERING = 114  # volunteers for an experiment it is invited to
    CLIENT_ASSESSOR_BIAS = 115  # the persistent part of the assessor's noise, drawn once (``ClientStreams.once``)
    CLIENT_DOOR = 116  # deterrence at the door on re-entry (a first application draws from luck)
    CLIENT_PART_TIME = 117  # part-time work on benefit: its hazard budgets, earnings, the initial stock's jobs


#: Kinds drawn once per client from a stream that is not kept (``ClientStreams.once``).
ONCE_PURPOSES = (Purpose.CLIENT_ASSESSOR_BIAS,)


#: A client's stream names → their purposes.
CLIENT_PURPOSES = {p.name.removeprefix("CLIENT_").lower(): p for p in Purpose
                   if p.name.startswith("CLIENT_") and p is not Purpose.CLIENT_POLICY and p not in ONCE_PURPOSES}
def check_seed(seed: object, replication: object = 0) -> None:
    """A seed and a replication number this module can key its streams with (``defaults.MAX_SEED``)."""
    for name, value in (("seed", seed), ("replication", replication)):
        if isinstance(value, bool) or not isinstance(value, Integral) or not 0 <= int(value) <= MAX_SEED:
            raise ScenarioError(f"must be a whole number from 0 to {MAX_SEED}, got {value!r}", argument=name)


def check_replications(count: int) -> None:
    """At most ``defaults.MAX_REPLICATIONS`` replications are asked for at once."""
    if count > MAX_REPLICATIONS:
        shown = f"{count:,}" if count < 10**20 else f"a number of {len(str(count))} digits"
        raise ScenarioError(f"must be at most {MAX_REPLICATIONS:,} replications, got {shown}", argument="reps")


def _generator(seed: int, key: tuple[int, ...]) -> np.random.Generator:
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=key)))


class ClientStreams:
    """One client's streams, each made on first use: most clients never need most kinds (a
    client without a team case has no ``service`` stream). After its first use a stream is a
    plain slot read; each holds only its counter (``counter_rng.CounterStream``)."""

    __slots__ = ("_run", "_client",
                 "luck", "assessment", "uptake", "referral", "monitoring", "tegenprestatie", "drift",
                 "service", "service_outcome", "trajectory", "contact", "review", "personal_budget",
                 "volunteering", "door", "part_time")
    luck: CounterStream
    assessment: CounterStream
    uptake: CounterStream
    referral: CounterStream
    monitoring: CounterStream
    tegenprestatie: CounterStream
    drift: CounterStream
    service: CounterStream
    service_outcome: CounterStream
    trajectory: CounterStream
    contact: CounterStream
    review: CounterStream
    personal_budget: CounterStream
    volunteering: CounterStream
    door: CounterStream
    part_time: CounterStream

    def __init__(self, run: Any, client_id: int) -> None:
        self._run = run
        self._client = client_id

    def once(self, purpose: Purpose) -> CounterStream:
        """A stream of ``purpose`` (one of ``ONCE_PURPOSES``) from its start, not kept: for a
        number drawn once per client and stored by the caller, so no stream stays in memory."""
        return CounterStream(self._run, self._client, int(purpose))

    if not TYPE_CHECKING:  # so mypy checks stream names against the annotations above

        def __getattr__(self, name: str) -> CounterStream:
            """Called only for a stream not made yet: make it and keep it in its slot."""
            purpose = CLIENT_PURPOSES.get(name)
            if purpose is None:
                raise AttributeError(f"'ClientStreams' has no stream '{name}'")
            stream = CounterStream(self._run, self._client, int(purpose))
            setattr(self, name, stream)
            return stream


class Streams:
    """Named Generators for one replication."""

    def __init__(self, seed: int, replication: int = 0) -> None:
        self.seed = int(seed)
        self.replication = int(replication)
        self._key = (self.replication,)
        self.population = self._generator(Purpose.POPULATION)
        self.arrivals = self._generator(Purpose.ARRIVALS)
        self.urgent_care = self._generator(Purpose.URGENT_CARE)
        self.history = self._generator(Purpose.HISTORY)
        self.randomisation = self._generator(Purpose.RANDOMISATION)
        self._clients = run_key(self.seed, self.replication)

    def _generator(self, *key: int) -> np.random.Generator:
        return _generator(self.seed, self._key + tuple(int(k) for k in key))

    def client_streams(self, client_id: int) -> ClientStreams:
        """The client's streams: the same for a client id in every scenario."""
        return ClientStreams(self._clients, client_id)
