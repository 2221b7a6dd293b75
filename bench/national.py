"""National scale: 400,000 clients for 10 years in one world, and the same population as municipalities in parallel.

Why: "the whole country" is a question researchers ask (issue 13). Part 1 scales
``scenarios/base.yaml`` to ``--clients`` with ``load_scaled`` (inflow, staff, places and budgets
with it) and runs one world for ``--years`` (no follow-up, no event log) through
``simulation.run`` in a fresh process: CPU s (``time.process_time`` around the run only), wall
s, peak RSS, clients ever created, bytes per client ever created ((peak RSS − RSS just before
the run) / clients), events per client-year. Part 2 (``--split K``) runs the same population as
K municipalities of clients/K each, with replication numbers 0..K−1, through the project's own
executor (``simulation.experiments.execution.run_tasks``): ``--workers`` local processes, or a
running Dask scheduler with ``--dask ADDRESS`` (its workers run the ``simulation`` package they
import themselves: start them with the checkout being measured on their path); it reports the
total wall time, the CPU time summed over the municipalities and the peak RSS of each worker.

    .venv/bin/python bench/national.py [--clients 400000] [--years 10] [--split 40] [--workers 2] [--repeat 3] [--json PATH]
    .venv/bin/python bench/national.py --clients 20000 --years 1 --split 4 --repeat 1      (a quick check)
    .venv/bin/python bench/national.py --no-single --dask tcp://HOST:8786                   (part 2 only, on Dask)

Targets (issue 13): one world of 400,000 clients for 10 years in < 10 minutes and < 3 GB peak RSS;
the split run: state both.
"""

from __future__ import annotations

import argparse
import os
import socket
import time

import benchlib
from benchlib import clock_overrides, measured_run, print_table, repeated, script_arguments, write_json

SINGLE = [("clients_initial", "clients", ",d"), ("years", "years", "g"), ("cpu_s", "CPU s", ",.1f"), ("wall_s", "wall s", ",.1f"),
          ("peak_rss_mib", "peak MiB", ",.0f"), ("clients", "clients ever", ",.0f"), ("bytes_per_client", "B/client", ",.0f"),
          ("events", "events", ",.0f"), ("events_per_client_year", "ev/cl-yr", ".2f")]
SPLIT = [("municipalities", "municipalities", "d"), ("clients_each", "clients each", ",d"), ("workers", "workers", "d"),
         ("wall_s", "wall s", ",.1f"), ("cpu_s", "summed CPU s", ",.1f"), ("worker_peak_mib", "max worker peak MiB", ",.0f"),
         ("events_per_client_year", "ev/cl-yr", ".2f")]


def municipality(scenario, seed: int, replication: int) -> dict:
    """One municipality in a worker: its measured run and which worker ran it (its peak RSS is the worker's so far)."""
    return {**measured_run(scenario, seed=seed, replication=replication), "worker": f"{socket.gethostname()}:{os.getpid()}"}


def split(job: dict) -> dict:
    from simulation.experiments.execution import Execution, run_tasks
    from simulation.scenario.scaling import load_scaled

    scenario = load_scaled(job["scenario"], job["clients_each"], job["overrides"])
    if job["dask"]:
        import cloudpickle

        cloudpickle.register_pickle_by_value(benchlib)  # Dask workers need not have bench/ on their path
        execution = Execution(executor="dask", scheduler=job["dask"])
    else:
        execution = Execution(workers=job["workers"])
    tasks = [(k, (scenario, job["seed"], k)) for k in range(job["municipalities"])]
    wall = time.perf_counter()
    done = [figures for _, figures in run_tasks(municipality, tasks, execution)]
    wall = time.perf_counter() - wall
    peaks: dict[str, float] = {}
    for figures in done:
        peaks[figures["worker"]] = max(peaks.get(figures["worker"], 0.0), figures["peak_rss_mib"])
    events, years = sum(f["events"] for f in done), sum(f["client_years"] for f in done)
    return {"wall_s": wall, "cpu_s": sum(f["cpu_s"] for f in done), "workers": len(peaks), "worker_peak_mib": max(peaks.values()),
            "worker_peaks_mib": sorted(peaks.values()), "clients": sum(f["clients"] for f in done), "events": events,
            "client_years": years, "events_per_client_year": events / years}


def one(job: dict) -> dict:
    if job["part"] == "split":
        return split(job)
    from simulation.scenario.scaling import load_scaled

    return measured_run(load_scaled(job["scenario"], job["clients"], job["overrides"]), seed=job["seed"])


def options() -> tuple[argparse.Namespace, str] | None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=400_000, help="initial stock of the scaled base scenario")
    parser.add_argument("--years", type=float, default=10.0)
    parser.add_argument("--split", type=int, default=40, metavar="K", help="municipalities in part 2 (0: no part 2)")
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1, help="local worker processes for part 2")
    parser.add_argument("--dask", metavar="SCHEDULER", help="run part 2 on this running Dask scheduler instead")
    parser.add_argument("--no-single", action="store_true", help="skip part 1 (the one big world)")
    return script_arguments(parser, one, "scenarios/base.yaml")


def main() -> None:
    parsed = options()
    if parsed is None:
        return
    args, path = parsed
    job = {"scenario": path, "overrides": clock_overrides(path, args.years), "seed": args.seed}
    figures: dict = {"years": args.years, "repeat": args.repeat, **job}
    print(f"{path} scaled, {args.years:g} years, seed {args.seed}, median of {args.repeat} runs (each in a fresh process)")
    if not args.no_single:
        single = repeated(__file__, {**job, "part": "single", "clients": args.clients}, args.repeat)
        figures["single"] = {"clients_initial": args.clients, "years": args.years, **single}
        print_table([figures["single"]], SINGLE)
        print("targets: < 10 minutes (600 s) and < 3 GB (2,861 MiB) peak RSS")
    if args.split:
        each = round(args.clients / args.split)
        part = {**job, "part": "split", "municipalities": args.split, "clients_each": each, "workers": args.workers,
                "dask": args.dask}
        figures["split"] = {**part, **repeated(__file__, part, args.repeat)}
        where = f"Dask at {args.dask}" if args.dask else f"{args.workers} local processes"
        print(f"\nthe same population as {args.split} municipalities of {each:,} clients ({where}):")
        print_table([figures["split"]], SPLIT)
        peaks = figures["split"]["worker_peaks_mib"]
        print("peak RSS per worker in the first run, MiB: " + ", ".join(f"{peak:,.0f}" for peak in peaks))
    write_json(args.json, figures)


if __name__ == "__main__":
    main()
