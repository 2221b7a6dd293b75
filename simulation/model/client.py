"""One synthetic person and the fixed vocabularies (exit reasons, jobs, activities) around it."""

from __future__ import annotations

from enum import IntEnum, StrEnum
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from simulation.scenario.schema import BARRIERS
from simulation.scenario.units import DAYS_PER_YEAR

if TYPE_CHECKING:
    from simulation.model.rng import ClientStreams

BARRIER_BIT = {name: 1 << i for i, name in enumerate(BARRIERS)}
Household = Literal["single", "single_parent", "couple"]
HOUSEHOLDS: tuple[Household, ...] = ("single", "single_parent", "couple")
EDUCATION = ("low", "middle", "high")


class ClientState(StrEnum):
    """Where a person is; the value is what ``clients.csv`` writes in its ``state`` column."""

    APPLICANT = "applicant"
    BENEFIT = "benefit"
    JOB = "job"
    BETWEEN = "between"  # between jobs after an exit to work: neither job nor benefit (``jobs``)
    AWAY = "away"  # left benefit and will return (herinstroom) after a delay
    GONE = "gone"  # no return possible: the person's streams are dropped


class Timer(IntEnum):
    """What a client's single pending timer is for (``lifecycle.reschedule``).

    The order matters: among timers due at the same moment the lowest value fires.
    """

    WORK = 0  # the exit-to-work budget is spent
    OTHER = 1  # an other exit (moving, partner income, education, death, enforcement)
    PENSION = 2
    REVIEW = 3  # the yearly review of a client without klantmanager
    DRIFT = 4  # long without contact: a step down the ladder may follow
    CHANGE = 5  # the hazard changes by itself (duration band, year, 27th birthday, decay, placement end)
    CONTACT = 6  # the klantmanager's next contact with a client on its caseload
    CASELOAD = 7  # a caseload review at which an outranked holder gives up its place (``staff``)
    PART_TIME = 8  # part-time work on benefit starts or ends (``part_time``)


TIMERS = tuple(Timer)


class ExitReason(IntEnum):
    """Why a benefit spell ended (uitstroomreden). CENSORED: still open at the end of the run."""

    WORK = 1
    MOVING = 2
    PARTNER_INCOME = 3
    EDUCATION = 4
    DEATH = 5
    PENSION = 6
    ENFORCEMENT = 7  # handhaving: left after a sanction or under threat, to no benefit and no job
    CENSORED = 0


OTHER_EXIT_REASONS = (ExitReason.MOVING, ExitReason.PARTNER_INCOME, ExitReason.EDUCATION, ExitReason.DEATH)
JOB_KINDS = ("stable", "flex", "subsidised", "secondment", "basisbaan")


class Activity(IntEnum):
    """Event-log activities; the names are what the event log and process mining show."""

    APPLICATION = 1
    DETERRED_WORK_FIRST = 2
    DETERRED_HOME_VISIT = 3
    REDIRECTED_YOUTH = 4
    BENEFIT_START = 5
    ASSESSMENT = 6
    CONTACT = 7
    REVIEW = 8
    SERVICE_CONTACT = 9
    QUEUE = 10
    SERVICE_START = 11
    SERVICE_END = 12
    SERVICE_LEFT_QUEUE = 13
    REFERRAL = 14
    REFUSAL = 15
    TRAJECTORY_OFFER = 16
    TRAJECTORY_START = 17
    TRAJECTORY_DROPOUT = 18
    TRAJECTORY_END = 19
    BUDGET_REFUSED = 20
    SANCTION = 21
    TEGENPRESTATIE_START = 22
    VOLUNTEER_WORK_START = 23
    SOCIAL_ACTIVITY_START = 24
    BACK_TO_SOCIAL_SERVICES = 25
    BARRIER_REMOVED = 26
    PERSONAL_BUDGET = 27
    LADDER_DRIFT = 28
    EXIT = 29
    JOB_START = 30
    JOB_END = 31
    LEFT_MODEL = 32
    CASELOAD_RELEASED = 33
    TRAJECTORY_LEFT_QUEUE = 34  # left benefit while queued for a trajectory
    TRAJECTORY_STOPPED = 35  # left benefit during a trajectory (the exit ends it)
    PART_TIME_START = 36  # part-time work on benefit starts (earnings, partial benefit)
    PART_TIME_END = 37  # part-time work ends while on benefit (an exit ends it without this event)


