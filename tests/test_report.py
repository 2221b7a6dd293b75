"""The HTML report (``simulation.present.report``), ``meedoen report`` and ``meedoen compare --report``.

The page is parsed (it must be well-formed), its images decoded, its links checked for
anything fetched from the network, and its text held to the numbers it reports: each plain
sentence's difference, interval and verdict against the summary row, the outcome and equity
tables against the summary and the profile tables, the "what differs" table against the keys
actually changed. Text from scenario files must stay text. Writing is atomic, and a bad
``--report`` path stops ``compare`` before it runs anything.

One real report (images drawn) comes from ``meedoen compare --report`` in a subprocess, as
users make it; the other renders replace the drawing of PNGs by a fixed image, because what
they check is text.
"""

from __future__ import annotations

import base64
import re
import struct
from pathlib import Path

import numpy as np
import pytest
from conftest import SCENARIO_DIR, SCENARIO_FILES, TEST_SCENARIO_DIR, load_small, meedoen
from html_page import Page, cells, section, sections
from scipy import stats

from simulation.cli.main import main
from simulation.experiments.comparison import compare
from simulation.model.run import run
from simulation.outcomes.definitions import OUTCOMES
from simulation.outcomes.profiles import EQUITY_GROUPS
from simulation.present import report
from simulation.present.plots import FIGURES
from simulation.present.report import BRIEF_SHOWN, SECTIONS, brief_rows, render_report, write_report
from simulation.present.report_brief import KEY_OUTCOMES, label, lower_first
from simulation.present.report_place import size_free
from simulation.present.tables import number
from simulation.results.collection import Results, write_comparison
from simulation.scenario import load_scenario

TINY = TEST_SCENARIO_DIR / "tiny_tilburg.yaml"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
# a real 1 x 1 PNG, so pages rendered without drawing still hold valid images
TINY_PNG = base64.b64decode("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==")
EVIL = '<script>alert(1)</script> & "quotes"'
EVIL_DESCRIPTION = EVIL + " {{ 7*7 }} <img src=x onerror=alert(2)>"
CHANGED = {"policy.groups.group3.review_interval": "3 months", "services.netwerkconsulent.slots": "12"}
REPS = 3


def t_interval(values: np.ndarray) -> tuple[float, float]:
    return stats.t.interval(0.95, len(values) - 1, loc=np.mean(values), scale=stats.sem(values))


# --- shared results ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def scenarios():
    first = load_small(TINY, stock=300)
    second = load_small(TINY, ["name=B", *(f"{k}={v}" for k, v in CHANGED.items())], stock=300)
    return first, second


@pytest.fixture(scope="module")
def comparison(scenarios) -> Results:
    return Results.from_comparison(compare(list(scenarios), REPS, seed=3, workers=1, store=False))


@pytest.fixture(scope="module")
def render():
    """render_report with a fixed image instead of drawn figures (the figures are made, not drawn)."""
    pages: dict = {}

    def rendered(results: Results, lang: str = "en") -> str:
        key = (id(results), lang)
        if key not in pages:
            with pytest.MonkeyPatch.context() as patch:
                patch.setattr(report, "figure_bytes", lambda figure, fmt, dpi=100: TINY_PNG)
                pages[key] = render_report(results, lang)
        return pages[key]

    return rendered


@pytest.fixture
def fast_images(monkeypatch):
    monkeypatch.setattr(report, "figure_bytes", lambda figure, fmt, dpi=100: TINY_PNG)


@pytest.fixture(scope="module")
def cli_report(tmp_path_factory) -> tuple[Path, Path, list[str]]:
    """``meedoen compare A B --out --report`` for real: B is a file whose name and description are markup."""
    root = tmp_path_factory.mktemp("report")
    evil = root / "evil.yaml"
    evil.write_text(
        f"extends: {TINY.resolve()}\n"
        f"name: '{EVIL}'\n"
        f"description: '{EVIL_DESCRIPTION}'\n"
        "policy: {groups: {group3: {review_interval: 3 months}}}\n"
        "services: {netwerkconsulent: {slots: 4}}\n")
    args = ["compare", str(TINY), str(evil), "--reps", "2", "--seed", "5", "--no-store", "--workers", "1",
            "--quiet", "--out", str(root / "cmp"), "--report", str(root / "report.html")]
    proc = meedoen(*args)
    assert proc.returncode == 0, proc.stderr
    return root / "report.html", root / "cmp", args


