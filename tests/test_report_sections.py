"""The report as a policy maker reads it, on the shipped Tilburg–Leeuwarden pair (small, 3 replications):
"how to read" first and the technical details last; "in brief" ranked by the size of each difference
relative to its confidence interval, better and worse only where the outcome has a direction; "what
differs" in plain words; the Dutch report without English.

The ranking is recomputed here from the summary table (difference ÷ half the CI width), not read
from the code under test; the phrases checked are the ones a reader of the two scenario files
should find, with their units.
"""

from __future__ import annotations

import base64
import json
import math
import re
from pathlib import Path

import pandas as pd
import pytest
from conftest import SCENARIO_DIR, SCENARIO_FILES, load_small
from html_page import Page, cells, section, sections

import simulation
from simulation.outcomes.definitions import DIRECTION, OUTCOMES
from simulation.present import report
from simulation.present.report import BRIEF_SHOWN, SECTIONS, brief_rows, render_report
from simulation.present.report_brief import relative_size
from simulation.present.report_differs import difference_rows
from simulation.present.report_sections import COLOURS
from simulation.present.report_values import say
from simulation.results.collection import Results
from simulation.scenario import load_scenario

TINY_PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")
LANGS = ["en", "nl"]

#: Words and phrases of the English report that must not be in the Dutch one (whole words, any case).
ENGLISH = ["the", "and", "with", "clearly", "difference", "percentage points", "in brief", "how to read",
           "what differs", "setting", "never", "every", "places", "reviewed", "referral", "guided", "nobody",
           "policy", "extends", "common random numbers", "overrides", "seed", "hash", "replication", "replications",
           "technical", "better", "worse", "colours", "outcome", "outcomes", "handed", "care-first", "voluntary",
           "obligatory", "none", "staff", "per year", "on average", "Tilburg-style", "Leeuwarden-style", "scenario files",
           "command", "version", "no effect", "not asked", "asked", "target", "yes", "no"]


@pytest.fixture(scope="module")
def pair() -> Results:
    scenarios = [load_small(SCENARIO_DIR / "tilburg.yaml", stock=300), load_small(SCENARIO_DIR / "leeuwarden.yaml", stock=300)]
    return Results.from_comparison(simulation.compare(scenarios, reps=3, seed=4, workers=1, store=False))


@pytest.fixture(scope="module")
def pages(pair) -> dict[str, Page]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(report, "figure_bytes", lambda figure, fmt, dpi=100: TINY_PNG)
        return {lang: Page(render_report(pair, lang)) for lang in LANGS}


def shipped_pair_without_running() -> Results:
    """Tilburg and Leeuwarden as files only: "what differs" reads the resolved scenarios, not the runs."""
    records = [{"label": s.name, "resolved": json.loads(s.resolved_json)}
               for s in (load_scenario(SCENARIO_DIR / "tilburg.yaml"), load_scenario(SCENARIO_DIR / "leeuwarden.yaml"))]
    return Results("comparison", records, pd.DataFrame(), pd.DataFrame(), {})


# --- the order of the sections ---------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_how_to_read_comes_first_and_the_technical_details_last(pages, lang):
    page = pages[lang]
    assert sections(page) == [s.id for s in SECTIONS if s.id != "place-policy"]  # nothing moved between places
    assert sections(page)[0] == "how-to-read" and sections(page)[-1] == "technical"
    technical = section(page, "technical")
    assert technical.all("table", id="variance-ratios") and technical.all("table", id="scenario-files")
    assert technical.all("table", id="provenance")
    # VR, hashes and seeds are there, and nowhere before it
    seed_label = {"en": "seed", "nl": "startgetal van het toeval"}[lang]
    provenance = {cells(r)[0]: cells(r)[1] for r in technical.one("table", id="provenance").all("tr")}
    assert provenance[seed_label] == "4"
    hashes = [cells(r)[4] for r in technical.one("table", id="scenario-files").all("tr")[1:]]
    assert len(hashes) == 2 and all(re.fullmatch(r"[0-9a-f]{16}", h) for h in hashes)
    before = " ".join(section(page, name).text() for name in sections(page)[:-1])
    before += page.root.one("header").text()
    assert "VR" not in before and not any(h in before for h in hashes)
    assert not re.search(rf"\b{seed_label}\b", before, re.IGNORECASE)


