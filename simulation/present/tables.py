"""Plain-text tables for the terminal: the headline of one run, a comparison, a sweep summary.

Numbers are rounded for reading only; the CSV files keep full precision.
"""

from __future__ import annotations

import math

import pandas as pd

UNITS_NL = {"per year": "per jaar", "days": "dagen", "per client-year": "per klantjaar", "€ per year": "€ per jaar"}
WORDS = {
    "en": {"to": "to", "vr": "VR", "difference": "−", "n/a": "n/a"},
    "nl": {"to": "tot", "vr": "VR", "difference": "−", "n/a": "n.v.t."},
}

COMPARE_TEXT = {
    "en": {"intro": "means with 95% confidence intervals; differences from the first scenario are paired per replication",
           "vr": "VR: variance of the unpaired difference ÷ variance of the paired one "
                 "(how many times more replications independent runs would need)"},
    "nl": {"intro": "gemiddelden met 95%-betrouwbaarheidsintervallen; verschillen met het eerste scenario "
                    "zijn per replicatie gepaard",
           "vr": "VR: variantie van het ongepaarde verschil ÷ variantie van het gepaarde "
                 "(hoeveel keer meer replicaties onafhankelijke runs nodig zouden hebben)"},
}


def number(value: float | None, unit: str, lang: str = "en", signed: bool = False) -> str:
    """One decimal for shares, rates per client-year and small numbers; whole numbers otherwise."""
    if value is None:
        return WORDS[lang]["n/a"]
    if isinstance(value, float) and not math.isfinite(value):
        return WORDS[lang]["n/a"] if math.isnan(value) else "∞"
    decimals = 1 if unit in ("per client-year", "%") or abs(value) < 10 else 0
    if round(value, decimals) == 0:
        value = 0.0  # never "−0.0"
    text = f"{value:+,.{decimals}f}" if signed else f"{value:,.{decimals}f}"
    text = text.replace("-", "−")
    return _dutch(text) if lang == "nl" else text


def _dutch(text: str) -> str:
    """Dutch digit grouping and decimal comma: 1.234,5."""
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


def unit_text(unit: str, lang: str) -> str:
    shown = "" if unit == "clients" else unit
    return UNITS_NL.get(shown, shown) if lang == "nl" else shown


#: In the comparison the labels already say "per year" and "per client-year"; only these remain.
SHORT_UNITS = {"%": "%", "days": "days", "€": "€", "€ per year": "€"}


def variance_ratio_text(ratio: float, lang: str) -> str:
    """VR for reading: beyond a million the paired variance is numerically zero; say so."""
    if math.isnan(ratio):
        return ""
    return "> 10⁶" if ratio > 1e6 else number(ratio, "%", lang)


def format_headline(headline: pd.DataFrame, lang: str = "en") -> str:
    label = "label_nl" if lang == "nl" else "label"
    width = max(len(text) for text in headline[label])
    lines = []
    for _, row in headline.iterrows():
        shown = number(row["value"], row["unit"], lang)
        lines.append(f"  {row[label]:<{width}}  {shown:>12} {unit_text(row['unit'], lang)}")
    return "\n".join(lines)


def estimate_text(mean: float, low: float, high: float, unit: str, lang: str, signed: bool = False) -> str:
    """``mean [low to high]``, or the mean alone when there is no interval."""
    shown = number(mean, unit, lang, signed)
    if math.isnan(low) or math.isnan(high):
        return shown
    return f"{shown} [{number(low, unit, lang, signed)} {WORDS[lang]['to']} {number(high, unit, lang, signed)}]"


def format_comparison(summary: pd.DataFrame, lang: str = "en") -> str:
    """Outcome rows; per scenario its mean [95% CI]; per other scenario the paired difference and VR."""
    labels = list(dict.fromkeys(summary["scenario"]))
    body = [_comparison_row(block.set_index("scenario"), labels, lang)
            for _, block in summary.groupby("outcome", sort=False)]
    return _aligned([_comparison_header(labels), *body])


def _comparison_header(labels: list[str]) -> list[str]:
    """Scenarios, then each difference from the first, then the VR (one per other scenario beyond two)."""
    first = labels[0]
    header = ["", *labels, *[f"{label} − {first}" for label in labels[1:]], *(["VR"] * (len(labels) > 1))]
    if len(labels) > 2:
        header[-1:] = [f"VR {label}" for label in labels[1:]]
    return header


def _comparison_row(rows: pd.DataFrame, labels: list[str], lang: str) -> list[str]:
    """One outcome's cells: its label (and unit), each scenario's estimate, differences, VRs."""
    label_column = "label_nl" if lang == "nl" else "label"
    unit = rows["unit"].iloc[0]
    unit_shown = unit_text(SHORT_UNITS.get(unit, ""), lang)
    cells = [f"{rows[label_column].iloc[0]}" + (f" ({unit_shown})" if unit_shown else "")]
    for label in labels:
        row = rows.loc[label]
        cells.append(estimate_text(row["mean"], row["ci_low"], row["ci_high"], unit, lang))
    for label in labels[1:]:
        row = rows.loc[label]
        cells.append(estimate_text(row["diff"], row["diff_low"], row["diff_high"], unit, lang, signed=True))
    cells += [variance_ratio_text(rows.loc[label, "variance_ratio"], lang) for label in labels[1:]]
    return cells


def _aligned(table: list[list[str]]) -> str:
    """Columns padded to their widest cell (the first left-aligned), a rule under the header."""
    widths = [max(len(row[i]) for row in table) for i in range(len(table[0]))]
    lines = ["  ".join(cell.ljust(widths[0]) if i == 0 else cell.rjust(widths[i]) for i, cell in enumerate(row))
             for row in table]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


def format_sweep(tidy: pd.DataFrame, outcomes: list[str], lang: str = "en") -> str:
    """Per design point: its parameters and the mean of a few outcomes over replications."""
    from simulation.outcomes.definitions import OUTCOMES

    parameters = list(tidy.attrs.get("parameters", []))
    chosen = tidy[tidy["outcome"].isin(outcomes)]
    means = chosen.pivot_table(index=["point", *parameters], columns="outcome", values="value",
                               aggfunc="mean", sort=True)[outcomes].reset_index()
    label = "label_nl" if lang == "nl" else "label"
    names = {o: getattr(OUTCOMES[o], label) for o in outcomes}
    shown = means.rename(columns=names)
    for outcome in outcomes:
        shown[names[outcome]] = [number(v, OUTCOMES[outcome].unit, lang) for v in means[outcome]]
    return shown.to_string(index=False)
