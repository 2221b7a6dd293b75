"""An experiment inside one world (``experiment``; cal §C): who is invited, who volunteers, how the
volunteers are randomised, how long the arms hold, and how the arms are compared.

Tolerances come from theory: a count of independent Bernoulli draws lies within 4 standard
deviations of its expectation (a false alarm ≈ 6 in 100,000), and a paired difference over
replications is judged by its 95% t-interval, for one measure named in advance.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import SCENARIO_DIR, TEST_SCENARIO_DIR, load_small, meedoen, small_overrides
from environment import assert_records_environment

from simulation import ScenarioError, load_scaled, load_scenario, run
from simulation.experiments.trial import replicate_experiment
from simulation.model.client import Client
from simulation.model.world import World
from simulation.outcomes.experiment import experiment_measures, experiment_summary
from simulation.outcomes.statistics import welch_interval
from simulation.scenario.units import DAYS_PER_YEAR

TILBURG = SCENARIO_DIR / "tilburg_experiment.yaml"
TWINS = TEST_SCENARIO_DIR / "experiment_twins.yaml"
REPLICATIONS = 10
STOCK = 1500


def small(path: Path = TILBURG, extra: list[str] | None = None):
    return load_small(path, extra, stock=STOCK)


def run_with_probe(scenario, probes: dict[float, Callable[[World], None]], seed: int = 3) -> dict[str, pd.DataFrame]:
    """Run one replication, calling each probe with the world at its day (after what is due then)."""
    world = World(scenario.model, seed=seed, event_log=False)

    def probe(day: float, check: Callable[[World], None]):
        yield world.env.timeout(day)
        yield world.env.timeout(0)
        yield world.env.timeout(0)
        check(world)

    for day, check in probes.items():
        world.env.process(probe(day, check))
    return world.run()


def within_four_sd(count: float, expected: float, variance: float) -> bool:
    return abs(count - expected) <= 4 * math.sqrt(variance)


# --- invitation and volunteering ----------------------------------------------------------------

ELIGIBLE = ["experiment.eligible.groups=[group2, group3]", "experiment.eligible.phases=[3, 4]",
            "experiment.eligible.min_time_on_benefit=2 years", "experiment.eligible.age={min: 30, max: 55}"]


def test_only_the_eligible_are_invited_and_all_of_them() -> None:
    scenario = small(extra=ELIGIBLE)
    rule = scenario.model.experiment.eligible
    invitation = float((scenario.model.experiment.invitation - scenario.model.clock.start).days)
    expected: set[int] = set()

    def eligible(client: Client, now: float) -> bool:
        return (client.on_benefit and client.phase in (3, 4) and client.group in ("group2", "group3")
                and now - client.spell_start >= 2 * DAYS_PER_YEAR and 30 <= client.age(now) < 55)

    def before(world: World) -> None:  # at the invitation, before the experiment's process invites
        expected.update(c.id for c in world.clients if c is not None and eligible(c, world.env.now))

    world = World(scenario.model, seed=3, event_log=False)
    original = world.trial.invite

    def invite(now: float) -> None:
        before(world)
        original(now)

    world.trial.invite = invite  # type: ignore[method-assign]
    tables = world.run()
    invited = tables["invitations"]
    assert len(expected) > 50 and set(invited["client"]) == expected
    assert invited["phase"].isin(rule.phases).all() and invited["group"].isin(rule.groups).all()
    assert (invited["years_on_benefit"] >= 2.0 - 1e-9).all()
    assert invited["age"].between(30, 55).all()
    clients = tables["clients"].set_index("client")["experiment_arm"]
    assert (clients.drop(index=invited["client"]) == "").all()  # nobody else has an arm or a refusal
    assert world.day_of(scenario.model.experiment.invitation) == invitation


@pytest.mark.parametrize("signs", [(4.0, 4.0, 0.3), (4.0, -4.0, -0.3)], ids=["all_up", "trust_and_years_down"])
def test_volunteers_differ_from_the_others_in_the_direction_of_the_coefficients(signs) -> None:
    """Self-selection (cal §C): each covariate's mean among volunteers is above the others' where
    its coefficient is positive and below where negative (a Welch interval that excludes 0), and the
    number of volunteers is the sum of the chances within 4 sd (the draw uses the propensity)."""
    motivation, trust, years = signs
    scenario = small(extra=[f"experiment.volunteering.motivation_effect={motivation}",
                            f"experiment.volunteering.trust_effect={trust}",
                            f"experiment.volunteering.years_on_benefit_effect={years}"])
    invited = run(scenario, seed=4, event_log=False).tables["invitations"]
    volunteered = invited["volunteered"].astype(bool)
    for column, coefficient in (("motivation", motivation), ("trust", trust), ("years_on_benefit", years)):
        diff, low, high = welch_interval(invited.loc[~volunteered, column].to_numpy(float),
                                         invited.loc[volunteered, column].to_numpy(float))
        assert (low > 0) if coefficient > 0 else (high < 0), (column, diff, low, high)
    p = invited["propensity"].to_numpy(float)
    assert within_four_sd(volunteered.sum(), p.sum(), float((p * (1 - p)).sum()))


# --- randomisation -------------------------------------------------------------------------------

def test_arm_sizes_follow_the_shares_and_the_cap_draws_among_volunteers() -> None:
    shares = {"control": 0.5, "exemption": 0.3, "intensive": 0.2, "earnings": 0.0}
    arms = [f"experiment.arms.{arm}.share={share}" for arm, share in shares.items()]
    uncapped = small(TWINS, [*arms, "experiment.arms.twin.share=0.0"])
    invited = run(uncapped, seed=5, event_log=False).tables["invitations"]
    n = int(invited["volunteered"].sum())
    counts = invited["arm"].value_counts()
    assert n > 1000 and counts.get("not_selected", 0) == 0
    for arm, share in shares.items():
        assert within_four_sd(counts.get(arm, 0), n * share, n * share * (1 - share)), (arm, counts.get(arm, 0), n)
    capped = run(small(TWINS, [*arms, "experiment.arms.twin.share=0.0", "experiment.participants=300"]), seed=5,
                 event_log=False).tables["invitations"]
    taking_part = capped["arm"].isin(list(shares))
    assert taking_part.sum() == 300 and (capped.loc[taking_part, "volunteered"]).all()
    assert (capped.loc[capped["arm"] == "not_selected", "volunteered"]).all()
    assert (capped.loc[capped["arm"] == "declined", "volunteered"] == False).all()  # noqa: E712
    assert set(capped["client"]) == set(invited["client"])  # the cap changes who takes part, not who is invited


# --- the arms hold until the end -----------------------------------------------------------------

def test_members_keep_their_arms_groups_until_the_end_then_return_to_their_phases() -> None:
    scenario = small()
    model = scenario.model
    start = model.clock.start
    invitation, end = ((d - start).days for d in (model.experiment.invitation, model.experiment.end))
    arms = {name: arm.phase_to_group() for name, arm in model.experiment.arms.items()}
    usual = model.policy.phase_to_group
    checked: dict[str, int] = {}

    def during(world: World) -> None:
        for client in world.clients:
            if client is not None and client.on_benefit:
                table = arms.get(client.experiment_arm) or usual
                assert client.group == table[client.phase], (client.id, client.experiment_arm, client.group)
                checked["pinned"] = checked.get("pinned", 0) + (arms.get(client.experiment_arm) is not None)

    def after(world: World) -> None:
        for client in world.clients:
            if client is not None and client.on_benefit:
                assert client.group_map is None and client.group == usual[client.phase], client.id
                checked["after"] = checked.get("after", 0) + (arms.get(client.experiment_arm) is not None)

    tables = run_with_probe(scenario, {invitation + 1.0: during, (invitation + end) / 2: during, end + 1.0: after})
    assert checked["pinned"] > 100 and checked["after"] > 50
    monthly = tables["monthly"]
    in_arms = [c for c in monthly.columns if c.startswith(("group_exemption", "group_intensive", "group_coached"))]
    months = pd.to_datetime(monthly["month"])
    assert (monthly.loc[months >= "2020-01", in_arms] == 0).all().all()  # everyone is back from 2020
    assert (monthly.loc[(months >= "2017-10") & (months < "2019-12"), in_arms].sum(axis=1) > 0).all()


# --- comparisons over replications ---------------------------------------------------------------

@pytest.fixture(scope="module")
def twins() -> pd.DataFrame:
    """Experiment measures of the twin scenario over replications (one world each)."""
    runs = replicate_experiment(small(TWINS), REPLICATIONS, seed=11)
    alone = experiment_measures(run(small(TWINS), seed=11, replication=3, event_log=False))
    pd.testing.assert_frame_equal(runs.measures[runs.measures["replication"] == 3].reset_index(drop=True), alone)
    return runs.measures


def test_an_arm_identical_to_control_differs_by_chance_only(twins: pd.DataFrame) -> None:
    summary = experiment_summary(twins).set_index(["arm", "measure"])
    row = summary.loc[("twin", "exit_work_during")]
    assert row["basis"] == "replications" and row["n"] == REPLICATIONS
    assert row["diff_low"] <= 0 <= row["diff_high"], row


def test_exemption_lowers_enforcement_exits_and_sanctions(twins: pd.DataFrame) -> None:
    """Waived obligations: no monitoring, so no sanctions, and no threat of enforcement (the
    ``waive`` threat has no enforcement exits), so fewer exits after enforcement than control."""
    summary = experiment_summary(twins).set_index(["arm", "measure"])
    enforcement = summary.loc[("exemption", "exit_enforcement_during")]
    assert enforcement["diff_high"] < 0, enforcement
    assert summary.loc[("exemption", "sanctions_during"), "mean"] == 0
    assert summary.loc[("control", "sanctions_during"), "mean"] > 0


def test_participants_against_non_participants_are_paired_per_replication(twins: pd.DataFrame) -> None:
    summary = experiment_summary(twins).set_index(["arm", "measure"])
    wide = twins.pivot_table(index="replication", columns=["arm", "measure"], values="value")
    paired = wide[("participants", "motivation")] - wide[("non_participants", "motivation")]
    assert summary.loc[("participants", "motivation"), "diff"] == pytest.approx(paired.mean())
    assert summary.loc[("participants", "motivation"), "reference"] == "non_participants"
    members = wide.xs("members", axis=1, level="measure")
    assert np.allclose(members[["control", "twin", "exemption"]].sum(axis=1), members["participants"])


# --- scaling and validation ------------------------------------------------------------------------

def test_scaling_scales_the_cap() -> None:
    full = load_scenario(TILBURG).model
    assert full.experiment.participants == 780
    assert load_scaled(TILBURG, 740).model.experiment.participants == 78  # 780 × 740 / 7,400
    assert load_scaled(TILBURG, 14800).model.experiment.participants == 1560


@pytest.mark.parametrize(("override", "key", "message"), [
    ("experiment.arms.control.share=0.5", "experiment", "add up to 1"),
    ("experiment.arms.exemption.group=nogroup", "experiment.arms.exemption.group", "unknown group 'nogroup'"),
    ("experiment.arms.exemption.group={1: exemption1}", "experiment.arms.exemption.group", "each phase 1-5"),
    ("experiment.invitation=2015-01-01", "experiment.invitation", "not within the run"),
    ("experiment.end=2017-01-01", "experiment", "must be after the invitation"),
    ("experiment.eligible.groups=[group9]", "experiment.eligible.groups", "unknown group 'group9'"),
    ("services.wijkteam.group_priority={group1: 2, group2: 2, group3: 2}", "services.wijkteam.group_priority",
     "no priority to the experiment's group 'coached1'"),
])
def test_a_bad_experiment_is_refused_with_its_key(override: str, key: str, message: str) -> None:
    with pytest.raises(ScenarioError, match=message) as info:
        load_scenario(TILBURG, [override])
    assert info.value.key == key


def test_a_scenario_without_experiment_has_no_invitations() -> None:
    base = load_small(SCENARIO_DIR / "base.yaml", stock=300)
    tables = run(base, seed=1, event_log=False).tables
    assert "invitations" not in tables and (tables["clients"]["experiment_arm"] == "").all()
    with pytest.raises(ScenarioError, match="has no experiment"):
        replicate_experiment(base, 2)


# --- shown and written -------------------------------------------------------------------------------

def test_meedoen_run_prints_the_arms_and_writes_the_experiment_files(tmp_path: Path) -> None:
    overrides = [arg for text in small_overrides(TWINS, 400) for arg in ("--set", text)]
    done = meedoen("run", str(TWINS), *overrides, "--no-event-log", "--out", str(tmp_path / "out"))
    assert done.returncode == 0, done.stderr
    headline_end = done.stdout.index("Experiment:")
    assert done.stdout.index("Exits to work per year") < headline_end  # after the headline
    assert "twin − control" in done.stdout and "participants − non-participants" in done.stdout
    measures = pd.read_csv(tmp_path / "out" / "experiment.csv")
    assert list(measures.columns) == ["replication", "arm", "measure", "value"]
    assert set(measures["arm"]) == {"control", "twin", "exemption", "intensive", "earnings", "participants",
                                    "non_participants"}
    summary = pd.read_csv(tmp_path / "out" / "experiment_summary.csv", keep_default_na=False, na_values=[""])
    twin = summary.set_index(["arm", "measure"]).loc[("twin", "exit_work_during")]
    assert twin["reference"] == "control" and twin["basis"] == "members" and twin["diff_low"] < twin["diff_high"]
    invitations = pd.read_csv(tmp_path / "out" / "invitations.csv")
    clients = pd.read_csv(tmp_path / "out" / "clients.csv", keep_default_na=False)
    arms = clients.set_index("client").loc[invitations["client"], "experiment_arm"]
    assert (arms.to_numpy() == invitations["arm"].to_numpy()).all()


def test_meedoen_trial_pairs_the_arms_over_replications_and_writes_its_tables(tmp_path: Path) -> None:
    """``meedoen trial``: the summary over replications (t-intervals of paired differences), its
    tables and manifest; a scenario without an experiment is one line and exit code 2."""
    overrides = [arg for text in small_overrides(TWINS, 400) for arg in ("--set", text)]
    done = meedoen("trial", str(TWINS), *overrides, "--reps", "3", "--workers", "1", "--out", str(tmp_path / "out"))
    assert done.returncode == 0, done.stderr
    assert "3 replications" in done.stdout and "twin − control" in done.stdout
    summary = pd.read_csv(tmp_path / "out" / "experiment_summary.csv", keep_default_na=False, na_values=[""])
    measures = pd.read_csv(tmp_path / "out" / "experiment.csv")
    twin = summary.set_index(["arm", "measure"]).loc[("twin", "exit_work_during")]
    assert twin["basis"] == "replications" and twin["n"] == 3
    wide = measures[measures["measure"] == "exit_work_during"].pivot(index="replication", columns="arm", values="value")
    assert twin["diff"] == pytest.approx((wide["twin"] - wide["control"]).mean())
    assert_records_environment(json.loads((tmp_path / "out" / "manifest.json").read_text()))
    plain = meedoen("trial", str(SCENARIO_DIR / "base.yaml"), "--reps", "1", "--workers", "1")
    assert plain.returncode == 2 and "has no experiment" in plain.stderr and "Traceback" not in plain.stderr
    assert len(plain.stderr.strip().splitlines()) == 1
