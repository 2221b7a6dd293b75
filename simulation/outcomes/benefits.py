"""Benefits paid (bijstand uitkeringslasten): what the municipality pays out over an interval.

A municipality pays the bijstand from its BUIG budget and keeps what it saves, so the benefits paid
belong in its business case next to the activation cost. Computed from a run's tables only: every
day a client is on benefit (``spells``) costs the norm of that day's calendar year for the client's
household (``clients``; ``Benefits.per_day``: the monthly norm × 12 / 365.25, so each day of a year
costs the same and a 365-day year pays 0.07% less than twelve monthly norms), less the sanction cuts
(``sanctions``) in force that day, less what part-time earnings on benefit take off (``part_time``:
the earnings less the release while it runs, the whole earnings after it; never more than the norm
leaves after a cut, so a day's benefit does not go below zero).
"""

from __future__ import annotations

import datetime as dt
import math
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from simulation.scenario.schema import Benefits, HouseholdNorms

if TYPE_CHECKING:
    from simulation.model.run import RunResult


def year_pieces(start_date: dt.date, start: float, end: float) -> list[tuple[int, float, float]]:
    """[start, end) in simulation days (0 = ``start_date``) cut at each 1 January: (year, from, to)."""
    def day_of(year: int) -> float:
        return float((dt.date(year, 1, 1) - start_date).days)

    def year_at(t: float) -> int:
        return (start_date + dt.timedelta(days=math.floor(t))).year

    if end <= start:
        return []
    return [(year, max(start, day_of(year)), min(end, day_of(year + 1)))
            for year in range(year_at(start), year_at(math.nextafter(end, -math.inf)) + 1)]


def overlap(lo: pd.Series | np.ndarray, hi: pd.Series | np.ndarray, start: float, end: float) -> np.ndarray:
    """Days of each [lo, hi) inside [start, end); never negative."""
    return np.clip(np.minimum(np.asarray(hi, dtype=float), end) - np.maximum(np.asarray(lo, dtype=float), start), 0, None)


def gross_benefits(spells: pd.DataFrame, clients: pd.DataFrame, norms: Benefits, start_date: dt.date,
                   start: float, end: float) -> float:
    """The norm over every day on benefit in [start, end), before deductions; an open spell
    (``end`` NaN) runs on."""
    household = spells["client"].map(clients.set_index("client")["household"])
    spell_end = spells["end"].fillna(np.inf)
    total = 0.0
    for year, lo, hi in year_pieces(start_date, start, end):
        in_force = norms.norms_in(year)
        per_day = household.map({h: float(getattr(in_force, h)) for h in HouseholdNorms.model_fields})
        total += float((overlap(spells["start"], spell_end, lo, hi) * per_day.to_numpy(dtype=float)).sum())
    return total


def sanction_deductions(sanctions: pd.DataFrame, spells: pd.DataFrame) -> pd.DataFrame:
    """Each maatregel as a deduction: its cut per day from its time until the cut ends, the spell it
    was imposed in ends, or the client's next maatregel replaces it (as ``Client.sanction_cut_until``
    is overwritten), whichever is first."""
    if sanctions.empty:
        return pd.DataFrame({"client": pd.Series(dtype="int64"), "start": pd.Series(dtype=float),
                             "until": pd.Series(dtype=float), "per_day": pd.Series(dtype=float)})
    cuts = sanctions.sort_values(["client", "time"], kind="stable").reset_index(drop=True)
    next_cut = cuts.groupby("client")["time"].shift(-1).fillna(np.inf)
    ordered = spells[["client", "start", "end"]].sort_values("start", kind="stable")
    within = pd.merge_asof(cuts[["client", "time"]].reset_index().sort_values("time", kind="stable"), ordered,
                           left_on="time", right_on="start", by="client", direction="backward").set_index("index")
    spell_end = within["end"].reindex(cuts.index).fillna(np.inf)
    until = np.minimum(np.minimum(cuts["cut_until"].to_numpy(dtype=float), spell_end.to_numpy()), next_cut.to_numpy())
    return pd.DataFrame({"client": cuts["client"], "start": cuts["time"], "until": until, "per_day": cuts["cut_per_day"]})


