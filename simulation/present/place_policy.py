"""Place and policy in plain text: a transplant's conversion per client, the note that leads with
rates when worlds differ in size, and the 2 × 2 decomposition's tables (terminal and report)."""

from __future__ import annotations

import math
from typing import Any

import pandas as pd

from simulation.outcomes.definitions import OUTCOMES, SIZE_OUTCOME, is_count, rates_first, sizes_differ
from simulation.present.tables import _aligned, estimate_text, number, variance_ratio_text

TEXT: dict[str, dict[str, str]] = {
    "en": {
        "conversion": "{place} under the {policy} policy: capacities and budgets converted per client on benefit "
                      "({here} clients here, {there} there: ×{factor})",
        "sizes": "The compared worlds differ in size (average stock {stocks} clients), so rates per 1,000 clients "
                 "on benefit (or per client-year) come first; counts per year follow and mostly reflect size.",
        "policy_title": "Policy effect: the {b} policy instead of the {a} policy, to the same clients "
                        "(paired 95% CI{vr})",
        "place_title": "Place effect: {b}'s place instead of {a}'s, under the same policy (95% CI; rates only, "
                       "counts mostly reflect size)",
        "in": "in {place}", "under": "under the {policy} policy", "interaction": "interaction",
        "interaction_note": "interaction: the policy effect in {b} minus that in {a} (does the policy work "
                            "differently in the other place?)",
    },
    "nl": {
        "conversion": "{place} met het beleid van {policy}: capaciteit en budgetten omgerekend per klant in de bijstand "
                      "({here} klanten hier, {there} daar: ×{factor})",
        "sizes": "De vergeleken werelden verschillen in omvang (gemiddeld bestand {stocks} klanten); daarom staan "
                 "cijfers per 1.000 klanten in de bijstand (of per klantjaar) voorop; aantallen per jaar volgen en "
                 "weerspiegelen vooral de omvang.",
        "policy_title": "Effect van het beleid: het beleid van {b} in plaats van dat van {a}, voor dezelfde klanten "
                        "(gepaard 95%-interval{vr})",
        "place_title": "Effect van de plaats: de plaats {b} in plaats van {a}, met hetzelfde beleid (95%-interval; "
                       "alleen cijfers per klant, aantallen weerspiegelen vooral de omvang)",
        "in": "in {place}", "under": "met beleid {policy}", "interaction": "wisselwerking",
        "interaction_note": "wisselwerking: het effect van het beleid in {b} min dat in {a} (werkt het beleid "
                            "anders in de andere plaats?)",
    },
}

CONVERSION_HEADER = {"en": ["", "there", "per 1,000 clients", "here"], "nl": ["", "daar", "per 1.000 klanten", "hier"]}

#: How a converted capacity is written: the unit after the number.
KIND_UNITS = {"en": {"per_year": " per year", "money_per_year": " € per year", "target_per_year": " per year"},
              "nl": {"per_year": " per jaar", "money_per_year": " € per jaar", "target_per_year": " per jaar"}}


def conversion_rows(record: dict[str, Any], lang: str) -> list[list[str]]:
    """Each converted capacity that is not zero: key, value there, per 1,000 clients, value here."""
    rows = []
    for item in record["conversions"]:
        if item["there"] == 0:
            continue
        unit = KIND_UNITS[lang].get(item["kind"], "")
        rows.append([item["key"], number(item["there"], "", lang) + unit, number(item["per_1000"], "", lang) + unit,
                     number(item["here"], "", lang) + unit])
    return rows


def format_conversion(record: dict[str, Any], lang: str = "en") -> str:
    """The conversion of a transplanted policy, as a table under one sentence."""
    t = TEXT[lang]
    factor = f"{record['factor']:.2f}".replace(".", "," if lang == "nl" else ".")
    head = t["conversion"].format(place=record["place"], policy=record["policy"], factor=factor,
                                  here=number(record["place_clients"], "clients", lang),
                                  there=number(record["policy_clients"], "clients", lang))
    return head + "\n" + _aligned([CONVERSION_HEADER[lang], *conversion_rows(record, lang)])


