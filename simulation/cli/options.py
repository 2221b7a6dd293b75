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


#: Options that choose only where and how replications run, where results go and the language of the
#: terminal: the files of ``compare --out`` and ``sweep --out`` are the same to the byte whichever of them
#: are given (tests/test_experiments_cli.py), so the command their manifest records leaves them out.
SAME_RESULTS = frozenset({"workers", "executor", "scheduler", "store", "no_store", "quiet", "out", "overwrite",
                          "report", "lang"})


def results_command(args: argparse.Namespace) -> list[str]:
    """The command that gives these results, the same however it was typed or run: ``meedoen``, the
    subcommand, its arguments and every option that changes results and is not at its default (each
    by its long flag, in ``--help``'s order). With ``--reps auto`` the rounds are whole multiples of
    ``--workers``, so there the workers are kept, even at their default (all CPUs)."""
    from simulation.cli.parser import build_parser

    parser = build_parser().subcommands[args.command]  # type: ignore[attr-defined]
    kept = {"workers"} if getattr(args, "reps", None) == "auto" else set()
    words = ["meedoen", args.command]
    for action in parser._actions:
        if action.dest not in SAME_RESULTS - kept and not isinstance(action, argparse._HelpAction):
            words += _as_typed(action, getattr(args, action.dest, action.default), action.dest in kept)
    return words


def _as_typed(action: argparse.Action, value: object, default_too: bool = False) -> list[str]:
    """One argument's words: a positional's values, nothing for an option at its default (unless
    ``default_too``), a switch's flag, or the flag with its value (once per value of a repeatable option)."""
    values = value if isinstance(value, list) else [value]
    if not action.option_strings:
        return [str(v) for v in values]
    if value == action.default and not default_too:
        return []
    flag = max(action.option_strings, key=len)
    if action.nargs == 0:  # --decompose, ...
        return [flag]
    return [word for v in values for word in (flag, str(v))]
