"""The report's place-and-policy parts: "in brief" for a decomposition and for worlds of different
sizes, the section on the 2 × 2 (with each transplant's conversion per client), and the business
case (net cost: benefits paid + activation).

A decomposition's "in brief" compares each place under the two policies — the same clients, so
the policy's effect — rather than every world with the first; worlds of different sizes are
compared on rates, and the counts stay in the outcome table.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from markupsafe import Markup

from simulation.outcomes.definitions import OUTCOMES, RATE_OF, SIZE_OUTCOME, is_count, sizes_differ
from simulation.outcomes.statistics import summarise
from simulation.present import business_case as case
from simulation.present import place_policy
from simulation.present.report_brief import Sentence, brief_rows
from simulation.present.report_differs import key_words
from simulation.present.tables import variance_ratio_text
from simulation.results.collection import Results

TEXT: dict[str, dict[str, str]] = {
    "en": {
        "policy_in": "In {place}: the {b} policy instead of the {a} policy (the same clients)",
        "brief_decomposition": "Each line is the effect of the {b} policy instead of the {a} policy on the same "
                               "clients, in each place; the largest differences, relative to their uncertainty, first.",
        "place_policy": "Place or policy?",
        "place_policy_intro": "Each place ran under both policies on the same random numbers: {a} and {b} as they are, "
                              "and each with the other's policy, its capacities and budgets converted per client on "
                              "benefit. The policy effect compares the same clients under two policies; the place "
                              "effect compares different people under one policy (as noisy as independent runs); the "
                              "interaction says whether the policy works differently in the other place.",
        "transplants": "The policies moved, converted per 1,000 clients on benefit",
        "case": "Business case",
        "case_intro": "Net cost is the benefits paid (the Participatiewet norm of each household and year, less "
                      "sanctions) plus activation (staff, trajectories, budgets). A municipality keeps what it saves on "
                      "benefits, so this is the sum a council weighs.",
    },
    "nl": {
        "policy_in": "In {place}: het beleid van {b} in plaats van dat van {a} (dezelfde klanten)",
        "brief_decomposition": "Elke regel is het effect van het beleid van {b} in plaats van dat van {a} op dezelfde "
                               "klanten, per plaats; de grootste verschillen, gemeten aan hun onzekerheid, eerst.",
        "place_policy": "Plaats of beleid?",
        "place_policy_intro": "Elke plaats draaide met beide beleidsvormen op dezelfde toevalsgetallen: {a} en {b} zoals "
                              "ze zijn, en elk met het beleid van de ander, met capaciteit en budgetten omgerekend per "
                              "klant in de bijstand. Het effect van het beleid vergelijkt dezelfde klanten onder twee "
                              "beleidsvormen; het effect van de plaats vergelijkt verschillende mensen onder één beleid "
                              "(zo onzeker als onafhankelijke runs); de wisselwerking zegt of het beleid in de andere "
                              "plaats anders werkt.",
        "transplants": "Het verplaatste beleid, omgerekend per 1.000 klanten in de bijstand",
        "case": "Businesscase",
        "case_intro": "Netto kosten zijn de uitkeringslasten (de norm van de Participatiewet per huishouden en jaar, "
                      "min maatregelen) plus activering (personeel, trajecten, budgetten). Een gemeente houdt wat ze op "
                      "uitkeringen bespaart; dit is dus het bedrag dat een raad afweegt.",
    },
}


def _pair(results: Results, first: str, second: str) -> Results:
    """The results of two of the compared worlds, ``first`` the reference."""
    records = {s["label"]: s for s in results.scenarios}
    replications = results.replications[results.replications["scenario"].isin([first, second])]
    order = {first: 0, second: 1}
    replications = replications.sort_values("scenario", key=lambda s: s.map(order), kind="stable")
    manifest = {k: v for k, v in results.manifest.items() if k != "decomposition"}  # two worlds are no 2 × 2
    return dataclasses.replace(results, scenarios=[records[first], records[second]], replications=replications,
                               summary=summarise(replications), manifest=manifest)


def size_free(results: Results) -> list[str] | None:
    """The outcomes "in brief" compares, each quantity once: its rate when the worlds differ in size
    (counts mostly show size), its count otherwise (the rate per 1,000 would say the same twice);
    None for a single scenario (every outcome)."""
    if len(results.labels) < 2:
        return None
    stocks = results.summary[results.summary["outcome"] == SIZE_OUTCOME]["mean"].tolist()
    if sizes_differ(stocks):
        return [o for o in OUTCOMES if not is_count(o)]
    twins = set(RATE_OF.values()) - {"exits_to_work_pct_stock"}  # exits per client is a headline of its own
    return [o for o in OUTCOMES if o not in twins]


def brief_groups(results: Results, lang: str) -> list[dict[str, Any]] | None:
    """For a decomposition: the policy effect in each place, each a group of sentences; else None."""
    worlds = results.manifest.get("decomposition")
    if not worlds:
        return None
    labels, names = worlds["labels"], worlds["names"]
    groups = []
    for place, (first, second) in ((names["a"], (labels[0], labels[1])), (names["b"], (labels[3], labels[2]))):
        pair = _pair(results, first, second)
        rows: list[Sentence] = brief_rows(pair, lang, size_free(pair))
        groups.append({"scenario": second, "heading": TEXT[lang]["policy_in"].format(place=place, a=names["a"],
                                                                                     b=names["b"]),
                       "shown": [r for r in rows if r.shown], "folded": [r for r in rows if not r.shown]})
    return groups


def brief_intro(results: Results, lang: str) -> Markup | None:
    """The opening of "in brief" for a decomposition (None otherwise)."""
    worlds = results.manifest.get("decomposition")
    if not worlds:
        return None
    return Markup(TEXT[lang]["brief_decomposition"]).format(a=worlds["names"]["a"], b=worlds["names"]["b"])


def size_sentence(results: Results, lang: str) -> str | None:
    """The one sentence that says rates lead because the worlds differ in size."""
    return place_policy.size_note(results.summary, lang)


def place_and_policy(results: Results, lang: str) -> dict[str, Any] | None:
    """The 2 × 2 tables and each transplant's conversion; None when nothing was moved or decomposed."""
    moved = [s["policy_from"] for s in results.scenarios if s.get("policy_from")]
    effects = results.decomposition
    if not moved and effects is None:
        return None
    t = TEXT[lang]
    data: dict[str, Any] = {"title": t["place_policy"], "intro": None, "tables": [], "notes": [],
                            "transplants_title": t["transplants"], "transplants": []}
    if effects is not None:
        effects = place_policy.ordered_effects(effects)
        a, b = effects["policy_a"].iloc[0], effects["policy_b"].iloc[0]
        texts = place_policy.TEXT[lang]
        data["intro"] = t["place_policy_intro"].format(a=a, b=b)
        data["tables"] = [{"title": texts["policy_title"].format(a=a, b=b, vr=""),
                           "rows": place_policy.policy_table(effects, lang, with_vr=False)},
                          {"title": texts["place_title"].format(a=a, b=b), "rows": place_policy.place_table(effects, lang)}]
        data["notes"] = [texts["interaction_note"].format(a=a, b=b)]
    for record in moved:
        data["transplants"].append({"title": place_policy.format_conversion(record, lang).splitlines()[0],
                                    "header": place_policy.CONVERSION_HEADER[lang],
                                    "rows": [[key_words(row[0], lang), *row[1:]]
                                             for row in place_policy.conversion_rows(record, lang)]})
    return data


