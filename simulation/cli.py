"""The ``meedoen`` command: a thin layer over ``simulation.load_scenario`` and ``simulation.run``.

Bad input (scenario, option, output folder) prints one line naming file, key and line and
exits with code 2; there is never a traceback for a user's mistake.
"""

from __future__ import annotations

import argparse
import math
import sys
from collections.abc import Sequence

import pandas as pd

from simulation.errors import ScenarioError

EXIT_BAD_INPUT = 2


class _Parser(argparse.ArgumentParser):
    """argparse exits with 2 on bad options already; keep its message to one line."""

    def error(self, message: str) -> None:  # type: ignore[override]
        print(f"meedoen: error: {message} (see meedoen {self.prog.split()[-1]} --help)", file=sys.stderr)
        raise SystemExit(EXIT_BAD_INPUT)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="meedoen", description="Simulate Dutch activation policy for people on bijstand.")
    from simulation.runner import package_version

    parser.add_argument("--version", action="version", version=f"meedoen {package_version()}")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    validate = commands.add_parser("validate", help="check a scenario file without running it")
    validate.add_argument("scenario")
    validate.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
                          help="override a key, e.g. --set klantmanagers.caseload=200 (repeatable)")

    run = commands.add_parser("run", help="run one replication and print the headline outcomes")
    run.add_argument("scenario")
    run.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
    run.add_argument("--replication", type=int, default=0, help="replication number within the seed (default 0)")
    run.add_argument("--set", dest="overrides", action="append", default=[], metavar="KEY=VALUE",
                     help="override a key, e.g. --set klantmanagers.caseload=200 (repeatable)")
    run.add_argument("--out", help="folder for tables, event log and manifest (must be new or empty)")
    run.add_argument("--overwrite", action="store_true", help="replace results already in --out")
    run.add_argument("--no-event-log", action="store_true", help="skip the event log (saves memory at scale)")
    run.add_argument("--lang", choices=["en", "nl"], default="en", help="labels of the headline table")
    return parser


UNITS_NL = {"per year": "per jaar", "days": "dagen", "per client-year": "per klantjaar", "€ per year": "€ per jaar"}


def format_headline(headline: pd.DataFrame, lang: str = "en") -> str:
    label = "label_nl" if lang == "nl" else "label"
    width = max(len(text) for text in headline[label])
    lines = []
    for _, row in headline.iterrows():
        value = row["value"]
        if value is None or (isinstance(value, float) and math.isnan(value)):
            shown = "n/a"
        elif row["unit"] in ("per client-year", "%"):
            shown = f"{value:,.1f}"
        else:
            shown = f"{value:,.0f}"
        unit = "" if row["unit"] in ("clients",) else row["unit"]
        if lang == "nl":
            unit = UNITS_NL.get(unit, unit)
        lines.append(f"  {row[label]:<{width}}  {shown:>12} {unit}")
    return "\n".join(lines)


def _validate(args: argparse.Namespace) -> int:
    from simulation.scenario import load_scenario

    scenario = load_scenario(args.scenario, args.overrides)
    print(f"{args.scenario}: valid ({scenario.raw.provenance}; hash {scenario.hash})")
    return 0


def _run(args: argparse.Namespace, argv: Sequence[str]) -> int:
    from simulation.output import check_output_dir, write_results
    from simulation.runner import run
    from simulation.scenario import load_scenario

    scenario = load_scenario(args.scenario, args.overrides)
    if args.out:
        check_output_dir(args.out, args.overwrite)  # fail before spending the run's time
    result = run(scenario, seed=args.seed, replication=args.replication, event_log=not args.no_event_log)
    window = f"{scenario.model.clock.start} + {scenario.model.clock.warmup:.0f} days warm-up"
    print(f"meedoen run: {scenario.name} (seed {args.seed}, replication {args.replication}, hash {scenario.hash})")
    print(f"observation window after {window}; {result.events:,} events in {result.runtime_s:.1f} s\n")
    print(format_headline(result.headline(), args.lang))
    if args.out:
        target = write_results(result, args.out, overwrite=args.overwrite, command=["meedoen", *argv])
        print(f"\nresults written to {target}/ (monthly.csv, clients.csv, events.csv, manifest.json, ...)")
    else:
        print("\n(add --out DIR to save the monthly series, per-client records, event log and manifest)")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    args = build_parser().parse_args(argv)
    try:
        if args.command == "validate":
            return _validate(args)
        return _run(args, argv)
    except ScenarioError as error:
        print(f"meedoen: error: {error}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("meedoen: interrupted; nothing was written", file=sys.stderr)
        return 130


if __name__ == "__main__":
    raise SystemExit(main())
