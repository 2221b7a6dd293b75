"""Regenerate docs/scenarios.md: every shipped scenario with its headline outcomes and, where
its seed article gives figures, whether the scenario reproduces them.

    python docs/scenarios.py [--reps 10] [--workers 2] [--seed 1]

Each scenario file's header comment says what it models; ``docs/scenario_figures/*.yaml`` lists,
per scenario, its reference scenario (the policy it is compared with) and the published
figures it should reproduce. A figure is a level of a headline outcome (``kind: level``, the
default), or a difference from the reference (``difference``, in the outcome's units, or
``relative_difference``, a fraction: −0.30 for "inflow −30%"). It counts as reproduced when the
published value lies inside the 95% confidence interval over the replications, or within the
figure's stated ``tolerance`` of the mean. Scenarios with a reference run paired with it on
common random numbers. Runs go through the result store, so a second run of this script
reuses every replication it already made.
"""

from __future__ import annotations

import math
import re
import time
from pathlib import Path
from typing import Any

import numpy as np
import yaml

import simulation
from simulation.outcomes.definitions import OUTCOMES
from simulation.outcomes.statistics import mean_ci
from simulation.present.tables import number

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = ROOT / "scenarios"
FIGURES = Path(__file__).resolve().parent / "scenario_figures"
SHOWN = ["average_stock", "exits_to_work_pct_stock", "outflow_pct_stock", "recidivism_12m", "share_rung_3_plus",
         "volunteer_placements_per_year", "sanctions_per_year", "share_no_contact_12m", "cost_per_sustainable_exit"]


def header(path: Path) -> str:
    """The file's opening comment block, as plain text."""
    lines = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.startswith("#"):
            break
        lines.append(line[1:].strip())
    return "\n".join(lines).strip()


