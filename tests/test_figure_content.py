"""What the figures say, beyond their layout (tests/test_figure_layout.py): money in € with
thousands separators, the ladder's rungs named and visible, resources by a name a reader knows,
the observation window named, and cities of different sizes never compared by raw counts.

Expected values are computed here from the profile tables (exits, average stock), never copied
from a figure.
"""

from __future__ import annotations

import re
from types import SimpleNamespace

import matplotlib.dates as mdates
import numpy as np
import pandas as pd
import pytest
from conftest import DAYS_PER_YEAR, SCENARIO_DIR, load_small
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_rgba

from simulation.experiments.comparison import compare
from simulation.present.plot_bars import resource_name
from simulation.present.plot_format import MoneyFormatter, NumberFormatter, money
from simulation.present.plot_scale import sizes_differ
from simulation.present.plot_style import RUNG_COLOURS
from simulation.present.plot_text import TEXT
from simulation.present.plot_time import span_text
from simulation.present.plots import plot_budgets, plot_exits, plot_ladder, plot_recidivism, plot_resources, plot_stock
from simulation.results.collection import Results

REPS = 3


@pytest.fixture(scope="module")
def unequal() -> Results:
    """Tilburg at 400 clients and Leeuwarden at 280: sizes 30% apart."""
    scenarios = [load_small(SCENARIO_DIR / "tilburg.yaml", stock=400),
                 load_small(SCENARIO_DIR / "leeuwarden.yaml", stock=280)]
    return Results.from_comparison(compare(scenarios, REPS, seed=4, workers=1, store=False))


@pytest.fixture(scope="module")
def equal() -> Results:
    """Tilburg at 300 clients under two names: one size."""
    path = SCENARIO_DIR / "tilburg.yaml"
    scenarios = [load_small(path, stock=300), load_small(path, ["name=tilburg_again"], stock=300)]
    return Results.from_comparison(compare(scenarios, REPS, seed=4, workers=1, store=False))


def drawn_labels(axis) -> list[str]:
    """The tick labels an axis shows once drawn (inside its view)."""
    FigureCanvasAgg(axis.figure).draw()
    low, high = sorted(axis.get_view_interval())
    return [t.label1.get_text() for t in axis.get_major_ticks() if low <= t.get_loc() <= high and t.label1.get_text()]


def legend_title(figure) -> str:
    return " ".join(legend.get_title().get_text() for legend in figure.legends).replace("\n", " ")


# --- money -------------------------------------------------------------------------------------


def test_money_is_written_in_euros_with_thousands_separators():
    assert [money(v, "en") for v in (1_234_567, 500_000, 3_000_000, -2_500, 0)] == [
        "€1.2 million", "€500,000", "€3 million", "−€2,500", "€0"]
    assert [money(v, "nl") for v in (1_234_567, 500_000, 3_000_000, -2_500, 0)] == [
        "€ 1,2 mln", "€ 500.000", "€ 3 mln", "−€ 2.500", "€ 0"]


def test_an_axis_of_money_has_one_unit_and_tells_its_ticks_apart():
    assert MoneyFormatter("en").format_ticks([0, 250_000, 500_000, 750_000, 1_000_000]) == [
        "€0", "€0.25 million", "€0.50 million", "€0.75 million", "€1.00 million"]
    assert MoneyFormatter("nl").format_ticks([0, 200_000, 400_000]) == ["€ 0", "€ 200.000", "€ 400.000"]
    assert NumberFormatter("nl").format_ticks([0, 2_500, 5_000]) == ["0", "2.500", "5.000"]
    assert NumberFormatter("en").format_ticks([0, 0.5, 1.0]) == ["0.0", "0.5", "1.0"]


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_budget_axes_show_euros_not_scientific_notation(equal, lang):
    figure = plot_budgets(equal, lang)
    pattern = re.compile(r"^−?€ ?\d{1,3}([.,]\d{3})*([.,]\d+ (million|mln)| (million|mln))?$" if lang == "en"
                         else r"^−?€ \d{1,3}(\.\d{3})*(,\d+ mln| mln)?$")
    for ax in figure.axes:
        labels = drawn_labels(ax.yaxis)
        assert len(labels) >= 3 and all(pattern.match(t) for t in labels), labels
        assert ax.yaxis.get_offset_text().get_text() == ""  # no "1e6" above the axis
        assert any(len(re.sub(r"\D", "", t)) >= 4 for t in labels)  # amounts in the thousands, grouped


# --- the ladder --------------------------------------------------------------------------------


def luminance(colour) -> float:
    """WCAG 2.1 relative luminance."""
    rgb = np.array(to_rgba(colour)[:3])
    rgb = np.where(rgb <= 0.03928, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)
    return float(rgb @ [0.2126, 0.7152, 0.0722])


def contrast(a: float, b: float) -> float:
    return (max(a, b) + 0.05) / (min(a, b) + 0.05)


