"""Open an HTML file in a real headless Chromium and report what a reader's browser would see.

Used by the tests of self-contained HTML reports: ``open_page(path)`` loads the file through a
``file://`` URL, waits for the ``load`` event and returns a :class:`PageCheck` with every console
error, uncaught exception and failed resource load, each ``<img>`` with its ``naturalWidth``
(0 = not rendered), the title and the visible text; with ``screenshot_path`` it also saves a
full-page PNG.

The browser is Debian's ``chromium`` (``apt-get install chromium``; see ``.ci/run``), driven by
the Python ``playwright`` package through ``executable_path`` — Playwright's own browser
download is never used (and cannot work on a closed network). ``MEEDOEN_CHROMIUM`` names another
binary.

No network: every request that is not ``file:``, ``data:``, ``blob:`` or ``about:`` is aborted
before it leaves the browser and shows up in ``failed_requests`` (and, as Chromium logs it, in
``console_errors``), which is exactly how a report that is *not* self-contained is caught.
Chromium's own DNS is also switched off (``--host-resolver-rules``) as a second guard.

Robust against hangs: the check runs in a child process (``python tests/browser.py``) in its
own process group; if it has not finished within ``timeout`` seconds that group (Python and
Playwright's driver) is killed, and so is Chromium (which Playwright starts in a session of its
own; it is found by its unique temporary profile path), and :class:`BrowserTimeout` is raised.
Inside, the page load and the screenshot have their own shorter timeouts (the launch has the
whole budget: a busy machine starts Chromium slowly); a page whose ``load`` never fires is
reported in ``page_errors``, not waited for.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

#: Flags Chromium needs here: headless without a display, no sandbox (root, containers), no
#: GPU, and none of the background connections (QUIC, component updates, sync, first-run
#: pings) that a closed network refuses. ``--disable-dev-shm-usage`` keeps shared memory in
#: /tmp, so a small /dev/shm (64 MB in Docker) cannot crash the renderer.
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE localhost",
)

#: URL schemes a self-contained page may load; anything else is aborted and reported.
LOCAL_SCHEMES = ("file:", "data:", "blob:", "about:")

_IMAGES_JS = """() => Array.from(document.images).map(img => [
    (img.getAttribute('src') || img.currentSrc || img.alt || '').slice(0, 60),
    img.complete ? img.naturalWidth : 0])"""


@dataclass
class PageCheck:
    """What the browser saw. A clean, self-contained page has empty error lists and every
    image with ``naturalWidth > 0``."""

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)
    #: (first 60 characters of src, or alt when there is no src; naturalWidth, 0 if not rendered)
    images: list[tuple[str, int]] = field(default_factory=list)
    title: str = ""
    text: str = ""

    @property
    def broken_images(self) -> list[str]:
        return [name for name, width in self.images if width <= 0]

    @property
    def ok(self) -> bool:
        return not (self.console_errors or self.page_errors or self.failed_requests
                    or self.broken_images)

    def problems(self) -> str:
        """A readable list of everything wrong, for assertion messages."""
        lines = [f"console error: {m}" for m in self.console_errors]
        lines += [f"page error: {m}" for m in self.page_errors]
        lines += [f"failed request: {m}" for m in self.failed_requests]
        lines += [f"image not rendered: {m}" for m in self.broken_images]
        return "\n".join(lines) or "no problems"


class BrowserTimeout(TimeoutError):
    """The browser check did not finish in time; its processes were killed."""


class BrowserError(RuntimeError):
    """The browser check could not run (no browser, no playwright, launch failure)."""


def chromium_path() -> str | None:
    """The Chromium binary to use: ``$MEEDOEN_CHROMIUM``, /usr/bin/chromium, or ``chromium`` on
    PATH; None when there is none."""
    env = os.environ.get("MEEDOEN_CHROMIUM")
    if env:
        return env if os.access(env, os.X_OK) else None
    if os.access("/usr/bin/chromium", os.X_OK):
        return "/usr/bin/chromium"
    return shutil.which("chromium")


def playwright_available() -> bool:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return False
    return True


def missing_reason() -> str | None:
    """Why the browser check cannot run here, or None when it can."""
    if chromium_path() is None:
        return ("no Chromium: install Debian's package (apt-get install chromium) "
                "or set MEEDOEN_CHROMIUM")
    if not playwright_available():
        return "the Python package playwright is not installed (pip install playwright)"
    return None


def browser_available() -> bool:
    """True when both a Chromium binary and the playwright package are here."""
    return missing_reason() is None


def browser_required() -> bool:
    """True when MEEDOEN_REQUIRE_BROWSER=1 (CI): a missing browser is then a failure."""
    return os.environ.get("MEEDOEN_REQUIRE_BROWSER", "").strip() == "1"


def require_browser() -> None:
    """In a test: skip with the reason when the browser check cannot run here, or fail when
    MEEDOEN_REQUIRE_BROWSER=1, so CI can never skip it silently."""
    import pytest

    reason = missing_reason()
    if reason is None:
        return
    if browser_required():
        pytest.fail(f"MEEDOEN_REQUIRE_BROWSER=1 but the browser check cannot run: {reason}",
                    pytrace=False)
    pytest.skip(f"real-browser check: {reason}")


def open_page(html_path: str | os.PathLike, screenshot_path: str | os.PathLike | None = None,
              width: int = 1280, timeout: float = 90.0) -> PageCheck:
    """Load ``html_path`` in headless Chromium via ``file://`` and report what it saw.

    Raises :class:`BrowserError` when the check cannot run and :class:`BrowserTimeout` when it
    takes longer than ``timeout`` seconds in all (launch included).
    """
    reason = missing_reason()
    if reason:
        raise BrowserError(reason)
    html = Path(html_path).resolve()
    if not html.is_file():
        raise FileNotFoundError(html)
    request = {
        "html": str(html),
        "screenshot": str(Path(screenshot_path).resolve()) if screenshot_path else None,
        "width": int(width),
        "chromium": chromium_path(),
        # inner budget, leaving the outer one time to kill and report
        "step_timeout_ms": int(max(5.0, timeout / 3) * 1000),
        # Chromium's start may take the whole budget on a busy machine: a slow start is then a
        # timeout (the outer kill), not a failed check
        "launch_timeout_ms": int(timeout * 1000),
    }
    with tempfile.TemporaryDirectory(prefix="meedoen-browser-", ignore_cleanup_errors=True) as tmp:
        result_file = Path(tmp) / "result.json"
        request["result"] = str(result_file)
        request["profile"] = str(Path(tmp) / "profile")  # a new, empty --user-data-dir
        proc = subprocess.Popen(
            [sys.executable, __file__, json.dumps(request)],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            start_new_session=True,  # own process group: a timeout kills it and the driver
        )
        try:
            output, _ = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_group(proc)
            raise BrowserTimeout(f"browser check of {html} took more than {timeout:g} s; "
                                 "killed") from None
        finally:
            _kill_group(proc)
            # Playwright starts Chromium in a session of its own, so the group kill does not
            # reach it; its processes are found by the unique profile path in their command line
            _kill_by_profile(request["profile"])
        if proc.returncode != 0 or not result_file.is_file():
            raise BrowserError(f"browser check of {html} failed (exit {proc.returncode}):\n"
                               f"{output[-4000:]}")
        data = json.loads(result_file.read_text())
    shutil.rmtree(tmp, ignore_errors=True)  # in case a dying helper still wrote into it
    data["images"] = [(str(name), int(w)) for name, w in data["images"]]
    return PageCheck(**data)


def _kill_group(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        pass


def _proc_table() -> dict[int, tuple[int, str, bytes]]:
    """pid -> (session id, state, command line) of every process we can see (Linux /proc)."""
    table = {}
    proc = Path("/proc")
    if not proc.is_dir():
        return table
    for entry in proc.iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            fields = stat[stat.rindex(")") + 2:].split()  # after "pid (comm) "
            table[int(entry.name)] = (int(fields[3]), fields[0], (entry / "cmdline").read_bytes())
        except (OSError, ValueError, IndexError):
            continue
    return table


def _kill_by_profile(profile: str, wait: float = 5.0) -> None:
    """SIGKILL this check's Chromium: every process whose command line names ``profile`` (its
    own temporary --user-data-dir: the browser and crashpad) and every process in their
    sessions (renderers, GPU and network helpers); then wait until they are gone."""
    needle = profile.encode()
    own_session = os.getsid(0)
    table = _proc_table()
    sessions = {sid for sid, _state, cmd in table.values() if needle in cmd} - {own_session}
    doomed = {pid for pid, (sid, _state, cmd) in table.items()
              if (sid in sessions or needle in cmd) and pid != os.getpid()
              and sid != own_session}
    deadline = time.monotonic() + wait
    while doomed and time.monotonic() < deadline:
        for pid in doomed:
            try:
                os.kill(pid, signal.SIGKILL)
            except (ProcessLookupError, PermissionError):
                pass
        time.sleep(0.05)
        table = _proc_table()
        doomed = {pid for pid in doomed if pid in table and table[pid][1] not in "ZX"}


def _run_check(request: dict) -> PageCheck:
    """In the child process: drive Chromium with Playwright and collect a PageCheck."""
    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    check = PageCheck()
    step = request["step_timeout_ms"]
    with sync_playwright() as pw:
        context = pw.chromium.launch_persistent_context(
            request["profile"],
            executable_path=request["chromium"],
            headless=True,
            args=list(CHROMIUM_FLAGS),
            viewport={"width": request["width"], "height": 800},
            timeout=request["launch_timeout_ms"],
        )
        try:
            context.set_default_timeout(step)

            def route(r):
                if r.request.url.startswith(LOCAL_SCHEMES):
                    r.continue_()
                else:
                    r.abort("internetdisconnected")

            context.route("**/*", route)
            page = context.pages[0] if context.pages else context.new_page()
            page.on("console", lambda m: m.type == "error" and check.console_errors.append(
                f"{m.text} ({m.location.get('url', '')[:80]}:{m.location.get('lineNumber', '')})"))
            page.on("pageerror", lambda e: check.page_errors.append(
                f"{e.name or 'Error'}: {e.message}" if hasattr(e, "message") else str(e)))
            page.on("requestfailed", lambda r: check.failed_requests.append(
                f"{r.url[:120]}: {r.failure}"))
            page.on("response", lambda r: r.status >= 400 and check.failed_requests.append(
                f"{r.url[:120]}: HTTP {r.status}"))
            page.on("crash", lambda _p: check.page_errors.append("renderer crashed"))
            try:
                page.goto(Path(request["html"]).as_uri(), wait_until="load", timeout=step)
            except PlaywrightError as exc:
                check.page_errors.append(f"page did not load: {str(exc).splitlines()[0]}")
            # let images decode and late errors (timers at 0 ms, onload handlers) arrive
            try:
                page.evaluate("() => Promise.all(Array.from(document.images).map("
                              "img => img.decode().catch(() => null)))")
            except PlaywrightError:
                pass
            page.wait_for_timeout(100)
            check.images = [(name, int(w)) for name, w in page.evaluate(_IMAGES_JS)]
            check.title = page.title()
            check.text = page.evaluate("() => document.body ? document.body.innerText : ''")
            if request["screenshot"]:
                Path(request["screenshot"]).parent.mkdir(parents=True, exist_ok=True)
                page.screenshot(path=request["screenshot"], full_page=True, timeout=step)
        finally:
            context.close()
    return check


if __name__ == "__main__":  # the child process of open_page
    req = json.loads(sys.argv[1])
    result = _run_check(req)
    Path(req["result"]).write_text(json.dumps(asdict(result)))
