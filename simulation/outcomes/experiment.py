"""An experiment inside one world, compared: each arm against control, participants against
the eligible who did not take part (cal §C).

Pure functions of a run's records: the ``invitations`` table (who was invited, what they were
then, their arm), spells, sanctions and part-time work on benefit. Per replication every arm's members are measured over
the same windows from the randomisation (the invitation date); because the arms were drawn from
the same volunteers in the same world, an arm's difference from control is paired within a
replication. Participants differ from non-participants by self-selection as well (who
volunteers), which the characteristics at invitation show.

Over replications the summary gives each value's mean with a t-interval and the paired
difference arm − control (participants − non-participants) with a t-interval over replications;
for one replication it gives intervals over the members instead (Welch), labelled so.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from simulation.defaults import CONFIDENCE
from simulation.model.run import RunResult
from simulation.outcomes.definitions import Outcome as Measure
from simulation.outcomes.statistics import mean_ci, welch_interval
from simulation.scenario.schema import CONTROL, Scenario
from simulation.scenario.units import DAYS_PER_YEAR

PARTICIPANTS, NON_PARTICIPANTS = "participants", "non_participants"


#: What is measured of each arm, in the order of every experiment table.
MEASURES: dict[str, Measure] = {  # shown as headline outcomes are: labels EN and NL, unit
    "members": Measure("Clients", "Klanten", "clients"),
    "exit_work_during": Measure("Left for work during the experiment", "Uitgestroomd naar werk tijdens het experiment",
                                "%"),
    "exit_any_during": Measure("Left benefit (any reason) during the experiment",
                               "Uitgestroomd (elke reden) tijdens het experiment", "%"),
    "exit_enforcement_during": Measure("Left after enforcement during the experiment",
                                       "Uitgestroomd na handhaving tijdens het experiment", "%"),
    "exit_work_12m": Measure("Left for work within 12 months", "Uitgestroomd naar werk binnen 12 maanden", "%"),
    "exit_work_24m": Measure("Left for work within 24 months", "Uitgestroomd naar werk binnen 24 maanden", "%"),
    "part_time_during": Measure("Worked part-time on benefit during the experiment",
                                "Deeltijdwerk naast de bijstand tijdens het experiment", "%"),
    "on_benefit_at_end": Measure("On benefit when the experiment ended", "In de bijstand bij het einde van het experiment",
                                 "%"),
    "contacts_during": Measure("Contacts per client during the experiment", "Contacten per klant tijdens het experiment",
                               "per client"),
    "sanctions_during": Measure("Sanctions per client during the experiment",
                                "Maatregelen per klant tijdens het experiment", "per client"),
    "motivation": Measure("Motivation at invitation (0-1)", "Motivatie bij de uitnodiging (0-1)", "score"),
    "trust": Measure("Trust at invitation (0-1)", "Vertrouwen bij de uitnodiging (0-1)", "score"),
    "years_on_benefit": Measure("Years on benefit at invitation", "Jaren in de bijstand bij de uitnodiging", "years"),
}
PERSON_MEASURES = [m for m in MEASURES if m != "members"]
SHARES = [m for m, spec in MEASURES.items() if spec.unit == "%"]


def has_experiment(result: RunResult) -> bool:
    return result.scenario.model.experiment is not None and "invitations" in result.tables


def arm_labels(model: Scenario) -> list[str]:
    """Control first, the other arms in file order, then participants and non-participants."""
    assert model.experiment is not None
    return [CONTROL, *(arm for arm in model.experiment.arms if arm != CONTROL), PARTICIPANTS, NON_PARTICIPANTS]


def reference_of(label: str) -> str | None:
    """What a row is compared with: control for an arm, non-participants for participants."""
    if label in (CONTROL, NON_PARTICIPANTS):
        return None
    return NON_PARTICIPANTS if label == PARTICIPANTS else CONTROL


def _ended(spells: pd.DataFrame, start: float, end: float, reason: str | None = None) -> set[int]:
    """Clients with a spell that ended in [start, end), for ``reason`` or any reason."""
    ended = spells[(spells["end"] >= start) & (spells["end"] < end)]
    if reason is not None:
        ended = ended[ended["reason"] == reason]
    return set(ended["client"].tolist())


def experiment_people(tables: dict[str, pd.DataFrame], model: Scenario) -> pd.DataFrame:
    """One row per invited client: its arm, whether it took part, and each measure of it (shares as
    0/100, so a group's mean is its percentage). A window the run does not cover is NaN."""
    experiment = model.experiment
    assert experiment is not None, "the scenario has no experiment"
    clock = model.clock
    start = float((experiment.invitation - clock.start).days)
    run_end = clock.horizon + clock.follow_up
    end = min(float((experiment.end - clock.start).days), run_end)
    invited, spells, sanctions = tables["invitations"], tables["spells"], tables["sanctions"]
    people = pd.DataFrame({"client": invited["client"].astype("int64"), "arm": invited["arm"].astype(str)})
    people["participant"] = people["arm"].isin(list(experiment.arms))
    clients = people["client"]

    def share(members: set[int], covered: bool = True) -> pd.Series:
        return 100.0 * clients.isin(members).astype(float) if covered else pd.Series(math.nan, index=people.index)

    people["exit_work_during"] = share(_ended(spells, start, end, "work"))
    people["exit_any_during"] = share(_ended(spells, start, end))
    people["exit_enforcement_during"] = share(_ended(spells, start, end, "enforcement"))
    for months in (12, 24):
        until = start + months / 12 * DAYS_PER_YEAR
        people[f"exit_work_{months}m"] = share(_ended(spells, start, until, "work"), until <= run_end)
    pieces = tables["part_time"]
    working = pieces[(pieces["start"] < end) & ~(pieces["until"] <= start)]  # NaN until: still working at the run's end
    people["part_time_during"] = share(set(working["client"].tolist()))
    open_then = spells[(spells["start"] <= end) & ~(spells["end"] <= end)]  # NaN end: still open at the run's end
    people["on_benefit_at_end"] = share(set(open_then["client"].tolist()), end < run_end)
    people["contacts_during"] = invited["contacts_during"].to_numpy(float)
    during = sanctions[(sanctions["time"] >= start) & (sanctions["time"] < end)]
    people["sanctions_during"] = clients.map(during["client"].value_counts()).fillna(0.0).astype(float)
    for column in ("motivation", "trust", "years_on_benefit"):
        people[column] = invited[column].to_numpy(float)
    return people


def _members(people: pd.DataFrame, label: str) -> pd.DataFrame:
    if label == PARTICIPANTS:
        return people[people["participant"]]
    if label == NON_PARTICIPANTS:
        return people[~people["participant"]]
    return people[people["arm"] == label]


def experiment_measures(result: RunResult) -> pd.DataFrame:
    """Tidy per replication: replication, arm, measure, value (every arm, participants, non-participants)."""
    people = experiment_people(result.tables, result.scenario.model)
    rows = []
    for label in arm_labels(result.scenario.model):
        members = _members(people, label)
        rows.append((result.replication, label, "members", float(len(members))))
        rows += [(result.replication, label, measure, float(members[measure].mean()) if len(members) else math.nan)
                 for measure in PERSON_MEASURES]
    return pd.DataFrame(rows, columns=["replication", "arm", "measure", "value"])


def experiment_tables(result: RunResult) -> dict[str, pd.DataFrame] | None:
    """One run's experiment: its tidy ``measures`` and their ``summary`` (intervals over the
    members); None when the scenario has no experiment."""
    if not has_experiment(result):
        return None
    measures = experiment_measures(result)
    return {"measures": measures, "summary": experiment_summary(measures, experiment_people(result.tables,
                                                                                           result.scenario.model))}


def experiment_summary(measures: pd.DataFrame, people: pd.DataFrame | None = None,
                       confidence: float = CONFIDENCE) -> pd.DataFrame:
    """Per arm and measure: mean with CI, and the difference from its reference with CI.

    Two or more replications: t-intervals over replications, the difference paired within each.
    One replication with ``people`` (``experiment_people``): intervals over the members (t for a
    value, Welch for a difference), which is all one world can say.
    """
    labels = list(dict.fromkeys(measures["arm"]))
    reps = measures["replication"].nunique()
    wide = measures.pivot_table(index="replication", columns=["arm", "measure"], values="value", dropna=False)
    by_people = reps < 2 and people is not None
    rows = []
    for label in labels:
        reference = reference_of(label)
        for measure, spec in MEASURES.items():
            row = {"arm": label, "measure": measure, "label": spec.label, "label_nl": spec.label_nl,
                   "unit": spec.unit, "reference": reference or ""}
            if by_people and measure != "members":
                assert people is not None
                row.update(_by_people(people, label, reference, measure, confidence))
            else:
                row.update(_by_replications(wide, label, reference, measure, confidence))
            rows.append(row)
    return pd.DataFrame(rows)


def _by_replications(wide: pd.DataFrame, label: str, reference: str | None, measure: str,
                     confidence: float) -> dict[str, object]:
    values = wide[(label, measure)].to_numpy(float)
    mean, low, high, n = mean_ci(values, confidence)
    out: dict[str, object] = {"basis": "replications", "n": n, "mean": mean, "ci_low": low, "ci_high": high}
    diff = low_d = high_d = math.nan
    if reference is not None:
        other = wide[(reference, measure)].to_numpy(float)
        both = np.isfinite(values) & np.isfinite(other)
        diff, low_d, high_d, _ = mean_ci(values[both] - other[both], confidence)
    return {**out, "diff": diff, "diff_low": low_d, "diff_high": high_d}


def _by_people(people: pd.DataFrame, label: str, reference: str | None, measure: str,
               confidence: float) -> dict[str, object]:
    values = _members(people, label)[measure].to_numpy(float)
    mean, low, high, n = mean_ci(values, confidence)
    out: dict[str, object] = {"basis": "members", "n": n, "mean": mean, "ci_low": low, "ci_high": high}
    diff = low_d = high_d = math.nan
    if reference is not None:
        diff, low_d, high_d = welch_interval(_members(people, reference)[measure].to_numpy(float), values, confidence)
    return {**out, "diff": diff, "diff_low": low_d, "diff_high": high_d}
