"""One self-contained HTML report of a run or a comparison, in English or Dutch.

A policy maker opens it in a browser, offline: images are embedded as PNG data, there is no
script and nothing is fetched. It leads with one plain sentence per headline outcome (the
difference, its 95% confidence interval and whether the interval excludes zero), then the
table of outcomes, what differs between the scenario files, the figures, the equity table and
where every number came from. The page is rendered by Jinja2 with autoescaping on, so text
from scenario files (names, descriptions, values) can never become markup.
"""

from __future__ import annotations

import base64
import datetime as dt
import math
import os
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from markupsafe import Markup

from simulation.files import atomic_write
from simulation.outcomes.headline import OUTCOMES
from simulation.outcomes.profiles import EQUITY_GROUPS
from simulation.present.plots import equity_band, figure_bytes, figures, words
from simulation.present.tables import SHORT_UNITS, estimate_text, number, unit_text, variance_ratio_text
from simulation.results.collection import Results

#: The outcomes a reader meets first, in this order; the others follow in their own order.
#: Assumption: the questions of domain.md's "What the users want to see" (outflow, sustainable
#: outflow, recidivism, participation, sanctions, waiting, cost).
KEY_OUTCOMES = ("exits_to_work_pct_stock", "sustainable_exits_per_year", "recidivism_12m", "share_rung_3_plus",
                "reinflow_any_exit_12m", "sanctions_per_year", "wait_wijkteam_mean_days", "cost_per_sustainable_exit")

#: How a difference is named: percentages differ in percentage points.
DIFF_UNITS = {
    # the labels of rates already say "per year"; money is written with its sign first: −€766
    "en": {"%": "percentage points", "per year": "", "days": "days", "€": "", "€ per year": "",
           "clients": "clients", "per client-year": ""},
    "nl": {"%": "procentpunt", "per year": "", "days": "dagen", "€": "", "€ per year": "",
           "clients": "klanten", "per client-year": ""},
}

