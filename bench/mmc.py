"""Customers served per CPU second on the project's M/M/c reduction against an idiomatic SimPy M/M/c, in one process.

Why: on a textbook queue the model's overhead per customer is plain to see (issue 13: about
0.023 of SimPy's rate). The model is ``tests/scenarios/mmc_wijkteam.yaml`` (Poisson arrivals,
exponential service, c wijkteam slots, FIFO, no exits) with λ = ``--lam`` per day
(``inflow.applications``), c = ``--c`` (``services.wijkteam.slots``), the file's mean service
time (1 day), ``--horizon`` days and no follow-up, run through ``simulation.run`` without event
log; customers served = served wijkteam rows of the ``waits`` table. The SimPy model has the
same λ, c, μ and horizon: ``simpy.Resource(capacity=c)``, a source process with exponential
interarrival times, a customer process request → timeout(exponential) → release, draws from
a numpy Generator. Both rates are customers who got a server per CPU second
(``time.process_time`` around the run only). Both mean waits in queue, over customers who
started service in (``--window``, horizon], are shown next to Erlang C. Each repeat runs both
in a fresh process, with its own replication number and seed.

    .venv/bin/python bench/mmc.py [--lam 9] [--c 10] [--horizon 1000] [--window 200] [--repeat 3] [--json PATH]

Target (issue 13): model rate / SimPy rate ≥ 0.2.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import time

from benchlib import DAYS_PER_YEAR, in_fresh_process, print_table, script_arguments, write_json


def erlang_c_wait(lam: float, mu: float, c: int) -> float:
    """Mean wait in queue Wq = C(c, a) / (cμ − λ), a = λ/μ, with C from the Erlang-B recursion."""
    a = lam / mu
    if a >= c:
        return float("inf")
    b = 1.0
    for k in range(1, c + 1):
        b = a * b / (k + a * b)
    return c * b / (c - a * (1.0 - b)) / (c * mu - lam)


def model_queue(job: dict) -> dict:
    import simulation

    overrides = [f"inflow.applications={job['lam'] * DAYS_PER_YEAR:g} per year", f"services.wijkteam.slots={job['c']}",
                 f"clock.horizon={job['horizon']:g} days", "clock.follow_up=0 days"]
    scenario = simulation.load_scenario(job["scenario"], overrides)
    mu = 1.0 / scenario.model.services["wijkteam"].service_time.mean
    cpu = time.process_time()
    result = simulation.run(scenario, seed=job["seed"], replication=job["replication"], event_log=False)
    cpu = time.process_time() - cpu
    waits = result.tables["waits"]
    team = waits[(waits["resource"] == "wijkteam") & waits["served"]]
    window = team[(team["kind"] == "assigned") & (team["started"] > job["window"]) & (team["started"] <= job["horizon"])]
    return {"lam": scenario.model.inflow.applications, "mu": mu, "c": scenario.model.services["wijkteam"].slots,
            "model_served": len(team), "model_cpu_s": cpu, "model_rate": len(team) / cpu,
            "model_wq": float((window["started"] - window["requested"]).mean())}


def simpy_queue(lam: float, mu: float, c: int, horizon: float, window: float, seed: list[int]) -> dict:
    """The textbook SimPy M/M/c."""
    import numpy as np
    import simpy

    rng = np.random.default_rng(seed)
    env = simpy.Environment()
    servers = simpy.Resource(env, capacity=c)
    started: list[tuple[float, float]] = []  # (service start, wait in queue)

    def customer():
        arrived = env.now
        with servers.request() as request:
            yield request
            started.append((env.now, env.now - arrived))
            yield env.timeout(rng.exponential(1.0 / mu))

    def source():
        while True:
            yield env.timeout(rng.exponential(1.0 / lam))
            env.process(customer())

    cpu = time.process_time()
    env.process(source())
    env.run(until=horizon)
    cpu = time.process_time() - cpu
    in_window = [wait for start, wait in started if window < start <= horizon]
    return {"simpy_served": len(started), "simpy_cpu_s": cpu, "simpy_rate": len(started) / cpu,
            "simpy_wq": statistics.fmean(in_window)}


def one(job: dict) -> dict:
    model = model_queue(job)
    gc.collect()  # the model's world is garbage now: collect it before timing SimPy, not during
    queue = simpy_queue(model["lam"], model["mu"], model["c"], job["horizon"], job["window"], [job["seed"], job["replication"]])
    return {**model, **queue, "ratio": model["model_rate"] / queue["simpy_rate"],
            "erlang_c_wq": erlang_c_wait(model["lam"], model["mu"], model["c"])}


def spread(runs: list[dict], key: str) -> str:
    values = [run[key] for run in runs]
    return f"{statistics.fmean(values):.3f}" + (f" ± {statistics.stdev(values):.3f} (sd)" if len(values) > 1 else "")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lam", type=float, default=9.0, help="arrivals per day")
    parser.add_argument("--c", type=int, default=10, help="servers (wijkteam slots)")
    parser.add_argument("--horizon", type=float, default=1000.0, help="days")
    parser.add_argument("--window", type=float, default=200.0, help="waits count from this day to the horizon")
    parsed = script_arguments(parser, one, "tests/scenarios/mmc_wijkteam.yaml")
    if parsed is None:
        return
    args, path = parsed
    job = {"scenario": path, "lam": args.lam, "c": args.c,
           "horizon": args.horizon, "window": args.window, "seed": args.seed}
    runs = [in_fresh_process(__file__, {**job, "replication": k}) for k in range(args.repeat)]
    figures = {**job, **{key: statistics.median(run[key] for run in runs) for key in runs[0]}, "runs": runs}
    figures.update({key: runs[0][key] for key in ("lam", "mu", "c", "erlang_c_wq")})  # the same in every run
    print(f"M/M/c: λ = {figures['lam']:g}/day, μ = {figures['mu']:g}/day, c = {figures['c']}, {args.horizon:g} days, "
          f"median of {args.repeat} runs (replications 0-{args.repeat - 1})")
    rows = [{"what": "model", "served": figures["model_served"], "cpu": figures["model_cpu_s"], "rate": figures["model_rate"],
             "wq": spread(runs, "model_wq")},
            {"what": "SimPy", "served": figures["simpy_served"], "cpu": figures["simpy_cpu_s"], "rate": figures["simpy_rate"],
             "wq": spread(runs, "simpy_wq")}]
    print_table(rows, [("what", "", ""), ("served", "served", ",.0f"), ("cpu", "CPU s", ".3f"),
                       ("rate", "customers/CPU s", ",.0f"), ("wq", f"Wq days {args.window:g}-{args.horizon:g}", "")])
    print(f"Erlang C: Wq = {figures['erlang_c_wq']:.3f} days")
    print(f"ratio of the model's rate to SimPy's: {figures['ratio']:.3f}   (target ≥ 0.2)")
    write_json(args.json, figures)


if __name__ == "__main__":
    main()