# --- the page as a whole -------------------------------------------------------------------------


def test_report_parses_and_embeds_one_png_per_figure(cli_report):
    html = cli_report[0].read_text(encoding="utf-8")
    page = Page(html)
    assert page.root.one("html").attrs.get("lang") == "en"
    images = page.root.all("img")
    assert len(images) == len(FIGURES)
    assert [f.attrs["id"] for f in page.root.all("figure")] == [f"figure-{name}" for name in FIGURES]
    for image in images:
        src = image.attrs["src"]
        assert src.startswith("data:image/png;base64,")
        png = base64.b64decode(src.removeprefix("data:image/png;base64,"), validate=True)
        assert png[:8] == PNG_SIGNATURE and png[12:16] == b"IHDR"
        width, height = struct.unpack(">II", png[16:24])
        assert width >= 400 and height >= 200
        assert image.attrs.get("alt")


def test_report_is_self_contained(cli_report):
    page = Page(cli_report[0].read_text(encoding="utf-8"))
    for tag, attrs in page.tags:
        assert tag not in ("script", "link", "iframe", "object", "embed", "base", "form"), tag
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, name)
            if name in ("src", "href", "action", "srcset", "poster", "data"):
                assert not re.match(r"\s*(https?:)?//", value or ""), (tag, name, value)
                assert (value or "").startswith(("data:", "#")), (tag, name, value)
    style = page.root.one("style").text()
    assert "url(" not in style and "@import" not in style


def test_markup_in_scenario_names_and_descriptions_stays_text(cli_report):
    html = cli_report[0].read_text(encoding="utf-8")
    page = Page(html)
    assert not [tag for tag, _ in page.tags if tag == "script"]
    assert len(page.root.all("img")) == len(FIGURES)  # the description's <img onerror> is not an element
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#34;quotes&#34;" in html
    text = page.root.text()
    assert text.count(EVIL) >= 5  # title, tables, sentences, scenario list
    assert EVIL_DESCRIPTION in text  # shown as written: no template expression evaluated
    assert EVIL in page.root.one("title").text()


def test_compare_report_records_where_it_came_from(cli_report):
    html_path, folder, args = cli_report
    page = Page(html_path.read_text(encoding="utf-8"))
    technical = section(page, "technical")
    rows = {cells(r)[0]: cells(r)[1] for r in technical.one("table", id="provenance").all("tr")}
    assert rows["seed"] == "5" and rows["replications"] == "2"
    # the command that gives these results: without where and how they ran (tests/test_experiments_cli.py)
    assert rows["command"] == " ".join(["meedoen", *args[:5], "--seed", "5"])
    assert rows["results folder"] == str(folder)
    import numpy  # the versions that decide the numbers (numpy's streams are build-specific)
    import scipy
    import simpy

    for library in (numpy, scipy, simpy):
        assert f"{library.__name__} {library.__version__}" in rows["libraries"]
    files = [cells(r) for r in technical.one("table", id="scenario-files").all("tr")[1:]]
    assert [row[0] for row in files] == ["tiny_tilburg", EVIL]
    assert files[1][1] == str(folder.parent / "evil.yaml") or files[1][1].endswith("evil.yaml")
    assert files[1][2].split(" › ")[-1].endswith("evil.yaml")  # the extends chain, base first
    assert all(re.fullmatch(r"[0-9a-f]{16}", row[4]) for row in files)  # the scenario hashes


