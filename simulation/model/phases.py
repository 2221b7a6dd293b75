"""Phase assessment (fase 1-5): a distance-to-work score, cut into phases, with assessor noise.

The *true* phase is the score without noise; it drives the client's chances. The *assessed*
phase adds noise and is what policy sees: it routes the client to a group. Reassessment on
contact redraws the noise, so phases move both ways (the critique of seed 004: the label
becomes a verdict unless it is reassessed).

The noise has a part that stays with the client (how assessors read this person, drawn once at
its first assessment) and a fresh part per assessment, with shares ``noise_persistence`` and
1 - ``noise_persistence`` of the variance: one assessment's noise is N(0, noise_sd²) whatever
the share, but a reassessment moves the phase mostly when the situation moved, not at every
contact (with all noise fresh a client changed phase about once a year, mostly one up and
back). A reassessment changes the phase only when the noisy score lies more than
``reassessment_margin`` beyond the current phase's cut-off (hysteresis).
"""

from __future__ import annotations

import math
from bisect import bisect_right

import numpy as np

from simulation.model.client import BARRIER_BIT, Client
from simulation.model.rng import Purpose
from simulation.scenario.distributions import RandomSource
from simulation.scenario.schema import BARRIERS, Assessment
from simulation.scenario.units import DAYS_PER_YEAR

#: age_45_plus_weight applies from this age (in days)
AGE_45 = 45 * DAYS_PER_YEAR


class Assessor:
    """Scores clients; precomputes the barrier part of the score for all 256 barrier sets."""

    def __init__(self, spec: Assessment) -> None:
        self.spec = spec
        weights = [getattr(spec.barrier_weights, name) for name in BARRIERS]
        scores = np.zeros(1 << len(BARRIERS))
        for mask in range(len(scores)):
            scores[mask] = sum(w for i, w in enumerate(weights) if mask & (1 << i))
        self.barrier_score: list[float] = scores.tolist()
        self.cutoffs = list(spec.phase_cutoffs)
        # the spec's numbers as plain attributes: ``score`` runs a few times per event
        self.years_cap = spec.years_on_benefit_cap
        self.years_weight = spec.years_on_benefit_weight
        self.motivation_weight = spec.low_motivation_weight
        self.low_education_weight = spec.low_education_weight
        self.age_45_weight = spec.age_45_plus_weight
        self.bias_sd = spec.noise_sd * math.sqrt(spec.noise_persistence)
        self.fresh_sd = spec.noise_sd * math.sqrt(1.0 - spec.noise_persistence)
        self.margin = spec.reassessment_margin

    def score(self, client: Client, now: float) -> float:
        """Distance to work as an assessor without noise would see it."""
        years = (now - client.spell_start) / DAYS_PER_YEAR
        if years > self.years_cap:
            years = self.years_cap
        value = self.barrier_score[client.barriers] + self.years_weight * years
        value += self.motivation_weight * (1.0 - client.motivation)
        if client.education == "low":
            value += self.low_education_weight
        if now - client.birth >= AGE_45:
            value += self.age_45_weight
        return value

    def phase_of(self, score: float) -> int:
        return 1 + bisect_right(self.cutoffs, score)

    def true_phase(self, client: Client, now: float) -> int:
        return self.phase_of(self.score(client, now))

    def assess(self, client: Client, now: float, rng: RandomSource, reassessment: bool = False) -> int:
        """Set the assessed and true phase; returns the assessed phase.

        ``rng`` gives the fresh part of the noise (its k-th number is the k-th assessment's, as
        before the persistent part existed); the persistent part comes from a stream of its own.
        ``reassessment``: a contact's reassessment, which keeps the phase within the margin."""
        score = self.score(client, now)
        client.true_phase = self.phase_of(score)
        if self.fresh_sd > 0:
            score += rng.normal(0.0, self.fresh_sd)
        if self.bias_sd > 0:
            score += self.bias(client)
        if reassessment and self.margin > 0:
            client.phase = self.phase_beyond_margin(score, client.phase)
        else:
            client.phase = self.phase_of(score)
        return client.phase

    def bias(self, client: Client) -> float:
        """The client's persistent assessor bias, drawn at its first assessment (kept across spells)."""
        bias = client.assessor_bias
        if bias is None:
            bias = client.assessor_bias = self.bias_sd * client.rng.once(Purpose.CLIENT_ASSESSOR_BIAS).normal()
        return bias

    def phase_beyond_margin(self, score: float, current: int) -> int:
        """The phase of ``score``, unless that means crossing a cut-off of ``current`` by no
        more than the margin: then ``current`` stays."""
        phase = self.phase_of(score)
        if phase > current and score - self.cutoffs[current - 1] <= self.margin:
            return current
        if phase < current and self.cutoffs[current - 2] - score <= self.margin:
            return current
        return phase


def maybe_remove_barrier(client: Client, rng: RandomSource, probability: float) -> bool:
    """With ``probability``, care, debt help or a trajectory takes away one barrier the client
    has (chosen at random). True when one was removed: the caller records it in the event log."""
    if rng.random() >= probability:
        return False
    present = [name for name in BARRIERS if client.barriers & BARRIER_BIT[name]]
    if not present:
        return False
    name = present[int(rng.integers(len(present)))]
    client.barriers &= ~BARRIER_BIT[name]
    return True
