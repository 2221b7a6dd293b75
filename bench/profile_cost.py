"""What the per-replication profile (simulation/outcomes/profiles.py) costs next to the run itself.

    .venv/bin/python bench/profile_cost.py [SCENARIO] [--seed 1]

Prints the run time, the headline time, the profile time and the profile's size as stored
(JSON), for one replication: the profile is computed in every replication of a compare or
sweep, so it must stay small next to the simulation.
"""

from __future__ import annotations

import argparse
import json
import time

import simulation
from simulation.outcomes.headline import headline_values
from simulation.outcomes.profiles import replication_profile


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("scenario", nargs="?", default="scenarios/tilburg.yaml")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    scenario = simulation.load_scenario(args.scenario)
    started = time.perf_counter()
    result = simulation.run(scenario, seed=args.seed, event_log=False)
    ran = time.perf_counter()
    headline_values(result)
    headlined = time.perf_counter()
    profile = replication_profile(result)
    profiled = time.perf_counter()
    size = len(json.dumps(profile))
    print(f"{scenario.name}: run {ran - started:.2f} s, headline {headlined - ran:.3f} s, "
          f"profile {profiled - headlined:.3f} s ({100 * (profiled - headlined) / (ran - started):.1f}% of the run), "
          f"profile {size / 1000:.1f} KB as JSON")


if __name__ == "__main__":
    main()
