"""The fuzz test's worker: checks generated scenario files in one process, one JSON line per case.

    python tests/fuzz_worker.py SEED FIRST LAST WORKDIR MEMORY_BYTES

Started by ``test_fuzz.py`` with an address-space limit (so a file that eats memory fails here, not
the machine); the parent reads a ``begin`` line before each case and a result line after it, so a
case that hangs or kills the process is known by its number, and the parent starts a new worker
after it. Each case is checked by ``meedoen validate`` (its ``main``, in this process, for the exit code and
stderr), and a file that is accepted runs one replication at a small stock.
"""

from __future__ import annotations

import contextlib
import faulthandler
import io
import json
import math
import os
import resource
import sys
import time
import traceback
import unicodedata
import warnings
from pathlib import Path
from typing import Any

SMALL_STOCK = 30  # clients in the replication an accepted file runs (fewer if the file has fewer)


def _crash(error: BaseException) -> str:
    """The exception and the last frames of ours, in a few lines (enough to find the bug)."""
    frames = [f for f in traceback.extract_tb(error.__traceback__) if "simulation" in f.filename][-3:]
    where = "; ".join(f"{Path(f.filename).name}:{f.lineno} {f.name}" for f in frames)
    return f"{type(error).__name__}: {str(error)[:300]!r} at {where or 'outside simulation'}"


def _cli(argv: list[str]) -> tuple[int | str, str]:
    """``meedoen argv`` in this process: its exit code and stderr (a crash is its exception)."""
    from simulation.cli.main import main

    err = io.StringIO()
    try:
        with contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(err):
            code: int | str = main(argv)
    except SystemExit as exit_:
        code = exit_.code if isinstance(exit_.code, int) else str(exit_.code)
    return code, err.getvalue()


def refusal_problem(code: int | str, stderr: str, stem: str) -> str | None:
    """What is wrong with how the command line refused a file, or None: exit code 2, one line
    ``meedoen: error: ...`` that names the file, no control characters, no traceback."""
    lines = stderr.splitlines()
    if code != 2:
        return f"exit code {code!r}"
    if len(lines) != 1 or not stderr.endswith("\n"):
        return f"{len(lines)} lines on stderr"
    if not lines[0].startswith("meedoen: error: "):
        return "the line does not start with 'meedoen: error: '"
    if any(unicodedata.category(ch) in ("Cc", "Cs") for ch in lines[0]):
        return "a control character in the message"
    if stem not in lines[0] and "--set" not in lines[0]:
        return "the message does not name the file (or --set)"
    return None


def check(case: Any, seed: int) -> dict[str, Any]:
    """The result of one case: accepted (and ran), refused cleanly, or a failure with its detail."""
    try:
        code, stderr = _cli(["validate", case.entry, *[arg for text in case.overrides for arg in ("--set", text)]])
    except MemoryError as error:
        return {"status": "memory", "detail": _crash(error)}
    except Exception as error:  # noqa: BLE001 - every other exception is the finding
        return {"status": "traceback", "detail": _crash(error)}
    if code != 0:
        problem = refusal_problem(code, stderr, case.stem)
        if problem is None:
            return {"status": "refused", "message": stderr.strip()}
        return {"status": "bad refusal", "detail": f"{problem}: {stderr[-600:]!r}"}
    return small_run(case, seed)


def _odd_here(node: Any) -> str | None:
    if isinstance(node, float) and not math.isfinite(node):
        return str(node)
    if isinstance(node, dict) and len({str(key) for key in node}) < len(node):
        return f"keys that differ only in type: {list(node)[:8]}"
    return None


def _odd(node: Any, path: str = "") -> str | None:
    """A NaN or infinity, or two keys of one mapping that differ only in type (1 and "1"), or None."""
    found = _odd_here(node)
    if found:
        return f"{found} at {path or 'the top'}"
    items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
    for key, value in items:
        found = _odd(value, f"{path}.{key}" if path else str(key))
        if found:
            return found
    return None


def small_run(case: Any, seed: int) -> dict[str, Any]:
    """An accepted file holds no NaN, infinity or type-twin keys once resolved, and runs one
    replication at a small stock (scaled as tests and notebooks do)."""
    from simulation.errors import ScenarioError
    from simulation.model.run import run
    from simulation.scenario import load_scenario
    from simulation.scenario.scaling import scale_overrides

    try:
        loaded = load_scenario(case.entry, case.overrides)
        wrong = _odd(loaded.raw.data)  # what validation must refuse (issue 15 item 1)
        if wrong:
            return {"status": "accepted bad value", "detail": f"the resolved scenario holds {wrong}"}
        stock = loaded.model.population.initial_stock
        small = load_scenario(case.entry, [*case.overrides, *scale_overrides(case.entry, min(SMALL_STOCK, stock))])
    except ScenarioError as error:
        return {"status": "small version refused", "detail": str(error)[:600]}
    except Exception as error:  # noqa: BLE001
        return {"status": "scaling crash", "detail": _crash(error)}
    try:
        result = run(small, seed=seed, replication=0, event_log=True)
    except MemoryError as error:
        return {"status": "memory", "detail": _crash(error)}
    except Exception as error:  # noqa: BLE001
        return {"status": "run crash", "detail": _crash(error)}
    return {"status": "accepted", "events": result.simpy_events}


def main(argv: list[str]) -> int:
    seed, first, last, workdir, memory = int(argv[0]), int(argv[1]), int(argv[2]), Path(argv[3]), int(argv[4])
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    report = os.fdopen(os.dup(1), "w", buffering=1)
    os.dup2(os.open(os.devnull, os.O_WRONLY), 1)  # what the cases print goes nowhere; stderr stays the parent's log
    faulthandler.enable()
    os.chdir(workdir)
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    import fuzz_scenarios

    import simulation.cli.main  # noqa: F401 - imported before the first case, so its time is no case's
    import simulation.model.run  # noqa: F401

    with report:
        for number in range(first, last):
            report.write(json.dumps({"case": number, "begin": True}) + "\n")
            result = _one(fuzz_scenarios, seed, number, workdir)
            report.write(json.dumps({"case": number, **result}) + "\n")
            if result["status"] == "memory":  # a process that ran out of memory is not trusted with the next case
                return 3
    return 0


def _one(fuzz_scenarios: Any, seed: int, number: int, workdir: Path) -> dict[str, Any]:
    case = fuzz_scenarios.make_case(seed, number)
    fuzz_scenarios.write_case(case, workdir)
    started = time.process_time()
    try:
        with warnings.catch_warnings():  # Python's default filters, with the "once" memory of a fresh process
            result = check(case, seed)
    finally:
        fuzz_scenarios.remove_case(case, workdir)
    result["cpu_s"] = round(time.process_time() - started, 3)  # to find slow cases; never asserted
    return result


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
