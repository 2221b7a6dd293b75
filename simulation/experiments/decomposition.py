"""Place or policy? The 2 × 2 of two places under two policies, on common random numbers.

Comparing Tilburg with Leeuwarden mixes two things: the city (its clients, inflow, labour
market, size) and the approach. ``decompose`` runs both places under both policies — each
city as it is, and each with the other's policy transplanted at the same intensity per client
(``simulation.scenario.transplant``) — with replication *i* of all four worlds on the same seed,
and reports per outcome, with paired 95% intervals:

- the **policy effect** in each place: B's policy instead of A's, to the same people;
- the **place effect** under each policy: B's place instead of A's, with the same approach;
- the **interaction**: how much the policy effect in B's place differs from that in A's.

Within a place the two worlds hold the same people with the same luck, so policy effects are
sharp; the two places hold different people, so place effects are as noisy as independent runs.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import Any

import pandas as pd

from simulation.defaults import COMPARE_REPS, CONFIDENCE
from simulation.errors import ScenarioError
from simulation.experiments.comparison import compare
from simulation.experiments.replication import as_scenarios
from simulation.outcomes.definitions import OUTCOMES
from simulation.outcomes.statistics import contrast
from simulation.scenario import LoadedScenario, transplant

#: The worlds of the 2 × 2 as (place, policy), in the order they run (the first is the reference).
WORLDS = (("a", "a"), ("a", "b"), ("b", "b"), ("b", "a"))

#: Each effect: kind, the place or policy it holds fixed, and its weights on WORLDS.
EFFECTS = (
    ("policy", "a", (-1, 1, 0, 0)),   # in place A: policy B − policy A
    ("policy", "b", (0, 0, 1, -1)),   # in place B: policy B − policy A
    ("place", "a", (-1, 0, 0, 1)),    # under policy A: place B − place A
    ("place", "b", (0, -1, 1, 0)),    # under policy B: place B − place A
    ("interaction", "", (1, -1, 1, -1)),  # policy effect in B − policy effect in A
)


def in_place(scenarios: Sequence[LoadedScenario], place: str) -> list[LoadedScenario]:
    """Every scenario's policy in the place of the one named ``place`` (its name, file name, file stem or path)."""
    chosen = [s for s in scenarios
              if place in (s.name, os.path.basename(s.path), os.path.splitext(os.path.basename(s.path))[0], s.path)]
    if not chosen:
        names = ", ".join(s.name for s in scenarios)
        raise ScenarioError(f"'{place}' is not one of the scenarios compared", argument="place", hint=f"one of: {names}")
    return [transplant(chosen[0], s) for s in scenarios]


def worlds(a: LoadedScenario, b: LoadedScenario) -> list[LoadedScenario]:
    """The four worlds of the 2 × 2 in the order of :data:`WORLDS`."""
    if a.hash == b.hash:
        raise ScenarioError("the two scenarios are the same; give two different ones", argument="scenarios")
    return [a, transplant(a, b), b, transplant(b, a)]


def decompose(scenarios: Sequence[LoadedScenario | str | os.PathLike[str]], reps: int | str = COMPARE_REPS,
              seed: int = 1, confidence: float = CONFIDENCE, **options: Any) -> pd.DataFrame:
    """The paired comparison of the four worlds (``compare``'s summary), with the effects table
    (:func:`effects`) in ``attrs["decomposition"]`` and the worlds' labels and the two names in
    ``attrs["decomposition_worlds"]`` (what a results folder keeps to compute it again)."""
    loaded = as_scenarios(scenarios)
    if len(loaded) != 2:
        raise ScenarioError(f"a decomposition takes exactly two scenarios (two places, two policies), got {len(loaded)}",
                            argument="scenarios")
    four = worlds(*loaded)
    summary = compare(four, reps, seed, confidence=confidence, **options)
    labels = [record["label"] for record in summary.attrs["scenarios"]]
    names = {"a": loaded[0].name, "b": loaded[1].name}
    summary.attrs["decomposition_worlds"] = {"labels": labels, "names": names}
    summary.attrs["decomposition"] = effects(summary.attrs["replications"], labels, names, confidence)
    return summary


def effects(replications: pd.DataFrame, labels: Sequence[str], names: dict[str, str],
            confidence: float = CONFIDENCE) -> pd.DataFrame:
    """One row per effect and outcome: the paired mean difference, its CI, the variance-reduction ratio.

    ``labels`` are the four worlds' labels in the order of :data:`WORLDS`; ``names`` maps "a"/"b"
    to the places' (and policies') names.
    """
    wide = replications.pivot_table(index=["outcome", "replication"], columns="scenario", values="value",
                                     dropna=False, sort=False)
    rows = []
    for outcome in OUTCOMES:
        block = wide.loc[outcome]
        columns = [block[label].to_numpy(float) for label in labels]
        for kind, held, weights in EFFECTS:
            mean, low, high, ratio, n = contrast(columns, weights, confidence)
            rows.append({"effect": kind, "held": names.get(held, ""), "outcome": outcome,
                         "label": OUTCOMES[outcome].label, "label_nl": OUTCOMES[outcome].label_nl,
                         "unit": OUTCOMES[outcome].unit, "n": n, "diff": mean, "diff_low": low, "diff_high": high,
                         "variance_ratio": ratio, "policy_a": names["a"], "policy_b": names["b"]})
    return pd.DataFrame(rows)
