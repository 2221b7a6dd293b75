"""An experiment inside the world (``experiment``; cal §C): invitation, volunteering, randomisation.

On the invitation date every eligible client on benefit is invited and volunteers with a chance
logistic in what it is then (motivation, trust, years on benefit, phase). Up to the cap, the
volunteers are randomised to the arms by their shares; a member of an arm follows the arm's
groups instead of the group its phase gives (``PolicyRules.group_of``), also when it leaves and
comes back, until the end date, when every member is back in the group its phase gives. The
control arm keeps the usual groups, so every arm differs from it in its groups only, and arm
and control live in the same world (one labour market, the same teams and budgets).

Whether a client volunteers is its own draw (``client.rng.volunteering``); which volunteers take
part and in which arm comes from the world's ``randomisation`` stream, as a trial's allocation is
drawn apart from the people in it. The model records who was invited and what they were like
then (the ``invitations`` table); ``outcomes/experiment.py`` compares the arms.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections.abc import Generator
from itertools import accumulate
from typing import TYPE_CHECKING

import pandas as pd
import simpy

from simulation.model.client import Client
from simulation.model.policy_changes import hand_over
from simulation.scenario.schema import Experiment
from simulation.scenario.schema.experiment import DECLINED, NOT_SELECTED
from simulation.scenario.units import DAYS_PER_YEAR

if TYPE_CHECKING:
    from simulation.model.protocols import WorldView

#: The invitations table's columns: what each invited client was at the invitation, its arm, and
#: its contacts from the invitation to the end of the experiment (or of the run, if that is first).
INVITATION_COLUMNS = ("client", "arm", "volunteered", "propensity", "phase", "group", "age", "years_on_benefit",
                      "motivation", "trust", "contacts_during")


class Invitation:
    """One invited client: what it was when invited, and what the experiment did with it."""

    __slots__ = ("client", "volunteered", "propensity", "phase", "group", "age", "years", "motivation", "trust",
                 "contacts_before", "contacts_during")

    def __init__(self, client: Client, now: float, propensity: float, volunteered: bool) -> None:
        self.client = client
        self.volunteered = volunteered
        self.propensity = propensity
        self.phase = client.phase
        self.group = client.group or ""
        self.age = client.age(now)
        self.years = (now - client.spell_start) / DAYS_PER_YEAR
        self.motivation = client.motivation
        self.trust = client.trust
        self.contacts_before = client.n_contacts
        self.contacts_during = -1  # set when the experiment ends

    def row(self) -> tuple[object, ...]:
        client = self.client
        during = self.contacts_during if self.contacts_during >= 0 else client.n_contacts - self.contacts_before
        return (client.id, client.experiment_arm, self.volunteered, self.propensity, self.phase, self.group, self.age,
                self.years, self.motivation, self.trust, during)


class Trial:
    """The experiment of one run: its process invites, randomises and, at the end, lets go."""

    def __init__(self, world: WorldView, spec: Experiment) -> None:
        self.world = world
        self.spec = spec
        self.invited: list[Invitation] = []
        self.arms = list(spec.arms)
        self.bounds = list(accumulate(arm.share for arm in spec.arms.values()))  # cumulative shares

    def process(self) -> Generator[simpy.Event, None, None]:
        """Invite on the invitation date and let go on the end date, each after what was already
        due then (the previous month's snapshot, a policy change of the same date)."""
        env, calendar = self.world.env, self.world.calendar
        yield env.timeout(calendar.day_of(self.spec.invitation) - env.now)
        yield env.timeout(0)
        self.invite(env.now)
        yield env.timeout(calendar.day_of(self.spec.end) - env.now)
        yield env.timeout(0)
        self.close(env.now)

    # --- invitation and randomisation -------------------------------------------------------

    def eligible(self, client: Client, now: float) -> bool:
        rule = self.spec.eligible
        return (client.phase in rule.phases and (rule.groups is None or client.group in rule.groups)
                and now - client.spell_start >= rule.min_time_on_benefit
                and rule.age.min <= client.age(now) < rule.age.max)

    def propensity(self, client: Client, now: float) -> float:
        """The chance the client volunteers (``Volunteering``), from what it is now."""
        v = self.spec.volunteering
        motivation = self.world.hazards.motivation(client, now)
        logit = (v.intercept + v.motivation_effect * (motivation - 0.5) + v.trust_effect * (client.trust - 0.5)
                 + v.years_on_benefit_effect * (now - client.spell_start) / DAYS_PER_YEAR
                 + v.phase_effect * (client.phase - 3))
        try:
            return 1.0 / (1.0 + math.exp(-logit))
        except OverflowError:  # a logit below -709 (decades on benefit × a negative effect): the chance is below 1e-308
            return 0.0

    def invite(self, now: float) -> None:
        """Invite the eligible, let each decide, draw the participants and their arms."""
        volunteers: list[Client] = []
        for client in self.world.clients:
            if client is not None and client.on_benefit and self.eligible(client, now):
                chance = self.propensity(client, now)
                volunteered = client.rng.volunteering.random() < chance
                client.experiment_arm = DECLINED
                self.invited.append(Invitation(client, now, chance, volunteered))
                if volunteered:
                    volunteers.append(client)
        self.randomise(volunteers, now)

    def randomise(self, volunteers: list[Client], now: float) -> None:
        """Over the cap, the participants are drawn among the volunteers; each draws its arm."""
        rng = self.world.streams.randomisation
        if len(volunteers) > self.spec.participants:
            for client in volunteers:
                client.experiment_arm = NOT_SELECTED
            chosen = sorted(rng.choice(len(volunteers), size=self.spec.participants, replace=False).tolist())
            volunteers = [volunteers[i] for i in chosen]
        last = len(self.arms) - 1
        for client, draw in zip(volunteers, rng.random(len(volunteers)).tolist(), strict=True):
            name = self.arms[min(bisect_right(self.bounds, draw), last)]
            client.experiment_arm = name
            client.group_map = self.spec.arms[name].phase_to_group()
        self._regroup([client for client in volunteers if client.group_map is not None], now)

    # --- the end ---------------------------------------------------------------------------------

    def close(self, now: float) -> None:
        """Count each invited client's contacts; every member goes back to its phase's group."""
        members = []
        for invitation in self.invited:
            client = invitation.client
            invitation.contacts_during = client.n_contacts - invitation.contacts_before
            if client.group_map is not None:
                client.group_map = None
                members.append(client)
        self._regroup(members, now)

    def _regroup(self, clients: list[Client], now: float) -> None:
        """Clients on benefit whose groups changed go to their group now, and to its handler in
        group-priority order (``policy_changes.apply_policy`` does the same for everyone); a review
        later than the new group's interval allows is drawn within it."""
        world = self.world
        stock = [client for client in clients if client.on_benefit]
        for client in stock:
            world.set_group(client, world.policy.group_of(client))
        hand_over(world, stock, now)

    def table(self) -> pd.DataFrame:
        """The ``invitations`` table: one row per invited client, in order of client id."""
        return pd.DataFrame([invitation.row() for invitation in self.invited], columns=list(INVITATION_COLUMNS))
