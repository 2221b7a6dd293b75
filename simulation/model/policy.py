"""What a contact does under a municipality's policy: attention, reassessment, monitoring,
tegenprestatie, referral with voluntary or obligatory uptake, personal budgets.

Groups (drie groepen) come from the assessed phase through ``policy.phase_to_group`` (or, for a
member of an experiment's arm until the experiment ends, through the arm's groups); a group
says who handles the client (klantmanager, a service such as the wijkteam, or nobody), how
often it is seen, which obligations are enforced, asked or waived (``sanctions``), and where
it is referred.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from simulation.model.client import Activity, Client
from simulation.model.lifecycle import reschedule
from simulation.model.phases import maybe_remove_barrier
from simulation.scenario.schema import KLANTMANAGER, NO_HANDLER, Group, Policy, UptakeKind

if TYPE_CHECKING:
    from simulation.model.protocols import WorldView


class PolicyRules:
    """The contact logic; draws come from the client's streams, one per kind (``rng.py``).

    ``spec`` is the policy in force and ``groups`` its groups by name (a client's group is
    None only before its first assessment); a dated policy change replaces both (``adopt``).
    """

    def __init__(self, world: WorldView) -> None:
        self.world = world
        self.adopt(world.scenario.policy)

    def adopt(self, policy: Policy) -> None:
        self.spec = policy
        self.groups: dict[str | None, Group] = {name: group for name, group in policy.groups.items()}

    # --- groups and handlers -----------------------------------------------------------

    def assess_and_route(self, client: Client, now: float, route: bool = True, reassessment: bool = False) -> None:
        """(Re)assess the phase, put the client in its group, and hand it to the group's handler.

        ``reassessment``: at a contact during the spell (the phase keeps within the margin)."""
        world = self.world
        world.hazards.motivation(client, now)
        world.assessor.assess(client, now, client.rng.assessment, reassessment)
        world.record(client, Activity.ASSESSMENT)
        world.set_group(client, self.group_of(client))
        if route:
            self.assign_handler(client, now)

    def group_of(self, client: Client) -> str:
        """The group the client's assessed phase gives: its experiment arm's while it is in one."""
        return (client.group_map or self.spec.phase_to_group)[client.phase]

    def handler_for(self, client: Client) -> str:
        return client.handler_override or self.groups[client.group].handler

    def assign_handler(self, client: Client, now: float) -> None:
        """Start the handler's episode; end the previous handler's if it changed."""
        handler = self.handler_for(client)
        if handler == client.handler:
            return
        world = self.world
        if client.handler == KLANTMANAGER:
            world.staff.leave(client)
        elif client.handler_case is not None:
            client.handler_case.desk.stop(client.handler_case)
        client.handler = handler
        group = self.groups[client.group]
        client.next_review = now + group.review_interval if group.review_interval is not None else math.inf
        if handler == KLANTMANAGER:
            world.staff.join(client)
        elif handler != NO_HANDLER:
            engaged = self.accepts(client, group.handler_uptake)
            world.services[handler].start(client, assigned=True, engaged=engaged)

    # --- uptake -------------------------------------------------------------------------

    def accepts(self, client: Client, uptake: UptakeKind) -> bool:
        """Voluntary: logistic in motivation and trust. Obligatory: all but rare pertinent refusers."""
        spec = self.spec.uptake
        if uptake == "obligatory":
            return client.rng.uptake.random() >= spec.obligatory_refusal
        logit = (spec.voluntary_intercept + spec.voluntary_motivation_effect * (client.motivation - 0.5)
                 + spec.voluntary_trust_effect * (client.trust - 0.5))
        return client.rng.uptake.random() < 1.0 / (1.0 + math.exp(-logit))

    # --- the contact ----------------------------------------------------------------------

    def contact(self, client: Client, by: str, then_reschedule: bool = True) -> None:
        """A klantmanager contact, a yearly review, or a contact inside a service episode.

        ``then_reschedule`` False: the caller sets the client's timer itself (``staff.contact_due``)."""
        world = self.world
        now = world.env.now
        world.note_contact(client, by, now)
        service = world.services.get(by)
        gain = service.spec.attention_multiplier if service is not None else 1.0
        self.attend(client, now, gain)
        if service is None:
            if world.scenario.assessment.reassess_on_contact:
                self.assess_and_route(client, now, reassessment=True)
            if client.on_benefit:
                group = self.groups[client.group]
                world.sanctions.monitor(client, now, group.obligations)
                self._refer(client, now, group)
        if then_reschedule:
            reschedule(world, client)

    def attend(self, client: Client, now: float, gain: float) -> None:
        """Attention effect (seed 001): motivation and trust move part of the way toward 1."""
        spec = self.world.scenario.attention
        self.motivate(client, now, min(1.0, spec.motivation_gain_per_contact * gain))
        client.trust += min(1.0, spec.trust_gain_per_contact * gain) * (1.0 - client.trust)

    def motivate(self, client: Client, now: float, share: float) -> None:
        """Motivation moves ``share`` of the way toward 1 (trajectory, personal budget)."""
        motivation = self.world.hazards.motivation(client, now)
        client.motivation = motivation + share * (1.0 - motivation)

    def past_attention(self, client: Client, elapsed: float) -> None:
        """Motivation and trust after the contacts of the ``elapsed`` days of the spell before the start.

        Contacts are a renewal process at the client's place at the start (``_past_contacts``): n
        contacts, intervals X, each moving motivation ``g`` of the way to 1, the gap to its base b
        decaying at rate k = ln 2 / half-life between them. With L = E[exp(-k X)] the gap just after
        a contact is g (1 - b) (1 - q^n) / (1 - q), q = (1 - g) L, and its mean over an interval (the
        start falls at a random point of one) is that times (1 - L) / (k E[X]): exact for fixed and for
        exponential intervals, with L from a gamma of X's mean and variance. Trust, which does not
        decay, is 1 - (1 - t)(1 - g_trust)^n. Deterministic: no draws, so no stream shifts."""
        mean, variance, gain = self._past_contacts(client)
        if mean <= 0.0 or math.isinf(mean) or elapsed <= 0.0:
            return
        contacts = elapsed / mean
        spec = self.world.scenario.attention
        k = math.log(2.0) / self.world.hazards.half_life
        laplace = math.exp(-k * mean) if variance <= 0.0 else (1.0 + k * variance / mean) ** (-mean * mean / variance)
        share = min(1.0, spec.motivation_gain_per_contact * gain)
        kept = (1.0 - share) * laplace  # < 1: the interval's mean is positive
        after_contact = share * (1.0 - client.motivation_base) * (1.0 - kept**contacts) / (1.0 - kept)
        client.motivation = client.motivation_base + after_contact * (1.0 - laplace) / (k * mean)
        client.motivation_time = 0.0
        client.trust = 1.0 - (1.0 - client.trust) * (1.0 - min(1.0, spec.trust_gain_per_contact * gain)) ** contacts

    def _past_contacts(self, client: Client) -> tuple[float, float, float]:
        """(mean interval, its variance, mean attention gain) of the contacts of the client's place at
        the start: its klantmanager's while it holds a place; else the reviews (a fixed interval); for a
        team, its visits for the share of time a case runs (service time against service time plus
        follow-up) together with the reviews, as a Poisson stream (variance = mean²)."""
        group = self.groups[client.group]
        if client.handler == KLANTMANAGER and client.has_klantmanager:
            return group.contact_interval.mean, group.contact_interval.variance, 1.0
        review, handler = group.review_interval or math.inf, client.handler
        if handler is None or handler in (KLANTMANAGER, NO_HANDLER):
            return review, 0.0, 1.0
        team = self.world.services[handler].spec
        running = team.service_time.mean / (team.service_time.mean + (team.follow_up or 0.0))
        visits, reviews = running / team.contact_interval.mean, 1.0 / review
        rate = visits + reviews
        if rate <= 0.0:
            return math.inf, 0.0, 1.0
        return 1.0 / rate, rate**-2, (visits * team.attention_multiplier + reviews) / rate

    # --- referrals ----------------------------------------------------------------------------

    def _refer(self, client: Client, now: float, group: Group) -> None:
        """After monitoring: referrals to services and a trajectory, and the personal budget."""
        self._refer_to_services(client, group)
        referral = group.trajectory_referral
        if client.trajectory is None and group.trajectories and client.rng.referral.random() < referral.probability:
            self._refer_to_trajectory(client, group)
        if group.personal_budget:
            self._personal_budget(client, now)

    def _refer_to_services(self, client: Client, group: Group) -> None:
        """One referral at a time: a client already in a service is not referred again."""
        world = self.world
        for name, referral in group.service_referrals.items():
            if client.in_service is None and client.rng.referral.random() < referral.probability:
                desk = world.services[name]
                if self.accepts(client, referral.uptake):
                    world.record(client, Activity.REFERRAL, desk.code)
                    desk.start(client, assigned=False, engaged=True)
                else:
                    world.record(client, Activity.REFUSAL, desk.code)

    def _refer_to_trajectory(self, client: Client, group: Group) -> None:
        """A trajectory drawn among the group's that are enabled and open to the client's phase."""
        world = self.world
        catalogue = world.scenario.trajectories
        eligible = [name for name in group.trajectories
                    if catalogue[name].enabled and client.phase in catalogue[name].eligible_phases]
        if not eligible:
            return
        programme = world.trajectories[eligible[int(client.rng.referral.integers(len(eligible)))]]
        if self.accepts(client, group.trajectory_referral.uptake):
            programme.offer(client)
        else:
            world.record(client, Activity.REFUSAL, programme.code)

    def _personal_budget(self, client: Client, now: float) -> None:
        """Persoonsgebonden budget (stipejild, seed 004): a small sum per period to remove barriers."""
        world = self.world
        spec = world.scenario.personal_budget
        if now - client.last_personal_budget < spec.period:
            return
        if not world.budgets[spec.budget].spend_now(spec.amount, client, "personal_budget"):
            return
        client.last_personal_budget = now
        world.record(client, Activity.PERSONAL_BUDGET)
        self.motivate(client, now, spec.motivation_gain)
        if maybe_remove_barrier(client, client.rng.personal_budget, spec.barrier_removal):
            world.record(client, Activity.BARRIER_REMOVED)
