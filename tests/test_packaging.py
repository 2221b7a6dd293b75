"""meedoen as a package people install: a wheel built from this tree holds every module and every
scenario, and installed into a fresh virtual environment outside the repository it runs the main
job by the shipped scenarios' names; licence, citation and changelog agree with the one version.

The wheel is built once per module (about 5 s). When the running environment has setuptools new
enough for ``pyproject.toml`` (the ``test`` extra asks for it) the build needs no network
(``--no-build-isolation``); otherwise pip fetches the build requirements from its index. The fresh
environment gets the dependencies through a ``.pth`` file naming this environment's site-packages,
added after the wheel is installed, so no network is needed there either.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import zipfile
from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

import pytest
import yaml
from conftest import HANG_GUARD_S, ROOT

from simulation.version import __version__

#: What the build reads: the package, the scenarios it ships, and the files pyproject.toml names.
SOURCES = ("pyproject.toml", "README.md", "LICENSE", "simulation", "scenarios")
#: The smallest main job: the 2 × 2 of places and policies at 300 clients, two replications.
SMALL = ["--reps", "2", "--set", "population.initial_stock=300", "--set", "inflow.applications=50 per year",
         "--workers", "1", "--no-store", "--quiet"]


def _run(args: list[str], cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(args, cwd=cwd, capture_output=True, text=True, timeout=HANG_GUARD_S, env=env)
    assert done.returncode == 0, (args, done.stdout[-3000:], done.stderr[-3000:])
    return done


def _setuptools_builds_offline() -> bool:
    """The build backend pyproject.toml asks for is installed here (then no isolation is needed)."""
    wanted = tomllib.loads((ROOT / "pyproject.toml").read_text())["build-system"]["requires"]
    minimum = next(int(m[1]) for r in wanted if (m := re.fullmatch(r"setuptools>=(\d+)", r)))
    try:
        return int(version("setuptools").split(".")[0]) >= minimum
    except PackageNotFoundError:
        return False


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A wheel built from a copy of this tree (a build writes build/ and *.egg-info beside its sources)."""
    source, dist = tmp_path_factory.mktemp("source"), tmp_path_factory.mktemp("dist")
    for name in SOURCES:
        copy = shutil.copytree if (ROOT / name).is_dir() else shutil.copy2
        copy(ROOT / name, source / name, **({"ignore": shutil.ignore_patterns("__pycache__")}
                                           if (ROOT / name).is_dir() else {}))
    isolation = ["--no-build-isolation", "--no-index"] if _setuptools_builds_offline() else []
    _run([sys.executable, "-m", "pip", "wheel", "--no-deps", *isolation, "-w", str(dist), str(source)], cwd=dist)
    (built,) = dist.glob("meedoen-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A fresh virtual environment with the wheel installed, outside the repository, and a working
    folder outside it too; the environment reaches the dependencies through a .pth file."""
    venv = tmp_path_factory.mktemp("venv")
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)], cwd=venv)
    python = venv / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    _run([sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "--no-index", str(wheel)],
         cwd=venv)
    site = Path(_run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                     cwd=venv, env=_clean_env()).stdout.strip())
    ours = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    (site / "dependencies.pth").write_text("\n".join(sorted(ours)) + "\n")
    work = tmp_path_factory.mktemp("work")
    assert ROOT not in work.parents and ROOT not in venv.parents
    return {"python": python, "meedoen": python.parent / "meedoen", "site": site, "work": work}


def _clean_env() -> dict[str, str]:
    """The environment without anything that would import this tree instead of the installed wheel."""
    return {key: value for key, value in os.environ.items() if key not in ("PYTHONPATH", "PYTHONHOME")}


def test_the_wheel_holds_every_module_scenario_and_the_licence(wheel: Path):
    """pyproject.toml lists its packages by hand (scenario_files is mapped onto scenarios/): a module
    or a scenario left out of the list would be missing from the wheel."""
    names = set(zipfile.ZipFile(wheel).namelist())
    package = [p.relative_to(ROOT).as_posix() for p in (ROOT / "simulation").rglob("*")
               if p.is_file() and "__pycache__" not in p.parts and p.suffix in (".py", ".j2", ".typed")]
    shipped = ["simulation/scenario_files/" + p.relative_to(ROOT / "scenarios").as_posix()
               for p in (ROOT / "scenarios").rglob("*.yaml")]
    assert len(shipped) > 20 and any("/targets/" in name for name in shipped)
    assert sorted(set(package + shipped) - names) == []
    info = f"meedoen-{__version__}.dist-info"
    assert f"{info}/licenses/LICENSE" in names
    metadata = zipfile.ZipFile(wheel).read(f"{info}/METADATA").decode()
    assert f"\nVersion: {__version__}\n" in metadata and "\nLicense-Expression: MIT\n" in metadata


def test_the_installed_wheel_runs_the_main_job_by_the_shipped_names(installed: dict[str, Path]):
    """From a folder that is not the repository, `meedoen compare tilburg leeuwarden --decompose` runs
    the installed package on the scenarios it ships, and writes its folder and report."""
    work, env = installed["work"], _clean_env()
    where = _run([str(installed["python"]), "-c", "import simulation; print(simulation.__file__)"], work, env)
    assert Path(where.stdout.strip()).is_relative_to(installed["site"])
    done = _run([str(installed["meedoen"]), "compare", "tilburg", "leeuwarden", "--decompose", *SMALL,
                 "--out", "cmp", "--report", "report.html"], work, env)
    assert "Business case" in done.stdout and "report written to report.html" in done.stdout
    manifest = json.loads((work / "cmp" / "manifest.json").read_text())
    files = [Path(record["file"]) for record in manifest["scenarios"]]
    assert files and all(f.is_relative_to(installed["site"] / "simulation" / "scenario_files") for f in files)
    assert manifest["version"] == __version__ and manifest["command"][:4] == ["meedoen", "compare", "tilburg",
                                                                              "leeuwarden"]
    assert "<html" in (work / "report.html").read_text(encoding="utf-8")[:200].lower()


def test_the_installed_wheel_lists_and_copies_out_its_scenarios(installed: dict[str, Path]):
    """`meedoen list` names every shipped scenario; `meedoen init DIR` copies them, byte for byte, into
    a folder where they run as files (their extends and policy_from found beside them)."""
    work, env, meedoen = installed["work"], _clean_env(), str(installed["meedoen"])
    shipped = installed["site"] / "simulation" / "scenario_files"
    listing = _run([meedoen, "list"], work, env).stdout
    assert all(f"  {p.stem} " in listing for p in shipped.rglob("*.yaml")), listing
    _run([meedoen, "init", "mine"], work, env)
    copied = sorted(p.relative_to(work / "mine") for p in (work / "mine").rglob("*") if p.is_file())
    assert copied == sorted(p.relative_to(shipped) for p in shipped.rglob("*.yaml"))
    assert all((work / "mine" / p).read_bytes() == (shipped / p).read_bytes() for p in copied)
    valid = _run([meedoen, "validate", "mine/tilburg_with_leeuwarden_policy.yaml"], work, env).stdout
    assert "mine/tilburg.yaml" in valid and str(shipped) not in valid, valid
    again = subprocess.run([meedoen, "init", "mine"], cwd=work, capture_output=True, text=True, env=env,
                           timeout=HANG_GUARD_S)
    assert again.returncode == 2 and again.stderr.count("\n") == 1 and "not overwriting" in again.stderr


# --- licence, citation and changelog agree with the one version ---------------------------------

def test_the_version_is_written_once():
    """pyproject.toml reads the version from simulation/version.py; the citation and the changelog's
    latest release say the same, with the same date."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())
    assert "version" not in project["project"] and project["project"]["dynamic"] == ["version"]
    assert project["tool"]["setuptools"]["dynamic"]["version"] == {"attr": "simulation.version.__version__"}
    citation = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    releases = re.findall(r"^## \[(\d[^\]]*)\] - (\d{4}-\d\d-\d\d)$", (ROOT / "CHANGELOG.md").read_text(), re.M)
    assert releases and releases[0][0] == __version__ == citation["version"]
    assert str(citation["date-released"]) == releases[0][1]


def test_licence_and_citation_are_complete():
    """An SPDX licence with its file, and a CITATION.cff with what CFF 1.2.0 requires (cffconvert
    --validate accepts it; its schema's required keys are checked here)."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["license"] == "MIT" and project["license-files"] == ["LICENSE"]
    assert not any(c.startswith("License ::") for c in project["classifiers"])  # PEP 639: the expression only
    assert set(project["urls"]) >= {"Homepage", "Repository", "Documentation", "Changelog"}
    licence = (ROOT / "LICENSE").read_text()
    assert licence.startswith("MIT License") and "Copyright (c) 2026 the meedoen developers" in licence
    citation = yaml.safe_load((ROOT / "CITATION.cff").read_text(encoding="utf-8"))
    assert citation["cff-version"] == "1.2.0" and citation["license"] == project["license"]
    assert isinstance(citation["message"], str) and isinstance(citation["title"], str)
    assert citation["authors"] and all("name" in a or "family-names" in a for a in citation["authors"])
    assert citation["repository-code"] == project["urls"]["Repository"]
