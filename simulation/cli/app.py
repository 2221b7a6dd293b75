"""``meedoen app``: start the web app for policy makers (``streamlit run`` on the app's page).

Streamlit is an optional extra (``pip install 'meedoen[app]'``); without it, or with a port that
is taken or a scenario folder that holds no scenarios, the command says so in one line and exits
with 2 before it starts anything. The server listens on this computer only, sends no usage
statistics and opens no browser itself; Ctrl-C (or ``kill``) stops it.
"""

from __future__ import annotations

import argparse
import importlib.util
import os
import signal
import socket
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from simulation.errors import ScenarioError

#: Where the server listens: this computer only (assumption: a policy maker's own machine, not a server).
ADDRESS = "localhost"
#: Seconds the server has to stop after Ctrl-C or ``kill`` before it is killed.
STOP_S = 10.0


def streamlit_flags(port: int) -> list[str]:
    """Streamlit's options: this port on this computer, no usage statistics, no browser opened, no
    watching of the package's files, and the page without Streamlit's developer menu."""
    return ["--server.port", str(port), "--server.address", ADDRESS, "--server.headless", "true",
            "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none", "--server.runOnSave", "false",
            "--global.developmentMode", "false", "--client.toolbarMode", "minimal", "--theme.base", "light"]


def app_command(args: argparse.Namespace, argv: Sequence[str]) -> int:
    """Check the extra, the port and the scenario folder; then run the server until it stops."""
    if importlib.util.find_spec("streamlit") is None:
        raise ScenarioError("the web app needs Streamlit, an optional extra", file="meedoen app",
                            hint="pip install 'meedoen[app]'")
    from simulation.present.app import SCRIPT
    from simulation.present.app.questions import LANG_ENV, SCENARIOS_ENV

    env = {**os.environ, LANG_ENV: args.lang}
    if args.scenarios:
        folder = Path(args.scenarios)
        if not folder.is_dir() or not any(folder.glob("*.yaml")):
            raise ScenarioError("is not a folder of scenario files (*.yaml)", file=args.scenarios)
        env[SCENARIOS_ENV] = str(folder.resolve())
    _check_port(args.port)
    command = [sys.executable, "-m", "streamlit", "run", str(SCRIPT), *streamlit_flags(args.port)]
    print(f"meedoen app: http://{ADDRESS}:{args.port} (Ctrl-C stops it)", flush=True)
    return _serve(command, env)


def _check_port(port: int) -> None:
    """A port another program holds is bad input, said before Streamlit starts."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            raise ScenarioError(f"port {port} is in use", file="--port", hint="choose another, e.g. --port 8502") from None


def _serve(command: list[str], env: dict[str, str]) -> int:
    """Run the server; on Ctrl-C or ``kill`` stop it (SIGTERM, then SIGKILL after ``STOP_S``) and exit 0."""
    server = subprocess.Popen(command, env=env)
    try:
        return server.wait()
    except KeyboardInterrupt:
        if server.poll() is None:
            server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=STOP_S)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
        return 0
