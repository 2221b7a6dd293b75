"""The documentation site builds with warnings as errors, and its generated pages hold what they must.

One Sphinx build per module (``sphinx-build -W --keep-going -b html docs <tmp>``, in a subprocess
with a hang guard), then checks on the HTML: the parameter reference lists every key of
scenarios/base.yaml, the CLI reference every subcommand and option of the parser, the API page the
public names, the model page every element of the ODD protocol and a diagram made of the model's
own states and base.yaml's resources, the STRESS-DES page all 24 items with a link each and a
summary that adds up, and the pages the site gathers (notebooks, validation, scenarios, sources).
The model page is also opened in headless Chromium: it must render with nothing fetched and no
error. Sphinx and its extensions are the ``docs`` extra: without them the tests skip, unless
``MEEDOEN_REQUIRE_DOCS=1`` (CI) makes that a failure.
"""

from __future__ import annotations

import argparse
import html
import importlib.util
import os
import re
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest
import yaml
from browser import open_page, require_browser
from conftest import HANG_GUARD_S, ROOT, SCENARIO_DIR

import simulation
from simulation.cli.parser import build_parser
from simulation.model.client import ClientState

DOCS = ROOT / "docs"
REQUIRED = os.environ.get("MEEDOEN_REQUIRE_DOCS", "").strip() == "1"
DOCS_MODULES = ("sphinx", "myst_parser", "myst_nb", "furo", "sphinxarg")

ODD_ELEMENTS = ("Purpose and patterns", "Entities, state variables and scales", "Process overview and scheduling",
                "Design concepts", "Initialisation", "Input data", "Submodels")
DESIGN_CONCEPTS = ("Basic principles", "Emergence", "Adaptation", "Objectives", "Learning", "Prediction", "Sensing",
                   "Interaction", "Stochasticity", "Collectives", "Observation")
#: STRESS-DES (Monks et al. 2019): the 24 items
STRESS_ITEMS = {
    "1.1": "Purpose of the model", "1.2": "Model outputs", "1.3": "Experimentation aims",
    "2.1": "Base model overview diagram", "2.2": "Base model logic", "2.3": "Scenario logic", "2.4": "Algorithms",
    "2.5.1": "Entities", "2.5.2": "Activities", "2.5.3": "Resources", "2.5.4": "Queues", "2.5.5": "Entry/Exit",
    "3.1": "Data sources", "3.2": "Pre-processing", "3.3": "Input parameters", "3.4": "Assumptions",
    "4.1": "Initialisation", "4.2": "Run length", "4.3": "Estimation approach",
    "5.1": "Software or programming language", "5.2": "Random sampling", "5.3": "Model execution",
    "5.4": "System specification", "6.1": "Computer model sharing statement",
}


