"""Bad input never gives a traceback: one line naming file, key path and line, exit code 2.

Every error kind has a small scenario in ``tests/bad_scenarios/`` (or a ``--set``, or an
``--out`` folder). Each is checked twice: through the real command line (a subprocess of
``python -m simulation``, so the exit code and stderr are what users see) and through
``simulation.load_scenario`` (so scripts get the same file, key, line and hint as fields).

Starting Python and importing the package costs ~1-2 s per command, so the command-line cases
are started all at once in a module fixture and the tests only look at their results.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import yaml
from conftest import meedoen

import simulation
from simulation import ScenarioError, load_scenario
from simulation.cli.flags import for_command_line
from simulation.errors import escaped
from simulation.results.folders import check_output_dir
from simulation.scenario.bounds import MAX_COUNT, MAX_EFFECT, MAX_HAZARD_PER_YEAR, MAX_MONEY, MAX_MULTIPLIER
from simulation.scenario.distributions.parametric import MAX_LOGNORMAL_CV
from simulation.scenario.schema.clock_jobs import FIRST_DATE, LAST_DATE, MAX_RELEASE_EXPONENT
from simulation.scenario.schema.people import MAX_LEAVERS_HISTORY_YEARS
from simulation.scenario.shipped import shipped_hint
from simulation.scenario.yamlio import display_path

REPO = Path(__file__).resolve().parent.parent
BASE = REPO / "scenarios" / "base.yaml"
BAD = Path(__file__).resolve().parent / "bad_scenarios"
OVERRIDE_FILE = "--set"
BASE_SHOWN = display_path(BASE)


def base_line(text: str) -> int:
    """The line of scenarios/base.yaml that first holds ``text``, so the cases follow edits of base."""
    return next(i for i, line in enumerate(BASE.read_text(encoding="utf-8").splitlines(), 1) if text in line)

SMALL = (
    "--set", "population.initial_stock=300",
    "--set", "inflow.applications=60 per year",
    "--set", "clock.horizon=1 year",
    "--set", "clock.warmup=3 months",
    "--set", "clock.follow_up=6 months",
)
"""Overrides that make a run take about a second, for the runs that (should) get that far."""



HANG_GUARD = 120
"""Seconds a command or a load may take before it counts as hanging: a guard, not a speed test
(bad input is refused in a few seconds even on a busy machine)."""
MEMORY_GUARD = 1 << 30
"""Bytes of data the program may allocate in these tests (a small run needs ~150 MB), so that a
file that expands without limit fails the test instead of filling the machine."""
_GUARDED = (f"import resource, runpy; resource.setrlimit(resource.RLIMIT_DATA, ({MEMORY_GUARD}, {MEMORY_GUARD})); "
            "runpy.run_module('simulation', run_name='__main__', alter_sys=True)")
UNSAFE = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
"""Characters no error line may hold raw: control characters and escape codes, line separators,
bidirectional overrides (the line ends in one newline)."""


def guarded(*args: str) -> subprocess.CompletedProcess[str]:
    """``meedoen`` as conftest runs it, within MEMORY_GUARD; a run past HANG_GUARD is stopped and
    reported as such, so one hanging case fails alone."""
    argv = [sys.executable, "-c", _GUARDED, *args]
    try:
        return subprocess.run(argv, cwd=REPO, capture_output=True, text=True, timeout=HANG_GUARD,
                              env={**os.environ, "PYTHONWARNINGS": "ignore"})
    except subprocess.TimeoutExpired:
        return subprocess.CompletedProcess(argv, -9, "", f"still running after {HANG_GUARD} s (stopped)\n")


@contextmanager
def hang_guard(seconds: int = HANG_GUARD) -> Iterator[None]:
    """Fail, instead of waiting forever, when the block takes longer than ``seconds``."""
    def stop(signum: int, frame: object) -> None:
        pytest.fail(f"still loading after {seconds} s")

    previous = signal.signal(signal.SIGALRM, stop)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def one_error_line(proc: subprocess.CompletedProcess[str]) -> str:
    """The single ``meedoen: error: ...`` line of a failed command, after checking the contract."""
    assert proc.returncode == 2, f"exit code {proc.returncode}, stderr:\n{proc.stderr}"
    assert "Traceback" not in proc.stderr, proc.stderr
    lines = proc.stderr.splitlines()
    assert len(lines) == 1, f"expected one line on stderr, got {len(lines)}:\n{proc.stderr}"
    assert lines[0].startswith("meedoen: error: "), lines[0]
    assert not UNSAFE.search(proc.stderr.removesuffix("\n")), f"raw control characters in {lines[0]!r}"
    return lines[0]


def bad(name: str) -> str:
    """A bad scenario's path, exactly as messages show it."""
    return display_path(BAD / name)


def tree(path: Path) -> dict[str, bytes | None]:
    """Everything under ``path`` (relative name -> file bytes, None for folders), to compare."""
    if not path.exists():
        return {}
    if path.is_file():
        return {".": path.read_bytes()}
    return {str(p.relative_to(path)): (p.read_bytes() if p.is_file() else None) for p in sorted(path.rglob("*"))}


# ------------------------------------------------------------------ the bad scenarios


@dataclass(frozen=True)
class Case:
    """One kind of bad input and exactly what the error must say about it."""

    id: str
    scenario: str  # path given on the command line
    overrides: tuple[str, ...]
    file: str  # the file the error names ("--set" for overrides)
    key: str | None
    line: int | None
    fragments: tuple[str, ...]  # texts the message (with hint) must contain
    hint: str | None = None
    also_run: bool = False  # check `meedoen run` too (it must fail before writing anything)
    cli: bool = True  # False: a variant checked through the API only (each command costs ~1.5 s of CPU)
    api: bool = True  # False: a device that could fill the memory of the test process if ever read

    @property
    def args(self) -> tuple[str, ...]:
        return (self.scenario, *(a for o in self.overrides for a in ("--set", o)))

    @property
    def prefix(self) -> str:
        """How the one error line must start: file, line (when known) and key path."""
        where = self.file + (f":{self.line}" if self.line is not None else "")
        return escaped(f"meedoen: error: {where}: " + (f"key '{self.key}': " if self.key else ""))


