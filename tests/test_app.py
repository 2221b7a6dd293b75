"""The web app's plain functions (knobs, questions, views), the ``meedoen app`` command, and the
page itself headless (Streamlit's AppTest); the page in a real browser is test_app_browser.py.

The runs are tiny (150 clients at the start, 2 replications) and go through the session's private
result store (conftest), so the answer is computed once per module.
"""

from __future__ import annotations

import ast
import copy
import importlib.util
import math
import socket

import pytest
from app_server import require_app
from conftest import ROOT, SCENARIO_DIR

import simulation
from simulation.cli import main
from simulation.errors import ScenarioError
from simulation.present.app import SCRIPT, knobs, questions, views, words
from simulation.present.app.questions import Question
from simulation.results.collection import flatten
from simulation.scenario import load_scenario
from simulation.scenario.scaling import load_scaled, scale_overrides

TILBURG, LEEUWARDEN = str(SCENARIO_DIR / "tilburg.yaml"), str(SCENARIO_DIR / "leeuwarden.yaml")
STOCK = 150
#: Group 3 reviewed every 3 months instead of once a year: contacts per client-year clearly higher.
VARIANT = Question(TILBURG, changes=(("review_group3", 3.0),), stock=STOCK, reps=2)


@pytest.fixture(scope="module")
def answer() -> questions.Answer:
    return questions.ask(VARIANT, workers=1)


# --- knobs ----------------------------------------------------------------------------------------

def test_knobs_become_overrides_that_the_loader_checks_like_the_command_line() -> None:
    values = {"caseload": 200, "review_group3": 6, "sanctions": 80, "wijkteam_places": 90, "reintegration_budget": 1.5}
    texts = knobs.overrides(values)
    assert texts == ["klantmanagers.caseload=200", "policy.groups.group3.review_interval=6 months",
                     "sanctions.detection_probability=0.8", "services.wijkteam.slots=90",
                     "budgets.reintegration.annual_amount=€1500000.00 per year"]
    model = load_scenario(TILBURG, texts).model
    assert model.klantmanagers.caseload == 200 and model.sanctions.detection_probability == 0.8
    assert model.policy.groups["group3"].review_interval == pytest.approx(365.25 / 2)
    assert model.services["wijkteam"].slots == 90
    assert model.budgets["reintegration"].annual_amount * 365.25 == pytest.approx(1.5e6)
    assert knobs.current_values(load_scenario(TILBURG, texts)) == pytest.approx(values)


def test_no_reviews_of_group_3_is_zero_months() -> None:
    assert knobs.overrides({"review_group3": 0}) == ["policy.groups.group3.review_interval=null"]
    assert load_scenario(TILBURG, knobs.overrides({"review_group3": 0})).model.policy.groups["group3"].review_interval is None


def test_a_scaled_city_scales_the_places_and_the_budget_as_load_scaled_scales_its_own() -> None:
    """The knobs at the city's own full-size values, scaled, give the scaled city's own values; the
    caseload, the review interval and the strictness do not grow with a city."""
    full = load_scenario(TILBURG)
    factor = STOCK / full.model.population.initial_stock
    scaled = load_scaled(TILBURG, STOCK)
    knobbed = load_scaled(TILBURG, STOCK, knobs.overrides(knobs.current_values(full), factor))
    assert knobs.current_values(knobbed) == pytest.approx(knobs.current_values(scaled))
    assert knobs.overrides({"wijkteam_places": 60, "caseload": 150}, 0.001) == [
        "services.wijkteam.slots=1", "klantmanagers.caseload=150"]  # a place that exists stays one


@pytest.mark.parametrize(("name", "value", "lang", "expected"), [
    ("caseload", -1, "en", "Clients per klantmanager (caseload): give a whole number of at least 0"),
    ("caseload", 2.5, "en", "give a whole number"),
    ("sanctions", 120, "en", "Sanction strictness: % of missed obligations sanctioned: give a percentage from 0 to 100"),
    ("review_group3", 0.5, "en", "give 0 (none) or at least 1 month"),
    ("reintegration_budget", -0.1, "nl", "Re-integratiebudget (miljoen € per jaar): geef een getal van minstens 0"),
    ("wijkteam_places", math.nan, "nl", "Plekken in de wijkteams (casussen tegelijk): geef een getal"),
    ("caseload", "many", "en", "give a number"),
    ("caseload", True, "en", "give a number"),
    ("staff", 3, "en", "unknown setting 'staff'"),
])
def test_bad_knob_values_are_said_in_plain_words(name, value, lang, expected) -> None:
    message = knobs.problem(name, value, lang)
    assert message is not None and expected in message
    with pytest.raises(ScenarioError) as raised:
        knobs.overrides({name: value})
    assert raised.value.argument == "knobs" and knobs.explain(raised.value, "en") == knobs.problem(name, value, "en")