def test_what_differs_in_the_cli_report(cli_report):
    page = Page(cli_report[0].read_text(encoding="utf-8"))
    rows = [cells(r) for r in section(page, "differences").all("tr")]
    assert rows[0] == ["setting", "tiny_tilburg", EVIL]
    # name and description are the columns and the header; the two settings, each under its subject
    assert rows[1:] == [["Group 3 (phases 4 and 5)"], ["reviewed by social services", "every year", "every 3 months"],
                        ["Netwerkconsulenten"], ["capacity: clients helped at the same time", "2 places", "4 places"]]
    header = page.root.one("header")
    assert [dt.text() for dt in header.all("dt")] == ["tiny_tilburg:", EVIL + ":"]
    assert header.all("dd")[1].text() == EVIL_DESCRIPTION


# --- what differs --------------------------------------------------------------------------------


def test_differences_are_exactly_the_changed_keys(comparison, render):
    differences = comparison.differences()
    assert list(differences.columns) == ["key", "tiny_tilburg", "B"]
    table = differences.set_index("key")
    assert set(table.index) == {"name", *CHANGED}
    assert table.loc["name"].tolist() == ["tiny_tilburg", "B"]
    assert table.loc["policy.groups.group3.review_interval"].tolist() == ["1 year", "3 months"]
    assert table.loc["services.netwerkconsulent.slots"].tolist() == ["3", "12"]  # 3: scaled down by load_small
    page = Page(render(comparison))
    rows = [cells(r) for r in section(page, "differences").all("tr")[1:]]
    settings = [row for row in rows if len(row) == 3]  # the others are the subjects' headings
    assert settings == [["reviewed by social services", "every year", "every 3 months"],
                        ["capacity: clients helped at the same time", "3 places", "12 places"]]


def test_identical_scenarios_have_no_differences(scenarios):
    summary = compare([scenarios[0], scenarios[0]], 2, seed=3, workers=1, store=False)
    results = Results.from_comparison(summary)
    assert results.differences().empty
    assert list(results.differences().columns) == ["key", *results.labels]


# --- the plain-language sentences ----------------------------------------------------------------


def expected_verdict(row) -> str:
    if np.isnan(row["diff"]):
        return "undefined"
    if np.isnan(row["diff_low"]):  # defined in one replication only (a 24-month look-ahead on a short clock)
        return "no_ci"
    if row["diff_low"] == row["diff_high"] == row["diff"]:  # no spread at all: nothing to be unsure about
        return "same" if row["diff"] == 0 else "higher" if row["diff"] > 0 else "lower"
    return "higher" if row["diff_low"] > 0 else "lower" if row["diff_high"] < 0 else "unclear"


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_one_sentence_per_outcome_with_the_summary_numbers_and_verdict(comparison, lang):
    sentences = brief_rows(comparison, lang)
    assert sorted(s.outcome for s in sentences) == sorted(OUTCOMES)
    assert {s.scenario for s in sentences} == {"B"}
    summary = comparison.summary.set_index(["scenario", "outcome"])
    words = report.TEXT[lang]
    verdicts = []
    for sentence in sentences:
        outcome = sentence.outcome
        assert lower_first(label(outcome, lang)) in sentence.text
        row = summary.loc[("B", outcome)]
        unit = OUTCOMES[outcome].unit
        if np.isnan(row["diff"]):
            assert sentence.verdict == "undefined"
            continue
        verdict = expected_verdict(row)
        assert sentence.verdict == verdict, (outcome, sentence.text)
        verdicts.append(verdict)
        diff = number(row["diff"], unit, lang, signed=True)
        sign = "+" if row["diff"] >= 0 else "−"
        assert diff.startswith(sign) or diff[1:] in ("0", "0.0", "0,0")  # a difference that rounds to 0 is "+0.0"
        shown = sentence.text.split(" ")[0]
        assert shown == (diff[0] + "€" + diff[1:] if unit.startswith("€") else diff), sentence.text
        if row["diff_low"] == row["diff_high"]:
            assert words["same" if verdict == "same" else "same_difference"] in sentence.text, sentence.text
        elif verdict in ("higher", "lower", "unclear"):
            interval = (f"{words['ci']} {number(row['diff_low'], unit, lang, signed=True)} {words['to']} "
                        f"{number(row['diff_high'], unit, lang, signed=True)}; {words[verdict]}")
            assert interval in sentence.text, (outcome, sentence.text)
        reference = summary.loc[("tiny_tilburg", outcome)]
        assert f"tiny_tilburg {number(reference['mean'], unit, lang)}; B {number(row['mean'], unit, lang)}" \
            in sentence.text
        if unit == "%":
            assert ("percentage points" if lang == "en" else "procentpunt") in sentence.text
    # the changes are large enough for clear verdicts, and some outcomes do not move clearly
    assert {"higher", "lower"} & set(verdicts) and "unclear" in verdicts


