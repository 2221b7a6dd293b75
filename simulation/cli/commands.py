"""The commands of one scenario, ``validate`` and ``run``, and the table of every command."""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO

from simulation.cli.app import app_command
from simulation.cli.experiments import (
    calibrate_command,
    compare_command,
    sensitivity_command,
    sweep_command,
    trial_command,
    warmup_command,
)
from simulation.cli.flags import flag
from simulation.cli.outputs import export_log_command, journeys_command, plot_command, report_command
from simulation.cli.shipped import init_command, list_command
from simulation.cli.text import say, window_line, written
from simulation.scenario.shipped import shipped_files


def validate_command(args: argparse.Namespace, argv: Sequence[str]) -> int:
    """Load and check a scenario without running it; print its provenance and hash."""
    from simulation.scenario import load_scenario
    from simulation.scenario.loader import OVERRIDE_FILE

    scenario = load_scenario(args.scenario, args.overrides)
    chain = " > ".join(flag("overrides") if source == OVERRIDE_FILE else source for source in scenario.raw.chain)
    policy_from = scenario.raw.policy_from
    if policy_from:
        chain += ", policy from " + " > ".join(policy_from["chain"])
    print(f"{args.scenario}: valid ({chain}; hash {scenario.hash})")
    if policy_from:
        from simulation.present.place_policy import format_conversion

        print(format_conversion(policy_from))
    return 0


def run_command(args: argparse.Namespace, argv: Sequence[str]) -> int:
    """One replication: its headline outcomes (and an experiment's arms against control), and with
    ``--out`` every table and a manifest."""
    from simulation.model.run import run
    from simulation.outcomes.experiment import experiment_tables
    from simulation.outcomes.headline import headline
    from simulation.present.tables import fixed, format_experiment, format_headline, period_texts
    from simulation.results.folders import check_output_dir
    from simulation.results.run_output import write_results
    from simulation.results.table_files import check_table_format
    from simulation.scenario import load_scenario

    scenario, lang = load_scenario(args.scenario, args.overrides), args.lang
    check_table_format(args.table_format)
    if args.out:
        check_output_dir(args.out, args.overwrite)  # fail before spending the run's time
    result = run(scenario, seed=args.seed, replication=args.replication, event_log=not args.no_event_log)
    print(say(lang, "run", name=scenario.name, seed=args.seed, replication=args.replication, hash=scenario.hash))
    print(window_line(period_texts(result.tables["monthly"], lang), fixed(result.simpy_events, 0, lang),
                      fixed(result.runtime_s, 1, lang), lang) + "\n")
    print(format_headline(headline(result), lang))
    experiment = experiment_tables(result)
    if experiment is not None:  # the arms of an experiment inside this world, against control
        print("\n" + format_experiment(experiment["summary"], lang))
    if args.out:
        target = write_results(result, args.out, overwrite=args.overwrite, command=["meedoen", *argv],
                               table_format=args.table_format)
        print("\n" + written(say(lang, "run_written", target=target), args.table_format))
    else:
        print("\n" + say(lang, "run_hint"))
    return 0


def schema_command(args: argparse.Namespace, argv: Sequence[str]) -> int:
    """The JSON Schema of scenario files (``present/editor_schema.py``), printed or written to ``--out``."""
    import json
    import sys

    from simulation.present.editor_schema import scenario_json_schema

    schema = scenario_json_schema(extends=args.extends, base=shipped_base())
    text = json.dumps(schema, indent=2, ensure_ascii=False) + "\n"
    if not args.out:
        sys.stdout.write(text)
        return 0
    from simulation.files import atomic_write
    from simulation.results.folders import check_file_target

    target = check_file_target(args.out, (".json",), args.overwrite)
    def write(stream: IO[str]) -> None:
        stream.write(text)

    atomic_write(target, write)
    print(f"JSON Schema of scenario files{' that extend another' if args.extends else ''} written to {target}")
    return 0


def shipped_base() -> Path | None:
    """The shipped ``base.yaml``, whose values and source comments the schema's descriptions quote
    (from a wheel as from a source checkout); None when it is not there."""
    return shipped_files().get("base")


#: Subcommand → the function that carries it out, given the parsed arguments and the command line.
COMMANDS: dict[str, Callable[[argparse.Namespace, Sequence[str]], int]] = {
    "list": list_command, "init": init_command,
    "validate": validate_command, "run": run_command, "compare": compare_command, "trial": trial_command,
    "sweep": sweep_command,
    "warmup": warmup_command, "calibrate": calibrate_command, "sensitivity": sensitivity_command,
    "plot": plot_command, "report": report_command, "journeys": journeys_command, "export-log": export_log_command,
    "schema": schema_command,
    "app": app_command,
}
