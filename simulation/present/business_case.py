"""The business case: what an approach costs or saves a municipality per year, benefits paid and
activation together (net cost), with the paired 95% CI and its parts, in one plain sentence.

A municipality keeps what it saves on benefits (the BUIG budget), so "does this approach pay for
itself?" is the question its council asks. Within one place (a transplant, or a decomposition's
policy effect) the sentence is about the approach; between two places of different sizes it is
per client-year on benefit.
"""

from __future__ import annotations

from typing import Any

import pandas as pd

from simulation.outcomes.definitions import SIZE_OUTCOME, sizes_differ
from simulation.present.tables import money

#: The money outcomes of the business case: net cost and its two parts, and net cost with the follow-up.
MONEY = ("net_cost_per_year", "benefits_paid_per_year", "activation_cost_per_year", "net_cost_incl_follow_up_per_year")
MONEY_PER_CLIENT = ("net_cost_per_client_year", "benefits_paid_per_client_year", "activation_cost_per_client_year",
                    "net_cost_incl_follow_up_per_client_year")

CASE_TEXT: dict[str, dict[str, str]] = {
    "en": {
        "approach": "In {place}, the {approach} approach {verb} {amount} per year {than} the {baseline} approach (95% CI "
                    "{low} to {high}): {benefits} in benefits and {activation} in activation. Over the window and the "
                    "follow-up together: {longer} per year (95% CI {longer_low} to {longer_high}).",
        "worlds": "Per client-year on benefit, {other} {verb} {amount} than {reference} (95% CI {low} to {high}): "
                  "{benefits} in benefits and {activation} in activation.",
        "worlds_same_size": "{other} {verb} {amount} per year than {reference} (95% CI {low} to {high}): {benefits} in "
                            "benefits and {activation} in activation.",
        "heading": "Business case (net cost = benefits paid + activation; paired differences):",
        "costs": "costs", "saves": "saves", "costs_more": "costs", "more": "more", "less": "less",
        "than_more": "than", "than_less": "compared with",
        "unclear": " The interval includes no difference: whether it pays for itself is not clear from {reps} replications.",
    },
    "nl": {
        "approach": "In {place} {verb} de aanpak van {approach} {amount} per jaar {than} die van {baseline} "
                    "(95%-interval {low} tot {high}): {benefits} aan uitkeringen en {activation} aan activering. Over de "
                    "waarnemings- en naloopperiode samen: {longer} per jaar (95%-interval {longer_low} tot {longer_high}).",
        "worlds": "Per klantjaar in de bijstand {verb} {other} {amount} dan {reference} (95%-interval {low} tot {high}): "
                  "{benefits} aan uitkeringen en {activation} aan activering.",
        "worlds_same_size": "{other} {verb} {amount} per jaar dan {reference} (95%-interval {low} tot {high}): "
                            "{benefits} aan uitkeringen en {activation} aan activering.",
        "heading": "Businesscase (netto kosten = uitkeringslasten + activering; gepaarde verschillen):",
        "costs": "kost", "saves": "bespaart", "costs_more": "kost", "more": "meer", "less": "minder",
        "than_more": "dan", "than_less": "ten opzichte van",
        "unclear": " Het interval omvat geen verschil: of het zichzelf terugverdient, blijkt niet uit {reps} replicaties.",
    },
}

Estimate = tuple[float, float, float]  # difference, CI low, CI high


def _more_less(value: float, lang: str) -> str:
    """"€1.2 million more" / "€ 1,2 miljoen minder"."""
    t = CASE_TEXT[lang]
    return f"{money(abs(value), lang)} {t['more'] if value >= 0 else t['less']}"


def _parts(diffs: dict[str, Estimate], keys: tuple[str, ...], lang: str) -> dict[str, str]:
    """The words every sentence shares: the net difference's interval and its two parts."""
    _, low, high = diffs[keys[0]]
    return {"low": money(low, lang, signed=True), "high": money(high, lang, signed=True),
            "benefits": _more_less(diffs[keys[1]][0], lang), "activation": _more_less(diffs[keys[2]][0], lang)}