CASES = [
    Case("unknown-key", bad("unknown_key.yaml"), (), bad("unknown_key.yaml"),
         "klantmanagers.casload", 5, ("unknown key",), hint="did you mean 'caseload'?", also_run=True),
    Case("wrong-type", bad("wrong_type.yaml"), (), bad("wrong_type.yaml"),
         "population.initial_stock", 5, ("whole number", "'lots'")),
    Case("probability-above-1", bad("probability_above_one.yaml"), (), bad("probability_above_one.yaml"),
         "sanctions.detection_probability", 5, ("between 0 and 1", "1.3")),
    Case("negative-count", bad("negative_count.yaml"), (), bad("negative_count.yaml"),
         "klantmanagers.count", 5, ("≥ 0", "-3")),
    Case("negative-slots", bad("negative_slots.yaml"), (), bad("negative_slots.yaml"),
         "services.netwerkconsulent.slots", 6, ("≥ 0", "-1")),
    Case("duration-without-unit", bad("duration_without_unit.yaml"), (), bad("duration_without_unit.yaml"),
         "clock.warmup", 5, ("needs a unit", "365")),
    Case("nested-duration-without-unit", bad("review_interval_no_unit.yaml"), (),
         bad("review_interval_no_unit.yaml"), "policy.groups.group3.review_interval", 7, ("needs a unit",), cli=False),
    Case("unknown-distribution", bad("unknown_distribution.yaml"), (), bad("unknown_distribution.yaml"),
         "population.time_since_last_contact", 5, ("unknown distribution 'gama'", "did you mean 'gamma'")),
    # loading a starts a, b, then a again: the error is raised in b, at b's extends line
    Case("extends-cycle", bad("cycle_a.yaml"), (), bad("cycle_b.yaml"), "extends", 2,
         ("extends cycle", f"{bad('cycle_a.yaml')} > {bad('cycle_b.yaml')} > {bad('cycle_a.yaml')}")),
    Case("duplicate-key", bad("duplicate_key.yaml"), (), bad("duplicate_key.yaml"),
         "klantmanagers.count", 7, ("duplicate key 'count'", "first at line 5")),
    Case("extends-missing-file", bad("missing_parent.yaml"), (), bad("missing_parent.yaml"), "extends", 3,
         ("does not exist", display_path(BAD / "../../scenarios/no_such_base.yaml"))),
    # a file named on the command line that is not there: the hint lists the shipped scenarios' names
    Case("file-not-found", bad("no_such_file.yaml"), (), bad("no_such_file.yaml"), None, None,
         ("file not found", "shipped scenarios: base, "), hint=shipped_hint(bad("no_such_file.yaml"))),
    Case("bad-indentation", bad("bad_indentation.yaml"), (), bad("bad_indentation.yaml"), None, 6,
         ("invalid YAML",)),
    # PyYAML notices the unclosed '{' on the next line; the message points back at its start
    Case("unclosed-bracket", bad("unclosed_bracket.yaml"), (), bad("unclosed_bracket.yaml"), None, 6,
         ("invalid YAML", "flow mapping started at line 5")),
    Case("unknown-group", bad("unknown_group.yaml"), (), bad("unknown_group.yaml"),
         "policy.phase_to_group.5", 10, ("unknown group 'groep4'", "group1")),
    Case("policy-change-bad-handler", bad("policy_change_bad_handler.yaml"), (), bad("policy_change_bad_handler.yaml"),
         "policy_changes.0.policy.groups.group3.handler", 9, ("'wijkteem' is not one of", "wijkteam")),
    Case("policy-change-before-start", bad("policy_change_before_start.yaml"), (), bad("policy_change_before_start.yaml"),
         "policy_changes.0.from", 5, ("2015-06-01 must be later than the clock's start (2016-01-01)",), cli=False),
    # the policy's own key is reported first; its copy inside the change keeps the same line
    Case("policy-change-inherited-bad", bad("policy_change_inherited_bad.yaml"), (), bad("policy_change_inherited_bad.yaml"),
         "policy.groups.group2.handler", 8, ("'wijkteem' is not one of", "(and 1 more problems"), cli=False),
    # YAML tricks (issue 15): refused while loading, at the line (and key, where it is known)
    Case("alias-bomb", bad("alias_bomb.yaml"), (), bad("alias_bomb.yaml"), None, 9,
         ("YAML aliases repeat more than 10,000 values",), cli=False, also_run=True, api=False),
    Case("alias-recursive", bad("alias_recursive.yaml"), (), bad("alias_recursive.yaml"), None, 4,
         ("recursive YAML alias",), cli=False),
    Case("deep-nesting", bad("deep_nesting.yaml"), (), bad("deep_nesting.yaml"), None, 4,
         ("nested deeper than 32 levels",), cli=False, also_run=True),
    Case("deep-aliases", bad("deep_aliases.yaml"), (), bad("deep_aliases.yaml"), None, 5 + 29,
         ("nested deeper than 32 levels",), cli=False),  # a_i holds *a_(i-1), i+1 levels deep: *a28 ends at 33
    Case("impossible-date", bad("impossible_date.yaml"), (), bad("impossible_date.yaml"), "clock.start", 5,
         ("'2016-02-30' is not a valid date", "day is out of range for month"), cli=False, also_run=True),
    Case("impossible-month", bad("impossible_month.yaml"), (), bad("impossible_month.yaml"), "clock.start", 5,
         ("'2016-13-01' is not a valid date", "month must be in 1..12"), cli=False),
    Case("timestamp-tag", bad("timestamp_tag.yaml"), (), bad("timestamp_tag.yaml"), "clock.start", 5,
         ("'not-a-date' is not a valid date",), cli=False),
    Case("int-tag", bad("int_tag.yaml"), (), bad("int_tag.yaml"), "klantmanagers.caseload", 5,
         ("'twelve' is not a whole number",), cli=False, also_run=True),
    Case("float-tag", bad("float_tag.yaml"), (), bad("float_tag.yaml"), "sanctions.detection_probability", 5,
         ("'abc' is not a number",), cli=False),
    Case("bool-tag", bad("bool_tag.yaml"), (), bad("bool_tag.yaml"), "assessment.reassess_on_contact", 5,
         ("'maybe' is not true or false",), cli=False),
    Case("python-tag", bad("python_tag.yaml"), (), bad("python_tag.yaml"), None, 4,
         ("YAML tag '!!python/object/apply:os.system' is not allowed",), cli=False, also_run=True),
    Case("set-tag", bad("set_tag.yaml"), (), bad("set_tag.yaml"), None, 5, ("YAML tag '!!set' is not allowed",),
         cli=False),
    Case("huge-integer", bad("huge_integer.yaml"), (), bad("huge_integer.yaml"), "klantmanagers.caseload", 5,
         ("a whole number with more than 4,300 digits",), cli=False, also_run=True),
    Case("huge-hex-integer", bad("huge_hex_integer.yaml"), (), bad("huge_hex_integer.yaml"),
         "klantmanagers.caseload", 5, ("a whole number with more than 4,300 digits",), cli=False),
    Case("float-overflow", bad("float_overflow.yaml"), (), bad("float_overflow.yaml"),
         "sanctions.detection_probability", 5, ("probability between 0 and 1", "(too large)"), cli=False,
         also_run=True),
    Case("distribution-overflow", bad("distribution_overflow.yaml"), (), bad("distribution_overflow.yaml"),
         "population.age", 5, ("parameter 'mean' must be finite",), cli=False),
    Case("rate-overflow", bad("rate_overflow.yaml"), (), bad("rate_overflow.yaml"),
         "work_exit.base_rate_by_phase.1", 6, ("too large to compute with",), cli=False),
    Case("control-chars-key", bad("control_chars_key.yaml"), (), bad("control_chars_key.yaml"),
         "klantmanagers.casload\x1b[2J", 5, ("unknown key",), hint="did you mean 'caseload'?", cli=False,
         also_run=True),
    Case("control-chars-value", bad("control_chars_value.yaml"), (), bad("control_chars_value.yaml"),
         "klantmanagers.caseload", 5, ("whole number", "'\\x1b[2J\\u202elots'"), cli=False, also_run=True),
    Case("duplicate-key-types", bad("duplicate_key_types.yaml"), (), bad("duplicate_key_types.yaml"),
         "policy.phase_to_group.1", 5, ("duplicate key '1' (first at line 5 as 1; both name one key)",), cli=False,
         also_run=True),
    Case("duplicate-key-across-files", bad("duplicate_key_across_files.yaml"), (),
         bad("duplicate_key_across_files.yaml"), "policy.phase_to_group.1", 6,
         ("duplicate key '1'", f"first in {display_path(BASE)}:", "as 1; both name one key"), cli=False),
    Case("nan-cutoff", bad("nan_cutoff.yaml"), (), bad("nan_cutoff.yaml"), "assessment.phase_cutoffs.0", 5,
         ("finite number", "nan"), cli=False, also_run=True),
    Case("inf-number", bad("inf_number.yaml"), (), bad("inf_number.yaml"), "work_exit.motivation_effect", 5,
         ("finite number", "-inf"), cli=False),
    Case("nan-text", bad("nan_text.yaml"), (), bad("nan_text.yaml"), "work_exit.motivation_effect", 5,
         ("finite number", "'nan'"), cli=False),
    Case("nan-rate", bad("nan_rate.yaml"), (), bad("nan_rate.yaml"), "work_exit.base_rate_by_phase.1", 6,
         ("expected a rate", "'nan per year'"), cli=False),
    Case("set-impossible-date", str(BASE), ("clock.start=2016-02-30",), OVERRIDE_FILE, "clock.start", None,
         ("'2016-02-30' is not a valid date",), cli=False),
    Case("set-alias-bomb", str(BASE), ("notes=[&a [1, 1, 1, 1, 1, 1, 1, 1, 1], &b [*a, *a, *a, *a, *a, *a, *a, *a, *a],"
                                       " &c [*b, *b, *b, *b, *b, *b, *b, *b, *b], &d [*c, *c, *c, *c, *c, *c, *c, *c, *c],"
                                       " [*d, *d, *d, *d, *d, *d, *d, *d, *d]]",),
         OVERRIDE_FILE, "notes", None, ("YAML aliases repeat more than 10,000 values",), cli=False),
    # extends and policy_from targets that are no scenario file: named at the line that names them
    Case("extends-directory", bad("extends_directory.yaml"), (), bad("extends_directory.yaml"), "extends", 2,
         (f"cannot extend {display_path(BAD)}: a directory, not a YAML file",), cli=False, also_run=True),
    Case("extends-device", bad("extends_device.yaml"), (), bad("extends_device.yaml"), "extends", 2,
         ("cannot extend /dev/zero: a character device, not a YAML file",), cli=False, also_run=True, api=False),
    Case("policy-from-device", bad("policy_from_device.yaml"), (), bad("policy_from_device.yaml"), "policy_from", 3,
         ("cannot take the policy from /dev/urandom: a character device",), cli=False, also_run=True, api=False),
    Case("extends-name-too-long", bad("extends_name_too_long.yaml"), (), bad("extends_name_too_long.yaml"),
         "extends", 2, (f"cannot extend {bad('aaaa')}", "...: cannot read file"), cli=False, also_run=True),
    Case("extends-null-byte", bad("extends_null_byte.yaml"), (), bad("extends_null_byte.yaml"), "extends", 2,
         (f"cannot extend {bad('base')}\\x00.yaml: the file name contains a null byte",), cli=False,
         also_run=True),
    Case("extends-binary", bad("extends_binary.yaml"), (), bad("extends_binary.yaml"), "extends", 2,
         (f"cannot extend {display_path(REPO / 'docs' / 'warmup_base.png')}: a binary file",), cli=False,
         also_run=True),
    Case("extends-not-utf8", bad("extends_not_utf8.yaml"), (), bad("extends_not_utf8.yaml"), "extends", 2,
         (f"cannot extend {bad('not_utf8.txt')}: file is not valid UTF-8 text (its line 1)",), cli=False),
    Case("extends-utf16", bad("extends_utf16.yaml"), (), bad("extends_utf16.yaml"), "extends", 2,
         (f"cannot extend {bad('utf16.txt')}: UTF-16 text; save it as UTF-8",), cli=False),
    Case("extends-not-a-mapping", bad("extends_not_a_mapping.yaml"), (), bad("extends_not_a_mapping.yaml"),
         "extends", 2, ("toplist.yaml: top level must be a mapping of keys, got a list",), cli=False,
         also_run=True),
    Case("extends-not-yaml", bad("extends_not_yaml.yaml"), (), bad("extends_not_yaml.yaml"), "extends", 2,
         (f"cannot extend {bad('not_yaml.toml')}: invalid YAML", "(its line 2)"), cli=False),
    Case("extends-empty", bad("extends_empty.yaml"), (), bad("extends_empty.yaml"), "extends", 2,
         ("empty.yaml: file is empty",), cli=False),
    Case("policy-from-not-a-mapping", bad("policy_from_not_a_mapping.yaml"), (), bad("policy_from_not_a_mapping.yaml"),
         "policy_from", 3, ("cannot take the policy from", "toplist.yaml: top level must be a mapping"), cli=False,
         also_run=True),
    Case("policy-from-directory", bad("policy_from_directory.yaml"), (), bad("policy_from_directory.yaml"),
         "policy_from", 3, ("cannot take the policy from", "a directory, not a YAML file"), cli=False),
    Case("set-unknown-key", str(BASE), ("klantmanagers.casload=3",), OVERRIDE_FILE,
         "klantmanagers.casload", None, ("unknown key",), hint="did you mean 'caseload'?"),
    Case("set-unknown-section", str(BASE), ("kantmanagers.count=3",), OVERRIDE_FILE,
         "kantmanagers", None, ("unknown key",), hint="did you mean 'klantmanagers'?", cli=False),
    Case("set-bad-value", str(BASE), ("klantmanagers.caseload=many",), OVERRIDE_FILE,
         "klantmanagers.caseload", None, ("whole number", "'many'"), also_run=True),
    Case("set-duration-without-unit", str(BASE), ("clock.warmup=30",), OVERRIDE_FILE,
         "clock.warmup", None, ("needs a unit",), cli=False),
    Case("set-unknown-group", str(BASE), ("policy.phase_to_group.5=groep4",), OVERRIDE_FILE,
         "policy.phase_to_group.5", None, ("unknown group 'groep4'",), cli=False),
    Case("set-without-equals", str(BASE), ("klantmanagers.count",), OVERRIDE_FILE, None, None,
         ("malformed override 'klantmanagers.count'",), hint="expected dotted.key=value", cli=False),
    # values that validated but could not run (issue 15): each bound says why
    Case("set-start-before-1900", str(BASE), ("clock.start=1601-01-01",), OVERRIDE_FILE, "clock.start", None,
         ("between 1900-01-01 and 2200-12-31, got 1601-01-01", "pandas timestamps"), also_run=True),
    Case("set-start-after-2200", str(BASE), ("clock.start=2261-06-01",), OVERRIDE_FILE, "clock.start", None,
         ("between 1900-01-01 and 2200-12-31, got 2261-06-01",), cli=False),
    Case("set-start-9999", str(BASE), ("clock.start=9999-12-31",), OVERRIDE_FILE, "clock.start", None,
         ("between 1900-01-01 and 2200-12-31, got 9999-12-31",), cli=False),
    Case("set-run-past-2200", str(BASE), ("clock.start=2198-01-01",), BASE_SHOWN, "clock.follow_up", base_line("  follow_up:"),
         ("start + horizon + follow_up must end by 2200-12-31", "got 4.0 years"), cli=False),
    Case("set-horizon-past-2200", str(BASE), ("clock.horizon=300 years",), OVERRIDE_FILE, "clock.horizon", None,
         ("start + horizon + follow_up must end by 2200-12-31",)),
    Case("set-400-digit-count", str(BASE), (f"services.wijkteam.target.volunteer_placements_per_year={10**400}",),
         OVERRIDE_FILE, "services.wijkteam.target.volunteer_placements_per_year", None,
         ("must be at most 2,000,000", "401 digits"), also_run=True),
    Case("set-count-above-bound", str(BASE), ("population.initial_stock=2000001",), OVERRIDE_FILE,
         "population.initial_stock", None, ("must be at most 2,000,000", "2000001"), cli=False),
    Case("set-400-digit-probability", str(BASE), (f"sanctions.detection_probability={10**400}",), OVERRIDE_FILE,
         "sanctions.detection_probability", None, ("(too large)",), cli=False),
    Case("set-400-digit-duration", str(BASE), (f"clock.follow_up=1{'0' * 400} years",), OVERRIDE_FILE,
         "clock.follow_up", None, ("a quantity too large to compute with",), cli=False),
    Case("set-hazard-above-bound", str(BASE), ("work_exit.base_rate_by_phase.1=53 per year",), OVERRIDE_FILE,
         "work_exit.base_rate_by_phase.1", None, ("must be at most 52 per year", "once a week"), cli=False),
    Case("set-applications-above-bound", str(BASE), ("inflow.applications=2000001 per year",), OVERRIDE_FILE,
         "inflow.applications", None, ("must be at most 2,000,000 per year",), cli=False),
    Case("set-half-life-zero", str(BASE), ("attention.decay_half_life=0 days",), OVERRIDE_FILE,
         "attention.decay_half_life", None, ("must be at least 1 day",), cli=False),
    Case("set-history-too-long", str(BASE), ("population.leavers_history=51 years",), OVERRIDE_FILE,
         "population.leavers_history", None, ("must be at most 50 years", "past pension age"), cli=False),
    Case("set-money-beyond-a-trillion", str(BASE), ("budgets.wmo.annual_amount=€2,000,000,000,000 per year",),
         OVERRIDE_FILE, "budgets.wmo.annual_amount", None, ("must be at most €1,000,000,000,000 per year",), cli=False),
    Case("set-earnings-beyond-a-float", str(BASE), ("part_time.release_effect=0",
                                                    "part_time.earnings_per_month={dist: fixed, value: 1.0e+308}"),
         OVERRIDE_FILE, "part_time.earnings_per_month", None, ("must stay well below €83,333,333,333 a month",), cli=False),
    Case("set-caseload-review-zero", str(BASE), ("klantmanagers.caseload_review=0 days",), OVERRIDE_FILE,
         "klantmanagers.caseload_review", None, ("must be at least 1 day", "never let the run's clock move on"),
         cli=False),
    Case("set-contacts-too-close", str(BASE), ("policy.groups.group1.contact_interval.mean=0.5 days",), BASE_SHOWN,
         "policy.groups.group1.contact_interval", base_line('contact_interval: {dist: exponential, mean: "2 months"}'),
         ("must be at least 1 day on average", "a mean of 0.5 days"),
         cli=False),
    Case("set-lognormal-too-wide", str(BASE), ("jobs.types.stable.duration.sd=700 years",), BASE_SHOWN,
         "jobs.types.stable.duration", base_line('duration: {dist: lognormal, mean: "6 years"'),
         ("sd must be at most 100 × the mean",), cli=False),
]
CLI_RUNS = [(case, "validate") for case in CASES if case.cli] + [(case, "run") for case in CASES if case.also_run]


