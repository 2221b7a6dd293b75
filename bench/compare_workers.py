"""Wall time of ``meedoen compare tilburg leeuwarden --reps 20`` with 1 and 2 worker processes.

Each setting runs ``--repeats`` times (default 3) with ``--no-store`` (so nothing is reused) and
the median is reported, with the speed-up of 2 workers over 1. Run on a quiet machine:

    .venv/bin/python bench/compare_workers.py [--reps 20] [--repeats 3] [--workers 1 2]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def timed_compare(reps: int, workers: int) -> float:
    command = [sys.executable, "-m", "simulation", "compare", "scenarios/tilburg.yaml", "scenarios/leeuwarden.yaml",
               "--reps", str(reps), "--workers", str(workers), "--no-store", "--quiet"]
    started = time.perf_counter()
    subprocess.run(command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=20)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    medians = {}
    for workers in args.workers:
        times = [timed_compare(args.reps, workers) for _ in range(args.repeats)]
        medians[workers] = statistics.median(times)
        shown = ", ".join(f"{t:.1f}" for t in times)
        print(f"workers {workers}: median {medians[workers]:.1f} s over {args.repeats} runs ({shown} s)", flush=True)
    base = medians[args.workers[0]]
    for workers in args.workers[1:]:
        print(f"speed-up of {workers} workers over {args.workers[0]}: {base / medians[workers]:.2f}x")


if __name__ == "__main__":
    main()
