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
from typing import IO, Any

import pandas as pd
from markupsafe import Markup

from simulation.files import atomic_write
from simulation.outcomes.definitions import OUTCOMES
from simulation.outcomes.profiles import EQUITY_GROUPS
from simulation.present.plot_style import figure_bytes
from simulation.present.plot_text import words
from simulation.present.plots import equity_band, figures
from simulation.present.report_text import DIFF_UNITS, TEXT
from simulation.present.tables import SHORT_UNITS, estimate_text, number, unit_text, variance_ratio_text
from simulation.results.collection import Results
from simulation.scenario.loader import OVERRIDE_FILE

#: The outcomes a reader meets first, in this order; the others follow in their own order.
#: Assumption: the questions of domain.md's "What the users want to see" (outflow, sustainable
#: outflow, recidivism, participation, sanctions, waiting, cost).
KEY_OUTCOMES = ("exits_to_work_pct_stock", "sustainable_exits_per_year", "recidivism_12m", "share_rung_3_plus",
                "reinflow_any_exit_12m", "sanctions_per_year", "wait_wijkteam_mean_days", "cost_per_sustainable_exit")

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
    summary = results.summary.set_index(["scenario", "outcome"])
    labels = results.labels
    sentences = []
    for outcome in _ordered_outcomes():
        if len(labels) == 1:
            sentences.append(_value_sentence(summary, labels[0], outcome, lang))
            continue
        sentences += [_difference_sentence(summary, labels[0], other, outcome, lang) for other in labels[1:]]
    return sentences


def _value_sentence(summary: pd.DataFrame, label: str, outcome: str, lang: str) -> Sentence:
    """The only scenario's value of ``outcome``, with its CI when there is one."""
    t = TEXT[lang]
    unit = OUTCOMES[outcome].unit
    row = summary.loc[(label, outcome)]
    value = f"{number(row['mean'], unit, lang)} {unit_text(unit, lang)}".strip()
    interval = ("" if math.isnan(row["ci_low"]) else
                f" ({t['ci']} {number(row['ci_low'], unit, lang)} {t['to']} {number(row['ci_high'], unit, lang)})")
    return Sentence(label, f"{_label(outcome, lang)}: {value}{interval}", "value", outcome in KEY_OUTCOMES)


def _difference_sentence(summary: pd.DataFrame, reference_label: str, other: str, outcome: str, lang: str) -> Sentence:
    """``other`` against the reference on ``outcome``: the paired difference, its CI and verdict."""
    t = TEXT[lang]
    unit = OUTCOMES[outcome].unit
    label = _lower_first(_label(outcome, lang))
    key = outcome in KEY_OUTCOMES
    reference, row = summary.loc[(reference_label, outcome)], summary.loc[(other, outcome)]
    means = (f"{reference_label} {number(reference['mean'], unit, lang)}; "
             f"{other} {number(row['mean'], unit, lang)}")
    if math.isnan(row["diff"]):
        return Sentence(other, f"{label}: {t['undefined']} ({means})", "undefined", key)
    diff = number(row["diff"], unit, lang, signed=True)
    if unit.startswith("€"):
        diff = diff[0] + "€" + diff[1:]
    verdict, interval = _verdict(row, unit, lang)
    text = f"{' '.join(filter(None, [diff, DIFF_UNITS[lang].get(unit, unit)]))} {t['on']} {label}, {interval} ({means})"
    return Sentence(other, text, verdict, key)


def _verdict(row: pd.Series, unit: str, lang: str) -> tuple[str, str]:
    """Whether the difference's CI lies above or below zero, includes it, or is missing or a point."""
    t = TEXT[lang]
    if math.isnan(row["diff_low"]):
        return "no_ci", t["no_ci"]
    if row["diff_low"] == row["diff_high"] == row["diff"]:
        return "same", t["same"]
    low, high = row["diff_low"], row["diff_high"]
    verdict = "higher" if low > 0 else "lower" if high < 0 else "unclear"
    return verdict, (f"{t['ci']} {number(low, unit, lang, signed=True)} {t['to']} "
                     f"{number(high, unit, lang, signed=True)}; {t[verdict]}")