def test_rung_colours_are_visible_on_white_and_apart_from_their_neighbours():
    # assumption: 1.5:1 against white for the palest rung (the old rung 1 was 1.13:1, "nearly
    # white"), and 1.4:1 between neighbours, light to dark from rung 6 to rung 1, so the order
    # reads in greyscale
    values = [luminance(c) for c in RUNG_COLOURS]
    assert len(values) == 6
    assert min(contrast(v, 1.0) for v in values) >= 1.5
    assert all(contrast(a, b) >= 1.4 and a < b for a, b in zip(values, values[1:], strict=False))


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_ladder_rungs_are_named_from_1_isolated_to_6_paid_work(equal, lang):
    figure = plot_ladder(equal, lang)
    names = [t.get_text().replace("\n", " ") for t in figure.legends[0].get_texts()]
    assert names == [TEXT[lang]["rungs"][r] for r in range(6, 0, -1)]  # rung 6 on top, as in the stack
    assert names[-1].startswith("1 ") and names[0].startswith("6 ")
    assert {"en": "isolated", "nl": "geïsoleerd"}[lang] in names[-1]
    assert {"en": "paid work", "nl": "betaald werk"}[lang] in names[0]
    drawn = [tuple(np.round(p.get_facecolor()[:3], 6)) for p in figure.legends[0].get_patches()][::-1]
    assert drawn == [tuple(np.round(to_rgba(c)[:3], 6)) for c in RUNG_COLOURS]


# --- resources and trajectories ----------------------------------------------------------------


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_resources_are_named_as_a_reader_knows_them(unequal, lang):
    figure = plot_resources(unequal, lang)
    shown = [t.get_text().replace("\n", " ") for t in figure.axes[0].get_yticklabels()]
    assert len(shown) >= 5
    assert all("_" not in name for name in shown), shown
    assert all(name in TEXT[lang]["resources_names"].values() for name in shown), shown
    if lang == "en":  # Dutch terms kept, with the English beside them
        assert "werkervaringsplaats (work-experience place)" in shown or "scholing (training)" in shown


def test_a_trajectory_of_its_own_name_is_explained_by_its_kind():
    results = SimpleNamespace(scenarios=[{"resolved": {"trajectories": {"my_plan": {"kind": "detachering"}}}}])
    assert resource_name(results, "my_plan", "en") == "my plan (secondment)"
    assert resource_name(results, "my_plan", "nl") == "my plan (detachering)"
    assert resource_name(results, "work_first", "en") == TEXT["en"]["resources_names"]["work_first"]
    assert resource_name(results, "other_thing", "nl") == "other thing"


# --- the observation window --------------------------------------------------------------------


def test_span_text_names_whole_years_briefly():
    ts = pd.Timestamp
    assert span_text(ts("2017-01-01"), ts("2017-12-01")) == "2017"
    assert span_text(ts("2017-01-01"), ts("2018-12-01")) == "2017–2018"
    assert span_text(ts("2017-03-01"), ts("2018-02-01")) == "2017-03 – 2018-02"


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_time_figures_name_and_mark_the_observation_window(equal, lang):
    # the scenarios start on 2016-01-01 with a warm-up of 1 year and a horizon of 2 years: the window is 2017
    window = TEXT[lang]["observation"].format(span="2017")
    for make in (plot_stock, plot_budgets, plot_ladder):
        figure = make(equal, lang)
        ax = figure.axes[0]
        named = [t.get_text().replace("\n", " ") for child in ax.child_axes for t in child.get_xticklabels()]
        assert named == [TEXT[lang]["warmup"], window, TEXT[lang]["follow_up"]], (make.__name__, named)
        edges = sorted({pd.Timestamp(line.get_xdata()[0]) for line in ax.lines if line.get_linestyle() == "--"})
        assert [f"{x:%Y-%m-%d}" for x in edges] == ["2017-01-01", "2018-01-01"]


# --- cities of different sizes -----------------------------------------------------------------


def test_sizes_differ_beyond_ten_percent():
    def results(a: float, b: float):
        table = pd.DataFrame({"scenario": ["a", "b"], "replication": [0, 0], "outcome": "average_stock", "value": [a, b]})
        return SimpleNamespace(labels=["a", "b"], replications=table)

    assert not sizes_differ(results(1000, 1090))
    assert not sizes_differ(results(1090, 1000))
    assert sizes_differ(results(1000, 1120))
    assert sizes_differ(results(7200, 5800))  # Tilburg against Leeuwarden (issue 12)


def test_the_fixtures_are_of_different_and_of_one_size(unequal, equal):
    assert sizes_differ(unequal) and not sizes_differ(equal)


