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

from simulation.scenario import LoadedScenario, load_scenario

ROOT = Path(__file__).resolve().parent.parent
SCENARIO_DIR = ROOT / "scenarios"
TEST_SCENARIO_DIR = Path(__file__).resolve().parent / "scenarios"
DAYS_PER_YEAR = 365.25

def meedoen(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """Run the program as users do (``python -m simulation ...``); never raises on failure."""
    return subprocess.run(
        [sys.executable, "-m", "simulation", *args],
        cwd=cwd, capture_output=True, text=True, timeout=120,
        env={**os.environ, "PYTHONWARNINGS": "ignore"},
    )


#: Every shipped scenario file; the invariant and determinism tests run each of them.
SCENARIO_FILES = sorted(SCENARIO_DIR.glob("*.yaml"))


def small_overrides(path: str | Path, stock: int = 600) -> list[str]:
    """``--set`` overrides that shrink a scenario to ``stock`` initial clients.

    Inflow, staff, slots, urgent care and budgets are scaled by the same factor (read from the
    file's own values), so queues and budgets stay about as tight as in the full scenario:
    the invariants are then tested under realistic pressure, not in an idle world.
    """
    model = load_scenario(path).model
    scale = stock / model.population.initial_stock if model.population.initial_stock else 1.0

    def shrink(n: int) -> int:
        return 0 if n == 0 else max(1, round(n * scale))

    overrides = [
        f"population.initial_stock={stock}",
        f"inflow.applications={model.inflow.applications * DAYS_PER_YEAR * scale:.4f} per year",
        f"klantmanagers.count={shrink(model.klantmanagers.count)}",
    ]
    for name, service in model.services.items():
        overrides.append(f"services.{name}.slots={shrink(service.slots)}")
        overrides.append(f"services.{name}.urgent_care.arrivals="
                         f"{service.urgent_care.arrivals * DAYS_PER_YEAR * scale:.4f} per year")
    for name, trajectory in model.trajectories.items():
        overrides.append(f"trajectories.{name}.slots={shrink(trajectory.slots)}")
    for name, budget in model.budgets.items():
        overrides.append(f"budgets.{name}.annual_amount=€{budget.annual_amount * DAYS_PER_YEAR * scale:.2f} per year")
    for group, n in model.klantmanagers.ring_fenced.items():
        overrides.append(f"klantmanagers.ring_fenced.{group}={shrink(n)}")
    return overrides


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


@pytest.fixture(autouse=True, scope="session")
def _private_replication_store(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Experiments store replications in ``$MEEDOEN_STORE`` by default; the tests never touch
    the user's cache, and never reuse results from an earlier test session."""
    os.environ["MEEDOEN_STORE"] = str(tmp_path_factory.mktemp("replication-store"))