def test_good_knob_values_have_no_problem() -> None:
    for name, value in (("caseload", 0), ("review_group3", 0), ("review_group3", 1), ("sanctions", 100),
                        ("wijkteam_places", 0), ("reintegration_budget", 0.0)):
        assert knobs.problem(name, value) is None, name


def test_the_loaders_own_errors_name_the_knob() -> None:
    """A value the knob allows but the scenario does not (here: 1 day is the shortest interval) is said
    with the knob's label; an error about another key stays as the loader says it."""
    with pytest.raises(ScenarioError) as raised:
        load_scenario(TILBURG, ["policy.groups.group3.review_interval=0.5 days"])
    assert knobs.explain(raised.value, "nl").startswith("Groep 3 (fase 4-5): maanden tussen heronderzoeken (0 = geen): ")
    assert "at least 1 day" in knobs.explain(raised.value, "en")
    other = ScenarioError("bad", argument="overrides", key="population.initial_stock")
    assert knobs.explain(other) == str(other)


# --- questions ------------------------------------------------------------------------------------

def test_the_catalogue_offers_the_seeds_cities_first_and_leaves_out_files_that_do_not_load(tmp_path) -> None:
    entries = questions.catalogue(SCENARIO_DIR)
    assert [e.name for e in entries[:2]] == ["tilburg", "leeuwarden"]
    assert {e.name for e in entries} >= {"base", "tilburg_with_leeuwarden_policy"}
    assert entries[0].description["nl"].startswith("Beleid zoals in Tilburg") and entries[0].clients == 7400
    (tmp_path / "broken.yaml").write_text("extends: nowhere.yaml\n")
    (tmp_path / "tilburg.yaml").write_text(f"extends: {TILBURG}\n")
    assert [e.name for e in questions.catalogue(tmp_path)] == ["tilburg"]


def test_the_scenario_folder_comes_from_the_environment(monkeypatch, tmp_path) -> None:
    monkeypatch.setenv(questions.SCENARIOS_ENV, str(tmp_path))
    assert questions.scenario_folder() == tmp_path
    monkeypatch.delenv(questions.SCENARIOS_ENV)
    monkeypatch.chdir(tmp_path)
    assert questions.scenario_folder() == ROOT / "scenarios"


@pytest.mark.parametrize("stock", [STOCK, None])
def test_a_variant_differs_from_its_scenario_only_in_the_knobs_it_changes(stock) -> None:
    """The page passes every knob's value; those left as they were write nothing."""
    values = {**knobs.current_values(load_scenario(TILBURG)), "review_group3": 3.0}
    reference, variant = questions.worlds(Question(TILBURG, changes=tuple(values.items()), stock=stock, reps=2))
    assert (reference.name, variant.name) == ("tilburg", "tilburg_variant")
    same = load_scaled(TILBURG, STOCK) if stock else load_scenario(TILBURG)
    assert reference.hash == same.hash  # the command line's scenario, stored alike
    changed = set(flatten(variant.raw.data).items()) - set(flatten(reference.raw.data).items())
    assert {key for key, _ in changed} == {"name", "policy.groups.group3.review_interval"}


def test_two_scenarios_as_they_are_or_both_policies_in_one_place() -> None:
    as_is = questions.worlds(Question(TILBURG, LEEUWARDEN, stock=STOCK, reps=2))
    assert [w.model.population.initial_stock for w in as_is] == [STOCK, round(6000 * STOCK / 7400)]  # sizes kept apart
    first = questions.worlds(Question(TILBURG, LEEUWARDEN, "first", stock=STOCK, reps=2))
    assert [w.name for w in first] == ["tilburg", "tilburg_with_leeuwarden_policy"]
    assert {w.model.population.initial_stock for w in first} == {STOCK}
    second = questions.worlds(Question(TILBURG, LEEUWARDEN, "second", stock=STOCK, reps=2))
    assert [w.name for w in second] == ["leeuwarden_with_tilburg_policy", "leeuwarden"]
    full = questions.worlds(Question(TILBURG, LEEUWARDEN))
    assert [w.model.population.initial_stock for w in full] == [7400, 6000]