def docs_module(name: str) -> ModuleType:
    """A module of docs/_ext (the build's generators), loaded from its file."""
    spec = importlib.util.spec_from_file_location(f"docs_ext_{name}", DOCS / "_ext" / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    spec.loader.exec_module(module)
    return module


def docs_tools() -> None:
    """Skip without the docs extra; fail when MEEDOEN_REQUIRE_DOCS=1 says it must be there."""
    missing = [name for name in DOCS_MODULES if importlib.util.find_spec(name) is None]
    if missing:
        message = f"building the documentation needs {', '.join(missing)} (pip install '.[docs]')"
        if REQUIRED:
            pytest.fail(message + " [MEEDOEN_REQUIRE_DOCS=1]", pytrace=False)
        pytest.skip(message)


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The built site (one build for the module); the build must succeed with warnings as errors."""
    docs_tools()
    out = tmp_path_factory.mktemp("site")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
           "PYTHONDONTWRITEBYTECODE": "1"}  # nothing written into docs/ (its _ext modules' bytecode)
    done = subprocess.run([sys.executable, "-m", "sphinx", "-W", "--keep-going", "-q", "-b", "html",
                           "-d", str(out / "doctrees"), str(DOCS), str(out / "html")],
                          cwd=ROOT, env=env, capture_output=True, text=True, timeout=HANG_GUARD_S)
    assert done.returncode == 0, f"sphinx-build failed:\n{done.stderr[-6000:]}"
    return out / "html"


def page(site: Path, name: str) -> str:
    path = site / f"{name}.html"
    assert path.is_file(), f"no page {name}.html"
    return path.read_text(encoding="utf-8")


def text_of(markup: str) -> str:
    """The visible text of a page, roughly: scripts and tags removed, entities decoded, spaces collapsed."""
    markup = re.sub(r"<(script|style)\b.*?</\1>", " ", markup, flags=re.S)
    return re.sub(r"\s+", " ", html.unescape(re.sub(r"<[^>]+>", "", markup)))


def test_the_site_gathers_every_page(site: Path):
    for name in ("index", "guide", "cli", "parameters", "api", "odd", "stress_des", "sources", "model_code",
                 "architecture", "validation", "face_validity", "scenarios", "notebooks/README"):
        page(site, name)
    guide = page(site, "guide")  # the README, its links working from docs/
    assert "Two commands" in text_of(guide) and 'src="_images/report.png"' in guide
    assert 'href="validation.html"' in guide and 'href="notebooks/01_quickstart.html"' in guide
    notebooks = sorted(path.stem for path in (ROOT / "notebooks").glob("*.ipynb"))
    assert notebooks, "no notebooks found"
    for name in notebooks:  # rendered from the notebooks as they are (the tests run them elsewhere)
        assert "import simulation" in text_of(page(site, f"notebooks/{name}")), name


def test_parameter_page_lists_every_key_of_base_yaml(site: Path):
    parameter_reference = docs_module("parameter_reference")
    markup = page(site, "parameters")
    top_level = list(yaml.safe_load((SCENARIO_DIR / "base.yaml").read_text(encoding="utf-8")))
    for key in top_level:
        assert re.search(rf'<section id="{re.escape(key.replace("_", "-"))}">', markup), f"no section for {key}"
    rows = parameter_reference.rows()
    for key in top_level:  # each key in its section's table, written below the section
        section = markup[markup.index(f'<section id="{key.replace("_", "-")}">'):]
        table = section[:section.index("</table>")]
        shown = set(re.findall(r'<span class="pre">([^<]+)</span>', table))
        assert {row.key_in_section for row in rows if row.path[0] == key} <= shown, key
    assert len(rows) > 300 and {str(row.path[0]) for row in rows} == set(top_level)
    text = text_of(markup)
    assert "duration (e.g. 6 months)" in text and "probability (0–1)" in text and "hazard per person" in text
    assert 'href="sources.html#seed-000"' in markup and 'href="sources.html#cal-a"' in markup
    assert "place" in text and "policy" in text


def test_cli_page_lists_every_subcommand_and_option(site: Path):
    text = text_of(page(site, "cli"))
    subcommands = build_parser().subcommands or {}
    assert len(subcommands) >= 10
    for name, parser in subcommands.items():
        assert f"meedoen {name} " in text, f"subcommand {name} missing"
        for action in parser._actions:
            if isinstance(action, argparse._HelpAction):  # -h/--help: every subcommand has it
                continue
            for option in action.option_strings:
                assert option in text, f"meedoen {name} {option} missing"
    assert "%%" not in text and "–set" not in text  # help text as argparse shows it


def test_api_page_documents_the_public_api(site: Path):
    markup = page(site, "api")
    text = text_of(markup)
    for name in simulation.__all__:
        assert name in text, name
    for target in ("simulation.model.run.run", "simulation.scenario.load_scenario", "simulation.outcomes.headline.headline",
                   "simulation.experiments.comparison.compare", "simulation.experiments.parameter_sweep.sweep",
                   "simulation.results.collection.Results", "simulation.present.report.write_report",
                   "simulation.errors.ScenarioError"):
        assert f'id="{target}"' in markup, target
    assert "Same scenario + seed + replication" in text  # a docstring, as written


def test_model_page_follows_odd_with_a_diagram_of_the_model(site: Path):
    model_diagram = docs_module("model_diagram")
    markup = page(site, "odd")
    text = text_of(markup)
    positions = [text.find(f"{number}. {element}") for number, element in enumerate(ODD_ELEMENTS, start=1)]
    assert -1 not in positions and positions == sorted(positions), dict(zip(ODD_ELEMENTS, positions, strict=True))
    concepts = text[positions[3]:positions[4]]
    for concept in DESIGN_CONCEPTS:
        assert f"{concept}." in concepts, concept
    figure = re.search(r'<figure class="model-diagram">(.*?)</figure>', markup, flags=re.S)
    assert figure, "no diagram on the model page"
    svg = html.unescape(figure.group(1))
    # inline, and nothing that runs or is fetched when the page is read
    assert svg.lstrip().startswith("<svg") and "<script" not in svg
    assert not re.search(r"""(href|src)=["'](?!#)|url\((?!#)""", svg), "the diagram refers to something outside it"
    for state in ClientState:
        assert model_diagram.STATE_LABELS[state] in svg, state
    for names in model_diagram.scenario_names().values():
        for name in names:
            assert name in svg, name


def test_model_page_renders_offline_in_a_browser(site: Path, tmp_path: Path):
    require_browser()
    screenshot = tmp_path / "model.png"
    check = open_page(site / "odd.html", screenshot)
    assert not check.console_errors and not check.page_errors and not check.failed_requests, check.problems()
    assert "on benefit (bijstand)" in check.text and "klantmanagers" in check.text  # the diagram's text, rendered
    assert screenshot.stat().st_size > 10_000


def test_stress_des_page_answers_every_item_with_a_link(site: Path):
    markup = page(site, "stress_des")
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", markup, flags=re.S)
    answers: dict[str, str] = {}
    for row in rows:
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)
        item = re.match(r"\s*(\d(?:\.\d){1,2}) ", text_of(cells[0])) if cells else None
        if item:
            number = item.group(1)
            assert STRESS_ITEMS[number] in text_of(cells[0]), number
            assert "<a " in cells[2], f"item {number} links nowhere"
            answers[number] = text_of(cells[1]).strip()
    assert sorted(answers) == sorted(STRESS_ITEMS)
    assert set(answers.values()) <= {"met", "partly", "not met"}
    summary = re.search(r"all 24 items.*?<td[^>]*>.*?(\d+).*?</td>\s*<td[^>]*>.*?(\d+).*?</td>\s*<td[^>]*>.*?(\d+)",
                        markup, flags=re.S)
    assert summary, "no summary row"
    counted = [list(answers.values()).count(status) for status in ("met", "partly", "not met")]
    assert [int(n) for n in summary.groups()] == counted
