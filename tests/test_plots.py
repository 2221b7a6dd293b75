"""The figures (``simulation.present.plots``) and ``meedoen plot``.

The statistics behind the figures are checked against scipy on synthetic data; what the
figures draw is read back from the matplotlib artists and compared with means computed here
from the profile tables; every figure is made for a run and for a comparison in English and
Dutch (and drawn, so layout and glyph problems show); and ``meedoen plot`` is held to its
contract: one PNG and one SVG per figure, nothing half-written, no overwriting without
``--overwrite``, one line and exit code 2 for every user mistake.
"""

from __future__ import annotations

import json
import math
import shutil
import struct
import warnings
import xml.etree.ElementTree as ET
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import DAYS_PER_YEAR, TEST_SCENARIO_DIR, load_small, meedoen
from environment import assert_records_environment
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.container import BarContainer
from matplotlib.figure import Figure
from scipy import stats

from simulation.cli.main import main
from simulation.experiments.comparison import compare
from simulation.model.run import run
from simulation.outcomes.profiles import DAYS_PER_MONTH
from simulation.present import plots
from simulation.present.plots import (
    FIGURES,
    TEXT,
    exits_per_year,
    km_band,
    mean_band,
    plot_equity,
    plot_exits,
    plot_ladder,
    plot_recidivism,
    plot_resources,
    plot_stock,
    plot_time_to_exit,
    save_plots,
)
from simulation.results.collection import Results, write_comparison

TINY = TEST_SCENARIO_DIR / "tiny_tilburg.yaml"
TINY_B = TEST_SCENARIO_DIR / "tiny_leeuwarden.yaml"
REPS = 3
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
FAKE_PNG = PNG_SIGNATURE + b"not drawn"


# --- shared results ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def run_result():
    return run(load_small(TINY, stock=300), seed=5, replication=0, event_log=False)


@pytest.fixture(scope="module")
def run_results(run_result) -> Results:
    return Results.from_run(run_result)


@pytest.fixture(scope="module")
def comparison() -> pd.DataFrame:
    return compare([load_small(TINY, stock=300), load_small(TINY_B, stock=300)], REPS, seed=2, workers=1, store=False)


@pytest.fixture(scope="module")
def cmp_results(comparison) -> Results:
    return Results.from_comparison(comparison)


@pytest.fixture(scope="module")
def cmp_folder(comparison, tmp_path_factory) -> Path:
    return write_comparison(comparison, tmp_path_factory.mktemp("plots") / "cmp")


@pytest.fixture(scope="module")
def plotted(cmp_folder) -> tuple[Path, int, str, str]:
    """``meedoen plot`` on the comparison folder, for real (PNG and SVG drawn)."""
    import contextlib
    import io

    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(["plot", str(cmp_folder)])
    return cmp_folder / "plots", code, out.getvalue(), err.getvalue()


@pytest.fixture
def fast_images(monkeypatch):
    """Figures are made but not drawn: for tests about files and folders, not pixels."""
    monkeypatch.setattr(plots, "figure_bytes", lambda figure, fmt, dpi=110: FAKE_PNG)


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def one_error_line(err: str) -> str:
    lines = err.strip().splitlines()
    assert len(lines) == 1, f"expected one line on stderr, got:\n{err}"
    assert lines[0].startswith("meedoen: error:") and "Traceback" not in err
    return lines[0]


def texts(figure: Figure) -> list[str]:
    """Every piece of text in a figure: suptitle, titles, axis labels, tick labels, legends."""
    found = [t.get_text() for t in figure.texts]
    for ax in figure.axes:
        found += [ax.get_title(), ax.get_xlabel(), ax.get_ylabel()]
        found += [t.get_text() for t in ax.get_xticklabels() + ax.get_yticklabels()]
        legend = ax.get_legend()
        if legend is not None:
            found += [legend.get_title().get_text(), *(t.get_text() for t in legend.get_texts())]
    for legend in figure.legends:  # a legend under the panels belongs to the figure
        found += [legend.get_title().get_text(), *(t.get_text() for t in legend.get_texts())]
    return [t for t in found if t]


