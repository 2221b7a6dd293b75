"""The commands that read results folders: ``plot``, ``report``, ``journeys`` and ``export-log``."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from simulation.cli.text import say
from simulation.errors import ScenarioError

if TYPE_CHECKING:  # imported lazily at run time: `meedoen --help` should not load pandas
    import pandas as pd

PLOT_FORMATS = ("png", "svg", "pdf")
EXPORT_SUFFIXES = {"csv": (".csv",), "ocel": (".json", ".jsonocel"), "xes": (".xes",)}


def plot_command(args: argparse.Namespace, argv: Sequence[str]) -> int:
    """Every figure of a run or compare folder, in every format asked for."""
    from simulation.present.plots import save_plots
    from simulation.results.collection import Results

    formats = [f.strip().lower() for f in args.format.split(",") if f.strip()]
    unknown = [f for f in formats if f not in PLOT_FORMATS]
    if unknown or not formats:
        raise ScenarioError(f"unknown format '{unknown[0] if unknown else args.format}'", file="--format",
                            hint="png, svg or pdf, comma-separated")
    results = Results.load(args.results)
    folder = args.out or str(Path(args.results) / "plots")
    written = save_plots(results, folder, args.lang, formats, overwrite=args.overwrite)
    names = sorted({p.stem for p in written})
    print(say(args.lang, "plots_written", count=len(names), formats=", ".join(dict.fromkeys(formats)), folder=folder,
              names=", ".join(names)))
    return 0


def report_command(args: argparse.Namespace, argv: Sequence[str]) -> int:
    """The self-contained HTML report of a run or compare folder."""
    from simulation.present.report import write_report
    from simulation.results.collection import Results
    from simulation.results.folders import check_file_target

    check_file_target(args.output, (".html", ".htm"), args.overwrite)
    target = write_report(Results.load(args.results), args.output, args.lang)
    print(say(args.lang, "report_written", target=target))
    return 0


def journeys_command(args: argparse.Namespace, argv: Sequence[str]) -> int:
    """Timelines of sampled clients of a run."""
    from simulation.present.journeys import MAX_ROWS, plot_journeys, save_figure
    from simulation.results.folders import check_file_target

    target = check_file_target(args.output, (".png", ".svg", ".pdf"), args.overwrite)
    if not 1 <= args.n <= MAX_ROWS:
        raise ScenarioError(f"must be between 1 and {MAX_ROWS}, got {args.n}", file="--n")
    tables, label = _run_tables(args.results, args.scenario, args.lang)
    save_figure(plot_journeys(tables, n=args.n, seed=args.sample_seed, lang=args.lang, title=label), target)
    print(say(args.lang, "journeys_written", n=args.n, label=label, target=target))
    return 0


def export_log_command(args: argparse.Namespace, argv: Sequence[str]) -> int:
    """A run's event log as CSV, OCEL 2.0 or XES, for process mining."""
    from simulation.present.eventlog import export_event_log
    from simulation.results.folders import check_file_target

    check_file_target(args.output, EXPORT_SUFFIXES[args.format], args.overwrite)
    tables, label = _run_tables(args.results, args.scenario)
    target = export_event_log(tables["events"], args.output, args.format, clients=tables.get("clients"),
                              scenario_name=label)
    print(f"{len(tables['events']):,} events of {label} written to {target} ({args.format})")
    return 0


def _run_tables(folder: str, scenario: str | None, lang: str = "en") -> tuple[dict[str, pd.DataFrame], str]:
    """A run's full tables with its event log: read from a run folder, or, for a compare folder,
    replication 0 of one scenario rerun with the same seed (results are reproducible)."""
    from simulation.results.manifest import read_manifest

    path = Path(folder)
    manifest = read_manifest(path, required=False)  # a run folder's event log needs none
    if manifest.get("kind") != "comparison":
        if scenario:
            raise ScenarioError("--scenario is for compare folders; a run folder holds one scenario", file=folder)
        from simulation.results.run_tables import load_run_tables

        return load_run_tables(folder), str(manifest.get("scenario", path.name))
    return _rerun(folder, manifest, scenario, lang)


def _rerun(folder: str, manifest: dict[str, Any], scenario: str | None, lang: str
           ) -> tuple[dict[str, pd.DataFrame], str]:
    """Replication 0 of one scenario of a compare folder (default the first), from its resolved data."""
    from simulation.model.run import run
    from simulation.scenario import scenario_from_resolved
    from simulation.version import MODEL_LIBRARIES, environment, library_versions, model_version

    records = {record["label"]: record for record in manifest["scenarios"]}
    label = scenario or next(iter(records), "")
    if label not in records:
        raise ScenarioError(f"no scenario '{label}' in this comparison", file=folder, key="--scenario",
                            hint="one of: " + ", ".join(records))
    if "resolved" not in records[label]:
        raise ScenarioError(f"the manifest keeps no resolved data of '{label}' to rerun it", file=folder)
    recorded = manifest.get("libraries") or {}
    then = {name: str(recorded[name]) for name in MODEL_LIBRARIES if name in recorded}
    if manifest.get("model_version") != model_version() or then not in ({}, library_versions()):
        print(say(lang, "other_model", then=environment(str(manifest.get("model_version")), then),
                  now=environment(model_version(), library_versions())), file=sys.stderr)
    loaded = scenario_from_resolved(records[label]["resolved"], label)
    print(say(lang, "rerun", label=label, seed=manifest["seed"]), file=sys.stderr)
    return run(loaded, seed=int(manifest["seed"]), replication=0).tables, label