TEXT = {
    "en": {
        "title": "meedoen: {names}", "subtitle_comparison": "Paired comparison, {reps} replications per scenario, seed {seed}",
        "subtitle_run": "One replication (seed {seed}, replication {replication})",
        "summary": "In brief", "summary_intro": "Each line compares a scenario with {reference}, the reference. "
        "The 95% confidence interval (CI) shows how sure we are: if it does not include zero, the difference is "
        "clear at this number of replications.",
        "summary_intro_run": "One replication has no confidence interval: these are single draws. Run "
        "<code>meedoen compare</code> with several replications to see the uncertainty.",
        "summary_intro_single": "Means over {reps} replications with 95% confidence intervals.",
        "on": "on", "ci": "95% CI", "to": "to", "versus": "against",
        "higher": "clearly higher", "lower": "clearly lower", "unclear": "no clear difference: the interval includes zero",
        "undefined": "not defined in at least one of the scenarios", "same": "the same in every replication",
        "more": "Other outcomes ({n})", "no_ci": "no confidence interval (one replication each)",
        "outcomes": "Outcomes", "outcome": "outcome", "difference": "{label} − {reference}",
        "vr_note": "VR: how many times more replications independent (unpaired) runs would need for the same precision.",
        "differs": "What differs between the scenarios",
        "differs_intro": "Every key whose value differs, taken from the scenario files themselves (merged along "
        "<code>extends</code>, with any <code>--set</code> overrides applied).",
        "no_differences": "The scenarios are identical.", "key": "key",
        "scenarios": "Scenarios", "figures": "Figures", "equity": "Outcomes by group of clients",
        "equity_intro": "Within the observation window. Membership: age at the end of the window; migrant background "
        "and household of the person; phase 4–5 at the end of the benefit spell.",
        "group": "group", "provenance": "Where these numbers come from",
        "file": "file", "chain": "extends chain", "overrides": "overrides", "hash": "scenario hash",
        "seed": "seed", "reps": "replications", "version": "meedoen version", "model_version": "model version",
        "git_commit": "source commit", "python": "Python", "command": "command", "made": "report made",
        "results_folder": "results folder", "how_to_read": "How to read this report",
        "how_to_read_text": "Every scenario is run with the same seeds, so replication i of each scenario meets the same "
        "clients with the same luck (common random numbers). A difference is computed per replication and then "
        "averaged; its confidence interval therefore reflects the policy, not chance differences between runs. "
        "The figures shade the warm-up and follow-up months: headline outcomes count the window between them.",
        "none": "none", "lang": "en",
    },
    "nl": {
        "title": "meedoen: {names}", "subtitle_comparison": "Gepaarde vergelijking, {reps} replicaties per scenario, seed {seed}",
        "subtitle_run": "Eén replicatie (seed {seed}, replicatie {replication})",
        "summary": "In het kort", "summary_intro": "Elke regel vergelijkt een scenario met {reference}, het "
        "referentiescenario. Het 95%-betrouwbaarheidsinterval (BI) laat zien hoe zeker we zijn: valt nul er niet "
        "binnen, dan is het verschil duidelijk bij dit aantal replicaties.",
        "summary_intro_run": "Eén replicatie heeft geen betrouwbaarheidsinterval: dit zijn losse trekkingen. Gebruik "
        "<code>meedoen compare</code> met meerdere replicaties om de onzekerheid te zien.",
        "summary_intro_single": "Gemiddelden over {reps} replicaties met 95%-betrouwbaarheidsintervallen.",
        "on": "op", "ci": "95%-BI", "to": "tot", "versus": "tegen",
        "higher": "duidelijk hoger", "lower": "duidelijk lager", "unclear": "geen duidelijk verschil: nul valt binnen het interval",
        "undefined": "niet gedefinieerd in ten minste één van de scenario's", "same": "in elke replicatie gelijk",
        "more": "Overige uitkomsten ({n})", "no_ci": "geen betrouwbaarheidsinterval (één replicatie)",
        "outcomes": "Uitkomsten", "outcome": "uitkomst", "difference": "{label} − {reference}",
        "vr_note": "VR: hoeveel keer meer replicaties onafhankelijke (ongepaarde) runs nodig zouden hebben voor dezelfde precisie.",
        "differs": "Wat verschilt er tussen de scenario's",
        "differs_intro": "Elke sleutel met een andere waarde, rechtstreeks uit de scenariobestanden (samengevoegd "
        "langs <code>extends</code>, met eventuele <code>--set</code>-aanpassingen).",
        "no_differences": "De scenario's zijn gelijk.", "key": "sleutel",
        "scenarios": "Scenario's", "figures": "Figuren", "equity": "Uitkomsten per groep klanten",
        "equity_intro": "Binnen de waarnemingsperiode. Indeling: leeftijd aan het eind van de periode; "
        "migratieachtergrond en huishouden van de persoon; fase 4–5 aan het eind van de uitkering.",
        "group": "groep", "provenance": "Herkomst van de cijfers",
        "file": "bestand", "chain": "extends-keten", "overrides": "aanpassingen", "hash": "scenario-hash",
        "seed": "seed", "reps": "replicaties", "version": "meedoen-versie", "model_version": "modelversie",
        "git_commit": "broncode-commit", "python": "Python", "command": "opdracht", "made": "rapport gemaakt",
        "results_folder": "resultatenmap", "how_to_read": "Zo lees je dit rapport",
        "how_to_read_text": "Elk scenario draait met dezelfde seeds, dus replicatie i van elk scenario ziet dezelfde "
        "klanten met hetzelfde geluk (common random numbers). Een verschil wordt per replicatie berekend en dan "
        "gemiddeld; het betrouwbaarheidsinterval weerspiegelt daardoor het beleid, niet toevallige verschillen "
        "tussen runs. De figuren kleuren de inloop- en naloopmaanden grijs: de kerncijfers tellen de periode daartussen.",
        "none": "geen", "lang": "nl",
    },
}

