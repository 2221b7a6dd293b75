"""Bad and odd scenario files, made by mutating the shipped ones (issue 15, item 7).

Each case is a function of ``(seed, number)`` alone (``random.Random(f"{seed}:{number}")``), so one
failing case can be made again without the others:

    python tests/fuzz_scenarios.py SEED NUMBER DIR    # writes the case's files under DIR and says how to run it

A case is one or two files written next to copies of the shipped scenarios (so ``extends: base.yaml``
works) and of a few hostile ``extends`` targets (``make_targets``). Mutations: keys deleted, misspelled,
added or duplicated (also as another type: ``1`` and ``"1"``); values of the wrong type; extreme numbers
(0, negative, huge, tiny, NaN and infinity, 400- and 5,000-digit integers); broken units ("12
fortnights", "-3 months", "1e400 per year"); impossible dates; YAML tricks (alias bombs, deep
nesting, tags, merge keys, control characters, broken lines and bytes); bad ``extends`` and
``policy_from`` targets (a folder, a device, a FIFO, a symlink loop, a name too long, a null byte, a
file that is not a scenario).
"""

from __future__ import annotations

import copy
import json
import math
import os
import random
import re
import shutil
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = sorted((ROOT / "scenarios").glob("*.yaml"))
CASES = "cases"  # the folder the case files and the copies of the shipped scenarios are in
TARGETS = "targets"  # the folder of hostile extends targets, next to CASES

Path_ = tuple[Any, ...]


@dataclass
class Case:
    """One generated input: its files (name -> bytes, in CASES) and the one to validate."""

    seed: int
    number: int
    source: str  # the shipped file it was made from
    files: dict[str, bytes] = field(default_factory=dict)
    reference: dict[str, bytes] = field(default_factory=dict)  # the files before mutation (for a diff)
    mutations: list[str] = field(default_factory=list)
    overrides: list[str] = field(default_factory=list)  # --set texts, for the command line and load_scenario

    @property
    def stem(self) -> str:
        return f"case_{self.number:05d}"

    @property
    def entry(self) -> str:
        return f"{CASES}/{self.stem}.yaml"


# ---- value pools (YAML text, put into the dump as written) ------------------------------------

NUMBERS = [
    "0", "-0", "-1", "-0.0", "1", "2", "0.5", "-0.5", "1.5", "100", "1.0e+308", "-1.0e+308", "1.0e-308",
    "5.0e-324", "1.0e+400", ".nan", ".NaN", ".inf", "-.inf", "+.inf", "1e400", "3e+306", "1e-400",
    "9" * 400, "-" + "9" * 400, "9" * 5000, "0x7fffffffffffffff", "0o777", "0b101", "1_000_000",
    "2147483648", "9223372036854775808", "18446744073709551616", "1:30", "12:30:00", "0.000001",
    "100000000000", "1.0e+20", "~", "1e3", "0.0",
]
UNIT_NUMBERS = ["12", "-3", "0", "1e400", "1.0e+400", "nan", "inf", "-inf", "9" * 400, "0.0000000001", "1,5",
                "1.2.3", "", "1e-400", "1/0", "½", "٣", "1_000", "3e+306", ".5", "1,000,000,000,000,000,000"]
UNITS = ["fortnights", "months", "years", "days", "per year", "per fortnight", "per month per year", "/ year",
         "per", "per 0 days", "per -1 months", "per 1e400 years", "per 0.0000000001 days", "per nan years",
         "€", "euro per year", "% per year", "months months", "MONTHS", "maanden", "jr", "per day", "weeks"]
UNIT_TEXTS = ["12 fortnights", "-3 months", "1e400 per year", "0 days", "nan months", "inf per year",
              "1 per 0 days", "€-5 per year", "€1e400 per year", "1.0e+400 per year", "€ per year",
              "9" * 400 + " per year", "9" * 400 + " days", "€" + "9" * 400 + " per month", "1 per 1e-400 days",
              "0.0000000001 days", "1000000000 years", "1 per 0.0000000001 days", "€1 per 0.0000000001 days"]
