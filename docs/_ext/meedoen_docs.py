"""Sphinx extension of meedoen's documentation: pages made from the code at build time.

- ``parameters``: one section per top-level key of scenarios/base.yaml, each a table of its keys
  (``parameter_reference``), with every "seed NNN" and "cal §X" in a source linked to docs/sources.md;
- ``guide``: the README, with its links made to work from docs/: ``docs/x`` becomes ``x``, a
  notebook stays a page, and a link to another file of the repository (LICENSE, a module) becomes
  its path in code, which a site cannot link to;
- ``model_code``: the docstring of every module of the model and outcomes layers, where each
  module says what it does and why (the details the ODD page's submodels point to);
- ``{model-diagram}``: the model diagram as inline SVG (``model_diagram``): no image file, no
  JavaScript, nothing fetched when the page is read;
- links to the notebooks: docs/notebooks is a link to the repository's notebooks/, and Sphinx
  follows it to the real path when it resolves a link, which lies outside the docs; such links
  are mapped back to the pages under notebooks/;
- ``mermaid`` code blocks (docs/architecture.md) are shown as text, which is also how GitHub
  shows them without a renderer.
"""

from __future__ import annotations

import pkgutil
import re
from pathlib import Path
from typing import Any

import model_diagram
import parameter_reference
from docutils import nodes
from pygments.lexers.special import TextLexer
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.highlighting import lexers
from sphinx.util.docutils import SphinxDirective

PARAMETERS_PAGE, CLI_PAGE, CODE_PAGE, API_PAGE, GUIDE_PAGE = "parameters", "cli", "model_code", "api", "guide"
README = Path(parameter_reference.__file__).resolve().parents[2] / "README.md"
#: a Markdown link or image: (!)[text](target)
MARKDOWN_LINK = re.compile(r"(!?)\[([^\]]*)\]\(([^)\s]+)\)")
#: the layers whose modules the code page shows, with their headings
CODE_LAYERS = {"simulation.model": "Model layer", "simulation.outcomes": "Outcomes layer"}
NOTEBOOKS = Path(parameter_reference.__file__).resolve().parents[2] / "notebooks"
SCHEMA = Path(parameter_reference.__file__).resolve().parents[2] / "simulation" / "scenario" / "schema"
#: a citation in a source comment → the anchor of its entry in docs/sources.md
CITATION = re.compile(r"\b(seeds? (?:article )?)(\d{3})\b|((?:cal\.? )?§)([A-F])(\.\d+)?")
COLUMNS = (("key", 24), ("value in base.yaml", 24), ("unit", 14), ("source", 30), ("part", 8))


def _citations(text: str, sources_uri: str) -> list[nodes.Node]:
    """``text`` with each seed article and calibration section linked to its entry."""
    found: list[nodes.Node] = []
    last = 0
    for match in CITATION.finditer(text):
        found.append(nodes.Text(text[last:match.start()]))
        anchor = f"seed-{match.group(2)}" if match.group(2) else f"cal-{match.group(4).lower()}"
        found.append(nodes.reference(match.group(0), match.group(0), refuri=f"{sources_uri}#{anchor}"))
        last = match.end()
    found.append(nodes.Text(text[last:]))
    return found


def _cell(*content: nodes.Node) -> nodes.entry:
    return nodes.entry("", nodes.paragraph("", "", *content))


def _table(rows: list[parameter_reference.Row], sources_uri: str) -> nodes.table:
    group = nodes.tgroup(cols=len(COLUMNS))
    group += [nodes.colspec(colwidth=width) for _, width in COLUMNS]
    group += nodes.thead("", nodes.row("", *(_cell(nodes.Text(name)) for name, _ in COLUMNS)))
    body = nodes.tbody()
    for row in rows:
        value = nodes.literal(row.value, row.value) if row.value else nodes.Text("")
        unit = row.unit or ("a parameter of the distribution above" if len(row.path) > 1 else "")
        key = row.key_in_section
        body += nodes.row("", _cell(nodes.literal(key, key)), _cell(value), _cell(nodes.Text(unit)),
                          _cell(*_citations(row.source, sources_uri)), _cell(nodes.Text(row.part)))
    group += body
    table = nodes.table("", group, classes=["parameter-table"])
    return table


class ParameterTable(SphinxDirective):
    """``{parameter-table} SECTION``: the keys of one top-level section of base.yaml."""

    required_arguments = 1

    def run(self) -> list[nodes.Node]:
        self.env.note_dependency(str(parameter_reference.BASE))
        sections = parameter_reference.sections()
        name = self.arguments[0]
        if name not in sections:
            raise self.error(f"base.yaml has no top-level key {name!r}")
        sources_uri = self.env.app.builder.get_relative_uri(self.env.docname, "sources")
        return [_table(sections[name], sources_uri)]


