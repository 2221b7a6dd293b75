"""The ``meedoen`` command line: one function per subcommand adds its arguments.

Only the parser is built here, and it loads nothing heavy, so ``meedoen --help`` answers at once.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from simulation import defaults
from simulation.cli.exits import EXIT_BAD_INPUT

#: what ``add_subparsers`` returns: each subcommand's function adds its parser to it
Subcommands = argparse._SubParsersAction  # argparse names no public type for it


class _Parser(argparse.ArgumentParser):
    """argparse exits with 2 on bad options already; keep its message to one line, pointing to
    the help of the subcommand the user typed (``meedoen run --help``, or ``meedoen --help``)."""

    #: the subcommands' parsers by name (set on the top-level parser), to blame an unknown option on its subcommand
    subcommands: dict[str, argparse.ArgumentParser] | None = None

    def error(self, message: str) -> None:  # type: ignore[override]
        help_command = " ".join(["meedoen", *self.prog.split()[1:2], "--help"])  # prog: "meedoen" or "meedoen run"
        print(f"meedoen: error: {message} (see {help_command})", file=sys.stderr)
        raise SystemExit(EXIT_BAD_INPUT)

    def parse_args(self, args: Sequence[str] | None = None,  # type: ignore[override]
                   namespace: argparse.Namespace | None = None) -> argparse.Namespace:
        """As argparse's, but an unknown option is reported by the subcommand it was given to."""
        parsed, extras = self.parse_known_args(args, namespace)
        if extras:
            command = (self.subcommands or {}).get(getattr(parsed, "command", None) or "", self)
            command.error(f"unrecognized arguments: {' '.join(extras)}")
        return parsed


def build_parser() -> argparse.ArgumentParser:
    """The parser of ``meedoen`` and its subcommands, in the order ``--help`` lists them."""
    parser = _Parser(prog="meedoen", description="Simulate Dutch activation policy for people on bijstand.")
    from simulation.version import package_version

    parser.add_argument("--version", action="version", version=f"meedoen {package_version()}")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    for add in SUBCOMMANDS:
        add(commands)
    parser.subcommands = dict(commands.choices)
    return parser


#: What a scenario argument may be (``scenario/shipped.py``).
SCENARIO_HELP = "a scenario file, or the name of a shipped one (see meedoen list)"


def _add_list(commands: Subcommands) -> None:
    listing = commands.add_parser("list", help="list the scenarios and calibration targets shipped with meedoen")
    _add_lang(listing, "descriptions")


def _add_init(commands: Subcommands) -> None:
    init = commands.add_parser("init", help="copy the shipped scenarios and targets into a folder, to edit and run")
    init.add_argument("folder", metavar="DIR", help="the folder (made if new; its other files are left alone)")
    init.add_argument("--overwrite", action="store_true", help="replace files of the same names already in DIR")
    _add_lang(init, "message")


def _add_validate(commands: Subcommands) -> None:
    validate = commands.add_parser("validate", help="check a scenario file without running it")
    validate.add_argument("scenario", help=SCENARIO_HELP)
    _add_overrides(validate, "")


def _add_run(commands: Subcommands) -> None:
    run = commands.add_parser("run", help="run one replication and print the headline outcomes")
    run.add_argument("scenario", help=SCENARIO_HELP)
    _add_seed(run)
    run.add_argument("--replication", type=_seed, default=0, help="replication number within the seed (default 0)")
    _add_overrides(run, "")
    run.add_argument("--out", help="folder for tables, event log and manifest (must be new or empty)")
    run.add_argument("--overwrite", action="store_true", help="replace results already in --out")
    run.add_argument("--no-event-log", action="store_true", help="skip the event log (saves memory at scale)")
    _add_table_format(run)
    run.add_argument("--lang", choices=["en", "nl"], default="en", help="labels of the headline table")


def _add_compare(commands: Subcommands) -> None:
    compare = commands.add_parser("compare", help="paired comparison of scenarios over replications, with 95%% CIs")
    compare.add_argument("scenarios", nargs="+", metavar="SCENARIO",
                         help="scenario files or names of shipped ones (meedoen list); the first is the reference")
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
    _add_table_format(compare)
    compare.add_argument("--report", metavar="FILE.html",
                         help="also write a self-contained HTML report (in --lang) of the comparison")
    compare.add_argument("--in", dest="place", metavar="PLACE",
                         help="run every scenario's policy in this scenario's place (its name or file): policies, "
                              "not cities, compared; capacities and budgets converted per client")
    compare.add_argument("--decompose", action="store_true",
                         help="two scenarios: run both places under both policies and report the policy effect in "
                              "each place, the place effect under each policy, and their interaction")


