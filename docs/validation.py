"""Regenerate docs/validation.md: why believe these numbers.

    python docs/validation.py [--reps 20] [--workers 2]

One script, four parts, each computed afresh:

1. the fit table of the base scenario against the published national targets
   (scenarios/targets/nl_national.yaml, calibration.md §A and §B): per target the published
   value and its source, the simulated mean with its 95% CI, and whether it is met;
2. the face-validity tables of Tilburg and Leeuwarden against seed 002 (docs/face_validity.py);
3. each stylised fact of calibration.md §F with the paired comparison that shows it: the tests
   in tests/test_stylised_facts.py are run and every difference with its CI they report is
   collected, with whether the test passed (the tests, not this script, decide the verdict);
4. the queueing-theory check (tests/test_queueing.py: an M/M/c wijkteam against Erlang C);
5. how long the leavers of the observation window had been on benefit, and where leavers to work are
   6 to 24 months later (base, the same replications as part 1's seeds).
"""

from __future__ import annotations

import re
import subprocess
import sys
import time
from pathlib import Path

DOCS = Path(__file__).resolve().parent
ROOT = DOCS.parent
sys.path.insert(0, str(DOCS))

FACTS = {
    "F1": "The exit hazard falls with time on benefit; long spells fill the stock; the inflow is younger",
    "F2": "Re-inflow is front-loaded and plateaus; enforcement exits come back more than work exits",
    "F3": "Sanctions raise exits to work, but to worse jobs (more return) and to no benefit, no job",
    "F4": "A threat effect: an enforced regime that never sanctions still moves people",
    "F5": "Waiving obligations does not collapse exits to work",
    "F6": "Intensive support helps a little while it lasts, and the gain does not grow after it stops",
    "F7": "A weak labour market moves the stock more than any local policy in force as long",
    "F8": "Scarce caseloads favour the best prospects; ring-fencing raises contact for the hardest group",
    "F9": "Ladder mobility of low-chance clients (phase 4-5) is slow and mostly on the unpaid rungs",
}
REPORTED = re.compile(r"^\[(F\d+)\] (.+): ([+-−]?[\d.e+-]+) \[([^,]+), ([^\]]+)\] \(n=(\d+)\)")
QUEUEING = re.compile(r"^(Wq|utilisation) theory ([\d.]+)(?: d)?; simulated ([\d.]+)(?: d)?, 95% CI \[([\d.]+), ([\d.]+)\]")


def run_tests(paths: list[str]) -> tuple[list[str], dict[str, str]]:
    """Run pytest on ``paths`` (slow tests included) printing what they report; lines and outcomes."""
    done = subprocess.run([sys.executable, "-m", "pytest", *paths, "-s", "-q", "-rA", "-p", "no:cacheprovider"],
                          cwd=ROOT, capture_output=True, text=True)
    outcomes = {}
    for line in done.stdout.splitlines():
        match = re.match(r"^(PASSED|FAILED|ERROR|SKIPPED)\s+\S*::(\S+)", line)
        if match:
            outcomes[match.group(2)] = match.group(1)
    return done.stdout.splitlines(), outcomes


def fit_section(reps: int, workers: int) -> list[str]:
    from simulation.experiments.calibration import target_table
    from simulation.present.calibration import target_table_markdown

    table = target_table(ROOT / "scenarios" / "base.yaml", ROOT / "scenarios" / "targets" / "nl_national.yaml",
                         reps=reps, workers=workers)
    met = int(table["within_tolerance"].sum())
    return ["## 1. The base scenario against the national targets", "",
            f"`scenarios/base.yaml` as shipped (nothing fitted here), {reps} replications; targets from "
            f"`scenarios/targets/nl_national.yaml` (calibration.md §A and §B): {met} of {len(table)} within "
            "tolerance. `meedoen calibrate scenarios/base.yaml --targets scenarios/targets/nl_national.yaml` "
            "fits the free parameters the targets file lists.", "",
            target_table_markdown(table), ""]


def facts_section(lines: list[str], outcomes: dict[str, str]) -> list[str]:
    found: dict[str, list[tuple[str, str, str, str, str]]] = {}
    for line in lines:
        match = REPORTED.match(line.strip())
        if match:
            fact, what, mean, low, high, n = match.groups()
            found.setdefault(fact, []).append((what, mean, low, high, n))
    section = ["## 3. Stylised facts (calibration.md §F), each shown by a paired comparison", "",
               "Each row is a per-replication difference (B − A on common random numbers, or within one run) with "
               "its t-based 95% CI, as reported by `tests/test_stylised_facts.py`; the test's verdict is whether the "
               "CI lies on the side the fact predicts.", "",
               "| fact | comparison | mean difference | 95% CI | n | test |", "|---|---|---:|---:|---:|---|"]
    for fact, text in FACTS.items():
        tests = [name for name in outcomes if name.startswith(f"test_fact{fact[1:]}_")]
        verdict = ", ".join(sorted({outcomes[t].lower() for t in tests})) or "not run"
        for what, mean, low, high, n in found.get(fact, []):
            section.append(f"| {fact}: {text} | {what} | {mean} | {low} to {high} | {n} | {verdict} |")
    section.append("")
    return section