@dataclass
class Outcome:
    """A finished command and the folder it was told to write to (``run`` only)."""

    proc: subprocess.CompletedProcess[str]
    out: Path | None


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], Outcome]:
    """All command-line cases, started in parallel: each pays ~1.5 s to start Python and import."""
    jobs: dict[tuple[str, str], tuple[Sequence[str], Path | None]] = {}
    for case, command in CLI_RUNS:
        if command == "validate":
            jobs[case.id, command] = (("validate", *case.args), None)
        else:
            out = tmp_path_factory.mktemp(f"run-{case.id}") / "out"
            jobs[case.id, command] = (("run", *case.args, *SMALL, "--out", str(out)), out)
    with ThreadPoolExecutor(max_workers=max(2, 2 * (os.cpu_count() or 1))) as pool:
        futures = {key: pool.submit(guarded, *argv) for key, (argv, _) in jobs.items()}
        return {key: Outcome(futures[key].result(), jobs[key][1]) for key in jobs}


@pytest.mark.parametrize(("case", "command"), CLI_RUNS, ids=[f"{c}-{case.id}" for case, c in CLI_RUNS])
def test_cli_reports_one_line_with_file_key_and_line(
    outcomes: dict[tuple[str, str], Outcome], case: Case, command: str
) -> None:
    """Users see exit code 2 and one line that says where the problem is, never a traceback."""
    outcome = outcomes[case.id, command]
    line = one_error_line(outcome.proc)
    assert line.startswith(case.prefix), f"expected {case.prefix!r}...\ngot {line!r}"
    for text in case.fragments:
        assert text in line
    if case.hint:
        assert line.endswith(f" ({case.hint})")
    assert outcome.proc.stdout == ""  # nothing half-printed before the error
    if outcome.out is not None:  # a failing run writes nothing, not even beside --out
        assert not outcome.out.exists()
        assert sorted(p.name for p in outcome.out.parent.iterdir()) == []


