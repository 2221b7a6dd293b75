"""The HTML report in a real browser: headless Chromium (Debian's package, see .ci/run) opens it
offline and must see no console error, no failed request, and every figure rendered.

CI sets MEEDOEN_REQUIRE_BROWSER=1, so these tests fail there instead of skipping when the
browser is missing. Screenshots are saved beside the reports (and copied to
$MEEDOEN_SCREENSHOT_DIR when it is set, to look at them).
"""

from __future__ import annotations

import os
import shutil

import pytest
from browser import open_page, require_browser
from conftest import SCENARIO_DIR, load_small

import simulation
from simulation.present.plots import FIGURES
from simulation.present.report import write_report
from simulation.present.report_text import TEXT
from simulation.results.collection import Results

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def comparison() -> Results:
    scenarios = [load_small(SCENARIO_DIR / "tilburg.yaml", stock=300), load_small(SCENARIO_DIR / "leeuwarden.yaml", stock=300)]
    return Results.from_comparison(simulation.compare(scenarios, reps=2, workers=1, store=False))


def _check(results: Results, tmp_path, name: str, lang: str):
    report = write_report(results, tmp_path / f"{name}.html", lang)
    screenshot = tmp_path / f"{name}.png"
    check = open_page(report, screenshot)
    if os.environ.get("MEEDOEN_SCREENSHOT_DIR"):
        shutil.copy(screenshot, os.environ["MEEDOEN_SCREENSHOT_DIR"])
    return check, screenshot


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_comparison_report_renders_offline_without_errors(comparison, tmp_path, lang):
    require_browser()
    check, screenshot = _check(comparison, tmp_path, f"comparison_{lang}", lang)
    assert check.ok, check.problems()
    assert not check.console_errors and not check.page_errors and not check.failed_requests
    assert len(check.images) == len(FIGURES)  # every figure is there ...
    assert all(width > 0 for _, width in check.images), check.images  # ... and has rendered
    assert ("In het kort" if lang == "nl" else "In brief") in check.text
    assert all(label in check.text for label in comparison.labels)
    # a reader meets "how to read" first and the technical details last
    words = TEXT[lang]
    headings = [words[key] for key in ("how_to_read", "summary", "differs", "outcomes", "figures", "technical")]
    assert [check.text.find(heading) for heading in headings] == sorted(check.text.find(h) for h in headings)
    assert check.text.find(headings[0]) >= 0
    if lang == "nl":
        for english in ("In brief", "clearly", "percentage points", "extends", "common random numbers", "never"):
            assert english not in check.text, english
    assert screenshot.read_bytes()[:8] == PNG_SIGNATURE


def test_single_run_report_renders(tmp_path):
    require_browser()
    result = simulation.run(load_small(SCENARIO_DIR / "tilburg.yaml", stock=300), seed=2)
    check, _ = _check(Results.from_run(result), tmp_path, "run_en", "en")
    assert check.ok, check.problems()
    assert len(check.images) == len(FIGURES) and all(width > 0 for _, width in check.images)
    assert "no confidence interval" in check.text
