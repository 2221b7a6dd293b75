"""The model's SimPy event rate against bare SimPy's at the same number of live processes, in one process.

Why: SimPy's own loop sets a ceiling on events per second; the ratio says how much of each
event's cost is the model's Python (issue 13 measured 0.14-0.23). First ``scenarios/base.yaml``
scaled to ``--clients`` runs for ``--years`` (no follow-up, no event log) through
``simulation.run``, with one extra SimPy process, added at the start of ``World.run``, that
reads the length of SimPy's event heap (``env._queue``) once per simulated month; its own
events are not counted. Model rate = events / CPU seconds. Then, in the same process, a bare
SimPy model with as many processes as the mean heap length, each looping
``yield env.timeout(exponential(mean))`` (draws from a numpy Generator, pre-drawn in batches),
the mean chosen so that it schedules about as many events over the same horizon: its rate is
events / CPU seconds too. Each repeat runs both in a fresh process.

    .venv/bin/python bench/simpy_ratio.py [--clients 16000] [--years 5] [--repeat 3] [--json PATH]

Target (issue 13): model rate / bare SimPy rate ≥ 0.4.
"""

from __future__ import annotations

import argparse
import gc
import time

from benchlib import DAYS_PER_YEAR, clock_overrides, print_table, repeated, script_arguments, write_json

MONTH = DAYS_PER_YEAR / 12
BATCH = 1 << 16


def heap_sampler(env, samples: list[int]):
    while True:
        yield env.timeout(MONTH)
        samples.append(len(env._queue))  # SimPy keeps no public count of scheduled events


def model_rate(scenario, seed: int) -> dict:
    """Run through ``simulation.run`` with the sampler added (so the run is set up as users get it)."""
    import importlib

    import simulation

    run_module = importlib.import_module(simulation.run.__module__)  # simulation.model.run today
    samples: list[int] = []
    plain = run_module.World

    class SampledWorld(plain):
        def run(self):
            self.env.process(heap_sampler(self.env, samples))
            return super().run()

    run_module.World = SampledWorld
    try:
        cpu = time.process_time()
        result = simulation.run(scenario, seed=seed, event_log=False)
        cpu = time.process_time() - cpu
    finally:
        run_module.World = plain
    if not samples:
        raise SystemExit(f"the heap sampler never ran: simulation.run no longer builds {run_module.__name__}.World")
    events = result.simpy_events - len(samples) - 2  # the sampler's start, its timeouts and the one pending at the end
    return {"model_events": events, "model_cpu_s": cpu, "model_rate": events / cpu, "horizon": result.sim_time,
            "mean_heap": sum(samples) / len(samples)}


def bare_rate(processes: int, horizon: float, events: int, seed: int) -> dict:
    """``processes`` SimPy processes each waiting exponential times, about ``events`` events by ``horizon``."""
    import numpy as np
    import simpy

    # events = starts + timeouts fired + one timeout pending per process at the end, as the model's count has them
    mean = processes * horizon / max(events - 2 * processes, processes)
    rng = np.random.default_rng(seed)

    def batches():
        while True:
            yield from rng.exponential(mean, BATCH).tolist()

    draw = batches().__next__
    env = simpy.Environment()

    def waiter():
        while True:
            yield env.timeout(draw())

    cpu = time.process_time()
    for _ in range(processes):
        env.process(waiter())
    env.run(until=horizon)
    cpu = time.process_time() - cpu
    scheduled = next(env._eid)  # SimPy's event counter, as World.events_scheduled reads it
    return {"processes": processes, "bare_events": scheduled, "bare_cpu_s": cpu, "bare_rate": scheduled / cpu}


def one(job: dict) -> dict:
    from simulation.scenario.scaling import load_scaled

    scenario = load_scaled(job["scenario"], job["clients"], job["overrides"])
    model = model_rate(scenario, job["seed"])
    gc.collect()  # the model's world is garbage now: collect it before timing bare SimPy, not during
    bare = bare_rate(max(1, round(model["mean_heap"])), model["horizon"], model["model_events"], job["seed"])
    return {**model, **bare, "ratio": model["model_rate"] / bare["bare_rate"]}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=16000, help="initial stock of the scaled base scenario")
    parser.add_argument("--years", type=float, default=5.0)
    parsed = script_arguments(parser, one, "scenarios/base.yaml")
    if parsed is None:
        return
    args, path = parsed
    job = {"scenario": path, "clients": args.clients, "overrides": clock_overrides(path, args.years), "seed": args.seed}
    figures = repeated(__file__, job, args.repeat)
    print(f"{path} scaled to {args.clients:,} clients, {args.years:g} years, median of {args.repeat} runs")
    rows = [{"what": "model", "heap": figures["mean_heap"], "events": figures["model_events"],
             "cpu": figures["model_cpu_s"], "rate": figures["model_rate"]},
            {"what": "bare SimPy", "heap": figures["processes"], "events": figures["bare_events"],
             "cpu": figures["bare_cpu_s"], "rate": figures["bare_rate"]}]
    print_table(rows, [("what", "", ""), ("heap", "processes/heap", ",.0f"), ("events", "events", ",.0f"),
                       ("cpu", "CPU s", ".2f"), ("rate", "events/CPU s", ",.0f")])
    print(f"ratio of the model's rate to bare SimPy's: {figures['ratio']:.3f}   (target ≥ 0.4)")
    write_json(args.json, {"clients": args.clients, "years": args.years, **figures})


if __name__ == "__main__":
    main()
