"""The ``meedoen`` command: argument parsing, the subcommands, exit codes and signals."""

from simulation.cli.main import main

__all__ = ["main"]
