"""``meedoen init``: the shipped scenario and targets files copied into a folder of the user's, to edit.

Writing files is this layer's concern (and keeps ``simulation.files`` out of the model's run path,
whose modules make up the model version): the scenario layer only says which files ship
(``scenario/shipped.py``).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from simulation.errors import ScenarioError
from simulation.files import nearest_existing, publish
from simulation.results.folders import check_can_write
from simulation.scenario.shipped import is_missing, shipped_folder, shipped_relative_files

#: Hints in the Python API's terms (the command line says ``--overwrite``).
ANOTHER_FOLDER = "choose another folder to copy them into"
ANOTHER_FOLDER_OR_OVERWRITE = "choose another folder, or overwrite=True to replace them"


def copy_shipped(folder: str | os.PathLike[str], overwrite: bool = False) -> list[Path]:
    """Copy every shipped scenario and targets file into ``folder`` (made when new), keeping their
    layout so ``extends`` and ``policy_from`` still find each other; returns the files written.

    A file of the same name is kept unless ``overwrite`` (other files in the folder are never
    touched). Everything is checked first and written to a staging folder, then moved into place:
    a bad folder or an interruption leaves nothing half-written.
    """
    target = Path(folder)
    files = shipped_relative_files()
    if not files:
        raise ScenarioError("this installation holds no scenario files to copy", file=str(shipped_folder()))
    _check_target(target, list(files), overwrite)
    existing = target if target.is_dir() else nearest_existing(target.absolute().parent)
    staging = Path(tempfile.mkdtemp(dir=existing, prefix=".meedoen-init-"))
    try:
        for relative, source in files.items():
            (staging / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(source, staging / relative)
        _move_into_place(staging, target, list(files))
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return [target / relative for relative in files]


def _check_target(target: Path, relative: list[Path], overwrite: bool) -> None:
    """The folder can be made or written, and holds none of the files unless ``overwrite``."""
    _check_writable(target)
    blocked = _blocked(target, relative)
    if blocked is not None:
        raise ScenarioError(f"holds {blocked}, in the way of a file or folder of that name", file=str(target),
                            hint=ANOTHER_FOLDER)
    in_the_way = [r for r in relative if not is_missing(target / r)]
    if in_the_way and not overwrite:
        more = f" and {len(in_the_way) - 3} more" if len(in_the_way) > 3 else ""
        raise ScenarioError(f"already holds {', '.join(str(r) for r in in_the_way[:3])}{more}; not overwriting them",
                            file=str(target), hint=ANOTHER_FOLDER_OR_OVERWRITE)


def _blocked(target: Path, relative: list[Path]) -> Path | None:
    """What no overwriting can replace: a folder where a file goes, or something else where a folder goes."""
    for path in relative:
        if (target / path).is_dir():
            return path
        folder = path.parent
        if folder != Path() and not is_missing(target / folder) and not (target / folder).is_dir():
            return folder
    return None


def _check_writable(target: Path) -> None:
    """A folder, or a place where one can be made (its nearest existing ancestor is a writable folder)."""
    if target.exists() and not target.is_dir():
        raise ScenarioError("exists and is not a folder", file=str(target), hint=ANOTHER_FOLDER)
    check_can_write(target, target.absolute(), ANOTHER_FOLDER)


def _move_into_place(staging: Path, target: Path, relative: list[Path]) -> None:
    """A new folder is the staging folder renamed; into an existing one each file is renamed."""
    if not target.exists():
        target.absolute().parent.mkdir(parents=True, exist_ok=True)
        publish(staging, folder=True)
        staging.rename(target)
        return
    for path in relative:
        (target / path).parent.mkdir(parents=True, exist_ok=True)
        os.replace(staging / path, target / path)