def test_the_section_list_has_how_to_read_first_and_technical_last():
    ids = [s.id for s in SECTIONS]
    assert ids[0] == "how-to-read" and ids[-1] == "technical" and len(set(ids)) == len(ids)
    for s in SECTIONS:  # each has its own template beside the page's
        assert (Path(report.__file__).parent / "templates" / s.template).is_file(), s.template


# --- in brief ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("lang", LANGS)
def test_in_brief_is_ordered_by_difference_relative_to_its_interval(pair, pages, lang):
    from simulation.present.report_place import size_free

    summary = pair.summary.set_index(["scenario", "outcome"])
    chosen = size_free(pair)  # each quantity once: its rate or its count (tests/test_place_policy.py)
    rows = brief_rows(pair, lang, chosen)
    assert sorted(r.outcome for r in rows) == sorted(o for o in chosen if ("leeuwarden", o) in summary.index)
    expected = []
    for row in rows:
        line = summary.loc[("leeuwarden", row.outcome)]
        half = (line["diff_high"] - line["diff_low"]) / 2
        # undefined, or defined in one replication only (no interval): no size
        size = math.nan if math.isnan(line["diff"]) or math.isnan(half) else abs(line["diff"]) / half if half > 0 else \
            (math.inf if line["diff"] else 0.0)
        assert row.score == pytest.approx(size, nan_ok=True), row.outcome
        expected.append(size)
    known = [s for s in expected if not math.isnan(s)]
    assert known == sorted(known, reverse=True)  # largest relative difference first ...
    assert all(math.isnan(s) for s in expected[len(known):])  # ... and the undefined last
    assert [r.shown for r in rows] == [i < BRIEF_SHOWN for i in range(len(rows))]
    # the page shows them in that order, the first BRIEF_SHOWN in view
    items = section(pages[lang], "summary").all("li")
    assert [item.text().strip() for item in items] == [f"{r.scenario}: {r.text}" for r in rows]
    assert len(section(pages[lang], "summary").one("details").all("li")) == len(rows) - BRIEF_SHOWN


def test_the_largest_policy_difference_leads_whatever_the_outcome(pair):
    """Today's largest difference, clients without contact for a year, is no longer hidden under "other outcomes"."""
    rows = brief_rows(pair, "en")
    top = rows[0]
    line = pair.summary.set_index(["scenario", "outcome"]).loc[("leeuwarden", top.outcome)]
    others = pair.summary[(pair.summary["scenario"] == "leeuwarden")]
    best = max(relative_size(r["diff"], r["diff_low"], r["diff_high"]) for _, r in others.iterrows()
               if not math.isnan(relative_size(r["diff"], r["diff_low"], r["diff_high"])))
    assert relative_size(line["diff"], line["diff_low"], line["diff_high"]) == best
    no_contact = next(r for r in rows if r.outcome == "share_no_contact_12m")
    assert no_contact.shown and no_contact.verdict == "higher" and no_contact.judgement == "worse"


@pytest.mark.parametrize("lang", LANGS)
def test_better_and_worse_only_where_the_outcome_has_a_direction(pair, pages, lang):
    words = report.TEXT[lang]
    for row in brief_rows(pair, lang):
        direction = DIRECTION.get(row.outcome)
        clear = row.verdict in ("higher", "lower")
        if clear and direction:
            expected = "better" if (row.verdict == "higher") == (direction == "higher_is_better") else "worse"
            assert row.judgement == expected and row.colour == expected, row.outcome
            assert row.text.count(f" — {words[expected]} (") == 1, row.text
        else:
            assert row.judgement == "" and row.colour == ("clear" if clear else "unclear"), row.outcome
            assert f" — {words['better']}" not in row.text and f" — {words['worse']}" not in row.text, row.text
    # the colours used are the legend's, and the legend says what each means
    page = pages[lang]
    legend = section(page, "how-to-read").one("ul", **{"class": "legend"}).all("li")
    assert [item.classes() for item in legend] == [{c} for c in COLOURS]
    assert words["better"] in legend[0].text() and words["worse"] in legend[1].text()
    used = {cls for item in section(page, "summary").all("li") for cls in item.classes()}
    assert used <= set(COLOURS) and {"worse", "unclear"} <= used