API_CASES = [case for case in CASES if case.api]


@pytest.mark.parametrize("case", API_CASES, ids=[case.id for case in API_CASES])
def test_load_scenario_raises_scenario_error_with_fields(case: Case) -> None:
    """Scripts calling the API get the same facts as fields, not only as text."""
    with pytest.raises(ScenarioError) as info, hang_guard():
        load_scenario(case.scenario, overrides=list(case.overrides))
    error = info.value
    if case.file == OVERRIDE_FILE:  # the API names its argument; only the command line says --set
        assert (error.file, error.argument) == (None, "overrides")
    else:
        assert error.file == case.file
    assert error.key == case.key
    assert error.line == case.line
    assert error.hint == case.hint
    for text in case.fragments:
        assert text in str(error)
    assert simulation.ScenarioError is ScenarioError  # the one error type, exported at the top


def test_every_bad_scenario_file_is_covered() -> None:
    """A new file in bad_scenarios/ without a case here would silently test nothing."""
    used = {Path(case.scenario).name for case in CASES} | {"cycle_b.yaml"}
    assert {p.name for p in BAD.glob("*.yaml")} <= used
    targets = {p.name for p in BAD.iterdir() if p.suffix != ".yaml"}  # files that only a case extends
    assert targets == {name for case in CASES for text in case.fragments for name in targets if name in text}