def bars(ax) -> dict[str, BarContainer]:
    return {c.get_label(): c for c in ax.containers if isinstance(c, BarContainer)}


def t_interval(values: np.ndarray) -> tuple[float, float]:
    return stats.t.interval(0.95, len(values) - 1, loc=np.mean(values), scale=stats.sem(values))


# --- statistics ----------------------------------------------------------------------------------


def test_mean_band_is_the_t_interval_over_replications():
    rng = np.random.default_rng(3)
    groups = {"five": rng.normal(10, 2, 5), "two": np.array([1.0, 4.0]), "one": np.array([7.5]),
              "with_nan": np.array([2.0, np.nan, 3.0, 5.0])}
    table = pd.DataFrame([{"g": g, "k": "x", "value": v} for g, values in groups.items() for v in values])
    band = mean_band(table, ["g", "k"]).set_index("g")
    for group, values in groups.items():
        values = values[np.isfinite(values)]
        row = band.loc[group]
        assert row["n"] == len(values)
        assert row["mean"] == pytest.approx(values.mean())
        if len(values) == 1:
            assert np.isnan(row["low"]) and np.isnan(row["high"])
        else:
            low, high = t_interval(values)
            assert (row["low"], row["high"]) == pytest.approx((low, high), rel=1e-12)
    # all-NaN groups are left out rather than shown as a mean of nothing
    assert "gone" not in mean_band(pd.DataFrame({"g": ["gone"], "k": ["x"], "value": [np.nan]}), ["g", "k"])["g"].tolist()


def test_mean_band_with_one_replication_has_no_interval(run_results):
    band = mean_band(run_results.series[run_results.series["variable"] == "stock"], ["scenario", "month"])
    assert len(band) > 20
    assert band["low"].isna().all() and band["high"].isna().all() and (band["n"] == 1).all()
    stock = run_results.series[run_results.series["variable"] == "stock"]["value"].to_numpy()
    assert band["mean"].to_numpy() == pytest.approx(stock)


def test_km_band_over_replications_uses_only_days_every_replication_observes(cmp_results):
    curves = cmp_results.curves[cmp_results.curves["curve"] == "time_to_exit"]
    band = km_band(cmp_results, "time_to_exit").set_index(["scenario", "day"])
    wide = curves.pivot_table(index=["scenario", "day"], columns="replication", values="value", dropna=False)
    complete = wide.dropna()
    assert len(complete) < len(wide)  # some days are past some replication's follow-up
    assert set(band.index) == set(complete.index)
    for key, values in complete.iterrows():
        values = values.to_numpy(float)
        assert band.loc[key, "mean"] == pytest.approx(values.mean(), rel=1e-12)
        if values.std() > 0:
            assert (band.loc[key, "low"], band.loc[key, "high"]) == pytest.approx(t_interval(values), rel=1e-9)


def test_km_band_of_one_run_is_its_greenwood_band(run_results):
    band = km_band(run_results, "time_to_return").reset_index(drop=True)
    curve = run_results.curves[run_results.curves["curve"] == "time_to_return"].dropna(subset=["value"])
    assert len(band) == len(curve) > 10
    for column, source in (("mean", "value"), ("low", "low"), ("high", "high")):
        np.testing.assert_allclose(band[column], curve[source], equal_nan=True)