@pytest.mark.parametrize(("question", "expected"), [
    (Question(TILBURG, TILBURG, stock=STOCK), "choose two different scenarios"),
    (Question(TILBURG, stock=STOCK), "Change at least one setting"),
    (Question(TILBURG, changes=(("caseload", 150.0),), stock=STOCK), "Change at least one setting"),
    (Question(TILBURG, LEEUWARDEN, "elsewhere"), "unknown place 'elsewhere'"),
])
def test_questions_that_cannot_be_asked(question, expected) -> None:
    with pytest.raises(ScenarioError, match=expected):
        questions.worlds(question)


def test_a_repeated_question_comes_from_the_store_the_command_line_uses(answer, capsys) -> None:
    assert (answer.computed, answer.reused, answer.results.reps) == (4, 0, 2)
    calls: list[tuple[int, int]] = []
    again = questions.ask(VARIANT, lambda done, total: calls.append((done, total)))
    assert (again.computed, again.reused, calls) == (0, 4, [(4, 4)])
    assert again.results.summary.equals(answer.results.summary)
    sets = [word for override in scale_overrides(TILBURG, STOCK) for word in ("--set", override)]
    assert main(["compare", TILBURG, *sets, "--reps", "2", "--workers", "1", "--quiet"]) == 0
    assert "(0 run, 2 reused from the store" in capsys.readouterr().out


# --- views ----------------------------------------------------------------------------------------

def test_in_brief_gives_each_difference_with_its_interval_in_either_language(answer) -> None:
    english, dutch = views.brief_html(answer.results, "en"), views.brief_html(answer.results, "nl")
    assert "on contacts per client-year, 95% CI +" in english and "clearly higher" in english
    assert "op contacten per klantjaar, 95%-BI +" in dutch and "duidelijk hoger" in dutch
    assert f"border-left:6px solid {views.COLOURS['clear']}" in english  # coloured as in the report


def test_the_outcome_table_has_every_outcome_and_each_paired_difference(answer) -> None:
    table = views.outcomes_html(answer.results, "en")
    assert table.count("<tr>") == 1 + answer.results.summary["outcome"].nunique()
    assert "tilburg_variant − tilburg" in table and "Contacts per client-year" in table


def test_text_from_scenario_files_is_shown_as_text(answer) -> None:
    results = copy.deepcopy(answer.results)
    evil = "<img src=x onerror=alert(1)>"
    for record in results.scenarios:
        record["label"] = record["label"].replace("tilburg_variant", evil)
    results.summary["scenario"] = results.summary["scenario"].replace("tilburg_variant", evil)
    for html in (views.brief_html(results, "en"), views.outcomes_html(results, "en"),
                 views.differences_html(results, "en")):
        assert evil not in html and "&lt;img src=x onerror=alert(1)&gt;" in html


def test_text_from_files_is_no_markdown_either() -> None:
    """Streamlit reads captions, warnings and radio options as Markdown ($ as a formula, :red[..] as colour)."""
    assert words.plain("den_haag *1* [a](javascript:x) $5$ :red[no] - 1.5") == (
        r"den\_haag \*1\* \[a\]\(javascript\:x\) \$5\$ \:red\[no\] \- 1\.5")


def test_what_differs_names_the_changed_setting(answer) -> None:
    assert "every 3 months" in views.differences_html(answer.results, "en")


def test_the_run_note_says_what_was_computed_and_how_small_the_cities_were(answer) -> None:
    note = views.run_note(answer, "en", questions.scale(VARIANT))
    assert note.startswith("2 paired replications per scenario: 4 computed now, 0 reused") and "2% of its clients" in note
    assert "De steden op volle grootte" in views.run_note(answer, "nl", 1.0)


# --- the public API only --------------------------------------------------------------------------

#: The app may import the foundation, itself, and the public names where they live (simulation._HOMES);
#: the one exception says why.
EXCEPTIONS = {("simulation.scenario.units", "DAYS_PER_YEAR")}  # the unit of the model's values (days)


def test_the_app_uses_the_public_api_only() -> None:
    homes = simulation._HOMES  # type: ignore[attr-defined]
    allowed = {(module, name) for name, module in homes.items() if name not in simulation._MODULES}
    allowed |= {(module.rpartition(".")[0], name) for name, module in homes.items() if name in simulation._MODULES}
    allowed |= {(homes["report"], name) for name in simulation.report.__all__} | EXCEPTIONS
    found = set()
    for path in SCRIPT.parent.glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("simulation"):
                found |= {(node.module, alias.name) for alias in node.names}
            elif isinstance(node, ast.Import):
                assert not any(alias.name.startswith("simulation") for alias in node.names), path
    own = {(m, n) for m, n in found if m.startswith("simulation.present.app") or m in ("simulation.errors",
                                                                                     "simulation.defaults",
                                                                                     "simulation.version")}
    assert found - own - allowed == set()
    assert {("simulation.scenario", "transplant"), ("simulation.experiments.comparison", "compare")} <= found


