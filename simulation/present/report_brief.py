"""The report's "in brief": one plain sentence per outcome, the largest policy differences first.

In a comparison each sentence gives a scenario's paired difference from the reference, its 95%
confidence interval and whether that interval lies above or below zero; the sentences are ordered
by the size of the difference relative to its uncertainty (|difference| ÷ half-width of the CI),
so a difference of 39 percentage points with a CI of ±2 comes before one of 2 ± 1.5, whatever
the outcome. Where the outcome has a direction (``DIRECTION``) a clear difference is also called
better or worse; otherwise higher and lower are just that. A single scenario has no difference to
rank: its values come in the order of :data:`KEY_OUTCOMES`.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from simulation.outcomes.definitions import DIRECTION, OUTCOMES
from simulation.present.report_text import DIFF_UNITS, TEXT
from simulation.present.tables import number, unit_text
from simulation.results.collection import Results

#: How many sentences per compared scenario are shown before the rest is folded away.
#: Assumption: a screen's worth (issue 12 asks for "perhaps the top 6-8").
BRIEF_SHOWN = 8

#: A single scenario's values come in this order (there is no difference to rank them by).
#: Assumption: the questions of domain.md's "What the users want to see" (outflow, sustainable
#: outflow, recidivism, participation, sanctions, waiting, cost).
KEY_OUTCOMES = ("exits_to_work_pct_stock", "sustainable_exits_per_year", "recidivism_12m", "share_rung_3_plus",
                "reinflow_any_exit_12m", "sanctions_per_year", "wait_wijkteam_mean_days", "cost_per_sustainable_exit")


@dataclass
class Sentence:
    scenario: str
    outcome: str
    text: str
    verdict: str  # "higher", "lower", "unclear", "same", "undefined", "no_ci", "value"
    judgement: str = ""  # "better" or "worse" where the outcome has a direction and the difference is clear
    score: float = math.nan  # |difference| ÷ CI half-width (inf: the same nonzero difference every replication)
    shown: bool = True  # among the first BRIEF_SHOWN of its scenario; the others are folded away

    @property
    def colour(self) -> str:
        """The colour class of the legend: better, worse, clear (no direction named) or unclear; a value has none."""
        if self.judgement:
            return self.judgement
        if self.verdict == "value":
            return "value"
        return "clear" if self.verdict in ("higher", "lower") else "unclear"


def label(outcome: str, lang: str) -> str:
    return OUTCOMES[outcome].label_nl if lang == "nl" else OUTCOMES[outcome].label


def lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[:2] != text[:2].upper() else text


def brief_rows(results: Results, lang: str = "en", outcomes: Iterable[str] | None = None) -> list[Sentence]:
    """The sentences of "in brief" in their order: per compared scenario, largest relative difference first.

    ``outcomes`` limits (and, for a single scenario, orders) the outcomes considered, e.g. to rates
    when the compared worlds differ in size; by default every outcome of the summary.
    """
    summary = results.summary.set_index(["scenario", "outcome"])
    chosen = _chosen(summary, outcomes)
    labels = results.labels
    if len(labels) == 1:
        ordered = chosen if outcomes is not None else sorted(chosen, key=_key_outcomes_first)
        return _mark_shown([_value_sentence(summary, labels[0], outcome, lang) for outcome in ordered])
    rows = []
    for other in labels[1:]:
        sentences = [_difference_sentence(summary, labels[0], other, outcome, lang) for outcome in chosen]
        rows += _mark_shown(sorted(sentences, key=_rank))
    return rows


def _chosen(summary: pd.DataFrame, outcomes: Iterable[str] | None) -> list[str]:
    """The outcomes asked for (all by default) that are defined and in the summary."""
    present = set(summary.index.get_level_values("outcome"))
    return [o for o in (OUTCOMES if outcomes is None else outcomes) if o in OUTCOMES and o in present]


def _key_outcomes_first(outcome: str) -> int:
    return KEY_OUTCOMES.index(outcome) if outcome in KEY_OUTCOMES else len(KEY_OUTCOMES)


def _rank(sentence: Sentence) -> float:
    """Largest |difference| ÷ half-width first; no interval (NaN) last; ties keep the outcomes' order."""
    return math.inf if math.isnan(sentence.score) else -sentence.score