class Client:
    """A person known to the social services: on benefit, in a job after exit, or gone.

    Plain attributes with ``__slots__``: the hot path reads and writes them per event.
    """

    __slots__ = (
        "id", "rng", "origin", "birth", "male", "household", "migrant", "statushouder",
        "education", "barriers", "motivation", "motivation_base", "motivation_time", "trust",
        "on_benefit", "spell_no", "spell_start", "entry_time", "phase", "true_phase", "group",
        "rung", "handler", "handler_override", "has_klantmanager", "handler_case", "cases",
        "e_work", "e_other", "rate_work", "rate_other", "rate_time", "timer_version",
        "timer_kind", "timer_at", "due", "next_review", "next_contact", "caseload_review_at",
        "sanction_effect_until", "sanction_cut_until", "n_sanctions",
        "noncompliance_factor", "trajectory", "trajectory_until", "trajectory_multiplier",
        "in_service", "placement_until", "n_contacts", "job_no", "last_personal_budget",
        "exit_reason", "state", "drift_ref", "placement_rung", "last_contact", "work_exit_time", "job_type",
        "experiment_arm", "group_map", "assessor_bias",
        "e_part", "rate_part", "part_time",
    )
    #: In an experiment's arm until it ends: the arm's groups by phase, used instead of the policy's
    #: (``PolicyRules.group_of``). ``experiment_arm``: "declined", "not_selected" or the arm's name.
    group_map: dict[int, str] | None

    def __init__(self, client_id: int, rng: ClientStreams, origin: str) -> None:
        self.id = client_id
        self.rng = rng  # the client's streams: its own luck and one per kind of policy draw (rng.py)
        self.origin = origin  # "initial" stock or "inflow"
        self.birth = 0.0  # simulation day of birth (negative)
        self.male = False
        self.household: Household = "single"
        self.migrant = False
        self.statushouder = False
        self.education = "low"
        self.barriers = 0
        self.motivation = self.motivation_base = self.trust = 0.5  # motivation decays back to its base (``hazards``)
        self.motivation_time = 0.0
        self.on_benefit = False
        self.spell_no = 0
        self.spell_start = 0.0
        self.entry_time = 0.0
        self.phase = 0
        self.true_phase = 0
        self.group: str | None = None  # the policy group (drie groepen) once assessed
        self.rung = 1
        self.handler: str | None = None  # who handles the client now: klantmanager, a service, "none"
        self.handler_override: str | None = None
        self.has_klantmanager = False
        # services.Case and trajectories.Enrolment objects (not imported: both import this module)
        self.handler_case: Any = None  # the case with the team that is the client's handler
        # every case with a team and trajectory enrolment still going (made on the first)
        self.cases: list[Any] | None = None
        self.e_work = self.e_other = self.e_part = 0.0  # hazard budgets: exit to work, other exits, part-time work
        self.rate_work = self.rate_other = self.rate_part = self.rate_time = 0.0  # part-time: to start it, or to end it
        self.timer_version = 0
        self.timer_kind = Timer.WORK
        self.timer_at = np.inf  # when the client's pending SimPy timer fires (inf: none pending)
        self.due = np.inf  # when ``timer_kind`` is due; a timer that fires before it is re-armed (``lifecycle``)
        self.next_review = np.inf
        self.next_contact = np.inf  # the klantmanager's next contact while the client holds a caseload place
        self.caseload_review_at = np.inf  # set only while a higher-priority client waits for this place
        self.sanction_effect_until = self.sanction_cut_until = -np.inf
        self.n_sanctions = 0
        self.noncompliance_factor = 1.0
        self.trajectory: Any = None  # the trajectories.Enrolment the client is in (it takes no other referral)
        self.trajectory_until = -np.inf
        self.trajectory_multiplier = 1.0
        self.in_service: str | None = None
        self.placement_until = np.inf
        self.n_contacts = 0
        self.job_no = 0
        self.last_personal_budget = -np.inf
        self.exit_reason = ExitReason.CENSORED
        self.state = ClientState.APPLICANT
        self.drift_ref = -np.inf
        self.last_contact = -np.inf  # also in World.last_contact, by client id, for the monthly count
        self.placement_rung = 0
        self.work_exit_time = -np.inf  # when the last exit to work was: the return bands count from it (``jobs``)
        self.job_type = "stable"  # the type of the person's last job after an exit to work
        self.experiment_arm, self.group_map = "", None  # an experiment's (``Client.group_map``; "": not invited)
        self.assessor_bias: float | None = None  # the persistent part of assessment noise (``phases``), once drawn
        self.part_time: Any = None  # the part_time.Job while working part-time on benefit (it imports this module)

    def age(self, now: float) -> float:
        """Age in years at simulation day ``now``."""
        return (now - self.birth) / DAYS_PER_YEAR

    def leave_model(self) -> None:
        """Gone for good (no return possible): drop the streams to keep national runs lean.

        A draw for a client that is gone is a bug; it fails loudly (AttributeError).
        """
        if self.state is not ClientState.GONE:
            del self.rng
        self.state = ClientState.GONE

    def has(self, barrier: str) -> bool:
        return bool(self.barriers & BARRIER_BIT[barrier])
