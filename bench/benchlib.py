"""Helpers the benchmark scripts share: one measured run, fresh processes, medians, tables.

Only the package's public API is used (``simulation.run``, ``load_scenario``, ``load_scaled``,
``RunResult.tables`` and ``.simpy_events``), so every script also runs against an older checkout:

    PYTHONPATH=<checkout> .venv/bin/python bench/events.py

Default scenario files are read from the checkout whose package is imported, so the scenarios
always match the schema of the code being measured.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

DAYS_PER_YEAR = 365.25


def package_root() -> Path:
    """The checkout that holds the imported ``simulation`` package."""
    import simulation

    return Path(simulation.__file__).resolve().parent.parent


def scenario_file(given: str | None, default: str) -> str:
    """``given`` as it is, or ``default`` inside the imported package's checkout."""
    return given if given else str(package_root() / default)


def clock_overrides(path: str, years: float) -> list[str]:
    """Run ``years`` with no follow-up; the warm-up (it only labels months) is dropped when it would not fit."""
    from simulation import load_scenario

    overrides = [f"clock.horizon={years:g} years", "clock.follow_up=0 days"]
    if load_scenario(path).model.clock.warmup >= years * DAYS_PER_YEAR:
        overrides.append("clock.warmup=0 days")
    return overrides


def rss_kib() -> float:
    """Resident memory now (Linux: /proc/self/statm), else the peak so far."""
    try:
        with open("/proc/self/statm", encoding="ascii") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1024
    except (OSError, ValueError):
        return peak_rss_kib()


def peak_rss_kib() -> float:
    """Peak resident memory of this process so far (ru_maxrss is in KiB on Linux)."""
    return float(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)


def client_years(spells: Any, t_end: float) -> float:
    """Years on benefit inside the run: each spell from max(start, 0) to its end (t_end if still open)."""
    end = spells["end"].fillna(t_end).clip(upper=t_end)
    return float((end - spells["start"].clip(lower=0.0)).clip(lower=0.0).sum() / DAYS_PER_YEAR)


def measured_run(scenario: Any, seed: int = 1, replication: int = 0, event_log: bool = False) -> dict[str, float]:
    """One ``simulation.run`` (without event log unless asked): CPU and wall time around it only, its events and memory.

    ``simulation.run`` (not ``World`` by hand) so whatever the run does around the world
    (garbage-collector settings, for instance) is measured as users get it.
    """
    import simulation

    gc.collect()
    before = rss_kib()
    cpu, wall = time.process_time(), time.perf_counter()
    result = simulation.run(scenario, seed=seed, replication=replication, event_log=event_log)
    cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
    peak = peak_rss_kib()
    clients = len(result.tables["clients"])
    years = client_years(result.tables["spells"], result.sim_time)
    return {"cpu_s": cpu, "wall_s": wall, "events": result.simpy_events, "clients": clients, "client_years": years,
            "events_per_client_year": result.simpy_events / years, "us_per_event": 1e6 * cpu / result.simpy_events,
            "peak_rss_mib": peak / 1024, "bytes_per_client": (peak - before) * 1024 / clients}


def common_options(parser: argparse.ArgumentParser, repeat: int = 3) -> None:
    parser.add_argument("--repeat", type=int, default=repeat, help=f"runs per setting; the median is shown (default {repeat})")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--json", metavar="PATH", help="also write the figures as JSON")
    parser.add_argument("--one", help=argparse.SUPPRESS)  # internal: one measurement in this (fresh) process


def script_arguments(parser: argparse.ArgumentParser, one: Any, default_scenario: str) -> tuple[argparse.Namespace, str] | None:
    """The options every script shares, parsed, and the scenario file to use; in a fresh child
    process (``--one JOB``) it runs ``one(job)`` instead and returns None."""
    parser.add_argument("--scenario", help=f"default: {default_scenario} of the imported package's checkout")
    common_options(parser)
    args = parser.parse_args()
    if args.one:
        answer_one(args.one, one)
        return None
    return args, scenario_file(args.scenario, default_scenario)


def answer_one(job: str, function: Any) -> None:
    """In the child: run ``function(job)`` and print its figures as one JSON line."""
    print(json.dumps(function(json.loads(job))), flush=True)


def in_fresh_process(script: str, job: dict[str, Any]) -> dict[str, Any]:
    """Run ``script --one JOB`` in a new interpreter (same environment), so peaks of memory do not mix."""
    done = subprocess.run([sys.executable, script, "--one", json.dumps(job)], check=True, stdout=subprocess.PIPE, text=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def medians(runs: list[dict[str, Any]]) -> dict[str, Any]:
    """Per key, the median over runs (numbers) or the first run's value (anything else)."""
    return {key: statistics.median(run[key] for run in runs) if isinstance(value, int | float) else value
            for key, value in runs[0].items()}


def repeated(script: str, job: dict[str, Any], repeat: int) -> dict[str, Any]:
    """Medians of ``repeat`` fresh-process runs of ``job``; the single runs under "runs"."""
    runs = [in_fresh_process(script, job) for _ in range(repeat)]
    return {**medians(runs), "runs": runs}


def print_table(rows: list[dict[str, Any]], columns: list[tuple[str, str, str]]) -> None:
    """Aligned text table; ``columns`` are (key, header, format spec)."""
    cells = [[header for _, header, _ in columns]]
    cells += [[format(row[key], spec) for key, _, spec in columns] for row in rows]
    widths = [max(len(line[i]) for line in cells) for i in range(len(columns))]
    for line in cells:
        print("  ".join(cell.rjust(width) for cell, width in zip(line, widths)))


def write_json(path: str | None, figures: dict[str, Any]) -> None:
    if path:
        Path(path).write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
        print(f"figures written to {path}")
