"""The sweep's table for the terminal: one row per outcome, one column per design point, every
outcome that differs between points shown and the others named; numbers as ``tables`` writes them."""

from __future__ import annotations

import math
import textwrap

import pandas as pd

from simulation.outcomes.definitions import OUTCOMES
from simulation.present.tables import SHORT_UNITS, _aligned, fixed, number, unit_text

#: Sweep tables wider than this many characters are printed in blocks of points (assumption: a wide terminal).
SWEEP_WIDTH = 120
SWEEP_TEXT = {"en": {"point": "point", "means": "means over {reps} replications; every outcome that differs between "
                                                 "points is shown",
                     "same": "the same at every point: "},
              "nl": {"point": "punt", "means": "gemiddelden over {reps} replicaties; elke uitkomst die tussen de "
                                                 "punten verschilt staat erin",
                     "same": "gelijk in elk punt: "}}


def format_sweep(tidy: pd.DataFrame, outcomes: list[str], lang: str = "en") -> str:
    """Per outcome a row, per design point a column (its parameters on top): the mean over
    replications. ``outcomes`` are always shown, every other outcome whenever its mean differs
    between points, so nothing that moved is hidden; a last line names the outcomes that did not."""
    means = tidy.groupby(["outcome", "point"], sort=True)["value"].mean().unstack("point")
    order = [o for o in OUTCOMES if o in means.index]
    shown = [o for o in order if o in outcomes or _differs(means.loc[o])]
    rows = [[_outcome_label(o, lang), *_distinct_numbers(means.loc[o], OUTCOMES[o].unit, lang)] for o in shown]
    header = _header(tidy, list(means.columns), lang)
    text = SWEEP_TEXT[lang]["means"].format(reps=tidy["replication"].nunique()) + "\n\n"
    text += "\n\n".join(_aligned([*block_header, *block_rows], header_rows=len(block_header))
                        for block_header, block_rows in _blocks(header, rows))
    return text + _unchanged([o for o in order if o not in shown], lang)


def _unchanged(outcomes: list[str], lang: str) -> str:
    """The closing paragraph naming the outcomes that are the same at every point (none: nothing)."""
    if not outcomes:
        return ""
    labels = "; ".join(_outcome_label(o, lang, unit=False) for o in outcomes)
    return "\n\n" + textwrap.fill(SWEEP_TEXT[lang]["same"] + labels, width=SWEEP_WIDTH)


def _header(tidy: pd.DataFrame, points: list[int], lang: str) -> list[list[str]]:
    """The point numbers, then one row per swept parameter with its value at each point."""
    parameters = tidy.drop_duplicates("point").set_index("point").loc[points, tidy.attrs.get("parameters", [])]
    return [[SWEEP_TEXT[lang]["point"], *(str(p) for p in points)],
            *([str(name), *(_parameter_value(v, lang) for v in values)] for name, values in parameters.items())]


def _outcome_label(outcome: str, lang: str, unit: bool = True) -> str:
    definition = OUTCOMES[outcome]
    label = definition.label_nl if lang == "nl" else definition.label
    shown = unit_text(SHORT_UNITS.get(definition.unit, ""), lang) if unit else ""
    return f"{label} ({shown})" if shown else label


def _differs(means: pd.Series) -> bool:
    """Means that are not all the same (points share replication seeds, so an outcome a parameter
    does not touch is identical at every point, to the bit); undefined at some points only counts."""
    values = means.to_numpy(float)
    defined = values[~pd.isna(values)]
    if len(defined) == 0:
        return False
    if len(defined) < len(values):
        return True
    return bool(defined.max() - defined.min() > 1e-9 * max(1.0, abs(defined).max()))


def _distinct_numbers(means: pd.Series, unit: str, lang: str) -> list[str]:
    """The means as ``number`` writes them; when they differ but would all read the same, with as
    many more decimals (up to 3) as it takes to see the difference."""
    texts = [number(v, unit, lang) for v in means]
    if len(set(texts)) > 1 or not _differs(means):
        return texts
    for decimals in (1, 2, 3):
        texts = [fixed(v, decimals, lang) if math.isfinite(v) else number(v, unit, lang) for v in means]
        if len(set(texts)) > 1:
            break
    return texts


def _parameter_value(value: object, lang: str) -> str:
    """A sweep parameter's value: numbers in up to 4 significant digits (Dutch decimal comma), text as it is."""
    if isinstance(value, float):
        text = f"{value:.4g}"
        return text.replace(".", ",") if lang == "nl" else text
    return str(value)


def _blocks(header: list[list[str]], rows: list[list[str]]) -> list[tuple[list[list[str]], list[list[str]]]]:
    """The table cut into blocks of point columns of about equal size, each with the label column,
    so no line is wider than SWEEP_WIDTH (one point per block at least)."""
    table = [*header, *rows]
    first = max(len(row[0]) for row in table)
    column = max(len(row[i]) for row in table for i in range(1, len(row)))
    points = len(table[0]) - 1
    fit = max(1, (SWEEP_WIDTH - first) // (2 + column))
    size = math.ceil(points / math.ceil(points / fit))
    return [([[row[0], *row[1 + a:1 + a + size]] for row in header], [[row[0], *row[1 + a:1 + a + size]] for row in rows])
            for a in range(0, points, size)]
