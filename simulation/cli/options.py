"""What the experiment commands (compare, sweep, sensitivity, calibrate) pass on from their shared
options: where replications run, whether they are stored, whether a progress bar shows."""

from __future__ import annotations

import argparse


def store(args: argparse.Namespace) -> bool | str:
    """The ``store`` argument: False with ``--no-store``, else the folder given or True (the default one)."""
    return False if args.no_store else (args.store or True)


def progress(args: argparse.Namespace) -> bool | None:
    return False if args.quiet else None  # None: a bar on a terminal, plain lines when stderr is redirected


def execution_options(args: argparse.Namespace) -> dict:
    """Keyword arguments of ``compare``, ``sweep`` and ``sensitivity`` from the shared options."""
    return {"workers": args.workers, "executor": args.executor, "scheduler": args.scheduler,
            "store": store(args), "progress": progress(args)}