def outcome_rows(results: Results, lang: str) -> list[dict[str, Any]]:
    """The table of outcomes: per outcome, each scenario's mean [CI], differences [CI] and VR."""
    summary = results.summary.set_index(["scenario", "outcome"])
    labels = results.labels
    rows = []
    for outcome in _ordered_outcomes():
        unit = OUTCOMES[outcome].unit
        estimates = [summary.loc[(label, outcome), ["mean", "ci_low", "ci_high"]] for label in labels]
        cells = [estimate_text(e["mean"], e["ci_low"], e["ci_high"], unit, lang) for e in estimates]
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
    template_file = resources.files("simulation.present").joinpath("templates/report.html.j2")
    template = environment.from_string(template_file.read_text(encoding="utf-8"))
    labels = results.labels
    subtitle, intro = _opening(results, t)
    equity_headers, equity_table = equity_rows(results, lang)
    return template.render(
        t=t, w=w, lang=lang, title=t["title"].format(names=" – ".join(labels)), subtitle=subtitle,
        intro=intro, sentences=summary_sentences(results, lang), labels=labels,
        reference=labels[0], outcome_rows=outcome_rows(results, lang), differences=results.differences(),
        scenarios=[_readable_chain(s, t) for s in results.scenarios], images=_images(results, lang),
        equity_headers=equity_headers, equity_rows=equity_table,
        provenance=_provenance(results, t), comparison=len(labels) > 1,
    )


def _images(results: Results, lang: str) -> list[dict[str, str]]:
    """Every figure as an embedded PNG with its title as the alternative text."""
    return [{"name": name, "src": _data_uri(figure_bytes(figure, "png", dpi=100)),
             "alt": figure.texts[0].get_text() if figure.texts else figure.axes[0].get_title()}
            for name, figure in figures(results, lang)]


def _opening(results: Results, t: dict[str, str]) -> tuple[str, Markup]:
    """The subtitle and the sentence that opens the summary."""
    manifest, labels = results.manifest, results.labels
    subtitle = (t["subtitle_comparison"].format(reps=results.reps, seed=manifest.get("seed", ""))
                if results.kind == "comparison" else
                t["subtitle_run"].format(seed=manifest.get("seed", ""), replication=manifest.get("replication", 0)))
    # our own texts may hold markup; Markup.format escapes what it fills in (a scenario's name)
    if results.kind == "run":
        return subtitle, Markup(t["summary_intro_run"])
    if len(labels) == 1:
        return subtitle, Markup(t["summary_intro_single"]).format(reps=results.reps)
    return subtitle, Markup(t["summary_intro"]).format(reference=labels[0])


def _provenance(results: Results, t: dict[str, str]) -> list[tuple[str, Any]]:
    manifest = results.manifest
    return [(t["version"], manifest.get("version")), (t["model_version"], manifest.get("model_version")),
            (t["git_commit"], manifest.get("git_commit") or "—"), (t["python"], manifest.get("python")),
            (t["seed"], manifest.get("seed")), (t["reps"], results.reps),
            (t["command"], " ".join(manifest.get("command") or []) or "—"),
            (t["results_folder"], str(results.folder) if results.folder else "—"),
            (t["made"], dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"))]


def _readable_chain(scenario: dict[str, Any], t: dict[str, str]) -> dict[str, Any]:
    """The ``extends`` chain with the overrides named in the report's language, not by their label."""
    chain = [t["overrides"] if source == OVERRIDE_FILE else source for source in scenario.get("chain", [])]
    return {**scenario, "chain": chain}


def write_report(results: Results, path: str | os.PathLike[str], lang: str = "en") -> Path:
    """Render and write the report atomically (a half-written report never appears)."""
    html = render_report(results, lang)
    target = Path(path)

    def write(stream: IO[str]) -> None:
        stream.write(html)

    atomic_write(target, write)
    return target