def average_stock(results: Results) -> pd.Series:
    rows = results.replications[results.replications["outcome"] == "average_stock"]
    return rows.set_index(["scenario", "replication"])["value"]


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_exits_of_cities_of_different_sizes_are_per_1000_clients(unequal, lang):
    figure = plot_exits(unequal, lang)
    series = unequal.series
    observed = series[(series["period"] == "observation") & (series["variable"] == "exits_work")]
    days = observed.assign(days=[pd.Period(m, freq="M").days_in_month for m in observed["month"]]).groupby(
        ["scenario", "replication"])["days"].sum()
    per_year = observed.groupby(["scenario", "replication"])["value"].sum() * DAYS_PER_YEAR / days
    rate = per_year / average_stock(unequal) * 1000
    ax = figure.axes[0]
    for container in [c for c in ax.containers if hasattr(c, "patches")]:
        label = container.get_label()
        assert container.patches[0].get_height() == pytest.approx(rate.loc[label].mean(), rel=1e-9)
    assert "1,000" in ax.get_ylabel() or "1.000" in ax.get_ylabel()
    note = legend_title(figure)
    assert TEXT[lang]["sizes_rates"].split("(")[0].strip() in note
    assert all(label in note for label in unequal.labels)


def test_exits_to_work_of_cities_of_different_sizes_are_per_1000_clients(unequal):
    ax = plot_recidivism(unequal, "en").axes[1]
    rows = unequal.replications.set_index(["scenario", "replication", "outcome"])["value"]
    for container in [c for c in ax.containers if hasattr(c, "patches")]:
        label = container.get_label()
        for patch, outcome in zip(container.patches, ["exits_to_work_per_year", "sustainable_exits_per_year"],
                                  strict=True):
            expected = (rows.xs(outcome, level="outcome").loc[label] / average_stock(unequal).loc[label] * 1000).mean()
            assert patch.get_height() == pytest.approx(expected, rel=1e-9)


def test_budgets_of_cities_of_different_sizes_are_per_1000_clients(unequal):
    ax = plot_budgets(unequal, "en").axes[0]
    assert ax.get_title() == TEXT["en"]["budget_names"]["reintegration"]
    budget = unequal.series[unequal.series["variable"] == "budget_reintegration"]
    per_client = budget.set_index(["scenario", "replication", "month"])["value"].div(
        average_stock(unequal), axis=0) * 1000
    lines = {line.get_label(): line for line in ax.lines if not line.get_label().startswith("_")}
    for label in unequal.labels:
        expected = per_client.loc[label].groupby(level="month").mean()
        np.testing.assert_allclose(lines[label].get_ydata(), expected.to_numpy(), rtol=1e-9)
    assert "1,000" in ax.get_ylabel()


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_stock_of_cities_of_different_sizes_has_a_panel_each(unequal, equal, lang):
    figure = plot_stock(unequal, lang)
    assert len(figure.axes) == len(unequal.labels)
    for ax, label in zip(figure.axes, unequal.labels, strict=True):
        assert [line.get_label() for line in ax.lines if not line.get_label().startswith("_")] == [label]
        assert ax.get_title() == label
    ranges = [ax.get_ylim() for ax in figure.axes]
    assert ranges[0] != ranges[1]  # each its own scale
    assert TEXT[lang]["sizes_panels"].split("(")[0].strip() in legend_title(figure)
    together = plot_stock(equal, lang)  # one size: one panel, no note
    assert len(together.axes) == 1 and TEXT[lang]["sizes_panels"].split("(")[0].strip() not in legend_title(together)


def calendar(start: int, label: str) -> pd.DataFrame:
    """A scenario's month-end stock over four years from ``start``: warm-up, window, two years of follow-up."""
    months = pd.period_range(f"{start}-01", f"{start + 3}-12", freq="M")
    periods = ["warmup" if m.year == start else "observation" if m.year == start + 1 else "follow_up" for m in months]
    return pd.DataFrame({"scenario": label, "replication": 0, "month": months.astype(str), "period": periods,
                         "variable": "stock", "value": 100.0})


def test_scenarios_of_different_calendars_are_marked_each_on_its_own():
    from matplotlib.figure import Figure

    from simulation.present.plot_time import mark_periods, period_spans, windows_differ

    results = SimpleNamespace(labels=["a", "b"], series=pd.concat([calendar(2016, "a"), calendar(2020, "b")]))
    assert windows_differ(results)
    assert not windows_differ(SimpleNamespace(labels=["a", "c"], series=pd.concat([calendar(2016, "a"),
                                                                                     calendar(2016, "c")])))
    assert period_spans(results, "b")[1] == ("observation", pd.Timestamp("2021-01-01"), pd.Timestamp("2022-01-01"))
    ax = Figure(figsize=(12, 3)).subplots()
    mark_periods(ax, results, "en")  # one panel for both: the first scenario's window, named as its
    named = [t.get_text().replace("\n", " ") for child in ax.child_axes for t in child.get_xticklabels()]
    assert "observation window 2017 (a)" in named
    assert [f"{x:%Y}" for x in mdates.num2date(ax.get_xlim())] == ["2016", "2024"]  # both runs' months shown
