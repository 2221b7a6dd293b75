"""A fuzz test of our own (issue 15, item 7): thousands of bad and odd scenario files, each refused
with one clean line or accepted and runnable.

``fuzz_scenarios.py`` makes the files by mutating the shipped scenarios (deleted, misspelled and
duplicated keys, wrong types, extreme numbers, broken units, bad dates, YAML tricks, hostile
``extends`` targets); every case is a function of a fixed seed and its number, so a failure replays
on its own (``python tests/fuzz_scenarios.py SEED NUMBER DIR``). ``fuzz_worker.py`` checks the cases
in batches in a worker process with an address-space limit; this module starts the workers, gives
a case that hangs the worker (or kills it) a generous time-out as a guard, and starts a new worker
after it. For each case: ``meedoen validate`` exits 0, or exits 2 with one line that names the file
and no traceback; and every accepted file runs one replication at a small stock without an
exception. Nothing is written next to the files.
"""

from __future__ import annotations

import difflib
import json
import os
import queue
import subprocess
import sys
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import fuzz_scenarios
import pytest

ROOT = Path(__file__).resolve().parent.parent
WORKER = Path(__file__).resolve().parent / "fuzz_worker.py"
SEED = 15  # fixed: the number
CASES = 2000
MEMORY = 2 * 1024**3  # the address space a worker may use (a scenario that needs more is a finding)
GUARD_S = 120.0  # a guard against a hanging case only; a case takes well under a second
WORKERS = 2


def _lines(stream: Any, into: queue.Queue) -> None:
    for line in stream:
        into.put(line)
    into.put(None)


def _worker(seed: int, first: int, last: int, workdir: Path, log: Path) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
           "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
    with log.open("a") as err:
        return subprocess.Popen([sys.executable, str(WORKER), str(seed), str(first), str(last), str(workdir), str(MEMORY)],
                                stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=err, text=True, env=env,
                                start_new_session=True)  # no controlling terminal: `extends: /dev/tty` cannot wait for a key


def _session(seed: int, first: int, last: int, workdir: Path, results: dict[int, dict]) -> int:
    """One worker from case ``first`` on, until it finishes, dies or hangs; returns the next case to do."""
    log = workdir / f"worker_{first}.log"
    proc = _worker(seed, first, last, workdir, log)
    lines: queue.Queue = queue.Queue()
    threading.Thread(target=_lines, args=(proc.stdout, lines), daemon=True).start()
    current, following = None, first
    while True:
        try:
            line = lines.get(timeout=GUARD_S)
        except queue.Empty:
            proc.kill()
            proc.wait()
            if current is None:
                raise RuntimeError(f"the fuzz worker started at case {first} and hung between cases") from None
            results[current] = {"status": "hang", "detail": f"no answer in {GUARD_S:.0f} s"}
            break
        if line is None:
            code = proc.wait()
            if current is not None:
                tail = log.read_text(errors="replace")[-800:]
                results[current] = {"status": "died", "detail": f"worker exit {code}: {tail!r}"}
            elif following == first and code != 0:
                raise RuntimeError(f"the fuzz worker failed before its first case: {log.read_text()[-2000:]}")
            break
        message = json.loads(line)
        if message.get("begin"):
            current = message["case"]
        else:
            results[message["case"]] = message
            current, following = None, message["case"] + 1
    if current is not None:
        fuzz_scenarios.remove_case(fuzz_scenarios.make_case(seed, current), workdir)
        return current + 1
    return following


