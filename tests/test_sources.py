"""Every source a comment cites can be looked up in docs/sources.md, and every entry there is cited.

Scenario files and code cite their sources with short keys: ``seed 002`` (a seed article),
``cal §A`` or ``cal §F.8`` (a section or stylised fact of the calibration table), ``domain.md`` and
``model.md`` (the project's domain brief and model specification). Those documents live outside
the repository; docs/sources.md is the bibliography inside it. This test finds every citation in
the places people read (scenario files, the code and its templates, the documentation, the
notebooks, the README) in each form actually used — ``Seed 002``, ``seed article 002``,
``seeds 000 and 001``, ``seed 002/004``, ``cal. §A``, ``calibration.md §A``, ``cal §A/§B``,
``§F.3–F.5`` — and checks that each resolves to an entry of docs/sources.md.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

from conftest import ROOT

SOURCES = ROOT / "docs" / "sources.md"

#: Where citations are read: everything a reader of the repository meets.
CITING_GLOBS = ("scenarios/**/*.yaml", "simulation/**/*.py", "simulation/**/*.j2", "docs/**/*.md", "docs/*.py",
                "notebooks/*.ipynb", "notebooks/*.md", "README.md")
#: Built or copied files are no source of citations.
SKIPPED_PARTS = ("_build",)

#: ``seed 002``, ``Seed 002``, ``seed article 002``, ``seeds 000, 001 and 003``, ``seed 002/004``; not ``--seed 123``
SEED = re.compile(r"(?<![-\w])[Ss]eeds?(?: articles?)? (\d{3})\b((?:\s*(?:,|/|&|and|en)\s*\d{3}\b)*)")
#: every ``§`` is a section of the calibration table: ``§A``, ``§F.8``, ``§F.3–F.5``
SECTION = re.compile(r"§\s*([A-Z])(?:\.(\d+))?(?:\s*[–-]\s*(?:§?[A-Z]\.)?(\d+))?")
#: the project documents named by file
DOCUMENT = re.compile(r"(?<![\w.-])(domain|model|style)\.md\b")
#: base.yaml's header explains the notation with a placeholder: "cal §X" = calibration.md section X
PLACEHOLDER = "cal §X"

#: an entry of sources.md: a heading or a list item that starts with its key in backticks
ENTRY = re.compile(r"^(?:#+|-)\s+`(seed \d{3}|cal §[A-Z](?:\.\d+)?|[\w.]+\.md|[^`]+ et al\. \d{4})`", re.MULTILINE)


def citing_files() -> list[Path]:
    files = {path for pattern in CITING_GLOBS for path in ROOT.glob(pattern)}
    return sorted(path for path in files if path != SOURCES and not set(SKIPPED_PARTS) & set(path.parts))


def cited_keys(text: str) -> list[str]:
    """The keys ``text`` cites, in every form of citation the repository uses."""
    keys = []
    for match in SEED.finditer(text):
        keys += [f"seed {number}" for number in re.findall(r"\d{3}", match.group(1) + match.group(2))]
    for match in SECTION.finditer(text.replace(PLACEHOLDER, "")):
        letter, first, last = match.groups()
        if first is None:
            keys.append(f"cal §{letter}")
        else:
            keys += [f"cal §{letter}.{n}" for n in range(int(first), int(last or first) + 1)]
    keys += [f"{name}.md" for name in DOCUMENT.findall(text)]
    return keys


def citations() -> dict[str, list[str]]:
    """Each cited key → the files (relative to the repository) that cite it."""
    found: dict[str, list[str]] = defaultdict(list)
    for path in citing_files():
        for key in set(cited_keys(path.read_text(encoding="utf-8"))):
            found[key].append(str(path.relative_to(ROOT)))
    return found


def entries() -> list[str]:
    return ENTRY.findall(SOURCES.read_text(encoding="utf-8"))


def test_the_citation_forms_are_read():
    """The forms in use are all recognised (and a CLI seed or a year is no citation)."""
    text = ("seed 002; Seed 001; seed article 003; seeds 000 and 001; seeds 000, 001, 003; seed 002/004; "
            "cal §A; cal. §B; calibration.md §E; cal §A/§B; (§B, §F.3–F.5); cal §F.8; `cal §X` = a section; "
            "--seed 123; seed 2017; (model.md); ../shared/domain.md")
    assert sorted(cited_keys(text)) == sorted([
        "seed 002", "seed 001", "seed 003", "seed 000", "seed 001", "seed 000", "seed 001", "seed 003",
        "seed 002", "seed 004", "cal §A", "cal §B", "cal §E", "cal §A", "cal §B", "cal §B", "cal §F.3",
        "cal §F.4", "cal §F.5", "cal §F.8", "model.md", "domain.md"])


def test_every_section_sign_is_a_citation():
    """A ``§`` the pattern does not read would be a citation nobody checks: every one must parse."""
    unread = []
    for path in citing_files():
        text = path.read_text(encoding="utf-8").replace(PLACEHOLDER, "")
        if text.count("§") != len(SECTION.findall(text)):
            unread.append(str(path.relative_to(ROOT)))
    assert not unread, f"a § that is not a calibration-table citation (§A … §F.9) in: {unread}"


def test_every_cited_key_is_in_the_bibliography():
    found = citations()
    assert {"seed 000", "cal §A", "cal §F.8"} <= set(found), "the scan found none of the usual citations"
    missing = {key: files[:3] for key, files in sorted(found.items()) if key not in entries()}
    assert not missing, f"cited but not in docs/sources.md (key: citing files): {missing}"


def test_every_entry_is_cited_or_a_guideline():
    """An entry nobody cites is dead weight — except the stylised facts, listed one by one so that
    each ``§F.n`` resolves (the validation pages name them F1-F9), and the reporting guidelines,
    which the documentation pages cite by author and year."""
    found = citations()
    listed = entries()
    assert len(listed) == len(set(listed)), "an entry appears twice in docs/sources.md"
    uncited = [key for key in listed
               if key not in found and not key.startswith("cal §F.") and " et al. " not in key]
    assert not uncited, f"entries of docs/sources.md that nothing cites: {uncited}"
    assert {"seed 000", "seed 001", "seed 002", "seed 003", "seed 004"} <= set(listed)
    assert {f"cal §{letter}" for letter in "ABCDEF"} | {f"cal §F.{n}" for n in range(1, 10)} <= set(listed)
