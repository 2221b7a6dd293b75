"""Shared helpers for the model tests: where scenarios live, and small fast versions of them.

Kept small on purpose: test files own their checks; this module only knows paths, how to
shrink a scenario so a replication takes about a second, and how to compare two runs.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import settings

from simulation.scenario import LoadedScenario, load_scenario
from simulation.scenario.scaling import scale_overrides

ROOT = Path(__file__).resolve().parent.parent
SCENARIO_DIR = ROOT / "scenarios"
TEST_SCENARIO_DIR = Path(__file__).resolve().parent / "scenarios"
DAYS_PER_YEAR = 365.25

# No test asserts wall-clock time (issue 15); Hypothesis's default deadline (200 ms per example) would,
# and fail on a busy machine. Timing belongs in bench/.
# derandomize: every run tries the same examples (fixed seeds, like every other test), so a run fails
# only when the code changed; `--hypothesis-profile=explore` tries new ones.
settings.register_profile("meedoen", deadline=None, derandomize=True)
settings.register_profile("explore", deadline=None)
settings.load_profile("meedoen")
#: Seconds a test waits for a program or a condition before it calls it hung: a guard, never a speed
#: limit. A command of seconds took nearly two minutes on a machine running other jobs (issue 15).
HANG_GUARD_S = 600.0


def meedoen(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """Run the program as users do (``python -m simulation ...``); never raises on failure."""
    return subprocess.run(
        [sys.executable, "-m", "simulation", *args],
        cwd=cwd, capture_output=True, text=True, timeout=HANG_GUARD_S,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )


#: Every shipped scenario file; the invariant and determinism tests run each of them.
SCENARIO_FILES = sorted(SCENARIO_DIR.glob("*.yaml"))


def small_overrides(path: str | Path, stock: int = 600) -> list[str]:
    """``--set`` overrides that shrink a scenario to ``stock`` initial clients, keeping queues
    and budgets about as tight as in the full scenario (``simulation.scenario.scaling``)."""
    return scale_overrides(path, stock)


def load_small(path: str | Path, extra: list[str] | None = None, stock: int = 600) -> LoadedScenario:
    """The scenario at ``path`` shrunk by :func:`small_overrides`, plus ``extra`` overrides."""
    return load_scenario(path, [*small_overrides(path, stock), *(extra or [])])


def assert_tables_equal(left: dict[str, pd.DataFrame], right: dict[str, pd.DataFrame]) -> None:
    """Every table equal: same names, columns, dtypes and values (NaN equals NaN), exactly."""
    assert sorted(left) == sorted(right)
    for name in left:
        try:
            pd.testing.assert_frame_equal(left[name], right[name], check_exact=True)
        except AssertionError as error:
            raise AssertionError(f"table {name!r} differs: {error}") from None


def parquet_or_skip() -> None:
    """pyarrow is installed for ``--format parquet``; else a skip, or a failure when
    MEEDOEN_REQUIRE_PARQUET=1 (CI sets it: there a missing extra must not pass as a skip)."""
    try:
        import pyarrow.parquet  # noqa: F401
    except ImportError as error:
        message = f"--format parquet needs pyarrow (pip install '.[parquet]'): {error}"
        if os.environ.get("MEEDOEN_REQUIRE_PARQUET", "").strip() == "1":
            pytest.fail(message + " [MEEDOEN_REQUIRE_PARQUET=1]")
        pytest.skip(message)


@pytest.fixture(autouse=True, scope="session")
def _private_replication_store(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Experiments store replications in ``$MEEDOEN_STORE`` by default; the tests never touch
    the user's cache, and never reuse results from an earlier test session."""
    os.environ["MEEDOEN_STORE"] = str(tmp_path_factory.mktemp("replication-store"))
