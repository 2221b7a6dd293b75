"""``meedoen list`` and ``meedoen init``: the scenario files that ship with the package.

Every command that takes a scenario file also takes the name of a shipped one (``meedoen run
tilburg``; ``scenario/shipped.py`` resolves it), so after ``pip install meedoen`` there is something
to run at once; ``list`` says what there is, ``init DIR`` copies the files out to edit.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence

from simulation.cli.text import say


def list_command(args: argparse.Namespace, argv: Sequence[str]) -> int:
    """The shipped scenarios and targets files, a line each, and where they are."""
    from simulation.scenario.shipped import describe_shipped, shipped_folder
    from simulation.version import package_version

    scenarios, targets = describe_shipped(), describe_shipped(targets=True)
    width = max((len(item.name) for item in [*scenarios, *targets]), default=0) + 2
    print(say(args.lang, "list_scenarios", version=package_version()))
    for item in scenarios:
        text = item.description_nl if args.lang == "nl" and item.description_nl else item.description
        print(f"  {item.name:<{width}}{text}")
    print("\n" + say(args.lang, "list_targets"))
    for item in targets:
        print(f"  {item.name:<{width}}{item.description}")
    print("\n" + say(args.lang, "list_where", folder=shipped_folder()))
    return 0


def init_command(args: argparse.Namespace, argv: Sequence[str]) -> int:
    """Copy the shipped scenarios and targets into a folder, to edit and run."""
    from simulation.results.shipped_copy import copy_shipped
    from simulation.scenario.shipped import TARGETS

    written = copy_shipped(args.folder, overwrite=args.overwrite)
    targets = sum(1 for path in written if path.parent.name == TARGETS)
    example = next((path for path in written if path.stem == "tilburg"), written[0])
    print(say(args.lang, "init_written", scenarios=len(written) - targets, folder=args.folder, example=example))
    return 0