def _unclear(diffs: dict[str, Estimate], key: str, reps: int, lang: str) -> str:
    """The closing remark when the net difference's interval includes zero."""
    _, low, high = diffs[key]
    return CASE_TEXT[lang]["unclear"].format(reps=reps) if low <= 0 <= high else ""


def approach_sentence(diffs: dict[str, Estimate], approach: str, baseline: str, place: str, reps: int,
                      lang: str = "en") -> str:
    """What ``approach`` costs or saves ``place`` per year against ``baseline``, net of benefits, with CI and parts."""
    t = CASE_TEXT[lang]
    net = diffs[MONEY[0]][0]
    longer = diffs[MONEY[3]]
    text = t["approach"].format(
        approach=approach, baseline=baseline, place=place, verb=t["costs"] if net >= 0 else t["saves"],
        than=t["than_more"] if net >= 0 else t["than_less"],
        amount=money(abs(net), lang) + (f" {t['more']}" if net >= 0 else ""), **_parts(diffs, MONEY, lang),
        longer=money(longer[0], lang, signed=True), longer_low=money(longer[1], lang, signed=True),
        longer_high=money(longer[2], lang, signed=True))
    return text + _unclear(diffs, MONEY[0], reps, lang)


def worlds_sentence(diffs: dict[str, Estimate], other: str, reference: str, per_client: bool, reps: int,
                    lang: str = "en") -> str:
    """What world ``other`` costs more or less than ``reference`` (per client-year when sizes differ)."""
    t = CASE_TEXT[lang]
    keys = MONEY_PER_CLIENT if per_client else MONEY
    text = t["worlds" if per_client else "worlds_same_size"].format(
        other=other, reference=reference, verb=t["costs_more"], amount=_more_less(diffs[keys[0]][0], lang),
        **_parts(diffs, keys, lang))
    return text + _unclear(diffs, keys[0], reps, lang)


def _estimates(rows: pd.DataFrame) -> dict[str, Estimate]:
    """outcome → (diff, diff_low, diff_high) from summary or effects rows."""
    return {str(r.outcome): (float(r.diff), float(r.diff_low), float(r.diff_high)) for r in rows.itertuples(index=False)}


def business_case(summary: pd.DataFrame, scenarios: list[dict[str, Any]], reps: int,
                  effects: pd.DataFrame | None = None, lang: str = "en") -> list[str]:
    """One sentence per comparison: each policy effect of a decomposition, else each scenario against the first."""
    if MONEY[0] not in set(summary["outcome"]):
        return []
    if effects is not None:
        policy = effects[effects["effect"] == "policy"]
        approach, baseline = str(effects["policy_b"].iloc[0]), str(effects["policy_a"].iloc[0])
        return [approach_sentence(_estimates(policy[policy["held"] == place]), approach, baseline, str(place), reps, lang)
                for place in dict.fromkeys(policy["held"])]
    labels = [s["label"] for s in scenarios]
    per_client = sizes_differ(summary[summary["outcome"] == SIZE_OUTCOME]["mean"].tolist())
    sentences = []
    for record in scenarios[1:]:
        diffs = _estimates(summary[summary["scenario"] == record["label"]])
        moved = record.get("policy_from")
        if moved and moved["place"] == scenarios[0]["name"]:
            sentences.append(approach_sentence(diffs, moved["policy"], scenarios[0]["name"], moved["place"], reps, lang))
        else:
            sentences.append(worlds_sentence(diffs, record["label"], labels[0], per_client, reps, lang))
    return sentences


def format_business_case(summary: pd.DataFrame, scenarios: list[dict[str, Any]], reps: int,
                         effects: pd.DataFrame | None = None, lang: str = "en") -> str:
    """The business case for the terminal: a heading and one sentence per comparison ("" if none)."""
    sentences = business_case(summary, scenarios, reps, effects, lang)
    return "\n".join([CASE_TEXT[lang]["heading"], *(f"- {s}" for s in sentences)]) if sentences else ""
