"""The web app in tests: whether Streamlit is here (CI requires it), and the app's server started as
users start it (``meedoen app --port PORT``) in a process group of its own, killed afterwards.

CI sets MEEDOEN_REQUIRE_APP=1, so the app's tests fail there instead of skipping when the optional
extra ``app`` is missing (as MEEDOEN_REQUIRE_BROWSER does for the browser).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from conftest import HANG_GUARD_S, ROOT


def app_missing_reason() -> str | None:
    try:
        import streamlit  # noqa: F401
    except ImportError:
        return "Streamlit is not installed (pip install '.[app]')"
    return None


def require_app() -> None:
    """In a test: skip with the reason when Streamlit is missing, or fail when MEEDOEN_REQUIRE_APP=1."""
    import pytest

    reason = app_missing_reason()
    if reason is None:
        return
    if os.environ.get("MEEDOEN_REQUIRE_APP", "").strip() == "1":
        pytest.fail(f"MEEDOEN_REQUIRE_APP=1 but the web app cannot run: {reason}", pytrace=False)
    pytest.skip(f"web app: {reason}")


def free_port() -> int:
    """A port nobody listens on now (the system picks it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _healthy(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://localhost:{port}/_stcore/health", timeout=5) as answer:
            return bool(answer.status == 200)
    except OSError:
        return False


class App:
    """A started server: its address, and a wait until it answers (so the browser can start meanwhile)."""

    def __init__(self, server: subprocess.Popen, port: int, log: Path) -> None:
        self.server, self.address, self.log = server, f"http://localhost:{port}", log
        self.port = port

    def wait_until_up(self) -> str:
        deadline = time.monotonic() + HANG_GUARD_S  # a guard against hanging, not a speed limit
        while not _healthy(self.port):
            if self.server.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"the app did not start (exit {self.server.poll()}):\n{self.log.read_text()[-3000:]}")
            time.sleep(0.2)
        return self.address


@contextmanager
def running_app(env: dict[str, str], log: Path) -> Iterator[App]:
    """``meedoen app`` on a free port until the block ends. The server runs in a process group of its
    own, which is killed however the block ends (a hung server too)."""
    port = free_port()
    with open(log, "w") as output:
        server = subprocess.Popen([sys.executable, "-m", "simulation", "app", "--port", str(port)], cwd=ROOT,
                                  env={**os.environ, **env}, stdout=output, stderr=subprocess.STDOUT,
                                  start_new_session=True)
    try:
        yield App(server, port, log)
    finally:
        for sig in (signal.SIGTERM, signal.SIGKILL):
            try:
                os.killpg(server.pid, sig)
            except ProcessLookupError:
                break
            try:
                server.wait(timeout=10)
                break
            except subprocess.TimeoutExpired:
                continue
