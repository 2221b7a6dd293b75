"""Regenerate docs/face_validity.md: base, Tilburg and Leeuwarden against the seeds' figures.

    python docs/face_validity.py [--reps 20] [--workers 2] [--seed 2017]

Each scenario runs ``--reps`` replications of its observation year (2017); the table gives
the mean and a t-based 95% confidence interval over replications for every measure, next to
the figure it should be compared with (seed 002, calibration.md §A).
"""

from __future__ import annotations

import argparse
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np

import simulation
from simulation.outcomes import statistics
from simulation.outcomes.headline import contacts_per_client_year, headline_values
from simulation.outcomes.survival import kaplan_meier_failure, observation_months, return_times, window_of
from simulation.version import package_version

ROOT = Path(__file__).resolve().parent.parent

# (scenario, measure key, label, the figure to compare with and its source)
CHECKS = {
    "base": [
        ("outflow_pct_stock", "Annual outflow, % of average stock", "18–26% (cal. §A, CBS/Divosa)"),
        ("work_share_of_outflow", "Share of outflow to work", "about half (cal. §A, CBS)"),
        ("exits_to_work_pct_stock", "Exits to work, % of average stock", "≈ 12% (cal. §A, CBS 2021)"),
        ("share_over_1_year", "Stock on benefit over a year", "≈ 83% (cal. §A, CBS 2019)"),
        ("reinflow_any_exit_12m", "Re-inflow within 12 months of any exit", "≈ 22% (cal. §A, Divosa 2014)"),
        ("recidivism_6m", "Return within 6 months of an exit to work", "≤ 11% (cal. §A, Divosa 2014)"),
        ("recidivism_12m", "Return within 12 months of an exit to work", "— (cal. §A gives any exit: 22%)"),
    ],
    "tilburg": [
        ("average_stock", "Stock on benefit", "7,000–7,800 (seed 002; cal. §A)"),
        ("group3_stock", "Group 3 (low chance, no klantmanager)", "≈ 4,000 (seed 002)"),
        ("volunteer_placements_per_year", "Volunteer placements per year", "220 in 2016 (seed 002)"),
        ("social_activity_starts_per_year", "Social-activity starts per year", "50+ in 2016 (seed 002)"),
        ("group3_social_services_contacts", "Group-3 contacts with social services per client-year",
         "≈ 1: seen once a year (seed 002)"),
        ("outflow_pct_stock", "Annual outflow, % of average stock", "18–26% (cal. §A)"),
    ],
    "leeuwarden": [
        ("average_stock", "Stock on benefit", "5,700–6,300 (seed 002: 6,000)"),
        ("group3_stock", "Group 3, handed to the wijkteams", "≈ 3,000 (seed 002)"),
        ("back_to_social_services_per_year", "Wijkteams: back to social services per year",
         "target 300 (seed 002; seed doubts it)"),
        ("volunteer_placements_per_year", "Volunteer placements per year", "target 175 (seed 002)"),
        ("group3_contacts", "Group-3 contacts (any) per client-year", "— (outreach, capacity-bound)"),
        ("wait_wijkteam_mean_days", "Mean wait for the wijkteam (days)", "— (seed 002: too little time)"),
        ("share_no_contact_12m", "Share without contact for over 12 months", "—"),
    ],
}


def measure(job: tuple[str, int, int]) -> dict[str, float]:
    name, seed, replication = job
    scenario = simulation.load_scenario(ROOT / "scenarios" / f"{name}.yaml")
    result = simulation.run(scenario, seed=seed, replication=replication, event_log=False)
    values = headline_values(result)
    monthly = result.tables["monthly"]
    months = observation_months(monthly)
    values["group3_stock"] = float(months["group_group3"].mean())
    durations, observed = return_times(result.tables["spells"], window_of(result), ("work",))
    values["recidivism_6m"] = 100.0 * kaplan_meier_failure(durations, observed, 182.625)
    values["group3_contacts"] = contacts_per_client_year(monthly, "group3")
    reviews = monthly.get("social_services_contacts_group3")
    monthly = monthly.assign(contacts_group3=reviews if reviews is not None else 0)
    values["group3_social_services_contacts"] = contacts_per_client_year(monthly, "group3")
    return values


def mean_ci(values: list[float]) -> tuple[float, float, float]:
    """The t-interval of ``meedoen compare``, over the replications where the value is defined."""
    return statistics.mean_ci(np.asarray(values, dtype=float))[:3]


def tables(names: list[str], reps: int, workers: int, seed: int) -> list[str]:
    """Markdown: one table per scenario in ``names`` (keys of CHECKS), measures against figures."""
    jobs = [(name, seed, i) for name in names for i in range(reps)]
    with ProcessPoolExecutor(workers) as pool:
        results = list(pool.map(measure, jobs))
    by_scenario: dict[str, list[dict[str, float]]] = {name: [] for name in names}
    for (name, _, _), values in zip(jobs, results):
        by_scenario[name].append(values)
    lines = []
    for name in names:
        lines += [f"## {name}", "", "| measure | mean | 95% CI | compare with |", "|---|---:|---:|---|"]
        for key, label, target in CHECKS[name]:
            mean, low, high = mean_ci([values[key] for values in by_scenario[name]])
            digits = 0 if abs(mean) >= 100 else 1 if abs(mean) >= 10 else 2
            lines.append(f"| {label} | {mean:,.{digits}f} | {low:,.{digits}f} – {high:,.{digits}f} | {target} |")
        lines.append("")
    return lines


def arguments(doc: str, reps: int = 20, seed: int = 2017) -> argparse.Namespace:
    """--reps, --workers and --seed of the scripts in docs/ (each document names its own defaults)."""
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--reps", type=int, default=reps)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seed", type=int, default=seed)
    return parser.parse_args()


def main() -> None:
    args = arguments(__doc__)
    started = time.perf_counter()
    body = tables(list(CHECKS), args.reps, args.workers, args.seed)
    lines = [
        "# Face validity: the year 2017",
        "",
        f"Generated by `python docs/face_validity.py --reps {args.reps} --workers {args.workers} --seed {args.seed}`"
        f" in {time.perf_counter() - started:.0f} s (meedoen {package_version()}).",
        "Each scenario simulates 2016 (warm-up) and 2017 (observation), followed up to 2019 for recidivism;",
        f"means and t-based 95% confidence intervals over {args.reps} replications "
        f"(seed {args.seed}, replications 0–{args.reps - 1}).",
        "",
        *body,
    ]
    (ROOT / "docs" / "face_validity.md").write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