def test_sentences_are_in_the_page_in_their_order_with_their_colour(comparison, render):
    page = Page(render(comparison))
    summary = section(page, "summary")
    items = summary.all("li")
    sentences = brief_rows(comparison, "en", size_free(comparison))  # each quantity once
    assert [(item.text().strip(), item.classes()) for item in items] == \
        [(f"{s.scenario}: {s.text}", {s.colour}) for s in sentences]
    # the first BRIEF_SHOWN are in view, the others folded away in <details>
    folded = summary.one("details").all("li")
    assert len(items) - len(folded) == BRIEF_SHOWN == sum(s.shown for s in sentences)
    assert [item.text() for item in folded] == [item.text() for item in items[BRIEF_SHOWN:]]


def test_outcome_table_shows_means_intervals_and_differences(comparison, render):
    page = Page(render(comparison))
    table = section(page, "outcomes")
    rows = [cells(r) for r in table.all("tr")]
    assert rows[0] == ["outcome", "tiny_tilburg", "B", "B − tiny_tilburg"]  # no VR: that is technical
    body = rows[1:]
    assert len(body) == len(OUTCOMES)
    summary = comparison.summary.set_index(["scenario", "outcome"])
    by_label = {row[0]: row[1:] for row in body}
    colours = {s.outcome: s.colour for s in brief_rows(comparison, "en")}
    diff_cells = {cells(r)[0]: r.all("td")[-1] for r in table.all("tr")[1:]}
    for outcome, spec in OUTCOMES.items():
        shown_label = next(k for k in by_label if k == spec.label or k.startswith(spec.label + " ("))
        first, second, diff = by_label[shown_label]
        for shown, scenario in ((first, "tiny_tilburg"), (second, "B")):
            row = summary.loc[(scenario, outcome)]
            assert shown.startswith(number(row["mean"], spec.unit)), (outcome, shown)
            if not np.isnan(row["ci_low"]):
                assert shown.endswith(f"[{number(row['ci_low'], spec.unit)} to {number(row['ci_high'], spec.unit)}]")
        row = summary.loc[("B", outcome)]
        assert diff.startswith(number(row["diff"], spec.unit, signed=True)), (outcome, diff)
        assert diff_cells[shown_label].classes() == {"num", "diff", colours[outcome]}


def test_equity_table_is_the_mean_and_interval_over_replications(comparison, render):
    page = Page(render(comparison))
    rows = [cells(r) for r in section(page, "equity").all("tr")]
    assert rows[0][:2] == ["group", "scenario"]
    body = rows[1:]
    assert len(body) == len(EQUITY_GROUPS) * 2
    equity = comparison.equity
    measures = ["share_of_client_years", "exits_to_work_per_100_client_years", "recidivism_12m",
                "sanctions_per_100_client_years"]
    groups = dict(zip(EQUITY_GROUPS, [r[0] for r in body[::2]], strict=True))
    for row in body:
        group = next(g for g, name in groups.items() if name == row[0])
        for measure, shown in zip(measures, row[2:], strict=True):
            values = equity.query("scenario == @row[1] and group == @group and measure == @measure")["value"]
            values = values.dropna().to_numpy(float)
            assert len(values) == REPS or measure == "recidivism_12m"
            if len(values) == 0:
                continue
            text = number(values.mean(), "%")
            if len(values) > 1:
                low, high = (values.mean(), values.mean()) if values.std() == 0 else t_interval(values)
                text += f" [{number(low, '%')} to {number(high, '%')}]"
            assert shown == text, (group, measure)
    assert body[0][2] == "100.0 [100.0 to 100.0]"