@dataclass
class Sentence:
    scenario: str
    text: str
    verdict: str  # "higher", "lower", "unclear", "same", "undefined", "no_ci", "value"
    key: bool  # one of KEY_OUTCOMES: shown first; the others are folded away


def _label(outcome: str, lang: str) -> str:
    return OUTCOMES[outcome].label_nl if lang == "nl" else OUTCOMES[outcome].label


def _ordered_outcomes() -> list[str]:
    return [*KEY_OUTCOMES, *(o for o in OUTCOMES if o not in KEY_OUTCOMES)]


def _lower_first(text: str) -> str:
    return text[:1].lower() + text[1:] if text[:2] != text[:2].upper() else text


def summary_sentences(results: Results, lang: str = "en") -> list[Sentence]:
    """One plain sentence per outcome and scenario (per non-reference scenario in a comparison)."""
    t = TEXT[lang]
    summary = results.summary.set_index(["scenario", "outcome"])
    labels = results.labels
    sentences = []
    for outcome in _ordered_outcomes():
        unit = OUTCOMES[outcome].unit
        label = _lower_first(_label(outcome, lang))
        key = outcome in KEY_OUTCOMES
        if len(labels) == 1:
            row = summary.loc[(labels[0], outcome)]
            value = f"{number(row['mean'], unit, lang)} {unit_text(unit, lang)}".strip()
            interval = ("" if math.isnan(row["ci_low"]) else
                        f" ({t['ci']} {number(row['ci_low'], unit, lang)} {t['to']} {number(row['ci_high'], unit, lang)})")
            sentences.append(Sentence(labels[0], f"{_label(outcome, lang)}: {value}{interval}", "value", key))
            continue
        reference = summary.loc[(labels[0], outcome)]
        for other in labels[1:]:
            row = summary.loc[(other, outcome)]
            diff_unit = DIFF_UNITS[lang].get(unit, unit)
            means = (f"{labels[0]} {number(reference['mean'], unit, lang)}; "
                     f"{other} {number(row['mean'], unit, lang)}")
            if math.isnan(row["diff"]):
                sentences.append(Sentence(other, f"{label}: {t['undefined']} ({means})", "undefined", key))
                continue
            diff = number(row["diff"], unit, lang, signed=True)
            if unit.startswith("€"):
                diff = diff[0] + "€" + diff[1:]
            if math.isnan(row["diff_low"]):
                verdict, interval = "no_ci", t["no_ci"]
            elif row["diff_low"] == row["diff_high"] == row["diff"]:
                verdict, interval = "same", t["same"]
            else:
                low, high = row["diff_low"], row["diff_high"]
                verdict = "higher" if low > 0 else "lower" if high < 0 else "unclear"
                interval = (f"{t['ci']} {number(low, unit, lang, signed=True)} {t['to']} "
                            f"{number(high, unit, lang, signed=True)}; {t[verdict]}")
            text = f"{' '.join(filter(None, [diff, diff_unit]))} {t['on']} {label}, {interval} ({means})"
            sentences.append(Sentence(other, text, verdict, key))
    return sentences


def outcome_rows(results: Results, lang: str) -> list[dict[str, Any]]:
    """The table of outcomes: per outcome, each scenario's mean [CI], differences [CI] and VR."""
    summary = results.summary.set_index(["scenario", "outcome"])
    labels = results.labels
    rows = []
    for outcome in _ordered_outcomes():
        unit = OUTCOMES[outcome].unit
        cells = [estimate_text(*summary.loc[(label, outcome), ["mean", "ci_low", "ci_high"]], unit, lang)
                 for label in labels]
        diffs, ratios = [], []
        for label in labels[1:]:
            row = summary.loc[(label, outcome)]
            diffs.append(estimate_text(row["diff"], row["diff_low"], row["diff_high"], unit, lang, signed=True))
            ratio = row["variance_ratio"]
            ratios.append(variance_ratio_text(ratio, lang))
        shown_unit = unit_text(SHORT_UNITS.get(unit, ""), lang)  # rates say "per year" in their label
        rows.append({"label": _label(outcome, lang) + (f" ({shown_unit})" if shown_unit else ""),
                     "cells": cells, "diffs": diffs, "ratios": ratios})
    return rows


