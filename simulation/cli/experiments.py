"""The experiment commands: ``compare``, ``sweep``, ``warmup``, ``sensitivity`` and ``calibrate``.

Each checks its input and output places before it spends time running, prints a plain-text
table, and with ``--out`` writes tidy tables and a manifest. Heavy modules are imported inside
the commands, so ``meedoen --help`` does not load them.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from simulation.cli.options import execution_options, results_command
from simulation.cli.text import say, written
from simulation.errors import ScenarioError

if TYPE_CHECKING:  # imported lazily at run time: `meedoen --help` should not load pandas
    import pandas as pd

    from simulation.experiments.comparison import Precision
    from simulation.scenario import LoadedScenario

#: The outcomes the sweep's table shows.
SWEEP_OUTCOMES = ["exits_to_work_pct_stock", "recidivism_12m", "share_rung_3_plus"]
#: How the command line asks for a longer run.
LONGER_RUN = "--set clock.horizon='6 years'"


def compare_command(args: argparse.Namespace, argv: Sequence[str]) -> int:
    """A paired comparison over replications; optionally its folder and an HTML report."""
    from simulation.results.folders import check_file_target, check_output_dir
    from simulation.results.table_files import check_table_format
    from simulation.scenario import load_scenario

    precision = _precision(args)
    scenarios = _worlds(args, [load_scenario(path, args.overrides) for path in args.scenarios])
    check_table_format(args.table_format)
    if args.out:
        check_output_dir(args.out, args.overwrite)
    if args.report:
        check_file_target(args.report, (".html", ".htm"), args.overwrite)
    summary = _run_comparison(args, scenarios, precision)
    meta = summary.attrs
    print(say(args.lang, "compare", scenarios=len(meta["scenarios"]), reps=meta["reps"], seed=args.seed,
              computed=meta["computed"], reused=meta["reused"]))
    if precision is not None:
        _print_precision(summary, precision, args.lang)
    target = write_experiment(summary, meta["replications"], args, "comparison") if args.out else None
    _print_comparison(summary, args.lang)
    _print_place_and_policy(summary, args.lang)
    if target:
        print("\n" + written(say(args.lang, "compare_written", target=target,
                                  extra=", decomposition.csv" if args.decompose else ""), args.table_format))
    if args.report:
        _write_report(summary, target, args.report, args.lang, results_command(args))
    return 0


def _worlds(args: argparse.Namespace, scenarios: list[LoadedScenario]) -> list[LoadedScenario]:
    """The scenarios as given, or each policy in the place of ``--in`` (shown with its conversion)."""
    if args.place is None:
        return scenarios
    if args.decompose:
        raise ScenarioError("--decompose already runs every policy in every place; leave out --in", file="--in")
    from simulation.experiments.decomposition import in_place
    from simulation.present.place_policy import format_conversion

    worlds = in_place(scenarios, args.place)
    for world in worlds:
        if world.raw.policy_from:
            print(format_conversion(world.raw.policy_from, args.lang) + "\n")
    return worlds


def _precision(args: argparse.Namespace) -> Precision | None:
    """With ``--reps auto``: the precision to reach, on the outcomes of ``--precision-on`` (else all)."""
    from simulation.experiments.comparison import Precision

    if args.reps != "auto":
        return None
    outcomes = tuple(o.strip() for o in args.precision_on.split(",")) if args.precision_on else None
    return Precision(args.precision, args.max_reps, outcomes)


def _print_precision(summary: pd.DataFrame, precision: Precision, lang: str) -> None:
    from simulation.experiments.comparison import imprecise

    meta = summary.attrs
    state = say(lang, "reached") if meta["converged"] else say(lang, "not_reached", max_reps=precision.max_reps)
    print(say(lang, "precision", target=f"{precision.target:.0%}", state=state, reps=meta["reps"],
              chosen=say(lang, "chosen") if precision.outcomes else ""))
    if not meta["converged"]:
        wide = imprecise(summary, precision.target, precision.outcomes)
        print(say(lang, "still_wide") + "; ".join(f"{row.outcome} ({row.scenario})" for row in wide.itertuples()))


def _print_comparison(summary: pd.DataFrame, lang: str) -> None:
    from simulation.present.place_policy import ordered_summary, size_note
    from simulation.present.tables import COMPARE_TEXT, format_comparison

    print(COMPARE_TEXT[lang]["intro"] + "\n")
    note = size_note(summary, lang)
    if note:
        print(note + "\n")
    print(format_comparison(ordered_summary(summary), lang))
    print("\n" + COMPARE_TEXT[lang]["vr"])


def _run_comparison(args: argparse.Namespace, scenarios: list[LoadedScenario], precision: Precision | None
                    ) -> pd.DataFrame:
    """The paired comparison of the scenarios, or with ``--decompose`` the 2 × 2 of their places and policies."""
    if args.decompose:
        from simulation.experiments.decomposition import decompose

        return decompose(scenarios, args.reps, args.seed, precision=precision, **execution_options(args))
    from simulation.experiments.comparison import compare

    return compare(scenarios, args.reps, args.seed, precision=precision, **execution_options(args))


def _print_place_and_policy(summary: pd.DataFrame, lang: str) -> None:
    """The decomposition's tables (with ``--decompose``) and the business case sentences."""
    from simulation.present.business_case import format_business_case
    from simulation.present.place_policy import format_decomposition

    meta = summary.attrs
    if meta.get("decomposition") is not None:
        print("\n" + format_decomposition(meta["decomposition"], lang))
    text = format_business_case(summary, meta["scenarios"], meta["reps"], meta.get("decomposition"), lang)
    if text:
        print("\n" + text)