def figure_entries() -> dict[str, dict]:
    """Scenario name → {reference, figures}, from every YAML file in docs/scenario_figures/."""
    entries: dict[str, dict] = {}
    for path in sorted(FIGURES.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or []
        items = data.get("scenarios", data) if isinstance(data, dict) else data
        if isinstance(items, dict):
            items = [{"name": name, **(value or {})} for name, value in items.items()]
        for item in items:
            entries[str(item["name"]).removesuffix(".yaml")] = item
    return entries


def _cell(mean: float, low: float, high: float, unit: str, signed: bool = False) -> str:
    shown = number(mean, unit, signed=signed)
    return shown if math.isnan(low) else f"{shown} [{number(low, unit, signed=signed)}, {number(high, unit, signed=signed)}]"


def judge(figure: dict, values: np.ndarray, reference: np.ndarray | None) -> tuple[str, str]:
    """(simulated mean [CI] text, verdict) for one published figure."""
    outcome, kind = figure.get("outcome"), figure.get("kind", "level")
    if not outcome or outcome not in OUTCOMES:
        if str(figure.get("note", "")).startswith("input"):
            return "—", "an input: the file sets it"
        return "—", "not a headline outcome (see note)"
    unit = OUTCOMES[outcome].unit
    if kind == "level":
        sample = values
    elif reference is None:
        return "—", "needs a reference scenario"
    elif kind == "difference":
        sample = values - reference
    else:  # relative_difference
        sample = (values - reference) / reference
        unit = ""
    mean, low, high, n = mean_ci(sample)
    target = float(figure["value"])
    tolerance = figure.get("tolerance")
    if kind == "relative_difference":
        shown = f"{mean:+.1%} [{low:+.1%}, {high:+.1%}]" if n > 1 else f"{mean:+.1%}"
    else:
        shown = _cell(mean, low, high, unit, signed=kind != "level")
    if n > 1 and low <= target <= high:
        verdict = "yes (inside the CI)"
    elif tolerance is not None and abs(mean - target) <= float(tolerance):
        verdict = f"yes (within ±{tolerance})"
    else:
        side = "above" if mean > target else "below"
        verdict = f"no ({side})"
    return shown, verdict


#: An experiment's measures shown in its section: what cal §C speaks of, and the self-selection.
EXPERIMENT_SHOWN = ["exit_work_during", "exit_work_24m", "part_time_during", "exit_enforcement_during",
                    "on_benefit_at_end", "years_on_benefit"]


def experiment_lines(path: Path, reps: int, seed: int, workers: int) -> list[str]:
    """For a scenario with an experiment inside the city: each arm against control and participants
    against non-participants, paired per replication (``meedoen trial``)."""
    from simulation.experiments.execution import Execution
    from simulation.experiments.trial import replicate_experiment
    from simulation.outcomes.experiment import MEASURES

    summary = replicate_experiment(path, reps, seed, Execution(workers=workers)).summary
    compared = summary[summary["reference"] != ""]
    labels = list(dict.fromkeys(compared["arm"]))
    lines = ["", f"The experiment inside the city (`meedoen trial`, {reps} replications): each arm − control and "
             "participants − non-participants, paired per replication, mean [95% CI].", "",
             "| measure | " + " | ".join(f"{label} − {compared.loc[compared['arm'] == label, 'reference'].iloc[0]}"
                                          for label in labels) + " |",
             "|---|" + "---:|" * len(labels)]
    rows = compared.set_index(["arm", "measure"])
    for measure in EXPERIMENT_SHOWN:
        unit = MEASURES[measure].unit
        cells = [_cell(rows.loc[(label, measure), "diff"], rows.loc[(label, measure), "diff_low"],
                       rows.loc[(label, measure), "diff_high"], "%" if unit == "%" else "", signed=True)
                 for label in labels]
        lines.append(f"| {MEASURES[measure].label} ({unit}) | " + " | ".join(cells) + " |")
    return lines + findings_lines(rows, labels)


#: cal §C's findings, each as (arm, measure, what cal §C says, test on the difference's CI)
FINDINGS = [
    ("exemption", "exit_work_during", "exemption did not lower exits to work", lambda low, high: high >= 0),
    ("intensive", "exit_work_during", "intensive support helped a little (small or not significant)",
     lambda low, high: high > 0),
    ("intensive", "part_time_during", "... mostly into part-time work", lambda low, high: high > 0),
    ("exemption", "part_time_during", "the release raised part-time work while active (arm 1)", lambda low, high: low > 0),
    ("earnings", "part_time_during", "the release raised part-time work while active (arm 3)", lambda low, high: low > 0),
    ("participants", "years_on_benefit", "volunteers were mostly long-term recipients: participants differ",
     lambda low, high: low > 0),
]


def findings_lines(rows: Any, labels: list[str]) -> list[str]:
    """cal §C's qualitative findings against the paired differences: reproduced when the CI is on the
    side the finding says (or, for 'did not lower', when it reaches zero or above)."""
    lines = ["", "| cal §C says | simulated difference [95% CI] | reproduced? |", "|---|---:|---|"]
    for arm, measure, says, holds in FINDINGS:
        if arm not in labels:
            continue
        diff, low, high = (rows.loc[(arm, measure), key] for key in ("diff", "diff_low", "diff_high"))
        unit = "%" if measure != "years_on_benefit" else ""
        verdict = "yes" if math.isfinite(low) and holds(low, high) else "no"
        lines.append(f"| {says} | {_cell(diff, low, high, unit, signed=True)} | {verdict} |")
    return lines


def main() -> None:
    from face_validity import (
        arguments,  # docs/ is on the path: this script runs from it
    )

    args = arguments(__doc__, reps=10, seed=1)
    started = time.perf_counter()
    entries = figure_entries()
    files = sorted(SCENARIOS.glob("*.yaml"))
    sections = []
    for path in files:
        name = path.stem
        entry = entries.get(name, {})
        reference = entry.get("reference")
        reference = str(reference).removesuffix(".yaml") if reference else None
        paths = [SCENARIOS / f"{reference}.yaml", path] if reference else [path]
        summary = simulation.compare(paths, reps=args.reps, seed=args.seed, workers=args.workers, progress=None)
        table = summary.attrs["replications"]
        labels = list(dict.fromkeys(table["scenario"]))
        wide = table.pivot_table(index="replication", columns=["scenario", "outcome"], values="value", dropna=False)
        own = labels[-1]
        lines = [f"## {name}", "", f"`scenarios/{path.name}`" + (f", compared with `{reference}`" if reference else ""), ""]
        text = header(path)
        if text:
            lines += ["> " + line if line else ">" for line in text.splitlines()] + [""]
        head = f"| outcome | {own} |" + (f" {own} − {labels[0]} (paired) |" if reference else "")
        lines += [head, "|---|---:|" + ("---:|" if reference else "")]
        for outcome in SHOWN:
            unit = OUTCOMES[outcome].unit
            values = wide[(own, outcome)].to_numpy(float)
            row = f"| {OUTCOMES[outcome].label} ({unit}) | {_cell(*mean_ci(values)[:3], unit)} |"
            if reference:
                base = wide[(labels[0], outcome)].to_numpy(float)
                row += f" {_cell(*mean_ci(values - base)[:3], unit, signed=True)} |"
            lines.append(row)
        if simulation.load_scenario(path).model.experiment is not None:
            lines += experiment_lines(path, args.reps, args.seed, args.workers)
        figures = entry.get("figures") or []
        if figures:
            lines += ["", "| published figure | source | simulated, mean [95% CI] | reproduced? |", "|---|---|---:|---|"]
            for figure in figures:
                outcome = figure.get("outcome")
                values = wide[(own, outcome)].to_numpy(float) if outcome in OUTCOMES else np.array([])
                base = wide[(labels[0], outcome)].to_numpy(float) if reference and outcome in OUTCOMES else None
                shown, verdict = judge(figure, values, base)
                what = f"{figure.get('value')} {figure.get('unit', '')}".strip()
                if figure.get("note"):
                    what += f" — {figure['note']}"
                lines.append(f"| {_escape(what)} | {_escape(str(figure.get('source', '')))} | {shown} | {verdict} |")
        else:
            lines += ["", "_Its seed gives no figure this model's outcomes can be held to._"]
        sections.append("\n".join(lines))
        print(f"{name}: done ({time.perf_counter() - started:.0f} s)")
    intro = [
        "# The scenarios",
        "",
        f"Generated by `python docs/scenarios.py --reps {args.reps} --workers {args.workers} --seed {args.seed}` "
        f"({time.perf_counter() - started:.0f} s). Means and t-based 95% confidence intervals over {args.reps} "
        "replications of each scenario's observation window; differences are paired per replication with the "
        "reference scenario (common random numbers). A published figure is *reproduced* when it lies inside the "
        "CI (or within its stated tolerance). Figures come from the seed articles as listed in "
        "`docs/scenario_figures/`.",
        "",
        *(f"- [{p.stem}](#{p.stem})" for p in files),
    ]
    text = "\n".join(intro) + "\n\n" + "\n\n".join(sections) + "\n"
    (Path(__file__).resolve().parent / "scenarios.md").write_text(text, encoding="utf-8")
    print(f"docs/scenarios.md written in {time.perf_counter() - started:.0f} s")


def _escape(text: str) -> str:
    return re.sub(r"\|", "\\|", text)


if __name__ == "__main__":
    main()
