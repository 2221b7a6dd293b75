"""The shipped scenarios by name (scenario/shipped.py): an existing path wins, then a shipped name,
else "file not found" listing the names; the same rule inside files (extends, policy_from) and for
targets; `meedoen list` and `meedoen init DIR` (checked first, nothing half-written)."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import SCENARIO_DIR

from simulation import ScenarioError, load_scenario
from simulation.cli import main
from simulation.experiments.calibration import load_targets
from simulation.experiments.decomposition import in_place
from simulation.results.shipped_copy import copy_shipped
from simulation.scenario.shipped import describe_shipped, resolve_scenario, shipped_files

TILBURG = SCENARIO_DIR / "tilburg.yaml"


@pytest.fixture
def elsewhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A working folder that is not the repository."""
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_every_scenario_file_of_the_repository_is_shipped_by_its_name():
    assert shipped_files() == {p.stem: p for p in sorted(SCENARIO_DIR.glob("*.yaml"))}
    assert shipped_files(targets=True) == {p.stem: p for p in sorted((SCENARIO_DIR / "targets").glob("*.yaml"))}


@pytest.mark.parametrize("name", ["tilburg", "tilburg.yaml"])
def test_a_bare_name_is_a_shipped_scenario(elsewhere: Path, name: str):
    assert resolve_scenario(name) == TILBURG
    assert load_scenario(name).hash == load_scenario(TILBURG).hash


def test_an_existing_path_wins_over_a_shipped_name(elsewhere: Path):
    (elsewhere / "tilburg.yaml").write_text("extends: base.yaml\nklantmanagers: {caseload: 123}\n")
    assert resolve_scenario("tilburg.yaml") == Path("tilburg.yaml")
    assert resolve_scenario("tilburg") == TILBURG  # no file "tilburg" here: the shipped one
    assert load_scenario("tilburg.yaml").model.klantmanagers.caseload == 123
    (elsewhere / "tilburg").mkdir()
    with pytest.raises(ScenarioError, match="a directory"):  # a folder of that name is no scenario: said so
        load_scenario("tilburg")


def test_a_missing_file_lists_the_shipped_names(elsewhere: Path):
    with pytest.raises(ScenarioError) as caught:
        load_scenario("tilbrug")
    error = caught.value
    assert error.message == "file not found" and error.file == "tilbrug"
    assert error.hint is not None and "did you mean 'tilburg'?" in error.hint
    assert all(name in error.hint for name in shipped_files())
    with pytest.raises(ScenarioError, match="file not found") as caught:  # a folder in it: not a bare name
        load_scenario("scenarios/tilburg.yaml")
    assert "did you mean 'tilburg'? shipped scenarios: base" in str(caught.value)  # the README's path, elsewhere


def test_extends_and_policy_from_find_a_shipped_scenario_not_beside_the_file(elsewhere: Path):
    (elsewhere / "mine.yaml").write_text("extends: tilburg\npolicy_from: leeuwarden.yaml\nname: mine\n")
    mine = load_scenario("mine.yaml")
    assert mine.raw.chain[-2:] == [str(TILBURG), "mine.yaml"]
    assert mine.model.policy.groups["group3"].handler == "wijkteam"  # Leeuwarden's policy
    (elsewhere / "other.yaml").write_text("extends: no_such_parent.yaml\n")
    with pytest.raises(ScenarioError, match="extends a file that does not exist") as caught:
        load_scenario("other.yaml")
    assert caught.value.line == 1 and "shipped scenarios: base" in (caught.value.hint or "")


def test_targets_by_name_and_in_place_by_file_name():
    assert load_targets("nl_national").path == str(SCENARIO_DIR / "targets" / "nl_national.yaml")
    with pytest.raises(ScenarioError, match="shipped targets: nl_national"):
        load_targets("nl_nationaal")
    a, b = load_scenario("tilburg"), load_scenario("leeuwarden")
    assert [w.name for w in in_place([a, b], "tilburg.yaml")] == [w.name for w in in_place([a, b], "tilburg")]


def test_meedoen_list_names_and_describes_every_shipped_file(capsys: pytest.CaptureFixture[str]):
    assert main(["list"]) == 0
    english = capsys.readouterr().out
    described = describe_shipped() + describe_shipped(targets=True)
    assert all(f"  {item.name} " in english and item.description in english for item in described)
    assert all(item.description for item in described)
    transplant = next(item for item in described if item.name == "tilburg_with_leeuwarden_policy")
    assert transplant.description.startswith("Tilburg's place under the Leeuwarden")  # its first comment line
    assert main(["list", "--lang", "nl"]) == 0
    dutch = capsys.readouterr().out
    assert all(item.description_nl in dutch for item in described if item.description_nl)


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_init_copies_every_shipped_file_into_a_new_folder(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    target = tmp_path / "new" / "scenarios"
    assert main(["init", str(target)]) == 0
    assert "meedoen run " + str(target / "tilburg.yaml") in capsys.readouterr().out
    assert _tree(target) == _tree(SCENARIO_DIR)
    assert sorted(os.listdir(tmp_path / "new")) == ["scenarios"]  # no staging folder left
    copied = load_scenario(target / "tilburg_with_leeuwarden_policy.yaml")
    assert all(Path(f).parent == target for f in copied.raw.chain)  # the copies extend each other


def test_init_keeps_what_a_folder_holds_unless_overwrite(tmp_path: Path, capsys: pytest.CaptureFixture[str]):
    (tmp_path / "notes.txt").write_text("mine")
    (tmp_path / "tilburg.yaml").write_text("# my own\n")
    before = _tree(tmp_path)
    assert main(["init", str(tmp_path)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"meedoen: error: {tmp_path}: already holds tilburg.yaml; not overwriting them")
    assert "--overwrite" in err and err.count("\n") == 1
    assert _tree(tmp_path) == before and sorted(os.listdir(tmp_path)) == ["notes.txt", "tilburg.yaml"]
    copy_shipped(tmp_path, overwrite=True)
    assert _tree(tmp_path) == {**_tree(SCENARIO_DIR), "notes.txt": b"mine"}


@pytest.mark.parametrize("case", ["a file", "under a file", "targets is a file", "a folder in a file's place"])
def test_init_into_a_bad_folder_is_one_line_and_writes_nothing(tmp_path: Path, case: str,
                                                               capsys: pytest.CaptureFixture[str]):
    (tmp_path / "file").write_text("x")
    (tmp_path / "a" / "targets").parent.mkdir()
    (tmp_path / "a" / "targets").write_text("x")
    (tmp_path / "b" / "base.yaml").mkdir(parents=True)
    target = {"a file": "file", "under a file": "file/sub", "targets is a file": "a",
              "a folder in a file's place": "b"}[case]
    before = _tree(tmp_path), sorted(p.name for p in tmp_path.rglob("*"))
    assert main(["init", str(tmp_path / target), "--overwrite"]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"meedoen: error: {tmp_path / target}: ") and err.count("\n") == 1, err
    assert (_tree(tmp_path), sorted(p.name for p in tmp_path.rglob("*"))) == before