def _write_report(summary: pd.DataFrame, target: Path | None, path: str, lang: str, command: list[str]) -> None:
    from simulation.present.report import write_report
    from simulation.results.collection import Results

    summary.attrs["command"] = command
    results = Results.load(target) if target else Results.from_comparison(summary)
    print(say(lang, "report_written", target=write_report(results, path, lang)))


def sweep_command(args: argparse.Namespace, argv: Sequence[str]) -> int:
    """The scenario over a grid or a Latin hypercube; the mean of a few outcomes per point."""
    from simulation.experiments.parameter_sweep import sweep
    from simulation.present.sweep_table import format_sweep
    from simulation.results.folders import check_output_dir
    from simulation.results.table_files import check_table_format
    from simulation.scenario import load_scenario

    points = _design(args)
    scenario = load_scenario(args.scenario, args.overrides)
    check_table_format(args.table_format)
    if args.out:
        check_output_dir(args.out, args.overwrite)
    tidy = sweep(scenario, points, args.reps, args.seed, **execution_options(args))
    meta = tidy.attrs
    target = write_experiment(None, tidy, args, "sweep") if args.out else None
    print(say(args.lang, "sweep", name=scenario.name, points=len(points), reps=args.reps, seed=args.seed,
              computed=meta["computed"], reused=meta["reused"]) + "\n")
    print(format_sweep(tidy, SWEEP_OUTCOMES, args.lang))
    print("\n" + (written(say(args.lang, "sweep_written", target=target), args.table_format) if target
                   else say(args.lang, "sweep_hint")))
    return 0


def _design(args: argparse.Namespace) -> list[dict[str, str]]:
    """The sweep's points: a full factorial of ``--grid``, or ``--lhs N`` points over ``--range``."""
    from simulation.experiments.design import grid_points, lhs_points, parse_grid, parse_ranges

    if bool(args.grid) == (args.lhs is not None):
        raise ScenarioError("give either --grid (full factorial) or --lhs N with --range", file="sweep")
    if args.lhs is not None:
        if not args.ranges:
            raise ScenarioError("needs at least one --range KEY=LO:HI", file="--lhs")
        return lhs_points(parse_ranges(args.ranges), args.lhs, args.seed)
    if args.ranges:
        raise ScenarioError("--range goes with --lhs; a grid lists its values with --grid KEY=V1,V2", file="--range")
    return grid_points(parse_grid(args.grid))


def trial_command(args: argparse.Namespace, argv: Sequence[str]) -> int:
    """An experiment inside one world over replications: the arms against control, paired per replication."""
    from simulation.experiments.execution import Execution
    from simulation.experiments.trial import replicate_experiment
    from simulation.present.tables import format_experiment
    from simulation.results.folders import check_output_dir, write_tables
    from simulation.results.manifest import provenance
    from simulation.scenario import load_scenario

    scenario = load_scenario(args.scenario, args.overrides)
    if args.reps < 1:
        raise ScenarioError(f"must be at least 1, got {args.reps}", file="--reps")
    if args.out:
        check_output_dir(args.out, args.overwrite)
    runs = replicate_experiment(scenario, args.reps, args.seed, Execution(workers=args.workers))
    print(say(args.lang, "trial", name=scenario.name, reps=args.reps, seed=args.seed) + "\n")
    print(format_experiment(runs.summary, args.lang))
    if args.out:
        manifest = {"kind": "trial", "scenario": scenario.name, "scenario_file": scenario.path,
                    "scenario_hash": scenario.hash, "seed": args.seed, "reps": args.reps, **provenance(["meedoen", *argv])}
        write_tables(args.out, {"experiment.csv": runs.measures, "experiment_summary.csv": runs.summary}, manifest,
                     args.overwrite)
        print("\n" + say(args.lang, "trial_written", target=args.out))
    return 0