def queueing_section(lines: list[str], outcomes: dict[str, str]) -> list[str]:
    section = ["## 4. Queueing theory", "",
               "A wijkteam set up as an M/M/c queue (`tests/scenarios/mmc_wijkteam.yaml`) against Erlang C "
               "(`tests/test_queueing.py`).", "",
               "| measure | theory | simulated | 95% CI | test |", "|---|---:|---:|---:|---|"]
    tests = {"Wq": "test_mean_wait_matches_erlang_c", "utilisation": "test_utilisation_matches_rho"}
    for line in lines:
        match = QUEUEING.match(line.strip())
        if match:
            what, theory, simulated, low, high = match.groups()
            label = "mean wait Wq (days)" if what == "Wq" else "utilisation"
            section.append(f"| {label} | {theory} | {simulated} | {low} to {high} | "
                           f"{outcomes.get(tests[what], 'not run').lower()} |")
    section.append("")
    return section


def leavers_section(reps: int) -> list[str]:
    """Part 5: the leavers' time on benefit and the careers after an exit to work, base, ``reps`` runs."""
    import numpy as np

    import simulation
    from simulation.outcomes.careers import CAREER_MONTHS, CAREER_STATES, career_shares, leaver_duration_shares
    from simulation.outcomes.statistics import mean_ci
    from simulation.outcomes.survival import window_of

    scenario = simulation.load_scenario(ROOT / "scenarios" / "base.yaml")
    durations: dict[str, list[float]] = {}
    careers: dict[tuple[int, str], list[float]] = {}
    for seed in range(1, reps + 1):
        result = simulation.run(scenario, seed=seed, event_log=False)
        window = window_of(result)
        for band, value in leaver_duration_shares(result.tables["spells"], window).items():
            durations.setdefault(band, []).append(value)
        for key, value in career_shares(result.tables, window).items():
            careers.setdefault(key, []).append(value)

    def cell(values: list[float]) -> str:
        mean, low, high, _ = mean_ci(np.asarray(values, dtype=float))
        return f"{mean:.1f} ({low:.1f} to {high:.1f})"

    section = ["## 5. Leavers: time on benefit before, and where leavers to work are later", "",
               f"`scenarios/base.yaml`, {reps} replications (seeds 1 to {reps}), exits in the observation window; "
               "mean % with its t-based 95% CI. Published counterparts (calibration.md §A): CBS 82663NED gives the "
               "stock's current spells (< 6 months 9%, 6-12 months 8%), not the leavers'; the CBS 2021 cohort of "
               "leavers to an employee job: 82% in a job at 6 months; 72% in a job, 9% back on bijstand and 19% "
               "neither at 18 months.", "",
               "| time on benefit of the leavers (all exits but pension) | % of exits |", "|---|---:|"]
    section += [f"| {band} | {cell(values)} |" for band, values in durations.items()]
    section += ["", "| months after an exit to work | " + " | ".join(CAREER_STATES) + " |",
                "|---:|" + "---:|" * len(CAREER_STATES)]
    section += [f"| {months} | " + " | ".join(cell(careers[months, state]) for state in CAREER_STATES) + " |"
                for months in CAREER_MONTHS]
    return [*section, ""]


def main() -> None:
    import face_validity

    args = face_validity.arguments(__doc__)
    started = time.perf_counter()

    from simulation.version import model_version

    parts = fit_section(args.reps, args.workers)
    print(f"fit table done ({time.perf_counter() - started:.0f} s)")
    parts += ["## 2. Face validity: Tilburg and Leeuwarden in 2017", "",
              f"{args.reps} replications each (seed {args.seed}); the full set is in docs/face_validity.md.", ""]
    parts += [line.replace("## ", "### ", 1) if line.startswith("## ") else line
              for line in face_validity.tables(["tilburg", "leeuwarden"], args.reps, args.workers, args.seed)]
    print(f"face validity done ({time.perf_counter() - started:.0f} s)")
    lines, outcomes = run_tests(["tests/test_stylised_facts.py", "tests/test_queueing.py"])
    parts += facts_section(lines, outcomes) + queueing_section(lines, outcomes)
    parts += leavers_section(args.reps)
    elapsed = time.perf_counter() - started
    head = ["# Validation", "",
            f"Generated by `python docs/validation.py --reps {args.reps} --workers {args.workers} --seed {args.seed}` "
            f"in {elapsed:.0f} s (meedoen {model_version()}).", ""]
    (DOCS / "validation.md").write_text("\n".join(head + parts) + "\n", encoding="utf-8")
    print(f"docs/validation.md written ({elapsed:.0f} s)")


if __name__ == "__main__":
    main()
