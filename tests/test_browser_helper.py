"""The real-browser checker (tests/browser.py) can fail: each kind of problem a self-contained
HTML report might have — an image that does not render, console.error, an uncaught exception,
a resource from the network — is caught in headless Chromium, and a clean page passes.

Without Chromium or playwright these tests skip with the reason, unless
MEEDOEN_REQUIRE_BROWSER=1 (CI sets it), where they fail instead.
"""

from __future__ import annotations

import base64
import io
from pathlib import Path

import matplotlib.image as mpimg
import pytest
from browser import BrowserTimeout, open_page, require_browser
from matplotlib.figure import Figure


@pytest.fixture(autouse=True)
def _browser():
    require_browser()


def png_data_uri() -> str:
    """A small matplotlib figure (200 x 100 px) as a data: URI, as a report embeds it."""
    fig = Figure(figsize=(2, 1), dpi=100)
    fig.add_subplot().plot([0, 1, 2], [1, 3, 2])
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return "data:image/png;base64," + base64.b64encode(buf.getvalue()).decode()


def write_page(tmp_path: Path, body: str, title: str = "test page") -> Path:
    path = tmp_path / "page.html"
    path.write_text(f'<!doctype html><html><head><meta charset="utf-8"><title>{title}</title>'
                    f"</head><body>{body}</body></html>", encoding="utf-8")
    return path


def test_good_self_contained_page_passes(tmp_path):
    page = write_page(tmp_path, f"""
        <h1>Uitstroom naar werk</h1><p>Tilburg versus Leeuwarden, 95% CI.</p>
        <img src="{png_data_uri()}" alt="outflow chart">
        <p><span id="narrow">iiiiiiiiii</span> <span id="wide">WWWWWWWWWW</span></p>
        <script>
          // a real font gives glyphs of different widths; missing fonts give equal boxes
          const n = document.getElementById('narrow').offsetWidth;
          const w = document.getElementById('wide').offsetWidth;
          document.title = (n > 0 && w > 2 * n) ? 'fonts ok' : 'no real font ' + n + '/' + w;
        </script>""")
    shot = tmp_path / "shots" / "good.png"
    check = open_page(page, screenshot_path=shot, width=1024)

    assert check.ok, check.problems()
    assert check.console_errors == [] and check.page_errors == [] and check.failed_requests == []
    assert len(check.images) == 1
    name, width = check.images[0]
    assert name.startswith("data:image/png;base64,") and len(name) == 60
    assert width == 200
    assert check.title == "fonts ok", f"text does not render with a real font: {check.title}"
    assert "Uitstroom naar werk" in check.text and "95% CI" in check.text

    # the screenshot is a full-page PNG of the given width with dark (text) pixels on white
    pixels = mpimg.imread(shot)
    assert pixels.shape[1] == 1024
    rgb = pixels[..., :3]
    dark = (rgb.max(axis=2) < 0.3).sum()
    assert dark > 500, f"screenshot has almost no dark pixels ({dark}): no text rendered?"


def test_broken_image_has_natural_width_zero(tmp_path):
    page = write_page(tmp_path, '<p>chart:</p><img src="data:image/png;base64,AAAA" alt="x">')
    check = open_page(page)
    assert check.images == [("data:image/png;base64,AAAA", 0)]
    assert check.broken_images == ["data:image/png;base64,AAAA"]
    assert not check.ok


def test_missing_local_file_is_a_failed_request(tmp_path):
    page = write_page(tmp_path, '<img src="figures/absent.png" alt="absent">')
    check = open_page(page)
    assert check.images == [("figures/absent.png", 0)]
    assert any("absent.png" in r and "FILE_NOT_FOUND" in r for r in check.failed_requests), \
        check.problems()


def test_console_error_is_caught(tmp_path):
    check = open_page(write_page(tmp_path, '<p>hi</p><script>console.error("x")</script>'))
    assert check.page_errors == []
    assert len(check.console_errors) == 1 and check.console_errors[0].startswith("x"), \
        check.problems()
    assert not check.ok


def test_uncaught_exception_is_caught(tmp_path):
    check = open_page(write_page(tmp_path, '<p>hi</p><script>throw new Error("y")</script>'))
    assert check.page_errors == ["Error: y"], check.problems()
    assert not check.ok


def test_late_exception_is_caught(tmp_path):
    """An error in a timer or onload handler, after parsing, is caught too."""
    check = open_page(write_page(tmp_path, "<p>hi</p><script>"
                                 'window.addEventListener("load", () => '
                                 'setTimeout(() => { throw new TypeError("late") }, 0))</script>'))
    assert check.page_errors == ["TypeError: late"], check.problems()


def test_external_resource_is_a_failed_request(tmp_path):
    """A page that is not self-contained: the image would come from the network."""
    check = open_page(write_page(tmp_path, '<img src="https://example.com/x.png" alt="remote">'))
    assert check.images == [("https://example.com/x.png", 0)]
    assert any(r.startswith("https://example.com/x.png") for r in check.failed_requests), \
        check.problems()
    assert not check.ok


def test_hanging_page_times_out(tmp_path):
    """A script that never returns cannot hang the test run: the check is killed."""
    page = write_page(tmp_path, "<p>spin</p><script>while (true) {}</script>")
    with pytest.raises(BrowserTimeout):
        open_page(page, timeout=8)