def size_note(summary: pd.DataFrame, lang: str = "en") -> str | None:
    """One sentence when the compared worlds differ in size (rates then lead), else None."""
    stocks = summary[summary["outcome"] == SIZE_OUTCOME]["mean"].tolist()
    if not sizes_differ(stocks):
        return None
    shown = (" / ".join(number(s, "clients", lang) for s in stocks))
    return TEXT[lang]["sizes"].format(stocks=shown)


def ordered_summary(summary: pd.DataFrame) -> pd.DataFrame:
    """The summary with rates first when the worlds differ in size (else unchanged)."""
    if not sizes_differ(summary[summary["outcome"] == SIZE_OUTCOME]["mean"].tolist()):
        return summary
    order = {o: i for i, o in enumerate(rates_first(list(dict.fromkeys(summary["outcome"]))))}
    return summary.sort_values("outcome", key=lambda s: s.map(order), kind="stable")


def _cell(row: pd.Series, lang: str) -> str:
    return estimate_text(row["diff"], row["diff_low"], row["diff_high"], row["unit"], lang, signed=True)


def _vr(row: pd.Series, lang: str) -> str:
    ratio = row["variance_ratio"]
    return "" if isinstance(ratio, float) and math.isnan(ratio) else variance_ratio_text(ratio, lang)


def outcome_label(outcome: str, lang: str) -> str:
    return OUTCOMES[outcome].label_nl if lang == "nl" else OUTCOMES[outcome].label


def policy_table(effects: pd.DataFrame, lang: str, with_vr: bool = True) -> list[list[str]]:
    """Rows of the policy table: per outcome the effect in each place (with VR) and the interaction."""
    a, b = effects["policy_a"].iloc[0], effects["policy_b"].iloc[0]
    t = TEXT[lang]
    vr = ["VR"] if with_vr else []
    rows = [["", t["in"].format(place=a), *vr, t["in"].format(place=b), *vr, t["interaction"]]]
    for outcome, block in effects.groupby("outcome", sort=False):
        by = {(r.effect, r.held): pd.Series(r._asdict()) for r in block.itertuples(index=False)}
        in_a, in_b, both = by[("policy", a)], by[("policy", b)], by[("interaction", "")]
        ratios = ([_vr(in_a, lang)], [_vr(in_b, lang)]) if with_vr else ([], [])
        rows.append([outcome_label(str(outcome), lang), _cell(in_a, lang), *ratios[0], _cell(in_b, lang), *ratios[1],
                     _cell(both, lang)])
    return rows


def place_table(effects: pd.DataFrame, lang: str) -> list[list[str]]:
    """Rows of the place table: per size-free outcome the place effect under each policy."""
    a, b = effects["policy_a"].iloc[0], effects["policy_b"].iloc[0]
    t = TEXT[lang]
    rows = [["", t["under"].format(policy=a), t["under"].format(policy=b)]]
    for outcome, block in effects.groupby("outcome", sort=False):
        if is_count(str(outcome)):
            continue
        by = {(r.effect, r.held): pd.Series(r._asdict()) for r in block.itertuples(index=False)}
        rows.append([outcome_label(str(outcome), lang), _cell(by[("place", a)], lang), _cell(by[("place", b)], lang)])
    return rows


def ordered_effects(effects: pd.DataFrame) -> pd.DataFrame:
    """Rates and shares first, counts after."""
    order = {o: i for i, o in enumerate(rates_first(list(dict.fromkeys(effects["outcome"]))))}
    return effects.sort_values("outcome", key=lambda s: s.map(order), kind="stable")


def format_decomposition(effects: pd.DataFrame, lang: str = "en") -> str:
    """The policy table (effect in each place, interaction) and the place table, for the terminal."""
    t = TEXT[lang]
    effects = ordered_effects(effects)
    a, b = effects["policy_a"].iloc[0], effects["policy_b"].iloc[0]
    parts = [t["policy_title"].format(a=a, b=b, vr="; VR"), _aligned(policy_table(effects, lang)),
             t["interaction_note"].format(a=a, b=b), "", t["place_title"].format(a=a, b=b),
             _aligned(place_table(effects, lang))]
    return "\n".join(parts)