# --- Dutch ---------------------------------------------------------------------------------------


ENGLISH_DECIMAL = re.compile(r"\d\.\d{1,2}(?!\d)")  # 1.5 (a Dutch 1.500 has three digits after the point)
ENGLISH_THOUSANDS = re.compile(r"\d,\d{3}(?!\d)")  # 1,500 (Dutch decimals here have one digit)


def test_dutch_report_uses_dutch_terms_and_numbers(comparison, render):
    html = render(comparison, "nl")
    page = Page(html)
    assert page.root.one("html").attrs.get("lang") == "nl"
    text = page.root.text().lower()
    for term in ("uitstroom", "herinstroom", "participatieladder", "procentpunt", "betrouwbaarheidsinterval",
                 "wat verschilt er"):
        assert term in text, term
    for english in ("percentage points", "clearly higher", "no clear difference", "recidivism", "in brief"):
        assert english not in text, english  # more in test_report_sections.py
    sentences = [item.text() for item in section(page, "summary").all("li")]
    assert any(re.search(r"\d,\d", s) for s in sentences)  # decimal commas are there
    mean_cells = [c for row in section(page, "outcomes").all("tr")[1:] for c in cells(row)[1:4]]
    for shown in sentences + mean_cells:
        assert not ENGLISH_DECIMAL.search(shown.split(": ", 1)[-1]), shown
        assert not ENGLISH_THOUSANDS.search(shown), shown


def test_every_number_in_the_dutch_report_is_dutch(comparison, render):
    page = Page(render(comparison, "nl"))
    for cell in page.root.all("td"):
        if "num" in cell.classes():
            assert not ENGLISH_DECIMAL.search(cell.text()) and not ENGLISH_THOUSANDS.search(cell.text()), cell.text()


# --- a single run and a single scenario ----------------------------------------------------------


@pytest.fixture(scope="module")
def single_result(scenarios):
    return run(scenarios[0], seed=3, replication=1, event_log=False)


@pytest.fixture(scope="module")
def single_run(single_result) -> Results:
    return Results.from_run(single_result)


def technical_rows(page: Page) -> dict[str, str]:
    return {cells(r)[0]: cells(r)[1] for r in section(page, "technical").one("table", id="provenance").all("tr")}


def test_a_single_run_says_it_has_no_confidence_interval(single_run, render):
    sentences = brief_rows(single_run, "en")
    assert len(sentences) == len(OUTCOMES)
    assert {s.verdict for s in sentences} == {"value"}
    assert [s.outcome for s in sentences[: len(KEY_OUTCOMES)]] == list(KEY_OUTCOMES)
    means = single_run.summary.set_index("outcome")["mean"]
    for sentence in sentences:
        spec = OUTCOMES[sentence.outcome]
        assert sentence.text.startswith(spec.label + ": " + number(means[sentence.outcome], spec.unit))
        assert "CI" not in sentence.text
    page = Page(render(single_run))
    assert "no confidence interval" in section(page, "how-to-read").text()
    assert page.root.one("p", **{"class": "subtitle"}).text() == "One replication"
    assert technical_rows(page)["seed"] == "3" and technical_rows(page)["replication"] == "1"
    assert not page.root.all("section", id="differences")
    assert "[" not in " ".join(c.text() for c in section(page, "outcomes").all("td"))  # no intervals shown
    assert not section(page, "technical").all("table", id="variance-ratios")
    nl = Page(render(single_run, "nl"))
    assert "geen betrouwbaarheidsinterval" in section(nl, "how-to-read").text()