# --- what the figures draw -----------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["run", "comparison"])
@pytest.mark.parametrize("lang", ["en", "nl"])
def test_every_figure_is_made_in_both_languages(kind, lang, run_results, cmp_results):
    results = run_results if kind == "run" else cmp_results
    other = TEXT["nl" if lang == "en" else "en"]
    # titles of the other language that differ from this one's must not leak in
    foreign = {v for k, v in other.items() if isinstance(v, str) and len(v) > 8 and v != TEXT[lang][k]
               and "{" not in v}
    for name, make in FIGURES.items():
        figure = make(results, lang)
        assert isinstance(figure, Figure) and figure.axes, name
        shown = texts(figure)
        assert shown, name
        assert not foreign & set(shown), f"{name} ({lang}) shows {foreign & set(shown)}"
        everything = " ".join(shown)
        for label in results.labels:  # every scenario is named in every figure
            assert label in everything, f"{name}: no {label}"
        expected = {"stock": {"en": "Stock on benefit", "nl": "Bijstandsbestand"},
                    "time_to_return": {"en": "Time to return", "nl": "Herinstroom"},
                    "recidivism": {"en": "Recidivism", "nl": "Herinstroom"},
                    "ladder": {"en": "Participation ladder", "nl": "Participatieladder"},
                    "exits_by_reason": {"en": "Exits per year", "nl": "Uitstroom per jaar"},
                    "equity": {"en": "by group", "nl": "per groep"}}.get(name)
        if expected:
            assert expected[lang] in everything, f"{name} ({lang}): no {expected[lang]!r} in {shown}"
        bar_figures = ("exits_by_reason", "recidivism", "careers", "resources", "equity")
        note = TEXT[lang]["bars_reps" if name in bar_figures else "band_reps"].format(n=REPS)
        if kind == "comparison" and name not in ("ladder",):
            assert note in shown, f"{name}: the legend does not say the interval is over {REPS} replications"


