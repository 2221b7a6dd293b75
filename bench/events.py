"""SimPy events per client-year, CPU time per event and memory per client, and how CPU time grows with the population.

Why: a run's cost is (events per client-year) × (cost per event) × (client-years); the first
should not depend on the population and the run time should grow in proportion to it (issue 13).
For each size, ``scenarios/base.yaml`` is scaled with ``load_scaled`` (inflow, staff, places and
budgets with it) and run for 5 years (no follow-up, no event log, warm-up as in the file), each
run in a fresh process. Per size: SimPy events, client-years on benefit, events per client-year,
CPU seconds (``time.process_time`` around ``simulation.run`` only), CPU µs per event, wall
seconds, peak RSS and bytes per client ever created ((peak RSS − RSS just before the run) /
clients); then the least-squares slope of log CPU time against log initial stock.

    .venv/bin/python bench/events.py [--sizes 1000 4000 16000 64000] [--years 5] [--repeat 3] [--json PATH]
    PYTHONPATH=<older checkout> .venv/bin/python bench/events.py        (the same against another version)

Targets (issue 13): ≤ 8 events per client-year; log-log slope of CPU time against clients ≤ 1.03.
"""

from __future__ import annotations

import argparse
import math
import statistics
import sys

from benchlib import clock_overrides, measured_run, print_table, repeated, script_arguments, write_json

COLUMNS = [("initial_stock", "clients", ",d"), ("events", "events", ",.0f"), ("client_years", "client-yrs", ",.0f"),
           ("events_per_client_year", "ev/cl-yr", ".2f"), ("cpu_s", "CPU s", ".2f"), ("us_per_event", "µs/event", ".1f"),
           ("wall_s", "wall s", ".2f"), ("peak_rss_mib", "peak MiB", ",.0f"), ("clients", "ever", ",.0f"),
           ("bytes_per_client", "B/client", ",.0f")]


def one(job: dict) -> dict:
    from simulation.scenario.scaling import load_scaled

    scenario = load_scaled(job["scenario"], job["initial_stock"], job["overrides"])
    return measured_run(scenario, seed=job["seed"])


def loglog_slope(sizes: list[int], cpu: list[float]) -> float:
    """Least-squares slope of log CPU time on log initial stock."""
    return statistics.linear_regression([math.log(s) for s in sizes], [math.log(c) for c in cpu]).slope


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 4000, 16000, 64000], help="initial stocks")
    parser.add_argument("--years", type=float, default=5.0)
    parsed = script_arguments(parser, one, "scenarios/base.yaml")
    if parsed is None:
        return
    args, path = parsed
    overrides = clock_overrides(path, args.years)
    rows = []
    for size in args.sizes:
        job = {"scenario": path, "initial_stock": size, "overrides": overrides, "seed": args.seed}
        rows.append({"initial_stock": size, **repeated(__file__, job, args.repeat)})
        print(f"  {size:,} clients done", file=sys.stderr, flush=True)
    print(f"{path}, {args.years:g} years, seed {args.seed}, median of {args.repeat} runs (each in a fresh process)")
    print_table(rows, COLUMNS)
    figures: dict = {"scenario": path, "years": args.years, "overrides": overrides, "repeat": args.repeat, "sizes": rows}
    if len(args.sizes) > 1:
        figures["slope"] = loglog_slope(args.sizes, [row["cpu_s"] for row in rows])
        print(f"log-log slope of CPU time against clients: {figures['slope']:.3f}   (target ≤ 1.03)")
    print("events per client-year: " + ", ".join(f"{row['events_per_client_year']:.2f}" for row in rows) + "   (target ≤ 8)")
    write_json(args.json, figures)


if __name__ == "__main__":
    main()