def test_every_direction_names_an_outcome_and_a_direction():
    assert set(DIRECTION) <= set(OUTCOMES)
    assert set(DIRECTION.values()) <= {"higher_is_better", "lower_is_better"}
    assert "sanctions_per_year" not in DIRECTION  # a policy may want more or fewer


def test_in_brief_can_be_limited_to_some_outcomes(pair):
    chosen = ["sanctions_per_year", "share_no_contact_12m", "recidivism_12m", "not_an_outcome"]
    rows = brief_rows(pair, "en", outcomes=chosen)
    assert sorted(r.outcome for r in rows) == sorted(chosen[:3])
    assert [r.score for r in rows] == sorted((r.score for r in rows), reverse=True)


def test_relative_size_of_a_difference():
    assert relative_size(4.0, 2.0, 6.0) == 2.0 and relative_size(-4.0, -6.0, -2.0) == 2.0
    assert relative_size(3.0, 3.0, 3.0) == math.inf  # the same nonzero difference in every replication
    assert relative_size(0.0, 0.0, 0.0) == 0.0
    assert math.isnan(relative_size(1.0, math.nan, math.nan)) and math.isnan(relative_size(math.nan, 0.0, 1.0))


# --- what differs ---------------------------------------------------------------------------------------


RAW = re.compile(r"\b(null|None|true|false|nan)\b|[a-z_]+\.[a-z_]+|\{|\[")  # raw values, dotted key paths, JSON


@pytest.mark.parametrize("lang", LANGS)
def test_what_differs_between_tilburg_and_leeuwarden_reads_as_words(lang):
    rows = difference_rows(shipped_pair_without_running(), lang)
    assert rows
    for row in rows:
        for text in (row.subject, row.setting, *(c.text for c in row.cells), *(c.note for c in row.cells)):
            assert not RAW.search(text), text
        assert "_" not in row.setting.replace("‘netwerkconsulent’", ""), row.setting
    table = {(row.subject, row.setting): [(c.text, c.note) for c in row.cells] for row in rows}
    group3 = {"en": "Group 3 (phases 4 and 5)", "nl": "Groep 3 (fasen 4 en 5)"}[lang]
    review = {"en": "reviewed by social services", "nl": "herbeoordeeld door Sociale Zaken"}[lang]
    assert [text for text, _ in table[(group3, review)]] == {"en": ["every year", "never"], "nl": ["elk jaar", "nooit"]}[lang]
    places = {"en": ["55 places", "no places"], "nl": ["55 plaatsen", "geen plaatsen"]}[lang]
    capacity = next(cells for (subject, _), cells in table.items() if subject == "Netwerkconsulenten" and
                    cells[1][0] == places[1])
    assert [text for text, _ in capacity] == places
    applications = {"en": ["1,300 per year", "1,050 per year"], "nl": ["1.300 per jaar", "1.050 per jaar"]}[lang]
    assert applications in [[text for text, _ in cells] for cells in table.values()]