# --- the command ----------------------------------------------------------------------------------

def test_without_streamlit_the_command_says_how_to_get_it(monkeypatch, capsys) -> None:
    monkeypatch.setattr("simulation.cli.app._serve", lambda *a: pytest.fail("started"))
    real = importlib.util.find_spec
    monkeypatch.setattr(importlib.util, "find_spec", lambda name, *a: None if name == "streamlit" else real(name, *a))
    assert main(["app"]) == 2
    out, err = capsys.readouterr()
    assert out == "" and err == "meedoen: error: meedoen app: the web app needs Streamlit, an optional extra " \
                                "(pip install 'meedoen[app]')\n"


@pytest.mark.parametrize("argv", [["app", "--port", "0"], ["app", "--port", "http"], ["app", "--scenarios", "nowhere"],
                                  ["app", "--scenarios", str(ROOT / "docs")]])
def test_bad_options_are_one_line_and_start_nothing(argv, capsys, monkeypatch) -> None:
    monkeypatch.setattr("simulation.cli.app._serve", lambda *a: pytest.fail("started"))
    try:
        code = main(argv)
    except SystemExit as stop:  # argparse's own check of the option
        code = stop.code
    assert code == 2
    err = capsys.readouterr().err
    assert err.startswith("meedoen: error: ") and err.count("\n") == 1


def test_a_port_in_use_is_bad_input(capsys, monkeypatch) -> None:
    require_app()
    monkeypatch.setattr("simulation.cli.app._serve", lambda *a: pytest.fail("started"))
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["app", "--port", str(port)]) == 2
    assert capsys.readouterr().err == f"meedoen: error: --port: port {port} is in use (choose another, e.g. --port 8502)\n"


def test_the_server_is_started_private_and_quiet(monkeypatch) -> None:
    """Streamlit gets the page, this computer only, no usage statistics, no browser, and the language."""
    require_app()
    started = {}
    monkeypatch.setattr("simulation.cli.app._serve", lambda command, env: started.update(command=command, env=env) or 0)
    assert main(["app", "--port", "8599", "--lang", "nl", "--scenarios", str(SCENARIO_DIR)]) == 0
    command = " ".join(started["command"])
    assert f"-m streamlit run {SCRIPT} " in command
    for flags in ("--server.port 8599", "--server.address localhost", "--browser.gatherUsageStats false",
                  "--server.headless true"):
        assert flags in command
    assert started["env"][questions.LANG_ENV] == "nl" and started["env"][questions.SCENARIOS_ENV] == str(SCENARIO_DIR)


# --- the page, headless ---------------------------------------------------------------------------

def test_the_page_in_dutch_refuses_a_bad_knob_before_running(monkeypatch) -> None:
    """Streamlit's AppTest runs the page without a browser: Dutch words, the knobs filled with the
    scenario's own values, a value no knob takes said in plain words, and Run disabled."""
    require_app()
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv(questions.LANG_ENV, "nl")
    monkeypatch.setenv(questions.SCENARIOS_ENV, str(SCENARIO_DIR))
    page = AppTest.from_file(str(SCRIPT), default_timeout=120).run()
    assert not page.exception and page.title[0].value == "meedoen: probeer een beleid"
    where = next(radio for radio in page.radio if radio.label == "Waar")
    assert where.value == "first"  # both policies in the first one's place: the question a municipality asks
    next(radio for radio in page.radio if radio.label == "Wat wilt u vergelijken?").set_value("variant").run()
    boxes = {box.label: box for box in page.number_input}
    review = boxes["Groep 3 (fase 4-5): maanden tussen heronderzoeken (0 = geen)"]
    assert review.value == pytest.approx(12.0) and boxes["Klanten per klantmanager (caseload)"].value == 150
    review.set_value(0.5).run()
    assert [w.value for w in page.warning] == [words.plain("Groep 3 (fase 4-5): maanden tussen heronderzoeken (0 = geen): "
                                                           "geef 0 (geen) of minstens 1 maand")]
    assert page.button(key="run").disabled and "answer" not in page.session_state