def _mark_shown(rows: list[Sentence]) -> list[Sentence]:
    for position, row in enumerate(rows):
        row.shown = position < BRIEF_SHOWN
    return rows


def relative_size(diff: float, low: float, high: float) -> float:
    """|difference| ÷ half-width of its CI: how many half-widths the difference lies from zero."""
    if math.isnan(diff) or math.isnan(low) or math.isnan(high):
        return math.nan
    half = (high - low) / 2
    if half <= 0:
        return math.inf if diff != 0 else 0.0
    return abs(diff) / half


def _value_sentence(summary: pd.DataFrame, scenario: str, outcome: str, lang: str) -> Sentence:
    """The only scenario's value of ``outcome``, with its CI when there is one."""
    t = TEXT[lang]
    unit = OUTCOMES[outcome].unit
    row = summary.loc[(scenario, outcome)]
    value = f"{number(row['mean'], unit, lang)} {unit_text(unit, lang)}".strip()
    interval = ("" if math.isnan(row["ci_low"]) else
                f" ({t['ci']} {number(row['ci_low'], unit, lang)} {t['to']} {number(row['ci_high'], unit, lang)})")
    return Sentence(scenario, outcome, f"{label(outcome, lang)}: {value}{interval}", "value")


def _difference_sentence(summary: pd.DataFrame, reference: str, other: str, outcome: str, lang: str) -> Sentence:
    """``other`` against the reference on ``outcome``: the paired difference, its CI, verdict and judgement."""
    t = TEXT[lang]
    unit = OUTCOMES[outcome].unit
    name = lower_first(label(outcome, lang))
    base, row = summary.loc[(reference, outcome)], summary.loc[(other, outcome)]
    means = f"{reference} {number(base['mean'], unit, lang)}; {other} {number(row['mean'], unit, lang)}"
    if math.isnan(row["diff"]):
        return Sentence(other, outcome, f"{name}: {t['undefined']} ({means})", "undefined")
    diff = number(row["diff"], unit, lang, signed=True)
    if unit.startswith("€"):
        diff = diff[0] + "€" + diff[1:]
    verdict, interval = _verdict(row, unit, lang)
    judgement = _judgement(outcome, verdict)
    if judgement:
        interval += f" — {t[judgement]}"
    text = f"{' '.join(filter(None, [diff, DIFF_UNITS[lang].get(unit, unit)]))} {t['on']} {name}, {interval} ({means})"
    return Sentence(other, outcome, text, verdict, judgement, relative_size(row["diff"], row["diff_low"], row["diff_high"]))


def _verdict(row: pd.Series, unit: str, lang: str) -> tuple[str, str]:
    """Whether the difference's CI lies above or below zero or includes it; or there is no CI or no spread."""
    t = TEXT[lang]
    diff, low, high = row["diff"], row["diff_low"], row["diff_high"]
    if math.isnan(low):
        return "no_ci", t["no_ci"]
    if low == high == diff:  # every replication gave the same difference
        if diff == 0:
            return "same", t["same"]
        verdict = "higher" if diff > 0 else "lower"
        return verdict, f"{t['same_difference']}; {t[verdict]}"
    verdict = "higher" if low > 0 else "lower" if high < 0 else "unclear"
    return verdict, (f"{t['ci']} {number(low, unit, lang, signed=True)} {t['to']} "
                     f"{number(high, unit, lang, signed=True)}; {t[verdict]}")


def _judgement(outcome: str, verdict: str) -> str:
    """"better" or "worse" for a clear difference of an outcome with a direction; "" otherwise."""
    direction = DIRECTION.get(outcome)
    if verdict not in ("higher", "lower") or direction not in ("higher_is_better", "lower_is_better"):
        return ""
    return "better" if (verdict == "higher") == (direction == "higher_is_better") else "worse"