@pytest.mark.parametrize(("name", "value"), [("probability_above_one.yaml", "1.3"), ("duration_without_unit.yaml", "365")])
def test_bad_value_is_quoted_once(name: str, value: str) -> None:
    """One line should say the bad value once: '..., got 1.3 (got 1.3)' reads like a stutter."""
    with pytest.raises(ScenarioError) as info:
        load_scenario(BAD / name)
    assert info.value.message.count(value) == 1, info.value.message


# ------------------------------------------------------------------ paths that are no scenario file


SPECIAL = {
    # id: (the file given to `meedoen run`, the file and line the error names, its key, a text it must hold)
    "extends-fifo": ("extends_pipe.yaml", "extends_pipe.yaml", 2, "extends",
                     "cannot extend {root}/pipe.yaml: a named pipe (FIFO), not a YAML file"),
    "policy-from-fifo": ("policy_from_pipe.yaml", "policy_from_pipe.yaml", 3, "policy_from",
                         "cannot take the policy from {root}/pipe.yaml: a named pipe (FIFO), not a YAML file"),
    "extends-symlink-loop": ("extends_loop.yaml", "extends_loop.yaml", 2, "extends",
                             "cannot extend {root}/loop_a.yaml: cannot read file: a symbolic link loop"),
    "run-fifo": ("pipe.yaml", "pipe.yaml", None, None, "a named pipe (FIFO), not a YAML file"),
    "run-symlink-loop": ("loop_a.yaml", "loop_a.yaml", None, None, "cannot read file: a symbolic link loop"),
    "run-directory": ("folder", "folder", None, None, "a directory, not a YAML file"),
    "run-device": ("/dev/zero", "/dev/zero", None, None, "a character device, not a YAML file"),
}


