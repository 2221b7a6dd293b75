"""The command line's names for the Python API's arguments.

Library code names the argument at fault (``ScenarioError.argument``, e.g. ``reps``) and writes
its hints in API terms (``precision=0.05``, ``overwrite=True``); before the CLI prints an error it
says them as flags (``--reps``, ``--precision 0.05``, ``--overwrite``), so users read the options
they typed.
"""

from __future__ import annotations

import dataclasses
import re

from simulation.errors import ScenarioError

#: API arguments whose flag is not ``--`` + the name with dashes, in every command.
FLAGS = {"overrides": "--set", "ranges": "--range", "fmt": "--format", "table_format": "--format"}
#: ... and in one command only.
COMMAND_FLAGS = {
    "compare": {"outcomes": "--precision-on", "target": "--precision", "place": "--in", "scenarios": "compare"},
    "sweep": {"n": "--lhs", "points": "sweep"},  # the points come from --grid or --lhs: name the command
    "calibrate": {"initial_stock": "--stock"},  # the world is resized with load_scaled
}
#: Arguments whose ``name=value`` in a hint is said as ``--flag value`` (``--flag`` for True).
HINT_ARGUMENTS = ("reps", "precision", "max_reps", "precision_on", "executor", "scheduler", "workers", "grid", "range",
                  "lhs", "seed", "params", "check_reps", "max_evaluations", "method", "outcomes", "levels", "lang",
                  "confidence", "overrides", "overwrite", "out", "store", "stock", "targets")
_SETTING = re.compile(r"(?<![\w.\-])(" + "|".join(HINT_ARGUMENTS) + r")=(True\b|'[^']*'|\"[^\"]*\"|\S+)")

#: Whole hints of the library (results folders, journeys, figures) that the command line words differently.
HINTS = {
    "choose another folder": "choose another --out",
    "choose another folder, or overwrite=True": "choose another --out, or add --overwrite",
    "choose another file name, or overwrite=True": "choose another file name, or add --overwrite",
    "choose a new folder, e.g. results/run1": "choose a new folder, e.g. --out results/run1",
    "give the folder a run's results were written to (write_results)": "give the folder of `meedoen run --out`",
    "run again with event_log=True": "run again without --no-event-log",
    "give a folder written by write_results or write_comparison":
        "give a folder written by 'meedoen run --out' or 'meedoen compare --out'",
    "compare the scenarios and write the comparison's folder (write_comparison)": "meedoen compare A.yaml B.yaml --out DIR",
    "choose a folder of their own for the figures": "leave out --out (figures go to RESULTS_DIR/plots) or choose a new folder",
}
#: Phrases of library messages said with flags.
MESSAGES = {"overwrite=True only replaces earlier results": "--overwrite only replaces earlier results"}


def flag(argument: str, command: str | None = None) -> str:
    """``reps`` → ``--reps``; ``overrides`` → ``--set``; in ``compare``, ``outcomes`` → ``--precision-on``."""
    named = COMMAND_FLAGS.get(command or "", {}).get(argument) or FLAGS.get(argument)
    return named or "--" + argument.replace("_", "-")


def for_command_line(error: ScenarioError, command: str | None = None) -> ScenarioError:
    """The same error as the command line says it: the flag where the library named an argument."""
    file = error.file if error.file is not None or not error.argument else flag(error.argument, command)
    message = error.message
    for phrase, said in MESSAGES.items():
        message = message.replace(phrase, said)
    return dataclasses.replace(error, file=file, message=message, hint=_hint(error.hint, command))


def _hint(hint: str | None, command: str | None) -> str | None:
    if hint is None:
        return None
    if hint in HINTS:
        return HINTS[hint]

    def said(match: re.Match[str]) -> str:
        name, value = match.groups()
        if value == "True":
            return flag(name, command)
        if value[:1] in "'\"" and not any(c.isspace() for c in value):
            value = value[1:-1]  # a shell needs no quotes around one word
        return f"{flag(name, command)} {value}"

    return _SETTING.sub(said, hint)
