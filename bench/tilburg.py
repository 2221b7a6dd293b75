"""CPU time, wall time, SimPy events and peak memory of one Tilburg replication.

Why: one replication of a real municipality (7,400 clients) is the unit every experiment
repeats; issue 13 asks for it to be at least 3× faster (≈ 15 s CPU for the scenario's own 4
years on a quiet machine before). ``scenarios/tilburg.yaml`` runs through ``simulation.run``
without event log (``--event-log`` keeps it), by default for 10 years with no follow-up; with
``--years`` equal to the scenario's own horizon + follow-up (4) it runs on the scenario's own
clock, unchanged. CPU time is ``time.process_time`` around the run only; each repeat runs in a
fresh process and the median is shown.

    .venv/bin/python bench/tilburg.py [--years 10] [--repeat 3] [--json PATH]
    .venv/bin/python bench/tilburg.py --years 4                    (the scenario's own clock)

Target (issue 13): CPU time ≥ 3× faster than before the issue's changes (state both).
"""

from __future__ import annotations

import argparse

from benchlib import (
    DAYS_PER_YEAR,
    clock_overrides,
    measured_run,
    print_table,
    repeated,
    script_arguments,
    write_json,
)

COLUMNS = [("years", "years", "g"), ("cpu_s", "CPU s", ".2f"), ("wall_s", "wall s", ".2f"), ("events", "events", ",.0f"),
           ("us_per_event", "µs/event", ".1f"), ("events_per_client_year", "ev/cl-yr", ".2f"),
           ("peak_rss_mib", "peak MiB", ",.0f"), ("clients", "clients ever", ",.0f")]


def overrides_for(path: str, years: float) -> list[str]:
    """None on the scenario's own clock, else ``years`` with no follow-up."""
    from simulation import load_scenario

    clock = load_scenario(path).model.clock
    if abs(clock.horizon + clock.follow_up - years * DAYS_PER_YEAR) < 1.0:
        return []
    return clock_overrides(path, years)


def one(job: dict) -> dict:
    from simulation import load_scenario

    return measured_run(load_scenario(job["scenario"], job["overrides"]), seed=job["seed"], event_log=job["event_log"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--years", type=float, default=10.0, help="4: the scenario's own clock")
    parser.add_argument("--event-log", action="store_true", help="keep the event log (as meedoen run does by default)")
    parsed = script_arguments(parser, one, "scenarios/tilburg.yaml")
    if parsed is None:
        return
    args, path = parsed
    overrides = overrides_for(path, args.years)
    job = {"scenario": path, "overrides": overrides, "seed": args.seed, "event_log": args.event_log}
    figures = {"years": args.years, **job, **repeated(__file__, job, args.repeat)}
    clock = "the scenario's own clock" if not overrides else "no follow-up"
    clock += ", with event log" if args.event_log else ", no event log"
    print(f"{path}, {args.years:g} years ({clock}), seed {args.seed}, median of {args.repeat} runs (each in a fresh process)")
    print_table([figures], COLUMNS)
    print("CPU s of each run: " + ", ".join(f"{run['cpu_s']:.2f}" for run in figures["runs"]))
    write_json(args.json, figures)


if __name__ == "__main__":
    main()