def special_files(root: Path) -> Path:
    """A named pipe (reading it waits for a writer forever), a symlink loop, a folder, and scenario
    files that extend them or take their policy from them. Files git cannot hold, so made here."""
    os.mkfifo(root / "pipe.yaml")
    (root / "loop_a.yaml").symlink_to("loop_b.yaml")
    (root / "loop_b.yaml").symlink_to("loop_a.yaml")
    (root / "folder").mkdir()
    (root / "extends_pipe.yaml").write_text("# extends a named pipe\nextends: pipe.yaml\n")
    (root / "policy_from_pipe.yaml").write_text(f"# its policy from a named pipe\nextends: {BASE}\npolicy_from: pipe.yaml\n")
    (root / "extends_loop.yaml").write_text("# extends a symlink loop\nextends: loop_a.yaml\n")
    return root


@pytest.fixture(scope="module")
def special_outcomes(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Outcome], dict, dict]:
    """Every SPECIAL case through `meedoen run --out`, at once; the folder before and after."""
    root = special_files(tmp_path_factory.mktemp("special"))
    before = tree(root)
    outs = {case: tmp_path_factory.mktemp(f"special-{case}") / "out" for case in SPECIAL}
    with ThreadPoolExecutor(max_workers=max(2, 2 * (os.cpu_count() or 1))) as pool:
        futures = {case: pool.submit(guarded, "run", str(root / given), *SMALL, "--out", str(outs[case]))
                   for case, (given, *_) in SPECIAL.items()}
        outcomes = {case: Outcome(future.result(), outs[case]) for case, future in futures.items()}
    return root, outcomes, before, tree(root)


@pytest.mark.parametrize("case", SPECIAL)
def test_run_refuses_a_path_that_is_no_scenario_file_at_once(special_outcomes: tuple, case: str) -> None:
    """A named pipe, a device, a folder or a symlink loop, given or extended: one line naming the file
    and line that hold the ``extends`` or ``policy_from`` and the target, nothing read, nothing written."""
    root, outcomes, before, after = special_outcomes
    _, named, line, key, text = SPECIAL[case]
    outcome = outcomes[case]
    error = one_error_line(outcome.proc)
    where = display_path(root / named) + (f":{line}" if line else "")
    assert error.startswith(f"meedoen: error: {where}: " + (f"key '{key}': " if key else "")), error
    assert text.format(root=display_path(root)) in error
    assert outcome.proc.stdout == "" and outcome.out is not None
    assert list(outcome.out.parent.iterdir()) == []  # no results, no partial folder beside them
    assert after == before


def test_load_scenario_refuses_a_named_pipe_without_waiting(tmp_path: Path) -> None:
    """Through the API too: a FIFO without a writer is refused, not waited on (SIGALRM guards the test)."""
    root = special_files(tmp_path)
    with pytest.raises(ScenarioError) as info, hang_guard(60):
        load_scenario(root / "extends_pipe.yaml")
    assert (info.value.file, info.value.key, info.value.line) == (display_path(root / "extends_pipe.yaml"), "extends", 2)
    assert "a named pipe (FIFO)" in info.value.message


# ------------------------------------------------------------------ --out folders


@dataclass
class OutCase:
    """A ``run --out`` target that cannot or must not be written, and the start of the error."""

    id: str
    target: Path
    watch: Path  # the folder whose contents must be exactly the same afterwards
    message: str
    hint: str = "choose another --out"


@dataclass
class OutOutcome:
    case: OutCase
    proc: subprocess.CompletedProcess[str]
    before: dict[str, bytes | None]
    after: dict[str, bytes | None]


def _out_cases(root: Path) -> Iterator[OutCase]:
    """Set up each bad --out target in its own folder under ``root``."""
    for name in ("parent-is-file", "deeper-below-file", "target-is-file", "holds-a-file"):
        (root / name).mkdir()
        (root / name / "afile").write_text("not a folder\n")
    yield OutCase("parent-is-file", root / "parent-is-file" / "afile" / "out", root / "parent-is-file",
                  "cannot create it")
    yield OutCase("deeper-below-file", root / "deeper-below-file" / "afile" / "deeper" / "out",
                  root / "deeper-below-file", "cannot create it")
    yield OutCase("target-is-file", root / "target-is-file" / "afile", root / "target-is-file",
                  "exists and is not a folder")
    (root / "holds-a-file" / "results").mkdir()
    (root / "holds-a-file" / "results" / "notes.txt").write_text("my own notes, keep them\n")
    yield OutCase("holds-a-file", root / "holds-a-file" / "results", root / "holds-a-file",
                  "already holds results; not overwriting them", "choose another --out, or add --overwrite")
    # root is not stopped by file modes, but nobody can make folders in /proc
    yield OutCase("proc", Path("/proc/meedoen-out"), Path("/proc"), "cannot write here")


OUT_IDS = ["parent-is-file", "deeper-below-file", "target-is-file", "holds-a-file", "proc"]
CLI_OUT_IDS = ["parent-is-file", "target-is-file", "holds-a-file", "proc"]  # deeper-below-file: API only


def _proc_entries() -> dict[str, bytes | None]:
    """Names in /proc that a failed run could have left (the target, probes, partial folders)."""
    return {p.name: None for p in Path("/proc").iterdir() if "meedoen" in p.name or "partial" in p.name}


