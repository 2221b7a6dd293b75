"""Plain-text tables for the terminal: the headline of one run and a comparison; and how numbers,
money, units and months are written, in English and Dutch, for every table (``sweep_table`` too).

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


#: Units in words (a unit not listed is shown as it is); "%" and money are written with the number.
UNIT_WORDS = {
    "en": {"clients": "clients", "per year": "per year", "days": "days", "per client-year": "per client-year"},
    "nl": {"clients": "klanten", "per year": "per jaar", "days": "dagen", "per client-year": "per klantjaar"},
}
#: Large amounts of money in words: €7.2 million, € 7,2 miljoen.
MONEY_SCALES = {"en": ((1e9, "billion"), (1e6, "million")), "nl": ((1e9, "miljard"), (1e6, "miljoen"))}
MONTHS = {"en": ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"),
          "nl": ("jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec")}


def number(value: float | None, unit: str, lang: str = "en", signed: bool = False) -> str:
    """One decimal for shares, rates per client-year and small numbers; whole numbers otherwise."""
    if value is None:
        return WORDS[lang]["n/a"]
    if isinstance(value, float) and not math.isfinite(value):
        return WORDS[lang]["n/a"] if math.isnan(value) else "∞"
    decimals = 1 if unit in ("per client-year", "%") or abs(value) < 10 else 0
    return fixed(value, decimals, lang, signed)


def fixed(value: float, decimals: int, lang: str = "en", signed: bool = False) -> str:
    """``value`` with ``decimals`` decimals, thousands grouped and a true minus sign: 1,234.5 (Dutch 1.234,5)."""
    if round(value, decimals) == 0:
        value = 0.0  # never "−0.0"
    text = f"{value:+,.{decimals}f}" if signed else f"{value:,.{decimals}f}"
    text = text.replace("-", "−")
    return _dutch(text) if lang == "nl" else text


def money(value: float | None, lang: str = "en", signed: bool = False) -> str:
    """€7.2 million, €295,792 (Dutch € 7,2 miljoen, € 295.792): millions and billions with one
    decimal in words, smaller amounts in whole euros."""
    if value is None or not math.isfinite(value):
        return number(value, "€", lang)
    sign = "−" if round(value) < 0 else ("+" if signed and round(value) > 0 else "")
    euro = "€ " if lang == "nl" else "€"
    for scale, word in MONEY_SCALES[lang]:
        if round(abs(value)) >= scale:
            return f"{sign}{euro}{fixed(abs(value) / scale, 1, lang)} {word}"
    return f"{sign}{euro}{fixed(abs(value), 0, lang)}"


def quantity(value: float | None, unit: str, lang: str = "en") -> tuple[str, str]:
    """An outcome's value and its unit, for reading: ("12.0%", ""), ("24", "per year"), ("€7.2 million",
    "per year"), ("200", "clients"); an undefined value has no unit ("n/a", "")."""
    if value is None or not math.isfinite(value):
        return number(value, unit, lang), ""
    if unit.startswith("€"):
        rest = unit[1:].strip()
        return money(value, lang), UNIT_WORDS[lang].get(rest, rest)
    if unit == "%":
        return number(value, unit, lang) + "%", ""
    return number(value, unit, lang), UNIT_WORDS[lang].get(unit, unit)


def with_unit(value: float | None, unit: str, lang: str = "en") -> str:
    """``quantity`` as one text: "€7.2 million per year", "12.0%", "169 days"."""
    return " ".join(part for part in quantity(value, unit, lang) if part)


def months_text(first: str, last: str, lang: str = "en") -> str:
    """The calendar months ``first`` to ``last`` ("YYYY-MM"), as briefly as they can be said:
    "2017", "2016–2019", "Apr–Dec 2016", "Apr 2016 – Mar 2017" (Dutch "apr 2016 – mrt 2017")."""
    (y1, m1), (y2, m2) = ((int(part) for part in month.split("-")) for month in (first, last))
    names = MONTHS[lang]
    if m1 == 1 and m2 == 12:
        return str(y1) if y1 == y2 else f"{y1}–{y2}"
    if y1 == y2:
        return f"{names[m1 - 1]} {y1}" if m1 == m2 else f"{names[m1 - 1]}–{names[m2 - 1]} {y1}"
    return f"{names[m1 - 1]} {y1} – {names[m2 - 1]} {y2}"


def period_texts(monthly: pd.DataFrame, lang: str = "en") -> dict[str, str]:
    """Each period of a run's monthly table (warmup, observation, follow_up) as months in words, and
    its last month as ``end``. A last month of less than a day (365.25-day years) does not count."""
    whole = monthly[monthly["time"] - monthly["start"] >= 1.0]
    texts = {str(period): months_text(rows["month"].iloc[0], rows["month"].iloc[-1], lang)
             for period, rows in whole.groupby("period", sort=False)}
    if len(whole):
        texts["end"] = months_text(whole["month"].iloc[-1], whole["month"].iloc[-1], lang)
    return texts


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
    """One line per outcome: its label, its value and its unit (money in words, "12.0%")."""
    label = "label_nl" if lang == "nl" else "label"
    cells = [(row[label], *quantity(row["value"], row["unit"], lang)) for _, row in headline.iterrows()]
    widths = [max(len(cell[i]) for cell in cells) for i in range(2)]
    return "\n".join(f"  {text:<{widths[0]}}  {value:>{widths[1]}} {unit}".rstrip() for text, value, unit in cells)


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


def _aligned(table: list[list[str]], header_rows: int = 1) -> str:
    """Columns padded to their widest cell (the first left-aligned), a rule under the header rows."""
    widths = [max(len(row[i]) for row in table) for i in range(len(table[0]))]
    lines = ["  ".join(cell.ljust(widths[0]) if i == 0 else cell.rjust(widths[i]) for i, cell in enumerate(row))
             for row in table]
    lines.insert(header_rows, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


# --- an experiment inside one world -------------------------------------------------------------

EXPERIMENT_TEXT = {
    "en": {"title": "Experiment: {n} participants randomised inside this world; differences with 95% intervals {basis}",
           "members": "over the members of this one run (Welch for a difference)",
           "replications": "over {reps} replications (differences paired per replication)",
           "control": "control", "participants": "participants", "non_participants": "non-participants"},
    "nl": {"title": "Experiment: {n} deelnemers binnen deze wereld geloot; verschillen met 95%-intervallen {basis}",
           "members": "over de deelnemers van deze ene run (Welch voor een verschil)",
           "replications": "over {reps} replicaties (verschillen per replicatie gepaard)",
           "control": "controle", "participants": "deelnemers", "non_participants": "niet-deelnemers"},
}
#: Decimals per unit of an experiment measure (scores between 0 and 1 need two).
EXPERIMENT_DECIMALS = {"clients": 0, "%": 1, "years": 1, "per client": 2, "score": 2}


def _experiment_estimate(mean: float, low: float, high: float, unit: str, lang: str, signed: bool) -> str:
    if not math.isfinite(mean):
        return WORDS[lang]["n/a"]
    decimals = EXPERIMENT_DECIMALS.get(unit, 1)
    shown = fixed(mean, decimals, lang, signed)
    if not (math.isfinite(low) and math.isfinite(high)):
        return shown
    return f"{shown} [{fixed(low, decimals, lang, signed)} {WORDS[lang]['to']} {fixed(high, decimals, lang, signed)}]"


def format_experiment(summary: pd.DataFrame, lang: str = "en") -> str:
    """The arms' means side by side, then each arm − control and participants − non-participants."""
    words = EXPERIMENT_TEXT[lang]
    labels = list(dict.fromkeys(summary["arm"]))
    rows = summary.set_index(["measure", "arm"])
    means, diffs, compared = _experiment_headers(rows, labels, words)
    for measure in dict.fromkeys(summary["measure"]):
        block = rows.loc[measure]
        text = block["label_nl" if lang == "nl" else "label"].iloc[0]
        means.append([text, *_experiment_cells(block, labels, lang, difference=False)])
        if measure != "members":
            diffs.append([text, *_experiment_cells(block, compared, lang, difference=True)])
    return "\n\n".join([_experiment_title(rows, labels[0], words, lang), _aligned(means), _aligned(diffs)])


