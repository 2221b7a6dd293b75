"""The figures' layout, measured: drawn with the Agg renderer, no two pieces of text (tick
labels, titles, axis labels, notes) or legends overlap, none covers a plotting area it does not
belong to, and none falls outside the figure — for every figure of the report, for a comparison
of two cities of different sizes, of two of one size and for one run, in English and in Dutch.

The boxes are matplotlib's own (``get_window_extent`` after a draw), so a long Dutch label that
runs into its neighbour, or a legend drawn over a panel, fails here before anyone sees it.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import pytest
from conftest import SCENARIO_DIR, load_small
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.transforms import Bbox

from simulation.experiments.comparison import compare
from simulation.model.run import run
from simulation.present.plots import FIGURES, figures
from simulation.results.collection import Results

REPS = 3
#: Half a pixel: boxes that only touch are not an overlap (rounding in the renderer).
TOUCH = 0.5


@dataclass(frozen=True)
class Piece:
    """One thing drawn that must stay readable: what it is, its box, and the panel it belongs to."""

    name: str
    box: Bbox
    owner: Any = None  # the Axes whose plotting area it may sit in (its notes), else None


def _text_piece(name: str, text: Any, renderer: Any, owner: Any = None) -> list[Piece]:
    if text is None or not text.get_visible() or not text.get_text().strip():
        return []
    return [Piece(f"{name} {text.get_text()!r}", text.get_window_extent(renderer), owner)]


def _in_view(axis: Any, location: float) -> bool:
    low, high = sorted(axis.get_view_interval())
    slack = 1e-9 * max(1.0, high - low)
    return low - slack <= location <= high + slack


def _tick_pieces(ax: Any, renderer: Any) -> list[Piece]:
    found = []
    for name, axis in (("x tick", ax.xaxis), ("y tick", ax.yaxis)):
        for tick in axis.get_major_ticks() + axis.get_minor_ticks():
            if tick.get_visible() and _in_view(axis, tick.get_loc()):
                for label in (tick.label1, tick.label2):
                    found += _text_piece(name, label, renderer)
    return found


def _axes_pieces(ax: Any, renderer: Any) -> list[Piece]:
    found = _tick_pieces(ax, renderer)
    for title in (ax.title, ax._left_title, ax._right_title):
        found += _text_piece("title", title, renderer)
    found += _text_piece("x label", ax.xaxis.label, renderer) + _text_piece("y label", ax.yaxis.label, renderer)
    for note in ax.texts:  # notes drawn in a panel may sit in it, not in another
        found += _text_piece("note", note, renderer, owner=ax)
    legend = ax.get_legend()
    if legend is not None and legend.get_visible():
        found.append(Piece("legend", legend.get_window_extent(renderer)))
    for child in ax.child_axes:  # a secondary axis (the periods above a time axis)
        found += _tick_pieces(child, renderer)
    return found


def pieces(figure: Figure) -> tuple[list[Piece], list[tuple[Any, Bbox]]]:
    """Draw ``figure``; return every piece of text and legend, and every plotting area."""
    canvas = FigureCanvasAgg(figure)
    canvas.draw()
    renderer = canvas.get_renderer()
    found = []
    for text in figure.texts:
        found += _text_piece("figure text", text, renderer)
    for legend in figure.legends:
        found.append(Piece("figure legend", legend.get_window_extent(renderer)))
    areas = []
    for ax in figure.axes:
        if ax.get_visible():
            found += _axes_pieces(ax, renderer)
            areas.append((ax, ax.get_window_extent(renderer)))
    return found, areas


def _overlap(a: Bbox, b: Bbox) -> bool:
    width = min(a.x1, b.x1) - max(a.x0, b.x0)
    height = min(a.y1, b.y1) - max(a.y0, b.y0)
    return width > TOUCH and height > TOUCH


def layout_defects(figure: Figure) -> list[str]:
    """Every overlap and every piece outside the figure, in words; empty when the layout is clean."""
    found, areas = pieces(figure)
    frame = figure.bbox
    defects = [f"{p.name} is outside the figure" for p in found
               if p.box.x0 < frame.x0 - TOUCH or p.box.y0 < frame.y0 - TOUCH
               or p.box.x1 > frame.x1 + TOUCH or p.box.y1 > frame.y1 + TOUCH]
    defects += [f"{a.name} overlaps {b.name}" for a, b in itertools.combinations(found, 2) if _overlap(a.box, b.box)]
    defects += [f"{p.name} covers the plotting area of panel {i}" for p in found for i, (ax, area) in enumerate(areas)
                if p.owner is not ax and _overlap(p.box, area)]
    return defects


# --- the check itself can fail -------------------------------------------------------------------


def test_the_layout_check_sees_overlapping_labels_legends_and_text_outside():
    figure = Figure(figsize=(3, 2), layout="constrained")
    ax = figure.subplots()
    ax.bar([0, 1], [1, 2], label="a long legend entry")
    ax.set_xticks([0, 1], ["a very long tick label here", "and another long one"])
    ax.legend(loc="center")
    figure.text(0.9, 0.5, "far out to the right")
    defects = layout_defects(figure)
    assert any("x tick" in d and "overlaps" in d for d in defects), defects
    assert any("legend covers the plotting area" in d for d in defects), defects
    assert any("outside the figure" in d for d in defects), defects
    clean = Figure(figsize=(6, 3), layout="constrained")
    ax = clean.subplots()
    ax.bar([0, 1], [1, 2], label="bars")
    ax.set_xticks([0, 1], ["a", "b"])
    clean.legend(loc="outside lower center")
    assert layout_defects(clean) == []


# --- every figure of the report ------------------------------------------------------------------


@pytest.fixture(scope="module", params=["different_sizes", "same_size", "one_run"])
def comparison(request) -> Results:
    """Tilburg and Leeuwarden, shrunk: 400 against 280 clients, or both 300; or one run of Tilburg
    (no intervals but Greenwood's, one bar per category)."""
    if request.param == "one_run":
        return Results.from_run(run(load_small(SCENARIO_DIR / "tilburg.yaml", stock=300), seed=5, event_log=False))
    stocks = (400, 280) if request.param == "different_sizes" else (300, 300)
    scenarios = [load_small(SCENARIO_DIR / "tilburg.yaml", stock=stocks[0]),
                 load_small(SCENARIO_DIR / "leeuwarden.yaml", stock=stocks[1])]
    return Results.from_comparison(compare(scenarios, REPS, seed=4, workers=1, store=False))


@pytest.mark.parametrize("lang", ["en", "nl"])
def test_no_figure_has_overlapping_or_clipped_text(comparison, lang):
    problems = {}
    for name, figure in figures(comparison, lang):
        defects = layout_defects(figure)
        if defects:
            problems[name] = defects
    report = "\n".join(f"{name}: {defect}" for name, defects in problems.items() for defect in defects)
    assert len(FIGURES) == 10 and not problems, f"{lang}:\n{report}"
