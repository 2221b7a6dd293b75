"""What the web app shows of an answer, as plain data and small HTML fragments, in English or Dutch.

The words and numbers are the HTML report's own: its sections (``report.SECTIONS``) give the
sentences of "in brief" (each paired difference with its 95% confidence interval, the largest
first), the outcome table and "what differs"; its colours (Okabe–Ito) mark better, worse, clear
and unclear. Every text is escaped here (scenario names and values come from files), so the page
shows them as text, never as markup.
"""

from __future__ import annotations

import io
from html import escape
from typing import Any

from markupsafe import Markup

from simulation.present import plots, report
from simulation.present.app.questions import Answer
from simulation.present.report import TEXT
from simulation.results.collection import Results

#: The legend's colours, as in the report (Okabe–Ito: told apart with a colour-vision deficiency too).
COLOURS = {"better": "#009e73", "worse": "#d55e00", "clear": "#0072b2", "unclear": "#bbbbbb", "value": "#bbbbbb"}
FIGURE_DPI = 100  # as the report embeds them
CELL = "padding:0.2rem 0.6rem;border-bottom:1px solid #e6e6e6;vertical-align:top"

NOTES = {
    "en": {"reps": "{reps} paired replications per scenario: {computed} computed now, {reused} reused from earlier "
                   "runs (the result store, shared with meedoen compare).",
           "scaled": "A quick run: each city scaled down to {factor:.0%} of its clients, with its staff, places and "
                     "budgets; counts are those of the smaller city.",
           "full": "The cities at full size."},
    "nl": {"reps": "{reps} gepaarde replicaties per scenario: {computed} nu berekend, {reused} hergebruikt uit "
                   "eerdere runs (de resultatenopslag, gedeeld met meedoen compare).",
           "scaled": "Een snelle run: elke stad verkleind tot {factor:.0%} van haar klanten, met haar personeel, plekken "
                     "en budgetten; aantallen zijn die van de kleinere stad.",
           "full": "De steden op volle grootte."},
}


def section(results: Results, name: str, lang: str) -> dict[str, Any] | None:
    """The data the report's section ``name`` shows (None when the report leaves it out)."""
    chosen = next(s for s in report.SECTIONS if s.id == name)
    return chosen.build(results, lang)


def _text(value: object) -> str:
    """Plain, escaped text: the report's own markup (``Markup``) loses its tags first."""
    return escape(value.striptags() if isinstance(value, Markup) else str(value))


def _marked(colour: str, body: str, bold: str = "") -> str:
    who = f"<b>{escape(bold)}:</b> " if bold else ""
    return (f'<li class="{colour}" style="list-style:none;margin:0.3rem 0;padding:0.3rem 0.6rem;'
            f'border-left:6px solid {COLOURS.get(colour, "#bbbbbb")};background:#f7f7f7">{who}{body}</li>')


def brief_html(results: Results, lang: str) -> str:
    """"In brief": per compared scenario the report's sentences shown first (largest differences)."""
    data = section(results, "summary", lang) or {}
    parts = [f"<p>{_text(data.get('intro', ''))}</p>"]
    if data.get("sizes"):
        parts.append(f"<p><i>{_text(data['sizes'])}</i></p>")
    for group in data.get("groups", []):
        items = "".join(_marked(row.colour, escape(row.text), row.scenario) for row in group["shown"])
        parts.append(f'<ul style="padding-left:0">{items}</ul>')
    return "".join(parts)


def legend_html(lang: str) -> str:
    t = TEXT[lang]
    items = "".join(_marked(colour, _text(t[f"legend_{colour}"])) for colour in ("better", "worse", "clear", "unclear"))
    return f'<ul style="padding-left:0;font-size:0.9rem">{items}</ul>'


def outcomes_html(results: Results, lang: str) -> str:
    """The report's outcome table: each scenario's mean [95% CI] and the paired difference [95% CI]."""
    data = section(results, "outcomes", lang) or {}
    t = TEXT[lang]
    labels = data.get("labels", [])
    head = [t["outcome"], *labels, *(t["difference"].format(label=label, reference=data["reference"])
                                     for label in labels[1:])]
    rows = []
    for row in data.get("rows", []):
        cells = "".join(f'<td style="{CELL};text-align:right">{escape(cell)}</td>' for cell in row["cells"])
        diffs = "".join(f'<td style="{CELL};text-align:right;border-left:5px solid {COLOURS.get(d["colour"], "#bbbbbb")}">'
                        f'{escape(d["text"])}</td>' for d in row["diffs"])
        rows.append(f'<tr><td style="{CELL}">{escape(row["label"])}</td>{cells}{diffs}</tr>')
    intro = f'<p style="font-size:0.9rem">{_text(t["outcomes_intro"])}</p>' if len(labels) > 1 else ""
    return intro + _table(head, rows)


def differences_html(results: Results, lang: str) -> str:
    """The report's "what differs": every setting whose value differs, in plain words."""
    data = section(results, "differences", lang)
    t = TEXT[lang]
    if not data or not data["rows"]:
        return f"<p>{escape(t['no_differences'])}</p>"
    rows = [f'<tr><td style="{CELL}">{escape(row.subject)}: {escape(row.setting)}</td>'
            + "".join(f'<td style="{CELL}">{escape(cell.text)}</td>' for cell in row.cells) + "</tr>" for row in data["rows"]]
    return _table([t["setting"], *data["labels"]], rows)


def _table(head: list[str], rows: list[str]) -> str:
    header = "".join(f'<th style="{CELL};text-align:left;background:#eef3f8">{escape(h)}</th>' for h in head)
    return (f'<table style="border-collapse:collapse;font-size:0.88rem"><thead><tr>{header}</tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table>")


def figure_pngs(answer: Answer, lang: str) -> list[bytes]:
    """The report's figures as PNG images, drawn once per language and kept with the answer."""
    if lang not in answer.figures:
        drawn = []
        for _, figure in plots.figures(answer.results, lang):
            buffer = io.BytesIO()
            figure.savefig(buffer, format="png", dpi=FIGURE_DPI)
            drawn.append(buffer.getvalue())
        answer.figures[lang] = drawn
    return answer.figures[lang]


def report_bytes(results: Results, lang: str) -> bytes:
    """The self-contained HTML report of the answer, as ``meedoen compare --report`` writes it."""
    return report.render_report(results, lang).encode("utf-8")


def run_note(answer: Answer, lang: str, factor: float) -> str:
    """How the numbers were made: replications computed or reused, and the size of the cities."""
    words = NOTES[lang]
    size = words["full"] if factor >= 1.0 else words["scaled"].format(factor=factor)
    return words["reps"].format(reps=answer.results.reps, computed=answer.computed, reused=answer.reused) + " " + size