def decomposition_ratios(results: Results, lang: str) -> tuple[list[str], list[dict[str, Any]]]:
    """For a decomposition, the technical section's VRs are those of the effects (the policy effect in
    each place, the place effect under each policy, the interaction); ([], []) otherwise."""
    effects = results.decomposition
    if effects is None:
        return [], []
    texts = place_policy.TEXT[lang]
    a, b = effects["policy_a"].iloc[0], effects["policy_b"].iloc[0]
    keys = [("policy", a), ("policy", b), ("place", a), ("place", b), ("interaction", "")]
    headers = [texts["in"].format(place=a), texts["in"].format(place=b), texts["under"].format(policy=a),
               texts["under"].format(policy=b), texts["interaction"]]
    indexed = effects.set_index(["outcome", "effect", "held"])["variance_ratio"]
    rows = [{"label": place_policy.outcome_label(outcome, lang),
             "ratios": [variance_ratio_text(float(indexed[(outcome, *key)]), lang) for key in keys]}
            for outcome in dict.fromkeys(effects["outcome"])]
    return headers, rows


def business_case(results: Results, lang: str) -> dict[str, Any] | None:
    """The net-cost sentences of a comparison; None for a single scenario or without the money outcomes."""
    if len(results.labels) < 2:
        return None
    sentences = case.business_case(results.summary, results.scenarios, results.reps, results.decomposition, lang)
    if not sentences:
        return None
    return {"title": TEXT[lang]["case"], "intro": TEXT[lang]["case_intro"], "sentences": sentences}
