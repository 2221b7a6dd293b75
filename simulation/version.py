"""The package version and the model version, without importing the model.

The CLI needs the package version for ``--version``; the result store keys stored replications
by the model version, so an edited model never reuses numbers an older model produced.
``__version__`` is the one place the version is written: ``pyproject.toml`` reads it when a wheel
is built, and CITATION.cff and CHANGELOG.md are tested to agree with it.
"""

from __future__ import annotations

import hashlib
import platform
from functools import cache
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

#: The package version (PEP 440); bump it with a new section of CHANGELOG.md and CITATION.cff's ``version``.
__version__ = "0.2.0"

#: The layers whose code decides a stored number: what a scenario means, what happens per event,
#: and how the outcomes and profiles are computed from the records. Experiment drivers, files,
#: presentation and the CLI never change a replication's numbers (tests/test_experiments.py runs
#: a replication and checks that none of their modules is imported), so editing them keeps the store.
MODEL_LAYERS = ("scenario", "model", "outcomes")
#: Modules at the package root that those layers import: their constants can change a number too.
MODEL_FOUNDATION = ("defaults.py", "errors.py")


#: Libraries that decide a replication's numbers besides the model's source: NumPy promises the same
#: streams only on the same build, SciPy's distributions draw from them, SimPy orders the events.
MODEL_LIBRARIES = ("numpy", "scipy", "simpy")
#: What a results folder's manifest and a store record keep of the environment, with the Python version
#: (``results/manifest.py``, ``experiments/store.py``).
RECORDED_LIBRARIES = (*MODEL_LIBRARIES, "pandas")


def package_version() -> str:
    """``__version__``: read from the source, so a source tree or an editable install whose metadata
    was written by an older version still says which version it runs."""
    return __version__


def model_sources() -> list[Path]:
    """The source files the model version digests, in a fixed order."""
    root = Path(__file__).resolve().parent
    sources = [root / name for name in MODEL_FOUNDATION]
    for layer in MODEL_LAYERS:
        sources += sorted((root / layer).rglob("*.py"))
    return sources


@cache
def model_version() -> str:
    """The package version plus a digest of the model's source files (``MODEL_LAYERS``).

    Stored replication results are keyed by this, so an edited model (even without a version
    bump, as in an editable install) never reuses numbers an older model produced.
    """
    root = Path(__file__).resolve().parent
    digest = hashlib.sha256()
    for source in model_sources():
        digest.update(source.relative_to(root).as_posix().encode())
        digest.update(source.read_bytes())
    return f"{package_version()}+{digest.hexdigest()[:12]}"


@cache
def library_versions(names: tuple[str, ...] = MODEL_LIBRARIES) -> dict[str, str]:
    """The installed version of each library in ``names`` (read from its metadata, not imported)."""
    found = {}
    for name in names:
        try:
            found[name] = version(name)
        except PackageNotFoundError:
            found[name] = "not installed"
    return found


def recorded_environment() -> dict[str, str]:
    """What a result store record says it was made with: Python and each of ``RECORDED_LIBRARIES``
    (a manifest records the same as ``python`` and ``libraries``)."""
    return {"python": platform.python_version(), **library_versions(RECORDED_LIBRARIES)}


def environment(model: str, libraries: dict[str, str]) -> str:
    """What decides a replication's numbers, in words: the model version and the libraries' versions."""
    return f"{model} with " + ", ".join(f"{name} {number}" for name, number in libraries.items())