@pytest.fixture(scope="module")
def out_outcomes(tmp_path_factory: pytest.TempPathFactory) -> dict[str, OutOutcome]:
    """Every bad --out case, run in parallel, with its watched folder before and after."""
    cases = [c for c in _out_cases(tmp_path_factory.mktemp("out-cases")) if c.id in CLI_OUT_IDS]
    snap = {c.id: (_proc_entries() if c.id == "proc" else tree(c.watch)) for c in cases}
    with ThreadPoolExecutor(max_workers=len(cases)) as pool:
        futures = {c.id: pool.submit(meedoen, "run", str(BASE), *SMALL, "--out", str(c.target)) for c in cases}
        procs = {key: future.result() for key, future in futures.items()}
    return {
        c.id: OutOutcome(c, procs[c.id], snap[c.id], _proc_entries() if c.id == "proc" else tree(c.watch))
        for c in cases
    }


@pytest.mark.parametrize("case_id", CLI_OUT_IDS)
def test_run_refuses_bad_out_folder_before_running(out_outcomes: dict[str, OutOutcome], case_id: str) -> None:
    """An --out that cannot be used fails in a second, not after the run, and writes nothing."""
    outcome = out_outcomes[case_id]
    line = one_error_line(outcome.proc)
    target = display_path(outcome.case.target)
    assert line.startswith(f"meedoen: error: {target}: {outcome.case.message}"), line
    assert line.endswith(f" ({outcome.case.hint})"), line
    assert outcome.proc.stdout == ""  # refused before the run: no headline printed
    assert outcome.after == outcome.before  # existing files untouched, no .partial / probe folders
    if case_id == "proc":
        assert not Path("/proc/meedoen-out").exists()


def test_existing_results_untouched_when_refused(out_outcomes: dict[str, OutOutcome]) -> None:
    """The refusal protects the user's files byte for byte."""
    outcome = out_outcomes["holds-a-file"]
    assert (outcome.case.target / "notes.txt").read_text() == "my own notes, keep them\n"
    assert sorted(p.name for p in outcome.case.target.iterdir()) == ["notes.txt"]


@pytest.mark.parametrize("case_id", [i for i in OUT_IDS if i != "proc"])
def test_check_output_dir_api_raises_scenario_error(tmp_path: Path, case_id: str) -> None:
    """Scripts using the output module get the same ScenarioError, naming the folder."""
    case = next(c for c in _out_cases(tmp_path) if c.id == case_id)
    before = tree(case.watch)
    with pytest.raises(ScenarioError) as info:
        check_output_dir(case.target, overwrite=False)
    assert info.value.file == str(case.target)
    assert info.value.message.startswith(case.message)
    assert for_command_line(info.value).hint == case.hint  # the API's hint, as the command line says it
    assert (info.value.key, info.value.line) == (None, None)
    assert tree(case.watch) == before


def test_overwrite_replaces_only_earlier_results(tmp_path: Path) -> None:
    """--overwrite passes a folder of earlier results (it has a manifest) but never one of other files."""
    case = next(c for c in _out_cases(tmp_path) if c.id == "holds-a-file")
    with pytest.raises(ScenarioError, match="not meedoen results"):
        check_output_dir(case.target, overwrite=True)
    (case.target / "manifest.json").write_text("{}")
    assert check_output_dir(case.target, overwrite=True) == case.target


# ------------------------------------------------------------------ --out . (the current folder)


def test_out_current_folder_with_overwrite_keeps_the_users_files(tmp_path: Path) -> None:
    """`--out . --overwrite` can never rename results onto '.', so it must refuse, not delete."""
    work = tmp_path / "work"
    work.mkdir()
    (work / "data.txt").write_text("precious\n")
    proc = meedoen("run", str(BASE), *SMALL, "--out", ".", "--overwrite", cwd=work)
    assert (work / "data.txt").exists(), "the user's file in the current folder was deleted"
    one_error_line(proc)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["work"]  # no .partial left beside it


# ------------------------------------------------------------------ bad options


def test_bad_option_value_exits_2_without_traceback() -> None:
    """argparse's own errors keep the contract: exit 2, the error on the last line, no traceback."""
    proc = meedoen("run", str(BASE), "--seed", "abc")
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert proc.stderr.splitlines() == ["meedoen: error: argument --seed: expected a whole number from 0 to "
                                        "9223372036854775807, got 'abc' (see meedoen run --help)"]


@pytest.mark.parametrize(("argv", "line"), [
    ([], "the following arguments are required: command (see meedoen --help)"),
    (["frob"], "invalid choice: 'frob'"),
    (["run", "x.yaml", "--reps", "3"], "unrecognized arguments: --reps 3 (see meedoen run --help)"),
    (["compare", "a.yaml", "--frob"], "unrecognized arguments: --frob (see meedoen compare --help)"),
])
def test_an_option_error_points_to_the_help_of_the_command_typed(argv: list[str], line: str,
                                                                 capsys: pytest.CaptureFixture[str]) -> None:
    """The help named is one that exists: ``meedoen --help`` or the subcommand's, never ``meedoen meedoen``."""
    from simulation.cli import main

    with pytest.raises(SystemExit) as stopped:
        main(argv)
    assert stopped.value.code == 2
    [printed] = capsys.readouterr().err.splitlines()
    assert printed.startswith("meedoen: error: ") and line in printed and "meedoen meedoen" not in printed
    assert printed.endswith("--help)")


def test_small_overrides_are_valid() -> None:
    """Sanity for the cases above: the small overrides themselves are valid (else every run would fail)."""
    loaded = load_scenario(BASE, overrides=[SMALL[i + 1] for i in range(0, len(SMALL), 2)])
    assert json.loads(loaded.resolved_json)["population"]["initial_stock"] == 300


# ------------------------------------------------------------------ validated means runnable

