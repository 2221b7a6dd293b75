"""The ``meedoen`` command: a thin layer over ``simulation.load_scenario``, ``run``, ``compare``,
``sweep``, the warm-up analysis, and the plots, report, journeys and event-log export of results.

Bad input (scenario, option, output folder) prints one line naming file, key and line and
exits with code 2; there is never a traceback for a user's mistake. Ctrl-C or ``kill`` during an
experiment exits with 130 and one line saying how to resume.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from simulation import defaults
from simulation.errors import Interrupted, ScenarioError

if TYPE_CHECKING:  # imported lazily at run time: `meedoen --help` should not load pandas
    import pandas as pd

    from simulation.experiments.warmup import WarmupSuggestion

EXIT_BAD_INPUT = 2


class _Parser(argparse.ArgumentParser):
    """argparse exits with 2 on bad options already; keep its message to one line."""

    def error(self, message: str) -> None:  # type: ignore[override]
        print(f"meedoen: error: {message} (see meedoen {self.prog.split()[-1]} --help)", file=sys.stderr)
        raise SystemExit(EXIT_BAD_INPUT)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="meedoen", description="Simulate Dutch activation policy for people on bijstand.")
    from simulation.version import package_version

    parser.add_argument("--version", action="version", version=f"meedoen {package_version()}")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    validate = commands.add_parser("validate", help="check a scenario file without running it")
    validate.add_argument("scenario")
    _add_overrides(validate, "")

    run = commands.add_parser("run", help="run one replication and print the headline outcomes")
    run.add_argument("scenario")
    _add_seed(run)
    run.add_argument("--replication", type=int, default=0, help="replication number within the seed (default 0)")
    _add_overrides(run, "")
    run.add_argument("--out", help="folder for tables, event log and manifest (must be new or empty)")
    run.add_argument("--overwrite", action="store_true", help="replace results already in --out")
    run.add_argument("--no-event-log", action="store_true", help="skip the event log (saves memory at scale)")
    run.add_argument("--lang", choices=["en", "nl"], default="en", help="labels of the headline table")

    compare = commands.add_parser("compare", help="paired comparison of scenarios over replications, with 95%% CIs")
    compare.add_argument("scenarios", nargs="+", metavar="SCENARIO", help="the first is the reference")
    compare.add_argument("--reps", type=_reps, default=defaults.COMPARE_REPS,
                         help="replications per scenario, or 'auto' to add them until --precision (default %(default)s)")
    compare.add_argument("--precision", type=float, default=defaults.PRECISION,
                         help="with --reps auto: CI half-width as a fraction of the mean (default %(default)s)")
    compare.add_argument("--max-reps", type=int, default=defaults.MAX_REPS,
                         help="with --reps auto: the cap (default %(default)s)")
    compare.add_argument("--precision-on", metavar="OUTCOME[,OUTCOME]",
                         help="with --reps auto: judge precision on these outcomes only (default: all)")
    _add_overrides(compare, "in every scenario")
    _experiment_options(compare)
    compare.add_argument("--report", metavar="FILE.html",
                         help="also write a self-contained HTML report (in --lang) of the comparison")

    sweep = commands.add_parser("sweep", help="run a scenario over a grid or a Latin hypercube of parameter values")
    sweep.add_argument("scenario")
    sweep.add_argument("--grid", action="append", default=[], metavar="KEY=V1,V2,...",
                       help="full factorial over these values (repeatable; values cannot contain commas)")
    sweep.add_argument("--lhs", type=int, metavar="N", help="N Latin-hypercube points over the --range keys")
    sweep.add_argument("--range", dest="ranges", action="append", default=[], metavar="KEY=LO:HI",
                       help="a range for --lhs, e.g. services.wijkteam.slots=20:60 or ...mean=1 months:3 months")
    sweep.add_argument("--reps", type=int, default=defaults.SWEEP_REPS,
                       help="replications per design point (default %(default)s)")
    _add_overrides(sweep, "in every point")
    _experiment_options(sweep)

    warmup = commands.add_parser("warmup", help="suggest a warm-up length (MSER-5) and save the plot behind it")
    warmup.add_argument("scenario")
    warmup.add_argument("--reps", type=int, default=defaults.WARMUP_REPS,
                        help="replications to average (default %(default)s)")
    _add_seed(warmup)
    _add_overrides(warmup, "")
    warmup.add_argument("--plot", default="warmup.png", help="where to save the plot, .png or .svg (default warmup.png)")
    warmup.add_argument("--workers", type=int, default=_cpus(), help="worker processes (default: all CPUs)")
    warmup.add_argument("--quiet", action="store_true", help="no progress bar")

    calibrate = commands.add_parser("calibrate", help="fit free parameters to published targets on common random "
                                    "numbers; write a fit report and a calibrated scenario")
    calibrate.add_argument("scenario")
    calibrate.add_argument("--targets", required=True, metavar="TARGETS.yaml",
                           help="published targets and free parameters, e.g. scenarios/targets/nl_national.yaml")
    calibrate.add_argument("--params", metavar="KEY[,KEY=LO:HI...]",
                           help="fit only these (keys of the targets file, or key=lo:hi); default: all of the file's")
    calibrate.add_argument("--reps", type=int, default=defaults.CALIBRATION_REPS,
                           help="replications per evaluated point, the same seeds at every point (default %(default)s)")
    calibrate.add_argument("--check-reps", type=int, default=defaults.CALIBRATION_CHECK_REPS,
                           help="further replications at the fit, for the CIs (default %(default)s)")
    calibrate.add_argument("--method", choices=defaults.CALIBRATION_METHODS, default=defaults.CALIBRATION_METHODS[0],
                           help="optimiser (default %(default)s)")
    calibrate.add_argument("--max-evaluations", type=int, default=defaults.CALIBRATION_MAX_EVALUATIONS,
                           help="budget of distinct simulated points (default %(default)s)")
    calibrate.add_argument("--stock", type=int, metavar="N",
                           help="simulate a world resized to N clients (faster, noisier; see load_scaled)")
    _add_overrides(calibrate, "")
    _experiment_options(calibrate)

    sensitivity = commands.add_parser("sensitivity", help="global sensitivity analysis: Sobol' or Morris indices "
                                      "with bootstrap CIs, replication noise separated (needs meedoen[sensitivity])")
    sensitivity.add_argument("scenario")
    sensitivity.add_argument("--params", required=True, metavar="KEY=LO:HI[,KEY=LO:HI]",
                             help="the parameters and their ranges, e.g. 'sanctions.detection_probability=0.1:0.9,"
                                  "klantmanagers.caseload=100:300'")
    sensitivity.add_argument("--method", default="morris", help="sobol or morris (default morris)")
    sensitivity.add_argument("--n", type=int, help=f"Sobol' base sample (a power of 2, default "
                             f"{defaults.SENSITIVITY_N['sobol']}) or Morris trajectories (default "
                             f"{defaults.SENSITIVITY_N['morris']})")
    sensitivity.add_argument("--reps", type=int, default=defaults.SENSITIVITY_REPS,
                             help="replications per design point (default %(default)s)")
    sensitivity.add_argument("--outcomes", metavar="OUTCOME[,OUTCOME]",
                             help="headline outcomes to analyse (default: exits to work, recidivism, ladder, cost)")
    _add_overrides(sensitivity, "in every design point")
    _experiment_options(sensitivity)

    plot = commands.add_parser("plot", help="draw the figures of a run or compare results folder (PNG and SVG)")
    plot.add_argument("results", metavar="RESULTS_DIR", help="a folder written by 'run --out' or 'compare --out'")
    plot.add_argument("--out", help="folder for the figures (default RESULTS_DIR/plots; must be new or empty)")
    plot.add_argument("--format", default="png,svg", help="comma-separated file formats: png, svg, pdf (default png,svg)")
    plot.add_argument("--overwrite", action="store_true", help="replace figures already in --out")
    _add_lang(plot, "figures")

    report = commands.add_parser("report", help="write a self-contained HTML report of a run or compare results folder")
    report.add_argument("results", metavar="RESULTS_DIR", help="a folder written by 'run --out' or 'compare --out'")
    report.add_argument("-o", "--output", default="report.html", help="the HTML file (default report.html)")
    _add_lang(report, "report")

    journeys = commands.add_parser("journeys", help="draw the timelines of sampled clients of a run")
    journeys.add_argument("results", metavar="RESULTS_DIR",
                          help="a 'run --out' folder (its event log), or a 'compare --out' folder (replication 0 is rerun)")
    journeys.add_argument("--n", type=int, default=20, help="how many clients (default 20)")
    journeys.add_argument("--sample-seed", type=int, default=0, help="which clients are sampled (default 0)")
    journeys.add_argument("--scenario", help="in a compare folder: which scenario (default the first)")
    journeys.add_argument("-o", "--output", default="journeys.png", help="the figure, .png, .svg or .pdf (default journeys.png)")
    _add_lang(journeys, "figure")

    export = commands.add_parser("export-log", help="export a run's event log for process mining (CSV, OCEL 2.0, XES)")
    export.add_argument("results", metavar="RESULTS_DIR",
                        help="a 'run --out' folder (its event log), or a 'compare --out' folder (replication 0 is rerun)")
    export.add_argument("--format", choices=["csv", "ocel", "xes"], default="xes", help="file format (default xes)")
    export.add_argument("--scenario", help="in a compare folder: which scenario (default the first)")
    export.add_argument("-o", "--output", required=True, help="the file to write, e.g. events.xes or events.jsonocel")
    return parser


def _add_lang(command: argparse.ArgumentParser, what: str) -> None:
    command.add_argument("--lang", choices=["en", "nl"], default="en", help=f"language of the {what} (default en)")


def _add_overrides(command: argparse.ArgumentParser, scope: str) -> None:
    where = f" {scope}" if scope else ""
    command.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
                         help=f"override a key{where}, e.g. --set klantmanagers.caseload=200 (repeatable)")


def _add_seed(command: argparse.ArgumentParser, text: str = "random seed") -> None:
    command.add_argument("--seed", type=int, default=1, help=f"{text} (default 1)")


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _reps(text: str) -> int | str:
    if text == "auto":
        return text
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number or 'auto', got {text!r}") from None


def _experiment_options(command: argparse.ArgumentParser) -> None:
    """Options shared by compare and sweep: seed, where to run, where results go."""
    _add_seed(command, "random seed; replication i uses (seed, i)")
    command.add_argument("--workers", type=int, default=_cpus(), help="worker processes (default: all CPUs)")
    command.add_argument("--executor", choices=["processes", "dask"], default="processes",
                         help="run locally in processes, or on a Dask cluster (needs --scheduler)")
    command.add_argument("--scheduler", metavar="ADDRESS", help="Dask scheduler address, e.g. tcp://10.0.0.5:8786")
    command.add_argument("--store", metavar="DIR",
                         help="where each replication's outcomes are kept for reuse and resuming "
                              "(default $MEEDOEN_STORE or ~/.cache/meedoen/replications)")
    command.add_argument("--no-store", action="store_true", help="keep nothing between runs (no resuming)")
    command.add_argument("--out", help="folder for the tidy tables and manifest (must be new or empty)")
    command.add_argument("--overwrite", action="store_true", help="replace results already in --out")
    command.add_argument("--lang", choices=["en", "nl"], default="en", help="labels of the printed table")
    command.add_argument("--quiet", action="store_true", help="no progress bar")


def _validate(args: argparse.Namespace) -> int:
    from simulation.scenario import load_scenario

    scenario = load_scenario(args.scenario, args.overrides)
    print(f"{args.scenario}: valid ({scenario.raw.provenance}; hash {scenario.hash})")
    return 0


def _run(args: argparse.Namespace, argv: Sequence[str]) -> int:
    from simulation.model.run import run
    from simulation.outcomes.headline import headline
    from simulation.present.tables import format_headline
    from simulation.results.output import check_output_dir, write_results
    from simulation.scenario import load_scenario

    scenario = load_scenario(args.scenario, args.overrides)
    if args.out:
        check_output_dir(args.out, args.overwrite)  # fail before spending the run's time
    result = run(scenario, seed=args.seed, replication=args.replication, event_log=not args.no_event_log)
    window = f"{scenario.model.clock.start} + {scenario.model.clock.warmup:.0f} days warm-up"
    print(f"meedoen run: {scenario.name} (seed {args.seed}, replication {args.replication}, hash {scenario.hash})")
    print(f"observation window after {window}; {result.simpy_events:,} SimPy events in {result.runtime_s:.1f} s\n")
    print(format_headline(headline(result), args.lang))
    if args.out:
        target = write_results(result, args.out, overwrite=args.overwrite, command=["meedoen", *argv])
        print(f"\nresults written to {target}/ (monthly.csv, clients.csv, events.csv, manifest.json, ...)")
    else:
        print("\n(add --out DIR to save the monthly series, per-client records, event log and manifest)")
    return 0


def _store(args: argparse.Namespace) -> bool | str:
    return False if args.no_store else (args.store or True)


def _progress(args: argparse.Namespace) -> bool | None:
    return False if args.quiet else None  # None: only when stderr is a terminal


def _execution_options(args: argparse.Namespace) -> dict:
    return {"workers": args.workers, "executor": args.executor, "scheduler": args.scheduler,
            "store": _store(args), "progress": _progress(args)}


def _compare(args: argparse.Namespace, argv: Sequence[str]) -> int:
    from simulation.experiments.comparison import Precision, compare, imprecise
    from simulation.present.tables import COMPARE_TEXT, format_comparison
    from simulation.results.output import check_file_target, check_output_dir
    from simulation.scenario import load_scenario

    precision = None
    if args.reps == "auto":
        outcomes = tuple(o.strip() for o in args.precision_on.split(",")) if args.precision_on else None
        precision = Precision(args.precision, args.max_reps, outcomes)
    scenarios = [load_scenario(path, args.overrides) for path in args.scenarios]
    if args.out:
        check_output_dir(args.out, args.overwrite)
    if args.report:
        check_file_target(args.report, (".html", ".htm"))
    summary = compare(scenarios, args.reps, args.seed, precision=precision, **_execution_options(args))
    meta = summary.attrs
    print(f"meedoen compare: {len(scenarios)} scenarios, {meta['reps']} replications each, seed {args.seed}; "
          f"paired on common random numbers ({meta['computed']} run, {meta['reused']} reused from the store)")
    if precision is not None:
        state = "reached" if meta["converged"] else f"NOT reached within --max-reps {precision.max_reps}"
        print(f"precision ±{precision.target:.0%} of the mean on every {'chosen ' if precision.outcomes else ''}"
              f"outcome: {state} with {meta['reps']} replications")
        if not meta["converged"]:
            wide = imprecise(summary, precision.target, precision.outcomes)
            print("still wider than that: " + "; ".join(f"{row.outcome} ({row.scenario})" for row in wide.itertuples()))
    target = write_experiment(summary, meta["replications"], args, argv, "comparison") if args.out else None
    print(COMPARE_TEXT[args.lang]["intro"] + "\n")
    print(format_comparison(summary, args.lang))
    print("\n" + COMPARE_TEXT[args.lang]["vr"])
    if target:
        print(f"\nresults written to {target}/ (summary.csv, replications.csv, series.csv, curves.csv, "
              "resources.csv, equity.csv, manifest.json)")
    if args.report:
        from simulation.present.report import write_report
        from simulation.results.collection import Results

        summary.attrs["command"] = ["meedoen", *argv]
        results = Results.load(target) if target else Results.from_comparison(summary)
        print(f"report written to {write_report(results, args.report, args.lang)}")
    return 0


def _sweep(args: argparse.Namespace, argv: Sequence[str]) -> int:
    from simulation.experiments.design import grid_points, lhs_points, parse_grid, parse_ranges
    from simulation.experiments.parameter_sweep import sweep
    from simulation.present.tables import format_sweep
    from simulation.results.output import check_output_dir
    from simulation.scenario import load_scenario

    if bool(args.grid) == (args.lhs is not None):
        raise ScenarioError("give either --grid (full factorial) or --lhs N with --range", file="sweep")
    if args.lhs is not None:
        if not args.ranges:
            raise ScenarioError("needs at least one --range KEY=LO:HI", file="--lhs")
        points = lhs_points(parse_ranges(args.ranges), args.lhs, args.seed)
    else:
        if args.ranges:
            raise ScenarioError("--range goes with --lhs; a grid lists its values with --grid KEY=V1,V2", file="--range")
        points = grid_points(parse_grid(args.grid))
    scenario = load_scenario(args.scenario, args.overrides)
    if args.out:
        check_output_dir(args.out, args.overwrite)
    tidy = sweep(scenario, points, args.reps, args.seed, **_execution_options(args))
    meta = tidy.attrs
    target = write_experiment(None, tidy, args, argv, "sweep") if args.out else None
    print(f"meedoen sweep: {scenario.name}, {len(points)} points × {args.reps} replications, seed {args.seed} "
          f"({meta['computed']} run, {meta['reused']} reused from the store)\n")
    print(format_sweep(tidy, ["exits_to_work_pct_stock", "recidivism_12m", "share_rung_3_plus"], args.lang))
    if target:
        print(f"\nresults written to {target}/ (sweep.csv, manifest.json)")
    else:
        print("\n(add --out DIR for the tidy table of every point, replication and outcome)")
    return 0


def _warmup(args: argparse.Namespace) -> int:
    from simulation.experiments.execution import Execution
    from simulation.experiments.replication import monthly_series
    from simulation.experiments.warmup import plot_warmup, suggest_warmup
    from simulation.results.output import check_file_target
    from simulation.scenario import load_scenario

    scenario = load_scenario(args.scenario, args.overrides)
    if args.reps < 1:
        raise ScenarioError(f"must be at least 1, got {args.reps}", file="--reps")
    plot = check_file_target(args.plot, (".png", ".svg"))
    tables = monthly_series(scenario, args.reps, args.seed, Execution(workers=args.workers),
                            False if args.quiet else None)
    try:
        suggestion = suggest_warmup(tables)
    except ValueError as error:  # too few months for MSER-5's batches
        raise ScenarioError(f"the run is too short to judge a warm-up ({error})", file=args.scenario,
                            key="clock.horizon", hint="--set clock.horizon='6 years'") from None
    plot_warmup(suggestion, plot, title=f"{scenario.name}: warm-up (MSER-5, {args.reps} replications)")
    print(format_warmup(suggestion, scenario.model.clock.warmup))
    print(f"plot saved to {plot}")
    return 0


def _calibrate(args: argparse.Namespace, argv: Sequence[str]) -> int:
    from simulation.experiments.calibration import main as calibrate_main

    return calibrate_main(args, argv)


def _sensitivity(args: argparse.Namespace, argv: Sequence[str]) -> int:
    from simulation.experiments.sensitivity import format_sensitivity, sensitivity
    from simulation.scenario import load_scenario

    scenario = load_scenario(args.scenario, args.overrides)

    def announce(design: object, distinct: int) -> None:
        print(f"meedoen sensitivity: {scenario.name}, {args.method}, {distinct} design points × {args.reps} "
              f"replications", file=sys.stderr)

    result = sensitivity(scenario, args.params, args.method, args.n, args.reps, args.seed, outcomes=args.outcomes,
                         out=args.out, overwrite=args.overwrite, lang=args.lang, command=["meedoen", *argv],
                         on_design=announce, **_execution_options(args))
    print(format_sensitivity(result, args.lang))
    if args.out:
        print(f"\nresults written to {args.out}/ (indices.csv, noise.csv, design.csv, runs.csv, plots/, manifest.json)")
    return 0


def _plot(args: argparse.Namespace) -> int:
    from simulation.present.plots import save_plots
    from simulation.results.collection import Results

    formats = [f.strip().lower() for f in args.format.split(",") if f.strip()]
    unknown = [f for f in formats if f not in ("png", "svg", "pdf")]
    if unknown or not formats:
        raise ScenarioError(f"unknown format '{unknown[0] if unknown else args.format}'", file="--format",
                            hint="png, svg or pdf, comma-separated")
    results = Results.load(args.results)
    folder = args.out or str(Path(args.results) / "plots")
    written = save_plots(results, folder, args.lang, formats, overwrite=args.overwrite)
    names = sorted({p.stem for p in written})
    print(f"{len(names)} figures ({', '.join(dict.fromkeys(formats))}) written to {folder}/: " + ", ".join(names))
    return 0


def _report(args: argparse.Namespace) -> int:
    from simulation.present.report import write_report
    from simulation.results.collection import Results
    from simulation.results.output import check_file_target

    check_file_target(args.output, (".html", ".htm"))
    target = write_report(Results.load(args.results), args.output, args.lang)
    print(f"report written to {target}")
    return 0


def _run_tables(folder: str, scenario: str | None) -> tuple[dict[str, pd.DataFrame], str]:
    """A run's full tables with its event log: read from a run folder, or, for a compare folder,
    replication 0 of one scenario rerun with the same seed (results are reproducible)."""
    import json

    from simulation.results.output import MANIFEST

    path = Path(folder)
    try:
        manifest = json.loads((path / MANIFEST).read_text())
    except (OSError, ValueError):
        manifest = {}
    if manifest.get("kind") != "comparison":
        if scenario:
            raise ScenarioError("--scenario is for compare folders; a run folder holds one scenario", file=folder)
        from simulation.present.journeys import load_run_tables

        return load_run_tables(folder), str(manifest.get("scenario", path.name))
    from simulation.model.run import run
    from simulation.scenario import scenario_from_resolved
    from simulation.version import model_version

    records = {record["label"]: record for record in manifest["scenarios"]}
    label = scenario or next(iter(records))
    if label not in records:
        raise ScenarioError(f"no scenario '{label}' in this comparison", file=folder, key="--scenario",
                            hint="one of: " + ", ".join(records))
    if manifest.get("model_version") != model_version():
        print(f"note: these results came from model {manifest.get('model_version')}, this is {model_version()}; "
              "the rerun may differ from them", file=sys.stderr)
    loaded = scenario_from_resolved(records[label]["resolved"], label)
    print(f"rerunning replication 0 of {label} (seed {manifest['seed']}) for its event log ...", file=sys.stderr)
    return run(loaded, seed=int(manifest["seed"]), replication=0).tables, label


def _journeys(args: argparse.Namespace) -> int:
    from simulation.present.journeys import MAX_ROWS, plot_journeys, save_figure
    from simulation.results.output import check_file_target

    target = check_file_target(args.output, (".png", ".svg", ".pdf"))
    if not 1 <= args.n <= MAX_ROWS:
        raise ScenarioError(f"must be between 1 and {MAX_ROWS}, got {args.n}", file="--n")
    tables, label = _run_tables(args.results, args.scenario)
    save_figure(plot_journeys(tables, n=args.n, seed=args.sample_seed, lang=args.lang, title=label), target)
    print(f"journeys of {args.n} clients of {label} written to {target}")
    return 0


def _export_log(args: argparse.Namespace) -> int:
    from simulation.present.eventlog import export_event_log
    from simulation.results.output import check_file_target

    suffixes = {"csv": (".csv",), "ocel": (".json", ".jsonocel"), "xes": (".xes",)}[args.format]
    check_file_target(args.output, suffixes)
    tables, label = _run_tables(args.results, args.scenario)
    target = export_event_log(tables["events"], args.output, args.format, clients=tables.get("clients"),
                              scenario_name=label)
    print(f"{len(tables['events']):,} events of {label} written to {target} ({args.format})")
    return 0


def write_experiment(summary: pd.DataFrame | None, table: pd.DataFrame, args: argparse.Namespace,
                     argv: Sequence[str], kind: str) -> Path:
    """The tidy tables of a compare or sweep plus a manifest of where they came from."""
    from simulation.results.collection import write_comparison
    from simulation.results.output import provenance, write_tables

    meta = table.attrs if summary is None else summary.attrs
    manifest = {"kind": kind, **provenance(["meedoen", *argv]), "seed": meta["seed"], "reps": meta["reps"],
                "store": meta["store"], "replications_run": meta["computed"], "replications_reused": meta["reused"]}
    if summary is not None:
        manifest.update(precision=None if meta["precision"] is None else vars(meta["precision"]))
        return write_comparison(summary, args.out, args.overwrite, manifest)
    manifest.update(parameters=meta["parameters"])
    return write_tables(args.out, {"sweep.csv": table}, manifest, overwrite=args.overwrite)


def format_warmup(suggestion: WarmupSuggestion, configured_days: float) -> str:
    per_series = ", ".join(f"{name} {months} months" for name, months in suggestion.per_series.items())
    lines = [f"suggested warm-up: {suggestion.months} months ({suggestion.days:.0f} days), the largest MSER-5 "
             f"truncation over the replication mean of each series ({per_series}; {suggestion.replications} replications)",
             f"the scenario now uses clock.warmup = {configured_days:.0f} days"]
    if suggestion.unreliable:
        lines.append(f"warning: {', '.join(suggestion.unreliable_series)} still drift(s) in the second half of the run, "
                     "so MSER-5 cannot settle; try a longer run (a larger clock.horizon)")
    elif suggestion.batches < defaults.MSER_MIN_BATCHES:
        lines.append(f"warning: only {suggestion.batches} batches of 5 months before follow-up; MSER-5 needs about "
                     f"{defaults.MSER_MIN_BATCHES} to tell a transient from noise; try --set clock.horizon='6 years'")
    return "\n".join(lines)


def _interrupted(error: Exception) -> int:
    store = getattr(error, "store", None)
    where = (f"the {error.done} finished replications are stored in {store}; run the same command again to continue"
             if store is not None else "nothing was stored; a new run starts from the beginning")
    print(f"meedoen: interrupted after {error.done} of {error.total} replications; {where}", file=sys.stderr)
    return 130


def _terminate_as_interrupt(signum: int, frame: object) -> None:
    """``kill`` stops an experiment as cleanly as Ctrl-C: workers stopped, a line on how to resume."""
    raise KeyboardInterrupt


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = build_parser().parse_args(argv)
    commands = {"validate": lambda: _validate(args), "run": lambda: _run(args, argv),
                "compare": lambda: _compare(args, argv), "sweep": lambda: _sweep(args, argv),
                "warmup": lambda: _warmup(args), "plot": lambda: _plot(args),
                "sensitivity": lambda: _sensitivity(args, argv), "calibrate": lambda: _calibrate(args, argv), "report": lambda: _report(args),
                "journeys": lambda: _journeys(args), "export-log": lambda: _export_log(args)}
    previous = signal.signal(signal.SIGTERM, _terminate_as_interrupt)
    try:
        return commands[args.command]()
    except ScenarioError as error:
        print(f"meedoen: error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except Interrupted as error:
        return _interrupted(error)
    except KeyboardInterrupt:
        print("meedoen: interrupted; nothing was written", file=sys.stderr)
        return 130
    finally:
        signal.signal(signal.SIGTERM, previous)


if __name__ == "__main__":
    raise SystemExit(main())