DATES = [
    "2016-02-30", "2016-13-01", "2016-00-10", "1601-01-01", "2261-06-01", "9999-12-31", "0001-01-01",
    "1677-09-21", "2262-04-12", "!!timestamp not-a-date", "!!timestamp 2016-02-30", "2016-01-01T25:00:00",
    "2016-01-01 12:00:00+02:00", "2016-01-01t00:00:00z", "20160101", "'2016-01-01'", "'yesterday'", "2016-1-1",
    "2016-02-29", "2017-02-29", "1970-01-01", "2015-12-31", "2100-01-01", "1900-02-29",
]
WRONG = [
    "abc", "''", "null", "~", "true", "no", "yes", "on", "[]", "{}", "[1, 2, 3]", "{a: 1}", "7", "0.5",
    "2016-01-01", "!!binary aGVsbG8=", "!!set {a, b}", "!!omap [a: 1]", "!!python/object:os.system ls",
    "!!python/name:os.system", "!foo bar", "!!str 12", "!!int twelve", "!!float abc", "!!bool maybe",
    "!!null x", "!!int 0x", "!!float 1e400", "!!int 1.5", "!!map [1]", "!!seq {a: 1}",
    '"\\x1b[31mred\\x1b[0m"', '"\\0"', '"a\\u2028b"', '"a\\nb"', '"\\x85"', '"\\x07\\x08"', '"\\ud800"',
    "*undefined_alias", "&a x", "'" + "a" * 100_000 + "'", "[" + ", ".join(["1"] * 10_000) + "]",
    "{? [a, b] : 1}", "{? {a: 1} : 2}", "{<<: 5}", "{<<: [1, 2]}", "{a: 1, a: 2}", "{1: x, '1': y}",
    "{null: 1, ~: 2}", "{.nan: 1}", "[&r [*r]]", "&s {a: *s}", "[[[[]]]]", "%", "@x", "`x`", "| x",
]