def _add_sweep(commands: Subcommands) -> None:
    sweep = commands.add_parser("sweep", help="run a scenario over a grid or a Latin hypercube of parameter values")
    sweep.add_argument("scenario", help=SCENARIO_HELP)
    sweep.add_argument("--grid", action="append", default=[], metavar="KEY=V1,V2,...",
                       help="full factorial over these values (repeatable; values cannot contain commas)")
    sweep.add_argument("--lhs", type=int, metavar="N", help="N Latin-hypercube points over the --range keys")
    sweep.add_argument("--range", dest="ranges", action="append", default=[], metavar="KEY=LO:HI",
                       help="a range for --lhs, e.g. services.wijkteam.slots=20:60 or ...mean=1 months:3 months")
    sweep.add_argument("--reps", type=int, default=defaults.SWEEP_REPS,
                       help="replications per design point (default %(default)s)")
    _add_overrides(sweep, "in every point")
    _experiment_options(sweep)
    _add_table_format(sweep)


def _add_warmup(commands: Subcommands) -> None:
    warmup = commands.add_parser("warmup", help="suggest a warm-up length (MSER-5) and save the plot behind it")
    warmup.add_argument("scenario", help=SCENARIO_HELP)
    warmup.add_argument("--reps", type=int, default=defaults.WARMUP_REPS,
                        help="replications to average (default %(default)s)")
    _add_seed(warmup)
    _add_overrides(warmup, "")
    warmup.add_argument("--plot", default="warmup.png", help="where to save the plot, .png or .svg (default warmup.png)")
    _add_overwrite(warmup, "--plot")
    warmup.add_argument("--workers", type=int, default=defaults.default_workers(), help="worker processes (default: all CPUs)")
    warmup.add_argument("--quiet", action="store_true", help="no progress (bar or lines) on stderr")


def _add_trial(commands: Subcommands) -> None:
    trial = commands.add_parser("trial", help="an experiment inside one world over replications: each arm against "
                                "control, paired per replication, with 95%% CIs")
    trial.add_argument("scenario", help="a scenario with an experiment: a file or a shipped name, e.g. tilburg_experiment")
    trial.add_argument("--reps", type=int, default=defaults.COMPARE_REPS,
                       help="replications (default %(default)s)")
    _add_seed(trial, "random seed; replication i uses (seed, i)")
    _add_overrides(trial, "")
    trial.add_argument("--workers", type=int, default=defaults.default_workers(), help="worker processes (default: all CPUs)")
    trial.add_argument("--out", help="folder for experiment.csv, experiment_summary.csv and a manifest (new or empty)")
    trial.add_argument("--overwrite", action="store_true", help="replace earlier results in --out")
    trial.add_argument("--lang", choices=["en", "nl"], default="en", help="labels of the printed table")


def _add_calibrate(commands: Subcommands) -> None:
    calibrate = commands.add_parser("calibrate", help="fit free parameters to published targets on common random "
                                    "numbers; write a fit report and a calibrated scenario")
    calibrate.add_argument("scenario", help=SCENARIO_HELP)
    calibrate.add_argument("--targets", required=True, metavar="TARGETS.yaml",
                           help="published targets and free parameters: a file, or a shipped name, e.g. nl_national")
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


def _add_sensitivity(commands: Subcommands) -> None:
    sensitivity = commands.add_parser("sensitivity", help="global sensitivity analysis: Sobol' or Morris indices "
                                      "with bootstrap CIs, replication noise separated (needs meedoen[sensitivity])")
    sensitivity.add_argument("scenario", help=SCENARIO_HELP)
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


def _add_plot(commands: Subcommands) -> None:
    plot = commands.add_parser("plot", help="draw the figures of a run or compare results folder (PNG and SVG)")
    plot.add_argument("results", metavar="RESULTS_DIR", help="a folder written by 'run --out' or 'compare --out'")
    plot.add_argument("--out", help="folder for the figures (default RESULTS_DIR/plots; must be new or empty)")
    plot.add_argument("--format", default="png,svg", help="comma-separated file formats: png, svg, pdf (default png,svg)")
    plot.add_argument("--overwrite", action="store_true", help="replace figures already in --out")
    _add_lang(plot, "figures")


def _add_report(commands: Subcommands) -> None:
    report = commands.add_parser("report", help="write a self-contained HTML report of a run or compare results folder")
    report.add_argument("results", metavar="RESULTS_DIR", help="a folder written by 'run --out' or 'compare --out'")
    report.add_argument("-o", "--output", default="report.html", help="the HTML file (default report.html)")
    _add_overwrite(report, "-o")
    _add_lang(report, "report")


def _add_journeys(commands: Subcommands) -> None:
    journeys = commands.add_parser("journeys", help="draw the timelines of sampled clients of a run")
    journeys.add_argument("results", metavar="RESULTS_DIR",
                          help="a 'run --out' folder (its event log), or a 'compare --out' folder (replication 0 is rerun)")
    journeys.add_argument("--n", type=int, default=20, help="how many clients (default 20)")
    journeys.add_argument("--sample-seed", type=int, default=0, help="which clients are sampled (default 0)")
    journeys.add_argument("--scenario", help="in a compare folder: which scenario (default the first)")
    journeys.add_argument("-o", "--output", default="journeys.png", help="the figure, .png, .svg or .pdf (default journeys.png)")
    _add_overwrite(journeys, "-o")
    _add_lang(journeys, "figure")


