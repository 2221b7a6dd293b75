"""What each section of the HTML report shows: one function per section, from the results and the
language to the plain data its template (``templates/report_<section>.html.j2``) lays out.

A function returns None when its section has nothing to say for these results (what differs, in a
single run); the order of the sections is the list ``SECTIONS`` in ``report``.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from markupsafe import Markup

from simulation.outcomes.definitions import OUTCOMES, rates_first
from simulation.outcomes.profiles import EQUITY_GROUPS
from simulation.present import report_place as place
from simulation.present.plot_text import words
from simulation.present.plots import equity_band
from simulation.present.report_brief import Sentence, brief_rows, label
from simulation.present.report_differs import difference_rows
from simulation.present.report_text import TEXT
from simulation.present.tables import SHORT_UNITS, estimate_text, unit_text, variance_ratio_text
from simulation.results.collection import Results
from simulation.scenario.loader import OVERRIDE_FILE

#: The colours of the legend, in the order it lists them.
COLOURS = ("better", "worse", "clear", "unclear")


def how_to_read(results: Results, lang: str) -> dict[str, Any]:
    """What a paired difference and a 95% CI are, what "clearly higher" means, what the colours mean."""
    t = TEXT[lang]
    if results.kind == "run":
        return {"paragraphs": [Markup(t["read_run"])], "legend": []}
    if len(results.labels) == 1:
        return {"paragraphs": [Markup(t["read_single"]).format(reps=results.reps)], "legend": []}
    paragraphs = [Markup(t["read_paired"]).format(reps=results.reps), Markup(t["read_ci"]), Markup(t["read_order"])]
    return {"paragraphs": paragraphs, "legend": [(colour, t[f"legend_{colour}"]) for colour in COLOURS]}


def in_brief(results: Results, lang: str) -> dict[str, Any]:
    """The plain sentences, per compared scenario the first few shown and the rest folded away."""
    groups = place.brief_groups(results, lang)
    if groups is None:
        groups = _groups_by_scenario(brief_rows(results, lang, place.size_free(results)))
    intro = place.brief_intro(results, lang) or _brief_intro(results, lang)
    by_size = len(results.labels) > 1 and place.brief_intro(results, lang) is None  # a decomposition compares within places
    return {"intro": intro, "sizes": place.size_sentence(results, lang) if by_size else None,
            "groups": groups, "heading_per_scenario": len(groups) > 1, "reference": results.labels[0]}


def _groups_by_scenario(rows: list[Sentence]) -> list[dict[str, Any]]:
    """The sentences of each compared scenario: those shown and those folded away."""
    groups = []
    for scenario in dict.fromkeys(row.scenario for row in rows):
        mine = [row for row in rows if row.scenario == scenario]
        groups.append({"scenario": scenario, "heading": None, "shown": [r for r in mine if r.shown],
                       "folded": [r for r in mine if not r.shown]})
    return groups


def _brief_intro(results: Results, lang: str) -> Markup:
    t = TEXT[lang]
    if results.kind == "run":
        return Markup(t["summary_intro_run"])
    if len(results.labels) == 1:
        return Markup(t["summary_intro_single"]).format(reps=results.reps)
    return Markup(t["summary_intro"]).format(reference=results.labels[0])


def what_differs(results: Results, lang: str) -> dict[str, Any] | None:
    """Every differing setting in plain words (a comparison only)."""
    if len(results.labels) < 2:
        return None
    return {"labels": results.labels, "rows": difference_rows(results, lang)}


def outcome_table(results: Results, lang: str) -> dict[str, Any]:
    """Per outcome each scenario's mean [CI] and each difference from the reference [CI], coloured as in brief."""
    summary = results.summary.set_index(["scenario", "outcome"])
    labels = results.labels
    colours = {(s.scenario, s.outcome): s.colour for s in brief_rows(results, lang)} if len(labels) > 1 else {}
    sized = place.size_free(results) is not None
    rows = []
    for outcome in rates_first(_outcomes(results)) if sized else _outcomes(results):
        unit = OUTCOMES[outcome].unit
        estimates = [summary.loc[(scenario, outcome), ["mean", "ci_low", "ci_high"]] for scenario in labels]
        cells = [estimate_text(e["mean"], e["ci_low"], e["ci_high"], unit, lang) for e in estimates]
        diffs = []
        for other in labels[1:]:
            row = summary.loc[(other, outcome)]
            diffs.append({"text": estimate_text(row["diff"], row["diff_low"], row["diff_high"], unit, lang, signed=True),
                          "colour": colours.get((other, outcome), "unclear")})
        shown_unit = unit_text(SHORT_UNITS.get(unit, ""), lang)  # rates say "per year" in their label
        rows.append({"label": label(outcome, lang) + (f" ({shown_unit})" if shown_unit else ""), "cells": cells,
                     "diffs": diffs})
    return {"labels": labels, "reference": labels[0], "rows": rows}