def _bomb(rng: random.Random) -> str:
    """A "billion laughs": each level an anchored list of nine aliases of the level before."""
    levels = rng.choice([2, 4, 6, 7, 9, 12])
    parts = ["&l0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    parts += [f"&l{i} [{', '.join([f'*l{i - 1}'] * 9)}]" for i in range(1, levels)]
    return "[" + ", ".join(parts) + "]"


def _deep(rng: random.Random) -> str:
    depth = rng.choice([50, 200, 990, 1100, 3000, 20_000, 200_000])
    if rng.random() < 0.5:
        return "[" * depth + "]" * depth
    return "{a: " * depth + "1" + "}" * depth


def _raw_trick(rng: random.Random) -> str:
    return rng.choice([_bomb, _deep, lambda r: r.choice(WRONG), lambda r: r.choice(NUMBERS)])(rng)


def _unit_text(rng: random.Random) -> str:
    if rng.random() < 0.4:
        return rng.choice(UNIT_TEXTS)
    return f"{rng.choice(['', '€'])}{rng.choice(UNIT_NUMBERS)} {rng.choice(UNITS)}".strip()


# ---- the data tree ------------------------------------------------------------------------------


@cache
def shipped_text(name: str) -> bytes:
    return (ROOT / "scenarios" / name).read_bytes()


@cache
def _parsed(name: str) -> Any:
    return yaml.safe_load(shipped_text(name).decode("utf-8"))


def shipped_tree(name: str) -> Any:
    """A fresh copy of a shipped file's data, to mutate."""
    return copy.deepcopy(_parsed(name))


def all_paths(node: Any, path: Path_ = ()) -> list[Path_]:
    """Every key path below ``node`` (mapping keys and list indices), parents before children."""
    out: list[Path_] = []
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else []
    for key, value in items:
        out.append(path + (key,))
        out += all_paths(value, path + (key,))
    return out


def get(tree: Any, path: Path_) -> Any:
    for key in path:
        tree = tree[key]
    return tree


def _float(value: float) -> str:
    if math.isnan(value) or math.isinf(value):
        return ".nan" if math.isnan(value) else ".inf" if value > 0 else "-.inf"
    text = repr(value)  # YAML 1.1 wants a dot and a signed exponent: 1e-05 -> 1.0e-05
    return text.replace("e", ".0e") if "." not in text and "e" in text else text


def scalar(value: Any) -> str:
    """One value as YAML text that PyYAML reads back as the same value (placeholders as they are)."""
    if value is None or isinstance(value, bool):
        return {None: "null", True: "true", False: "false"}[value]
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return _float(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    if value.startswith("__RAW_") or _plain(value):
        return value
    return json.dumps(value, ensure_ascii=False)


_RESOLVER = yaml.resolver.Resolver()


def _plain(text: str) -> bool:
    """Text that reads back as the same string without quotes (as the shipped files write it)."""
    return (re.fullmatch(r"[A-Za-z0-9_€][A-Za-z0-9_ .€/%+-]*", text) is not None and not text.endswith(" ")
            and _RESOLVER.resolve(yaml.ScalarNode, text, (True, False)) == "tag:yaml.org,2002:str")


def flow(node: Any) -> str:
    if isinstance(node, dict):
        return "{" + ", ".join(f"{scalar(k)}: {flow(v)}" for k, v in node.items()) + "}"
    if isinstance(node, list):
        return "[" + ", ".join(flow(v) for v in node) + "]"
    return scalar(node)


def block(node: dict[Any, Any], indent: str = "") -> list[str]:
    """Mappings as blocks (as the shipped files write them), lists and what is in them in flow style."""
    lines = []
    for key, value in node.items():
        if isinstance(value, dict) and value:
            lines.append(f"{indent}{scalar(key)}:")
            lines += block(value, indent + "  ")
        else:
            lines.append(f"{indent}{scalar(key)}: {flow(value)}")
    return lines


def dump(tree: Any, raws: dict[str, str]) -> bytes:
    text = "\n".join(block(tree)) + "\n" if isinstance(tree, dict) else flow(tree) + "\n"
    for name, raw in sorted(raws.items(), key=lambda item: -len(item[0])):  # __RAW_12__ before __RAW_1__
        text = text.replace(name, raw)
    return text.encode("utf-8", errors="surrogatepass")


def _leaf_kind(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    if hasattr(value, "year"):
        return "date"
    if isinstance(value, str) and any(ch.isdigit() for ch in value):
        return "unit"
    return "other" if not isinstance(value, dict | list) else "node"


class TreeMutator:
    """Mutations of one scenario's data tree; each appends what it did to ``log``."""

    def __init__(self, rng: random.Random, tree: Any, log: list[str]) -> None:
        self.rng, self.tree, self.log, self.raws = rng, tree, log, {}

    def raw(self, text: str) -> str:
        """A placeholder for YAML text to put into the dump exactly as written (``dump`` replaces it)."""
        name = f"__RAW_{len(self.raws)}__"
        self.raws[name] = text
        return name

    def shown(self, value: Any) -> str:
        """How a log line shows a value: a placeholder's YAML text, cut short."""
        text = self.raws.get(value, repr(value)) if isinstance(value, str) else repr(value)
        return text[:60] + ("..." if len(text) > 60 else "")

    def pick(self, want: Callable[[Any], bool] = lambda value: True) -> Path_ | None:
        paths = [p for p in all_paths(self.tree) if want(get(self.tree, p))]
        return self.rng.choice(paths) if paths else None

    def set(self, path: Path_, value: Any, what: str) -> None:
        get(self.tree, path[:-1])[path[-1]] = value
        self.log.append(f"{what} at {'.'.join(map(str, path))}")

    def delete(self) -> None:
        path = self.pick()
        if path is not None:
            parent = get(self.tree, path[:-1])
            del parent[path[-1]]
            self.log.append(f"deleted {'.'.join(map(str, path))}")

    def misspell(self) -> None:
        path = self.pick()
        if path is None or not isinstance(get(self.tree, path[:-1]), dict):
            return
        parent, key = get(self.tree, path[:-1]), path[-1]
        new = self._misspelt(key)
        if new in parent:
            return
        renamed = {(new if k == key else k): v for k, v in parent.items()}
        parent.clear()
        parent.update(renamed)
        self.log.append(f"renamed {'.'.join(map(str, path))} to {self.shown(new)}")

    def _misspelt(self, key: Any) -> Any:
        rng, text = self.rng, str(key)
        if not isinstance(key, str):
            return rng.choice([text, float(key) if isinstance(key, int) else text, True, None, self.raw("9" * 400)])
        i = rng.randrange(len(text)) if text else 0
        options = [text[:i] + text[i + 1:], text[:i] + text[i:i + 2][::-1] + text[i + 2:], text[:i] + text[i] * 2 + text[i + 1:]
                   if text else "x", text.replace("_", "-"), text.capitalize(), text + "s", text.replace("a", "\u0430", 1),
                   text + " ", self.raw(f"'{text}\\t'"), self.raw(f'"{text}\\x1b[2J"')]
        return rng.choice(options)

    def add_key(self) -> None:
        path = self.pick(lambda value: isinstance(value, dict)) or ()
        parent = get(self.tree, path)
        if not isinstance(parent, dict):
            return
        key = self.rng.choice(["extra", "Name", "unknown_key", 1, "1", 0, -1, True, None, 1.5, self.raw("9" * 400)])
        if key not in parent:
            value = parent[key] = self.raw(_raw_trick(self.rng))
            self.log.append(f"added key {self.shown(key)}: {self.shown(value)} under {'.'.join(map(str, path)) or 'the top'}")

    def duplicate_key(self) -> None:
        path = self.pick(lambda value: isinstance(value, dict) and bool(value))
        if path is None:
            return
        parent = get(self.tree, path)
        key = self.rng.choice(list(parent))
        twin = self.raw(f"'{key}'" if isinstance(key, int) else str(key)) if not isinstance(key, bool) else "true"
        parent[twin] = self.raw(self.rng.choice(NUMBERS + WRONG[:12]))
        self.log.append(f"key {key!r} of {'.'.join(map(str, path))} given twice")

    def retype(self) -> None:
        path = self.pick()
        if path is not None:
            value = self.raw(self.rng.choice(WRONG))
            self.set(path, value, f"wrong type {self.shown(value)}")

    def extreme(self) -> None:
        path = self.pick(lambda value: _leaf_kind(value) == "number") or self.pick()
        if path is not None:
            value = self.raw(self.rng.choice(NUMBERS))
            self.set(path, value, f"number {self.shown(value)}")

    def unit(self) -> None:
        path = self.pick(lambda value: _leaf_kind(value) == "unit") or self.pick()
        if path is not None:
            value = _unit_text(self.rng)
        self.set(path, value, f"unit text {value[:60]!r}")

    def date(self) -> None:
        path = self.pick(lambda value: _leaf_kind(value) == "date") or self.pick()
        if path is not None:
            value = self.raw(self.rng.choice(DATES))
            self.set(path, value, f"date {self.shown(value)}")

    def trick(self) -> None:
        path = self.pick()
        if path is not None:
            value = self.raw(_raw_trick(self.rng))
            self.set(path, value, f"YAML {self.shown(value)}")

    def shuffle(self) -> None:
        """Two leaves swap values: realistic values in the wrong place."""
        leaves = [p for p in all_paths(self.tree) if _leaf_kind(get(self.tree, p)) not in ("node",)]
        if len(leaves) >= 2:
            a, b = self.rng.sample(leaves, 2)
            va, vb = get(self.tree, a), get(self.tree, b)
            get(self.tree, a[:-1])[a[-1]], get(self.tree, b[:-1])[b[-1]] = vb, va
            self.log.append(f"swapped {'.'.join(map(str, a))} and {'.'.join(map(str, b))}")

    def resize_list(self) -> None:
        path = self.pick(lambda value: isinstance(value, list) and bool(value))
        if path is None:
            return
        items = get(self.tree, path)
        how = self.rng.choice(["empty", "drop", "double", "long"])
        new = {"empty": [], "drop": items[1:], "double": items + items, "long": self.raw(flow(items * 300))}[how]
        self.set(path, new, f"list {how}")

    OPERATORS = ("delete", "misspell", "add_key", "duplicate_key", "retype", "extreme", "unit", "date", "trick",
                 "shuffle", "resize_list")
    WEIGHTS = (10, 8, 3, 3, 8, 14, 12, 5, 5, 4, 3)

    def mutate(self) -> None:
        """One mutation (another if the one drawn found nothing to change)."""
        done = len(self.log)
        for _ in range(10):
            getattr(self, self.rng.choices(self.OPERATORS, self.WEIGHTS)[0])()
            if len(self.log) > done:
                return


# ---- text-level mutations (on the shipped file's own bytes, comments and all) ------------------

CONTROL = ["\x00", "\x07", "\x1b", "\x1b[31m", "\x1b]0;title\x07", "\x7f", "\x85", "\u2028", "\ufeff", "\x0c", "\r", "\t",
           "\x0b", "\x9b", "\u202e"]
BAD_BYTES = [b"\xff", b"\xc3", b"\xed\xa0\x80", b"\xfe\xff", b"\xc0\xaf"]


def _line_edit(kind: str, rng: random.Random, lines: list[bytes], i: int) -> None:
    """Edit the lines in place: duplicate, delete, swap, re-indent, or insert a control character or bad bytes."""
    if kind == "dup":
        lines.insert(i, lines[i])
    elif kind == "delete":
        del lines[i]
    elif kind == "swap":
        j = rng.randrange(len(lines))
        lines[i], lines[j] = lines[j], lines[i]
    elif kind == "indent":
        lines[i] = rng.choice([b" ", b"\t", b"    ", b""]) + (lines[i].lstrip() if rng.random() < 0.3 else lines[i])
    else:
        insert = rng.choice(CONTROL).encode() if kind == "control" else rng.choice(BAD_BYTES)
        at = rng.randrange(len(lines[i]) + 1)
        lines[i] = lines[i][:at] + insert + lines[i][at:]


#: mutations of the whole text: cut, one byte changed, YAML directives and documents, line ends, encodings
WHOLE: dict[str, Callable[[random.Random, bytes], bytes]] = {
    "truncate": lambda rng, text: text[: rng.randrange(len(text))],
    "flip": lambda rng, text: (lambda at: text[:at] + bytes([rng.randrange(256)]) + text[at + 1:])(rng.randrange(len(text))),
    "directive": lambda rng, text: rng.choice([b"%YAML 1.1\n---\n", b"%YAML 2.0\n---\n", b"%TAG ! tag:x,2000:\n---\n", b"---\n",
                                               b"--- !!map\n", b"--- !!seq\n", b"...\n"])
    + text + rng.choice([b"", b"\n---\na: 1\n", b"\n...\n"]),
    "line_ends": lambda rng, text: text.replace(b"\n", rng.choice([b"\r\n", b"\r", "\x85".encode(), "\u2028".encode()])),
    "encoding": lambda rng, text: rng.choice([text.decode(errors="replace").encode("utf-16"),
                                              text.decode(errors="replace").encode("latin-1", "replace"),
                                              b"\xef\xbb\xbf" * 2 + text]),
}


def text_mutation(rng: random.Random, text: bytes, log: list[str]) -> bytes:
    """One mutation of a file's bytes, comments and all."""
    lines = text.split(b"\n")
    i = rng.randrange(len(lines))
    kind = rng.choice(["dup", "delete", "swap", "indent", "control", "bytes", *WHOLE])
    log.append(f"text: {kind} (line {i + 1})")
    if kind in WHOLE:
        return WHOLE[kind](rng, text)
    _line_edit(kind, rng, lines, i)
    return b"\n".join(lines)


# ---- extends and policy_from targets ------------------------------------------------------------

#: hostile targets, relative to CASES (or absolute); ``make_targets`` creates the ones in TARGETS
EXTENDS_TARGETS = [
    "does_not_exist.yaml", ".", "..", f"../{TARGETS}", f"../{TARGETS}/dir.yaml", "/dev/null", "/dev/zero",
    "/dev/urandom", "/dev/full", f"../{TARGETS}/fifo.yaml", f"../{TARGETS}/loop.yaml", f"../{TARGETS}/dangling.yaml",
    "a" * 300 + ".yaml", "x/" * 3000 + "base.yaml", "base\0.yaml", f"../{TARGETS}/binary.yaml", f"../{TARGETS}/list.yaml",
    f"../{TARGETS}/empty.yaml", f"../{TARGETS}/image.png", f"../{TARGETS}/latin1.yaml", f"../{TARGETS}/not_a_scenario.yaml",
    "SELF", "/etc/passwd", "/proc/self/mem", "/proc/self/fd/0", "/dev/stdin", "/dev/tty",
    "~/base.yaml", "base.yaml\n", " base.yaml", "BASE.YAML", "base.yml", "file:///etc/hostname", "base.yaml#x",
    "/", "//", "base.yaml/", "base.yaml/..", "\x1b[31mbase.yaml", "base.yaml\u2028",
]
BAD_EXTENDS_VALUES = ["5", "[]", "{a: 1}", "null", "true", "[base.yaml, base.yaml]", "[[base.yaml]]", "2016-01-01",
                      "[base.yaml, /dev/zero]", "['', base.yaml]", "!!binary YmFzZS55YW1s", "*nothing", "1.0e+400"]


def make_targets(folder: Path) -> None:
    """The hostile targets EXTENDS_TARGETS names (a FIFO, a symlink loop, a folder named .yaml, ...)."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "dir.yaml").mkdir(exist_ok=True)
    if hasattr(os, "mkfifo") and not (folder / "fifo.yaml").exists():
        os.mkfifo(folder / "fifo.yaml")
    for link, to in (("loop.yaml", "loop2.yaml"), ("loop2.yaml", "loop.yaml"), ("dangling.yaml", "nothing_here.yaml")):
        if not (folder / link).is_symlink():
            (folder / link).symlink_to(to)
    rng = random.Random(0)
    (folder / "binary.yaml").write_bytes(bytes(rng.randrange(256) for _ in range(4096)))
    (folder / "list.yaml").write_text("- extends: base.yaml\n- name: x\n")
    (folder / "empty.yaml").write_bytes(b"")
    (folder / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(200))
    (folder / "latin1.yaml").write_bytes("name: caf\xe9\n".encode("latin-1"))
    (folder / "not_a_scenario.yaml").write_text("[tool.pytest]\nmarkers = 1\n")


def extends_case(rng: random.Random, case: Case, children: list[str]) -> None:
    """A child whose ``extends`` (or ``policy_from``) names a hostile target."""
    source = rng.choice(children)
    case.source = source
    key = rng.choices(["extends", "policy_from"], [3, 1])[0]
    if rng.random() < 0.75:
        target = rng.choice(EXTENDS_TARGETS).replace("SELF", f"{case.stem}.yaml")
        text = '"' + target.encode("unicode_escape").decode("ascii").replace('"', '\\"') + '"'
    else:
        text = rng.choice(BAD_EXTENDS_VALUES)
    case.mutations.append(f"{key}: {text[:80]}")
    lines = shipped_text(source).decode().split("\n")
    at = next((i for i, line in enumerate(lines) if line.startswith("extends:")), 0)
    if key == "extends":
        lines[at] = f"extends: {text}"
    else:
        lines.insert(at + 1, f"policy_from: {text}")
    case.files[f"{case.stem}.yaml"] = "\n".join(lines).encode()
    case.reference[f"{case.stem}.yaml"] = shipped_text(source)


def parent_case(rng: random.Random, case: Case, children: list[str]) -> None:
    """A mutated parent under a copy of one of its children: errors must name the parent."""
    child = rng.choice(children)
    text = shipped_text(child).decode()
    found = re.search(r"^extends: (\S+)$", text, re.MULTILINE)
    assert found, f"{child} extends no file"
    parent, case.source = f"{case.stem}_parent.yaml", found[1]
    case.files[parent] = tree_case(rng, case, parent)
    case.files[f"{case.stem}.yaml"] = text.replace(found[0], f"extends: {parent}").encode()
    case.reference[f"{case.stem}.yaml"] = shipped_text(child)
    case.mutations.append(f"in {parent} (a copy of {found[1]}), extended by a copy of {child}")


BAD_OVERRIDES = ["=5", "population..initial_stock=1", "population.initial_stock", " =1", "extends=base.yaml",
                 "population.initial_stock.x=1", "policy.groups.group1.1000=1", "clock.start.year=2016",
                 "ladder.initial_rung_by_phase.1.99=0.5", "work_exit.duration_bands.-1.multiplier=1",
                 "a" * 5000 + "=1", ".=1", "population.initial_stock=1=2"]


def override_case(rng: random.Random, case: Case) -> None:
    """``--set key=value`` on a copy of a shipped file: a hostile value at a real key, or a malformed override."""
    for _ in range(rng.choices([1, 2], [4, 1])[0]):
        if rng.random() < 0.2:
            text = rng.choice(BAD_OVERRIDES)
        else:
            path = rng.choice(all_paths(shipped_tree(case.source)))
            value = rng.choice([rng.choice(NUMBERS), rng.choice(DATES), _unit_text(rng), rng.choice(WRONG), _raw_trick(rng)])
            text = f"{'.'.join(map(str, path))}={value}"
        case.overrides.append(text)
        case.mutations.append(f"--set {text[:80]!r}")


def tree_case(rng: random.Random, case: Case, name: str) -> bytes:
    case.reference[name] = dump(shipped_tree(case.source), {})
    tree = shipped_tree(case.source)
    mutator = TreeMutator(rng, tree, case.mutations)
    for _ in range(rng.choices([1, 2, 3], [7, 2, 1])[0]):
        mutator.mutate()
    return dump(mutator.tree, mutator.raws)


def make_case(seed: int, number: int) -> Case:
    """The case ``number`` of ``seed``: its files and what was done to make them."""
    rng = random.Random(f"{seed}:{number}")
    names = [p.name for p in SHIPPED]
    children = [n for n in names if n != "base.yaml"]
    case = Case(seed, number, source=rng.choices(["base.yaml", *children], [len(children), *[1] * len(children)])[0])
    kind = rng.choices(["tree", "text", "extends", "parent", "override"], [65, 15, 10, 5, 5])[0]
    if kind in ("extends", "parent"):
        (extends_case if kind == "extends" else parent_case)(rng, case, children)
        return case
    if kind == "tree":
        body = tree_case(rng, case, f"{case.stem}.yaml")
    else:
        body = case.reference[f"{case.stem}.yaml"] = shipped_text(case.source)
        if kind == "override":
            override_case(rng, case)
        else:
            for _ in range(rng.choices([1, 2], [3, 1])[0]):
                body = text_mutation(rng, body, case.mutations)
    case.files[f"{case.stem}.yaml"] = body
    return case


def prepare(workdir: Path) -> None:
    """Copies of the shipped scenarios in ``workdir/cases`` and the hostile targets in ``workdir/targets``."""
    (workdir / CASES).mkdir(parents=True, exist_ok=True)
    for path in SHIPPED:
        shutil.copyfile(path, workdir / CASES / path.name)
    make_targets(workdir / TARGETS)


def write_case(case: Case, workdir: Path) -> None:
    for name, body in case.files.items():
        (workdir / CASES / name).write_bytes(body)


def remove_case(case: Case, workdir: Path) -> None:
    for name in case.files:
        (workdir / CASES / name).unlink(missing_ok=True)


def main(argv: list[str]) -> int:
    """``python tests/fuzz_scenarios.py SEED NUMBER DIR``: write one case to replay it."""
    seed, number, workdir = int(argv[0]), int(argv[1]), Path(argv[2])
    prepare(workdir)
    case = make_case(seed, number)
    write_case(case, workdir)
    print(f"seed {seed} case {number} from {case.source}: {'; '.join(case.mutations)}")
    print(f"cd {workdir} && meedoen validate {case.entry}" + "".join(f" --set {text!r}" for text in case.overrides))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