def _add_export_log(commands: Subcommands) -> None:
    export = commands.add_parser("export-log", help="export a run's event log for process mining (CSV, OCEL 2.0, XES)")
    export.add_argument("results", metavar="RESULTS_DIR",
                        help="a 'run --out' folder (its event log), or a 'compare --out' folder (replication 0 is rerun)")
    export.add_argument("--format", choices=["csv", "ocel", "xes"], default="xes", help="file format (default xes)")
    export.add_argument("--scenario", help="in a compare folder: which scenario (default the first)")
    export.add_argument("-o", "--output", required=True, help="the file to write, e.g. events.xes or events.jsonocel")
    _add_overwrite(export, "-o")




def _add_schema(commands: Subcommands) -> None:
    schema = commands.add_parser("schema", help="write a JSON Schema of scenario files, for editors (completion, "
                                 "descriptions, marks on wrong keys and values)")
    schema.add_argument("--extends", action="store_true",
                        help="the variant for files that extend another (extends, policy_from): every key optional")
    schema.add_argument("--out", metavar="FILE.json", help="the file to write (default: print it)")
    _add_overwrite(schema, "--out")


def _add_table_format(command: argparse.ArgumentParser) -> None:
    command.add_argument("--format", dest="table_format", choices=["csv", "parquet"], default="csv",
                         help="the tables in --out: csv, or parquet (types kept, smaller; needs meedoen[parquet]) "
                              "(default csv)")


def _add_app(commands: Subcommands) -> None:
    app = commands.add_parser("app", help="start the web app for policy makers (needs the extra: pip install 'meedoen[app]')")
    app.add_argument("--port", type=_port, default=8501, help="the port on this computer (default %(default)s)")
    app.add_argument("--scenarios", metavar="DIR",
                     help="the folder of scenario files to offer (default: ./scenarios, else the source checkout's)")
    _add_lang(app, "page when it opens")


def _port(text: str) -> int:
    try:
        number = int(text)
    except ValueError:
        number = 0
    if not 1 <= number <= 65535:
        raise argparse.ArgumentTypeError(f"expected a port number from 1 to 65535, got {text[:40]!r}")
    return number


def _add_overwrite(command: argparse.ArgumentParser, output: str) -> None:
    """One rule for every command that writes: an output that holds something is kept unless --overwrite."""
    command.add_argument("--overwrite", action="store_true", help=f"replace the file {output} names if it exists")


def _add_lang(command: argparse.ArgumentParser, what: str) -> None:
    command.add_argument("--lang", choices=["en", "nl"], default="en", help=f"language of the {what} (default en)")


def _add_overrides(command: argparse.ArgumentParser, scope: str) -> None:
    where = f" {scope}" if scope else ""
    command.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
                         help=f"override a key{where}, e.g. --set klantmanagers.caseload=200 (repeatable)")


def _add_seed(command: argparse.ArgumentParser, text: str = "random seed") -> None:
    command.add_argument("--seed", type=_seed, default=1, help=f"{text} (default 1)")


def _seed(text: str) -> int:
    """A seed or replication number: a whole number from 0 to ``defaults.MAX_SEED``."""
    try:
        number = int(text)
    except ValueError:
        number = -1
    if not 0 <= number <= defaults.MAX_SEED:
        shown = text if len(text) <= 40 else text[:37] + "..."
        raise argparse.ArgumentTypeError(f"expected a whole number from 0 to {defaults.MAX_SEED}, got {shown!r}")
    return number


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
    command.add_argument("--workers", type=int, default=defaults.default_workers(), help="worker processes (default: all CPUs)")
    command.add_argument("--executor", choices=["processes", "dask"], default="processes",
                         help="run locally in processes, or on a Dask cluster (needs --scheduler)")
    command.add_argument("--scheduler", metavar="ADDRESS", help="Dask scheduler address, e.g. tcp://10.0.0.5:8786")
    command.add_argument("--store", metavar="DIR",
                         help="where each replication's outcomes are kept for reuse and resuming "
                              "(default $MEEDOEN_STORE or ~/.cache/meedoen/replications)")
    command.add_argument("--no-store", action="store_true", help="keep nothing between runs (no resuming)")
    command.add_argument("--out", help="folder for the tidy tables and manifest (must be new or empty)")
    command.add_argument("--overwrite", action="store_true",
                         help="replace earlier results in --out (and compare's --report file)")
    command.add_argument("--lang", choices=["en", "nl"], default="en", help="labels of the printed table")
    command.add_argument("--quiet", action="store_true", help="no progress (bar or lines) on stderr")


#: Every subcommand, in the order ``--help`` lists them.
SUBCOMMANDS = (_add_list, _add_init, _add_validate, _add_run, _add_compare, _add_trial, _add_sweep, _add_warmup,
               _add_calibrate, _add_sensitivity, _add_plot, _add_report, _add_journeys, _add_export_log, _add_schema,
               _add_app)