@pytest.mark.parametrize("lang", LANGS)
def test_what_cannot_matter_is_marked_as_such(lang):
    rows = difference_rows(shipped_pair_without_running(), lang)
    marked = [(row.subject, row.setting) for row in rows if row.cells[1].note]
    assert all(not row.cells[0].note for row in rows)  # Tilburg's netwerkconsulenten have places
    referral = next(row for row in rows if "netwerkconsulent" in row.setting)
    assert referral.cells[1].note == {"en": "never served: team ‘netwerkconsulent’ has no places",
                                      "nl": "nooit geholpen: team ‘netwerkconsulent’ heeft geen plaatsen"}[lang]
    team = [row for row in rows if row.subject == "Netwerkconsulenten"]
    noted = {row.setting for row in team if row.cells[1].note}
    assert noted and all(row.cells[1].note.startswith(("no effect", "geen effect")) for row in team if row.cells[1].note)
    assert all(row.cells[1].note == "" for row in team if row.cells[1].text in ({"en": "no places", "nl": "geen plaatsen"}[lang],
                                                                              {"en": "none", "nl": "geen"}[lang]))
    assert len(marked) == 1 + len(noted)


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=lambda p: p.stem)
def test_what_differs_from_base_has_no_raw_values_or_key_paths(path):
    base, other = load_scenario(SCENARIO_DIR / "base.yaml"), load_scenario(path)
    records = [{"label": "base", "resolved": json.loads(base.resolved_json)},
               {"label": "other", "resolved": json.loads(other.resolved_json)}]
    for lang in LANGS:
        for row in difference_rows(Results("comparison", records, pd.DataFrame(), pd.DataFrame(), {}), lang):
            for text in (row.subject, row.setting, *(c.text for c in row.cells)):
                assert not re.search(r"\b(null|None|true|false)\b|\b[a-z]+_?[a-z]*\.[a-z_]+\.", text), (path.name, text)


# --- the Dutch report ---------------------------------------------------------------------------------


def test_the_dutch_report_has_no_english(pages):
    text = pages["nl"].root.visible_text(skip_classes=frozenset({"code"}))  # file names and the command are code
    found = [w for w in ENGLISH if re.search(rf"(?<![\w‘]){re.escape(w)}(?![\w’])", text, re.IGNORECASE)]
    assert not found, found
    # the English words are there in the English report: the list can find what it looks for
    english = pages["en"].root.visible_text(skip_classes=frozenset({"code"}))
    assert sum(bool(re.search(rf"\b{re.escape(w)}\b", english, re.IGNORECASE)) for w in ENGLISH) > len(ENGLISH) // 2


def test_the_dutch_report_describes_the_scenarios_in_dutch(pages, pair):
    header = pages["nl"].root.one("header")
    shown = [dd.text() for dd in header.all("dd")]
    assert shown == [load_scenario(SCENARIO_DIR / f"{name}.yaml").model.description_nl for name in ("tilburg", "leeuwarden")]
    assert [dd.text() for dd in pages["en"].root.one("header").all("dd")] == \
        [s["resolved"]["description"] for s in pair.scenarios]


def test_a_scenario_without_a_dutch_description_has_none_in_the_dutch_report():
    records = [{"label": "a", "resolved": {"description": "In English only"}},
               {"label": "b", "resolved": {"description": "Also English", "description_nl": "In het Nederlands"}}]
    results = Results("comparison", records, pd.DataFrame(), pd.DataFrame(), {})
    assert report.descriptions(results, "nl") == [("b", "In het Nederlands")]
    assert report.descriptions(results, "en") == [("a", "In English only"), ("b", "Also English")]


@pytest.mark.parametrize(("value", "kind", "en", "nl"), [
    ("1300 per year", "generic", "1,300 per year", "1.300 per jaar"),
    ("52.7027 per year", "generic", "52.7 per year", "52,7 per jaar"),  # a scaled scenario: never "52,703"
    ("€3,000,000 per year", "generic", "€3,000,000 per year", "€3.000.000 per jaar"),
    ("1 year", "every", "every year", "elk jaar"),
    ("12 months", "every", "every 12 months", "elke 12 maanden"),
    (None, "every", "never", "nooit"),
    (None, "after", "none: one case only", "geen: één keer"),
    (0.25, "share", "25%", "25%"),
    (0.035, "share", "3.5%", "3,5%"),
    (0, "places", "no places", "geen plaatsen"),
    (55, "places", "55 places", "55 plaatsen"),
    ("none", "handler", "nobody (no klantmanager)", "niemand (geen klantmanager)"),
    ([4, 5], "phases", "phases 4 and 5", "fasen 4 en 5"),
    ([0.22, 0.18, 0.6], "generic", "0.22, 0.18, 0.6", "0,22; 0,18; 0,6"),
    ("01-01", "date", "1 January", "1 januari"),
    (True, "generic", "yes", "ja"),
])
def test_values_are_said_with_their_units(value, kind, en, nl):
    assert say(value, kind, "en") == en and say(value, kind, "nl") == nl
