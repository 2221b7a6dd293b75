"""Sanctions (maatregelen): monitoring of obligations, the sanction itself, and what threat and
sanction do to the exit hazards and to the job found (calibration.md §B).

A group's obligations (job search, tegenprestatie) are enforced, asked or waived. Enforcement
monitors at each klantmanager contact or review: a detected violation is sanctioned with a
benefit cut for a while, a higher exit hazard (to work and to enforcement exits), and less
trust. Even without a sanction, the threat of the group's strictest obligation moves the
hazards (ex-ante effect); a recent sanction pushes the job found toward short flex work
(Arni, Lalive & van Ours 2013).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from simulation.model.client import Activity, Client
from simulation.model.records import SanctionRow
from simulation.scenario.schema import Obligations, Policy, Sanctions, ThreatEffect

if TYPE_CHECKING:
    from simulation.model.protocols import WorldView

OBLIGATIONS = ("job_search", "tegenprestatie")
STRICTNESS = {"waive": 0, "ask": 1, "enforce": 2}


def strictest_mode(policy: Policy, group: str) -> str:
    obligations = policy.groups[group].obligations
    return max(obligations.job_search, obligations.tegenprestatie, key=STRICTNESS.__getitem__)


def threat_table(spec: Sanctions, policy: Policy) -> dict[str | None, ThreatEffect]:
    """Each group's threat effect: that of its strictest obligation (calibration.md §B)."""
    return {group: getattr(spec.threat, strictest_mode(policy, group)) for group in policy.groups}


# --- the sanction parts of the hazards (read per event by ``hazards.Hazards``) ------------------

def sanctioned_work_rate(rate: float, next_change: float, threat: ThreatEffect, spec: Sanctions,
                         client: Client, now: float) -> tuple[float, float]:
    """The exit-to-work hazard under the group's threat and a recent sanction, and when that ends."""
    rate *= threat.work_hazard_multiplier
    if now < client.sanction_effect_until:
        rate *= spec.work_hazard_multiplier
        next_change = min(next_change, client.sanction_effect_until)
    return rate, next_change


def enforcement_rate(threat: ThreatEffect, spec: Sanctions, client: Client, now: float) -> float:
    """Hazard per day of leaving benefit for neither work nor another reason (handhaving)."""
    rate = threat.enforcement_exit_rate
    if now < client.sanction_effect_until:
        rate += spec.enforcement_exit_rate
    return rate


def flex_job_odds(odds_stable: float, spec: Sanctions, client: Client, now: float) -> float:
    """The odds of a stable job rather than flex work, lowered for a while after a sanction."""
    if now < client.sanction_effect_until:
        odds_stable /= spec.flex_job_odds
    return odds_stable


# --- monitoring and the maatregel -----------------------------------------------------------------

class SanctionRules:
    """Monitoring of obligations and the sanction; draws come from the client's ``monitoring`` and ``tegenprestatie`` streams."""

    def __init__(self, world: WorldView) -> None:
        self.world = world
        self.spec = world.scenario.sanctions

    def monitor(self, client: Client, now: float, obligations: Obligations) -> None:
        """At a contact: a tegenprestatie may start; a detected violation of an enforced obligation
        is sanctioned (one sanction per contact at most)."""
        spec = self.spec
        for obligation in OBLIGATIONS:
            mode = getattr(obligations, obligation)
            if obligation == "tegenprestatie" and client.rung < 4:
                start = getattr(spec.tegenprestatie_start, mode)
                if client.rng.tegenprestatie.random() < start:
                    self.world.ladder.place(client, "tegenprestatie", "", client.rng.tegenprestatie)
            if mode != "enforce":
                continue
            p = spec.noncompliance_probability * client.noncompliance_factor
            p *= max(0.0, 1.0 + spec.noncompliance_motivation_slope * (0.5 - client.motivation))
            if client.rng.monitoring.random() < p and client.rng.monitoring.random() < spec.detection_probability:
                self.impose(client, now, obligation)
                return

    def impose(self, client: Client, now: float, obligation: str) -> None:
        """Maatregel: a benefit cut for a while, a higher exit hazard, less trust (calibration.md §B)."""
        world, spec = self.world, self.spec
        norm = world.scenario.benefits.per_day(world.calendar.calendar_year(now), client.household)
        cut_per_day = spec.benefit_cut_share * norm  # the norm of the year the maatregel is imposed
        client.sanction_cut_until = now + spec.cut_duration
        client.sanction_effect_until = now + spec.effect_duration
        client.trust *= 1.0 - spec.trust_loss
        client.noncompliance_factor *= spec.repeat_noncompliance_factor
        client.n_sanctions += 1
        world.recorder.sanctions.append(SanctionRow(client=client.id, time=now, obligation=obligation,
                                                    cut_per_day=cut_per_day, cut_until=client.sanction_cut_until))
        world.count("sanctions")
        world.record(client, Activity.SANCTION)