def test_run_figures_draw_in_dutch_without_missing_glyphs(run_results):
    """Drawing (not only making) each figure of a single run: Greenwood bands, no error bars."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a missing glyph (€, ≥, ÷, –) or a layout failure is a warning
        for name, make in FIGURES.items():
            figure = make(run_results, "nl")
            FigureCanvasAgg(figure).draw()
            assert figure.get_size_inches().min() > 1, name


def test_stock_figure_draws_the_mean_and_t_band_over_replications(cmp_results):
    figure = plot_stock(cmp_results, "en")
    ax = figure.axes[0]
    lines = {line.get_label(): line for line in ax.lines}
    stock = cmp_results.series[cmp_results.series["variable"] == "stock"]
    wide = stock.pivot_table(index=["scenario", "month"], columns="replication", values="value")
    assert wide.shape[1] == REPS
    bands = [c for c in ax.collections]
    assert len(bands) == len(cmp_results.labels)
    for label, band in zip(cmp_results.labels, bands, strict=True):
        rows = wide.loc[label]
        np.testing.assert_allclose(lines[label].get_ydata(), rows.mean(axis=1).to_numpy(), rtol=1e-12)
        dates = pd.to_datetime(pd.Series(lines[label].get_xdata())).dt.strftime("%Y-%m").tolist()
        assert dates == rows.index.tolist()
        intervals = np.array([t_interval(r.to_numpy(float)) for _, r in rows.iterrows()])
        ys = np.concatenate([p.vertices[:, 1] for p in band.get_paths()])
        assert ys.min() == pytest.approx(np.nanmin(intervals[:, 0]), rel=1e-9)
        assert ys.max() == pytest.approx(np.nanmax(intervals[:, 1]), rel=1e-9)


def test_kaplan_meier_figure_draws_the_mean_curve(cmp_results):
    ax = plot_time_to_exit(cmp_results, "en").axes[0]
    lines = {line.get_label(): line for line in ax.lines}
    curves = cmp_results.curves[cmp_results.curves["curve"] == "time_to_exit"]
    for label in cmp_results.labels:
        wide = curves[curves["scenario"] == label].pivot_table(index="day", columns="replication", values="value",
                                                               dropna=False).dropna()
        np.testing.assert_allclose(lines[label].get_xdata(), wide.index / DAYS_PER_MONTH)
        np.testing.assert_allclose(lines[label].get_ydata(), wide.mean(axis=1), rtol=1e-12)
    assert ax.get_ylim() == (0, 1)


def test_exits_figure_draws_exits_per_year_with_error_bars(cmp_results):
    ax = plot_exits(cmp_results, "en").axes[0]
    series = cmp_results.series
    observed = series[(series["period"] == "observation") & series["variable"].str.startswith("exits_")]
    work = observed[observed["variable"] == "exits_work"]
    days = work.assign(days=[pd.Period(m, freq="M").days_in_month for m in work["month"]]).groupby(
        ["scenario", "replication"])["days"].sum()
    per_rep = observed.groupby(["scenario", "replication", "variable"])["value"].sum().unstack()
    per_rep = per_rep.mul(DAYS_PER_YEAR / days, axis=0)  # per year of the window's days, as the headline
    ticks = [t.get_text().replace("\n", " ") for t in ax.get_xticklabels()]  # names are wrapped to fit
    reasons = {v: k for k, v in TEXT["en"]["reasons"].items()}
    assert ticks[0] == "work"
    for label, container in bars(ax).items():
        heights = [p.get_height() for p in container.patches]
        segments = container.errorbar.lines[2][0].get_segments()
        for tick, height, segment in zip(ticks, heights, segments, strict=True):
            values = per_rep.loc[label, f"exits_{reasons.get(tick, tick)}"].to_numpy(float)
            assert height == pytest.approx(values.mean(), rel=1e-12), (label, tick)
            if values.std() > 0:
                assert (segment[0][1], segment[1][1]) == pytest.approx(t_interval(values), rel=1e-9)
    assert per_rep.loc[cmp_results.labels[0], "exits_work"].mean() > 5


def test_recidivism_figure_draws_the_summary_means(cmp_results):
    figure = plot_recidivism(cmp_results, "en")
    summary = cmp_results.summary.set_index(["scenario", "outcome"])["mean"]
    panels = [["recidivism_12m", "recidivism_24m"], ["exits_to_work_per_year", "sustainable_exits_per_year"]]
    for ax, outcomes in zip(figure.axes, panels, strict=True):
        for label, container in bars(ax).items():
            for outcome, patch in zip(outcomes, container.patches, strict=True):
                expected = summary[(label, outcome)]
                if not np.isnan(expected):
                    assert patch.get_height() == pytest.approx(expected, rel=1e-12), (label, outcome)


def test_an_undefined_outcome_is_not_drawn_as_zero(cmp_results):
    assert np.isnan(cmp_results.summary.set_index(["scenario", "outcome"]).loc[
        (cmp_results.labels[0], "recidivism_24m"), "mean"])
    ax = plot_recidivism(cmp_results, "en").axes[0]
    heights = [p.get_height() for c in bars(ax).values() for p in c.patches[1:]]  # the 24-month bars
    assert not any(h == 0 for h in heights)


def test_equity_figure_draws_group_means_and_all_is_the_headline(cmp_results):
    figure = plot_equity(cmp_results, "en")
    equity = cmp_results.equity
    groups = list(TEXT["en"]["groups"])
    measures = ["exits_to_work_per_100_client_years", "recidivism_12m", "sanctions_per_100_client_years"]
    for ax, measure in zip(figure.axes, measures, strict=True):
        for label, container in bars(ax).items():
            widths = [p.get_width() for p in container.patches]
            for group, width in zip(groups, widths, strict=True):
                values = equity.query("scenario == @label and group == @group and measure == @measure")["value"]
                if values.notna().any():
                    assert width == pytest.approx(values.mean(), rel=1e-12), (label, group, measure)
    # the 'all' group's recidivism is the headline recidivism, replication by replication
    all_recid = equity.query("group == 'all' and measure == 'recidivism_12m'").set_index(["scenario", "replication"])
    headline = cmp_results.replications.query("outcome == 'recidivism_12m'").set_index(["scenario", "replication"])
    np.testing.assert_allclose(all_recid["value"].sort_index(), headline["value"].sort_index(), rtol=1e-12)


def test_resource_and_ladder_figures(cmp_results):
    figure = plot_resources(cmp_results, "en")
    utilisation = [p.get_width() for c in bars(figure.axes[1]).values() for p in c.patches]
    drawn = [u for u in utilisation if not math.isnan(u)]  # an unused resource draws no bar
    assert drawn and all(0 <= u <= 1 for u in drawn) and max(drawn) > 0
    ladder = plot_ladder(cmp_results, "en")
    assert [ax.get_title() for ax in ladder.axes] == cmp_results.labels
    wide = cmp_results.series.pivot_table(index=["scenario", "replication", "month"], columns="variable",
                                          values="value")
    rungs = wide[[f"rung_{r}" for r in range(1, 7)]].sum(axis=1)
    np.testing.assert_array_equal(rungs, wide["stock"])  # so the stacked shares reach exactly 1
    for ax in ladder.axes:
        tops = ax.collections[-1].get_paths()[0].vertices[:, 1]
        assert tops.max() == pytest.approx(1.0)


def test_exits_per_year_is_per_replication_and_reason(cmp_results):
    table = exits_per_year(cmp_results)
    assert set(table["scenario"]) == set(cmp_results.labels)
    assert set(table["replication"]) == set(range(REPS))
    assert {"work", "moving", "partner_income", "pension"} <= set(table["reason"])
    assert (table["value"] >= 0).all()
    assert not table.duplicated(["scenario", "replication", "reason"]).any()


# --- meedoen plot --------------------------------------------------------------------------------


def test_plot_writes_one_png_and_one_svg_per_figure(plotted):
    folder, code, out, err = plotted
    assert code == 0, err
    names = sorted(p.name for p in folder.iterdir())
    expected = sorted([f"{n}.{ext}" for n in FIGURES for ext in ("png", "svg")] + ["manifest.json"])
    assert names == expected
    for name in FIGURES:
        png = (folder / f"{name}.png").read_bytes()
        assert png[:8] == PNG_SIGNATURE and png[12:16] == b"IHDR"
        width, height = struct.unpack(">II", png[16:24])
        assert width > 300 and height > 200, name
        root = ET.parse(folder / f"{name}.svg").getroot()
        assert root.tag.endswith("svg"), name
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["kind"] == "plots" and sorted(manifest["files"]) == sorted(set(names) - {"manifest.json"})
    assert_records_environment(manifest)
    for name in FIGURES:
        assert name in out


def test_plot_counts_figures_not_files(plotted):
    assert plotted[2].startswith(f"{len(FIGURES)} figures (png, svg) written")


def test_plot_of_a_run_folder(run_result, tmp_path, fast_images, capsys):
    from simulation.results.run_output import write_results

    folder = write_results(run_result, tmp_path / "run")
    assert main(["plot", str(folder), "--format", "png", "--lang", "nl"]) == 0
    capsys.readouterr()
    assert sorted(p.name for p in (folder / "plots").iterdir()) == sorted(
        [f"{n}.png" for n in FIGURES] + ["manifest.json"])
    assert (folder / "monthly.csv").is_file()  # the run's own tables are untouched


def relabel(results: Results, label: str) -> Results:
    """The same results under another scenario name."""
    import dataclasses

    old = results.labels[0]
    def rename(table):
        return table.assign(scenario=table["scenario"].replace({old: label}))

    return dataclasses.replace(results, scenarios=[{**results.scenarios[0], "label": label}],
                               replications=rename(results.replications), summary=rename(results.summary),
                               tables={name: rename(table) for name, table in results.tables.items()})


def test_scenario_names_with_dollar_signs_are_drawn_as_text(run_results):
    results = relabel(run_results, "plan $_$")
    assert results.labels == ["plan $_$"] and "plan $_$" in set(results.series["scenario"])
    for make in (plots.plot_ladder, plot_stock):
        FigureCanvasAgg(make(results, "en")).draw()


def test_plot_refuses_to_overwrite_without_overwrite(plotted, capsys):
    folder, code, _, _ = plotted
    assert code == 0
    before = snapshot(folder)
    mtimes = {p.name: p.stat().st_mtime_ns for p in folder.iterdir()}
    assert main(["plot", str(folder.parent)]) == 2
    line = one_error_line(capsys.readouterr().err)
    assert "--overwrite" in line
    assert snapshot(folder) == before
    assert {p.name: p.stat().st_mtime_ns for p in folder.iterdir()} == mtimes
    assert not [p for p in folder.parent.iterdir() if ".partial-" in p.name]


def test_plot_overwrite_replaces_every_file(cmp_folder, tmp_path, fast_images, capsys):
    out = tmp_path / "figures"
    assert main(["plot", str(cmp_folder), "--out", str(out)]) == 0
    assert sum(p.suffix == ".png" for p in out.iterdir()) == len(FIGURES)
    assert main(["plot", str(cmp_folder), "--out", str(out), "--format", "svg", "--overwrite", "--lang", "nl"]) == 0
    assert sorted(p.name for p in out.iterdir()) == sorted([f"{n}.svg" for n in FIGURES] + ["manifest.json"])
    assert json.loads((out / "manifest.json").read_text())["lang"] == "nl"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["figures"]  # no staging folder left
    capsys.readouterr()


def test_a_figure_that_fails_leaves_nothing_behind(cmp_results, tmp_path, fast_images, monkeypatch):
    def broken(results, lang):
        raise RuntimeError("boom")

    monkeypatch.setitem(FIGURES, "ladder", broken)
    with pytest.raises(RuntimeError, match="boom"):
        save_plots(cmp_results, tmp_path / "figures")
    assert list(tmp_path.iterdir()) == []


def test_plotting_into_the_results_folder_never_deletes_the_results(cmp_folder, tmp_path, fast_images, capsys):
    folder = tmp_path / "cmp"
    shutil.copytree(cmp_folder, folder, ignore=shutil.ignore_patterns("plots"))
    before = snapshot(folder)
    code = main(["plot", str(folder), "--out", str(folder), "--overwrite"])
    capsys.readouterr()
    after = snapshot(folder)
    assert code == 2 or all(after.get(name) == data for name, data in before.items() if name != "manifest.json")


def test_plot_of_a_sweep_folder_is_one_line_and_exit_2(tmp_path, capsys):
    sweep = tmp_path / "sweep"
    assert main(["sweep", str(TINY), "--grid", "klantmanagers.count=1,2", "--reps", "1", "--no-store",
                 "--workers", "1", "--quiet", "--out", str(sweep)]) == 0
    capsys.readouterr()
    assert json.loads((sweep / "manifest.json").read_text())["kind"] == "sweep"
    assert_records_environment(json.loads((sweep / "manifest.json").read_text()))
    before = snapshot(sweep)
    proc = meedoen("plot", str(sweep))  # as users run it: a real process, a real exit code
    assert proc.returncode == 2, proc.stderr
    assert "sweep" in one_error_line(proc.stderr)
    assert snapshot(sweep) == before and not (sweep / "plots").exists()


@pytest.mark.parametrize("case", ["stray_files", "bad_manifest", "missing", "a_file", "no_profiles"])
def test_plot_of_something_that_is_not_results_is_one_line_and_exit_2(case, tmp_path, cmp_folder, capsys):
    target = tmp_path / "thing"
    if case == "stray_files":
        target.mkdir()
        (target / "notes.txt").write_text("hello")
    elif case == "bad_manifest":
        target.mkdir()
        (target / "manifest.json").write_text("{not json")
    elif case == "a_file":
        target.write_text("x")
    elif case == "no_profiles":  # a compare folder from before profiles existed
        shutil.copytree(cmp_folder, target, ignore=shutil.ignore_patterns("plots", "curves.csv"))
    before = snapshot(tmp_path)
    assert main(["plot", str(target)]) == 2
    line = one_error_line(capsys.readouterr().err)
    assert str(target) in line
    assert snapshot(tmp_path) == before


def test_plot_of_a_plots_folder_says_what_it_is(plotted, capsys):
    folder, code, _, _ = plotted
    assert code == 0
    assert main(["report", str(folder), "-o", str(folder.parent.parent / "r.html")]) == 2
    assert "older meedoen" not in one_error_line(capsys.readouterr().err)


@pytest.mark.parametrize("formats", ["gif", "png,jpeg", ",", "png;svg"])
def test_plot_with_an_unknown_format_is_one_line_and_exit_2(formats, cmp_folder, tmp_path, capsys):
    out = tmp_path / "figures"
    assert main(["plot", str(cmp_folder), "--out", str(out), "--format", formats]) == 2
    assert "--format" in one_error_line(capsys.readouterr().err)
    assert not out.exists()


def test_plot_with_an_unknown_language_is_exit_2(cmp_folder, tmp_path, capsys):
    with pytest.raises(SystemExit) as stop:
        main(["plot", str(cmp_folder), "--out", str(tmp_path / "f"), "--lang", "de"])
    assert stop.value.code == 2
    one_error_line(capsys.readouterr().err)
    assert not (tmp_path / "f").exists()
