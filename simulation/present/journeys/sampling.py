"""Which clients a journey picture shows: a reproducible sample that covers the interesting kinds
of client (back from work, sanctioned, on a trajectory, with the wijkteam) before the rest."""

from __future__ import annotations

import numpy as np
import pandas as pd

from simulation.present.journeys.clock import run_clock
from simulation.present.journeys.views import spells_of
from simulation.results.run_tables import check_run_tables


def client_strata(tables: dict[str, pd.DataFrame]) -> dict[str, list[int]]:
    """Clients with something worth showing, by kind (sorted ids, a client may be in several).

    ``reentry_after_work``: a benefit spell after a spell that ended in work; ``sanctioned``: a
    row in the sanctions table; ``trajectory``: a ``trajectory_start``; ``wijkteam``: a
    ``service_start`` by the wijkteam.
    """
    spells = spells_of(tables)
    previous = spells.groupby("client")["reason"].shift()
    reentry = spells.loc[(spells["spell_no"] > 1) & (previous == "work"), "client"]
    events = tables["events"]
    activity, resource = events["activity"], events["resource"]
    return {
        "reentry_after_work": sorted(set(reentry.astype(int))),
        "sanctioned": sorted(set(tables["sanctions"]["client"].astype(int))),
        "trajectory": sorted(set(events.loc[activity == "trajectory_start", "case_id"].astype(int))),
        "wijkteam": sorted(set(events.loc[(activity == "service_start") & (resource == "wijkteam"),
                                          "case_id"].astype(int))),
    }


def sample_clients(tables: dict[str, pd.DataFrame], n: int, seed: int = 0) -> list[int]:
    """``n`` clients to show, reproducibly (``np.random.default_rng(seed)``), sorted by id.

    The rule:

    1. Only clients with a benefit spell count. *Preferred* are those with at least one event in
       the observation window (warm-up end to horizon, see :func:`run_clock`); the others are
       used only when the preferred ones run out.
    2. Strata, in this order: someone who went to work and came back (a spell after a spell
       that ended in work), someone sanctioned, someone with a trajectory, someone with a
       wijkteam episode (:func:`client_strata`). For each stratum not yet covered by an earlier
       pick, one client is drawn at random from it (preferred clients first), while fewer than
       ``n`` are picked. A stratum nobody belongs to is skipped.
    3. The rest are drawn at random, without replacement, from the remaining preferred clients,
       then from the other clients with a spell.

    Fewer than ``n`` come back when the run has fewer clients with a spell. Same tables, ``n``
    and ``seed`` give the same list; the global random state is never used.
    """
    check_run_tables(tables)
    if n <= 0:
        return []
    rng = np.random.default_rng(seed)
    preferred, others = _candidates(tables)
    chosen = _one_per_stratum(client_strata(tables), preferred, others, n, rng)
    for pool in (preferred, others):
        rest = sorted(pool - set(chosen))
        take = min(n - len(chosen), len(rest))
        if take > 0:
            chosen.extend(int(c) for c in rng.choice(rest, size=take, replace=False))
    return sorted(chosen)


def _candidates(tables: dict[str, pd.DataFrame]) -> tuple[set[int], set[int]]:
    """Clients with a spell: those with an event in the observation window, and the others."""
    clock = run_clock(tables)
    with_spell = set(spells_of(tables)["client"].astype(int))
    events = tables["events"]
    times = events["time"].to_numpy(dtype=float)
    in_window = (times >= clock.warmup) & (times < clock.horizon)
    preferred = set(events.loc[in_window, "case_id"].astype(int)) & with_spell
    return preferred, with_spell - preferred


def _one_per_stratum(strata: dict[str, list[int]], preferred: set[int], others: set[int], n: int,
                     rng: np.random.Generator) -> list[int]:
    """One client of each stratum not yet covered, preferred clients first, while fewer than ``n``."""
    with_spell = preferred | others
    chosen: list[int] = []
    for members in strata.values():
        if len(chosen) >= n:
            break
        members_set = set(members) & with_spell
        if not members_set or members_set & set(chosen):
            continue
        pick = _draw(rng, members_set & preferred, chosen)
        if pick is None:
            pick = _draw(rng, members_set & others, chosen)
        if pick is not None:
            chosen.append(pick)
    return chosen


def _draw(rng: np.random.Generator, pool: set[int], chosen: list[int]) -> int | None:
    candidates = sorted(pool - set(chosen))
    return int(rng.choice(candidates)) if candidates else None
