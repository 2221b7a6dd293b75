"""The scenario files that ship with meedoen, found by name: after ``pip install meedoen``,
``meedoen run tilburg`` works without a copy of the repository, and ``meedoen init DIR`` copies
the files out to be edited.

In the repository they are the top-level ``scenarios/`` (with ``targets/``); a wheel carries the
same files as package data, ``simulation/scenario_files`` (``pyproject.toml`` maps that package
onto the folder). A source checkout or an editable install reads the repository's folder.
:func:`resolve_scenario` is the one rule for every place a scenario or targets file is named:
the command line, the Python API, and ``extends`` and ``policy_from`` inside a file.
"""

from __future__ import annotations

import difflib
import errno
import os
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from simulation.scenario.yamlfile import FileProblem
from simulation.scenario.yamlio import display_path, load_yaml

#: The folder of the targets files inside the shipped folder.
TARGETS = "targets"
#: The suffixes a shipped name may be written with.
SUFFIXES = (".yaml", ".yml")


def shipped_folder() -> Path:
    """Where the shipped scenario files are: the package data of a wheel, else the repository's
    ``scenarios/`` beside the package (a source checkout or an editable install)."""
    packaged = resources.files("simulation") / "scenario_files"
    if isinstance(packaged, Path) and packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "scenarios"


def shipped_files(targets: bool = False) -> dict[str, Path]:
    """Each shipped scenario file (or targets file) by its name, the file name without ``.yaml``."""
    folder = shipped_folder() / TARGETS if targets else shipped_folder()
    if not folder.is_dir():
        return {}
    return {path.stem: path for path in sorted(folder.glob("*.yaml")) if path.is_file()}


def is_missing(path: Path) -> bool:
    """Nothing at all has this name (a name the system refuses is not "missing": the loader says why)."""
    try:
        os.lstat(path)
    except OSError as exc:
        return exc.errno in (errno.ENOENT, errno.ENOTDIR)
    except ValueError:  # a null byte
        return False
    return False


def _bare_name(text: str) -> str | None:
    """``tilburg`` or ``tilburg.yaml`` → ``tilburg``; a name with a folder in it is no shipped name."""
    if not text or "/" in text or os.sep in text or (os.altsep and os.altsep in text):
        return None
    return next((text[: -len(suffix)] for suffix in SUFFIXES if text.endswith(suffix)), text)


def shipped_hint(name: str = "", targets: bool = False) -> str | None:
    """What to say after "file not found": the closest shipped name, and all of them."""
    names = list(shipped_files(targets))
    if not names:
        return None
    close = difflib.get_close_matches(_bare_name(Path(name).name) or "", names, n=1)  # scenarios/tilburg.yaml too
    guess = f"did you mean '{close[0]}'? " if close else ""
    return f"{guess}shipped {'targets' if targets else 'scenarios'}: {', '.join(names)}"


def resolve_scenario(name: str | os.PathLike[str], relative_to: Path | None = None, targets: bool = False) -> Path:
    """The file a scenario (or, with ``targets``, a targets file) is named by.

    An existing path wins (relative to ``relative_to``, the folder of the file that names it, for
    ``extends`` and ``policy_from``); otherwise a bare name, with or without ``.yaml``, of a shipped
    file; otherwise :class:`FileProblem` "file not found", its hint listing the shipped names. A path
    that exists but is no scenario file is returned as it is: the loader says what is wrong with it.
    """
    text = os.fspath(name)
    path = Path(text) if relative_to is None else relative_to / text
    if not is_missing(path):
        return path
    bare = _bare_name(text)
    found = shipped_files(targets).get(bare or "")
    if found is not None:
        return found
    # named on the command line, any path may have meant a shipped file (scenarios/tilburg.yaml outside the
    # repository); inside a file, only a bare name could have
    hint = shipped_hint(text, targets) if relative_to is None or bare else None
    raise FileProblem("file not found", file=display_path(path), hint=hint)


@dataclass(frozen=True)
class ShippedFile:
    """A shipped scenario or targets file and the first line of its own description."""

    name: str
    path: Path
    description: str
    description_nl: str | None


def describe_shipped(targets: bool = False) -> list[ShippedFile]:
    """The shipped files with their descriptions: as each file writes it (``extends`` not followed),
    or for a file without one (a transplant: a place under another policy) its first comment line."""
    described = []
    for name, path in shipped_files(targets).items():
        data, _ = load_yaml(path)
        text, dutch = data.get("description"), data.get("description_nl")
        if not text:
            text = next((line.lstrip("# ").strip() for line in path.read_text(encoding="utf-8").splitlines()
                         if line.startswith("#") and line.strip("# ")), "")
        described.append(ShippedFile(name, path, str(text or "").strip(), str(dutch).strip() if dutch else None))
    return described


def shipped_relative_files() -> dict[Path, Path]:
    """Every shipped file by its path inside the shipped folder (``tilburg.yaml``, ``targets/nl_national.yaml``)."""
    folder = shipped_folder()
    return {path.relative_to(folder): path
            for path in [*shipped_files().values(), *shipped_files(targets=True).values()]}