TINY = REPO / "tests" / "scenarios" / "tiny_tilburg.yaml"
TINY_RUN_DAYS = 822
"""tiny_tilburg's horizon and follow-up: 15 months and a year (821.8 days)."""
AT_THE_BOUNDS = [
    f"clock.start={FIRST_DATE}",
    f"clock.start={LAST_DATE - dt.timedelta(days=TINY_RUN_DAYS)}",  # the latest start that still ends in time
    f"services.wijkteam.target.volunteer_placements_per_year={MAX_COUNT}",
    f"work_exit.base_rate_by_phase.1={MAX_HAZARD_PER_YEAR} per year",
    f"work_exit.motivation_effect={MAX_EFFECT}",
    f"part_time.motivation_effect={-MAX_EFFECT}",
    f"work_exit.duration_bands.0.multiplier={MAX_MULTIPLIER}",
    "attention.decay_half_life=1 day",
    f"population.leavers_history={MAX_LEAVERS_HISTORY_YEARS} years",
    "klantmanagers.caseload_review=1 day",
    f"budgets.wmo.annual_amount=€{MAX_MONEY:.0f} per year",
    f"personal_budget.amount=€{MAX_MONEY:.0f}",
    "policy.groups.group1.contact_interval={dist: exponential, mean: '1 day'}",
    f"jobs.types.flex.duration={{dist: lognormal, mean: '1 day', sd: '{MAX_LOGNORMAL_CV} days'}}",
    f"part_time.release_effect={math.floor(MAX_RELEASE_EXPONENT * 100 / 530 * 1e6) / 1e6}",  # × mean earnings €530 ÷ €100
]


@pytest.mark.parametrize("override", AT_THE_BOUNDS)
def test_values_at_the_bounds_run(override: str) -> None:
    """A value the schema accepts, up to its bound, runs a replication: the bounds sit below where a run
    overflowed, hung or crashed (pandas' dates, NumPy's Poisson, math.exp, a half-life that never moves on)."""
    from simulation.outcomes.headline import headline_values
    from simulation.outcomes.profiles import replication_profile

    result = simulation.run(load_scenario(TINY, [override, "services.wijkteam.target.pressure=1"]), seed=1)  # with its event log
    replication_profile(result)
    assert headline_values(result)["average_stock"] > 0 and len(result.tables["events"]) > 0


@pytest.mark.parametrize("value", [3e306, 5e-05, 1.5, 2e6, 1e-300, 0.0, 12.3456789])
def test_yaml_float_reads_back_as_the_float(value: float) -> None:
    """PyYAML reads ``3e+306`` as text (YAML 1.1 wants a point and a signed exponent); what scaling writes
    reads back as the number it wrote."""
    from simulation.scenario.intensity import yaml_float

    read = yaml.safe_load(yaml_float(f"{value:.6g}"))
    assert isinstance(read, (int, float)) and not isinstance(read, bool)
    assert read == pytest.approx(value, rel=1e-5)


def test_load_scaled_writes_numbers_the_loader_reads(tmp_path: Path) -> None:
    """Scaling a team of half a post down 10,000-fold gives 5e-05 posts and 1,000,000 posts up twofold
    2e+06: both were text to YAML (and refused as 'not a number'); both load as numbers now."""
    path = tmp_path / "teams.yaml"
    path.write_text(f"extends: {BASE}\nservices: {{wijkteam: {{staff: 0.5}}, homecoach: {{staff: 1000000}}}}\n")
    down, up = simulation.load_scaled(path, 1).model, simulation.load_scaled(path, 20000).model
    assert down.services["wijkteam"].staff == pytest.approx(5e-05)
    assert up.services["homecoach"].staff == pytest.approx(2e6)


@pytest.mark.parametrize("size", [0, -1, 10**400, 2.5, True, 2_000_001])
def test_load_scaled_refuses_a_size_that_is_no_count_of_clients(size: object) -> None:
    with pytest.raises(ScenarioError, match="must be a whole number from 1 to 2,000,000") as error:
        simulation.load_scaled(BASE, size)  # type: ignore[arg-type]
    assert error.value.argument == "initial_stock"


@pytest.mark.parametrize("overrides", [
    ["population.initial_stock=0", "inflow.applications=0 per year"],  # nobody, ever
    ["other_exits.pension_age=1"],  # everybody past pension age: the stock is empty before the window
])
def test_a_world_without_clients_runs(overrides: list[str]) -> None:
    """A valid scenario whose world is empty (or empties) runs: the tables are empty, the average stock
    is 0, and every rate per client is undefined (NaN), not a division by zero."""
    from simulation.outcomes.headline import headline_values

    result = simulation.run(load_scenario(TINY, overrides), seed=1)
    values = headline_values(result)
    assert values["average_stock"] == 0
    assert math.isnan(values["exits_to_work_pct_stock"]) and math.isnan(values["activation_cost_per_client_year"])


def test_decades_on_benefit_with_a_negative_effect_give_no_chance_to_volunteer() -> None:
    """The chance to volunteer is logistic in years on benefit: 60 years at the most negative effect
    allowed is a logit of -1,200, whose exponential overflows a float; the chance is 0, not a crash."""
    from conftest import load_small

    scenario = load_small(REPO / "scenarios" / "tilburg_experiment.yaml", [
        f"experiment.volunteering.years_on_benefit_effect={-MAX_EFFECT}",
        "population.initial_duration={dist: fixed, value: '60 years'}"], stock=200)
    result = simulation.run(scenario, seed=1, event_log=False)
    invited = result.tables["invitations"]
    never = invited["propensity"] == 0.0  # the initial stock, 60 years on benefit
    assert never.any() and not invited.loc[never, "volunteered"].any()


def test_a_release_factor_beyond_a_float_is_refused() -> None:
    """exp(release_effect × mean earnings ÷ €100) multiplies the start of part-time work: with €1m a month it
    overflowed when the run began; the schema now says why."""
    with pytest.raises(ScenarioError, match="must be at most 40 in size, got 3000") as error:
        load_scenario(BASE, ["policy.earnings_release.cap=null", "policy.earnings_release.share=1",
                             "part_time.earnings_per_month={dist: normal, mean: 1000000, sd: 10, low: 0, high: 2000000}"])
    assert error.value.key == "part_time"