def test_meedoen_report_of_a_run_folder(single_result, tmp_path, fast_images, capsys):
    from simulation.results.run_output import write_results

    folder = write_results(single_result, tmp_path / "run")
    assert main(["report", str(folder), "-o", str(tmp_path / "run.html")]) == 0
    capsys.readouterr()
    page = Page((tmp_path / "run.html").read_text(encoding="utf-8"))
    assert technical_rows(page)["seed"] == "3" and technical_rows(page)["replication"] == "1"
    assert "no confidence interval" in section(page, "how-to-read").text()
    means = Results.from_run(single_result).summary.set_index("outcome")["mean"]
    rows = {cells(r)[0]: cells(r)[1] for r in section(page, "outcomes").all("tr")[1:]}
    shown = next(v for k, v in rows.items() if k.startswith(OUTCOMES["recidivism_12m"].label))
    assert shown == number(means["recidivism_12m"], "%")


def test_three_scenarios_give_one_sentence_per_outcome_and_other_scenario(scenarios, render):
    third = load_small(TINY, ["name=C", "klantmanagers.count=4"], stock=300)
    results = Results.from_comparison(compare([*scenarios, third], 2, seed=3, workers=1, store=False))
    sentences = brief_rows(results, "en")
    assert len(sentences) == 2 * len(OUTCOMES)
    assert [s.scenario for s in sentences] == ["B"] * len(OUTCOMES) + ["C"] * len(OUTCOMES)
    summary = results.summary.set_index(["scenario", "outcome"])
    for sentence in sentences:
        assert sentence.verdict == expected_verdict(summary.loc[(sentence.scenario, sentence.outcome)])
    page = Page(render(results))
    header = cells(section(page, "outcomes").all("tr")[0])
    assert header == ["outcome", "tiny_tilburg", "B", "C", "B − tiny_tilburg", "C − tiny_tilburg"]
    vr_header = cells(section(page, "technical").one("table", id="variance-ratios").all("tr")[0])
    assert vr_header == ["outcome", "VR B", "VR C"]
    assert [h.text() for h in section(page, "summary").all("h3")] == ["B against tiny_tilburg", "C against tiny_tilburg"]
    differences = results.differences().set_index("key")
    assert set(differences.index) == {"name", "klantmanagers.count", *CHANGED}
    assert differences.loc["klantmanagers.count"].tolist() == ["2", "2", "4"]


def test_one_scenario_over_replications_gives_means_with_intervals(scenarios, render):
    results = Results.from_comparison(compare([scenarios[0]], 2, seed=3, workers=1, store=False))
    sentences = brief_rows(results, "en")
    assert len(sentences) == len(OUTCOMES) and {s.verdict for s in sentences} == {"value"}
    row = results.summary.set_index("outcome").loc["recidivism_12m"]
    text = next(s.text for s in sentences if s.text.startswith(OUTCOMES["recidivism_12m"].label))
    assert f"(95% CI {number(row['ci_low'], '%')} to {number(row['ci_high'], '%')})" in text
    page = Page(render(results))
    assert "Means over 2 replications" in section(page, "summary").text()
    comparison_only = ("differences", "place-policy", "business-case")  # nothing to compare, nothing moved
    assert sections(page) == [s.id for s in SECTIONS if s.id not in comparison_only]


# --- writing it ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def results_folder(comparison, tmp_path_factory) -> Path:
    return write_comparison(comparison.summary, tmp_path_factory.mktemp("folder") / "cmp")


def test_meedoen_report_writes_atomically(results_folder, tmp_path, fast_images, capsys):
    target = tmp_path / "out" / "report.html"
    target.parent.mkdir()
    assert main(["report", str(results_folder), "-o", str(target), "--lang", "nl"]) == 0
    assert str(target) in capsys.readouterr().out
    assert [p.name for p in target.parent.iterdir()] == ["report.html"]  # no temporary or probe files
    page = Page(target.read_text(encoding="utf-8"))
    assert page.root.one("html").attrs["lang"] == "nl"
    assert len(page.root.all("img")) == len(FIGURES)
    # again over an existing report: replaced, still nothing else beside it
    target.write_text("old")
    assert main(["report", str(results_folder), "-o", str(target), "--overwrite"]) == 0
    capsys.readouterr()
    assert target.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")
    assert [p.name for p in target.parent.iterdir()] == ["report.html"]