def _experiment_headers(rows: pd.DataFrame, labels: list[str], words: dict[str, str]
                        ) -> tuple[list[list[str]], list[list[str]], list[str]]:
    """The header rows of the means and of the differences, and the arms that have a reference."""
    name = {label: words.get(label, label) for label in labels}
    references = {label: rows.loc[("members", label), "reference"] for label in labels}
    compared = [label for label in labels if isinstance(references[label], str) and references[label]]  # "" or NaN: none
    return ([["", *(name[label] for label in labels)]],
            [["", *(f"{name[label]} − {name[references[label]]}" for label in compared)]], compared)


def _experiment_cells(block: pd.DataFrame, labels: list[str], lang: str, difference: bool) -> list[str]:
    """One measure's cells: each arm's mean, or each arm's difference from its reference with its interval."""
    unit = block["unit"].iloc[0]
    if not difference:
        return [_experiment_estimate(block.loc[label, "mean"], math.nan, math.nan, unit, lang, False) for label in labels]
    return [_experiment_estimate(block.loc[label, "diff"], block.loc[label, "diff_low"], block.loc[label, "diff_high"],
                                 unit, lang, True) for label in labels]


def _experiment_title(rows: pd.DataFrame, first: str, words: dict[str, str], lang: str) -> str:
    """How many took part, and what the intervals are over (the members of one run, or replications)."""
    participants = rows.loc[("members", "participants"), "mean"] if ("members", "participants") in rows.index else 0.0
    kind = "members" if (rows["basis"] == "members").any() else "replications"
    basis = words[kind].format(reps=int(rows.loc[("members", first), "n"]))
    return words["title"].format(n=fixed(float(participants), 0, lang), basis=basis)