def warmup_command(args: argparse.Namespace, argv: Sequence[str]) -> int:
    """MSER-5's warm-up length over replications, and the plot behind it."""
    from simulation.experiments.execution import Execution
    from simulation.experiments.replication import monthly_series
    from simulation.experiments.warmup import suggest_warmup
    from simulation.present.warmup import format_warmup, plot_warmup
    from simulation.results.folders import check_file_target
    from simulation.scenario import load_scenario

    scenario = load_scenario(args.scenario, args.overrides)
    if args.reps < 1:
        raise ScenarioError(f"must be at least 1, got {args.reps}", file="--reps")
    plot = check_file_target(args.plot, (".png", ".svg"), args.overwrite)
    tables = monthly_series(scenario, args.reps, args.seed, Execution(workers=args.workers),
                            False if args.quiet else None)
    try:
        suggestion = suggest_warmup(tables)
    except ValueError as error:  # too few months for MSER-5's batches
        raise ScenarioError(f"the run is too short to judge a warm-up ({error})", file=args.scenario,
                            key="clock.horizon", hint=LONGER_RUN) from None
    plot_warmup(suggestion, plot, title=f"{scenario.name}: warm-up (MSER-5, {args.reps} replications)")
    print(format_warmup(suggestion, scenario.model.clock.warmup, LONGER_RUN))
    print(f"plot saved to {plot}")
    return 0


def sensitivity_command(args: argparse.Namespace, argv: Sequence[str]) -> int:
    """Sobol' or Morris indices of the chosen outcomes; with ``--out`` the tables and figures."""
    from simulation.experiments.sensitivity import sensitivity
    from simulation.present.sensitivity import format_sensitivity, write_sensitivity
    from simulation.results.folders import check_output_dir
    from simulation.scenario import load_scenario

    scenario = load_scenario(args.scenario, args.overrides)

    def announce(design: object, distinct: int) -> None:
        if args.out:
            check_output_dir(args.out, args.overwrite)  # before the runs
        print(say(args.lang, "sensitivity", name=scenario.name, method=args.method, points=distinct, reps=args.reps),
              file=sys.stderr)

    result = sensitivity(scenario, args.params, args.method, args.n, args.reps, args.seed, outcomes=args.outcomes,
                         on_design=announce, **execution_options(args))
    if args.out:
        write_sensitivity(result, args.out, args.lang, args.overwrite, ["meedoen", *argv])
    print(format_sensitivity(result, args.lang))
    if args.out:
        print("\n" + say(args.lang, "sensitivity_written", target=args.out))
    return 0


def calibrate_command(args: argparse.Namespace, argv: Sequence[str]) -> int:
    """Fit free parameters to published targets (``simulation.cli.calibrate``)."""
    from simulation.cli.calibrate import calibrate_command as calibrate

    return calibrate(args, argv)


def write_experiment(summary: pd.DataFrame | None, table: pd.DataFrame, args: argparse.Namespace,
                     kind: str) -> Path:
    """The tidy tables of a compare or sweep plus a manifest of where they came from.

    Every file is the same to the byte however the replications ran (now or from the store, in
    this process, in workers or on Dask): the manifest records what the results are and the
    command that gives them (``results_command``), not where they ran, how many were reused or
    where the store is (the terminal says that).
    """
    from simulation.results.collection import write_comparison
    from simulation.results.folders import write_tables
    from simulation.results.manifest import provenance

    meta = table.attrs if summary is None else summary.attrs
    manifest = {"kind": kind, **provenance(results_command(args)), "seed": meta["seed"], "reps": meta["reps"]}
    if summary is not None:
        manifest.update(precision=None if meta["precision"] is None else vars(meta["precision"]))
        return write_comparison(summary, args.out, args.overwrite, manifest, table_format=args.table_format)
    manifest.update(parameters=meta["parameters"])
    return write_tables(args.out, {"sweep.csv": table}, manifest, overwrite=args.overwrite, table_format=args.table_format)
