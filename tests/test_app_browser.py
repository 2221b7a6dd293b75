"""The web app in a real browser, as a policy maker uses it: ``meedoen app`` started on a free port,
headless Chromium (Debian's package, driven by Playwright, see tests/browser.py) sets a knob, presses
Run, sees the difference appear with its 95% confidence interval, downloads the report, and switches
to Dutch.

The city is scaled down to 150 clients and compared over 2 replications (the app's own size and
replication settings, through the environment), in a result store of its own, so the run is computed
here. Nothing but the app's address may be reached: every other request is aborted and reported.
Screenshots are saved in the test's folder (and copied to $MEEDOEN_SCREENSHOT_DIR when it is set).
CI sets MEEDOEN_REQUIRE_APP=1 and MEEDOEN_REQUIRE_BROWSER=1: a missing Streamlit or browser fails.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

from app_server import require_app, running_app
from browser import CHROMIUM_FLAGS, _kill_by_profile, chromium_path, require_browser
from conftest import SCENARIO_DIR

from simulation.present.app.questions import REPS_ENV, SCENARIOS_ENV, STOCK_ENV
from simulation.present.plots import FIGURES

#: Milliseconds any one step may take before it counts as hung (a guard, not a speed limit: a busy
#: machine starts Chromium and runs the replications slowly).
STEP_MS = 300_000
REVIEW = "Group 3 (phases 4-5): months between reviews (0 = none)"


def test_set_a_knob_run_and_read_the_difference_in_english_and_dutch(tmp_path: Path) -> None:
    require_app()
    require_browser()
    from playwright.sync_api import sync_playwright

    scenarios = tmp_path / "scenarios"  # the two files the test needs: the page lists them at once
    scenarios.mkdir()
    for name in ("base.yaml", "tilburg.yaml"):
        shutil.copy(SCENARIO_DIR / name, scenarios)
    env = {STOCK_ENV: "150", REPS_ENV: "2", SCENARIOS_ENV: str(scenarios), "MEEDOEN_STORE": str(tmp_path / "store")}
    profile = str(tmp_path / "profile")
    blocked: list[str] = []
    with running_app(env, tmp_path / "server.log") as app, sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(  # while the server starts
            profile, executable_path=chromium_path(), headless=True, args=list(CHROMIUM_FLAGS),
            viewport={"width": 1400, "height": 1000}, accept_downloads=True, timeout=STEP_MS)
        try:
            address = app.wait_until_up()
            context.set_default_timeout(STEP_MS)
            context.route("**/*", lambda route: route.continue_() if route.request.url.startswith(address)
                          else (blocked.append(route.request.url), route.abort("internetdisconnected")))
            page = context.pages[0] if context.pages else context.new_page()
            errors: list[str] = []
            page.on("pageerror", lambda error: errors.append(str(error)))
            _english(page, address, tmp_path)
            _dutch(page, tmp_path)
            assert not errors, errors
        finally:
            context.close()
            _kill_by_profile(profile)
    assert not blocked, f"the page asked for something outside the app: {blocked}"


def _english(page, address: str, folder: Path) -> None:
    """The variant of Tilburg with group 3 seen every 3 months instead of once a year: more contacts."""
    page.goto(address)
    page.get_by_text("A scenario and a variant of it").click()
    review = page.get_by_role("spinbutton", name=REVIEW)
    assert review.input_value() == "12.0"  # the scenario's own value, filled in
    review.fill("3")
    review.press("Enter")
    page.get_by_role("button", name="Run", exact=True).click()
    page.locator('[data-testid="stMain"] img').nth(len(FIGURES) - 1).wait_for()  # the last figure: the page is done
    brief = page.locator("li", has_text="on contacts per client-year")
    assert brief.count() == 1, page.locator("body").inner_text()
    text = brief.inner_text()
    assert "tilburg_variant:" in text and ", 95% CI +" in text and "clearly higher" in text, text
    assert page.get_by_text("Done: 4 replications").is_visible()
    with page.expect_download() as download:
        page.get_by_role("button", name="Download the HTML report").click()
    report = Path(download.value.path()).read_text(encoding="utf-8")
    assert report.startswith("<!DOCTYPE html>") and "tilburg_variant" in report and "In brief" in report
    _screenshot(page, folder / "app_after_run.png")


def _dutch(page, folder: Path) -> None:
    page.get_by_text("Nederlands", exact=True).click()
    page.get_by_text("Gemaakt met meedoen").wait_for()  # the page's last line: all of it is in Dutch now
    brief = page.locator("li", has_text="op contacten per klantjaar")
    assert brief.count() == 1, page.locator("body").inner_text()
    text = brief.inner_text()
    assert ", 95%-BI +" in text and "duidelijk hoger" in text, text
    assert page.get_by_role("heading", name="In het kort").is_visible()
    assert page.get_by_role("radio", name="Een scenario en een variant ervan").is_checked()  # the choice kept
    assert page.get_by_role("spinbutton", name="Groep 3 (fase 4-5): maanden tussen heronderzoeken (0 = geen)"
                            ).input_value() == "3.0"  # the knob kept its value
    assert page.locator('[data-testid="stMain"] img').count() == len(FIGURES)
    body = page.locator("body").inner_text()
    for english in ("In brief", "Results", "clearly higher", "Run"):
        assert english not in body.split("\n"), english
    _screenshot(page, folder / "app_after_run_nl.png")


def _screenshot(page, path: Path) -> None:
    """The whole page: Streamlit scrolls inside its own frame, so the window is made as tall as the page."""
    height = page.evaluate("() => document.querySelector('[data-testid=\"stMain\"]')?.scrollHeight || 1000")
    page.set_viewport_size({"width": 1400, "height": min(12000, int(height) + 200)})
    page.wait_for_timeout(500)
    page.screenshot(path=str(path), full_page=True)
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    if os.environ.get("MEEDOEN_SCREENSHOT_DIR"):
        shutil.copy(path, os.environ["MEEDOEN_SCREENSHOT_DIR"])
    page.set_viewport_size({"width": 1400, "height": 1000})
