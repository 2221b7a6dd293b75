"""Every file in scenarios/ loads, validates and runs, and says where its numbers come from.

Each shipped scenario is run briefly (resized to a few hundred clients with
``simulation.load_scaled``, its own clock and policy unchanged), so a file that validates but
cannot run — a budget, trajectory or team it names but never gets, a clock that ends before it
starts — fails here. Each file must open with a header comment, and every line that sets a
value must carry a comment naming its source (a seed article, a calibration.md row, or the
word "assumption"), as the project's standards ask.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

import pytest
from conftest import SCENARIO_DIR, SCENARIO_FILES

import simulation

BRIEF_CLIENTS = 300  # about a second per scenario: enough to run every mechanism the file switches on
VALUE_LINE = re.compile(r"^\s*(- )?[\w.\-]+:\s+[^#\s|>]")  # "key: value" (not a block opener)


def test_every_scenario_file_is_covered():
    assert SCENARIO_FILES == sorted(SCENARIO_DIR.glob("*.yaml")) and len(SCENARIO_FILES) >= 3


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=lambda p: p.stem)
def test_scenario_loads_and_runs_briefly(path: Path):
    scenario = simulation.load_scenario(path)
    clients = min(BRIEF_CLIENTS, scenario.model.population.initial_stock) or BRIEF_CLIENTS
    small = simulation.load_scaled(path, clients) if scenario.model.population.initial_stock else scenario
    result = simulation.run(small, seed=1)
    headline = simulation.headline(result).set_index("outcome")["value"]
    assert headline["average_stock"] > 0, "nobody on benefit in the observation window"
    assert not math.isnan(headline["exits_to_work_per_year"])
    assert (result.tables["monthly"]["period"] == "observation").any()


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=lambda p: p.stem)
def test_scenario_says_where_its_numbers_come_from(path: Path):
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines and lines[0].startswith("#"), f"{path.name}: no header comment"
    header = "\n".join(line for line in lines[:40] if line.startswith("#")).lower()
    assert re.search(r"seed|cal(ibration)?\b|§", header), f"{path.name}: the header names no source"
    unsourced = [f"{number + 1}: {line.strip()}" for number, line in enumerate(lines)
                 if VALUE_LINE.match(line) and "#" not in _statement(lines, number)
                 and not line.strip().startswith(("extends:", "policy_from:", "name:", "description:", "description_nl:"))]
    assert not unsourced, f"{path.name}: values without a source comment:\n" + "\n".join(unsourced[:10])


def _statement(lines: list[str], start: int) -> str:
    """The line at ``start`` with its continuation lines, while a { or [ is still open there
    (a flow mapping written over several lines may carry its comment on the last one)."""
    text, depth, index = "", 0, start
    while index < len(lines):
        line = lines[index]
        text += line + "\n"
        code = line.split("#", 1)[0]
        depth += code.count("{") + code.count("[") - code.count("}") - code.count("]")
        if depth <= 0:
            break
        index += 1
    return text
