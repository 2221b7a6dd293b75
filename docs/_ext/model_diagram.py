"""The model diagram: where a person can be, how it moves, and the resources it waits for.

Drawn with matplotlib as an SVG whose text stays text (searchable, no JavaScript, no network),
at build time, so it is always made from this checkout: the states are ``ClientState``'s and the
teams, trajectories and budgets are those of scenarios/base.yaml. ``python docs/_ext/model_diagram.py
out.svg`` writes it on its own.
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

import matplotlib

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402 - after the backend is chosen
from matplotlib.patches import FancyArrowPatch, FancyBboxPatch  # noqa: E402

from simulation.model.client import ClientState  # noqa: E402
from simulation.scenario import load_scenario  # noqa: E402

BASE = Path(__file__).resolve().parents[2] / "scenarios" / "base.yaml"
STATE, STEP, RESOURCE, INSIDE = "#dbe9f6", "#eeeeee", "#fde8c8", "#ffffff"
EDGE, FLOW, WAIT = "#2b4c6f", "#2b4c6f", "#b06000"

#: each ``ClientState`` as the diagram names it
STATE_LABELS = {
    ClientState.APPLICANT: "applicant",
    ClientState.BENEFIT: "on benefit (bijstand)",
    ClientState.JOB: "in a job",
    ClientState.BETWEEN: "between jobs",
    ClientState.AWAY: "away",
    ClientState.GONE: "gone",
}


def _box(ax, x, y, w, h, title, body="", face=STATE, size=11.0):
    ax.add_patch(FancyBboxPatch((x, y), w, h, boxstyle="round,pad=0.4,rounding_size=1.5", fc=face, ec=EDGE, lw=1.2))
    ax.text(x + w / 2, y + h - 1.6, title, ha="center", va="top", fontsize=size, fontweight="bold", color="#102030")
    if body:
        ax.text(x + w / 2, y + h - 5.2, body, ha="center", va="top", fontsize=8.6, color="#1a1a1a", linespacing=1.35)


def _wrap(names, width: int = 24) -> str:
    """Names joined by " · ", a new line whenever one would pass ``width`` characters."""
    lines = [""]
    for name in names:
        joined = f"{lines[-1]} · {name}" if lines[-1] else name
        if len(joined) > width and lines[-1]:
            lines.append(name)
        else:
            lines[-1] = joined
    return "\n".join(lines)


def _label(ax, x, y, text, color=FLOW):
    ax.text(x, y, text, ha="center", va="center", fontsize=8.2, color=color, linespacing=1.25,
            bbox={"fc": "white", "ec": "none", "alpha": 0.92, "pad": 0.8})


def _arrow(ax, start, end, color=FLOW, style="-|>", dashed=False, bend=0.0):
    ax.add_patch(FancyArrowPatch(start, end, connectionstyle=f"arc3,rad={bend}", arrowstyle=style, mutation_scale=13,
                                 lw=1.3, color=color, linestyle=(0, (4, 3)) if dashed else "-", shrinkA=0, shrinkB=0))


def _path(ax, points, color=FLOW, head=True):
    """A flow drawn as straight segments at right angles, with its arrowhead on the last (``head``)."""
    xs, ys = zip(*points, strict=True)
    ax.plot(xs[:-1] if head else xs, ys[:-1] if head else ys, color=color, lw=1.3, solid_capstyle="butt")
    if head:
        _arrow(ax, points[-2], points[-1], color=color)


def _states(ax, names):
    _box(ax, 2, 124, 25, 14, STATE_LABELS[ClientState.APPLICANT], "applications: Poisson,\nrate by calendar year")
    _box(ax, 37, 124, 26, 14, "the door", "youth rule (under 27)\nWork First · home visit", face=STEP)
    _box(ax, 37, 104, 26, 14, "intake", "assessment → phase 1–5\n→ group → handler", face=STEP)
    _box(ax, 2, 40, 63, 58, STATE_LABELS[ClientState.BENEFIT], size=12.5)
    _box(ax, 1, 4, 19, 18, STATE_LABELS[ClientState.JOB], _wrap(names["jobs"], 18))
    _box(ax, 24.5, 4, 19, 18, STATE_LABELS[ClientState.BETWEEN], "no job, no benefit\n(WW, a partner,\nsavings)")
    _box(ax, 48, 4, 17, 18, STATE_LABELS[ClientState.AWAY], "after an other\nexit; back after\na delay")
    _box(ax, 73, 4, 25, 18, STATE_LABELS[ClientState.GONE], "deterred, pension, death,\nleft for good:\nno return possible",
         face=STEP)


def _inside_benefit(ax):
    """What happens on benefit: handlers by group, contacts, referrals, risks, trajectories, ladder."""
    parts = [
        (4, 78, "the group's handler", "a klantmanager (caseload\nplace), a team (outreach),\nor none: a yearly review"),
        (35, 78, "at each contact", "phase reassessed; motivation\nand trust up; obligations\nmonitored → sanction"),
        (4, 61, "referrals", "to a team (a case) or to a\ntrajectory; voluntary or\nobligatory uptake"),
        (35, 61, "trajectory", "budget → slot → running\n→ completion effects\n(lock-in while running)"),
        (4, 44, "competing risks", "exit to work, other exits,\npart-time work on benefit,\npension age"),
        (35, 44, "participatieladder", "rungs 1–6: placements and\ncare move up; no contact\n→ drift down"),
    ]
    for x, y, title, body in parts:
        ax.add_patch(FancyBboxPatch((x, y), 28, 14, boxstyle="round,pad=0.3,rounding_size=1.0", fc=INSIDE, ec="#7a93ad",
                                    lw=0.9))
        ax.text(x + 14, y + 12.6, title, ha="center", va="top", fontsize=9.4, fontweight="bold", color="#102030")
        ax.text(x + 14, y + 9.2, body, ha="center", va="top", fontsize=8.3, color="#1a1a1a", linespacing=1.3)


def _resources(ax, names):
    """The resources column, each box as tall as its text, from the top of "on benefit" down."""
    boxes = [
        ("klantmanagers", "caseload places; a line\nby group priority;\nring-fenced places"),
        ("teams", _wrap(names["services"], 24) + "\nslots; urgent care first"),
        ("trajectories", _wrap(names["trajectories"], 27) + "\nslots; a queue rule"),
        ("budgets", _wrap([*names["budgets"], "personal budget"], 25) + "\nreplenished yearly"),
    ]
    top = 98.0
    for title, body in boxes:
        height = 6.6 + 2.45 * (body.count("\n") + 1)
        _box(ax, 72, top - height, 27, height, title, body, face=RESOURCE, size=10.0)
        middle = max(top - height / 2, 42.5)  # the arrow meets "on benefit", which ends at 40
        _arrow(ax, (65.6, middle), (71.5, middle), color=WAIT, style="<|-|>", dashed=True)
        top -= height + 1.6
    ax.text(85.5, 99.5, "resources: clients wait for\nthem (every wait recorded)", ha="center", va="bottom", fontsize=8.2,
            color=WAIT, linespacing=1.25)


def _flows(ax):
    _arrow(ax, (27.5, 131), (36.5, 131))
    _arrow(ax, (50, 123.5), (50, 118.5))
    _label(ax, 50, 121, "admitted")
    _arrow(ax, (50, 103.5), (50, 98.5))
    _path(ax, [(63.5, 131), (100, 131), (100, 13), (98.5, 13)])
    _label(ax, 82, 131, "deterred or redirected")
    _arrow(ax, (11.5, 39.5), (11.5, 22.5))
    _label(ax, 11.5, 33, "exit to work")
    _arrow(ax, (58, 39.5), (58, 22.5))  # into "away"
    _label(ax, 51, 33, "other exit: moving,\npartner income,\neducation, enforcement")
    _path(ax, [(65.5, 42), (68.5, 42), (68.5, 8), (72.5, 8)])
    _label(ax, 68.5, 28, "pension,\ndeath")
    _arrow(ax, (20.5, 16), (24, 16))
    _arrow(ax, (24, 10), (20.5, 10))
    _label(ax, 14, 0.5, "job ends ⇄ new job (or job to job)")
    _path(ax, [(38, 3.5), (38, 0.5), (85, 0.5), (85, 3.5)])
    _label(ax, 75, 0.5, "leaves")
    _path(ax, [(30, 22.5), (30, 30), (-1.5, 30), (-1.5, 120), (42, 120), (42, 123.5)])
    _path(ax, [(52, 22.5), (52, 26), (30, 26), (30, 30)], head=False)
    _label(ax, 19, 120, "return to benefit (herinstroom):\nback through the door")


def scenario_names(path: Path = BASE) -> dict[str, list[str]]:
    """Teams, trajectories, budgets and job types as base.yaml names them."""
    model = load_scenario(path).model
    return {"services": list(model.services), "trajectories": list(model.trajectories),
            "budgets": list(model.budgets), "jobs": list(model.jobs.types)}


def svg(path: Path = BASE) -> str:
    """The diagram as SVG text (no fonts embedded: text stays text)."""
    names = scenario_names(path)
    with plt.rc_context({"svg.fonttype": "none", "svg.hashsalt": "meedoen", "font.family": "DejaVu Sans"}):
        fig, ax = plt.subplots(figsize=(8.2, 11.0))
        ax.set_xlim(-3, 101)
        ax.set_ylim(-1, 139)
        ax.axis("off")
        _states(ax, names)
        _inside_benefit(ax)
        _resources(ax, names)
        _flows(ax)
        buffer = io.StringIO()
        no_metadata = {"Date": None, "Creator": None, "Format": None, "Type": None}  # the same bytes at every build
        fig.savefig(buffer, format="svg", bbox_inches="tight", metadata=no_metadata)
        plt.close(fig)
    text = buffer.getvalue()
    text = text[text.index("<svg"):]  # inline: no XML declaration or DOCTYPE
    # matplotlib's style rule would apply to the whole page once inline: keep it to the diagram
    text = text.replace("*{stroke-linejoin", "svg.model-diagram *{stroke-linejoin")
    return text.replace("<svg ", '<svg class="model-diagram" ', 1)


if __name__ == "__main__":
    Path(sys.argv[1] if len(sys.argv) > 1 else "model_diagram.svg").write_text(svg(), encoding="utf-8")
