"""The installed package version, without importing the model (the CLI needs it for --version)."""

from __future__ import annotations

from importlib.metadata import PackageNotFoundError, version


def package_version() -> str:
    try:
        return version("meedoen")
    except PackageNotFoundError:  # running from a source tree that is not installed
        return "0+unknown"
