"""The door (simulation.model.intake.apply): new applicants and re-entries (herinstroom) alike.

A person coming back to benefit after a job or another exit applies again: counted among the
applications, redirected by the youth rule by its age then, deterred by Work First and home
visits with the policy's probabilities, and gone for good if turned away, as a new applicant is.
The checks read the event log: a re-entry application is an ``application`` event of a person
who had a spell before it.
"""

from __future__ import annotations

import math

import pandas as pd
from conftest import SCENARIO_DIR, load_small

import simulation
from simulation.model.counter_rng import CounterStream
from simulation.model.rng import Streams
from simulation.model.world import STREAM_KEY_BASE

DAYS_PER_YEAR = 365.25
ENDS = {"deterred_work_first", "deterred_home_visit", "redirected_youth", "benefit_start"}


SEED = 2


def run(overrides: list[str], seed: int = SEED) -> dict[str, pd.DataFrame]:
    # four years so that many who left come back; the door rules under test, nothing else
    scenario = load_small(SCENARIO_DIR / "base.yaml", ["clock.horizon=4 years", "clock.follow_up=0 days",
                                                       "inflow.youth_rule.enabled=false", *overrides], stock=800)
    return simulation.run(scenario, seed=seed).tables


def reentry_applications(tables: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Each re-entry application with what the door did (the next event of the person at that
    moment: turned away, or its new spell's benefit_start) and the person's age then."""
    events = tables["events"]
    first_spell = tables["spells"].groupby("client")["start"].min()
    door = events[events["activity"].astype(str).isin({"application", *ENDS})]
    rows = []
    for client, log in door.groupby("case_id", sort=False):
        activities, times = log["activity"].astype(str).tolist(), log["time"].tolist()
        for i, activity in enumerate(activities):
            if activity == "application" and client in first_spell.index and first_spell[client] < times[i]:
                rows.append((client, times[i], activities[i + 1]))
    frame = pd.DataFrame(rows, columns=["client", "time", "outcome"])
    clients = tables["clients"].set_index("client")
    end = float(tables["monthly"]["time"].max())
    frame["age"] = clients.loc[frame["client"], "age_at_end"].to_numpy() - (end - frame["time"]) / DAYS_PER_YEAR
    return frame


def test_work_first_deters_re_entries_with_its_probability_and_they_leave() -> None:
    p = 0.4
    tables = run(["inflow.work_first.enabled=true", f"inflow.work_first.deterred={p}"])
    door = reentry_applications(tables)
    n, deterred = len(door), int((door["outcome"] == "deterred_work_first").sum())
    assert n > 100, "the test needs people who come back"
    assert set(door["outcome"]) <= {"deterred_work_first", "benefit_start"}
    assert abs(deterred - n * p) < 3 * math.sqrt(n * p * (1 - p)), f"{deterred} of {n} re-entries deterred"
    gone = tables["clients"].set_index("client").loc[door.loc[door["outcome"] != "benefit_start", "client"], "state"]
    assert (gone == "gone").all(), "a deterred re-entrant leaves the model"
    # each one by its own numbers: the k-th re-entry of a person uses the k-th three of its door stream
    # (streams are keyed by origin and number among that origin: World.person; a recent leaver's
    # number counts twins that never joined the world, so leavers are left out here)
    clients = tables["clients"].sort_values("client")
    key = clients["origin"].map(STREAM_KEY_BASE) + clients.groupby("origin").cumcount()
    keys = dict(zip(clients["client"], key))
    streams = Streams(SEED)
    doors: dict[int, CounterStream] = {}
    origin = clients.set_index("client")["origin"]
    for client, outcome in zip(door["client"], door["outcome"]):
        if origin[client] == "leaver":
            continue
        stream = doors.setdefault(client, streams.client_streams(int(keys[client])).door)
        draws = stream.random(3)
        assert (outcome == "deterred_work_first") == (draws[1] < p)
    monthly = tables["monthly"]
    assert monthly["applications"].sum() == monthly["deterred"].sum() + monthly["inflow_new"].sum() \
        + monthly["inflow_reentry"].sum(), "every application is deterred or admitted, re-entries included"


def test_the_youth_rule_redirects_re_entries_by_age() -> None:
    age_limit = 40.0  # above the rule's usual 27, so that many of those who come back are younger
    tables = run(["inflow.youth_rule.enabled=true", f"inflow.youth_rule.age_limit={age_limit}",
                  "inflow.youth_rule.redirected=1.0"])
    door = reentry_applications(tables)
    young = door[door["age"] < age_limit - 0.01]
    older = door[door["age"] >= age_limit + 0.01]
    assert len(young) > 20 and len(older) > 50
    assert (young["outcome"] == "redirected_youth").all()
    assert (older["outcome"] == "benefit_start").all()
