"""One self-contained HTML report of a run or a comparison, in English or Dutch, for a policy maker.

It opens in a browser offline: images are embedded as PNG data, there is no script and nothing is
fetched. The page is a list of sections (:data:`SECTIONS`), each a Python function that turns the
results into plain data and a template (``templates/report_<id>.html.j2``) that lays it out: how
to read the report, "in brief" (the largest differences first, coloured by a legend), what
differs between the scenario files in plain words, the outcome table, the figures, outcomes by
group of clients, and last the technical details (variance reduction, files, hashes, seeds,
versions). Jinja2 renders it with autoescaping on, so text from scenario files (names,
descriptions, values) can never become markup.
"""

from __future__ import annotations

import base64
import os
from collections.abc import Callable
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import IO, Any

from simulation.files import atomic_write
from simulation.present import report_place as place
from simulation.present import report_sections as build
from simulation.present.plot_style import figure_bytes
from simulation.present.plot_text import words
from simulation.present.plots import figures
from simulation.present.report_brief import BRIEF_SHOWN, KEY_OUTCOMES, Sentence, brief_rows
from simulation.present.report_differs import descriptions
from simulation.present.report_text import TEXT
from simulation.results.collection import Results

__all__ = ["BRIEF_SHOWN", "KEY_OUTCOMES", "SECTIONS", "TEXT", "Section", "Sentence", "brief_rows", "render_report",
           "write_report"]


@dataclass(frozen=True)
class Section:
    """One section of the page: its HTML id, and the function that gives its template's data
    (None leaves the section out). Its template is ``templates/report_<id with _ for ->.html.j2``."""

    id: str
    build: Callable[[Results, str], dict[str, Any] | None]

    @property
    def template(self) -> str:
        return f"report_{self.id.replace('-', '_')}.html.j2"


def _figures(results: Results, lang: str) -> dict[str, Any]:
    """Every figure as an embedded PNG with its title as the alternative text."""
    images = [{"name": name, "src": _data_uri(figure_bytes(figure, "png", dpi=100)),
               "alt": figure.texts[0].get_text() if figure.texts else figure.axes[0].get_title()}
              for name, figure in figures(results, lang)]
    return {"images": images}


#: The sections in the order a reader meets them. "How to read" comes first and the technical
#: details last; a new section is a function here and a template beside the others.
SECTIONS: list[Section] = [
    Section("how-to-read", build.how_to_read),
    Section("summary", build.in_brief),
    Section("differences", build.what_differs),
    Section("place-policy", place.place_and_policy),
    Section("business-case", place.business_case),
    Section("outcomes", build.outcome_table),
    Section("figures", _figures),
    Section("equity", build.equity),
    Section("technical", build.technical),  # always last
]


def _data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def _template_source(name: str) -> str:
    return resources.files("simulation.present").joinpath(f"templates/{name}").read_text(encoding="utf-8")


def render_report(results: Results, lang: str = "en") -> str:
    """The report as one HTML string."""
    import jinja2

    words(lang)  # checks the language
    t = TEXT[lang]
    environment = jinja2.Environment(loader=jinja2.FunctionLoader(_template_source), autoescape=True,
                                     undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    sections = [(section, data) for section in SECTIONS if (data := section.build(results, lang)) is not None]
    return environment.get_template("report.html.j2").render(
        t=t, lang=lang, title=t["title"].format(names=" – ".join(results.labels)),
        subtitle=build.subtitle(results, lang), descriptions=descriptions(results, lang), sections=sections)


def write_report(results: Results, path: str | os.PathLike[str], lang: str = "en") -> Path:
    """Render and write the report atomically (a half-written report never appears)."""
    html = render_report(results, lang)
    target = Path(path)

    def write(stream: IO[str]) -> None:
        stream.write(html)

    atomic_write(target, write)
    return target