def _outcomes(results: Results) -> list[str]:
    """The outcomes of the summary, in the order they are defined."""
    present = set(results.summary["outcome"])
    return [outcome for outcome in OUTCOMES if outcome in present]


def equity(results: Results, lang: str) -> dict[str, Any]:
    """Measures as columns; per group and scenario a row of mean [CI]."""
    w = words(lang)
    band = equity_band(results).set_index(["scenario", "group", "measure"])
    measures = list(w["measures"])
    rows = []
    for group in EQUITY_GROUPS:
        for scenario in results.labels:
            cells = []
            for measure in measures:
                key = (scenario, group, measure)
                if key in band.index:
                    row = band.loc[key]
                    cells.append(estimate_text(row["mean"], row["low"], row["high"], "%", lang))
                else:
                    cells.append(TEXT[lang]["none"])
            rows.append({"group": w["groups"][group], "scenario": scenario, "cells": cells})
    return {"headers": [w["measures"][m] for m in measures], "rows": rows, "comparison": len(results.labels) > 1}


def technical(results: Results, lang: str) -> dict[str, Any]:
    """Variance reduction, scenario files with their chains and hashes, seeds, versions: always last."""
    t = TEXT[lang]
    headers, ratios = place.decomposition_ratios(results, lang)
    return {"labels": results.labels, "variance_ratios": ratios or _variance_ratios(results, lang), "vr_headers": headers,
            "scenarios": [_scenario_file(s, t) for s in results.scenarios], "provenance": _provenance(results, t)}


def _variance_ratios(results: Results, lang: str) -> list[dict[str, Any]]:
    """Per outcome the VR of each compared scenario (empty for a single scenario)."""
    if len(results.labels) < 2:
        return []
    summary = results.summary.set_index(["scenario", "outcome"])
    return [{"label": label(outcome, lang),
             "ratios": [variance_ratio_text(summary.loc[(other, outcome), "variance_ratio"], lang)
                        for other in results.labels[1:]]}
            for outcome in _outcomes(results)]


def _scenario_file(scenario: dict[str, Any], t: dict[str, str]) -> dict[str, Any]:
    """A scenario's file, its ``extends`` chain (the overrides named in the report's language), overrides, hash."""
    chain = [t["overrides"] if source == OVERRIDE_FILE else source for source in scenario.get("chain", [])]
    moved = scenario.get("policy_from")
    if moved:  # a transplant: the place's files, then where its policy came from
        chain.append(f"{t['policy_from']} {' › '.join(moved['chain'])} (×{moved['factor']:.2f})")
    return {"label": scenario["label"], "file": scenario.get("file", ""), "chain": chain,
            "overrides": scenario.get("overrides") or [], "hash": scenario.get("hash", "")}


def _provenance(results: Results, t: dict[str, str]) -> list[tuple[str, Any]]:
    manifest = results.manifest
    rows = [(t["version"], manifest.get("version")), (t["model_version"], manifest.get("model_version")),
            (t["git_commit"], manifest.get("git_commit") or "—"), (t["python"], manifest.get("python")),
            (t["libraries"], ", ".join(f"{name} {number}" for name, number in (manifest.get("libraries") or {}).items()) or "—"),
            (t["seed"], manifest.get("seed")), (t["reps"], results.reps)]
    if results.kind == "run":
        rows.append((t["replication"], manifest.get("replication", 0)))
    return rows + [(t["command"], " ".join(manifest.get("command") or []) or "—"),
                   (t["results_folder"], str(results.folder) if results.folder else "—"),
                   (t["made"], dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"))]


def subtitle(results: Results, lang: str) -> str:
    t = TEXT[lang]
    if results.kind == "run":
        return t["subtitle_run"]
    key = "subtitle_comparison" if len(results.labels) > 1 else "subtitle_single"
    return t[key].format(reps=results.reps)