class ModelDiagram(SphinxDirective):
    """``{model-diagram}``: the diagram of states, flows and resources, inline SVG."""

    def run(self) -> list[nodes.Node]:
        self.env.note_dependency(str(parameter_reference.BASE))
        svg = model_diagram.svg()
        return [nodes.raw("", f'<figure class="model-diagram">{svg}</figure>', format="html")]


def _parameter_sections(app: Sphinx, docname: str, source: list[str]) -> None:
    """Append a section per top-level key of base.yaml to the parameters page as it is read."""
    if docname != PARAMETERS_PAGE:
        return
    lines = parameter_reference.BASE.read_text(encoding="utf-8").splitlines()
    _, key_lines = parameter_reference.load_yaml(parameter_reference.BASE)
    text = []
    for name in parameter_reference.sections():
        notes = parameter_reference.section_notes(lines, key_lines[(name,)])
        text += [f"\n## `{name}`\n", f"{notes}\n" if notes else "", f"```{{parameter-table}} {name}\n```\n"]
    source[0] += "\n".join(text)


def _readme_link(match: re.Match[str]) -> str:
    """A README link as it works from docs/ (see the module's docstring)."""
    bang, text, target = match.groups()
    if re.match(r"[a-z]+:|#", target) or target.startswith("notebooks/"):
        return match.group(0)
    if target.startswith("docs/"):
        return f"{bang}[{text}]({target.removeprefix('docs/')})"
    return f"`{target}`" if bang or text.strip("`") == target else f"{text} (`{target}`)"


def _readme(app: Sphinx, docname: str, source: list[str]) -> None:
    """Append the README, without its title, to the guide page as it is read; code blocks stay as written."""
    if docname != GUIDE_PAGE:
        return
    app.env.note_dependency(str(README))
    lines, in_code = [], False
    for line in README.read_text(encoding="utf-8").split("\n", 1)[1].splitlines():
        in_code = in_code != line.lstrip().startswith("```")
        lines.append(line if in_code or line.lstrip().startswith("```") else MARKDOWN_LINK.sub(_readme_link, line))
    source[0] += "\n" + "\n".join(lines) + "\n"


def _module_docstrings(app: Sphinx, docname: str, source: list[str]) -> None:
    """Append every module of the model and outcomes layers to the code page as it is read; a
    module the API page documents too is shown here without an index entry (one target each)."""
    if docname != CODE_PAGE:
        return
    api = Path(app.srcdir, f"{API_PAGE}.md").read_text(encoding="utf-8")
    in_api = set(re.findall(r"automodule:: ([\w.]+)", api))
    text = []
    for package, heading in CODE_LAYERS.items():
        folder = Path(parameter_reference.__file__).resolve().parents[2].joinpath(*package.split("."))
        text += [f"\n## {heading}: `{package}`\n", "```{eval-rst}"]
        for module in sorted(info.name for info in pkgutil.iter_modules([str(folder)])):
            name = f"{package}.{module}"
            text += [f".. automodule:: {name}", "   :no-members:" + ("\n   :no-index:" if name in in_api else ""), ""]
        text.append("```\n")
    source[0] += "\n".join(text)


def _notebook_links(app: Sphinx, doctree: nodes.document) -> None:
    """A link that resolved to the real notebooks/ folder points to its page under docs/notebooks."""
    for node in doctree.findall(addnodes.pending_xref):
        target = Path(str(node.get("reftarget", "")))
        if node.get("reftype") == "myst" and target.is_absolute() and target.is_relative_to(NOTEBOOKS):
            node["reftarget"] = f"notebooks/{target.relative_to(NOTEBOOKS).as_posix()}"


def _argparse_percent(app: Sphinx, doctree: nodes.document) -> None:
    """argparse writes "%" as "%%" in a subcommand's help; sphinx-argparse shows it unformatted."""
    if app.env.docname != CLI_PAGE:
        return
    for node in list(doctree.findall(nodes.Text)):
        if "%%" in node:
            node.parent.replace(node, nodes.Text(node.replace("%%", "%")))


def setup(app: Sphinx) -> dict[str, Any]:
    lexers["mermaid"] = TextLexer()
    app.add_directive("parameter-table", ParameterTable)
    app.add_directive("model-diagram", ModelDiagram)
    app.connect("source-read", _parameter_sections)
    app.connect("source-read", _module_docstrings)
    app.connect("source-read", _readme)
    app.connect("doctree-read", _notebook_links)
    app.connect("doctree-read", _argparse_percent)
    return {"version": "1", "parallel_read_safe": True, "parallel_write_safe": True}