def deductions(rows: pd.DataFrame, start: float, end: float) -> float:
    """Euros deducted in [start, end) by rows of (client, start, until, per_day)."""
    if rows.empty:
        return 0.0
    return float((overlap(rows["start"], rows["until"], start, end) * rows["per_day"].to_numpy(dtype=float)).sum())


def earnings_pieces(part_time: pd.DataFrame) -> pd.DataFrame:
    """Each piece of part-time work as deductions of constant size (client, start, until, per_day):
    the earnings less the release until ``released_until``, the whole earnings from then on; an open
    piece (``until`` NaN) runs on."""
    until = part_time["until"].astype(float).fillna(np.inf).to_numpy()
    start = part_time["start"].to_numpy(dtype=float)
    split = np.clip(part_time["released_until"].to_numpy(dtype=float), start, until)
    earnings = part_time["earnings_per_day"].to_numpy(dtype=float)
    client = part_time["client"].to_numpy()
    released = pd.DataFrame({"client": client, "start": start, "until": split,
                             "per_day": earnings - part_time["released_per_day"].to_numpy(dtype=float)})
    after = pd.DataFrame({"client": client, "start": split, "until": until, "per_day": earnings})
    pieces = pd.concat([released, after], ignore_index=True)
    return pieces[pieces["until"] > pieces["start"]].reset_index(drop=True)


def earnings_deductions(pieces: pd.DataFrame, cuts: pd.DataFrame, clients: pd.DataFrame, norms: Benefits,
                        start_date: dt.date, start: float, end: float) -> float:
    """Euros part-time earnings take off the benefit in [start, end): each day at most the norm, and
    during a sanction cut at most what the cut leaves (a client's pieces do not overlap, nor do its cuts)."""
    household = pieces["client"].map(clients.set_index("client")["household"])
    both = pieces.assign(household=household).merge(cuts, on="client", suffixes=("", "_cut"))
    both_lo = np.maximum(both["start"].to_numpy(dtype=float), both["start_cut"].to_numpy(dtype=float))
    both_hi = np.minimum(both["until"].to_numpy(dtype=float), both["until_cut"].to_numpy(dtype=float))
    per_day, both_per_day = pieces["per_day"].to_numpy(dtype=float), both["per_day"].to_numpy(dtype=float)
    total = 0.0
    for year, lo, hi in year_pieces(start_date, start, end):
        in_force = {h: float(getattr(norms.norms_in(year), h)) for h in HouseholdNorms.model_fields}
        norm = household.map(in_force).to_numpy(dtype=float)
        total += float((overlap(pieces["start"], pieces["until"], lo, hi) * np.minimum(per_day, norm)).sum())
        if len(both):
            norm = both["household"].map(in_force).to_numpy(dtype=float)
            left = np.maximum(norm - both["per_day_cut"].to_numpy(dtype=float), 0.0)
            lost = np.minimum(both_per_day, norm) - np.minimum(both_per_day, left)
            total -= float((overlap(both_lo, both_hi, lo, hi) * lost).sum())
    return total


def benefits_paid(tables: dict[str, pd.DataFrame], norms: Benefits, start_date: dt.date, start: float,
                  end: float) -> float:
    """Euros of benefit paid in [start, end) of simulation time: the norm on every day on benefit,
    less the sanction cuts in force and what part-time earnings take off (a run without a
    ``part_time`` table, or an empty one, had none)."""
    spells = tables["spells"]
    paid = gross_benefits(spells, tables["clients"], norms, start_date, start, end)
    cuts = sanction_deductions(tables["sanctions"], spells)
    paid -= deductions(cuts, start, end)
    part_time = tables.get("part_time")
    if part_time is not None and len(part_time):
        pieces = earnings_pieces(part_time)
        paid -= earnings_deductions(pieces, cuts, tables["clients"], norms, start_date, start, end)
    return paid


def benefits_paid_in(result: RunResult, start: float, end: float) -> float:
    """:func:`benefits_paid` of one run, with its scenario's norms and start date."""
    spec = result.scenario.model
    return benefits_paid(result.tables, spec.benefits, spec.clock.start, start, end)