def run_cases(seed: int, count: int, workdir: Path) -> dict[int, dict]:
    """Every case's result, from ``WORKERS`` workers over consecutive shares of the cases."""
    fuzz_scenarios.prepare(workdir)
    results: dict[int, dict] = {}
    bounds = [count * i // WORKERS for i in range(WORKERS + 1)]

    def share(first: int, last: int) -> None:
        while first < last:
            first = _session(seed, first, last, workdir, results)

    with ThreadPoolExecutor(WORKERS) as pool:
        for done in [pool.submit(share, a, b) for a, b in zip(bounds, bounds[1:])]:
            done.result()
    return results


def _shown(line: str) -> str:
    """A diff line with control characters escaped and long lines cut."""
    text = line.rstrip("\n").encode("unicode_escape").decode("ascii")
    return text[:200] + ("..." if len(text) > 200 else "")


def describe(seed: int, number: int, result: dict) -> str:
    """A failure as the replay needs it: seed, case, what was done, the files as diffs, the result."""
    case = fuzz_scenarios.make_case(seed, number)
    out = [f"seed {seed} case {number} ({case.source}; {'; '.join(case.mutations)}): {result['status']}: "
           f"{result.get('detail', '')}",
           f"  replay: python tests/fuzz_scenarios.py {seed} {number} DIR && cd DIR && meedoen validate {case.entry}"
           + "".join(f" --set {text!r}" for text in case.overrides)]
    for name, body in case.files.items():
        before = case.reference.get(name, b"").decode("utf-8", "replace").splitlines()
        after = body.decode("utf-8", "replace").splitlines()
        diff = list(difflib.unified_diff(before, after, "shipped", name, n=1, lineterm=""))[2:]
        out += [f"  {name}:"] + [f"    {_shown(d)}" for d in diff[:30]] + (["    ..."] if len(diff) > 30 else [])
    return "\n".join(out)


def failure_report(seed: int, results: dict[int, dict], shown: int = 12) -> str:
    failures = {n: r for n, r in sorted(results.items()) if r["status"] not in ("accepted", "refused")}
    counts = Counter(r["status"] for r in results.values())
    lines = [f"{len(failures)} of {len(results)} cases failed ({dict(counts)})"]
    lines += [describe(seed, n, r) for n, r in list(failures.items())[:shown]]
    lines += [f"seed {seed} case {n}: {r['status']}: {r.get('detail', '')[:200]}" for n, r in list(failures.items())[shown:]]
    return "\n".join(lines)


@pytest.mark.slow
def test_bad_and_odd_scenario_files_are_refused_in_one_line_or_run(tmp_path: Path) -> None:
    results = run_cases(SEED, CASES, tmp_path)
    assert sorted(results) == list(range(CASES))
    counts = Counter(r["status"] for r in results.values())
    print(f"fuzz seed {SEED}: {dict(counts)}")
    assert counts["accepted"] + counts["refused"] == CASES, failure_report(SEED, results)
    assert counts["accepted"] >= CASES // 10, "too few files accepted: the generator tests the run too little"
    left = sorted(p.name for p in (tmp_path / fuzz_scenarios.CASES).iterdir())
    assert left == sorted(p.name for p in fuzz_scenarios.SHIPPED), "something was written next to the scenarios"


# ---- the harness itself: replayable cases, an honest dump, and the checks can fail ---------------


def test_a_case_is_a_function_of_seed_and_number() -> None:
    again = [fuzz_scenarios.make_case(SEED, n) for n in (0, 7, 1999)]
    assert [c.files for c in again] == [fuzz_scenarios.make_case(SEED, n).files for n in (0, 7, 1999)]
    assert fuzz_scenarios.make_case(SEED, 7).files != fuzz_scenarios.make_case(SEED + 1, 7).files
    assert all(c.mutations for c in again)


@pytest.mark.parametrize("path", fuzz_scenarios.SHIPPED, ids=lambda p: p.name)
def test_the_dump_of_an_unmutated_file_reads_back_as_the_same_data(path: Path) -> None:
    """Else a "mutation" could be the dump's own doing."""
    import yaml

    tree = fuzz_scenarios.shipped_tree(path.name)
    assert yaml.safe_load(fuzz_scenarios.dump(tree, {})) == tree


@pytest.mark.parametrize(("code", "stderr", "problem"), [
    (2, "meedoen: error: cases/case_00001.yaml:3: key 'a': bad\n", None),
    (1, "Traceback (most recent call last):\n  ...\nValueError: x\n", "exit code 1"),
    (2, "meedoen: error: cases/case_00001.yaml: a\nb\n", "2 lines on stderr"),
    (2, "meedoen: error: cases/case_00001.yaml: a\u2028b\n", "2 lines on stderr"),
    (2, "meedoen: error: cases/case_00001.yaml: \x1b[31mred\n", "a control character in the message"),
    (2, "meedoen: error: targets/binary.yaml:1: not UTF-8\n", "the message does not name the file (or --set)"),
    (2, "meedoen: error: --set 'a.b=1': key 'a.b': unknown key\n", None),
    (2, "error: cases/case_00001.yaml\n", "the line does not start with 'meedoen: error: '"),
])
def test_a_refusal_is_one_clean_line_naming_the_file(code: int, stderr: str, problem: str | None) -> None:
    from fuzz_worker import refusal_problem

    assert refusal_problem(code, stderr, "case_00001") == problem


def test_an_accepted_nan_or_a_key_given_as_two_types_is_found() -> None:
    from fuzz_worker import _odd

    assert _odd({"a": {"b": [1.0, float("nan")]}}) == "nan at a.b.1"
    assert _odd({"p": {1: "group1", "1": "group3"}}) is not None
    assert _odd({"p": {1: "group1", 2: "group3"}, "q": [0.5, "x"]}) is None


FAKE_WORKER = '''
import json, os, sys, time
first, last = int(sys.argv[2]), int(sys.argv[3])
for n in range(first, last):
    print(json.dumps({"case": n, "begin": True}), flush=True)
    if n == 1:
        time.sleep(3600)
    if n == 2:
        os._exit(7)
    print(json.dumps({"case": n, "status": "accepted"}), flush=True)
'''


def test_a_hanging_or_dying_case_is_reported_and_the_rest_still_run(tmp_path: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    fake = tmp_path / "fake_worker.py"
    fake.write_text(FAKE_WORKER)
    monkeypatch.setattr(sys.modules[__name__], "WORKER", fake)
    monkeypatch.setattr(sys.modules[__name__], "GUARD_S", 5.0)  # the fake's case 1 sleeps an hour
    results = run_cases(SEED, 4, tmp_path)
    assert {n: r["status"] for n, r in results.items()} == {0: "accepted", 1: "hang", 2: "died", 3: "accepted"}
    assert "worker exit 7" in results[2]["detail"]
