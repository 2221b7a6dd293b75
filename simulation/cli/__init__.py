"""The ``meedoen`` command: the parser (one function per subcommand, ``parser``), the commands
(``commands``, ``experiments``, ``outputs``), exit codes and signals (``exits``), and the flags
the command line says for the Python API's arguments (``flags``)."""

from simulation.cli.main import main

__all__ = ["main"]