def equity_rows(results: Results, lang: str) -> tuple[list[str], list[dict[str, Any]]]:
    """Measures as columns; per group and scenario a row of mean [CI]."""
    w = words(lang)
    band = equity_band(results).set_index(["scenario", "group", "measure"])
    measures = list(w["measures"])
    rows = []
    for group in EQUITY_GROUPS:
        for label in results.labels:
            cells = []
            for measure in measures:
                key = (label, group, measure)
                if key in band.index:
                    row = band.loc[key]
                    cells.append(estimate_text(row["mean"], row["low"], row["high"], "%", lang))
                else:
                    cells.append(TEXT[lang]["none"])
            rows.append({"group": w["groups"][group], "scenario": label, "cells": cells})
    return [w["measures"][m] for m in measures], rows


def _data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def render_report(results: Results, lang: str = "en") -> str:
    """The report as one HTML string."""
    import jinja2

    w = words(lang)  # also checks the language
    t = TEXT[lang]
    environment = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True,
                                     lstrip_blocks=True)
    template = environment.from_string(resources.files("simulation.present").joinpath("templates/report.html.j2").read_text(encoding="utf-8"))
    images = []
    for name, figure in figures(results, lang):
        images.append({"name": name, "src": _data_uri(figure_bytes(figure, "png", dpi=100)),
                       "alt": figure.texts[0].get_text() if figure.texts else figure.axes[0].get_title()})
    manifest = results.manifest
    labels = results.labels
    subtitle = (t["subtitle_comparison"].format(reps=results.reps, seed=manifest.get("seed", ""))
                if results.kind == "comparison" else
                t["subtitle_run"].format(seed=manifest.get("seed", ""), replication=manifest.get("replication", 0)))
    # our own texts may hold markup; Markup.format escapes what it fills in (a scenario's name)
    if results.kind == "run":
        intro = Markup(t["summary_intro_run"])
    elif len(labels) == 1:
        intro = Markup(t["summary_intro_single"]).format(reps=results.reps)
    else:
        intro = Markup(t["summary_intro"]).format(reference=labels[0])
    equity_headers, equity_table = equity_rows(results, lang)
    differences = results.differences()
    provenance = [(t["version"], manifest.get("version")), (t["model_version"], manifest.get("model_version")),
                  (t["git_commit"], manifest.get("git_commit") or "—"), (t["python"], manifest.get("python")),
                  (t["seed"], manifest.get("seed")), (t["reps"], results.reps),
                  (t["command"], " ".join(manifest.get("command") or []) or "—"),
                  (t["results_folder"], str(results.folder) if results.folder else "—"),
                  (t["made"], dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"))]
    return template.render(
        t=t, w=w, lang=lang, title=t["title"].format(names=" – ".join(labels)), subtitle=subtitle,
        intro=intro, sentences=summary_sentences(results, lang), labels=labels,
        reference=labels[0], outcome_rows=outcome_rows(results, lang), differences=differences,
        scenarios=results.scenarios, images=images, equity_headers=equity_headers, equity_rows=equity_table,
        provenance=provenance, comparison=len(labels) > 1,
    )


def write_report(results: Results, path: str | os.PathLike[str], lang: str = "en") -> Path:
    """Render and write the report atomically (a half-written report never appears)."""
    html = render_report(results, lang)
    target = Path(path)
    atomic_write(target, lambda stream: stream.write(html))
    return target

