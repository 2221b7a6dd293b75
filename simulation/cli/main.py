"""The ``meedoen`` command: a thin layer over ``simulation.load_scenario``, ``run``, ``compare``,
``sweep``, the warm-up, sensitivity and calibration analyses, and the plots, report, journeys and
event-log export of results.

Bad input (scenario, option, output folder) prints one line naming file, key and line (or the
flag) and exits with code 2; there is never a traceback for a user's mistake. Ctrl-C or ``kill``
during an experiment exits with 130 and one line saying how to resume.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from simulation.cli.commands import COMMANDS
from simulation.cli.exits import bad_input, interrupted, interrupted_before_writing, output_closed, sigterm_as_interrupt
from simulation.cli.flags import for_command_line
from simulation.cli.parser import build_parser
from simulation.errors import Interrupted, ScenarioError
from simulation.experiments.progress import progress_style

__all__ = ["build_parser", "main"]


def main(argv: Sequence[str] | None = None) -> int:
    """Parse ``argv`` (default: the command line), carry out the subcommand, return the exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    args = build_parser().parse_args(argv)
    with sigterm_as_interrupt(), progress_style(args.command, getattr(args, "lang", "en")):
        try:
            return COMMANDS[args.command](args, argv)
        except ScenarioError as error:
            return bad_input(for_command_line(error, args.command))
        except Interrupted as error:
            return interrupted(error)
        except KeyboardInterrupt:
            return interrupted_before_writing()
        except BrokenPipeError:
            return output_closed()


if __name__ == "__main__":
    raise SystemExit(main())