def test_a_report_that_fails_while_written_leaves_the_old_one(results_folder, tmp_path, monkeypatch):
    target = tmp_path / "report.html"
    target.write_text("old report")
    # a lone surrogate cannot be encoded: the write fails halfway through the file
    monkeypatch.setattr(report, "render_report", lambda results, lang="en": "<!DOCTYPE html>" + "x" * 100_000 + "\ud800")
    with pytest.raises(UnicodeEncodeError):
        write_report(Results.load(results_folder), target)
    assert target.read_text() == "old report"
    assert [p.name for p in tmp_path.iterdir()] == ["report.html"]


@pytest.mark.parametrize("case", ["suffix", "no_suffix", "parent_is_a_file", "no_parent", "a_folder"])
def test_compare_with_a_bad_report_path_fails_before_running(case, tmp_path, monkeypatch, capsys):
    import simulation.experiments.comparison

    calls = []
    monkeypatch.setattr(simulation.experiments.comparison, "compare", lambda *a, **k: calls.append(a))
    (tmp_path / "file.txt").write_text("x")
    (tmp_path / "folder.html").mkdir()
    path = {"suffix": tmp_path / "report.pdf", "no_suffix": tmp_path / "report",
            "parent_is_a_file": tmp_path / "file.txt" / "report.html", "no_parent": tmp_path / "nope" / "report.html",
            "a_folder": tmp_path / "folder.html"}[case]
    before = sorted(p.name for p in tmp_path.iterdir())
    code = main(["compare", str(TINY), str(TINY), "--reps", "2", "--no-store", "--workers", "1", "--quiet",
                 "--out", str(tmp_path / "results"), "--report", str(path)])
    err = capsys.readouterr().err
    assert code == 2
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("meedoen: error:") and str(path) in lines[0]
    assert calls == []  # nothing ran
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # no --out folder, no report, no probe


def test_compare_with_a_bad_report_path_as_a_process(tmp_path):
    proc = meedoen("compare", str(TINY), "--reps", "2", "--no-store", "--workers", "1", "--quiet",
                   "--out", str(tmp_path / "results"), "--report", str(tmp_path / "report.txt"))
    assert proc.returncode == 2
    assert len(proc.stderr.strip().splitlines()) == 1 and "Traceback" not in proc.stderr
    assert "report.txt" in proc.stderr and proc.stdout == ""
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("case", ["suffix", "not_results"])
def test_meedoen_report_bad_input_is_one_line(case, results_folder, tmp_path, capsys):
    if case == "suffix":
        args = ["report", str(results_folder), "-o", str(tmp_path / "report.pdf")]
    else:
        (tmp_path / "junk").mkdir()
        args = ["report", str(tmp_path / "junk"), "-o", str(tmp_path / "report.html")]
    assert main(args) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("meedoen: error:")
    assert not (tmp_path / "report.html").exists() and not (tmp_path / "report.pdf").exists()


# --- the Dutch description of a scenario ---------------------------------------------------------


@pytest.mark.parametrize("path", SCENARIO_FILES, ids=lambda p: p.stem)
def test_every_shipped_scenario_has_its_own_dutch_description(path):
    model = load_scenario(path).model
    assert model.description_nl and model.description_nl != model.description
    parent = load_scenario(SCENARIO_DIR / "base.yaml").model
    assert path.stem == "base" or model.description_nl != parent.description_nl


def test_an_inherited_dutch_description_goes_with_the_description_it_translates(tmp_path):
    tilburg = (SCENARIO_DIR / "tilburg.yaml").resolve()
    (tmp_path / "own.yaml").write_text(f"extends: {tilburg}\nname: own\ndescription: My own variant\n")
    (tmp_path / "same.yaml").write_text(f"extends: {tilburg}\nname: same\n")
    inherited = load_scenario(tilburg).model.description_nl
    assert load_scenario(tmp_path / "own.yaml").model.description_nl is None  # not Tilburg's text
    assert load_scenario(tmp_path / "same.yaml").model.description_nl == inherited
    assert load_scenario(tilburg, ["description=x"]).model.description_nl is None
    assert load_scenario(tilburg, ["description=x", "description_nl=y"]).model.description_nl == "y"
